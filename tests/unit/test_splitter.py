"""The splitter cuts statements at `;` outside quotes and comments and knows where each starts."""

from __future__ import annotations

import pytest

from mcshell.sql.splitter import Chunk, StatementSplitter, content_start, split_statements


def texts(script: str) -> list[str]:
    return [c.text for c in split_statements(script.splitlines(keepends=True))]


def test_semicolons_in_quotes_and_comments_do_not_split():
    script = "A 'x;y' \"p;q\" `r;s`; -- c;d\nB /* e;\n f */ C;\nD"
    assert texts(script) == ["A 'x;y' \"p;q\" `r;s`", " -- c;d\nB /* e;\n f */ C", "\nD"]


def test_escaped_quotes_stay_inside_strings():
    assert texts("A 'it\\'s;' ; B") == ["A 'it\\'s;' ", " B"]


def test_empty_statements_and_trailing_comments_are_skipped():
    assert texts(";; -- only\n ;\n/* c */") == []


def test_positions_count_from_the_start_of_the_whole_input():
    first, second = split_statements(["ONE;\n", "  TWO\n", "  THREE;"])
    assert (first.line, first.col) == (1, 1)
    assert second.position(content_start(second.text)) == (2, 3)
    assert second.position(second.text.index("THREE")) == (3, 3)


def test_an_open_quote_at_the_end_is_reported_where_it_opened():
    (chunk,) = split_statements(["DESC MODEL 'm\n", "more"])
    assert chunk.open_quote == 11 and not chunk.terminated


@pytest.mark.parametrize(
    "typed, pending",
    [
        ("SHOW MODELS", "no ';' yet"),
        ("DESC 'x", "open quote '"),
        ("/* c", "open comment"),
        ("SHOW MODELS;", None),
        ("", None),
    ],
)
def test_pending_says_why_input_is_still_open(typed, pending):
    splitter = StatementSplitter()
    list(splitter.feed(typed))
    assert splitter.pending == pending


def test_chunk_position_of_the_first_line_adds_the_start_column():
    assert Chunk("abc", line=4, col=10).position(2) == (4, 12)

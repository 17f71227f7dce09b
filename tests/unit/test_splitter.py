"""The splitter cuts statements at `;` outside quotes and comments and knows where each starts."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as hs

from mcshell.sql.dialect import TokenError, TokenType, tokenize
from mcshell.sql.source import text_lines
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
    assert chunk.open_at == 11 and not chunk.terminated


def test_an_open_comment_after_the_last_semicolon_is_a_statement_left_open_where_it_opened():
    # Was: dropped, as a comment-only statement is, and the script ended as if done.
    first, second = split_statements(["DESC MODEL m;\n", "/* old block\n", "DROP MODEL m;\n"])
    assert first.text == "DESC MODEL m"
    assert second.text[second.open_at :] == "/* old block\nDROP MODEL m;\n"
    assert second.position(second.open_at) == (2, 1)


@pytest.mark.parametrize("script", ["A; /* open", "A; -- c\n/* open\n", "A /* open", "A; 'open", "A; `x"])
def test_whatever_is_left_open_at_the_end_is_marked_at_its_opening(script):
    last = list(split_statements(script.splitlines(keepends=True)))[-1]
    assert last.open_at is not None and last.text[last.open_at] in "/'`"


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


# -- nothing is dropped: a property over any script ------------------------------------------------
_PIECES = hs.sampled_from(
    [";", " ", "\n", "\r", "'", '"', "`", "\\", "/*", "*/", "--", "-", "/", "*", "a", "WHOAMI", "x;y", "'q'", "/* c */"]
    + ['R"(', ')"', "#"]
)


def _lines(script: str) -> list[str]:
    return text_lines(script)


def _offsets(script: str) -> list[int]:
    """Where each line of `script` starts in it."""
    starts = [0]
    for line in _lines(script):
        starts.append(starts[-1] + len(line))
    return starts


def _blank(text: str) -> bool:
    """Only blanks, closed comments and `;`."""
    try:
        return all(token.token_type is TokenType.SEMICOLON for token in tokenize(text))
    except TokenError:
        return False


@settings(max_examples=100, deadline=None)
@given(hs.lists(_PIECES, max_size=25).map("".join))
@example("DESC MODEL m;\n/* old block\nDROP MODEL m;\n")
def test_the_statements_and_what_is_left_open_cover_all_but_blanks_comments_and_semicolons(script):
    starts = _offsets(script)
    chunks = list(split_statements(_lines(script)))
    covered = [False] * len(script)
    for chunk in chunks:
        begin = starts[chunk.line - 1] + chunk.col - 1
        assert script[begin : begin + len(chunk.text)] == chunk.text
        covered[begin : begin + len(chunk.text)] = [True] * len(chunk.text)
        assert not _blank(chunk.text) or chunk.open_at is not None
    gaps = "".join("\0" if covered[i] else c for i, c in enumerate(script)).split("\0")
    # Outside the statements: their `;` and blank or comment-only stretches, nothing else.
    assert all(_blank(gap) for gap in gaps)
    # Input that ends inside a quote or a comment ends with a statement marked open there.
    ends_open = StatementSplitter()
    for line in _lines(script):
        list(ends_open.feed(line))
    if ends_open.pending not in (None, "no ';' yet"):
        assert chunks and chunks[-1].open_at is not None


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 1 AS a -- c\r, 2 AS b",
        "WHOAMI -- c\r; DROP MODEL m",
        "/* a /* b */ WHOAMI",
        "/* a /* b */ SELECT 1 AS a",
    ],
)
def test_the_parsers_end_a_comment_where_the_splitter_does(text):
    # Was: sqlglot's tokenizers ended it at a \r too, and nested `/*` comments, and so read as code
    # what the splitter had taken for a comment, or as a comment what it had taken for code.
    from mcshell.sql.parser import parse
    from mcshell.sql.statements import Select, WhoAmI

    statement = parse(Chunk(text))
    assert isinstance(statement, (Select, WhoAmI))
    if isinstance(statement, Select):
        assert [e.alias for e in statement.query.expressions] == ["a"]

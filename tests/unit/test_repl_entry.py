"""When Enter runs an entry, and what the continuation prompt says while it does not."""

from __future__ import annotations

import pytest

from mcshell.repl.entry import (
    continuation_prompt,
    entry_statements,
    is_leave_word,
    statement_text,
    waiting_reason,
)


@pytest.mark.parametrize(
    "entry, reason",
    [
        ("", None),
        ("   \n", None),
        ("SHOW MODELS;", None),
        ("SHOW MODELS; WHOAMI;  ", None),
        ("SHOW MODELS; -- all of them", None),
        ("-- only a comment", None),
        ("SHOW MODELS", "no ';' yet"),
        ("SHOW MODELS; WHOAMI", "no ';' yet"),
        ("CREATE MODEL m WITH VERSION v OPTIONS(a='b'", "open parenthesis"),
        ("CREATE MODEL m WITH VERSION v OPTIONS(a='b')", "no ';' yet"),
        ("CREATE MODEL m WITH VERSION v INPUT(a decimal(10,", "open parenthesis"),
        ("COMMENT 'it; is", "open quote '"),
        ('COMMENT "(', 'open quote "'),
        ("DESC MODEL `a;", "open quote `"),
        ("DESC /* a; (", "open comment"),
        ("DESC /* a; ( */ MODEL m;", None),
        ("WHOAMI; DESC MODEL m -- a ; in a comment", "no ';' yet"),
        ("CREATE MODEL m WITH VERSION v OPTIONS(a=';'", "open parenthesis"),
    ],
)
def test_waiting_reason(entry, reason):
    assert waiting_reason(entry) == reason


def test_the_continuation_prompt_says_why_under_the_project_name():
    assert continuation_prompt("my_project", ["CREATE MODEL m"]) == "      no ;> "
    assert continuation_prompt("my_project", ["CREATE MODEL m WITH VERSION v OPTIONS("]) == "    open (> "
    assert continuation_prompt("my_project", ["... COMMENT 'line one"]) == "    open '> "
    assert continuation_prompt("my_project", ["/* a", "b"]) == "   open /*> "
    assert continuation_prompt("abc", ["x"]) == "no ;> "  # wider than a short project name
    assert continuation_prompt("my_project", ["WHOAMI;"]) == "          > "


def test_entry_statements_count_lines_and_columns_from_the_entry():
    chunks = entry_statements("WHOAMI;  DESC\nMODEL m; -- done")

    assert [(c.text, c.line, c.col) for c in chunks] == [
        ("WHOAMI", 1, 1),
        ("  DESC\nMODEL m", 1, 8),
    ]


@pytest.mark.parametrize("entry, leaves", [("quit", True), (" EXIT ", True), ("quit;", False), ("quitter", False)])
def test_quit_or_exit_alone_leaves(entry, leaves):
    assert is_leave_word(entry) is leaves


def test_statement_text_is_the_statement_on_one_line():
    (chunk,) = entry_statements("  drop model\n   IF EXISTS m ;")
    assert statement_text(chunk) == "drop model IF EXISTS m"


def test_an_entry_is_cut_into_lines_at_line_feeds_only():
    # Was: str.splitlines, which also cut at \r: a `--` comment ended there and the DROP ran.
    assert [c.text for c in entry_statements("WHOAMI; -- c\rDROP MODEL m;\n")] == ["WHOAMI"]

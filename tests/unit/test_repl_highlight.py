"""Highlighting comes from the dialect's tokens: what sqlglot reads as a keyword, a string, a
number, a name or (between tokens) a comment."""

from __future__ import annotations

from prompt_toolkit.document import Document

from mcshell.repl.highlight import (
    COMMENT,
    KEYWORD,
    NAME,
    NUMBER,
    STRING,
    DialectLexer,
    highlight_spans,
)


def styled(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], style) for start, end, style in highlight_spans(text)]


def test_keywords_names_strings_numbers_and_comments():
    text = "CREATE MODEL m -- the model\nWITH VERSION `v-1` OPTIONS(x = 'a\\'s', n=12) /* end */"

    assert styled(text) == [
        ("CREATE", KEYWORD), ("MODEL", KEYWORD), ("m", NAME), ("-- the model", COMMENT),
        ("WITH", KEYWORD), ("VERSION", KEYWORD), ("`v-1`", NAME), ("OPTIONS", KEYWORD),
        ("x", NAME), ("'a\\'s'", STRING), ("n", NAME), ("12", NUMBER), ("/* end */", COMMENT),
    ]  # fmt: skip


def test_an_open_quote_or_comment_is_highlighted_to_the_end():
    assert styled("COMMENT 'still\ntyping") == [("COMMENT", KEYWORD), ("'still\ntyping", STRING)]
    assert styled("DESC /* not\ndone") == [
        ("DESC", KEYWORD),
        ("/* not", COMMENT),
        ("done", COMMENT),
    ]


def test_the_lexer_gives_each_line_its_fragments():
    lines = DialectLexer().lex_document(Document("DESC MODEL m;\nWHOAMI;"))

    assert lines(0) == [
        (KEYWORD, "DESC"),
        ("", " "),
        (KEYWORD, "MODEL"),
        ("", " "),
        (NAME, "m"),
        ("", ";"),
    ]
    assert lines(1) == [(KEYWORD, "WHOAMI"), ("", ";")]
    assert lines(2) == []


def test_strings_are_coloured_as_written_even_where_the_parser_joins_or_refuses_them():
    # The parser joins adjacent strings and refuses an ambiguous escape; the colours follow the text.
    assert styled("SELECT 'a' /* c */ 'b'") == [
        ("SELECT", KEYWORD), ("'a'", STRING), ("/* c */", COMMENT), ("'b'", STRING),
    ]  # fmt: skip
    assert styled("DESC 'a\\101'") == [("DESC", KEYWORD), ("'a\\101'", STRING)]

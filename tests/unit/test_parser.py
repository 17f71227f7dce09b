"""The parser builds typed statements; offsets do not take part in equality, so tests compare meaning."""

from __future__ import annotations

import pytest

from mcshell.errors import ParseError, UnsupportedStatement
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk


def one(text: str) -> st.Statement:
    return parse(Chunk(text))


def test_create_model_with_every_clause():
    statement = one(
        "create model if not exists p.default.`M` with version V1 input(a int, b decimal(10,2), "
        "c array<struct<x:map<string,bigint>>>) with options(model_source_type='IMPORT', LOCATION=\"o\") "
        "comment 'it\\'s'"
    )
    assert statement == st.CreateModel(
        st.ModelRef(st.Ident("M"), project=st.Ident("p"), schema=st.Ident("default")),
        st.VersionSpec(
            st.Ident("V1"),
            (
                st.Column(st.Ident("a"), st.DataType("INT")),
                st.Column(st.Ident("b"), st.DataType("DECIMAL", (10, 2))),
                st.Column(
                    st.Ident("c"),
                    st.DataType(
                        "ARRAY",
                        children=(
                            st.DataType(
                                "STRUCT",
                                children=(st.DataType("MAP", children=(st.DataType("STRING"), st.DataType("BIGINT"))),),
                                fields=(st.Ident("x"),),
                            ),
                        ),
                    ),
                ),
            ),  # fmt: skip
            (
                st.Option(st.Ident("model_source_type"), st.Text("IMPORT")),
                st.Option(st.Ident("LOCATION"), st.Text("o")),
            ),
            st.Text("it's"),
        ),
        if_not_exists=True,
    )
    assert statement.version.inputs[2].type.sql() == "array<struct<x:map<string,bigint>>>"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ALTER MODEL m SET DEFAULT_VERSION = v2", st.SetDefaultVersion(st.ModelRef(st.Ident("m")), st.Ident("v2"))),
        ("ALTER MODEL m DROP VERSION 2", st.DropVersion(st.ModelRef(st.Ident("m")), st.Ident("2"))),
        ("alter model m add version 1a", st.AddVersion(st.ModelRef(st.Ident("m")), st.VersionSpec(st.Ident("1a")))),
        ("DROP MODEL IF EXISTS p.m", st.DropModel(st.ModelRef(st.Ident("m"), project=st.Ident("p")), True)),
        ("DESCRIBE MODEL m VERSION v", st.DescModel(st.ModelRef(st.Ident("m")), st.Ident("v"))),
        ("SHOW MODELS LIKE 'a%'", st.ShowModels(st.Text("a%"))),
        ("SHOW VERSIONS FOR MODEL m", st.ShowVersions(st.ModelRef(st.Ident("m")))),
        ("USE p1", st.Use(st.Ident("p1"))),
        ("whoami", st.WhoAmI()),
        ("SET odps.sql.type.system.odps2 = true", st.SetVariable("odps.sql.type.system.odps2", "true")),
        ("HELP alter model", st.Help("ALTER MODEL")),
        ("exit", st.Quit()),
    ],
)
def test_statements(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize(
    "text, message, offset",
    [
        ("CREATE MODEL m WITH VERSION", "expected a version name, found end of statement", 27),
        ("CREATE MODEL m WITH VERSION v INPUT()", "expected a column name, found ')'", 36),
        ("CREATE MODEL m WITH VERSION v OPTIONS(a = 1)", "expected a quoted option value, found '1'", 42),
        ("CREATE MODEL m WITH VERSION v OPTIONS(a 'x')", "expected '=', found string 'x'", 40),
        ("CREATE MODEL m WITH VERSION v COMMENT 'c' INPUT(a int)", "INPUT must come before OPTIONS and COMMENT", 42),
        ("CREATE MODEL m WITH VERSION v WITH COMMENT 'c'", "expected 'OPTIONS', found 'COMMENT'", 35),
        ("ALTER MODEL m RENAME TO n", "expected ADD VERSION, SET DEFAULT_VERSION or DROP VERSION, found 'RENAME'", 14),
        ("DESC MODEL m extra", "expected ';', found 'extra'", 13),
        ("DESC MODEL a.b.c.d", "expected ';', found '.'", 16),
        ("SET novalue", "expected <key>=<value> after SET", 4),
        ("DESC MODEL 'm'", "expected a model name, found string 'm'", 11),
        ("CREATE MODEL m WITH VERSION v INPUT(a ARRAY<INT)", "expected ',' or '>', found ')'", 47),
        ("CREATE MODEL m WITH VERSION v INPUT(a DECIMAL(x))", "expected a number, found 'x'", 46),
        ("DESC MODEL 'm", "unterminated quote ': no closing ' before the end of the input", 11),
    ],
)
def test_syntax_errors_say_what_was_expected_and_found(text, message, offset):
    chunk = Chunk(text, open_at=text.find("'") if text.count("'") % 2 else None)
    with pytest.raises(ParseError) as raised:
        parse(chunk)
    assert (raised.value.message, raised.value.offset) == (message, offset)


@pytest.mark.parametrize(
    "text",
    [
        "UPDATE t SET a = 1",
        "CREATE VIEW v AS SELECT 1",
        "CREATE TABLE t AS SELECT 1",
        "`desc` MODEL m",
        "LIST TABLES",
        "42",
    ],
)
def test_other_statements_are_unsupported(text):
    with pytest.raises(UnsupportedStatement):
        one(text)


HASH_MESSAGE = "'#' does not start a comment in MaxCompute SQL: use -- or /* */"


@pytest.mark.parametrize(
    "text, offset",
    [("# comment", 0), ("\n  #", 3), ("WHOAMI # note", 7), ("DESC MODEL m #x", 13), ("SELECT 1 # c", 9)],
)
def test_a_hash_is_no_comment_and_the_error_says_so(text, offset):
    # Was: "unsupported statement 'COMMENT'" (or 'HASH', "expected ';', found '#'"), and
    # --skip-unsupported skipped it as if it were some other SQL.
    with pytest.raises(ParseError) as raised:
        parse(Chunk(text))
    assert type(raised.value) is ParseError
    assert (raised.value.message, raised.value.offset) == (HASH_MESSAGE, offset)

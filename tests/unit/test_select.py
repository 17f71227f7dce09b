"""SELECT statements through sqlglot's own Hive parser, with or without sqlglotc: every call of the nine
model functions is found, wherever it stands, with where each argument starts."""

from __future__ import annotations

import pytest

from mcshell.errors import ParseError, SemanticError
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.select import parse_select
from mcshell.sql.splitter import Chunk


def names(select: st.Select) -> list[str]:
    return [call.function for call in select.calls]


@pytest.mark.parametrize("function", st.MODEL_FUNCTIONS)
def test_each_function_is_found_in_maxcompute_shape(function):
    # AI_GENERATE, AI_SIMILARITY and AI_CLASSIFY are sqlglot builders of other vendors' shapes; AI_CLASSIFY
    # with four arguments is refused by the stock parser: all nine come out as the call as written.
    sql = f"SELECT {function}(m, DEFAULT_VERSION, 'text', ARRAY('a', 'b'), '{{}}') AS r"
    (call,) = parse_select(sql).calls
    assert call.function == function
    assert [part.text for part in call.model] == ["m"] and call.version == st.Ident("DEFAULT_VERSION")
    assert [arg.kind for arg in call.args] == ["constant", "array", "constant"]
    assert [sql[arg.offset] for arg in call.args] == ["'", "A", "'"]


def test_calls_are_found_in_the_select_list_where_nested_and_in_subqueries():
    sql = (
        "SELECT AI_SUMMARIZE(m, v1, AI_TRANSLATE(m, v1, body, 'en')) "
        "FROM (SELECT ML_PREDICT(t, v2, a) p, body FROM x) q "
        "WHERE AI_SIMILARITY(m, v1, body, 'x') > 0.5 AND id IN (SELECT AI_CLASSIFY(m, v1, y, ARRAY('a', 'b')) FROM z)"
    )
    select = parse_select(sql)
    assert names(select) == ["AI_SUMMARIZE", "AI_TRANSLATE", "ML_PREDICT", "AI_SIMILARITY", "AI_CLASSIFY"]
    assert [call.index for call in select.calls] == [0, 1, 2, 3, 4]
    assert select.calls[0].args[0] == st.Arg("call", name="AI_TRANSLATE")
    assert select.source == "tables" and select.table == st.Ident("x")


def test_model_names_in_one_to_three_parts_backquoted_or_not():
    sql = "SELECT ML_PREDICT(p.churn, 2, 1), AI_GENERATE(bigdata_public_modelset.default.`qwen3-max`, v1, 'x')"
    first, second = parse_select(sql).calls
    assert [part.text for part in first.model] == ["p", "churn"] and first.version == st.Ident("2")
    assert [part.text for part in second.model] == ["bigdata_public_modelset", "default", "qwen3-max"]
    assert sql[second.model_offset :].startswith("bigdata_public_modelset")
    assert sql[second.version_offset :].startswith("v1")


@pytest.mark.parametrize(
    "written, arg",
    [
        ("1", st.Arg("constant", type="INT", value=1)),
        ("10000000000", st.Arg("constant", type="BIGINT", value=10000000000)),
        ("9223372036854775807", st.Arg("constant", type="BIGINT", value=9223372036854775807)),
        ("9223372036854775808", st.Arg("constant", type="DOUBLE", value=9.223372036854775808e18)),  # past BIGINT
        ("-2.5", st.Arg("constant", type="DOUBLE", value=-2.5)),
        ("0.22438f", st.Arg("constant", type="FLOAT", value=0.22438)),
        ("10L", st.Arg("constant", type="BIGINT", value=10)),
        ("'x'", st.Arg("constant", type="STRING", value="x")),
        ("TRUE", st.Arg("constant", type="BOOLEAN", value=True)),
        ("NULL", st.Arg("null")),
        ("CAST('a' AS BINARY)", st.Arg("constant", type="BINARY", value="a")),
        ("CAST(c AS DOUBLE)", st.Arg("expression", type="DOUBLE")),
        ("age", st.Arg("column", name="age")),
        ("t.Age", st.Arg("column", name="age")),
        ("age + 1", st.Arg("expression")),
        ("ARRAY('a', NULL)",
         st.Arg("array", type="ARRAY<STRING>", items=(st.Arg("constant", type="STRING", value="a"), st.Arg("null")))),
    ],
)  # fmt: skip
def test_what_the_checks_know_of_an_argument(written, arg):
    (call,) = parse_select(f"SELECT ML_PREDICT(m, v1, {written})").calls
    assert call.args == (arg,)


def test_values_give_their_columns_the_types_of_the_first_row():
    select = parse_select("SELECT a FROM VALUES (30, 12.5, 'x', NULL), (41, 0.5, 'y', 1) t(age, spend, name, n)")
    assert select.source == "values"
    assert select.columns == {"age": "INT", "spend": "DOUBLE", "name": "STRING", "n": ""}


def test_values_need_their_column_names():
    with pytest.raises(SemanticError) as raised:
        parse_select("SELECT 1 FROM VALUES (1, 2) t(a)")
    assert raised.value.message == "FROM VALUES needs a table alias naming its 2 columns: VALUES (...) t(c1, ...)"


@pytest.mark.parametrize(
    "sql, source",
    [("SELECT 1", "none"), ("SELECT a FROM VALUES (1) t(a)", "values"), ("SELECT * FROM t", "tables"),
     ("WITH c AS (SELECT 1 a) SELECT a FROM c", "other"), ("SELECT 1 UNION ALL SELECT 2", "other")],
)  # fmt: skip
def test_what_a_select_reads(sql, source):
    assert parse_select(sql).source == source


def test_the_session_parser_hands_select_and_with_to_sqlglot():
    for text in ("SELECT 1", "  -- a comment\n  select 1", "WITH c AS (SELECT 1 a) SELECT a FROM c"):
        assert isinstance(parse(Chunk(text)), st.Select)
    with pytest.raises(ParseError):  # SELECTED is a word of its own, not SELECT
        parse(Chunk("SELECTED 1"))


def test_a_syntax_error_is_a_parse_error_at_its_token():
    with pytest.raises(ParseError) as raised:
        parse_select("SELECT ML_PREDICT(m, v1, 1 FROM t")
    assert raised.value.offset is not None and raised.value.offset > 0
    assert "\x1b" not in raised.value.message  # no terminal colours from sqlglot's own message


def test_the_columns_a_statement_names_leave_out_models_and_versions():
    select = parse_select("SELECT x, ML_PREDICT(churn,v1,a,b) AS p FROM VALUES (1, 2, 3) t(x,a,b) ORDER BY p LIMIT 1")
    assert [ref.key for ref in select.column_refs] == ["x", "a", "b"]

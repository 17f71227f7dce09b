"""SELECT over tables computes every integer result it would print or test, and refuses one past its type's range
wherever the evaluator of VALUES does (MaxCompute 2.0 reports an error for an overflow: docs/local-evaluation.md),
however DuckDB's optimizer rewrites the condition or short-circuits AND, OR and NULL."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from table_sessions import run, table_session

PAST = "FAILED: ODPS-0130071:[1,{}] Semantic analysis exception - mcshell does not run this SELECT locally: {}\n"


@pytest.fixture
def session(catalog):
    s = table_session(
        catalog,
        [
            "CREATE TABLE w (a INT, f BOOLEAN);\n",
            "INSERT INTO w VALUES (2147483647, TRUE), (-2147483648, FALSE);\n",
            "CREATE TABLE u (i INT, b BIGINT);\n",
            "INSERT INTO u VALUES (1, 0), (5, -9223372036854775807);\n",
            "CREATE TABLE o (a INT);\n",
            "CREATE TABLE h (a INT, b BIGINT, f BOOLEAN);\n",
        ],
    )
    yield s
    s.close()


INT_PAST = "2147483648 is past INT's range: MaxCompute 2.0 reports an overflow"


@pytest.mark.parametrize(
    "sql, column, reason",
    [
        ("SELECT COUNT(*) FROM w WHERE a + 1 > 0;", 30, INT_PAST),
        ("SELECT COUNT(*) FROM w WHERE -a > 0;", 31, INT_PAST),
        ("SELECT COUNT(*) FROM w WHERE a < 0 AND a + 1 > 5;", 40, INT_PAST),
        ("SELECT COUNT(*) FROM w WHERE f OR a + a > 0;", 35, "4294967294 " + INT_PAST[11:]),
        ("SELECT NULL * (a + a) FROM w;", 16, "4294967294 " + INT_PAST[11:]),
        ("SELECT COUNT(*) FROM w WHERE (a + NULL) = (a + a);", 44, "4294967294 " + INT_PAST[11:]),
        ("SELECT COUNT(*) FROM w x JOIN w y ON x.a + 1 > 0;", 40, INT_PAST),
        ("SELECT COUNT(*) FROM w HAVING MAX(a) + 1 > 0;", 31, INT_PAST),
        (
            "SELECT i FROM u WHERE 1 - b > 0;",
            23,
            "9223372036854775808 is past BIGINT's range: MaxCompute 2.0 reports an overflow",
        ),
        ("SELECT a % 0 FROM w;", 8, "% by zero (what MaxCompute gives is not documented)"),
        (
            "SELECT SUM(b - 1) FROM u;",
            8,
            "-9223372036854775809 is past BIGINT's range: MaxCompute 2.0 reports an overflow",
        ),
    ],
)
def test_an_integer_result_past_its_range_is_refused_however_duckdb_would_rewrite_it(session, sql, column, reason):
    assert run(session, sql) == ("", PAST.format(column, reason))


def test_insert_select_writes_no_row_where_a_result_is_past_its_range(session):
    assert run(session, "INSERT INTO o SELECT a FROM w WHERE a + 1 > 5;") == ("", PAST.format(37, INT_PAST))
    assert run(session, "SELECT COUNT(*) FROM o;") == ("+-----+\n| _c0 |\n+-----+\n| 0   |\n+-----+\n", "OK\n")


def test_results_in_range_and_three_valued_logic_still_answer(session):
    assert run(
        session, "SELECT a - 1, a % 3, f AND a - 1 > 0, f OR a - 1 < 0, NULL > a - 1 FROM w WHERE a > 0 LIMIT 5;"
    ) == (
        "+------------+-----+------+------+------+\n"
        "| _c0        | _c1 | _c2  | _c3  | _c4  |\n"
        "+------------+-----+------+------+------+\n"
        "| 2147483646 | 1   | true | true | NULL |\n"
        "+------------+-----+------+------+------+\n",
        "OK\n",
    )


# -- the table path against the evaluator of VALUES, on the same rows ----------------------------------------
_INTS = ("0", "1", "2", "(-1)", "2147483647", "(-2147483648)", "NULL")
_CELLS = {"a": ("0", "1", "-2", "2147483647", "-2147483648", "NULL"), "b": ("0", "3", "-9223372036854775807", "NULL")}


def _integer_expressions() -> st.SearchStrategy[str]:
    leaves = st.sampled_from(("a", "b", *_INTS))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from("+-*%"), inner),
            st.builds(lambda x: f"(-{x})", inner),
        ),
        max_leaves=4,
    )


def _conditions() -> st.SearchStrategy[str]:
    integers = _integer_expressions()
    leaves = st.one_of(
        st.just("f"),
        st.builds(lambda x, op, y: f"({x} {op} {y})", integers, st.sampled_from(("=", "<", ">=", "<>")), integers),
        st.builds(lambda x: f"({x} IS NULL)", integers),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from(("AND", "OR")), inner),
            st.builds(lambda x: f"(NOT {x})", inner),
        ),
        max_leaves=4,
    )


_ROWS = st.lists(
    st.tuples(st.sampled_from(_CELLS["a"]), st.sampled_from(_CELLS["b"]), st.sampled_from(("TRUE", "FALSE", "NULL"))),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_ROWS, item=_integer_expressions(), test=_conditions(), where=_conditions())
def test_the_table_path_answers_as_values_does_or_refuses(session, rows, item, test, where):
    values = ", ".join(f"(CAST({a} AS INT), CAST({b} AS BIGINT), CAST({f} AS BOOLEAN))" for a, b, f in rows)
    plain = ", ".join(f"({a}, {b}, {f})" for a, b, f in rows)
    assert run(session, f"INSERT OVERWRITE TABLE h VALUES {plain};") == ("", "OK\n")
    query = f"SELECT {item}, {test} FROM {{}} WHERE {where};"
    expected = run(session, query.format(f"VALUES {values} t(a, b, f)"))
    found = run(session, query.format("h"))
    if expected[1] == "OK\n" and found[1] == "OK\n":
        assert found == expected
    elif " is past " in expected[1] or " by zero " in expected[1]:
        assert found[0] == "" and found[1].startswith("FAILED: "), (query, expected, found)

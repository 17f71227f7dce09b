"""SELECT over tables (rows/query.py, sql/translate.py): DuckDB computes MaxCompute's rules over the rows,
and refuses what they leave open; the result is printed as the evaluator of VALUES prints its own."""

from __future__ import annotations

import io
import sys

import duckdb
import pytest
from table_sessions import NOW, REFUSED, grid, run, table_session

from mcshell.output.console import Console
from mcshell.rows.query import compile_select
from mcshell.rows.store import RowStore
from mcshell.rows.write import insert_rows
from mcshell.session import Session, SessionOptions
from mcshell.sql.select import parse_select

T = [
    (1, "north", 31, 10.5, True),
    (2, "south", 25, 3.25, False),
    (3, "north", 40, None, None),
    (4, "east", 50, 0.30000000000000004, True),
]
U = [(1, "gold"), (3, "silver"), (9, "bronze")]


@pytest.fixture
def session(catalog):
    script = [
        "CREATE TABLE t (id BIGINT, region STRING, age INT, spend DOUBLE, ok BOOLEAN);\n",
        "CREATE TABLE u (id BIGINT, tier STRING);\n",
        "CREATE TABLE d (id BIGINT, price DECIMAL(10,2));\n",
    ]
    s = table_session(catalog, script, {"t": T, "u": U})
    yield s
    s.close()


def test_a_scan_prints_every_row_and_type_as_odpscmd_does(session):
    assert run(session, "SELECT * FROM t;") == (
        grid(
            "+----+--------+-----+---------------------+-------+",
            "| id | region | age | spend               | ok    |",
            "+----+--------+-----+---------------------+-------+",
            "| 1  | north  | 31  | 10.5                | true  |",
            "| 2  | south  | 25  | 3.25                | false |",
            "| 3  | north  | 40  | NULL                | NULL  |",
            "| 4  | east   | 50  | 0.30000000000000004 | true  |",
            "+----+--------+-----+---------------------+-------+",
        ),
        "OK\n",
    )


def test_arithmetic_keeps_maxcompute_types_integer_division_is_double_and_where_filters(session):
    assert run(
        session, "SELECT id, age / 2 AS half, age * 2 + 1, spend - 1, age % 7 FROM t WHERE age > 30 AND ok;"
    ) == (
        grid(
            "+----+------+-----+------+-----+",
            "| id | half | _c2 | _c3  | _c4 |",
            "+----+------+-----+------+-----+",
            "| 1  | 15.5 | 63  | 9.5  | 3   |",
            "| 4  | 25.0 | 101 | -0.7 | 1   |",
            "+----+------+-----+------+-----+",
        ),
        "OK\n",
    )


def test_group_by_with_every_aggregate_their_documented_types_and_order_by(session):
    sql = (
        "SELECT region, COUNT(*) AS n, SUM(age), AVG(age), MIN(id), MAX(region), COUNT(spend) FROM t "
        "GROUP BY region HAVING COUNT(*) > 0 ORDER BY region LIMIT 10;"
    )
    assert run(session, sql) == (
        grid(
            "+--------+---+-----+------+-----+-------+-----+",
            "| region | n | _c2 | _c3  | _c4 | _c5   | _c6 |",
            "+--------+---+-----+------+-----+-------+-----+",
            "| east   | 1 | 50  | 50.0 | 4   | east  | 1   |",
            "| north  | 2 | 71  | 35.5 | 1   | north | 1   |",
            "| south  | 1 | 25  | 25.0 | 2   | south | 1   |",
            "+--------+---+-----+------+-----+-------+-----+",
        ),
        "OK\n",
    )


def test_a_left_join_gives_null_for_the_rows_it_does_not_match(session):
    assert run(session, "SELECT t.id, u.tier FROM t LEFT JOIN u ON t.id = u.id ORDER BY t.id LIMIT 10;") == (
        grid(
            "+----+--------+",
            "| id | tier   |",
            "+----+--------+",
            "| 1  | gold   |",
            "| 2  | NULL   |",
            "| 3  | silver |",
            "| 4  | NULL   |",
            "+----+--------+",
        ),
        "OK\n",
    )


def test_strings_and_numbers_compare_as_double_and_doubles_by_the_15_digit_rule(session):
    # 0.30000000000000004 = 0.3 is true in MaxCompute 2.0 (its first 15 digits after the point match).
    assert run(session, "SELECT id, '2' * age, id = '1', spend = 0.3 FROM t ORDER BY id LIMIT 4;") == (
        grid(
            "+----+-------+-------+-------+",
            "| id | _c1   | _c2   | _c3   |",
            "+----+-------+-------+-------+",
            "| 1  | 62.0  | true  | false |",
            "| 2  | 50.0  | false | false |",
            "| 3  | 80.0  | false | NULL  |",
            "| 4  | 100.0 | false | true  |",
            "+----+-------+-------+-------+",
        ),
        "OK\n",
    )


def test_distinct_negation_three_valued_logic_and_rows_that_tie_but_are_the_same(session):
    assert run(session, "SELECT DISTINCT region FROM t ORDER BY region LIMIT 5;")[0] == grid(
        "+--------+", "| region |", "+--------+", "| east   |", "| north  |", "| south  |", "+--------+"
    )
    assert run(session, "SELECT id, -age, -spend FROM t WHERE spend IS NOT NULL ORDER BY id DESC LIMIT 2;")[0] == grid(
        "+----+-----+----------------------+",
        "| id | _c1 | _c2                  |",
        "+----+-----+----------------------+",
        "| 4  | -50 | -0.30000000000000004 |",
        "| 2  | -25 | -3.25                |",
        "+----+-----+----------------------+",
    )
    sql = "SELECT id FROM t WHERE region < 'p' AND spend IS NULL OR NOT ok ORDER BY id LIMIT 5;"
    assert run(session, sql)[0] == grid("+----+", "| id |", "+----+", "| 2  |", "| 3  |", "+----+")
    assert run(session, "SELECT region FROM t ORDER BY region LIMIT 3;")[0] == grid(
        "+--------+", "| region |", "+--------+", "| east   |", "| north  |", "| north  |", "+--------+"
    )


def test_sums_and_averages_of_doubles_run_where_every_order_of_adding_agrees(session):
    assert run(session, "SELECT SUM(spend), AVG(spend) FROM t WHERE id < 3;")[0] == grid(
        "+-------+-------+", "| _c0   | _c1   |", "+-------+-------+", "| 13.75 | 6.875 |", "+-------+-------+"
    )


@pytest.mark.parametrize(
    "sql, column, reason",
    [
        (
            "SELECT id, age * 2147483647 FROM t;",
            12,
            "66571993057 is past INT's range: MaxCompute 2.0 reports an overflow",
        ),
        ("SELECT id FROM t WHERE spend > 1e308 * 10;", 32, "a DOUBLE overflow (MaxCompute 2.0 reports an error)"),
        ("SELECT id, spend / 0 FROM t;", 12, "division by zero (what MaxCompute gives is not documented)"),
        ("SELECT id, age % 0 FROM t;", 12, "% by zero (what MaxCompute gives is not documented)"),
        (
            "SELECT id, 'abc' * age FROM t;",
            12,
            "a STRING read as a DOUBLE: the string 'abc' is not a number (what MaxCompute does is not documented)",
        ),
        (
            "SELECT region FROM t GROUP BY region;",
            1,
            "GROUP BY or DISTINCT with more rows than one and no ORDER BY (MaxCompute defines no order)",
        ),
        (
            "SELECT t.id, u.tier FROM t JOIN u ON t.id = u.id;",
            1,
            "a join with more rows than one and no ORDER BY (MaxCompute defines no order)",
        ),
        (
            "SELECT id FROM t ORDER BY region, ok LIMIT 9;",
            35,
            "ORDER BY a BOOLEAN key is not run locally",
        ),
        (
            "SELECT id FROM t ORDER BY region LIMIT 2;",
            1,
            "ORDER BY keys that tie on rows that differ (MaxCompute does not define their order)",
        ),
        ("SELECT md5(region) FROM t;", 8, "the function md5 is not run locally"),
        ("SELECT SUM(spend) FROM t;", 8, "SUM of DOUBLEs whose result depends on the order they are added in"),
        ("SELECT MAX(spend) FROM t;", 8, "MAX of a DOUBLE value is not run locally"),
        ("SELECT id FROM t WHERE id IN (SELECT id FROM u);", 24, "IN with QUERY is not run locally"),
        ("SELECT ROUND(spend, age) FROM t;", 8, "ROUND's argument 2 must be a constant"),
        (
            "SELECT CAST(region AS BIGINT) FROM t;",
            13,
            "CAST: the string 'north' is not a number (what MaxCompute does is not documented)",
        ),
        (
            "SELECT id, 1 IN (id, NULL) FROM t ORDER BY id LIMIT 5;",
            12,
            "IN over a list holding NULL that does not match (not documented)",
        ),
        ("SELECT price * 2 FROM d;", 8, "* on a DECIMAL(10,2) value is not run locally"),
        ("SELECT id FROM t WHERE ok > false;", 24, "ordering BOOLEAN values is not run locally"),
        ("SELECT id FROM t WHERE age;", 24, "WHERE of a INT value (no implicit conversion to BOOLEAN)"),
        ("SELECT COUNT(*), region FROM t;", 18, "the column region is neither grouped nor aggregated"),
        ("SELECT t.id FROM t, u;", 1, "a join other than [INNER|LEFT|RIGHT|FULL] JOIN ... ON is not run locally"),
        (
            "SELECT id FROM t UNION ALL SELECT id FROM u;",
            1,
            "a query other than one SELECT (UNION, ...) is not run locally",
        ),
        ("SELECT id FROM t ORDER BY id LIMIT 2 OFFSET 1;", 1, "the OFFSET clause is not run locally"),
        ("SELECT COUNT(DISTINCT region) FROM t;", 8, "the aggregate COUNT is not run locally"),
    ],
)
def test_what_the_rules_leave_open_is_refused_at_its_node(session, sql, column, reason):
    assert run(session, sql) == ("", REFUSED.format(column, reason))


def test_a_table_the_catalog_lacks_is_table_not_found(session):
    assert run(session, "SELECT id FROM nope;")[1] == (
        "FAILED: ODPS-0130131:[1,16] Table not found - table my_project.nope cannot be resolved\n"
    )


def test_compile_select_gives_the_sql_insert_select_writes_with_the_result_types(session):
    ctx = session.context()
    statement = parse_select("SELECT id, age / 2, region FROM t WHERE ok ORDER BY id LIMIT 2")
    with ctx.catalog.transaction(write=False):
        store = RowStore.open(ctx.catalog, write=False)
        try:
            compiled = compile_select(statement, ctx, store)
            rows = store.connection.execute(compiled.sql).fetchall()
        finally:
            store.close()
    assert (compiled.headers, compiled.types, rows) == (
        ("id", "_c1", "region"),
        ("BIGINT", "DOUBLE", "STRING"),
        [(1, 15.5, "north"), (4, 25.0, "east")],
    )


def test_a_parenthesized_condition_after_or_and_not_is_no_function_call(session):
    # The function names rule read `OR (` as a call of a function OR, over VALUES too.
    sql = "SELECT id FROM t WHERE (age = 31) OR (age = 25) AND NOT (id = 9) ORDER BY id LIMIT 5;"
    assert run(session, sql) == (grid("+----+", "| id |", "+----+", "| 1  |", "| 2  |", "+----+"), "OK\n")
    values = "SELECT a FROM VALUES (1), (2) t(a) WHERE (a = 1) OR (a = 3);"
    assert run(session, values) == (grid("+---+", "| a |", "+---+", "| 1 |", "+---+"), "OK\n")


def test_the_evaluators_functions_run_row_by_row_on_its_rules_over_duckdbs_columns(session):
    sql = (
        "SELECT id, ROUND(spend, 1), ABS(age - 40), CASE WHEN age > 30 THEN 'old' ELSE 'young' END, region LIKE 'n%', "
        "age BETWEEN 30 AND 45, id IN (1, 3), CAST(age AS STRING), TOLOWER(TOUPPER(region)), CONCAT(region, '-', id) "
        "FROM t ORDER BY id LIMIT 10;"
    )
    assert run(session, sql) == (
        grid(
            "+----+------+-----+-------+-------+-------+-------+-----+-------+---------+",
            "| id | _c1  | _c2 | _c3   | _c4   | _c5   | _c6   | _c7 | _c8   | _c9     |",
            "+----+------+-----+-------+-------+-------+-------+-----+-------+---------+",
            "| 1  | 10.5 | 9   | old   | true  | true  | true  | 31  | north | north-1 |",
            "| 2  | 3.3  | 15  | young | false | false | false | 25  | south | south-2 |",
            "| 3  | NULL | 0   | old   | true  | true  | true  | 40  | north | north-3 |",
            "| 4  | 0.3  | 10  | old   | false | false | false | 50  | east  | east-4  |",
            "+----+------+-----+-------+-------+-------+-------+-----+-------+---------+",
        ),
        "OK\n",
    )
    sql = (
        "SELECT id, SUBSTR(region, 2, 3), LENGTH(region), region || 'x', IF(ok, 1, 0), FLOOR(spend), CEIL(spend), "
        "spend <=> NULL FROM t ORDER BY id LIMIT 10;"
    )
    assert run(session, sql)[0] == grid(
        "+----+-----+-----+--------+-----+------+------+-------+",
        "| id | _c1 | _c2 | _c3    | _c4 | _c5  | _c6  | _c7   |",
        "+----+-----+-----+--------+-----+------+------+-------+",
        "| 1  | ort | 5   | northx | 1   | 10   | 11   | false |",
        "| 2  | out | 5   | southx | 0   | 3    | 4    | false |",
        "| 3  | ort | 5   | northx | 0   | NULL | NULL | true  |",
        "| 4  | ast | 4   | eastx  | 1   | 0    | 1    | false |",
        "+----+-----+-----+--------+-----+------+------+-------+",
    )
    sql = "SELECT ROUND(AVG(age), 2), region FROM t WHERE region IS NOT NULL GROUP BY region ORDER BY region LIMIT 5;"
    assert run(session, sql)[0] == grid(
        "+------+--------+", "| _c0  | region |", "+------+--------+", "| 50.0 | east   |", "| 35.5 | north  |",
        "| 25.0 | south  |", "+------+--------+",
    )  # fmt: skip


def test_without_pyarrow_a_query_over_rows_is_one_failed_line_naming_the_extra(session, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` fails, as where it is not installed
    assert run(session, "SELECT id FROM t;") == (
        "",
        "FAILED: ODPS-0010000: Row engine unavailable - queries over rows need pyarrow, which is not installed: "
        "pip install 'mcshell[tables]'\n",
    )


def test_a_refusal_while_an_insert_select_runs_is_explained_by_the_compiled_query(session):
    ctx = session.context()
    statement = parse_select("SELECT id, spend / 0 FROM t")
    with ctx.catalog.transaction(write=False):
        store = RowStore.open(ctx.catalog, write=False)
        try:
            compiled = compile_select(statement, ctx, store)
            with pytest.raises(duckdb.Error) as raised:
                store.connection.execute(compiled.sql).fetchall()
        finally:
            store.close()
    explained = compiled.error(raised.value)
    assert (type(explained).__name__, str(explained), explained.offset) == (
        "NotRunLocally",
        "mcshell does not run this SELECT locally: division by zero (what MaxCompute gives is not documented)",
        11,
    )


def test_a_nan_or_an_infinite_double_is_never_ordered_compared_or_printed(session):
    session.run_script(["CREATE TABLE n (id BIGINT, x DOUBLE);\n"])
    ctx = session.context()
    with ctx.catalog.transaction(write=True):
        rows = [(1, float("nan")), (2, float("inf")), (3, 1.5)]
        insert_rows(ctx, ctx.catalog.tables.get("my_project", "n"), None, rows, overwrite=False)
    order = "ORDER BY a NaN or infinite key, or a STRING key outside ASCII, is not run locally"
    assert run(session, "SELECT id FROM n ORDER BY x LIMIT 5;")[1] == REFUSED.format(27, order)
    compared = "comparing a DOUBLE NaN (not documented)"
    assert run(session, "SELECT id FROM n WHERE x > 1;")[1] == REFUSED.format(24, compared)
    printed = "printing the DOUBLE nan (where MaxCompute's exponent form starts is not documented)"
    assert run(session, "SELECT x FROM n WHERE id = 1;")[1] == REFUSED.format(8, printed)
    assert run(session, "SELECT x FROM n WHERE id = 3;")[0] == grid(
        "+-----+", "| x   |", "+-----+", "| 1.5 |", "+-----+"
    )


def test_an_ai_function_over_a_table_runs_only_with_invoke_once_per_distinct_argument(catalog):
    from standin import StandIn

    from mcshell.runtime.calls import RuntimeSettings

    with StandIn() as server:
        server.chat = lambda prompt: "positive" if "north" in prompt else "neutral"
        model = (
            "CREATE MODEL chat WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'LLM', "
            "TASKS = 'chat', PAI_EAS_MODEL_NAME = 'Qwen3-8B', PAI_EAS_SERVICE_NAME = 'chat_service', "
            f"ENDPOINT = '{server.url}', APIKEY = '5ecre7apikey0123456789abcdef0123456789ab', "
            "PAI_EAS_SYNC_MODE = 'true');\n"
        )
        sql = "SELECT id, AI_SENTIMENT(chat, v1, region) AS s FROM t ORDER BY id LIMIT 10;"
        for invoke in (False, True):
            out, err = io.StringIO(), io.StringIO()
            options = SessionOptions(str(catalog), "ALIYUN$alice", "my_project", runtime=RuntimeSettings(invoke=invoke))
            s = Session(options, Console(out, err), lambda: NOW)
            try:
                if not invoke:
                    s.run_script(["CREATE TABLE t (id BIGINT, region STRING);\n", model])
                    ctx = s.context()
                    with ctx.catalog.transaction(write=True):
                        insert_rows(ctx, ctx.catalog.tables.get("my_project", "t"), None, [r[:2] for r in T], False)
                    err.seek(0)
                    err.truncate()
                s.run_script([sql + "\n"])
            finally:
                s.close()
            if not invoke:
                assert "mcshell sends no request without --invoke (or MCSHELL_INVOKE=1)" in err.getvalue()
                assert server.requests == []
        assert out.getvalue() == grid(
            "+----+----------+", "| id | s        |", "+----+----------+", "| 1  | positive |", "| 2  | neutral  |",
            "| 3  | positive |", "| 4  | neutral  |", "+----+----------+",
        )  # fmt: skip
        assert len(server.requests) == 3  # north, south, east: the call answered once per distinct argument


def test_null_sorts_before_every_value_ascending_and_after_them_descending(session):
    # The SELECT syntax page: NULL is smaller than any value when ORDER BY sorts.
    assert run(session, "SELECT id, spend FROM t ORDER BY spend LIMIT 10;")[0] == grid(
        "+----+---------------------+", "| id | spend               |", "+----+---------------------+",
        "| 3  | NULL                |", "| 4  | 0.30000000000000004 |", "| 2  | 3.25                |",
        "| 1  | 10.5                |", "+----+---------------------+",
    )  # fmt: skip
    assert run(session, "SELECT id FROM t ORDER BY spend DESC LIMIT 10;")[0] == grid(
        "+----+", "| id |", "+----+", "| 1  |", "| 2  |", "| 4  |", "| 3  |", "+----+"
    )
    sql = "SELECT t.id, u.tier FROM t FULL JOIN u ON t.id = u.id ORDER BY u.tier, t.id LIMIT 10;"
    assert run(session, sql)[0] == grid(
        "+------+--------+", "| id   | tier   |", "+------+--------+", "| 2    | NULL   |", "| 4    | NULL   |",
        "| NULL | bronze |", "| 1    | gold   |", "| 3    | silver |", "+------+--------+",
    )  # fmt: skip


def test_over_values_too_null_sorts_before_every_value(session):
    sql = "SELECT a FROM VALUES (2), (NULL), (1) t(a) ORDER BY a {} LIMIT 5;"
    assert run(session, sql.format("ASC"))[0] == grid(
        "+------+", "| a    |", "+------+", "| NULL |", "| 1    |", "| 2    |", "+------+"
    )
    assert run(session, sql.format("DESC"))[0] == grid(
        "+------+", "| a    |", "+------+", "| 2    |", "| 1    |", "| NULL |", "+------+"
    )


def test_insert_select_without_from_writes_its_one_row_and_refuses_what_it_cannot_run(session):
    assert run(session, "CREATE TABLE k (s STRING, n BIGINT); INSERT INTO k SELECT 'x', 1 + 2;") == ("", "OK\nOK\n")
    refused = "FAILED: ODPS-0130071:[1,1] Semantic analysis exception - mcshell does not run this SELECT locally: {}\n"
    assert run(session, "INSERT INTO k SELECT 'y', COUNT(*);") == (
        "",
        refused.format("an aggregate without FROM is not run over rows"),
    )
    assert run(session, "INSERT INTO k SELECT 'y', 3 LIMIT 1;") == (
        "",
        refused.format("a SELECT without FROM with clauses other than its select list is not run over rows"),
    )
    assert run(session, "SELECT s, n FROM k;") == (
        grid("+---+---+", "| s | n |", "+---+---+", "| x | 3 |", "+---+---+"),
        "OK\n",
    )


def test_an_integer_constant_past_bigint_is_a_double_as_the_2_0_edition_types_it(session):
    """https://www.alibabacloud.com/help/en/maxcompute/user-guide/maxcompute-v2-0-data-type-edition: "If it
    exceeds BIGINT, it is treated as DOUBLE"."""
    assert run(session, "CREATE TABLE n (b BIGINT); INSERT INTO n (b) VALUES (9223372036854775808);") == (
        "",
        "OK\nFAILED: ODPS-0130071:[1,54] Semantic analysis exception - Cannot insert into target table because column "
        "number/types are different: column b is bigint, found DOUBLE\n",
    )

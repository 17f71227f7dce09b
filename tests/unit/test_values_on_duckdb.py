"""A SELECT with no FROM or over FROM VALUES runs on the path of every query (sql/translate.py over an in-memory
DuckDB connection, rows/values.py): what the translator takes it answers as the evaluator of VALUES did; what it
does not take yet (a model call, a refusal) the evaluator answers or refuses as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcshell.errors import EngineMissing
from mcshell.rows import values
from mcshell.rules.query import value_text
from mcshell.sql.select import parse_select
from mcshell.sql.semantics import Refused

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "local_evaluation"
DOCUMENTED = [line for line in (DATA / "documented.txt").read_text().splitlines() if line and line[0] != "#"]


@pytest.mark.parametrize("example", DOCUMENTED)
def test_the_translator_gives_each_documented_result_or_leaves_it_to_the_evaluator(example):
    expression, _, expected = example.partition(" -> ")
    try:
        _, rows, _ = values._translated(parse_select(f"SELECT {expression}"))
    except Refused:
        return
    assert [value_text(value) for value in rows[0]] == [expected]


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT a FROM VALUES (3), (1), (2) t(a) WHERE a > 1 ORDER BY a DESC LIMIT 1", [(3,)]),
        ("SELECT a, b FROM VALUES (2, 'y'), (1, 'x'), (3, NULL) t(a, b) WHERE a < 3", [(2, "y"), (1, "x")]),
        ("SELECT t.a, b FROM VALUES (1, NULL), (10000000000, 'z') t(a, b)", [(1, None), (10000000000, "z")]),
        ("SELECT count(*), sum(a) FROM VALUES (1), (2) t(a) WHERE a > 5", [(0, None)]),
        ("SELECT a, count(*) FROM VALUES ('x'), ('x') t(a) GROUP BY a", [("x", 2)]),
        ("SELECT * FROM VALUES (1, 'p') t(a, b)", [(1, "p")]),
        ("SELECT 1 + 1, 'x' || 'y'", [(2, "xy")]),
    ],
)
def test_the_translator_runs_the_clauses_over_values_itself(sql, expected):
    assert values._translated(parse_select(sql))[1] == expected


def test_a_values_column_has_one_type_or_the_translator_does_not_take_it():
    _, rows, types = values._translated(parse_select("SELECT a FROM VALUES (1Y), (10000000000) t(a)"))
    assert (rows, types) == ([(1,), (10000000000,)], ("BIGINT",))
    with pytest.raises(Refused, match="mixes DOUBLE, INT"):
        values._translated(parse_select("SELECT x FROM VALUES (1), (2.5) t(x)"))


def test_a_model_call_is_answered_by_the_evaluator_with_its_requests():
    asked = []
    sql = "SELECT ML_PREDICT(m, v1, a) FROM VALUES (1), (2), (3) t(a) LIMIT 1"

    def run_call(index, rows):
        asked.append(rows)
        return ["p"] * len(rows)

    assert values.evaluate(parse_select(sql), run_call)[1] == [("p",)]
    assert asked == [[(1,)]]  # LIMIT cut the rows before the call


def test_without_the_row_engine_a_local_select_is_its_failed_line(monkeypatch):
    from mcshell.rows import engine

    def missing():
        raise EngineMissing("rows of tables need DuckDB, which is not installed: pip install 'mcshell[tables]'")

    monkeypatch.setattr(engine, "duckdb_module", missing)
    with pytest.raises(EngineMissing, match="need DuckDB"):
        values.evaluate(parse_select("SELECT 1 + 1"), lambda index, rows: [])

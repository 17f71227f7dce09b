"""The translator's VALUES source (rows/values.py: sql/translate.py over an in-memory DuckDB connection), not yet a
user's path (docs/local-evaluation.md, "The next path"): it answers every documented example as the page prints it,
and the clauses as the evaluator of VALUES does."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcshell.rows import values
from mcshell.rules.query import value_text
from mcshell.sql.select import parse_select
from mcshell.sql.semantics import Refused

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "local_evaluation"
DOCUMENTED = [line for line in (DATA / "documented.txt").read_text().splitlines() if line and line[0] != "#"]


@pytest.mark.parametrize("example", DOCUMENTED)
def test_the_translator_gives_each_documented_result(example):
    expression, _, expected = example.partition(" -> ")
    _, rows, _ = values.translated(parse_select(f"SELECT {expression}"))
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
    assert values.translated(parse_select(sql))[1] == expected


def test_a_values_column_has_one_type_or_the_translator_does_not_take_it():
    _, rows, types = values.translated(parse_select("SELECT a FROM VALUES (1Y), (10000000000) t(a)"))
    assert (rows, types) == ([(1,), (10000000000,)], ("BIGINT",))
    with pytest.raises(Refused, match="mixes DOUBLE, INT"):
        values.translated(parse_select("SELECT x FROM VALUES (1), (2.5) t(x)"))

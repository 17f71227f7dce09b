"""Random rows of random schemas, random queries from a small grammar: a SELECT over a table through the translator
on DuckDB prints what SQLite computes for the same query over the same rows.

The grammar keeps to what MaxCompute and SQLite compute alike: BIGINT, DOUBLE, STRING and BOOLEAN columns (BOOLEAN
is 0/1 in SQLite), DOUBLEs that are whole numbers of quarters (so every sum is exact, in any order, and equal DOUBLEs
are equal by the 15-digit rule too), ASCII strings (whose order is their bytes' in both), comparisons of a column
with a constant of its own type (MaxCompute compares a STRING with a number as DOUBLE, SQLite puts every number
before every string: not generated), + - * % of integers, `/` (a DOUBLE in MaxCompute: SQLite is given 4.0 where
the query divides by 4), three-valued AND, OR and NOT, GROUP BY with COUNT, SUM, AVG, MIN and MAX, ORDER BY (NULL
first ascending, last descending, in both) and LIMIT, [LEFT] JOIN ... ON. Where MaxCompute's rule is not SQLite's,
the test states MaxCompute's: a NULL GROUP BY key is refused here (as by the evaluator of VALUES), where SQLite
makes it a group.
"""

from __future__ import annotations

import io
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from mcshell.output.console import Console
from mcshell.rows.write import insert_rows
from mcshell.rules.answers import value_text
from mcshell.session import Session, SessionOptions

NOW = "2026-12-07 16:00:00"
TYPES = ("BIGINT", "DOUBLE", "STRING", "BOOLEAN")
VALUES = {
    "BIGINT": s.integers(-50, 50),
    "DOUBLE": s.integers(-400, 400).map(lambda k: k / 4),
    "STRING": s.sampled_from(["", "a", "b", "ab", "ba", "B", "a b"]),
    "BOOLEAN": s.booleans(),
}
OPERATORS = ("=", "<>", "<", "<=", ">", ">=")


@s.composite
def tables(draw):
    """A table `t`: `id` (unique, never NULL) and 1 to 4 columns of random types, and up to 12 rows."""
    types = draw(s.lists(s.sampled_from(TYPES), min_size=1, max_size=4))
    count = draw(s.integers(0, 12))
    ids = draw(s.lists(s.integers(-1000, 1000), min_size=count, max_size=count, unique=True))
    rows = [(row_id, *(draw(s.none() | VALUES[kind]) for kind in types)) for row_id in ids]
    return types, rows


def condition(draw, types) -> str:
    """WHERE: comparisons of a column with a constant of its type, IS NULL, joined by AND, OR, NOT."""
    at = draw(s.integers(0, len(types) - 1))
    name, kind = f"c{at}", types[at]
    if draw(s.booleans()) and draw(s.booleans()):
        test = f"{name} IS {'NOT ' if draw(s.booleans()) else ''}NULL"
    elif kind == "BOOLEAN":
        test = f"{name} {draw(s.sampled_from(('=', '<>')))} {draw(s.sampled_from(('TRUE', 'FALSE')))}"
    else:
        value = draw(VALUES[kind])
        constant = f"'{value}'" if kind == "STRING" else repr(value)
        test = f"{name} {draw(s.sampled_from(OPERATORS))} {constant}"
    if draw(s.integers(0, 3)) == 0:
        return f"NOT ({test})"
    if draw(s.integers(0, 2)) == 0:
        return f"({test}) {draw(s.sampled_from(('AND', 'OR')))} ({condition(draw, types)})"
    return test


@s.composite
def queries(draw, types):
    """A scan ordered by id, or a GROUP BY of one key column with aggregates of the others, ordered by the key."""
    where = f" WHERE {condition(draw, types)}" if draw(s.booleans()) else ""
    limit = draw(s.integers(0, 15))
    keys = [at for at, kind in enumerate(types) if kind in ("BIGINT", "STRING")]  # ordering BOOLEAN: refused
    joined = [at for at, kind in enumerate(types) if kind == "BIGINT"]
    if joined and draw(s.integers(0, 3)) == 0:
        at, side = draw(s.sampled_from(joined)), draw(s.sampled_from(("", "LEFT ")))
        sql = f"SELECT t.id, t.c{at}, u.x FROM t {side}JOIN u ON t.c{at} = u.k{where} ORDER BY t.id LIMIT {limit}"
        return sql, ("BIGINT", "BIGINT", "STRING"), None
    if not keys or draw(s.booleans()):
        columns = ["id", *(f"c{at}" for at in range(len(types)))]
        kinds = ["BIGINT", *types]
        for at, kind in enumerate(types):
            if kind == "BIGINT":  # `/` gives a DOUBLE in MaxCompute (SQLite divides integers: its query says 4.0)
                columns += [f"c{at} / 4", f"c{at} % 7", f"c{at} * 3 - id"]
                kinds += ["DOUBLE", "BIGINT", "BIGINT"]
            if kind == "DOUBLE":
                columns += [f"c{at} * 2 + 0.5"]
                kinds += ["DOUBLE"]
        order = "id"
        if keys and draw(s.booleans()):  # NULL sorts before every value (as in SQLite), ties broken by id
            order = f"c{draw(s.sampled_from(keys))}{draw(s.sampled_from(('', ' DESC')))}, id"
        return f"SELECT {', '.join(columns)} FROM t{where} ORDER BY {order} LIMIT {limit}", tuple(kinds), None
    key = draw(s.sampled_from(keys))
    items, kinds = [f"c{key}", "COUNT(*)"], [types[key], "BIGINT"]
    for at, kind in enumerate(types):
        if kind in ("BIGINT", "DOUBLE"):
            items += [f"SUM(c{at})", f"COUNT(c{at})"]
            kinds += [kind, "BIGINT"]
        if kind == "BIGINT":
            items += [f"AVG(c{at})", f"MIN(c{at})", f"MAX(c{at})"]
            kinds += ["DOUBLE", kind, kind]
        if kind == "STRING":
            items += [f"MIN(c{at})", f"MAX(c{at})"]
            kinds += [kind, kind]
    sql = f"SELECT {', '.join(items)} FROM t{where} GROUP BY c{key} ORDER BY c{key} LIMIT {limit}"
    # the rows whose key is NULL (MaxCompute's GROUP BY rule here differs from SQLite's)
    return sql, tuple(kinds), f"SELECT COUNT(*) FROM (SELECT * FROM t{where}) WHERE c{key} IS NULL"


# The table u that joins read: k unique (so a row of t matches one row of u at most, and ORDER BY t.id orders all).
U_ROWS = [(-3, "x"), (0, "y"), (1, None), (7, "z"), (20, "w")]


def sqlite_answer(types, rows, sql: str, kinds, null_keys: str | None) -> tuple[list[tuple], bool]:
    """SQLite's rows, as odpscmd prints the values of the result's MaxCompute types; and whether a group's key
    is NULL."""
    connection = sqlite3.connect(":memory:")
    columns = ", ".join(
        [
            "id INTEGER",
            *(
                f"c{at} {'TEXT' if k == 'STRING' else 'REAL' if k == 'DOUBLE' else 'INTEGER'}"
                for at, k in enumerate(types)
            ),
        ]
    )
    connection.execute(f"CREATE TABLE t ({columns})")
    connection.executemany(f"INSERT INTO t VALUES ({', '.join('?' * (len(types) + 1))})", rows)
    connection.execute("CREATE TABLE u (k INTEGER, x TEXT)")
    connection.executemany("INSERT INTO u VALUES (?, ?)", U_ROWS)
    found = connection.execute(sql.replace("TRUE", "1").replace("FALSE", "0").replace(" / 4", " / 4.0")).fetchall()
    shown = [tuple(_shown(value, kind) for value, kind in zip(row, kinds, strict=True)) for row in found]
    return shown, bool(
        null_keys and connection.execute(null_keys.replace("TRUE", "1").replace("FALSE", "0")).fetchone()[0]
    )


def _shown(value, kind: str) -> str:
    if value is None:
        return "NULL"
    if kind == "BOOLEAN":
        return value_text(bool(value))
    if kind == "DOUBLE":
        return value_text(float(value))
    return value_text(value)


def mcshell_answer(types, rows, sql: str) -> tuple[list[tuple], str]:
    with tempfile.TemporaryDirectory() as folder:
        out, err = io.StringIO(), io.StringIO()
        options = SessionOptions(str(Path(folder) / "catalog.db"), "ALIYUN$alice", "my_project")
        session = Session(options, Console(out, err), lambda: NOW)
        try:
            columns = ", ".join(["id BIGINT", *(f"c{at} {kind}" for at, kind in enumerate(types))])
            session.run_script([f"CREATE TABLE t ({columns});\n", "CREATE TABLE u (k BIGINT, x STRING);\n"])
            ctx = session.context()
            with ctx.catalog.transaction(write=True):
                insert_rows(ctx, ctx.catalog.tables.get("my_project", "t"), None, rows, overwrite=False)
                insert_rows(ctx, ctx.catalog.tables.get("my_project", "u"), None, U_ROWS, overwrite=False)
            out.seek(0)
            out.truncate()
            err.seek(0)
            err.truncate()
            session.run_script([sql + ";\n"])
        finally:
            session.close()
    lines = [line for line in out.getvalue().splitlines() if line.startswith("| ")][1:]
    return [tuple(cell.strip() for cell in line.split("|")[1:-1]) for line in lines], err.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.data())
def test_a_query_over_random_rows_prints_what_sqlite_computes(data):
    types, rows = data.draw(tables())
    sql, kinds, null_keys = data.draw(queries(types))
    expected, null_key = sqlite_answer(types, rows, sql, kinds, null_keys)
    printed, errors = mcshell_answer(types, rows, sql)
    if null_key:  # MaxCompute's rule here: a NULL GROUP BY key is refused, not a group
        assert "GROUP BY a NULL key is not run locally" in errors, (sql, rows, errors)
        return
    assert errors == "OK\n", (sql, rows, errors)
    assert printed == expected, (sql, rows)

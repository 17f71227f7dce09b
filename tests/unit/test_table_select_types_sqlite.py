"""Random rows of DECIMAL(6,2), DATETIME and VARCHAR(4) columns, random queries over them: a SELECT over the table
prints what SQLite computes for the same query, where SQLite shares MaxCompute's rule.

SQLite holds a DECIMAL(6,2) as a REAL (every value of scale 2 under 10^4 is apart from the next by far more than a
double's rounding, so a REAL compares, sorts and sums them as their exact values do; the sums are rounded back to
scale 2), a DATETIME as its `yyyy-mm-dd hh:mi:ss` text (whose order is the times' order) and a VARCHAR(4) as ASCII
TEXT (whose order is its bytes', as STRING's here). The grammar: comparisons of the DECIMAL with integer
constants, of the two DATETIMEs with each other, of the VARCHAR with a string; IS NULL, AND, OR, NOT; ORDER BY any
column (ties broken by id); GROUP BY one column with COUNT, SUM, MIN, MAX. A NULL GROUP BY key is refused here.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from mcshell.output.console import Console
from mcshell.rows.write import insert_rows
from mcshell.session import Session, SessionOptions

NOW = "2026-12-07 16:00:00"
COLUMNS = ("d", "t", "u", "v")
TIMES = [dt.datetime(2026, 1, 1) + dt.timedelta(seconds=k) for k in (0, 1, 59, 3600, 86400, 86401, 10**7)]
DECIMALS = s.integers(-99999, 99999).map(lambda k: Decimal(k).scaleb(-2))
VALUES = {
    "d": DECIMALS,
    "t": s.sampled_from(TIMES),
    "u": s.sampled_from(TIMES),
    "v": s.sampled_from(["", "a", "ab", "b", "B"]),
}


@s.composite
def tables(draw):
    count = draw(s.integers(0, 10))
    ids = draw(s.lists(s.integers(-100, 100), min_size=count, max_size=count, unique=True))
    return [(row_id, *(draw(VALUES[name]) if draw(s.integers(0, 4)) else None for name in COLUMNS)) for row_id in ids]


def condition(draw) -> str:
    kind = draw(s.sampled_from(COLUMNS))
    symbol = draw(s.sampled_from(("=", "<>", "<", "<=", ">", ">=")))
    if draw(s.integers(0, 4)) == 0:
        test = f"{kind} IS {'NOT ' if draw(s.booleans()) else ''}NULL"
    elif kind == "d":
        test = f"d {symbol} {draw(s.integers(-1000, 1000))}"
    elif kind == "v":
        test = f"v {symbol} '{draw(VALUES['v'])}'"
    else:
        test = f"t {symbol} u"
    if draw(s.integers(0, 3)) == 0:
        return f"NOT ({test})"
    if draw(s.integers(0, 2)) == 0:
        return f"({test}) {draw(s.sampled_from(('AND', 'OR')))} ({condition(draw)})"
    return test


@s.composite
def queries(draw):
    where = f" WHERE {condition(draw)}" if draw(s.booleans()) else ""
    limit = draw(s.integers(0, 12))
    if draw(s.booleans()):
        key = draw(s.sampled_from(COLUMNS))
        order = f"{key}{draw(s.sampled_from(('', ' DESC')))}, id"
        return f"SELECT id, d, t, v FROM k{where} ORDER BY {order} LIMIT {limit}", "idtv", None
    key = draw(s.sampled_from(COLUMNS))
    if draw(s.integers(0, 3)):  # mostly without the NULL key (a group MaxCompute's rule here refuses)
        where = f" WHERE {key} IS NOT NULL" + (f" AND ({where[7:]})" if where else "")
    items = f"{key}, COUNT(*), SUM(d), MIN(d), MAX(d), MIN(t), MAX(u), MIN(v), COUNT(v)"
    sql = f"SELECT {items} FROM k{where} GROUP BY {key} ORDER BY {key} LIMIT {limit}"
    return sql, key + "cddd" + "tuvc", f"SELECT COUNT(*) FROM (SELECT * FROM k{where}) WHERE {key} IS NULL"


def _text(value, kind: str) -> str:
    """What odpscmd prints, from SQLite's value: a DECIMAL without its fraction's trailing zeros."""
    if value is None:
        return "NULL"
    if kind == "d":
        text = format(Decimal(repr(float(value))).quantize(Decimal("0.01")), "f")
        return text.rstrip("0").rstrip(".")
    return str(value)


def sqlite_answer(rows, sql: str, kinds: str, null_keys: str | None) -> tuple[list[tuple], bool]:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE k (id INTEGER, d REAL, t TEXT, u TEXT, v TEXT)")
    stored = [
        (i, None if d is None else float(d), *(None if x is None else f"{x:%Y-%m-%d %H:%M:%S}" for x in (t, u)), v)
        for i, d, t, u, v in rows
    ]
    connection.executemany("INSERT INTO k VALUES (?, ?, ?, ?, ?)", stored)
    found = connection.execute(sql).fetchall()
    shown = [tuple(_text(value, kind) for value, kind in zip(row, kinds, strict=True)) for row in found]
    return shown, bool(null_keys and connection.execute(null_keys).fetchone()[0])


def mcshell_answer(rows, sql: str) -> tuple[list[tuple], str]:
    with tempfile.TemporaryDirectory() as folder:
        out, err = io.StringIO(), io.StringIO()
        options = SessionOptions(str(Path(folder) / "catalog.db"), "ALIYUN$alice", "my_project")
        session = Session(options, Console(out, err), lambda: NOW)
        try:
            session.run_script(["CREATE TABLE k (id BIGINT, d DECIMAL(6,2), t DATETIME, u DATETIME, v VARCHAR(4));\n"])
            ctx = session.context()
            with ctx.catalog.transaction(write=True):
                insert_rows(ctx, ctx.catalog.tables.get("my_project", "k"), None, rows, overwrite=False)
            err.seek(0)
            err.truncate()
            session.run_script([sql + ";\n"])
        finally:
            session.close()
    lines = [line for line in out.getvalue().splitlines() if line.startswith("| ")][1:]
    return [tuple(cell.strip() for cell in line.split("|")[1:-1]) for line in lines], err.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), queries())
def test_a_query_over_decimal_datetime_and_varchar_rows_prints_what_sqlite_computes(rows, query):
    sql, kinds, null_keys = query
    expected, null_key = sqlite_answer(rows, sql, kinds, null_keys)
    printed, errors = mcshell_answer(rows, sql)
    if null_key:
        assert "GROUP BY a NULL key is not run locally" in errors, (sql, rows, errors)
        return
    assert errors == "OK\n", (sql, rows, errors)
    assert printed == expected, (sql, rows)

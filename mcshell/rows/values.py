"""SELECT with no FROM, or over FROM VALUES, run on the path of every query: sql/translate.py's DuckDB SQL over an
in-memory DuckDB connection (no row store: the VALUES list is the rows), printed as a SELECT over tables is.

Until the translator takes every such SELECT, the evaluator of VALUES (sql/evaluate.py) still answers the ones it
does not: a SELECT that calls a model (the order and number of its requests are the evaluator's: LIMIT cuts the rows
before the select list's calls), and one the translator refuses, as written or while it runs. What the translator
refuses is never answered by DuckDB's defaults: the evaluator then gives today's answer, or today's refusal.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mcshell.errors import NotRunLocally
from mcshell.sql import semantics as sem
from mcshell.sql.semantics import Refused, Typed

if TYPE_CHECKING:
    from mcshell.sql import statements as st
    from mcshell.sql.evaluate import Grid, RunCall
    from mcshell.sql.translate import Table

_LOCAL = threading.local()  # one in-memory connection per thread, opened on first use


def evaluate(select: st.Select, run_call: RunCall, result_types: Mapping[int, str] | None = None) -> Grid:
    """The result grid of `select` (source "none" or "values"): its header, its rows (the values sem.printable
    gives), and each column's MaxCompute type ("" where no value has one)."""
    from mcshell.rows.engine import duckdb_module
    from mcshell.sql import evaluate as evaluator

    duckdb_module()  # a local SELECT runs on the row engine: without it, its one FAILED line
    if not _calls_model(select):
        try:
            return _translated(select)
        except (Refused, NotRunLocally):
            pass  # the evaluator answers it as it did, or refuses it as it did
    return evaluator.evaluate(select, run_call, result_types)


def _calls_model(select: st.Select) -> bool:
    return any("mcshell_call" in node.meta for node in select.query.walk())


def _translated(select: st.Select) -> Grid:
    from mcshell.rows.query import Failures, Rows, register_rules
    from mcshell.sql.select import nesting_room
    from mcshell.sql.translate import translate

    with nesting_room():
        translation = translate(select.query, select.text, _no_table, {})
        connection = _connection()
        failures = Failures()
        register_rules(connection, translation, failures)
        rows = Rows(connection, translation, failures).fetch()
    kinds = translation.value_types
    cells = [tuple(sem.printable(Typed(value, kind)) for value, kind in zip(row, kinds, strict=True)) for row in rows]
    types = tuple(kind if any(row[at] is not None for row in rows) else "" for at, kind in enumerate(translation.types))
    return translation.headers, cells, types


def _no_table(parts: tuple[str, ...], offset: int) -> Table:
    raise Refused("a table in a SELECT over VALUES")  # rules/query.py sends a SELECT over tables elsewhere


def _connection() -> Any:
    connection = getattr(_LOCAL, "connection", None)
    if connection is None:
        from mcshell.rows.engine import duckdb_module

        connection = duckdb_module().connect(":memory:")
        _LOCAL.connection = connection
    return connection

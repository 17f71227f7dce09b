"""A SELECT with no FROM, or over FROM VALUES, on the translator of a SELECT over tables: sql/translate.py's DuckDB
SQL over an in-memory DuckDB connection (no row store: the VALUES list is the rows), its cells printed as a SELECT
over tables prints them.

Not yet a user's path (docs/local-evaluation.md, "The next path"): the evaluator of VALUES (sql/evaluate.py)
answers every such SELECT; tests/unit/test_values_on_duckdb.py holds this one to it, example by example, until it
takes the evaluator's order of model calls and the rest.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from mcshell.sql import semantics as sem
from mcshell.sql.semantics import Refused, Typed

if TYPE_CHECKING:
    from mcshell.sql import statements as st
    from mcshell.sql.evaluate import Grid
    from mcshell.sql.translate import Table

_LOCAL = threading.local()  # one in-memory connection per thread, opened on first use


def translated(select: st.Select) -> Grid:
    """The grid of `select` as the translator answers it; Refused (or NotRunLocally) where it does not take it."""
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

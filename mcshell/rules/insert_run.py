"""The write of an INSERT that passed its checks (rules/insert.py): its rows as Python values of
the target columns' types, through the row store (mcshell/rows/write.py: insert_rows, insert_query;
mcshell/rows/query.py: compile_select), imported when an INSERT runs: DuckDB is loaded by a
statement that writes rows only.

mcshell's decision: VALUES are converted where MaxCompute's implicit conversion is exact (an
integer to a wider number or to a string, a number to DECIMAL within its scale); any other value
(a date or time from a string, BINARY, an ARRAY, MAP or STRUCT, an expression, a string longer
than its VARCHAR/CHAR) is refused with NotRunLocally rather than guessed.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import McError, NotRunLocally
from mcshell.rules.context import Context
from mcshell.rules.types import base_type
from mcshell.sql import statements as st

_WORDS = "INSERT"
_INTEGERS = ("TINYINT", "SMALLINT", "INT", "BIGINT")
_STRINGS = ("STRING", "VARCHAR", "CHAR")


def run_insert(
    stmt: st.Insert, ctx: Context, table: TableMeta, partition: str | None, targets: tuple[TableColumnMeta, ...]
) -> int:
    """Writes the INSERT's rows; the number written."""
    from mcshell.rows import write

    if stmt.select is None:
        rows = list(_full_rows(stmt, table, targets))
        return write.insert_rows(ctx, table, partition, rows, stmt.overwrite)
    from mcshell.rows.query import compile_select
    from mcshell.rows.store import RowStore

    store = RowStore.open(ctx.catalog, write=True)  # the one connection insert_query writes on
    try:
        compiled = compile_select(stmt.select, ctx, store)
        sql = _placed(compiled.sql, table, targets)
        try:
            return write.insert_query(ctx, table, partition, sql, stmt.overwrite)
        except McError:
            raise
        except Exception as error:  # noqa: BLE001 - DuckDB's own error, raised inside the compiled query
            raise compiled.error(error) from None
    finally:
        store.close()


def _full_rows(stmt: st.Insert, table: TableMeta, targets: tuple[TableColumnMeta, ...]) -> Iterator[tuple[Any, ...]]:
    """One value per data column, in the table's order; a column the list leaves out is NULL."""
    order = [column.name for column in targets]
    places = [order.index(column.name) if column.name in order else -1 for column in table.columns]
    for row in stmt.rows:
        values = [_value(arg, column) for arg, column in zip(row, targets, strict=True)]
        yield tuple(values[place] if place >= 0 else None for place in places)


def _value(arg: st.Arg, column: TableColumnMeta) -> Any:
    if arg.kind == "null":
        return None
    kind = base_type(column.type)
    value = arg.value
    if arg.kind == "constant" and not isinstance(value, bool):
        if kind in _INTEGERS and isinstance(value, int):
            return value
        if kind in ("FLOAT", "DOUBLE") and isinstance(value, (int, float)):
            return _real(arg, float(value), column)
        if kind == "DECIMAL" and isinstance(value, (int, float)):
            return _decimal(arg, value, column)
        if kind == "STRING" and isinstance(value, (int, str)):
            return str(value)
        if kind in _STRINGS and isinstance(value, str) and len(value) <= _length(column.type):
            return value
    if arg.kind == "constant" and isinstance(value, bool) and kind == "BOOLEAN":
        return value
    raise NotRunLocally(
        f"mcshell does not convert this value to {column.type} locally (column {column.name}); MaxCompute does",
        arg.offset,
        _WORDS,
    )


_LARGEST = {"FLOAT": 3.4028234663852886e38, "DOUBLE": sys.float_info.max}


def _real(arg: st.Arg, value: float, column: TableColumnMeta) -> float:
    """A FLOAT or DOUBLE value; one beyond the type's range (1e400, an Infinity) is refused, as the
    evaluator refuses a DOUBLE overflow: MaxCompute 2.0 reports an error."""
    if math.isfinite(value) and abs(value) <= _LARGEST[base_type(column.type)]:
        return value
    raise NotRunLocally(
        f"mcshell does not run this locally: the value overflows {column.type} (column {column.name}): "
        "MaxCompute 2.0 reports an error",
        arg.offset,
        _WORDS,
    )


def _decimal(arg: st.Arg, value: int | float, column: TableColumnMeta) -> Decimal:
    number = Decimal(str(value))
    precision, scale = _decimal_shape(column.type)
    exponent = number.as_tuple().exponent
    digits = len(number.as_tuple().digits)
    if isinstance(exponent, int) and -exponent <= scale and digits + exponent <= precision - scale:
        return number
    raise NotRunLocally(
        f"mcshell does not round {value} to {column.type} locally (column {column.name}); MaxCompute does",
        arg.offset,
        _WORDS,
    )


def _decimal_shape(written: str) -> tuple[int, int]:
    """decimal(p,s) -> (p, s); a bare DECIMAL is decimal(38,18) (the data types page)."""
    inner = written.partition("(")[2].rstrip(")")
    if not inner:
        return 38, 18
    precision, _, scale = inner.partition(",")
    return int(precision), int(scale or 0)


def _length(written: str) -> int:
    inner = written.partition("(")[2].rstrip(")")
    return int(inner) if inner.isdigit() else 2**62


def _placed(sql: str, table: TableMeta, targets: tuple[TableColumnMeta, ...]) -> str:
    """The SELECT's columns in the table's order, NULL for a column the list leaves out."""
    order = [column.name for column in targets]
    if order == [column.name for column in table.columns]:
        return sql
    names = [f"c{i}" for i in range(len(targets))]
    cells = [f"q.{names[order.index(column.name)]}" if column.name in order else "NULL" for column in table.columns]
    return f"SELECT {', '.join(cells)} FROM ({sql}) AS q({', '.join(names)})"

"""The write path: rows into a table or a partition, atomic with the statement's catalog transaction.

The rows go into DuckDB first, under a new random segment key, committed there; then SQLite lists
the segment in the statement's own transaction (with OVERWRITE, after dropping the target's
segments). A statement that fails after the DuckDB commit leaves only rows no view shows, which it
deletes itself (best effort) or a later write does (RowStore.collect_garbage).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from mcshell.catalog.tables import Segment, TableColumnMeta, TableMeta
from mcshell.errors import InvalidPartitionKey, NotRunLocally, PartitionLimit, SemanticError
from mcshell.rows.store import SEGMENT_COLUMN, RowStore
from mcshell.rows.types import duckdb_type, quote_name
from mcshell.rules.context import Context

# Fills the DuckDB table `name` with the rows of segment `key`; returns how many it wrote.
Filler = Callable[[RowStore, str, int], int]


def insert_rows(
    ctx: Context, table: TableMeta, partition: str | None, rows: Iterable[tuple[object, ...]], overwrite: bool
) -> int:
    """Rows of Python values already of the data columns' types (None for NULL), one per data column
    in order, into `partition` (`k=v/k2=v2`, created if missing; None for a table without
    partitions). OVERWRITE replaces the partition's (or the table's) rows. Returns the row count."""
    values = list(rows)
    for column in table.columns:
        refuse_char(column, "an INSERT")

    def fill(store: RowStore, name: str, key: int) -> int:
        if values:
            columns = ", ".join([SEGMENT_COLUMN, *(quote_name(c.name) for c in table.columns)])
            casts = ", ".join(["?", *(f"CAST(? AS {duckdb_type(c.type)})" for c in table.columns)])
            store.connection.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({casts})", [(key, *row) for row in values]
            )
        return len(values)

    return write_segment(ctx, table, partition, overwrite, fill)


def insert_query(ctx: Context, table: TableMeta, partition: str | None, sql: str, overwrite: bool) -> int:
    """The rows of `sql` (DuckDB SQL on the store's connection, yielding the data columns in order)
    into `partition`, as insert_rows. A caller that compiled `sql` on the store opened it for writing."""

    def fill(store: RowStore, name: str, key: int) -> int:
        return insert_select(store, table, name, key, sql)

    return write_segment(ctx, table, partition, overwrite, fill)


def insert_select(store: RowStore, table: TableMeta, name: str, key: int, sql: str) -> int:
    """`INSERT INTO name SELECT key, <the query's columns, cast to the table's types>`: the count."""
    check_query_types(store, table, sql)
    columns = ", ".join([SEGMENT_COLUMN, *(quote_name(c.name) for c in table.columns)])
    inner = ", ".join(f"CAST(q.c{at} AS {duckdb_type(c.type)})" for at, c in enumerate(table.columns))
    aliases = ", ".join(f"c{at}" for at in range(len(table.columns)))
    found = store.connection.execute(
        f"INSERT INTO {name} ({columns}) SELECT {key}, {inner} FROM ({sql}) AS q({aliases})"
    )
    (count,) = found.fetchone()
    _require_not_null(store, table, name, key)
    _require_lengths(store, table, name, key)
    _require_finite(store, table, name, key)
    return int(count)


def _require_not_null(store: RowStore, table: TableMeta, name: str, key: int) -> None:
    """A NOT NULL column the query gave a NULL fails the statement (its rows, in the open DuckDB
    transaction, go with it), as a VALUES NULL does in the checks (rules/insert.py)."""
    for column in (c for c in table.columns if c.not_null):
        if _any_written(store, name, key, f"{quote_name(column.name)} IS NULL"):
            raise SemanticError(f"column {column.name} is NOT NULL: the query gives it a NULL", 0)


def _require_lengths(store: RowStore, table: TableMeta, name: str, key: int) -> None:
    """A VARCHAR(n) or CHAR(n) column the query gave a longer string fails the statement, nothing
    written (mcshell's decision, docs/tables.md "INSERT": what MaxCompute does is not documented)."""
    for column in table.columns:
        size = string_length(column.type)
        if size is not None and _any_written(store, name, key, f"length({quote_name(column.name)}) > {size}"):
            raise NotRunLocally(
                f"mcshell does not run this locally: the query gives column {column.name} ({column.type}) "
                f"a value longer than {size} characters"
            )


def _require_finite(store: RowStore, table: TableMeta, name: str, key: int) -> None:
    """An Infinity or NaN the query gave a FLOAT or DOUBLE column fails the statement: MaxCompute
    2.0 reports a DOUBLE overflow as an error, and its stored values hold no NaN or Infinity."""
    for column in (c for c in table.columns if c.type.lower() in ("float", "double")):
        if _any_written(store, name, key, f"NOT isfinite({quote_name(column.name)})"):
            raise NotRunLocally(
                f"mcshell does not run this locally: the query gives column {column.name} ({column.type}) "
                "an Infinity or NaN (a DOUBLE overflow: MaxCompute 2.0 reports an error)"
            )


CHAR_REFUSED = (
    "a CHAR(n) value is padded with spaces that comparisons ignore (the data types page, "
    "https://www.alibabacloud.com/help/en/maxcompute/latest/maxcompute-v2-0-data-type-edition); mcshell "
    "does not store one"
)


def refuse_char(column: TableColumnMeta, what: str) -> None:
    """A CHAR(n) column is not written nor read by `what` (mcshell's decision, docs/tables.md "Rows")."""
    if column.type.lower().replace(" ", "").startswith("char("):
        raise NotRunLocally(
            f"mcshell does not run this locally: {what} of a {column.type} column ({column.name}): {CHAR_REFUSED}"
        )


def string_length(mc_type: str) -> int | None:
    """n of `varchar(n)` or `char(n)`; None for any other type."""
    name, _, rest = mc_type.lower().replace(" ", "").partition("(")
    return int(rest.rstrip(")")) if name in ("varchar", "char") and rest else None


def _any_written(store: RowStore, name: str, key: int, condition: str) -> bool:
    """Whether a row of segment `key` meets `condition` (SQL over the table's columns)."""
    found = store.connection.execute(
        f"SELECT 1 FROM {name} WHERE {SEGMENT_COLUMN} = {key} AND ({condition}) LIMIT 1"
    ).fetchone()
    return found is not None


_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")


def check_query_types(store: RowStore, table: TableMeta, sql: str) -> None:
    """Each column of the query converts to its table column's type without changing its value, or the
    statement is refused: a conversion DuckDB makes otherwise (DOUBLE to BIGINT rounds where MaxCompute
    truncates, a DOUBLE's text is not MaxCompute's) would be a wrong answer."""
    found = [str(row[1]) for row in store.connection.execute(f"DESCRIBE {sql}").fetchall()]
    if len(found) != len(table.columns):
        raise NotRunLocally(
            f"mcshell does not run this locally: the query yields {len(found)} columns for the "
            f"{len(table.columns)} of {table.project}.{table.name}"
        )
    for source, column in zip(found, table.columns, strict=True):
        refuse_char(column, "an INSERT")
        target = duckdb_type(column.type)
        if not _keeps_value(source.upper(), target):
            raise NotRunLocally(
                f"mcshell does not run this locally: a {source} value into column {column.name} "
                f"({column.type}): DuckDB's conversion is not known to be MaxCompute's"
            )


def _keeps_value(source: str, target: str) -> bool:
    if source in (target, '"NULL"') or (source.startswith("VARCHAR") and target == "VARCHAR"):
        return True
    if source in _INTEGERS:
        wider = target in _INTEGERS and _INTEGERS.index(target) >= _INTEGERS.index(source)
        return wider or target in ("FLOAT", "DOUBLE", "VARCHAR") or target.startswith("DECIMAL")
    if source.startswith("DECIMAL(") and target.startswith("DECIMAL("):
        return int(source[:-1].split(",")[1]) <= int(target[:-1].split(",")[1])  # no digit of scale lost
    return (source, target) in {("FLOAT", "DOUBLE"), ("DATE", "TIMESTAMP"), ("TIMESTAMP", "TIMESTAMP_NS")} or (
        source.startswith("DECIMAL(") and target == "DOUBLE"
    )


def write_segment(ctx: Context, table: TableMeta, partition: str | None, overwrite: bool, fill: Filler) -> int:
    """One statement's rows as one new segment: DuckDB first, then SQLite (the module's docstring)."""
    spec = _target_spec(table, partition)
    store = RowStore.open(ctx.catalog, write=True)
    try:
        store.collect_garbage()
        storage = _storage(ctx, table)
        key = secrets.randbits(63) or 1
        count = _fill_committed(store, table, storage, key, fill)
        try:
            _record(ctx, table, spec, Segment(spec, key, count, storage), overwrite)
        except BaseException:
            _forget(store, storage, key)
            raise
        return count
    finally:
        store.close()


def _target_spec(table: TableMeta, partition: str | None) -> str:
    if table.partition_columns and not partition:
        keys = ", ".join(c.name for c in table.partition_columns)
        raise InvalidPartitionKey(
            f"table {table.project}.{table.name} is partitioned: rows go into a partition ({keys})"
        )
    if partition and not table.partition_columns:
        raise InvalidPartitionKey(f"table {table.project}.{table.name} is not partitioned")
    return partition or ""


def _storage(ctx: Context, table: TableMeta) -> int:
    """The DuckDB table the table's rows are in: the one its live segments name, else a new one."""
    segments = ctx.catalog.tables.segments(table.id)
    return segments[0].storage if segments else (secrets.randbits(63) or 1)


def _fill_committed(store: RowStore, table: TableMeta, storage: int, key: int, fill: Filler) -> int:
    connection: Any = store.connection
    connection.execute("BEGIN")
    try:
        name = store.prepare_table(table, storage)
        count = fill(store, name, key)
        store.register(storage, key)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return count


def _record(ctx: Context, table: TableMeta, spec: str, segment: Segment, overwrite: bool) -> None:
    """The segment listed in the statement's transaction; the partition created if it is new."""
    from mcshell.rules import validate

    tables = ctx.catalog.tables
    now = ctx.clock()
    if spec and not tables.has_partition(table.id, spec):
        if tables.partition_count(table.id) + 1 > validate.MAX_PARTITIONS:
            raise PartitionLimit(f"maximum {validate.MAX_PARTITIONS} partitions allowed")
        tables.add_partition(table.id, spec, now)
        tables.touch(table.id, now)
    if overwrite:
        tables.drop_segments(table.id, spec)
    tables.add_segment(table.id, segment)
    tables.touch_data(table.id, now)


def _forget(store: RowStore, storage: int, key: int) -> None:
    """Best effort: the rows of a segment SQLite did not list are deleted at once."""
    try:
        store.connection.execute(f"DELETE FROM {quote_name(f't{storage}')} WHERE {SEGMENT_COLUMN} = ?", (key,))
        store.connection.execute("DELETE FROM mcshell_segments WHERE storage = ? AND key = ?", (storage, key))
    except Exception:  # noqa: BLE001 - the next write collects them
        pass

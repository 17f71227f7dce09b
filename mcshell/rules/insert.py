"""INSERT INTO | OVERWRITE (docs/tables.md, "INSERT"): every check in every mode, then, outside
--check and dry runs, the write through the row store (mcshell/rows/).

The checks, in MaxCompute's order (the INSERT pages: https://alibabacloud.com/help/en/maxcompute/user-guide/insert-into-or-overwrite,
https://www.alibabacloud.com/help/en/maxcompute/user-guide/insert-or-overwrite-data-into-dynamic-partitions):
the target exists and the user holds Update on it; the partition spec names the table's partition
keys, with constant values; the column list names data columns; the SELECT is checked as any
SELECT (its tables need Select, its model calls are checked against its columns); then the values
or the SELECT's result columns fit the target columns, in number and, under the implicit
conversions (rules/types.py), in type; a NOT NULL column gets no NULL.
"""

from __future__ import annotations

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import NoSuchTable, NotRunLocally, SemanticError, TableNotFound, shortened
from mcshell.output.results import OK, Result
from mcshell.rules import access, privileges
from mcshell.rules.context import Context
from mcshell.rules.types import accepts, base_type, constant_fits, described, narrower_integer
from mcshell.sql import statements as st

_WORDS = "INSERT"
_DIFFERENT = "Cannot insert into target table because column number/types are different"


def insert(stmt: st.Insert, ctx: Context) -> Result:
    table, partition, targets = check_insert(stmt, ctx)
    if ctx.dry_run:
        return OK
    from mcshell.rules.insert_run import run_insert

    run_insert(stmt, ctx, table, partition, targets)
    return OK


def check_insert(stmt: st.Insert, ctx: Context) -> tuple[TableMeta, str | None, tuple[TableColumnMeta, ...]]:
    """Every rule of an INSERT: the target table, its partition (`k=v/...`, None for a table without
    partitions) and the columns the values go to, in order."""
    table = _target(stmt, ctx)
    partition = _partition(stmt, table)
    targets = _targets(stmt, table)
    if stmt.select is not None:
        _check_select(stmt, stmt.select, ctx, targets)
    else:
        for row in stmt.rows:
            _check_row(row, targets, stmt)
    return table, partition, targets


def _target(stmt: st.Insert, ctx: Context) -> TableMeta:
    from mcshell.rules.tables import find_table

    try:
        table = find_table(ctx, access.resolve(stmt.table, ctx, changes=True), stmt.table.offset)
    except NoSuchTable as error:
        raise TableNotFound(error.message, error.offset, _WORDS) from None
    access.require_on_table(ctx, privileges.UPDATE, table)
    return table


def _partition(stmt: st.Insert, table: TableMeta) -> str | None:
    """A static partition names every partition key of the table, each with a constant; a key
    without a value (a dynamic partition) is refused here."""
    given = len(stmt.partition.values) + len(stmt.dynamic) if stmt.partition is not None else 0
    if given != len(table.partition_columns) and table.partition_columns:
        raise SemanticError(
            f"the number of input partition columns ({given}) doesn't equal to table's partition columns "
            f"({len(table.partition_columns)})",
            stmt.table.offset,
        )
    if stmt.partition is None:
        return None
    if stmt.dynamic:
        raise NotRunLocally(
            f"mcshell does not run an INSERT into a dynamic partition ({', '.join(k.key for k in stmt.dynamic)} "
            "without a value) locally: give every partition key a constant",
            stmt.dynamic[0].offset,
            _WORDS,
        )
    from mcshell.rules.tables import partition_text

    return partition_text(table, stmt.partition)


def _targets(stmt: st.Insert, table: TableMeta) -> tuple[TableColumnMeta, ...]:
    """The columns the values fill, in order: the column list's, else every data column."""
    if not stmt.columns:
        return table.columns
    by_name = {column.name: column for column in table.columns}
    keys = {column.name for column in table.partition_columns}
    targets: list[TableColumnMeta] = []
    for name in stmt.columns:
        if name.key in keys:
            raise SemanticError(
                f"column {shortened(name.key)} is a partition key: its value goes in PARTITION (...)", name.offset
            )
        if name.key not in by_name:
            raise SemanticError(f"column {shortened(name.key)} cannot be resolved", name.offset)
        if any(column.name == name.key for column in targets):
            raise SemanticError(f"column {shortened(name.key)} is given twice", name.offset)
        targets.append(by_name[name.key])
    for column in table.columns:  # the columns left out get NULL
        if column.not_null and column not in targets:
            raise SemanticError(f"column {column.name} is NOT NULL: the column list leaves it out", stmt.source_offset)
    return tuple(targets)


def _check_row(row: tuple[st.Arg, ...], targets: tuple[TableColumnMeta, ...], stmt: st.Insert) -> None:
    at = row[0].offset if row else stmt.source_offset
    if len(row) != len(targets):
        raise SemanticError(
            f"{_DIFFERENT}: the table takes {_count(len(targets))} ({_listed(targets)}), the row gives {len(row)}", at
        )
    for column, value in zip(targets, row, strict=True):
        if value.kind == "null" and column.not_null:
            raise SemanticError(f"column {column.name} is NOT NULL: the value is NULL", value.offset)
        found = "NULL" if value.kind == "null" else value.type
        if not _fits(value, found, column.type):
            raise SemanticError(
                f"{_DIFFERENT}: column {column.name} is {column.type}, found {described(value, found)}", value.offset
            )


def _fits(value: st.Arg, found: str, column_type: str) -> bool:
    """A value for a column under the implicit conversions (rules/types.py), as ML_PREDICT's INPUT takes one."""
    fits = accepts((base_type(column_type),), found)
    if not fits and value.kind == "constant" and narrower_integer(found, column_type):
        fits = constant_fits(value, column_type)
    return fits


def _check_select(stmt: st.Insert, select: st.Select, ctx: Context, targets: tuple[TableColumnMeta, ...]) -> None:
    from mcshell.rules.columns import output_types
    from mcshell.rules.functions import check_select

    check_select(select, ctx, _WORDS)
    if select.source in ("none", "values"):
        from mcshell.rules.query import check_columns

        check_columns(select)
    types = output_types(select, ctx)
    if not types:  # a shape whose result columns mcshell does not place: MaxCompute checks them
        return
    if len(types) != len(targets):
        raise SemanticError(
            f"{_DIFFERENT}: the table takes {_count(len(targets))} ({_listed(targets)}), the SELECT gives {len(types)}",
            stmt.source_offset,
        )
    offsets = _result_offsets(select, len(types))
    for i, (column, found) in enumerate(zip(targets, types, strict=True)):
        if found and not accepts((base_type(column.type),), found):
            at = offsets[i] if offsets else stmt.source_offset
            raise SemanticError(f"{_DIFFERENT}: column {column.name} is {column.type}, found {found}", at)


def _result_offsets(select: st.Select, count: int) -> list[int]:
    """Where each result column stands, when each is one expression (no star)."""
    if select.scopes:
        args = [output.arg for output in select.scopes[0].outputs]
    else:
        from mcshell.sql.select import result_args

        args = list(result_args(select) or ())
    if len(args) != count or any(arg is None for arg in args):
        return []
    return [arg.offset for arg in args if arg is not None]


def _count(n: int) -> str:
    return f"{n} column" + ("" if n == 1 else "s")


def _listed(columns: tuple[TableColumnMeta, ...]) -> str:
    return ", ".join(f"{column.name} {column.type}" for column in columns)

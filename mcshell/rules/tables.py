"""The table statements (docs/tables.md): one handler each, `(statement, context) -> Result`.

Each checks who may act first (access.py), then every rule (validate.py), and only then changes the
catalog, inside the statement's transaction: a refused statement changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import (
    InvalidPartitionKey,
    NoSuchTable,
    PartitionLimit,
    PartitionNotFound,
    SemanticError,
    TableExists,
)
from mcshell.output.results import OK, Message, Result, TableDescribe
from mcshell.rules import access, privileges
from mcshell.rules.context import Context, Target, _did_you_mean
from mcshell.sql import statements as st

if TYPE_CHECKING:
    pass

# `validate` is imported by the handlers that apply its rules: a one-shot DESC or SHOW does not pay
# for it (handlers.py does the same).


def find_table(ctx: Context, target: Target, offset: int) -> TableMeta:
    table = ctx.catalog.tables.get(target.project, target.name)
    if table is None:
        hint = _did_you_mean(target.name, ctx.catalog.tables.names(target.project))
        raise NoSuchTable(f"table {target} cannot be resolved{hint}", offset)
    return table


def _columns(columns: tuple[st.TableColumn, ...]) -> tuple[TableColumnMeta, ...]:
    return tuple(
        TableColumnMeta(c.name.key, c.type.sql(), c.comment.value if c.comment else "", c.not_null) for c in columns
    )


# -- statements that change the catalog --------------------------------------------------------
def create_table(stmt: st.CreateTable, ctx: Context) -> Result:
    from mcshell.rules import validate

    target = access.resolve(stmt.table, ctx, changes=True)
    access.require_on_project(ctx, privileges.CREATE_TABLE, target.project)
    validate.check_table_name(stmt.table.name)
    validate.check_lifecycle(stmt.lifecycle, stmt.lifecycle_offset)
    if stmt.like is not None:
        source = find_table(ctx, access.resolve(stmt.like, ctx, changes=False), stmt.like.offset)
        access.require_on_table(ctx, privileges.DESCRIBE, source)
        columns, partitions, comment = source.columns, source.partition_columns, source.comment
    else:
        validate.check_table_columns(stmt.columns, stmt.partitions)
        validate.check_comment(stmt.comment)
        columns, partitions = _columns(stmt.columns), _columns(stmt.partitions)
        comment = stmt.comment.value if stmt.comment else ""
    if ctx.catalog.tables.get(target.project, target.name) is not None:
        if stmt.if_not_exists:
            return OK  # the table stays as it is, even if its schema differs (the CREATE TABLE page)
        raise TableExists(f"table {target} already exists", stmt.table.offset)
    now = ctx.clock()
    table = TableMeta(
        target.project, target.name, ctx.user, comment, columns, partitions, stmt.lifecycle, now, now, now
    )
    ctx.catalog.tables.insert(table)
    return OK


def drop_table(stmt: st.DropTable, ctx: Context) -> Result:
    target = access.resolve(stmt.table, ctx, changes=True)
    table = ctx.catalog.tables.get(target.project, target.name)
    if table is None:
        if stmt.if_exists:
            return OK
        table = find_table(ctx, target, stmt.table.offset)  # raises "Table not found", with a hint
    access.require_on_table(ctx, privileges.DROP, table)
    ctx.catalog.tables.delete(table.id)
    return OK


def add_columns(stmt: st.AddColumns, ctx: Context) -> Result:
    from mcshell.rules import validate

    table = _altered(stmt.table, ctx)
    seen = {c.name for c in (*table.columns, *table.partition_columns)}
    new: list[st.TableColumn] = []
    for column in stmt.columns:
        if column.name.key in seen and stmt.if_not_exists:
            continue  # IF NOT EXISTS: a column the table has is left as it is
        if column.name.key in seen:
            raise SemanticError(f"column '{column.name.key}' already exists in {table.project}.{table.name}",
                                column.name.offset)  # fmt: skip
        validate.check_column(column, seen)
        new.append(column)
    if len(table.columns) + len(new) > validate.MAX_COLUMNS:
        raise SemanticError(
            f"a table has at most {validate.MAX_COLUMNS} columns; {table.name} would have "
            f"{len(table.columns) + len(new)}",
            stmt.columns[0].name.offset,
        )
    if new:
        ctx.catalog.tables.set_columns(table.id, table.columns + _columns(tuple(new)), ctx.clock())
    return OK


def _altered(ref: st.ModelRef, ctx: Context) -> TableMeta:
    """The table an ALTER TABLE changes, once the acting user may alter it."""
    table = find_table(ctx, access.resolve(ref, ctx, changes=True), ref.offset)
    access.require_on_table(ctx, privileges.ALTER, table)
    return table


def add_partitions(stmt: st.AddPartitions, ctx: Context) -> Result:
    from mcshell.rules import validate

    table = _altered(stmt.table, ctx)
    specs = [partition_text(table, spec) for spec in stmt.partitions]
    tables = ctx.catalog.tables
    new = [text for at, text in enumerate(specs) if text not in specs[:at] and not tables.has_partition(table.id, text)]
    existing = next((text for text in specs if text not in new), None)
    if existing is not None and not stmt.if_not_exists:
        from mcshell.errors import DdlError

        raise DdlError(f"AlreadyExistsException(message:Partition already exists, existed values: {existing})")
    if tables.partition_count(table.id) + len(new) > validate.MAX_PARTITIONS:
        raise PartitionLimit(f"maximum {validate.MAX_PARTITIONS} partitions allowed")
    now = ctx.clock()
    for text in new:
        tables.add_partition(table.id, text, now)
    if new:
        tables.touch(table.id, now)
    return OK


def drop_partitions(stmt: st.DropPartitions, ctx: Context) -> Result:
    table = _altered(stmt.table, ctx)
    tables = ctx.catalog.tables
    found: list[str] = []
    for spec in stmt.partitions:
        text = partition_text(table, spec)
        if tables.has_partition(table.id, text):
            found.append(text)
        elif not stmt.if_exists:
            raise PartitionNotFound(f"partition {text} does not exist in {table.project}.{table.name}", spec.offset)
    for text in found:
        tables.drop_partition(table.id, text)
    if found:
        tables.touch(table.id, ctx.clock())
    return OK


def partition_text(table: TableMeta, spec: st.PartitionSpec) -> str:
    """`k1=v1/k2=v2`, keys in the table's order: a spec names every level once, values checked."""
    from mcshell.rules import validate

    if not table.partition_columns:
        raise InvalidPartitionKey(f"table {table.project}.{table.name} is not partitioned", spec.offset)
    given: dict[str, str] = {}
    for key, value in spec.values:
        column = next((c for c in table.partition_columns if c.name == key.key), None)
        if column is None or key.key in given:
            what = "is given twice" if column is not None else f"is not a partition key of {table.name}"
            raise InvalidPartitionKey(f"'{key.text}' {what}", key.offset)
        given[key.key] = validate.check_partition_value(key.key, value, column.type)
    missing = [c.name for c in table.partition_columns if c.name not in given]
    if missing:
        raise InvalidPartitionKey(
            f"the partition spec names no value for {', '.join(missing)}: every level of {table.name} is needed",
            spec.offset,
        )
    return "/".join(f"{c.name}={given[c.name]}" for c in table.partition_columns)


# -- statements that read ----------------------------------------------------------------------
def _described(ref: st.ModelRef, ctx: Context) -> TableMeta:
    table = find_table(ctx, access.resolve(ref, ctx, changes=False), ref.offset)
    access.require_on_table(ctx, privileges.DESCRIBE, table)
    return table


def desc_table(stmt: st.DescTable, ctx: Context) -> Result:
    table = _described(stmt.table, ctx)
    times = [("CreateTime", table.create_time), ("LastDDLTime", table.last_ddl_time)]
    times.append(("LastModifiedTime", table.last_modified_time))
    if table.lifecycle is not None:
        times.append(("Lifecycle", str(table.lifecycle)))
    columns = tuple((c.name, c.type, "", c.comment) for c in table.columns)
    keys = tuple((c.name, c.type, c.comment) for c in table.partition_columns)
    if not stmt.extended:
        return Result(TableDescribe(table.owner, table.project, table.comment, tuple(times), 0, columns, keys))
    extended = (("IsArchived", "false"), ("PhysicalSize", "0"), ("FileNum", "0"))  # no data: no bytes, no files
    desc = TableDescribe(
        table.owner, table.project, table.comment, tuple(times), 0, columns, keys, table_id(table), extended
    )
    return Result(desc)


def table_id(table: TableMeta) -> str:
    """A TableID as MaxCompute shows one (32 hex digits): mcshell's decision, made from the project,
    the name and the creation time, so a table created again is another table."""
    import hashlib

    return hashlib.md5(f"{table.project}.{table.name}.{table.create_time}".encode(), usedforsecurity=False).hexdigest()


def show_tables(stmt: st.ShowTables, ctx: Context) -> Result:
    access.require_on_project(ctx, privileges.LIST, ctx.project)
    like = stmt.like.value.lower() if stmt.like is not None else None
    lines = [f"{table.owner}:{table.name}" for table in ctx.catalog.tables.iter_tables(ctx.project, like)]
    return Result(Message("\n".join(lines))) if lines else OK


def show_partitions(stmt: st.ShowPartitions, ctx: Context) -> Result:
    target = access.resolve(stmt.table, ctx, changes=False)
    access.require_on_project(ctx, privileges.LIST, target.project)
    table = find_table(ctx, target, stmt.table.offset)
    if not table.partition_columns:
        raise InvalidPartitionKey(f"table {table.project}.{table.name} is not partitioned", stmt.table.offset)
    lines = ctx.catalog.tables.partitions(table.id)
    return Result(Message("\n".join(lines))) if lines else OK


def show_create_table(stmt: st.ShowCreateTable, ctx: Context) -> Result:
    from mcshell.rules.recreate import table_statement

    return Result(Message(table_statement(_described(stmt.table, ctx))))

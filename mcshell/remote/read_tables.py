"""Every table of the remote project, its schema and partitions, as the catalog stores them (the
tables part of `mcshell pull`; never rows). Through pyodps (client.py): `o.list_tables()` for the
names, then `o.get_table(t)` for each, its schema, owner, comment, lifecycle and times, and its
partitions when it has keys (docs/remote.md).

What pull cannot hold it refuses with UnreadableAnswer naming the request (`GET tables/<t>`): a
table type other than MANAGED_TABLE (a view, an external table), and a name, a type, a comment or a
partition value that CREATE TABLE would refuse. Each table is checked as its SHOW CREATE TABLE
statement, parsed and checked by the statement's own grammar and rules, so the catalog only ever
holds what its own DDL could have made; the line quoted is that statement's."""

from __future__ import annotations

from collections.abc import Callable

from mcshell.catalog.snapshot import TableState
from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import McError, UnreadableAnswer
from mcshell.remote.client import Remote, RemoteColumn, RemoteTable
from mcshell.rules import validate
from mcshell.rules.recreate import table_statement
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk

MANAGED = "MANAGED_TABLE"
Progress = Callable[[str], None]


def read_tables(remote: Remote, project: str, progress: Progress | None = None) -> tuple[TableState, ...]:
    """Every table of the project, by name. Raises RemoteFailed, RemoteLost, RemoteRefused or
    UnreadableAnswer; reads only."""
    names = remote.table_names()
    for earlier, name in zip(names, names[1:], strict=False):
        if name == earlier:
            raise UnreadableAnswer("GET tables", 1, name, "a table listed twice")
    states = []
    for done, name in enumerate(names, 1):
        states.append(_table_state(remote.table(name), project))
        if progress is not None:
            progress(f"tables {done}/{len(names)}")
    return tuple(states)


def _columns(columns: tuple[RemoteColumn, ...]) -> tuple[TableColumnMeta, ...]:
    return tuple(TableColumnMeta(c.name.lower(), c.type, c.comment, not c.nullable) for c in columns)


def _table_state(answer: RemoteTable, project: str) -> TableState:
    request = f"GET tables/{answer.name}"
    if answer.type != MANAGED:
        raise UnreadableAnswer(request, 1, f"Type: {answer.type}", f"a table type pull does not read (only {MANAGED})")
    table = TableMeta(
        project, answer.name.lower(), answer.owner, answer.comment, _columns(answer.columns),
        _columns(answer.partition_columns), answer.lifecycle, answer.create_time, answer.last_ddl_time,
        answer.last_modified_time,
    )  # fmt: skip
    _check(table, request)
    partitions = tuple(sorted((_spec(table, pairs, request), created) for pairs, created in answer.partitions))
    return TableState(table, partitions)


def _check(table: TableMeta, request: str) -> None:
    """The table as CREATE TABLE would make it: its statement parses, passes CREATE TABLE's rules,
    and writes each type as the catalog does (`decimal(10,2)`, `struct<a:int>`)."""
    text = table_statement(table)
    try:
        stmt = parse(Chunk(text.removesuffix(";")))  # a chunk is a statement without its `;`
        assert isinstance(stmt, st.CreateTable)
        validate.check_table_name(stmt.table.name)
        validate.check_table_columns(stmt.columns, stmt.partitions)
        validate.check_comment(stmt.comment)
        validate.check_lifecycle(stmt.lifecycle, stmt.lifecycle_offset)
    except McError as error:
        raise _unreadable(request, text, error.offset or 0, error.message) from None
    for written, column in zip((*stmt.columns, *stmt.partitions), (*table.columns, *table.partition_columns),
                               strict=True):  # fmt: skip
        if written.type.sql() != column.type:
            at = text.index(f" {column.type}") + 1
            raise _unreadable(request, text, at, f"a type mcshell writes as {written.type.sql()}")
    if not table.create_time or not table.last_ddl_time or not table.last_modified_time:
        raise _unreadable(request, text, 0, "the table's create, DDL or modified time is not given")


def _spec(table: TableMeta, pairs: tuple[tuple[str, str], ...], request: str) -> str:
    """A partition as the catalog keeps it, `k1=v1/k2=v2` in the table's key order, each value
    checked as ADD PARTITION checks it."""
    shown = "/".join(f"{key}={value}" for key, value in pairs)
    keys = [column.name for column in table.partition_columns]
    if [key.lower() for key, _ in pairs] != keys:
        raise UnreadableAnswer(request, 1, shown, f"a partition whose keys are not {', '.join(keys)}")
    try:
        values = [validate.check_partition_value(column.name, st.Text(value), column.type)
                  for column, (_, value) in zip(table.partition_columns, pairs, strict=True)]  # fmt: skip
    except McError as error:
        raise UnreadableAnswer(request, 1, shown, error.message) from None
    return "/".join(f"{key}={value}" for key, value in zip(keys, values, strict=True))


def _unreadable(request: str, text: str, offset: int, why: str) -> UnreadableAnswer:
    """The line of the table's CREATE TABLE statement at `offset`, with its number."""
    number = text.count("\n", 0, offset) + 1
    return UnreadableAnswer(request, number, text.split("\n")[number - 1], why)

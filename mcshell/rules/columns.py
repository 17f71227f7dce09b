"""The scope of a SELECT over tables: the tables it reads, and which table's column each column it
names is, with its type (docs/tables.md, "Model calls over a table").

Every table read must exist (`ODPS-0130131:Table not found`, at its name) and the user needs Select
on it (the permissions page: Select reads a table's data). Where the statement's shape lets mcshell
place its columns (sql/select.py gives the scopes: one query over tables and JOINs, or simple
subqueries in its FROM), each column resolves to one column of one table or subquery, else
`column X cannot be resolved` at its place, as MaxCompute words it
(https://www.alibabacloud.com/help/en/maxcompute/use-cases/rewrite-incompatible-sql-statements).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import NoSuchTable, SemanticError, TableNotFound, shortened
from mcshell.rules import access, privileges
from mcshell.rules.context import Context
from mcshell.rules.types import base_type
from mcshell.sql import statements as st
from mcshell.value import Value

_WORDS = "SELECT"
# What the model functions return, as an argument's type (the others return STRING).
_RETURNS = {"AI_SIMILARITY": "DOUBLE", "AI_EMBEDDING": "VECTOR", "ML_PREDICT": ""}
# A source's columns: name -> MaxCompute type (BIGINT, DECIMAL, ARRAY<STRING> ...).
_Columns = dict[str, str]


@dataclass(eq=False, repr=False)
class Scope(Value):
    """What a SELECT over tables reads: its tables, in text order, and the type of each column it
    names (one per `select.refs`; "" where mcshell does not know it: a STRUCT's field). `resolved`
    says whether its columns were placed at all (a shape with no scopes keeps them unchecked)."""

    tables: tuple[TableMeta, ...]
    types: tuple[str, ...]
    resolved: bool


def table_scope(select: st.Select, ctx: Context, words: str = _WORDS) -> Scope:
    """Every table `select` reads (found, Select held), then every column it names, resolved."""
    found = _read_tables(select, ctx, words)
    tables = tuple({(table.project, table.name): table for table in found.values()}.values())
    if not select.scopes:
        return Scope(tables, ("",) * len(select.refs), False)
    return Scope(tables, _Resolver(select, found).types(), True)


def output_types(select: st.Select, ctx: Context) -> tuple[str, ...]:
    """Each result column's MaxCompute type ("" where mcshell cannot know it); a star stands for
    the columns it selects. () for a shape whose columns mcshell does not place."""
    if select.source in ("none", "values"):
        return _evaluated_types(select)
    if not select.scopes:
        return ()
    resolver = _Resolver(select, _read_tables(select, ctx, _WORDS))
    resolver.types()
    return tuple(kind for _, kind in resolver.level_outputs(0))


def _evaluated_types(select: st.Select) -> tuple[str, ...]:
    """A SELECT with no FROM or over VALUES: its constants' types, its VALUES columns' types."""
    from mcshell.sql.select import result_args

    args = result_args(select)
    if args is None:
        return ()
    return tuple(select.columns.get(arg.name, "") if arg.kind == "column" else arg_type_in(arg, ()) for arg in args)


def _read_tables(select: st.Select, ctx: Context, words: str) -> dict[str, TableMeta]:
    return {table_key(ref): read_table(ref, ctx, words) for ref in select.tables}


def read_table(ref: st.ModelRef, ctx: Context, words: str = _WORDS) -> TableMeta:
    """A table a query reads: it exists and the user holds Select on it."""
    from mcshell.rules.tables import find_table

    target = access.resolve(ref, ctx, changes=False)
    key = ("table", target.project, target.name)
    try:  # read once in the statement's transaction: INSERT ... SELECT's checks read its tables twice
        table = ctx.catalog.remembered(key, lambda: find_table(ctx, target, ref.offset))
    except NoSuchTable as error:  # the SELECT's own error: --skip-unsupported skips it, as before
        raise TableNotFound(error.message, error.offset, words) from None
    access.require_on_table(ctx, privileges.SELECT, table)
    return table


def table_key(ref: st.ModelRef) -> str:
    return ".".join(part.key for part in (ref.project, ref.schema, ref.name) if part is not None)


def table_columns(table: TableMeta) -> _Columns:
    """A table's columns as a query reads them: its data columns, then its partition columns (a
    dict nobody changes: the catalog gives the same column records for the same stored columns,
    so each layout's dict is made once)."""
    key = (id(table.columns), id(table.partition_columns))
    known = _LAYOUTS.get(key)
    if known is not None and known[0] is table.columns and known[1] is table.partition_columns:
        return known[2]
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    columns = {column.name: _base_type(column.type) for column in (*table.columns, *table.partition_columns)}
    _LAYOUTS[key] = (table.columns, table.partition_columns, columns)  # the records held: their ids stay theirs
    return columns


_ColumnRecords = tuple[TableColumnMeta, ...]
_LAYOUTS: dict[tuple[int, int], tuple[_ColumnRecords, _ColumnRecords, _Columns]] = {}
_LAYOUTS_MAX = 512


_BASE_TYPES: dict[str, str] = {}  # a column type as written -> its base type: a script names few


def _base_type(written: str) -> str:
    found = _BASE_TYPES.get(written)
    if found is None:
        found = _BASE_TYPES[written] = base_type(written)
    return found


def arg_type_in(arg: st.Arg, types: Sequence[str]) -> str:
    """An argument's type, its columns typed by `types` (one per column ref of its statement)."""
    if arg.kind == "column":
        return types[arg.ref] if 0 <= arg.ref < len(types) else ""
    if arg.kind == "call":
        return _RETURNS.get(arg.name, "STRING")
    if arg.kind == "null":
        return "NULL"
    return arg.type


class _Resolver:
    """Resolves a statement's column refs, the subqueries' before the outer query's (whose sources
    they are); the first failure in text order is the statement's error."""

    def __init__(self, select: st.Select, tables: dict[str, TableMeta]):
        self._select = select
        self._tables = tables
        self._types: list[str] = [""] * len(select.refs)
        self._failures: list[SemanticError] = []
        self._outputs: dict[int, _Columns] = {}
        self._level_sources: dict[int, list[tuple[str, _Columns]]] = {}
        for level in range(len(select.scopes) - 1, -1, -1):
            for index, ref in enumerate(select.refs):
                if ref.level == level:
                    self._types[index] = self._resolve(ref)

    def types(self) -> tuple[str, ...]:
        if self._failures:
            raise min(self._failures, key=lambda error: error.offset or 0)
        return tuple(self._types)

    def _sources(self, level: int) -> list[tuple[str, _Columns]]:
        if level in self._level_sources:
            return self._level_sources[level]
        sources = self._level_sources[level] = []
        for item in self._select.scopes[level].sources:
            if item.table is not None:
                sources.append((item.alias, table_columns(self._tables[table_key(item.table)])))
            else:
                sources.append((item.alias, self.level_columns(item.level)))
        return sources

    def level_columns(self, level: int) -> _Columns:
        """A query's result columns, as the query around it reads them."""
        if level not in self._outputs:
            self._outputs[level] = dict(self.level_outputs(level))
        return self._outputs[level]

    def level_outputs(self, level: int) -> list[tuple[str, str]]:
        """A query's result columns in order, each with its type; a star gives what it stands for."""
        columns: list[tuple[str, str]] = []
        sources = self._sources(level)
        for output in self._select.scopes[level].outputs:
            if output.arg is None:  # `*` or `t.*`
                qualifier = output.name[:-2]
                for alias, source in sources:
                    if not qualifier or alias == qualifier:
                        columns.extend(source.items())
            else:
                columns.append((output.name, self._arg_type(output.arg)))
        return columns

    def _arg_type(self, arg: st.Arg) -> str:
        return arg_type_in(arg, self._types)

    def _resolve(self, ref: st.ColumnRef) -> str:
        sources = self._sources(ref.level)
        parts = ref.parts
        if len(parts) == 1 and len(sources) == 1:  # most refs: `c` in a query over one table
            found = sources[0][1].get(parts[0])
            if found is not None:
                return found
        qualified = [columns for alias, columns in sources if alias == parts[0]] if len(parts) > 1 else []
        if qualified:
            name, columns_list, rest = parts[1], qualified[:1], parts[2:]
        else:
            name, columns_list, rest = parts[0], [columns for _, columns in sources], parts[1:]
        matches = [columns[name] for columns in columns_list if name in columns]
        if not matches:
            self._fail(f"column {shortened('.'.join(parts[:2]))} cannot be resolved", ref)
            return ""
        if len(matches) > 1:
            self._fail(f"column reference {shortened(name)} is ambiguous: qualify it with its table", ref)
            return ""
        return "" if rest else matches[0]  # a STRUCT's field: its type is not tracked

    def _fail(self, message: str, ref: st.ColumnRef) -> None:
        self._failures.append(SemanticError(message, ref.offset))

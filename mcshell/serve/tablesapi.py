"""The table routes pyodps uses (`o.list_tables()`, `o.get_table(t)` and its schema, `o.exist_table`,
`table.partitions`, `table.iterate_partitions()`, `table.exist_partition(spec)`): the catalog's
tables as the REST API gives them (records: tablejson.py), each read in one reading transaction
with the privileges of the statement that shows the same: SHOW TABLES and SHOW PARTITIONS need
List on the project, DESC needs Describe on the table. See docs/serve.md, "Tables"."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import TypeVar

from mcshell.catalog.snapshot import partition_records
from mcshell.catalog.tables import TableMeta
from mcshell.errors import NoSuchTable, PartitionNotFound
from mcshell.rules import access, privileges
from mcshell.rules.context import Context
from mcshell.rules.tables import find_table, table_id
from mcshell.serve import tablejson, wire
from mcshell.serve.messages import Request, Response
from mcshell.serve.runner import Runner
from mcshell.serve.wire import HttpError
from mcshell.sql import statements as st

PAGE_SIZE = 100  # tables, or partitions, per page (mcshell's decision: pyodps sends no page size)
_NOT_FOUND = (NoSuchTable.code, PartitionNotFound.code)
_NO_PROJECT = "ODPS-0110061: Failed to run ddltask - Project not found"
T = TypeVar("T")


class TableRoutes:
    runner: Runner

    def tables(self, req: Request, project: str) -> Response:
        """One page of the project's tables, by name after `marker`; `name` a prefix, `owner` an owner."""
        after, prefix, owner = req.query.get("marker", ""), req.query.get("name", ""), req.query.get("owner")
        wanted_type = req.query.get("type", tablejson.MANAGED).upper()

        def listed(ctx: Context) -> bytes:
            access.require_on_project(ctx, privileges.LIST, ctx.project)  # SHOW TABLES's privilege
            found = (
                (table, table_id(table)) for table in ctx.catalog.tables.iter_tables(ctx.project)
                if table.name > after and table.name.startswith(prefix.lower())
                and owner in (None, table.owner) and wanted_type == tablejson.MANAGED
            )  # fmt: skip
            page = list(islice(found, PAGE_SIZE + 1))
            marker = page[PAGE_SIZE - 1][0].name if len(page) > PAGE_SIZE else ""
            return tablejson.tables_xml(page[:PAGE_SIZE], marker, PAGE_SIZE)

        return Response(body=self._read_table(req, project, listed))

    def table(self, req: Request, project: str, name: str) -> Response:
        """The table (`?extended`: with DESC EXTENDED's fields), its partitions (`?partitions`), or
        one partition (`?partition=<spec>`)."""
        if "partitions" in req.query:
            return Response(body=self._read_table(req, project, lambda ctx: _partitions(ctx, req, name)))
        if "partition" in req.query:
            return Response(body=self._read_table(req, project, lambda ctx: _partition(ctx, req.query, name)))

        def described(ctx: Context) -> bytes:
            table = _found(ctx, name)
            access.require_on_table(ctx, privileges.DESCRIBE, table)  # DESC's privilege
            return tablejson.table_xml(table, table_id(table), "extended" in req.query)

        return Response(body=self._read_table(req, project, described))

    def _read_table(self, req: Request, project: str, fn: Callable[[Context], T]) -> T:
        """`fn` over the catalog as the caller. A table or partition that is not there: 404
        NoSuchObject (pyodps: NoSuchObject, `exist_table` False), its ODPS line the message; a
        project that is not there: 404 NoSuchProject; a refusal: its ODPS line (403 NoPermission)."""
        found, error = self.runner.read_as(req.user, project, fn)
        if error is not None:
            if error.startswith(_NOT_FOUND):
                raise HttpError(404, "NoSuchObject", error)
            if error.startswith(_NO_PROJECT):
                raise HttpError(404, "NoSuchProject", error)
            raise wire.error_of(error)
        return found  # type: ignore[return-value]  # set when error is None


def _found(ctx: Context, name: str) -> TableMeta:
    """The table the URL names, once the caller is known to be in the project (an outsider learns
    nothing of what it holds): Table not found otherwise, as DESC says it."""
    ref = st.ModelRef(st.Ident(name))
    return find_table(ctx, access.resolve(ref, ctx, changes=False), 0)


def _listed(ctx: Context, name: str) -> TableMeta:
    """The table whose partitions are read: SHOW PARTITIONS's privilege, List on the project."""
    table = _found(ctx, name)
    access.require_on_project(ctx, privileges.LIST, table.project)
    return table


def _partitions(ctx: Context, req: Request, name: str) -> bytes:
    """One page of the partitions after `marker`, those matching `partition` (a prefix spec) only. A
    table without partition keys lists none (mcshell's decision: docs/serve.md)."""
    table = _listed(ctx, name)
    after = req.query.get("marker", "")
    prefix = _spec(req.query.get("partition", ""))
    found = (
        (spec, created) for spec, created in partition_records(ctx.catalog, table.id)
        if spec > after and _matches(spec, prefix)
    )  # fmt: skip
    page = list(islice(found, PAGE_SIZE + 1))
    marker = page[PAGE_SIZE - 1][0] if len(page) > PAGE_SIZE else ""
    return tablejson.partitions_xml(page[:PAGE_SIZE], marker, PAGE_SIZE)


def _partition(ctx: Context, query: dict[str, str], name: str) -> bytes:
    table = _listed(ctx, name)
    wanted = _spec(query["partition"])
    for spec, created in partition_records(ctx.catalog, table.id):
        if dict(tablejson.partition_values(spec)) == dict(wanted):
            return tablejson.partition_xml(spec, created)
    shown = ",".join(f"{key}='{value}'" for key, value in wanted)
    line = f"{PartitionNotFound.code}:{PartitionNotFound.kind} - partition {shown} does not exist in {table.name}"
    raise HttpError(404, "NoSuchObject", line)


def _spec(text: str) -> list[tuple[str, str]]:
    """A partition spec as pyodps sends it (`dt='20261201',region='hz'`): (key, value) pairs, keys in
    lower case as the catalog keeps them, the quotes dropped."""
    pairs = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        key, _, value = part.partition("=")
        pairs.append((key.strip().lower(), value.strip().strip("'\"")))
    return pairs


def _matches(spec: str, prefix: list[tuple[str, str]]) -> bool:
    values = dict(tablejson.partition_values(spec))
    return all(values.get(key) == value for key, value in prefix)

"""One project's whole state as values: what `mcshell pull` reads from the remote and writes
whole, what `mcshell plan` compares before and after a script, and what `apply` compares with
the remote afterwards. Catalog ids are left out (zero), so that two catalogs' states compare.
Tables come with their schemas, partitions and grants, never their rows (docs/remote.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mcshell.catalog.grants import USER, GrantRow, Role
from mcshell.catalog.records import Model, Project, PullRecord, Version
from mcshell.catalog.store import Catalog
from mcshell.catalog.tables import TableMeta
from mcshell.value import Value


@dataclass(eq=False, repr=False)
class ModelState(Value):
    model: Model  # id 0
    versions: tuple[Version, ...]  # by name; model_id 0


@dataclass(eq=False, repr=False)
class RoleState(Value):
    role: Role
    holders: tuple[str, ...]  # sorted


@dataclass(eq=False, repr=False)
class TableState(Value):
    table: TableMeta  # id 0
    partitions: tuple[tuple[str, str], ...]  # (spec, create time), by spec


@dataclass(eq=False, repr=False)
class ProjectState(Value):
    project: Project
    models: tuple[ModelState, ...]  # by name
    members: tuple[tuple[str, str], ...]  # (name, add time), by name
    roles: tuple[RoleState, ...]  # the project's own roles, by key
    grants: tuple[GrantRow, ...]  # on the project and on its models, to users and roles, sorted
    # Who holds the built-in roles (Super_Administrator, Admin), which have no `roles` row:
    # (role key, user), sorted.
    builtin_holders: tuple[tuple[str, str], ...]
    tables: tuple[TableState, ...] = ()  # by name
    # The grants on its tables, to users and roles (`model` holds the table's name), sorted.
    table_grants: tuple[GrantRow, ...] = ()


def read_project(catalog: Catalog, name: str) -> ProjectState | None:
    """The project's state, inside the caller's transaction; None when the catalog has no such project."""
    project = catalog.get_project(name)
    if project is None:
        return None
    models = tuple(_model_state(catalog, model) for model in catalog.iter_models(name))
    roles = tuple(RoleState(role, tuple(catalog.grants.role_holders(name, role.key)))
                  for role in catalog.grants.iter_roles(name))  # fmt: skip
    members = tuple(catalog.grants.iter_members(name))
    builtin = tuple(catalog.grants.builtin_holders(name))
    tables = tuple(TableState(dataclasses.replace(table, id=0), tuple(partition_records(catalog, table.id)))
                   for table in catalog.tables.iter_tables(name))  # fmt: skip
    return ProjectState(project, models, members, roles, _grants(catalog, name), builtin, tables,
                        _table_grants(catalog, name))  # fmt: skip


def partition_records(catalog: Catalog, table_id: int) -> list[tuple[str, str]]:
    """(spec, create time) of each partition of the table, by spec."""
    rows = catalog.db.execute("SELECT spec, create_time FROM partitions WHERE table_id = ? ORDER BY spec", (table_id,))
    return [(str(spec), str(created)) for spec, created in rows]


def as_pulled(state: ProjectState | None) -> ProjectState | None:
    """The state as a pull reads it back: without the grants to users who are not members, which
    REMOVE USER keeps but no security query shows (docs/remote.md)."""
    if state is None:
        return None
    members = {name for name, _ in state.members}
    grants = tuple(row for row in state.grants if row.kind != USER or row.grantee in members)
    table_grants = tuple(row for row in state.table_grants if row.kind != USER or row.grantee in members)
    return dataclasses.replace(state, grants=grants, table_grants=table_grants)


def _model_state(catalog: Catalog, model: Model) -> ModelState:
    versions = sorted(catalog.iter_versions(model.id), key=lambda version: version.name)
    return ModelState(
        dataclasses.replace(model, id=0), tuple(dataclasses.replace(version, model_id=0) for version in versions)
    )


def _principals(catalog: Catalog, project: str) -> list[tuple[str, str]]:
    principals = [("user", user) for user in catalog.grants.user_grantees(project)]
    return principals + [("role", role.key) for role in catalog.grants.iter_roles(project)]


def _grants(catalog: Catalog, project: str) -> tuple[GrantRow, ...]:
    rows: list[GrantRow] = []
    for kind, grantee in _principals(catalog, project):
        rows += catalog.grants.grants_to(project, kind, grantee)
    return tuple(sorted(rows, key=grant_order))


def _table_grants(catalog: Catalog, project: str) -> tuple[GrantRow, ...]:
    rows: list[GrantRow] = []
    for kind, grantee in _principals(catalog, project):
        rows += catalog.grants.table_grants_to(project, kind, grantee)
    return tuple(sorted(rows, key=grant_order))


def grant_order(row: GrantRow) -> tuple[str, str, str, str]:
    """Grants on the project first, then by model; within each, by kind, grantee and privilege."""
    return (row.model or "", row.kind, row.grantee, row.privilege)


def replace_project(catalog: Catalog, state: ProjectState, record: PullRecord) -> tuple[str, ...]:
    """The project's snapshot replaced by `state`, with the record of its pull, in ONE write
    transaction opened here: a failure (or a kill) half-way leaves the old snapshot whole.
    Each model's versions are written in the order they were made (`creation_order`), since
    dump and SHOW CREATE MODEL recreate them in that order. Returns the names of the tables whose
    local rows went with the old snapshot (docs/remote.md: a pull replaces the tables whole)."""
    name = state.project.name
    with catalog.transaction(write=True):
        dropped = tables_with_rows(catalog, name)
        _delete_project(catalog, name)
        catalog.replace_project_row(state.project, record)
        for model_state in state.models:
            _insert_model(catalog, model_state)
        for member, add_time in state.members:
            catalog.grants.add_member(name, member, add_time)
        for role_state in state.roles:
            catalog.grants.create_role(role_state.role)
            for holder in role_state.holders:
                catalog.grants.give_role(name, role_state.role.key, holder)
        for key, holder in state.builtin_holders:
            catalog.grants.give_role(name, key, holder)  # a built-in role has no `roles` row
        _insert_grants(catalog, name, state.grants)
        _insert_tables(catalog, name, state.tables, state.table_grants)
    return dropped


def tables_with_rows(catalog: Catalog, project: str) -> tuple[str, ...]:
    """The project's tables that hold local rows, by name: those with a live segment of at least one
    row (catalog/tables.py). The one place a pull asks."""
    tables = catalog.tables
    return tuple(
        meta.name
        for meta in tables.iter_tables(project)
        if any(segment.row_count for segment in tables.segments(meta.id))
    )


def creation_order(versions: tuple[Version, ...]) -> list[Version]:
    """Versions in the order they were made, as far as their times tell: by create time, the version
    CREATE MODEL made (upper-case keys) first among equals, then by name (the service gives no finer
    order than a second: mcshell's decision, docs/remote.md)."""
    return sorted(versions, key=lambda v: (v.create_time, v.key_case != "upper", v.name))


def _delete_project(catalog: Catalog, name: str) -> None:
    """Everything the project's snapshot holds. Each table goes as DROP TABLE takes it (Tables.delete:
    its partitions, the grants on it, and whatever else a table owns), so its local rows go too: a
    pull replaces the tables whole (docs/remote.md)."""
    for meta in list(catalog.tables.iter_tables(name)):
        catalog.tables.delete(meta.id)
    db = catalog.db
    models = "SELECT id FROM models WHERE project = ?"
    db.execute(f"DELETE FROM model_grants WHERE model_id IN ({models})", (name,))
    db.execute(f"DELETE FROM versions WHERE model_id IN ({models})", (name,))
    for table in ("models", "project_grants", "role_members", "roles", "members", "pulls"):
        db.execute(f"DELETE FROM {table} WHERE project = ?", (name,))


def _insert_model(catalog: Catalog, state: ModelState) -> None:
    first, *others = creation_order(state.versions)
    catalog.insert_model(state.model, first)
    written = catalog.get_model(state.model.project, state.model.name)
    assert written is not None
    for version in others:
        catalog.insert_version(written.id, version)


def _insert_grants(catalog: Catalog, project: str, grants: tuple[GrantRow, ...]) -> None:
    model_ids: dict[str, int] = {}
    for row in grants:
        model_id = None
        if row.model is not None:
            if row.model not in model_ids:
                model = catalog.get_model(project, row.model)
                assert model is not None, f"a grant on {row.model}, which the snapshot does not hold"
                model_ids[row.model] = model.id
            model_id = model_ids[row.model]
        catalog.grants.change_grants(True, project, model_id, row.kind, row.grantee, (row.privilege,))


def _insert_tables(catalog: Catalog, project: str, tables: tuple[TableState, ...],
                   grants: tuple[GrantRow, ...]) -> None:  # fmt: skip
    ids: dict[str, int] = {}
    for state in tables:
        catalog.tables.insert(dataclasses.replace(state.table, project=project))
        written = catalog.tables.get(project, state.table.name)
        assert written is not None
        ids[written.name] = written.id
        for spec, created in state.partitions:
            catalog.tables.add_partition(written.id, spec, created)
    for row in grants:
        table = row.model
        assert table is not None and table in ids, f"a grant on table {table}, which the snapshot does not hold"
        catalog.grants.change_grants(True, project, ids[table], row.kind, row.grantee, (row.privilege,),
                                     on_table=True)  # fmt: skip

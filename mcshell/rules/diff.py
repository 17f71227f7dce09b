"""What changed between two states of a project, one line per change: plan's diff, apply's drift.

The order is stable: the project, then each model by name (the model's own lines, then its
versions by name), then each table by name (its own lines, then its partitions by spec), then
members, roles, role holders (of the built-in roles first, then of the project's own roles, each
by role and user) and grants (on the project and models, then on tables). Times (create, last
modified, last DDL, a member's add time, a partition's create time) are not compared, nor the case
a version's option keys are shown in: a statement that changes only them is no change
(docs/remote.md). Every value is shown as
every other output shows it: APIKEY masked, control characters escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mcshell.catalog.grants import GrantRow
from mcshell.catalog.records import Model, Project, Version
from mcshell.catalog.snapshot import ModelState, ProjectState, RoleState, TableState, grant_order
from mcshell.catalog.tables import TableColumnMeta
from mcshell.errors import printable, quoted
from mcshell.rules import privileges as names
from mcshell.rules.handlers import shown_option_value
from mcshell.value import Value

ADD, CHANGE, REMOVE = "+", "~", "-"
T = TypeVar("T")
_NO_PROJECT = ProjectState(Project("", "", ""), (), (), (), (), ())


@dataclass(eq=False, repr=False)
class Change(Value):
    sign: str  # ADD, CHANGE or REMOVE
    kind: str  # "project", "model", "version", "table", "partition", "member", "role", "role holder", "grant"
    text: str  # the line after the sign: "version churn.v3", "model churn: default version v2 -> v3"


def diff(before: ProjectState | None, after: ProjectState | None) -> list[Change]:
    """The changes that take `before` to `after` (None: the project does not exist), in a stable order."""
    changes = list(_project(before, after))
    for old, new in _paired_states(before, after, lambda s: s.models, lambda m: m.model.name):
        changes += _model(old, new)
    for old_table, new_table in _paired_states(before, after, lambda s: s.tables, lambda t: t.table.name):
        changes += _table(old_table, new_table)
    for old_member, new_member in _paired_states(before, after, lambda s: s.members, lambda m: m[0]):
        changes += _presence("member", old_member, new_member, lambda m: m[0])
    roles = _paired_states(before, after, _roles, _role_key)
    for old_role, new_role in roles:
        changes += _presence("role", old_role, new_role, _role_name)
    changes += _builtin_holders(before, after)
    for old_role, new_role in roles:
        changes += _holders(old_role, new_role)
    project = (after or before or _NO_PROJECT).project.name
    role_names = {**names.BUILTIN_ROLES, **{state.role.key: state.role.name for old, new in roles
                                             for state in (old, new) if state is not None}}  # fmt: skip
    for old_grant, new_grant in _paired_states(before, after, lambda s: s.grants, grant_order):
        changes += _presence("grant", old_grant, new_grant, lambda row: grant_text(row, project, role_names))
    for old_grant, new_grant in _paired_states(before, after, lambda s: s.table_grants, grant_order):
        changes += _presence("grant", old_grant, new_grant,
                             lambda row: grant_text(row, project, role_names, on_table=True))  # fmt: skip
    return changes


def _roles(state: ProjectState) -> tuple[RoleState, ...]:
    return state.roles


def _role_key(state: RoleState) -> str:
    return state.role.key


def _role_name(state: RoleState) -> str:
    return state.role.name


def _project(before: ProjectState | None, after: ProjectState | None) -> Iterator[Change]:
    if before is None or after is None:
        if (before or after) is not None:
            state = _either(before, after)
            yield Change(ADD if after else REMOVE, "project", f"project {printable(state.project.name)}")
        return
    if before.project.owner != after.project.owner:
        yield _changed("project", f"project {printable(after.project.name)}", "owner", before.project.owner,
                       after.project.owner)  # fmt: skip


def _paired_states(
    before: ProjectState | None, after: ProjectState | None, items: Callable[[ProjectState], Sequence[T]],
    key: Callable[[T], object],
) -> list[tuple[T | None, T | None]]:  # fmt: skip
    """The items of both states matched by `key`, in the order of the keys."""
    old = {key(item): item for item in (items(before) if before else ())}
    new = {key(item): item for item in (items(after) if after else ())}
    return [(old.get(found), new.get(found)) for found in sorted(old.keys() | new.keys(), key=_sort_key)]


def _sort_key(key: object) -> Any:
    """Keys sort as they are; a tuple with None (a grant on the project) puts None first."""
    if isinstance(key, tuple):
        return tuple("" if part is None else part for part in key)
    return key


def _presence(kind: str, old: T | None, new: T | None, text: Callable[[T], str]) -> list[Change]:
    """One line for an item that is only in one of the states; none for one in both."""
    if old is None and new is not None:
        return [Change(ADD, kind, f"{kind} {printable(text(new))}")]
    if new is None and old is not None:
        return [Change(REMOVE, kind, f"{kind} {printable(text(old))}")]
    return []


def grant_text(row: GrantRow, project: str, role_names: Mapping[str, str], on_table: bool = False) -> str:
    """`Describe on model churn to user ALIYUN$bob@example.com`, `CreateInstance on project p to role
    Analyst`, `Select on table customers to ...` (`on_table`: `model` names a table): a role by its
    name as created (`role_names`, by key), as its own lines show it."""
    kind = "table" if on_table else "model"
    target = f"{kind} {row.model}" if row.model is not None else f"project {project}"
    grantee = role_names.get(row.grantee, row.grantee) if row.kind == "role" else row.grantee
    return f"{row.privilege} on {target} to {row.kind} {grantee}"


def _holders(old: RoleState | None, new: RoleState | None) -> list[Change]:
    before = set(old.holders) if old else set()
    after = set(new.holders) if new else set()
    role = _either(old, new).role.name
    changes = []
    for holder in sorted(before | after):
        if (holder in before) != (holder in after):
            sign = ADD if holder in after else REMOVE
            changes.append(Change(sign, "role holder", f"role {printable(role)} to user {printable(holder)}"))
    return changes


def _builtin_holders(before: ProjectState | None, after: ProjectState | None) -> list[Change]:
    """`+ role Admin to user u`: worded as the holders of the project's own roles."""
    old = set(before.builtin_holders) if before else set()
    new = set(after.builtin_holders) if after else set()
    return [
        Change(ADD if (key, user) in new else REMOVE, "role holder",
               f"role {names.BUILTIN_ROLES.get(key, key)} to user {printable(user)}")
        for key, user in sorted(old ^ new)
    ]  # fmt: skip


# -- models and versions ------------------------------------------------------------------------
def _model(old: ModelState | None, new: ModelState | None) -> list[Change]:
    if old is None or new is None:
        state = _either(old, new)
        sign = ADD if new else REMOVE
        name = printable(state.model.name)
        return [Change(sign, "model", f"model {name}")] + [
            Change(sign, "version", f"version {name}.{printable(version.name)}") for version in state.versions
        ]
    changes = [
        _changed("model", f"model {printable(new.model.name)}", label, old_value, new_value)
        for label, old_value, new_value in _model_fields(old.model, new.model)
        if old_value != new_value
    ]
    versions_before = {version.name: version for version in old.versions}
    versions_after = {version.name: version for version in new.versions}
    for name in sorted(versions_before.keys() | versions_after.keys()):
        changes += _version(new.model.name, versions_before.get(name), versions_after.get(name))
    return changes


def _model_fields(old: Model, new: Model) -> list[tuple[str, str, str]]:
    return [
        ("owner", old.owner, new.owner),
        ("source type", old.source_type, new.source_type),
        ("model type", old.model_type, new.model_type),
        ("default version", old.default_version, new.default_version),
        ("comment", quoted(old.comment), quoted(new.comment)),
    ]


def _version(model: str, old: Version | None, new: Version | None) -> list[Change]:
    name = f"version {printable(model)}.{printable(_either(old, new).name)}"
    if old is None or new is None:
        return [Change(ADD if new else REMOVE, "version", name)]
    fields = [
        ("owner", old.owner, new.owner),
        ("location", quoted(old.location), quoted(new.location)),
        ("tasks", quoted(old.tasks), quoted(new.tasks)),
        ("input", _inputs(old), _inputs(new)),
        ("comment", quoted(old.comment), quoted(new.comment)),
    ]
    changes = [_changed("version", name, label, before, after) for label, before, after in fields if before != after]
    for key in sorted(old.options.keys() | new.options.keys()):
        if old.options.get(key) != new.options.get(key):  # compared whole, shown masked
            changes.append(_changed("version", name, f"option {key}", _option(key, old), _option(key, new)))
    return changes


# -- tables and partitions ----------------------------------------------------------------------
def _table(old: TableState | None, new: TableState | None) -> list[Change]:
    """`+ table t` with `+ partition t/k=v` for each partition (`-` when it goes); for a table in both,
    a line per changed field, `~ table t: + column c bigint` per column added last, then its
    partitions that came or went."""
    name = printable(_either(old, new).table.name)
    if old is None or new is None:
        state = _either(old, new)
        sign = ADD if new else REMOVE
        return [Change(sign, "table", f"table {name}")] + [
            Change(sign, "partition", f"partition {name}/{printable(spec)}") for spec, _ in state.partitions
        ]
    before, after = old.table, new.table
    changes = [
        _changed("table", f"table {name}", label, old_value, new_value)
        for label, old_value, new_value in (
            ("owner", before.owner, after.owner),
            ("comment", quoted(before.comment), quoted(after.comment)),
            ("lifecycle", _lifecycle(before.lifecycle), _lifecycle(after.lifecycle)),
        )
        if old_value != new_value
    ]
    changes += _columns(name, "columns", before.columns, after.columns)
    changes += _columns(name, "partition keys", before.partition_columns, after.partition_columns)
    specs_before, specs_after = {spec for spec, _ in old.partitions}, {spec for spec, _ in new.partitions}
    for spec in sorted(specs_before ^ specs_after):
        sign = ADD if spec in specs_after else REMOVE
        changes.append(Change(sign, "partition", f"partition {name}/{printable(spec)}"))
    return changes


Columns = tuple[TableColumnMeta, ...]


def _columns(table: str, label: str, old: Columns, new: Columns) -> list[Change]:
    """Columns added after the old ones (ADD COLUMNS): one `+ column` line each; any other change
    (what no statement does to a column yet): the whole list, before and after."""
    if old == new:
        return []
    if label == "columns" and new[: len(old)] == old:
        added = new[len(old) :]
        return [Change(CHANGE, "table", f"table {table}: + column {printable(_column_text(c))}") for c in added]
    return [_changed("table", f"table {table}", label, _column_list(old), _column_list(new))]


def _column_text(column: TableColumnMeta) -> str:
    """`visits bigint`, `id bigint NOT NULL comment 'customer id'`."""
    not_null = " NOT NULL" if column.not_null else ""
    comment = f" comment {quoted(column.comment)}" if column.comment else ""
    return f"{column.name} {column.type}{not_null}{comment}"


def _column_list(columns: Columns) -> str:
    return "(" + ", ".join(_column_text(column) for column in columns) + ")"


def _lifecycle(days: int | None) -> str:
    return "(none)" if days is None else str(days)


def _inputs(version: Version) -> str:
    return "(" + ", ".join(f"{column} {data_type}" for column, data_type in version.inputs) + ")"


def _option(key: str, version: Version) -> str:
    value = version.options.get(key)
    return "(none)" if value is None else quoted(shown_option_value(key, value))


def _either(old: T | None, new: T | None) -> T:
    """The item of a pair that is there (the new one when both are)."""
    found = new if new is not None else old
    assert found is not None  # a pair always has one
    return found


def _changed(kind: str, name: str, label: str, before: str, after: str) -> Change:
    return Change(CHANGE, kind, f"{name}: {label} {printable(before)} -> {printable(after)}")

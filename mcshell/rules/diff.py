"""What changed between two states of a project, one line per change: plan's diff, apply's drift.

The order is stable: the project, then each model by name (the model's own lines, then its
versions by name), then members, roles, role holders (of the built-in roles first, then of the
project's own roles, each by role and user) and grants. Times (create, last modified,
a member's add time) are not compared, nor the case a version's option keys are shown in:
a statement that changes only them is no change (docs/remote.md). Every value is shown as
every other output shows it: APIKEY masked, control characters escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mcshell.catalog.grants import GrantRow
from mcshell.catalog.records import Model, Project, Version
from mcshell.catalog.snapshot import ModelState, ProjectState, RoleState, grant_order
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
    kind: str  # "project", "model", "version", "member", "role", "role holder", "grant"
    text: str  # the line after the sign: "version churn.v3", "model churn: default version v2 -> v3"


def diff(before: ProjectState | None, after: ProjectState | None) -> list[Change]:
    """The changes that take `before` to `after` (None: the project does not exist), in a stable order."""
    changes = list(_project(before, after))
    for old, new in _paired_states(before, after, lambda s: s.models, lambda m: m.model.name):
        changes += _model(old, new)
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


def grant_text(row: GrantRow, project: str, role_names: Mapping[str, str]) -> str:
    """`Describe on model churn to user ALIYUN$bob@example.com`, `CreateInstance on project p to role
    Analyst`: a role by its name as created (`role_names`, by key), as its own lines show it."""
    target = f"model {row.model}" if row.model is not None else f"project {project}"
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

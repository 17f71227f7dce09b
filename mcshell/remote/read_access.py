"""The members, roles and grants of the remote project, read through security queries and parsed
from the text layouts mcshell prints (the parsers sit beside their printers in mcshell/output/).

The reads (docs/remote.md), 2 + R + U queries for R roles and U members:
- `LIST USERS`: the members and their add times (the owner's row is not a member);
- `LIST ROLES`: the project's own roles (`IsBuiltin` false) and their create times;
- `DESC ROLE r` for each own role: the users holding it (`[users]`) and the grants to it;
- `SHOW GRANTS FOR u` for each member: the grants to the user (their `[user/u]` group; the
  `[role/...]` groups repeat what DESC ROLE gave, and ObjectCreator is what a creator holds
  without a grant, never a stored grant), and the built-in roles they hold (`[roles]`).
Every grant the service shows is read exactly once, and every read needs the caller to administer
the project. A read the caller may not make fails whole (RemoteFailed): no half state comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from mcshell.catalog.grants import ROLE, USER, GrantRow, Role
from mcshell.catalog.snapshot import RoleState, grant_order
from mcshell.errors import UnreadableAnswer
from mcshell.output.acl import SECTION, read_grants
from mcshell.output.render import read_grid, unshown
from mcshell.output.results import AclLine, Grants
from mcshell.remote.client import Remote
from mcshell.rules import privileges as names
from mcshell.rules.acl import ACL, ALLOWED, OBJECT_CREATOR
from mcshell.rules.dump_access import user_text
from mcshell.rules.members import USER_HEADERS
from mcshell.rules.recreate import quote_name
from mcshell.rules.roles import ROLE_HEADERS
from mcshell.value import Value

LIST_USERS, LIST_ROLES = "LIST USERS", "LIST ROLES"
_TRUE, _FALSE = "true", "false"
_GRID_FIRST_ROW = 4  # a grid's rows start at its 4th line: border, header, border


@dataclass(eq=False, repr=False)
class AccessState(Value):
    members: tuple[tuple[str, str], ...]  # (name, add time), by name; the owner is not a member
    roles: tuple[RoleState, ...]  # the project's own roles (not the built-in ones), by key
    grants: tuple[GrantRow, ...]  # sorted by catalog.snapshot.grant_order
    builtin_holders: tuple[tuple[str, str], ...]  # (built-in role key, user), sorted
    table_grants: tuple[GrantRow, ...] = ()  # on the tables (`model` holds the table's name), sorted


def read_access(remote: Remote, project: str, models: Sequence[str], tables: Sequence[str] = ()) -> AccessState:
    """Every member, role (with its holders) and grant of the project, on it, on `models` and on
    `tables` (names)."""
    objects = _Objects(project, models, tables)
    members = _members(remote.security(LIST_USERS))
    roles, grants, builtin = [], [], []
    for role in _roles(remote.security(LIST_ROLES), project):
        query = f"DESC ROLE {quote_name(role.name)}"
        answer = remote.security(query)
        described = read_grants(answer, query, f"role/{role.name}")
        if described.users is None:
            raise _unreadable(query, answer, 1, "no [users] block: who holds the role is not said")
        holders = tuple(sorted(_exact(user, query, answer) for user in described.users))
        roles.append(RoleState(role, holders))
        grants += objects.grants(described, f"role/{role.name}", ROLE, role.key, query, answer)
    for user, _ in members:
        query = f"SHOW GRANTS FOR {user_text(user)}"
        answer = remote.security(query)
        shown = read_grants(answer, query, f"user/{user}")
        grants += objects.grants(shown, f"user/{user}", USER, user, query, answer)
        builtin += [(key, user) for key in _held_roles(shown.roles, roles, query, answer) if key in names.BUILTIN_ROLES]
    on_tables = [row for object_type, row in grants if object_type == names.TABLE]
    others = [row for object_type, row in grants if object_type != names.TABLE]
    return AccessState(tuple(members), tuple(sorted(roles, key=lambda r: r.role.key)),
                       tuple(sorted(others, key=grant_order)), tuple(sorted(builtin)),
                       tuple(sorted(on_tables, key=grant_order)))  # fmt: skip


def _held_roles(held: Sequence[str], own: Sequence[RoleState], request: str, answer: str) -> list[str]:
    """The keys of the roles under `[roles]`: built-in ones, or own roles LIST ROLES listed."""
    known = set(names.BUILTIN_ROLES) | {state.role.key for state in own}
    keys = []
    for name in held:
        if _exact(name, request, answer).lower() not in known:
            raise _unreadable(request, answer, _line_of(answer, name), "not a role LIST ROLES listed")
        keys.append(name.lower())
    return keys


def _members(answer: str) -> list[tuple[str, str]]:
    """(name, add time) of the members, by name: every row of LIST USERS but the owner's."""
    members = []
    for line_number, (user, is_owner, add_time) in _rows(answer, LIST_USERS, USER_HEADERS):
        if is_owner == _FALSE:
            members.append((_exact(user, LIST_USERS, answer, line_number), add_time))
        elif is_owner != _TRUE:
            raise _unreadable(LIST_USERS, answer, line_number, f"IsOwner is neither {_TRUE} nor {_FALSE}")
    return sorted(members)


def _roles(answer: str, project: str) -> list[Role]:
    """The project's own roles (IsBuiltin false), with the names they were created with."""
    roles = []
    for line_number, (name, builtin, create_time) in _rows(answer, LIST_ROLES, ROLE_HEADERS):
        if builtin == _FALSE and name.lower() not in names.BUILTIN_ROLES:
            roles.append(Role(project, name.lower(), _exact(name, LIST_ROLES, answer, line_number), create_time))
        elif builtin != _TRUE:
            raise _unreadable(LIST_ROLES, answer, line_number, "not a role of the project")
    return roles


def _rows(answer: str, request: str, headers: tuple[str, ...]) -> Iterable[tuple[int, tuple[str, ...]]]:
    """The rows of the grid that answers `request`, with their line numbers, under `headers`."""
    table = read_grid(answer, request)
    if table.headers != headers:
        raise _unreadable(request, answer, 2, f"the columns are not {', '.join(headers)}")
    rows = cast(Iterable[tuple[str, ...]], table.rows)  # a read grid's cells are its text: never None
    return enumerate(rows, _GRID_FIRST_ROW)


class _Objects:
    """The project and the models and tables pull listed, by the resource names of the grants
    layout. Each grant read comes with the type of what it is on (a table's name is its `model`)."""

    def __init__(self, project: str, models: Sequence[str], tables: Sequence[str]):
        self.project = names.resource(project).lower()
        self.models = {names.resource(project, model).lower(): model for model in models}
        self.tables = {names.resource(project, table, "tables").lower(): table for table in tables}

    def grants(self, grants: Grants, principal: str, kind: str, grantee: str, request: str,
               answer: str) -> list[tuple[str, GrantRow]]:  # fmt: skip
        """The stored grants to `principal` in one answer: its lines in the ACL section (the other
        principals' groups are read from their own answers)."""
        rows = []
        others = {f"role/{role}" for role in grants.roles}  # SHOW GRANTS FOR u: each role's own answer
        for section in grants.sections:
            if section.authorization_type not in (ACL, OBJECT_CREATOR):
                why = f"an authorization type pull does not read (it reads {ACL} and {OBJECT_CREATOR})"
                raise _unreadable(request, answer, _line_of(answer, SECTION + section.authorization_type), why)
            if section.authorization_type == OBJECT_CREATOR:
                continue  # what a creator holds without a grant: the model's owner, not a stored grant
            for group in section.groups:
                if group.principal == principal:
                    rows += [row for line in group.lines for row in self._rows(line, kind, grantee, request, answer)]
                elif group.principal not in others:
                    raise _unreadable(request, answer, _line_of(answer, f"[{group.principal}]"), "not " + principal)
        return rows

    def _rows(self, line: AclLine, kind: str, grantee: str, request: str, answer: str) -> list[tuple[str, GrantRow]]:
        printed = f"{line.mark} {line.resource}: {' | '.join(line.privileges)}"
        resource = line.resource.lower()
        if resource == self.project:
            model, object_type = None, names.PROJECT
        elif resource in self.models:
            model, object_type = self.models[resource], names.MODEL
        elif resource in self.tables:
            model, object_type = self.tables[resource], names.TABLE
        elif resource.startswith((self.project + "/models/", self.project + "/tables/")):
            return []  # an object created since pull listed them: the next pull reads it and its grants
        else:
            why = "not the project or one of its models or tables"
            raise _unreadable(request, answer, _line_of(answer, printed), why)
        known = names.PRIVILEGES[object_type]
        if line.mark != ALLOWED or not set(line.privileges) <= set(known):
            why = f"not a privilege on a {object_type} ({', '.join(known)})" if line.mark == ALLOWED else "mark not A"
            raise _unreadable(request, answer, _line_of(answer, printed), why)
        return [(object_type, GrantRow(kind, grantee, model, privilege)) for privilege in line.privileges]


def _exact(name: str | None, request: str, answer: str, line_number: int | None = None) -> str:
    """A name as it is, when the layout shows it exactly (render.unshown)."""
    exact = unshown(name) if name is not None else None
    if exact is None:
        at = line_number if line_number is not None else _line_of(answer, name or "")
        raise _unreadable(request, answer, at, "a name with a backslash: an escaped character cannot be told apart")
    return exact


def _line_of(answer: str, line: str) -> int:
    lines = answer.split("\n")
    return lines.index(line) + 1 if line in lines else 1


def _unreadable(request: str, answer: str, line_number: int, why: str) -> UnreadableAnswer:
    lines = answer.split("\n")
    return UnreadableAnswer(request, line_number, lines[line_number - 1] if line_number <= len(lines) else "", why)

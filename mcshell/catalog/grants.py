"""Members, roles and granted privileges of the projects: the catalog's access tables.

A grantee is a principal: ("user", <name as written>) or ("role", <role key in lower case>).
Grants outlive membership: REMOVE USER deletes the member row only, so the grants come back
when the user is added again (the rules, not these tables, decide that a non-member holds
nothing). DROP MODEL and DROP ROLE take the grants on or to them along.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mcshell.value import Value

USER = "user"
ROLE = "role"


@dataclass(eq=False, repr=False)
class Role(Value):
    project: str
    key: str  # the name in lower case: role names are case-insensitive
    name: str  # as created
    create_time: str


@dataclass(eq=False, repr=False)
class GrantRow(Value):
    """One granted privilege: to a principal, on a project (model None) or on one of its models."""

    kind: str
    grantee: str
    model: str | None
    privilege: str


# The roles a user holds in a project, as a subquery: a privilege reaches a user through them.
_HELD_ROLES = "SELECT role FROM role_members WHERE project = ? AND member = ?"


class Grants:
    """The access tables, over the catalog's connection (inside the statement's transaction)."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection

    def _exists(self, sql: str, *args: object) -> bool:
        return self._db.execute(sql, args).fetchone() is not None

    # -- members --------------------------------------------------------------------------
    def is_member(self, project: str, user: str) -> bool:
        return self._exists("SELECT 1 FROM members WHERE project = ? AND name = ?", project, user)

    def add_member(self, project: str, user: str, now: str) -> None:
        self._db.execute("INSERT INTO members (project, name, add_time) VALUES (?, ?, ?)", (project, user, now))

    def remove_member(self, project: str, user: str) -> None:
        """The member leaves; the grants to them stay, and count again if they are added back."""
        self._db.execute("DELETE FROM members WHERE project = ? AND name = ?", (project, user))

    def iter_members(self, project: str) -> Iterator[tuple[str, str]]:
        """(name, add time) of each member, sorted by name."""
        yield from self._db.execute("SELECT name, add_time FROM members WHERE project = ? ORDER BY name", (project,))

    # -- roles ----------------------------------------------------------------------------
    def create_role(self, role: Role) -> None:
        self._db.execute(
            "INSERT INTO roles (project, key, name, create_time) VALUES (?, ?, ?, ?)",
            (role.project, role.key, role.name, role.create_time),
        )

    def get_role(self, project: str, key: str) -> Role | None:
        row = self._db.execute(
            "SELECT project, key, name, create_time FROM roles WHERE project = ? AND key = ?", (project, key)
        ).fetchone()
        return Role(*row) if row else None

    def iter_roles(self, project: str) -> Iterator[Role]:
        """The project's own roles (not the built-in ones), sorted by name."""
        for row in self._db.execute(
            "SELECT project, key, name, create_time FROM roles WHERE project = ? ORDER BY key", (project,)
        ):
            yield Role(*row)

    def drop_role(self, project: str, key: str) -> None:
        """The role goes with every grant to it, on the project and on its models."""
        self._db.execute(
            "DELETE FROM project_grants WHERE project = ? AND kind = 'role' AND grantee = ?", (project, key)
        )
        self._db.execute(
            "DELETE FROM model_grants WHERE kind = 'role' AND grantee = ? "
            "AND model_id IN (SELECT id FROM models WHERE project = ?)",
            (key, project),
        )
        self._db.execute(
            "DELETE FROM table_grants WHERE kind = 'role' AND grantee = ? "
            "AND table_id IN (SELECT id FROM tables WHERE project = ?)",
            (key, project),
        )
        self._db.execute("DELETE FROM roles WHERE project = ? AND key = ?", (project, key))

    def role_holders(self, project: str, key: str) -> list[str]:
        rows = self._db.execute(
            "SELECT member FROM role_members WHERE project = ? AND role = ? ORDER BY member", (project, key)
        )
        return [r[0] for r in rows]

    def builtin_holders(self, project: str) -> list[tuple[str, str]]:
        """(role key, user) for each holder of a built-in role: a role held that has no `roles`
        row (a role is given only once it exists, and DROP ROLE refuses a role still held)."""
        rows = self._db.execute(
            "SELECT role, member FROM role_members h WHERE project = ? AND NOT EXISTS "
            "(SELECT 1 FROM roles r WHERE r.project = h.project AND r.key = h.role) ORDER BY role, member",
            (project,),
        )
        return [(r[0], r[1]) for r in rows]

    def roles_of(self, project: str, user: str) -> list[str]:
        """The keys of the roles `user` holds in the project, sorted."""
        return [r[0] for r in self._db.execute(_HELD_ROLES + " ORDER BY role", (project, user))]

    def give_role(self, project: str, key: str, user: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO role_members (project, role, member) VALUES (?, ?, ?)", (project, key, user)
        )

    def take_role(self, project: str, key: str, user: str) -> None:
        self._db.execute("DELETE FROM role_members WHERE project = ? AND role = ? AND member = ?", (project, key, user))

    # -- grants ---------------------------------------------------------------------------
    def change_grants(
        self, granting: bool, project: str, model_id: int | None, kind: str, grantee: str, privileges: Iterable[str],
        on_table: bool = False,
    ) -> None:  # fmt: skip
        """GRANT (`granting`) or REVOKE privileges to a principal, on the project (model_id None) or a model of
        it; `on_table`: model_id is a table's id."""
        table, column, key = _grant_table(project, model_id, on_table)
        if granting:
            sql = f"INSERT OR IGNORE INTO {table} ({column}, kind, grantee, privilege) VALUES (?, ?, ?, ?)"
        else:
            sql = f"DELETE FROM {table} WHERE {column} = ? AND kind = ? AND grantee = ? AND privilege = ?"
        self._db.executemany(sql, [(key, kind, grantee, p) for p in privileges])

    def holds(self, project: str, model_id: int | None, user: str, privilege: str, on_table: bool = False) -> bool:
        """`privilege` reaches `user` on the project (model_id None) or the model (`on_table`: the table),
        granted to them or to a role they hold."""
        table, column, key = _grant_table(project, model_id, on_table)
        return self._exists(
            f"SELECT 1 FROM {table} WHERE {column} = ? AND privilege = ? AND ("
            f"(kind = 'user' AND grantee = ?) OR (kind = 'role' AND grantee IN ({_HELD_ROLES})))",
            key, privilege, user, project, user,
        )  # fmt: skip

    def grants_to(self, project: str, kind: str, grantee: str) -> list[GrantRow]:
        """Every grant to one principal in the project: on the project first, then by model name."""
        rows = [GrantRow(kind, grantee, None, r[0]) for r in self._db.execute(
            "SELECT privilege FROM project_grants WHERE project = ? AND kind = ? AND grantee = ?",
            (project, kind, grantee),
        )]  # fmt: skip
        rows += [GrantRow(kind, grantee, r[0], r[1]) for r in self._db.execute(
            "SELECT m.name, g.privilege FROM model_grants g JOIN models m ON m.id = g.model_id "
            "WHERE m.project = ? AND g.kind = ? AND g.grantee = ? ORDER BY m.name",
            (project, kind, grantee),
        )]  # fmt: skip
        return rows

    def table_grants_to(self, project: str, kind: str, grantee: str) -> list[GrantRow]:
        """Every grant on a table to one principal, by table name (`model` holds the table's name).
        Apart from grants_to, whose rows the project snapshots compare (catalog/snapshot.py)."""
        rows = self._db.execute(
            "SELECT t.name, g.privilege FROM table_grants g JOIN tables t ON t.id = g.table_id "
            "WHERE t.project = ? AND g.kind = ? AND g.grantee = ? ORDER BY t.name",
            (project, kind, grantee),
        )
        return [GrantRow(kind, grantee, name, privilege) for name, privilege in rows]

    def grants_on_model(self, model_id: int) -> list[GrantRow]:
        """Every grant on one model: to roles first, then to users, each by name."""
        rows = self._db.execute(
            "SELECT g.kind, g.grantee, m.name, g.privilege FROM model_grants g JOIN models m ON m.id = g.model_id "
            "WHERE g.model_id = ? ORDER BY g.kind, g.grantee",
            (model_id,),
        )
        return [GrantRow(*row) for row in rows]

    def user_grantees(self, project: str) -> list[str]:
        """Every user holding a grant in the project, member or not, sorted."""
        rows = self._db.execute(
            "SELECT grantee FROM project_grants WHERE project = ? AND kind = 'user' UNION "
            "SELECT g.grantee FROM model_grants g JOIN models m ON m.id = g.model_id "
            "WHERE m.project = ? AND g.kind = 'user' UNION "
            "SELECT g.grantee FROM table_grants g JOIN tables t ON t.id = g.table_id "
            "WHERE t.project = ? AND g.kind = 'user' ORDER BY 1",
            (project, project, project),
        )
        return [r[0] for r in rows]

    def models_owned_by(self, project: str, user: str) -> list[str]:
        rows = self._db.execute(
            "SELECT name FROM models WHERE project = ? AND owner = ? ORDER BY name", (project, user)
        )
        return [r[0] for r in rows]


def _grant_table(project: str, model_id: int | None, on_table: bool = False) -> tuple[str, str, object]:
    """The table of grants on a project, a model or a table, its column naming the object, and its key."""
    if model_id is None:
        return ("project_grants", "project", project)
    return ("table_grants", "table_id", model_id) if on_table else ("model_grants", "model_id", model_id)

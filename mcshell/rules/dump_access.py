"""The members, roles and grants of a project as statements, for `mcshell dump` (after its models).

Run by the project's owner, they give every user the same rights again:
- ADD USER for each member; CREATE ROLE for each role of the project's own;
- the grants to each role, then to each member, then the roles each member holds;
- a model's creator who is not the project's owner gets Describe, Alter and Drop on it (the restore
  makes the restoring user the creator of every model);
- grants kept for a user who was removed (REVOKE keeps them, S23) come back the same way they
  were left: ADD USER, the grants, REMOVE USER.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcshell.catalog.grants import ROLE, USER, GrantRow
from mcshell.catalog.store import Catalog
from mcshell.rules import privileges as names
from mcshell.rules.members import role_name
from mcshell.rules.recreate import quote_name
from mcshell.sql.literals import quote

# A user name the parser reads back unquoted (`ALIYUN$alice@example.com`, `RAM$1234:role/admin`).
_PLAIN_USER = re.compile(r"[A-Za-z0-9_$@.:/-]+\Z")


def access_lines(catalog: Catalog, project: str) -> list[str]:
    """The statements, after a comment naming the owner who should run them; none for a project
    with no members, roles or grants."""
    statements = list(_statements(catalog, project))
    found = catalog.get_project(project)
    if not statements or found is None:
        return statements
    return [f"-- Members, roles and grants of {project}, which {found.owner} owned: restore as that user.", *statements]


def _statements(catalog: Catalog, project: str) -> Iterator[str]:
    grants = catalog.grants
    members = [name for name, _ in grants.iter_members(project)]
    roles = list(grants.iter_roles(project))
    yield from (f"ADD USER {user_text(user)};" for user in members)
    yield from (f"CREATE ROLE {quote_name(role.name)};" for role in roles)
    for role in roles:
        yield from _grant_statements(
            project, grants.grants_to(project, ROLE, role.key), f"ROLE {quote_name(role.name)}"
        )
        yield from _table_grants(grants.table_grants_to(project, ROLE, role.key), f"ROLE {quote_name(role.name)}")
    owner = catalog.get_project(project)
    for user in members:
        yield from _grant_statements(project, _user_rows(catalog, project, user), user_text(user))
        yield from _table_grants(_user_table_rows(catalog, project, user), user_text(user))
        held = [quote_name(role_name(catalog, project, key)) for key in grants.roles_of(project, user)]
        if held:
            yield f"GRANT {', '.join(held)} TO {user_text(user)};"
    creators = {model.owner for model in catalog.iter_models(project)}
    creators |= {table.owner for table in catalog.tables.iter_tables(project)}
    for user in sorted((set(grants.user_grantees(project)) | creators) - set(members)):
        if owner is not None and user == owner.owner:
            continue
        kept = list(_grant_statements(project, _user_rows(catalog, project, user), user_text(user)))
        kept += _table_grants(_user_table_rows(catalog, project, user), user_text(user))
        yield from (f"ADD USER {user_text(user)};", *kept, f"REMOVE USER {user_text(user)};")


def _user_rows(catalog: Catalog, project: str, user: str) -> list[GrantRow]:
    """The grants to `user`, and what they hold as the creator of a model of someone else's project."""
    rows = catalog.grants.grants_to(project, USER, user)
    found = catalog.get_project(project)
    if found is not None and found.owner != user:
        for model in catalog.grants.models_owned_by(project, user):
            rows += [GrantRow(USER, user, model, privilege) for privilege in names.PRIVILEGES[names.MODEL]]
    return rows


def _user_table_rows(catalog: Catalog, project: str, user: str) -> list[GrantRow]:
    """The table grants to `user`, and every privilege on the tables they created in someone else's project
    (the restored tables belong to whoever runs the dump)."""
    rows = catalog.grants.table_grants_to(project, USER, user)
    found = catalog.get_project(project)
    for table in catalog.tables.iter_tables(project):
        if table.owner == user and found is not None and found.owner != user:
            rows += [GrantRow(USER, user, table.name, privilege) for privilege in names.PRIVILEGES[names.TABLE]]
    return rows


def _table_grants(rows: list[GrantRow], grantee: str) -> list[str]:
    by_table: dict[str, set[str]] = {}
    for row in rows:
        by_table.setdefault(row.model or "", set()).add(row.privilege)
    return [
        f"GRANT {', '.join(names.ordered(held, names.TABLE))} ON TABLE {quote_name(table)} TO {grantee};"
        for table, held in sorted(by_table.items())
    ]


def _grant_statements(project: str, rows: list[GrantRow], grantee: str) -> Iterator[str]:
    by_object: dict[str | None, set[str]] = {}
    for row in rows:
        by_object.setdefault(row.model, set()).add(row.privilege)
    for model, held in sorted(by_object.items(), key=lambda item: (item[0] is not None, item[0] or "")):
        object_type = names.PROJECT if model is None else names.MODEL
        target = f"PROJECT {quote_name(project)}" if model is None else f"MODEL {quote_name(model)}"
        yield f"GRANT {', '.join(names.ordered(held, object_type))} ON {target} TO {grantee};"


def user_text(user: str) -> str:
    return user if _PLAIN_USER.match(user) else quote(user)

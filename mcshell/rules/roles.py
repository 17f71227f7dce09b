"""CREATE ROLE, DROP ROLE, LIST ROLES, and GRANT / REVOKE of roles to members (S19, S21, S23).

Every user project has the built-in administrative roles Super_Administrator and Admin; they
are not stored (no statement creates, changes or drops them), only who holds them is. A role
holds the privileges granted to it; a member holds their own and those of their roles.
"""

from __future__ import annotations

from mcshell.catalog.grants import Role
from mcshell.errors import DdlError, SemanticError
from mcshell.output.results import OK, Result, Table
from mcshell.rules import access
from mcshell.rules import privileges as names
from mcshell.rules.context import Context
from mcshell.rules.members import (
    current_project,
    existing_role,
    known_role,
    managed_project,
    refuse_owner,
    require_member,
    revoke_first,
    role_name,
)
from mcshell.sql import statements as st

ROLE_HEADERS = ("Role", "IsBuiltin", "CreateTime")


def create_role(stmt: st.CreateRole, ctx: Context) -> Result:
    if stmt.refused is not None:
        raise SemanticError(
            "privilegeproperties is not supported by mcshell: its roles are all of the default type",
            stmt.refused.offset,
        )
    project = managed_project(ctx, "create roles in")
    key = names.role_key(stmt.role)
    if key in names.BUILTIN_ROLES or ctx.catalog.grants.get_role(project.name, key) is not None:
        raise DdlError(f"Role already exists: {role_name(ctx.catalog, project.name, key)} in project {project.name}")
    ctx.catalog.grants.create_role(Role(project.name, key, stmt.role.text, ctx.clock()))
    return OK


def drop_role(stmt: st.DropRole, ctx: Context) -> Result:
    """A role still assigned to a user cannot be dropped (the DROP ROLE page); its grants go with it."""
    project = managed_project(ctx, "drop roles in")
    key = names.role_key(stmt.role)
    if key in names.BUILTIN_ROLES:
        raise DdlError(f"The built-in role {names.BUILTIN_ROLES[key]} cannot be dropped")
    role = existing_role(ctx, project.name, stmt.role)
    holders = ctx.catalog.grants.role_holders(project.name, key)
    if holders:
        assigned = f"Role {role.name} is still assigned to {', '.join(holders)}"
        raise DdlError(assigned + revoke_first(role.name, holders[0]))
    ctx.catalog.grants.drop_role(project.name, key)
    return OK


def list_roles(stmt: st.ListRoles, ctx: Context) -> Result:
    """The built-in roles first, then the project's own, by name."""
    access.require_in_project(ctx, ctx.project)
    project = current_project(ctx)
    builtin = [(name, "true", project.create_time) for name in names.BUILTIN_ROLES.values()]
    own = [(role.name, "false", role.create_time) for role in ctx.catalog.grants.iter_roles(project.name)]
    return Result(Table(ROLE_HEADERS, builtin + own))


def grant_role(stmt: st.GrantRole, ctx: Context) -> Result:
    return _change_roles(stmt, ctx, granting=True)


def revoke_role(stmt: st.RevokeRole, ctx: Context) -> Result:
    return _change_roles(stmt, ctx, granting=False)


def _change_roles(stmt: st.GrantRole | st.RevokeRole, ctx: Context, granting: bool) -> Result:
    verb = "grant" if granting else "revoke"
    project = managed_project(ctx, f"{verb} roles in")
    keys = []
    for written in stmt.roles:
        key = known_role(ctx, project.name, written)
        access.require_role_granter(ctx, project.name, key, f"{verb} role {role_name(ctx.catalog, project.name, key)}")
        keys.append(key)
    user = names.user_name(stmt.user)
    refuse_owner(project, user)
    require_member(ctx, project.name, user)
    for key in keys:
        (ctx.catalog.grants.give_role if granting else ctx.catalog.grants.take_role)(project.name, key, user)
    return OK

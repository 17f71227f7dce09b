"""ADD USER, REMOVE USER, LIST USERS, and GRANT / REVOKE of privileges to users and roles."""

from __future__ import annotations

from dataclasses import dataclass

from mcshell.catalog.grants import ROLE, USER, Role
from mcshell.catalog.records import PUBLIC_PROJECT, Model, Project
from mcshell.catalog.store import Catalog
from mcshell.errors import DdlError, SemanticError
from mcshell.output.results import OK, Result, Table
from mcshell.rules import access
from mcshell.rules import privileges as names
from mcshell.rules.context import Context, find_model, read_only
from mcshell.sql import statements as st
from mcshell.value import Value

USER_HEADERS = ("User", "IsOwner", "AddTime")


# -- members ----------------------------------------------------------------------------------
def add_user(stmt: st.AddUser, ctx: Context) -> Result:
    """A user added back finds every grant they held before (S23)."""
    project = managed_project(ctx, "add users to")
    user = names.user_name(stmt.user)
    if user == project.owner:
        raise DdlError(f"User already exists: {user} owns project {project.name}")
    if ctx.catalog.grants.is_member(project.name, user):
        raise DdlError(f"User already exists: {user} is a member of project {project.name}")
    ctx.catalog.grants.add_member(project.name, user, ctx.clock())
    return OK


def remove_user(stmt: st.RemoveUser, ctx: Context) -> Result:
    """The grants to the user stay (S23); the roles must be revoked first."""
    project = managed_project(ctx, "remove users from")
    user = names.user_name(stmt.user)
    if user == project.owner:
        raise DdlError(f"The owner of project {project.name} cannot be removed from it")
    require_member(ctx, project.name, user)
    held = [role_name(ctx.catalog, project.name, key) for key in ctx.catalog.grants.roles_of(project.name, user)]
    if held:
        raise DdlError(f"User {user} is assigned role {', '.join(held)}{revoke_first(held[0], user)}")
    ctx.catalog.grants.remove_member(project.name, user)
    return OK


def list_users(stmt: st.ListUsers, ctx: Context) -> Result:
    access.require_in_project(ctx, ctx.project)
    project = current_project(ctx)
    owner = (project.owner, "true", project.create_time)
    members = ((name, "false", add_time) for name, add_time in ctx.catalog.grants.iter_members(project.name))
    return Result(Table(USER_HEADERS, [owner, *members]))  # the owner first, then members by name


def managed_project(ctx: Context, action: str) -> Project:
    """The current project, whose members, roles and grants only its administrators manage."""
    if ctx.project == PUBLIC_PROJECT:
        raise read_only(ctx)
    access.require_administrator(ctx, ctx.project, f"{action} project {ctx.project}")
    return current_project(ctx)


def current_project(ctx: Context) -> Project:
    project = ctx.catalog.get_project(ctx.project)
    if project is None:  # the session creates the current project: only a concurrent change gets here
        raise DdlError(f"Project not found: {ctx.project}")
    return project


def require_member(ctx: Context, project: str, user: str) -> None:
    if not ctx.catalog.grants.is_member(project, user):
        raise DdlError(f"User not found: {user} is not a member of project {project}")


def revoke_first(role: str, user: str) -> str:
    """The end of the error that a role still held stops a statement."""
    return f": revoke it first (REVOKE {role} FROM {user};)"


def refuse_owner(project: Project, user: str) -> None:
    """The owner holds every privilege and role of their project: none is granted or revoked."""
    if user == project.owner:
        raise DdlError(f"{user} owns project {project.name} and holds every privilege in it")


def existing_role(ctx: Context, project: str, written: st.Ident) -> Role:
    role = ctx.catalog.grants.get_role(project, names.role_key(written))
    if role is None:
        raise DdlError(f"Role not found: {written.text} in project {project}")
    return role


def known_role(ctx: Context, project: str, written: st.Ident) -> str:
    """The key of a built-in role or of one the project has."""
    key = names.role_key(written)
    if key not in names.BUILTIN_ROLES:
        existing_role(ctx, project, written)
    return key


def role_name(catalog: Catalog, project: str, key: str) -> str:
    """A role as it was created (the built-in ones as the docs write them)."""
    if key in names.BUILTIN_ROLES:
        return names.BUILTIN_ROLES[key]
    role = catalog.grants.get_role(project, key)
    return role.name if role is not None else key


# -- GRANT and REVOKE of privileges --------------------------------------------------------------
@dataclass(eq=False, repr=False)
class _GrantObject(Value):
    """What GRANT and REVOKE act on: a project, or a model or a table of it (`table_id`)."""

    object_type: str
    project: str
    model: Model | None = None
    table_id: int | None = None


def grant(stmt: st.Grant, ctx: Context) -> Result:
    return _change_grants(stmt, ctx, granting=True)


def revoke(stmt: st.Revoke, ctx: Context) -> Result:
    return _change_grants(stmt, ctx, granting=False)


def _change_grants(stmt: st.Grant | st.Revoke, ctx: Context, granting: bool) -> Result:
    verb = "grant" if granting else "revoke"
    _refuse_clause(stmt.refused)
    on = _grant_object(stmt.target, ctx, verb)
    privileges = names.privilege_names(stmt.privileges, on.object_type)
    kind, grantee = _grantee(ctx, on.project, stmt.grantee, granting)
    object_id = on.table_id if on.model is None else on.model.id
    ctx.catalog.grants.change_grants(
        granting, on.project, object_id, kind, grantee, privileges, on_table=on.table_id is not None
    )
    return OK


def _refuse_clause(clause: st.Ident | None) -> None:
    if clause is None:
        return
    if clause.text == "WITH GRANT OPTION":
        raise SemanticError(
            "WITH GRANT OPTION is not supported: ACL-based access control does not support permission "
            "delegation through the [with grant option] clause",
            clause.offset,
        )
    raise SemanticError(
        "privilegeproperties is not supported by mcshell: its grants carry no conditions and never expire",
        clause.offset,
    )


def _grant_object(target: st.ModelRef | st.Ident | st.TableObject, ctx: Context, verb: str) -> _GrantObject:
    """The object of GRANT or REVOKE, once the acting user is known to be allowed to `verb` on it."""
    if isinstance(target, st.TableObject):
        from mcshell.rules.tables import find_table

        table = find_table(ctx, access.resolve(target.table, ctx, changes=True), target.table.offset)
        access.require_table_grantor(ctx, table, f"{verb} privileges on table {table.project}.{table.name}")
        return _GrantObject(names.TABLE, table.project, table_id=table.id)
    if isinstance(target, st.ModelRef):
        model = find_model(ctx, access.resolve(target, ctx, changes=True))
        access.require_grantor(ctx, model, f"{verb} privileges on model {model.project}.{model.name}")
        return _GrantObject(names.MODEL, model.project, model)
    project = target.key
    if project == PUBLIC_PROJECT:
        raise read_only(ctx)
    if not ctx.catalog.project_exists(project):
        raise DdlError(f"Project not found: {project}")
    access.require_administrator(ctx, project, f"{verb} privileges on project {project}")
    return _GrantObject(names.PROJECT, project)


def _grantee(ctx: Context, project: str, written: st.Grantee, granting: bool) -> tuple[str, str]:
    """(kind, name) of the grantee. Users must be members (S20), except to revoke what was kept for
    a removed user; roles must exist, and the built-in ones cannot be changed."""
    if isinstance(written, st.Ident):
        key = names.role_key(written)
        if key in names.BUILTIN_ROLES:
            raise DdlError(f"The privileges of the built-in role {names.BUILTIN_ROLES[key]} cannot be changed")
        return ROLE, existing_role(ctx, project, written).key
    user = names.user_name(written)
    found = ctx.catalog.get_project(project)
    if found is not None:
        refuse_owner(found, user)
    if granting or user not in ctx.catalog.grants.user_grantees(project):
        require_member(ctx, project, user)
    return USER, user

"""SHOW GRANTS, SHOW ACL FOR and DESCRIBE ROLE: who holds what, as the S22 page shows it.

A user's grants: the roles they hold (`[roles]`), then `Authorization Type: ACL` with what was
granted to each of their roles and to them (headed `[role/r]` and `[user/u]` when they hold a
role, as in the docs' example), then `Authorization Type: ObjectCreator` with `AG ...: All` for
what they created (for the owner, the project too).
"""

from __future__ import annotations

from mcshell.catalog.grants import ROLE, USER, GrantRow
from mcshell.catalog.records import PUBLIC_PROJECT, Project
from mcshell.errors import SemanticError
from mcshell.output.results import AclGroup, AclLine, AclSection, Grants, Result
from mcshell.rules import access
from mcshell.rules import privileges as names
from mcshell.rules.context import Context, find_model
from mcshell.rules.members import current_project, known_role, require_member, role_name
from mcshell.sql import statements as st

ACL = "ACL"
OBJECT_CREATOR = "ObjectCreator"
ALLOWED = "A"
CREATED = "AG"  # allowed, with grant option


def show_grants(stmt: st.ShowGrants, ctx: Context) -> Result:
    project = current_project(ctx)
    if stmt.role is not None:
        access.require_administrator(ctx, project.name, f"show the grants of role {stmt.role.text}")
        return Result(_report([_acl([_role_group(ctx, project.name, stmt.role, True)])]))
    user = ctx.user if stmt.user is None else names.user_name(stmt.user)
    if user == ctx.user:
        access.require_in_project(ctx, project.name)
    else:
        access.require_administrator(ctx, project.name, f"show the grants of {user} in project {project.name}")
        if user != project.owner:
            require_member(ctx, project.name, user)
    return Result(_user_grants(ctx, project, user))


def _user_grants(ctx: Context, project: Project, user: str) -> Grants:
    grants = ctx.catalog.grants
    held = grants.roles_of(project.name, user) if user != project.owner else []
    groups = [
        AclGroup(
            f"role/{role_name(ctx.catalog, project.name, key)}",
            _held_lines(ctx, project.name, ROLE, key),
        )
        for key in held
        if key not in names.BUILTIN_ROLES
    ]
    own = AclGroup(f"user/{user}", _held_lines(ctx, project.name, USER, user), bool(held))
    sections = [_acl([*groups, own])]
    created = [_line(CREATED, project.name, None, (names.ALL,))] if user == project.owner else []
    created += [
        _line(CREATED, project.name, model, (names.ALL,)) for model in grants.models_owned_by(project.name, user)
    ]
    created += [
        AclLine(CREATED, names.resource(project.name, table.name, "tables"), (names.ALL,))
        for table in ctx.catalog.tables.iter_tables(project.name)
        if table.owner == user
    ]
    if created:
        sections.append(AclSection(OBJECT_CREATOR, (AclGroup(f"user/{user}", tuple(created), headed=False),)))
    roles = tuple(role_name(ctx.catalog, project.name, key) for key in held)
    return _report(sections, roles)


def show_acl(stmt: st.ShowAcl, ctx: Context) -> Result:
    """Who holds what on one model: roles, then members (grants kept for removed users are not
    shown: they give nothing until the user is added back), then its creator while in the project."""
    if stmt.object_type is not None and stmt.object_type.key != "model":
        raise SemanticError(
            f"object type '{stmt.object_type.text}' is not held by mcshell: it holds models only (ON TYPE MODEL)",
            stmt.object_type.offset,
        )
    model = find_model(ctx, access.resolve(stmt.model, ctx, changes=False))
    if model.project == PUBLIC_PROJECT:
        return Result(Grants(()))  # nobody is granted anything on a public model
    access.require_grantor(ctx, model, f"show the ACL of model {model.project}.{model.name}")
    rows = ctx.catalog.grants.grants_on_model(model.id)
    groups = []
    for kind, grantee in dict.fromkeys((row.kind, row.grantee) for row in rows):
        if kind == USER and not ctx.catalog.grants.is_member(model.project, grantee):
            continue
        mine = [row for row in rows if (row.kind, row.grantee) == (kind, grantee)]
        shown = role_name(ctx.catalog, model.project, grantee) if kind == ROLE else grantee
        held = names.ordered({row.privilege for row in mine}, names.MODEL)
        groups.append(AclGroup(f"{kind}/{shown}", (_line(ALLOWED, model.project, model.name, held),)))
    creators: tuple[AclGroup, ...] = ()  # the creator holds everything while in the project, nothing once out
    if access.is_in_project(ctx, model.project, model.owner):
        creators = (AclGroup(f"user/{model.owner}", (_line(CREATED, model.project, model.name, (names.ALL,)),)),)
    sections = [AclSection(ACL, tuple(groups)), AclSection(OBJECT_CREATOR, creators)]
    return Result(_report(sections))


def describe_role(stmt: st.DescribeRole, ctx: Context) -> Result:
    """The users holding the role, then what was granted to it."""
    project = current_project(ctx)
    access.require_administrator(ctx, project.name, f"describe role {stmt.role.text}")
    group = _role_group(ctx, project.name, stmt.role, False)
    users = tuple(ctx.catalog.grants.role_holders(project.name, names.role_key(stmt.role)))
    return Result(_report([_acl([group])], users=users))


def _role_group(ctx: Context, project: str, written: st.Ident, headed: bool) -> AclGroup:
    key = known_role(ctx, project, written)
    return AclGroup(f"role/{role_name(ctx.catalog, project, key)}", _held_lines(ctx, project, ROLE, key), headed)


def _acl(groups: list[AclGroup]) -> AclSection:
    """The ACL section of the groups that have lines."""
    return AclSection(ACL, tuple(group for group in groups if group.lines))


def _report(sections: list[AclSection], roles: tuple[str, ...] = (), users: tuple[str, ...] | None = None) -> Grants:
    """A section with nothing in it is not printed, not even its heading."""
    return Grants(tuple(section for section in sections if section.groups), roles, users)


def _lines(project: str, rows: list[GrantRow]) -> tuple[AclLine, ...]:
    """One line per object: the project first, then the models by name."""
    by_object: dict[str | None, set[str]] = {}
    for row in rows:
        by_object.setdefault(row.model, set()).add(row.privilege)
    return tuple(
        _line(ALLOWED, project, model, names.ordered(held, names.PROJECT if model is None else names.MODEL))
        for model, held in by_object.items()
    )


def _held_lines(ctx: Context, project: str, kind: str, grantee: str) -> tuple[AclLine, ...]:
    """What one principal was granted: on the project and its models, then on its tables by name."""
    grants = ctx.catalog.grants
    by_table: dict[str, set[str]] = {}
    for row in grants.table_grants_to(project, kind, grantee):
        by_table.setdefault(row.model or "", set()).add(row.privilege)
    tables = tuple(
        AclLine(ALLOWED, names.resource(project, table, "tables"), names.ordered(held, names.TABLE))
        for table, held in by_table.items()
    )
    return _lines(project, grants.grants_to(project, kind, grantee)) + tables


def _line(mark: str, project: str, model: str | None, privileges: tuple[str, ...]) -> AclLine:
    return AclLine(mark, names.resource(project, model), privileges)

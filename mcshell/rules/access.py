"""Who may run what: project membership, owners, roles and granted privileges.

Each handler states what it needs in one line (`require_on_model(ctx, ALTER, model)`), as soon as
it knows the object and before it checks or changes anything else. The rules:

- a user who is neither the project's owner nor a member exists nowhere in it: every statement
  aimed at the project is refused with ODPS-0420095, and grants kept for them give nothing;
- the owner, and the holders of the built-in roles Super_Administrator and Admin, hold every
  privilege on the project and on every model in it, and manage its members, roles and grants;
- the creator of a model holds every privilege on it while they are a member;
- any other member holds what was granted to them, and what was granted to the roles they hold;
- everyone may read the public project (DESC, SHOW), and no one may change it.
"""

from __future__ import annotations

from mcshell.catalog.records import PUBLIC_PROJECT, Model
from mcshell.catalog.tables import TableMeta
from mcshell.errors import AccessDeniedError, AuthorizationError, NoPrivilegeError
from mcshell.output import report
from mcshell.rules import context
from mcshell.rules import privileges as names
from mcshell.rules.context import Context, Target
from mcshell.sql import statements as st

_READS = frozenset({names.LIST, names.DESCRIBE})
_ADMIN_ROLES = (names.SUPER_ADMINISTRATOR, names.ADMIN)


# -- who the acting user is in a project -------------------------------------------------------
def owns_project(ctx: Context, project: str, user: str | None = None) -> bool:
    """Whether `user` (the acting user when None) owns the project."""
    found = ctx.catalog.get_project(project)
    return found is not None and found.owner == (ctx.user if user is None else user)


def is_in_project(ctx: Context, project: str, user: str | None = None) -> bool:
    """The owner and the members exist in the project; nobody else does."""
    user = ctx.user if user is None else user
    return owns_project(ctx, project, user) or ctx.catalog.grants.is_member(project, user)


def administers(ctx: Context, project: str) -> bool:
    """The owner, or a member holding Super_Administrator or Admin: manages members, roles, grants."""
    return owns_project(ctx, project) or holds_role(ctx, project, *_ADMIN_ROLES)


def holds_role(ctx: Context, project: str, *roles: str) -> bool:
    """Whether the acting user is a member holding one of the roles."""
    grants = ctx.catalog.grants
    return grants.is_member(project, ctx.user) and any(role in roles for role in grants.roles_of(project, ctx.user))


# -- the checks -------------------------------------------------------------------------------
def resolve(ref: st.ModelRef, ctx: Context, changes: bool) -> Target:
    """Where a model name points (context.resolve), once the acting user is known to be in its
    project: checked before "not found", so an outsider learns nothing of what it holds."""
    target = context.resolve(ref, ctx, changes)
    require_in_project(ctx, target.project)
    return target


def require_in_project(ctx: Context, project: str) -> None:
    """Any statement aimed at a project: its owner or a member (the public project: anyone)."""
    if project != PUBLIC_PROJECT and not is_in_project(ctx, project):
        raise AccessDeniedError(report.not_in_project(project))


def require_on_project(ctx: Context, privilege: str, project: str) -> None:
    """`privilege` (CreateModel or List) on the project, or an authorization error."""
    if _reads_public(privilege, project):
        return
    require_in_project(ctx, project)
    if administers(ctx, project) or ctx.catalog.grants.holds(project, None, ctx.user, privilege):
        return
    raise no_privilege(ctx, privilege, names.resource(project))


def require_on_model(ctx: Context, privilege: str, model: Model) -> None:
    """`privilege` (Describe, Alter or Drop) on the model, or an authorization error."""
    if _reads_public(privilege, model.project):
        return
    require_in_project(ctx, model.project)
    if model.owner == ctx.user or administers(ctx, model.project):
        return
    if ctx.catalog.grants.holds(model.project, model.id, ctx.user, privilege):
        return
    raise no_privilege(ctx, privilege, names.resource(model.project, model.name))


def require_on_table(ctx: Context, privilege: str, table: TableMeta) -> None:
    """`privilege` (Describe, Alter or Drop) on a table: its creator and the project's administrators
    hold every one; anyone else what was granted to them or to their roles (GRANT ... ON TABLE)."""
    require_in_project(ctx, table.project)
    if table.owner == ctx.user or administers(ctx, table.project):
        return
    if ctx.catalog.grants.holds(table.project, table.id, ctx.user, privilege, on_table=True):
        return
    raise no_privilege(ctx, privilege, names.resource(table.project, table.name, "tables"))


def require_table_grantor(ctx: Context, table: TableMeta, action: str) -> None:
    """Privileges on a table are granted and revoked by its creator or the project's administrators."""
    require_in_project(ctx, table.project)
    if table.owner == ctx.user or administers(ctx, table.project):
        return
    raise AuthorizationError(
        f"{ctx.user} cannot {action}: only the table's creator, the project owner or a Super_Administrator or Admin can"
    )


def require_administrator(ctx: Context, project: str, action: str) -> None:
    """Only the owner and the holders of Super_Administrator or Admin may `action`."""
    require_in_project(ctx, project)
    if not administers(ctx, project):
        raise AuthorizationError(
            f"{ctx.user} cannot {action}: only the project owner or a Super_Administrator or Admin can"
        )


def require_grantor(ctx: Context, model: Model, action: str) -> None:
    """Privileges on a model are granted and revoked by its creator or the project's administrators."""
    require_in_project(ctx, model.project)
    if model.owner == ctx.user or administers(ctx, model.project):
        return
    raise AuthorizationError(
        f"{ctx.user} cannot {action}: only the model's creator, the project owner or a Super_Administrator or Admin can"
    )


def require_role_granter(ctx: Context, project: str, role: str, action: str) -> None:
    """Built-in roles are given and taken by the owner or a Super_Administrator (an Admin may not
    pass on administration, S19); any other role by every administrator."""
    if role not in names.BUILTIN_ROLES:
        require_administrator(ctx, project, action)
        return
    require_in_project(ctx, project)
    if not (owns_project(ctx, project) or holds_role(ctx, project, names.SUPER_ADMINISTRATOR)):
        raise AuthorizationError(f"{ctx.user} cannot {action}: only the project owner or a Super_Administrator can")


def _reads_public(privilege: str, project: str) -> bool:
    return project == PUBLIC_PROJECT and privilege in _READS


def no_privilege(ctx: Context, privilege: str, resource: str) -> NoPrivilegeError:
    return NoPrivilegeError(report.no_privilege(privilege, resource, ctx.project, ctx.user))

"""Who may run what: MaxCompute's owners, project members and granted privileges.

Each handler states the privilege it needs in one line (`require_on_model(ctx, ALTER, model)`),
as soon as it knows the object and before it checks or changes anything else. The rules:

- the owner of a project holds every privilege on it and on every model in it;
- the owner of a model holds every privilege on it, while they are a member of its project;
- any other member holds what was granted to them; a user who is not a member holds nothing;
- everyone may read the public project (DESC, SHOW), and no one may change it.
"""

from __future__ import annotations

from mcshell.catalog.records import PUBLIC_PROJECT, Model
from mcshell.errors import AuthorizationError, SemanticError
from mcshell.rules.context import Context
from mcshell.sql import statements as st

CREATE_MODEL = "CreateModel"
LIST = "List"
DESCRIBE = "Describe"
ALTER = "Alter"
DROP = "Drop"
ALL = "All"

PROJECT = "project"
MODEL = "model"
# Each object type's privileges, in the order SHOW GRANTS prints them.
PRIVILEGES = {PROJECT: (CREATE_MODEL, LIST), MODEL: (DESCRIBE, ALTER, DROP)}
_READS = frozenset({LIST, DESCRIBE})


# -- the checks -------------------------------------------------------------------------------
def require_on_project(ctx: Context, privilege: str, project: str) -> None:
    """`privilege` (CreateModel or List) on the project, or an authorization error."""
    if _reads_public(privilege, project) or _owns_project(ctx, project):
        return
    if ctx.catalog.is_member(project, ctx.user) and privilege in ctx.catalog.project_privileges(project, ctx.user):
        return
    raise _missing(ctx, privilege, PROJECT, project)


def require_on_model(ctx: Context, privilege: str, model: Model) -> None:
    """`privilege` (Describe, Alter or Drop) on the model, or an authorization error."""
    if _reads_public(privilege, model.project) or _owns_project(ctx, model.project):
        return
    if ctx.catalog.is_member(model.project, ctx.user) and (
        model.owner == ctx.user or privilege in ctx.catalog.model_privileges(model.id, ctx.user)
    ):
        return
    raise _missing(ctx, privilege, MODEL, f"{model.project}.{model.name}")


def require_project_owner(ctx: Context, project: str, action: str) -> None:
    """Only the project's owner may `action` (add users to it, grant on it ...)."""
    if not _owns_project(ctx, project):
        raise AuthorizationError(f"{ctx.user} cannot {action}: only the project owner can")


def require_grantor(ctx: Context, model: Model, action: str) -> None:
    """Privileges on a model are granted and revoked by its owner or its project's owner."""
    if model.owner == ctx.user and ctx.catalog.is_member(model.project, ctx.user):
        return
    if not _owns_project(ctx, model.project):
        raise AuthorizationError(f"{ctx.user} cannot {action}: only the model owner or the project owner can")


def require_member(ctx: Context, project: str) -> None:
    """The project's owner and members may see who else is in it."""
    if not (_owns_project(ctx, project) or ctx.catalog.is_member(project, ctx.user)):
        raise AuthorizationError(f"{ctx.user} is not a member of project {project}")


def _reads_public(privilege: str, project: str) -> bool:
    return project == PUBLIC_PROJECT and privilege in _READS


def _owns_project(ctx: Context, project: str) -> bool:
    found = ctx.catalog.get_project(project)
    return found is not None and found.owner == ctx.user


def _missing(ctx: Context, privilege: str, object_type: str, name: str) -> AuthorizationError:
    return AuthorizationError(f"{ctx.user} has no {privilege} privilege on {object_type} {name}")


# -- names ------------------------------------------------------------------------------------
def user_name(written: st.Text) -> str:
    """A user as written (`ALIYUN$alice@example.com`, `RAM$1234:bob`): compared exactly, case included."""
    name = written.value
    if not name or any(c.isspace() for c in name):
        raise SemanticError(f"'{name}' is not a user name: a user name is not empty and has no spaces", written.offset)
    return name


# -- privilege names --------------------------------------------------------------------------
def privilege_names(words: tuple[st.Ident, ...], object_type: str) -> tuple[str, ...]:
    """The privileges named in GRANT or REVOKE, case-insensitive, `All` expanded, in canonical order."""
    known = PRIVILEGES[object_type]
    by_key = {name.lower(): name for name in known}
    named: set[str] = set()
    for word in words:
        if word.key == ALL.lower():
            named.update(known)
        elif word.key in by_key:
            named.add(by_key[word.key])
        else:
            raise SemanticError(
                f"'{word.text}' is not a privilege on a {object_type}; use {', '.join(known)} or {ALL}",
                word.offset,
            )
    return tuple(name for name in known if name in named)


def ordered(privileges: set[str], object_type: str) -> tuple[str, ...]:
    """Privileges in the order SHOW GRANTS prints them."""
    return tuple(name for name in PRIVILEGES[object_type] if name in privileges)

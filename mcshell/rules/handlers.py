"""One function per statement type: `(statement, context) -> Result`. They never print.

Each runs inside the statement's transaction (opened by the session), checks every rule before
it writes anything, and raises an McError to refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mcshell.catalog.records import PUBLIC_PROJECT, Model, Project, Version
from mcshell.errors import DdlError, SemanticError
from mcshell.output import report
from mcshell.output.masking import mask_secret
from mcshell.output.results import Describe, Message, Record, Result, Rows, Table
from mcshell.rules import privileges
from mcshell.rules.context import Context, find_model, find_version, read_only, resolve
from mcshell.sql import statements as st

if TYPE_CHECKING:
    from mcshell.rules import validate

# `validate` (the rules' regular expressions), `recreate` and `helptext` are imported by the
# handlers that use them: a one-shot DESC or SHOW does not pay for what it never applies.


OK = Result()


# -- statements that change the catalog --------------------------------------------------------
def create_model(stmt: st.CreateModel, ctx: Context) -> Result:
    from mcshell.rules import validate

    target = resolve(stmt.model, ctx, changes=True)
    privileges.require_on_project(ctx, privileges.CREATE_MODEL, target.project)
    validate.check_model_name(stmt.model.name)
    options = validate.option_map(stmt.version)
    source_type, model_type = validate.check_source_and_type(options, stmt.version.options_offset)
    checked = validate.check_version_options(stmt.version, options, source_type, model_type, 0)
    if ctx.catalog.get_model(target.project, target.name) is not None:
        if stmt.if_not_exists:
            return OK
        raise DdlError(f"Model already exists: {target}")
    now = ctx.clock()
    comment = stmt.version.comment.value if stmt.version.comment else ""
    model = Model(
        target.project, target.name, ctx.user, source_type, model_type,
        stmt.version.name.key, comment, now, now,
    )  # fmt: skip
    ctx.catalog.insert_model(model, _new_version(stmt.version, checked, ctx.user, now, "upper"))
    warnings = checked.warnings + _store_warnings(stmt.version, checked, ctx)
    return Result(warnings=warnings) if warnings else OK


def add_version(stmt: st.AddVersion, ctx: Context) -> Result:
    from mcshell.rules import validate

    model = find_model(ctx, resolve(stmt.model, ctx, changes=True))
    privileges.require_on_model(ctx, privileges.ALTER, model)
    options = validate.option_map(stmt.version)
    validate.check_same_source_and_type(options, model.source_type, model.model_type)
    checked = validate.check_version_options(stmt.version, options, model.source_type, model.model_type, 0)
    now = ctx.clock()
    if not ctx.catalog.insert_version(model.id, _new_version(stmt.version, checked, ctx.user, now, "lower")):
        raise DdlError(f"Version already exists: {model.project}.{model.name}.{stmt.version.name.key}")
    ctx.catalog.touch_model(model.id, now)
    warnings = checked.warnings + _store_warnings(stmt.version, checked, ctx)
    return Result(warnings=warnings) if warnings else OK


def _store_warnings(spec: st.VersionSpec, checked: validate.CheckedOptions, ctx: Context) -> tuple[str, ...]:
    """With a local model store (--oss-root), an IMPORT version whose location holds no model xgboost
    loads, or one of another feature count or kind, is created with a warning (ML_PREDICT would fail)."""
    settings = ctx.runtime_settings
    if checked.source_type != "IMPORT" or settings is None or not settings.oss_root:
        return ()
    inputs = tuple((c.name.key, c.type.sql()) for c in spec.inputs or ())
    problem = ctx.runtime().check_location(checked.location, inputs, checked.model_type)
    return (report.model_not_loadable(spec.name.key, problem),) if problem else ()


def _new_version(
    spec: st.VersionSpec, checked: validate.CheckedOptions, owner: str, now: str, key_case: str
) -> Version:
    inputs = tuple((c.name.key, c.type.sql()) for c in spec.inputs or ())
    options = dict(checked.options)
    if checked.source_type == "REMOTE":
        options["REMOTE_SERVICE_TYPE"] = "PAI-EAS"
    comment = spec.comment.value if spec.comment else ""
    return Version(spec.name.key, owner, checked.location, checked.tasks, options, inputs, comment, key_case, now, now)


def set_default_version(stmt: st.SetDefaultVersion, ctx: Context) -> Result:
    model = find_model(ctx, resolve(stmt.model, ctx, changes=True))
    privileges.require_on_model(ctx, privileges.ALTER, model)
    version = find_version(ctx, model, stmt.version)
    ctx.catalog.touch_model(model.id, ctx.clock(), default_version=version.name)
    return OK


def drop_version(stmt: st.DropVersion, ctx: Context) -> Result:
    model = find_model(ctx, resolve(stmt.model, ctx, changes=True))
    privileges.require_on_model(ctx, privileges.ALTER, model)
    version = find_version(ctx, model, stmt.version)
    if version.name == model.default_version:
        raise DdlError("The default version of the model cannot be dropped")
    ctx.catalog.delete_version(model.id, version.name)
    ctx.catalog.touch_model(model.id, ctx.clock())
    return OK


def drop_model(stmt: st.DropModel, ctx: Context) -> Result:
    target = resolve(stmt.model, ctx, changes=True)
    model = ctx.catalog.get_model(target.project, target.name)
    if model is None:
        if stmt.if_exists:
            return OK
        model = find_model(ctx, target)  # raises "Model not found", with a hint
    privileges.require_on_model(ctx, privileges.DROP, model)
    ctx.catalog.delete_model(model.id)
    return OK


# -- statements that read ----------------------------------------------------------------------
def desc_model(stmt: st.DescModel, ctx: Context) -> Result:
    model = find_model(ctx, resolve(stmt.model, ctx, changes=False))
    privileges.require_on_model(ctx, privileges.DESCRIBE, model)
    name = stmt.version or st.Ident(model.default_version)
    version = find_version(ctx, model, name)
    return Result(Describe(_model_rows(model), _version_rows(model, version), _input_rows(version)))


def _model_rows(model: Model) -> tuple[tuple[str, str], ...]:
    return (
        ("Owner", model.owner),
        ("Project", model.project),
        ("Model Name", model.name),
        ("Model Type", model.model_type),
        ("Source Type", model.source_type),
        ("Default Version", model.default_version),
        ("CreateTime", model.create_time),
        ("LastModifiedTime", model.last_modified_time),
        ("Comment", model.comment),
    )


def _version_rows(model: Model, version: Version) -> tuple[tuple[str, str], ...]:
    rows = [
        ("Owner", version.owner),
        ("Project", model.project),
        ("Model Name", model.name),
        ("Model Type", model.model_type),
        ("Source Type", model.source_type),
        ("Version Name", version.name),
        ("Path", version.location),
        ("CreateTime", version.create_time),
        ("LastModifiedTime", version.last_modified_time),
    ]
    for key in sorted(version.options):
        label = key if version.key_case == "upper" else key.lower()
        rows.append((label, shown_option_value(key, version.options[key])))
    return tuple(rows)


def shown_option_value(key: str, value: str) -> str:
    """An option's value as any output shows it: the APIKEY is never printed whole."""
    return mask_secret(value) if key == "APIKEY" else value


def _input_rows(version: Version) -> tuple[tuple[str, str, str], ...]:
    return tuple((name, data_type, "") for name, data_type in version.inputs)


MODEL_HEADERS = (
    "ModelName", "Owner", "SourceType", "ModelType", "DefaultVersion", "CreateTime",
    "LastModifiedTime", "Comment",
)  # fmt: skip
VERSION_HEADERS = (
    "VersionName", "IsDefault", "Owner", "Path", "Tasks", "CreateTime", "LastModifiedTime", "Comment",
)  # fmt: skip


# SHOW grids stream: Rows runs the query again for each pass of the renderer, inside the
# statement's transaction, so a catalog of any size is never held in memory.
def show_models(stmt: st.ShowModels, ctx: Context) -> Result:
    privileges.require_on_project(ctx, privileges.LIST, ctx.project)
    like = stmt.like.value.lower() if stmt.like is not None else None
    catalog, project = ctx.catalog, ctx.project

    def rows() -> Iterator[tuple[str, ...]]:
        for m in catalog.iter_models(project, like):
            yield (m.name, m.owner, m.source_type, m.model_type, m.default_version, m.create_time,
                   m.last_modified_time, m.comment)  # fmt: skip

    return Result(Table(MODEL_HEADERS, Rows(rows)))


def show_versions(stmt: st.ShowVersions, ctx: Context) -> Result:
    target = resolve(stmt.model, ctx, changes=False)
    privileges.require_on_project(ctx, privileges.LIST, target.project)
    model = find_model(ctx, target)
    catalog = ctx.catalog

    def rows() -> Iterator[tuple[str, ...]]:
        for v in catalog.iter_versions(model.id):
            yield (v.name, "true" if v.name == model.default_version else "false", v.owner, v.location,
                   v.tasks, v.create_time, v.last_modified_time, v.comment)  # fmt: skip

    return Result(Table(VERSION_HEADERS, Rows(rows)))


def show_create_model(stmt: st.ShowCreateModel, ctx: Context) -> Result:
    target = resolve(stmt.model, ctx, changes=False)
    if target.project == PUBLIC_PROJECT:
        raise SemanticError(
            f"public model {target} is built into MaxCompute: no statement creates it", stmt.model.offset
        )
    from mcshell.rules import recreate

    model = find_model(ctx, target)
    privileges.require_on_model(ctx, privileges.DESCRIBE, model)
    versions = ctx.catalog.iter_versions(model.id, in_creation_order=True)
    return Result(Message("\n".join(recreate.model_statements(model, versions, mask_secret))))


# -- members and privileges --------------------------------------------------------------------
USER_HEADERS = ("User", "IsOwner", "AddTime")
GRANT_HEADERS = ("User", "ObjectType", "ObjectName", "Privileges")
OWNER_PRIVILEGES = "All (owner)"


def add_user(stmt: st.AddUser, ctx: Context) -> Result:
    project = _managed_project(ctx, "add users to")
    user = privileges.user_name(stmt.user)
    if user == project.owner:
        raise DdlError(f"User already exists: {user} owns project {project.name}")
    if ctx.catalog.is_member(project.name, user):
        raise DdlError(f"User already exists: {user} is a member of project {project.name}")
    ctx.catalog.add_member(project.name, user, ctx.clock())
    return OK


def remove_user(stmt: st.RemoveUser, ctx: Context) -> Result:
    project = _managed_project(ctx, "remove users from")
    user = privileges.user_name(stmt.user)
    if user == project.owner:
        raise DdlError(f"The owner of project {project.name} cannot be removed from it")
    _require_member(ctx, project.name, user)
    ctx.catalog.remove_member(project.name, user)
    return OK


def _managed_project(ctx: Context, action: str) -> Project:
    """The current project, whose members only its owner manages."""
    if ctx.project == PUBLIC_PROJECT:
        raise read_only(ctx)
    privileges.require_project_owner(ctx, ctx.project, f"{action} project {ctx.project}")
    return _current_project(ctx)


def _current_project(ctx: Context) -> Project:
    project = ctx.catalog.get_project(ctx.project)
    if project is None:  # the session creates the current project: only a concurrent change gets here
        raise DdlError(f"Project not found: {ctx.project}")
    return project


def _require_member(ctx: Context, project: str, user: str) -> None:
    if not ctx.catalog.is_member(project, user):
        raise DdlError(f"User not found: {user} is not a member of project {project}")


def list_users(stmt: st.ListUsers, ctx: Context) -> Result:
    privileges.require_member(ctx, ctx.project)
    project = _current_project(ctx)
    owner = (project.owner, "true", project.create_time)
    members = ((name, "false", add_time) for name, add_time in ctx.catalog.iter_members(project.name))
    return Result(Table(USER_HEADERS, [owner, *members]))  # the owner first, then members by name


@dataclass
class _GrantObject:
    """What GRANT and REVOKE act on: a project, or a model of it."""

    object_type: str
    project: str
    model: Model | None = None


def grant(stmt: st.Grant, ctx: Context) -> Result:
    return _change_grants(stmt, ctx, "grant")


def revoke(stmt: st.Revoke, ctx: Context) -> Result:
    return _change_grants(stmt, ctx, "revoke")


def _change_grants(stmt: st.Grant | st.Revoke, ctx: Context, action: str) -> Result:
    on = _grant_object(stmt.target, ctx, action)
    names = privileges.privilege_names(stmt.privileges, on.object_type)
    user = _grantee(ctx, on.project, stmt.user)
    granting = action == "grant"
    if on.model is None:
        on_project = ctx.catalog.grant_project if granting else ctx.catalog.revoke_project
        on_project(on.project, user, names)
    else:
        on_model = ctx.catalog.grant_model if granting else ctx.catalog.revoke_model
        on_model(on.model.id, user, names)
    return OK


def _grant_object(target: st.ModelRef | st.Ident, ctx: Context, verb: str) -> _GrantObject:
    """The object of GRANT or REVOKE, once the acting user is known to be allowed to `verb` on it."""
    if isinstance(target, st.ModelRef):
        model = find_model(ctx, resolve(target, ctx, changes=True))
        privileges.require_grantor(ctx, model, f"{verb} privileges on model {model.project}.{model.name}")
        return _GrantObject(privileges.MODEL, model.project, model)
    project = target.key
    if project == PUBLIC_PROJECT:
        raise read_only(ctx)
    if not ctx.catalog.project_exists(project):
        raise DdlError(f"Project not found: {project}")
    privileges.require_project_owner(ctx, project, f"{verb} privileges on project {project}")
    return _GrantObject(privileges.PROJECT, project)


def _grantee(ctx: Context, project: str, written: st.Text) -> str:
    """Only members are granted privileges; the project's owner holds them all already."""
    user = privileges.user_name(written)
    found = ctx.catalog.get_project(project)
    if found is not None and user == found.owner:
        raise DdlError(f"{user} owns project {project} and holds every privilege in it")
    _require_member(ctx, project, user)
    return user


def show_grants(stmt: st.ShowGrants, ctx: Context) -> Result:
    project = _current_project(ctx)
    user = ctx.user if stmt.user is None else privileges.user_name(stmt.user)
    if user != ctx.user:
        privileges.require_project_owner(ctx, project.name, f"show the grants of {user} in project {project.name}")
    rows: list[tuple[str, str, str, str]] = []
    if user == project.owner:
        rows.append((user, privileges.PROJECT, project.name, OWNER_PRIVILEGES))
    elif not ctx.catalog.is_member(project.name, user):
        return Result(Table(GRANT_HEADERS, rows))  # outside the project, a user holds nothing in it
    else:
        granted = ctx.catalog.project_privileges(project.name, user)
        if granted:
            rows.append((user, privileges.PROJECT, project.name, _listed(granted, privileges.PROJECT)))
    owned = set(ctx.catalog.models_owned_by(project.name, user))
    on_models = ctx.catalog.model_grants_of(project.name, user)
    for name in sorted(owned | on_models.keys()):
        shown = OWNER_PRIVILEGES if name in owned else _listed(on_models[name], privileges.MODEL)
        rows.append((user, privileges.MODEL, f"{project.name}.{name}", shown))
    return Result(Table(GRANT_HEADERS, rows))


def _listed(granted: set[str], object_type: str) -> str:
    return ", ".join(privileges.ordered(granted, object_type))


# -- session statements ------------------------------------------------------------------------
def use(stmt: st.Use, ctx: Context) -> Result:
    from mcshell.rules import validate

    validate.check_project_name(stmt.project)
    ctx.catalog.ensure_project(stmt.project.key, ctx.user, ctx.clock())
    ctx.project = stmt.project.key
    return OK


def whoami(stmt: st.WhoAmI, ctx: Context) -> Result:
    return Result(Record((("Name", ctx.user), ("Project", ctx.project))))


def set_variable(stmt: st.SetVariable, ctx: Context) -> Result:
    ctx.settings[stmt.key] = stmt.value
    return OK


def show_help(stmt: st.Help, ctx: Context) -> Result:
    from mcshell.rules.helptext import help_text

    return Result(Message(help_text(stmt.topic)))


def quit_session(stmt: st.Quit, ctx: Context) -> Result:
    return Result(quit=True)


def select(stmt: st.Select, ctx: Context) -> Result:
    from mcshell.rules.query import run_select

    return run_select(stmt, ctx)


HANDLERS: dict[type, Callable[..., Result]] = {
    st.CreateModel: create_model,
    st.AddVersion: add_version,
    st.SetDefaultVersion: set_default_version,
    st.DropVersion: drop_version,
    st.DropModel: drop_model,
    st.DescModel: desc_model,
    st.ShowModels: show_models,
    st.ShowVersions: show_versions,
    st.ShowCreateModel: show_create_model,
    st.Use: use,
    st.WhoAmI: whoami,
    st.SetVariable: set_variable,
    st.Help: show_help,
    st.Quit: quit_session,
    st.AddUser: add_user,
    st.RemoveUser: remove_user,
    st.ListUsers: list_users,
    st.Grant: grant,
    st.Revoke: revoke,
    st.ShowGrants: show_grants,
    st.Select: select,
}


def handle(stmt: st.Statement, ctx: Context) -> Result:
    return HANDLERS[type(stmt)](stmt, ctx)

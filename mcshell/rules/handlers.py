"""One function per statement type: `(statement, context) -> Result`. They never print.

Each runs inside the statement's transaction (opened by the session), checks every rule before
it writes anything, and raises an McError to refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from mcshell.catalog.records import PUBLIC_PROJECT, Model, Version
from mcshell.errors import DdlError, SemanticError
from mcshell.output import report
from mcshell.output.masking import mask_secret
from mcshell.output.results import (
    DESC_MODEL_LABELS,
    DESC_VERSION_LABELS,
    OK,
    Describe,
    Message,
    Record,
    Result,
    Rows,
    Table,
)
from mcshell.rules import access, acl, members, privileges, roles, tables
from mcshell.rules.context import Context, find_model, find_version
from mcshell.sql import statements as st

if TYPE_CHECKING:
    from mcshell.rules import validate

# `validate` (the rules' regular expressions), `recreate` and `helptext` are imported by the
# handlers that use them: a one-shot DESC or SHOW does not pay for what it never applies.


# -- statements that change the catalog --------------------------------------------------------
def create_model(stmt: st.CreateModel, ctx: Context) -> Result:
    from mcshell.rules import validate

    target = access.resolve(stmt.model, ctx, changes=True)
    access.require_on_project(ctx, privileges.CREATE_MODEL, target.project)
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

    model = find_model(ctx, access.resolve(stmt.model, ctx, changes=True))
    access.require_on_model(ctx, privileges.ALTER, model)
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
    model = find_model(ctx, access.resolve(stmt.model, ctx, changes=True))
    access.require_on_model(ctx, privileges.ALTER, model)
    version = find_version(ctx, model, stmt.version)
    ctx.catalog.touch_model(model.id, ctx.clock(), default_version=version.name)
    return OK


def drop_version(stmt: st.DropVersion, ctx: Context) -> Result:
    model = find_model(ctx, access.resolve(stmt.model, ctx, changes=True))
    access.require_on_model(ctx, privileges.ALTER, model)
    version = find_version(ctx, model, stmt.version)
    if version.name == model.default_version:
        raise DdlError("The default version of the model cannot be dropped")
    ctx.catalog.delete_version(model.id, version.name)
    ctx.catalog.touch_model(model.id, ctx.clock())
    return OK


def drop_model(stmt: st.DropModel, ctx: Context) -> Result:
    target = access.resolve(stmt.model, ctx, changes=True)
    model = ctx.catalog.get_model(target.project, target.name)
    if model is None:
        if stmt.if_exists:
            return OK
        model = find_model(ctx, target)  # raises "Model not found", with a hint
    access.require_on_model(ctx, privileges.DROP, model)
    ctx.catalog.delete_model(model.id)
    return OK


# -- statements that read ----------------------------------------------------------------------
def desc_model(stmt: st.DescModel, ctx: Context) -> Result:
    model = find_model(ctx, access.resolve(stmt.model, ctx, changes=False))
    access.require_on_model(ctx, privileges.DESCRIBE, model)
    name = stmt.version or st.Ident(model.default_version)
    version = find_version(ctx, model, name)
    return Result(describe(model, version))


def describe(model: Model, version: Version) -> Describe:
    """DESC MODEL's rows for one version: what the box prints (output/render.py) and pull reads back."""
    return Describe(_model_rows(model), _version_rows(model, version), _input_rows(version))


def _model_rows(model: Model) -> tuple[tuple[str, str], ...]:
    values = (
        model.owner, model.project, model.name, model.model_type, model.source_type, model.default_version,
        model.create_time, model.last_modified_time, model.comment,
    )  # fmt: skip
    return tuple(zip(DESC_MODEL_LABELS, values, strict=True))


def _version_rows(model: Model, version: Version) -> tuple[tuple[str, str], ...]:
    values = (
        version.owner, model.project, model.name, model.model_type, model.source_type, version.name,
        version.location, version.create_time, version.last_modified_time,
    )  # fmt: skip
    rows = list(zip(DESC_VERSION_LABELS, values, strict=True))
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
    access.require_on_project(ctx, privileges.LIST, ctx.project)
    like = stmt.like.value.lower() if stmt.like is not None else None
    catalog, project = ctx.catalog, ctx.project

    def rows() -> Iterator[tuple[str, ...]]:
        for m in catalog.iter_models(project, like):
            yield (m.name, m.owner, m.source_type, m.model_type, m.default_version, m.create_time,
                   m.last_modified_time, m.comment)  # fmt: skip

    return Result(Table(MODEL_HEADERS, Rows(rows)))


def show_versions(stmt: st.ShowVersions, ctx: Context) -> Result:
    target = access.resolve(stmt.model, ctx, changes=False)
    access.require_on_project(ctx, privileges.LIST, target.project)
    model = find_model(ctx, target)
    catalog = ctx.catalog

    def rows() -> Iterator[tuple[str, ...]]:
        for v in catalog.iter_versions(model.id):
            yield (v.name, "true" if v.name == model.default_version else "false", v.owner, v.location,
                   v.tasks, v.create_time, v.last_modified_time, v.comment)  # fmt: skip

    return Result(Table(VERSION_HEADERS, Rows(rows)))


def show_create_model(stmt: st.ShowCreateModel, ctx: Context) -> Result:
    target = access.resolve(stmt.model, ctx, changes=False)
    if target.project == PUBLIC_PROJECT:
        raise SemanticError(
            f"public model {target} is built into MaxCompute: no statement creates it", stmt.model.offset
        )
    from mcshell.rules import recreate

    model = find_model(ctx, target)
    access.require_on_model(ctx, privileges.DESCRIBE, model)
    versions = ctx.catalog.iter_versions(model.id, in_creation_order=True)
    return Result(Message("\n".join(recreate.model_statements(model, versions, mask_secret))))


# -- session statements ------------------------------------------------------------------------
def use(stmt: st.Use, ctx: Context) -> Result:
    from mcshell.rules import validate

    validate.check_project_name(stmt.project)
    if ctx.catalog.project_exists(stmt.project.key):
        access.require_in_project(ctx, stmt.project.key)  # someone else's project: only for its members
    else:
        ctx.catalog.ensure_project(stmt.project.key, ctx.user, ctx.clock())
    ctx.project = stmt.project.key
    return OK


def whoami(stmt: st.WhoAmI, ctx: Context) -> Result:
    """Who is acting, where; on a pulled project also where, when and as whom it was pulled."""
    fields = [("Name", ctx.user), ("Project", ctx.project)]
    pulled = ctx.catalog.pull_record(ctx.project)
    if pulled is not None:
        fields.append(("Pulled", f"{pulled.endpoint} at {pulled.time} as {pulled.user}"))
    return Result(Record(tuple(fields)))


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


def tunnel_upload(stmt: st.TunnelUpload, ctx: Context) -> Result:
    from mcshell.rules import tunnel  # the tunnel's rules, loaded by a tunnel command only

    return tunnel.tunnel_upload(stmt, ctx)


def tunnel_download(stmt: st.TunnelDownload, ctx: Context) -> Result:
    from mcshell.rules import tunnel

    return tunnel.tunnel_download(stmt, ctx)


def insert(stmt: st.Insert, ctx: Context) -> Result:
    from mcshell.rules.insert import insert as run_insert

    return run_insert(stmt, ctx)


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
    st.AddUser: members.add_user,
    st.RemoveUser: members.remove_user,
    st.ListUsers: members.list_users,
    st.Grant: members.grant,
    st.Revoke: members.revoke,
    st.CreateRole: roles.create_role,
    st.DropRole: roles.drop_role,
    st.ListRoles: roles.list_roles,
    st.GrantRole: roles.grant_role,
    st.RevokeRole: roles.revoke_role,
    st.ShowGrants: acl.show_grants,
    st.ShowAcl: acl.show_acl,
    st.DescribeRole: acl.describe_role,
    st.Select: select,
    st.CreateTable: tables.create_table,
    st.DropTable: tables.drop_table,
    st.DescTable: tables.desc_table,
    st.ShowTables: tables.show_tables,
    st.ShowCreateTable: tables.show_create_table,
    st.AddColumns: tables.add_columns,
    st.AddPartitions: tables.add_partitions,
    st.DropPartitions: tables.drop_partitions,
    st.ShowPartitions: tables.show_partitions,
    st.TunnelUpload: tunnel_upload,
    st.TunnelDownload: tunnel_download,
    st.Insert: insert,
}


def handle(stmt: st.Statement, ctx: Context) -> Result:
    return HANDLERS[type(stmt)](stmt, ctx)

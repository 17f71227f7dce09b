"""What a statement runs against (Context) and where the names it gives point.

The handlers and the privilege checks both use these; neither imports the other for them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mcshell.catalog.records import PUBLIC_PROJECT, Model, Version
from mcshell.catalog.store import Catalog
from mcshell.errors import AuthorizationError, DdlError, SemanticError
from mcshell.sql import statements as st
from mcshell.value import Value


@dataclass(eq=False, repr=False)
class Context(Value):
    """What a statement runs against: the catalog, who is acting, and the session's state."""

    catalog: Catalog
    user: str
    project: str
    clock: Callable[[], str]
    settings: dict[str, str] = field(default_factory=dict)
    # --check: statements are checked, nothing is evaluated and no model is run.
    dry_run: bool = False
    # --oss-root, --invoke, --public-endpoint: a mcshell.runtime RuntimeSettings, or None for the
    # defaults. Typed Any, as the runtime below: this module is compiled, and the runtime is imported
    # only when a model runs.
    runtime_settings: Any = None
    _runtime: Any = None
    # The statements may read and write files of this machine (tunnel): SessionOptions.local_files.
    local_files: bool = False

    def runtime(self) -> Any:
        """What runs the models, made on first use: one per session, so a model is loaded once."""
        if self._runtime is None:
            from mcshell.runtime.calls import Runtime, RuntimeSettings

            self._runtime = Runtime(self.runtime_settings or RuntimeSettings())
        return self._runtime


# -- names ------------------------------------------------------------------------------------
@dataclass(eq=False, repr=False)
class Target(Value):
    project: str
    name: str

    def __str__(self) -> str:
        return f"{self.project}.{self.name}"


SCHEMA_SETTING = "odps.namespace.schema"
DEFAULT_SCHEMA = "default"


def resolve(ref: st.ModelRef, ctx: Context, changes: bool) -> Target:
    """Where a model name points. Changes to the public project are refused before any name rule."""
    ref = schema_reading(ref, ctx)
    project = ref.project.key if ref.project is not None else ctx.project
    if ref.schema is not None:
        check_schema(ref.schema.key, ref.schema.text, ref.schema.offset)
    if changes and project == PUBLIC_PROJECT:
        raise read_only(ctx)
    if ref.project is not None and not ctx.catalog.project_exists(project):
        raise DdlError(f"Project not found: {project}")
    return Target(project, ref.name.key)


def check_schema(key: str, text: str, offset: int = 0) -> None:
    """A project's models are all in its one schema, `default`: any other is not there."""
    if key != DEFAULT_SCHEMA:
        raise SemanticError(f"schema '{text}' does not exist; only 'default' is supported", offset)


def schema_reading(ref: st.ModelRef, ctx: Context) -> st.ModelRef:
    """`SET odps.namespace.schema=true`: `a.b` is schema a, model b of the current project (`a.b.c`
    stays project.schema.model); `=false`: `a.b` is project.model and `a.b.c` is not recognized.
    With no SET, `a.b` is project.model and `a.b.c` project.schema.model (the schema documentation)."""
    flag = ctx.settings.get(SCHEMA_SETTING, "").strip().lower()
    if flag == "true" and ref.project is not None and ref.schema is None:
        return st.ModelRef(ref.name, schema=ref.project)
    if flag == "false" and ref.schema is not None:
        raise SemanticError(
            f"'{ref.project.text if ref.project else ''}.{ref.schema.text}.{ref.name.text}' is not recognized: "
            f"three-part names need {SCHEMA_SETTING}=true",
            ref.offset,
        )
    return ref


def read_only(ctx: Context) -> AuthorizationError:
    return AuthorizationError(f"{ctx.user} cannot change public models: project {PUBLIC_PROJECT} is read-only")


def find_model(ctx: Context, target: Target) -> Model:
    model = ctx.catalog.get_model(target.project, target.name)
    if model is None:
        hint = _did_you_mean(target.name, ctx.catalog.model_names(target.project))
        raise DdlError(f"Model not found: {target}{hint}")
    return model


DEFAULT_VERSION = "default_version"


def find_version(ctx: Context, model: Model, version: st.Ident) -> Version:
    """The version named; DEFAULT_VERSION (any case) is the model's default version."""
    key = model.default_version if version.key == DEFAULT_VERSION else version.key
    found = ctx.catalog.get_version(model.id, key)
    if found is None:
        hint = _did_you_mean(key, ctx.catalog.version_names(model.id))
        raise DdlError(f"Version not found: {model.project}.{model.name}.{key}{hint}")
    return found


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""

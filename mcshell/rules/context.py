"""What a statement runs against (Context) and where the names it gives point.

The handlers and the privilege checks both use these; neither imports the other for them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from mcshell.catalog.records import PUBLIC_PROJECT, Model, Version
from mcshell.catalog.store import Catalog
from mcshell.errors import AuthorizationError, DdlError, SemanticError
from mcshell.sql import statements as st


@dataclass
class Context:
    """What a statement runs against: the catalog, who is acting, and the session's state."""

    catalog: Catalog
    user: str
    project: str
    clock: Callable[[], str]
    settings: dict[str, str] = field(default_factory=dict)


# -- names ------------------------------------------------------------------------------------
@dataclass
class Target:
    project: str
    name: str

    def __str__(self) -> str:
        return f"{self.project}.{self.name}"


def resolve(ref: st.ModelRef, ctx: Context, changes: bool) -> Target:
    """Where a model name points. Changes to the public project are refused before any name rule."""
    project = ref.project.key if ref.project is not None else ctx.project
    if ref.schema is not None and ref.schema.key != "default":
        raise SemanticError(
            f"schema '{ref.schema.text}' does not exist; only 'default' is supported", ref.schema.offset
        )
    if changes and project == PUBLIC_PROJECT:
        raise read_only(ctx)
    if ref.project is not None and not ctx.catalog.project_exists(project):
        raise DdlError(f"Project not found: {project}")
    return Target(project, ref.name.key)


def read_only(ctx: Context) -> AuthorizationError:
    return AuthorizationError(f"{ctx.user} cannot change public models: project {PUBLIC_PROJECT} is read-only")


def find_model(ctx: Context, target: Target) -> Model:
    model = ctx.catalog.get_model(target.project, target.name)
    if model is None:
        hint = _did_you_mean(target.name, ctx.catalog.model_names(target.project))
        raise DdlError(f"Model not found: {target}{hint}")
    return model


def find_version(ctx: Context, model: Model, version: st.Ident) -> Version:
    found = ctx.catalog.get_version(model.id, version.key)
    if found is None:
        hint = _did_you_mean(version.key, ctx.catalog.version_names(model.id))
        raise DdlError(f"Version not found: {model.project}.{model.name}.{version.key}{hint}")
    return found


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""

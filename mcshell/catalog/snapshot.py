"""One project's whole state as values: what `mcshell pull` reads from the remote and writes
whole, what `mcshell plan` compares before and after a script, and what `apply` compares with
the remote afterwards. Catalog ids are left out (zero), so that two catalogs' states compare."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mcshell.catalog.grants import GrantRow, Role
from mcshell.catalog.records import Model, Project, Version
from mcshell.catalog.store import Catalog
from mcshell.value import Value


@dataclass(eq=False, repr=False)
class ModelState(Value):
    model: Model  # id 0
    versions: tuple[Version, ...]  # by name; model_id 0


@dataclass(eq=False, repr=False)
class RoleState(Value):
    role: Role
    holders: tuple[str, ...]  # sorted


@dataclass(eq=False, repr=False)
class ProjectState(Value):
    project: Project
    models: tuple[ModelState, ...]  # by name
    members: tuple[tuple[str, str], ...]  # (name, add time), by name
    roles: tuple[RoleState, ...]  # by key
    grants: tuple[GrantRow, ...]  # on the project and on its models, to users and roles, sorted


def read_project(catalog: Catalog, name: str) -> ProjectState | None:
    """The project's state, inside the caller's transaction; None when the catalog has no such project."""
    project = catalog.get_project(name)
    if project is None:
        return None
    models = tuple(_model_state(catalog, model) for model in catalog.iter_models(name))
    roles = tuple(RoleState(role, tuple(catalog.grants.role_holders(name, role.key)))
                  for role in catalog.grants.iter_roles(name))  # fmt: skip
    return ProjectState(project, models, tuple(catalog.grants.iter_members(name)), roles, _grants(catalog, name))


def _model_state(catalog: Catalog, model: Model) -> ModelState:
    versions = sorted(catalog.iter_versions(model.id), key=lambda version: version.name)
    return ModelState(
        dataclasses.replace(model, id=0), tuple(dataclasses.replace(version, model_id=0) for version in versions)
    )


def _grants(catalog: Catalog, project: str) -> tuple[GrantRow, ...]:
    rows: list[GrantRow] = []
    principals = [("user", user) for user in catalog.grants.user_grantees(project)]
    principals += [("role", role.key) for role in catalog.grants.iter_roles(project)]
    for kind, grantee in principals:
        rows += catalog.grants.grants_to(project, kind, grantee)
    return tuple(sorted(rows, key=grant_order))


def grant_order(row: GrantRow) -> tuple[str, str, str, str]:
    """Grants on the project first, then by model; within each, by kind, grantee and privilege."""
    return (row.model or "", row.kind, row.grantee, row.privilege)

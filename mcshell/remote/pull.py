"""`mcshell pull`: the remote project's whole state into the local catalog, in one transaction.

Every read comes first (read_models.py, read_tables.py, read_access.py), then one write transaction replaces the
project's snapshot (catalog.snapshot.replace_project): a read that fails, or a Ctrl-C, leaves the
old snapshot whole. Plan and apply call `pull_project` too."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mcshell.catalog.records import Project, PullRecord
from mcshell.catalog.snapshot import ProjectState, replace_project
from mcshell.catalog.store import Catalog
from mcshell.output.console import Console
from mcshell.remote.client import Remote
from mcshell.remote.read_access import read_access
from mcshell.remote.read_models import read_models
from mcshell.remote.read_tables import read_tables


@dataclass(frozen=True)
class PullSummary:
    endpoint: str
    project: str
    user: str  # the account the credentials act as (WHOAMI): whose privileges a plan checks
    models: int
    versions: int
    tables: int
    members: int
    roles: int
    grants: int
    seconds: float
    rows_dropped: tuple[str, ...] = ()  # the tables whose local rows went with the old snapshot


def read_state(remote: Remote, progress: Callable[[str], None] | None = None) -> tuple[ProjectState, str]:
    """The remote project's state and the acting account's name, read only (nothing written)."""
    project = remote.target.project
    owner, created = remote.project_info()
    user = remote.whoami()
    models = read_models(remote, project, progress)
    tables = read_tables(remote, project, progress)
    access = read_access(remote, project, [state.model.name for state in models],
                         [state.table.name for state in tables])  # fmt: skip
    state = ProjectState(Project(project, owner, created), models, access.members, access.roles, access.grants,
                         access.builtin_holders, tables, access.table_grants)  # fmt: skip
    return state, user


def pull_project(
    remote: Remote, catalog: Catalog, now: str, progress: Callable[[str], None] | None = None
) -> PullSummary:
    """Read the remote project (models, versions, tables, members, roles, grants) and replace its snapshot
    in `catalog` in one write transaction, with the record of where, when and as whom it was
    pulled. Nothing is written when any read fails (RemoteFailed, RemoteLost, RemoteRefused)."""
    started = time.monotonic()
    state, user = read_state(remote, progress)
    endpoint = remote.target.scrub(remote.target.endpoint)
    dropped = replace_project(catalog, state, PullRecord(endpoint, user, now))
    return PullSummary(
        endpoint, state.project.name, user, len(state.models), sum(len(model.versions) for model in state.models),
        len(state.tables), len(state.members), len(state.roles), len(state.grants) + len(state.table_grants),
        time.monotonic() - started, dropped,
    )  # fmt: skip


def pull_shown(remote: Remote, catalog: Catalog, now: str, console: Console) -> PullSummary:
    """`pull_project` with its progress line on a terminal, cleared however the pull ends."""
    try:
        return pull_project(remote, catalog, now, console.progress)
    finally:
        console.progress_done()

"""`mcshell pull`: the remote project's whole state into the local catalog, in one transaction.

Every read comes first (read_models.py, read_tables.py, read_access.py), then one write transaction replaces the
project's snapshot (catalog.snapshot.replace_project): a read that fails, or a Ctrl-C, leaves the
old snapshot whole. Plan and apply call `pull_project` too, into a private catalog; `pull_file` pulls
into the user's catalog file (`mcshell pull`, and apply after its run), which a failed first pull
does not make."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from mcshell.catalog.connection import has_catalog
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
    return write_state(remote, catalog, state, user, now, started)


def write_state(remote: Remote, catalog: Catalog, state: ProjectState, user: str, now: str,
                started: float) -> PullSummary:  # fmt: skip
    """The state read replaces the project's snapshot in `catalog`: what `pull_project` writes."""
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


@contextmanager
def pull_file(remote: Remote, path: str, now: str, console: Console) -> Iterator[tuple[Catalog, PullSummary]]:
    """`pull_shown` into the catalog file at `path`, open while the block runs. A catalog already
    there is opened before the reads, so one that cannot be opened fails before anything is sent;
    where there is none yet (no file, an empty one), it is made only once every read succeeded, so
    a failed or interrupted first pull leaves the path as it was (issue 20: a failed pull leaves
    the local catalog as it was)."""
    catalog = Catalog.open(path, now) if has_catalog(path) else None
    try:
        if catalog is not None:
            summary = pull_shown(remote, catalog, now, console)
        else:
            started = time.monotonic()
            try:
                state, user = read_state(remote, console.progress)
            finally:
                console.progress_done()
            catalog = Catalog.open(path, now)
            summary = write_state(remote, catalog, state, user, now, started)
        yield catalog, summary
    finally:
        if catalog is not None:
            catalog.close()

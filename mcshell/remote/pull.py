"""`mcshell pull`: the remote project's whole state into the local catalog, in one transaction.

INTERFACE ONLY on main until the i20-pull branch lands: plan and apply call `pull_project`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mcshell.catalog.store import Catalog
from mcshell.remote.client import Remote


@dataclass(frozen=True)
class PullSummary:
    endpoint: str
    project: str
    models: int
    versions: int
    members: int
    roles: int
    grants: int
    seconds: float


def pull_project(
    remote: Remote, catalog: Catalog, now: str, progress: Callable[[str], None] | None = None
) -> PullSummary:
    """Read the remote project (models, versions, members, roles, grants) and replace its snapshot
    in `catalog` in one write transaction, with the record of where, when and as whom it was
    pulled. Nothing is written when any read fails (RemoteFailed, RemoteLost, RemoteRefused)."""
    raise NotImplementedError("i20-pull implements this")

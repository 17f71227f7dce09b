"""`mcshell plan`: a script checked against the pulled state, and what it would change.

INTERFACE ONLY on main until the i20-plan branch lands: apply calls `plan_script`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mcshell.catalog.snapshot import ProjectState
from mcshell.catalog.store import Catalog
from mcshell.output.console import Console
from mcshell.rules.diff import Change


@dataclass(frozen=True)
class Plan:
    changes: list[Change]
    statements: int  # the statements of the script
    failures: int  # statements that would fail (each reported as FILE:LINE:COL: FAILED ...)
    broken_queries: int  # queries of --queries that would fail after the script
    after: ProjectState | None  # the state the script leaves

    @property
    def ok(self) -> bool:
        return self.failures == 0 and self.broken_queries == 0


def plan_script(
    catalog: Catalog, project: str, user: str, lines: list[str], source: str, console: Console,
    queries: Sequence[str] = (),
) -> Plan:  # fmt: skip
    """Run the script (`lines`, named `source` in FILE:LINE:COL) as `user` in `project` against
    `catalog`, a private catalog holding the pulled state that this changes; report each failure
    on `console` as --check does; check the query files `queries` against the state after it."""
    raise NotImplementedError("i20-plan implements this")


def print_plan(plan: Plan, console: Console, fmt: str) -> None:
    """The diff lines and `Plan: A to add, C to change, R to remove.` (fmt "box"), or the same as JSON."""
    raise NotImplementedError("i20-plan implements this")

"""`mcshell plan`: a script checked against the pulled state, and what it would change.

The script runs as `--check` runs it, through one Session over the private catalog that holds the
pulled state; the state is read before and after, and their diff is the plan. Nothing here talks to
the remote: the caller pulls (remote/pull.py) or takes the last pull (--offline)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mcshell.catalog.snapshot import ProjectState, read_project
from mcshell.catalog.store import Catalog
from mcshell.errors import ExitStatus, OutsidePlan
from mcshell.output import report
from mcshell.output.console import Console
from mcshell.output.plan import plan_json, plan_text
from mcshell.rules.diff import Change, diff
from mcshell.session import Outcome, Session, SessionOptions
from mcshell.sql.queries import checked_part
from mcshell.sql.source import BlockLines, decode_lines


class PlanStopped(Exception):
    """The script (or a query file) was stopped by Ctrl-C or a closed output: no plan; the exit status."""

    def __init__(self, status: ExitStatus):
        super().__init__(status.name)
        self.status = status


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
    catalog: Catalog, project: str, user: str, lines: Iterable[str], source: str, console: Console,
    queries: Sequence[str] = (),
) -> Plan:  # fmt: skip
    """Run the script (`lines`, named `source` in FILE:LINE:COL) as `user` in `project` against
    `catalog`, a private catalog holding the pulled state that this changes; report each failure
    on `console` as --check does; check the query files `queries` against the state after it.
    A query file that cannot be opened raises OSError."""
    options = SessionOptions(catalog_path=catalog.path, user=user, project=project, check=True)
    before, others = _state(catalog, project), _others(catalog, project)
    ran = _run(Session(options, console, catalog=catalog), lines, source)
    after = _state(catalog, project)
    changed = _others(catalog, project)
    outside = [name for name in sorted(others.keys() | changed.keys()) if others.get(name) != changed.get(name)]
    uncovered = [_outside(name, project) for name in outside]
    for error in uncovered:  # a failure of the script as a whole: the plan would not show it
        console.failed(report.located(source, None, report.failed(error)))
    broken = 0
    for path in queries:
        with open(path, "rb") as stream:
            broken += _run(Session(options, console, catalog=catalog), decode_lines(BlockLines(stream)), path,
                           queries=True)[Outcome.FAILED]  # fmt: skip
    return Plan(diff(before, after), sum(ran.values()), ran[Outcome.FAILED] + len(uncovered), broken, after)


def _run(session: Session, lines: Iterable[str], source: str, queries: bool = False) -> Counter[Outcome]:
    """The outcomes of one script's statements (of a query file: its queries and SETs only)."""
    try:
        status = session.run_script(lines, source, only=checked_part if queries else None)
        if status not in (ExitStatus.OK, ExitStatus.FAILED):
            raise PlanStopped(status)
        return session.tally
    finally:
        session.close()


def _state(catalog: Catalog, project: str) -> ProjectState | None:
    with catalog.transaction(write=False):
        return read_project(catalog, project)


def _others(catalog: Catalog, project: str) -> dict[str, ProjectState | None]:
    """The state of every other project the catalog holds (a local catalog may hold several)."""
    with catalog.transaction(write=False):
        return {name: read_project(catalog, name) for name in catalog.user_projects() if name != project}


def _outside(name: str, project: str) -> OutsidePlan:
    return OutsidePlan(
        f"the script changes project {name}, which this plan does not cover: plan and apply act on project "
        f"{project} only (run the statements for {name} in a plan of their own, with --project {name})"
    )


def print_plan(plan: Plan, console: Console, fmt: str) -> None:
    """The diff lines and `Plan: A to add, C to change, R to remove.` (fmt "box"), or the same as JSON."""
    if fmt == "json":
        console.result(plan_json(plan.changes, plan.statements, plan.failures, plan.broken_queries))
    else:
        console.result(plan_text(plan.changes))

"""`mcshell apply`: plan the script against a fresh pull, ask, send it, pull again and compare.

1. the script is cut and parsed (send.script_steps): a statement that does not parse, a USE of
   another project, or a query without --skip-queries refuses it before anything is read or sent;
2. the remote project is pulled into a private catalog in memory and the script planned there
   (plan.plan_script): a plan with failures stops here, nothing sent;
3. the plan is shown (plan.print_plan) and, unless --yes, confirmed on the terminal;
4. the statements are sent one at a time (send.send_script), stopping at the first failure;
5. the remote is pulled again, into the user's catalog (which ends equal to the remote), and its
   state compared with the one the plan predicted: every difference is printed as drift.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mcshell.catalog import snapshot
from mcshell.catalog.records import Version
from mcshell.catalog.snapshot import ModelState, ProjectState, read_project
from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError, ExitStatus, McError, quoted
from mcshell.output import report
from mcshell.output.console import Console
from mcshell.output.masking import mask_typed
from mcshell.output.reporter import Reporter
from mcshell.remote import pull
from mcshell.remote.client import Remote
from mcshell.remote.plan import Plan, plan_script, print_plan
from mcshell.remote.send import Ending, Refused, Route, Step, script_steps, send_script
from mcshell.rules.diff import diff
from mcshell.rules.handlers import shown_option_value
from mcshell.session import local_time

MEMORY = ":memory:"  # the private catalog the plan runs in: never the user's file
NO_TERMINAL = (
    "apply asks before it sends anything, and there is no terminal to ask on: give --yes to send without asking"
)


class ApplyUsage(ValueError):
    """The script cannot be applied with the options given: a usage error (exit 2), before anything is sent."""


@dataclass(frozen=True)
class ApplyOptions:
    catalog_path: str  # the user's catalog: it receives the pull after the run
    project: str  # the remote project (the target's)
    endpoint: str
    yes: bool = False  # --yes: no question
    skip_queries: bool = False  # --skip-queries: the script's queries are checked by the plan, not sent
    # The FAILED line of a read: the target's secrets masked (Target.scrub); APIKEYs are, at least.
    scrub: Callable[[str], str] = mask_typed


Ask = Callable[[str], bool]  # the question on the terminal; True for yes


def prepare(lines: Iterable[str], source: str, options: ApplyOptions, ask: Ask | None,
            console: Console) -> tuple[list[str], list[Step]] | None:  # fmt: skip
    """The script's lines and steps, read and parsed before any connection: None (the FAILED line
    reported) when a statement cannot be applied; ApplyUsage when the options do not allow it."""
    kept: list[str] = []
    try:
        steps = script_steps(_keeping(lines, kept), options.project)
    except Refused as refused:
        reports = Reporter(console, check=True)
        reports.start(source)
        for line in kept:  # the excerpt under the FAILED line shows them as written
            reports.lines.add(line)
        reports.failure(refused.error, refused.chunk)
        return None
    queries = [step for step in steps if step.route is Route.QUERY]
    if queries and not options.skip_queries:
        raise ApplyUsage(report.queries_not_sent(len(queries), queries[0].position))
    if not options.yes and ask is None:
        raise ApplyUsage(NO_TERMINAL)
    return kept, steps


def _check_writable(path: str, now: str) -> None:
    """The user's catalog opens and takes a write transaction (CatalogError otherwise), before anything
    is sent: an apply whose result could not be pulled into it would leave it behind the remote. A
    catalog not made yet is not made here: its directory must let it be."""
    if path == MEMORY:
        return
    if not os.path.exists(path):
        folder = os.path.dirname(path) or "."
        if not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
            raise CatalogError(f"cannot create catalog {quoted(path)}: its directory is missing or not writable")
        return
    catalog = Catalog.open(path, now)
    try:
        with catalog.transaction(write=True):
            pass
    finally:
        catalog.close()


def _keeping(lines: Iterable[str], kept: list[str]) -> Iterable[str]:
    for line in lines:
        kept.append(line)
        yield line


def run_apply(
    connect: Callable[[], Remote], lines: Iterable[str], source: str, options: ApplyOptions, ask: Ask | None,
    console: Console, clock: Callable[[], str] = local_time,
) -> ExitStatus:  # fmt: skip
    """The whole of `mcshell apply` (the module's steps); its exit status."""
    prepared = prepare(lines, source, options, ask, console)
    if prepared is None:
        return ExitStatus.FAILED
    script, steps = prepared
    try:
        _check_writable(options.catalog_path, clock())  # the pull after the run must land somewhere
        remote = connect()
        plan = _plan(remote, script, source, options, console, clock)
    except McError as error:
        console.failed(options.scrub(report.failed(error)))
        console.warn(report.nothing_sent())
        return ExitStatus.FAILED
    except KeyboardInterrupt:
        console.warn(report.interrupted_before_sending())
        return ExitStatus.INTERRUPTED
    if plan is None:
        return ExitStatus.FAILED
    try:
        confirmed = not plan.changes or options.yes or (ask is not None and ask(_question(plan, options)))
    except KeyboardInterrupt:  # Ctrl-C at the question: nothing sent
        console.warn(report.interrupted_before_sending())
        return ExitStatus.INTERRUPTED
    except EOFError:  # Ctrl-D at the question: no answer is no
        confirmed = False
    if not confirmed:
        console.warn(report.apply_cancelled())
        return ExitStatus.FAILED
    sent = send_script(remote, steps, source, console, script) if plan.changes else None
    if sent is not None and sent.ending is Ending.LOST:
        return ExitStatus.FAILED  # the connection is gone: the next plan pulls what landed
    if sent is not None and sent.ending is Ending.INTERRUPTED:
        return ExitStatus.INTERRUPTED
    if sent is not None and sent.ending is Ending.DONE:
        console.warn(report.applied(sent.total, options.endpoint, options.project))
    return _pull_and_compare(remote, plan if sent is None or sent.ending is Ending.DONE else None, options,
                             console, clock)  # fmt: skip


def _plan(remote: Remote, script: list[str], source: str, options: ApplyOptions, console: Console,
          clock: Callable[[], str]) -> Plan | None:  # fmt: skip
    """The plan of the script against a fresh pull into a private catalog, shown; None (reported)
    when it has failures."""
    private = Catalog.open(MEMORY, clock())
    try:
        user = pull.pull_shown(remote, private, clock(), console).user  # the plan checks as whom apply sends
        plan = plan_script(private, options.project, user, script, source, console)
    finally:
        private.close()
    if not plan.ok:
        console.warn(report.plan_failed(plan.failures + plan.broken_queries))
        return None
    print_plan(plan, console, "box")
    if not plan.changes:
        console.warn(report.no_changes())
    return plan


def _question(plan: Plan, options: ApplyOptions) -> str:
    return report.confirm_apply(len(plan.changes), options.endpoint, options.project)


def _pull_and_compare(remote: Remote, plan: Plan | None, options: ApplyOptions, console: Console,
                      clock: Callable[[], str]) -> ExitStatus:  # fmt: skip
    """Pull into the user's catalog, which then holds what the remote holds; with `plan` (every
    statement ran), print each difference from what it predicted as drift. Exit 1 after a failed
    run (`plan` None), a failed pull or any drift."""
    try:
        with pull.pull_file(remote, options.catalog_path, clock(), console) as (catalog, pulled):
            if pulled.rows_dropped:
                console.warn(report.rows_dropped_line(pulled.rows_dropped))
            with catalog.transaction(write=False):
                actual = read_project(catalog, options.project)
    except McError as error:
        console.failed(options.scrub(report.failed(error)))
        console.warn(report.not_pulled())
        return ExitStatus.FAILED
    except KeyboardInterrupt:
        console.warn(report.not_pulled())
        return ExitStatus.INTERRUPTED
    if plan is None:
        return ExitStatus.FAILED
    drifted = diff(as_pulled(plan.after), actual)  # only what a pull can read compares
    for change in drifted:
        console.warn(report.drift(change.sign, change.text))
    return ExitStatus.FAILED if drifted else ExitStatus.OK


def as_pulled(state: ProjectState | None) -> ProjectState | None:
    """The predicted state as a pull reads it back: without the grants kept for users who are not
    members (no query shows them: snapshot.as_pulled), and with each APIKEY masked, as DESC MODEL
    shows it and pull stores it (docs/remote.md), while the plan's state holds the key the script
    gave. Without this, every version with an APIKEY the script adds would be drift."""
    state = snapshot.as_pulled(state)
    if state is None:
        return None
    models = tuple(ModelState(model.model, tuple(_masked_key(version) for version in model.versions))
                   for model in state.models)  # fmt: skip
    return dataclasses.replace(state, models=models)


def _masked_key(version: Version) -> Version:
    """The version's options as DESC MODEL shows them (rules.handlers.shown_option_value)."""
    options = {key: shown_option_value(key, value) for key, value in version.options.items()}
    return dataclasses.replace(version, options=options)

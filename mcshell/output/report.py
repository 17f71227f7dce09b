"""The wording of every FAILED, WARNING, Cancelled and Interrupted line, here and nowhere else.

Callers hand over the facts (an error, a position, a count) and get the line back; the session
and the REPL decide when it is printed, the console prints it (on standard error). The lines are
pinned by the golden transcripts and the end-to-end tests: a change here is a change users see.
"""

from __future__ import annotations

import errno

from mcshell.errors import McError, OutputError, counted, printable, quoted

Position = tuple[int, int]  # [line,col] of the whole input, 1-based


# -- FAILED -----------------------------------------------------------------------------------
def failed(error: McError, position: Position | None = None) -> str:
    """`FAILED: <code>:[line,col] <kind> - <message>`; the position only for errors that point at
    a token (parse and semantic errors), as MaxCompute prints them."""
    return "FAILED: " + odps_line(error, position)


def odps_line(error: McError, position: Position | None = None) -> str:
    """The FAILED line without `FAILED: `: the service's own error text, which a client raises
    (pyodps's e.args[0]) and `mcshell serve` answers with."""
    where = f":[{position[0]},{position[1]}]" if error.has_position and position else ""
    sep = " " if where else error.separator  # ODPS-0130013's missing-privilege line has no space
    return f"{error.code}{where}{sep}{error.kind} - {printable(error.message)}"


def no_privilege(action: str, resource: str, project: str, user: str) -> str:
    """The message of a missing privilege: the documented text (the ODPS-0130013 page, code 4019),
    then mcshell's hint of whom and where it checked."""
    return (
        f"Authorization Failed [4019], You have NO privilege 'odps:{action}' on {{acs:odps:*:{resource}}}. "
        f"--->Tips: CurrentProject:{project}; Principal:{user};"
    )


def access_denied(action: str, resource: str) -> str:
    """ODPS-0420095's message for a missing privilege on an object (the ODPS-0420095 page, Error Message 2)."""
    return f"You have no privilege 'odps:{action}' on {{acs:odps:*:{resource}}}"


def not_in_project(project: str) -> str:
    """The message for a user who is neither the owner nor a member (the ODPS-0420095 page)."""
    return f"You don't exist in project {project}."


def internal_error(bug: Exception) -> McError:
    """An mcshell bug, reported as the System internal error it is (no traceback without --debug)."""
    return McError(f"{type(bug).__name__}: {bug}")


# Why a write to a descriptor that was closed when mcshell started (`>&-`) failed.
CLOSED_DESCRIPTOR = "the file descriptor is closed"


def write_failed(stream: str, reason: str) -> OutputError:
    """`stream` (standard output or standard error) could not be written: the run stops there."""
    return OutputError(f"could not write to {stream}: {reason}")


def lost_batch(error: McError, count: int, start: Position) -> str:
    """A batch whose commit failed: none of its statements was saved, though each ran."""
    were = "was" if count == 1 else "were"
    return f"{failed(error)} ({counted(count, 'statement')} from [{start[0]},{start[1]}] on {were} not saved)"


# -- --check: every line names where it is ----------------------------------------------------
def located(source: str, position: Position | None, line: str) -> str:
    """`<source>:<line>:<col>: <line>`, or `<source>: <line>` for what has no position."""
    if position is None:
        return f"{printable(source)}: {line}"
    return f"{printable(source)}:{position[0]}:{position[1]}: {line}"


def check_summary(source: str, ok: int, failed: int, skipped: int) -> str:
    checked = ok + failed + skipped
    return (
        f"{printable(source)}: {counted(checked, 'statement')} checked: {ok} ok, {failed} failed, {skipped} skipped "
        "(dry run: the catalog was not changed)"
    )


# -- WARNING ----------------------------------------------------------------------------------
def skipped_unsupported(words: str, position: Position | None) -> str:
    """--skip-unsupported; `position` is left out in --check, whose prefix gives it."""
    where = f" at [{position[0]},{position[1]}]" if position is not None else ""
    return f"WARNING: skipped unsupported statement '{printable(words)}'{where}"


def location_not_internal(endpoint: str) -> str:
    return (
        f"WARNING: LOCATION endpoint '{printable(endpoint)}' is not an internal OSS endpoint "
        "(...-internal.aliyuncs.com); MaxCompute supports only internal endpoints"
    )


def model_not_loadable(version: str, problem: str) -> str:
    """With --oss-root: CREATE MODEL or ADD VERSION of an IMPORT version ML_PREDICT could not run."""
    return f"WARNING: ML_PREDICT could not run version {printable(version)}: {printable(problem)}"


def endpoint_not_public(host: str) -> str:
    return (
        f"WARNING: ENDPOINT host '{printable(host)}' looks like a VPC or internal EAS endpoint; "
        "MaxCompute supports only public EAS endpoints"
    )


def no_history(problem: str) -> str:
    """The REPL runs without a history file (see file_problem for the problem)."""
    return f"WARNING: no history is kept: {problem}"


def history_not_saved(problem: str) -> str:
    """The history file could be made but no longer written: the entries stay in memory."""
    return f"WARNING: the history is no longer saved: {problem}"


def file_in_the_way(blocker: str, wanted: str) -> str:
    return f"{quoted(blocker)} is a file, not a directory: the history would be {quoted(wanted)}"


# Why a file could not be made or written, in the user's terms (else the system's own words).
_FILE_PROBLEMS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted (is it another user's?)",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENAMETOOLONG: "the path is too long",
    errno.ELOOP: "too many symbolic links",
}


def file_problem(action: str, path: str, error: OSError) -> str:
    """`cannot <action> '<path>': <why>`; a directory where a file should be is said so. Paths are
    `quoted`: a newline or an escape sequence in one reaches no terminal."""
    if isinstance(error, IsADirectoryError):
        return f"{quoted(path)} is a directory, not a file"
    why = _FILE_PROBLEMS.get(error.errno or 0) or (error.strerror or type(error).__name__).lower()
    return f"cannot {action} {quoted(path)}: {why}"


# -- the shell and Ctrl-C ---------------------------------------------------------------------
def cancelled(statement: str) -> str:
    """A DROP, DELETE or REMOVE statement the user did not confirm."""
    return f"Cancelled: {printable(statement)}"


def entry_interrupted() -> str:
    return "Interrupted: the rest of the entry was not run"


def dump_interrupted() -> str:
    return "Interrupted: the dump is incomplete"


def plan_interrupted() -> str:
    return "Interrupted: no plan (nothing was sent but reads, and the catalog was not changed)"


def script_interrupted(running: Position | None) -> str:
    """Ctrl-C in a script: every statement with an OK above is committed, the one running (if
    any) was rolled back, and nothing after it ran."""
    if running is None:
        return "Interrupted: the rest of the script was not run"
    line, col = running
    return f"Interrupted: the statement at [{line},{col}] was rolled back and the rest of the script was not run"


# -- mcshell apply: its progress and its end, on standard error -------------------------------
# How a progress line ends: the statement ran, was refused, may or may not have run (twice).
SENT_OK, SENT_FAILED, SENT_LOST, SENT_INTERRUPTED = "OK", "FAILED", "LOST", "INTERRUPTED"


def sending(number: int, total: int, label: str) -> str:
    """The start of a progress line, `[3/12] ALTER MODEL churn ADD VERSION v3 ... `; its end
    (`OK`, `FAILED`, `LOST`) follows when the service has answered."""
    return f"[{number}/{total}] {label} ... "


def use_elsewhere(project: str, target: str) -> str:
    return (
        f"USE {printable(project)}: apply sends every statement to project {printable(target)}; "
        "apply the statements for another project with its own --project"
    )


def queries_not_sent(count: int, first: Position) -> str:
    """A script with queries and no --skip-queries: refused before anything is sent."""
    return (
        f"the script has {counted(count, 'query statement')} (the first at [{first[0]},{first[1]}]): apply never sends "
        "queries; give --skip-queries to apply the rest (the plan still checks the queries)"
    )


def statements_ran(ran: int, total: int) -> str:
    """After a statement the service refused: what was sent and ran before it."""
    return f"{ran} of {counted(total, 'statement')} ran; the rest were not sent"


def outcome_unknown(ran: int, total: int, number: int, label: str) -> str:
    """After a lost connection: the one statement that may or may not have run."""
    return (
        f"the connection was lost: statement [{number}/{total}] ({label}) may or may not have run; "
        f"{ran} of {counted(total, 'statement')} ran before it and the rest were not sent; "
        "`mcshell plan` shows what is left to do"
    )


def send_interrupted(ran: int, total: int, number: int, label: str) -> str:
    """Ctrl-C while a statement was sent: the service may have run it."""
    return (
        f"Interrupted: statement [{number}/{total}] ({label}) may or may not have run; "
        f"{ran} of {counted(total, 'statement')} ran before it and the rest were not sent; "
        "`mcshell plan` shows what is left to do"
    )


def applied(total: int, endpoint: str, project: str) -> str:
    return f"{counted(total, 'statement')} ran on {printable(endpoint)} project {printable(project)}"


def confirm_apply(changes: int, endpoint: str, project: str) -> str:
    return f"Apply {counted(changes, 'change')} to {printable(endpoint)} project {printable(project)}? [y/N] "


def drift(sign: str, text: str) -> str:
    """A difference between what the plan predicted and what the remote holds after the run."""
    return f"drift: {sign} {printable(text)}"


def plan_failed(count: int) -> str:
    return f"apply stopped: the plan has {counted(count, 'failure')}; nothing was sent"


def no_changes() -> str:
    return "No changes: nothing was sent."


def apply_cancelled() -> str:
    return "Apply cancelled: nothing was sent."


def not_pulled() -> str:
    """The pull after the run failed: the local catalog keeps what it held before."""
    return "the local catalog was not updated: `mcshell pull` reads the remote's state again"


def nothing_sent() -> str:
    """A failure before the first statement was sent: the connection, the pull or the plan's own."""
    return "apply stopped: nothing was sent"


def interrupted_before_sending() -> str:
    return "Interrupted: nothing was sent"


# -- pull -------------------------------------------------------------------------------------
def pulled(models: int, versions: int, tables: int, members: int, roles: int, grants: int, endpoint: str,
           project: str, seconds: float, rows_dropped: tuple[str, ...] = ()) -> str:  # fmt: skip
    """`mcshell pull`'s last line on standard error, once the snapshot is written; with a second line
    naming the tables whose local rows the pull dropped, when there were any."""
    line = (
        f"pulled {counted(models, 'model')}, {counted(versions, 'version')}, {counted(tables, 'table')}, "
        f"{counted(members, 'member')}, "
        f"{counted(roles, 'role')}, {counted(grants, 'grant')} from {printable(endpoint)} project {project} "
        f"in {seconds:.1f} s"
    )
    return line + ("\n" + rows_dropped_line(rows_dropped) if rows_dropped else "")


def rows_dropped_line(tables: tuple[str, ...]) -> str:
    """What a pull (pull's, or apply's last) says when the old snapshot's tables held local rows."""
    names = ", ".join(printable(name) for name in tables)
    return f"the local rows of {counted(len(tables), 'table')} were dropped ({names}): a pull brings no rows"


def pull_interrupted() -> str:
    return "Interrupted: nothing was pulled; the project's last snapshot is unchanged"

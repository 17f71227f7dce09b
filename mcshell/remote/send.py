"""`mcshell apply`'s sending: a script's statements, one at a time, to the remote project.

The script is cut and parsed by mcshell's own splitter and parser (the plan has run it already),
and each statement goes where pyodps sends it (docs/remote.md):

- model and table DDL (CREATE, ALTER, DROP MODEL; CREATE, ALTER, DROP TABLE) through `Remote.sql`,
  with the hints of the `SET k=v;` lines before it, as pyodps turns a script's SET lines into the
  SQL task's settings;
- security statements (ADD/REMOVE USER, GRANT, REVOKE, CREATE/DROP ROLE) through `Remote.security`;
- SET and a USE of the target project are kept, not sent; a USE of another project refuses the
  whole script before anything is sent; reads (DESC, SHOW, LIST, WHOAMI, HELP) and queries (with
  --skip-queries) are not sent; QUIT ends the script, as it ends `mcshell -f`.

The first statement the service refuses stops the run; a lost connection stops it too, naming
the statement whose outcome is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from mcshell.errors import ApplyRefused, McError, RemoteFailed, RemoteLost, printable
from mcshell.output import report
from mcshell.output.console import Console
from mcshell.output.masking import mask_typed
from mcshell.output.reporter import Reporter
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.source import check_text
from mcshell.sql.splitter import Chunk, content_start, split_statements

LABEL_WIDTH = 72  # a progress line's statement: its first line, cut to this many characters


class Route(Enum):
    SQL = "sql"  # Remote.sql: run_sql, as pyodps's execute_sql
    SECURITY = "security"  # Remote.security: POST /projects/<p>/authorization
    HINT = "hint"  # SET k=v: a setting of the SQL statements after it
    KEPT = "kept"  # not sent: a read, a USE of the target project
    QUERY = "query"  # a SELECT: checked by the plan, never sent
    END = "end"  # QUIT: the rest of the script is not run


# The security statements go through security queries; every other statement that writes (model and
# table DDL) through run_sql; the readers (sql/statements.py `writes`) are kept, not sent.
_SECURITY = (st.AddUser, st.RemoveUser, st.Grant, st.Revoke, st.GrantRole, st.RevokeRole, st.CreateRole, st.DropRole)
_SPECIAL: dict[type, Route] = {
    **dict.fromkeys(_SECURITY, Route.SECURITY),
    st.Use: Route.KEPT,
    st.SetVariable: Route.HINT,
    st.Select: Route.QUERY,
    st.Quit: Route.END,
}


def route_of(statement: st.Statement) -> Route:
    special = _SPECIAL.get(type(statement))
    if special is not None:
        return special
    return Route.SQL if st.writes(statement) else Route.KEPT


SENT = (Route.SQL, Route.SECURITY)


class Sender(Protocol):
    """What sending needs of a connection (remote/client.py's Remote)."""

    def sql(self, text: str, hints: Mapping[str, str] | None = None) -> str: ...

    def security(self, query: str, hints: Mapping[str, str] | None = None) -> str: ...


@dataclass(frozen=True)
class Step:
    """One statement of the script, where it goes, and (for SQL) the hints sent with it."""

    chunk: Chunk
    route: Route
    hints: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """What is sent: the statement from its first word, without its `;` (pyodps adds it to SQL)."""
        return self.chunk.text[content_start(self.chunk.text) :].rstrip()

    @property
    def position(self) -> tuple[int, int]:
        return self.chunk.position(content_start(self.chunk.text))

    @property
    def label(self) -> str:
        """The statement as a progress line shows it: its first line, APIKEY values masked (the one
        masking rule), control characters escaped, cut to LABEL_WIDTH."""
        masked = mask_typed(self.text)
        first, _, rest = masked.partition("\n")
        first = printable(first.rstrip())
        if len(first) > LABEL_WIDTH or rest.strip():
            return first[:LABEL_WIDTH].rstrip() + "..."
        return first


class Refused(Exception):
    """The script cannot be applied as it is: the error, at its statement (None: at no statement)."""

    def __init__(self, error: McError, chunk: Chunk | None):
        super().__init__(error.message)
        self.error, self.chunk = error, chunk

    @property
    def position(self) -> tuple[int, int] | None:
        """Where its FAILED line points (as Reporter.failure finds it): the error's token, else the statement."""
        if self.chunk is None:
            return getattr(self.error, "position", None)  # source.InputError
        return self.chunk.position(self.error.offset or content_start(self.chunk.text))


def script_steps(lines: Iterable[str], project: str) -> list[Step]:
    """The script's statements as steps, up to a QUIT; Refused at the first that does not parse
    (or cannot be read) and at a USE of a project other than `project`. Nothing is sent here."""
    steps: list[Step] = []
    hints: dict[str, str] = {}
    chunks = iter(split_statements(lines))
    while True:
        try:
            chunk = next(chunks, None)
        except McError as error:  # a line that is not UTF-8 (source.InputError), with its position
            raise Refused(error, None) from None
        if chunk is None:
            return steps
        statement = _parsed(chunk)
        route = route_of(statement)
        if isinstance(statement, st.Use) and statement.project.key != project:
            raise Refused(ApplyRefused(report.use_elsewhere(statement.project.key, project)), chunk)
        if isinstance(statement, st.SetVariable):
            hints[statement.key] = statement.value
        if route is Route.END:
            return steps
        steps.append(Step(chunk, route, tuple(hints.items()) if route in SENT else ()))


def _parsed(chunk: Chunk) -> st.Statement:
    try:
        check_text(chunk.text)
        return parse(chunk)
    except McError as error:
        raise Refused(error, chunk) from None


class Ending(Enum):
    DONE = "done"  # every statement ran
    FAILED = "failed"  # the service refused one: those before it ran, none after it was sent
    LOST = "lost"  # the connection failed while one was sent: its outcome is unknown
    INTERRUPTED = "interrupted"  # Ctrl-C while one was sent: its outcome is unknown too


@dataclass(frozen=True)
class Sent:
    ending: Ending
    ran: int  # statements the service ran
    total: int  # statements to send


def send_script(remote: Sender, steps: list[Step], source: str, console: Console, lines: Sequence[str] = ()) -> Sent:
    """Send the steps that go to the service, one at a time, each with its progress line on
    standard error; stop at the first failure (its FAILED line at the statement's position, as
    --check writes it, with the script's `lines` for its excerpt) or at a lost connection."""
    sent = [step for step in steps if step.route in SENT]
    reports = Reporter(console, check=True)  # `<source>:<line>:<col>: FAILED: ...`, keys masked
    reports.start(source)
    for line in lines:
        reports.lines.add(line)
    for number, step in enumerate(sent, 1):
        console.partial(report.sending(number, len(sent), step.label))
        try:
            _send(remote, step)
        except RemoteLost as lost:
            console.warn(report.SENT_LOST)
            reports.failure(lost, step.chunk)
            console.warn(report.outcome_unknown(number - 1, len(sent), number, step.label))
            return Sent(Ending.LOST, number - 1, len(sent))
        except KeyboardInterrupt:  # the request may have reached the service: as unknown as a lost one
            console.warn(report.SENT_INTERRUPTED)
            console.warn(report.send_interrupted(number - 1, len(sent), number, step.label))
            return Sent(Ending.INTERRUPTED, number - 1, len(sent))
        except RemoteFailed as failed:
            console.warn(report.SENT_FAILED)
            reports.failure(failed, step.chunk)
            console.warn(report.statements_ran(number - 1, len(sent)))
            return Sent(Ending.FAILED, number - 1, len(sent))
        console.warn(report.SENT_OK)
    return Sent(Ending.DONE, len(sent), len(sent))


def _send(remote: Sender, step: Step) -> None:
    if step.route is Route.SQL:
        remote.sql(_terminated(step.text), dict(step.hints))
    else:
        remote.security(step.text, dict(step.hints))


def _terminated(text: str) -> str:
    """SQL as sent: pyodps appends the `;` to the text's end, inside a `--` comment that ends it,
    so such a text gets its own `;` on a line of its own (any `--` on the last line counts)."""
    return text + "\n;" if "--" in text.rpartition("\n")[2] else text

"""A job's query runs as a script through one Session, as `mcshell -e` runs it: its stdout is
the task's result, its first FAILED line the task's error. A fresh Session per job, so SET and
USE in one job never leak into the next; the catalog's own transactions and locks keep
concurrent jobs apart. The catalog connection is the thread's: opening one costs more than a job."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from mcshell.catalog import Catalog
from mcshell.errors import ExitStatus, McError, ParseError
from mcshell.output import report
from mcshell.output.console import Console
from mcshell.rules.context import Context
from mcshell.session import Session, SessionOptions, local_time
from mcshell.sql.source import text_lines

SOURCE = "<job>"
_FAILED = "FAILED: "
_TRACEBACK = "Traceback (most recent call last):"
T = TypeVar("T")


@dataclass(frozen=True)
class Ran:
    stdout: str
    error: str | None  # the first FAILED line without `FAILED: `, which pyodps raises as e.args[0]
    parse_error: bool = False  # refused before anything ran


class Runner:
    def __init__(self, options: SessionOptions, debug_log: Callable[[str], None] | None = None):
        """`options` are the CLI's, built in one place for both front ends (cli.main): every job
        runs with them (its runtime settings, --skip-unsupported, --continue-on-error, --debug),
        as its caller in the project it names. `debug_log` takes a job's --debug traceback."""
        self.options = options
        self.catalog_path = options.catalog_path
        self._debug_log = debug_log
        self._keeper: Catalog | None = None
        # One job at a time in this process. The parser shares one sqlglot tokenizer, which keeps
        # the text it works on in itself (mcshell/sql/dialect.py); Python runs one thread at a
        # time anyway; and writers queued here take turns at once, where SQLite's busy handler
        # would make them sleep and retry. Other processes (the CLI) wait for the catalog's locks.
        self._turn = threading.Lock()
        self._local = threading.local()

    def keep_open(self) -> None:
        """Hold one connection to the catalog while the server runs: each job's session then
        opens and closes its own without being the last, whose close checkpoints the WAL and
        removes it (some 7 ms of disk writes per job otherwise)."""
        if self._keeper is None:
            self._keeper = Catalog.open(self.catalog_path, local_time())

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def run(
        self, text: str, user: str, project: str, fmt: str = "box", settings: Mapping[str, str] | None = None
    ) -> Ran:
        """`settings`: a job's hints, which act as SET statements before its first (`odps.namespace.schema` ...)."""
        lines = text_lines(text)  # cut at line feeds only, as -e, -f and standard input are
        out, err = io.StringIO(), io.StringIO()
        options = dataclasses.replace(self.options, user=user, project=project, format=fmt)
        with self._turn:
            try:
                catalog = self._thread_catalog()
            except McError as error:  # the catalog cannot be opened: the job fails with that line
                return Ran("", report.odps_line(error))
            try:
                session = Session(options, Console(out, err), catalog=catalog)
                if settings:
                    session.context().settings.update(settings)
                return self._run(session, lines, out, err)
            except BaseException:
                self._drop(catalog)
                raise

    def read(self, fn: Callable[[Catalog], T]) -> T:
        """`fn` in one reading transaction over this thread's connection, outside the job queue:
        a GET answered from the catalog opens no connection of its own and never writes."""
        catalog = self._thread_catalog()
        try:
            with catalog.transaction(write=False):
                return fn(catalog)
        except BaseException:
            self._drop(catalog)
            raise

    def read_as(self, user: str, project: str, fn: Callable[[Context], T]) -> tuple[T | None, str | None]:
        """`fn` (statements' handlers, called as they run) as `user` in an existing `project`, in one
        reading transaction: (its value, None), or (None, the ODPS line of its refusal, or of the
        project that is not there). A refusal keeps the connection: it is an answer, not a failure."""

        def attempt(catalog: Catalog) -> tuple[T | None, str | None]:
            if catalog.get_project(project) is None:
                return None, f"ODPS-0110061: Failed to run ddltask - Project not found: {project}"
            try:
                return fn(Context(catalog, user, project, local_time)), None
            except McError as error:
                return None, report.odps_line(error)

        return self.read(attempt)

    def find_project(self, name: str) -> ProjectInfo | None:
        """A project as GET /projects/<p> shows it; None when no statement has created it yet."""
        project = self.read(lambda catalog: catalog.get_project(name))
        return None if project is None else ProjectInfo(project.name, project.owner, project.create_time)

    def _drop(self, catalog: Catalog) -> None:
        """After a failure the connection may be left inside a transaction: the next use opens anew."""
        self._local.catalog = None
        with contextlib.suppress(Exception):  # a connection that failed may fail to close too
            catalog.close()

    def _thread_catalog(self) -> Catalog:
        """This thread's connection (a sqlite3 connection belongs to the thread that opened it);
        it closes when the thread ends, with its client's connection."""
        catalog = getattr(self._local, "catalog", None)
        if catalog is None:
            catalog = self._local.catalog = Catalog.open(self.catalog_path, local_time())
        return catalog

    def _run(self, session: Session, lines: list[str], out: io.StringIO, err: io.StringIO) -> Ran:
        single = one_statement(lines)
        try:
            # A job of several statements is parsed whole first: one that does not parse refuses
            # the job before any runs. A job of one is parsed once, as it runs: if it does not
            # parse, nothing ran either.
            if not single and not session.parse_script(lines, SOURCE):
                return Ran("", first_failure(err.getvalue()), parse_error=True)
            status = session.run_script(lines, source=SOURCE)
        finally:
            session.close()
            self._log_traceback(err.getvalue())
        if status is ExitStatus.OK:
            return Ran(out.getvalue(), None)
        error = first_failure(err.getvalue())
        return Ran(out.getvalue(), error, parse_error=single and error.startswith(ParseError.code + ":"))

    def debug(self, traceback: str) -> None:
        """--debug: a traceback (masked) on the server's standard error; without it, nothing."""
        if self._debug_log is not None and self.options.debug:
            self._debug_log(traceback)

    def _log_traceback(self, stderr: str) -> None:
        """--debug: the traceback a job's session wrote (keys masked), on the server's standard error."""
        start = stderr.find(_TRACEBACK)
        if self._debug_log is not None and start >= 0:
            self._debug_log(stderr[start:].rstrip())


def one_statement(lines: list[str]) -> bool:
    """At most one statement: its one `;` ends the text (pyodps adds it when it is missing)."""
    text = "".join(lines)
    return text.count(";") == 1 and text.rstrip().endswith(";")


def first_failure(stderr: str) -> str:
    for line in stderr.splitlines():
        if line.startswith(_FAILED):
            return line[len(_FAILED) :]
    return "ODPS-0010000: System internal error - the job failed without an error line"


@dataclass(frozen=True)
class ProjectInfo:
    name: str
    owner: str
    create_time: str  # local yyyy-MM-dd HH:mm:ss, as the catalog keeps it

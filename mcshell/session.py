"""One session runs statements for every front end: -e, -f, stdin and the REPL go through here.

text -> splitter -> parser -> handler (in one catalog transaction) -> result -> render -> console

A script's writes are committed in batches (group commit, see batches.py). Ctrl-C stops a script
only where the work under way can be undone (interrupts.py); a closed stdout or stderr ends it
quietly (output/console.py). The wording of every FAILED and WARNING line is output/report.py's.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mcshell.batches import Batch
from mcshell.catalog.store import Catalog
from mcshell.errors import ExitStatus, McError, UnsupportedStatement
from mcshell.interrupts import INTERRUPTS
from mcshell.output.console import Console, OutputClosed
from mcshell.output.render import render_lines
from mcshell.output.reporter import Reporter
from mcshell.rules.context import Context
from mcshell.rules.handlers import handle
from mcshell.sql.parser import parse
from mcshell.sql.source import check_text
from mcshell.sql.splitter import Chunk, StatementSplitter
from mcshell.sql.statements import writes
from mcshell.value import Value


def local_time() -> str:
    """Times are local wall-clock `yyyy-MM-dd HH:mm:ss`, as MaxCompute prints them."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


def reopened(stand_in: Catalog, write: bool, path: str, now: str) -> Catalog:
    """What a statement runs against when a copy in memory stands in for the catalog file: for a write,
    the file itself (created if need be); for a read, the file as it is now, which another process may
    have created or changed since the last statement."""
    catalog = Catalog.open(path, now) if write else Catalog.open_reading(path, now)
    catalog.expected = stand_in.expected
    stand_in.close()
    return catalog


def _picked(chunks: Iterator[Chunk | McError], only: Callable[[Chunk], Chunk | None]) -> Iterator[Chunk | McError]:
    for chunk in chunks:
        picked = only(chunk) if isinstance(chunk, Chunk) else chunk
        if picked is not None:
            yield picked


class Outcome(Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"
    QUIT = "quit"


@dataclass(eq=False, repr=False)
class SessionOptions(Value):
    catalog_path: str
    user: str
    project: str
    continue_on_error: bool = False
    debug: bool = False
    format: str = "box"  # render.FORMATS
    # Statements mcshell does not run (SELECT, CREATE TABLE ...) get a warning instead of failing.
    skip_unsupported: bool = False
    # --check: run against a private copy of the catalog, report every failure as
    # <source>:<line>:<col>: FAILED ..., print no results and no OK, end with a summary line.
    check: bool = False
    # --oss-root, --invoke, --public-endpoint: what the model functions may do.
    # A mcshell.runtime RuntimeSettings; None: the defaults (no store, no requests), and mcshell.runtime
    # is not even imported. Typed Any: this module is compiled, the runtime is not.
    runtime: Any = None
    # tunnel upload and download read and write files on this machine: the mcshell command (cli.py)
    # allows it; a front end that runs others' statements (mcshell serve) does not.
    local_files: bool = False


class Session:
    def __init__(
        self, options: SessionOptions, console: Console, clock: Callable[[], str] = local_time,
        catalog: Catalog | None = None,
    ):  # fmt: skip
        self.options = options
        # A connection its caller keeps open across sessions and closes itself (mcshell serve: one
        # per thread, as opening one costs more than a job); None: the session opens its own.
        self._kept = catalog
        self.clock = clock
        self._context: Context | None = None
        self.project = options.project
        self._batch = Batch(console, print_oks=not options.check)
        self._reports = Reporter(console, options.check)
        self._console = console
        self.tally: Counter[Outcome] = Counter()  # the outcomes of the last run_script (mcshell plan counts them)

    @property
    def console(self) -> Console:
        return self._console

    @console.setter
    def console(self, console: Console) -> None:
        """Another console (a test's fresh streams) for the runs to come, batch and reports included."""
        self._console = self._batch.console = self._reports.console = console

    # -- a script -----------------------------------------------------------------------------
    def run_script(
        self, lines: Iterable[str], source: str = "<stdin>", drained: Callable[[], bool] = lambda: False,
        only: Callable[[Chunk], Chunk | None] | None = None,
    ) -> ExitStatus:  # fmt: skip
        """Run every statement of a script. The first failure stops it unless continue_on_error
        (or check, which reports every failure). `drained()` tells when the next line may have to
        be waited for (source.BlockLines): the statements run so far are committed first. `only`
        picks what runs of each statement (mcshell plan --queries: a query's SELECT), None to pass it over."""
        self._reports.start(source)
        tally: Counter[Outcome] = Counter()
        self.tally = tally
        if self.options.check and not self._open_private_copy():
            return ExitStatus.FAILED
        self._batch.lost = 0
        chunks = self._chunks(lines, drained)
        stopped = self._run_all(chunks if only is None else _picked(chunks, only), tally)
        if stopped is not None:
            return stopped
        tally[Outcome.FAILED] += self._batch.lost
        if self.options.check:
            self._reports.summary(tally[Outcome.OK], tally[Outcome.FAILED], tally[Outcome.SKIPPED])
        return ExitStatus.FAILED if tally[Outcome.FAILED] else ExitStatus.OK

    def _run_all(self, chunks: Iterator[Chunk | McError], tally: Counter[Outcome]) -> ExitStatus | None:
        """Run the statements until the end, a failure that stops the script, QUIT, Ctrl-C or a
        closed output; the exit status of the last two, None for the others."""
        running: Chunk | None = None
        try:
            for chunk in chunks:
                running = chunk if isinstance(chunk, Chunk) else None
                outcome = self._run(chunk, batch=True) if isinstance(chunk, Chunk) else self._report(chunk, None)
                running = None
                tally[outcome] += 1
                if self._stops(outcome, chunk):
                    break
            self._end_batch()
        except KeyboardInterrupt:
            return self._stopped(None, running)
        except OutputClosed as closed:
            return self._stopped(closed, running)
        except Exception as bug:  # outside a statement's handling (reading the input, a commit): an mcshell bug
            return self.escaped(bug)
        INTERRUPTS.take_pending()  # a Ctrl-C held while the last statement was committed: too late to stop it
        return None

    def _stops(self, outcome: Outcome, chunk: Chunk | McError) -> bool:
        keep_going = self.options.continue_on_error or self.options.check
        if outcome is Outcome.QUIT or (self._batch.lost and not keep_going):
            return True
        return outcome is Outcome.FAILED and (not keep_going or not isinstance(chunk, Chunk))

    def _stopped(self, closed: OutputClosed | None, running: Chunk | None) -> ExitStatus:
        """Ctrl-C (`closed` None) or a closed output: the statement running was rolled back (its
        savepoint or its transaction); the batch of those before it is committed and their OKs
        printed. Ctrl-C adds one line; a reader that left, nothing; a stream that failed, its
        FAILED line."""
        try:
            self._end_batch()
            if closed is None:
                self._reports.interrupted(running)
        except OutputClosed:
            pass  # standard error is gone too
        return self.console.stopped(closed) if closed is not None else ExitStatus.INTERRUPTED

    def escaped(self, bug: Exception, text: str = "") -> ExitStatus:
        """An mcshell bug raised outside a statement's handling (reading the input, a commit, the
        REPL around its statements: `text` is what it was reading). The statements before it are
        committed if they can be; then its FAILED line, with --debug its traceback first, no key in
        either; the run ends there."""
        with contextlib.suppress(Exception):  # the batch may be what failed: the first bug is the one told
            self._end_batch()
        self._reports.bug(bug, None, self.options.debug, text)
        return ExitStatus.FAILED

    def _chunks(self, lines: Iterable[str], drained: Callable[[], bool]) -> Iterator[Chunk | McError]:
        """The statements of the input; an input error (bad UTF-8) comes out as the error itself."""
        splitter = StatementSplitter()
        source = iter(lines)
        failure: McError | None = None
        try:
            while True:
                line = self._next_line(source, drained)
                if line is None:
                    break
                self._reports.lines.add(line)
                ended = False
                for chunk in splitter.feed(line):
                    ended = True
                    yield chunk
                if ended:  # the statements so far are reported: keep only the line the next starts on
                    self._reports.lines.keep_last()
        except McError as error:
            failure = error
        if failure is not None:  # yielded outside the handler (see test_no_generator_yields_in_an_except)
            yield failure
            return
        last = splitter.finish()
        if last is not None:
            yield last

    def _next_line(self, source: Iterator[str], drained: Callable[[], bool]) -> str | None:
        """The next line of input. Before a read that may wait, the statements run so far are
        committed and reported, and Ctrl-C may stop the script while it waits."""
        if not drained():
            return next(source, None)
        if self._batch.unsaved:
            self._end_batch()
        with INTERRUPTS:
            return next(source, None)

    # -- one statement ------------------------------------------------------------------------
    def run_chunk(self, chunk: Chunk) -> Outcome:
        """Run one statement and report it: its result on stdout, then OK or one FAILED line."""
        return self._run(chunk, batch=False)

    def _run(self, chunk: Chunk, batch: bool) -> Outcome:
        self._reports.read(chunk)
        try:
            check_text(chunk.text)
            statement = parse(chunk)
            context = self.context()
            if context.catalog.stand_in:
                context.catalog = reopened(context.catalog, writes(statement), self.options.catalog_path, self.clock())
            if batch and writes(statement):
                with context.catalog.batched_statement(), INTERRUPTS:
                    result = handle(statement, context)
                if result.output is None and not result.warnings and not result.quit:
                    self.project = context.project
                    return Outcome.OK if self._batch.ran(chunk, context.catalog) else Outcome.FAILED
                if not self._end_batch(running=chunk):  # its warnings and OK come after the commit
                    return Outcome.FAILED
                if result.output is not None and not self.options.check:
                    self.console.result_lines(render_lines(result.output, self.options.format))
            else:
                self._end_batch()
                with context.catalog.transaction(write=writes(statement)), INTERRUPTS:
                    result = handle(statement, context)
                    if result.output is not None and not self.options.check:
                        # Printed inside the transaction: a grid streams its rows straight from the catalog.
                        self.console.result_lines(render_lines(result.output, self.options.format))
        except McError as error:
            if isinstance(error, UnsupportedStatement) and self.options.skip_unsupported:
                return self._skip(error, chunk)
            return self._report(error, chunk)
        except OutputClosed:
            raise  # not the statement's failure: the run ends (see _stopped)
        except Exception as bug:  # an mcshell bug: a FAILED line, never a traceback unless --debug
            self._end_batch()
            self._reports.bug(bug, chunk, self.options.debug)
            return Outcome.FAILED
        self.project = context.project
        for warning in result.warnings:
            self._reports.warning(warning, chunk)
        if result.quit:
            return Outcome.QUIT
        if not self.options.check:
            self.console.ok()
        return Outcome.OK

    def _end_batch(self, running: Chunk | None = None) -> bool:
        return self._batch.end(self._context.catalog if self._context is not None else None, running)

    def _report(self, error: McError, chunk: Chunk | None) -> Outcome:
        self._end_batch()
        self._reports.failure(error, chunk)
        return Outcome.FAILED

    def _skip(self, error: UnsupportedStatement, chunk: Chunk) -> Outcome:
        """--skip-unsupported: a warning instead of a failure; no OK, no result."""
        self._end_batch()
        self._reports.skipped(error, chunk)
        return Outcome.SKIPPED

    # -- the catalog, opened on first use -----------------------------------------------------
    def _open_private_copy(self) -> bool:
        """--check opens its copy of the catalog before the first statement: if that fails, the
        check cannot run at all, and one FAILED line says why."""
        try:
            self.context()
        except McError as error:
            self._reports.cannot_check(error)
            return False
        return True

    def context(self) -> Context:
        if self._context is None:
            catalog = self._open()
            # The project row is written by the first statement that writes, not here: reading never writes.
            catalog.expect_project(self.options.project, self.options.user, self.clock())
            self._context = Context(
                catalog, self.options.user, self.options.project, self.clock,
                dry_run=self.options.check, runtime_settings=self.options.runtime,
                local_files=self.options.local_files,
            )  # fmt: skip
        return self._context

    def _open(self) -> Catalog:
        if self._kept is not None:
            return self._kept
        if self.options.check:
            return Catalog.open_private_copy(self.options.catalog_path, self.clock())
        return Catalog.open_reading(self.options.catalog_path, self.clock())

    def close(self) -> None:
        if self._context is not None:
            if self._context.catalog is not self._kept:
                self._context.catalog.close()
            else:
                self._kept.expected = None  # the next session on it has a project of its own
            self._context = None

    # -- mcshell serve: a job is refused whole when one of its statements does not parse ---------
    def parse_script(self, lines: Iterable[str], source: str) -> bool:
        """Parse every statement of a script and run none: False, with its FAILED line reported as
        run_script reports it, at the first statement that does not parse."""
        self._reports.start(source)
        try:
            for chunk in self._chunks(lines, lambda: False):
                if not isinstance(chunk, Chunk):
                    self._report(chunk, None)
                    return False
                self._reports.read(chunk)
                try:
                    check_text(chunk.text)
                    parse(chunk)
                except McError as error:
                    self._report(error, chunk)
                    return False
        except Exception as bug:  # an mcshell bug, in reading or parsing: reported as run_script reports one
            self.escaped(bug)
            return False
        return True

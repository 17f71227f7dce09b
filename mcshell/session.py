"""One session runs statements for every front end: -e, -f, stdin and the REPL go through here.

text -> splitter -> parser -> handler (in one catalog transaction) -> result -> render -> console

A script's statements that change the catalog and print nothing but OK are committed in batches
(group commit): each runs in a savepoint of its own, so a failed one changes nothing, and its OK
is printed only once the batch is committed, so an OK always means the change is on disk. A
batch ends before a statement with anything else to print, before reading input that is not
there yet, and after BATCH_STATEMENTS statements or BATCH_SECONDS.
"""

from __future__ import annotations

import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError, ExitStatus, McError, ParseError, UnsupportedStatement
from mcshell.output.console import Console
from mcshell.output.excerpt import SourceLines, excerpt
from mcshell.output.masking import mask_secrets, secret_values
from mcshell.output.render import render_lines
from mcshell.rules.handlers import Context, handle
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk, StatementSplitter, content_start
from mcshell.sql.statements import writes

if TYPE_CHECKING:
    from mcshell.runtime.calls import RuntimeSettings

BATCH_STATEMENTS = 1000
BATCH_SECONDS = 0.1  # how long other writers may wait for the catalog while a script runs


def local_time() -> str:
    """Times are local wall-clock `yyyy-MM-dd HH:mm:ss`, as MaxCompute prints them."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


class Outcome(Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"
    QUIT = "quit"


@dataclass(frozen=True)
class SessionOptions:
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
    # None: the defaults (no store, no requests), and mcshell.runtime is not even imported.
    runtime: RuntimeSettings | None = None


class Session:
    def __init__(self, options: SessionOptions, console: Console, clock: Callable[[], str] = local_time):
        self.options = options
        self.console = console
        self.clock = clock
        self._context: Context | None = None
        self.project = options.project
        self.source = "<stdin>"  # what --check calls the input: a file name, <stdin> or <-e>
        self._lines = SourceLines()
        self._unsaved = 0  # statements run in the open batch, whose OK waits for its commit
        self._batch_started = 0.0
        self._batch_start = (1, 1)  # [line,col] of the batch's first statement
        self._lost_batches = 0  # batches whose commit failed: their statements were not saved

    # -- running ------------------------------------------------------------------------------
    def run_script(
        self, lines: Iterable[str], source: str = "<stdin>", drained: Callable[[], bool] = lambda: False
    ) -> ExitStatus:
        """Run every statement of a script. The first failure stops it unless continue_on_error
        (or check, which reports every failure). `drained()` tells when the next line may have to
        be waited for (reader.BlockLines): the statements run so far are committed first."""
        self.source = source
        self._lines = SourceLines()
        if self.options.check and not self._open_private_copy():
            return ExitStatus.FAILED
        keep_going = self.options.continue_on_error or self.options.check
        tally: Counter[Outcome] = Counter()
        self._lost_batches = 0
        for chunk in self._chunks(lines, drained):
            if self._lost_batches and not keep_going:
                break
            outcome = self._run(chunk, batch=True) if isinstance(chunk, Chunk) else self._report(chunk, None)
            tally[outcome] += 1
            if outcome is Outcome.QUIT:
                break
            if outcome is Outcome.FAILED and (not keep_going or not isinstance(chunk, Chunk)):
                break
        self._end_batch()
        tally[Outcome.FAILED] += self._lost_batches
        if self.options.check:
            self.console.warn(
                f"{source}: {sum(tally.values())} statements checked: {tally[Outcome.OK]} ok, "
                f"{tally[Outcome.FAILED]} failed, {tally[Outcome.SKIPPED]} skipped "
                "(dry run: the catalog was not changed)"
            )
        return ExitStatus.FAILED if tally[Outcome.FAILED] else ExitStatus.OK

    def _chunks(self, lines: Iterable[str], drained: Callable[[], bool]) -> Iterator[Chunk | McError]:
        """The statements of the input; an input error (bad UTF-8) comes out as the error itself."""
        splitter = StatementSplitter()
        source = iter(lines)
        try:
            while True:
                if self._unsaved and drained():
                    self._end_batch()  # before a read that may wait: what has run is reported now
                line = next(source, None)
                if line is None:
                    break
                self._lines.add(line)
                ended = False
                for chunk in splitter.feed(line):
                    ended = True
                    yield chunk
                if ended:  # the statements so far are reported: keep only the line the next starts on
                    self._lines.keep_last()
        except McError as error:
            yield error
            return
        last = splitter.finish()
        if last is not None:
            yield last

    def run_chunk(self, chunk: Chunk) -> Outcome:
        """Run one statement and report it: its result on stdout, then OK or one FAILED line."""
        return self._run(chunk, batch=False)

    def _run(self, chunk: Chunk, batch: bool) -> Outcome:
        try:
            check_text(chunk.text)
            statement = parse(chunk)
            context = self.context()
            if batch and writes(statement):
                with context.catalog.batched_statement():
                    result = handle(statement, context)
                if result.output is None and not result.warnings and not result.quit:
                    self.project = context.project
                    return self._batched(chunk)
                if not self._end_batch(running=chunk):  # its warnings and OK come after the commit
                    return Outcome.FAILED
                if result.output is not None and not self.options.check:
                    self.console.result_lines(render_lines(result.output, self.options.format))
            else:
                self._end_batch()
                with context.catalog.transaction(write=writes(statement)):
                    result = handle(statement, context)
                    if result.output is not None and not self.options.check:
                        # Printed inside the transaction: a grid streams its rows straight from the catalog.
                        self.console.result_lines(render_lines(result.output, self.options.format))
        except McError as error:
            if isinstance(error, UnsupportedStatement) and self.options.skip_unsupported:
                return self._skip(error, chunk)
            return self._report(error, chunk)
        except Exception as bug:  # an mcshell bug: a FAILED line, never a traceback unless --debug
            if self.options.debug:
                self.console.warn(mask_secrets(traceback.format_exc().rstrip(), secret_values(chunk.text)))
            return self._report(McError(f"{type(bug).__name__}: {bug}"), chunk)
        self.project = context.project
        for warning in result.warnings:
            self.console.warn(mask_secrets(self._located(warning, chunk), secret_values(chunk.text)))
        if result.quit:
            return Outcome.QUIT
        if not self.options.check:
            self.console.ok()
        return Outcome.OK

    def _batched(self, chunk: Chunk) -> Outcome:
        """A statement that ran in the open batch: its OK waits for the batch's commit."""
        if not self._unsaved:
            self._batch_started = time.monotonic()
            self._batch_start = chunk.position(content_start(chunk.text))
        if self._unsaved + 1 < BATCH_STATEMENTS and time.monotonic() - self._batch_started < BATCH_SECONDS:
            self._unsaved += 1
            return Outcome.OK
        if not self._end_batch(running=chunk):
            return Outcome.FAILED
        if not self.options.check:
            self.console.ok()
        return Outcome.OK

    def _end_batch(self, running: Chunk | None = None) -> bool:
        """Commit the open batch, then print the OK of each statement in it. `running` is one more
        statement of the batch, being reported by the caller. False when the batch was lost
        (SQLite rolled it back, or the commit failed): one FAILED line says which statements."""
        unsaved, self._unsaved = self._unsaved, 0
        if self._context is None:
            return True
        catalog = self._context.catalog
        lost = unsaved + (running is not None)
        try:
            if lost and not catalog.in_batch:
                raise CatalogError(f"catalog '{catalog.path}': the transaction was rolled back")
            catalog.commit_batch()  # also ends a batch left with nothing in it (its statement failed)
        except CatalogError as error:
            if not lost:
                return True
            if running is None:  # else the caller reports its statement FAILED, which counts it
                self._lost_batches += 1
            if running is not None and not unsaved:  # the batch was this statement alone
                line, col = running.position(content_start(running.text))
            else:
                line, col = self._batch_start
            what = f"{lost} statements from [{line},{col}] on were not saved"
            self.console.failed(f"{error.failed_line(None)} ({what})")
            return False
        if not self.options.check:
            self.console.oks(unsaved)
        return True

    def _report(self, error: McError, chunk: Chunk | None) -> Outcome:
        """The FAILED line (in --check: after <source>:<line>:<col>:), then the source line and a caret."""
        self._end_batch()
        position = None
        if chunk is not None:
            offset = error.offset or 0
            position = chunk.position(content_start(chunk.text) if offset == 0 else offset)
        elif isinstance(error, InputError):
            position = error.position
        secrets = secret_values(chunk.text) if chunk is not None else set()
        if self.options.check:
            where = f"{self.source}:{position[0]}:{position[1]}: " if position else f"{self.source}: "
            self.console.failed(mask_secrets(where + error.failed_line(None), secrets))
        else:
            self.console.failed(mask_secrets(error.failed_line(position), secrets))
        if chunk is not None and position is not None and not isinstance(error, CatalogError):
            source_line = excerpt(position[0], self._source_line(chunk, position[0]), position[1])
            self.console.failed(mask_secrets(source_line, secrets))
        return Outcome.FAILED

    def _skip(self, error: UnsupportedStatement, chunk: Chunk) -> Outcome:
        """--skip-unsupported: one warning line instead of a failure; no OK, no result."""
        self._end_batch()
        warning = f"WARNING: skipped unsupported statement '{error.words}'"
        if not self.options.check:
            line, col = chunk.position(content_start(chunk.text))
            warning += f" at [{line},{col}]"
        self.console.warn(self._located(warning, chunk))
        return Outcome.SKIPPED

    def _located(self, warning: str, chunk: Chunk) -> str:
        """In --check, a warning names where its statement starts: <source>:<line>:<col>: WARNING ..."""
        if not self.options.check:
            return warning
        line, col = chunk.position(content_start(chunk.text))
        return f"{self.source}:{line}:{col}: {warning}"

    def _source_line(self, chunk: Chunk, number: int) -> str:
        """Input line `number`: remembered by run_script, else (the REPL) rebuilt from the statement."""
        line = self._lines.get(number)
        if line is not None:
            return line
        lines = chunk.text.split("\n")
        index = min(max(number - chunk.line, 0), len(lines) - 1)
        return (" " * (chunk.col - 1) if index == 0 else "") + lines[index]

    # -- dump ---------------------------------------------------------------------------------
    def dump(self, include_secrets: bool) -> ExitStatus:
        """Print every user project's models as a script that recreates them (`mcshell dump`)."""
        from mcshell.rules.dump import dump_script

        try:
            catalog = Catalog.open(self.options.catalog_path, self.clock())
            try:
                with catalog.transaction(write=False):
                    for text in dump_script(catalog, include_secrets):
                        self.console.result(text)
            finally:
                catalog.close()
        except McError as error:
            self.console.failed(error.failed_line(None))
            return ExitStatus.FAILED
        return ExitStatus.OK

    # -- the catalog, opened on first use -----------------------------------------------------
    def _open_private_copy(self) -> bool:
        """--check opens its copy of the catalog before the first statement: if that fails, the
        check cannot run at all, and one FAILED line says why."""
        try:
            self.context()
        except McError as error:
            self.console.failed(f"{self.source}: {error.failed_line(None)}")
            return False
        return True

    def context(self) -> Context:
        if self._context is None:
            if self.options.check:
                catalog = Catalog.open_private_copy(self.options.catalog_path, self.clock())
            else:
                catalog = Catalog.open(self.options.catalog_path, self.clock())
            try:
                with catalog.transaction(write=True):
                    catalog.ensure_project(self.options.project, self.options.user, self.clock())
            except McError:
                catalog.close()
                raise
            self._context = Context(
                catalog, self.options.user, self.options.project, self.clock,
                dry_run=self.options.check, runtime_settings=self.options.runtime,
            )  # fmt: skip
        return self._context

    def close(self) -> None:
        if self._context is not None:
            self._context.catalog.close()
            self._context = None


class InputError(ParseError):
    """Input that is not text (bad UTF-8): reported at its line, and the script stops there."""

    def __init__(self, message: str, position: tuple[int, int]):
        super().__init__(message)
        self.position = position


# Built with chr(): a compiled module (mypyc) cannot hold lone surrogates in its string literals.
_SURROGATE = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")


def check_text(text: str) -> None:
    """Text from the command line or a terminal may carry undecodable bytes as lone surrogates
    (Python's surrogateescape): refuse them here, as decode_lines refuses them in files."""
    if text.isascii():  # at once, for most statements: a surrogate is no ASCII character
        return
    found = _SURROGATE.search(text)
    if found is None:
        return
    code = ord(found.group())
    what = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"character U+{code:04X}"
    raise ParseError(f"the input is not valid UTF-8: {what} cannot be read", found.start())


def decode_lines(binary_lines: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 lines from bytes, with a byte-order mark dropped; bad bytes raise InputError."""
    for number, raw in enumerate(binary_lines, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            column = len(raw[: error.start].decode("utf-8", "replace")) + 1
            raise InputError(
                f"the input is not valid UTF-8: byte 0x{raw[error.start]:02x} cannot be read",
                (number, column),
            ) from None

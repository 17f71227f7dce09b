"""One session runs statements for every front end: -e, -f, stdin and the REPL go through here.

text -> splitter -> parser -> handler (in one catalog transaction) -> result -> render -> console
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from mcshell.catalog import Catalog
from mcshell.console import Console
from mcshell.errors import ExitStatus, McError, ParseError
from mcshell.handlers import Context, handle
from mcshell.parser import parse
from mcshell.render import render
from mcshell.splitter import Chunk, StatementSplitter, content_start


def local_time() -> str:
    """Times are local wall-clock `yyyy-MM-dd HH:mm:ss`, as MaxCompute prints them."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


class Outcome(Enum):
    OK = "ok"
    FAILED = "failed"
    QUIT = "quit"


@dataclass(frozen=True)
class SessionOptions:
    catalog_path: str
    user: str
    project: str
    continue_on_error: bool = False
    debug: bool = False


class Session:
    def __init__(self, options: SessionOptions, console: Console, clock: Callable[[], str] = local_time):
        self.options = options
        self.console = console
        self.clock = clock
        self._context: Context | None = None
        self.project = options.project

    # -- running ------------------------------------------------------------------------------
    def run_script(self, lines: Iterable[str]) -> ExitStatus:
        """Run every statement of a script. The first failure stops it unless continue_on_error."""
        failed = False
        for chunk in self._chunks(lines):
            outcome = self.run_chunk(chunk) if isinstance(chunk, Chunk) else self._report(chunk, None)
            if outcome is Outcome.QUIT:
                break
            if outcome is Outcome.FAILED:
                failed = True
                if not self.options.continue_on_error or not isinstance(chunk, Chunk):
                    break
        return ExitStatus.FAILED if failed else ExitStatus.OK

    def _chunks(self, lines: Iterable[str]) -> Iterator[Chunk | McError]:
        """The statements of the input; an input error (bad UTF-8) comes out as the error itself."""
        splitter = StatementSplitter()
        try:
            for line in lines:
                yield from splitter.feed(line)
        except McError as error:
            yield error
            return
        last = splitter.finish()
        if last is not None:
            yield last

    def run_chunk(self, chunk: Chunk) -> Outcome:
        """Run one statement and report it: its result on stdout, then OK or one FAILED line."""
        try:
            statement = parse(chunk)
            context = self.context()
            with context.catalog.transaction(write=statement.writes):
                result = handle(statement, context)
                # Rendered inside the transaction: a grid may stream rows straight from the catalog.
                text = render(result.output) if result.output is not None else None
        except McError as error:
            return self._report(error, chunk)
        except Exception as error:  # an mcshell bug: a FAILED line, never a traceback unless --debug
            if self.options.debug:
                self.console.warn(traceback.format_exc().rstrip())
            self.console.failed(f"FAILED: ODPS-0010000: System internal error - {type(error).__name__}: {error}")
            return Outcome.FAILED
        self.project = context.project
        if text is not None:
            self.console.result(text)
        for warning in result.warnings:
            self.console.warn(warning)
        if result.quit:
            return Outcome.QUIT
        self.console.ok()
        return Outcome.OK

    def _report(self, error: McError, chunk: Chunk | None) -> Outcome:
        position = None
        if chunk is not None:
            offset = error.offset or 0
            position = chunk.position(content_start(chunk.text) if offset == 0 else offset)
        elif isinstance(error, InputError):
            position = error.position
        self.console.failed(error.failed_line(position))
        return Outcome.FAILED

    # -- the catalog, opened on first use -----------------------------------------------------
    def context(self) -> Context:
        if self._context is None:
            catalog = Catalog.open(self.options.catalog_path, self.clock())
            try:
                with catalog.transaction(write=True):
                    catalog.ensure_project(self.options.project, self.options.user, self.clock())
            except McError:
                catalog.close()
                raise
            self._context = Context(catalog, self.options.user, self.options.project, self.clock)
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

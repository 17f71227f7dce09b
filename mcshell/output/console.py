"""The only writer of stdout and stderr: results on stdout; OK, FAILED and warnings on stderr.

Every write goes through one checked path (`_put`), whatever the format or the caller: it writes
all of its text or raises OutputClosed. A reader that goes away (`mcshell ... | head -2`) is no
failure of a statement: the run ends quietly, status 141. A stream that cannot be written (a full
disk, a closed descriptor) ends the run the same way, with one FAILED line saying so, status 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from mcshell.errors import ExitStatus, McError
from mcshell.output import report

_BLOCK_LINES = 256  # lines of a long result per write: few system calls, little memory
STDOUT = "standard output"
STDERR = "standard error"


class OutputClosed(Exception):
    """Standard output or standard error was closed by its reader (`failure` None: exit 141), or
    could not be written (`failure` says why: exit 1)."""

    def __init__(self, failure: McError | None = None):
        super().__init__(failure.message if failure is not None else "closed by its reader")
        self.failure = failure

    @property
    def status(self) -> ExitStatus:
        return ExitStatus.OUTPUT_CLOSED if self.failure is None else ExitStatus.FAILED


class Console:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        # sys.stdout is None when mcshell was started with descriptor 1 closed (`>&-`): the first
        # write fails as a write to a closed descriptor does.
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self._progress_shown = False  # a progress line waits on standard error, to be cleared

    def result(self, text: str) -> None:
        _put(self.out, STDOUT, text)

    def result_lines(self, lines: Iterable[str]) -> None:
        """A result that comes in pieces (a grid streamed from the catalog): written in blocks as
        the pieces come."""
        block: list[str] = []
        for line in lines:
            block.append(line)
            if len(block) == _BLOCK_LINES:
                _put(self.out, STDOUT, "".join(block))
                block.clear()
        _put(self.out, STDOUT, "".join(block))

    def ok(self) -> None:
        _put(self.err, STDERR, "OK\n")

    def oks(self, count: int) -> None:
        """The OKs of a committed batch of statements, in one write."""
        if count:
            _put(self.err, STDERR, "OK\n" * count)

    def failed(self, line: str) -> None:
        _put(self.err, STDERR, line + "\n")

    def warn(self, line: str) -> None:
        _put(self.err, STDERR, line + "\n")

    def partial(self, text: str) -> None:
        """Text on standard error with no line end yet: a question, or the start of a progress line
        whose end (`OK`) comes when the work it names is done."""
        _put(self.err, STDERR, text)

    def progress(self, line: str) -> None:
        """A line of progress on standard error, overwritten in place by the next one (and by
        `progress_done`): only on a terminal, where it is seen; a pipe or a log gets none of them."""
        if self._err_is_terminal():
            _put(self.err, STDERR, "\r" + line + "\x1b[K")
            self._progress_shown = True

    def progress_done(self) -> None:
        """Clear the progress line, if one was shown, so what follows starts on a clean line."""
        if self._progress_shown:
            self._progress_shown = False
            _put(self.err, STDERR, "\r\x1b[K")

    def _err_is_terminal(self) -> bool:
        try:
            return self.err is not None and self.err.isatty()
        except (OSError, ValueError):
            return False

    def stopped(self, closed: OutputClosed) -> ExitStatus:
        """The end of a run that `closed` stopped: a stream that failed says why on standard error,
        if that can still be written; the exit status."""
        if closed.failure is not None:
            try:
                self.failed(report.failed(closed.failure))
            except OutputClosed:
                pass  # standard error is the stream that failed, or fails too
        return closed.status

    def lost_stdout(self, error: OSError) -> ExitStatus:
        """Standard output failed in a write that is not the console's (click's --help and
        --version): the same end as a result that could not be written."""
        if self.out is not None:
            _to_null(self.out)
        return self.stopped(OutputClosed(report.write_failed(STDOUT, error.strerror or str(error))))


def _put(stream: TextIO | None, name: str, text: str) -> None:
    """Write all of `text`, flushed, or raise OutputClosed. The text goes to the stream's bytes
    layer and every count is checked: a large write into a pipe whose reader left can come back
    short, with no error, and the text layer drops that count."""
    if stream is None:
        raise OutputClosed(report.write_failed(name, report.CLOSED_DESCRIPTOR))
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a test's StringIO: no bytes layer, nothing short
            stream.write(text)
            stream.flush()
            return
        stream.flush()  # what the text layer may hold goes first
        data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
        while len(data):
            data = data[buffer.write(data) :]
        buffer.flush()
    except BrokenPipeError:
        _to_null(stream)
        raise OutputClosed() from None
    except OSError as error:
        _to_null(stream)
        raise OutputClosed(report.write_failed(name, error.strerror or str(error))) from None


def _to_null(stream: TextIO) -> None:
    """Point the failed stream's descriptor at the null device: what is left in its buffer, and
    the interpreter's flush at exit, then go nowhere instead of failing again."""
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):  # not a file (a test's StringIO): nothing is flushed at exit
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)

"""The only writer of stdout and stderr: results on stdout; OK, FAILED and warnings on stderr.

A reader that goes away (`mcshell ... | head -2`) is no failure of a statement: the first write
that finds its pipe closed raises OutputClosed, which the session ends the run with, quietly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

_BLOCK_LINES = 256  # lines of a long result per write: few system calls, little memory


class OutputClosed(Exception):
    """Standard output or standard error was closed by its reader."""


class Console:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr

    def result(self, text: str) -> None:
        self._write(self.out, text)

    def result_lines(self, lines: Iterable[str]) -> None:
        """A result that comes in pieces (a grid streamed from the catalog): written in blocks as
        the pieces come, flushed once at the end."""
        block: list[str] = []
        try:
            for line in lines:
                block.append(line)
                if len(block) == _BLOCK_LINES:
                    self.out.write("".join(block))
                    block.clear()
            self.out.write("".join(block))
            self.out.flush()
        except BrokenPipeError:
            raise _closed(self.out) from None

    def ok(self) -> None:
        self._write(self.err, "OK\n")

    def oks(self, count: int) -> None:
        """The OKs of a committed batch of statements, in one write."""
        if count:
            self._write(self.err, "OK\n" * count)

    def failed(self, line: str) -> None:
        self._write(self.err, line + "\n")

    def warn(self, line: str) -> None:
        self._write(self.err, line + "\n")

    def _write(self, stream: TextIO, text: str) -> None:
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            raise _closed(stream) from None


def _closed(stream: TextIO) -> OutputClosed:
    """Point the closed stream's descriptor at the null device: what is left in its buffer, and
    the interpreter's flush at exit, then go nowhere instead of failing again."""
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):  # not a file (a test's StringIO): nothing is flushed at exit
        return OutputClosed()
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)
    return OutputClosed()

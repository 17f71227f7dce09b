"""The only writer of stdout and stderr: results on stdout; OK, FAILED and warnings on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

_BLOCK_LINES = 256  # lines of a long result per write: few system calls, little memory


class Console:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr

    def result(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def result_lines(self, lines: Iterable[str]) -> None:
        """A result that comes in pieces (a grid streamed from the catalog): written in blocks as
        the pieces come, flushed once at the end."""
        block: list[str] = []
        for line in lines:
            block.append(line)
            if len(block) == _BLOCK_LINES:
                self.out.write("".join(block))
                block.clear()
        self.out.write("".join(block))
        self.out.flush()

    def ok(self) -> None:
        self._err_line("OK")

    def oks(self, count: int) -> None:
        """The OKs of a committed batch of statements, in one write."""
        if count:
            self.err.write("OK\n" * count)
            self.err.flush()

    def failed(self, line: str) -> None:
        self._err_line(line)

    def warn(self, line: str) -> None:
        self._err_line(line)

    def _err_line(self, line: str) -> None:
        self.err.write(line + "\n")
        self.err.flush()

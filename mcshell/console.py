"""The only writer of stdout and stderr: results on stdout; OK, FAILED and warnings on stderr."""

from __future__ import annotations

import sys
from typing import TextIO


class Console:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr

    def result(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def ok(self) -> None:
        self._err_line("OK")

    def failed(self, line: str) -> None:
        self._err_line(line)

    def warn(self, line: str) -> None:
        self._err_line(line)

    def _err_line(self, line: str) -> None:
        self.err.write(line + "\n")
        self.err.flush()

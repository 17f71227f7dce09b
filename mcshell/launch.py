"""The `mcshell` command: loads the command line with Python's garbage collector paused.

Loading mcshell and the libraries it needs (sqlglot above all) makes some 55,000 objects that the
collector tracks, and none of them is garbage. Left running, the collector walks them over and over
while they are being made, and once more as the process exits: about an eighth of what a one-shot
statement costs (docs/performance.md, "What keeps mcshell fast"). Paused while they load, then frozen
(`gc.freeze`: kept out of every later collection, as they live as long as the process anyway), they
cost nothing more. Everything made afterwards, by the statements, is collected as usual.
"""

from __future__ import annotations

import errno
import gc
import io
import sys


def main() -> None:
    gc.disable()
    try:
        from mcshell.cli import main as command
    finally:
        gc.freeze()
        gc.enable()
    if sys.stdout is None:  # started with descriptor 1 closed (`>&-`): click would drop --help silently
        sys.stdout = _Closed()
    try:
        command(prog_name="mcshell")
    except OSError as error:
        if error.errno == errno.EPIPE:  # a reader that left: click's own to handle
            raise
        from mcshell.output.console import Console  # click's own output (--help, --version) failed

        sys.exit(int(Console().lost_stdout(error)))


class _Closed(io.TextIOBase):
    """Standard output when its descriptor was closed: every write fails as the console says a write
    to a closed descriptor fails; a run that writes nothing to it is not troubled."""

    def write(self, text: str) -> int:
        from mcshell.output import report

        raise OSError(errno.EBADF, report.CLOSED_DESCRIPTOR)

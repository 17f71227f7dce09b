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
import sys

# What a write to a full or broken stream fails with (a closed pipe is click's own to handle).
_WRITE_FAILURES = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)


def main() -> None:
    gc.disable()
    try:
        from mcshell.cli import main as command
    finally:
        gc.freeze()
        gc.enable()
    try:
        command(prog_name="mcshell")
    except OSError as error:
        if error.errno not in _WRITE_FAILURES:
            raise
        from mcshell.output.console import Console  # click's own output (--help, --version) failed

        sys.exit(int(Console().lost_stdout(error)))

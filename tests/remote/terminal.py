"""Reading what a program showed on a pseudo-terminal, for the tests that run apply on one."""

from __future__ import annotations

import os
from collections.abc import Callable


def read_terminal(leader: int, shown_so_far: Callable[[bytes], None] | None = None) -> bytes:
    """Everything the terminal at `leader` shows until its other end closes; `shown_so_far` sees it after each read
    (to answer a question when it appears)."""
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end is closed: all of it was read
            break
        if not chunk:
            break
        shown += chunk
        if shown_so_far is not None:
            shown_so_far(shown)
    return shown

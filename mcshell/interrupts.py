"""Ctrl-C in a script: KeyboardInterrupt only where what is under way can be undone.

With the handler installed (cli.py does, for a script), Ctrl-C raises KeyboardInterrupt at once
inside `with INTERRUPTS:`, the parts that are safe to stop: a statement's handler and the
printing of its result (both inside its transaction or savepoint, which roll back), and a read
that waits for input (between statements). Anywhere else (a commit and the OKs it decides, the
bookkeeping of a batch) it is held: raised as the next safe part begins, or found by
`take_pending()` when the script ends. So every OK printed is a committed statement, and every
committed statement gets its OK. A second Ctrl-C while one is held stops at once.

Python runs a signal handler only from its eval loop, or when a system call such as a read is
interrupted. This module stays interpreted (setup.py) so that entering `with INTERRUPTS:` runs the
eval loop and takes a Ctrl-C that came during compiled code. One that lands in the instant
between that and the read itself is taken when the read returns (the next input, or a second
Ctrl-C).

Without the handler (the REPL, where prompt_toolkit owns Ctrl-C; a session run in-process)
Python raises KeyboardInterrupt wherever it is, and `with INTERRUPTS:` changes nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupts:
    def __init__(self) -> None:
        self._open = 0  # depth of `with INTERRUPTS:` blocks being run
        self._pending = False

    def __enter__(self) -> None:
        if self._pending:
            self._pending = False
            raise KeyboardInterrupt
        self._open += 1

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        self._open -= 1

    def take_pending(self) -> bool:
        """Whether a Ctrl-C is held (and forget it)."""
        pending, self._pending = self._pending, False
        return pending

    def on_signal(self, signum: int, frame: object) -> None:
        if self._open or self._pending:
            self._pending = False
            raise KeyboardInterrupt
        self._pending = True

    @contextmanager
    def installed(self) -> Iterator[None]:
        """The handler, for the length of a script; only the main thread receives signals."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, self.on_signal)
        self._pending = False
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


INTERRUPTS = Interrupts()  # one per process, as SIGINT is

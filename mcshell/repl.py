"""The interactive shell on a terminal: read a line, run every statement it completes, repeat."""

from __future__ import annotations

from mcshell.errors import ExitStatus
from mcshell.session import Outcome, Session
from mcshell.splitter import StatementSplitter


def run_repl(session: Session) -> ExitStatus:
    splitter = StatementSplitter()
    while True:
        prompt = f"{session.project}> " if splitter.pending is None else " " * len(session.project) + "> "
        try:
            line = input(prompt)
        except EOFError:
            return ExitStatus.OK
        except KeyboardInterrupt:
            splitter = StatementSplitter()  # Ctrl-C drops the current entry
            continue
        for chunk in splitter.feed(line + "\n"):
            if session.run_chunk(chunk) is Outcome.QUIT:
                return ExitStatus.OK

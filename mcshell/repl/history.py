"""The REPL's history file: private (0600), free of APIKEY values, and silent about entries that
start with a space (as bash's HISTCONTROL=ignorespace).

Only the REPL creates a history: `-e`, `-f` and piped input are never recorded.
"""

from __future__ import annotations

import datetime
import os

from prompt_toolkit.history import FileHistory

from mcshell import config
from mcshell.output.masking import mask_typed

HISTORY_FILE = "history"


def history_path() -> str:
    return os.path.join(config.app_dir(), HISTORY_FILE)


class PrivateHistory(FileHistory):
    """prompt_toolkit's file history, kept private: the file is created 0600 (and an existing one
    is made 0600), and what is written has its APIKEY values masked."""

    def __init__(self, path: str):
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)
        super().__init__(path)

    def append_string(self, string: str) -> None:
        if string.startswith(" "):
            return  # a leading space keeps an entry out of the history, in memory and on disk
        super().append_string(string)

    def store_string(self, string: str) -> None:
        # FileHistory's own format (so its loader reads it back), written through a 0600 descriptor.
        lines = [f"\n# {datetime.datetime.now()}\n"]
        lines += [f"+{line}\n" for line in mask_typed(string).split("\n")]
        fd = os.open(self.filename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as file:
            file.write("".join(lines).encode("utf-8", errors="replace"))

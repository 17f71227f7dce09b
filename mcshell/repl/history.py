"""The REPL's history file: private (0600), free of APIKEY values, and silent about entries that
start with a space (as bash's HISTCONTROL=ignorespace).

Only the REPL creates a history: `-e`, `-f` and piped input are never recorded. When the file
cannot be made, or later written, the shell says which path and what is wrong, and goes on.
"""

from __future__ import annotations

import datetime
import errno
import os
from collections.abc import Callable

from prompt_toolkit.history import FileHistory

from mcshell import config
from mcshell.output import report
from mcshell.output.masking import mask_typed

HISTORY_FILE = "history"


def history_path() -> str:
    return os.path.join(config.app_dir(), HISTORY_FILE)


class HistoryUnavailable(Exception):
    """The history file cannot be made or opened: its text (`str`) says which path and why."""


class PrivateHistory(FileHistory):
    """prompt_toolkit's file history, kept private: the file is created 0600 (and an existing one
    is made 0600), and what is written has its APIKEY values masked. `warn` hears once that the
    file can no longer be written; the entries stay in memory."""

    def __init__(self, path: str, warn: Callable[[str], None] | None = None):
        _make_private_file(path)
        super().__init__(path)  # FileHistory keeps the path as `filename`
        self._warn = warn
        self._saving = True

    def append_string(self, string: str) -> None:
        if string.startswith(" "):
            return  # a leading space keeps an entry out of the history, in memory and on disk
        super().append_string(string)

    def store_string(self, string: str) -> None:
        if not self._saving:
            return
        try:
            self._write(string)
        except OSError as error:
            self._saving = False
            if self._warn is not None:
                self._warn(report.history_not_saved(_problem("write", os.fsdecode(self.filename), error)))

    def _write(self, string: str) -> None:
        # FileHistory's own format (so its loader reads it back), written through a 0600 descriptor.
        lines = [f"\n# {datetime.datetime.now()}\n"]
        lines += [f"+{line}\n" for line in mask_typed(string).split("\n")]
        fd = os.open(self.filename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as file:
            file.write("".join(lines).encode("utf-8", errors="replace"))


def _make_private_file(path: str) -> None:
    """The history file, made (in a 0700 directory) or set back to 0600; HistoryUnavailable if it cannot be."""
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError as error:
        raise HistoryUnavailable(_problem("create the directory", directory, error, path)) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    except OSError as error:
        raise HistoryUnavailable(_problem("create", path, error)) from None
    try:
        os.chmod(path, 0o600)
    except OSError as error:
        raise HistoryUnavailable(_problem("make private (mode 0600)", path, error)) from None


def _problem(action: str, path: str, error: OSError, history: str | None = None) -> str:
    """The error in the user's terms; a file in the way of the directory is named, whichever it is."""
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        blocker = _file_in_the_way(path)
        if blocker is not None:
            return report.file_in_the_way(blocker, history or path)
    return report.file_problem(action, path, error)


def _file_in_the_way(path: str) -> str | None:
    """The nearest of `path` and its parents that exists and is not a directory."""
    while path and not os.path.isdir(path):
        if os.path.lexists(path):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return None

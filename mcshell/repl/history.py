"""The REPL's history file: private (0600), free of APIKEY values, and silent about entries that
start with a space (as bash's HISTCONTROL=ignorespace).

Only the REPL creates a history: `-e`, `-f` and piped input are never recorded.
"""

from __future__ import annotations

import datetime
import os
import re

from prompt_toolkit.history import FileHistory

from mcshell import config
from mcshell.output.masking import MASK

HISTORY_FILE = "history"

# Typed text is rewritten in place (quotes kept as typed, unclosed ones included), unlike
# masking.secret_values, which finds values to mask in lines mcshell prints.
# APIKEY (bare or backquoted, any case) = its value: a quoted string (with backslash escapes, as the
# dialect reads them), or for a malformed entry whatever was typed up to the next , ) ; or blank.
_APIKEY_VALUE = re.compile(
    r"""(?P<key>`?\bAPIKEY\b`?\s*=\s*)"""
    r"""(?:(?P<q>['"])(?:(?!(?P=q))[^\\]|\\(?:.|\Z))*(?:(?P<close>(?P=q))|\Z)|[^\s,);'"]+)""",
    re.IGNORECASE | re.DOTALL,
)


def mask_secrets(text: str) -> str:
    """`text` with every APIKEY value replaced by ******** (its quotes kept as typed)."""

    def masked(found: re.Match[str]) -> str:
        return f"{found['key']}{found['q'] or ''}{MASK}{found['close'] or ''}"

    return _APIKEY_VALUE.sub(masked, text)


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
        lines += [f"+{line}\n" for line in mask_secrets(string).split("\n")]
        fd = os.open(self.filename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as file:
            file.write("".join(lines).encode("utf-8", errors="replace"))

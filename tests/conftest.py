"""Shared fixtures: every test runs with a private HOME, no MCSHELL_* settings, and its own catalog."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
MCSHELL = str(Path(sys.executable).with_name("mcshell"))
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str
    status: int

    @property
    def verdicts(self) -> list[str]:
        """The OK and FAILED lines of stderr, in order (warnings left out)."""
        return [l for l in self.stderr.splitlines() if l == "OK" or l.startswith("FAILED:")]


def mask_times(text: str) -> str:
    return TIMESTAMP.sub("YYYY-MM-DD hh:mm:ss", text)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch):
    """Keep the user's real home, config, catalog and history out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in list(os.environ):
        if name.startswith("MCSHELL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def catalog(tmp_path) -> Path:
    return tmp_path / "catalog.db"


@pytest.fixture
def mcshell(catalog):
    """Run the installed mcshell in a subprocess against this test's catalog.

    `mcshell("-e", "SHOW MODELS;")` or `mcshell(stdin="...")`; returns stdout, stderr and status.
    """

    def run(*args: str, stdin: str | bytes | None = None, catalog_path: Path | str | None = None,
            env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        argv = [MCSHELL, "--catalog", str(catalog_path or catalog), *args]
        data = stdin.encode() if isinstance(stdin, str) else stdin
        completed = subprocess.run(
            argv, input=data, capture_output=True, timeout=120, cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=None if data is not None else subprocess.DEVNULL,
        )
        return Run(completed.stdout.decode(), completed.stderr.decode(), completed.returncode)

    return run

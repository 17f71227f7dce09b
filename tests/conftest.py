"""Shared fixtures: every test runs with a private HOME, no MCSHELL_* settings, and its own catalog."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import mcshell.catalog.store

# Installed with its hot modules compiled by mypyc (setup.py), or in pure Python (editable).
COMPILED = not mcshell.catalog.store.__file__.endswith(".py")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
MCSHELL = str(Path(sys.executable).with_name("mcshell"))
DATA = Path(__file__).parent / "data"


# The source excerpt after a FAILED line: `   3 | <source line>`, then `     |     ^`.
EXCERPT_LINE = re.compile(r" *\d* \| ")


def without_excerpts(text: str) -> str:
    """Standard error without the source excerpts (tests/e2e/test_excerpt.py and test_check.py test them)."""
    return "".join(line for line in text.splitlines(keepends=True) if not EXCERPT_LINE.match(line))


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str  # without the source excerpts that follow FAILED lines
    status: int
    raw_stderr: str = ""  # standard error exactly as printed

    @property
    def verdicts(self) -> list[str]:
        """The OK and FAILED lines of stderr, in order (warnings left out)."""
        return [line for line in self.stderr.splitlines() if line == "OK" or line.startswith("FAILED:")]


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

    def run(
        *args: str,
        stdin: str | bytes | None = None,
        catalog_path: Path | str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Run:
        argv = [MCSHELL, "--catalog", str(catalog_path or catalog), *args]
        data = stdin.encode() if isinstance(stdin, str) else stdin
        completed = subprocess.run(
            argv,
            input=data,
            capture_output=True,
            timeout=120,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=None if data is not None else subprocess.DEVNULL,
        )
        stderr = completed.stderr.decode()
        run = Run(completed.stdout.decode(), without_excerpts(stderr), completed.returncode, stderr)
        assert "Traceback" not in run.stderr or "--debug" in args, run.stderr
        return run

    return run


@pytest.fixture
def shell(catalog):
    """Run mcshell in-process (fast) against this test's catalog; same interface as `mcshell`."""
    from click.testing import CliRunner

    from mcshell.cli import main

    def run(*args: str, stdin: str | bytes | None = None, catalog_path: Path | str | None = None) -> Run:
        runner = CliRunner()
        result = runner.invoke(main, ["--catalog", str(catalog_path or catalog), *args], input=stdin)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        run = Run(result.stdout, without_excerpts(result.stderr), result.exit_code, result.stderr)
        assert "Traceback" not in run.stderr or "--debug" in args, run.stderr
        return run

    return run


# The documented CREATE statements of an IMPORT and a REMOTE model, as the show-models transcript has them.
IMPORT_V1, REMOTE_V1 = (
    statement + ";\n" for statement in (DATA / "transcripts" / "show-models.sql").read_text().split(";\n")[:2]
)


def import_version(model: str, version: str) -> str:
    """An ADD VERSION statement for an IMPORT model."""
    return (
        f"ALTER MODEL {model} ADD VERSION {version} INPUT(f1 INT) WITH OPTIONS("
        "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
        "ROLEARN = 'acs:ram::1126123000000000:role/r');\n"
    )


def catalog_rows(path: Path) -> list[str]:
    """The whole catalog as SQL text: two equal lists mean two identical catalogs."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def versions_in(catalog: Path) -> list[str]:
    """The versions of my_project's models, in the order they were added, as another process sees
    the catalog (committed ones only)."""
    import sqlite3

    connection = sqlite3.connect(catalog)
    try:
        rows = connection.execute(
            "SELECT v.name FROM versions v JOIN models m ON v.model_id = m.id WHERE m.project = 'my_project' "
            "ORDER BY v.id"
        )
        return [row[0] for row in rows]
    finally:
        connection.close()

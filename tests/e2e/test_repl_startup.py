"""-e, -f and piped runs never pay for the REPL: prompt_toolkit is not even imported."""

from __future__ import annotations

import subprocess
import sys

import pytest


def imported_modules(*args: str, stdin: str | None, catalog) -> list[str]:
    """The modules a run of mcshell imported, from `python -X importtime` (on stderr)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mcshell", "--catalog", str(catalog), *args],
        input=stdin, capture_output=True, text=True, timeout=120,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return [line.rsplit("|", 1)[1].strip() for line in completed.stderr.splitlines() if line.startswith("import time:")]


@pytest.mark.parametrize(
    "args, stdin",
    [(("-e", "WHOAMI;"), None), ((), "WHOAMI;\n"), (("-f", "-"), "WHOAMI;\n")],
    ids=["-e", "piped", "-f"],
)
def test_batch_runs_never_import_prompt_toolkit(args, stdin, catalog):
    modules = imported_modules(*args, stdin=stdin, catalog=catalog)

    assert "mcshell.session" in modules  # the run did import what it needs
    assert not [m for m in modules if m.startswith("prompt_toolkit") or m.startswith("mcshell.repl.loop")]

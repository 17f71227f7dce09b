"""House rules checked by machine: only the console writes, every flag explains itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from mcshell.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing_in_the_package():
    # T20 bans print() outside console.py: only the console writes to stdout and stderr.
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "mcshell"], cwd=ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_every_option_has_help_text():
    command = main if isinstance(main, click.Command) else None
    assert command is not None and command.help
    missing = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert missing == []

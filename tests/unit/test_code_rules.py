"""House rules checked by machine: only the console writes, every flag explains itself."""

from __future__ import annotations

import ast
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


LONGEST_FUNCTION = 60
LONGEST_CLASS = 300


def test_no_function_is_over_60_lines_and_no_class_over_300():
    too_long = []
    for path in sorted((ROOT / "mcshell").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            limit = {ast.ClassDef: LONGEST_CLASS, ast.FunctionDef: LONGEST_FUNCTION}.get(type(node))
            if limit is not None and node.end_lineno - node.lineno + 1 > limit:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}")
    assert too_long == []


def test_no_generator_yields_in_an_except_block():
    # A generator compiled by mypyc that yields inside `except` leaves the exception it handles as
    # the thread's current one, for its caller and for good if the caller drops it: every later
    # error then chains onto it, and a --debug traceback shows it (an input error under a pull's bug).
    found = []
    for path in sorted((ROOT / "mcshell").rglob("*.py")):
        for handler in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(handler, ast.ExceptHandler):
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno}"
                    for node in ast.walk(handler)
                    if isinstance(node, (ast.Yield, ast.YieldFrom))
                ]
    assert found == []

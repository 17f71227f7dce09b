"""The `mcshell` command loads with the collector paused, then runs its statements with it on."""

from __future__ import annotations

import subprocess
import sys

REPORT = (
    "import gc, sys\n"
    "import mcshell.cli\n"
    "mcshell.cli.main = lambda prog_name: print(prog_name, gc.isenabled(), gc.get_freeze_count() > 10000)\n"
    "from mcshell.launch import main\n"
    "main()\n"
)


def test_the_collector_is_on_for_the_statements_and_what_loaded_is_frozen():
    completed = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "mcshell True True\n", "")


def test_python_dash_m_is_the_same_command():
    completed = subprocess.run(
        [sys.executable, "-m", "mcshell", "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "mcshell 0.1.0\n", "")

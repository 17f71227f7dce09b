"""The ends of a run that are no statement's failure: the reader of standard output goes away
(`mcshell ... | head -2`), or Ctrl-C stops a script. Real processes and real pipes: exit status,
standard error and the catalog are checked exactly (docs/output-and-errors.md, "Exit status")."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import threading
from pathlib import Path

from conftest import IMPORT_V1, MCSHELL, import_version, versions_in

MODEL = "test_xgboost_classifier"
WAIT = 60  # seconds before a test gives up on output that never comes (not a timing assertion)
CREATE = IMPORT_V1.replace("\n", " ").rstrip() + "\n"  # one statement per line: line n is statement n


def read_exactly(descriptor: int, size: int) -> bytes:
    """`size` bytes of a pipe, read unbuffered: what is left stays in the pipe for a later read."""
    data = b""
    while len(data) < size:
        ready, _, _ = select.select([descriptor], [], [], WAIT)
        assert ready, f"mcshell printed {data!r} and nothing more"
        piece = os.read(descriptor, size - len(data))
        assert piece, f"the pipe closed after {data!r}"
        data += piece
    return data


def mcshell_process(catalog: Path, *args: str, stdout: int = subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [MCSHELL, "--catalog", str(catalog), *args],
        stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_a_reader_that_closes_stdout_early_ends_mcshell_quietly_with_status_141(mcshell, catalog):
    models = "".join(CREATE.replace(MODEL, f"m{number:04d}") for number in range(1500))
    assert mcshell(stdin=models).verdicts == ["OK"] * 1500
    process = mcshell_process(catalog, "-e", "SHOW MODELS;")
    process.stdin.close()
    head = b""
    while head.count(b"\n") < 2:  # as `head -2` does: two lines, then the pipe is closed
        head += os.read(process.stdout.fileno(), 100)
    process.stdout.close()  # mcshell is still writing: 1,500 rows are far more than a pipe holds
    assert process.wait(WAIT) == 141
    assert process.stderr.read() == b""
    assert head.startswith(b"+-----------+")


def test_a_closed_stdout_stops_the_script_and_keeps_the_statements_before_it(catalog):
    process = mcshell_process(catalog)
    process.stdout.close()  # no reader at all: the first result finds the pipe closed
    script = CREATE + import_version(MODEL, "v2") + "SHOW MODELS;\n" + import_version(MODEL, "v3")
    _, stderr = process.communicate(script.encode(), timeout=WAIT)
    assert stderr == b"OK\nOK\n"  # the two before SHOW MODELS; v3 never ran
    assert process.returncode == 141
    assert versions_in(catalog) == ["v1", "v2"]


def test_ctrl_c_while_a_long_piped_script_runs_exits_130_and_keeps_exactly_the_statements_with_an_ok(catalog):
    process = mcshell_process(catalog)

    def feed() -> None:  # an endless script: mcshell is always in the middle of it
        try:
            process.stdin.write(CREATE.encode())
            for start in range(2, 10**7, 100):
                process.stdin.write("".join(import_version(MODEL, f"v{n}") for n in range(start, start + 100)).encode())
        except (BrokenPipeError, ValueError):
            pass  # mcshell stopped reading

    threading.Thread(target=feed, daemon=True).start()
    first = read_exactly(process.stderr.fileno(), 3)  # the CREATE's OK: the script runs
    process.send_signal(signal.SIGINT)
    stdout, rest = process.communicate(timeout=WAIT)
    stderr = (first + rest).decode()
    oks = stderr.count("OK\n")
    rolled_back = (
        f"Interrupted: the statement at [{oks + 1},1] was rolled back and the rest of the script was not run\n"
    )
    waiting = "Interrupted: the rest of the script was not run\n"  # if Ctrl-C came while it waited for input
    assert stderr in ("OK\n" * oks + rolled_back, "OK\n" * oks + waiting)
    assert process.returncode == 130
    assert stdout == b""
    assert versions_in(catalog) == ["v1"] + [f"v{n}" for n in range(2, oks + 1)]


def test_ctrl_c_while_a_piped_script_waits_for_input_keeps_everything_before_it(catalog):
    process = mcshell_process(catalog)
    process.stdin.write((CREATE + import_version(MODEL, "v2") + import_version(MODEL, "v3")).encode())
    process.stdin.flush()
    assert read_exactly(process.stderr.fileno(), 9) == b"OK\nOK\nOK\n"  # committed: mcshell waits for more
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=WAIT)
    assert stderr == b"Interrupted: the rest of the script was not run\n"
    assert process.returncode == 130
    assert stdout == b""
    assert versions_in(catalog) == ["v1", "v2", "v3"]

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

import pytest
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


# -- every format and every writer: a short write into a pipe whose reader left is a closed pipe --
def commented_versions(count: int) -> str:
    """CREATE, then `count` versions with 1,000-character comments: results far larger than a pipe holds."""
    comment = "c" * 1000
    return CREATE + "".join(
        import_version(MODEL, f"v{n}").replace(";\n", f" COMMENT '{comment}';\n") for n in range(2, count + 2)
    )


def through_a_pipe(catalog: Path, args: str, reader: str) -> tuple[int, str]:
    """`mcshell ARGS | READER` in bash: mcshell's own exit status and standard error."""
    command = f"{MCSHELL} --catalog {catalog} {args} | {reader} > /dev/null; exit ${{PIPESTATUS[0]}}"
    completed = subprocess.run(["bash", "-c", command], capture_output=True, timeout=WAIT, stdin=subprocess.DEVNULL)
    return completed.returncode, completed.stderr.decode()


def default_version(mcshell) -> str:
    return mcshell("--format", "csv", "-e", f"DESC MODEL {MODEL};").stdout.split("Default Version,")[1].split("\n")[0]


@pytest.mark.parametrize(("fmt", "reader"), [("box", "head -1"), ("csv", "head -1"), ("json", "head -c 100")])
def test_every_format_stops_at_a_closed_pipe_and_runs_nothing_after_it(mcshell, catalog, fmt, reader):
    assert mcshell(stdin=commented_versions(150)).status == 0
    script = f"SHOW VERSIONS FOR MODEL {MODEL}; ALTER MODEL {MODEL} SET DEFAULT_VERSION v11;"
    assert through_a_pipe(catalog, f'--format {fmt} -e "{script}"', reader) == (141, "")
    assert default_version(mcshell) == "v1"  # the ALTER after the cut statement never ran


@pytest.mark.parametrize(
    "args",
    ["dump", f"-e 'SHOW CREATE MODEL {MODEL}; DROP MODEL {MODEL};'", f"-e '{'HELP; ' * 100}DROP MODEL {MODEL};'"],
)
def test_dump_show_create_model_and_help_stop_at_a_closed_pipe(mcshell, catalog, args):
    assert mcshell(stdin=commented_versions(150)).status == 0
    status, stderr = through_a_pipe(catalog, args, "head -c 10")
    assert (status, stderr.replace("OK\n", "")) == (141, "")  # the OKs of the HELPs the pipe took
    assert len(versions_in(catalog)) == 151  # the DROP after the cut statement never ran


def test_check_report_stops_at_a_closed_pipe(catalog):
    script = "DROP MODEL nothing;\n" * 3000  # 3,000 FAILED lines and excerpts on standard error
    command = f"{MCSHELL} --catalog {catalog} --check 2>&1 >/dev/null | head -c 10 > /dev/null; exit ${{PIPESTATUS[0]}}"
    completed = subprocess.run(["bash", "-c", command], input=script.encode(), capture_output=True, timeout=WAIT)
    assert completed.returncode == 141


# -- a stream that cannot be written: one FAILED line (where standard error can still take it), status 1 --
def in_bash(catalog: Path, args: str) -> tuple[int, str, str]:
    command = f"{MCSHELL} --catalog {catalog} {args}"
    completed = subprocess.run(["bash", "-c", command], capture_output=True, timeout=WAIT, stdin=subprocess.DEVNULL)
    return completed.returncode, completed.stdout.decode(), completed.stderr.decode()


FULL = "FAILED: ODPS-0010000: Output error - could not write to standard output: No space left on device\n"
CLOSED = "FAILED: ODPS-0010000: Output error - could not write to standard output: the file descriptor is closed\n"


def test_dump_to_a_full_disk_says_so_in_one_line(mcshell, catalog):
    assert mcshell(stdin=CREATE).status == 0
    assert in_bash(catalog, "dump > /dev/full") == (1, "", FULL)


def test_a_result_to_a_full_disk_stops_the_script(mcshell, catalog):
    assert mcshell(stdin=CREATE).status == 0
    assert in_bash(catalog, f"-e 'WHOAMI; DROP MODEL {MODEL};' > /dev/full") == (1, "", FULL)
    assert versions_in(catalog) == ["v1"]  # the DROP after it never ran


@pytest.mark.parametrize(
    ("redirect", "expected"),
    [
        (">&-", (1, "", CLOSED)),
        ("2>&-", (1, "Name: ALIYUN$a@b.c\nProject: my_project\n", "")),  # its OK cannot be written
        (">&- 2>&-", (1, "", "")),
    ],
)
def test_closed_descriptors_give_a_clear_error_and_status_1(mcshell, catalog, redirect, expected):
    assert mcshell(stdin=CREATE).status == 0
    args = f"--user 'ALIYUN$a@b.c' -e 'WHOAMI; DROP MODEL {MODEL};' {redirect}"
    assert in_bash(catalog, args) == expected
    assert versions_in(catalog) == ["v1"]  # the script stopped at the first write that failed


def test_a_statement_with_no_output_runs_with_stdout_closed(catalog):
    assert in_bash(catalog, f'-e "{CREATE.strip()}" >&-') == (0, "", "OK\n")
    assert versions_in(catalog) == ["v1"]


@pytest.mark.parametrize("args", ["--help", "--version"])
def test_help_and_version_to_a_full_disk_say_so_in_one_line(catalog, args):
    assert in_bash(catalog, f"{args} > /dev/full") == (1, "", FULL)


@pytest.mark.parametrize("args", ["--help", "--version"])
def test_help_and_version_with_stdout_closed_fail_as_a_statement_does(catalog, args):
    assert in_bash(catalog, f"{args} >&-") == (1, "", CLOSED)

"""A script's statements are committed in batches, and an OK is printed only once its statement
is committed: a program that feeds statements one at a time still gets each OK at once."""

from __future__ import annotations

import select
import sqlite3
import subprocess
from pathlib import Path

import faults
import pytest
from conftest import IMPORT_V1, MCSHELL, catalog_rows, import_version, versions_in

from mcshell.errors import ExitStatus
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

MODEL = "test_xgboost_classifier"
WAIT = 60  # seconds before a test gives up on a line that never comes (not a timing assertion)


def read_line(stream) -> bytes:
    ready, _, _ = select.select([stream], [], [], WAIT)
    assert ready, "mcshell printed nothing"
    return stream.readline()


def test_statements_fed_one_at_a_time_each_get_their_ok_while_mcshell_waits_for_more(catalog):
    process = subprocess.Popen(
        [MCSHELL, "--catalog", str(catalog)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        process.stdin.write(IMPORT_V1.encode())
        process.stdin.flush()
        assert read_line(process.stderr) == b"OK\n"
        assert versions_in(catalog) == ["v1"]  # committed: another process sees it, mcshell still running
        process.stdin.write(import_version(MODEL, "v2").encode())
        process.stdin.flush()
        assert read_line(process.stderr) == b"OK\n"
        assert versions_in(catalog) == ["v1", "v2"]
        assert process.poll() is None
    finally:
        process.stdin.close()
        process.wait(WAIT)
    assert process.returncode == 0
    assert process.stderr.read() == b""


def test_a_failed_statement_in_a_batch_undoes_only_itself(mcshell, catalog):
    script = IMPORT_V1 + import_version(MODEL, "v2") + import_version(MODEL, "v2") + import_version(MODEL, "v3")
    run = mcshell("--continue-on-error", stdin=script)
    assert run.verdicts == [
        "OK",
        "OK",
        f"FAILED: ODPS-0110061: Failed to run ddltask - Version already exists: my_project.{MODEL}.v2",
        "OK",
    ]
    assert run.status == 1
    assert versions_in(catalog) == ["v1", "v2", "v3"]


def test_a_failure_stops_the_script_with_everything_before_it_saved(mcshell, catalog):
    script = IMPORT_V1 + import_version(MODEL, "v2") + import_version("nope", "v1") + import_version(MODEL, "v3")
    run = mcshell(stdin=script)
    not_found = "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nope"
    assert run.verdicts == ["OK", "OK", not_found]
    assert versions_in(catalog) == ["v1", "v2"]


def test_results_come_in_order_with_the_oks_of_the_batch_before_them(catalog):
    # Standard output and standard error into one pipe: the order a terminal would show.
    script = IMPORT_V1 + import_version(MODEL, "v2") + "WHOAMI;\n" + import_version(MODEL, "v3") + "WHOAMI;\n"
    completed = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), "--user", "ALIYUN$a@b.c"],
        input=script.encode(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=WAIT,
    )  # fmt: skip
    whoami = "Name: ALIYUN$a@b.c\nProject: my_project\nOK\n"
    assert completed.stdout.decode() == "OK\nOK\n" + whoami + "OK\n" + whoami
    assert completed.returncode == 0


def run_with_failing_commits(folder: Path, monkeypatch, script: list[str]) -> tuple[ExitStatus, str, bool]:
    """Run `script` in-process with every COMMIT failing as on a full disk; the exit status,
    standard error, and whether the catalog is as it was before the script."""
    fault = faults.inject(monkeypatch, faults.Fault("COMMIT", armed=False))
    path, err = folder / "catalog.db", folder / "err"
    with open(folder / "out", "w") as stdout, open(err, "w") as stderr:
        session = Session(SessionOptions(str(path), "ALIYUN$a@b.c", "my_project"), Console(stdout, stderr))
        # The catalog and the project exist before any fault is armed: written by a first statement
        # that writes (a session that only reads writes nothing).
        faults.first_write(session)
        before = catalog_rows(path)
        fault.armed = True
        status = session.run_script(script)
        session.close()
    assert fault.hits == 1
    return status, err.read_text().replace(str(path), "<path>"), catalog_rows(path) == before


# As README.md documents it.
NOT_SAVED = (
    "FAILED: ODPS-0010000: System internal error - catalog '<path>': database or disk is full "
    "({} statements from [1,1] on were not saved)\n"
)


def test_a_batch_whose_commit_fails_is_reported_and_not_one_ok_is_printed(tmp_path, monkeypatch):
    script = [IMPORT_V1, import_version(MODEL, "v2"), import_version(MODEL, "v3")]
    status, stderr, unchanged = run_with_failing_commits(tmp_path, monkeypatch, script)
    assert (status, stderr, unchanged) == (ExitStatus.FAILED, NOT_SAVED.format(3), True)


def test_a_lost_batch_of_one_statement_says_so_in_the_singular(tmp_path, monkeypatch):
    status, stderr, unchanged = run_with_failing_commits(tmp_path, monkeypatch, [IMPORT_V1])
    one = NOT_SAVED.format(1).replace("1 statements from [1,1] on were", "1 statement from [1,1] on was")
    assert (status, stderr, unchanged) == (ExitStatus.FAILED, one, True)


def test_a_statement_with_a_warning_in_a_lost_batch_prints_neither_its_warning_nor_ok(tmp_path, monkeypatch):
    public = import_version(MODEL, "v2").replace("oss-cn-shanghai-internal", "oss-cn-shanghai")
    status, stderr, unchanged = run_with_failing_commits(tmp_path, monkeypatch, [IMPORT_V1, public])
    assert (status, stderr, unchanged) == (ExitStatus.FAILED, NOT_SAVED.format(2), True)


@pytest.mark.parametrize("statements", [1, 2500])
def test_every_statement_of_a_long_script_is_saved_and_gets_one_ok(mcshell, catalog, statements):
    script = IMPORT_V1 + "".join(import_version(MODEL, f"v{n}") for n in range(2, statements + 1))
    run = mcshell(stdin=script)
    assert run.verdicts == ["OK"] * statements
    assert len(versions_in(catalog)) == statements


def test_one_batch_that_moves_the_default_drops_and_recreates_a_model_leaves_the_catalog_right(mcshell, catalog):
    script = (
        IMPORT_V1 + import_version(MODEL, "v2") + f"ALTER MODEL {MODEL} SET DEFAULT_VERSION v2;\n"
        + import_version(MODEL, "v3") + f"ALTER MODEL {MODEL} DROP VERSION v1;\n"
        + f"DROP MODEL {MODEL};\n" + IMPORT_V1 + import_version(MODEL, "v4")
    )  # fmt: skip
    run = mcshell(stdin=script)
    assert run.verdicts == ["OK"] * 8
    assert versions_in(catalog) == ["v1", "v4"]  # of the model made again, nothing of the first
    connection = sqlite3.connect(catalog)
    try:
        rows = connection.execute("SELECT default_version FROM models WHERE project = 'my_project'").fetchall()
    finally:
        connection.close()
    assert rows == [("v1",)]
    run = mcshell("-e", f"ALTER MODEL {MODEL} SET DEFAULT_VERSION v4; ALTER MODEL {MODEL} DROP VERSION v1;")
    assert run.verdicts == ["OK", "OK"]

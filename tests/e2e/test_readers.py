"""Reading never writes and never waits: a statement that only reads takes no lock, creates no
catalog file and writes no project row; the first statement that writes writes the project row,
in its own transaction (docs/reliability.md, "Concurrency and locking")."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import IMPORT_V1, MCSHELL, catalog_rows

from mcshell.catalog import connection as catalog_connection
from mcshell.catalog.schema import SCHEMA_VERSION
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

READERS = ("SHOW MODELS;", "DESC MODEL m;", "SHOW GRANTS;", "SHOW VERSIONS FOR MODEL m;", "LIST USERS;", "WHOAMI;")


def _create(catalog: Path, project: str = "my_project") -> None:
    """A catalog holding model m in `project`, made by another mcshell."""
    run = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), "--project", project, "--user", "ALIYUN$u"],
        input=_model_m().encode(),
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def _model_m() -> str:
    name = IMPORT_V1.split()[2]
    return IMPORT_V1.replace(f"CREATE MODEL {name} ", "CREATE MODEL m ", 1)


def _session(catalog: Path, check: bool = False, project: str = "my_project") -> tuple[Session, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    options = SessionOptions(str(catalog), "ALIYUN$u", project, check=check, continue_on_error=True)
    return Session(options, Console(out, err)), err


@contextmanager
def write_lock_held(catalog: Path) -> Iterator[None]:
    """Another process holds the catalog's write lock (BEGIN IMMEDIATE) for the whole block."""
    holder = sqlite3.connect(catalog, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.fixture
def no_waiting(monkeypatch):
    """A busy timeout of 0: a statement that had to wait for the lock would fail at once, so a
    statement that succeeds behind a held lock never waited (no timing in the test)."""
    monkeypatch.setattr(catalog_connection, "BUSY_TIMEOUT_MS", 0)


@pytest.mark.parametrize("statement", READERS)
def test_a_reader_answers_at_once_while_another_process_holds_the_write_lock(catalog, no_waiting, statement):
    _create(catalog)
    shell, err = _session(catalog)
    with write_lock_held(catalog):
        status = shell.run_script([statement])
    shell.close()
    assert (status, err.getvalue()) == (0, "OK\n")


def test_the_cli_reads_while_another_process_holds_the_write_lock(catalog, mcshell):
    """The installed CLI, behind a lock held by this process: had it waited, it would have failed after
    its 60 s busy timeout with "stayed locked"."""
    _create(catalog)
    with write_lock_held(catalog):
        run = mcshell("--user", "ALIYUN$u", "-e", "SHOW MODELS; DESC MODEL m; SHOW GRANTS; WHOAMI;")
        checked = mcshell("--user", "ALIYUN$u", "--check", "-e", "DROP MODEL m; SHOW MODELS;")
    assert (run.stderr, run.status) == ("OK\n" * 4, 0)
    assert SHOWN["SHOW MODELS;"] in run.stdout
    assert (checked.stderr, checked.status) == (
        "<-e>: 2 statements checked: 2 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n",
        0,
    )


def test_a_reader_in_a_project_never_used_writes_no_project_row(catalog, no_waiting):
    _create(catalog)
    before = catalog_rows(catalog)
    shell, err = _session(catalog, project="fresh_project")
    with write_lock_held(catalog):
        status = shell.run_script(["SHOW MODELS;", "WHOAMI;", "SHOW GRANTS;", "LIST USERS;"])
    shell.close()
    assert (status, err.getvalue()) == (0, "OK\n" * 4)
    assert catalog_rows(catalog) == before


def test_check_answers_at_once_while_another_process_holds_the_write_lock(catalog, no_waiting):
    _create(catalog)
    shell, err = _session(catalog, check=True)
    with write_lock_held(catalog):
        status = shell.run_script(["SHOW MODELS;", "DROP MODEL m;"], source="<-e>")
    shell.close()
    assert (status, err.getvalue()) == (
        0,
        "<-e>: 2 statements checked: 2 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n",
    )


def test_the_first_writing_statement_writes_the_project_row_with_it(catalog):
    _create(catalog)
    shell, err = _session(catalog, project="fresh_project")
    assert shell.run_script(["SHOW MODELS;"]) == 0
    assert _projects(catalog) == ["bigdata_public_modelset", "my_project"]
    assert shell.run_script([_model_m()]) == 0
    shell.close()
    assert _projects(catalog) == ["bigdata_public_modelset", "fresh_project", "my_project"]
    owner = sqlite3.connect(catalog).execute("SELECT owner FROM projects WHERE name = 'fresh_project'").fetchone()
    assert owner == ("ALIYUN$u",)


def test_a_failed_first_write_leaves_no_project_row(catalog):
    _create(catalog)
    shell, err = _session(catalog, project="fresh_project")
    assert shell.run_script(["DROP MODEL nothing_here;"]) == 1
    shell.close()
    assert _projects(catalog) == ["bigdata_public_modelset", "my_project"]


def _projects(catalog: Path) -> list[str]:
    connection = sqlite3.connect(catalog)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM projects ORDER BY name")]
    finally:
        connection.close()


def test_reading_a_catalog_that_does_not_exist_creates_no_file(tmp_path, mcshell):
    """mcshell's decision: a missing catalog reads as a new one (the public models, no model of
    the current project), and only the first statement that writes creates the file."""
    catalog = tmp_path / "not" / "yet" / "catalog.db"
    run = mcshell("-e", "SHOW MODELS; DESC MODEL bigdata_public_modelset.`qwen3-max`;", catalog_path=catalog)
    empty = (
        "+-----------+-------+------------+-----------+----------------+------------+------------------+---------+\n"
    )
    header = (
        "| ModelName | Owner | SourceType | ModelType | DefaultVersion | CreateTime | LastModifiedTime | Comment |\n"
    )
    assert run.stdout.startswith(empty + header + empty + empty)
    assert "qwen3-max" in run.stdout[len(empty + header + empty + empty) :]  # the public models are there
    assert (run.stderr, run.status) == ("OK\nOK\n", 0)
    assert not (tmp_path / "not").exists()
    created = mcshell("-e", _model_m(), catalog_path=catalog)
    assert (created.stderr, created.status) == ("OK\n", 0)
    assert catalog.exists()


# -- read-only files and directories ---------------------------------------------------------
# Root writes any file whatever its mode: the CLI runs without the capabilities that let it
# (CAP_DAC_OVERRIDE), so that a file's mode binds it as it binds any user.
def _unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file modes would not stop root's writes")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def _run_unprivileged(catalog: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_unprivileged(), MCSHELL, "--catalog", str(catalog), "--user", "ALIYUN$u", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_the_unprivileged_runner_really_cannot_write_a_read_only_file(tmp_path):
    """The premise of the tests below: the file's mode stops the CLI's process."""
    target = tmp_path / "locked.txt"
    target.write_text("x")
    target.chmod(0o444)
    run = subprocess.run([*_unprivileged(), "sh", "-c", f"echo y >> '{target}'"], capture_output=True, check=False)
    assert run.returncode != 0
    assert target.read_text() == "x"


@pytest.fixture
def read_only_catalog(tmp_path) -> Iterator[Path]:
    """A catalog file of mode 0444 (its directory stays writable)."""
    catalog = tmp_path / "ro" / "catalog.db"
    catalog.parent.mkdir()
    _create(catalog)
    catalog.chmod(0o444)
    yield catalog
    catalog.chmod(0o644)


@pytest.fixture
def read_only_directory(tmp_path) -> Iterator[Path]:
    """A catalog in a directory of mode 0555: SQLite cannot create the -wal and -shm files beside it."""
    catalog = tmp_path / "rodir" / "catalog.db"
    catalog.parent.mkdir()
    _create(catalog)
    for leftover in catalog.parent.glob("catalog.db-*"):
        leftover.unlink()
    catalog.chmod(0o444)
    catalog.parent.chmod(0o555)
    yield catalog
    catalog.parent.chmod(0o755)
    catalog.chmod(0o644)


# What each reader shows of model m: a row of the grid, a row of the box.
SHOWN = {"SHOW MODELS;": "| m         | ALIYUN$u | IMPORT     |", "DESC MODEL m;": "| Model Name:               m   "}


@pytest.mark.parametrize("statement", ["SHOW MODELS;", "DESC MODEL m;", "SHOW GRANTS;", "SHOW CREATE MODEL m;"])
def test_a_reader_answers_from_a_read_only_catalog_file(read_only_catalog, statement):
    before = read_only_catalog.read_bytes()
    run = _run_unprivileged(read_only_catalog, "-e", statement)
    assert (run.stderr, run.returncode) == ("OK\n", 0)
    assert SHOWN.get(statement, "") in run.stdout and run.stdout
    assert read_only_catalog.read_bytes() == before


def test_a_writer_on_a_read_only_catalog_file_is_one_failed_line(read_only_catalog):
    run = _run_unprivileged(read_only_catalog, "-e", "DROP MODEL m;")
    assert (run.stdout, run.returncode) == ("", 1)
    assert run.stderr.splitlines()[0] == (
        f"FAILED: ODPS-0010000: System internal error - catalog '{read_only_catalog}': attempt to write a "
        "readonly database"
    )


@pytest.mark.parametrize("statement", SHOWN)
def test_a_reader_answers_from_a_catalog_in_a_read_only_directory(read_only_directory, statement):
    run = _run_unprivileged(read_only_directory, "-e", statement)
    assert (run.stderr, run.returncode) == ("OK\n", 0)
    assert SHOWN[statement] in run.stdout
    assert sorted(p.name for p in read_only_directory.parent.iterdir()) == ["catalog.db"]


def test_check_runs_in_a_read_only_directory(read_only_directory):
    run = _run_unprivileged(read_only_directory, "--check", "-e", "SHOW MODELS; DROP MODEL m; DESC MODEL m;")
    assert (run.stdout, run.returncode) == ("", 1)
    assert (
        run.stderr.splitlines()[0]
        == "<-e>:1:28: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.m"
    )
    assert run.stderr.splitlines()[-1] == (
        "<-e>: 3 statements checked: 2 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)"
    )
    assert sorted(p.name for p in read_only_directory.parent.iterdir()) == ["catalog.db"]


def test_a_read_only_catalog_that_needs_a_migration_is_one_clear_failed_line(tmp_path):
    from old_catalogs import SCHEMA_2, old_catalog

    catalog = tmp_path / "old" / "catalog.db"
    catalog.parent.mkdir()
    db = old_catalog(catalog, SCHEMA_2, 2)
    db.commit()
    db.close()
    catalog.chmod(0o444)
    before = catalog.read_bytes()
    run = _run_unprivileged(catalog, "-e", "SHOW MODELS;")
    catalog.chmod(0o644)
    assert (run.stdout, run.stderr, run.returncode) == (
        "",
        f"FAILED: ODPS-0010000: System internal error - catalog '{catalog}' has schema version 2 and must be "
        f"upgraded to {SCHEMA_VERSION} before this mcshell reads it, which needs writing to it: attempt to write a "
        "readonly database\n",
        1,
    )
    assert catalog.read_bytes() == before


def test_dump_of_a_catalog_that_does_not_exist_prints_nothing_and_creates_nothing(tmp_path, mcshell):
    catalog = tmp_path / "none" / "catalog.db"
    run = mcshell("dump", catalog_path=catalog)
    assert (run.stdout.startswith("-- mcshell dump"), run.stderr, run.status) == (True, "", 0)
    assert not (tmp_path / "none").exists()


def test_a_catalog_in_a_directory_that_cannot_be_searched_is_refused_not_read_as_empty(tmp_path):
    catalog = tmp_path / "closed" / "catalog.db"
    catalog.parent.mkdir()
    _create(catalog)
    catalog.parent.chmod(0o000)
    try:
        run = _run_unprivileged(catalog, "-e", "SHOW MODELS;")
        checked = _run_unprivileged(catalog, "--check", "-e", "SHOW MODELS; DROP MODEL m;")
    finally:
        catalog.parent.chmod(0o755)
    refused = (
        f"FAILED: ODPS-0010000: System internal error - cannot open catalog '{catalog}': '{catalog}': Permission denied"
    )
    assert (run.stdout, run.stderr, run.returncode) == ("", refused + "\n", 1)
    assert (checked.stdout, checked.stderr, checked.returncode) == ("", f"<-e>: {refused}\n", 1)

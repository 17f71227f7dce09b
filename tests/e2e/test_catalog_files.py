"""Catalog files: created private, schema versions refused or migrated, and anything that is not a
catalog refused with one FAILED line and left exactly as it was."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import MCSHELL

from mcshell.catalog import schema as catalog_module
from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError

NOW = "2025-01-02 03:04:05"
# A statement that writes: the first one creates the catalog (a statement that only reads never does).
WRITE = ("-e", "USE my_project;")
SHOW = ("-e", "SHOW MODELS;")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `folder`: bytes, mtime (ns) and mode; equal snapshots mean nothing changed."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def with_umask(umask: int):
    return lambda: os.umask(umask)


# -- created private ------------------------------------------------------------------------------
def test_a_new_catalog_and_its_directory_are_private_whatever_the_umask(tmp_path):
    catalog = tmp_path / "new" / "dir" / "catalog.db"
    completed = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), *WRITE], capture_output=True, preexec_fn=with_umask(0o000)
    )

    assert completed.returncode == 0
    assert mode(catalog) == 0o600
    assert mode(catalog.parent) == 0o700


def test_the_wal_and_shm_files_are_private_too(tmp_path):
    """They exist while a catalog is open; SQLite gives them the catalog's own mode."""
    path = tmp_path / "catalog.db"
    old = os.umask(0o000)
    try:
        catalog = Catalog.open(str(path), NOW)
    finally:
        os.umask(old)
    try:
        with catalog.transaction(write=True):
            catalog.ensure_project("p_one", "ALIYUN$u", NOW)
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        catalog.close()


def test_an_empty_file_made_by_the_user_becomes_a_private_catalog(mcshell, tmp_path):
    path = tmp_path / "touched.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)

    read = mcshell(*SHOW, catalog_path=path)
    assert (read.status, mode(path), path.stat().st_size) == (0, 0o644, 0)  # a reader leaves it as it is

    run = mcshell(*WRITE, catalog_path=path)

    assert (run.status, mode(path)) == (0, 0o600)


def test_an_existing_catalog_keeps_the_mode_its_owner_gave_it(mcshell, catalog):
    mcshell(*WRITE)
    os.chmod(catalog, 0o640)  # the owner shares it with a group on purpose
    mcshell(*WRITE)
    assert mode(catalog) == 0o640


# -- schema versions ---------------------------------------------------------------------------
def set_user_version(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute(f"PRAGMA user_version={version}")
    finally:
        db.close()


def test_a_catalog_from_a_newer_mcshell_is_refused_and_left_byte_identical(mcshell, catalog, tmp_path):
    assert mcshell(*WRITE).status == 0
    newer = catalog_module.SCHEMA_VERSION + 1
    set_user_version(catalog, newer)
    before = snapshot(tmp_path)

    run = mcshell("-e", "CREATE MODEL IF NOT EXISTS m WITH VERSION v OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE');")

    assert run.stderr == (
        f"FAILED: ODPS-0010000: System internal error - catalog '{catalog}' has schema version {newer}, "
        f"newer than this mcshell reads ({catalog_module.SCHEMA_VERSION}); use a newer mcshell\n"
    )
    assert (run.stdout, run.status) == ("", 1)
    assert snapshot(tmp_path) == before  # same bytes, same mtime, no -wal or -shm left behind


@pytest.fixture
def one_more_step(monkeypatch):
    """A next schema version, as a future mcshell would add it: a table, plus a record of each run."""
    runs: list[int] = []

    def add_notes(db: sqlite3.Connection) -> None:
        runs.append(1)
        db.execute("CREATE TABLE notes (model_id INTEGER REFERENCES models(id), text TEXT NOT NULL)")

    monkeypatch.setattr(catalog_module, "MIGRATIONS", [*catalog_module.MIGRATIONS, add_notes])
    monkeypatch.setattr(catalog_module, "SCHEMA_VERSION", catalog_module.SCHEMA_VERSION + 1)
    return runs


def test_an_older_catalog_is_migrated_forward_once_keeping_its_models(catalog, mcshell, one_more_step):
    assert mcshell(*WRITE, "--project", "p_kept").status == 0  # written by this mcshell, one version behind
    current = catalog_module.SCHEMA_VERSION

    Catalog.open(str(catalog), NOW).close()
    Catalog.open(str(catalog), NOW).close()

    db = sqlite3.connect(catalog)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (current,)
        assert db.execute("SELECT count(*) FROM notes").fetchone() == (0,)
        assert db.execute("SELECT name FROM projects WHERE name = 'p_kept'").fetchone() == ("p_kept",)
    finally:
        db.close()
    assert one_more_step == [1]  # the second open found nothing to do


def test_a_migration_that_fails_changes_nothing(catalog, mcshell, monkeypatch, tmp_path):
    assert mcshell(*WRITE).status == 0

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(catalog_module, "MIGRATIONS", [*catalog_module.MIGRATIONS, broken])
    monkeypatch.setattr(catalog_module, "SCHEMA_VERSION", catalog_module.SCHEMA_VERSION + 1)
    before = snapshot(tmp_path)

    with pytest.raises(CatalogError, match="no such table: no_such_table"):
        Catalog.open(str(catalog), NOW)

    assert snapshot(tmp_path) == before


# -- files that are not catalogs ------------------------------------------------------------------
def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def other_database(path: Path, wal: bool = False) -> None:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.commit()
    db.close()


NOT_CATALOGS = {
    "random bytes": (random_bytes, "catalog '{path}': file is not a database"),
    "a text file": (lambda p: p.write_text("model inventory\n"), "catalog '{path}': file is not a database"),
    "a truncated SQLite header": (
        lambda p: p.write_bytes(b"SQLite format 3\x00garbage"),
        "catalog '{path}': file is not a database",
    ),
    "another SQLite database": (other_database, "'{path}' is an SQLite database but not an mcshell catalog"),
    "another SQLite database in WAL mode": (
        lambda p: other_database(p, wal=True),
        "'{path}' is an SQLite database but not an mcshell catalog",
    ),
    "an empty directory": (lambda p: p.mkdir(), "cannot open catalog '{path}': it is a directory, not a catalog file"),
}


@pytest.mark.parametrize("kind", NOT_CATALOGS)
def test_a_file_that_is_not_a_catalog_is_refused_and_left_untouched(mcshell, tmp_path, kind):
    make, reason = NOT_CATALOGS[kind]
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "thing.db"
    make(path)
    before = snapshot(folder)

    run = mcshell("-e", "USE p_other; SHOW MODELS;", catalog_path=path)

    assert run.stderr == f"FAILED: ODPS-0010000: System internal error - {reason.format(path=path)}\n"
    assert (run.stdout, run.status) == ("", 1)
    assert "Traceback" not in run.raw_stderr
    assert snapshot(folder) == before
    assert os.listdir(folder) == ["thing.db"]  # no -wal, -shm or -journal left behind


def test_a_catalog_path_under_a_file_is_refused(mcshell, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    before = snapshot(tmp_path)

    run = mcshell(*WRITE, catalog_path=tmp_path / "notes.txt" / "catalog.db")

    assert run.stderr == (
        f"FAILED: ODPS-0010000: System internal error - cannot open catalog '{tmp_path}/notes.txt/catalog.db': "
        f"'{tmp_path}/notes.txt': Not a directory\n"
    )
    assert run.status == 1
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file (the device test below runs instead)")
def test_an_unreadable_file_is_refused_and_left_untouched(mcshell, tmp_path):
    path = tmp_path / "locked.db"
    path.write_bytes(b"")
    os.chmod(path, 0o000)
    before = path.stat().st_mtime_ns

    run = mcshell(*WRITE, catalog_path=path)

    assert run.stderr.startswith(f"FAILED: ODPS-0010000: System internal error - catalog '{path}': ")
    assert run.status == 1
    assert (path.stat().st_mtime_ns, mode(path)) == (before, 0o000)


def test_a_device_that_cannot_hold_a_catalog_is_refused_and_left_as_it_was(mcshell):
    run = mcshell(*WRITE, catalog_path="/dev/null")

    assert run.stderr == "FAILED: ODPS-0010000: System internal error - catalog '/dev/null': disk I/O error\n"
    assert run.status == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and mode(Path("/dev/null")) == 0o666

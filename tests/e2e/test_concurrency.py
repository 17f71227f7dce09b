"""Several mcshell processes on one catalog: every statement lands, no `database is locked` reaches
a user, and a reader never sees half a statement."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import MCSHELL

from mcshell.catalog import connection as catalog_module
from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

WRITERS = 4
STATEMENTS = 120  # ADD VERSION statements per writer
NOW = "2025-01-02 03:04:05"

LOCATION = "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/{}/', ROLEARN = 'acs:ram::1:role/r'"
SHARED = (
    "CREATE MODEL IF NOT EXISTS shared WITH VERSION v0 INPUT(f1 BIGINT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
    f"MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', {LOCATION.format('v0')});\n"
)


def add_version(model: str, version: str) -> str:
    return f"ALTER MODEL {model} ADD VERSION {version} INPUT(f1 BIGINT) WITH OPTIONS({LOCATION.format(version)});\n"


def create(model: str) -> str:
    return SHARED.replace("IF NOT EXISTS shared", model)


def writer_script(k: int) -> list[str]:
    """Writer k: its versions of `shared` in order; every 10th statement also creates a model of its
    own and drops the one before (two-row statements that a reader must see whole or not at all)."""
    statements = [SHARED]
    for i in range(STATEMENTS):
        statements.append(add_version("shared", f"w{k}_{i:03d}"))
        if i % 10 == 0:
            statements.append(create(f"w{k}_m{i:03d}"))
            if i:
                statements.append(f"DROP MODEL w{k}_m{i - 10:03d};\n")
    return statements


class Shell:
    """An mcshell process running a script, its output going to files (a full pipe would stall it)."""

    def __init__(self, catalog: Path, script: Path, *args: str):
        self.out, self.err = script.with_suffix(".out"), script.with_suffix(".err")
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [MCSHELL, "--catalog", str(catalog), *args, "-f", str(script)],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            )  # fmt: skip

    def running(self) -> bool:
        return self.process.poll() is None

    def finish(self) -> tuple[str, str, int]:
        status = self.process.wait(timeout=300)
        return self.out.read_text(), self.err.read_text(), status


def start_writers(catalog: Path, folder: Path) -> tuple[list[Shell], list[int]]:
    shells, counts = [], []
    for k in range(WRITERS):
        statements = writer_script(k)
        script = folder / f"writer{k}.sql"
        script.write_text("".join(statements))
        counts.append(len(statements))
        shells.append(Shell(catalog, script))
    return shells, counts


def snapshot_problems(db: sqlite3.Connection) -> list[str]:
    """One read transaction's view: whole statements only."""
    problems = []
    db.execute("BEGIN")
    try:
        if db.execute(
            "SELECT count(*) FROM models m WHERE NOT EXISTS "
            "(SELECT 1 FROM versions v WHERE v.model_id = m.id AND v.name = m.default_version)"
        ).fetchone()[0]:
            problems.append("a model without its default version")
        if db.execute("SELECT count(*) FROM versions WHERE model_id NOT IN (SELECT id FROM models)").fetchone()[0]:
            problems.append("a version without its model")
        names = [row[0] for row in db.execute("SELECT v.name FROM versions v JOIN models m ON v.model_id = m.id "
                                              "WHERE m.name = 'shared' AND v.name LIKE 'w%'")]  # fmt: skip
        problems += prefix_problems(names)
    finally:
        db.execute("COMMIT")
    return problems


def prefix_problems(names: list[str]) -> list[str]:
    """Each writer adds its versions in order: what anyone sees of them is a prefix."""
    problems = []
    for k in range(WRITERS):
        seen = sorted(int(n.split("_")[1]) for n in names if n.startswith(f"w{k}_"))
        if seen != list(range(len(seen))):
            problems.append(f"writer {k}'s versions are not a prefix: {seen[:10]}...")
    return problems


# -- processes -----------------------------------------------------------------------------------
def test_four_writers_on_a_brand_new_catalog_land_every_statement(tmp_path):
    catalog = tmp_path / "new" / "catalog.db"  # does not exist yet: all four race to create it

    writers, counts = start_writers(catalog, tmp_path)
    results = [writer.finish() for writer in writers]

    for (stdout, stderr, status), count in zip(results, counts, strict=True):
        assert "locked" not in stderr and "Traceback" not in stderr
        assert (stdout, stderr, status) == ("", "OK\n" * count, 0)
    db = sqlite3.connect(catalog)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert snapshot_problems(db) == []
        shared = {row[0] for row in db.execute(
            "SELECT v.name FROM versions v JOIN models m ON v.model_id = m.id WHERE m.name = 'shared'")}  # fmt: skip
        assert shared == {"v0"} | {f"w{k}_{i:03d}" for k in range(WRITERS) for i in range(STATEMENTS)}
        own = {row[0] for row in db.execute("SELECT name FROM models WHERE name LIKE 'w%'")}
        last = (STATEMENTS - 1) // 10 * 10
        assert own == {f"w{k}_m{last:03d}" for k in range(WRITERS)}
    finally:
        db.close()
    landed = sum(counts)
    print(f"\n{WRITERS} writers at once: {landed} statements landed, {len(shared)} versions of 'shared'")


def test_readers_never_see_half_a_statement(tmp_path, mcshell):
    """While four writers run: a reader in SQLite itself checks every snapshot it takes, and an mcshell
    reader's SHOW VERSIONS and DESC (of a model whose default version keeps moving) always succeed
    and show whole statements."""
    catalog = tmp_path / "catalog.db"
    flip = [create("flip"), add_version("flip", "b")]
    assert mcshell("-f", "-", stdin=SHARED + "".join(flip), catalog_path=catalog).status == 0
    cycle = [
        "ALTER MODEL flip SET DEFAULT_VERSION b;\n", "ALTER MODEL flip DROP VERSION v0;\n",
        add_version("flip", "v0"), "ALTER MODEL flip SET DEFAULT_VERSION v0;\n",
        "ALTER MODEL flip DROP VERSION b;\n", add_version("flip", "b"),
    ]  # fmt: skip
    (tmp_path / "flip.sql").write_text("".join(cycle * 25))
    (tmp_path / "reader.sql").write_text("SHOW VERSIONS FOR MODEL shared;\nDESC MODEL flip;\n" * 60)

    writers, _ = start_writers(catalog, tmp_path)
    flipper = Shell(catalog, tmp_path / "flip.sql")
    reader = Shell(catalog, tmp_path / "reader.sql", "--format", "csv")
    checked, problems = watch(catalog, [*writers, flipper, reader])

    for shell in [*writers, flipper]:
        stdout, stderr, status = shell.finish()
        assert (set(stderr.splitlines()), status) == ({"OK"}, 0)
    stdout, stderr, status = reader.finish()
    assert (set(stderr.splitlines()), status) == ({"OK"}, 0)  # no FAILED line: no lock error, no half state
    grids = stdout.split("VersionName,")[1:]
    assert len(grids) == 60
    for grid in grids:
        assert prefix_problems(re.findall(r"^(w\d_\d{3}),", grid, re.M)) == []
    assert problems == []
    assert checked > 0


def watch(catalog: Path, shells: list[Shell]) -> tuple[int, list[str]]:
    """Snapshots taken with sqlite3 until every shell has ended: how many, and what was wrong."""
    checked, problems = 0, []
    db = sqlite3.connect(catalog, isolation_level=None, timeout=60)
    try:
        while any(shell.running() for shell in shells):
            problems += snapshot_problems(db)
            checked += 1
    finally:
        db.close()
    return checked, problems


# -- in-process ----------------------------------------------------------------------------------
def open_at_once(path: Path, openers: int) -> list[Exception]:
    """`openers` threads open the catalog at `path` at the same instant; what they raised."""
    barrier = threading.Barrier(openers)
    errors: list[Exception] = []

    def open_it() -> None:
        barrier.wait()
        try:
            Catalog.open(str(path), NOW).close()
        except Exception as error:  # any failure is what the test reports
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_many_mcshells_creating_one_new_catalog_at_the_same_instant_all_succeed(tmp_path):
    """The first-open race: each opener must see the file either empty or a whole catalog, and must
    wait (not fail with "locked") while another switches it to WAL mode."""
    for n in range(50):
        path = tmp_path / f"race{n}.db"
        assert open_at_once(path, 6) == []
        db = sqlite3.connect(path)
        try:
            assert db.execute("SELECT count(*) FROM models").fetchone() == (10,)  # the public models, once
        finally:
            db.close()
        assert os.stat(path).st_mode & 0o777 == 0o600


def session(catalog: Path) -> tuple[Session, io.StringIO]:
    err = io.StringIO()
    return Session(SessionOptions(str(catalog), "ALIYUN$u", "my_project"), Console(io.StringIO(), err)), err


def test_a_lock_held_too_long_is_a_failed_line_and_the_next_statement_runs(catalog, monkeypatch):
    monkeypatch.setattr(catalog_module, "BUSY_TIMEOUT_MS", 200)
    shell, err = session(catalog)
    assert shell.run_script(["WHOAMI;"]) == 0  # the catalog exists and is open
    holder = sqlite3.connect(catalog, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        assert shell.run_script(["SHOW MODELS;"]) == 0  # readers are not blocked (WAL)
        assert shell.run_script(["USE p_waiting;"]) == 1
        holder.execute("COMMIT")
        assert shell.run_script(["USE p_waiting;"]) == 0
    finally:
        holder.close()
        shell.close()
    lines = [line for line in err.getvalue().splitlines() if line == "OK" or line.startswith("FAILED")]
    assert lines == [
        "OK",
        "OK",
        f"FAILED: ODPS-0010000: System internal error - catalog '{catalog}' stayed locked by another process for 0.2 s",
        "OK",
    ]
    assert "database is locked" not in err.getvalue()


def test_a_commit_that_times_out_rolls_back_and_the_next_statement_runs(catalog, monkeypatch):
    """Without WAL (a file system without shared memory), COMMIT waits for readers to leave."""
    monkeypatch.setattr(catalog_module, "BUSY_TIMEOUT_MS", 200)
    opened = Catalog.open(str(catalog), NOW)
    opened._db.execute("PRAGMA journal_mode=DELETE")
    reader = sqlite3.connect(catalog, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM models").fetchone()  # holds a shared lock
        with pytest.raises(CatalogError, match="stayed locked"):
            with opened.transaction(write=True):
                opened.ensure_project("p_never", "ALIYUN$u", NOW)
        reader.execute("COMMIT")
        with opened.transaction(write=True):
            opened.ensure_project("p_later", "ALIYUN$u", NOW)
        with opened.transaction(write=False):
            assert (opened.project_exists("p_never"), opened.project_exists("p_later")) == (False, True)
    finally:
        reader.close()
        opened.close()

"""A catalog written before privileges existed (schema version 1) is migrated and keeps its models."""

from __future__ import annotations

import io
import sqlite3

from conftest import without_excerpts

from mcshell.catalog.schema import APPLICATION_ID, SCHEMA_VERSION
from mcshell.catalog.store import Catalog
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

NOW = "2024-05-01 10:00:00"
OWNER = "ALIYUN$owner@example.com"
CAROL = "ALIYUN$carol@example.com"
DAVE = "ALIYUN$dave@example.com"

# The schema as mcshell 0.1.0 wrote it (version 1), frozen here: the migration must read this.
SCHEMA_1 = """
CREATE TABLE projects (name TEXT PRIMARY KEY, owner TEXT NOT NULL, create_time TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE models (
    id INTEGER PRIMARY KEY, project TEXT NOT NULL REFERENCES projects(name), name TEXT NOT NULL,
    owner TEXT NOT NULL, source_type TEXT NOT NULL, model_type TEXT NOT NULL,
    default_version TEXT NOT NULL, comment TEXT NOT NULL, create_time TEXT NOT NULL,
    last_modified_time TEXT NOT NULL, UNIQUE (project, name)
);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY, model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    name TEXT NOT NULL, owner TEXT NOT NULL, location TEXT NOT NULL, tasks TEXT NOT NULL,
    options TEXT NOT NULL, inputs TEXT NOT NULL, comment TEXT NOT NULL,
    key_case TEXT NOT NULL CHECK (key_case IN ('upper', 'lower')), create_time TEXT NOT NULL,
    last_modified_time TEXT NOT NULL, UNIQUE (model_id, name)
);
"""
OPTIONS = '{"ENDPOINT": "https://example.com", "REMOTE_SERVICE_TYPE": "PAI-EAS"}'


def write_version_1_catalog(path) -> None:
    """demo is OWNER's; in it OWNER made m1 (and DAVE added a version to it), CAROL made m2."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_1)
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute("PRAGMA user_version=1")
    db.execute("INSERT INTO projects VALUES ('demo', ?, '2023-01-01 00:00:00')", (OWNER,))
    for model_id, name, owner in ((1, "m1", OWNER), (2, "m2", CAROL)):
        db.execute(
            "INSERT INTO models VALUES (?, 'demo', ?, ?, 'REMOTE', 'LLM', 'v1', '', ?, ?)",
            (model_id, name, owner, NOW, NOW),
        )
        db.execute(
            "INSERT INTO versions (model_id, name, owner, location, tasks, options, inputs, comment, key_case,"
            " create_time, last_modified_time) VALUES (?, 'v1', ?, '', 'chat', ?, '[]', '', 'upper', ?, ?)",
            (model_id, owner, OPTIONS, NOW, NOW),
        )
    db.execute(
        "INSERT INTO versions (model_id, name, owner, location, tasks, options, inputs, comment, key_case,"
        " create_time, last_modified_time) VALUES (1, 'v2', ?, '', 'chat', ?, '[]', '', 'lower', ?, ?)",
        (DAVE, OPTIONS, NOW, NOW),
    )
    db.commit()
    db.close()


def run(path, user: str, sql: str) -> list[str]:
    err = io.StringIO()
    session = Session(SessionOptions(str(path), user, "demo", continue_on_error=True), Console(io.StringIO(), err))
    try:
        session.run_script(sql.splitlines(keepends=True))
    finally:
        session.close()
    return without_excerpts(err.getvalue()).splitlines()


def test_a_version_1_catalog_is_migrated_and_keeps_its_models(tmp_path):
    path = tmp_path / "old.db"
    write_version_1_catalog(path)

    catalog = Catalog.open(str(path), NOW)
    try:
        with catalog.transaction(write=False):
            assert [m.name for m in catalog.iter_models("demo")] == ["m1", "m2"]
            assert catalog.get_model("demo", "m2").owner == CAROL
            assert [v.name for v in catalog.iter_versions(catalog.get_model("demo", "m1").id)] == ["v1", "v2"]
            assert catalog.get_project("demo").owner == OWNER
            # Users who had made models or versions in someone else's project are its members now.
            assert list(catalog.iter_members("demo")) == [(CAROL, "2023-01-01 00:00:00"), (DAVE, "2023-01-01 00:00:00")]
    finally:
        catalog.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (3,)


def test_after_the_migration_owners_keep_every_privilege_on_what_they_own(tmp_path):
    path = tmp_path / "old.db"
    write_version_1_catalog(path)

    assert run(path, OWNER, "SHOW MODELS;\nDESC MODEL m2;\nALTER MODEL m1 SET DEFAULT_VERSION v2;") == ["OK"] * 3
    assert run(path, CAROL, "DESC MODEL m2;\nALTER MODEL m2 SET DEFAULT_VERSION v1;") == ["OK", "OK"]
    denied = "FAILED: ODPS-0130013: Authorization exception - "
    assert run(path, CAROL, "DESC MODEL m1;\nSHOW MODELS;\nDROP MODEL m2;") == [
        denied + CAROL + " has no Describe privilege on model demo.m1",
        denied + CAROL + " has no List privilege on project demo",
        "OK",
    ]
    assert run(path, DAVE, "DESC MODEL m1;") == [denied + DAVE + " has no Describe privilege on model demo.m1"]


def test_a_new_catalog_and_a_migrated_one_have_the_same_schema(tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    write_version_1_catalog(old)
    for path in (old, new):
        Catalog.open(str(path), NOW).close()

    def schema(path) -> dict[str, list[tuple]]:
        """Each table's and index's columns: the SQL text of the frozen version-1 tables is laid out differently."""
        with sqlite3.connect(path) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master ORDER BY name")]
            return {
                name: db.execute(f"PRAGMA table_xinfo('{name}')").fetchall()
                + db.execute(f"PRAGMA index_xinfo('{name}')").fetchall()
                + db.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()
                for name in names
            }

    assert schema(old) == schema(new)

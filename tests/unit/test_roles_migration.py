"""A catalog of schema version 2 (members and grants, no roles) opens, gains roles, and loses nothing."""

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
ALICE = "ALIYUN$alice@example.com"
BOB = "RAM$1234:bob"

# The schema as mcshell wrote it at version 2, frozen here: the migration must read this.
SCHEMA_2 = """
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
CREATE TABLE members (
    project TEXT NOT NULL REFERENCES projects(name), name TEXT NOT NULL, add_time TEXT NOT NULL,
    PRIMARY KEY (project, name)
) WITHOUT ROWID;
CREATE TABLE project_grants (
    project TEXT NOT NULL, grantee TEXT NOT NULL, privilege TEXT NOT NULL,
    PRIMARY KEY (project, grantee, privilege), FOREIGN KEY (project, grantee) REFERENCES members(project, name)
) WITHOUT ROWID;
CREATE TABLE model_grants (
    model_id INTEGER NOT NULL REFERENCES models(id), grantee TEXT NOT NULL, privilege TEXT NOT NULL,
    PRIMARY KEY (model_id, grantee, privilege)
) WITHOUT ROWID;
CREATE INDEX model_grants_by_grantee ON model_grants (grantee);
"""
OPTIONS = '{"ENDPOINT": "https://example.com", "REMOTE_SERVICE_TYPE": "PAI-EAS"}'


def write_version_2_catalog(path) -> None:
    """demo is OWNER's, with model m (made by OWNER) and a (made by ALICE); ALICE and BOB are
    members; ALICE holds CreateModel and List on demo, BOB holds Describe and Alter on m."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_2)
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute("PRAGMA user_version=2")
    db.execute("INSERT INTO projects VALUES ('demo', ?, '2023-01-01 00:00:00')", (OWNER,))
    for model_id, name, owner in ((1, "m", OWNER), (2, "a", ALICE)):
        db.execute(
            "INSERT INTO models VALUES (?, 'demo', ?, ?, 'REMOTE', 'LLM', 'v1', 'kept', ?, ?)",
            (model_id, name, owner, NOW, NOW),
        )
        db.execute(
            "INSERT INTO versions (model_id, name, owner, location, tasks, options, inputs, comment, key_case,"
            " create_time, last_modified_time) VALUES (?, 'v1', ?, '', 'chat', ?, '[]', '', 'upper', ?, ?)",
            (model_id, owner, OPTIONS, NOW, NOW),
        )
    for member in (ALICE, BOB):
        db.execute("INSERT INTO members VALUES ('demo', ?, '2023-02-01 00:00:00')", (member,))
    db.executemany("INSERT INTO project_grants VALUES ('demo', ?, ?)", [(ALICE, "CreateModel"), (ALICE, "List")])
    db.executemany("INSERT INTO model_grants VALUES (1, ?, ?)", [(BOB, "Describe"), (BOB, "Alter")])
    db.commit()
    db.close()


def run(path, user: str, sql: str) -> tuple[str, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    session = Session(SessionOptions(str(path), user, "demo", continue_on_error=True), Console(out, err))
    try:
        session.run_script(sql.splitlines(keepends=True))
    finally:
        session.close()
    return out.getvalue(), without_excerpts(err.getvalue()).splitlines()


def rows(path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_a_version_2_catalog_keeps_its_members_and_grants(tmp_path):
    path = tmp_path / "v2.db"
    write_version_2_catalog(path)
    models_before = rows(path, "SELECT * FROM models ORDER BY id")
    versions_before = rows(path, "SELECT * FROM versions ORDER BY id")

    Catalog.open(str(path), NOW).close()

    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT * FROM models ORDER BY id") == models_before
    assert rows(path, "SELECT * FROM versions ORDER BY id") == versions_before
    assert rows(path, "SELECT * FROM members ORDER BY name") == [
        ("demo", ALICE, "2023-02-01 00:00:00"),
        ("demo", BOB, "2023-02-01 00:00:00"),
    ]
    assert rows(path, "SELECT * FROM project_grants ORDER BY privilege") == [
        ("demo", "user", ALICE, "CreateModel"),
        ("demo", "user", ALICE, "List"),
    ]
    assert rows(path, "SELECT * FROM model_grants ORDER BY privilege") == [
        (1, "user", BOB, "Alter"),
        (1, "user", BOB, "Describe"),
    ]
    assert rows(path, "SELECT * FROM roles") == rows(path, "SELECT * FROM role_members") == []


def test_after_the_migration_every_member_can_do_what_they_could_and_roles_work(tmp_path):
    path = tmp_path / "v2.db"
    write_version_2_catalog(path)

    assert run(path, ALICE, "SHOW MODELS;\nDESC MODEL a;")[1] == ["OK", "OK"]
    assert run(path, BOB, "DESC MODEL m;\nALTER MODEL m SET DEFAULT_VERSION v1;")[1] == ["OK", "OK"]
    assert run(path, BOB, "SHOW MODELS;")[1][0].startswith("FAILED: ODPS-0130013:Authorization exception")
    assert run(path, OWNER, f"SHOW GRANTS FOR {BOB};")[0] == (
        "Authorization Type: ACL\nA projects/demo/models/m: Describe | Alter\n"
    )

    # The catalog now holds roles: a privilege reaches Bob through one, and goes with it.
    assert (
        run(path, OWNER, f"CREATE ROLE lister;\nGRANT List ON PROJECT demo TO ROLE lister;\nGRANT lister TO {BOB};")[1]
        == ["OK"] * 3
    )
    assert run(path, BOB, "SHOW MODELS;")[1] == ["OK"]
    assert run(path, OWNER, f"REVOKE lister FROM {BOB};")[1] == ["OK"]
    assert run(path, BOB, "SHOW MODELS;")[1][0].startswith("FAILED: ODPS-0130013:Authorization exception")


def test_a_migrated_grant_is_kept_when_its_user_is_removed(tmp_path):
    """Schema 2 tied a project grant to its member (a foreign key): schema 3 lets it outlive them."""
    path = tmp_path / "v2.db"
    write_version_2_catalog(path)
    assert run(path, OWNER, f"REMOVE USER {ALICE};")[1] == ["OK"]
    assert run(path, ALICE, "SHOW MODELS;")[1] == [
        "FAILED: ODPS-0420095: Access Denied - You don't exist in project demo."
    ]
    assert run(path, OWNER, f"ADD USER {ALICE};")[1] == ["OK"]
    assert run(path, ALICE, "SHOW MODELS;")[1] == ["OK"]

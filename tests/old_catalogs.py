"""Catalogs as older versions of mcshell wrote them, for the migration tests: each schema frozen
here as it was, so a migration is proven against what really exists on users' disks."""

from __future__ import annotations

import io
import sqlite3

from conftest import without_excerpts

from mcshell.catalog.schema import APPLICATION_ID
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

NOW = "2024-05-01 10:00:00"
OWNER = "ALIYUN$owner@example.com"
OPTIONS = '{"ENDPOINT": "https://example.com", "REMOTE_SERVICE_TYPE": "PAI-EAS"}'

# Version 1, as mcshell 0.1.0 wrote it.
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
# Version 2 added the members and their grants.
SCHEMA_2 = (
    SCHEMA_1
    + """
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
)


def old_catalog(path, schema: str, version: int) -> sqlite3.Connection:
    """A catalog file of that schema and version, holding the project demo of OWNER."""
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute(f"PRAGMA user_version={version}")
    db.execute("INSERT INTO projects VALUES ('demo', ?, '2023-01-01 00:00:00')", (OWNER,))
    return db


def add_model(db: sqlite3.Connection, model_id: int, name: str, owner: str, comment: str = "") -> None:
    """A REMOTE model of demo with its version v1."""
    db.execute(
        "INSERT INTO models VALUES (?, 'demo', ?, ?, 'REMOTE', 'LLM', 'v1', ?, ?, ?)",
        (model_id, name, owner, comment, NOW, NOW),
    )
    add_version(db, model_id, "v1", owner, "upper")


def add_version(db: sqlite3.Connection, model_id: int, name: str, owner: str, key_case: str) -> None:
    db.execute(
        "INSERT INTO versions (model_id, name, owner, location, tasks, options, inputs, comment, key_case,"
        " create_time, last_modified_time) VALUES (?, ?, ?, '', 'chat', ?, '[]', '', ?, ?, ?)",
        (model_id, name, owner, OPTIONS, key_case, NOW, NOW),
    )


def run_as(path, user: str, sql: str) -> tuple[str, list[str]]:
    """The statements run by `user` in demo, on and on past failures: stdout, and the stderr lines."""
    out, err = io.StringIO(), io.StringIO()
    session = Session(SessionOptions(str(path), user, "demo", continue_on_error=True), Console(out, err))
    try:
        session.run_script(sql.splitlines(keepends=True))
    finally:
        session.close()
    return out.getvalue(), without_excerpts(err.getvalue()).splitlines()

"""What a catalog file holds: its tables, its schema version and the migrations between versions,
and the checks that refuse any file that is not an mcshell catalog this mcshell reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from mcshell.catalog.connection import make_private, read_only, scalar, use_wal
from mcshell.catalog.records import PUBLIC_PROJECT, SYSTEM_OWNER, Model, Version
from mcshell.catalog.transactions import Transactions
from mcshell.errors import CatalogError

APPLICATION_ID = 0x4D435348  # "MCSH": tells an mcshell catalog from any other SQLite file

_SCHEMA = """
CREATE TABLE projects (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    create_time TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects(name),
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    source_type TEXT NOT NULL,
    model_type TEXT NOT NULL,
    default_version TEXT NOT NULL,
    comment TEXT NOT NULL,
    create_time TEXT NOT NULL,
    last_modified_time TEXT NOT NULL,
    UNIQUE (project, name)
);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    location TEXT NOT NULL,
    tasks TEXT NOT NULL,
    options TEXT NOT NULL,
    inputs TEXT NOT NULL,
    comment TEXT NOT NULL,
    key_case TEXT NOT NULL CHECK (key_case IN ('upper', 'lower')),
    create_time TEXT NOT NULL,
    last_modified_time TEXT NOT NULL,
    UNIQUE (model_id, name)
);
"""


# Members of a project (its owner is not listed: owning it is more than being a member), and the
# privileges granted to them on the project or on one of its models. Only members hold grants.
_SCHEMA_2 = """
CREATE TABLE members (
    project TEXT NOT NULL REFERENCES projects(name),
    name TEXT NOT NULL,
    add_time TEXT NOT NULL,
    PRIMARY KEY (project, name)
) WITHOUT ROWID;
CREATE TABLE project_grants (
    project TEXT NOT NULL,
    grantee TEXT NOT NULL,
    privilege TEXT NOT NULL,
    PRIMARY KEY (project, grantee, privilege),
    FOREIGN KEY (project, grantee) REFERENCES members(project, name)
) WITHOUT ROWID;
CREATE TABLE model_grants (
    model_id INTEGER NOT NULL REFERENCES models(id),
    grantee TEXT NOT NULL,
    privilege TEXT NOT NULL,
    PRIMARY KEY (model_id, grantee, privilege)
) WITHOUT ROWID;
CREATE INDEX model_grants_by_grantee ON model_grants (grantee);
"""


def _add_members_and_grants(db: sqlite3.Connection) -> None:
    """Schema 1 -> 2: project members and granted privileges.

    Version-1 catalogs had no privileges: any user could change any project. Each project keeps
    its owner (who holds every privilege on it); every other user who created a model or a version
    in it becomes a member, so they keep every privilege on the models they own.
    """
    _run(db, _SCHEMA_2)
    db.execute(
        "INSERT OR IGNORE INTO members (project, name, add_time) "
        "SELECT m.project, o.owner, p.create_time FROM models m "
        "JOIN (SELECT id, owner FROM models UNION SELECT model_id, owner FROM versions) o ON o.id = m.id "
        "JOIN projects p ON p.name = m.project "
        "WHERE o.owner <> p.owner AND m.project <> ?",
        (PUBLIC_PROJECT,),
    )


# Schema 2 -> 3: roles, who holds them, and grants that name their grantee's kind. The grant
# tables are rebuilt without schema 2's "grantee is a member" foreign key, since a grant now
# outlives its grantee's membership.
_SCHEMA_3 = """
CREATE TABLE roles (
    project TEXT NOT NULL REFERENCES projects(name),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    create_time TEXT NOT NULL,
    PRIMARY KEY (project, key)
) WITHOUT ROWID;
CREATE TABLE role_members (
    project TEXT NOT NULL,
    role TEXT NOT NULL,
    member TEXT NOT NULL,
    PRIMARY KEY (project, role, member),
    FOREIGN KEY (project, member) REFERENCES members(project, name)
) WITHOUT ROWID;
CREATE INDEX role_members_by_member ON role_members (project, member);
CREATE TABLE project_grants_3 (
    project TEXT NOT NULL REFERENCES projects(name),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
    grantee TEXT NOT NULL,
    privilege TEXT NOT NULL,
    PRIMARY KEY (project, kind, grantee, privilege)
) WITHOUT ROWID;
INSERT INTO project_grants_3 SELECT project, 'user', grantee, privilege FROM project_grants;
DROP TABLE project_grants;
ALTER TABLE project_grants_3 RENAME TO project_grants;
CREATE TABLE model_grants_3 (
    model_id INTEGER NOT NULL REFERENCES models(id),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
    grantee TEXT NOT NULL,
    privilege TEXT NOT NULL,
    PRIMARY KEY (model_id, kind, grantee, privilege)
) WITHOUT ROWID;
INSERT INTO model_grants_3 SELECT model_id, 'user', grantee, privilege FROM model_grants;
DROP TABLE model_grants;
ALTER TABLE model_grants_3 RENAME TO model_grants;
CREATE INDEX model_grants_by_grantee ON model_grants (kind, grantee);
"""


def _add_roles(db: sqlite3.Connection) -> None:
    """Schema 2 -> 3. Every member and grant is kept; every grant so far was to a user."""
    _run(db, _SCHEMA_3)


# The public models the AI function pages use, beyond the four of schema 1 (name, type, TASKS,
# comment). Types and TASKS follow what the pages imply (the embedding models do
# sentence-embedding, the VL models are MLLM); versions, owner and comments are mcshell's decision.
PUBLIC_MODELS_4 = (
    ("qwen3-0.6b-gguf", "LLM", "text-generation", "Qwen3-0.6B in GGUF format"),
    ("qwen3-1.7b-gguf", "LLM", "text-generation", "Qwen3-1.7B in GGUF format"),
    ("qwen3-4b-gguf", "LLM", "text-generation", "Qwen3-4B in GGUF format"),
    ("qwen3.7-max", "LLM", "chat", "Qwen3.7-Max, served by Alibaba Cloud Model Studio"),
    ("qwen3-vl-embedding", "MLLM", "sentence-embedding", "Qwen3-VL embedding model for text and images"),
    ("qwen3-vl-8b-instruct", "MLLM", "chat", "Qwen3-VL-8B-Instruct, a vision-language model"),
)


def _add_public_models(db: sqlite3.Connection) -> None:
    """Schema 3 -> 4: the public models the AI function pages name that schema 1 did not seed."""
    found = db.execute("SELECT create_time FROM projects WHERE name = ?", (PUBLIC_PROJECT,)).fetchone()
    if found is None:
        return
    (now,) = found
    for name, model_type, tasks, comment in PUBLIC_MODELS_4:
        cursor = db.execute(
            "INSERT OR IGNORE INTO models (project, name, owner, source_type, model_type, default_version, comment, "
            "create_time, last_modified_time) VALUES (?, ?, ?, 'REMOTE', ?, 'v1', ?, ?, ?)",
            (PUBLIC_PROJECT, name, SYSTEM_OWNER, model_type, comment, now, now),
        )
        if cursor.rowcount:
            db.execute(
                "INSERT INTO versions (model_id, name, owner, location, tasks, options, inputs, comment, key_case, "
                "create_time, last_modified_time) VALUES (?, 'v1', ?, '', ?, '{}', '[]', ?, 'upper', ?, ?)",
                (cursor.lastrowid, SYSTEM_OWNER, tasks, comment, now, now),
            )


# Schema 4 -> 5: where, when and as whom each project was last pulled (`mcshell pull`): one row
# per pulled project, replaced with its snapshot; a project never pulled has none.
_SCHEMA_5 = """
CREATE TABLE pulls (
    project TEXT PRIMARY KEY REFERENCES projects(name),
    endpoint TEXT NOT NULL,
    user TEXT NOT NULL,
    time TEXT NOT NULL
) WITHOUT ROWID;
"""


def _add_pulls(db: sqlite3.Connection) -> None:
    """Schema 4 -> 5: no project of an older catalog was pulled."""
    _run(db, _SCHEMA_5)


# Schema 5 -> 6: the projects' tables,
# their schemas only (catalog/tables.py), the partitions each holds, and the grants on them.
_SCHEMA_TABLES = """
CREATE TABLE tables (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects(name),
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    comment TEXT NOT NULL,
    columns TEXT NOT NULL,
    partition_columns TEXT NOT NULL,
    lifecycle INTEGER,
    create_time TEXT NOT NULL,
    last_ddl_time TEXT NOT NULL,
    last_modified_time TEXT NOT NULL,
    UNIQUE (project, name)
);
CREATE TABLE partitions (
    table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
    spec TEXT NOT NULL,
    create_time TEXT NOT NULL,
    PRIMARY KEY (table_id, spec)
) WITHOUT ROWID;
CREATE TABLE table_grants (
    table_id INTEGER NOT NULL REFERENCES tables(id),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
    grantee TEXT NOT NULL,
    privilege TEXT NOT NULL,
    PRIMARY KEY (table_id, kind, grantee, privilege)
) WITHOUT ROWID;
CREATE INDEX table_grants_by_grantee ON table_grants (kind, grantee);
"""


def _add_tables(db: sqlite3.Connection) -> None:
    """Schema 5 -> 6: tables, their partitions and the privileges granted on them; a catalog before it had none."""
    _run(db, _SCHEMA_TABLES)


# Schema 6 -> 7: which rows of each table are live. Rows live in DuckDB beside the catalog
# (mcshell/rows/, docs/development.md "Where rows live"), each under a random segment key in the
# DuckDB table named by `storage`; only the segments listed here are the table's rows, so every DDL
# statement and every write commits here alone. `spec` is the partition (`k=v/k2=v2`, '' for none).
_SCHEMA_SEGMENTS = """
CREATE TABLE segments (
    table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
    spec TEXT NOT NULL,
    key INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    storage INTEGER NOT NULL,
    PRIMARY KEY (table_id, spec, key)
) WITHOUT ROWID;
"""


def _add_segments(db: sqlite3.Connection) -> None:
    """Schema 6 -> 7: no table of an older catalog had rows."""
    _run(db, _SCHEMA_SEGMENTS)


# Each step upgrades a catalog by one schema version: MIGRATIONS[0] takes version 1 to 2, and so
# on. A new catalog is created at version 1 (_SCHEMA) and then taken through every step, so new
# and migrated catalogs can never differ.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _add_members_and_grants, _add_roles, _add_public_models, _add_pulls, _add_tables, _add_segments,
]  # fmt: skip
SCHEMA_VERSION = 1 + len(MIGRATIONS)

# The public models every new catalog holds (the docs' list of MaxCompute public models).
_PUBLIC_MODELS = (
    ("qwen3-max", "LLM", "chat", "Qwen3-Max, served by Alibaba Cloud Model Studio"),
    ("qwen3-8b-gguf", "LLM", "text-generation", "Qwen3-8B in GGUF format"),
    ("text-embedding-v4", "LLM", "sentence-embedding", "Text embedding model v4"),
    ("qwen3-embedding-0.6b-q8_0", "LLM", "sentence-embedding", "Qwen3-Embedding-0.6B, Q8_0"),
)


def public_models(now: str) -> list[tuple[Model, Version]]:
    """Each public model with its one version, as a new catalog holds them."""
    return [
        (
            Model(PUBLIC_PROJECT, name, SYSTEM_OWNER, "REMOTE", model_type, "v1", comment, now, now),
            Version("v1", SYSTEM_OWNER, "", tasks, {}, (), comment, "upper", now, now),
        )
        for name, model_type, tasks, comment in _PUBLIC_MODELS
    ]


def prepare(tx: Transactions, in_memory: bool, now: str, seed: Callable[[str], None], create: bool = True) -> bool:
    """Make the file behind `tx` a catalog of SCHEMA_VERSION: created (then `seed(now)` fills it)
    when it is empty, migrated when it is older; refused, unchanged, when it is not a catalog.
    Without `create`, an empty file is left as it is (False): only a due migration writes."""
    # Read-only checks first, in one snapshot: a file we must refuse is never written to, and
    # a catalog that another mcshell is creating at this moment is seen empty or complete.
    with tx.transaction(write=False):
        new = _check_identity(tx.db, tx.path)
        found = scalar(tx.db, "PRAGMA user_version")
    if new and not create:
        return False
    due = new or found != SCHEMA_VERSION
    try:
        with tx.errors():
            if new and not in_memory:
                make_private(tx.path)
            tx.db.execute("PRAGMA synchronous=NORMAL")
            tx.db.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                use_wal(tx.db)
    except CatalogError as error:
        if due or not read_only(error):
            raise _upgrade_refused(tx.path, found, error) from None
        # a read-only file not in WAL mode (mcshell never leaves one so): read it in its own journal mode
    if due:
        _create_or_migrate(tx, now, seed, found)
    return True


def _upgrade_refused(path: str, seen: int, error: CatalogError) -> CatalogError:
    """A catalog that must be upgraded before it is read, in a file we may not write: say so."""
    if seen == 0 or not read_only(error):
        return error
    return CatalogError(
        f"catalog '{path}' has schema version {seen} and must be upgraded to {SCHEMA_VERSION} before "
        f"this mcshell reads it, which needs writing to it: attempt to write a readonly database"
    )


def _create_or_migrate(tx: Transactions, now: str, seed: Callable[[str], None], seen: int) -> None:
    """The one write of opening, under the write lock: a catalog that was opened for reading writes only
    when a migration is due."""
    try:
        with tx.transaction(write=True):
            # Checked again under the write lock: another mcshell may have created it meanwhile.
            if _check_identity(tx.db, tx.path):
                _run(tx.db, _SCHEMA)
                tx.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                seed(now)
            found = scalar(tx.db, "PRAGMA user_version")
            for step in range(max(found, 1), SCHEMA_VERSION):
                MIGRATIONS[step - 1](tx.db)
            if found != SCHEMA_VERSION:
                tx.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except CatalogError as error:
        raise _upgrade_refused(tx.path, seen, error) from None


def _check_identity(db: sqlite3.Connection, path: str) -> bool:
    """Refuse anything that is not an mcshell catalog we can read; True for an empty file
    (a new catalog). Only reads: a file we must not touch stays as it was."""
    application_id = scalar(db, "PRAGMA application_id")
    version = scalar(db, "PRAGMA user_version")
    if application_id == 0 and version == 0:
        if scalar(db, "SELECT count(*) FROM sqlite_master"):
            raise CatalogError(f"'{path}' is an SQLite database but not an mcshell catalog")
        return True
    if application_id != APPLICATION_ID:
        raise CatalogError(f"'{path}' is an SQLite database but not an mcshell catalog")
    if version > SCHEMA_VERSION:
        raise CatalogError(
            f"catalog '{path}' has schema version {version}, newer than this mcshell reads "
            f"({SCHEMA_VERSION}); use a newer mcshell"
        )
    return False


def _run(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit on its own: run the statements one by one inside our transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)

"""The local catalog: a small API over one SQLite file. The only module that imports sqlite3.

It owns the schema, its version number, the migrations and the transactions. Every statement
runs in one transaction (`with catalog.transaction(write=...)`), so a statement that fails, or a
process killed half-way, changes nothing.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, cast

from mcshell.errors import CatalogError

APPLICATION_ID = 0x4D435348  # "MCSH": tells an mcshell catalog from any other SQLite file
BUSY_TIMEOUT_MS = 60_000
MEMORY = ":memory:"

PUBLIC_PROJECT = "bigdata_public_modelset"
SYSTEM_OWNER = "ALIYUN$maxcompute_public_model@aliyun.com"

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
    for statement in _SCHEMA_2.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(
        "INSERT OR IGNORE INTO members (project, name, add_time) "
        "SELECT m.project, o.owner, p.create_time FROM models m "
        "JOIN (SELECT id, owner FROM models UNION SELECT model_id, owner FROM versions) o ON o.id = m.id "
        "JOIN projects p ON p.name = m.project "
        "WHERE o.owner <> p.owner AND m.project <> ?",
        (PUBLIC_PROJECT,),
    )


# The public models the AI function pages use, beyond the four of schema 1 (name, type, TASKS,
# comment). Types and TASKS follow what the pages imply (the embedding models do
# sentence-embedding, the VL models are MLLM); versions, owner and comments are mcshell's decision.
PUBLIC_MODELS_3 = (
    ("qwen3-0.6b-gguf", "LLM", "text-generation", "Qwen3-0.6B in GGUF format"),
    ("qwen3-1.7b-gguf", "LLM", "text-generation", "Qwen3-1.7B in GGUF format"),
    ("qwen3-4b-gguf", "LLM", "text-generation", "Qwen3-4B in GGUF format"),
    ("qwen3.7-max", "LLM", "chat", "Qwen3.7-Max, served by Alibaba Cloud Model Studio"),
    ("qwen3-vl-embedding", "MLLM", "sentence-embedding", "Qwen3-VL embedding model for text and images"),
    ("qwen3-vl-8b-instruct", "MLLM", "chat", "Qwen3-VL-8B-Instruct, a vision-language model"),
)


def _add_public_models(db: sqlite3.Connection) -> None:
    """Schema 2 -> 3: the public models the AI function pages name that schema 1 did not seed."""
    found = db.execute("SELECT create_time FROM projects WHERE name = ?", (PUBLIC_PROJECT,)).fetchone()
    if found is None:
        return
    (now,) = found
    for name, model_type, tasks, comment in PUBLIC_MODELS_3:
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


# Each step upgrades a catalog by one schema version: MIGRATIONS[0] takes version 1 to 2, and so
# on. A new catalog is created at version 1 (_SCHEMA) and then taken through every step, so new
# and migrated catalogs can never differ.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_add_members_and_grants, _add_public_models]
SCHEMA_VERSION = 1 + len(MIGRATIONS)

# The public models every new catalog holds (the docs' list of MaxCompute public models).
_PUBLIC_MODELS = (
    ("qwen3-max", "LLM", "chat", "Qwen3-Max, served by Alibaba Cloud Model Studio"),
    ("qwen3-8b-gguf", "LLM", "text-generation", "Qwen3-8B in GGUF format"),
    ("text-embedding-v4", "LLM", "sentence-embedding", "Text embedding model v4"),
    ("qwen3-embedding-0.6b-q8_0", "LLM", "sentence-embedding", "Qwen3-Embedding-0.6B, Q8_0"),
)


@dataclass
class Project:
    name: str
    owner: str
    create_time: str


@dataclass
class Model:
    project: str
    name: str
    owner: str
    source_type: str
    model_type: str
    default_version: str
    comment: str
    create_time: str
    last_modified_time: str
    id: int = 0


@dataclass
class Version:
    name: str
    owner: str
    location: str
    tasks: str
    options: dict[str, str]  # keys in upper case
    inputs: tuple[tuple[str, str], ...]  # (column name, type) in order
    comment: str
    key_case: str  # "upper" for the version CREATE MODEL made, "lower" for ADD VERSION
    create_time: str
    last_modified_time: str
    model_id: int = field(default=0, compare=False)


_MODEL_COLUMNS = (
    "project, name, owner, source_type, model_type, default_version, comment, create_time, last_modified_time, id"
)
_SELECT_MODEL = f"SELECT {_MODEL_COLUMNS} FROM models WHERE project = ? AND name = ?"
_VERSION_COLUMNS = (
    "name, owner, location, tasks, options, inputs, comment, key_case, create_time, last_modified_time, model_id"
)


def _json_encoder() -> Callable[[object], str]:
    """One encoder for every write, made once: JSONEncoder.encode (json.dumps too) makes a new C
    encoder on every call, which costs more than encoding a version's small options and inputs."""
    if c_make_encoder is None:  # a Python without the _json accelerator
        return json.JSONEncoder(ensure_ascii=False).encode
    # No check for circular references (markers None): options and inputs are flat strings.
    chunks = c_make_encoder(None, _not_stored, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(chunks(value, 0))


def _not_stored(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not stored as JSON")


_to_json = _json_encoder()


def _model(row: tuple) -> Model:
    return Model(*row)


def _version(row: tuple) -> Version:
    name, owner, location, tasks, options, inputs, *rest = row
    columns = tuple(tuple(pair) for pair in json.loads(inputs))
    return Version(name, owner, location, tasks, json.loads(options), columns, *rest)


class Catalog:
    def __init__(self, connection: sqlite3.Connection, path: str, in_memory: bool | None = None):
        self._db = connection
        self.path = path
        self._in_memory = path == MEMORY if in_memory is None else in_memory
        self._projects: dict[str, Project] = {}  # see get_project
        self._models: dict[tuple[str, str], Model] = {}  # see get_model
        # One cursor for the statements every ADD VERSION of a script runs (Connection.execute
        # makes a new cursor each time); listings that stream their rows keep cursors of their own.
        self._execute = connection.cursor().execute

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str, now: str) -> Catalog:
        """Open (or create, mode 0600) the catalog at `path`; refuse anything that is not one."""
        try:
            if path != MEMORY:
                _create_private_file(path)
            connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as error:
            raise CatalogError(f"cannot open catalog '{path}': {_reason(error)}") from None
        catalog = cls(connection, path)
        try:
            catalog._prepare(now)
        except BaseException:
            connection.close()
            raise
        return catalog

    @classmethod
    def open_private_copy(cls, path: str, now: str) -> Catalog:
        """A copy of the catalog at `path` in memory (a new catalog when there is no file yet).

        `--check` runs against it: the file is only read, once, through a read-only connection
        (SQLite's backup API), so it is never changed and no other mcshell ever waits for it.
        """
        memory = sqlite3.connect(MEMORY, isolation_level=None)
        try:
            if path != MEMORY and os.path.exists(path):
                _copy_file_into(path, memory)
            catalog = cls(memory, path, in_memory=True)
            catalog._prepare(now)
        except BaseException:
            memory.close()
            raise
        return catalog

    def close(self) -> None:
        self._db.close()

    def _prepare(self, now: str) -> None:
        # Read-only checks first, in one snapshot: a file we must refuse is never written to, and
        # a catalog that another mcshell is creating at this moment is seen empty or complete.
        with self.transaction(write=False):
            new = self._check_identity()
        with self._errors():
            if new and not self._in_memory:
                _make_private(self.path)
            if not self._in_memory:
                self._use_wal()
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
        with self.transaction(write=True):
            # Checked again under the write lock: another mcshell may have created it meanwhile.
            if self._check_identity():
                self._create_schema(now)
            found = self._scalar("PRAGMA user_version")
            for step in range(max(found, 1), SCHEMA_VERSION):
                MIGRATIONS[step - 1](self._db)
            if found != SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _use_wal(self) -> None:
        """WAL mode: readers never wait for writers. Switching a new catalog to it needs the file to
        itself, and SQLite answers "locked" at once instead of waiting (no busy handler) while
        another mcshell is creating the same catalog: wait here instead, as long as for a lock."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(0.005)

    def _check_identity(self) -> bool:
        """Refuse anything that is not an mcshell catalog we can read; True for an empty file
        (a new catalog). Only reads: a file we must not touch stays as it was."""
        application_id = self._scalar("PRAGMA application_id")
        version = self._scalar("PRAGMA user_version")
        if application_id == 0 and version == 0:
            if self._scalar("SELECT count(*) FROM sqlite_master"):
                raise CatalogError(f"'{self.path}' is an SQLite database but not an mcshell catalog")
            return True
        if application_id != APPLICATION_ID:
            raise CatalogError(f"'{self.path}' is an SQLite database but not an mcshell catalog")
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"catalog '{self.path}' has schema version {version}, newer than this mcshell reads "
                f"({SCHEMA_VERSION}); use a newer mcshell"
            )
        return False

    def _create_schema(self, now: str) -> None:
        # executescript() would commit on its own: run the statements one by one inside our transaction.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self._db.execute(statement)
        self._db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        self._seed_public_project(now)

    def _seed_public_project(self, now: str) -> None:
        self.ensure_project(PUBLIC_PROJECT, SYSTEM_OWNER, now)
        for name, model_type, tasks, comment in _PUBLIC_MODELS:
            model = Model(PUBLIC_PROJECT, name, SYSTEM_OWNER, "REMOTE", model_type, "v1", comment, now, now)
            version = Version("v1", SYSTEM_OWNER, "", tasks, {}, (), comment, "upper", now, now)
            self.insert_model(model, version)

    # -- transactions -------------------------------------------------------------------------
    def transaction(self, write: bool) -> _Transaction:
        """One statement's transaction. Writers take the write lock up front (BEGIN IMMEDIATE),
        so two writers never deadlock half-way; readers see only committed statements."""
        return _Transaction(self, write)

    def batched_statement(self) -> _BatchedStatement:
        """One statement of a script inside the batch transaction, which stays open (and holds the
        write lock) until commit_batch(): the statement is a SAVEPOINT, undone alone if it fails."""
        return _BatchedStatement(self)

    @property
    def in_batch(self) -> bool:
        """A batch is open: False again after a commit, or after SQLite rolled it back itself."""
        return self._db.in_transaction

    def commit_batch(self) -> None:
        """Commit the batch's statements; on failure none of them is kept."""
        self._models.clear()  # once the write lock is let go, other processes may change them
        if not self._db.in_transaction:
            return
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as failure:
            self._rollback()
            raise self._catalog_error(failure) from None

    def _rollback(self) -> None:
        """Undo an open transaction, so a failed statement (a COMMIT that timed out, too) leaves
        nothing behind and the next statement can begin."""
        self._projects.clear()  # a project created by what is undone is gone again
        self._models.clear()
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite has rolled back on its own (a full disk, say): nothing is left open

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise self._catalog_error(error) from None

    def _catalog_error(self, error: sqlite3.Error) -> CatalogError:
        if isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error)):
            return CatalogError(
                f"catalog '{self.path}' stayed locked by another process for {BUSY_TIMEOUT_MS / 1000:g} s"
            )
        return CatalogError(f"catalog '{self.path}': {_reason(error)}")

    def _scalar(self, sql: str, *args: object) -> Any:
        row = self._db.execute(sql, args).fetchone()
        return row[0] if row else None

    # -- projects -----------------------------------------------------------------------------
    def ensure_project(self, name: str, owner: str, now: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO projects (name, owner, create_time) VALUES (?, ?, ?)", (name, owner, now)
        )

    def project_exists(self, name: str) -> bool:
        return self._scalar("SELECT 1 FROM projects WHERE name = ?", name) is not None

    def get_project(self, name: str) -> Project | None:
        """A project, remembered once found: no statement changes or removes one, so a script's
        every statement need not read its project again (a rollback forgets them all)."""
        known = self._projects.get(name)
        if known is not None:
            return known
        row = self._db.execute("SELECT name, owner, create_time FROM projects WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        self._projects[name] = project = Project(*row)
        return project

    def user_projects(self) -> list[str]:
        """Every project but the public one, sorted by name."""
        return [
            r[0] for r in self._db.execute("SELECT name FROM projects WHERE name != ? ORDER BY name", (PUBLIC_PROJECT,))
        ]

    # -- members and grants -------------------------------------------------------------------
    def is_member(self, project: str, user: str) -> bool:
        return self._scalar("SELECT 1 FROM members WHERE project = ? AND name = ?", project, user) is not None

    def add_member(self, project: str, user: str, now: str) -> None:
        self._db.execute("INSERT INTO members (project, name, add_time) VALUES (?, ?, ?)", (project, user, now))

    def remove_member(self, project: str, user: str) -> None:
        """A member leaves with every privilege granted to them in the project."""
        self._db.execute("DELETE FROM project_grants WHERE project = ? AND grantee = ?", (project, user))
        self._db.execute(
            "DELETE FROM model_grants WHERE grantee = ? AND model_id IN (SELECT id FROM models WHERE project = ?)",
            (user, project),
        )
        self._db.execute("DELETE FROM members WHERE project = ? AND name = ?", (project, user))

    def iter_members(self, project: str) -> Iterator[tuple[str, str]]:
        """(name, add time) of each member, sorted by name."""
        yield from self._db.execute("SELECT name, add_time FROM members WHERE project = ? ORDER BY name", (project,))

    def grant_project(self, project: str, user: str, privileges: Iterable[str]) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO project_grants (project, grantee, privilege) VALUES (?, ?, ?)",
            [(project, user, p) for p in privileges],
        )

    def revoke_project(self, project: str, user: str, privileges: Iterable[str]) -> None:
        self._db.executemany(
            "DELETE FROM project_grants WHERE project = ? AND grantee = ? AND privilege = ?",
            [(project, user, p) for p in privileges],
        )

    def project_privileges(self, project: str, user: str) -> set[str]:
        rows = self._db.execute(
            "SELECT privilege FROM project_grants WHERE project = ? AND grantee = ?", (project, user)
        )
        return {r[0] for r in rows}

    def grant_model(self, model_id: int, user: str, privileges: Iterable[str]) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO model_grants (model_id, grantee, privilege) VALUES (?, ?, ?)",
            [(model_id, user, p) for p in privileges],
        )

    def revoke_model(self, model_id: int, user: str, privileges: Iterable[str]) -> None:
        self._db.executemany(
            "DELETE FROM model_grants WHERE model_id = ? AND grantee = ? AND privilege = ?",
            [(model_id, user, p) for p in privileges],
        )

    def model_privileges(self, model_id: int, user: str) -> set[str]:
        rows = self._db.execute(
            "SELECT privilege FROM model_grants WHERE model_id = ? AND grantee = ?", (model_id, user)
        )
        return {r[0] for r in rows}

    def model_grants_of(self, project: str, user: str) -> dict[str, set[str]]:
        """The privileges granted to `user` on each model of the project, by model name."""
        granted: dict[str, set[str]] = {}
        for name, privilege in self._db.execute(
            "SELECT m.name, g.privilege FROM model_grants g JOIN models m ON m.id = g.model_id "
            "WHERE m.project = ? AND g.grantee = ?",
            (project, user),
        ):
            granted.setdefault(name, set()).add(privilege)
        return granted

    def models_owned_by(self, project: str, user: str) -> list[str]:
        rows = self._db.execute("SELECT name FROM models WHERE project = ? AND owner = ?", (project, user))
        return [r[0] for r in rows]

    # -- models -------------------------------------------------------------------------------
    def get_model(self, project: str, name: str) -> Model | None:
        """A model, remembered until the transaction ends (the statements of a script's batch that
        change one model read it once). The methods below that write a model keep it up to date."""
        key = (project, name)
        known = self._models.get(key)
        if known is not None:
            return known
        row = self._execute(_SELECT_MODEL, key).fetchone()
        if row is None:
            return None
        model = _model(row)
        if self._db.in_transaction:
            self._models[key] = model
        return model

    def model_names(self, project: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM models WHERE project = ?", (project,))]

    def iter_models(self, project: str, like: str | None = None) -> Iterator[Model]:
        """The project's models sorted by name, streamed: memory does not grow with the catalog."""
        sql = f"SELECT {_MODEL_COLUMNS} FROM models WHERE project = ?"
        args: tuple = (project,)
        if like is not None:
            sql += " AND name LIKE ?"
            args = (project, like)
        for row in self._db.execute(sql + " ORDER BY name", args):
            yield _model(row)

    def insert_model(self, model: Model, first_version: Version) -> None:
        cursor = self._db.execute(
            "INSERT INTO models (project, name, owner, source_type, model_type, default_version, comment, "
            "create_time, last_modified_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                model.project, model.name, model.owner, model.source_type, model.model_type,
                model.default_version, model.comment, model.create_time, model.last_modified_time,
            ),
        )  # fmt: skip
        self._models.clear()
        self.insert_version(cast(int, cursor.lastrowid), first_version)

    def touch_model(self, model_id: int, now: str, default_version: str | None = None) -> None:
        """LastModifiedTime moves on every change to a model or its versions."""
        remembered = next((model for model in self._models.values() if model.id == model_id), None)
        if remembered is not None and remembered.last_modified_time == now and default_version is None:
            return  # the row says so already: a script's changes to a model within one second
        if default_version is None:
            self._execute("UPDATE models SET last_modified_time = ? WHERE id = ?", (now, model_id))
        else:
            self._db.execute(
                "UPDATE models SET last_modified_time = ?, default_version = ? WHERE id = ?",
                (now, default_version, model_id),
            )
        if remembered is not None:  # as the row now is
            remembered.last_modified_time = now
            if default_version is not None:
                remembered.default_version = default_version

    def delete_model(self, model_id: int) -> None:
        """The model goes with its versions and every privilege granted on it."""
        self._models.clear()
        self._db.execute("DELETE FROM model_grants WHERE model_id = ?", (model_id,))
        self._db.execute("DELETE FROM versions WHERE model_id = ?", (model_id,))
        self._db.execute("DELETE FROM models WHERE id = ?", (model_id,))

    # -- versions -----------------------------------------------------------------------------
    def get_version(self, model_id: int, name: str) -> Version | None:
        row = self._db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE model_id = ? AND name = ?", (model_id, name)
        ).fetchone()
        return _version(row) if row else None

    def version_names(self, model_id: int) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM versions WHERE model_id = ?", (model_id,))]

    def iter_versions(self, model_id: int, in_creation_order: bool = False) -> Iterator[Version]:
        """The model's versions sorted by name, or in the order they were made (rowids only grow
        among the rows that exist, so they keep that order)."""
        order = "id" if in_creation_order else "name"
        for row in self._db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE model_id = ? ORDER BY {order}", (model_id,)
        ):
            yield _version(row)

    # -- read-only listings for the REPL's completion ------------------------------------------
    # Each is one indexed range scan (names start with `prefix`, in order, at most `limit`), so
    # completion stays instant on a catalog of any size; SQLite errors become CatalogError.
    def project_names_starting(self, prefix: str, limit: int) -> list[str]:
        low, high = _prefix_range(prefix)
        with self._errors():
            rows = self._db.execute(
                "SELECT name FROM projects WHERE name >= ? AND name < ? ORDER BY name LIMIT ?", (low, high, limit)
            )
            return [r[0] for r in rows]

    def model_names_starting(self, project: str, prefix: str, limit: int) -> list[str]:
        low, high = _prefix_range(prefix)
        with self._errors():
            rows = self._db.execute(
                "SELECT name FROM models WHERE project = ? AND name >= ? AND name < ? ORDER BY name LIMIT ?",
                (project, low, high, limit),
            )
            return [r[0] for r in rows]

    def version_names_starting(self, project: str, model: str, prefix: str, limit: int) -> list[str]:
        low, high = _prefix_range(prefix)
        with self._errors():
            rows = self._db.execute(
                "SELECT v.name FROM versions v JOIN models m ON v.model_id = m.id "
                "WHERE m.project = ? AND m.name = ? AND v.name >= ? AND v.name < ? ORDER BY v.name LIMIT ?",
                (project, model, low, high, limit),
            )
            return [r[0] for r in rows]

    def member_names_starting(self, project: str, prefix: str, limit: int) -> list[str]:
        """Members whose name starts with `prefix` in any case (names are kept as written)."""
        with self._errors():
            rows = self._db.execute(
                "SELECT name FROM members WHERE project = ? AND lower(substr(name, 1, ?)) = ? ORDER BY name LIMIT ?",
                (project, len(prefix), prefix.lower(), limit),
            )
            return [r[0] for r in rows]

    def model_kind(self, project: str, name: str) -> tuple[str, str] | None:
        """(source type, model type) of a model, or None when there is no such model."""
        with self._errors():
            row = self._db.execute(
                "SELECT source_type, model_type FROM models WHERE project = ? AND name = ?", (project, name)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def insert_version(self, model_id: int, version: Version) -> bool:
        """Store a new version; False, and nothing stored, when the model has one of that name.

        The UNIQUE (model_id, name) index answers "already exists" in the same step that stores
        the version: no separate look-up for every ADD VERSION of a script.
        """
        cursor = self._execute(
            "INSERT INTO versions (model_id, name, owner, location, tasks, options, inputs, comment, "
            "key_case, create_time, last_modified_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (model_id, name) DO NOTHING",
            (
                model_id, version.name, version.owner, version.location, version.tasks,
                _to_json(version.options), _to_json(version.inputs),
                version.comment, version.key_case, version.create_time, version.last_modified_time,
            ),
        )  # fmt: skip
        return cursor.rowcount == 1

    def delete_version(self, model_id: int, name: str) -> None:
        self._db.execute("DELETE FROM versions WHERE model_id = ? AND name = ?", (model_id, name))


def _copy_file_into(path: str, target: sqlite3.Connection) -> None:
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    try:
        source = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            source.backup(target)
        finally:
            source.close()
    except sqlite3.Error as error:
        raise CatalogError(f"cannot read catalog '{path}': {_reason(error)}") from None


class _Transaction:
    """`with catalog.transaction(write)`: BEGIN, then COMMIT, or ROLLBACK if the body raised.

    A plain class rather than @contextmanager: it runs for every statement of a script, and
    sqlite3 errors become CatalogError here, in one place.
    """

    __slots__ = ("_catalog", "_write")

    def __init__(self, catalog: Catalog, write: bool):
        self._catalog = catalog
        self._write = write

    def __enter__(self) -> None:
        try:
            self._catalog._db.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
        except sqlite3.Error as error:
            raise self._catalog._catalog_error(error) from None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        catalog = self._catalog
        catalog._models.clear()  # see get_model
        if kind is None:
            try:
                catalog._db.execute("COMMIT")  # may wait for readers to leave (rollback-journal mode)
            except sqlite3.Error as failure:
                catalog._rollback()
                raise catalog._catalog_error(failure) from None
            return
        catalog._rollback()
        if isinstance(error, sqlite3.Error):
            raise catalog._catalog_error(error) from None
        # anything else goes on as it was raised


class _BatchedStatement:
    """`with catalog.batched_statement()`: the batch's BEGIN IMMEDIATE if none is open, then
    SAVEPOINT; RELEASE when the body succeeds, ROLLBACK TO (this statement only) when it raised."""

    __slots__ = ("_catalog",)

    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    def __enter__(self) -> None:
        catalog = self._catalog
        try:
            if not catalog._db.in_transaction:
                catalog._execute("BEGIN IMMEDIATE")
            catalog._execute("SAVEPOINT statement")
        except sqlite3.Error as error:
            raise self._catalog._catalog_error(error) from None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        catalog = self._catalog
        try:
            if kind is None:
                catalog._execute("RELEASE statement")
                return
            catalog._projects.clear()  # as in _rollback
            catalog._models.clear()
            catalog._db.execute("ROLLBACK TO statement")
            catalog._db.execute("RELEASE statement")
        except sqlite3.Error as failure:
            catalog._rollback()  # SQLite may have rolled back the whole batch already (a full disk)
            raise catalog._catalog_error(failure) from None
        if isinstance(error, sqlite3.Error):
            raise catalog._catalog_error(error) from None


def _create_private_file(path: str) -> None:
    """A new catalog is readable by its owner only: create it 0600 before SQLite opens it."""
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "it is a directory, not a catalog file")
    if os.path.exists(path):
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except FileExistsError:  # a file stands where the directory should be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), directory) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another mcshell created it first


def _prefix_range(prefix: str) -> tuple[str, str]:
    """Names are stored in lower case; every name starting with `prefix` sorts in [low, high)."""
    low = prefix.lower()
    return low, low + "\U0010ffff"


def _make_private(path: str) -> None:
    """An empty file about to become a catalog (one the user made with `touch`, say) is made 0600
    too, before WAL mode creates its -wal and -shm files, which copy its mode."""
    if os.path.isfile(path):
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass  # someone else's file that we may write to but not chmod: use it as it is


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:  # without Python's "[Errno 20]"
        return f"'{error.filename}': {error.strerror}" if error.filename else error.strerror
    return str(error) or type(error).__name__

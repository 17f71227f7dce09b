"""The catalog's queries: the small API the handlers read and change the catalog through.

Opening a file is in schema.py and connection.py, transactions in transactions.py, the records
handed out in records.py. Every statement runs in one transaction (`with catalog.transaction(
write=...)`), so a statement that fails, or a process killed half-way, changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

from mcshell.catalog.connection import MEMORY, has_catalog, open_copy, open_existing, open_file, scalar
from mcshell.catalog.grants import Grants
from mcshell.catalog.records import (
    MODEL_COLUMNS,
    PUBLIC_PROJECT,
    SYSTEM_OWNER,
    VERSION_COLUMNS,
    Model,
    Project,
    PullRecord,
    Version,
    model_from_row,
    to_json,
    version_from_row,
)
from mcshell.catalog.schema import prepare, public_models
from mcshell.catalog.tables import Tables
from mcshell.catalog.transactions import INSERT_PROJECT, Transactions

_SELECT_MODEL = f"SELECT {MODEL_COLUMNS} FROM models WHERE project = ? AND name = ?"


class Catalog(Transactions):
    """The catalog of one SQLite file: its transactions (transactions.py), and its queries."""

    def __init__(self, connection: sqlite3.Connection, path: str, in_memory: bool | None = None):
        super().__init__(connection, path)
        self._in_memory = path == MEMORY if in_memory is None else in_memory
        # A catalog in memory standing in for the file at `path`, which open_reading could not read in
        # place or which holds no catalog yet: the session opens the file itself before a write.
        self.stand_in = False
        self.grants = Grants(connection)  # members, roles and granted privileges (grants.py)
        self.tables = Tables(connection)  # tables and their partitions (tables.py)

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str, now: str) -> Catalog:
        """Open (or create, mode 0600) the catalog at `path`; refuse anything that is not one."""
        return cls._prepared(cls(open_file(path), path), now)

    @classmethod
    def open_reading(cls, path: str, now: str) -> Catalog:
        """The catalog at `path`, opened without writing to it (only a due migration writes): no file is
        created and no lock taken. With no catalog there yet (no file, an empty one), or one SQLite cannot
        read in place (in a read-only directory), a copy in memory stands in for it (`stand_in`), as
        `--check` reads it: a new catalog when there is no file."""
        if path == MEMORY:
            return cls.open(path, now)
        connection = open_existing(path) if has_catalog(path) else None
        if connection is not None:
            catalog = cls(connection, path)
            try:
                ready = prepare(catalog, False, now, catalog._seed_public_project, create=False)
            except BaseException:
                catalog.close()
                raise
            if ready:
                return catalog
            catalog.close()  # an SQLite file with nothing in it yet, say
        stand_in = cls.open_private_copy(path, now)
        stand_in.stand_in = True
        return stand_in

    @classmethod
    def open_private_copy(cls, path: str, now: str) -> Catalog:
        """A copy of the catalog at `path` in memory (a new catalog when there is no file yet):
        `--check` runs against it, so the file is never changed and nobody waits for it."""
        return cls._prepared(cls(open_copy(path), path, in_memory=True), now)

    @classmethod
    def _prepared(cls, catalog: Catalog, now: str) -> Catalog:
        try:
            prepare(catalog, catalog._in_memory, now, catalog._seed_public_project)
        except BaseException:
            catalog.close()
            raise
        return catalog

    def _seed_public_project(self, now: str) -> None:
        self.ensure_project(PUBLIC_PROJECT, SYSTEM_OWNER, now)
        for model, version in public_models(now):
            self.insert_model(model, version)

    def _scalar(self, sql: str, *args: object) -> Any:
        return scalar(self._db, sql, *args)

    # -- projects -----------------------------------------------------------------------------
    def ensure_project(self, name: str, owner: str, now: str) -> None:
        self._db.execute(INSERT_PROJECT, (name, owner, now))

    def expect_project(self, name: str, owner: str, now: str) -> None:
        """The session's project exists for its statements from now on: reads see it, and the first
        write transaction writes it (see Transactions.expected) unless another process did first."""
        self.expected = Project(name, owner, now)

    def project_exists(self, name: str) -> bool:
        return self.get_project(name) is not None

    def get_project(self, name: str) -> Project | None:
        """A project, remembered once found: no statement changes or removes one, so a script's
        every statement need not read its project again (a rollback forgets them all)."""
        known = self._projects.get(name)
        if known is not None:
            return known
        row = self._db.execute("SELECT name, owner, create_time FROM projects WHERE name = ?", (name,)).fetchone()
        if row is None:
            expected = self.expected
            return expected if expected is not None and expected.name == name else None
        self._projects[name] = project = Project(*row)
        return project

    def pull_record(self, project: str) -> PullRecord | None:
        """Where, when and as whom `mcshell pull` last wrote the project; None if it never did."""
        row = self._db.execute("SELECT endpoint, user, time FROM pulls WHERE project = ?", (project,)).fetchone()
        return PullRecord(*row) if row else None

    def replace_project_row(self, project: Project, pulled: PullRecord) -> None:
        """A pull's one change to a project's row (owner, create time, as the remote says) and its record."""
        self._projects.pop(project.name, None)
        self._db.execute(
            "INSERT INTO projects (name, owner, create_time) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
            "SET owner = excluded.owner, create_time = excluded.create_time",
            (project.name, project.owner, project.create_time),
        )
        self._db.execute(
            "INSERT OR REPLACE INTO pulls (project, endpoint, user, time) VALUES (?, ?, ?, ?)",
            (project.name, pulled.endpoint, pulled.user, pulled.time),
        )

    def user_projects(self) -> list[str]:
        """Every project but the public one, sorted by name."""
        return [
            r[0] for r in self._db.execute("SELECT name FROM projects WHERE name != ? ORDER BY name", (PUBLIC_PROJECT,))
        ]

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
        model = model_from_row(row)
        if self._db.in_transaction:
            self._models[key] = model
        return model

    def model_names(self, project: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM models WHERE project = ?", (project,))]

    def iter_models(self, project: str, like: str | None = None) -> Iterator[Model]:
        """The project's models sorted by name, streamed: memory does not grow with the catalog."""
        sql = f"SELECT {MODEL_COLUMNS} FROM models WHERE project = ?"
        args: tuple = (project,)
        if like is not None:
            sql += " AND name LIKE ?"
            args = (project, like)
        for row in self._db.execute(sql + " ORDER BY name", args):
            yield model_from_row(row)

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
        """LastModifiedTime moves on every change to a model or its versions. A remembered model is
        replaced by a new record, as the row now is: whoever holds the old one keeps what it read."""
        key = next((key for key, model in self._models.items() if model.id == model_id), None)
        remembered = None if key is None else self._models[key]
        if remembered is not None and remembered.last_modified_time == now and default_version is None:
            return  # the row says so already: a script's changes to a model within one second
        if default_version is None:
            self._execute("UPDATE models SET last_modified_time = ? WHERE id = ?", (now, model_id))
        else:
            self._db.execute(
                "UPDATE models SET last_modified_time = ?, default_version = ? WHERE id = ?",
                (now, default_version, model_id),
            )
        if key is not None and remembered is not None:
            default = remembered.default_version if default_version is None else default_version
            self._models[key] = replace(remembered, last_modified_time=now, default_version=default)

    def delete_model(self, model_id: int) -> None:
        """The model goes with its versions and every privilege granted on it (to users and roles):
        a model created again under the same name starts with none."""
        self._models.clear()
        self._db.execute("DELETE FROM model_grants WHERE model_id = ?", (model_id,))
        self._db.execute("DELETE FROM versions WHERE model_id = ?", (model_id,))
        self._db.execute("DELETE FROM models WHERE id = ?", (model_id,))

    # -- versions -----------------------------------------------------------------------------
    def get_version(self, model_id: int, name: str) -> Version | None:
        row = self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE model_id = ? AND name = ?", (model_id, name)
        ).fetchone()
        return version_from_row(row) if row else None

    def version_names(self, model_id: int) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM versions WHERE model_id = ?", (model_id,))]

    def iter_versions(self, model_id: int, in_creation_order: bool = False) -> Iterator[Version]:
        """The model's versions sorted by name, or in the order they were made (rowids only grow
        among the rows that exist, so they keep that order)."""
        order = "id" if in_creation_order else "name"
        for row in self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE model_id = ? ORDER BY {order}", (model_id,)
        ):
            yield version_from_row(row)

    # -- read-only listings for the REPL's completion ------------------------------------------
    # Each is one indexed range scan (names start with `prefix`, in order, at most `limit`), so
    # completion stays instant on a catalog of any size; SQLite errors become CatalogError.
    def project_names_starting(self, prefix: str, limit: int) -> list[str]:
        low, high = _prefix_range(prefix)
        with self.errors():
            rows = self._db.execute(
                "SELECT name FROM projects WHERE name >= ? AND name < ? ORDER BY name LIMIT ?", (low, high, limit)
            )
            return [r[0] for r in rows]

    def model_names_starting(self, project: str, prefix: str, limit: int) -> list[str]:
        low, high = _prefix_range(prefix)
        with self.errors():
            rows = self._db.execute(
                "SELECT name FROM models WHERE project = ? AND name >= ? AND name < ? ORDER BY name LIMIT ?",
                (project, low, high, limit),
            )
            return [r[0] for r in rows]

    def version_names_starting(self, project: str, model: str, prefix: str, limit: int) -> list[str]:
        low, high = _prefix_range(prefix)
        with self.errors():
            rows = self._db.execute(
                "SELECT v.name FROM versions v JOIN models m ON v.model_id = m.id "
                "WHERE m.project = ? AND m.name = ? AND v.name >= ? AND v.name < ? ORDER BY v.name LIMIT ?",
                (project, model, low, high, limit),
            )
            return [r[0] for r in rows]

    def member_names_starting(self, project: str, prefix: str, limit: int) -> list[str]:
        """Members whose name starts with `prefix` in any case (names are kept as written)."""
        with self.errors():
            rows = self._db.execute(
                "SELECT name FROM members WHERE project = ? AND lower(substr(name, 1, ?)) = ? ORDER BY name LIMIT ?",
                (project, len(prefix), prefix.lower(), limit),
            )
            return [r[0] for r in rows]

    def role_names_starting(self, project: str, prefix: str, limit: int) -> list[str]:
        """The project's own roles whose name starts with `prefix` in any case, as created."""
        with self.errors():
            rows = self._db.execute(
                "SELECT name FROM roles WHERE project = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?",
                (project, *_prefix_range(prefix), limit),
            )
            return [r[0] for r in rows]

    def model_kind(self, project: str, name: str) -> tuple[str, str] | None:
        """(source type, model type) of a model, or None when there is no such model."""
        with self.errors():
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
                to_json(version.options), to_json(version.inputs),
                version.comment, version.key_case, version.create_time, version.last_modified_time,
            ),
        )  # fmt: skip
        return cursor.rowcount == 1

    def delete_version(self, model_id: int, name: str) -> None:
        self._db.execute("DELETE FROM versions WHERE model_id = ? AND name = ?", (model_id, name))


def _prefix_range(prefix: str) -> tuple[str, str]:
    """Names are stored in lower case; every name starting with `prefix` sorts in [low, high)."""
    low = prefix.lower()
    return low, low + "\U0010ffff"

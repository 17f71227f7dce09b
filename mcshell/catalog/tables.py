"""The projects' tables: their schemas (columns, partition keys, comments, lifecycle) and their
partitions, and which row segments are live (the rows themselves are in DuckDB: mcshell/rows/).

A table belongs to a project, in its one schema `default`, as models do. Its columns are stored as
JSON, in their order; its partitions as `k1=v1/k2=v2` specs, one row each. DROP TABLE takes the
partitions along.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mcshell.value import Value


@dataclass(eq=False, repr=False)
class TableColumnMeta(Value):
    name: str  # lower case, as names are case-insensitive
    type: str  # as DESC prints it: lower case (`bigint`, `decimal(10,2)`, `array<string>`)
    comment: str = ""
    not_null: bool = False


@dataclass(eq=False, repr=False)
class TableMeta(Value):
    project: str
    name: str
    owner: str
    comment: str
    columns: tuple[TableColumnMeta, ...]
    partition_columns: tuple[TableColumnMeta, ...]
    lifecycle: int | None
    create_time: str
    last_ddl_time: str
    last_modified_time: str
    id: int = 0  # the catalog's row id: 0 before it is stored


_COLUMNS = (
    "project, name, owner, comment, columns, partition_columns, lifecycle, create_time, last_ddl_time, "
    "last_modified_time, id"
)


def _columns_json(columns: tuple[TableColumnMeta, ...]) -> str:
    return json.dumps([[c.name, c.type, c.comment, c.not_null] for c in columns], ensure_ascii=False)


# The columns of the JSON texts read, by text: a script's statements read the few tables it names
# again and again, and the same text is always the same columns (records nobody changes: a change
# is a new record). Emptied when it holds many, so it never grows with the catalog.
_READ_COLUMNS: dict[str, tuple[TableColumnMeta, ...]] = {}
_READ_COLUMNS_MAX = 512


def _columns_from(text: str) -> tuple[TableColumnMeta, ...]:
    found = _READ_COLUMNS.get(text)
    if found is None:
        if len(_READ_COLUMNS) >= _READ_COLUMNS_MAX:
            _READ_COLUMNS.clear()
        found = _READ_COLUMNS[text] = tuple(
            TableColumnMeta(name, kind, comment, bool(not_null)) for name, kind, comment, not_null in json.loads(text)
        )
    return found


def _table_from(row: Any) -> TableMeta:
    project, name, owner, comment, columns, partitions, *rest = row
    return TableMeta(project, name, owner, comment, _columns_from(columns), _columns_from(partitions), *rest)


class Tables:
    """The table tables, over the catalog's connection (inside the statement's transaction)."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection

    def get(self, project: str, name: str) -> TableMeta | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM tables WHERE project = ? AND name = ?", (project, name)
        ).fetchone()
        return _table_from(row) if row else None

    def names(self, project: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM tables WHERE project = ?", (project,))]

    def iter_tables(self, project: str, like: str | None = None) -> Iterator[TableMeta]:
        """The project's tables sorted by name (LIKE: `%` and `_`, case-insensitive as names are)."""
        sql = f"SELECT {_COLUMNS} FROM tables WHERE project = ?"
        args: tuple[str, ...] = (project,)
        if like is not None:
            sql, args = sql + " AND name LIKE ?", (project, like)
        for row in self._db.execute(sql + " ORDER BY name", args):
            yield _table_from(row)

    def insert(self, table: TableMeta) -> None:
        self._db.execute(
            "INSERT INTO tables (project, name, owner, comment, columns, partition_columns, lifecycle, create_time, "
            "last_ddl_time, last_modified_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                table.project, table.name, table.owner, table.comment, _columns_json(table.columns),
                _columns_json(table.partition_columns), table.lifecycle, table.create_time, table.last_ddl_time,
                table.last_modified_time,
            ),
        )  # fmt: skip

    def set_columns(self, table_id: int, columns: tuple[TableColumnMeta, ...], now: str) -> None:
        self._db.execute(
            "UPDATE tables SET columns = ?, last_ddl_time = ? WHERE id = ?", (_columns_json(columns), now, table_id)
        )

    def touch(self, table_id: int, now: str) -> None:
        """LastDDLTime moves on every change to the table's metadata (its partitions too)."""
        self._db.execute("UPDATE tables SET last_ddl_time = ? WHERE id = ?", (now, table_id))

    def touch_data(self, table_id: int, now: str) -> None:
        """LastModifiedTime moves when the table's rows change (INSERT, tunnel upload)."""
        self._db.execute("UPDATE tables SET last_modified_time = ? WHERE id = ?", (now, table_id))

    def delete(self, table_id: int) -> None:
        """The table goes with its partitions and the grants on it: one created again under the name
        starts with none (ACL grants do not pass to a re-created object: the GRANT page)."""
        self._db.execute("DELETE FROM partitions WHERE table_id = ?", (table_id,))
        self._db.execute("DELETE FROM segments WHERE table_id = ?", (table_id,))
        self._db.execute("DELETE FROM table_grants WHERE table_id = ?", (table_id,))
        self._db.execute("DELETE FROM tables WHERE id = ?", (table_id,))

    # -- partitions -------------------------------------------------------------------------
    def partitions(self, table_id: int) -> list[str]:
        """The table's partition specs (`dt=20261201/region=hz`), sorted."""
        rows = self._db.execute("SELECT spec FROM partitions WHERE table_id = ? ORDER BY spec", (table_id,))
        return [r[0] for r in rows]

    def partition_count(self, table_id: int) -> int:
        row = self._db.execute("SELECT count(*) FROM partitions WHERE table_id = ?", (table_id,)).fetchone()
        return int(row[0])

    def has_partition(self, table_id: int, spec: str) -> bool:
        found = self._db.execute("SELECT 1 FROM partitions WHERE table_id = ? AND spec = ?", (table_id, spec))
        return found.fetchone() is not None

    def add_partition(self, table_id: int, spec: str, now: str) -> None:
        self._db.execute("INSERT INTO partitions (table_id, spec, create_time) VALUES (?, ?, ?)", (table_id, spec, now))

    def drop_partition(self, table_id: int, spec: str) -> None:
        """The partition goes with its rows: its segments are no longer live."""
        self._db.execute("DELETE FROM partitions WHERE table_id = ? AND spec = ?", (table_id, spec))
        self._db.execute("DELETE FROM segments WHERE table_id = ? AND spec = ?", (table_id, spec))

    # -- segments: which rows are live (docs/development.md, "Where rows live") -----------------
    def segments(self, table_id: int) -> list[Segment]:
        """The table's live segments, by partition spec then key."""
        rows = self._db.execute(
            "SELECT spec, key, row_count, storage FROM segments WHERE table_id = ? ORDER BY spec, key", (table_id,)
        )
        return [Segment(*row) for row in rows]

    def add_segment(self, table_id: int, segment: Segment) -> None:
        self._db.execute(
            "INSERT INTO segments (table_id, spec, key, row_count, storage) VALUES (?, ?, ?, ?, ?)",
            (table_id, segment.spec, segment.key, segment.row_count, segment.storage),
        )

    def drop_segments(self, table_id: int, spec: str) -> None:
        """OVERWRITE: the rows of the partition `spec` ('' for a table without partitions) are gone."""
        self._db.execute("DELETE FROM segments WHERE table_id = ? AND spec = ?", (table_id, spec))

    def live_segments(self) -> set[tuple[int, int]]:
        """(storage, key) of every live segment of every table: what the row store keeps."""
        return {(row[0], row[1]) for row in self._db.execute("SELECT storage, key FROM segments")}


@dataclass(eq=False, repr=False)
class Segment(Value):
    """Rows written by one statement into one partition: `row_count` rows under `key`, in the DuckDB
    table named by `storage` (one per catalog table, never reused by a table created again)."""

    spec: str  # `k=v/k2=v2`, '' for a table without partitions
    key: int
    row_count: int
    storage: int

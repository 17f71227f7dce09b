"""The row store: a DuckDB file beside the catalog (`<catalog>.rows`) holding the rows of tables.

SQLite stays the one source of truth (docs/development.md, "Where rows live"): the catalog's
`segments` table says which rows are live. Each catalog table has one DuckDB table, `t<storage>`
(a random key recorded with its segments, so a table created again under the same name never sees
the old rows), holding `_segment` (the key of the statement that wrote the row) and the table's
data columns; partition values are in the segment's spec, not in the rows. `mcshell_segments`
lists every segment ever written, so the garbage (segments SQLite no longer lists: a dropped table
or partition, an OVERWRITE, a failed statement) is found without reading any row.
"""

from __future__ import annotations

import os
from typing import Any

from mcshell.catalog.store import Catalog
from mcshell.catalog.tables import Segment, TableColumnMeta, TableMeta
from mcshell.errors import RowStoreError
from mcshell.rows.engine import duckdb_module
from mcshell.rows.types import duckdb_type, quote_name

MEMORY = ":memory:"
REGISTRY = "mcshell_segments"
SEGMENT_COLUMN = "_segment"

# The connections open in this process, by catalog (keyed by the catalog object's id, the catalog held
# so that the id stays its own): a statement that opens the store twice (INSERT ... SELECT compiles its
# query on it, then writes) shares one connection, as DuckDB allows one configuration per file in a
# process. Each lives until its catalog closes (_release), a `:memory:` catalog's rows with it.
_OPEN: dict[int, _Open] = {}


class _Open:
    def __init__(self, catalog: Catalog, connection: Any, writable: bool):
        self.catalog, self.connection, self.writable, self.users = catalog, connection, writable, 0


def rows_path(catalog: Catalog) -> str:
    """Where the catalog's rows live: `<catalog path>.rows`, or memory for a catalog in memory."""
    return MEMORY if catalog.path == MEMORY else catalog.path + ".rows"


def storage_table(storage: int) -> str:
    return quote_name(f"t{storage}")


class RowStore:
    """One open DuckDB connection to the catalog's rows, read-only or writable."""

    def __init__(self, catalog: Catalog, connection: Any, path: str, writable: bool):
        self.catalog = catalog
        self.connection = connection
        self.path = path
        self.writable = writable

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, catalog: Catalog, write: bool) -> RowStore:
        """The store beside `catalog`: created on the first write (mode 0600, as the catalog); a
        missing file reads as no rows. DuckDB lets one process write a file, and none read it while
        one does: another mcshell holding it is one FAILED line (docs/development.md). A statement
        that reads and writes opens it for writing first: the one connection is shared until closed."""
        path = rows_path(catalog)
        held = _OPEN.get(id(catalog))
        if held is not None and (held.writable or not write):
            held.users += 1
            return cls(catalog, held.connection, path, held.writable)
        if held is not None and held.users:
            raise RowStoreError(f"the row store '{path}' was opened for reading by this statement before it wrote")
        if held is not None:  # kept open for reading by a script's batch (close): opened again to write
            del _OPEN[id(catalog)]
            held.connection.close()
        # DuckDB takes one configuration per file in a process: a reader beside a writer of this
        # process (another thread's catalog, mcshell serve) opens it as the writer did.
        writing = write or any(other.writable and rows_path(other.catalog) == path for other in _OPEN.values())
        held = _OPEN[id(catalog)] = _Open(catalog, _connect(path, writing), writing or path == MEMORY)
        catalog.on_close["rows"] = lambda: _release(catalog)
        held.users = 1
        return cls(catalog, held.connection, path, held.writable)

    def close(self) -> None:
        """Let the file go once the last user of the connection closes it (another process may open it
        then); an in-memory store lives on with its catalog. Within a script's batch, which holds the
        catalog's write lock anyway, the file stays open for the batch's next statement (opening and
        closing it costs more than a small INSERT); the first close after the batch lets it go."""
        held = _OPEN.get(id(self.catalog))
        if held is None or held.connection is not self.connection:
            return
        held.users -= 1
        if held.users <= 0 and self.path != MEMORY and not self.catalog.in_batch:
            del _OPEN[id(self.catalog)]
            self.connection.close()

    # -- reading ----------------------------------------------------------------------------
    def view(self, table: TableMeta) -> str:
        """A temporary view of the table's live rows: its data columns, then its partition columns,
        named and typed as the table has them (a column a segment's rows lack reads as NULL)."""
        name = quote_name(f"{table.project}.{table.name}")
        sql = self.live_rows_sql(table)
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        return name

    def live_rows_sql(self, table: TableMeta, ordered: bool = False, spec: str | None = None) -> str:
        """The SELECT behind `view`: one branch per DuckDB table the live segments are in. `ordered`:
        two more columns, `mcshell_branch` and `mcshell_row`, that ORDER BY puts in the order they were
        written (a download gives a file's rows in its order). `spec`: the rows of that partition only."""
        segments = [s for s in self.catalog.tables.segments(table.id) if spec is None or s.spec == spec]
        by_storage: dict[int, list[Segment]] = {}
        for segment in segments:
            by_storage.setdefault(segment.storage, []).append(segment)
        stored = self.stored_columns()
        branches = [self._branch(table, storage, found, stored) for storage, found in sorted(by_storage.items())]
        if not branches:
            nulls = [_typed_null(c) for c in (*table.columns, *table.partition_columns)]
            order = ", 0 AS mcshell_branch, 0 AS mcshell_row" if ordered else ""
            return f"SELECT {', '.join(nulls)}{order} WHERE false"
        if not ordered:
            return " UNION ALL ".join(f"SELECT * EXCLUDE (mcshell_row) FROM ({b})" for b in branches)
        return " UNION ALL ".join(f"SELECT {at} AS mcshell_branch, * FROM ({b})" for at, b in enumerate(branches))

    def _branch(self, table: TableMeta, storage: int, segments: list[Segment], stored: dict[str, set[str]]) -> str:
        columns = stored.get(f"t{storage}")
        if columns is None:
            raise RowStoreError(
                f"the rows of {table.project}.{table.name} are missing from the row store '{self.path}' "
                f"(its DuckDB table t{storage} is not there)"
            )
        select = [quote_name(c.name) if c.name in columns else _typed_null(c) for c in table.columns]
        keys = [f"live.{quote_name('p' + str(at))}" for at in range(len(table.partition_columns))]
        select += [
            f"CAST({key} AS {duckdb_type(c.type)}) AS {quote_name(c.name)}"
            for key, c in zip(keys, table.partition_columns, strict=True)
        ]
        live = ", ".join(_live_row(segment, len(table.partition_columns)) for segment in segments)
        names = ", ".join([SEGMENT_COLUMN, *(f"p{at}" for at in range(len(table.partition_columns)))])
        return (
            f"SELECT {', '.join(select)}, r.rowid AS mcshell_row FROM {storage_table(storage)} AS r "
            f"JOIN (VALUES {live}) AS live({names}) ON r.{SEGMENT_COLUMN} = live.{SEGMENT_COLUMN}"
        )

    def stored_columns(self) -> dict[str, set[str]]:
        """Each DuckDB table of rows (`t<storage>`) with the names of its columns."""
        found: dict[str, set[str]] = {}
        rows = self.connection.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
        for table_name, column_name in rows:
            found.setdefault(table_name, set()).add(column_name)
        return found

    # -- writing (rows/write.py) ------------------------------------------------------------
    def prepare_table(self, table: TableMeta, storage: int) -> str:
        """The DuckDB table of `storage`, created or given the columns the table gained since
        (ADD COLUMNS): its SQL name. Inside the caller's DuckDB transaction."""
        name = storage_table(storage)
        stored = self.stored_columns().get(f"t{storage}")
        if stored is None:
            columns = [f"{SEGMENT_COLUMN} BIGINT NOT NULL", *(_column(c) for c in table.columns)]
            self.connection.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
        else:
            for column in table.columns:
                if column.name not in stored:
                    self.connection.execute(f"ALTER TABLE {name} ADD COLUMN {_column(column)}")
        self.connection.execute(f"CREATE TABLE IF NOT EXISTS {REGISTRY} (storage BIGINT, key BIGINT)")
        return name

    def register(self, storage: int, key: int) -> None:
        self.connection.execute(f"INSERT INTO {REGISTRY} VALUES (?, ?)", (storage, key))

    def collect_garbage(self) -> None:
        """Delete the rows of every segment SQLite no longer lists (best effort). Called inside the
        catalog's write transaction: no other process can list a segment meanwhile, since every
        writer holds the catalog's write lock from its DuckDB write to its commit."""
        if not self.writable or REGISTRY not in self.stored_columns():
            return
        (written,) = self.connection.execute(f"SELECT count(*) FROM {REGISTRY}").fetchone()
        live = self.catalog.tables.live_segments()
        if written <= len(live):
            return  # every segment ever written is live: no garbage
        rows = self.connection.execute(f"SELECT storage, key FROM {REGISTRY}").fetchall()
        dead = [(storage, key) for storage, key in rows if (storage, key) not in live]
        kept_storages = {storage for storage, _ in live}
        stored = self.stored_columns()
        self.connection.execute("BEGIN")
        try:
            for storage in sorted({storage for storage, _ in dead}):
                if storage not in kept_storages:
                    self.connection.execute(f"DROP TABLE IF EXISTS {storage_table(storage)}")
                elif f"t{storage}" in stored:
                    keys = [key for s, key in dead if s == storage]
                    self.connection.execute(
                        f"DELETE FROM {storage_table(storage)} WHERE {SEGMENT_COLUMN} IN (SELECT unnest(?))", (keys,)
                    )
                self.connection.execute(
                    f"DELETE FROM {REGISTRY} WHERE storage = ? AND key IN (SELECT unnest(?))",
                    (storage, [key for s, key in dead if s == storage]),
                )
            self.connection.execute("COMMIT")
        except Exception:
            self.connection.execute("ROLLBACK")
            raise


def _column(column: TableColumnMeta) -> str:
    return f"{quote_name(column.name)} {duckdb_type(column.type)}"


def _typed_null(column: TableColumnMeta) -> str:
    return f"CAST(NULL AS {duckdb_type(column.type)}) AS {quote_name(column.name)}"


def _live_row(segment: Segment, levels: int) -> str:
    """`(key, 'v1', 'v2')`: a live segment and its partition values, as text the view casts."""
    values = [value for _, _, value in (part.partition("=") for part in segment.spec.split("/"))] if levels else []
    return "(" + ", ".join([str(segment.key), *(_text(v) for v in values)]) + ")"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _connect(path: str, write: bool) -> Any:
    """A new DuckDB connection: memory for a catalog in memory, or for reading a file not yet made."""
    duckdb = duckdb_module()
    exists = path != MEMORY and os.path.exists(path)
    if path == MEMORY or (not write and not exists):
        return duckdb.connect(MEMORY)
    try:
        connection = duckdb.connect(path, read_only=not write)
    except duckdb.Error as error:
        raise _unusable(path, error) from None
    if not exists:
        os.chmod(path, 0o600)  # rows may be as private as the catalog
    return connection


def _unusable(path: str, error: Exception) -> RowStoreError:
    text = str(error)
    if "lock" in text.lower():
        return RowStoreError(
            f"the row store '{path}' is in use by another process: DuckDB lets one process write it "
            "(and none read it meanwhile); try again when that one has finished"
        )
    return RowStoreError(f"the row store '{path}' cannot be opened: {text}")


def _release(catalog: Catalog) -> None:
    """The catalog closes: its rows' connection goes with it (a file then free for other processes,
    the rows of a `:memory:` catalog gone with the catalog's own)."""
    held = _OPEN.pop(id(catalog), None)
    if held is not None:
        held.connection.close()

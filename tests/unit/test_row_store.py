"""The row store beside the catalog: which rows a view shows is what SQLite lists (rows/store.py)."""

from __future__ import annotations

import os
import stat

import pytest

from mcshell.catalog.store import Catalog
from mcshell.catalog.tables import Segment, TableColumnMeta, TableMeta
from mcshell.errors import NotRunLocally
from mcshell.rows.store import RowStore, rows_path
from mcshell.rows.types import duckdb_type

NOW = "2026-12-07 16:00:00"


def make_table(catalog: Catalog, name: str, columns, partitions=()) -> TableMeta:
    cols = tuple(TableColumnMeta(n, t) for n, t in columns)
    keys = tuple(TableColumnMeta(n, t) for n, t in partitions)
    with catalog.transaction(write=True):
        catalog.ensure_project("p", "ALIYUN$o", NOW)
        catalog.tables.insert(TableMeta("p", name, "ALIYUN$o", "", cols, keys, None, NOW, NOW, NOW))
    table = catalog.tables.get("p", name)
    assert table is not None
    return table


def write(catalog: Catalog, table: TableMeta, spec: str, key: int, storage: int, rows: list[tuple]) -> None:
    """What rows/write.py does: the rows under a new key in DuckDB, then the segment in SQLite."""
    store = RowStore.open(catalog, write=True)
    name = store.prepare_table(table, storage)
    columns = ", ".join(["_segment", *(f'"{c.name}"' for c in table.columns)])
    marks = ", ".join("?" * (1 + len(table.columns)))
    for row in rows:
        store.connection.execute(f"INSERT INTO {name} ({columns}) VALUES ({marks})", (key, *row))
    store.register(storage, key)
    store.close()
    with catalog.transaction(write=True):
        catalog.tables.add_segment(table.id, Segment(spec, key, len(rows), storage))


def live(catalog: Catalog, table: TableMeta) -> list[tuple]:
    with catalog.transaction(write=False):
        store = RowStore.open(catalog, write=False)
        try:
            view = store.view(table)
            return store.connection.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall()
        finally:
            store.close()


@pytest.fixture
def catalog(tmp_path):
    opened = Catalog.open(str(tmp_path / "catalog.db"), NOW)
    yield opened
    opened.close()


def test_a_catalog_without_rows_reads_as_no_rows_and_creates_no_file(catalog):
    table = make_table(catalog, "t", [("id", "bigint"), ("name", "string")])
    assert live(catalog, table) == []
    assert not os.path.exists(rows_path(catalog))


def test_the_view_shows_the_listed_segments_only_with_partition_values_typed(catalog):
    table = make_table(catalog, "t", [("id", "bigint"), ("name", "string")], [("dt", "bigint"), ("r", "string")])
    write(catalog, table, "dt=2026/r=hz", 11, 5, [(1, "a"), (2, None)])
    write(catalog, table, "dt=2027/r=it's", 12, 5, [(3, "c")])
    store = RowStore.open(catalog, write=True)
    store.prepare_table(table, 5)
    store.connection.execute("INSERT INTO t5 VALUES (99, 9, 'orphan')")  # a statement that failed
    store.register(5, 99)
    store.close()
    assert live(catalog, table) == [(1, "a", 2026, "hz"), (2, None, 2026, "hz"), (3, "c", 2027, "it's")]
    assert stat.S_IMODE(os.stat(rows_path(catalog)).st_mode) == 0o600


def test_dropping_a_table_or_partition_drops_its_rows_and_the_garbage_goes_at_the_next_write(catalog):
    table = make_table(catalog, "t", [("id", "bigint")], [("dt", "string")])
    write(catalog, table, "dt=a", 1, 7, [(1,)])
    write(catalog, table, "dt=b", 2, 7, [(2,)])
    with catalog.transaction(write=True):
        catalog.tables.add_partition(table.id, "dt=a", NOW)
        catalog.tables.drop_partition(table.id, "dt=a")
    assert live(catalog, table) == [(2, "b")]
    with catalog.transaction(write=True):
        catalog.tables.delete(table.id)
    again = make_table(catalog, "t", [("id", "bigint")], [("dt", "string")])
    assert live(catalog, again) == []  # a table created again never sees the old rows
    with catalog.transaction(write=True):
        store = RowStore.open(catalog, write=True)
        store.collect_garbage()
        tables = store.stored_columns()
        left = store.connection.execute("SELECT count(*) FROM mcshell_segments").fetchone()
        store.close()
    assert "t7" not in tables and left == (0,)


def test_a_column_added_later_reads_as_null_for_older_rows(catalog):
    table = make_table(catalog, "t", [("id", "bigint")])
    write(catalog, table, "", 1, 3, [(1,)])
    with catalog.transaction(write=True):
        catalog.tables.set_columns(table.id, (*table.columns, TableColumnMeta("d", "decimal(10,2)")), NOW)
    wider = catalog.tables.get("p", "t")
    assert live(catalog, wider) == [(1, None)]
    write(catalog, wider, "", 2, 3, [(2, "1.50")])
    from decimal import Decimal

    assert live(catalog, wider) == [(1, None), (2, Decimal("1.50"))]


def test_another_process_writing_the_store_is_one_clear_error(catalog, tmp_path):
    import subprocess
    import sys

    table = make_table(catalog, "t", [("id", "bigint")])
    write(catalog, table, "", 1, 3, [(1,)])
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys\nc = duckdb.connect({rows_path(catalog)!r})\nprint('held')\n"
         "sys.stdout.flush()\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline() == "held\n"
        from mcshell.errors import RowStoreError

        with pytest.raises(RowStoreError) as refused:
            RowStore.open(catalog, write=True)
        assert refused.value.message == (
            f"the row store '{rows_path(catalog)}' is in use by another process: DuckDB lets one process write it "
            "(and none read it meanwhile); try again when that one has finished"
        )
    finally:
        holder.communicate("")


def test_every_type_maps_faithfully_or_is_refused():
    assert [duckdb_type(t) for t in ("tinyint", "smallint", "int", "bigint", "float", "double")] == [
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE",
    ]  # fmt: skip
    assert [duckdb_type(t) for t in ("decimal", "decimal(10,2)", "string", "varchar(8)", "char(3)")] == [
        "DECIMAL(38,18)", "DECIMAL(10,2)", "VARCHAR", "VARCHAR", "VARCHAR",
    ]  # fmt: skip
    assert [duckdb_type(t) for t in ("boolean", "binary", "date", "datetime", "timestamp", "timestamp_ntz")] == [
        "BOOLEAN", "BLOB", "DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_NS",
    ]  # fmt: skip
    assert duckdb_type("map<string,array<struct<a:int,b:decimal(5,1)>>>") == (
        'MAP(VARCHAR, STRUCT("a" INTEGER, "b" DECIMAL(5,1))[])'
    )
    with pytest.raises(NotRunLocally) as refused:
        duckdb_type("json")
    assert refused.value.message == "mcshell does not run this locally: type json has no faithful DuckDB type"

"""A catalog of the schema before tables opens, gains the table tables, and loses nothing."""

from __future__ import annotations

import sqlite3

from mcshell.catalog.schema import SCHEMA_VERSION
from mcshell.catalog.store import Catalog
from mcshell.catalog.tables import TableColumnMeta, TableMeta

NOW = "2026-12-01 00:00:00"
BEFORE_TABLES = 5  # the schema version before the tables migration


def test_a_catalog_without_tables_gains_them_and_keeps_its_models(tmp_path):
    path = str(tmp_path / "old.db")
    Catalog.open(path, NOW).close()
    with sqlite3.connect(path) as db:
        for table in ("segments", "table_grants", "partitions", "tables"):
            db.execute(f"DROP TABLE {table}")
        db.execute(f"PRAGMA user_version={BEFORE_TABLES}")
        models = db.execute("SELECT * FROM models ORDER BY id").fetchall()
    db.close()

    catalog = Catalog.open(path, NOW)
    with catalog.transaction(write=False):
        assert catalog.tables.names("my_project") == []
    catalog.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT * FROM models ORDER BY id").fetchall() == models
        found = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert {"tables", "partitions", "table_grants"} <= found


BEFORE_SEGMENTS = 6  # the schema version before the row segments migration


def test_a_catalog_with_tables_but_no_segments_gains_them_and_keeps_its_tables(tmp_path):
    path = str(tmp_path / "old.db")
    catalog = Catalog.open(path, NOW)
    with catalog.transaction(write=True):
        catalog.ensure_project("p", "ALIYUN$o", NOW)
        catalog.tables.insert(
            TableMeta("p", "t", "ALIYUN$o", "", (TableColumnMeta("id", "bigint"),), (), None, NOW, NOW, NOW)
        )
    catalog.close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE segments")
        db.execute(f"PRAGMA user_version={BEFORE_SEGMENTS}")
        tables = db.execute("SELECT * FROM tables").fetchall()
    db.close()

    catalog = Catalog.open(path, NOW)
    with catalog.transaction(write=False):
        table = catalog.tables.get("p", "t")
        assert table is not None and catalog.tables.segments(table.id) == []
    catalog.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (7,)
        assert db.execute("SELECT * FROM tables").fetchall() == tables
        assert db.execute("SELECT count(*) FROM segments").fetchone() == (0,)
    db.close()

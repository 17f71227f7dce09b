"""The write path (rows/write.py): INSERT's rows and OVERWRITE, atomic with the catalog's transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from mcshell.catalog.store import Catalog
from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import InvalidPartitionKey
from mcshell.rows.store import RowStore
from mcshell.rows.write import insert_query, insert_rows
from mcshell.rules.context import Context

NOW = "2026-12-07 16:00:00"


@pytest.fixture
def ctx(tmp_path):
    catalog = Catalog.open(str(tmp_path / "catalog.db"), NOW)
    with catalog.transaction(write=True):
        catalog.ensure_project("p", "ALIYUN$o", NOW)
    yield Context(catalog, "ALIYUN$o", "p", lambda: NOW)
    catalog.close()


def make_table(ctx: Context, name: str, columns, partitions=()) -> TableMeta:
    cols = tuple(TableColumnMeta(n, t) for n, t in columns)
    keys = tuple(TableColumnMeta(n, t) for n, t in partitions)
    with ctx.catalog.transaction(write=True):
        ctx.catalog.tables.insert(TableMeta("p", name, "ALIYUN$o", "", cols, keys, None, NOW, NOW, NOW))
    table = ctx.catalog.tables.get("p", name)
    assert table is not None
    return table


def live(ctx: Context, table: TableMeta) -> list[tuple]:
    with ctx.catalog.transaction(write=False):
        store = RowStore.open(ctx.catalog, write=False)
        try:
            return store.connection.execute(f"SELECT * FROM {store.view(table)} ORDER BY ALL").fetchall()
        finally:
            store.close()


def test_rows_of_every_scalar_type_go_in_and_read_back_as_written(ctx):
    types = [("a", "tinyint"), ("b", "smallint"), ("c", "int"), ("d", "bigint"), ("e", "float"), ("f", "double"),
             ("g", "decimal(10,2)"), ("h", "string"), ("i", "varchar(5)"), ("j", "boolean"), ("k", "binary"),
             ("l", "date"), ("m", "datetime"), ("n", "array<bigint>"), ("o", "map<string,bigint>"),
             ("p", "struct<x:int,y:string>")]  # fmt: skip
    table = make_table(ctx, "t", types)
    row = (1, 2, 3, 2**63 - 1, 0.5, 0.1, Decimal("12.34"), "é'\"", "abc", True, b"\x00\xff",
           datetime.date(2026, 12, 7), datetime.datetime(2026, 12, 7, 1, 2, 3), [1, None], {"k": 1},
           {"x": 1, "y": "a"})  # fmt: skip
    with ctx.catalog.transaction(write=True):
        assert insert_rows(ctx, table, None, [row, (None,) * len(types)], overwrite=False) == 2
    assert live(ctx, table) == [row, (None,) * len(types)]


def test_insert_into_appends_overwrite_replaces_and_a_partition_is_created(ctx):
    table = make_table(ctx, "t", [("id", "bigint")], [("dt", "string")])
    with ctx.catalog.transaction(write=True):
        insert_rows(ctx, table, "dt=a", [(1,), (2,)], overwrite=False)
        insert_rows(ctx, table, "dt=b", [(3,)], overwrite=False)
        insert_rows(ctx, table, "dt=a", [(4,)], overwrite=False)
    assert live(ctx, table) == [(1, "a"), (2, "a"), (3, "b"), (4, "a")]
    with ctx.catalog.transaction(write=True):
        assert insert_query(ctx, table, "dt=a", "SELECT 7 UNION ALL SELECT 8", overwrite=True) == 2
        assert ctx.catalog.tables.partitions(table.id) == ["dt=a", "dt=b"]
    assert live(ctx, table) == [(3, "b"), (7, "a"), (8, "a")]


def test_a_statement_that_fails_leaves_no_rows(ctx):
    table = make_table(ctx, "t", [("id", "bigint")])
    with pytest.raises(ZeroDivisionError):
        with ctx.catalog.transaction(write=True):
            insert_rows(ctx, table, None, [(1,)], overwrite=False)
            raise ZeroDivisionError  # a later failure of the same statement: SQLite rolls back
    assert live(ctx, table) == []
    with ctx.catalog.transaction(write=True):
        insert_rows(ctx, table, None, [(2,)], overwrite=False)  # collects the garbage
        store = RowStore.open(ctx.catalog, write=True)
        stored = store.connection.execute("SELECT count(*) FROM mcshell_segments").fetchone()
        store.close()
    assert live(ctx, table) == [(2,)] and stored == (1,)


def test_a_partition_spec_must_match_the_table(ctx):
    plain = make_table(ctx, "plain", [("id", "bigint")])
    parted = make_table(ctx, "parted", [("id", "bigint")], [("dt", "string")])
    with ctx.catalog.transaction(write=True):
        with pytest.raises(InvalidPartitionKey) as refused:
            insert_rows(ctx, parted, None, [(1,)], overwrite=False)
        assert refused.value.message == "table p.parted is partitioned: rows go into a partition (dt)"
        with pytest.raises(InvalidPartitionKey) as refused:
            insert_rows(ctx, plain, "dt=a", [(1,)], overwrite=False)
        assert refused.value.message == "table p.plain is not partitioned"


def test_a_query_whose_values_duckdb_would_change_on_the_way_in_is_refused(ctx):
    from mcshell.errors import NotRunLocally

    table = make_table(ctx, "t", [("id", "bigint"), ("name", "string"), ("d", "decimal(10,2)")])
    with ctx.catalog.transaction(write=True):
        store = RowStore.open(ctx.catalog, write=True)  # as a caller that compiled the query on it
        try:
            assert insert_query(ctx, table, None, "SELECT 1::TINYINT, 'a', 1.5", overwrite=False) == 1
            refusals = {
                "SELECT 1.5::DOUBLE, 'a', 1": "a DOUBLE value into column id (bigint)",
                "SELECT 1, 0.1::DOUBLE, 1": "a DOUBLE value into column name (string)",
                "SELECT 1, 'a', 1.125": "a DECIMAL(4,3) value into column d (decimal(10,2))",
            }
            for sql, what in refusals.items():
                with pytest.raises(NotRunLocally) as refused:
                    insert_query(ctx, table, None, sql, overwrite=False)
                assert refused.value.message == (
                    f"mcshell does not run this locally: {what}: DuckDB's conversion is not known to be MaxCompute's"
                )
        finally:
            store.close()
    assert live(ctx, table) == [(1, "a", Decimal("1.50"))]


def test_a_query_that_overfills_a_string_or_gives_an_infinity_writes_nothing(ctx):
    from mcshell.errors import NotRunLocally

    table = make_table(ctx, "t", [("v", "varchar(3)"), ("d", "double"), ("f", "float")])
    with ctx.catalog.transaction(write=True):
        store = RowStore.open(ctx.catalog, write=True)  # as a caller that compiled the query on it
        try:
            assert insert_query(ctx, table, None, "SELECT 'abc', 1.5::DOUBLE, 1::FLOAT", overwrite=False) == 1
            refusals = {
                "SELECT 'abcd', 1::DOUBLE, 1::FLOAT": "the query gives column v (varchar(3)) a value longer than 3 "
                "characters",
                "SELECT 'a', 'inf'::DOUBLE, 1::FLOAT": "the query gives column d (double) an Infinity or NaN (a "
                "DOUBLE overflow: MaxCompute 2.0 reports an error)",
                "SELECT 'a', 1::DOUBLE, 'nan'::FLOAT": "the query gives column f (float) an Infinity or NaN (a "
                "DOUBLE overflow: MaxCompute 2.0 reports an error)",
            }
            for sql, what in refusals.items():
                with pytest.raises(NotRunLocally) as refused:
                    insert_query(ctx, table, None, sql, overwrite=False)
                assert refused.value.message == f"mcshell does not run this locally: {what}"
        finally:
            store.close()
    assert live(ctx, table) == [("abc", 1.5, 1.0)]

"""tunnel upload and download in-process, on random rows of random schemas (hypothesis): what upload
stores is the values the file wrote, and what download writes reads back as the same values."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from mcshell.catalog.store import Catalog
from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import NotRunLocally
from mcshell.rows.store import RowStore
from mcshell.rows.tunnel import TunnelFormat, download, upload
from mcshell.rules.context import Context

NOW = "2026-12-07 16:00:00"
_names = itertools.count()

# type -> (values, the text a file holds for a value)
TYPES = {
    "bigint": (hs.integers(-(2**63), 2**63 - 1), str),
    "int": (hs.integers(-(2**31), 2**31 - 1), str),
    "double": (hs.floats(allow_nan=False, allow_infinity=False), repr),
    "decimal(10,2)": (hs.decimals(-(10**8) + 1, 10**8 - 1, places=2), str),
    "string": (hs.text(hs.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")), str),
    "boolean": (hs.booleans(), lambda v: "true" if v else "false"),
    "date": (hs.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)), lambda v: f"{v.year:04d}-{v:%m-%d}"),
    "datetime": (
        hs.datetimes(datetime.datetime(1000, 1, 1), datetime.datetime(9999, 12, 31)).map(
            lambda v: v.replace(microsecond=0)
        ),
        lambda v: f"{v.year:04d}-{v:%m-%d %H:%M:%S}",
    ),
}


@hs.composite
def tables(draw):
    kinds = draw(hs.lists(hs.sampled_from(sorted(TYPES)), min_size=1, max_size=6))
    rows = draw(hs.lists(hs.tuples(*(hs.none() | TYPES[k][0] for k in kinds)), max_size=8))
    return kinds, rows


def csv_field(kind: str, value) -> str:
    if value is None:
        return ""
    text = TYPES[kind][1](value)
    return '"' + text.replace('"', '""') + '"' if kind == "string" else text


def stored(ctx: Context, table: TableMeta) -> list[tuple]:
    store = RowStore.open(ctx.catalog, write=False)
    try:
        sql = store.live_rows_sql(table, ordered=True)
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        return store.connection.execute(f"SELECT {names} FROM ({sql}) ORDER BY mcshell_branch, mcshell_row").fetchall()
    finally:
        store.close()


def new_table(ctx: Context, kinds: list[str]) -> TableMeta:
    name = f"t{next(_names)}"
    columns = tuple(TableColumnMeta(f"c{at}", kind) for at, kind in enumerate(kinds))
    ctx.catalog.tables.insert(TableMeta("p", name, "ALIYUN$o", "", columns, (), None, NOW, NOW, NOW))
    table = ctx.catalog.tables.get("p", name)
    assert table is not None
    return table


@settings(max_examples=40, deadline=None)
@given(tables())
def test_random_rows_go_in_as_written_and_come_back_the_same(tmp_path_factory, schema):
    kinds, rows = schema
    folder = tmp_path_factory.mktemp("tunnel")
    catalog = Catalog.open(str(folder / "catalog.db"), NOW)
    ctx = Context(catalog, "ALIYUN$o", "p", lambda: NOW, local_files=True)
    fmt = TunnelFormat(csv=True)
    try:
        (folder / "in.csv").write_text(
            "".join(",".join(csv_field(k, v) for k, v in zip(kinds, row, strict=True)) + "\n" for row in rows),
            encoding="utf-8",
        )
        with catalog.transaction(write=True):
            catalog.ensure_project("p", "ALIYUN$o", NOW)
            first, second = new_table(ctx, kinds), new_table(ctx, kinds)
            assert upload(ctx, first, None, str(folder / "in.csv"), fmt, overwrite=False) == len(rows)
            assert stored(ctx, first) == [
                tuple(_as_stored(k, v) for k, v in zip(kinds, row, strict=True)) for row in rows
            ]
            if any(k == "double" and v is not None for row in rows for k, v in zip(kinds, row, strict=True)):
                with pytest.raises(NotRunLocally):  # odpscmd's text of a DOUBLE is not documented
                    download(ctx, first, None, str(folder / "out.csv"), fmt)
                return
            assert download(ctx, first, None, str(folder / "out.csv"), fmt) == len(rows)
            upload(ctx, second, None, str(folder / "out.csv"), fmt, overwrite=False)
            assert stored(ctx, second) == stored(ctx, first)
    finally:
        catalog.close()


def _as_stored(kind: str, value):
    """The value as DuckDB gives it back: a DECIMAL(10,2) with its two places."""
    if kind.startswith("decimal") and value is not None:
        return Decimal(value).quantize(Decimal("0.01"))
    return value

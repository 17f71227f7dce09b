"""Schema 5: the record of each project's last pull. An older catalog gains the table and loses
nothing; progress lines reach a terminal only."""

from __future__ import annotations

import io
import sqlite3

from conftest import IMPORT_V1, catalog_rows

from mcshell.catalog.records import PullRecord
from mcshell.catalog.schema import SCHEMA_VERSION
from mcshell.catalog.store import Catalog
from mcshell.output.console import Console

NOW = "2026-12-07 14:00:00"


def test_a_schema_4_catalog_gains_the_pull_records_and_loses_nothing(shell, catalog):
    assert shell("--project", "sales", "-f", "-", stdin=IMPORT_V1).status == 0
    with sqlite3.connect(catalog) as db:  # back to schema 4: no pulls table yet, no tables either
        for table in ("pulls", "segments", "table_grants", "partitions", "tables"):
            db.execute(f"DROP TABLE {table}")
        db.execute("PRAGMA user_version=4")
    db.close()
    before = [row for row in catalog_rows(catalog) if "user_version" not in row]

    opened = Catalog.open(str(catalog), NOW)
    try:
        assert opened.pull_record("sales") is None
        with opened.transaction(write=True):
            opened.replace_project_row(opened.get_project("sales"), PullRecord("http://e/api", "ALIYUN$o", NOW))
        assert opened.pull_record("sales") == PullRecord("http://e/api", "ALIYUN$o", NOW)
    finally:
        opened.close()
    after = catalog_rows(catalog)
    assert [row for row in before if row not in after] == []
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (7,)
    db.close()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_written_in_place_on_a_terminal_and_not_at_all_elsewhere():
    terminal, log = Terminal(), io.StringIO()
    for err in (terminal, log):
        console = Console(io.StringIO(), err)
        console.progress("models 1/2")
        console.progress("models 2/2")
        console.progress_done()
        console.warn("pulled ...")
    assert terminal.getvalue() == "\rmodels 1/2\x1b[K\rmodels 2/2\x1b[K\r\x1b[Kpulled ...\n"
    assert log.getvalue() == "pulled ...\n"

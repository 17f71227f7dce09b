"""SQLite failing under mcshell, injected through the catalog's connection seam (tests/faults.py),
so these run in the pure-Python and in the compiled build alike: a statement SQLite fails to
commit is one FAILED line, leaves the catalog as it was, and the next statement runs."""

from __future__ import annotations

import io
from pathlib import Path

import faults
import pytest
from conftest import IMPORT_V1, catalog_rows, import_version

from mcshell.catalog.records import Model, Version
from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError, ExitStatus
from mcshell.output.console import Console
from mcshell.repl.loop import run_entry
from mcshell.session import Session, SessionOptions

NOW = "2025-01-02 03:04:05"
MODEL = "test_xgboost_classifier"


def open_session(catalog: Path) -> tuple[Session, io.StringIO]:
    err = io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$a@b.c", "my_project"), Console(io.StringIO(), err))
    # The catalog and the project exist before any fault is armed: written by a first statement
    # that writes (a session that only reads writes nothing).
    faults.first_write(session)
    return session, err


def test_a_statement_whose_commit_fails_is_one_failed_line_and_the_next_one_runs(catalog, monkeypatch):
    """The shell commits every statement on its own: here, an entry of two CREATE MODEL statements."""
    fault = faults.inject(monkeypatch, faults.Fault("COMMIT", times=1, armed=False))
    session, err = open_session(catalog)
    before = catalog_rows(catalog)
    fault.armed = True

    run_entry(session, IMPORT_V1 + import_version(MODEL, "v2"), asker=None)
    failed_at = catalog_rows(catalog)
    run_entry(session, IMPORT_V1, asker=None)
    session.close()

    assert (fault.hits, failed_at) == (1, before)
    assert [line for line in err.getvalue().splitlines() if line.startswith(("FAILED", "OK"))] == [
        f"FAILED: ODPS-0010000: System internal error - catalog '{catalog}': database or disk is full",
        f"FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.{MODEL}",
        "OK",
    ]


def test_a_statement_whose_savepoint_cannot_be_released_loses_its_batch_and_says_so(catalog, monkeypatch):
    fault = faults.inject(monkeypatch, faults.Fault("RELEASE statement", armed=False))
    session, err = open_session(catalog)
    before = catalog_rows(catalog)
    fault.armed = True

    status = session.run_script([IMPORT_V1, import_version(MODEL, "v2")])
    session.close()

    assert fault.hits == 1
    assert (status, catalog_rows(catalog)) == (ExitStatus.FAILED, before)
    assert [line for line in err.getvalue().splitlines() if line.startswith(("FAILED", "OK"))] == [
        f"FAILED: ODPS-0010000: System internal error - catalog '{catalog}': database or disk is full",
    ]


def test_a_failed_commit_leaves_the_catalog_and_what_it_remembers_as_before(tmp_path, monkeypatch):
    fault = faults.inject(monkeypatch, faults.Fault("COMMIT", times=1, armed=False))
    catalog = Catalog.open(str(tmp_path / "c.db"), NOW)
    fault.armed = True
    try:
        with pytest.raises(CatalogError, match=f"^catalog '{tmp_path / 'c.db'}': database or disk is full$"):
            with catalog.transaction(write=True):
                catalog.ensure_project("p_lost", "ALIYUN$a", NOW)
                assert catalog.get_project("p_lost") is not None  # remembered while the transaction lasts
        with catalog.transaction(write=False):
            assert (catalog.get_project("p_lost"), catalog.user_projects()) == (None, [])
        with catalog.transaction(write=True):
            catalog.ensure_project("p_kept", "ALIYUN$a", NOW)
        with catalog.transaction(write=False):
            assert catalog.user_projects() == ["p_kept"]
    finally:
        catalog.close()
    assert fault.hits == 1


def test_a_model_changed_after_it_was_read_is_a_new_record(tmp_path):
    """touch_model leaves the record a handler holds as it read it, and get_model gives the row as it now is."""
    catalog = Catalog.open(str(tmp_path / "c.db"), NOW)
    later = "2025-01-02 03:04:06"
    try:
        with catalog.transaction(write=True):
            catalog.ensure_project("p", "ALIYUN$a", NOW)
            model = Model("p", "m", "ALIYUN$a", "REMOTE", "LLM", "v1", "", NOW, NOW)
            catalog.insert_model(model, Version("v1", "ALIYUN$a", "", "chat", {}, (), "", "upper", NOW, NOW))
            held = catalog.get_model("p", "m")
            assert held is not None
            catalog.insert_version(held.id, Version("v2", "ALIYUN$a", "", "chat", {}, (), "", "lower", NOW, NOW))
            catalog.touch_model(held.id, later, default_version="v2")
            remembered = catalog.get_model("p", "m")
            assert (held.last_modified_time, held.default_version) == (NOW, "v1")
            assert remembered is not None and (remembered.last_modified_time, remembered.default_version) == (
                later,
                "v2",
            )
        with catalog.transaction(write=False):
            assert catalog.get_model("p", "m") == remembered  # as the row is
    finally:
        catalog.close()

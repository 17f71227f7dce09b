"""DuckDB, the row engine, imported on first use: a missing, broken or too old one is one clear error."""

from __future__ import annotations

import sys
import types

import pytest

from mcshell.errors import EngineMissing
from mcshell.rows.engine import duckdb_module


def refused(monkeypatch, module) -> str:
    monkeypatch.setitem(sys.modules, "duckdb", module)
    with pytest.raises(EngineMissing) as error:
        duckdb_module()
    return error.value.message


def test_the_installed_duckdb_is_returned():
    assert duckdb_module().__name__ == "duckdb"


def test_a_missing_duckdb_names_the_extra(monkeypatch):
    assert refused(monkeypatch, None) == (
        "rows of tables need DuckDB, which is not installed: pip install 'mcshell[tables]'"
    )


def test_a_duckdb_older_than_2_0_is_refused(monkeypatch):
    old = types.ModuleType("duckdb")
    old.__version__ = "1.4.2"
    assert (
        refused(monkeypatch, old)
        == "DuckDB 1.4.2 is too old: mcshell needs 2.0 or later: pip install 'mcshell[tables]'"
    )

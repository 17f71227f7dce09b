"""Catalog.open_private_copy: what --check runs against; the file is only read."""

from __future__ import annotations

import sqlite3

import pytest

from mcshell.catalog.records import Model, Version
from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError

NOW = "2025-01-02 03:04:05"


def _add_model(catalog: Catalog, project: str, name: str) -> None:
    with catalog.transaction(write=True):
        catalog.ensure_project(project, "ALIYUN$a", NOW)
        model = Model(project, name, "ALIYUN$a", "REMOTE", "LLM", "v1", "", NOW, NOW)
        catalog.insert_model(model, Version("v1", "ALIYUN$a", "", "chat", {}, (), "", "upper", NOW, NOW))


def test_the_copy_has_the_content_and_changes_stay_in_it(tmp_path):
    path = str(tmp_path / "c.db")
    original = Catalog.open(path, NOW)
    _add_model(original, "p_one", "m1")
    original.close()
    before = list(sqlite3.connect(path).iterdump())

    copy = Catalog.open_private_copy(path, NOW)
    _add_model(copy, "p_two", "m2")

    with copy.transaction(write=False):
        assert copy.user_projects() == ["p_one", "p_two"]
    copy.close()
    assert list(sqlite3.connect(path).iterdump()) == before


def test_no_file_gives_a_new_catalog_and_creates_nothing(tmp_path):
    path = tmp_path / "missing.db"

    copy = Catalog.open_private_copy(str(path), NOW)

    with copy.transaction(write=False):
        assert copy.user_projects() == []
        assert copy.get_model("bigdata_public_modelset", "qwen3-max") is not None
    copy.close()
    assert not path.exists()


def test_a_file_that_is_not_a_catalog_is_refused(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")

    with pytest.raises(CatalogError, match="is an SQLite database but not an mcshell catalog"):
        Catalog.open_private_copy(str(path), NOW)


def test_versions_in_creation_order(tmp_path):
    catalog = Catalog.open(str(tmp_path / "c.db"), NOW)
    _add_model(catalog, "p_one", "m1")
    with catalog.transaction(write=True):
        model = catalog.get_model("p_one", "m1")
        for name in ("b", "a"):
            catalog.insert_version(model.id, Version(name, "o", "", "chat", {}, (), "", "lower", NOW, NOW))
        assert [v.name for v in catalog.iter_versions(model.id)] == ["a", "b", "v1"]
        assert [v.name for v in catalog.iter_versions(model.id, in_creation_order=True)] == ["v1", "b", "a"]
    catalog.close()


def test_one_read_only_test_for_sqlite_errors_and_the_catalog_errors_that_carry_them():
    from mcshell.catalog import connection

    written = sqlite3.OperationalError("attempt to write a readonly database")
    assert connection.read_only(written)
    assert connection.read_only(CatalogError(f"cannot open catalog 'c.db': {written}"))
    assert not connection.read_only(sqlite3.OperationalError("database is locked"))

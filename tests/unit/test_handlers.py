"""Handlers change the catalog exactly as documented; a session over StringIO runs them."""

from __future__ import annotations

import io
import sqlite3

import pytest
from conftest import IMPORT_V1, REMOTE_V1, import_version, without_excerpts

from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

NOW = "2026-01-02 03:04:05"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> str:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def session(catalog, clock):
    out, err = io.StringIO(), io.StringIO()
    options = SessionOptions(str(catalog), "ALIYUN$alice", "my_project")
    s = Session(options, Console(out, err), clock)
    yield s
    s.close()


def run(session, sql: str) -> list[str]:
    session.console.err.seek(0)
    session.console.err.truncate()
    session.run_script(sql.splitlines(keepends=True))
    return without_excerpts(session.console.err.getvalue()).splitlines()


def rows(catalog, sql: str) -> list[tuple]:
    connection = sqlite3.connect(catalog)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


MODELS = (
    "SELECT project, name, owner, source_type, model_type, default_version, comment, create_time, last_modified_time "
    "FROM models WHERE project = 'my_project'"
)
VERSIONS = (
    "SELECT name, owner, location, tasks, options, inputs, comment, key_case, create_time, last_modified_time "
    "FROM versions WHERE model_id IN (SELECT id FROM models WHERE project = 'my_project') ORDER BY name"
)


def test_create_remote_model_stores_the_model_and_its_default_version(session, catalog):
    assert run(session, REMOTE_V1) == ["OK"]
    assert rows(catalog, MODELS) == [
        ("my_project", "pai_eas_qwen25_omni_3b", "ALIYUN$alice", "REMOTE", "MLLM", "v1",
         "PAI EAS remote model binary input", NOW, NOW),
    ]  # fmt: skip
    assert rows(catalog, VERSIONS) == [
        ("v1", "ALIYUN$alice", "", "text-generation",
         '{"PAI_EAS_MODEL_NAME": "Qwen2.5-Omni-3B", "PAI_EAS_SERVICE_NAME": "test_remote_model", '
         '"ENDPOINT": "http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com", '
         '"APIKEY": "f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908", "PAI_EAS_SYNC_MODE": "true", '
         '"REMOTE_SERVICE_TYPE": "PAI-EAS"}',
         '[["data", "binary"], ["promt", "string"]]', "PAI EAS remote model binary input", "upper", NOW, NOW),
    ]  # fmt: skip


def test_version_changes_move_only_the_models_last_modified_time(session, catalog, clock):
    run(session, IMPORT_V1)
    clock.now = "2026-01-02 04:00:00"
    assert run(session, import_version("test_xgboost_classifier", "v2")) == ["OK"]
    assert rows(catalog, MODELS)[0][5:] == ("v1", "Import XGBoost model v1", NOW, "2026-01-02 04:00:00")
    assert [r[0] + ":" + r[7] + ":" + r[8] for r in rows(catalog, VERSIONS)] == [
        f"v1:upper:{NOW}", "v2:lower:2026-01-02 04:00:00",
    ]  # fmt: skip

    clock.now = "2026-01-02 05:00:00"
    assert run(session, "ALTER MODEL test_xgboost_classifier SET DEFAULT_VERSION v2;") == ["OK"]
    assert rows(catalog, MODELS)[0][5:] == ("v2", "Import XGBoost model v1", NOW, "2026-01-02 05:00:00")

    clock.now = "2026-01-02 06:00:00"
    assert run(session, "ALTER MODEL test_xgboost_classifier DROP VERSION v1;") == ["OK"]
    assert rows(catalog, MODELS)[0][5:] == ("v2", "Import XGBoost model v1", NOW, "2026-01-02 06:00:00")
    assert [r[0] for r in rows(catalog, VERSIONS)] == ["v2"]


def test_drop_model_removes_the_model_and_its_versions(session, catalog):
    run(session, IMPORT_V1 + import_version("test_xgboost_classifier", "v2"))
    assert run(session, "DROP MODEL test_xgboost_classifier;") == ["OK"]
    assert rows(catalog, MODELS) == [] and rows(catalog, VERSIONS) == []


def test_an_internal_error_is_a_failed_line_and_a_traceback_only_with_debug(catalog, monkeypatch):
    from mcshell.rules import handlers

    def broken(stmt, ctx):
        raise RuntimeError("boom")

    monkeypatch.setitem(handlers.HANDLERS, handlers.st.WhoAmI, broken)
    for debug in (False, True):
        err = io.StringIO()
        session = Session(SessionOptions(str(catalog), "u", "my_project", debug=debug), Console(io.StringIO(), err))
        assert session.run_script(["WHOAMI;"]) == 1
        session.close()
        lines = without_excerpts(err.getvalue()).splitlines()
        assert lines[-1] == "FAILED: ODPS-0010000: System internal error - RuntimeError: boom"
        assert ("Traceback (most recent call last):" in lines) is debug

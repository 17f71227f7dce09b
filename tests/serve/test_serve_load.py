"""Many pyodps clients at once, and kill -9 in the middle of their load: every statement a
client saw succeed is in the catalog, which passes SQLite's integrity check."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing

from conftest import import_version, versions_in

from serve.serve_support import ServeProcess, client

CLIENTS, VERSIONS = 8, 100
MODEL = (
    "CREATE MODEL m WITH VERSION v0 INPUT(f1 INT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
    "MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
    "ROLEARN = 'acs:ram::1126123000000000:role/r');"
)


def committed_versions(catalog) -> set[str]:
    """my_project's versions, once the catalog file is found whole."""
    with closing(sqlite3.connect(catalog)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return set(versions_in(catalog))


def add_versions(url: str, prefix: str, count: int, landed: list[str], failures: list[BaseException]) -> None:
    o = client(url, "my_project")
    for number in range(count):
        name = f"{prefix}_{number}"
        try:
            o.execute_sql(import_version("m", name))
        except Exception as error:  # noqa: BLE001 - every failure is reported by the test
            failures.append(error)
            return
        landed.append(name)


def test_eight_clients_each_adding_a_hundred_versions_all_land(tmp_path):
    catalog = tmp_path / "catalog.db"
    server = ServeProcess(catalog, "--quiet")
    try:
        client(server.url, "my_project").execute_sql(MODEL)
        landed: list[str] = []
        failures: list[BaseException] = []
        threads = [
            threading.Thread(target=add_versions, args=(server.url, f"c{c}", VERSIONS, landed, failures))
            for c in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        _, logged, status = server.stop()
    assert failures == []
    assert len(landed) == CLIENTS * VERSIONS
    assert committed_versions(catalog) == {"v0", *landed}
    assert (logged, status) == ("mcshell serve: stopped\n", 0)


def test_kill_9_during_load_leaves_an_intact_catalog_with_every_acknowledged_statement(tmp_path):
    catalog = tmp_path / "catalog.db"
    server = ServeProcess(catalog, "--quiet")
    client(server.url, "my_project").execute_sql(MODEL)
    landed: list[str] = []
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=add_versions, args=(server.url, f"k{c}", 10_000, landed, failures)) for c in range(4)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(landed) < 60 and time.monotonic() < deadline and not failures:
        time.sleep(0.01)
    server.kill()
    for thread in threads:
        thread.join(timeout=120)
    assert len(landed) >= 60
    assert len(failures) == 4  # each client lost its connection, and stopped
    # Lost connections, not statements the server refused (those carry an ODPS code or a request id).
    assert not [f for f in failures if getattr(f, "code", None) or getattr(f, "request_id", None)], failures
    assert set(landed) <= committed_versions(catalog)

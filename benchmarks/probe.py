"""Measurements taken inside the interpreter under test (run by bench.py as a subprocess).

    probe.py info                          what this environment has (sqlglot, compiled or not)
    probe.py tokenize FILE SKIP            sqlglot.tokenize of each statement of FILE
    probe.py parse FILE SKIP               sqlglot's full parse of each statement of FILE
    probe.py catalog PATH MODELS VERSIONS  a catalog of MODELS models with VERSIONS versions each

Each prints one JSON object on standard output. FILE holds one statement a line; the first SKIP
lines are left out (a script's CREATE MODEL, or the sqlite3 settings).
"""

from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads  # noqa: E402


def info() -> dict:
    import sqlglot
    import sqlglot.tokenizer_core as core

    import mcshell
    import mcshell.sql.parser

    compiled = not core.__file__.endswith(".py")
    ours = not mcshell.sql.parser.__file__.endswith(".py")  # compiled by mypyc when installed (setup.py)
    package = os.path.dirname(mcshell.__file__)
    return {
        "python": sys.version.split()[0], "sqlglot": sqlglot.__version__, "compiled": compiled,
        "mcshell_compiled": ours, "package": package,
    }  # fmt: skip


def _statements(path: str, skip: int) -> list[str]:
    with open(path, encoding="utf-8") as file:
        return workloads.statements_of(file, skip)


def _per_statement(function, statements: list[str]) -> dict:
    function(statements[0])  # warm: sqlglot builds its dialect and tries on first use
    wall, cpu = time.perf_counter(), time.process_time()
    for statement in statements:
        function(statement)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"count": len(statements), "wall": wall / len(statements), "cpu": cpu / len(statements)}


def tokenize(path: str, skip: str) -> dict:
    import sqlglot

    return _per_statement(sqlglot.tokenize, _statements(path, int(skip)))


def parse(path: str, skip: str) -> dict:
    import sqlglot

    return _per_statement(sqlglot.parse_one, _statements(path, int(skip)))


def catalog(path: str, models: str, versions: str) -> dict:
    """Built through mcshell's Catalog API in one transaction: seconds instead of minutes."""
    from mcshell.catalog.records import Model
    from mcshell.catalog.store import Catalog

    now = "2026-01-01 00:00:00"
    started = time.perf_counter()
    db = Catalog.open(path, now)
    try:
        with db.transaction(write=True):
            db.ensure_project(workloads.PROJECT, workloads.USER, now)
            for number in range(int(models)):
                name = workloads.model_name(number)
                model = Model(
                    workloads.PROJECT, name, workloads.USER, "IMPORT", "BOOSTED_TREE_CLASSIFIER", "v01",
                    f"model {number}", now, now,
                )  # fmt: skip
                db.insert_model(model, _version(1, name, now))
                model_id = db.get_model(workloads.PROJECT, name).id
                for version in range(2, int(versions) + 1):
                    db.insert_version(model_id, _version(version, name, now))
    finally:
        db.close()
    return {"seconds": time.perf_counter() - started}


def _version(number: int, model: str, now: str):
    from mcshell.catalog.records import Version

    location = f"oss://{workloads.ENDPOINT}/bench-bucket/{model}/v{number:02d}/"
    inputs = (("f1", "bigint"), ("f2", "bigint"), ("f3", "double"), ("f4", "string"))
    return Version(
        f"v{number:02d}", workloads.USER, location, "", {"ROLEARN": workloads.ROLEARN}, inputs,
        f"version {number}", "lower", now, now,
    )  # fmt: skip


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps({"info": info, "tokenize": tokenize, "parse": parse, "catalog": catalog}[command](*args)))

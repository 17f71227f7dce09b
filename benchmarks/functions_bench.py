"""Checking SELECTs that call ML_PREDICT over a table against sqlglot's own parse of the same statements.

    python benchmarks/functions_bench.py [--counts 2000,8000] [--runs 5]

A script of N statements `SELECT id, ML_PREDICT(bench_model, v1, f1 + <i>, ...) AS p, name FROM customers
WHERE ...`, each different, is checked by a Session in --check mode (split, parsed by sqlglot's Hive parser,
every call checked against the catalog: the table and its columns, the model, the version, the privilege, the
fit, the count), as
`mcshell --check -f` does it, in this process. The anchor is `sqlglot.parse_one(stmt, read="hive")` on the
same statements. The per-statement cost is the slope from the smaller to the larger script (fixed costs
drop out); runs are interleaved and the medians compared. Target (issue 14): at most 1.5x the anchor.
Exit status 1 when a check fails or the target is missed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlglot

# After the installed packages: the bench measures the installed build (compiled, for scripts/bench), not
# these sources; a checkout with no mcshell installed still runs it from them.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from mcshell.errors import ExitStatus  # noqa: E402
from mcshell.output.console import Console  # noqa: E402
from mcshell.session import Session, SessionOptions  # noqa: E402

TARGET = 1.5
USER = "ALIYUN$bench@example.com"
MODEL = (
    "CREATE MODEL bench_model WITH VERSION v1 INPUT(f1 BIGINT, f2 BIGINT, f3 DOUBLE, f4 STRING) "
    "OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', "
    "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bench-bucket/models/v1/', "
    "ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');\n"
    # the table the statements read: its columns are checked too (docs/tables.md)
    "CREATE TABLE customers (id BIGINT, f1 BIGINT, f2 BIGINT, f3 DOUBLE, f4 STRING, name STRING, region STRING);\n"
)


def statement(number: int) -> str:
    return (
        f"SELECT id, ML_PREDICT(bench_model, v1, f1 + {number}, f2 * 2, f3, f4) AS p, name FROM customers "
        f"WHERE f1 > {number % 97} AND region = 'r{number % 7}'"
    )


def options(catalog: Path, check: bool) -> SessionOptions:
    return SessionOptions(catalog_path=str(catalog), user=USER, project="bench_project", check=check)


def check_seconds(catalog: Path, statement: Callable[[int], str], count: int) -> float:
    lines = [statement(n) + ";\n" for n in range(count)]
    err = io.StringIO()
    session = Session(options(catalog, check=True), Console(io.StringIO(), err))
    try:
        start = time.perf_counter()
        status = session.run_script(lines, source="bench.sql")
        elapsed = time.perf_counter() - start
    finally:
        session.close()
    expected = f"bench.sql: {count} statements checked: {count} ok, 0 failed, 0 skipped"
    if status != ExitStatus.OK or expected not in err.getvalue():
        raise SystemExit(f"the check failed: {err.getvalue()[-500:]}")
    return elapsed


def parse_seconds(statement: Callable[[int], str], count: int) -> float:
    texts = [statement(n) for n in range(count)]
    start = time.perf_counter()
    for text in texts:
        sqlglot.parse_one(text, read="hive")
    return time.perf_counter() - start


def arguments(doc: str, counts: str) -> tuple[int, int, int]:
    """--counts SMALL,LARGE and --runs, as both benches take them."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--counts", default=counts, help="the smaller and the larger script")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    small, large = (int(n) for n in args.counts.split(","))
    return small, large, args.runs


def per_statement(setup: list[str], statement: Callable[[int], str], small: int, large: int, runs: int):
    """The medians of the per-statement costs of --check and of parse_one (the slope from the smaller to the
    larger script, so that fixed costs drop out), on a catalog `setup` made, runs interleaved."""
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "catalog.db"
        session = Session(options(catalog, check=False), Console(io.StringIO(), io.StringIO()))
        try:
            assert session.run_script(setup) == ExitStatus.OK
        finally:
            session.close()
        check_seconds(catalog, statement, 200)  # warm: imports, the first SELECT loads sqlglot's Hive dialect
        parse_seconds(statement, 200)
        checks, parses = [], []
        for _ in range(runs):
            checks.append(
                (check_seconds(catalog, statement, large) - check_seconds(catalog, statement, small)) / (large - small)
            )
            parses.append((parse_seconds(statement, large) - parse_seconds(statement, small)) / (large - small))
    return statistics.median(checks), statistics.median(parses)


def verdict(check: float, parse: float, what: str) -> int:
    ratio = check / parse
    print(f"  mcshell --check ({what}):  {check * 1e6:8.1f} us")
    print(f"  sqlglot.parse_one(stmt, read='hive'):  {parse * 1e6:8.1f} us")
    print(f"  ratio {ratio:.2f} (target <= {TARGET})  {'ok' if ratio <= TARGET else 'MISSED'}")
    return 0 if ratio <= TARGET else 1


def main() -> int:
    small, large, runs = arguments(__doc__, "2000,8000")
    check, parse = per_statement([MODEL], statement, small, large, runs)
    print(f"statements {small} -> {large}, {runs} runs, medians per statement")
    return verdict(check, parse, "split, parse, check every call")


if __name__ == "__main__":
    sys.exit(main())

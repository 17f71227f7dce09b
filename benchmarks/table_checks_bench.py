"""`--check` of a scoring script over known tables against sqlglot's own parse of the same statements.

    python benchmarks/table_checks_bench.py [--counts 2000,10000] [--runs 5]

The catalog holds 20 tables and 100 models; a script of N statements `SELECT id, ML_PREDICT(m<k>, v1, c1, c2,
c3, c4) AS p FROM t<j> WHERE ...`, each different, is checked by a Session in --check mode, as `mcshell
--check -f` does it, in this process: split, parsed, each table found (and Select held), each column resolved
to its table's column and type, each call checked against its version's INPUT types (docs/tables.md,
"Model calls over a table"). The anchor is `sqlglot.parse_one(stmt, read="hive")` on the same statements.
The per-statement cost is the slope from the smaller to the larger script (fixed costs drop out); runs are
interleaved and the medians compared. Target (issue 21): at most 1.5x the anchor. Exit status 1 when a
check fails or the target is missed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlglot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcshell.errors import ExitStatus  # noqa: E402
from mcshell.output.console import Console  # noqa: E402
from mcshell.session import Session, SessionOptions  # noqa: E402

TARGET = 1.5
USER = "ALIYUN$bench@example.com"
TABLES, MODELS = 20, 100


def catalog_script() -> list[str]:
    tables = [
        f"CREATE TABLE t{j} (id BIGINT NOT NULL, c1 BIGINT, c2 DOUBLE, c3 STRING, c4 INT, note STRING) "
        "PARTITIONED BY (dt STRING);\n"
        for j in range(TABLES)
    ]
    models = [
        f"CREATE MODEL m{k} WITH VERSION v1 INPUT(c1 BIGINT, c2 DOUBLE, c3 STRING, c4 INT) "
        "OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', "
        f"LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bench-bucket/models/m{k}/', "
        "ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');\n"
        for k in range(MODELS)
    ]
    return tables + models


def statement(number: int) -> str:
    return (
        f"SELECT id, ML_PREDICT(m{number % MODELS}, v1, c1, c2, c3, c4) AS p FROM t{number % TABLES} "
        f"WHERE c1 > {number % 97} AND dt = '202612{number % 28 + 1:02d}'"
    )


def options(catalog: Path, check: bool) -> SessionOptions:
    return SessionOptions(catalog_path=str(catalog), user=USER, project="bench_project", check=check)


def check_seconds(catalog: Path, count: int) -> float:
    lines = [statement(n) + ";\n" for n in range(count)]
    err = io.StringIO()
    session = Session(options(catalog, check=True), Console(io.StringIO(), err))
    try:
        start = time.perf_counter()
        status = session.run_script(lines, source="score.sql")
        elapsed = time.perf_counter() - start
    finally:
        session.close()
    expected = f"score.sql: {count} statements checked: {count} ok, 0 failed, 0 skipped"
    if status != ExitStatus.OK or expected not in err.getvalue():
        raise SystemExit(f"the check failed: {err.getvalue()[-500:]}")
    return elapsed


def parse_seconds(count: int) -> float:
    texts = [statement(n) for n in range(count)]
    start = time.perf_counter()
    for text in texts:
        sqlglot.parse_one(text, read="hive")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="2000,10000", help="the smaller and the larger script")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    small, large = (int(n) for n in args.counts.split(","))
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "catalog.db"
        session = Session(options(catalog, check=False), Console(io.StringIO(), io.StringIO()))
        try:
            assert session.run_script(catalog_script()) == ExitStatus.OK
        finally:
            session.close()
        check_seconds(catalog, 200)  # warm: imports, the first SELECT loads sqlglot's Hive dialect
        parse_seconds(200)
        checks, parses = [], []
        for _ in range(args.runs):
            checks.append((check_seconds(catalog, large) - check_seconds(catalog, small)) / (large - small))
            parses.append((parse_seconds(large) - parse_seconds(small)) / (large - small))
    check, parse = statistics.median(checks), statistics.median(parses)
    ratio = check / parse
    print(f"statements {small} -> {large} over {TABLES} tables and {MODELS} models, {args.runs} runs, medians")
    print(f"  mcshell --check (split, parse, tables, columns, calls):  {check * 1e6:8.1f} us")
    print(f"  sqlglot.parse_one(stmt, read='hive'):                    {parse * 1e6:8.1f} us")
    print(f"  ratio {ratio:.2f} (target <= {TARGET})  {'ok' if ratio <= TARGET else 'MISSED'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

"""`tunnel upload` of a CSV file against DuckDB's own read_csv into a table, in the same run.

    python benchmarks/tunnel_bench.py [--rows 1000000] [--runs 3]

The file has the columns of docs/tables.md's customers (id BIGINT, age INT, spend DOUBLE, region STRING,
joined DATETIME), made by DuckDB. mcshell runs the statement as `mcshell -e "tunnel upload ..."` does, in
this process (its CLI's main: the process start-up, the same for any statement, is left out, as DuckDB's
is), each run on a fresh copy of a catalog that holds the table and no rows; the anchor is DuckDB reading
the same file with the column types given into a table of a new database file. Runs are interleaved and
medians compared. Target: at most 2x (issue 21). Exit status 1 if the rows differ in count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

TARGET = 2.0
COLUMNS = {"id": "BIGINT", "age": "INTEGER", "spend": "DOUBLE", "region": "VARCHAR", "joined": "TIMESTAMP"}
CREATE = "CREATE TABLE customers (id BIGINT, age INT, spend DOUBLE, region STRING, joined DATETIME);"


def make_file(path: Path, rows: int) -> None:
    duckdb.sql(
        f"COPY (SELECT i AS id, 18 + i % 60 AS age, round((i * 37 % 10000) / 7.0, 2) AS spend, "
        f"['hz', 'sh', 'bj', 'sz'][i % 4 + 1] AS region, "
        f"strftime(TIMESTAMP '2026-01-01' + to_seconds(i), '%Y-%m-%d %H:%M:%S') AS joined "
        f"FROM range({rows}) t(i)) TO '{path}' (HEADER false, DELIMITER ',')"
    )


def run_mcshell(*args: str) -> None:
    """`mcshell ARGS` in this process, its output dropped; a failure stops the bench."""
    from mcshell.cli import main

    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = open(os.devnull, "w")
    try:
        main(list(args), standalone_mode=False)
    except SystemExit as done:
        if done.code:
            raise RuntimeError(f"mcshell {' '.join(args)} exited with {done.code}") from None
    finally:
        sys.stdout.close()
        sys.stdout, sys.stderr = saved


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def fresh_catalog(template: Path, work: Path) -> Path:
    catalog = work / "catalog.db"
    for old in work.glob("catalog.db*"):
        old.unlink()
    shutil.copy(template, catalog)
    return catalog


def upload(catalog: Path, data: Path) -> None:
    run_mcshell("--catalog", str(catalog), "-e", f"tunnel upload {data} customers;")


def rows_of(catalog: Path) -> int:
    with duckdb.connect(str(catalog) + ".rows", read_only=True) as rows:
        (table,) = [name for (name,) in rows.execute("SHOW TABLES").fetchall() if name.startswith("t")]
        return int(rows.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def anchor(work: Path, data: Path) -> int:
    target = work / "anchor.duckdb"
    target.unlink(missing_ok=True)
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items())
    with duckdb.connect(str(target)) as db:
        db.execute(f"CREATE TABLE customers AS SELECT * FROM read_csv('{data}', columns = {{{columns}}}, header=false)")
        return int(db.execute("SELECT count(*) FROM customers").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    print(f"duckdb {duckdb.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        data = work / "customers.csv"
        make_file(data, options.rows)
        size = data.stat().st_size
        template = work / "template.db"
        run_mcshell("--catalog", str(template), "-e", CREATE)
        (work / "one.csv").write_text("1,20,1.5,hz,2026-01-01 00:00:00\n")
        upload(fresh_catalog(template, work), work / "one.csv")  # loads what a first upload loads
        ours, own, counts = [], [], set()
        for _ in range(options.runs):
            own.append(timed(lambda: counts.add(anchor(work, data))))
            catalog = fresh_catalog(template, work)
            ours.append(timed(lambda catalog=catalog: upload(catalog, data)))
            counts.add(rows_of(catalog))
    ratio = statistics.median(ours) / statistics.median(own)
    verdict = "ok" if ratio <= TARGET else "MISS"
    print(
        f"tunnel upload {options.rows} rows ({size / 1e6:.0f} MB): mcshell {statistics.median(ours) * 1000:.0f} ms,"
        f" DuckDB read_csv into a table {statistics.median(own) * 1000:.0f} ms -> {ratio:.2f}x"
        f" (target <= {TARGET:g}x: {verdict}); rows {'agree' if counts == {options.rows} else f'DIFFER {counts}'}"
    )
    return 0 if counts == {options.rows} else 1


if __name__ == "__main__":
    sys.exit(main())

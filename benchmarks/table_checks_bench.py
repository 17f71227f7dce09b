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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from functions_bench import arguments, per_statement, verdict  # noqa: E402  (the same loop, another workload)

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


def main() -> int:
    small, large, runs = arguments(__doc__, "2000,10000")
    check, parse = per_statement(catalog_script(), statement, small, large, runs)
    print(f"statements {small} -> {large} over {TABLES} tables and {MODELS} models, {runs} runs, medians")
    return verdict(check, parse, "split, parse, tables, columns, calls")


if __name__ == "__main__":
    sys.exit(main())

"""benchmarks/tables_bench.py keeps working: at tiny sizes its results agree with DuckDB's and xgboost's (no
timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_tables_bench_runs_and_its_results_agree_with_the_anchors():
    pytest.importorskip("xgboost")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "tables_bench.py"), "--rows", "2000", "--predict-rows", "500"]
        + ["--runs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[1:3]] == ["GROUP BY over 2000 rows", "ML_PREDICT over 500 rows"]
    assert all(line.endswith("results agree") for line in lines[1:3]), completed.stdout

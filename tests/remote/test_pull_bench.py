"""benchmarks/pull_bench.py keeps working: its quick run pulls 20 models x 5 versions from
`mcshell serve` and makes the bare pyodps calls beside it. It asserts what was measured, never how
fast: the requests of the pull are exactly the bare calls' (one listing per model, one DESC per
version: no request per version where a listing gives all)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_pull_bench_makes_exactly_the_bare_calls_requests():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "pull_bench.py"), "--python", sys.executable, "--quick"],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ratio, requests = done.stdout.splitlines()[1:3]
    assert re.fullmatch(r"  pull of 20 models x 5 versions: .* \(target <= 1\.5x\) (met|MISS)", ratio)
    found = re.fullmatch(r"  requests: pull (\d+), the bare calls (\d+) \(100 versions: .*\)", requests)
    assert found is not None and found.group(1) == found.group(2)

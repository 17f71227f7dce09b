"""Targets (a) and (b) counted in machine instructions, which the load of the machine cannot move.

    python benchmarks/instructions.py --python .venv/bin/python [--python OTHER/bin/python] [--count N]

Each process runs under valgrind's callgrind (about 50 times slower), with PYTHONHASHSEED=0, and
reports the instructions it executed (Ir). Two runs of the same build differ by well under 1%, so
two builds, say before and after a change, can be compared figure for figure on a busy machine,
where the timings of scripts/bench move by 20% and more. Instructions are not time (cache misses
and branches are not counted), so the targets stay judged on time by bench.py; this shows whether
a change made mcshell do more work:

(a) `mcshell -e "DESC MODEL m;"` against `python -c "import sqlglot, click, sqlite3"`;
(b) one ADD VERSION of a script on standard input, (I(N) - I(0)) / N, against sqlglot.tokenize of
    the same statements (benchmarks/probe.py, (I(N) - I(1)) / (N - 1)).

Any mcshell whose command line takes --catalog, --project, --user and -e can be measured, an older
checkout's included. Needs valgrind (Debian's package `valgrind`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import workloads

HERE = Path(__file__).resolve().parent
IR = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(argv: list[str], stdin: Path | None = None) -> int:
    """The instructions one run of argv executes, its children not followed."""
    with open(stdin or os.devnull, "rb") as source:
        completed = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
            stdin=source, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
    found = IR.search(completed.stderr)
    if completed.returncode != 0 or found is None:
        raise SystemExit(f"instructions.py: {' '.join(argv[:4])}... failed:\n{completed.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def write(path: Path, lines) -> Path:
    path.write_text("".join(lines), encoding="utf-8")  # each line ends in its newline
    return path


def measure(python: str, count: int, work: Path) -> dict[str, float]:
    mcshell = [python, str(Path(python).with_name("mcshell"))]
    account = ["--project", workloads.PROJECT, "--user", workloads.USER]
    desc_catalog = work / "desc.db"
    create = [*mcshell, "--catalog", str(desc_catalog), *account, "-e", workloads.create_model()]
    subprocess.run(create, check=True, capture_output=True)
    empty = write(work / "add-0.sql", workloads.add_version_script(0))
    script = write(work / f"add-{count}.sql", workloads.add_version_script(count))
    one = write(work / "add-1.sql", workloads.add_version_script(1))
    runs = {
        "anchor": ([python, "-c", "import sqlglot, click, sqlite3"], None),
        "desc": ([*mcshell, "--catalog", str(desc_catalog), *account, "-e", f"DESC MODEL {workloads.MODEL};"], None),
        "script0": ([*mcshell, "--catalog", str(work / "s0.db"), *account], empty),
        "scriptN": ([*mcshell, "--catalog", str(work / "sN.db"), *account], script),
        "tokenize1": ([python, str(HERE / "probe.py"), "tokenize", str(one), "1"], None),
        "tokenizeN": ([python, str(HERE / "probe.py"), "tokenize", str(script), "1"], None),
    }
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counted = dict(zip(runs, pool.map(lambda run: instructions(*run), runs.values()), strict=True))
    return {
        "anchor": counted["anchor"],
        "desc": counted["desc"],
        "statement": (counted["scriptN"] - counted["script0"]) / count,
        "tokenize": (counted["tokenizeN"] - counted["tokenize1"]) / (count - 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", action="append", required=True, help="an environment's python (repeatable)")
    parser.add_argument("--count", type=int, default=2000, help="ADD VERSION statements of (b) (default 2000)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("instructions.py: valgrind is not installed (apt-get install valgrind)")
    print(f"instructions (Ir) under callgrind, PYTHONHASHSEED=0; (b) over {args.count:,} statements")
    for python in args.python:
        with tempfile.TemporaryDirectory(prefix="mcshell-ir-") as work:
            got = measure(python, args.count, Path(work))
        print(f"== {python}")
        print(
            f"    (a) DESC MODEL one-shot {got['desc'] / 1e6:8.1f} M   imports {got['anchor'] / 1e6:8.1f} M   "
            f"{got['desc'] / got['anchor']:.3f}x"
        )
        print(
            f"    (b) one ADD VERSION     {got['statement'] / 1e6:8.3f} M   tokenize {got['tokenize'] / 1e6:7.3f} M   "
            f"{got['statement'] / got['tokenize']:.3f}x"
        )


if __name__ == "__main__":
    main()

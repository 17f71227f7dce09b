"""Where one ADD VERSION statement's time goes, in-process, relative to sqlglot.tokenize of it.

    .venv/bin/python benchmarks/breakdown.py [COUNT]

Two views of the same script of COUNT statements (default 5,000):
- stages, timed one by one without a profiler, as Session.run_script runs them: split, tokenize,
  join number-words, parse, then the handler in its savepoint with its share of the batch's
  commit and OK lines;
- cProfile's own time grouped by module (the profiler inflates code made of many small calls,
  the tokenizer most of all, so read it for the shares inside mcshell). A compiled build
  (setup.py) shows its compiled modules' time under their callers: run it in pure Python
  (`PYTHONPATH=. python benchmarks/breakdown.py` from the checkout) to see them.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlglot  # noqa: E402
import workloads  # noqa: E402

from mcshell.batches import BATCH_STATEMENTS  # noqa: E402
from mcshell.output.console import Console  # noqa: E402
from mcshell.rules.handlers import handle  # noqa: E402
from mcshell.session import Session, SessionOptions  # noqa: E402
from mcshell.sql import parser  # noqa: E402
from mcshell.sql.dialect import tokenize  # noqa: E402
from mcshell.sql.splitter import StatementSplitter  # noqa: E402


def session(folder: str, name: str) -> Session:
    sink = open(os.devnull, "w")  # noqa: SIM115 - closed with the process
    options = SessionOptions(os.path.join(folder, name), workloads.USER, workloads.PROJECT)
    return Session(options, Console(sink, sink))


def stages(lines: list[str], folder: str) -> None:
    run = session(folder, "stages.db")
    run.run_script(lines[:1])
    context = run.context()
    spent: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    splitter = StatementSplitter()
    unsaved = 0
    for line in lines[1:]:
        start = clock()
        chunks = list(splitter.feed(line))
        spent["split"] += clock() - start
        for chunk in chunks:
            t0 = clock()
            tokens = tokenize(chunk.text)
            t1 = clock()
            joined = parser._join_number_words(tokens)
            t2 = clock()
            statement = parser._Parser(chunk.text, joined).statement()
            t3 = clock()
            with context.catalog.batched_statement():  # as Session.run_script runs a script's writes
                handle(statement, context)
            unsaved += 1
            if unsaved == BATCH_STATEMENTS:  # the commit and the OKs of a batch, shared by its statements
                context.catalog.commit_batch()
                run.console.oks(unsaved)
                unsaved = 0
            t4 = clock()
            sqlglot.tokenize(chunk.text)
            t6 = clock()
            for stage, seconds in (
                ("tokenize (mcshell's dialect)", t1 - t0), ("join number-words", t2 - t1), ("parse", t3 - t2),
                ("handler, savepoint, commit, OKs", t4 - t3), ("anchor: sqlglot.tokenize", t6 - t4),
            ):  # fmt: skip
                spent[stage] += seconds
    context.catalog.commit_batch()
    run.console.oks(unsaved)
    run.close()
    anchor = spent["anchor: sqlglot.tokenize"]
    count = len(lines) - 1
    print(f"stages of one statement, timed without a profiler ({count:,} statements):")
    for stage, seconds in spent.items():
        print(f"    {stage:30s} {seconds / count * 1e6:7.1f} us  {seconds / anchor:5.2f}x tokenize")
    ours = sum(seconds for stage, seconds in spent.items() if not stage.startswith("anchor"))
    print(f"    {'all stages':30s} {ours / count * 1e6:7.1f} us  {ours / anchor:5.2f}x tokenize")


def by_module(lines: list[str], folder: str) -> None:
    run = session(folder, "profile.db")
    run.run_script(lines[:1])
    profiler = cProfile.Profile()
    profiler.runcall(run.run_script, lines[1:])
    run.close()
    groups: dict[str, float] = defaultdict(float)
    for (path, _, function), (_, _, own, _, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        groups[_group(path, function)] += own
    total = sum(groups.values())
    print("cProfile, own time by module (the profiler inflates the tokenizer's many small calls):")
    for group, seconds in sorted(groups.items(), key=lambda item: -item[1])[:14]:
        print(f"    {group:40s} {seconds / total:6.1%}")


def _group(path: str, function: str) -> str:
    if "sqlglot" in path:
        return "sqlglot tokenizer"
    if "mcshell" in path:
        return "mcshell." + os.path.splitext(os.path.basename(path))[0]
    if "sqlite3" in function:
        return "sqlite3 (execute, fetch)"
    if path == "<string>":
        return "dataclass __init__ (generated)"
    if "json" in path:
        return "json"
    return "other (builtins, re, str methods)"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    lines = list(workloads.add_version_script(count))
    with tempfile.TemporaryDirectory() as folder:
        stages(lines, folder)
        by_module(lines, folder)


if __name__ == "__main__":
    main()

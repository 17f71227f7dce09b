"""Crash safety: a long script of ADD VERSION statements, run by the installed mcshell and killed
with SIGKILL at random moments. After every kill the catalog must be whole: integrity_check ok,
every model with its default version, every version with its model, and the versions present
exactly the first N of the script's, each one complete, and N at least the OK lines printed
(statements are committed in batches: an OK comes only after its commit). The next run resumes
at statement N.

The suite kills 20 times; `scripts/crashtest` runs this module with more:

    python tests/e2e/test_crash_safety.py --kills 500 --seed 1
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MCSHELL = str(Path(sys.executable).with_name("mcshell"))
PROJECT = "crash_project"
MODELS = ("crash_import", "crash_remote")
RUN_LENGTH = 2500  # statements handed to one run: more than it gets through before the kill
MAX_DELAY = 0.9  # seconds before the kill; mcshell takes about 0.25 s to start


# -- the script ------------------------------------------------------------------------------------
# Statement i adds version v<i> to crash_import (even i) or crash_remote (odd i), each a complete
# version. The first two create those models; every 20 statements one more creates a model of its
# own (a model and its first version: two rows) and, ten statements later, drops it again (its
# versions, then the model). A kill in the middle of any of them would show.
def step(i: int) -> tuple[str, str]:
    """What statement i does ("create", "add" or "drop") and to which model."""
    if i < 2:
        return "create", MODELS[i]
    if i % 20 == 3:
        return "create", f"crash_m{i:05d}"
    if i % 20 == 13:
        return "drop", f"crash_m{i - 10:05d}"
    return "add", MODELS[i % 2]


def is_remote(model: str) -> bool:
    return model == "crash_remote"


def location(i: int, model: str) -> str:
    return "" if is_remote(model) else f"oss://oss-cn-shanghai-internal.aliyuncs.com/crash-bucket/v{i:05d}/"


def statement(i: int) -> str:
    action, model = step(i)
    if action == "drop":
        return f"DROP MODEL {model};\n"
    name, comment = f"v{i:05d}", f"COMMENT 'statement {i}'"
    if is_remote(model):
        options = (
            "TASKS = 'text-generation', PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B', PAI_EAS_SERVICE_NAME = 'grp.svc', "
            "ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com', "
            f"APIKEY = 'f094dc7ec96b4e1a9c3d0b2a7e6f{i:012d}', PAI_EAS_SYNC_MODE = 'true', "
            f"PAI_EAS_SYNC_REQUEST_TIMEOUT = '{5000 + i}'"
        )
        inputs = f"INPUT(url STRING, prompt STRING, p{i} BINARY)"
        kind = "MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'MLLM', "
    else:
        options = f"LOCATION = '{location(i, model)}', ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole'"
        inputs = f"INPUT(f1 BIGINT, f2 DOUBLE, c{i} STRING)"
        kind = "MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', "
    if action == "create":
        return f"CREATE MODEL {model} WITH VERSION {name}\n{inputs}\nOPTIONS({kind}{options})\n{comment};\n"
    return f"ALTER MODEL {model} ADD VERSION {name}\n{inputs}\nWITH OPTIONS({options})\n{comment};\n"


Row = tuple[str, str, str, str]  # model, version, location, comment: what the catalog must hold


class Plan:
    """The catalog the script leaves after its first `done` statements, kept up to date step by
    step, with a running hash of its rows so a state can be matched without rebuilding sets."""

    def __init__(self) -> None:
        self.done = 0
        self.models: dict[str, list[Row]] = {}
        self.digest = 0

    def advance(self) -> None:
        i = self.done
        action, model = step(i)
        if action == "drop":
            for row in self.models.pop(model):
                self.digest -= hash(row)
        else:
            row = (model, f"v{i:05d}", location(i, model), f"statement {i}")
            self.models.setdefault(model, []).append(row)
            self.digest += hash(row)
        self.done += 1

    def rows(self) -> set[Row]:
        return {row for rows in self.models.values() for row in rows}

    def defaults(self) -> dict[str, str]:
        return {model: rows[0][1] for model, rows in self.models.items()}


# -- checking -------------------------------------------------------------------------------------
def check(path: Path, plan: Plan, most: int) -> None:
    """The catalog is whole and is what the script's first N statements make, for one N that is at
    least plan.done (nothing lost) and at most plan.done + most; `plan` is moved on to N."""
    if not path.exists():
        return
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            assert plan.done == 0
            return  # killed before the schema's transaction committed: still an empty file
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert (
            db.execute(
                "SELECT m.name FROM models m WHERE NOT EXISTS "
                "(SELECT 1 FROM versions v WHERE v.model_id = m.id AND v.name = m.default_version)"
            ).fetchall()
            == []
        ), "a model without its default version"
        assert db.execute("SELECT count(*) FROM versions WHERE model_id NOT IN (SELECT id FROM models)").fetchone() == (
            0,
        ), "a version without its model"
        rows = set(
            db.execute(
                "SELECT m.name, v.name, v.location, v.comment FROM versions v JOIN models m ON v.model_id = m.id "
                "WHERE m.project = ?",
                (PROJECT,),
            )
        )
        defaults = dict(db.execute("SELECT name, default_version FROM models WHERE project = ?", (PROJECT,)))
    finally:
        db.close()
    digest = sum(hash(row) for row in rows)
    for _ in range(most + 1):
        if plan.digest == digest and plan.rows() == rows:
            assert defaults == plan.defaults()
            return
        plan.advance()
    raise AssertionError(f"the catalog is not what the script's first statements make (from {plan.done - most - 1})")


# -- killing --------------------------------------------------------------------------------------
@dataclass
class Tally:
    kills: int = 0
    kills_mid_script: int = 0  # kills after which more statements had landed than before the run
    runs_finished: int = 0  # runs that ended before their kill came
    landed: int = 0  # statements whose effect the catalog holds (none lost: check() raises)


def run_script(catalog: Path, folder: Path, first: int, count: int) -> subprocess.Popen:
    script = folder / "resume.sql"
    script.write_text("".join(statement(i) for i in range(first, first + count)))
    with open(folder / "resume.err", "wb") as errors:  # the OK lines: see oks_printed()
        return subprocess.Popen(
            [MCSHELL, "--catalog", str(catalog), "--project", PROJECT, "-f", str(script)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            stdin=subprocess.DEVNULL,
        )


def oks_printed(folder: Path) -> int:
    """The OK lines the last run printed: each promises its statement is in the catalog."""
    return (folder / "resume.err").read_bytes().count(b"OK\n")


def kill_repeatedly(catalog: Path, kills: int, rng: random.Random, report=None) -> tuple[Tally, Plan]:
    """Run the script from where the catalog stands, kill it at a random moment, check; repeat."""
    tally, plan = Tally(), Plan()
    check(catalog, plan, most=0)
    while tally.kills < kills:
        before = plan.done
        process = run_script(catalog, catalog.parent, before, RUN_LENGTH)
        time.sleep(rng.uniform(0.0, MAX_DELAY))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            tally.kills += 1
        process.wait()
        if process.returncode >= 0:
            assert process.returncode == 0, "a run that was not killed failed"
            tally.runs_finished += 1
        check(catalog, plan, most=RUN_LENGTH)  # raises if anything was lost or half-written
        assert plan.done - before >= oks_printed(catalog.parent), "a statement reported OK did not land"
        tally.kills_mid_script += plan.done > before and process.returncode < 0
        if report is not None:
            report(tally, plan.done)
    tally.landed = plan.done
    return tally, plan


def finish(catalog: Path, plan: Plan, count: int) -> int:
    """One last run that is not killed: it must land every statement it is given."""
    first = plan.done
    process = run_script(catalog, catalog.parent, first, count)
    assert process.wait(timeout=300) == 0
    check(catalog, plan, most=count)
    assert plan.done == first + count
    return plan.done


# -- the test -------------------------------------------------------------------------------------
def test_every_statement_is_atomic_under_sigkill(tmp_path):
    catalog = tmp_path / "crash.db"  # created by the first run, which may be killed while creating it

    tally, plan = kill_repeatedly(catalog, kills=20, rng=random.Random(20))
    landed = finish(catalog, plan, 100)

    assert tally.kills == 20
    assert landed == tally.landed + 100
    print(f"\n{tally.kills} kills survived ({tally.kills_mid_script} mid-script), {landed} statements landed, 0 lost")


# -- scripts/crashtest ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/crashtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=500, help="how many times to SIGKILL mcshell (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="random seed for the kill delays (default: clock)")
    parser.add_argument("--catalog", help="catalog to use (default: a new one in a temporary directory)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else time.time_ns() % 2**32
    with tempfile.TemporaryDirectory(prefix="mcshell-crash-") as tmp:
        catalog = Path(args.catalog) if args.catalog else Path(tmp) / "crash.db"
        print(f"scripts/crashtest: {args.kills} kills, seed {seed}, catalog {catalog}", flush=True)

        def report(tally: Tally, landed: int) -> None:
            if tally.kills and tally.kills % 50 == 0 and tally.kills != getattr(report, "last", 0):
                report.last = tally.kills
                print(f"  {tally.kills} kills, {landed} statements landed, 0 lost", flush=True)

        started = time.monotonic()
        try:
            tally, plan = kill_repeatedly(catalog, args.kills, random.Random(seed), report)
            landed = finish(catalog, plan, 100)
        except AssertionError as error:
            print(f"FAILED: {error}")
            return 1
    still = tally.kills - tally.kills_mid_script
    print(f"kills survived:      {tally.kills} ({tally.kills_mid_script} after statements had landed, {still} before)")
    print(f"runs that finished:  {tally.runs_finished}")
    print(f"statements landed:   {landed} (each checked whole, in script order)")
    print(f"models left:         {len(plan.models)}")
    print("statements lost:     0 (after every kill, the catalog held exactly the statements before it)")
    print("catalog after each:  integrity_check ok, every model has its default version, no orphan version")
    print(f"time:                {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""scripts/run's first use (scripts/lib/venv.sh), on a copy of the scripts with a stand-in Python.

The stand-in (PYTHON) makes an environment as a directory, and its pip installs an `mcshell` that
prints which build it is and its arguments, in no time: what is tested is the scripts' logic (which
build a run gets, the background build, the lock, what goes to which stream), not pip. A build or an
install waits on a named pipe when the test gives one, so that a run can be made to start while it
is under way; the test releases it by writing `ok` (or `fail`) to the pipe.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STAND_IN = f"""#!{sys.executable}
import os, sys
from pathlib import Path

def log(line):
    with open(os.environ["FAKE_LOG"], "a") as file:
        file.write(line + "\\n")

def gate(name):
    path = os.environ.get(name)
    if path and os.path.exists(path):
        with open(path) as pipe:
            return pipe.read().strip()
    return "ok"

args = sys.argv[1:]
env = Path(sys.argv[0]).parent.parent
if args[:2] == ["-m", "venv"]:
    target = Path(args[2])
    (target / "bin").mkdir(parents=True)
    (target / "bin" / "python").write_text(Path(__file__).read_text())
    (target / "bin" / "python").chmod(0o755)
    log("venv " + target.name)
elif args[:2] == ["-m", "pip"]:
    words = [word for word in args[2:] if not word.startswith("-")]
    command, target = words[0], words[-1]
    if command == "uninstall":
        (env / "bin" / "mcshell").unlink(missing_ok=True)
    elif command == "wheel":
        if os.environ.get("MCSHELL_REQUIRE_COMPILED") != "1" or gate("FAKE_GATE") != "ok":
            print("mcshell: not compiled (a stand-in failure)", file=sys.stderr)
            sys.exit(1)
        wheels = Path(args[args.index("--wheel-dir") + 1])
        wheels.mkdir()
        (wheels / "mcshell-0.1.0-cp3-none-any.whl").write_text("compiled")
        log("wheel " + env.name)
    elif command == "install":
        gate("FAKE_INSTALL_GATE")
        if ".whl" in target:
            build = Path(target.split("[")[0]).read_text()
        else:
            build = "pure" if os.environ.get("MCSHELL_PURE_PYTHON") == "1" else "fallback"
        program = env / "bin" / "mcshell"
        program.write_text(
            "#!/bin/sh\\nprintf 'mcshell ({{build}})'\\nfor a in \\"$@\\"; do printf ' [%s]' \\"$a\\"; done\\n"
            "echo\\nexit ${{FAKE_STATUS:-0}}\\n"
            .replace("{{build}}", build)
        )
        program.chmod(0o755)
        log(f"install {{build}} into {{env.name}}")
else:
    os.execv(sys.executable, [sys.executable, *args])
"""


@pytest.fixture
def checkout(tmp_path):
    """A checkout with this one's scripts, a stand-in Python, and a package of one file."""
    root = tmp_path / "checkout"
    (root / "scripts" / "lib").mkdir(parents=True)
    for name in ("scripts/run", "scripts/lib/venv.sh"):
        shutil.copy2(ROOT / name, root / name)
    (root / "mcshell").mkdir()
    for name in ("mcshell/__init__.py", "pyproject.toml", "setup.py"):
        (root / name).write_text("")
        os.utime(root / name, (1_000_000_000, 1_000_000_000))
    stand_in = tmp_path / "python"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    return root


def settings(tmp_path, **more: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MCSHELL_", "FAKE_"))}
    return {**env, "PYTHON": str(tmp_path / "python"), "FAKE_LOG": str(tmp_path / "log"), **more}


def run(root: Path, env: dict[str, str], *args: str, script: str = "scripts/run") -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(root / script), *args], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def say(root: Path, text: str) -> str:
    return text.replace(str(root), "ROOT")


def release(pipe: Path, verdict: str = "ok") -> None:
    """Lets the build (or install) waiting on `pipe` go on; blocks until it reads."""
    with open(pipe, "w") as writer:
        writer.write(verdict)


def wait_for_build(root: Path) -> None:
    with open(root / ".venv.d" / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)


def log_of(tmp_path) -> list[str]:
    return (tmp_path / "log").read_text().splitlines()


SET_UP = [
    "scripts/run: setting up ROOT/.venv: mcshell in pure Python first (about 15 s), then its compiled build in the "
    "background",
    "scripts/run: creating the virtual environment ROOT/.venv.d/pure",
    "scripts/run: installing mcshell (pure Python) and its dependencies into ROOT/.venv.d/pure",
    "scripts/run: compiling mcshell in the background (about a minute; log: ROOT/.venv.d/compiled.log); the runs "
    "after it use the compiled build",
]


def test_the_first_run_starts_in_pure_python_and_the_runs_after_the_build_use_the_compiled_one(checkout, tmp_path):
    os.mkfifo(tmp_path / "gate")
    env = settings(tmp_path, FAKE_GATE=str(tmp_path / "gate"), FAKE_STATUS="3")

    first = run(checkout, env, "-e", "SHOW MODELS;", "two  words", "")
    assert (first.stdout, say(checkout, first.stderr).splitlines(), first.returncode) == (
        "mcshell (pure) [-e] [SHOW MODELS;] [two  words] []\n",
        SET_UP,
        3,
    )
    # The compiled build waits on the gate: a run now gets the pure build, and says why.
    during = run(checkout, env, "-e", "WHOAMI;")
    assert (during.stdout, say(checkout, during.stderr), during.returncode) == (
        "mcshell (pure) [-e] [WHOAMI;]\n",
        "scripts/run: running mcshell in pure Python while its compiled build is under way "
        "(log: ROOT/.venv.d/compiled.log)\n",
        3,
    )
    release(tmp_path / "gate")
    wait_for_build(checkout)

    after = run(checkout, env, "-e", "WHOAMI;")
    assert (after.stdout, after.stderr, after.returncode) == ("mcshell (compiled) [-e] [WHOAMI;]\n", "", 3)
    assert os.readlink(checkout / ".venv") == ".venv.d/compiled"
    assert log_of(tmp_path) == ["venv pure", "install pure into pure", "venv compiled", "wheel compiled",
                                "install compiled into compiled"]  # fmt: skip


def test_a_run_with_no_standard_input_at_all_works(checkout, tmp_path):
    completed = subprocess.run(
        ["bash", "-c", 'exec 0<&-; "$0" -e "SHOW MODELS;"', str(checkout / "scripts/run")],
        env=settings(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (completed.stdout, completed.returncode) == ("mcshell (pure) [-e] [SHOW MODELS;]\n", 0)
    wait_for_build(checkout)


def test_a_failed_compiled_build_leaves_pure_python_working_and_says_so_until_a_source_changes(checkout, tmp_path):
    os.mkfifo(tmp_path / "gate")
    env = settings(tmp_path, FAKE_GATE=str(tmp_path / "gate"))
    assert run(checkout, env).stdout == "mcshell (pure)\n"
    release(tmp_path / "gate", "fail")
    wait_for_build(checkout)
    assert "mcshell: not compiled (a stand-in failure)" in (checkout / ".venv.d" / "compiled.log").read_text()

    for _ in range(2):  # said by every run, and the build is not tried again
        again = run(checkout, env, "-e", "WHOAMI;")
        assert (again.stdout, say(checkout, again.stderr), again.returncode) == (
            "mcshell (pure) [-e] [WHOAMI;]\n",
            "scripts/run: the compiled build failed (log: ROOT/.venv.d/compiled.log); running mcshell in pure Python "
            "until a source file changes\n",
            0,
        )
    assert log_of(tmp_path).count("venv compiled") == 1

    # A source file changes: the pure install is made again, and the compiled build tried again.
    (tmp_path / "gate").unlink()
    (checkout / "mcshell" / "__init__.py").write_text("# changed\n")
    changed = run(checkout, env)
    assert (changed.stdout, say(checkout, changed.stderr).splitlines()) == (
        "mcshell (pure)\n",
        [SET_UP[0], *SET_UP[2:]],
    )
    wait_for_build(checkout)
    assert run(checkout, env).stdout == "mcshell (compiled)\n"


def test_concurrent_first_runs_install_once(checkout, tmp_path):
    os.mkfifo(tmp_path / "install-gate")
    env = settings(tmp_path, FAKE_INSTALL_GATE=str(tmp_path / "install-gate"))
    runs = [
        subprocess.Popen([str(checkout / "scripts/run"), "-e", f"SHOW MODELS; -- {n}"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        for n in range(4)
    ]  # fmt: skip
    release(tmp_path / "install-gate")  # the one run that installs holds the lock, the others wait for it
    (tmp_path / "install-gate").unlink()
    outputs = [process.communicate(timeout=60) for process in runs]
    assert [process.returncode for process in runs] == [0, 0, 0, 0]
    for n, (stdout, _) in enumerate(outputs):  # each run the one build there was when it started
        assert stdout in (
            f"mcshell (pure) [-e] [SHOW MODELS; -- {n}]\n",
            f"mcshell (compiled) [-e] [SHOW MODELS; -- {n}]\n",
        )
    wait_for_build(checkout)
    assert log_of(tmp_path) == ["venv pure", "install pure into pure", "venv compiled", "wheel compiled",
                                "install compiled into compiled"]  # fmt: skip


def bench(checkout: Path, env: dict[str, str]) -> subprocess.Popen:
    """What scripts/bench does first (`venv_compiled .venv`), started."""
    return subprocess.Popen(
        ["bash", "-c", 'source "$1/scripts/lib/venv.sh" && venv_compiled "$1/.venv"', "bench", str(checkout)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_bench_gets_the_compiled_build_never_the_pure_one(checkout, tmp_path):
    (checkout / ".venv").mkdir()  # an environment of the old layout: replaced
    env = settings(tmp_path)
    started = bench(checkout, env)
    stdout, stderr = started.communicate(timeout=60)
    assert (stdout, say(checkout, stderr), started.returncode) == (
        "",
        "scripts/bench: building ROOT/.venv: mcshell compiled by mypyc (about a minute)\n",
        0,
    )
    assert os.readlink(checkout / ".venv") == ".venv.d/compiled"
    assert log_of(tmp_path) == ["venv compiled", "wheel compiled", "install compiled into compiled"]
    assert run(checkout, env).stdout == "mcshell (compiled)\n"


def test_the_bench_waits_for_the_build_a_run_started(checkout, tmp_path):
    os.mkfifo(tmp_path / "gate")
    env = settings(tmp_path, FAKE_GATE=str(tmp_path / "gate"))
    run(checkout, env)
    started = bench(checkout, env)
    release(tmp_path / "gate")
    started.communicate(timeout=60)
    assert started.returncode == 0
    assert log_of(tmp_path).count("wheel compiled") == 1  # the run's build, not a second one
    assert os.readlink(checkout / ".venv") == ".venv.d/compiled"


def test_the_bench_fails_when_the_compiled_build_fails(checkout, tmp_path):
    os.mkfifo(tmp_path / "gate")
    env = settings(tmp_path, FAKE_GATE=str(tmp_path / "gate"))
    started = bench(checkout, env)
    release(tmp_path / "gate", "fail")
    stdout, stderr = started.communicate(timeout=60)
    assert (stdout, started.returncode) == ("", 1)
    assert say(checkout, stderr).splitlines()[-1] == "scripts/bench: the compiled build of ROOT/.venv failed"
    assert not (checkout / ".venv").exists()

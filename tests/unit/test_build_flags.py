"""setup.py's MCSHELL_REQUIRE_COMPILED=1: a build that would give the pure-Python package fails
instead; and a C compiler that fails is found before mypyc's type checking, on a file of two lines
(scripts/test's step 2b checks the same through pip)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build(tmp_path: Path, *command: str, **env: str) -> subprocess.CompletedProcess:
    pytest.importorskip("setuptools")
    if "CC" in env:  # without mypyc, setup.py gives the pure package before it tries the compiler
        pytest.importorskip("mypyc.build", reason="mypyc is not installed (scripts/test's step 2b checks it)")
    settings = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"}
    command = command or ("bdist_wheel", "--dist-dir", str(tmp_path))
    return subprocess.run(
        [sys.executable, str(ROOT / "setup.py"), *command],
        cwd=ROOT, env=settings, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_pure_python_build_is_an_error_when_the_compiled_build_is_required(tmp_path):
    completed = build(tmp_path, MCSHELL_PURE_PYTHON="1", MCSHELL_REQUIRE_COMPILED="1")
    assert completed.returncode == 1
    assert completed.stderr.splitlines()[-1] == (
        "mcshell: not compiled (MCSHELL_PURE_PYTHON is set), and MCSHELL_REQUIRE_COMPILED=1 asks for the compiled build"
    )
    assert list(tmp_path.iterdir()) == []  # no wheel


def test_a_compiler_that_fails_fails_a_required_build_before_type_checking(tmp_path):
    completed = build(tmp_path, CC="/bin/false", MCSHELL_REQUIRE_COMPILED="1")
    assert completed.returncode == 1
    assert completed.stderr.splitlines()[-1] == (
        "mcshell: not compiled (the C compiler fails on a test file: command '/bin/false' failed with exit code 1), "
        "and MCSHELL_REQUIRE_COMPILED=1 asks for the compiled build"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_compiler_that_fails_gives_the_pure_python_package_at_once(tmp_path):
    completed = build(tmp_path, "build_ext", "--build-lib", str(tmp_path), CC="/bin/false")
    assert completed.returncode == 0, completed.stderr
    assert (
        "mcshell: not compiled (the C compiler fails on a test file: command '/bin/false' failed with exit code 1); "
        "installing the pure-Python package"
    ) in completed.stderr.splitlines()
    assert list(tmp_path.rglob("*.so")) == []

"""setup.py's MCSHELL_REQUIRE_COMPILED=1: a build that would give the pure-Python package fails
instead. A compiler that fails is checked by scripts/test (step 2b): it takes a full mypy run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    pytest.importorskip("setuptools")
    settings = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, str(ROOT / "setup.py"), "bdist_wheel", "--dist-dir", str(tmp_path)],
        cwd=ROOT, env=settings, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_pure_python_build_is_an_error_when_the_compiled_build_is_required(tmp_path):
    completed = build(tmp_path, MCSHELL_PURE_PYTHON="1", MCSHELL_REQUIRE_COMPILED="1")
    assert completed.returncode == 1
    assert completed.stderr.splitlines()[-1] == (
        "mcshell: not compiled (MCSHELL_PURE_PYTHON is set), and MCSHELL_REQUIRE_COMPILED=1 asks for the compiled build"
    )
    assert list(tmp_path.iterdir()) == []  # no wheel

"""The documented sessions reproduce exactly through the installed CLI (tests/data/transcripts)."""

from __future__ import annotations

import shlex
import shutil

import pytest
from conftest import DATA, mask_times

TRANSCRIPTS = sorted(p.stem for p in (DATA / "transcripts").glob("*.args"))


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_transcript_reproduces_exactly(name, mcshell, tmp_path):
    folder = DATA / "transcripts"
    shutil.copy(folder / f"{name}.sql", tmp_path)
    args = shlex.split((folder / f"{name}.args").read_text())

    run = mcshell(*args, cwd=tmp_path)

    expected_stderr = (folder / f"{name}.stderr").read_text().splitlines()
    assert mask_times(run.stdout) == (folder / f"{name}.stdout").read_text()
    assert run.verdicts == expected_stderr
    assert run.status == (1 if any(line.startswith("FAILED") for line in expected_stderr) else 0)
    assert "Traceback" not in run.stderr

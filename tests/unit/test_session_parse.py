"""`mcshell serve` refuses a job whole when one of its statements does not parse (Session.parse_script)."""

from __future__ import annotations

import io

import pytest

from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions


@pytest.mark.parametrize(
    "job, failed",
    [
        ("WHOAMI;\n/* old block\nDROP MODEL m;\n", "[2,1] Parse exception - unterminated comment /*: no closing */"),
        ("WHOAMI; 'open", "[1,9] Parse exception - unterminated quote ': no closing '"),
    ],
)
def test_a_job_left_open_in_a_comment_or_quote_is_refused_at_its_start(job, failed):
    # Was: a `/*` after the last `;` was dropped and the job ran as if it ended there.
    err = io.StringIO()
    options = SessionOptions(catalog_path=":memory:", user="ALIYUN$u", project="p")
    session = Session(options, Console(io.StringIO(), err))
    try:
        assert session.parse_script(job.splitlines(keepends=True), "<job>") is False
    finally:
        session.close()
    assert err.getvalue().splitlines()[0] == f"FAILED: ODPS-0130161:{failed} before the end of the input"


@pytest.mark.parametrize("separator", ["\r", "\u2028"])
def test_a_job_is_cut_into_lines_at_line_feeds_only(tmp_path, separator):
    # Was: str.splitlines, which also cuts at \r and \u2028: a `--` comment ended early in a job
    # only, and the statement after it ran.
    from mcshell.serve.runner import Runner
    from mcshell.session import SessionOptions

    runner = Runner(SessionOptions(str(tmp_path / "catalog.db"), "ALIYUN$u", "p"))
    job = f"WHOAMI; -- a comment{separator}DROP MODEL m;\n"
    ran = runner.run(job, "ALIYUN$u", "p")
    runner.close()
    assert (ran.stdout, ran.error) == ("Name: ALIYUN$u\nProject: p\n", None)

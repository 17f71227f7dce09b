"""A bug in serve's request handling never shows a job's APIKEY, in the answer or (--debug) in the
traceback on the server's standard error (tests/e2e/test_bug_secrets.py: the other front ends)."""

from __future__ import annotations

import io

import pytest

from mcshell.output.console import Console
from mcshell.serve import serving, wire
from serve.serve_support import LogLines, client, run_sql

KEY = "sk-SRV-7f3a9c1e5b2d4680aa11bb22cc33dd44"


@pytest.mark.parametrize("debug", [False, True])
def test_a_request_bug_masks_the_key_of_the_job(tmp_path, monkeypatch, debug):
    def broken(body: bytes):
        raise RuntimeError(f"cannot read the job {wire.parse_job.__name__}: {body.decode()[-300:]!r}")

    log = LogLines()
    with serving(str(tmp_path / "catalog.db"), log=Console(io.StringIO(), log.stream), debug=debug) as endpoint:
        monkeypatch.setattr(wire, "parse_job", broken)
        line = run_sql(client(endpoint.url, "my_project"), f"ALTER MODEL m SET APIKEY = '{KEY}';")[1]
    logged = log.stream.getvalue()

    assert line.startswith("FAILED: ODPS-0010000: System internal error - RuntimeError: cannot read the job")
    assert KEY[3:] not in line + logged and KEY[3:-4] not in line + logged
    assert ("Traceback (most recent call last):" in logged) is debug

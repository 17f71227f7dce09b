"""A reader that goes away is no failure of a statement: the run ends quietly (tests/e2e/test_streams.py
has the real pipes; these run the same paths in-process, in both builds)."""

from __future__ import annotations

import io

from conftest import IMPORT_V1, catalog_rows

from mcshell.errors import ExitStatus
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions


class ClosedPipe(io.StringIO):
    """A stream whose reader has left: every write fails as a closed pipe does."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_stops_the_script_quietly_after_committing_what_ran(catalog):
    err = io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$a@b.c", "my_project"), Console(ClosedPipe(), err))
    status = session.run_script([IMPORT_V1, "SHOW MODELS;\n", "DROP MODEL test_xgboost_classifier;\n"])
    session.close()
    assert (status, err.getvalue()) == (ExitStatus.OUTPUT_CLOSED, "OK\n")
    assert any("test_xgboost_classifier" in row for row in catalog_rows(catalog))  # the DROP never ran


def test_a_closed_stderr_stops_the_script_and_keeps_the_statement_that_ran(catalog):
    out = io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$a@b.c", "my_project"), Console(out, ClosedPipe()))
    status = session.run_script([IMPORT_V1, "WHOAMI;\n", "DROP MODEL test_xgboost_classifier;\n"])
    session.close()
    assert (status, out.getvalue()) == (ExitStatus.OUTPUT_CLOSED, "")  # its OK could not be printed
    assert any("test_xgboost_classifier" in row for row in catalog_rows(catalog))

"""A reader that goes away is no failure of a statement: the run ends quietly (tests/e2e/test_streams.py
has the real pipes; these run the same paths in-process, in both builds)."""

from __future__ import annotations

import io

import pytest
from conftest import IMPORT_V1, catalog_rows

from mcshell.errors import ExitStatus
from mcshell.output.console import Console, OutputClosed
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


class ShortWrites(io.TextIOWrapper):
    """A stream whose bytes layer takes at most 10 bytes a call and says so, as a pipe's does when
    its reader leaves in the middle of a large write; then the pipe is closed."""

    def __init__(self, room: int):
        self.taken = io.BytesIO()
        self.room = room
        raw = self

        class Buffer(io.BytesIO):
            def write(self, data) -> int:
                if raw.room <= 0:
                    raise BrokenPipeError(32, "Broken pipe")
                piece = bytes(data[: min(10, raw.room)])
                raw.room -= len(piece)
                return raw.taken.write(piece)

        super().__init__(Buffer(), encoding="utf-8")


def test_a_short_write_is_finished_and_a_closed_pipe_after_it_is_seen():
    whole = ShortWrites(room=10**6)
    Console(whole, io.StringIO()).result("x" * 1000 + "\n")
    assert whole.taken.getvalue() == b"x" * 1000 + b"\n"  # every short count was written on
    cut = ShortWrites(room=100)
    with pytest.raises(OutputClosed) as closed:
        Console(cut, io.StringIO()).result("x" * 1000 + "\n")
    assert closed.value.status == ExitStatus.OUTPUT_CLOSED


def test_a_stream_that_cannot_be_written_stops_the_script_with_one_failed_line(catalog):
    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    err = io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$a@b.c", "my_project"), Console(Full(), err))
    status = session.run_script([IMPORT_V1, "SHOW MODELS;\n", "DROP MODEL test_xgboost_classifier;\n"])
    session.close()
    failed = "FAILED: ODPS-0010000: Output error - could not write to standard output: No space left on device\n"
    assert (status, err.getvalue()) == (ExitStatus.FAILED, "OK\n" + failed)
    assert any("test_xgboost_classifier" in row for row in catalog_rows(catalog))  # the DROP never ran

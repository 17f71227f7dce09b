"""The REPL's history: APIKEY values masked before anything is written (the finder itself is
tested in test_masking.py), a private file, and no record of an entry that starts with a space."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from mcshell.output import report
from mcshell.repl.history import HistoryUnavailable, PrivateHistory


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_history_file_is_created_private_whatever_the_umask(tmp_path):
    path = tmp_path / "app" / "history"
    old = os.umask(0)
    try:
        PrivateHistory(str(path)).append_string("SHOW MODELS;")
    finally:
        os.umask(old)

    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_an_existing_readable_history_file_is_made_private(tmp_path):
    path = tmp_path / "history"
    path.write_text("")
    path.chmod(0o644)

    PrivateHistory(str(path))

    assert _mode(path) == 0o600


def test_what_is_written_is_masked_and_reads_back(tmp_path):
    path = str(tmp_path / "history")
    history = PrivateHistory(path)
    history.append_string("CREATE MODEL m WITH VERSION v1\nOPTIONS(APIKEY='sk-0123456789');")
    history.append_string("SHOW MODELS;")

    assert "sk-0123456789" not in open(path, encoding="utf-8").read()
    assert list(PrivateHistory(path).load_history_strings()) == [
        "SHOW MODELS;",
        "CREATE MODEL m WITH VERSION v1\nOPTIONS(APIKEY='********');",
    ]


def test_an_entry_starting_with_a_space_is_not_recorded(tmp_path):
    path = str(tmp_path / "history")
    history = PrivateHistory(path)

    history.append_string(" DESC MODEL secret_model;")
    history.append_string("SHOW MODELS;")

    assert history.get_strings() == ["SHOW MODELS;"]
    assert "secret_model" not in open(path, encoding="utf-8").read()


# -- when the history cannot be kept: the path, and what is wrong with it (issue 19, item 14) ----
def _problem(path) -> str:
    with pytest.raises(HistoryUnavailable) as raised:
        PrivateHistory(str(path))
    return str(raised.value)


def test_a_file_where_the_directory_should_be_is_named(tmp_path):
    (tmp_path / "mcshell").write_text("")

    assert _problem(tmp_path / "mcshell" / "history") == (
        f"'{tmp_path}/mcshell' is a file, not a directory: the history would be '{tmp_path}/mcshell/history'"
    )


def test_a_file_further_up_the_path_is_named(tmp_path):
    (tmp_path / "config").write_text("")

    assert _problem(tmp_path / "config" / "mcshell" / "history") == (
        f"'{tmp_path}/config' is a file, not a directory: the history would be '{tmp_path}/config/mcshell/history'"
    )


def test_a_directory_where_the_history_file_should_be_is_named(tmp_path):
    (tmp_path / "history").mkdir()

    assert _problem(tmp_path / "history") == f"'{tmp_path}/history' is a directory, not a file"


@pytest.mark.parametrize(
    "error, problem",
    [
        (PermissionError(errno.EACCES, "Permission denied"), "cannot create '/h/history': permission denied"),
        (OSError(errno.EROFS, "Read-only file system"), "cannot create '/h/history': the file system is read-only"),
        (OSError(errno.ENOSPC, "No space left on device"), "cannot create '/h/history': the disk is full"),
        (OSError(errno.EIO, "Input/output error"), "cannot create '/h/history': input/output error"),
    ],
)
def test_other_failures_say_what_could_not_be_done_and_why(error, problem):
    assert report.file_problem("create", "/h/history", error) == problem


def test_a_path_is_quoted_with_its_control_characters_escaped_and_its_letters_kept(tmp_path):
    blocker = tmp_path / "café\x1b[2J"
    blocker.write_text("")

    assert _problem(blocker / "history") == (
        f"'{tmp_path}/café\\x1b[2J' is a file, not a directory: the history would be '{tmp_path}/café\\x1b[2J/history'"
    )
    assert report.file_problem("create", "/h/\n", PermissionError(errno.EACCES, "")) == (
        "cannot create '/h/\\n': permission denied"
    )


def test_a_history_that_can_no_longer_be_written_says_so_once_and_the_shell_goes_on(tmp_path):
    path = tmp_path / "history"
    warnings: list[str] = []
    history = PrivateHistory(str(path), warn=warnings.append)
    path.unlink()
    path.mkdir()  # the file is gone, and a directory stands in its place

    history.append_string("SHOW MODELS;")
    history.append_string("WHOAMI;")

    assert warnings == [f"WARNING: the history is no longer saved: '{path}' is a directory, not a file"]
    assert history.get_strings() == ["SHOW MODELS;", "WHOAMI;"]  # Up still recalls them

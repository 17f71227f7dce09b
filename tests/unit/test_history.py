"""The REPL's history: APIKEY values masked before anything is written (the finder itself is
tested in test_masking.py), a private file, and no record of an entry that starts with a space."""

from __future__ import annotations

import os
import stat

from mcshell.repl.history import PrivateHistory


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

"""The installed mcshell in a pseudo-terminal, as a user meets it: prompt, continuation line, Tab,
the DESC box, quit; then the history file it leaves behind."""

from __future__ import annotations

import os
import stat

import pexpect
import pytest
from conftest import MCSHELL

from mcshell import config

# The pseudo-terminal never answers prompt_toolkit's cursor-position request; without this it
# would wait for one and then print a warning about the terminal.
TERMINAL_ENV = {"TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
GUARD = 60  # seconds before a stuck session fails the test instead of hanging the suite


@pytest.fixture
def terminal(catalog):
    child = pexpect.spawn(
        MCSHELL, ["--catalog", str(catalog)], env={**os.environ, **TERMINAL_ENV},
        dimensions=(50, 120), encoding="utf-8", timeout=GUARD,
    )  # fmt: skip
    yield child
    child.close(force=True)


def test_a_session_in_a_terminal_creates_completes_describes_and_quits(terminal):
    terminal.expect_exact("my_project>")
    terminal.send("CREATE MODEL churn_model WITH VERSION v1\r")
    terminal.expect_exact("no ;>")  # the continuation prompt says why the entry is still open
    terminal.send(
        "OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', PAI_EAS_MODEL_NAME='qwen', "
        "PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://eas.example.com', APIKEY='sk-0123456789abcdef', "
        "PAI_EAS_SYNC_MODE='true');\r"
    )
    terminal.expect_exact("OK")
    terminal.expect_exact("my_project>")
    # Tab completes the name: only then does DESC find the model (the screen is redrawn in
    # pieces, so the box below is the proof, not the echo).
    terminal.send("DESC MODEL churn_m\t")
    terminal.send(";\r")
    terminal.expect_exact("|                  Model Information")
    terminal.expect_exact("| Model Name:               churn_model")
    terminal.expect_exact("| APIKEY:                   ********cdef")
    terminal.expect_exact("my_project>")
    terminal.send("quit;\r")
    terminal.expect(pexpect.EOF)
    terminal.close()

    assert terminal.exitstatus == 0
    history = os.path.join(config.app_dir(), "history")
    assert stat.S_IMODE(os.stat(history).st_mode) == 0o600
    text = open(history, encoding="utf-8").read()
    assert "+DESC MODEL churn_model;" in text
    assert "sk-0123456789abcdef" not in text
    assert "APIKEY='********'" in text


# Every way a user may write an APIKEY, each with a key of its own, as typed at the prompt (\r is
# Enter: inside an open statement or quote it starts a new line of the same entry).
KEY_SPELLINGS = {
    "sk-quoted-7f3a9c1e5b2d4680": "APIKEY = '{key}'",
    "sk-double-quoted-0a1b2c3d4e": 'APIKEY = "{key}"',
    "sk_unquoted_1b2c3d4e5f60": "APIKEY = {key}",
    "sk-block-comment-2c3d4e5f6a": "APIKEY /* the key: */ = '{key}'",
    "sk-line-comment-3d4e5f6a7b": "APIKEY -- the key:\r= '{key}'",
    "sk-no-equals-4e5f6a7b8c": "APIKEY '{key}'",
    "sk_no_equals_unquoted_5f6a7b8c9d": "APIKEY {key}",
    "sk-lower-case-6a7b8c9d0e": "apikey='{key}'",
    "sk-mixed-case-7b8c9d0e1f": "ApiKey = '{key}'",
    "sk-backquoted-8c9d0e1f2a": "`APIKEY` = '{key}'",
    "sk-line-breaks-9d0e1f2a3b": "APIKEY\r=\r'{key}'",
    "sk-comment-no-equals-0e1f2a3b4c": "APIKEY /* c */ '{key}'",
    "sk-two-lines-1f2a3b4c5d\rsecond-line-of-the-key": "APIKEY = '{key}'",
    # Written slightly wrong (issue 19, item 7).
    "sk-in-a-call-2b3c4d5e6f": "APIKEY = concat('{key}')",
    "sk-quoted-key-word-3c4d5e6f7a": "'APIKEY' = '{key}'",
    "sk-colon-4d5e6f7a8b": "APIKEY: '{key}'",
    "sk-underscore-5e6f7a8b9c": "API_KEY = '{key}'",
}
COMMENT_ONLY_KEY = "sk-comment-only-6f7a8b9c0d"
OPTIONS = (
    "TASKS = 'chat', PAI_EAS_MODEL_NAME = 'qwen', PAI_EAS_SERVICE_NAME = 'svc', ENDPOINT = 'https://eas.example.com'"
)


def test_no_spelling_of_an_apikey_reaches_the_history_file(terminal):
    terminal.expect_exact("my_project>")
    for key, spelling in KEY_SPELLINGS.items():
        option = spelling.format(key=key)
        terminal.send(f"ALTER MODEL nope ADD VERSION v1 WITH OPTIONS({OPTIONS},\r{option});\r")
        terminal.expect_exact("FAILED: ODPS-")  # the model does not exist, or the statement does not parse
        terminal.expect_exact("my_project>")
    terminal.send("SHOW MODELS; DESC MODEL m OPTIONS(apikey = 'sk-in-a-second-statement-2a3b4c5d6e');\r")
    terminal.expect_exact("FAILED: ODPS-")
    terminal.expect_exact("my_project>")
    terminal.send(f"-- APIKEY='{COMMENT_ONLY_KEY}'\r")  # an entry of a comment only
    terminal.expect_exact("my_project>")
    terminal.send("quit;\r")
    terminal.expect(pexpect.EOF)

    text = open(os.path.join(config.app_dir(), "history"), encoding="utf-8").read()
    for key in [*KEY_SPELLINGS, "sk-in-a-second-statement-2a3b4c5d6e", COMMENT_ONLY_KEY]:
        for part in key.split("\r"):
            assert part not in text
            assert part[-12:] not in text
    assert text.count("+ALTER MODEL nope ADD VERSION v1") == len(KEY_SPELLINGS)  # every entry was recorded
    assert "+APIKEY /* ******** */ = '********'" in text  # a comment after the key word is masked too
    assert "+APIKEY '********'" in text
    assert "+apikey='********'" in text
    assert "+APIKEY = ********);" in text  # a call: the option to its end
    assert "+'APIKEY' = '********');" in text
    assert "+-- APIKEY='********'" in text


def test_enter_after_a_reverse_search_runs_the_entry_found(terminal):
    terminal.expect_exact("my_project>")
    terminal.send("WHOAMI;\r")
    terminal.expect_exact("OK")
    terminal.expect_exact("my_project>")
    terminal.send("LIST ROLES;\r")
    terminal.expect_exact("Super_Administrator")
    terminal.expect_exact("my_project>")
    # Ctrl-R, part of an earlier entry, Enter: the entry found runs (before, Enter left an empty prompt).
    terminal.send("\x12")
    terminal.expect_exact("backward")  # prompt_toolkit's "I-search backward:" line
    terminal.send("OAM\r")  # (the match is drawn highlighted, in pieces: the output below is the proof)
    terminal.expect_exact("Name: ")
    terminal.expect_exact("OK")
    terminal.expect_exact("my_project>")
    terminal.send("quit;\r")
    terminal.expect(pexpect.EOF)

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

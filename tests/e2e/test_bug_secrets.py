"""An mcshell bug never shows a secret, whatever raised and wherever it was caught: in a statement's
handling, in the script around it (reading the input), in the REPL (cutting an entry, completion,
a key binding), at start-up, in dump and in a serve request. Each test induces a bug whose message
quotes the key, as a bug's message may (the statement, a record read from the catalog, an access
key of --config), and greps all that was printed, with and without --debug: with it the traceback
comes first, without it there is no traceback at all, and either way one FAILED line says what broke."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mcshell.output.console import Console
from mcshell.repl import completion, loop
from mcshell.rules import handlers
from mcshell.session import Session, SessionOptions
from mcshell.sql import statements as st

KEY = "sk-BUG-7f3a9c1e5b2d4680aa11bb22cc33dd44"
ACCESS_KEY = "AkSecret0123456789abcdefXYZ"
CREATE = (
    "CREATE MODEL r WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', "
    "PAI_EAS_MODEL_NAME='qwen', PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://eas.example.com', "
    f"APIKEY='{KEY}', PAI_EAS_SYNC_MODE='true');\n"
)
ADD = f"ALTER MODEL r ADD VERSION v2 WITH OPTIONS(TASKS = 'chat', APIKEY = '{KEY}');\n"
TRACEBACK = "Traceback (most recent call last):"
INTERNAL = "FAILED: ODPS-0010000: System internal error - RuntimeError: "


def assert_no_secret(text: str) -> None:
    assert KEY[3:] not in text and KEY[3:-4] not in text
    assert ACCESS_KEY not in text


def assert_bug_shown(err: str, debug: bool) -> None:
    assert_no_secret(err)
    assert (TRACEBACK in err) is debug
    assert INTERNAL in err


def run_session(lines, debug: bool, catalog) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$u", "my_project", debug=debug), Console(out, err))
    try:
        status = session.run_script(lines)
    finally:
        session.close()
    return out.getvalue(), err.getvalue(), int(status)


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_quoting_a_key_of_an_earlier_statement_masks_it(catalog, monkeypatch, debug):
    """DESC holds no key; the bug quotes the one CREATE MODEL gave, as a record read back would."""

    def broken(stmt, ctx):
        raise RuntimeError(f"cannot describe: options {(('TASKS', 'chat'), ('APIKEY', KEY))!r}")

    monkeypatch.setitem(handlers.HANDLERS, st.DescModel, broken)
    out, err, status = run_session([CREATE, "DESC MODEL r;\n"], debug, catalog)

    assert status == 1
    assert_bug_shown(out + err, debug)
    assert f"{INTERNAL}cannot describe: options (('TASKS', 'chat'), ('APIKEY', '********" in err


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_reading_the_input_masks_the_key_of_the_statement_being_read(catalog, debug):
    """The input itself breaks halfway through a statement: the bug is raised outside any statement's
    handling, and used to escape the session with Python's traceback, key and all."""

    def lines():
        yield "SHOW MODELS;\n"
        yield ADD[:-4] + "\n"  # the statement has not ended: it is the splitter's, not yet a statement
        raise RuntimeError(f"cannot read past {ADD[40:-4]!r}")

    out, err, status = run_session(lines(), debug, catalog)

    assert status == 1
    assert_bug_shown(out + err, debug)
    assert err.splitlines()[-1].startswith(f"{INTERNAL}cannot read past ")


@pytest.mark.parametrize("debug", [False, True])
def test_a_start_up_bug_masks_the_access_key_of_the_config_file(shell, tmp_path, monkeypatch, debug):
    import mcshell.cli

    config = tmp_path / "odps_config.ini"
    config.write_text(
        f"project_name=proj1\naccess_id=LTAIid0123456789\naccess_key={ACCESS_KEY}\nend_point=http://x/api\n"
    )

    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot start with access_key={ACCESS_KEY} and APIKEY = '{KEY}'")

    monkeypatch.setattr(mcshell.cli, "Session", broken)
    run = shell(*(["--debug"] if debug else []), "--config", str(config), "-e", "SHOW MODELS;")

    assert run.status == 1
    assert_bug_shown(run.stdout + run.raw_stderr, debug)
    assert run.stderr.splitlines()[-1] == f"{INTERNAL}cannot start with access_key=******** and APIKEY = '********'"


@pytest.mark.parametrize("debug", [False, True])
def test_a_dump_bug_masks_the_key_it_read(shell, monkeypatch, debug):
    import mcshell.rules.dump

    def broken(catalog, include_secrets):
        raise RuntimeError(f"cannot dump OPTIONS(APIKEY = '{KEY}')")
        yield ""

    monkeypatch.setattr(mcshell.rules.dump, "dump_script", broken)
    run = shell(*(["--debug"] if debug else []), "dump")

    assert run.status == 1
    assert_bug_shown(run.stdout + run.raw_stderr, debug)


# -- the REPL --------------------------------------------------------------------------------
def type_keys(catalog, keys: str, debug: bool) -> tuple[str, int]:
    out, err = io.StringIO(), io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$u", "my_project", debug=debug), Console(out, err))
    try:
        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            pipe.close()
            status = loop.run_repl(session, confirm_drops=False, input=pipe, output=DummyOutput())
    finally:
        session.close()
    return out.getvalue() + err.getvalue(), int(status)


def _raise_with_the_text(text: str, *args: object) -> None:
    raise RuntimeError(f"cannot read {text!r}")


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_cutting_a_repl_entry_masks_its_key_and_the_shell_goes_on(catalog, monkeypatch, debug):
    monkeypatch.setattr(loop, "entry_statements", _raise_with_the_text)
    shown, status = type_keys(catalog, ADD.rstrip("\n") + "\r", debug)

    assert status == 0  # the end of the input, after the entry that failed
    assert_bug_shown(shown, debug)


@pytest.mark.parametrize("debug", [False, True])
def test_a_completion_bug_masks_the_key_being_typed(catalog, monkeypatch, debug):
    """prompt_toolkit printed a completer's traceback itself ("Unhandled exception in event loop")."""
    monkeypatch.setattr(completion, "suggest", _raise_with_the_text)
    shown, status = type_keys(catalog, ADD[:-4] + "\t" + "');\r", debug)

    assert "Unhandled exception" not in shown
    assert_bug_shown(shown, debug)
    assert shown.count(INTERNAL) == 1  # the same bug at every key pressed is told once
    assert "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.r" in shown  # the entry ran


@pytest.mark.parametrize("debug", [False, True])
def test_a_key_binding_bug_ends_the_shell_with_the_key_masked(catalog, monkeypatch, debug):
    monkeypatch.setattr(loop, "waiting_reason", _raise_with_the_text)
    shown, status = type_keys(catalog, ADD.rstrip("\n") + "\r", debug)

    assert status == 1
    assert "Unhandled exception" not in shown
    assert_bug_shown(shown, debug)

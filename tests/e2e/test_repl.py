"""The interactive shell, driven in-process: keys go in through a pipe, as prompt_toolkit's testing
guide does, and the session's stdout, stderr and catalog say what happened.

Keys: "\r" is Enter, "\t" Tab, "\x03" Ctrl-C, "\x04" Ctrl-D; PASTE(...) wraps text in a
bracketed paste, as a terminal sends a paste.
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass

import pytest
from conftest import Run
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from mcshell import config
from mcshell.catalog.store import Catalog
from mcshell.output.console import Console
from mcshell.repl.loop import run_repl
from mcshell.session import Session, SessionOptions

REMOTE_OPTIONS = (
    "MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', PAI_EAS_MODEL_NAME='qwen', "
    "PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://eas.example.com', "
    "APIKEY='sk-0123456789abcdef', PAI_EAS_SYNC_MODE='true'"
)
CREATE_CHURN = f"CREATE MODEL churn WITH VERSION v1 OPTIONS({REMOTE_OPTIONS});"
CREATE_IMPORT = (
    "CREATE MODEL scorer WITH VERSION v1 INPUT(f1 double) OPTIONS(MODEL_SOURCE_TYPE='IMPORT', "
    "MODEL_TYPE='BOOSTED_TREE_REGRESSOR', LOCATION='oss://oss-cn-beijing-internal.aliyuncs.com/bucket/m1', "
    "ROLEARN='acs:ram::1234:role/odps');"
)


def PASTE(text: str) -> str:
    return f"\x1b[200~{text}\x1b[201~"


@dataclass
class Shell:
    """A catalog and a way to type into the REPL over it."""

    catalog_path: str

    def type(self, *keys: str, confirm_drops: bool = True, output=None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        options = SessionOptions(catalog_path=self.catalog_path, user="ALIYUN$tester", project="my_project")
        session = Session(options, Console(out, err))
        try:
            with create_pipe_input() as pipe:
                pipe.send_text("".join(keys))
                pipe.close()  # the REPL sees the end of its input once every key is read
                status = run_repl(session, confirm_drops=confirm_drops, input=pipe, output=output or DummyOutput())
        finally:
            session.close()
        return Run(out.getvalue(), err.getvalue(), int(status))

    def model(self, name: str, project: str = "my_project"):
        catalog = Catalog.open(self.catalog_path, "2025-01-01 00:00:00")
        try:
            model = catalog.get_model(project, name)
            versions = {v.name: v for v in catalog.iter_versions(model.id)} if model else {}
            return model, versions
        finally:
            catalog.close()


@pytest.fixture
def shell(catalog) -> Shell:
    return Shell(str(catalog))


def history_file() -> str:
    return os.path.join(config.app_dir(), "history")


# -- entries over several lines, pastes, open quotes -------------------------------------------
def test_a_statement_typed_over_three_lines_runs_once_when_its_semicolon_is_typed(shell):
    run = shell.type(
        "CREATE MODEL churn WITH VERSION v1\r",
        f"OPTIONS({REMOTE_OPTIONS})\r",
        "COMMENT 'three lines';\r",
    )

    assert run.verdicts == ["OK"]
    assert run.stdout == ""
    model, versions = shell.model("churn")
    assert (model.comment, model.default_version, list(versions)) == ("three lines", "v1", ["v1"])


def test_a_paste_of_three_statements_runs_them_in_order_and_reports_the_failure(shell):
    shell.type(CREATE_CHURN + "\r")

    run = shell.type(PASTE("WHOAMI;\nDESC MODEL nope;\nDESC MODEL churn VERSION v1;\n"))

    assert run.verdicts == [
        "OK",
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nope",
        "OK",
    ]
    assert run.stdout.startswith("Name: ALIYUN$tester\nProject: my_project\n")
    assert "| Version Name:             v1 " in run.stdout


def test_several_statements_on_one_line_run_in_order_and_the_session_goes_on(shell):
    run = shell.type("HELP USE; DESC MODEL nope; WHOAMI;\r", "WHOAMI;\r")

    assert run.verdicts == [
        "OK",
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nope",
        "OK",
        "OK",
    ]
    assert run.stdout.count("Name: ALIYUN$tester") == 2


def test_an_open_quote_keeps_the_entry_open_across_enter_and_semicolons(shell):
    run = shell.type(
        f"CREATE MODEL churn WITH VERSION v1 OPTIONS({REMOTE_OPTIONS}) COMMENT 'first line;\r",
        "second line';\r",
    )

    assert run.verdicts == ["OK"]
    model, _ = shell.model("churn")
    assert model.comment == "first line;\nsecond line"


@pytest.mark.parametrize(
    "typed, failed",
    [
        ("/* old block\r", "[1,1] Parse exception - unterminated comment /*: no closing */"),
        ("DESC MODEL 'm;\r", "[1,12] Parse exception - unterminated quote ': no closing '"),
    ],
)
def test_an_entry_left_open_when_the_input_ends_fails_at_its_start(shell, typed, failed):
    # An open comment or quote keeps the entry open, with its continuation prompt; at the end of
    # the input it is the error. Was: dropped, exit status 0.
    run = shell.type("WHOAMI;\r", typed, "DROP MODEL m;\r")

    assert run.verdicts == ["OK", f"FAILED: ODPS-0130161:{failed} before the end of the input"]
    assert run.status == 1


def test_an_open_parenthesis_keeps_the_entry_open(shell):
    run = shell.type("CREATE MODEL churn WITH VERSION v1 OPTIONS(\r", f"{REMOTE_OPTIONS}\r", ");\r")

    assert run.verdicts == ["OK"]


def test_errors_point_at_line_and_column_of_the_entry(shell):
    run = shell.type("WHOAMI;\r", "DESC\rMODEL churn VERSON v1;\r")

    assert run.verdicts == [
        "OK",
        "FAILED: ODPS-0130161:[2,13] Parse exception - expected ';', found 'VERSON'",
    ]


# -- keys ------------------------------------------------------------------------------------
def test_ctrl_c_drops_the_entry_being_typed_and_the_shell_goes_on(shell):
    run = shell.type("CREATE MODEL churn WITH VERSION v1\r", "OPTIONS(\x03", "WHOAMI;\r")

    assert run.verdicts == ["OK"]
    assert run.stdout == "Name: ALIYUN$tester\nProject: my_project\n"
    assert shell.model("churn") == (None, {})


def test_ctrl_d_leaves_and_nothing_after_it_runs(shell):
    run = shell.type("WHOAMI;\r", "\x04", "DROP MODEL IF EXISTS x;\r")

    assert run.status == 0
    assert run.verdicts == ["OK"]


@pytest.mark.parametrize("leave", ["quit;", "EXIT;", "quit"])
def test_quit_and_exit_leave(shell, leave):
    run = shell.type(f"{leave}\r", "WHOAMI;\r")

    assert (run.status, run.stdout, run.verdicts) == (0, "", [])


def test_help_lists_the_statements_and_help_of_one_prints_its_syntax(shell):
    run = shell.type("HELP;\r", "HELP ALTER MODEL;\r")

    assert run.stdout.startswith("Statements (HELP <statement>; for the syntax of one):\n")
    assert "ALTER MODEL <model> SET DEFAULT_VERSION [=] <version>;\n" in run.stdout
    assert run.verdicts == ["OK", "OK"]


# -- DROP MODEL asks first ---------------------------------------------------------------------
def test_drop_model_runs_after_yes(shell):
    shell.type(CREATE_CHURN + "\r")

    run = shell.type("DROP MODEL churn;\r", "yes\r")

    assert run.verdicts == ["OK"]
    assert shell.model("churn") == (None, {})


@pytest.mark.parametrize("answer", ["no\r", "\r", "\x03", "maybe\rn\r"])
def test_drop_model_is_cancelled_by_anything_but_yes(shell, answer):
    shell.type(CREATE_CHURN + "\r")

    run = shell.type("drop  model\rchurn;\r", answer, "WHOAMI;\r")

    assert run.stderr.splitlines() == ["Cancelled: drop model churn", "OK"]
    assert shell.model("churn")[0] is not None


def test_the_question_and_the_cancelled_line_mask_a_key_in_the_statement(shell):
    shell.type(CREATE_CHURN + "\r")
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=200), term="xterm")

    run = shell.type("DROP MODEL churn /* APIKEY 'sk-in-a-comment-7f3a9c' */;\r", "no\r", output=output)

    assert run.stderr.splitlines() == ["Cancelled: DROP MODEL churn /* APIKEY '********' */"]
    assert "Confirm to \"DROP MODEL churn /* APIKEY '********' */\" (yes/no)?" in screen.getvalue()
    assert "7f3a9c" not in screen.getvalue().split("Confirm to", 1)[1]  # the entry as typed is echoed above it


@pytest.mark.parametrize(
    "setup, statement",
    [
        ("ADD USER RAM$1:bob;\r", "REMOVE USER RAM$1:bob;"),
        ("CREATE ROLE worker;\r", "drop role worker;"),
        (CREATE_CHURN + "\r", "DROP MODEL IF EXISTS churn;"),
    ],
)
def test_every_drop_and_remove_asks_first_as_in_odpscmd(shell, setup, statement):
    shell.type(setup)

    cancelled = shell.type(f"{statement}\r", "no\r", "LIST USERS;\r", "LIST ROLES;\r", "SHOW MODELS;\r")
    ran = shell.type(f"{statement}\r", "y\r", "LIST USERS;\r", "LIST ROLES;\r", "SHOW MODELS;\r")

    assert cancelled.stderr.splitlines()[0] == f"Cancelled: {statement.rstrip(';')}"
    assert ran.verdicts == ["OK"] * 4
    name = setup.split()[2].rstrip(";\r")
    assert name in cancelled.stdout and name not in ran.stdout


def test_a_statement_that_cannot_parse_fails_without_a_question(shell):
    run = shell.type("DELETE FROM t;\r", "WHOAMI;\r")

    unsupported = "FAILED: ODPS-0130161:[1,1] Parse exception - unsupported statement 'DELETE FROM'"
    assert run.verdicts[0].startswith(unsupported)
    assert run.verdicts[1:] == ["OK"] and "Confirm" not in run.stderr


def test_yes_flag_drops_without_asking(shell):
    shell.type(CREATE_CHURN + "\r")

    run = shell.type("DROP MODEL churn;\r", "WHOAMI;\r", confirm_drops=False)

    assert run.verdicts == ["OK", "OK"]
    assert shell.model("churn") == (None, {})


# -- completion --------------------------------------------------------------------------------
def test_tab_completes_a_model_name(shell):
    shell.type(CREATE_CHURN + "\r")

    run = shell.type("DESC MODEL chu\t;\r")

    assert run.verdicts == ["OK"]
    assert "| Model Name:               churn " in run.stdout


def test_tab_completes_a_version_name_of_the_model_being_altered(shell):
    shell.type(
        CREATE_CHURN + "\r",
        f"ALTER MODEL churn ADD VERSION v_second WITH OPTIONS({REMOTE_OPTIONS});\r",
    )

    run = shell.type("ALTER MODEL churn SET DEFAULT_VERSION v_s\t;\r")

    assert run.verdicts == ["OK"]
    assert shell.model("churn")[0].default_version == "v_second"


def test_tab_completes_an_option_key_valid_for_the_models_source_type(shell):
    shell.type(CREATE_IMPORT + "\r")

    run = shell.type(
        "ALTER MODEL scorer ADD VERSION v2 INPUT(f1 double) WITH OPTIONS(\r",
        "LOCATION='oss://oss-cn-beijing-internal.aliyuncs.com/bucket/m2', ROLE\t='acs:ram::1234:role/odps');\r",
    )

    assert run.verdicts == ["OK"]
    assert shell.model("scorer")[1]["v2"].options == {"ROLEARN": "acs:ram::1234:role/odps"}


# -- history -----------------------------------------------------------------------------------
def test_history_is_private_and_holds_no_apikey(shell):
    shell.type(
        "CREATE MODEL churn WITH VERSION v1\r",
        f"OPTIONS({REMOTE_OPTIONS});\r",
        " DESC MODEL churn;\r",  # a leading space keeps an entry out of the history
        "SHOW MODELS;\r",
    )

    text = open(history_file(), encoding="utf-8").read()
    assert stat.S_IMODE(os.stat(history_file()).st_mode) == 0o600
    assert "sk-0123456789abcdef" not in text
    assert "APIKEY='********'" in text
    assert [line for line in text.splitlines() if line.startswith("+")] == [
        "+CREATE MODEL churn WITH VERSION v1",
        # The key, and every string after it in its statement (issue 19: over-masking, never a leak).
        f"+OPTIONS({REMOTE_OPTIONS.replace('sk-0123456789abcdef', '********').replace('true', '********')});",
        "+SHOW MODELS;",
    ]


def test_batch_runs_write_no_history(mcshell):
    run = mcshell("-e", "WHOAMI;")
    piped = mcshell(stdin="WHOAMI;\n")

    assert (run.status, piped.status) == (0, 0)
    assert not os.path.exists(history_file())


# -- colour ------------------------------------------------------------------------------------
# An SGR sequence that sets a foreground or background colour.
COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3\d|4\d|9\d|10\d)(?:;\d+)*m")


def _screen_of(shell, keys: str) -> str:
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=100), term="xterm-256color")
    shell.type(keys, output=output)
    return screen.getvalue()


def test_keywords_and_strings_are_coloured_from_the_dialects_tokens(shell, monkeypatch):
    monkeypatch.delenv("NO_COLOR")

    screen = _screen_of(shell, "DESC MODEL 'x';\r")

    assert "\x1b[0;34;1mDESC\x1b[0m" in screen  # keyword: blue, bold
    assert "\x1b[0;32m'x'" in screen  # string: green


def test_no_color_means_no_colour(shell):
    assert os.environ["NO_COLOR"] == "1"

    screen = _screen_of(shell, "DESC MODEL 'x';\r")

    assert "DESC MODEL 'x';" in screen
    assert not COLOUR.search(screen)


def test_without_a_place_for_the_history_the_shell_warns_and_runs(shell, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))

    run = shell.type("WHOAMI;\r")

    assert run.stderr.splitlines()[0] == (
        f"WARNING: no history is kept: '{blocker}' is a file, not a directory: "
        f"the history would be '{blocker}/mcshell/history'"
    )
    assert run.verdicts == ["OK"]

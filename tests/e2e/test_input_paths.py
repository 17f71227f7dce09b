"""-e, -f and piped standard input run scripts the same way, through the installed CLI."""

from __future__ import annotations

import subprocess

import pytest
from conftest import IMPORT_V1, MCSHELL, catalog_rows, import_version

SCRIPT_WITH_ERROR_AT_3 = (
    IMPORT_V1
    + import_version("test_xgboost_classifier", "v2")
    + "ALTER MODEL test_xgboost_classifier\n  SET DEFAULT_VERSON v2;\n"
    + import_version("test_xgboost_classifier", "v3")
    + "ALTER MODEL test_xgboost_classifier SET DEFAULT_VERSION v3;\n"
)
ERROR_AT_3 = (
    "FAILED: ODPS-0130161:[12,3] Parse exception - expected ADD VERSION, SET DEFAULT_VERSION or DROP VERSION, "
    "found 'SET'"
)


def run_script(mcshell, tmp_path, mode: str, script: str, *args: str):
    """Run `script` through -e, -f or standard input."""
    if mode == "-e":
        return mcshell(*args, "-e", script)
    if mode == "-f":
        path = tmp_path / "script.sql"
        path.write_text(script)
        return mcshell(*args, "-f", str(path))
    return mcshell(*args, stdin=script)


MODES = ["-e", "-f", "stdin"]


def versions(mcshell) -> list[str]:
    run = mcshell("-e", "SHOW VERSIONS FOR MODEL test_xgboost_classifier")
    return [line.split("|")[1].strip() + ":" + line.split("|")[2].strip() for line in run.stdout.splitlines()[3:-1]]


@pytest.mark.parametrize("mode", MODES)
def test_first_failure_stops_the_script(mcshell, tmp_path, mode):
    run = run_script(mcshell, tmp_path, mode, SCRIPT_WITH_ERROR_AT_3)

    assert (run.stdout, run.stderr, run.status) == ("", f"OK\nOK\n{ERROR_AT_3}\n", 1)
    assert versions(mcshell) == ["v1:true", "v2:false"]


@pytest.mark.parametrize("mode", MODES)
def test_continue_on_error_runs_the_rest_and_still_fails(mcshell, tmp_path, mode):
    run = run_script(mcshell, tmp_path, mode, SCRIPT_WITH_ERROR_AT_3, "--continue-on-error")

    assert (run.stdout, run.stderr, run.status) == ("", f"OK\nOK\n{ERROR_AT_3}\nOK\nOK\n", 1)
    assert versions(mcshell) == ["v1:false", "v2:false", "v3:true"]


@pytest.mark.parametrize("mode", MODES)
def test_a_last_statement_without_semicolon_or_newline_runs(mcshell, tmp_path, mode):
    run = run_script(mcshell, tmp_path, mode, "USE team_a;\n-- who am I?\nWHOAMI")
    assert (run.stdout, run.stderr, run.status) == ("Name: ALIYUN$odps_test\nProject: team_a\n", "OK\nOK\n", 0)


@pytest.fixture
def mcshell(mcshell):
    """The CLI with a fixed user, so outputs are the same on every machine."""

    def run(*args, **kwargs):
        return mcshell("--user", "ALIYUN$odps_test", *args, **kwargs)

    return run


def test_empty_standard_input_is_not_an_error(mcshell):
    assert mcshell(stdin="") == mcshell(stdin="-- only a comment\n\n") == type(mcshell(stdin=""))("", "", 0)


def test_no_standard_input_at_all_is_not_an_error(catalog):
    completed = subprocess.run(
        f"{MCSHELL} --catalog {catalog} <&-", shell=True, capture_output=True, text=True, timeout=60
    )
    assert (completed.stdout, completed.stderr, completed.returncode) == ("", "", 0)


def test_input_that_is_not_utf8_fails_at_its_line_and_column(mcshell):
    run = mcshell(stdin=b"WHOAMI;\nDESC MODEL \xff;\n")
    assert run.stderr == (
        "OK\nFAILED: ODPS-0130161:[2,12] Parse exception - the input is not valid UTF-8: byte 0xff cannot be read\n"
    )
    assert run.status == 1


def test_an_input_error_leaves_no_exception_behind_in_the_process(catalog):
    # In process, as serve and the pull tests run scripts: compiled, a generator that yielded the
    # error from its except block kept it as the thread's current exception after the run.
    import sys

    from click.testing import CliRunner

    from mcshell.cli import main

    ran = CliRunner().invoke(main, ["--catalog", str(catalog)], input=b"WHOAMI;\nDESC MODEL \xff;\n")
    assert (ran.exit_code, sys.exc_info()) == (1, (None, None, None))


def test_a_byte_order_mark_is_ignored(mcshell):
    run = mcshell(stdin="\ufeffWHOAMI;")
    assert (run.stderr, run.status) == ("OK\n", 0)


def test_a_failing_statement_leaves_the_catalog_as_it_was(mcshell, catalog):
    assert mcshell("-e", IMPORT_V1).status == 0
    before = catalog_rows(catalog)
    # Valid up to the last option, which is refused: nothing of the version may land.
    broken = import_version("test_xgboost_classifier", "v2").replace("role/r'", "role/r', TASKS = 'chat'")
    run = mcshell("-e", broken)
    assert run.status == 1
    assert run.stderr.startswith("FAILED: ODPS-0130071:")
    assert catalog_rows(catalog) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["-e", "WHOAMI", "-f", "/dev/null"], "give either -e or -f, not both"),
        (["-f", "missing.sql"], "'missing.sql': No such file or directory"),
        (["--project", "a-b"], "'a-b' is not a project name"),
        (["--frobnicate"], "No such option '--frobnicate'"),
    ],
)
def test_usage_errors_exit_2(mcshell, tmp_path, args, message):
    run = mcshell(*args, cwd=tmp_path)
    assert run.status == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_usage_error_escapes_control_characters_and_keeps_letters(mcshell):
    run = mcshell("--project", "café\n", "-e", "WHOAMI;")
    assert run.status == 2
    assert run.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--project': 'café\\n' is not a project name "
        "(3 to 28 letters, digits or underscores, starting with a letter)"
    )


def test_version_and_help(mcshell):
    from mcshell import __version__

    assert mcshell("--version") == type(mcshell("--version"))(f"mcshell {__version__}\n", "", 0)
    helped = mcshell("--help")
    assert helped.status == 0
    for flag in (
        "-e SQL",
        "-f FILE",
        "--project",
        "--user",
        "--catalog",
        "--continue-on-error",
        "--debug",
        "--version",
    ):
        assert flag in helped.stdout


def test_environment_variables_choose_catalog_user_and_project(tmp_path):
    import os

    env = {**os.environ, "MCSHELL_CATALOG": str(tmp_path / "env.db"), "MCSHELL_USER": "RAM$1:bob",
           "MCSHELL_PROJECT": "env_project"}  # fmt: skip
    completed = subprocess.run(
        [MCSHELL, "-e", "USE env_project; WHOAMI"], env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.stdout == "Name: RAM$1:bob\nProject: env_project\n"
    assert (tmp_path / "env.db").exists()


def test_default_catalog_lives_in_the_application_directory(private_home):
    completed = subprocess.run([MCSHELL, "-e", "USE my_project"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0
    assert (private_home / ".config" / "mcshell" / "catalog.db").exists()


def test_memory_catalog_keeps_nothing(tmp_path):
    completed = subprocess.run(
        [MCSHELL, "--catalog", ":memory:", "-e", IMPORT_V1 + "SHOW MODELS"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert completed.returncode == 0 and "test_xgboost_classifier" in completed.stdout
    assert list(tmp_path.iterdir()) == []


# -- an unterminated comment or string is an error at its start, wherever it is ----------------------
WHOAMI_OUTPUT = "Name: ALIYUN$odps_test\nProject: my_project\n"
OPEN_AFTER_A_STATEMENT = {
    "comment": ("WHOAMI;\n/* old block\nDROP MODEL m;\n", "[2,1]", "unterminated comment /*: no closing */"),
    "quote '": ("WHOAMI;\n'open\nDROP MODEL m;\n", "[2,1]", "unterminated quote ': no closing '"),
    'quote "': ('WHOAMI;\n  "open;\n', "[2,3]", 'unterminated quote ": no closing "'),
    "quote `": ("WHOAMI; `open\n", "[1,9]", "unterminated quote `: no closing `"),
    "comment in a SELECT": ("WHOAMI;\n/* x */ SELECT 1 /* open\n", "[2,18]", "unterminated comment /*: no closing */"),
    "comment at the end, no newline": ("WHOAMI; /*", "[1,9]", "unterminated comment /*: no closing */"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", list(OPEN_AFTER_A_STATEMENT))
def test_an_unterminated_comment_or_quote_after_a_statement_fails_at_its_start(mcshell, tmp_path, mode, case):
    # Was: a `/*` opened after a `;` dropped the rest of the script silently, exit status 0.
    script, position, message = OPEN_AFTER_A_STATEMENT[case]
    run = run_script(mcshell, tmp_path, mode, script)
    failed = f"FAILED: ODPS-0130161:{position} Parse exception - {message} before the end of the input"
    assert (run.stdout, run.stderr, run.status) == (WHOAMI_OUTPUT, f"OK\n{failed}\n", 1)


def test_check_counts_an_unterminated_comment_as_a_failed_statement(mcshell, tmp_path):
    # Was: "1 statements checked: 1 ok, 0 failed", exit status 0.
    path = tmp_path / "script.sql"
    path.write_text("WHOAMI;\n/* old block\nDROP MODEL m;\n")
    run = mcshell("--check", "-f", str(path))
    assert run.stderr.splitlines()[0] == (
        f"{path}:2:1: FAILED: ODPS-0130161: Parse exception - "
        "unterminated comment /*: no closing */ before the end of the input"
    )
    assert run.stderr.splitlines()[-1].startswith(f"{path}: 2 statements checked: 1 ok, 1 failed, 0 skipped")
    assert run.status == 1


@pytest.mark.parametrize("args", [(), ("--skip-unsupported",)])
def test_a_line_starting_with_a_hash_is_a_parse_error_that_says_how_to_comment(mcshell, args):
    run = mcshell(*args, stdin="# a comment, as in a shell script\nWHOAMI;\n")
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr == (
        "FAILED: ODPS-0130161:[1,1] Parse exception - '#' does not start a comment in MaxCompute SQL: use -- or /* */\n"
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("separator", ["\r", "\u2028", "\x0c"])
def test_a_line_ends_at_a_line_feed_only_in_every_mode(mcshell, tmp_path, mode, separator):
    # Was: -e cut its text at \r, \u2028 ... as well, so a `--` comment ended there and the DROP ran,
    # while the same text from a file or standard input kept it in the comment.
    run_script(mcshell, tmp_path, mode, "CREATE MODEL IF NOT EXISTS m WITH VERSION v OPTIONS(A='b');")
    script = f"WHOAMI; -- a comment{separator}DROP MODEL m;\n"
    run = run_script(mcshell, tmp_path, mode, script)
    assert (run.stdout, run.stderr, run.status) == (WHOAMI_OUTPUT, "OK\n", 0)

"""One test for each crash the fuzzers found: each input once ended in an internal error (or a
FAILED line that was not one line); now it ends in the FAILED line a user can act on."""

from __future__ import annotations

import io
import subprocess

import pytest
from conftest import MCSHELL, without_excerpts

from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

IMPORT_OPTIONS = (
    "OPTIONS(MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_REGRESSOR', "
    "LOCATION='oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/m/', ROLEARN='acs:ram::1:role/r')"
)
REMOTE_WITH_TIMEOUT = (
    "CREATE MODEL r WITH VERSION v OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', "
    "PAI_EAS_MODEL_NAME='m', PAI_EAS_SERVICE_NAME='s', ENDPOINT='https://e.cn-shanghai.pai-eas.aliyuncs.com', "
    "PAI_EAS_SYNC_MODE='true', PAI_EAS_SYNC_REQUEST_TIMEOUT='{}', APIKEY='sk-0123456789abcdef');"
)  # APIKEY last: a string after it would be masked in the error (docs/reliability.md, What is masked)


@pytest.fixture
def run(catalog):
    """Run a script in-process; returns (stderr without the source excerpts, exit status)."""

    def run(text: str) -> tuple[str, int]:
        out, err = io.StringIO(), io.StringIO()
        session = Session(SessionOptions(str(catalog), "ALIYUN$u", "my_project"), Console(out, err))
        try:
            status = session.run_script(text.splitlines(keepends=True))
        finally:
            session.close()
        return without_excerpts(err.getvalue()), int(status)

    return run


# -- text that is not text ---------------------------------------------------------------------
def test_a_lone_surrogate_is_refused_where_it_stands(run):
    # Was: System internal error - UnicodeEncodeError (SQLite cannot store it).
    assert run("DESC MODEL m\ud800;") == (
        "FAILED: ODPS-0130161:[1,13] Parse exception - the input is not valid UTF-8: character U+D800 cannot be read\n",
        1,
    )


def test_a_byte_that_is_not_utf8_in_e_is_refused_like_one_in_a_file(catalog):
    # Bytes on the command line reach Python as surrogates (surrogateescape).
    completed = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), "-e", b"SHOW MODELS;\nDESC MODEL m\xff;"], capture_output=True
    )
    stderr = without_excerpts(completed.stderr.decode("utf-8", "backslashreplace"))
    assert stderr == (
        "OK\nFAILED: ODPS-0130161:[2,13] Parse exception - the input is not valid UTF-8: byte 0xff cannot be read\n"
    )
    assert completed.returncode == 1


def test_a_user_name_that_is_not_utf8_is_a_usage_error(catalog):
    completed = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), "--user", b"ALIYUN$\xff", "-e", "WHOAMI;"], capture_output=True
    )
    assert completed.returncode == 2
    assert b"Invalid value for '--user': the user name is not valid UTF-8" in completed.stderr
    assert b"Traceback" not in completed.stderr


# -- limits ------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [65, 1500])
def test_a_type_nested_too_deep_is_a_parse_error(run, depth):
    # Was: System internal error - RecursionError, from 500 levels on.
    stderr, status = run(f"CREATE MODEL m WITH VERSION v INPUT(a {'ARRAY<' * depth}INT{'>' * depth}) {IMPORT_OPTIONS};")
    column = len("CREATE MODEL m WITH VERSION v INPUT(a ") + 6 * 64 + 1
    assert stderr == f"FAILED: ODPS-0130161:[1,{column}] Parse exception - type nested more than 64 levels deep\n"
    assert status == 1


def test_a_type_nested_64_levels_deep_is_accepted(run):
    assert run(f"CREATE MODEL m WITH VERSION v INPUT(a {'ARRAY<' * 64}INT{'>' * 64}) {IMPORT_OPTIONS};") == ("OK\n", 0)


def test_a_number_of_thousands_of_digits_is_a_parse_error(run):
    # Was: System internal error - ValueError: Exceeds the limit (4300 digits) for integer string conversion.
    stderr, status = run(f"CREATE MODEL m WITH VERSION v INPUT(a DECIMAL({'9' * 5000}, 2)) {IMPORT_OPTIONS};")
    assert stderr == (
        "FAILED: ODPS-0130161:[1,47] Parse exception - number '99999999999999999999...' is too large (5000 digits)\n"
    )
    assert status == 1


def test_leading_zeros_do_not_make_a_number_large(run):
    text = f"CREATE MODEL m WITH VERSION v INPUT(a DECIMAL({'0' * 30}10, 2)) {IMPORT_OPTIONS}; DESC MODEL m;"
    stderr, status = run(text)
    assert (stderr, status) == ("OK\nOK\n", 0)


@pytest.mark.parametrize("value", ["5000²", "٥٠٠٠", "9" * 5000])
def test_a_timeout_of_odd_digits_is_a_semantic_error(run, value):
    # '5000²'.isdigit() is True, yet int() refuses it: was System internal error - ValueError.
    stderr, status = run(REMOTE_WITH_TIMEOUT.format(value))
    assert stderr.startswith(
        f"FAILED: ODPS-0130071:[1,259] Semantic analysis exception - PAI_EAS_SYNC_REQUEST_TIMEOUT '{value[:50]}"
    )
    assert stderr.endswith("' must be a whole number of milliseconds from 5000 to 1800000 (default 5000)\n")
    assert status == 1


def test_a_timeout_with_leading_zeros_is_accepted(run):
    assert run(REMOTE_WITH_TIMEOUT.format("0005000")) == ("OK\n", 0)


# -- FAILED lines stay one readable line ---------------------------------------------------------
def test_an_unterminated_comment_is_named_and_not_quoted(run):
    # Was: "cannot read the statement: Error tokenizing '<the 50 characters around it>'", newlines included.
    assert run("DESC MODEL m /* not closed\nSHOW MODELS;") == (
        "FAILED: ODPS-0130161:[1,14] Parse exception - "
        "unterminated comment /*: no closing */ before the end of the input\n",
        1,
    )


def test_control_characters_quoted_from_the_input_are_escaped(run):
    # (Adjacent strings join, as in MaxCompute: `LIKE 'a' 'b\nc'` is one pattern.)
    assert run("DESC MODEL 'b\nc';") == (
        "FAILED: ODPS-0130161:[1,12] Parse exception - expected a model name, found string 'b\\nc'\n",
        1,
    )
    assert run("DESC MODEL `a\x1b[31mb\x00`;") == (
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.a\\x1b[31mb\\x00\n",
        1,
    )


def test_a_huge_word_is_quoted_shortened(run):
    stderr, status = run("UPDATE " + "x" * 100_000 + ";")
    assert stderr.startswith("FAILED: ODPS-0130161:[1,1] Parse exception - unsupported statement 'UPDATE " + "X" * 256)
    assert "X... (100000 characters)': mcshell runs model statements" in stderr
    assert len(stderr) < 1000
    assert status == 1


def test_a_huge_column_name_in_a_select_is_quoted_shortened(run):
    stderr, status = run("SELECT " + "x" * 100_000 + ";")
    assert stderr.startswith("FAILED: ODPS-0130071:[1,8] Semantic analysis exception - column " + "x" * 256 + "...")
    assert "x... (100000 characters) cannot be resolved" in stderr
    assert len(stderr) < 1000
    assert status == 1

"""After a FAILED line, the offending source line with a caret under the position."""

from __future__ import annotations

REMOTE = (
    "MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', PAI_EAS_MODEL_NAME='m', "
    "PAI_EAS_SERVICE_NAME='s', ENDPOINT='https://1.cn-shanghai.pai-eas.aliyuncs.com', PAI_EAS_SYNC_MODE='true'"
)
SECRET = "sk-0123456789abcdef0123456789abcdef"


def test_a_parse_error_quotes_its_line_with_a_caret(shell):
    run = shell("-f", "-", stdin="WHOAMI;\nDESC MODEL m VERSOIN v1;\n")

    assert run.raw_stderr == (
        "OK\n"
        "FAILED: ODPS-0130161:[2,14] Parse exception - expected ';', found 'VERSOIN'\n"
        "   2 | DESC MODEL m VERSOIN v1;\n"
        "     |              ^\n"
    )
    assert run.status == 1


def test_an_error_without_a_position_points_at_its_statement_on_a_shared_line(shell):
    run = shell("-e", "WHOAMI; DROP MODEL gone")

    assert run.raw_stderr.splitlines()[1:] == [
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.gone",
        "   1 | WHOAMI; DROP MODEL gone",
        "     |         ^",
    ]


def test_the_caret_follows_tabs_and_wide_characters(shell):
    run = shell("-e", "CREATE MODEL m WITH VERSION v1 INPUT(\t中文 intt) OPTIONS(MODEL_SOURCE_TYPE='REMOTE')")

    assert (
        run.raw_stderr.splitlines()[0]
        == "FAILED: ODPS-0130071:[1,48] Semantic analysis exception - option 'MODEL_TYPE' is required"
    )

    assert run.raw_stderr.splitlines()[1:] == [
        "   1 | CREATE MODEL m WITH VERSION v1 INPUT(\t中文 intt) OPTIONS(MODEL_SOURCE_TYPE='REMOTE')",
        "     |                                      \t           ^",  # under OPTIONS
    ]


def test_an_apikey_in_the_quoted_line_is_masked(shell):
    run = shell("-e", f"CREATE MODEL m WITH VERSION v1 OPTIONS({REMOTE}, APIKEY = '{SECRET}', COLOUR='x')")

    assert SECRET not in run.raw_stderr
    quoted, caret = run.raw_stderr.splitlines()[1:]
    assert "APIKEY = '********cdef', COLOUR='********')" in quoted  # every string after the key is masked
    assert quoted.index("COLOUR") == caret.index("^")


def test_a_long_line_is_cut_around_the_caret(shell):
    padding = " " * 300
    run = shell("-e", f"WHOAMI;{padding}DROP MODEL gone;{padding}WHOAMI")

    quoted, caret = run.raw_stderr.splitlines()[2:4]
    assert quoted.startswith("   1 | ...") and quoted.endswith("...")
    assert quoted[caret.index("^") :].startswith("DROP MODEL gone;")


def test_a_key_on_the_line_after_its_key_word_is_masked_under_an_intact_gutter_and_caret(shell):
    statement = "ALTER MODEL m ADD VERSION v WITH OPTIONS(APIKEY =\n    'sk-f094dc7ec96b4e1a' X = '1', Y)"
    run = shell("-e", statement)

    quoted, caret = run.raw_stderr.splitlines()[1:]
    assert quoted == "   2 |     '********= '1', Y)"  # the option is masked to its end (docs/reliability.md)
    assert caret == "     |      ^"  # the caret, at X inside the mask, moves to its start

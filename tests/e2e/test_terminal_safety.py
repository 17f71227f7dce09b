"""What reaches a terminal is shown, never acted on: a newline, a tab or an escape sequence in a
comment, a name or the input is printed escaped (`\\n`, `\\t`, `\\x1b`) in the grids, the DESC box,
WHOAMI, SHOW GRANTS, the FAILED line, its excerpt and the warnings; csv and json carry the real
characters (docs/output-and-errors.md, "The layouts")."""

from __future__ import annotations

import json

from conftest import mask_times

ESC = "\x1b"
OPTIONS = (
    "MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_REGRESSOR', "
    "LOCATION='oss://oss-cn-shanghai-internal.aliyuncs.com/bucket/m/', ROLEARN='acs:ram::1:role/r'"
)
COMMENT = f"one\ntwo\ttab {ESC}[31mred"
SHOWN = "one\\ntwo\\ttab \\x1b[31mred"
USER = ("--user", "ALIYUN$alice")


def create(shell) -> None:
    run = shell(*USER, "-e", f"CREATE MODEL m WITH VERSION v1 INPUT(x double) OPTIONS({OPTIONS}) COMMENT '{COMMENT}';")
    assert run.status == 0, run.stderr


def test_the_show_models_grid_shows_a_comment_escaped_on_one_line(shell):
    create(shell)
    assert mask_times(shell(*USER, "-e", "SHOW MODELS;").stdout) == (
        "+-----------+--------------+------------+------------------------+----------------+---------------------"
        "+---------------------+---------------------------+\n"
        "| ModelName | Owner        | SourceType | ModelType              | DefaultVersion | CreateTime          "
        "| LastModifiedTime    | Comment                   |\n"
        "+-----------+--------------+------------+------------------------+----------------+---------------------"
        "+---------------------+---------------------------+\n"
        "| m         | ALIYUN$alice | IMPORT     | BOOSTED_TREE_REGRESSOR | v1             | YYYY-MM-DD hh:mm:ss "
        f"| YYYY-MM-DD hh:mm:ss | {SHOWN} |\n"
        "+-----------+--------------+------------+------------------------+----------------+---------------------"
        "+---------------------+---------------------------+\n"
    )


def test_the_desc_box_keeps_its_rows(shell):
    create(shell)
    lines = shell(*USER, "-e", "DESC MODEL m;").stdout.splitlines()
    assert f"| Comment:                  {SHOWN:<56} |" in lines
    assert all(line.startswith(("+", "|")) and ESC not in line for line in lines)


def test_csv_and_json_carry_the_real_characters(shell):
    create(shell)
    models = json.loads(shell(*USER, "--format", "json", "-e", "SHOW MODELS;").stdout)
    assert models[0]["Comment"] == COMMENT
    assert shell(*USER, "--format", "csv", "-e", "SELECT 'a\tb' AS t;").stdout == "t\na\tb\n"


def test_a_select_shows_its_cells_and_headers_escaped(shell):
    run = shell("-e", f"SELECT 'x{ESC}[2Jy' AS `h\tx`, 'two\nlines' AS b;")
    assert run.stdout == (
        "+-----------+------------+\n"
        "| h\\tx      | b          |\n"
        "+-----------+------------+\n"
        "| x\\x1b[2Jy | two\\nlines |\n"
        "+-----------+------------+\n"
    )


def test_whoami_shows_a_user_name_escaped(shell):
    assert (
        shell("--user", f"ALIYUN$a{ESC}[2J", "-e", "WHOAMI;").stdout == "Name: ALIYUN$a\\x1b[2J\nProject: my_project\n"
    )


def test_the_excerpt_of_a_failed_line_is_escaped_and_its_caret_follows(shell):
    run = shell("-e", f"DESC MODEL {ESC}[31m;")
    assert run.raw_stderr == (
        "FAILED: ODPS-0130161:[1,13] Parse exception - expected ';', found '['\n"
        "   1 | DESC MODEL \\x1b[31m;\n"
        "     |                ^\n"
    )


def test_check_names_a_file_whose_name_holds_a_newline_on_one_line(shell, tmp_path):
    script = tmp_path / "new\nline.sql"
    script.write_text("DROP MODEL gone;\n")
    run = shell("--check", "-f", str(script))
    shown = str(script).replace("\n", "\\n")
    assert run.stderr == (
        f"{shown}:1:1: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.gone\n"
        f"{shown}: 1 statement checked: 0 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )


BEL = "\x07"


def test_show_create_model_shows_a_comment_escaped_and_dump_and_json_keep_it(shell):
    comment = f"a{ESC}[31mRED{BEL}b"
    created = shell(
        *USER, "-e", f"CREATE MODEL m WITH VERSION v1 INPUT(x double) OPTIONS({OPTIONS}) COMMENT '{comment}';"
    )
    assert created.status == 0, created.stderr
    assert shell(*USER, "-e", "SHOW CREATE MODEL m;").stdout == (
        "CREATE MODEL m WITH VERSION v1\n"
        "INPUT(x double)\n"
        "OPTIONS(\n"
        "    MODEL_SOURCE_TYPE = 'IMPORT',\n"
        "    MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR',\n"
        "    LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bucket/m/',\n"
        "    ROLEARN = 'acs:ram::1:role/r'\n"
        ")\n"
        "COMMENT 'a\\x1b[31mRED\\x07b';\n"
    )
    shown = json.loads(shell(*USER, "--format", "json", "-e", "SHOW CREATE MODEL m;").stdout)
    assert shown["text"].endswith(f"COMMENT '{comment}';")
    assert f"COMMENT '{comment}';" in shell("dump").stdout

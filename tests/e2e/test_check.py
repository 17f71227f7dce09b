"""--check: a dry run of a whole script against a private copy of the catalog."""

from __future__ import annotations

import sqlite3

from conftest import DATA, catalog_rows

from mcshell.sql.grammar import SUPPORTED

IMPORT_OPTIONS = (
    "MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_REGRESSOR', "
    "LOCATION='oss://oss-cn-shanghai-internal.aliyuncs.com/bucket/m', ROLEARN='acs:ram::1:role/r'"
)

# Three failures: a bad option (line 6), a version the script never made (line 8) and a model
# that does not exist (line 9, second statement on the line). Line 7 works only because line 3
# ran first in the private copy.
MIGRATION = f"""-- a migration script
SET odps.sql.using.public.model=true;
CREATE MODEL churn WITH VERSION v1 INPUT(x double)
OPTIONS({IMPORT_OPTIONS});
DESC MODEL churn;
ALTER MODEL churn ADD VERSION v2 INPUT(x double) WITH OPTIONS(COLOR='red');
ALTER MODEL churn ADD VERSION v3 INPUT(x double) WITH OPTIONS(LOCATION='oss://oss-cn-shanghai-internal.aliyuncs.com/bucket/m3', ROLEARN='acs:ram::1:role/r');
ALTER MODEL churn SET DEFAULT_VERSION v2;
SHOW MODELS; DROP MODEL no_such_model;
"""  # noqa: E501 - the script as a user writes it: its lines and columns are checked

ALLOWED = (
    "MODEL_SOURCE_TYPE, MODEL_TYPE, LOCATION, ROLEARN, TASKS, PAI_EAS_MODEL_NAME, PAI_EAS_SERVICE_NAME, "
    "ENDPOINT, APIKEY, PAI_EAS_SYNC_MODE, PAI_EAS_SYNC_REQUEST_TIMEOUT"
)


def seeded(shell, catalog):
    """A catalog built from the seed transcript: one model, users, projects, times."""
    run = shell(
        "--project", "muze_demo", "--user", "ALIYUN$odps_demo@example.com", "--continue-on-error",
        "-f", str(DATA / "transcripts" / "seed-session.sql"),
    )  # fmt: skip
    assert run.status == 1  # the seed's documented failure
    return catalog_rows(catalog)


def test_check_reports_every_failure_with_file_line_col_and_leaves_the_catalog_unchanged(mcshell, catalog, tmp_path):
    """Through the installed command, as CI would run it."""
    before = seeded(mcshell, catalog)
    script = tmp_path / "migration.sql"
    script.write_text(MIGRATION)

    run = mcshell("--check", "-f", str(script))

    name = str(script)
    assert run.stdout == ""
    assert run.raw_stderr == (
        f"{name}:6:63: FAILED: ODPS-0130071: Semantic analysis exception - unknown option 'COLOR'; allowed: {ALLOWED}\n"
        "   6 | ALTER MODEL churn ADD VERSION v2 INPUT(x double) WITH OPTIONS(COLOR='red');\n"
        "     |                                                               ^\n"
        f"{name}:8:1: FAILED: ODPS-0110061: Failed to run ddltask - Version not found: my_project.churn.v2\n"
        "   8 | ALTER MODEL churn SET DEFAULT_VERSION v2;\n"
        "     | ^\n"
        f"{name}:9:14: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.no_such_model\n"
        "   9 | SHOW MODELS; DROP MODEL no_such_model;\n"
        "     |              ^\n"
        f"{name}: 8 statements checked: 5 ok, 3 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert run.status == 1
    assert catalog_rows(catalog) == before


def test_check_of_a_clean_script_exits_0_with_only_the_summary(shell, catalog, tmp_path):
    before = seeded(shell, catalog)
    script = tmp_path / "ok.sql"
    script.write_text(MIGRATION.split("ALTER MODEL churn ADD VERSION v2")[0])

    run = shell("--project", "muze_demo", "--user", "ALIYUN$odps_demo@example.com", "--check", "-f", str(script))

    assert (run.stdout, run.status) == ("", 0)
    assert (
        run.stderr
        == f"{script}: 3 statements checked: 3 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert catalog_rows(catalog) == before


def test_check_of_piped_input_names_it_stdin(shell, catalog):
    shell("-e", "SHOW MODELS;")  # the catalog exists

    run = shell("--check", stdin="WHOAMI;\nDROP MODEL gone;\n")

    assert (
        run.stderr.splitlines()[0]
        == "<stdin>:2:1: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.gone"
    )
    assert run.stderr.splitlines()[-1].startswith("<stdin>: 2 statements checked: 1 ok, 1 failed, 0 skipped")
    assert run.status == 1


def test_check_without_a_catalog_file_checks_against_a_new_one_and_creates_nothing(shell, catalog):
    run = shell(
        "--check", "-e", f"CREATE MODEL m WITH VERSION v1 INPUT(x double) OPTIONS({IMPORT_OPTIONS}); DESC MODEL m"
    )

    assert run.status == 0
    assert (
        run.stderr == "<-e>: 2 statements checked: 2 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert not catalog.exists()


def test_check_of_a_file_that_is_not_a_catalog_fails_once(shell, tmp_path):
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.close()

    run = shell("--check", "-e", "SHOW MODELS; SHOW MODELS", catalog_path=other)

    assert run.raw_stderr == (
        f"<-e>: FAILED: ODPS-0010000: System internal error - '{other}' is an SQLite database "
        "but not an mcshell catalog\n"
    )
    assert run.status == 1


MIXED = f"""TRUNCATE TABLE features;
INSERT INTO features VALUES (1.0);
CREATE MODEL churn WITH VERSION v1 INPUT(x double) OPTIONS({IMPORT_OPTIONS});
SELECT ML_PREDICT(churn, v1, x) FROM features;
DESC MODEL churn;
"""


def test_skip_unsupported_warns_once_per_statement_and_runs_the_model_statements(shell):
    run = shell("--skip-unsupported", "-f", "-", stdin=MIXED)

    assert run.stderr.splitlines() == [
        "WARNING: skipped unsupported statement 'TRUNCATE TABLE' at [1,1]",
        "WARNING: skipped unsupported statement 'INSERT' at [2,1]",  # no table features: Table not found
        "OK",
        "WARNING: skipped unsupported statement 'SELECT' at [4,1]",
        "OK",
    ]
    assert "| Model Name:               churn" in run.stdout
    assert run.status == 0


def test_check_with_skip_unsupported_over_a_mixed_script(shell, catalog):
    before = seeded(shell, catalog)

    run = shell("--check", "--skip-unsupported", stdin=MIXED + "DROP MODEL churn;\nDROP MODEL churn;\n")

    assert run.raw_stderr == (
        "<stdin>:1:1: WARNING: skipped unsupported statement 'TRUNCATE TABLE'\n"
        "<stdin>:2:1: WARNING: skipped unsupported statement 'INSERT'\n"
        "<stdin>:4:1: WARNING: skipped unsupported statement 'SELECT'\n"
        "<stdin>:7:1: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.churn\n"
        "   7 | DROP MODEL churn;\n"
        "     | ^\n"
        "<stdin>: 7 statements checked: 3 ok, 1 failed, 3 skipped (dry run: the catalog was not changed)\n"
    )
    assert run.status == 1
    assert catalog_rows(catalog) == before


def test_without_skip_unsupported_the_first_unsupported_statement_fails(shell):
    run = shell(stdin=MIXED)

    assert run.verdicts == [
        f"FAILED: ODPS-0130161:[1,1] Parse exception - unsupported statement 'TRUNCATE TABLE': "
        f"mcshell runs model statements ({SUPPORTED})"
    ]
    assert run.status == 1


def test_dump_does_not_go_with_check(shell):
    run = shell("--check", "dump")

    assert run.status == 2
    assert "do not go with 'dump'" in run.stderr


def test_check_runs_while_another_shell_holds_the_write_lock(shell, catalog):
    before = seeded(shell, catalog)
    writer = sqlite3.connect(catalog, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another mcshell in the middle of a statement
    try:
        run = shell(
            "--project", "muze_demo", "--user", "ALIYUN$odps_demo@example.com", "--check", "-e",
            "DROP MODEL PAI_EAS_Qwen25_Omni_3B; SHOW MODELS",
        )  # fmt: skip
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert run.status == 0, run.stderr
    assert catalog_rows(catalog) == before


def test_the_summary_counts_one_statement_in_the_singular(shell):
    run = shell("--check", "-e", "WHOAMI;")
    assert (run.status, run.stderr) == (
        0,
        "<-e>: 1 statement checked: 1 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n",
    )

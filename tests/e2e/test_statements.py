"""Each statement's success and each of its errors, as a user sees them: stdout, stderr, exit status."""

from __future__ import annotations

import pytest
from conftest import IMPORT_V1, REMOTE_V1, catalog_rows, import_version, mask_times

IMPORT_DESC_V1 = """\
+------------------------------------------------------------------------------------+
|                  Model Information                                                 |
+------------------------------------------------------------------------------------+
| Owner:                    ALIYUN$alice                                             |
| Project:                  my_project                                               |
| Model Name:               test_xgboost_classifier                                  |
| Model Type:               BOOSTED_TREE_CLASSIFIER                                  |
| Source Type:              IMPORT                                                   |
| Default Version:          v1                                                       |
| CreateTime:               YYYY-MM-DD hh:mm:ss                                      |
| LastModifiedTime:         YYYY-MM-DD hh:mm:ss                                      |
| Comment:                  Import XGBoost model v1                                  |
+------------------------------------------------------------------------------------+
|                Version Information                                                 |
+------------------------------------------------------------------------------------+
| Owner:                    ALIYUN$alice                                             |
| Project:                  my_project                                               |
| Model Name:               test_xgboost_classifier                                  |
| Model Type:               BOOSTED_TREE_CLASSIFIER                                  |
| Source Type:              IMPORT                                                   |
| Version Name:             v1                                                       |
| Path:                     oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/ |
| CreateTime:               YYYY-MM-DD hh:mm:ss                                      |
| LastModifiedTime:         YYYY-MM-DD hh:mm:ss                                      |
| ROLEARN:                  acs:ram::1126123000000000:role/aliyunodpsdefaultrole     |
+------------------------------------------------------------------------------------+
| Input           | Type       | Comment                                             |
+------------------------------------------------------------------------------------+
| f1              | bigint     |                                                     |
| f2              | bigint     |                                                     |
| f3              | bigint     |                                                     |
| f4              | bigint     |                                                     |
+------------------------------------------------------------------------------------+
"""

USER = ("--user", "ALIYUN$alice")
MODEL = "test_xgboost_classifier"


@pytest.fixture
def with_import_model(shell):
    """A catalog holding the docs' IMPORT model test_xgboost_classifier (version v1)."""
    assert shell(*USER, "-e", IMPORT_V1).status == 0


def failing(shell, catalog, sql: str, line: str) -> None:
    """`sql` fails with exactly `line` on stderr, prints nothing, exits 1 and changes nothing."""
    if not catalog.exists():
        assert shell(*USER, "-e", "USE my_project").status == 0  # the first statement that writes creates it
    before = catalog_rows(catalog)
    run = shell(*USER, "-e", sql)
    assert (run.stdout, run.stderr, run.status) == ("", line + "\n", 1)
    assert catalog_rows(catalog) == before


# -- CREATE MODEL ---------------------------------------------------------------------------------
def test_create_model_prints_ok_and_the_model_is_described(shell):
    created = shell(*USER, "-e", IMPORT_V1)
    described = shell(*USER, "-e", f"DESC MODEL {MODEL};")

    assert (created.stdout, created.stderr, created.status) == ("", "OK\n", 0)
    assert mask_times(described.stdout) == IMPORT_DESC_V1
    assert (described.stderr, described.status) == ("OK\n", 0)


def test_create_model_that_exists_fails(shell, catalog, with_import_model):
    failing(
        shell, catalog, IMPORT_V1,
        "FAILED: ODPS-0110061: Failed to run ddltask - Model already exists: my_project.test_xgboost_classifier",
    )  # fmt: skip


def test_create_model_if_not_exists_leaves_the_model_as_it_was(shell, catalog, with_import_model):
    before = catalog_rows(catalog)
    run = shell(*USER, "-e", IMPORT_V1.replace("CREATE MODEL", "CREATE MODEL IF NOT EXISTS"))
    assert (run.stdout, run.stderr, run.status) == ("", "OK\n", 0)
    assert catalog_rows(catalog) == before


def test_create_model_accepts_with_options_and_double_quoted_comment(shell):
    sql = IMPORT_V1.replace("OPTIONS(", "WITH OPTIONS(").replace("'Import XGBoost model v1'", '"it\'s v1"')
    run = shell(*USER, "-e", sql + f"DESC MODEL {MODEL};")
    assert run.status == 0
    assert "| Comment:                  it's v1" in run.stdout


def test_create_model_syntax_error_points_at_the_token(shell, catalog):
    failing(
        shell, catalog, "CREATE MODEL m WITH VERSON v1",
        "FAILED: ODPS-0130161:[1,21] Parse exception - expected 'VERSION', found 'VERSON'",
    )  # fmt: skip


def test_create_model_without_options_is_a_semantic_error(shell, catalog):
    failing(
        shell, catalog, "CREATE MODEL m WITH VERSION v1 INPUT(a INT);",
        "FAILED: ODPS-0130071:[1,44] Semantic analysis exception - option 'MODEL_SOURCE_TYPE' is required",
    )  # fmt: skip


# -- ALTER MODEL ADD VERSION ----------------------------------------------------------------------
def test_add_version_keeps_the_default(shell, with_import_model):
    added = shell(*USER, "-e", import_version(MODEL, "V2"))
    listed = shell(*USER, "-e", f"SHOW VERSIONS FOR MODEL {MODEL};")

    assert (added.stdout, added.stderr, added.status) == ("", "OK\n", 0)
    assert mask_times(listed.stdout) == (
        "+-------------+-----------+--------------+--------------------------------------------------------------------------------------+-------+---------------------+---------------------+-------------------------+\n"
        "| VersionName | IsDefault | Owner        | Path                                                                                 | Tasks | CreateTime          | LastModifiedTime    | Comment                 |\n"  # noqa: E501 - a row of the golden table
        "+-------------+-----------+--------------+--------------------------------------------------------------------------------------+-------+---------------------+---------------------+-------------------------+\n"
        "| v1          | true      | ALIYUN$alice | oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/ |       | YYYY-MM-DD hh:mm:ss | YYYY-MM-DD hh:mm:ss | Import XGBoost model v1 |\n"  # noqa: E501 - a row of the golden table
        "| v2          | false     | ALIYUN$alice | oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/                                   |       | YYYY-MM-DD hh:mm:ss | YYYY-MM-DD hh:mm:ss |                         |\n"  # noqa: E501 - a row of the golden table
        "+-------------+-----------+--------------+--------------------------------------------------------------------------------------+-------+---------------------+---------------------+-------------------------+\n"
    )


def test_add_version_to_a_missing_model_suggests_a_close_name(shell, catalog, with_import_model):
    failing(
        shell, catalog, import_version("test_xgboost_clasifier", "v2"),
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.test_xgboost_clasifier; "
        "did you mean test_xgboost_classifier?",
    )  # fmt: skip


def test_add_version_that_exists_fails(shell, catalog, with_import_model):
    failing(
        shell, catalog, import_version(MODEL, "V1"),
        "FAILED: ODPS-0110061: Failed to run ddltask - Version already exists: my_project.test_xgboost_classifier.v1",
    )  # fmt: skip


def test_add_version_with_another_source_type_fails(shell, catalog, with_import_model):
    sql = import_version(MODEL, "v2").replace("WITH OPTIONS(", "WITH OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', ")
    failing(
        shell, catalog, sql,
        "FAILED: ODPS-0130071:[1,99] Semantic analysis exception - MODEL_SOURCE_TYPE 'REMOTE' does not match "
        "the model's MODEL_SOURCE_TYPE 'IMPORT'",
    )  # fmt: skip


def test_add_version_moves_last_modified_time_only(shell, catalog, with_import_model):
    import sqlite3

    connection = sqlite3.connect(catalog)
    connection.execute(
        "UPDATE models SET last_modified_time = '2000-01-01 00:00:00', create_time = '2000-01-01 00:00:00'"
    )
    connection.commit()
    connection.close()
    shell(*USER, "-e", import_version(MODEL, "v2"))
    described = shell(*USER, "-e", f"DESC MODEL {MODEL};").stdout
    assert "| CreateTime:               2000-01-01 00:00:00" in described
    assert "| LastModifiedTime:         2000-01-01 00:00:00" not in described


# -- SET DEFAULT_VERSION ---------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["SET DEFAULT_VERSION v2", "SET DEFAULT_VERSION = V2"])
def test_set_default_version(shell, with_import_model, form):
    shell(*USER, "-e", import_version(MODEL, "v2"))
    run = shell(*USER, "-e", f"ALTER MODEL {MODEL} {form}; DESC MODEL {MODEL};")
    assert run.status == 0 and run.stderr == "OK\nOK\n"
    assert "| Default Version:          v2" in run.stdout
    assert "| Version Name:             v2" in run.stdout


def test_set_default_version_to_a_missing_version_fails(shell, catalog, with_import_model):
    failing(
        shell, catalog, f"ALTER MODEL {MODEL} SET DEFAULT_VERSION v3",
        "FAILED: ODPS-0110061: Failed to run ddltask - Version not found: my_project.test_xgboost_classifier.v3",
    )  # fmt: skip


# -- DROP VERSION ------------------------------------------------------------------------------------
def test_drop_version(shell, with_import_model):
    shell(*USER, "-e", import_version(MODEL, "v2"))
    run = shell(*USER, "-e", f"ALTER MODEL {MODEL} DROP VERSION v2; DESC MODEL {MODEL} VERSION v2;")
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr == (
        "OK\nFAILED: ODPS-0110061: Failed to run ddltask - Version not found: my_project.test_xgboost_classifier.v2\n"
    )


def test_drop_default_version_fails_with_the_documented_line(shell, catalog, with_import_model):
    failing(
        shell, catalog, f"ALTER MODEL {MODEL} DROP VERSION v1",
        "FAILED: ODPS-0110061: Failed to run ddltask - The default version of the model cannot be dropped",
    )  # fmt: skip


def test_drop_missing_version_suggests_a_close_name(shell, catalog, with_import_model):
    shell(*USER, "-e", import_version(MODEL, "version_2"))
    failing(
        shell, catalog, f"ALTER MODEL {MODEL} DROP VERSION version2",
        "FAILED: ODPS-0110061: Failed to run ddltask - Version not found: "
        "my_project.test_xgboost_classifier.version2; did you mean version_2?",
    )  # fmt: skip


# -- DROP MODEL ---------------------------------------------------------------------------------------
def test_drop_model_removes_every_version(shell, catalog, with_import_model):
    import sqlite3

    shell(*USER, "-e", import_version(MODEL, "v2"))
    run = shell(*USER, "-e", f"DROP MODEL {MODEL};")
    assert (run.stdout, run.stderr, run.status) == ("", "OK\n", 0)
    connection = sqlite3.connect(catalog)
    assert connection.execute(
        "SELECT count(*) FROM versions v JOIN models m ON m.id = v.model_id WHERE m.project = 'my_project'"
    ).fetchone() == (0,)
    assert connection.execute("SELECT count(*) FROM models WHERE project = 'my_project'").fetchone() == (0,)
    connection.close()


def test_drop_missing_model_fails(shell, catalog):
    failing(
        shell,
        catalog,
        "DROP MODEL nothing",
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nothing",
    )


def test_drop_model_if_exists_of_a_missing_model_is_ok(shell):
    run = shell("-e", "DROP MODEL IF EXISTS nothing")
    assert (run.stdout, run.stderr, run.status) == ("", "OK\n", 0)


# -- DESC MODEL -----------------------------------------------------------------------------------------
def test_desc_model_version_describes_that_version(shell, with_import_model):
    shell(*USER, "-e", import_version(MODEL, "v2"))
    run = shell(*USER, "-e", f"DESCRIBE MODEL my_project.default.{MODEL} VERSION v2;")
    lines = mask_times(run.stdout).splitlines()
    assert "| Default Version:          v1                                                       |" in lines
    assert "| Version Name:             v2                                                       |" in lines
    assert "| rolearn:                  acs:ram::1126123000000000:role/r                         |" in lines
    assert "| f1              | int        |                                                     |" in lines
    assert all(len(line) == 86 for line in lines if "Path:" not in line)


def test_desc_missing_model_fails(shell, catalog):
    failing(
        shell,
        catalog,
        "DESC MODEL nothing",
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nothing",
    )


def test_desc_model_in_a_missing_project_fails(shell, catalog):
    failing(
        shell,
        catalog,
        "DESC MODEL elsewhere.m",
        "FAILED: ODPS-0110061: Failed to run ddltask - Project not found: elsewhere",
    )


def test_desc_model_with_a_schema_other_than_default_fails(shell, catalog):
    failing(
        shell, catalog, "DESC MODEL my_project.other.m",
        "FAILED: ODPS-0130071:[1,23] Semantic analysis exception - "
        "schema 'other' does not exist; only 'default' is supported",
    )  # fmt: skip


# -- SHOW MODELS -----------------------------------------------------------------------------------------
def test_show_models_like_filters_case_insensitively(shell):
    shell(*USER, "-e", IMPORT_V1 + REMOTE_V1)
    run = shell(*USER, "-e", "SHOW MODELS LIKE 'PAI%';")
    assert mask_times(run.stdout) == (
        "+------------------------+--------------+------------+-----------+----------------+---------------------+---------------------+-----------------------------------+\n"
        "| ModelName              | Owner        | SourceType | ModelType | DefaultVersion | CreateTime          | LastModifiedTime    | Comment                           |\n"  # noqa: E501 - a row of the golden table
        "+------------------------+--------------+------------+-----------+----------------+---------------------+---------------------+-----------------------------------+\n"
        "| pai_eas_qwen25_omni_3b | ALIYUN$alice | REMOTE     | MLLM      | v1             | YYYY-MM-DD hh:mm:ss | YYYY-MM-DD hh:mm:ss | PAI EAS remote model binary input |\n"  # noqa: E501 - a row of the golden table
        "+------------------------+--------------+------------+-----------+----------------+---------------------+---------------------+-----------------------------------+\n"
    )
    assert (run.stderr, run.status) == ("OK\n", 0)


def test_show_models_of_an_empty_project_prints_the_header(shell):
    run = shell("-e", "SHOW MODELS")
    assert run.stdout == (
        "+-----------+-------+------------+-----------+----------------+------------+------------------+---------+\n"
        "| ModelName | Owner | SourceType | ModelType | DefaultVersion | CreateTime | LastModifiedTime | Comment |\n"
        "+-----------+-------+------------+-----------+----------------+------------+------------------+---------+\n"
        "+-----------+-------+------------+-----------+----------------+------------+------------------+---------+\n"
    )


def test_show_versions_of_a_missing_model_fails(shell, catalog):
    failing(
        shell,
        catalog,
        "SHOW VERSIONS FOR MODEL nothing",
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nothing",
    )


# -- session statements -------------------------------------------------------------------------------------
def test_use_whoami_and_set(shell):
    run = shell(*USER, "-e", "SET odps.sql.using.public.model=true; USE muze_demo; WHOAMI;")
    assert run.stdout == "Name: ALIYUN$alice\nProject: muze_demo\n"
    assert (run.stderr, run.status) == ("OK\nOK\nOK\n", 0)


def test_use_creates_the_project_and_models_go_there(shell):
    run = shell(
        *USER,
        "-e",
        "USE team_a;"
        + IMPORT_V1
        + "USE my_project; SHOW MODELS LIKE 'test%'; DESC MODEL team_a.test_xgboost_classifier;",
    )
    assert run.status == 0
    assert "test_xgboost_classifier" not in run.stdout.split("+\n", 4)[3]  # my_project's grid has no rows
    assert "| Project:                  team_a" in run.stdout


def test_use_a_bad_project_name_fails(shell, catalog):
    failing(
        shell, catalog, "USE `a-b`",
        "FAILED: ODPS-0130071:[1,5] Semantic analysis exception - project name 'a-b' must be 3 to 28 characters, "
        "start with a letter and contain only letters, digits and underscores",
    )  # fmt: skip


def test_help_lists_the_statements_and_one_statement_syntax(shell):
    run = shell("-e", "HELP; HELP DROP MODEL;")
    assert run.stdout.startswith("Statements (HELP <statement>; for the syntax of one):\n")
    assert run.stdout.endswith("DROP MODEL [IF EXISTS] <model>;\n")
    assert (run.stderr, run.status) == ("OK\nOK\n", 0)


def test_help_for_an_unknown_statement_fails(shell, catalog):
    failing(
        shell,
        catalog,
        "HELP UPDATE",
        "FAILED: ODPS-0130071:[1,1] Semantic analysis exception - no help for 'UPDATE'; HELP; lists the statements",
    )


def test_quit_stops_the_script(shell):
    run = shell("-e", "WHOAMI; QUIT; DROP MODEL nothing;")
    assert (run.stderr, run.status) == ("OK\n", 0)


@pytest.mark.parametrize(
    "sql, word",
    [("UPDATE t SET a = 1", "UPDATE T"), ("CREATE VIEW v AS SELECT 1", "CREATE VIEW"),
     ("DELETE FROM t", "DELETE FROM"), ("TRUNCATE TABLE t", "TRUNCATE TABLE"), ("SHOW VIEWS", "SHOW VIEWS")],
)  # fmt: skip
def test_other_sql_is_refused(shell, catalog, sql, word):
    failing(
        shell, catalog, f"  {sql}",
        f"FAILED: ODPS-0130161:[1,3] Parse exception - unsupported statement '{word}': mcshell runs model statements "
        "(CREATE MODEL, ALTER MODEL, DROP MODEL, DESC MODEL, SHOW MODELS, SHOW VERSIONS FOR MODEL, SHOW CREATE MODEL, "
        "USE, WHOAMI, SET, HELP, QUIT, "
        "ADD USER, REMOVE USER, LIST USERS, GRANT, REVOKE, SHOW GRANTS, SHOW ACL, CREATE ROLE, DROP ROLE, LIST ROLES, "
        "DESCRIBE ROLE, CREATE TABLE, DROP TABLE, DESC TABLE, SHOW TABLES, SHOW CREATE TABLE, ALTER TABLE, "
        "SHOW PARTITIONS, INSERT, SELECT, TUNNEL)",
    )  # fmt: skip


def test_help_knows_the_role_and_acl_statements(shell):
    run = shell("-e", "HELP; HELP CREATE ROLE; HELP DESC ROLE; HELP SHOW ACL; HELP GRANT;")
    assert run.status == 0
    assert "  SHOW ACL        who holds what on a model\n" in run.stdout
    assert "CREATE ROLE <role>;\n" in run.stdout
    assert "DESCRIBE ROLE <role>;   (also DESC ROLE: its users, then its grants)\n" in run.stdout
    assert "SHOW ACL FOR <model> [ON TYPE MODEL];" in run.stdout
    assert "GRANT <role>[, <role> ...] TO [USER] <user>;\n" in run.stdout

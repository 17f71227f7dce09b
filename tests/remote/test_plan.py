"""`mcshell plan`: a script checked against the pulled state, the diff it would make, and the
queries it would break. These run --offline over a "production" catalog built with the CLI, which
stands for the last pull; the path that pulls first runs against `mcshell serve` (docs/remote.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import MCSHELL, catalog_rows

from mcshell.catalog.records import PullRecord
from mcshell.catalog.store import Catalog

ALICE = "ALIYUN$alice@example.com"
ROLEARN = "ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole'"
OSS = "oss://oss-cn-shanghai-internal.aliyuncs.com/models"
APIKEY = "ZjA5NGRjN2VjOTZiNGUxYTljM2QwYjJhN2U2ZjVkNGMzYjJhMTkwOA=="

PRODUCTION = f"""CREATE MODEL churn WITH VERSION v1 INPUT(f1 BIGINT, f2 BIGINT)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = '{OSS}/churn_v1/', {ROLEARN})
COMMENT 'churn, first cut';
ALTER MODEL churn ADD VERSION v2 INPUT(f1 BIGINT, f2 BIGINT) WITH OPTIONS(LOCATION = '{OSS}/churn_v2/', {ROLEARN});
CREATE MODEL old WITH VERSION v1 INPUT(f1 BIGINT)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR', LOCATION = '{OSS}/old/', {ROLEARN});
CREATE MODEL PAI_EAS_Qwen25_Omni_3B WITH VERSION v1
INPUT(data BINARY, promt STRING)
OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'MLLM', TASKS = 'chat', PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B',
    PAI_EAS_SERVICE_NAME = 'test_remote_model', ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = '{APIKEY}', PAI_EAS_SYNC_MODE = 'true')
COMMENT 'PAI EAS remote model binary input';
ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v2
INPUT(url STRING, promt STRING)
WITH OPTIONS(TASKS = 'chat', PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B', PAI_EAS_SERVICE_NAME = 'test_remote_model',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com', APIKEY = '{APIKEY}',
    PAI_EAS_SYNC_MODE = 'true');
ADD USER ALIYUN$bob@example.com;
CREATE ROLE reader;
GRANT reader TO ALIYUN$bob@example.com;
GRANT Describe ON MODEL churn TO USER ALIYUN$bob@example.com;
CREATE TABLE customers (id BIGINT NOT NULL, age INT) COMMENT 'churn features' PARTITIONED BY (ds STRING);
ALTER TABLE customers ADD PARTITION (ds = '20261206');
CREATE TABLE staging (id BIGINT);
CREATE TABLE photos (image STRING, image_url STRING);
"""  # noqa: E501 - statements as a user writes them

CHANGE = f"""-- release 3 of churn
ALTER MODEL churn ADD VERSION v3 INPUT(f1 BIGINT, f2 BIGINT, f3 BIGINT) WITH OPTIONS(
    LOCATION = '{OSS}/churn_v3/', {ROLEARN}
);
ALTER MODEL churn SET DEFAULT_VERSION v3;
ALTER MODEL churn DROP VERSION v1;
DROP MODEL old;
ADD USER ALIYUN$carol@example.com;
CREATE ROLE analyst;
GRANT analyst TO ALIYUN$carol@example.com;
GRANT Describe ON MODEL churn TO ROLE analyst;
REVOKE Describe ON MODEL churn FROM USER ALIYUN$bob@example.com;
"""

CHANGE_PLAN = """\
~ model churn: default version v1 -> v3
- version churn.v1
+ version churn.v3
- model old
- version old.v1
+ member ALIYUN$carol@example.com
+ role analyst
+ role analyst to user ALIYUN$carol@example.com
+ grant Describe on model churn to role analyst
- grant Describe on model churn to user ALIYUN$bob@example.com
Plan: 5 to add, 1 to change, 4 to remove.
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The catalog a pull would leave: built once with the CLI, copied by each test."""
    where = tmp_path_factory.mktemp("production")
    path = where / "production.db"
    env = {**os.environ, "HOME": str(where), "MCSHELL_USER": ALICE}
    built = subprocess.run([MCSHELL, "--catalog", str(path)], input=PRODUCTION.encode(), capture_output=True, env=env)
    assert built.returncode == 0, built.stderr.decode()
    _record_a_pull(path, "my_project")
    return path


def _record_a_pull(path, name: str) -> None:
    """The record `mcshell pull` leaves, so that the catalog built with the CLI reads as pulled."""
    catalog = Catalog.open(str(path), "2026-12-07 10:00:00")
    try:
        with catalog.transaction(write=True):
            project = catalog.get_project(name)
            catalog.replace_project_row(project, PullRecord("http://service.example/api", ALICE, "2026-12-07 10:00:00"))
    finally:
        catalog.close()


def test_a_project_made_here_and_never_pulled(mcshell, tmp_path):
    made = tmp_path / "made.db"
    assert mcshell("-e", "CREATE ROLE r;", catalog_path=made).status == 0
    run = mcshell("plan", "--offline", "-e", "SHOW MODELS;", catalog_path=made)
    assert run.stderr.splitlines()[-1].startswith("Error: project my_project was never pulled into")
    assert run.status == 2


@pytest.fixture
def pulled(production, catalog):
    shutil.copy(production, catalog)
    return catalog


@pytest.fixture
def plan(mcshell, pulled, tmp_path):
    """`mcshell plan --offline ...` as alice, from the test's directory."""

    def run(*args: str, stdin: str | None = None):
        return mcshell("--user", ALICE, "plan", "--offline", *args, stdin=stdin, cwd=tmp_path)

    return run


def dump(mcshell, path) -> str:
    run = mcshell("dump", "--include-secrets", catalog_path=path)
    assert run.status == 0
    return run.stdout


def test_a_script_that_adds_changes_and_removes(plan, mcshell, pulled, tmp_path):
    (tmp_path / "change.sql").write_text(CHANGE)
    before_bytes, before_rows, before_dump = pulled.read_bytes(), catalog_rows(pulled), dump(mcshell, pulled)
    run = plan("-f", "change.sql")
    assert (run.stdout, run.raw_stderr, run.status) == (
        CHANGE_PLAN,
        "change.sql: 9 statements checked: 9 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n",
        0,
    )
    # The catalog file is never changed by a plan: the same bytes, the same rows, the same dump.
    assert pulled.read_bytes() == before_bytes
    assert catalog_rows(pulled) == before_rows
    assert dump(mcshell, pulled) == before_dump


def test_the_same_plan_from_e_and_from_standard_input(plan):
    assert plan("-e", CHANGE).stdout == CHANGE_PLAN
    run = plan(stdin=CHANGE)
    assert (run.stdout, run.status) == (CHANGE_PLAN, 0)
    assert run.stderr.startswith("<stdin>: 9 statements checked")


def test_a_script_that_would_fail_at_line_n(plan, tmp_path):
    (tmp_path / "bad.sql").write_text(
        "ALTER MODEL churn SET DEFAULT_VERSION v2;\n"
        "ALTER MODEL churn DROP VERSION v2;\n"
        "DROP MODEL old;\n"
    )  # fmt: skip
    run = plan("-f", "bad.sql")
    assert run.raw_stderr == (
        "bad.sql:2:1: FAILED: ODPS-0110061: Failed to run ddltask - "
        "The default version of the model cannot be dropped\n"
        "   2 | ALTER MODEL churn DROP VERSION v2;\n"
        "     | ^\n"
        "bad.sql: 3 statements checked: 2 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    # What the statements that would succeed change is still shown; the exit status says one would fail.
    assert (run.stdout, run.status) == (
        "~ model churn: default version v1 -> v2\n- model old\n- version old.v1\n"
        "Plan: 0 to add, 1 to change, 2 to remove.\n",
        1,
    )


def test_json(plan, tmp_path):
    (tmp_path / "change.sql").write_text(CHANGE + "DROP MODEL nosuch;\n")
    run = plan("-f", "change.sql", "--format", "json")
    assert run.status == 1
    assert run.stdout.count("\n") == 1
    document = json.loads(run.stdout)
    assert document["changes"][:2] == [
        {"sign": "~", "kind": "model", "text": "model churn: default version v1 -> v3"},
        {"sign": "-", "kind": "version", "text": "version churn.v1"},
    ]
    assert [f"{change['sign']} {change['text']}" for change in document["changes"]] == CHANGE_PLAN.splitlines()[:-1]
    assert {key: value for key, value in document.items() if key != "changes"} == {
        "add": 5, "change": 1, "remove": 4, "statements": 10, "failed": 1, "broken_queries": 0,
    }  # fmt: skip


def test_nothing_to_change(plan):
    run = plan("-e", "DESC MODEL churn; ALTER MODEL churn SET DEFAULT_VERSION v1;")
    assert (run.stdout, run.status) == ("Plan: 0 to add, 0 to change, 0 to remove.\n", 0)


def test_an_apikey_is_never_shown_whole(plan):
    run = plan("-e", "ALTER MODEL PAI_EAS_Qwen25_Omni_3B DROP VERSION v2;", "--format", "json")
    assert APIKEY not in run.stdout + run.raw_stderr
    assert json.loads(run.stdout)["changes"] == [
        {"sign": "-", "kind": "version", "text": "version pai_eas_qwen25_omni_3b.v2"}
    ]


# -- the change's reach: --queries ----------------------------------------------------------------
# The story of the ALTER MODEL page (docs/modify-model-version.ja.txt): v1 takes BINARY data, v2 a
# URL; after SET DEFAULT_VERSION v2, a query that passes BINARY data to the default version breaks.
QUERIES = """\
SET odps.sql.using.public.model=true;
SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, DEFAULT_VERSION, CAST(image AS BINARY), 'Describe it', 'IMAGE') FROM photos;
SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v2, image_url, 'Describe it', 'IMAGE') FROM photos;
CREATE TABLE captions (caption STRING);
INSERT OVERWRITE TABLE captions
  SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v1, CAST(image AS BINARY), 'Describe it', 'IMAGE') FROM photos;
"""  # noqa: E501


def test_a_default_version_that_breaks_the_queries_passing_it_binary_data(plan, tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "captions.sql").write_text(QUERIES)
    run = plan("-e", "ALTER MODEL PAI_EAS_Qwen25_Omni_3B SET DEFAULT_VERSION v2;", "--queries", "queries/*.sql")
    assert run.stdout == (
        "~ model pai_eas_qwen25_omni_3b: default version v1 -> v2\nPlan: 0 to add, 1 to change, 0 to remove.\n"
    )
    assert run.raw_stderr == (
        "<-e>: 1 statement checked: 1 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n"
        "queries/captions.sql:2:61: FAILED: ODPS-0130071: Semantic analysis exception - AI_GENERATE with BINARY data "
        "needs a BINARY INPUT column in version v2 of my_project.pai_eas_qwen25_omni_3b (its INPUT: url string, promt "
        "string)\n"
        "   2 | SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, DEFAULT_VERSION, CAST(image AS BINARY), 'Describe it', "
        "'IMAGE') FROM photos;\n"
        "     |                                                             ^\n"
        "queries/captions.sql: 4 statements checked: 3 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert run.status == 1


def test_the_queries_pass_before_the_change(plan, tmp_path):
    (tmp_path / "captions.sql").write_text(QUERIES)
    run = plan("-e", "DESC MODEL PAI_EAS_Qwen25_Omni_3B;", "--queries", "captions.sql")
    assert run.status == 0
    assert run.stderr.splitlines()[-1].startswith("captions.sql: 4 statements checked: 4 ok, 0 failed")


def test_an_insert_is_checked_at_its_select(plan, tmp_path):
    (tmp_path / "captions.sql").write_text(QUERIES)
    script = (
        "ALTER MODEL PAI_EAS_Qwen25_Omni_3B SET DEFAULT_VERSION v2; ALTER MODEL PAI_EAS_Qwen25_Omni_3B DROP VERSION v1;"
    )
    run = plan("-e", script, "--queries", "captions.sql")
    assert run.stderr.splitlines()[2:] == [
        "captions.sql:6:46: FAILED: ODPS-0130071: Semantic analysis exception - Version not found: "
        "my_project.pai_eas_qwen25_omni_3b.v1",
        "captions.sql: 4 statements checked: 2 ok, 2 failed, 0 skipped (dry run: the catalog was not changed)",
    ]
    assert run.stderr.splitlines()[1].startswith("captions.sql:2:61: FAILED: ")
    assert run.status == 1


# -- usage ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--queries", "nothing/*.sql", "-e", "SHOW MODELS;"],
         "Error: Invalid value for '--queries': 'nothing/*.sql' matches no file"),
        (["-e", "SHOW MODELS;", "-f", "x.sql"], "Error: Invalid value for '-f': 'x.sql': No such file or directory"),
        (["--project", "elsewhere"], "Error: No such option '--project'."),
    ],
)  # fmt: skip
def test_usage_errors(plan, args, message):
    run = plan(*args)
    assert (run.stderr.splitlines()[-1], run.status) == (message, 2)


def test_a_project_never_pulled(mcshell, pulled):
    run = mcshell("--project", "elsewhere", "plan", "--offline", "-e", "SHOW MODELS;")
    assert run.stderr.splitlines()[-1] == (
        f"Error: project elsewhere was never pulled into '{pulled}': run `mcshell pull` first, "
        "or plan without --offline"
    )
    assert run.status == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-e", "SHOW MODELS;", "plan"], "Error: -e, -f and --check before 'plan' run statements locally; give the "
         "script after it: mcshell plan -f FILE (it is checked as --check checks it)"),
        (["--check", "plan"], "Error: -e, -f and --check before 'plan' run statements locally; give the "
         "script after it: mcshell plan -f FILE (it is checked as --check checks it)"),
        (["--format", "json", "plan"], "Error: --format goes after 'plan': mcshell plan --format json"),
        (["plan", "-e", "x", "-f", "-"], "Error: give either -e or -f, not both"),
    ],
)  # fmt: skip
def test_options_in_the_wrong_place(mcshell, args, message):
    run = mcshell(*args, stdin="")
    assert (run.stderr.splitlines()[-1], run.status) == (message, 2)


def test_without_offline_plan_connects_and_needs_a_target(mcshell, catalog, monkeypatch):
    for name in (
        "ODPS_ENDPOINT",
        "ODPS_PROJECT_NAME",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    run = mcshell("plan", "-e", "SHOW MODELS;")
    assert (run.stderr.splitlines()[-1], run.status) == (
        "Error: no endpoint: give --config with end_point=, or set ODPS_ENDPOINT",
        2,
    )
    assert not catalog.exists()


def test_the_state_a_plan_predicts_is_the_state_the_script_leaves(mcshell, pulled):
    """What apply compares with the remote afterwards: plan.after against the script really run."""
    import io

    from mcshell.catalog import Catalog
    from mcshell.catalog.snapshot import read_project
    from mcshell.output.console import Console
    from mcshell.remote.plan import plan_script
    from mcshell.rules.diff import diff

    out, err = io.StringIO(), io.StringIO()
    private = Catalog.open_private_copy(str(pulled), "2026-01-01 00:00:00")
    try:
        planned = plan_script(private, "my_project", ALICE, CHANGE.splitlines(keepends=True), "change.sql",
                              Console(out, err))  # fmt: skip
    finally:
        private.close()
    assert (planned.statements, planned.failures, planned.broken_queries, planned.ok) == (9, 0, 0, True)
    assert out.getvalue() == ""
    assert mcshell("--user", ALICE, stdin=CHANGE).status == 0
    real = Catalog.open_reading(str(pulled), "2026-01-01 00:00:00")
    try:
        with real.transaction(write=False):
            actual = read_project(real, "my_project")
    finally:
        real.close()
    assert diff(planned.after, actual) == []
    assert [f"{c.sign} {c.text}" for c in planned.changes] == CHANGE_PLAN.splitlines()[:-1]


def test_a_script_that_changes_another_project_fails(plan):
    """Neither the pull nor apply covers another project: a plan silent about it would be wrong."""
    script = (
        "USE other;\nCREATE MODEL m WITH VERSION v1 INPUT(f1 BIGINT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
        f"MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR', LOCATION = '{OSS}/m/', {ROLEARN});"
    )
    run = plan("-e", script, "--format", "json")
    assert run.raw_stderr.splitlines()[-1] == (
        "<-e>: FAILED: ODPS-0010000: Plan error - the script changes project other, which this plan does not cover: "
        "plan and apply act on project my_project only (run the statements for other in a plan of their own, with "
        "--project other)"
    )
    assert (json.loads(run.stdout)["statements"], json.loads(run.stdout)["failed"], run.status) == (2, 1, 1)


TABLES = """CREATE TABLE scores (id BIGINT, score DOUBLE COMMENT 'churn probability') PARTITIONED BY (ds STRING);
ALTER TABLE scores ADD PARTITION (ds = '20261207');
ALTER TABLE customers ADD COLUMNS (visits BIGINT, spend DOUBLE COMMENT 'spend in 30 days');
ALTER TABLE customers ADD PARTITION (ds = '20261207');
ALTER TABLE customers DROP PARTITION (ds = '20261206');
DROP TABLE staging;
GRANT Select ON TABLE customers TO USER ALIYUN$bob@example.com;
"""


def test_the_plan_of_a_script_that_adds_a_table_columns_and_a_partition(plan, pulled):
    """Tables are planned as models are (pull reads them): their DDL, partitions and grants."""
    before = pulled.read_bytes()
    run = plan("-e", TABLES)
    assert (run.stdout, run.stderr, run.status) == (
        "~ table customers: + column visits bigint\n"
        "~ table customers: + column spend double comment 'spend in 30 days'\n"
        "- partition customers/ds=20261206\n"
        "+ partition customers/ds=20261207\n"
        "+ table scores\n"
        "+ partition scores/ds=20261207\n"
        "- table staging\n"
        "+ grant Select on table customers to user ALIYUN$bob@example.com\n"
        "Plan: 4 to add, 2 to change, 2 to remove.\n",
        "<-e>: 7 statements checked: 7 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n",
        0,
    )
    assert pulled.read_bytes() == before


def test_a_table_statement_that_would_fail_is_reported_at_its_line(plan):
    run = plan("-e", "ALTER TABLE customers ADD COLUMNS (age BIGINT);\nCREATE TABLE customers (a BIGINT);")
    assert run.stdout == "Plan: 0 to add, 0 to change, 0 to remove.\n"
    assert run.status == 1
    assert run.raw_stderr == (
        "<-e>:1:36: FAILED: ODPS-0130071: Semantic analysis exception - column 'age' already exists in "
        "my_project.customers\n"
        "   1 | ALTER TABLE customers ADD COLUMNS (age BIGINT);\n"
        "     |                                    ^\n"
        "<-e>:2:14: FAILED: ODPS-0130211: Table or view already exists - table my_project.customers already exists\n"
        "   2 | CREATE TABLE customers (a BIGINT);\n"
        "     |              ^\n"
        "<-e>: 2 statements checked: 0 ok, 2 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )


def test_the_script_s_apikeys_appear_nowhere(plan, tmp_path):
    secret = "sk-plan0123456789secret"
    options = (
        "TASKS = 'chat', PAI_EAS_SYNC_MODE = 'true', PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B', "
        "PAI_EAS_SERVICE_NAME = 'test_remote_model', "
        f"ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com', APIKEY = '{secret}'"
    )
    (tmp_path / "keys.sql").write_text(
        f"ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v3 INPUT(url STRING, promt STRING) WITH OPTIONS({options});\n"
        f"ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v4 WITH OPTIONS({options}, COLOR = 'red');\n"
    )
    for fmt in ("box", "json"):
        run = plan("-f", "keys.sql", "--format", fmt)
        assert run.status == 1, run.raw_stderr
        assert "version pai_eas_qwen25_omni_3b.v3" in run.stdout, run.raw_stderr
        assert "keys.sql:2:" in run.raw_stderr
        assert secret not in run.stdout + run.raw_stderr and secret[-12:] not in run.stdout + run.raw_stderr


def test_offline_plans_as_the_pulled_user_in_the_project_pull_names(mcshell, pulled):
    """Without --user, --offline acts as the account the project was pulled as (the pull record);
    the project is the one pull would name (here ODPS_PROJECT_NAME), not the local default."""
    script = "ALTER MODEL churn SET DEFAULT_VERSION v2;"
    as_alice = mcshell("--user", ALICE, "plan", "--offline", "-e", script)
    run = mcshell("plan", "--offline", "-e", script, env={"MCSHELL_USER": "", "ODPS_PROJECT_NAME": "my_project"})
    assert (
        (run.stdout, run.status)
        == (as_alice.stdout, as_alice.status)
        == ("~ model churn: default version v1 -> v2\nPlan: 0 to add, 1 to change, 0 to remove.\n", 0)
    )
    elsewhere = mcshell("plan", "--offline", "-e", script, env={"ODPS_PROJECT_NAME": "sales"})
    assert elsewhere.stderr.splitlines()[-1].startswith("Error: project sales was never pulled into")


def test_a_role_is_named_as_created_in_every_line(plan):
    run = plan("-e", "CREATE ROLE Analyst; GRANT List ON PROJECT my_project TO ROLE Analyst;")
    assert run.stdout == (
        "+ role Analyst\n+ grant List on project my_project to role Analyst\n"
        "Plan: 2 to add, 0 to change, 0 to remove.\n"
    )

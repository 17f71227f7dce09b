"""SHOW CREATE MODEL and `mcshell dump`: the model inventory as statements that recreate it."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, mask_times

from mcshell.sql.grammar import SUPPORTED

USER = "ALIYUN$odps_demo@example.com"
SECRET = "f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908"
LOCATION = "oss://oss-cn-beijing-internal.aliyuncs.com/bucket"
ROLE = "acs:ram::1234:role/aliyunodpsdefaultrole"

# An IMPORT model with two versions and a moved default; a model whose first version was dropped;
# comments and names that need quoting; a project with no models.
EXTRA = f"""USE proj_two;
CREATE MODEL churn WITH VERSION v1 INPUT(f1 double, `中文` map<string,array<int>>, s struct<a:int,b:string>)
OPTIONS(MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_CLASSIFIER', LOCATION='{LOCATION}/v1', ROLEARN='{ROLE}')
COMMENT 'it\\'s "quoted"; -- not a comment \\\\ and a
second line';
ALTER MODEL churn ADD VERSION `2024` INPUT(f1 double, f2 decimal(10,2))
WITH OPTIONS(LOCATION='{LOCATION}/v2', ROLEARN='{ROLE}') COMMENT "ends with a backslash \\\\";
ALTER MODEL churn SET DEFAULT_VERSION `2024`;
CREATE MODEL `select` WITH VERSION first INPUT(a int)
OPTIONS(MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_REGRESSOR', LOCATION='{LOCATION}/s1', ROLEARN='{ROLE}')
COMMENT 'the model comment';
ALTER MODEL `select` ADD VERSION second INPUT(b string) WITH OPTIONS(LOCATION='{LOCATION}/s2', ROLEARN='{ROLE}');
ALTER MODEL `select` ADD VERSION third INPUT(c string) WITH OPTIONS(LOCATION='{LOCATION}/s3', ROLEARN='{ROLE}') COMMENT 'three';
ALTER MODEL `select` SET DEFAULT_VERSION third;
ALTER MODEL `select` DROP VERSION first;
USE empty_project;
"""  # noqa: E501 - the script as a user writes it
PROJECTS = ("empty_project", "muze_demo", "my_project", "proj_two")
RUNS = f"mcshell runs model statements ({SUPPORTED})"


@pytest.fixture
def built(shell, tmp_path):
    """A catalog built from the seed transcript plus EXTRA."""
    path = tmp_path / "source.db"
    seed = DATA / "transcripts" / "seed-session.sql"
    shell("--project", "muze_demo", "--user", USER, "--continue-on-error", "-f", str(seed), catalog_path=path)
    run = shell("--user", USER, "-e", EXTRA, catalog_path=path)
    assert run.status == 0, run.stderr
    return path


def inventory(shell, path) -> str:
    """SHOW MODELS, SHOW VERSIONS and DESC MODEL of every model and version of every project."""
    script = []
    for project in PROJECTS:
        script += [f"USE {project};", "SHOW MODELS;"]
        models = shell("--project", project, "--user", USER, "--format", "json", "-e", "SHOW MODELS", catalog_path=path)
        for model in json.loads(models.stdout):
            name = f"`{model['ModelName']}`"
            script += [f"SHOW VERSIONS FOR MODEL {name};", f"DESC MODEL {name};"]
            versions = shell(
                "--project", project, "--user", USER, "--format", "json", "-e", f"SHOW VERSIONS FOR MODEL {name}",
                catalog_path=path,
            )  # fmt: skip
            script += [f"DESC MODEL {name} VERSION `{v['VersionName']}`;" for v in json.loads(versions.stdout)]
    run = shell("--user", USER, "-e", "\n".join(script), catalog_path=path)
    assert run.status == 0, run.stderr
    return mask_times(run.stdout)


def test_dump_and_restore_gives_the_same_models_and_versions(shell, built, tmp_path):
    restored = tmp_path / "restored.db"

    dump = shell("dump", "--include-secrets", catalog_path=built)
    restore = shell("--user", USER, "-f", "-", stdin=dump.stdout, catalog_path=restored)

    assert dump.status == 0 and dump.stderr == ""
    assert restore.status == 0, restore.stderr
    expected = inventory(shell, built)
    assert "| apikey:" not in expected and "| APIKEY:                   ********1908" in expected
    assert "| rolearn:" in expected and "| ROLEARN:" in expected  # both key cases are there
    assert inventory(shell, restored) == expected
    # A dump of the restored catalog is the same script.
    assert shell("dump", "--include-secrets", catalog_path=restored).stdout == dump.stdout


def test_dump_lists_every_user_project_never_the_public_one(shell, built):
    dump = shell("dump", catalog_path=built)

    uses = [line for line in dump.stdout.splitlines() if line.startswith("USE ")]
    assert uses == [f"USE {p};" for p in PROJECTS]
    assert "bigdata_public_modelset" not in dump.stdout
    assert "qwen3" not in dump.stdout


def test_dump_masks_the_apikey_unless_asked(shell, built):
    masked = shell("dump", catalog_path=built)
    whole = shell("dump", "--include-secrets", catalog_path=built)

    assert SECRET not in masked.stdout
    assert "    APIKEY = '********1908'," in masked.stdout
    assert f"    APIKEY = '{SECRET}'," in whole.stdout
    assert masked.stdout.splitlines()[1].startswith("-- APIKEY values are masked")


def test_show_create_model_prints_the_statements_default_version_last(shell, built):
    run = shell(
        "--project", "proj_two", "--user", USER, "-e", "SHOW CREATE MODEL churn; SHOW CREATE MODEL `select`",
        catalog_path=built,
    )  # fmt: skip

    assert (
        run.stdout
        == f"""CREATE MODEL churn WITH VERSION v1
INPUT(f1 double, 中文 map<string,array<int>>, s struct<a:int,b:string>)
OPTIONS(
    MODEL_SOURCE_TYPE = 'IMPORT',
    MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
    LOCATION = '{LOCATION}/v1',
    ROLEARN = '{ROLE}'
)
COMMENT 'it\\'s "quoted"; -- not a comment \\\\ and a\\nsecond line';
ALTER MODEL churn ADD VERSION `2024`
INPUT(f1 double, f2 decimal(10,2))
WITH OPTIONS(
    LOCATION = '{LOCATION}/v2',
    ROLEARN = '{ROLE}'
)
COMMENT 'ends with a backslash \\\\';
ALTER MODEL churn SET DEFAULT_VERSION `2024`;
-- The version CREATE MODEL made for `select` was dropped: a placeholder version stands in for it.
CREATE MODEL `select` WITH VERSION mcshell_placeholder
INPUT(c string)
OPTIONS(
    MODEL_SOURCE_TYPE = 'IMPORT',
    MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR',
    LOCATION = '{LOCATION}/s3',
    ROLEARN = '{ROLE}'
)
COMMENT 'the model comment';
ALTER MODEL `select` ADD VERSION second
INPUT(b string)
WITH OPTIONS(
    LOCATION = '{LOCATION}/s2',
    ROLEARN = '{ROLE}'
);
ALTER MODEL `select` ADD VERSION third
INPUT(c string)
WITH OPTIONS(
    LOCATION = '{LOCATION}/s3',
    ROLEARN = '{ROLE}'
)
COMMENT 'three';
ALTER MODEL `select` SET DEFAULT_VERSION third;
ALTER MODEL `select` DROP VERSION mcshell_placeholder;
"""
    )
    assert run.verdicts == ["OK", "OK"]


def test_show_create_model_of_the_seed_model_masks_the_apikey(shell, built):
    run = shell(
        "--project", "muze_demo", "--user", USER, "-e", "SHOW CREATE MODEL PAI_EAS_Qwen25_Omni_3B", catalog_path=built
    )

    assert (
        run.stdout
        == """CREATE MODEL pai_eas_qwen25_omni_3b WITH VERSION v1
INPUT(data binary, promt string)
OPTIONS(
    MODEL_SOURCE_TYPE = 'REMOTE',
    MODEL_TYPE = 'MLLM',
    TASKS = 'text-generation',
    PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B',
    PAI_EAS_SERVICE_NAME = 'test_remote_model',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com',
    APIKEY = '********1908',
    PAI_EAS_SYNC_MODE = 'true'
)
COMMENT 'PAI EAS remote model binary input';
"""
    )


def test_show_create_model_errors(shell, built):
    run = shell(
        "--user", USER, "--continue-on-error", "-e",
        "SHOW CREATE MODEL nope; SHOW CREATE MODEL bigdata_public_modelset.`qwen3-max`; SHOW CREATE VIEW t",
        catalog_path=built,
    )  # fmt: skip
    stranger = shell("--user", "ALIYUN$stranger", "-e", "SHOW CREATE MODEL proj_two.churn", catalog_path=built)

    assert run.verdicts == [
        "FAILED: ODPS-0110061: Failed to run ddltask - Model not found: my_project.nope",
        "FAILED: ODPS-0130071:[1,43] Semantic analysis exception - public model "
        "bigdata_public_modelset.qwen3-max is built into MaxCompute: no statement creates it",
        f"FAILED: ODPS-0130161:[1,80] Parse exception - unsupported statement 'SHOW CREATE': {RUNS}",
    ]
    # It needs the Describe privilege on the model, as DESC MODEL does.
    assert stranger.verdicts == ["FAILED: ODPS-0420095: Access Denied - You don't exist in project proj_two."]


def test_dump_with_statements_is_a_usage_error(shell):
    run = shell("-e", "SHOW MODELS", "dump")

    assert run.status == 2
    assert "-e, -f and --check run statements; they do not go with 'dump'" in run.stderr


def test_dump_with_a_format_is_a_usage_error_as_serve_s(shell):
    run = shell("--format", "json", "dump")

    assert (run.status, run.stdout, run.stderr.splitlines()[-1]) == (
        2,
        "",
        "Error: --format json does not go with 'dump': "
        "it writes a script of statements, text that mcshell -f runs again",
    )


OWNER = "ALIYUN$owner@example.com"
ALICE = "ALIYUN$alice@example.com"
BOB = "RAM$1234:bob"
CAROL = "ALIYUN$carol@example.com"
REMOTE = (
    "OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', PAI_EAS_MODEL_NAME='qwen', "
    "PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://example.com', APIKEY='0123456789abcdef', PAI_EAS_SYNC_MODE='true')"
)
SHARED = f"""CREATE MODEL m WITH VERSION v1 {REMOTE};
CREATE MODEL other WITH VERSION v1 {REMOTE};
ADD USER {ALICE};
ADD USER {BOB};
ADD USER {CAROL};
CREATE ROLE Reader;
GRANT Describe ON MODEL m TO ROLE reader;
GRANT List ON PROJECT sales TO ROLE reader;
GRANT reader TO {BOB};
GRANT CreateModel, Read ON PROJECT sales TO {ALICE};
GRANT Admin TO {CAROL};
GRANT Drop ON MODEL other TO {CAROL};
ADD USER RAM$1234:gone;
GRANT Alter ON MODEL m TO RAM$1234:gone;
REMOVE USER RAM$1234:gone;
"""
# What each user may do, tried one statement at a time: the same answers before and after a restore.
TRIES = [
    (BOB, "DESC MODEL m;"), (BOB, "SHOW MODELS;"), (BOB, "DESC MODEL other;"), (BOB, "DROP MODEL other;"),
    (ALICE, f"CREATE MODEL a2 WITH VERSION v1 {REMOTE};"), (ALICE, "DESC MODEL mine;"),
    (ALICE, "ALTER MODEL mine SET DEFAULT_VERSION v1;"), (ALICE, "SHOW MODELS;"), (ALICE, "DESC MODEL m;"),
    (CAROL, "ADD USER RAM$1:dave;"), (CAROL, "DROP MODEL m;"),
    ("RAM$1234:gone", "DESC MODEL m;"), ("ALIYUN$stranger", "DESC MODEL m;"),
]  # fmt: skip


def rights(shell, path) -> list[str]:
    """The verdict of every try, each in a fresh copy of the catalog (a try that succeeds changes it)."""
    import shutil

    verdicts = []
    for number, (user, statement) in enumerate(TRIES):
        copy = path.with_name(f"{path.stem}-try{number}.db")
        shutil.copy(path, copy)
        run = shell("--project", "sales", "--user", user, "-e", statement, catalog_path=copy)
        verdicts.append(run.verdicts[-1])
    return verdicts


def test_dump_and_restore_give_the_same_members_the_same_rights(shell, tmp_path):
    source, restored = tmp_path / "source.db", tmp_path / "restored.db"
    assert shell("--project", "sales", "--user", OWNER, "-e", SHARED, catalog_path=source).status == 0
    mine = f"CREATE MODEL mine WITH VERSION v1 {REMOTE};"
    assert shell("--project", "sales", "--user", ALICE, "-e", mine, catalog_path=source).status == 0
    before = rights(shell, source)

    dump = shell("dump", catalog_path=source)
    restore = shell("--project", "sales", "--user", OWNER, "-f", "-", stdin=dump.stdout, catalog_path=restored)

    assert restore.status == 0, restore.stderr
    assert rights(shell, restored) == before
    allowed = [True, True, False, False, True, True, True, False, False, True, True, False, False]
    assert [verdict == "OK" for verdict in before] == allowed
    assert "GRANT Reader TO RAM$1234:bob;" in dump.stdout
    assert (
        "ADD USER RAM$1234:gone;\nGRANT Alter ON MODEL m TO RAM$1234:gone;\nREMOVE USER RAM$1234:gone;" in dump.stdout
    )
    # The grant kept for the removed user came back too: added again, they may alter m.
    back = shell("--project", "sales", "--user", OWNER, "-e", "ADD USER RAM$1234:gone;", catalog_path=restored)
    assert back.status == 0
    alter = shell("--project", "sales", "--user", "RAM$1234:gone", "-e", "ALTER MODEL m SET DEFAULT_VERSION v1;",
                  catalog_path=restored)  # fmt: skip
    assert alter.verdicts == ["OK"]


ESCAPED = (
    "CREATE MODEL esc WITH VERSION v1 INPUT(f1 double) OPTIONS(MODEL_SOURCE_TYPE='IMPORT', "
    f"MODEL_TYPE='BOOSTED_TREE_REGRESSOR', LOCATION='{LOCATION}/e1', ROLEARN='{ROLE}') "
    "COMMENT 'a\\tb \\'q\\' \\\\ \\a' ' joined';"
)


def test_a_comment_is_stored_decoded_and_written_back_so_that_it_reads_the_same(shell, tmp_path):
    # Was: stored as typed (a backslash and a t), while SELECT 'a\tb' reads a tab.
    from mcshell.catalog.store import Catalog

    source, restored = tmp_path / "source.db", tmp_path / "restored.db"
    assert shell("--user", USER, "-e", ESCAPED, catalog_path=source).status == 0
    show = shell("--user", USER, "-e", "SHOW CREATE MODEL esc;", catalog_path=source)
    assert show.stdout.splitlines()[-1] == "COMMENT 'a\\tb \\'q\\' \\\\ a joined';"
    dump = shell("dump", catalog_path=source)
    assert shell("--user", USER, "-f", "-", stdin=dump.stdout, catalog_path=restored).status == 0
    for path in (source, restored):
        catalog = Catalog.open(str(path), "2025-01-01 00:00:00")
        try:
            assert catalog.get_model("my_project", "esc").comment == "a\tb 'q' \\ a joined"
        finally:
            catalog.close()

"""What `mcshell pull` and `mcshell apply` read and send through pyodps (issue 20, item 5): the
model catalog API's pages and whole version records, security queries as text and as JSON, the
structured reads of members and roles, a job's hints, and the project's owner and creation time,
each as each user's privileges allow, through the real client."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from conftest import DATA, IMPORT_V1
from odps import errors as odps_errors

from mcshell.errors import RemoteFailed
from mcshell.output.console import Console
from mcshell.remote.client import Remote
from mcshell.remote.target import Target
from mcshell.serve import serving
from mcshell.serve.auth import load_accounts
from serve.serve_support import MCSHELL, OWNER, LogLines, client
from serve.test_serve_auth import ALICE, BOB, EVE, SECRETS, write_accounts

REMOTE_V1 = (DATA / "transcripts" / "seed-session.sql").read_text().split(";\n")[0] + ";\n"
APIKEY = "f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908"
LOCATION = "oss://oss-cn-shanghai-internal.aliyuncs.com/bkt"
ROLE = "acs:ram::1126123000000000:role/r"


def create(model: str) -> str:
    return (
        f"CREATE MODEL {model} WITH VERSION v1 INPUT(f1 BIGINT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
        f"MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR', LOCATION = '{LOCATION}/{model}/', ROLEARN = '{ROLE}');\n"
    )


def add(model: str, version: str, comment: str = "") -> str:
    said = f" COMMENT '{comment}'" if comment else ""
    return (
        f"ALTER MODEL {model} ADD VERSION {version} INPUT(f1 BIGINT, f2 DOUBLE) WITH OPTIONS("
        f"LOCATION = '{LOCATION}/{model}/{version}/', ROLEARN = '{ROLE}'){said};\n"
    )


SALES = "".join(
    (
        IMPORT_V1,
        REMOTE_V1,
        add("test_xgboost_classifier", "v2", "with f2"),
        create("wide"),
        *(add("wide", f"v{n:03d}") for n in range(101)),
        f"ADD USER {ALICE};\n",
        f"ADD USER {BOB};\n",
        "CREATE ROLE analyst;\n",
        f"GRANT analyst TO {BOB};\n",
        "GRANT Describe ON MODEL test_xgboost_classifier TO ROLE analyst;\n",
        f"GRANT List ON PROJECT sales TO USER {ALICE};\n",
    )
)
BULK = "".join(create(f"m{n:03d}") for n in range(200))


def cli(catalog, project: str, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), "--user", OWNER, "--project", project, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """A served catalog with project `sales` (models, 101 versions of one, members, a role,
    grants) and project `bulk` (200 models), signed callers: owner, alice (List), bob (the role
    analyst: Describe on one model), eve (no member)."""
    folder = tmp_path_factory.mktemp("remote")
    catalog = folder / "catalog.db"
    cli(catalog, "sales", stdin=SALES)
    cli(catalog, "bulk", stdin=BULK)
    log = LogLines()
    accounts = load_accounts(str(write_accounts(folder / "accounts.ini")))
    with serving(
        str(catalog), user=OWNER, project="sales", accounts=accounts, log=Console(io.StringIO(), log.stream)
    ) as endpoint:
        yield endpoint, catalog, log


def as_(remote, access_id: str, project: str = "sales"):
    return client(remote[0].url, project, access_id, SECRETS[access_id])


def raw(o, path: str, **params):
    """The catalog API's own JSON, as `o.catalog_rest` reads it."""
    base = o.get_model("x", project=o.project).resource(with_schema=True).rsplit("/", 1)[0]
    return o.catalog_rest.get(base + path, params=params).json()


def millis(local: str) -> str:
    import time

    return str(int(time.mktime(time.strptime(local, "%Y-%m-%d %H:%M:%S"))) * 1000)


# -- the model catalog API ------------------------------------------------------------------------
def test_a_project_of_200_models_is_listed_in_two_pages_with_a_real_page_token(remote):
    o = as_(remote, "owner-id", "bulk")
    since = len(remote[2].lines())
    names = [m.name for m in o.list_models()]
    assert names == [f"m{n:03d}" for n in range(200)]
    asked = [line for line in remote[2].requests(since) if "/catalog/" in line]
    assert asked == ["GET /api/catalog/v1alpha/projects/bulk/schemas/default/models 200"] * 2
    first = raw(o, "")
    assert (len(first["models"]), first["nextPageToken"]) == (100, "m099")
    second = raw(o, "", pageToken="m099")
    assert (len(second["models"]), second["models"][0]["modelName"], second["nextPageToken"]) == (100, "m100", "")


def test_a_listed_model_has_the_model_s_own_fields_as_show_models_shows_them(remote):
    o = as_(remote, "owner-id")
    shown = json.loads(cli(remote[1], "sales", "--format", "json", "-e", "SHOW MODELS;"))
    listed = raw(o, "")
    assert listed == {
        "models": [
            {
                "modelName": row["ModelName"],
                "defaultVersion": row["DefaultVersion"],
                "sourceType": row["SourceType"],
                "modelType": row["ModelType"],
                "description": row["Comment"],
                "createTime": millis(row["CreateTime"]),
                "updateTime": millis(row["LastModifiedTime"]),
            }
            for row in shown
        ],
        "nextPageToken": "",
    }
    parsed = {m.name: (m.source_type.value, m.type.value, m.default_version) for m in o.list_models()}
    assert parsed["pai_eas_qwen25_omni_3b"] == ("REMOTE", "MLLM", "v1")


def test_one_listing_gives_every_version_s_catalog_fields(remote):
    o = as_(remote, "owner-id")
    versions = {
        v["VersionName"]: v
        for v in json.loads(
            cli(remote[1], "sales", "--format", "json", "-e", "SHOW VERSIONS FOR MODEL test_xgboost_classifier;")
        )
    }
    desc = json.loads(cli(remote[1], "sales", "--format", "json", "-e", "DESC MODEL test_xgboost_classifier;"))
    model = desc["model"]
    answer = raw(o, "/test_xgboost_classifier:listVersions")

    def expected(name: str, options: dict, columns: list, comment: str) -> dict:
        version = versions[name]
        return {
            "modelName": "test_xgboost_classifier",
            "versionName": name,
            "defaultVersion": "v1",
            "sourceType": "IMPORT",
            "modelType": "BOOSTED_TREE_CLASSIFIER",
            "description": comment,
            "path": version["Path"],
            "tasks": [],
            "options": options,
            "createTime": millis(model["CreateTime"]),
            "updateTime": millis(model["LastModifiedTime"]),
            "versionCreateTime": millis(version["CreateTime"]),
            "versionUpdateTime": millis(version["LastModifiedTime"]),
            "featureColumns": {
                "fields": [
                    {"fieldName": c, "sqlTypeDefinition": t, "mode": "NULLABLE", "description": ""} for c, t in columns
                ]
            },
        }

    assert answer == {
        "models": [
            expected(
                "v1",
                {"ROLEARN": "acs:ram::1126123000000000:role/aliyunodpsdefaultrole"},
                [(f"f{n}", "bigint") for n in range(1, 5)],
                "Import XGBoost model v1",
            ),
            expected("v2", {"rolearn": ROLE}, [("f1", "bigint"), ("f2", "double")], "with f2"),
        ],
        "nextPageToken": "",
    }


def test_pyodps_parses_every_field_of_the_listed_versions_without_another_request(remote):
    o = as_(remote, "owner-id")
    model = o.get_model("test_xgboost_classifier")
    since = len(remote[2].lines())
    listed = list(model.versions)
    fields = [
        (
            v.version_name,
            v.default_version,
            v.source_type.value,
            v.type.value,
            v.path,
            v.tasks,
            v.options,
            v.description,
            [(c.name, str(c.type)) for c in v.model_schema.columns],
        )
        for v in listed
    ]
    times = [
        (v.creation_time, v.last_modified_time, v.version_creation_time, v.version_last_modified_time) for v in listed
    ]
    assert [line for line in remote[2].requests(since) if "/catalog/" in line] == [
        "GET /api/catalog/v1alpha/projects/sales/schemas/default/models/test_xgboost_classifier:listVersions 200"
    ]
    assert fields == [
        (
            "v1",
            "v1",
            "IMPORT",
            "BOOSTED_TREE_CLASSIFIER",
            "oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/",
            [],
            {"ROLEARN": "acs:ram::1126123000000000:role/aliyunodpsdefaultrole"},
            "Import XGBoost model v1",
            [("f1", "BIGINT"), ("f2", "BIGINT"), ("f3", "BIGINT"), ("f4", "BIGINT")],
        ),
        (
            "v2",
            "v1",
            "IMPORT",
            "BOOSTED_TREE_CLASSIFIER",
            f"{LOCATION}/test_xgboost_classifier/v2/",
            [],
            {"rolearn": ROLE},
            "with f2",
            [("f1", "BIGINT"), ("f2", "DOUBLE")],
        ),
    ]
    assert all(t is not None for row in times for t in row)


def test_the_versions_of_a_model_are_paged_too(remote):
    o = as_(remote, "owner-id")
    since = len(remote[2].lines())
    names = [v.version_name for v in o.get_model("wide").versions]
    assert names == sorted(["v1", *(f"v{n:03d}" for n in range(101))])
    asked = [line for line in remote[2].requests(since) if "/catalog/" in line]
    assert len(asked) == 2  # two pages of versions (get_model itself sends nothing until a field is read)
    assert raw(o, "/wide:listVersions")["nextPageToken"] == "v099"


def test_a_remote_version_has_its_tasks_and_options_with_the_apikey_masked_in_every_answer(remote):
    o = as_(remote, "owner-id")
    for path, params in (
        ("/pai_eas_qwen25_omni_3b:listVersions", {}),
        ("/pai_eas_qwen25_omni_3b", {}),
        ("/pai_eas_qwen25_omni_3b", {"versionName": "v1"}),
        ("", {}),
    ):
        assert APIKEY not in json.dumps(raw(o, path, **params)), path
    version = raw(o, "/pai_eas_qwen25_omni_3b", versionName="v1")
    assert (version["tasks"], version["path"], version["options"]) == (
        ["text-generation"],
        "",
        {
            "APIKEY": "********1908",
            "ENDPOINT": "http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com",
            "PAI_EAS_MODEL_NAME": "Qwen2.5-Omni-3B",
            "PAI_EAS_SERVICE_NAME": "test_remote_model",
            "PAI_EAS_SYNC_MODE": "true",
            "REMOTE_SERVICE_TYPE": "PAI-EAS",
        },
    )
    assert raw(o, "/test_xgboost_classifier", versionName="v2")["description"] == "with f2"


def test_each_read_of_the_catalog_api_takes_its_statement_s_privilege(remote):
    """list_models: List (SHOW MODELS); get_model: Describe (DESC MODEL); :listVersions: both
    (SHOW VERSIONS, then DESC MODEL's fields for each version)."""
    alice, bob, eve = (as_(remote, who) for who in ("alice-id", "bob-id", "eve-id"))
    assert len(list(alice.list_models())) == 3
    assert bob.get_model("test_xgboost_classifier").default_version == "v1"
    for call in (
        lambda: list(bob.list_models()),
        lambda: alice.get_model("wide").reload(),
        lambda: list(alice.get_model("wide").versions),
        lambda: list(bob.get_model("test_xgboost_classifier").versions),
    ):
        with pytest.raises(odps_errors.NoPermission) as raised:
            call()
        assert raised.value.args[0].startswith("ODPS-0130013:Authorization exception - Authorization Failed [4019]")
    with pytest.raises(odps_errors.NoPermission) as raised:
        list(eve.list_models())
    assert raised.value.args[0] == "ODPS-0420095: Access Denied - You don't exist in project sales."


# -- security queries, as text and as JSON ---------------------------------------------------------
READS = (
    "LIST USERS",
    "LIST ROLES",
    "DESC ROLE analyst",
    "SHOW GRANTS",
    f"SHOW GRANTS FOR {BOB}",
    "SHOW GRANTS FOR ROLE analyst",
    "SHOW ACL FOR test_xgboost_classifier ON TYPE MODEL",
    "WHOAMI",
)
WRITES = (
    "ADD USER ALIYUN$carol@example.com",
    "CREATE ROLE auditor",
    "GRANT auditor TO ALIYUN$carol@example.com",
    "GRANT Describe, Alter ON MODEL wide TO USER ALIYUN$carol@example.com",
    "GRANT List ON PROJECT sales TO ROLE auditor",
    "REVOKE Alter ON MODEL wide FROM USER ALIYUN$carol@example.com",
    "REVOKE List ON PROJECT sales FROM ROLE auditor",
    "REVOKE auditor FROM ALIYUN$carol@example.com",
    "DROP ROLE auditor",
    "REMOVE USER ALIYUN$carol@example.com",
)


def target(remote, access_id: str) -> Target:
    return Target(remote[0].url, "sales", access_id, SECRETS[access_id])


def test_a_security_read_answers_the_cli_s_text_byte_for_byte_or_its_json(remote):
    mcshell_client, o = Remote(target(remote, "owner-id")), as_(remote, "owner-id")
    for query in READS:
        text = cli(remote[1], "sales", "-e", query + ";")
        assert mcshell_client.security(query) == text, query
        assert o.run_security_query(query) == json.loads(
            cli(remote[1], "sales", "--format", "json", "-e", query + ";")
        ), query
        assert json.loads(o.run_security_query(query, output_json=False)) == o.run_security_query(query), query


def test_the_security_writes_land_through_both_clients(remote):
    mcshell_client, o = Remote(target(remote, "owner-id")), as_(remote, "owner-id")
    for n, query in enumerate(WRITES):
        answer = mcshell_client.security(query) if n % 2 else o.run_security_query(query)
        assert answer == ("" if n % 2 else {}), query
    assert "carol" not in cli(remote[1], "sales", "-e", "LIST USERS; LIST ROLES;")


def test_a_refused_security_query_raises_the_cli_s_line_in_both_clients(remote):
    """A non-member, a missing privilege, a parse error: pyodps raises its class with the CLI's
    line as args[0]; mcshell's client raises RemoteFailed (RemoteRefused for a refused caller) with it."""
    cases = (
        ("eve-id", EVE, "LIST USERS", odps_errors.NoPermission),
        ("alice-id", ALICE, "CREATE ROLE r2", odps_errors.NoPermission),
        ("owner-id", OWNER, "GRANT", odps_errors.ParseError),
    )
    for access_id, user, query, kind in cases:
        verdict = subprocess.run(
            [MCSHELL, "--catalog", str(remote[1]), "--user", user, "--project", "sales", "-e", query + ";"],
            capture_output=True,
            text=True,
        ).stderr
        line = verdict.splitlines()[0].removeprefix("FAILED: ")
        with pytest.raises(kind) as raised:
            as_(remote, access_id).run_security_query(query)
        assert raised.value.args[0] == line, query
        with pytest.raises(RemoteFailed) as failed:
            Remote(target(remote, access_id)).security(query)
        assert (failed.value.line, type(failed.value) is not RemoteFailed) == (line, kind is odps_errors.NoPermission)


# -- the structured reads of members and roles -----------------------------------------------------
def test_members_and_roles_read_as_pyodps_s_security_objects(remote):
    project = as_(remote, "owner-id").get_project()
    assert [(u.id, u.display_name) for u in project.users] == [(OWNER, OWNER), (ALICE, ALICE), (BOB, BOB)]
    assert [r.name for r in project.roles] == ["Super_Administrator", "Admin", "analyst"]
    assert [u.display_name for u in project.roles["analyst"].users] == [BOB]
    bob = next(u for u in project.users if u.display_name == BOB)
    assert [r.name for r in bob.roles] == ["analyst"]
    assert (BOB in project.users, EVE in project.users, "ANALYST" in project.roles, "nope" in project.roles) == (
        True,
        False,
        True,
        False,
    )


def test_the_structured_reads_take_their_statement_s_privilege(remote):
    """users and roles: any member (LIST USERS, LIST ROLES); a role's users: an administrator
    (DESC ROLE); another user's roles: an administrator (SHOW GRANTS FOR)."""
    alice = as_(remote, "alice-id").get_project()
    assert len(list(alice.users)) == 3 and len(list(alice.roles)) == 3
    assert [r.name for r in next(u for u in alice.users if u.display_name == ALICE).roles] == []
    for read in (
        lambda: list(alice.roles["analyst"].users),
        lambda: list(next(u for u in alice.users if u.display_name == BOB).roles),
    ):
        with pytest.raises(odps_errors.NoPermission):
            read()
    with pytest.raises(odps_errors.NoPermission) as raised:
        list(as_(remote, "eve-id").get_project().users)
    assert raised.value.args[0] == "ODPS-0420095: Access Denied - You don't exist in project sales."


# -- hints, and the project ------------------------------------------------------------------------
def test_a_job_s_hints_act_as_its_set_statements(remote):
    o = as_(remote, "owner-id")
    two_part = "DESC MODEL default.test_xgboost_classifier"
    with pytest.raises(odps_errors.ODPSError) as raised:
        o.execute_sql(two_part)
    assert raised.value.args[0] == "ODPS-0110061: Failed to run ddltask - Project not found: default"
    shown = cli(remote[1], "sales", "-e", "DESC MODEL test_xgboost_classifier;")
    assert o.execute_sql("SET odps.namespace.schema=true;\n" + two_part).get_task_result() == shown
    instance = o.run_sql(two_part, hints={"odps.namespace.schema": "true"})
    instance.wait_for_success()
    assert instance.get_task_result() == shown
    assert Remote(target(remote, "owner-id")).sql(two_part, {"odps.namespace.schema": "true"}) == shown
    acl = "SHOW ACL FOR default.test_xgboost_classifier ON TYPE MODEL"
    assert o.run_security_query(acl, hints={"odps.namespace.schema": "true"}) == json.loads(
        cli(remote[1], "sales", "--format", "json", "-e", "SHOW ACL FOR test_xgboost_classifier ON TYPE MODEL;")
    )


def test_the_project_s_owner_and_creation_time_read_as_pyodps_parses_them(remote):
    project = as_(remote, "alice-id").get_project()
    owner_row = json.loads(cli(remote[1], "sales", "--format", "json", "-e", "LIST USERS;"))[0]
    assert (project.owner, project.creation_time.strftime("%Y-%m-%d %H:%M:%S")) == (OWNER, owner_row["AddTime"])

"""--accounts: every request's signature is checked as pyodps signs it, and the access id's user
is who the request acts as, with that user's privileges."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import io
import os
import xml.etree.ElementTree as ET
from email.utils import formatdate

import pytest
from odps import errors as odps_errors

from mcshell.output.console import Console
from mcshell.serve import AccountsError, serving
from mcshell.serve.auth import load_accounts
from serve.serve_support import OWNER, LogLines, client, conforms, run_sql

ALICE, BOB, EVE = "ALIYUN$alice@example.com", "RAM$1234:bob", "ALIYUN$eve@example.com"
SECRETS = {"owner-id": "owner-secret-0", "alice-id": "alice%secret$1", "bob-id": "bob-secret-2", "eve-id": "eve-3"}
USERS = {"owner-id": OWNER, "alice-id": ALICE, "bob-id": BOB, "eve-id": EVE}


def write_accounts(path, mode=0o600, text=None):
    path.write_text(text or "".join(f"[{i}]\nsecret = {SECRETS[i]}\nuser = {USERS[i]}\n\n" for i in SECRETS))
    os.chmod(path, mode)
    return path


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signed")
    accounts = load_accounts(str(write_accounts(folder / "accounts.ini")))
    log = LogLines()
    with serving(str(folder / "catalog.db"), user=OWNER, project="sales", accounts=accounts,
                 log=Console(io.StringIO(), log.stream)) as endpoint:  # fmt: skip
        yield endpoint, folder / "catalog.db", log


def as_(signed, access_id, project="sales", **kwargs):
    return client(signed[0].url, project, access_id, SECRETS.get(access_id, "x"), **kwargs)


def test_the_accounts_file_maps_ids_to_users_and_must_be_private(tmp_path):
    accounts = load_accounts(str(write_accounts(tmp_path / "a.ini")))
    assert {i: a.user for i, a in accounts.items()} == USERS
    assert "alice%secret$1" not in repr(accounts)  # a secret is never shown
    with pytest.raises(AccountsError, match=r"may be read by others \(mode 644\): chmod 600 it"):
        load_accounts(str(write_accounts(tmp_path / "b.ini", mode=0o644)))
    with pytest.raises(AccountsError, match=r"section \[x\] needs secret"):
        load_accounts(str(write_accounts(tmp_path / "c.ini", text="[x]\nuser = u\n")))
    with pytest.raises(AccountsError, match="is not an accounts file"):
        load_accounts(str(write_accounts(tmp_path / "d.ini", text="secret = s\n")))


def test_the_readme_example_on_privileges_runs_through_pyodps_as_each_user(signed, shell):
    endpoint, catalog, _ = signed
    from e2e.test_privileges_cli import ALICE_SQL, OWNER_SQL

    for who, script in (("owner-id", OWNER_SQL), ("alice-id", ALICE_SQL)):
        o = as_(signed, who)
        for statement in [part.strip() + ";" for part in script.split(";\n") if part.strip()]:
            conforms(o, shell, catalog, "sales", USERS[who], statement)
    bob = as_(signed, "bob-id")
    assert conforms(bob, shell, catalog, "sales", BOB, "SHOW MODELS;")[1] == (
        "FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege "
        "'odps:List' on {acs:odps:*:projects/sales}. --->Tips: CurrentProject:sales; Principal:RAM$1234:bob;"
    )
    with pytest.raises(odps_errors.NoPermission) as raised:
        bob.execute_security_query("GRANT Describe ON MODEL churn TO USER RAM$1234:bob")
    assert raised.value.args[0].startswith("ODPS-0130013: Authorization exception - ")
    models = "projects/sales/models"
    assert bob.execute_security_query("SHOW GRANTS") == [
        {"Section": "roles", "Principal": "", "Mark": "", "Object": "analyst", "Privileges": ""},
        {"Section": "ACL", "Principal": "role/analyst", "Mark": "A", "Object": f"{models}/churn",
         "Privileges": "Describe"},
        {"Section": "ACL", "Principal": f"user/{BOB}", "Mark": "A", "Object": f"{models}/churn_next",
         "Privileges": "Describe"},
    ]  # fmt: skip
    assert [m.name for m in as_(signed, "alice-id").list_models()] == ["churn", "churn_next"]
    with pytest.raises(odps_errors.NoPermission):
        list(bob.list_models())


def test_a_wrong_secret_is_signature_not_match(signed):
    o = client(signed[0].url, "sales", "alice-id", "not-her-secret")
    with pytest.raises(odps_errors.SignatureNotMatch):
        o.execute_sql("WHOAMI;")


def test_an_unknown_access_id_is_invalid_access_key_id(signed):
    o = client(signed[0].url, "sales", "nobody", "x")
    with pytest.raises(odps_errors.ODPSError) as raised:
        o.execute_sql("WHOAMI;")
    assert raised.value.code == "InvalidAccessKeyId"


def test_a_v4_signature_with_a_region_is_checked_too(signed):
    o = as_(signed, "alice-id", region_name="cn-shanghai")
    assert run_sql(o, "WHOAMI;") == (f"Name: {ALICE}\nProject: sales\n", "OK")
    wrong = client(signed[0].url, "sales", "alice-id", "wrong", region_name="cn-shanghai")
    with pytest.raises(odps_errors.SignatureNotMatch):
        wrong.execute_sql("WHOAMI;")


def raw(endpoint, headers, path="/api/projects/sales/instances/x?taskstatus&curr_project=sales"):
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    root = ET.fromstring(body)
    return response.status, {child.tag: child.text for child in root}


def signature_v2(secret, date, resource):
    canonical = f"GET\n\n\n{date}\n{resource}"
    return base64.b64encode(hmac.new(secret.encode(), canonical.encode(), hashlib.sha1).digest()).decode()


def test_a_request_without_authorization_or_with_a_stale_date_is_refused(signed):
    endpoint = signed[0]
    status, error = raw(endpoint, {})
    assert (status, error["Code"]) == (401, "Unauthorized")
    assert set(error) == {"Code", "Message", "RequestId", "HostId"}
    stale = formatdate(1_700_000_000, usegmt=True)
    sig = signature_v2(SECRETS["alice-id"], stale, "/projects/sales/instances/x?curr_project=sales&taskstatus")
    status, error = raw(endpoint, {"Date": stale, "Authorization": f"ODPS alice-id:{sig}"})
    assert (status, error["Code"]) == (403, "RequestTimeTooSkewed")
    now = formatdate(usegmt=True)
    sig = signature_v2(SECRETS["owner-id"], now, "/projects/sales/instances/x?curr_project=sales&taskstatus")
    status, error = raw(endpoint, {"Date": now, "Authorization": f"ODPS owner-id:{sig}"})
    assert (status, error["Code"]) == (404, "NoSuchObject")  # signed right: on to the instance, which is not there


def test_no_secret_or_access_id_reaches_the_log(signed):
    run_sql(as_(signed, "alice-id"), "WHOAMI;")
    logged = signed[2].stream.getvalue()
    assert logged and not any(secret in logged for secret in SECRETS.values())
    assert "alice-id" not in logged and "Authorization" not in logged


KEY = "sk-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
REMOTE_MODEL = (
    "CREATE MODEL writer WITH VERSION v1 INPUT(prompt STRING) OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', "
    "MODEL_TYPE = 'LLM', TASKS = 'text-generation', "
    "ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com', "
    f"PAI_EAS_SERVICE_NAME = 'writer_svc', PAI_EAS_MODEL_NAME = 'qwen', PAI_EAS_SYNC_MODE = 'true', APIKEY = '{KEY}');"
)


def test_an_instance_is_read_only_by_its_owner_and_the_project_s_administrators(signed):
    """Item 8 of issue 19: another member, or a user outside the project, reads neither the job's
    SQL nor its result, nor stops it; the job's owner, the project owner and a member holding Admin
    do; the SQL kept has no key."""
    owner = as_(signed, "owner-id", "ledger")  # a project of this test's own, created by its owner
    owner.execute_sql("ADD USER ALIYUN$alice@example.com; ADD USER RAM$1234:bob;")
    owner.execute_security_query("GRANT CreateModel ON PROJECT ledger TO USER ALIYUN$alice@example.com")
    job = as_(signed, "alice-id", "ledger").execute_sql(REMOTE_MODEL + "\nDESC MODEL writer;")
    resource = f"acs:odps:*:projects/ledger/instances/{job.id}"
    for who, message in (
        ("bob-id", f"ODPS-0420095: Access Denied - You have no privilege 'odps:Read' on {{{resource}}}"),
        ("eve-id", "ODPS-0420095: Access Denied - You don't exist in project ledger."),
    ):
        theirs = as_(signed, who, "ledger").get_instance(job.id)
        for read in (theirs.get_sql_query, theirs.get_task_result, theirs.get_task_statuses, theirs.is_terminated):
            with pytest.raises(odps_errors.NoPermission) as raised:
                read()
            assert raised.value.args[0] == message, who
    with pytest.raises(odps_errors.NoPermission) as raised:  # stopping it is the Write action
        as_(signed, "bob-id", "ledger").get_instance(job.id).stop()
    assert raised.value.args[0] == f"ODPS-0420095: Access Denied - You have no privilege 'odps:Write' on {{{resource}}}"
    owner.execute_security_query("GRANT Admin TO RAM$1234:bob")  # now an administrator of the project
    for who in ("alice-id", "owner-id", "bob-id"):
        mine = as_(signed, who, "ledger").get_instance(job.id)
        sql = mine.get_sql_query()
        assert KEY not in sql and "APIKEY = '********'" in sql
        assert "| APIKEY:                   ********e8f9 " in mine.get_task_result()
    with pytest.raises(odps_errors.NoPermission):  # an outsider learns nothing, not even that it is not there
        as_(signed, "eve-id", "ledger").get_instance("20261207000000000gnope").get_task_result()
    with pytest.raises(odps_errors.NoSuchObject):
        as_(signed, "bob-id", "ledger").get_instance("20261207000000000gnope").get_task_result()


def test_a_user_outside_the_project_is_refused_with_403_no_permission_on_every_route(signed):
    """ODPS-0420095 is an HTTP 403, as the service answers it (FAQ about permissions:
    `[403] ... ODPS-0420095: Access Denied - ...`), from the catalog API and security queries too."""
    as_(signed, "owner-id", "vault").execute_sql("USE vault;")  # a write: the owner's project, eve not in it
    eve = as_(signed, "eve-id", "vault")
    denied = "ODPS-0420095: Access Denied - You don't exist in project vault."
    for call in (lambda: list(eve.list_models()), lambda: eve.execute_security_query("SHOW GRANTS"),
                 lambda: eve.get_model("m").reload()):  # fmt: skip
        with pytest.raises(odps_errors.NoPermission) as raised:
            call()
        assert raised.value.args[0] == denied

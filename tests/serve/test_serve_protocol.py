"""The exchange pyodps 0.13.2 performs with `mcshell serve`, request by request. A pyodps that
adds a call shows up here as a failing test, not as a hang."""

from __future__ import annotations

import re
import sqlite3
import threading

import odps
import pytest
from conftest import IMPORT_V1, import_version, mask_times
from odps import errors as odps_errors

from mcshell.catalog import connection
from serve.serve_support import OWNER, client, new_project, run_sql

IMPORT_MODEL = "CREATE MODEL m WITH VERSION v1 INPUT(f1 INT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', " \
    "MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', " \
    "ROLEARN = 'acs:ram::1126123000000000:role/r');"  # fmt: skip
INSTANCE = re.compile(r"/instances/\w+")
# How open_reader() learns the task's name before it reads the result, by pyodps version (the
# older version runs these tests too: see docs/serve.md).
READ_TASK_NAME = {
    "0.13.2": [
        "GET /api/projects/my_project/instances/ID?source 200",
        "GET /api/projects/my_project/instances/ID?result 200",
    ],
    "0.12.5": ["GET /api/projects/my_project/instances/ID?taskstatus 200"] * 2,
}  # fmt: skip


def without_ids(requests: list[str]) -> list[str]:
    return [INSTANCE.sub("/instances/ID", request) for request in requests]


def test_one_execute_sql_is_these_four_requests_then_two_for_its_result(fresh_served):
    o = fresh_served.client("my_project")
    instance = o.execute_sql(IMPORT_MODEL)
    assert without_ids(fresh_served.log.requests()) == [
        "GET /api/tenants 200",
        "POST /api/projects/my_project/instances 201",
        "GET /api/projects/my_project/instances/ID 200",
        "GET /api/projects/my_project/instances/ID?taskstatus 200",
    ]
    seen = len(fresh_served.log.lines())
    assert instance.get_task_result() == ""
    assert without_ids(fresh_served.log.requests(seen)) == [
        "GET /api/projects/my_project/instances/ID?source 200",
        "GET /api/projects/my_project/instances/ID?result 200",
    ]


def test_a_failed_task_is_read_in_five_requests_and_raised_once(fresh_served):
    o = fresh_served.client("my_project")
    o.execute_sql(IMPORT_MODEL)
    seen = len(fresh_served.log.lines())
    with pytest.raises(odps_errors.ODPSError) as raised:
        o.execute_sql("ALTER MODEL m DROP VERSION v1;")
    assert (
        raised.value.args[0]
        == "ODPS-0110061: Failed to run ddltask - The default version of the model cannot be dropped"
    )
    assert raised.value.code == "ODPS-0110061"
    assert without_ids(fresh_served.log.requests(seen)) == [
        "POST /api/projects/my_project/instances 201",
        "GET /api/projects/my_project/instances/ID 200",
        "GET /api/projects/my_project/instances/ID?taskstatus 200",
        "GET /api/projects/my_project/instances/ID?taskstatus 200",
        "GET /api/projects/my_project/instances/ID?result 200",
    ]


def test_a_parse_error_is_refused_at_submit_and_nothing_of_the_job_runs(fresh_served):
    o = fresh_served.client("my_project")
    o.execute_sql("WHOAMI;")
    seen = len(fresh_served.log.lines())
    with pytest.raises(odps_errors.ParseError) as raised:
        o.execute_sql(IMPORT_MODEL + "\nALTER MODEL m ADD VERSION v2 VERSON;")
    assert raised.value.args[0] == "ODPS-0130161:[2,30] Parse exception - expected ';', found 'VERSON'"
    assert fresh_served.log.requests(seen) == ["POST /api/projects/my_project/instances 400"]
    assert "| m " not in run_sql(o, "SHOW MODELS;")[0]  # the job's first statement did not run either


def test_the_access_log_has_method_path_status_and_milliseconds_and_nothing_else(fresh_served):
    fresh_served.client("my_project", "my-access-id", "my-secret").execute_sql("WHOAMI;")
    line = fresh_served.log.lines()[-1]
    assert re.fullmatch(r"GET /api/projects/my_project/instances/\w+\?taskstatus 200 \d+\.\dms", line)
    assert "my-access-id" not in fresh_served.log.stream.getvalue()
    assert "my-secret" not in fresh_served.log.stream.getvalue()


def test_the_result_is_what_the_cli_prints(served, shell):
    project = new_project()
    o = served.client(project)
    assert run_sql(o, IMPORT_V1) == ("", "OK")
    statements = "DESC MODEL test_xgboost_classifier; SHOW MODELS; SHOW VERSIONS FOR MODEL test_xgboost_classifier;"
    via_pyodps, verdict = run_sql(o, statements)
    via_cli = shell("--user", OWNER, "--project", project, "-e", statements,
                    catalog_path=served.catalog)  # fmt: skip
    assert verdict == "OK" and via_cli.status == 0
    assert mask_times(via_pyodps) == mask_times(via_cli.stdout)
    assert via_pyodps.count("test_xgboost_classifier") == 3  # the DESC box twice, the SHOW MODELS grid once


def test_a_job_is_a_script_with_its_set_lines(served):
    o = served.client(new_project())
    assert run_sql(o, "SET odps.sql.submit.mode=script;\n" + IMPORT_MODEL + "\n" + import_version("m", "v2")) == (
        "", "OK"
    )  # fmt: skip
    assert "v2" in run_sql(o, "SHOW VERSIONS FOR MODEL m;")[0]


def test_open_reader_falls_back_from_the_tunnel_to_the_result(fresh_served):
    o = fresh_served.client("my_project")
    instance = o.execute_sql("WHOAMI;")
    seen = len(fresh_served.log.lines())
    with instance.open_reader() as reader:
        assert reader.raw == f"Name: {OWNER}\nProject: my_project\n"
    assert without_ids(fresh_served.log.requests(seen)) == [
        "GET /api/projects/my_project/tunnel?service 200",
        "POST /projects/my_project/instances/ID?downloads 400",  # InstanceTypeNotSupported: pyodps falls back
        "PUT /api/projects/my_project/logs 200",  # pyodps's usage survey
        *READ_TASK_NAME[odps.__version__],
        "GET /api/projects/my_project/instances/ID?result 200",
    ]


def test_the_side_calls_are_answered(fresh_served):
    url = fresh_served.endpoint.url
    o = client(url, "my_project")
    assert o.exist_project("my_project") is True
    assert o.exist_project("no_such_project") is False
    assert o.get_project("my_project").owner == OWNER
    instance = o.execute_sql("WHOAMI;")
    assert instance.get_logview_address().startswith(url.rsplit("/api", 1)[0])
    with pytest.raises(odps_errors.InvalidStateSetting):
        instance.stop()
    assert o.get_logview_host() == url.rsplit("/api", 1)[0]
    requests = without_ids(fresh_served.log.requests())
    assert "PUT /api/projects/my_project/instances/ID 409" in requests
    assert "POST /api/projects/my_project/authorization?sign_bearer_token 200" in requests


def test_the_api_prefix_is_optional(fresh_served):
    o = client(fresh_served.endpoint.url.removesuffix("/api"), "my_project")
    assert run_sql(o, "WHOAMI;") == (f"Name: {OWNER}\nProject: my_project\n", "OK")
    assert "POST /projects/my_project/instances 201" in fresh_served.log.requests()


def test_a_lost_instance_is_not_found_not_a_server_error(served):
    o = served.client("my_project")
    with pytest.raises(odps_errors.NoSuchObject):
        o.get_instance("20261201000000000gdeadbeef0000").get_task_result()


def test_changes_the_cli_makes_meanwhile_are_seen_at_once(served, shell):
    project = new_project()
    o = served.client(project)
    assert run_sql(o, IMPORT_MODEL) == ("", "OK")
    cli = ("--user", OWNER, "--project", project)
    assert shell(*cli, "-e", import_version("m", "v2"), catalog_path=served.catalog).status == 0
    assert "| v2 " in run_sql(o, "SHOW VERSIONS FOR MODEL m;")[0]
    assert shell(*cli, "-e", "DROP MODEL m;", catalog_path=served.catalog).status == 0
    assert run_sql(o, "DESC MODEL m;") == (
        "",
        f"FAILED: ODPS-0110061: Failed to run ddltask - Model not found: {project}.m",
    )


def test_a_project_s_reads_go_through_the_thread_s_connection(fresh_served, monkeypatch):
    """GET /projects/<p>, the catalog API's project check and the instance check read over the
    connection the request's thread holds: a thread opens the catalog once, not once a request."""
    o = client(fresh_served.endpoint.url, "my_project")
    o.execute_sql("WHOAMI;")  # this client's thread opens its connection
    opened = []

    def counting(*args, **kwargs):
        opened.append(threading.get_ident())
        return sqlite3.connect(*args, **kwargs)

    monkeypatch.setattr(connection, "connect", counting)
    for _ in range(3):
        assert o.exist_project("my_project") is True
        assert o.exist_project("no_such_project") is False
        assert list(o.list_models()) == []
        with pytest.raises(odps_errors.NoSuchObject):
            o.get_instance("20261201000000000gdeadbeef0000").get_task_result()
    assert len(opened) == len(set(opened)) <= 2  # pyodps's catalog client has a connection of its own

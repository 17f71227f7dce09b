"""The model catalog API: o.list_models(), o.get_model(m), o.exist_model(m) and model.versions
read the catalog, with the caller's privileges and the APIKEY masked as DESC masks it."""

from __future__ import annotations

import json
import time

import pytest
from conftest import DATA, IMPORT_V1, import_version
from odps import errors as odps_errors

from serve.serve_support import OWNER, new_project, run_sql

REMOTE = (DATA / "transcripts" / "seed-session.sql").read_text().split(";\n")[0] + ";"


@pytest.fixture(scope="module")
def models(served):
    project = new_project()
    o = served.client(project)
    for statement in (IMPORT_V1, import_version("test_xgboost_classifier", "v2"), REMOTE):
        assert run_sql(o, statement)[1] == "OK"
    return o, project


def test_list_models_lists_what_show_models_shows(models, served, shell):
    o, project = models
    listed = list(o.list_models())
    shown = json.loads(
        shell("--user", OWNER, "--project", project, "--format", "json", "-e", "SHOW MODELS;",
              catalog_path=served.catalog).stdout
    )  # fmt: skip
    assert [m.name for m in listed] == [row["ModelName"] for row in shown]
    assert [m.default_version for m in listed] == [row["DefaultVersion"] for row in shown]
    assert [m.type.value for m in listed] == [row["ModelType"] for row in shown]
    created = time.strftime("%Y-%m-%d %H:%M:%S", listed[0].creation_time.timetuple())
    assert created == shown[0]["CreateTime"]


def test_get_model_reads_what_desc_model_shows_with_the_apikey_masked(models):
    o, _ = models
    model = o.get_model("PAI_EAS_Qwen25_Omni_3B")
    assert (model.version_name, model.default_version) == ("v1", "v1")
    assert (model.source_type.value, model.type.value) == ("REMOTE", "MLLM")
    assert model.options["APIKEY"] == "********1908"
    assert model.options["PAI_EAS_MODEL_NAME"] == "Qwen2.5-Omni-3B"
    assert [(c.name, str(c.type)) for c in model.model_schema.columns] == [("data", "BINARY"), ("promt", "STRING")]
    imported = o.get_model("test_xgboost_classifier")
    assert imported.path.startswith("oss://") and imported.options == {
        "ROLEARN": "acs:ram::1126123000000000:role/aliyunodpsdefaultrole"
    }


def test_exist_model_and_the_versions_of_a_model(models):
    o, _ = models
    assert (o.exist_model("test_xgboost_classifier"), o.exist_model("nothing")) == (True, False)
    assert [v.version_name for v in o.get_model("test_xgboost_classifier").versions] == ["v1", "v2"]


def test_a_model_that_is_not_there_or_not_readable_raises(models, served):
    o, project = models
    with pytest.raises(odps_errors.NoSuchObject) as raised:
        o.get_model("nothing").reload()
    assert raised.value.args[0] == f"ODPS-0110061: Failed to run ddltask - Model not found: {project}.nothing"
    with pytest.raises(odps_errors.NoSuchObject):
        list(served.client("no_such_project_x").list_models())


def test_a_schema_that_is_not_there_is_not_found_as_a_project_that_is_not_there(models, served):
    """Item 15 of issue 19: the catalog API answers an unknown schema as it answers an unknown
    project, 404 with reason NotFound (pyodps: NoSuchObject), for the list, a model and its versions."""
    from serve.test_serve_faults import exchange, request

    o, project = models
    schema = "ODPS-0130071: Semantic analysis exception - schema 'nope' does not exist; only 'default' is supported"
    base = f"/api/catalog/v1alpha/projects/{project}/schemas"
    for path in ("/nope/models", "/nope/models/test_xgboost_classifier",
                 "/nope/models/test_xgboost_classifier:listVersions"):  # fmt: skip
        status, headers, body = exchange(served.endpoint, request("GET", base + path))
        assert (status, headers["Content-Type"], json.loads(body)) == (
            404,
            "application/json",
            {"message": schema, "reason": "NotFound"},
        ), path
    assert exchange(served.endpoint, request("GET", base + "/DEFAULT/models"))[0] == 200
    missing = exchange(served.endpoint, request("GET", "/api/catalog/v1alpha/projects/no_such_p/schemas/nope/models"))
    assert (missing[0], json.loads(missing[2])["message"]) == (
        404,
        "ODPS-0110061: Failed to run ddltask - Project not found: no_such_p",
    )
    with pytest.raises(odps_errors.NoSuchObject) as raised:
        list(o.list_models(schema="nope"))
    assert raised.value.args[0] == schema
    assert o.exist_model("test_xgboost_classifier", schema="nope") is False

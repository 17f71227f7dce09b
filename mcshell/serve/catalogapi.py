"""The model catalog API (`o.list_models()`, `o.get_model(m)`, `o.exist_model(m)`): JSON views
of SHOW MODELS, DESC MODEL and SHOW VERSIONS, run through the session as any statement is, so
the caller's privileges apply and an APIKEY is masked exactly as DESC masks it."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from mcshell.errors import SemanticError
from mcshell.output import report
from mcshell.rules.context import check_schema
from mcshell.serve import wire
from mcshell.serve.messages import Request, Response
from mcshell.serve.runner import Runner
from mcshell.serve.wire import HttpError

# The DESC rows of a version that are not its options.
_VERSION_FIELDS = frozenset(
    ("Owner", "Project", "Model Name", "Model Type", "Source Type", "Version Name", "Path", "CreateTime",
     "LastModifiedTime")
)  # fmt: skip
_NOT_FOUND = re.compile(r"ODPS-0110061: Failed to run ddltask - (Model|Version|Project) not found")


class CatalogRoutes:
    runner: Runner

    def list_models(self, req: Request, project: str, schema: str) -> Response:
        rows = self._json(req, project, schema, "SHOW MODELS;")
        return _answer({"models": [_listed_model(row) for row in rows], "nextPageToken": ""})

    def get_model(self, req: Request, project: str, schema: str, model: str) -> Response:
        version = req.query.get("versionName") or req.query.get("version")
        statement = f"DESC MODEL {_name(project)}.{_name(schema)}.{_name(model)}"
        if version:
            statement += f" VERSION {_name(version)}"
        return _answer(_described_model(self._json(req, project, schema, statement + ";")))

    def list_versions(self, req: Request, project: str, schema: str, model: str) -> Response:
        rows = self._json(
            req, project, schema, f"SHOW VERSIONS FOR MODEL {_name(project)}.{_name(schema)}.{_name(model)};"
        )
        return _answer({"models": [_listed_version(model.lower(), row) for row in rows], "nextPageToken": ""})

    def _json(self, req: Request, project: str, schema: str, statement: str) -> Any:
        """The statement's JSON result; a project, then a schema, that is not there: 404 NotFound."""
        if self.runner.find_project(project) is None:
            raise _catalog_error(404, "NotFound", f"ODPS-0110061: Failed to run ddltask - Project not found: {project}")
        try:
            check_schema(schema.lower(), schema)
        except SemanticError as error:
            raise _catalog_error(404, "NotFound", report.odps_line(error)) from None
        ran = self.runner.run(statement, req.user, project, fmt="json")
        if ran.error is not None:
            if _NOT_FOUND.match(ran.error):
                raise _catalog_error(404, "NotFound", ran.error)
            forbidden = wire.forbidden(ran.error)
            raise _catalog_error(
                403 if forbidden else 400, "NoPermission" if forbidden else "InvalidArgument", ran.error
            )
        return json.loads(ran.stdout)


class CatalogError(HttpError):
    """The catalog API's errors are JSON (`message`, `reason`), not XML."""


def _catalog_error(status: int, reason: str, message: str) -> CatalogError:
    return CatalogError(status, reason, message)


def _answer(value: object) -> Response:
    return Response(body=json.dumps(value, ensure_ascii=False).encode(), content_type="application/json")


def _name(text: str) -> str:
    """A name from the URL as a quoted identifier; one that cannot be quoted names nothing."""
    if not text or "`" in text or any(ord(char) < 32 for char in text):
        raise _catalog_error(404, "NotFound", f"no model, schema or version is named '{text}'")
    return f"`{text}`"


def _millis(local: str) -> str:
    """The catalog's local `yyyy-MM-dd HH:mm:ss` as the API's epoch milliseconds (a string)."""
    return str(int(time.mktime(time.strptime(local, "%Y-%m-%d %H:%M:%S"))) * 1000)


def _listed_model(row: dict[str, str]) -> dict[str, object]:
    return {
        "modelName": row["ModelName"], "defaultVersion": row["DefaultVersion"], "owner": row["Owner"],
        "sourceType": row["SourceType"], "modelType": row["ModelType"], "description": row["Comment"],
        "createTime": _millis(row["CreateTime"]), "updateTime": _millis(row["LastModifiedTime"]),
    }  # fmt: skip


def _described_model(desc: dict[str, Any]) -> dict[str, object]:
    model, version = desc["model"], desc["version"]
    described: dict[str, object] = {
        "modelName": model["Model Name"], "versionName": version["Version Name"], "owner": model["Owner"],
        "defaultVersion": model["Default Version"], "sourceType": model["Source Type"],
        "modelType": model["Model Type"], "description": model["Comment"], "path": version["Path"],
        "createTime": _millis(model["CreateTime"]), "updateTime": _millis(model["LastModifiedTime"]),
        "versionCreateTime": _millis(version["CreateTime"]),
        "versionUpdateTime": _millis(version["LastModifiedTime"]),
        "options": {label: value for label, value in version.items() if label not in _VERSION_FIELDS},
    }  # fmt: skip
    if desc["inputs"]:  # none at all: pyodps's model_schema is then None (an empty schema breaks its repr)
        described["featureColumns"] = {"fields": [_field(column) for column in desc["inputs"]]}
    return described


def _field(column: dict[str, str]) -> dict[str, str]:
    return {"fieldName": column["name"], "sqlTypeDefinition": column["type"], "mode": "NULLABLE",
            "description": column["comment"]}  # fmt: skip


def _listed_version(model: str, row: dict[str, str]) -> dict[str, object]:
    return {
        "modelName": model, "versionName": row["VersionName"], "owner": row["Owner"], "path": row["Path"],
        "tasks": row["Tasks"], "description": row["Comment"], "isDefault": row["IsDefault"] == "true",
        "versionCreateTime": _millis(row["CreateTime"]), "versionUpdateTime": _millis(row["LastModifiedTime"]),
    }  # fmt: skip

"""The JSON records of the model catalog API, as pyodps 0.13.2 parses them
(odps/models/ml/model.py: `Model`, `ModelFieldSchema`; models.py and modelversions.py: the
pages). Built from what the statements show: SHOW MODELS's row for a listed model, DESC MODEL's
rows and the version's own record for a version, so that the APIKEY is masked as DESC masks it
and every privilege is checked as the statement checks it. See docs/serve.md."""

from __future__ import annotations

from collections.abc import Iterable

from mcshell.catalog.records import Version
from mcshell.output.results import DESC_VERSION_LABELS, Describe
from mcshell.serve import wire

# DESC's version rows that are the record's own fields; the rest are its options.
_VERSION_FIELDS = frozenset(DESC_VERSION_LABELS)


def millis(local: str) -> str:
    """The catalog's local `yyyy-MM-dd HH:mm:ss` as epoch milliseconds, a string of digits
    (pyodps: `to_datetime(int(value))`, a local datetime again)."""
    return str(wire.local_epoch(local) * 1000)


def listed_model(row: tuple[str | None, ...]) -> dict[str, object]:
    """A model of `GET .../models`, from its SHOW MODELS row (handlers.MODEL_HEADERS' order):
    the model's own fields, no version's."""
    name, _owner, source_type, model_type, default_version, created, modified, comment = (str(c) for c in row)
    return {
        "modelName": name, "defaultVersion": default_version, "sourceType": source_type, "modelType": model_type,
        "description": comment, "createTime": millis(created), "updateTime": millis(modified),
    }  # fmt: skip


def version_record(described: Describe, version: Version) -> dict[str, object]:
    """One version as `GET .../models/<m>[?versionName=v]` and each record of `:listVersions` give
    it: the model's fields, then the version's (its comment is the description, its options DESC's
    option rows, its INPUT columns the featureColumns)."""
    model, shown = dict(described.model), dict(described.version)
    record: dict[str, object] = {
        "modelName": model["Model Name"], "versionName": shown["Version Name"],
        "defaultVersion": model["Default Version"], "sourceType": model["Source Type"],
        "modelType": model["Model Type"], "description": version.comment, "path": shown["Path"],
        "tasks": [version.tasks] if version.tasks else [],
        "options": {label: value for label, value in described.version if label not in _VERSION_FIELDS},
        "createTime": millis(model["CreateTime"]), "updateTime": millis(model["LastModifiedTime"]),
        "versionCreateTime": millis(shown["CreateTime"]), "versionUpdateTime": millis(shown["LastModifiedTime"]),
    }  # fmt: skip
    if described.inputs:  # none at all: pyodps's model_schema is then None (an empty schema breaks its repr)
        record["featureColumns"] = {"fields": feature_columns(described.inputs)}
    return record


def feature_columns(inputs: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    """The INPUT columns as pyodps's ModelFieldSchema reads them: a MaxCompute column is NULLABLE."""
    return [
        {"fieldName": name, "sqlTypeDefinition": data_type, "mode": "NULLABLE", "description": comment}
        for name, data_type, comment in inputs
    ]


def page(records: list[dict[str, object]], key: str, size: int) -> dict[str, object]:
    """`{"models": [...], "nextPageToken": ...}` from up to size + 1 records (sorted by `key`): the
    token is the last name on the page when one more follows, else "" (pyodps stops there)."""
    more = len(records) > size
    shown = records[:size]
    return {"models": shown, "nextPageToken": str(shown[-1][key]) if more else ""}

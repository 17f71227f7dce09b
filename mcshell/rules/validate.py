"""The documented rules for names, types, comments and options (spec section 3).

Every check raises SemanticError pointing at the offending token, naming what is wrong and what
is allowed. Checks that need the catalog (exists, not found) live in the handlers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from mcshell.errors import SemanticError
from mcshell.output import report
from mcshell.sql import statements as st
from mcshell.urls import hostname, url_problem
from mcshell.value import Value

_MODEL_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
PROJECT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,27}\Z")
_VERSION_NAME: Final = re.compile(r"[A-Za-z0-9_]+\Z")
_COLUMN_NAME: Final = re.compile(r"[A-Za-z0-9_\u4e00-\u9fff\u3400-\u4dbf]+\Z")
_LOCATION: Final = re.compile(r"oss://(?P<endpoint>[A-Za-z0-9.-]+)/(?P<bucket>[^/\s]+)(/\S*)?\Z")
# OSS's bucket naming conventions (https://www.alibabacloud.com/help/en/oss/user-guide/bucket-naming-conventions):
# 3 to 63 characters; lowercase letters, digits and hyphens only; a letter or digit first and last.
_BUCKET_LENGTH: Final = range(3, 64)
_BUCKET_CHARACTER: Final = re.compile(r"[^a-z0-9-]")
_ROLEARN: Final = re.compile(r"acs:ram::[0-9*]+:role/[A-Za-z0-9._-]+\Z")
_SERVICE_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?\Z")

MODEL_NAME_MAX = 128
VERSION_NAME_MAX = 256
COLUMN_NAME_MAX = 128
COMMENT_MAX = 1024

SOURCE_TYPES = ("IMPORT", "REMOTE")
# A source type MaxCompute has (PyODPS's ModelSourceType) but SQL cannot create (S2).
INTERNAL_TRAIN = "INTERNAL_TRAIN"
_NOT_BY_SQL = (
    "MODEL_SOURCE_TYPE 'INTERNAL_TRAIN' cannot be created by SQL: internally trained models are created only "
    "by to_odps_model in MaxFrame"
)
MODEL_TYPES = {
    "IMPORT": ("BOOSTED_TREE_REGRESSOR", "BOOSTED_TREE_CLASSIFIER"),
    "REMOTE": ("LLM", "MLLM"),
}
TASKS = ("text-generation", "chat", "sentence-embedding")
SYNC_TIMEOUT_RANGE = (5000, 1800000)
SYNC_TIMEOUT_DEFAULT = 5000

IMPORT_OPTIONS = ("LOCATION", "ROLEARN")
REMOTE_REQUIRED = (
    "TASKS", "PAI_EAS_MODEL_NAME", "PAI_EAS_SERVICE_NAME", "ENDPOINT", "APIKEY", "PAI_EAS_SYNC_MODE",
)  # fmt: skip
REMOTE_OPTIONS = (*REMOTE_REQUIRED, "PAI_EAS_SYNC_REQUEST_TIMEOUT")
OPTION_KEYS = ("MODEL_SOURCE_TYPE", "MODEL_TYPE", *IMPORT_OPTIONS, *REMOTE_OPTIONS)
ENUM_OPTION_VALUES = {
    "MODEL_SOURCE_TYPE": SOURCE_TYPES,
    "MODEL_TYPE": (*MODEL_TYPES["IMPORT"], *MODEL_TYPES["REMOTE"]),
    "TASKS": TASKS,
    "PAI_EAS_SYNC_MODE": ("true",),
}

# Column types of the MaxCompute 2.0 type system, with how many numeric parameters each takes.
SIMPLE_TYPES = (
    "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "STRING", "BINARY", "DATE",
    "DATETIME", "TIMESTAMP", "TIMESTAMP_NTZ", "BOOLEAN", "JSON",
)  # fmt: skip
PARAMETER_RANGES = {"DECIMAL": ((1, 38), (0, 38)), "VARCHAR": ((1, 65535),), "CHAR": ((1, 255),)}
NESTED_ARITY = {"ARRAY": 1, "MAP": 2}
ALL_TYPES = (*SIMPLE_TYPES, *PARAMETER_RANGES, *NESTED_ARITY, "STRUCT")
# Sets for the membership tests that run for every column and option of a script.
_TYPE_SET: Final = frozenset(ALL_TYPES)
_OPTION_KEY_SET: Final = frozenset(OPTION_KEYS)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _check_name(ident: st.Ident, what: str, pattern: re.Pattern[str], allowed: str, limit: int) -> None:
    if not pattern.match(ident.text):
        raise SemanticError(f"{what} '{ident.text}' {allowed}", ident.offset)
    # A character is at most 4 bytes in UTF-8: short names need no encoding to be counted.
    if len(ident.text) * 4 > limit and utf8_len(ident.text) > limit:
        raise SemanticError(
            f"{what} '{ident.text[:32]}...' is {utf8_len(ident.text)} bytes; at most {limit} bytes are allowed",
            ident.offset,
        )


def check_model_name(ident: st.Ident) -> None:
    _check_name(
        ident, "model name", _MODEL_NAME,
        "must start with a letter and contain only letters, digits and underscores", MODEL_NAME_MAX,
    )  # fmt: skip


def check_version_name(ident: st.Ident) -> None:
    _check_name(
        ident, "version name", _VERSION_NAME,
        "may contain only letters, digits and underscores", VERSION_NAME_MAX,
    )  # fmt: skip
    if ident.key == "default_version":
        raise SemanticError("version name 'default_version' is reserved", ident.offset)


def check_project_name(ident: st.Ident) -> None:
    _check_name(
        ident, "project name", PROJECT_NAME,
        "must be 3 to 28 characters, start with a letter and contain only letters, digits and underscores",
        28,
    )  # fmt: skip


def check_comment(comment: st.Text | None) -> None:
    if comment is not None and utf8_len(comment.value) > COMMENT_MAX:
        raise SemanticError(
            f"comment is {utf8_len(comment.value)} bytes; at most {COMMENT_MAX} bytes are allowed",
            comment.offset,
        )


def check_inputs(columns: tuple[st.Column, ...]) -> None:
    seen: set[str] = set()
    for column in columns:
        _check_name(
            column.name, "column name", _COLUMN_NAME,
            "may contain only letters, digits, underscores and Chinese characters", COLUMN_NAME_MAX,
        )  # fmt: skip
        key = column.name.key
        if key in seen:
            raise SemanticError(f"column '{key}' is given twice in INPUT", column.name.offset)
        seen.add(key)
        check_type(column.type)


def check_type(data_type: st.DataType) -> None:
    name = data_type.name
    if name not in _TYPE_SET:
        raise SemanticError(
            f"unknown type '{data_type.name.lower()}'; allowed: {', '.join(t.lower() for t in ALL_TYPES)}",
            data_type.offset,
        )
    if name in PARAMETER_RANGES:
        _check_type_parameters(data_type)
    elif data_type.params:
        raise SemanticError(f"type '{name.lower()}' takes no parameters", data_type.offset)
    if name in NESTED_ARITY and len(data_type.children) != NESTED_ARITY[name]:
        shape = "array<T>" if name == "ARRAY" else "map<K,V>"
        raise SemanticError(f"type '{name.lower()}' is written {shape}", data_type.offset)
    if name == "STRUCT":
        _check_struct_fields(data_type)
    for child in data_type.children:
        check_type(child)


def _check_type_parameters(data_type: st.DataType) -> None:
    name, params = data_type.name, data_type.params
    ranges = PARAMETER_RANGES[name]
    if name == "DECIMAL" and not params:
        return  # DECIMAL alone is DECIMAL(10,0) in MaxCompute 2.0
    if len(params) != len(ranges) and not (name == "DECIMAL" and len(params) == 1):
        shape = {"DECIMAL": "decimal(p,s)", "VARCHAR": "varchar(n)", "CHAR": "char(n)"}[name]
        raise SemanticError(f"type '{name.lower()}' is written {shape}", data_type.offset)
    for value, (low, high), label in zip(params, ranges, ("precision", "scale"), strict=False):
        if name == "DECIMAL" and label == "scale":
            high = params[0]
        if not low <= value <= high:
            what = f"{name.lower()} {label}" if name == "DECIMAL" else f"{name.lower()} length"
            raise SemanticError(f"{what} {value} is out of range {low}..{high}", data_type.offset)


def _check_struct_fields(data_type: st.DataType) -> None:
    seen: set[str] = set()
    for field in data_type.fields:
        _check_name(
            field, "struct field name", _COLUMN_NAME,
            "may contain only letters, digits, underscores and Chinese characters", COLUMN_NAME_MAX,
        )  # fmt: skip
        if field.key in seen:
            raise SemanticError(f"struct field '{field.key}' is given twice", field.offset)
        seen.add(field.key)


@dataclass(eq=False, repr=False)
class CheckedOptions(Value):
    """A version's options once every rule holds: what the catalog stores."""

    source_type: str
    model_type: str
    location: str
    tasks: str
    options: dict[str, str]  # every other option, keys in upper case
    warnings: tuple[str, ...]


def option_map(spec: st.VersionSpec) -> dict[str, st.Option]:
    """Options by upper-case key; unknown keys and keys given twice are refused."""
    found: dict[str, st.Option] = {}
    for option in spec.options:
        name = option.name
        if name not in _OPTION_KEY_SET:
            raise SemanticError(
                f"unknown option '{option.key.text}'; allowed: {', '.join(OPTION_KEYS)}", option.key.offset
            )
        if name in found:
            raise SemanticError(f"option '{name}' is given twice", option.key.offset)
        if not option.value.value.strip():
            raise SemanticError(f"option '{name}' must not be empty", option.value.offset)
        found[name] = option
    return found


def check_source_and_type(options: dict[str, st.Option], offset: int) -> tuple[str, str]:
    """MODEL_SOURCE_TYPE and MODEL_TYPE of CREATE MODEL: both required, and they must agree."""
    source = _required(options, "MODEL_SOURCE_TYPE", offset).value
    source_type = source.value.upper()
    if source_type == INTERNAL_TRAIN:
        raise SemanticError(_NOT_BY_SQL, source.offset)
    if source_type not in SOURCE_TYPES:
        raise SemanticError(
            f"MODEL_SOURCE_TYPE '{source.value}' is not allowed; allowed: {', '.join(SOURCE_TYPES)}", source.offset
        )
    model = _required(options, "MODEL_TYPE", offset).value
    model_type = model.value.upper()
    if model_type not in MODEL_TYPES[source_type]:
        raise SemanticError(
            f"MODEL_TYPE '{model.value}' is not allowed for {source_type} models; "
            f"allowed: {', '.join(MODEL_TYPES[source_type])}",
            model.offset,
        )
    return source_type, model_type


def check_same_source_and_type(options: dict[str, st.Option], source_type: str, model_type: str) -> None:
    """ADD VERSION may repeat MODEL_SOURCE_TYPE and MODEL_TYPE, but only with the model's values."""
    for key, expected in (("MODEL_SOURCE_TYPE", source_type), ("MODEL_TYPE", model_type)):
        option = options.get(key)
        if key == "MODEL_SOURCE_TYPE" and option is not None and option.value.value.upper() == INTERNAL_TRAIN:
            raise SemanticError(_NOT_BY_SQL, option.value.offset)
        if option is not None and option.value.value.upper() != expected:
            raise SemanticError(
                f"{key} '{option.value.value}' does not match the model's {key} '{expected}'",
                option.value.offset,
            )


def check_version_options(
    spec: st.VersionSpec, options: dict[str, st.Option], source_type: str, model_type: str, stmt_offset: int
) -> CheckedOptions:
    """The rules for one version's INPUT and options, for a model of `source_type`."""
    check_version_name(spec.name)
    check_comment(spec.comment)
    if spec.inputs is not None:
        check_inputs(spec.inputs)
    refused = REMOTE_OPTIONS if source_type == "IMPORT" else IMPORT_OPTIONS
    for key in refused:
        if key in options:
            raise SemanticError(f"option '{key}' is not allowed for {source_type} models", options[key].key.offset)
    if source_type == "IMPORT":
        if spec.inputs is None:
            raise SemanticError("INPUT is required for IMPORT models", stmt_offset)
        return _check_import_options(options, spec.options_offset, source_type, model_type)
    return _check_remote_options(options, spec.options_offset, source_type, model_type)


def _required(options: dict[str, st.Option], key: str, offset: int) -> st.Option:
    option = options.get(key)
    if option is None:
        raise SemanticError(f"option '{key}' is required", offset)
    return option


def _check_import_options(
    options: dict[str, st.Option], offset: int, source_type: str, model_type: str
) -> CheckedOptions:
    location = _required(options, "LOCATION", offset).value
    found = _LOCATION.match(location.value)
    if found is None:
        raise SemanticError(
            f"LOCATION '{location.value}' is not an OSS path; expected oss://<endpoint>/<bucket>/<path>",
            location.offset,
        )
    problem = bucket_problem(found["bucket"])
    if problem is not None:
        raise SemanticError(f"LOCATION '{location.value}': {problem}", location.offset)
    warnings = []
    if not found["endpoint"].endswith("-internal.aliyuncs.com"):
        warnings.append(report.location_not_internal(found["endpoint"]))
    rolearn = _required(options, "ROLEARN", offset).value
    if not _ROLEARN.match(rolearn.value):
        raise SemanticError(
            f"ROLEARN '{rolearn.value}' is not a RAM role ARN; expected acs:ram::<account>:role/<role>",
            rolearn.offset,
        )
    return CheckedOptions(source_type, model_type, location.value, "", {"ROLEARN": rolearn.value}, tuple(warnings))


def bucket_problem(bucket: str) -> str | None:
    """Which of OSS's bucket naming rules `bucket` breaks (the first), or None."""
    if len(bucket) not in _BUCKET_LENGTH:
        return f"bucket '{bucket}' is {len(bucket)} characters long; an OSS bucket name has 3 to 63"
    wrong = _BUCKET_CHARACTER.search(bucket)
    if wrong is not None:
        return (
            f"bucket '{bucket}' holds '{wrong.group()}'; an OSS bucket name has only lowercase letters, digits "
            "and hyphens (-)"
        )
    for edge, char in (("begins", bucket[0]), ("ends", bucket[-1])):
        if char == "-":
            return (
                f"bucket '{bucket}' {edge} with '-'; an OSS bucket name begins and ends with a lowercase letter or "
                "a digit"
            )
    return None


def _check_remote_options(
    options: dict[str, st.Option], offset: int, source_type: str, model_type: str
) -> CheckedOptions:
    values = {key: _required(options, key, offset).value for key in REMOTE_REQUIRED}
    _check_enum(values["TASKS"], "TASKS", TASKS, lower=True)
    _check_enum(values["PAI_EAS_SYNC_MODE"], "PAI_EAS_SYNC_MODE", ("true",), lower=True)
    service = values["PAI_EAS_SERVICE_NAME"]
    if not _SERVICE_NAME.match(service.value):
        raise SemanticError(
            f"PAI_EAS_SERVICE_NAME '{service.value}' is not a service name; expected <service> or <group>.<service>",
            service.offset,
        )
    endpoint = values["ENDPOINT"]
    problem = url_problem(endpoint.value)  # the one rule of the URLs mcshell calls, as --public-endpoint
    if problem is not None:
        raise SemanticError(f"ENDPOINT {problem}", endpoint.offset)
    warnings = []
    host = hostname(endpoint.value)
    if ".vpc." in f".{host}" or "-vpc." in host or "internal" in host:
        warnings.append(report.endpoint_not_public(host))
    stored = {key: values[key].value for key in REMOTE_REQUIRED if key != "TASKS"}
    stored["PAI_EAS_SYNC_MODE"] = "true"
    timeout = options.get("PAI_EAS_SYNC_REQUEST_TIMEOUT")
    if timeout is not None:
        stored["PAI_EAS_SYNC_REQUEST_TIMEOUT"] = str(_check_timeout(timeout.value))
    return CheckedOptions(source_type, model_type, "", values["TASKS"].value.lower(), stored, tuple(warnings))


def _check_enum(value: st.Text, key: str, allowed: tuple[str, ...], lower: bool) -> None:
    if (value.value.lower() if lower else value.value) not in allowed:
        raise SemanticError(f"{key} '{value.value}' is not allowed; allowed: {', '.join(allowed)}", value.offset)


def _check_timeout(value: st.Text) -> int:
    low, high = SYNC_TIMEOUT_RANGE
    text = value.value.strip()
    # ASCII digits only ('²'.isdigit() is True, yet int() refuses it), and few enough for int().
    whole = text.isascii() and text.isdigit() and len(text.lstrip("0")) <= len(str(high))
    if not whole or not low <= int(text) <= high:
        raise SemanticError(
            f"PAI_EAS_SYNC_REQUEST_TIMEOUT '{value.value}' must be a whole number of milliseconds "
            f"from {low} to {high} (default {SYNC_TIMEOUT_DEFAULT})",
            value.offset,
        )
    return int(text)


# -- tables (docs/tables.md) -------------------------------------------------------------------
# https://www.alibabacloud.com/help/en/maxcompute/user-guide/maxcompute-sql-limits: names of at most
# 128 bytes, 1,200 columns, 6 partition levels, 60,000 partitions per table.
TABLE_NAME_MAX = 128
MAX_COLUMNS = 1200
MAX_PARTITION_LEVELS = 6
MAX_PARTITIONS = 60000
# https://www.alibabacloud.com/help/en/maxcompute/user-guide/partition-and-column-operations
PARTITION_KEY_TYPES = ("TINYINT", "SMALLINT", "INT", "BIGINT", "VARCHAR", "CHAR", "STRING")
PARTITION_VALUE_MAX = 255
# A partition value: no double-byte character, no control character, and none of `/`, `=`, quotes
# (mcshell's decision: the docs call other characters undefined).
_PARTITION_VALUE: Final = re.compile(r"[\x20-\x7e]+\Z")
_PARTITION_VALUE_REFUSED: Final = re.compile(r"[/='\"`\\]")


def check_table_name(ident: st.Ident) -> None:
    _check_name(
        ident, "table name", _MODEL_NAME,
        "must start with a letter and contain only letters, digits and underscores", TABLE_NAME_MAX,
    )  # fmt: skip


def check_table_columns(columns: tuple[st.TableColumn, ...], partitions: tuple[st.TableColumn, ...]) -> None:
    """Names, types and comments of a new table's columns and partition keys, and their limits."""
    seen: set[str] = set()
    for column in (*columns, *partitions):
        check_column(column, seen)
    if len(columns) > MAX_COLUMNS:
        raise SemanticError(
            f"a table has at most {MAX_COLUMNS} columns; this one has {len(columns)}", columns[MAX_COLUMNS].name.offset
        )
    if len(partitions) > MAX_PARTITION_LEVELS:
        raise SemanticError(
            f"a table has at most {MAX_PARTITION_LEVELS} partition levels; this one has {len(partitions)}",
            partitions[MAX_PARTITION_LEVELS].name.offset,
        )
    for key in partitions:
        if key.type.name not in PARTITION_KEY_TYPES:
            raise SemanticError(
                f"partition key '{key.name.key}' cannot be of type {key.type.sql()}; allowed: "
                f"{', '.join(t.lower() for t in PARTITION_KEY_TYPES)}",
                key.type.offset,
            )


def check_column(column: st.TableColumn, seen: set[str]) -> None:
    """One column: its name (not in `seen`, which it joins), its type and its comment."""
    _check_name(
        column.name, "column name", _COLUMN_NAME,
        "may contain only letters, digits, underscores and Chinese characters", COLUMN_NAME_MAX,
    )  # fmt: skip
    if column.name.key in seen:
        raise SemanticError(f"column '{column.name.key}' is given twice", column.name.offset)
    seen.add(column.name.key)
    check_type(column.type)
    check_comment(column.comment)


def check_lifecycle(days: int | None, offset: int) -> None:
    if days is not None and days < 1:
        raise SemanticError(f"lifecycle {days} is not a positive number of days", offset)


def check_partition_value(key: str, value: st.Text, key_type: str) -> str:
    """A partition value as stored (text); integer keys take integers in their type's range."""
    text = value.value
    if not _PARTITION_VALUE.match(text) or _PARTITION_VALUE_REFUSED.search(text):
        raise SemanticError(
            f"partition value '{text}' of {key}: letters, digits, spaces and : _ $ # . ! @ - + are allowed",
            value.offset,
        )
    if len(text) > PARTITION_VALUE_MAX:
        raise SemanticError(
            f"partition value of {key} is {len(text)} bytes; at most {PARTITION_VALUE_MAX} are allowed", value.offset
        )
    bits = {"TINYINT": 8, "SMALLINT": 16, "INT": 32, "BIGINT": 64}.get(key_type.upper())
    if bits is not None:
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isdigit() or not -(2 ** (bits - 1)) <= int(text) < 2 ** (bits - 1):
            raise SemanticError(f"partition value '{text}' of {key} is not a {key_type.lower()}", value.offset)
    return text

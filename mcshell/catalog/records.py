"""The records the catalog stores and hands out: projects, models and versions.

They are values: the catalog never changes one it has handed out (it makes a new one, with
dataclasses.replace), so a handler can hold a record for as long as it likes. Not `frozen`, for
speed: see "The compiled build" in docs/development.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

from mcshell.value import Value

PUBLIC_PROJECT = "bigdata_public_modelset"
SYSTEM_OWNER = "ALIYUN$maxcompute_public_model@aliyun.com"


@dataclass(eq=False, repr=False)
class Project(Value):
    name: str
    owner: str
    create_time: str


@dataclass(eq=False, repr=False)
class Model(Value):
    project: str
    name: str
    owner: str
    source_type: str
    model_type: str
    default_version: str
    comment: str
    create_time: str
    last_modified_time: str
    id: int = 0


@dataclass(eq=False, repr=False)
class Version(Value):
    name: str
    owner: str
    location: str
    tasks: str
    options: dict[str, str]  # keys in upper case
    inputs: tuple[tuple[str, str], ...]  # (column name, type) in order
    comment: str
    key_case: str  # "upper" for the version CREATE MODEL made, "lower" for ADD VERSION
    create_time: str
    last_modified_time: str
    model_id: int = field(default=0, compare=False)


@dataclass(eq=False, repr=False)
class PullRecord(Value):
    """Where (the endpoint), when and as whom (the account's name) a project was last pulled."""

    endpoint: str
    user: str
    time: str


# The columns of each table in the order of the record's fields.
MODEL_COLUMNS = (
    "project, name, owner, source_type, model_type, default_version, comment, create_time, last_modified_time, id"
)
VERSION_COLUMNS = (
    "name, owner, location, tasks, options, inputs, comment, key_case, create_time, last_modified_time, model_id"
)


def model_from_row(row: tuple) -> Model:
    return Model(*row)


def version_from_row(row: tuple) -> Version:
    name, owner, location, tasks, options, inputs, *rest = row
    columns = tuple(tuple(pair) for pair in json.loads(inputs))
    return Version(name, owner, location, tasks, json.loads(options), columns, *rest)


def _json_encoder() -> Callable[[object], str]:
    """One encoder for every write, made once: JSONEncoder.encode (json.dumps too) makes a new C
    encoder on every call, which costs more than encoding a version's small options and inputs."""
    if c_make_encoder is None:  # a Python without the _json accelerator
        return json.JSONEncoder(ensure_ascii=False).encode
    # No check for circular references (markers None): options and inputs are flat strings.
    chunks = c_make_encoder(None, _not_stored, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(chunks(value, 0))


def _not_stored(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not stored as JSON")


to_json = _json_encoder()

"""Every model and version of the remote project, as the catalog stores them (the models half of
`mcshell pull`; read_access.py reads the members, roles and grants).

Three reads (docs/remote.md):
- the catalog API's model listing (all pages): each model's name, source and model type, default
  version and comment;
- one `m:listVersions` listing per model (all pages): each version's name, path (LOCATION), TASKS
  and comment;
- one `DESC MODEL m VERSION v` per version, for what the API has no field for: the owners, the
  times as the catalog keeps them, the options (ROLEARN, ENDPOINT, PAI_EAS_*, the APIKEY as DESC
  masks it) with their key case, and the INPUT columns.

Where the DESC and the listings disagree (the project changed while it was read, say), the pull
refuses with UnreadableAnswer naming the DESC line: mcshell's decision, since neither can be
trusted to be the state the other describes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from mcshell.catalog.records import Model, Version
from mcshell.catalog.snapshot import ModelState
from mcshell.errors import UnreadableAnswer
from mcshell.output.describe_box import line_of, parse_describe
from mcshell.output.masking import mask_secret
from mcshell.output.render import shown
from mcshell.output.results import DESC_MODEL_LABELS, DESC_VERSION_LABELS, Describe
from mcshell.remote.client import Remote
from mcshell.rules.recreate import quote_name
from mcshell.rules.validate import MODEL_TYPES, OPTION_KEYS

# The option rows DESC prints: the options a version stores, and the one it derives for REMOTE.
_OPTION_ROWS = frozenset(OPTION_KEYS) - {"MODEL_SOURCE_TYPE", "MODEL_TYPE", "LOCATION", "TASKS"} | {
    "REMOTE_SERVICE_TYPE"
}
Progress = Callable[[str], None]


def read_models(remote: Remote, project: str, progress: Progress | None = None) -> tuple[ModelState, ...]:
    """Every model of the project with its versions, by name. Raises RemoteFailed, RemoteLost,
    RemoteRefused or UnreadableAnswer; reads only."""
    listed = _unique(sorted(_pages(remote, "", "GET models"), key=lambda row: str(row.get("modelName"))),
                     "modelName", "GET models")  # fmt: skip
    states = []
    for done, row in enumerate(listed, 1):
        states.append(_read_model(remote, project, _checked_model(row)))
        if progress is not None:
            progress(f"models {done}/{len(listed)}")
    return tuple(states)


def _pages(remote: Remote, path: str, request: str) -> Iterator[dict[str, Any]]:
    """The `models` of every page of a catalog API listing, following nextPageToken until it is
    null or empty (as pyodps's own iterators do)."""
    params: dict[str, str] = {}
    seen: set[str] = set()
    while True:
        answer = remote.catalog_json(path, params)
        items = answer.get("models") if isinstance(answer, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise _unreadable_json(request, answer, "expected an object with a 'models' list")
        yield from items
        token = answer.get("nextPageToken")
        if not token:
            return
        if not isinstance(token, str) or token in seen:
            raise _unreadable_json(request, answer, "a nextPageToken that is not new")
        seen.add(token)
        params = {"pageToken": token}


def _unique(rows: list[dict[str, Any]], key: str, request: str) -> list[dict[str, Any]]:
    """A listing names each model (each version) once: a name listed twice is an answer not read."""
    for earlier, row in zip(rows, rows[1:], strict=False):  # each row beside the next
        if row.get(key) == earlier.get(key):
            raise _unreadable_json(request, row, f"'{key}' {row.get(key)!r} is listed twice")
    return rows


def _checked_model(row: dict[str, Any]) -> dict[str, Any]:
    """A listed model whose types mcshell knows (pyodps itself raises ValueError on an unknown one)."""
    request = "GET models"
    for field in ("modelName", "sourceType", "modelType", "defaultVersion"):
        if not isinstance(row.get(field), str) or not row[field]:
            raise _unreadable_json(request, row, f"no '{field}'")
    row = _with_texts(request, row, ("description",))
    source, kind = row["sourceType"], row["modelType"]
    if source not in MODEL_TYPES:
        raise _unreadable_json(request, row, f"unknown sourceType '{source}'")
    if kind not in MODEL_TYPES[source]:
        raise _unreadable_json(request, row, f"unknown modelType '{kind}' for sourceType '{source}'")
    return row


def _read_model(remote: Remote, project: str, row: dict[str, Any]) -> ModelState:
    name = row["modelName"]
    request = f"GET models/{name}:listVersions"
    pages = _pages(remote, f"{name}:listVersions", request)
    listed = _unique(sorted(pages, key=lambda item: str(item.get("versionName"))), "versionName", request)
    if not listed:
        raise _unreadable_json(request, {"models": []}, "a model with no version")
    model: Model | None = None
    versions = []
    for version_row in listed:
        if not isinstance(version_row.get("versionName"), str) or not version_row["versionName"]:
            raise _unreadable_json(request, version_row, "no 'versionName'")
        version_row = _with_texts(request, version_row, ("path", "tasks", "description"))
        statement = f"DESC MODEL {quote_name(name)} VERSION {quote_name(version_row['versionName'])};"
        text = remote.sql(statement)
        described = _Described(statement, text, parse_describe(text, statement))
        this_model = described.model(project, row)
        if model is not None and this_model != model:
            raise described.unreadable("model", 0, "the model's rows differ between its versions' DESC")
        model = this_model
        versions.append(described.version(row, version_row))
    assert model is not None
    return ModelState(model, tuple(versions))


class _Described:
    """One version's DESC, read into records and checked against the listings."""

    def __init__(self, request: str, text: str, desc: Describe):
        self.request, self.desc = request, desc
        self.lines = text.split("\n")

    def unreadable(self, part: str, index: int, why: str) -> UnreadableAnswer:
        number = line_of(self.desc, part, index)
        return UnreadableAnswer(self.request, number, self.lines[number - 1], why)

    def _fields(self, part: str, labels: tuple[str, ...]) -> dict[str, str]:
        rows = self.desc.model if part == "model" else self.desc.version
        for index, label in enumerate(labels):
            if index >= len(rows) or rows[index][0] != label:
                raise self.unreadable(part, index, f"expected the '{label}:' row")
        if part == "model" and len(rows) != len(labels):
            raise self.unreadable(part, len(labels), "a row the model information does not have")
        return dict(rows[: len(labels)])

    def _agrees(self, part: str, label: str, value: str, listed: object, what: str) -> None:
        """A DESC value is what the listing says, as the box shows it (escaped, right spaces lost)."""
        if not isinstance(listed, str) or value != shown(listed).rstrip(" "):
            labels = DESC_MODEL_LABELS if part == "model" else DESC_VERSION_LABELS
            raise self.unreadable(part, labels.index(label), f"the {what} listing says {listed!r}")

    def model(self, project: str, row: dict[str, Any]) -> Model:
        fields = self._fields("model", DESC_MODEL_LABELS)
        self._agrees("model", "Project", fields["Project"], project, "project's")
        for label, key in (("Model Name", "modelName"), ("Model Type", "modelType"), ("Source Type", "sourceType"),
                           ("Default Version", "defaultVersion"), ("Comment", "description")):  # fmt: skip
            self._agrees("model", label, fields[label], row[key], "model")
        return Model(
            project, row["modelName"], fields["Owner"], row["sourceType"], row["modelType"], row["defaultVersion"],
            row["description"], fields["CreateTime"], fields["LastModifiedTime"],
        )  # fmt: skip

    def version(self, row: dict[str, Any], listed: dict[str, Any]) -> Version:
        fields = self._fields("version", DESC_VERSION_LABELS)
        for label, key in (("Model Name", "modelName"), ("Model Type", "modelType"), ("Source Type", "sourceType")):
            self._agrees("version", label, fields[label], row[key], "model")
        self._agrees("version", "Version Name", fields["Version Name"], listed["versionName"], "version")
        self._agrees("version", "Path", fields["Path"], listed["path"], "version")
        options, key_case = self._options()
        return Version(
            listed["versionName"], fields["Owner"], listed["path"], listed["tasks"], options,
            tuple((name, data_type) for name, data_type, _ in self.desc.inputs), listed["description"],
            key_case, fields["CreateTime"], fields["LastModifiedTime"],
        )  # fmt: skip

    def _options(self) -> tuple[dict[str, str], str]:
        """The option rows after the fixed ones: keys in upper case, and the case DESC printed them in
        (upper for the version CREATE MODEL made, lower for ADD VERSION's; docs/spec.md 4.1)."""
        options: dict[str, str] = {}
        cases = set()
        for index, (label, value) in enumerate(self.desc.version[len(DESC_VERSION_LABELS) :], len(DESC_VERSION_LABELS)):
            key = label.upper()
            if key not in _OPTION_ROWS or key in options or label not in (key, key.lower()):
                raise self.unreadable("version", index, "not an option row DESC prints")
            cases.add("upper" if label == key else "lower")
            options[key] = value
        if len(cases) > 1:
            raise self.unreadable("version", len(DESC_VERSION_LABELS), "option keys in both cases")
        return options, cases.pop() if cases else "upper"


def _with_texts(request: str, row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The row with each of `keys` a string: a field left out or null is empty (no comment, no path);
    `tasks` may come as a list of strings (mcshell serve's shape: docs/serve.md), read as its items
    joined by commas, the TASKS option's own separator."""
    texts = {key: "" if row.get(key) is None else row[key] for key in keys}
    tasks = texts.get("tasks")
    if isinstance(tasks, list) and all(isinstance(task, str) for task in tasks):
        texts["tasks"] = ",".join(tasks)
    for key, value in texts.items():
        if not isinstance(value, str):
            raise _unreadable_json(request, row, f"'{key}' is not a string")
    return {**row, **texts}


def _unreadable_json(request: str, value: object, why: str) -> UnreadableAnswer:
    """A JSON answer that is not what the API gives: its text (APIKEY values masked) as line 1."""
    return UnreadableAnswer(request, 1, json.dumps(_masked(value), ensure_ascii=False)[:200], why)


def _masked(value: object) -> object:
    """`value` with the value of every APIKEY field (in any case) masked as DESC masks it."""
    if isinstance(value, dict):
        return {key: mask_secret(str(item)) if str(key).upper() == "APIKEY" else _masked(item)
                for key, item in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value

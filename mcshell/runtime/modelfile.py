"""What a model file is, read from its bytes before xgboost loads it: its format, and the xgboost version
that saved it, so that ML_PREDICT never predicts from a file the installed xgboost may misread.

xgboost writes a JSON or UBJSON model as one object whose members are sorted by name, so `version`
(`[major, minor, patch]`) is the last member: the file's last bytes hold it. A JSON file whose tail does
not end so (rewritten by another tool) is parsed whole. The legacy binary format starts with `binf` (or
`bs64`, its base64 form); xgboost 3.1 removed it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from mcshell.runtime.store import StoreError

JSON, UBJSON, LEGACY, UNKNOWN = "JSON", "UBJSON", "legacy binary", "unknown"
Version = tuple[int, int, int]
LEGACY_REMOVED: Version = (3, 1, 0)  # the first xgboost that no longer reads the legacy binary format
_TAIL = 256  # bytes: the `version` member and the object's end, with room for whitespace
_JSON_VERSION = re.compile(rb'"version"\s*:\s*\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]\s*}\s*$')
_UBJSON_INTS = {"i": (1, True), "U": (1, False), "I": (2, True), "l": (4, True), "L": (8, True)}


@dataclass(frozen=True)
class ModelFile:
    path: str
    format: str  # JSON, UBJSON, LEGACY or UNKNOWN
    version: Version | None  # the xgboost that saved it; None where the file records none


def version_of(text: str) -> Version | None:
    """`3.2.0`, `3.1.0rc1`, `3.3.0.dev0` -> (major, minor, patch)."""
    found = re.match(r"(\d+)\.(\d+)\.(\d+)", text)
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


def read(path: str) -> ModelFile:
    """The format and recorded version of the model file at `path`; reads its first and last bytes."""
    try:
        with open(path, "rb") as file:
            head = file.read(_TAIL).lstrip()
            file.seek(max(0, os.fstat(file.fileno()).st_size - _TAIL))
            tail = file.read()
    except OSError as error:
        raise StoreError(f"cannot read the model file ({error.strerror})", path) from None
    if head.startswith((b"binf", b"bs64")):
        return ModelFile(path, LEGACY, None)
    if not head.startswith(b"{"):
        return ModelFile(path, UNKNOWN, None)
    if head[1:].lstrip()[:1] in (b'"', b"}"):
        found = _JSON_VERSION.search(tail)
        version = (int(found[1]), int(found[2]), int(found[3])) if found else _json_version(path)
        return ModelFile(path, JSON, version)
    return ModelFile(path, UBJSON, _ubjson_version(tail))


def _json_version(path: str) -> Version | None:
    try:
        with open(path, "rb") as file:
            recorded = json.load(file).get("version")
        major, minor, patch = (int(number) for number in recorded)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return major, minor, patch


def _ubjson_version(tail: bytes) -> Version | None:
    """The array after the last `version` key: `[#L<count>i3i2i0`, `[$U#i<count>...`, `[i3i2i0]` ..."""
    position = tail.rfind(b"version")
    if position < 0:
        return None
    data, position = tail, position + len(b"version")
    try:
        if data[position : position + 1] != b"[":
            return None
        position += 1
        kind = None
        if data[position : position + 1] == b"$":
            kind, position = chr(data[position + 1]), position + 2
        count = None
        if data[position : position + 1] == b"#":
            count, position = _ubjson_int(data, position + 1, None)
        numbers: list[int] = []
        while len(numbers) != count and (count is not None or data[position : position + 1] != b"]"):
            number, position = _ubjson_int(data, position, kind)
            numbers.append(number)
    except (IndexError, KeyError, ValueError):
        return None
    return (numbers[0], numbers[1], numbers[2]) if len(numbers) == 3 else None


def _ubjson_int(data: bytes, position: int, kind: str | None) -> tuple[int, int]:
    """One UBJSON integer at `position` (its type marker first unless `kind` gives it): value, next position."""
    if kind is None:
        kind, position = chr(data[position]), position + 1
    size, signed = _UBJSON_INTS[kind]
    if position + size > len(data):
        raise ValueError("truncated")
    return int.from_bytes(data[position : position + size], "big", signed=signed), position + size


def refusal(model: ModelFile, installed: str) -> str | None:
    """Why the installed xgboost (version text `installed`) must not load `model`, or None."""
    have = version_of(installed) or (0, 0, 0)
    name = os.path.basename(model.path)
    if model.format == UNKNOWN:  # junk, or a legacy binary from before xgboost 1.0 (no header, no version)
        return (
            "the model file is not an XGBoost JSON or UBJSON model file: a legacy binary from before xgboost 1.0 "
            f"must be re-saved with an xgboost older than 3.1: in its directory, {_resave(name)}"
        )
    if model.format == LEGACY and have >= LEGACY_REMOVED:
        return (
            f"the model file is in XGBoost's legacy binary format, which xgboost 3.1 and newer (installed: "
            f"{installed}) no longer read: in its directory, with an xgboost older than 3.1, {_resave(name)}"
        )
    if model.version is not None and model.version > have:
        saved = ".".join(str(number) for number in model.version)
        return (
            f"the model file was saved by xgboost {saved}, newer than the installed xgboost {installed}, which may "
            f"misread it: install xgboost {saved} or newer"
        )
    return None


def _resave(name: str) -> str:
    """The command that re-saves the legacy binary `name` as JSON, run in its directory (under another
    name than its own, which the command then removes)."""
    target = "resaved.json" if name == "model.json" else "model.json"
    return (
        f'run python -c "import xgboost; xgboost.Booster(model_file={name!r}).save_model({target!r})" and remove {name}'
    )


def unversioned(model: ModelFile) -> str | None:
    """For a file xgboost loaded: why it must not predict from a JSON or UBJSON model that records no version
    (xgboost loads one; a corrupt file is left to xgboost's own reason, so this is asked after loading)."""
    if model.format in (JSON, UBJSON) and model.version is None:
        return (
            'the model file records no xgboost version (as `"version": [major, minor, patch]`): mcshell cannot '
            "tell whether the installed xgboost reads it right"
        )
    return None

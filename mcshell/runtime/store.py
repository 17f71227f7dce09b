"""The local model store: `--oss-root DIR` maps `oss://<endpoint>/<bucket>/<path>/` to `DIR/<bucket>/<path>/`.

A version's LOCATION names a directory that holds one model file, which xgboost loads (JSON or UBJSON;
the legacy binary with an xgboost older than 3.1: modelfile.py tells them apart). mcshell's decisions
(docs/runtime.md): a LOCATION that names a file directly is that file; in a directory, hidden files are not
candidates, and when several files remain, the ones with a model file extension are; a LOCATION whose path
climbs out of the store (`..`) is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MODEL_EXTENSIONS = (".json", ".ubj", ".model", ".bin", ".deprecated", ".xgb", ".booster")


@dataclass(frozen=True)
class StoreError(Exception):
    """Why a location gives no model file; `path` is the local path looked at (or "" if none)."""

    reason: str
    path: str = ""


def local_path(oss_root: str, location: str) -> str:
    """The local directory or file a version's LOCATION stands for under the store."""
    scheme, sep, rest = location.strip().partition("://")
    if not sep or scheme.lower() != "oss":
        raise StoreError(f"location {location!r} is not an oss:// location")
    parts = [part for part in rest.split("/") if part]
    if len(parts) < 2:
        raise StoreError(f"location {location!r} names no bucket: expected oss://<endpoint>/<bucket>/<path>/")
    inside = parts[1:]  # the first part is the OSS endpoint, which the local store does not need
    if any(part in (".", "..") or "\\" in part for part in inside):
        raise StoreError(f"location {location!r} leaves the model store")
    return os.path.join(os.path.abspath(oss_root), *inside)


def model_file(oss_root: str, location: str) -> str:
    """The one model file a version's LOCATION holds under the store."""
    path = local_path(oss_root, location)
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise StoreError("no such directory in the model store", path)
    try:
        names = sorted(os.listdir(path))
    except OSError as error:
        raise StoreError(f"cannot list the directory ({error.strerror})", path) from None
    files = [n for n in names if not n.startswith(".") and os.path.isfile(os.path.join(path, n))]
    if len(files) > 1:
        files = [n for n in files if n.lower().endswith(MODEL_EXTENSIONS)] or files
    if not files:
        raise StoreError("the directory holds no model file", path)
    if len(files) > 1:
        raise StoreError(f"the directory holds {len(files)} model files ({', '.join(files)}), expected one", path)
    return os.path.join(path, files[0])

"""The model catalog API (`o.list_models()`, `o.get_model(m)`, `o.exist_model(m)`, `model.versions`):
JSON views of SHOW MODELS, SHOW VERSIONS and DESC MODEL, run as those statements' handlers in one
reading transaction, so the caller's privileges apply as the statements check them and an APIKEY
is masked exactly as DESC masks it. Records: modeljson.py."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import islice
from typing import TypeVar

from mcshell.output.results import Describe, table_of
from mcshell.rules import handlers
from mcshell.rules.context import Context, check_schema
from mcshell.serve import modeljson, wire
from mcshell.serve.messages import Request, Response
from mcshell.serve.runner import Runner
from mcshell.serve.wire import HttpError
from mcshell.sql import statements as st

PAGE_SIZE = 100  # models, or versions, per page (mcshell's decision: pyodps sends no page size)
_NOT_FOUND = re.compile(r"ODPS-0110061: Failed to run ddltask - (Model|Version|Project) not found")
T = TypeVar("T")


class CatalogRoutes:
    runner: Runner

    def list_models(self, req: Request, project: str, schema: str) -> Response:
        after = req.query.get("pageToken", "")

        def listed(ctx: Context) -> dict[str, object]:
            rows = table_of(handlers.show_models(st.ShowModels(), ctx)).rows
            wanted = (row for row in rows if str(row[0]) > after)
            return modeljson.page([modeljson.listed_model(row) for row in islice(wanted, PAGE_SIZE + 1)],
                                  "modelName", PAGE_SIZE)  # fmt: skip

        return _answer(self._read(req, project, schema, listed))

    def get_model(self, req: Request, project: str, schema: str, model: str) -> Response:
        asked = req.query.get("versionName") or req.query.get("version")
        ref = _ref(model)
        version = st.Ident(_checked(asked)) if asked else None
        return _answer(self._read(req, project, schema, lambda ctx: _version(ctx, ref, version)))

    def list_versions(self, req: Request, project: str, schema: str, model: str) -> Response:
        """Every version's whole record, one page of them per request: a client reads all of a
        model's catalog fields without a request per version."""
        after = req.query.get("pageToken", "")
        ref = _ref(model)

        def listed(ctx: Context) -> dict[str, object]:
            rows = table_of(handlers.show_versions(st.ShowVersions(ref), ctx)).rows  # its privilege: List
            names = [str(row[0]) for row in islice((r for r in rows if str(r[0]) > after), PAGE_SIZE + 1)]
            return modeljson.page([_version(ctx, ref, st.Ident(name)) for name in names], "versionName", PAGE_SIZE)

        return _answer(self._read(req, project, schema, listed))

    def _read(self, req: Request, project: str, schema: str, fn: Callable[[Context], T]) -> T:
        """`fn` over the catalog as the caller; a project, then a schema, that is not there: 404
        NotFound; a statement's refusal: its ODPS line, as JSON."""

        def checked(ctx: Context) -> T:
            check_schema(schema.lower(), schema)
            return fn(ctx)

        found, error = self.runner.read_as(req.user, project, checked)
        if error is not None:
            raise _refusal(error)
        return found  # type: ignore[return-value]  # set when error is None


def _version(ctx: Context, ref: st.ModelRef, version: st.Ident | None) -> dict[str, object]:
    """DESC MODEL's view of one version (its privilege: Describe), with the version's own comment and tasks."""
    described = handlers.desc_model(st.DescModel(ref, version), ctx).output
    assert isinstance(described, Describe)
    model = ctx.catalog.get_model(ctx.project, ref.name.key)
    record = ctx.catalog.get_version(model.id, dict(described.version)["Version Name"]) if model else None
    assert record is not None  # DESC has just read both in this transaction
    return modeljson.version_record(described, record)


class CatalogError(HttpError):
    """The catalog API's errors are JSON (`message`, `reason`), not XML."""


def _refusal(line: str) -> CatalogError:
    if _NOT_FOUND.match(line) or line.startswith("ODPS-0130071"):  # no such project, model, version, schema
        return CatalogError(404, "NotFound", line)
    if wire.forbidden(line):
        return CatalogError(403, "NoPermission", line)
    return CatalogError(400, "InvalidArgument", line)


def _answer(value: object) -> Response:
    return Response(body=json.dumps(value, ensure_ascii=False).encode(), content_type="application/json")


def _checked(text: str) -> str:
    """A name from the URL; one with a control character names nothing."""
    if not text or any(ord(char) < 32 for char in text):
        raise CatalogError(404, "NotFound", f"no model, schema or version is named '{text}'")
    return text


def _ref(model: str) -> st.ModelRef:
    return st.ModelRef(st.Ident(_checked(model)))

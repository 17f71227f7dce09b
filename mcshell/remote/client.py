"""The one module that imports pyodps: a connection to one project, and the four kinds of call
`pull`, `plan` and `apply` make through it. pyodps's exceptions become mcshell's errors here, with
the target's secrets scrubbed from every text (errors.py: RemoteFailed, RemoteLost, RemoteRefused).

- `catalog_json(path)`: the model catalog API's JSON, read raw (pyodps's Model objects reload
  themselves on a None field and refuse an unknown modelType for the whole page);
- `sql(text, hints)`: a statement through `run_sql`, its text result (`get_task_result`);
- `security(query, hints)`: a security query answered as text (see `_security_request`);
- `project_info()`: the project's owner and create time;
- `whoami()`: the acting account, as the service names it;
- `table_names()` and `table(name)`: the project's tables through `o.list_tables()` and
  `o.get_table(t)` (its schema and partitions), as plain values (`RemoteTable`).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mcshell.errors import MissingExtra, RemoteFailed, RemoteLost, RemoteRefused
from mcshell.remote.target import Target

POLL_SECONDS = 0.1  # a finished instance answers at once; the service's own jobs take seconds
# The answers that say the caller is not who they claim, or may not use the project at all.
_REFUSED = frozenset(
    ("Unauthorized", "SignatureNotMatch", "InvalidAccessKeyId", "NoSuchProject", "AccessDenied", "NoPermission")
)


TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the catalog's local times


@dataclass(frozen=True)
class RemoteColumn:
    name: str
    type: str  # as pyodps prints it, in lower case, struct field names unquoted: `struct<a:int>`
    comment: str
    nullable: bool


@dataclass(frozen=True)
class RemoteTable:
    """One table as pyodps read it: its fields, columns and partitions (each its (key, value)
    pairs and create time); a time pyodps did not get is ""."""

    name: str
    type: str  # MANAGED_TABLE, VIRTUAL_VIEW ... ("" when not given)
    owner: str
    comment: str
    lifecycle: int | None
    create_time: str
    last_ddl_time: str
    last_modified_time: str
    columns: tuple[RemoteColumn, ...]
    partition_columns: tuple[RemoteColumn, ...]
    partitions: tuple[tuple[tuple[tuple[str, str], ...], str], ...]


def _odps() -> Any:
    try:
        import odps
    except ImportError:
        raise MissingExtra("pull, plan and apply need pyodps: pip install 'mcshell[remote]'") from None
    return odps


class Remote:
    """One project of one endpoint, as one account (the target's)."""

    def __init__(self, target: Target):
        odps = _odps()
        self.target = target
        with self._errors("connect"):
            account = {} if target.access_id is None else {"access_id": target.access_id,
                                                             "secret_access_key": target.secret}  # fmt: skip
            self._odps = odps.ODPS(project=target.project, endpoint=target.endpoint, overwrite_global=False,
                                   **account)  # fmt: skip
        self._project: Any = None

    # -- the calls ------------------------------------------------------------------------------
    def catalog_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET `<catalog endpoint>/api/catalog/v1alpha/projects/<p>/schemas/default/<path>`, as JSON."""
        with self._errors(f"GET models/{path}" if path else "GET models"):
            models = self._odps.get_project(self.target.project).models
            url = models.resource(with_schema=True)
            url = url if not path else f"{url}/{path}"
            answer = models._client.get(url, params=dict(params or {}))
            return json.loads(answer.content.decode("utf-8"))

    def sql(self, text: str, hints: Mapping[str, str] | None = None) -> str:
        """One statement run on the service: its text result, or RemoteFailed with the service's line."""
        with self._errors(text):
            instance = self._odps.run_sql(text, hints=dict(hints or {}) or None)
            instance.wait_for_success(interval=POLL_SECONDS)
            results = instance.get_task_results()
            return "".join(str(result) for result in results.values())

    def security(self, query: str, hints: Mapping[str, str] | None = None) -> str:
        """A security query (GRANT, LIST USERS, SHOW GRANTS ...), its answer as the text layout."""
        with self._errors(query):
            return _security_request(self._project_object(), query, dict(hints or {}))

    def project_info(self) -> tuple[str, str]:
        """The project's owner and create time (`GET /projects/<p>`), the time as the catalog keeps
        one (`yyyy-MM-dd HH:mm:ss`, local time, as pyodps reads it)."""
        with self._errors(f"GET projects/{self.target.project}"):
            project = self._project_object()
            project.reload()
            created = project.creation_time
            return str(project.owner), created.strftime("%Y-%m-%d %H:%M:%S") if created is not None else ""

    def whoami(self) -> str:
        """The acting account's name (the `Name:` line of WHOAMI)."""
        for line in self.security("WHOAMI").splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() in ("name", "displayname"):
                return value.strip()
        raise RemoteFailed("WHOAMI answered no 'Name:' line")

    def table_names(self) -> list[str]:
        """The project's tables, by name (`o.list_tables()`, every page)."""
        with self._errors("GET tables"):
            return sorted(str(table.name) for table in self._odps.list_tables(project=self.target.project))

    def table(self, name: str) -> RemoteTable:
        """One table read afresh (`o.get_table(t).reload()`), with its partitions when it has keys."""
        with self._errors(f"GET tables/{name}"):
            table = self._odps.get_table(name, project=self.target.project)
            table.reload()  # a listed table is pyodps's cached object: its fields as listed
            schema = table.table_schema
            keys = tuple(_column(column) for column in schema.partitions)
            partitions = tuple(
                (tuple((str(key), str(value)) for key, value in partition.partition_spec.kv.items()),
                 _time(partition.creation_time))
                for partition in (table.partitions if keys else ())
            )  # fmt: skip
            return RemoteTable(
                str(table.name), table.type.value if table.type is not None else "", str(table.owner or ""),
                str(table.comment or ""), None if table.lifecycle is None else int(table.lifecycle),
                _time(table.creation_time), _time(table.last_meta_modified_time), _time(table.last_data_modified_time),
                tuple(_column(column) for column in schema.simple_columns), keys, partitions,
            )  # fmt: skip

    # -- the exceptions -------------------------------------------------------------------------
    def _project_object(self) -> Any:
        if self._project is None:
            self._project = self._odps.get_project(self.target.project)
        return self._project

    @contextmanager
    def _errors(self, request: str) -> Iterator[None]:
        """pyodps's exceptions as mcshell's, each naming `request`, with the secrets scrubbed. pyodps's
        warnings are dropped: Python would print them on standard error unscrubbed, and they quote
        what the call carried (the statement, with its APIKEY)."""
        odps = _odps()
        import requests

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        except odps.errors.ODPSError as error:
            line = self.target.scrub(str(error.args[0]) if error.args else str(error))
            code = getattr(error, "code", None) or ""
            if code in _REFUSED or type(error).__name__ in _REFUSED:
                raise RemoteRefused(line, code or type(error).__name__) from None
            raise RemoteFailed(line) from None
        except (requests.RequestException, OSError) as error:
            raise RemoteLost(self.target.scrub(f"{request}: {type(error).__name__}: {error}")) from None
        except (ValueError, KeyError, TypeError) as error:  # an answer pyodps (or json) could not read
            raise RemoteFailed(self.target.scrub(f"{request}: the answer could not be read ({error})")) from None


def _time(value: datetime | None) -> str:
    return value.strftime(TIME_FORMAT) if value is not None else ""


def _column(column: Any) -> RemoteColumn:
    """A pyodps column: its type as pyodps prints it (`STRUCT<`A`:INT>`) in lower case, unquoted."""
    return RemoteColumn(str(column.name), str(column.type).lower().replace("`", ""), str(column.comment or ""),
                        bool(column.nullable))  # fmt: skip


def _security_request(project: Any, query: str, hints: dict[str, str]) -> str:
    """POST /projects/<p>/authorization asking for text. pyodps's own run_security_query always
    asks for JSON (odps/models/project.py, `use_json=True`), whose shapes for LIST USERS and SHOW
    GRANTS are not documented; the text layouts are, so this sends pyodps's request with
    ResponseInJsonFormat false and reads the answer as pyodps does. The hints (a script's SET lines)
    go in its Settings, as run_security_query sends them."""
    settings = json.dumps(hints) if hints else None
    request = project.AuthQueryRequest(query=query, use_json=False, settings=settings)
    answer = project._client.post(
        project.auth_resource(), headers={"Content-Type": "application/xml"}, data=request.serialize()
    )
    result = project.AuthQueryResponse.parse(answer).result or ""
    if answer.status_code == 200:
        return str(result)
    waiting = project.AuthQueryInstance(project, result, output_json=False)
    return str(waiting.wait_for_success(interval=POLL_SECONDS) or "")

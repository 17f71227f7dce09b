"""What goes over the wire, as pyodps reads and writes it: the Job XML in, status, result and
error bodies out. Pure functions over bytes and strings; nothing here knows the catalog."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate
from xml.sax.saxutils import escape

from mcshell.output.masking import mask_typed

XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
HOST_ID = "mcshell"


class HttpError(Exception):
    """A request refused with an HTTP status and the documented `<Error>` body."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


# The refusals of who may do what: HTTP 403, Code NoPermission (pyodps's class), as the service
# answers them ("[403] ... ODPS-0420095: Access Denied - ...", MaxCompute's FAQ about permissions).
FORBIDDEN = ("ODPS-0130013", "ODPS-0420095")
# ODPS codes pyodps raises as their own exception classes when they come as an <Error>'s Code.
ERROR_CLASSES = {"ODPS-0130161": "ParseError"}


def forbidden(line: str) -> bool:
    return line.startswith(FORBIDDEN)


def error_of(line: str) -> HttpError:
    """An mcshell error line (what the CLI prints after `FAILED: `) as a REST error: the Code is
    pyodps's class for the ODPS code when it has one, else the ODPS code itself, so that
    `e.args[0]` is the line either way."""
    if forbidden(line):
        return HttpError(403, "NoPermission", line)
    code = line.split(":", 1)[0]
    return HttpError(400, ERROR_CLASSES.get(code, code), line)


def http_date(epoch: float | None = None) -> str:
    """RFC 1123 in GMT, as the `Date`, `x-odps-*-time` headers and task times are written."""
    return formatdate(time.time() if epoch is None else epoch, usegmt=True)


def local_epoch(local: str) -> int:
    """The catalog's local `yyyy-MM-dd HH:mm:ss` as epoch seconds (what `x-odps-creation-time`,
    the catalog API's milliseconds and the tables' JSON times are made from)."""
    return int(time.mktime(time.strptime(local, "%Y-%m-%d %H:%M:%S")))


def error_xml(code: str, message: str, request_id: str) -> bytes:
    """pyodps parses an error only when all four elements are there (else a generic error)."""
    return (
        f"{XML_HEADER}<Error><Code>{escape(code)}</Code><Message>{_cdata(message)}</Message>"
        f"<RequestId>{escape(request_id)}</RequestId><HostId>{HOST_ID}</HostId></Error>\n"
    ).encode()


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# -- the request bodies -----------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    """The one task of a submitted job: its name, its query text and the job element itself,
    which `?source` echoes."""

    task_name: str
    query: str
    source: str
    settings: dict[str, str]  # the task's `settings` property: the hints, and the SET lines pyodps read as hints


def parse_job(body: bytes) -> Job:
    """`<Instance><Job>...<Tasks><SQL><Name/><Query/></SQL></Tasks></Job></Instance>` (pyodps's layout)."""
    root = _parse_xml(body)
    job = root.find("Job")
    if job is None:
        raise HttpError(400, "InvalidParameter", "the request body has no <Job> element")
    found = job.find("Tasks")
    tasks = list(found) if found is not None else []
    if len(tasks) != 1:
        raise HttpError(400, "InvalidParameter", f"a job must have exactly one task, not {len(tasks)}")
    task = tasks[0]
    if task.tag != "SQL":
        raise HttpError(400, "InvalidParameter", f"task type '{task.tag}' is not supported: only SQL tasks run")
    name = (task.findtext("Name") or "").strip()
    element = task.find("Query")
    query = None if element is None else element.text
    if not name or element is None or query is None or not query.strip():
        raise HttpError(400, "InvalidParameter", "the SQL task needs a <Name> and a <Query>")
    settings = _settings(task)
    element.text = mask_typed(query)  # the job kept for ?source never holds an APIKEY
    return Job(name, query, ET.tostring(job, encoding="unicode"), settings)


def _settings(task: ET.Element) -> dict[str, str]:
    """`<Config><Property><Name>settings</Name><Value>{JSON object}</Value></Property></Config>`
    (pyodps's SQLTask.update_sql_settings)."""
    for prop in task.iterfind("Config/Property"):
        if (prop.findtext("Name") or "").strip() == "settings":
            return settings_of(prop.findtext("Value"))
    return {}


def settings_of(text: str | None) -> dict[str, str]:
    """A settings JSON object (none, or empty: no settings), each value as text, as a SET line gives it."""
    found = parse_json(text.encode()) if text and text.strip() else {}
    if not isinstance(found, dict):
        raise HttpError(400, "InvalidParameter", "the settings are not a JSON object")
    return {str(key): _setting_text(value) for key, value in found.items()}


def _setting_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


@dataclass(frozen=True)
class AuthQuery:
    query: str
    json: bool  # <ResponseInJsonFormat>: the client parses the result as JSON
    settings: dict[str, str]  # <Settings>: the hints, a JSON object (pyodps: odps.namespace.schema ...)


def parse_auth_query(body: bytes) -> AuthQuery:
    """`<Authorization><Query>GRANT ...</Query><ResponseInJsonFormat>true</ResponseInJsonFormat></Authorization>`."""
    root = _parse_xml(body)
    query = root.findtext("Query")
    if query is None or not query.strip():
        raise HttpError(400, "InvalidParameter", "the request body has no <Query>")
    as_json = (root.findtext("ResponseInJsonFormat") or "false").strip().lower() == "true"
    return AuthQuery(query, as_json, settings_of(root.findtext("Settings")))


def parse_json(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError) as error:
        raise HttpError(400, "InvalidParameter", f"the request body is not JSON: {error}") from None


def _parse_xml(body: bytes) -> ET.Element:
    # ElementTree resolves no external entity, and the expat it ships refuses entity-expansion
    # bombs; the body's size is limited before it gets here.
    try:
        return ET.fromstring(body)
    except ET.ParseError as error:
        raise HttpError(400, "InvalidXmlFormat", f"the request body is not well-formed XML: {error}") from None


# -- the answers ------------------------------------------------------------------------------
def instance_xml(status: str) -> bytes:
    """`Running`, `Suspended` or `Terminated`, case-exact: pyodps maps it through an enum."""
    return f"{XML_HEADER}<Instance><Status>{status}</Status></Instance>\n".encode()


@dataclass(frozen=True)
class TaskReport:
    name: str
    status: str  # Success or Failed
    result: str
    start: str
    end: str


def task_status_xml(task: TaskReport) -> bytes:
    return (
        f'{XML_HEADER}<Instance><Status>Terminated</Status><Tasks><Task Type="SQL">'
        f"<Name>{escape(task.name)}</Name><StartTime>{task.start}</StartTime><EndTime>{task.end}</EndTime>"
        f"<Status>{task.status}</Status><Histories/></Task></Tasks></Instance>\n"
    ).encode()


def task_result_xml(task: TaskReport) -> bytes:
    """The result text goes Base64-encoded: it may hold anything a model's comment holds."""
    import base64

    encoded = base64.b64encode(task.result.encode()).decode("ascii")
    return (
        f'{XML_HEADER}<Instance><Tasks><Task Type="SQL"><Name>{escape(task.name)}</Name>'
        f'<Result Transform="Base64" Format="text">{encoded}</Result>'
        f"<Status>{task.status}</Status></Task></Tasks></Instance>\n"
    ).encode()


def project_xml(name: str, owner: str) -> bytes:
    return (
        f"{XML_HEADER}<Project><Name>{escape(name)}</Name><Type>managed</Type><State>AVAILABLE</State>"
        f"<Owner>{escape(owner)}</Owner><Properties/></Project>\n"
    ).encode()


def authorization_xml(result: str) -> bytes:
    return f"{XML_HEADER}<Authorization><Result>{_cdata(result)}</Result></Authorization>\n".encode()

"""Item 9 of issue 19, serve's half: generated requests of every kind (bad, huge and negative
Content-Length, bad headers and paths, bad XML, jobs of deep nesting and huge SQL) against one
server. No answer is a 500 or says `System internal error`, no job's result says it either, and
the server goes on answering. Sized to keep the suite fast."""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import xml.etree.ElementTree as ET

from fuzz.fuzzer import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcshell.serve import server
from mcshell.serve.server import MAX_BODY
from serve.serve_support import run_sql

INTERNAL = b"System internal error"
RETRIED = (500, 502, 503, 504)  # what pyodps retries, or what says mcshell failed: never sent
FUZZ = settings(
    max_examples=100,
    deadline=None,  # no timed assertions: the machine may be slow and busy
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
JOB = (
    '<?xml version="1.0" encoding="utf-8"?><Instance><Job><Priority>9</Priority><Tasks><SQL>'
    "<Name>AnonymousSQLTask</Name><Query><![CDATA[{query}]]></Query></SQL></Tasks></Job></Instance>"
)
PROJECT = "fuzzed_jobs"  # a project of its own: the generated jobs may change anything in it


def exchange(endpoint, raw: bytes, method: str, close_side: bool = True) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection, the client's side closed after it or left open (as a
    client whose body stalls leaves it): the answer, read by its Content-Length."""
    with socket.create_connection((endpoint.host, endpoint.port), timeout=30) as connection:
        with contextlib.suppress(OSError):  # a refused body: the server may answer before it has all come
            connection.sendall(raw)
            if close_side:
                connection.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(connection, method=method)
        response.begin()
        return response.status, dict(response.getheaders()), response.read()


def answered(endpoint, raw: bytes, method: str = "GET", close_side: bool = True) -> tuple[int, dict[str, str], bytes]:
    status, headers, body = exchange(endpoint, raw, method, close_side)
    assert status not in RETRIED and INTERNAL not in body, (status, body[:300], raw[:300])
    return status, headers, body


def still_answering(endpoint) -> None:
    status, _, body = answered(endpoint, b"GET /api/tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert (status, body) == (200, b'{"Tenant": {"Name": "mcshell", "Parameters": {}}}')


def head(method: str, path: str, headers: list[tuple[str, str]]) -> bytes:
    """The request line and headers; each line as Latin-1 (what the server decodes them as), or UTF-8."""
    lines = [f"{method} {path} HTTP/1.1", "Host: x", *(f"{name}: {value}" for name, value in headers)]
    return b"".join(_encoded(line) + b"\r\n" for line in [*lines, "Connection: close", ""])


def _encoded(line: str) -> bytes:
    try:
        return line.encode("latin-1")
    except UnicodeEncodeError:
        return line.encode("utf-8", "surrogateescape")


methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "BREW", "get"])
paths = st.one_of(
    st.sampled_from(
        [
            "/api/projects/my_project/instances",
            "/projects/my_project/instances/x?taskstatus",
            "/api/tenants",
            "/api/projects/my_project/authorization",
            "/api/projects/my_project/authorization?sign_bearer_token",
            "/api/catalog/v1alpha/projects/my_project/schemas/default/models",
            "/api/projects/my_project",
            "/api/projects/%00/instances",
            "/api/projects/" + "p" * 5000,
            "//api//projects",
            "/api/../etc/passwd",
            "/api/catalog/v1alpha/projects/my_project/schemas/%60x%60/models/%E2%80%AE:listVersions",
            "*",
            "",
            "/api/projects/my_project/instances?curr_project=%ZZ&taskstatus",
            "/api/projects/my_project/tunnel?service",
        ]
    ),
    st.text(st.characters(blacklist_characters=" \r\n", blacklist_categories=("Cs",)), max_size=60).map(
        lambda text: "/" + text
    ),
)
lengths = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", " ", "ten", "1e3", "0x10", "5, 5", "+5", "٣", "²", str(MAX_BODY + 1), str(10**40), "-0"]),
)
header_values = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=200)
extra_headers = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "Content-Type",
                "Authorization",
                "Date",
                "x-odps-user-agent",
                "Expect",
                "Transfer-Encoding",
                "Content-Length",
                "X-Weird",
            ]
        ),
        header_values,
    ),
    max_size=4,
)
bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"<Instance><Job>",
            b"<Instance/>",
            b"<a>" * 2000 + b"</a>" * 2000,
            b"\xff\xfe<x/>",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><Instance>&b;</Instance>',
            b"<Authorization><Query></Query></Authorization>",
            b"{x",
            b"null",
        ]
    ),
)


@FUZZ
@given(method=methods, path=paths, length=st.one_of(st.none(), lengths), headers=extra_headers, body=bodies,
       close_side=st.booleans())  # fmt: skip
def test_no_request_gets_a_server_error_and_the_server_goes_on(
    served, monkeypatch, method, path, length, headers, body, close_side
):
    monkeypatch.setattr(server, "BODY_SECONDS", 0.2)  # a body that stops short: its 400 comes soon
    given_length = [("Content-Length", length)] if length is not None else [("Content-Length", str(len(body)))]
    answered(served.endpoint, head(method, path, given_length + headers) + body, method, close_side)
    still_answering(served.endpoint)


def nested(depth: int, kind: str) -> str:
    if kind == "parentheses":
        return "SELECT " + "(" * depth + "1" + ")" * depth + ";"
    if kind == "types":
        return f"CREATE MODEL deep WITH VERSION v1 INPUT(a {'ARRAY<' * depth}INT{'>' * depth}) OPTIONS(x = 'y');"
    return "DESC MODEL " + "a." * depth + "m;"


queries = st.one_of(
    st.sampled_from(SEEDS),
    st.builds(nested, st.integers(1, 400), st.sampled_from(["parentheses", "types", "names"])),
    st.integers(1, 200_000).map(lambda size: "DESC MODEL " + "m" * size + ";"),  # huge SQL
    st.integers(1, 20_000).map(lambda count: "SHOW MODELS LIKE '" + "%_" * count + "';"),
    st.text(max_size=200).filter(lambda text: "]]>" not in text),
)


@settings(FUZZ, max_examples=60)
@given(query=queries)
def test_no_job_fails_with_an_internal_error(served, query):
    """A job is answered at submit time (201, or 400 ParseError), and its result never says
    `System internal error`, whatever its SQL."""
    body = JOB.format(query=query).encode("utf-8", "surrogatepass")
    raw = head("POST", f"/api/projects/{PROJECT}/instances", [("Content-Length", str(len(body)))]) + body
    status, headers, _ = answered(served.endpoint, raw, "POST")
    if status == 201:
        instance = headers["Location"].split("/api", 1)[1]
        result = ET.fromstring(answered(served.endpoint, head("GET", instance + "?result", []))[2]).find(".//Result")
        text = base64.b64decode(result.text or "") if result.get("Transform") == "Base64" else result.text.encode()
        assert INTERNAL not in text, text
    still_answering(served.endpoint)


def test_after_the_fuzzing_pyodps_still_runs_statements(served):
    assert run_sql(served.client(PROJECT), "WHOAMI;")[1] == "OK"

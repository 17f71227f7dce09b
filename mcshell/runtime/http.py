"""One JSON POST over HTTP(S) with the standard library, every failure turned into one sentence.

No proxy and no retry: a request goes to the URL the version names, once. The caller's message names the
model, version and URL; this module never sees which header carries a secret, and never repeats headers.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import mcshell
from mcshell.urls import bracketed, url_problem

_EXCERPT = 160  # characters of an error body worth quoting


@dataclass(frozen=True)
class HttpFailure(Exception):
    reason: str


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    problem = url_problem(url)  # checked where the URL was given already; never sent unchecked
    if problem is not None:
        raise HttpFailure(problem)
    parts = urlsplit(url)
    host, port = bracketed(parts.hostname or ""), parts.port
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout), target
    return http.client.HTTPConnection(host, port, timeout=timeout), target


def excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 3] + "..."


def post_json(url: str, headers: dict[str, str], payload: dict[str, object], timeout: float) -> object:
    """POST `payload` as JSON to `url` and return the decoded JSON answer, or raise HttpFailure."""
    connection, target = _connection(url, timeout)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    sent = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": f"mcshell/{mcshell.__version__}",
        **headers,
    }
    try:
        connection.request("POST", target, body=body, headers=sent)
        answer = connection.getresponse()
        data = answer.read()
    except (TimeoutError, socket.timeout):
        raise HttpFailure(f"no answer within {round(timeout * 1000)} ms") from None
    except ConnectionRefusedError:
        raise HttpFailure("connection refused") from None
    except (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError, BrokenPipeError):
        raise HttpFailure("the connection closed before a complete answer") from None
    except socket.gaierror:
        raise HttpFailure("the host name does not resolve") from None
    except ssl.SSLError as error:
        raise HttpFailure(f"TLS failed ({error.reason or 'handshake'})") from None
    except (OSError, http.client.HTTPException) as error:
        raise HttpFailure(getattr(error, "strerror", None) or type(error).__name__) from None
    finally:
        connection.close()
    if answer.status >= 400 or answer.status < 200:
        quoted = excerpt(data)
        raise HttpFailure(f"HTTP {answer.status} {answer.reason}" + (f": {quoted}" if quoted else ""))
    try:
        return json.loads(data)
    except ValueError:
        raise HttpFailure(f"the answer is not JSON: {excerpt(data) or '(empty)'}") from None

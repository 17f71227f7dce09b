"""A request as the routes read it and the response they give: plain data, below every route."""

from __future__ import annotations

from dataclasses import dataclass, field

from mcshell.value import Value


@dataclass(eq=False, repr=False)
class Request(Value):
    method: str
    path: str  # without the /api prefix and the query
    query: dict[str, str]
    body: bytes
    user: str  # who the request acts as
    base: str  # scheme, host, port and the prefix the client used: where Location points


@dataclass(eq=False, repr=False)
class Response(Value):
    status: int = 200
    body: bytes = b""
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)


def text(body: str, status: int = 200) -> Response:
    return Response(status, body.encode(), "text/plain")

"""The HTTP side: a standard-library ThreadingHTTPServer (one thread per connection, HTTP/1.1
keep-alive, as pyodps's requests session uses it) that turns each request into a routes call
and each answer or refusal into a response with the documented body."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from mcshell.output.console import Console
from mcshell.serve import auth
from mcshell.serve.catalogapi import CatalogError
from mcshell.serve.instances import InstanceStore
from mcshell.serve.messages import Request, Response
from mcshell.serve.routes import Routes, project_name, route
from mcshell.serve.runner import Runner
from mcshell.serve.wire import HttpError, error_xml, http_date
from mcshell.urls import bracketed

# A job's XML: MaxCompute takes SQL statements of up to 2 MB, "including ... an SDK" (MaxCompute
# SQL limits, https://www.alibabacloud.com/help/en/maxcompute/user-guide/maxcompute-sql-limits),
# plus room for the XML around it. A larger Content-Length gets 413 at once.
MAX_BODY = 2 * 1024 * 1024 + 64 * 1024
BODY_SECONDS = 10.0  # a body that has not all come by then is refused (400): mcshell's decision
DISCARD_LIMIT = 16 * MAX_BODY  # how much of a refused body is read (and dropped) after the 413
DISCARD_SECONDS = 1.0  # ... and for how long: a client that sends none has had its answer already
PREFIX = "/api"  # real endpoints end in /api; the server answers with and without it
IDLE_SECONDS = 120  # a keep-alive connection with no request for this long is closed


def authority(host: str, port: int) -> str:
    return f"{bracketed(host)}:{port}"


class Server(ThreadingHTTPServer):
    daemon_threads = True  # an idle keep-alive connection never holds the process open
    request_queue_size = 64

    def __init__(self, host: str, port: int, runner: Runner, user: str,
                 accounts: Mapping[str, auth.Account] | None, log: Console | None):  # fmt: skip
        # An IPv6 address (`::1`) takes a socket of its family; names (`localhost`) and IPv4 the default.
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        # The address bound, as text: socketserver types server_address for every family (an AF_UNIX
        # one may be bytes), but this server is AF_INET or AF_INET6, whose sockets name themselves
        # as (str, int, ...).
        self.host: str = self.socket.getsockname()[0]
        self.runner = runner
        self.user = user
        self.accounts = accounts
        self.log = log
        self._log_lock = threading.Lock()
        self.routes = Routes(runner, InstanceStore(), self.authority)  # the address bound, as the endpoint says
        self._busy = 0
        self._idle = threading.Condition()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def authority(self) -> str:
        """`HOST:PORT` as a URL writes it: an IPv6 address in brackets (RFC 3986), `[::1]:8100`."""
        return authority(self.host, self.port)

    def access_log(self, line: str) -> None:
        if self.log is not None:
            with self._log_lock:
                self.log.warn(line)

    def working(self, delta: int) -> None:
        with self._idle:
            self._busy += delta
            self._idle.notify_all()

    def wait_idle(self, seconds: float) -> None:
        """Stopping: let the requests being answered finish (each is one atomic statement run)."""
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout=seconds)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mcshell"
    sys_version = ""
    timeout = IDLE_SECONDS
    server: Server
    request_id = ""
    refused_body = 0  # the Content-Length of a body refused unread: dropped after the answer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm holds the
        # body back for the client's delayed ACK (some 40 ms per request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def _serve(self) -> None:
        started = time.monotonic()
        self.server.working(1)
        try:
            response = self._answer()
        finally:
            self.server.working(-1)
        self._send(response, started)

    def _answer(self) -> Response:
        request_id = self.request_id = uuid.uuid4().hex
        body = b""
        try:
            body = self._body()
            return self._dispatch(body)
        except CatalogError as error:
            import json

            payload = json.dumps({"message": error.message, "reason": error.code}).encode()
            return Response(error.status, payload, "application/json")
        except HttpError as error:
            return Response(error.status, error_xml(error.code, error.message, request_id))
        except Exception as bug:  # an mcshell bug: a 4xx, never a 5xx that pyodps would retry for minutes
            return Response(400, error_xml("InvalidParameter", self._bug(bug, body), request_id))

    def _bug(self, bug: Exception, body: bytes) -> str:
        """A request's mcshell bug, as its answer says it (and with --debug its traceback, on the
        server's standard error): the keys of the job's SQL and the accounts' secrets masked."""
        import html

        from mcshell.output.bugs import bug_line, bug_traceback
        from mcshell.output.masking import MASK, secret_values

        text = body.decode("utf-8", "replace")
        secrets = secret_values(text) | secret_values(html.unescape(text))  # the SQL, as the XML escapes it and not
        hidden = [account.secret for account in (self.server.accounts or {}).values() if account.secret]

        def scrub(line: str) -> str:
            for secret in hidden:
                line = line.replace(secret, MASK)
            return line

        self.server.runner.debug(bug_traceback(bug, secrets, scrub))
        return bug_line(bug, secrets, scrub).removeprefix("FAILED: ")

    def handle_expect_100(self) -> bool:
        """A client that asks before it sends (`Expect: 100-continue`) a body over the limit gets
        no `100 Continue`: the 413 is its answer."""
        length = self.headers.get("Content-Length", "").strip()
        if length.isascii() and length.isdigit() and int(length) > MAX_BODY:
            return True
        return super().handle_expect_100()

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            self.close_connection = True
            raise HttpError(411, "MissingContentLength", "chunked request bodies are not accepted: send Content-Length")
        length_text = self.headers.get("Content-Length", "0").strip() or "0"
        if not (length_text.isascii() and length_text.isdigit()):  # `²` is a digit to Python, not to HTTP
            self.close_connection = True
            raise HttpError(400, "InvalidParameter", "the Content-Length header is not a number")
        length = int(length_text)
        if length > MAX_BODY:
            self.close_connection = True
            self.refused_body = length
            raise HttpError(
                413, "RequestEntityTooLarge", f"the request body of {length} bytes is over the {MAX_BODY} a job may "
                "send (MaxCompute takes SQL statements of up to 2 MB)",
            )  # fmt: skip
        return self._read(length) if length else b""

    def _read(self, length: int) -> bytes:
        """The body, all `length` bytes of it within BODY_SECONDS; else a 400 and the connection closes."""
        deadline = time.monotonic() + BODY_SECONDS
        parts: list[bytes] = []
        got = 0
        try:
            while got < length:
                self.connection.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = self.rfile.read1(length - got)
                if not chunk:
                    self.close_connection = True
                    raise HttpError(400, "InvalidRequest", f"the request body ended after {got} of the {length} "
                                    "bytes its Content-Length announced")  # fmt: skip
                parts.append(chunk)
                got += len(chunk)
        except TimeoutError:
            self.close_connection = True
            raise HttpError(400, "InvalidRequest", f"the request body did not come: {got} of its {length} bytes "
                            f"came within {BODY_SECONDS:g} s") from None  # fmt: skip
        finally:
            self.connection.settimeout(self.timeout)
        return b"".join(parts)

    def _discard(self) -> None:
        """After the 413, drop what comes of the refused body (up to a bound, for a short while):
        a client still sending it when the connection closes would get a reset, not the answer."""
        left = min(self.refused_body, DISCARD_LIMIT)
        deadline = time.monotonic() + DISCARD_SECONDS
        try:
            while left > 0 and time.monotonic() < deadline:
                self.connection.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = self.rfile.read1(min(left, 65536))
                if not chunk:
                    return
                left -= len(chunk)
        except OSError:  # the time is up, or the client has gone: the connection closes either way
            return

    def _dispatch(self, body: bytes) -> Response:
        target = urlsplit(self.path)
        path = target.path
        prefix = PREFIX if path == PREFIX or path.startswith(PREFIX + "/") else ""
        path = path[len(prefix) :] or "/"
        handler, args = route(path, self.command)
        user = self.server.user
        if self.server.accounts is not None:
            signed = auth.SignedRequest(self.command, self.path, self.headers)  # type: ignore[arg-type]
            user = auth.caller(self.server.accounts, signed, (PREFIX,))
        if args and path.startswith(("/projects/", "/catalog/")):
            args = (project_name(args[0]), *args[1:])
        host = f"http://{self.server.authority}"
        query = dict(parse_qsl(target.query, keep_blank_values=True))
        request = Request(self.command, path, query, body, user, host + prefix)
        answer: Callable[..., Response] = getattr(self.server.routes, handler)  # route() names a Routes method
        return answer(request, *args)

    def _send(self, response: Response, started: float) -> None:
        # Logged before the answer goes out: a client that has its answer finds its line written.
        self._log(response.status, started)
        headers = {
            "Server": self.server_version, "Date": http_date(), "Content-Type": response.content_type,
            "Content-Length": str(len(response.body)), "x-odps-request-id": self.request_id, **response.headers,
        }  # fmt: skip
        if self.close_connection:
            headers["Connection"] = "close"
        reason = self.responses.get(response.status, ("",))[0]
        head = f"{self.protocol_version} {response.status} {reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        # One write for the whole answer: one TCP segment for a small one, no wait for an ACK.
        # Header values go as UTF-8 (an owner's name may be any text; clients read them as Latin-1).
        self.wfile.write(head.encode("utf-8") + (response.body if self.command != "HEAD" else b""))
        if self.refused_body:
            self._discard()

    def _log(self, status: int, started: float) -> None:
        target = urlsplit(self.path)
        actions = [key for key, value in parse_qsl(target.query, keep_blank_values=True) if value == ""]
        shown = target.path + ("?" + "&".join(actions) if actions else "")
        self.server.access_log(f"{self.command} {shown} {status} {(time.monotonic() - started) * 1000:.1f}ms")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A request line or header block that is not HTTP: the XML error, then the connection closes."""
        self.close_connection = True
        self.server.access_log(f"{self.command or '-'} - {code} 0.0ms")
        self.request_version = self.protocol_version  # a status line even when the request line was unreadable
        body = error_xml("InvalidRequest", message or "malformed request", uuid.uuid4().hex)
        self.send_response(code, message)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """http.server's own log lines are not written: the access log above says what happened."""

"""An OpenAI-compatible stand-in server on loopback, for the tests of the model functions.

It answers POST .../v1/chat/completions and .../v1/embeddings under any prefix (PAI-EAS serves them under
/api/predict/<service>), records every request (method, path, headers, body), and can be made slow or
broken on purpose:

    with StandIn() as server:                 # 127.0.0.1, a free port
        server.chat = lambda prompt: "positive"   # the answer to a chat prompt (default: an echo)
        server.fault = "http500"              # or "bad_json", "not_openai", "drop", "slow", None
        server.delay = 0.5                    # seconds, for "slow"
        server.answer = lambda request: (401, b"...")  # any status and body, for one test
        ... server.url ...; server.requests[0].headers["Authorization"]

Run it alone for manual tries: `python tests/standin.py [--port 8000]`.
"""

from __future__ import annotations

import hashlib
import json
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = (None, "http500", "bad_json", "not_openai", "drop", "slow")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def prompt(self) -> str:
        """The text of the last chat message (its text parts, for a multimodal message)."""
        content = self.json["messages"][-1]["content"]
        if isinstance(content, str):
            return content
        return "\n".join(part["text"] for part in content if part.get("type") == "text")


def echo(prompt: str) -> str:
    return f"echo: {prompt}"


def vector_for(text: str, dimensions: int = 8) -> list[float]:
    """A deterministic unit vector for a text: the same text always gets the same embedding."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    raw = [(digest[i % len(digest)] - 127.5) / 127.5 for i in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


@dataclass
class StandIn:
    chat: Callable[[str], str] = echo
    fault: str | None = None
    delay: float = 0.0
    dimensions: int = 8
    requests: list[Request] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the stand-in is not started"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> StandIn:
        self._server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def answer(self, request: Request) -> tuple[int, bytes]:
        """The status and body the stand-in answers `request` with (faults aside)."""
        try:
            payload = request.json
        except ValueError:
            return 400, b'{"error": {"message": "the body is not JSON"}}'
        if request.path.endswith("/v1/chat/completions"):
            message = {"role": "assistant", "content": self.chat(request.prompt)}
            body = {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "model": payload.get("model", ""),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            }
            return 200, json.dumps(body).encode()
        if request.path.endswith("/v1/embeddings"):
            inputs = payload["input"] if isinstance(payload["input"], list) else [payload["input"]]
            size = int(payload.get("dimensions") or self.dimensions)
            data = [{"object": "embedding", "index": i, "embedding": vector_for(t, size)} for i, t in enumerate(inputs)]
            return 200, json.dumps({"object": "list", "data": data, "model": payload.get("model", "")}).encode()
        return 404, b'{"error": {"message": "no such path"}}'


def _handler(standin: StandIn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # the tests read the recorded requests, not a log
            pass

        def do_GET(self):
            self._reply(404, b'{"error": {"message": "POST only"}}')

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            request = Request("POST", self.path, dict(self.headers.items()), self.rfile.read(length))
            standin.record(request)
            fault = standin.fault
            if fault == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if fault == "slow":
                time.sleep(standin.delay)
            if fault == "http500":
                self._reply(500, b'{"error": {"message": "the model crashed"}}')
            elif fault == "bad_json":
                self._reply(200, b'{"choices": [{"message": ')
            elif fault == "not_openai":
                self._reply(200, b'{"result": "fine"}')
            else:
                self._reply(*standin.answer(request))

        def _reply(self, status: int, body: bytes):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

    return Handler


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    with StandIn(port=options.port) as server:
        print(f"stand-in listening on {server.url} (Ctrl-C ends it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

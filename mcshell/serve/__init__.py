"""mcshell serve: a local MaxCompute endpoint over the same catalog, rules and outputs, reached
by the real clients (pyodps) over the MaxCompute REST protocol. See docs/serve.md."""

from __future__ import annotations

import ipaddress
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mcshell.errors import ExitStatus
from mcshell.output.console import Console
from mcshell.serve.auth import Account, AccountsError, load_accounts
from mcshell.serve.runner import Runner
from mcshell.serve.server import PREFIX, Server, authority
from mcshell.session import SessionOptions
from mcshell.urls import unbracketed

__all__ = ["Endpoint", "ServeError", "serving", "serve_forever", "AccountsError"]
STOP_WAIT_SECONDS = 10  # how long a stopping server waits for the requests it is answering
WARM_UP = (
    "CREATE MODEL m WITH VERSION v1 INPUT(f1 INT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
    "MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
    "ROLEARN = 'acs:ram::1126123000000000:role/r');\nDESC MODEL m;\nSHOW MODELS;\nDROP MODEL m2;\n"
)


class ServeError(Exception):
    """The server cannot start as asked (a usage error on the command line)."""


@dataclass(frozen=True)
class Endpoint:
    """Where a running server listens, and the arguments pyodps's ODPS(...) needs to reach it."""

    url: str  # http://127.0.0.1:PORT/api, http://[::1]:PORT/api
    project: str
    host: str
    port: int

    def __str__(self) -> str:
        return self.url

    def odps_kwargs(self) -> dict[str, str]:
        """`ODPS(access_id, secret, **endpoint.odps_kwargs())`. logview_host saves a side call;
        catalog_endpoint points pyodps before 0.13 (which does not ask for it) at this server."""
        base = f"http://{authority(self.host, self.port)}"
        return {"project": self.project, "endpoint": self.url, "logview_host": base, "catalog_endpoint": base}


def start(options: SessionOptions, host: str = "127.0.0.1", port: int = 0,
          accounts: dict[str, Account] | None = None, log: Console | None = None,
          debug_log: Callable[[str], None] | None = None) -> Server:  # fmt: skip
    """A bound server whose default project exists, not yet serving. `options` are the CLI's
    (catalog, user, project, runtime settings ...): every job runs with them."""
    user, project = options.user, options.project
    host = unbracketed(host)  # `[::1]`, as a URL writes it
    if options.catalog_path == ":memory:":
        raise ServeError("serve needs a catalog file: an in-memory catalog would be private to each request")
    if accounts is None and not is_loopback(host):
        raise ServeError(f"--host {host} is not a loopback address: without --accounts anyone could act as {user}")
    runner = Runner(options, debug_log)
    ran = runner.run(f"USE `{project}`;", user, project)  # a write: opens (or creates) the catalog and the project
    if ran.error is not None:
        raise ServeError(ran.error)
    # The rules, the error hints and the json format are imported on first use: pay for them
    # now, against a throwaway catalog, not in a client's first requests (some 80 ms each).
    for fmt in ("box", "json"):
        Runner(SessionOptions(":memory:", user, project)).run(WARM_UP, user, project, fmt=fmt)
    try:
        server = Server(host, port, runner, user, accounts, log)
    except OSError as error:
        raise ServeError(f"cannot listen on {authority(host, port)}: {error.strerror}") from None
    runner.keep_open()
    return server


def endpoint_of(server: Server, project: str) -> Endpoint:
    return Endpoint(f"http://{server.authority}{PREFIX}", project, server.host, server.port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def serving(catalog: str, user: str = "ALIYUN$mcshell", project: str = "my_project", host: str = "127.0.0.1",
            port: int = 0, accounts: dict[str, Account] | None = None, log: Console | None = None,
            **settings: Any) -> Iterator[Endpoint]:  # fmt: skip
    """A server in a background thread for the length of the block, for a user's own fixtures:

    with serving(catalog=str(tmp_path / "catalog.db")) as endpoint:
        o = ODPS("any-id", "any-secret", **endpoint.odps_kwargs())

    `settings` are more fields of SessionOptions, as the CLI's options set them
    (`runtime=RuntimeSettings(oss_root=...)`, `skip_unsupported=True`, `debug=True` ...).
    """
    options = SessionOptions(catalog_path=catalog, user=user, project=project, **settings)
    server = start(options, host, port, accounts, log, log.warn if log is not None else None)
    thread = threading.Thread(target=server.serve_forever, name="mcshell-serve", daemon=True)
    thread.start()
    try:
        yield endpoint_of(server, project)
    finally:
        _stop(server)
        thread.join()


def _stop(server: Server) -> None:
    server.shutdown()
    _stop_serving(server)


def _stop_serving(server: Server) -> None:
    """After serve_forever has returned: the requests being answered finish, then all closes."""
    server.wait_idle(STOP_WAIT_SECONDS)
    server.server_close()
    server.runner.close()


def serve_forever(options: SessionOptions, host: str, port: int, accounts_file: str | None, quiet: bool,
                  console: Console) -> ExitStatus:  # fmt: skip
    """`mcshell serve`: serve until SIGTERM or Ctrl-C, then stop cleanly. Raises ServeError."""
    try:
        accounts = load_accounts(accounts_file) if accounts_file is not None else None
    except AccountsError as error:
        raise ServeError(str(error)) from None
    server = start(options, host, port, accounts, None if quiet else console, console.warn)  # --debug: even --quiet
    project = options.project
    endpoint = endpoint_of(server, project)
    console.warn(f"mcshell serve: {endpoint.url} (project {project}, catalog {options.catalog_path})")
    who = "'<access id>', '<secret>'" if accounts else "'any-id', 'any-secret'"
    console.warn(f"  from odps import ODPS; o = ODPS({who}, '{project}', endpoint='{endpoint.url}')")
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    # Ctrl-C stops the server as SIGTERM does, through shutdown(), never as a KeyboardInterrupt that
    # could land anywhere in the accepting loop (in the middle of starting a request's thread).
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # a Ctrl-C that came before the handler was installed
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _stop_serving(server)
    console.warn("mcshell serve: stopped")
    return ExitStatus.OK

"""Fixtures for the serve tests: a server in-process (a thread) or as a `mcshell serve` process,
and pyodps clients for it. The real client is the conformance suite."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from odps import ODPS
from odps import errors as odps_errors

from mcshell.serve import Endpoint

OWNER = "ALIYUN$owner@example.com"
MCSHELL = str(Path(sys.executable).with_name("mcshell"))
READY = re.compile(r"mcshell serve: (http://(?:127\.0\.0\.1|\[::1\]):(\d+)/api) ")


class LogLines:
    """The access log, as the server writes it (a stream other threads write to)."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.lock = threading.Lock()

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def requests(self, since: int = 0) -> list[str]:
        """`METHOD PATH STATUS` of each request logged after the first `since` lines (no timings)."""
        return [line.rsplit(" ", 1)[0] for line in self.lines()[since:]]


@dataclass
class Served:
    endpoint: Endpoint
    catalog: Path
    log: LogLines

    def client(self, project: str, access_id: str = "any-id", secret: str = "any-secret", **kwargs) -> ODPS:
        return client(self.endpoint.url, project, access_id, secret, **kwargs)


# pyodps before 0.13 does not ask the endpoint where the model catalog API is (GET /catalogapi):
# it must be told, or it would go to Alibaba Cloud's.
DISCOVERS_CATALOG = hasattr(ODPS, "get_catalog_host")


def client(url: str, project: str, access_id: str = "any-id", secret: str = "any-secret", **kwargs) -> ODPS:
    base = url.rsplit("/api", 1)[0]
    if not DISCOVERS_CATALOG:
        kwargs.setdefault("catalog_endpoint", base)
    return ODPS(access_id, secret, project, endpoint=url, logview_host=base, overwrite_global=False, **kwargs)


def new_project() -> str:
    """A project of its own for each test: tests share one server and one catalog."""
    return "p" + uuid.uuid4().hex[:12]


def run_sql(o: ODPS, sql: str) -> tuple[str, str]:
    """What the CLI would show for one statement through pyodps: (result text, OK or FAILED line)."""
    try:
        instance = o.execute_sql(sql)
    except odps_errors.ODPSError as error:
        return "", "FAILED: " + error.args[0]
    return instance.get_task_result(), "OK"


class ServeProcess:
    """`mcshell serve --port 0` in a process of its own: its endpoint read from the ready line."""

    def __init__(self, catalog: Path | None, *args: str, options: tuple[str, ...] = (), user: str | None = OWNER,
                 env: dict[str, str] | None = None):  # fmt: skip
        """`args` go after `serve`; `options` (--project ...) before it; no --catalog or --user
        when they are None (the environment's MCSHELL_CATALOG, MCSHELL_USER then count)."""
        given = [*(["--catalog", str(catalog)] if catalog is not None else []), *(["--user", user] if user else [])]
        argv = [MCSHELL, *given, *options, "serve", "--port", "0", *args]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        self.ready_lines: list[str] = []
        while True:
            line = self.process.stderr.readline()
            if not line:
                raise AssertionError("mcshell serve ended before it was ready: " + "".join(self.ready_lines))
            self.ready_lines.append(line)
            found = READY.match(line)
            if found:
                self.url, self.port = found.group(1), int(found.group(2))
                self.ready_lines.append(self.process.stderr.readline())  # the ODPS(...) line
                break
        # The access log is read as it comes: a full pipe would stop the server at its next line.
        self.logged: list[str] = []
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        for line in self.process.stderr:
            self.logged.append(line)

    def stop(self, timeout: float = 30) -> tuple[str, str, int]:
        """SIGTERM, then what it printed after the ready lines and its exit status."""
        self.process.terminate()
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        out = self.process.stdout.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return out, "".join(self.logged), self.process.returncode

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        self.process.kill()
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        self.process.stdout.close()
        self.process.stderr.close()


READS = ("DESC", "SHOW", "LIST", "WHOAMI", "HELP", "SELECT")


def conforms(o: ODPS, shell, catalog: Path, project: str, user: str, statement: str) -> tuple[str, str]:
    """Run one statement through pyodps, and check it against the CLI on the same catalog: a read
    or a failure (which changes nothing) must print exactly what the CLI prints, a write that
    succeeds must give an empty result. Returns pyodps's (result, verdict)."""
    result, verdict = run_sql(o, statement)
    if verdict != "OK" or statement.lstrip().upper().startswith(READS):
        cli = shell("--user", user, "--project", project, "-e", statement, catalog_path=catalog)
        cli_verdicts = cli.verdicts
        assert (result, verdict) == (cli.stdout, cli_verdicts[0] if cli_verdicts else "OK"), statement
    else:
        assert result == "", statement
    return result, verdict

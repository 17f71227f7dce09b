"""`mcshell serve` as a command: the ready lines, the access log, a clean stop on SIGTERM and
Ctrl-C, usage errors (exit 2), and a one-shot `mcshell -e` that never loads the server."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys

import pytest

from serve.serve_support import OWNER, ServeProcess, client, run_sql


def test_it_prints_the_endpoint_and_an_odps_line_serves_logs_and_stops_on_sigterm(tmp_path):
    server = ServeProcess(tmp_path / "catalog.db", options=("--project", "team_a"))
    assert server.ready_lines == [
        f"mcshell serve: {server.url} (project team_a, catalog {tmp_path / 'catalog.db'})\n",
        f"  from odps import ODPS; o = ODPS('any-id', 'any-secret', 'team_a', endpoint='{server.url}')\n",
    ]
    assert run_sql(client(server.url, "team_a"), "WHOAMI;") == (f"Name: {OWNER}\nProject: team_a\n", "OK")
    out, logged, status = server.stop()
    lines = logged.splitlines()
    assert (out, status, lines[-1]) == ("", 0, "mcshell serve: stopped")
    assert [re.sub(r"\w{20,}", "ID", line.rsplit(" ", 1)[0]) for line in lines[:-1]] == [
        "GET /api/tenants 200",
        "POST /api/projects/team_a/instances 201",
        "GET /api/projects/team_a/instances/ID 200",
        "GET /api/projects/team_a/instances/ID?taskstatus 200",
        "GET /api/projects/team_a/instances/ID?source 200",
        "GET /api/projects/team_a/instances/ID?result 200",
    ]
    assert all(re.search(r" \d+\.\dms$", line) for line in lines[:-1])


def test_quiet_writes_no_access_log_and_ctrl_c_stops_it_cleanly(tmp_path):
    server = ServeProcess(tmp_path / "catalog.db", "--quiet")
    assert run_sql(client(server.url, "my_project"), "SHOW MODELS;")[1] == "OK"
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=30) == 0
    server._reader.join(timeout=30)
    assert "".join(server.logged) == "mcshell serve: stopped\n"
    server.process.stdout.close()
    server.process.stderr.close()


def test_port_zero_and_the_catalog_are_the_ones_given(tmp_path, shell):
    server = ServeProcess(tmp_path / "catalog.db", "--quiet")
    try:
        client(server.url, "my_project").execute_sql("ADD USER ALIYUN$alice@example.com;")
    finally:
        server.stop()
    assert (
        "ALIYUN$alice@example.com"
        in shell("--user", OWNER, "-e", "LIST USERS;", catalog_path=tmp_path / "catalog.db").stdout
    )


def usage_error(shell, *args, **kwargs):
    run = shell(*args, **kwargs)
    assert run.status == 2 and run.stdout == ""
    return run.stderr.splitlines()[-1]


def test_a_host_that_is_not_loopback_needs_accounts(shell):
    assert usage_error(shell, "--user", "ALIYUN$u", "serve", "--host", "0.0.0.0") == (
        "Error: --host 0.0.0.0 is not a loopback address: without --accounts anyone could act as ALIYUN$u"
    )


def test_an_in_memory_catalog_cannot_be_served(shell):
    assert usage_error(shell, "serve", catalog_path=":memory:") == (
        "Error: serve needs a catalog file: an in-memory catalog would be private to each request"
    )


def test_an_accounts_file_others_may_read_is_refused(shell, tmp_path):
    accounts = tmp_path / "accounts.ini"
    accounts.write_text("[id]\nsecret = s3cret\nuser = ALIYUN$u\n")
    os.chmod(accounts, 0o644)
    line = usage_error(shell, "serve", "--accounts", str(accounts))
    assert line == f"Error: '{accounts}' may be read by others (mode 644): chmod 600 it"
    assert "s3cret" not in line


def test_a_port_in_use_is_a_usage_error(shell):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert usage_error(shell, "serve", "--port", str(port)) == (
            f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
        )


@pytest.mark.parametrize("statements", ["SHOW MODELS;", "USE team_a;"])
def test_a_one_shot_run_loads_nothing_of_the_server(catalog, statements):
    code = (
        "import json, sys\nfrom mcshell.cli import main\n"
        f"sys.argv = ['mcshell', '--catalog', {str(catalog)!r}, '-e', {statements!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
        "print(json.dumps(sorted(m for m in ('mcshell.serve', 'http.server', 'socketserver') if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_an_ipv6_host_is_served_and_advertised_in_brackets(tmp_path):
    """Item 15 of issue 19: `serve --host ::1` starts, says http://[::1]:PORT, and pyodps uses it."""
    server = ServeProcess(tmp_path / "catalog.db", "--host", "::1")
    try:
        assert server.url == f"http://[::1]:{server.port}/api"
        assert server.ready_lines[0].startswith(f"mcshell serve: http://[::1]:{server.port}/api (project my_project")
        o = client(server.url, "my_project")
        assert run_sql(o, "WHOAMI;") == (f"Name: {OWNER}\nProject: my_project\n", "OK")
        assert [m.name for m in o.list_models()] == []  # the catalog API, found through GET /catalogapi
    finally:
        server.stop()

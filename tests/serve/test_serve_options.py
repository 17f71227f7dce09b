"""Item 11 of issue 19: `mcshell serve` honours every option of the CLI that changes how statements
run, given as an option, as its environment variable or in the --config file. The list is read
from the CLI itself: an option added to `mcshell` fails here until it is probed through serve, or
said not to concern it."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from odps import ODPS

from mcshell import config
from mcshell.cli import main
from mcshell.output.console import Console
from mcshell.rules import handlers
from mcshell.serve import serving
from mcshell.sql import statements as st
from serve.serve_support import LogLines, ServeProcess, client, run_sql

USER = "ALIYUN$probe@example.com"
PROJECT = "probed"  # the server's default project: created when it starts
STORE = tempfile.mkdtemp(prefix="mcshell-store-")  # --oss-root, empty: the error names the directory
DEAD = "http://127.0.0.1:1"  # nothing listens there: a request that is sent is refused at once
MODELS = (
    "CREATE MODEL m WITH VERSION v1 INPUT(f1 BIGINT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
    "MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
    "ROLEARN = 'acs:ram::1126123000000000:role/r');\n"
    "CREATE MODEL r WITH VERSION v1 INPUT(prompt STRING) OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'LLM', "
    f"TASKS = 'text-generation', ENDPOINT = '{DEAD}', PAI_EAS_SERVICE_NAME = 'svc', PAI_EAS_MODEL_NAME = 'qwen', "
    "PAI_EAS_SYNC_MODE = 'true', APIKEY = 'sk-0a1b2c3d4e5f6071');"
)
UDF = "FAILED: ODPS-0123131: User defined function exception - "


@dataclass(frozen=True)
class Probe:
    """How one option is given three ways, and what a client sees when it has reached serve's jobs."""

    flag: tuple[str, ...]
    env: tuple[str, str] | None  # the option's environment variable, when it has one
    config: str | None  # its line in the --config file, when it has one
    seen: Callable[[ODPS, Path], object]  # what the client (or the catalog) shows
    expected: object


def verdict(sql: str) -> Callable[[ODPS, Path], object]:
    return lambda o, catalog: run_sql(o, sql)[1]


def result(sql: str) -> Callable[[ODPS, Path], object]:
    return lambda o, catalog: run_sql(o, sql)[0]


def after_a_failure(o: ODPS, catalog: Path) -> object:
    run_sql(o, "DROP MODEL no_such_model;\nADD USER ALIYUN$late@example.com;")
    return "ALIYUN$late@example.com" in run_sql(o, "LIST USERS;")[0]


PUBLIC_CALL = "SET odps.namespace.schema=true;\nSELECT AI_GENERATE(bigdata_public_modelset.default.`qwen3-max`, " \
    "DEFAULT_VERSION, 'x');"  # fmt: skip
PROBES = {
    "catalog_path": Probe(("--catalog", "{catalog}"), ("MCSHELL_CATALOG", "{catalog}"), None,
                          lambda o, catalog: catalog.exists(), True),
    "user": Probe(("--user", USER), ("MCSHELL_USER", USER), None, result("WHOAMI;"),
                  f"Name: {USER}\nProject: {PROJECT}\n"),
    "project": Probe(("--project", PROJECT), ("MCSHELL_PROJECT", PROJECT), f"project_name = {PROJECT}",
                     lambda o, catalog: o.exist_project(PROJECT), True),
    "oss_root": Probe(("--oss-root", STORE), ("MCSHELL_OSS_ROOT", STORE), f"oss_root = {STORE}",
                      verdict("SELECT ML_PREDICT(m, v1, 1);"),
                      f"{UDF}ML_PREDICT({PROJECT}.m, v1): no such directory in the model store ({STORE}/bkt/x)"),
    "invoke": Probe(("--invoke",), ("MCSHELL_INVOKE", "1"), "invoke = true",
                    verdict("SELECT AI_GENERATE(r, v1, 'hi');"),
                    f"{UDF}AI_GENERATE({PROJECT}.r, v1): connection refused "
                    f"(endpoint {DEAD}/api/predict/svc/v1/chat/completions)"),
    "public_endpoint": Probe(("--public-endpoint", DEAD), ("MCSHELL_PUBLIC_ENDPOINT", DEAD),
                             f"public_endpoint = {DEAD}", verdict(PUBLIC_CALL),
                             f"{UDF}AI_GENERATE(bigdata_public_modelset.qwen3-max, v1): connection "
                             f"refused (endpoint {DEAD}/v1/chat/completions)"),
    "skip_unsupported": Probe(("--skip-unsupported",), None, None, verdict("CREATE VIEW v AS SELECT 1;"), "OK"),
    "continue_on_error": Probe(("--continue-on-error",), None, None, after_a_failure, True),
}  # fmt: skip
# The CLI's other parameters, and why serve has nothing to take from them.
NOT_FOR_SERVE = {
    "execute": "-e runs statements: a usage error with serve (test_serve_cli)",
    "script": "-f runs statements: a usage error with serve",
    "check": "--check runs statements: a usage error with serve",
    "fmt": "results go to pyodps as the service writes them: any other --format is a usage error (below)",
    "debug": "changes no statement: a job's traceback goes to serve's log (below)",
    "assume_yes": "the interactive shell's confirmation before DROP: serve has no prompt",
    "version": "prints the version and exits",
}


def test_every_option_of_the_cli_is_probed_through_serve_or_said_not_to_concern_it():
    names = {param.name for param in main.params}
    assert names == set(PROBES) | {"config_path"} | set(NOT_FOR_SERVE)  # --config: the probes' "config" way
    with_env = {param.name for param in main.params if getattr(param, "envvar", None)}
    assert with_env == {name for name, probe in PROBES.items() if probe.env}
    assert {probe.config.split(" = ")[0] for probe in PROBES.values() if probe.config} == set(config.CONFIG_KEYS)


def serve_with(tmp_path: Path, how: str) -> tuple[ServeProcess, Path]:
    """`mcshell serve` given every probed option the one way `how` says, and the catalog it was given."""
    catalog = tmp_path / "catalog.db"
    flags: list[str] = []
    env: dict[str, str] = {}
    lines: list[str] = []
    for probe in PROBES.values():  # the config file, else the variable, else the option
        if how == "config" and probe.config:
            lines.append(probe.config)
        elif how in ("environment", "config") and probe.env:
            env[probe.env[0]] = probe.env[1].format(catalog=catalog)
        else:
            flags += [part.format(catalog=catalog) for part in probe.flag]
    if lines:
        (tmp_path / "odps_config.ini").write_text("access_id=x\naccess_key=y\n" + "\n".join(lines) + "\n")
        flags += ["--config", str(tmp_path / "odps_config.ini")]
    return ServeProcess(None, "--quiet", options=tuple(flags), user=None, env=env), catalog


@pytest.mark.parametrize("how", ["flags", "environment", "config"])
def test_each_runtime_option_reaches_the_jobs_serve_runs(tmp_path, how):
    server, catalog = serve_with(tmp_path, how)
    try:
        o = client(server.url, PROJECT)
        seen = {name: probe.seen(o, catalog) for name, probe in PROBES.items() if name == "project"}
        assert run_sql(o, MODELS)[1] == "OK"
        seen |= {name: probe.seen(o, catalog) for name, probe in PROBES.items() if name != "project"}
    finally:
        server.stop()
    assert seen == {name: probe.expected for name, probe in PROBES.items()}


def test_a_format_other_than_the_box_is_a_usage_error(shell):
    run = shell("--format", "json", "serve")
    assert (run.status, run.stderr.splitlines()[-1]) == (
        2,
        "Error: --format json does not go with 'serve': pyodps reads a job's result as the service writes it, "
        "the box and grid (security queries ask for JSON themselves)",
    )


def test_with_debug_a_job_s_traceback_goes_to_the_server_s_log(tmp_path, monkeypatch):
    def broken(statement, ctx):
        raise ZeroDivisionError("a bug")

    log = LogLines()
    with serving(str(tmp_path / "catalog.db"), log=Console(io.StringIO(), log.stream), debug=True) as endpoint:
        monkeypatch.setitem(handlers.HANDLERS, st.WhoAmI, broken)  # a table entry: the compiled build's seam
        verdict_line = run_sql(client(endpoint.url, "my_project"), "WHOAMI;")[1]
    assert verdict_line == "FAILED: ODPS-0010000: System internal error - ZeroDivisionError: a bug"
    logged = log.stream.getvalue()
    assert "Traceback (most recent call last):" in logged and "ZeroDivisionError: a bug" in logged

"""Issue 20's secrets test: the access key (its id and secret) and every APIKEY value appear in no
output, log, history or error of `mcshell pull`, `plan` (with and without --offline) and `apply`,
in success and in each fault (a wrong key, a non-member, a malformed DESC box, an unknown
modelType, drift, a remote failure mid-script, the server killed mid-apply, an mcshell bug with
and without --debug); and after each fault the local catalog is unchanged (or, after apply has
sent something, equal to the remote, as apply leaves it).

The production catalog is served by `mcshell serve --accounts` in a process of its own (its
access log and output are read too); the real pyodps is the client. Faults that need a stand-in
run the same commands in-process, with `mcshell.cli.connect` giving the stand-in connection."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from serve.serve_support import OWNER, ServeProcess, client, new_project

from mcshell import cli
from mcshell.remote.client import Remote
from remote.standins import UnknownType

ACCESS_ID, SECRET = "LTAI5tQz8RkW2mN4pV6xY0bC3dF7gH", "mK9vB2nX7cZ4qW1eR8tY5uI3oP6aS0dF"
OUTSIDER = "ALIYUN$outsider@example.com"  # an account of the service, no member of the project
OUTSIDER_ID, OUTSIDER_SECRET = "LTAI5tOutsiderAccessId2468ACE0", "Outsider-Secret-8f7e6d5c4b3a29180f"
WRONG_SECRET = "Wrong-Secret-1a2b3c4d5e6f7a8b9c0d"
PRODUCTION_KEYS = ("sk-prodWriterKey7f3a9c2e4b6d8f0a1c3e5", "sk-prodOmniKeyB4d6f8h0j2l4n6p8r0t2v4x6")
PLAN_KEY, APPLY_KEY = "sk-scriptPlanKey2b4d6f8h0j2l4n6p8r0t2", "sk-applyKeyC9e8d7c6b5a4f3e2d1c0b9a8f7"
APIKEYS = (*PRODUCTION_KEYS, PLAN_KEY, APPLY_KEY)
EAS = "http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com"
ALICE = "ALIYUN$alice@example.com"


def remote_model(name: str, key: str) -> str:
    return (
        f"CREATE MODEL {name} WITH VERSION v1 INPUT(prompt STRING) OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', "
        f"MODEL_TYPE = 'LLM', TASKS = 'chat', PAI_EAS_MODEL_NAME = 'Qwen3-8B', PAI_EAS_SERVICE_NAME = '{name}_svc', "
        f"ENDPOINT = '{EAS}', APIKEY = '{key}', PAI_EAS_SYNC_MODE = 'true') COMMENT 'writes';\n"
    )


def remote_version(name: str, version: str, key: str) -> str:
    return (
        f"ALTER MODEL {name} ADD VERSION {version} INPUT(prompt STRING) WITH OPTIONS(TASKS = 'chat', "
        f"PAI_EAS_MODEL_NAME = 'Qwen3-8B', PAI_EAS_SERVICE_NAME = '{name}_svc', ENDPOINT = '{EAS}', "
        f"APIKEY = '{key}', PAI_EAS_SYNC_MODE = 'true');\n"
    )


PRODUCTION = (
    remote_model("writer", PRODUCTION_KEYS[0])
    + remote_model("omni", PRODUCTION_KEYS[1])
    + (f"ADD USER {ALICE};\nGRANT Describe ON MODEL writer TO USER {ALICE};\n")
)
# A script that adds a REMOTE version with a key of its own, moves the default version, grants.
SCRIPT = remote_version("writer", "v2", PLAN_KEY) + (
    "ALTER MODEL writer SET DEFAULT_VERSION v2;\nGRANT Describe ON MODEL omni TO USER " + ALICE + ";\n"
)


def pieces(value: str, size: int = 16) -> list[str]:
    """The value whole and every `size`-character piece of it."""
    return [value, *(value[at : at + size] for at in range(len(value) - size + 1))]


FORBIDDEN = sorted(
    {piece for value in (*APIKEYS, SECRET, OUTSIDER_SECRET, WRONG_SECRET) for piece in pieces(value)}
    | {ACCESS_ID, OUTSIDER_ID}
)


def leaked(text: str | bytes) -> list[str]:
    """What of the secrets `text` shows (none, or the test fails naming them)."""
    shown = text.decode("latin-1") if isinstance(text, bytes) else text
    return [piece for piece in FORBIDDEN if piece in shown]


def write_accounts(path: Path) -> Path:
    callers = ((ACCESS_ID, SECRET, OWNER), (OUTSIDER_ID, OUTSIDER_SECRET, OUTSIDER))
    path.write_text("".join(f"[{i}]\nsecret = {secret}\nuser = {user}\n\n" for i, secret, user in callers))
    os.chmod(path, 0o600)
    return path


def build(catalog: Path, project: str, script: str) -> None:
    made = CliRunner().invoke(cli.main, ["--catalog", str(catalog), "--user", OWNER, "--project", project, "-f", "-"],
                              input=script)  # fmt: skip
    assert made.exit_code == 0, made.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`mcshell serve --accounts` over the production catalog (project sales), as a process."""
    folder = tmp_path_factory.mktemp("production")
    build(folder / "production.db", "sales", PRODUCTION)
    accounts = write_accounts(folder / "accounts.ini")
    served = ServeProcess(folder / "production.db", "--accounts", str(accounts), options=("--project", "sales"))
    yield served
    if served.process.poll() is None:
        served.stop()


def env_for(url: str, access_id: str = ACCESS_ID, secret: str = SECRET, project: str = "sales") -> dict[str, str]:
    return {"ODPS_ENDPOINT": url, "ODPS_PROJECT_NAME": project, "ALIBABA_CLOUD_ACCESS_KEY_ID": access_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret}  # fmt: skip


@pytest.fixture(scope="module")
def pulled(server, tmp_path_factory) -> bytes:
    """A catalog holding a pull of production: the bytes every fault test starts from."""
    import subprocess

    from conftest import MCSHELL

    path = tmp_path_factory.mktemp("pulled") / "pulled.db"
    run = subprocess.run([MCSHELL, "--catalog", str(path), "pull"], capture_output=True, text=True,
                         env={**os.environ, **env_for(server.url)}, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert not leaked(run.stdout + run.stderr)
    return path.read_bytes()


def contents(catalog: Path) -> list[str]:
    """The whole catalog as SQL text (its file's bytes change when a command only opens it)."""
    from conftest import catalog_rows

    return catalog_rows(catalog)


def files_of(catalog: Path) -> bytes:
    """The catalog file and its -wal and -shm, as they are on disk."""
    return b"".join(path.read_bytes() for path in sorted(catalog.parent.glob(catalog.name + "*")))


def assert_nothing_leaked(*texts: str, catalog: Path | None = None, mcshell=None, home: Path | None = None) -> None:
    """No secret in the texts, the catalog's files, its dump, any file of HOME (the REPL history ...)."""
    for text in texts:
        assert not leaked(text), text
    if catalog is not None and catalog.exists():
        assert not leaked(files_of(catalog))
        if mcshell is not None:
            dumped = mcshell("dump", catalog_path=catalog)
            assert not leaked(dumped.stdout + dumped.raw_stderr)
    if home is not None:
        for path in home.rglob("*"):
            if path.is_file():
                assert not leaked(path.read_bytes()), path


def server_log(server: ServeProcess) -> str:
    return "".join(server.logged)


# -- success ----------------------------------------------------------------------------------------
def test_pull_plan_offline_plan_and_apply_show_no_secret(server, mcshell, catalog, tmp_path, private_home):
    config = tmp_path / "odps_config.ini"
    config.write_text(f"project_name=sales\nend_point={server.url}\naccess_id={ACCESS_ID}\naccess_key={SECRET}\n")
    script = str(tmp_path / "s.sql")
    (tmp_path / "s.sql").write_text(SCRIPT)
    env = env_for(server.url)
    pull = mcshell("--config", str(config), "pull")
    plan = mcshell("plan", "-f", script, env=env)
    offline = mcshell("--project", "sales", "--user", OWNER, "plan", "--offline", "--format", "json", "-f", script)
    debug = mcshell("--debug", "plan", "-f", script, env=env)
    apply = mcshell("--debug", "apply", "--yes", "-f", script, env=env)
    assert [run.status for run in (pull, plan, offline, debug, apply)] == [0, 0, 0, 0, 0], apply.raw_stderr
    assert "+ version writer.v2" in plan.stdout and plan.stdout == debug.stdout
    assert "3 statements ran on" in apply.stderr
    runs = [text for run in (pull, plan, offline, debug, apply) for text in (run.stdout, run.raw_stderr)]
    assert_nothing_leaked(*runs, server_log(server), catalog=catalog, mcshell=mcshell, home=private_home)
    # the local catalog, pulled after the run, holds the script's key as DESC shows it: masked
    shown = mcshell("--project", "sales", "--user", OWNER, "-e", "DESC MODEL writer VERSION v2;", catalog_path=catalog)
    assert f"********{PLAN_KEY[-4:]}" in shown.stdout


def test_an_endpoint_that_carries_the_secret_is_shown_masked(server, mcshell, catalog, private_home):
    project = own_project(server.url, remote_model("m", PRODUCTION_KEYS[0]))
    carrying = server.url.replace("http://", f"http://{ACCESS_ID}:{SECRET}@")
    env = env_for(carrying, project=project)
    pull = mcshell("pull", env=env)
    apply = mcshell("apply", "--yes", "-e", "DROP MODEL m;", env=env)
    masked = server.url.replace("http://", "http://********:********@")
    assert (pull.status, apply.status) == (0, 0), apply.raw_stderr
    assert f" from {masked} project {project} in " in pull.stderr
    assert apply.stderr.endswith(f"1 statement ran on {masked} project {project}\n")
    assert_nothing_leaked(
        pull.raw_stderr, apply.raw_stderr, apply.stdout, catalog=catalog, mcshell=mcshell, home=private_home
    )


# -- a wrong key, a non-member: refused; the catalog unchanged -----------------------------------
COMMANDS = {
    "pull": ("pull",),
    "plan": ("plan", "-e", "ALTER MODEL writer SET DEFAULT_VERSION v1;"),
    "apply": ("apply", "--yes", "-e", remote_version("writer", "v9", APPLY_KEY)),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("access_id", "secret", "expected"),
    [
        (ACCESS_ID, WRONG_SECRET, "SignatureNotMatch"),
        (OUTSIDER_ID, OUTSIDER_SECRET, "ODPS-0420095: Access Denied - You don't exist in project sales."),
    ],
    ids=["wrong-key", "non-member"],
)
def test_a_caller_the_service_refuses_gets_one_line_and_the_catalog_is_unchanged(
    server, pulled, mcshell, catalog, private_home, command, access_id, secret, expected
):
    catalog.write_bytes(pulled)
    before = contents(catalog)
    run = mcshell("--debug", *COMMANDS[command], env=env_for(server.url, access_id, secret))
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr.startswith("FAILED: ") and expected in run.stderr.splitlines()[0]
    assert "Traceback" not in run.stderr
    assert contents(catalog) == before
    assert_nothing_leaked(run.raw_stderr, server_log(server), catalog=catalog, home=private_home)


# -- stand-ins, in-process: the same commands, the connection given by `connect` -----------------
def invoke(monkeypatch, standin, catalog: Path, env: dict[str, str], *args: str):
    """mcshell in-process, its connections made by `standin(target)`: (status, stdout, stderr)."""
    monkeypatch.setattr(cli, "connect", standin)
    result = CliRunner().invoke(cli.main, ["--catalog", str(catalog), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


class MalformedBox(Remote):
    """A DESC box whose APIKEY row shows the key whole and is not a row: the first line unread."""

    def sql(self, text, hints=None):
        answer = super().sql(text, hints)
        lines = [f"| APIKEY {PRODUCTION_KEYS[0]}" if "| APIKEY:" in line else line for line in answer.splitlines()]
        return "\n".join(lines) + "\n"


class Buggy(Remote):
    """An exception mcshell does not expect, whose text quotes what the call carried."""

    def catalog_json(self, path, params=None):
        raise RuntimeError(f"signing {ACCESS_ID}:{SECRET} failed for APIKEY = '{PRODUCTION_KEYS[1]}'")


class QuotesTheKey(Remote):
    """pyodps's own exception for an access id the service does not know, its text quoting the id
    and the request's Authorization header (as a service's message may)."""

    def catalog_json(self, path, params=None):
        from odps import errors

        with self._errors("GET models"):
            raise errors.ODPSError(f"Access key id {ACCESS_ID} not found (Authorization: ODPS {ACCESS_ID}:{SECRET})",
                                   code="InvalidAccessKeyId")  # fmt: skip


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("standin", "expected"),
    [
        (MalformedBox, "'| APIKEY ********"),
        (UnknownType, "unknown modelType 'DEEP_FOREST'"),
        (QuotesTheKey, "InvalidAccessKeyId: Access key id ******** not found (Authorization: ODPS ********:********)"),
        (Buggy, "FAILED: ODPS-0010000: System internal error - RuntimeError: signing ********:******** failed"),
    ],
    ids=["malformed-desc", "unknown-model-type", "unknown-access-id", "bug"],
)
@pytest.mark.parametrize("debug", [(), ("--debug",)], ids=["", "debug"])
def test_an_answer_it_cannot_read_or_a_bug_is_one_clear_error_and_the_catalog_is_unchanged(
    server, pulled, monkeypatch, catalog, private_home, command, standin, expected, debug
):
    catalog.write_bytes(pulled)
    before = contents(catalog)
    status, out, err = invoke(monkeypatch, standin, catalog, env_for(server.url), *debug, *COMMANDS[command])
    assert (out, status) == ("", 1)
    if debug and standin is Buggy:
        assert err.startswith("Traceback (most recent call last):")
        assert "RuntimeError: signing ********:******** failed for APIKEY = '********" in err
    else:
        assert expected in err.splitlines()[0] and "Traceback" not in err
    assert contents(catalog) == before
    assert_nothing_leaked(err, catalog=catalog, home=private_home)


class CtrlC(Remote):
    """Ctrl-C while the second DESC is read (mid-pull), as a SIGINT raises it in the main thread."""

    def sql(self, text, hints=None):
        self.count = getattr(self, "count", 0) + 1
        if self.count == 2:
            raise KeyboardInterrupt
        return super().sql(text, hints)


INTERRUPTED = {
    "pull": "Interrupted: nothing was pulled; the project's last snapshot is unchanged",
    "plan": "Interrupted: no plan (nothing was sent but reads, and the catalog was not changed)",
    "apply": "Interrupted: nothing was sent",
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_ctrl_c_mid_pull_says_so_and_leaves_the_catalog_unchanged(
    server, pulled, monkeypatch, catalog, private_home, command
):
    catalog.write_bytes(pulled)
    before = contents(catalog)
    status, out, err = invoke(monkeypatch, CtrlC, catalog, env_for(server.url), "--debug", *COMMANDS[command])
    assert (status, out, err) == (130, "", INTERRUPTED[command] + "\n")
    assert contents(catalog) == before
    assert_nothing_leaked(err, catalog=catalog, home=private_home)


class HoldingRelay:
    """A TCP relay in front of the server that holds the `hold`-th request to create an instance
    (a DESC of the pull) until `release` is set: the command is then waiting in the middle of its
    pull, for an answer, when the test sends it SIGINT (no timing involved)."""

    def __init__(self, port: int, hold: int):
        import socket
        import threading

        self.target, self.hold, self.seen = port, hold, 0
        self.arrived, self.release = threading.Event(), threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/api"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                near, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            far = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(near, far, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(far, near, False), daemon=True).start()

    def _pipe(self, source, sink, requests: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if requests and chunk.startswith(b"POST ") and b"/instances" in chunk.split(b"\r\n", 1)[0]:
                    self.seen += 1
                    if self.seen == self.hold:
                        self.arrived.set()
                        self.release.wait(timeout=120)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def close(self) -> None:
        self.release.set()
        self.listener.close()


def test_sigint_to_the_process_mid_pull(server, pulled, catalog, private_home):
    import signal
    import subprocess

    from conftest import MCSHELL

    catalog.write_bytes(pulled)
    before = contents(catalog)
    relay = HoldingRelay(server.port, hold=2)
    try:
        argv = [MCSHELL, "--catalog", str(catalog), "--debug", "pull"]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, **env_for(relay.url)})  # fmt: skip
        assert relay.arrived.wait(timeout=120)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        relay.close()
    assert (process.returncode, out, err) == (130, "", INTERRUPTED["pull"] + "\n")
    assert contents(catalog) == before
    assert_nothing_leaked(err, catalog=catalog, home=private_home)


# -- apply's faults: drift, a failure mid-script, the server killed ------------------------------
class OtherClientBefore(Remote):
    """The real connection; just before the statement starting with `first` is sent, `change` runs
    (another pyodps client changing production while apply runs)."""

    change = None
    first = ""
    kill: ServeProcess | None = None

    def _before(self, text: str) -> None:
        cls = type(self)
        if cls.change is not None and text.startswith(cls.first):
            change, cls.change = cls.change, None
            change()

    def sql(self, text, hints=None):
        self._before(text)
        return super().sql(text, hints)

    def security(self, query):
        self._before(query)
        return super().security(query)


def own_project(url: str, script: str) -> str:
    project = new_project()
    owner = client(url, project, ACCESS_ID, SECRET)
    owner.execute_sql(f"USE {project};")
    for statement in script.split(";\n")[:-1]:
        owner.execute_sql(statement + ";") if "MODEL" in statement else owner.run_security_query(statement)
    return project


def standin_for(change, first: str):
    return type("Changing", (OtherClientBefore,), {"change": staticmethod(change), "first": first})


def test_drift_and_a_failure_mid_script_show_no_secret_and_the_catalog_ends_as_the_remote(
    server, monkeypatch, tmp_path, mcshell, private_home
):
    project = own_project(server.url, remote_model("m", PRODUCTION_KEYS[0]))
    other = client(server.url, project, ACCESS_ID, SECRET)
    script = remote_version("m", "v2", APPLY_KEY) + "ALTER MODEL m SET DEFAULT_VERSION v2;\n"
    env = env_for(server.url, project=project)
    # drift: another client adds a member after apply's plan, before its first statement lands
    drifting = standin_for(lambda: other.run_security_query(f"ADD USER {ALICE}"), "ALTER MODEL m ADD")
    drift = invoke(monkeypatch, drifting, tmp_path / "drift.db", env, "apply", "--yes", "-e", script)
    # a failure mid-script: another client drops the model before the second statement
    dropping = standin_for(lambda: other.execute_sql("DROP MODEL m;"), "ALTER MODEL m SET")
    failed = invoke(monkeypatch, dropping, tmp_path / "failed.db", env, "--debug", "apply", "--yes", "-e",
                    remote_version("m", "v3", APPLY_KEY) + "ALTER MODEL m SET DEFAULT_VERSION v3;\n")  # fmt: skip
    assert drift[0] == 1 and "drift: + " in drift[2], drift[2]
    assert failed[0] == 1 and "Model not found" in failed[2] and "1 of 2 statements ran" in failed[2], failed[2]
    for run, name in ((drift, "drift.db"), (failed, "failed.db")):
        assert_nothing_leaked(run[1], run[2], server_log(server), catalog=tmp_path / name, mcshell=mcshell,
                              home=private_home)  # fmt: skip


def test_the_server_killed_mid_apply_shows_no_secret_and_leaves_the_catalog_unchanged(
    tmp_path, monkeypatch, pulled, private_home
):
    served = tmp_path / "served.db"
    build(served, "sales", PRODUCTION)
    accounts = write_accounts(tmp_path / "accounts.ini")
    killed = ServeProcess(served, "--accounts", str(accounts), options=("--project", "sales"))
    try:
        local = tmp_path / "local.db"
        shutil.copyfile(served, local)  # a catalog that holds something already
        before = contents(local)
        standin = standin_for(killed.kill, "ALTER MODEL writer ADD")  # the statement with the script's key
        status, out, err = invoke(monkeypatch, standin, local, env_for(killed.url), "--debug", "apply", "--yes",
                                  "-e", SCRIPT)  # fmt: skip
    finally:
        if killed.process.poll() is None:
            killed.kill()
    assert status == 1 and "the connection was lost: statement [1/3] (ALTER MODEL writer ADD VERSION v2" in err, err
    assert "Connection lost - ALTER MODEL writer ADD VERSION v2 " in err and "APIKEY = '********'" in err
    assert contents(local) == before
    assert_nothing_leaked(out, err, "".join(killed.logged), home=private_home)


# -- pyodps's logging, and the server's own log and output ----------------------------------------
def test_mcshell_installs_no_logging_handler_that_would_print_pyodps_s_logs(server):
    import logging

    from mcshell.remote.target import Target

    before = [list(logging.getLogger(name).handlers) for name in ("", "odps")]
    Remote(Target(server.url, "sales", ACCESS_ID, SECRET)).whoami()
    assert [list(logging.getLogger(name).handlers) for name in ("", "odps")] == before


def test_the_server_s_access_log_and_output_hold_no_secret(server):
    """Last of the tests that use the server: its whole access log, its ready lines, its output."""
    out, log, _ = server.stop()
    for text in (out, log, "".join(server.ready_lines)):
        assert not leaked(text), text


# -- Target.scrub's rule ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("access_id", "secret", "text", "scrubbed"),
    [
        # a real id (16 to 30 characters) and the secret: masked wherever they occur
        (ACCESS_ID, SECRET, f"ODPS {ACCESS_ID}:sig x{ACCESS_ID}y {SECRET}", "ODPS ********:sig x********y ********"),
        # a short id (a test's): masked only as a word of its own, so that `sales` stays `sales`
        (
            "a",
            "s3",
            "project sales: a wrong key (a) ALIYUN$a@x.com a-b s3",
            "project sales: ******** wrong key (********) ALIYUN$a@x.com a-b ********",
        ),
        ("id-1", "secret-1", "id-1: refused; grid-1 id-10", "********: refused; grid-1 id-10"),
        # every APIKEY value, whoever quotes it
        (ACCESS_ID, SECRET, f"APIKEY = '{APPLY_KEY}', x", "APIKEY = '********', x"),
        (None, None, f"STS: APIKEY='{APPLY_KEY}'", "STS: APIKEY='********'"),
    ],
    ids=["real-id", "one-letter-id", "short-id", "apikey", "sts"],
)
def test_scrub_masks_the_secret_always_a_short_id_only_as_a_word_and_every_apikey(access_id, secret, text, scrubbed):
    from mcshell.remote.target import Target

    assert Target("http://h/api", "sales", access_id, secret).scrub(text) == scrubbed

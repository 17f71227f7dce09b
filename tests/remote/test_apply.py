"""`mcshell apply`: a script sent to the remote project one statement at a time, through the real
pyodps against `mcshell serve` (started by the serve tests' own means); then the whole command
(plan, confirm, send, pull again, drift); then the order of its steps, with pull, plan and diff
stood in."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from conftest import IMPORT_V1, REMOTE_V1, import_version
from serve.serve_support import OWNER, LogLines, ServeProcess, client, new_project

from mcshell.errors import RemoteLost
from mcshell.output.console import Console
from mcshell.remote.client import Remote
from mcshell.remote.send import Ending, Refused, Route, Sent, script_steps, send_script
from mcshell.remote.target import Target
from mcshell.serve import serving
from mcshell.serve.auth import load_accounts
from mcshell.sql.source import text_lines
from remote.terminal import read_terminal

ALICE, BOB = "ALIYUN$alice@example.com", "ALIYUN$bob@example.com"
SECRETS = {"owner-id": "owner-secret-0", "alice-id": "alice-secret-1"}
USERS = {"owner-id": OWNER, "alice-id": ALICE}

# A script that adds, changes and grants, with a SET line, a read and a USE of its own project.
SCRIPT = (
    "SET odps.sql.type.system.odps2=true;\n"
    + IMPORT_V1.replace("test_xgboost_classifier", "churn")
    + import_version("churn", "v2")
    + "ALTER MODEL churn SET DEFAULT_VERSION v2;\n"
    "DESC MODEL churn;\n"
    "USE {project};\n"
    f"ADD USER {BOB};\n"
    "CREATE ROLE analysts;\n"
    f"GRANT analysts TO {BOB};\n"
    "GRANT Describe ON MODEL churn TO ROLE analysts;\n"
)
PROGRESS = """\
[1/7] CREATE MODEL churn WITH VERSION v1... ... OK
[2/7] ALTER MODEL churn ADD VERSION v2 INPUT(f1 INT) WITH OPTIONS(LOCATION = '... ... OK
[3/7] ALTER MODEL churn SET DEFAULT_VERSION v2 ... OK
[4/7] ADD USER ALIYUN$bob@example.com ... OK
[5/7] CREATE ROLE analysts ... OK
[6/7] GRANT analysts TO ALIYUN$bob@example.com ... OK
[7/7] GRANT Describe ON MODEL churn TO ROLE analysts ... OK
"""


def write_accounts(path: Path) -> Path:
    path.write_text("".join(f"[{i}]\nsecret = {SECRETS[i]}\nuser = {USERS[i]}\n\n" for i in SECRETS))
    os.chmod(path, 0o600)
    return path


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """One signed server for the module ("production"); each test works in a project of its own."""
    folder = tmp_path_factory.mktemp("production")
    accounts = load_accounts(str(write_accounts(folder / "accounts.ini")))
    with serving(str(folder / "catalog.db"), user=OWNER, accounts=accounts,
                 log=Console(io.StringIO(), LogLines().stream)) as endpoint:  # fmt: skip
        yield endpoint, folder / "catalog.db"


def remote_for(url: str, project: str, access_id: str = "owner-id") -> Remote:
    return Remote(Target(url, project, access_id, SECRETS[access_id]))


def send(remote, script: str, project: str, source: str = "script.sql") -> tuple[Sent, str]:
    """send_script over the script's steps: what it returns and what it wrote on standard error."""
    out, err = io.StringIO(), io.StringIO()
    lines = text_lines(script)
    sent = send_script(remote, script_steps(lines, project), source, Console(out, err), lines)
    assert out.getvalue() == ""  # sending prints no result
    return sent, err.getvalue()


def dump_of(mcshell, catalog: Path, project: str) -> str:
    """The dump of one project of a catalog (its USE line on)."""
    run = mcshell("dump", catalog_path=catalog)
    assert run.status == 0, run.stderr
    return run.stdout[run.stdout.index(f"USE {project};") :].split("\nUSE ", 1)[0]


# -- sending --------------------------------------------------------------------------------------
def test_each_statement_is_sent_where_pyodps_sends_it_and_production_ends_as_the_script_run_locally(
    production, mcshell, tmp_path
):
    endpoint, served = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")  # the project
    script = SCRIPT.format(project=project)

    sent, stderr = send(remote_for(endpoint.url, project), script, project)

    assert (sent, stderr) == (Sent(Ending.DONE, 7, 7), PROGRESS)
    local = tmp_path / "local.db"
    run = mcshell("--project", project, "--user", OWNER, "-e", script, catalog_path=local)
    assert run.status == 0, run.stderr
    assert dump_of(mcshell, served, project) == dump_of(mcshell, local, project)


class Recorder:
    """A connection that records what it is asked to send; `refuse` or `lose` the call at that number."""

    def __init__(self, refuse: int = 0, lose: int = 0, interrupt: int = 0):
        self.calls: list[tuple] = []
        self.refuse, self.lose, self.interrupt = refuse, lose, interrupt

    def _call(self, *call) -> str:
        self.calls.append(call)
        if len(self.calls) == self.interrupt:
            raise KeyboardInterrupt
        if len(self.calls) == self.lose:
            raise RemoteLost("POST /projects/p/instances: ConnectionError: connection reset")
        if len(self.calls) == self.refuse:
            from mcshell.errors import RemoteFailed

            raise RemoteFailed("ODPS-0110061: Failed to run ddltask - Model not found: p.nosuch")
        return ""

    def sql(self, text, hints=None):
        return self._call("sql", text, dict(hints or {}))

    def security(self, query, hints=None):
        return self._call("security", query, *([dict(hints)] if hints else []))


def test_set_lines_go_with_every_statement_sent_after_them():
    remote = Recorder()
    script = (
        "SET a.b=1;\nCREATE MODEL m WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE='IMPORT');\n"
        "-- a comment before it\nSET a.b = 2 ; SET c=x y;\nGRANT Describe ON MODEL m TO USER ALIYUN$x@y.com;\n"
        "ALTER MODEL m DROP VERSION v1\n"
    )
    assert send(remote, script, "p")[0] == Sent(Ending.DONE, 3, 3)
    assert remote.calls == [
        ("sql", "CREATE MODEL m WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE='IMPORT')", {"a.b": "1"}),
        ("security", "GRANT Describe ON MODEL m TO USER ALIYUN$x@y.com", {"a.b": "2", "c": "x y"}),
        ("sql", "ALTER MODEL m DROP VERSION v1", {"a.b": "2", "c": "x y"}),
    ]


def test_a_statement_that_ends_in_a_line_comment_is_sent_with_its_own_semicolon():
    remote = Recorder()
    send(remote, "DROP MODEL m -- retired\n;\nDROP MODEL n /* c */;\n", "p")
    assert remote.calls == [("sql", "DROP MODEL m -- retired\n;", {}), ("sql", "DROP MODEL n /* c */", {})]


def test_reads_use_of_the_project_and_queries_are_not_sent_and_quit_ends_the_script():
    remote = Recorder()
    script = (
        "DESC MODEL m; SHOW MODELS; SHOW GRANTS; LIST USERS; LIST ROLES; WHOAMI; HELP; SHOW ACL FOR m;\n"
        "USE P; SELECT 1; DROP MODEL m; QUIT; DROP MODEL n;\n"
    )
    sent, stderr = send(remote, script, "p")
    assert remote.calls == [("sql", "DROP MODEL m", {})]
    assert (sent, stderr) == (Sent(Ending.DONE, 1, 1), "[1/1] DROP MODEL m ... OK\n")


def test_a_statement_goes_where_its_kind_goes():
    """Security statements as security queries, every other statement that writes (model and table
    DDL) through run_sql, the readers (statements.writes) kept; a statement type added later follows."""
    script = (
        "CREATE TABLE t (a BIGINT);\nALTER MODEL m DROP VERSION v1;\n"
        "GRANT Describe ON MODEL m TO USER ALIYUN$x@y.com;\n"
        "DESC t;\nSHOW TABLES;\nDESC MODEL m;\nLIST USERS;\nCREATE ROLE r;\nUSE p;\n"
    )
    routes = [step.route for step in script_steps(text_lines(script), "p")]
    assert routes == [
        Route.SQL, Route.SQL, Route.SECURITY, Route.KEPT, Route.KEPT, Route.KEPT, Route.KEPT, Route.SECURITY,
        Route.KEPT,
    ]  # fmt: skip


def test_the_first_failure_stops_the_run_at_its_position_with_the_services_own_line(production):
    endpoint, _ = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    script = IMPORT_V1 + "\n  ALTER MODEL nosuch SET DEFAULT_VERSION v2;\nDROP MODEL test_xgboost_classifier;\n"

    sent, stderr = send(remote_for(endpoint.url, project), script, project)

    assert sent == Sent(Ending.FAILED, 1, 3)
    assert stderr == (
        "[1/3] CREATE MODEL test_xgboost_classifier WITH VERSION v1... ... OK\n"
        "[2/3] ALTER MODEL nosuch SET DEFAULT_VERSION v2 ... FAILED\n"
        f"script.sql:11:3: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: {project}.nosuch\n"
        "  11 |   ALTER MODEL nosuch SET DEFAULT_VERSION v2;\n"
        "     |   ^\n"
        "1 of 3 statements ran; the rest were not sent\n"
    )
    shown = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    assert [model.name for model in shown.list_models()] == ["test_xgboost_classifier"]  # the DROP was not sent


def test_a_security_statement_after_a_set_reads_names_as_the_set_says(production):
    """pyodps sends a security query with its hints (AuthQueryRequest.settings): with
    odps.namespace.schema=true, `default.m` is schema default's model m, as the plan read it."""
    endpoint, _ = production
    project = new_project()
    owner = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    owner.execute_sql(f"USE {project};")
    owner.execute_sql(IMPORT_V1)
    owner.run_security_query(f"ADD USER {ALICE}", output_json=False)
    script = (
        f"SET odps.namespace.schema=true;\nGRANT Describe ON MODEL default.test_xgboost_classifier TO USER {ALICE};\n"
    )

    sent, stderr = send(remote_for(endpoint.url, project), script, project)

    assert sent == Sent(Ending.DONE, 1, 1)
    assert stderr.endswith(" ... OK\n")  # the service read `default.` as the schema, as the plan did


def test_a_privilege_the_acting_user_lacks_stops_the_run_with_the_services_line(production):
    endpoint, _ = production
    project = new_project()
    owner = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    owner.execute_sql(f"USE {project};")
    owner.run_security_query(f"ADD USER {ALICE}", output_json=False)
    script = f"ADD USER {BOB};\nCREATE MODEL m WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE='IMPORT');\n"

    sent, stderr = send(remote_for(endpoint.url, project, "alice-id"), script, project, "<stdin>")

    assert sent == Sent(Ending.FAILED, 0, 2)
    assert stderr.splitlines()[0] == "[1/2] ADD USER ALIYUN$bob@example.com ... FAILED"
    assert stderr.splitlines()[1:] == [
        f"<stdin>:1:1: FAILED: ODPS-0130013: Authorization exception - {ALICE} cannot add users to project "
        f"{project}: only the project owner or a Super_Administrator or Admin can",
        f"   1 | ADD USER {BOB};",
        "     | ^",
        "0 of 2 statements ran; the rest were not sent",
    ]
    assert stderr.splitlines()[-1] == "0 of 2 statements ran; the rest were not sent"
    assert SECRETS["alice-id"] not in stderr and "alice-id" not in stderr


def test_an_apikey_of_a_statement_the_service_refuses_is_shown_nowhere(production):
    endpoint, _ = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    key = "sk-9f8e7d6c5b4a3210"
    script = (
        "ALTER MODEL nosuch ADD VERSION v2 WITH OPTIONS(ENDPOINT = 'http://1234.cn-shanghai.pai-eas.aliyuncs.com', "
        f"APIKEY = '{key}');\n"
    )
    sent, stderr = send(remote_for(endpoint.url, project), script, project)
    assert sent == Sent(Ending.FAILED, 0, 1)
    assert key not in stderr and "APIKEY = '****" in stderr  # the excerpt masks it
    assert stderr.splitlines()[1] == (
        f"script.sql:1:1: FAILED: ODPS-0110061: Failed to run ddltask - Model not found: {project}.nosuch"
    )


class KillsBefore:
    """The real connection, with the server killed (kill -9) just before statement `number` is sent."""

    def __init__(self, remote: Remote, server: ServeProcess, number: int):
        self.remote, self.server, self.number, self.count = remote, server, number, 0

    def _before(self) -> None:
        self.count += 1
        if self.count == self.number:
            self.server.kill()

    def sql(self, text, hints=None):
        self._before()
        return self.remote.sql(text, hints)

    def security(self, query, hints=None):
        self._before()
        return self.remote.security(query, hints)


def test_a_server_killed_mid_run_names_the_one_statement_whose_outcome_is_unknown(tmp_path):
    server = ServeProcess(tmp_path / "served.db", "--quiet", options=("--project", "sales"))
    try:
        remote = KillsBefore(Remote(Target(server.url, "sales", "id-1", "secret-1")), server, 2)
        script = f"ADD USER {BOB};\nCREATE ROLE r1;\nCREATE ROLE r2;\n"
        sent, stderr = send(remote, script, "sales")
    finally:
        if server.process.poll() is None:
            server.kill()
    assert sent == Sent(Ending.LOST, 1, 3)
    lines = stderr.splitlines()
    assert lines[:2] == ["[1/3] ADD USER ALIYUN$bob@example.com ... OK", "[2/3] CREATE ROLE r1 ... LOST"]
    assert lines[2].startswith("script.sql:2:1: FAILED: ODPS-0010000: Connection lost - CREATE ROLE r1: ")
    assert lines[-1] == (
        "the connection was lost: statement [2/3] (CREATE ROLE r1) may or may not have run; 1 of 3 statements "
        "ran before it and the rest were not sent; `mcshell plan` shows what is left to do"
    )
    assert "secret-1" not in stderr and "id-1" not in stderr


def test_a_lost_connection_stops_the_run_as_a_failure_does():
    remote = Recorder(lose=2)
    sent, stderr = send(remote, "DROP MODEL a;\nDROP MODEL b;\nDROP MODEL c;\n", "p")
    assert sent == Sent(Ending.LOST, 1, 3)
    assert len(remote.calls) == 2
    assert stderr.splitlines()[2] == (
        "script.sql:2:1: FAILED: ODPS-0010000: Connection lost - POST /projects/p/instances: ConnectionError: "
        "connection reset"
    )


def test_ctrl_c_while_a_statement_is_sent_names_it_as_unknown_and_sends_no_more():
    remote = Recorder(interrupt=2)
    sent, stderr = send(remote, "DROP MODEL a;\nDROP MODEL b;\nDROP MODEL c;\n", "p")
    assert (sent, len(remote.calls)) == (Sent(Ending.INTERRUPTED, 1, 3), 2)
    assert stderr == (
        "[1/3] DROP MODEL a ... OK\n"
        "[2/3] DROP MODEL b ... INTERRUPTED\n"
        "Interrupted: statement [2/3] (DROP MODEL b) may or may not have run; 1 of 3 statements ran before it and "
        "the rest were not sent; `mcshell plan` shows what is left to do\n"
    )


# -- what a progress line shows of a statement ----------------------------------------------------
def test_a_progress_line_masks_apikeys_escapes_control_characters_and_cuts_long_statements():
    remote = Recorder()
    key = "sk-0a1b2c3d4e5f"
    script = (
        f"ALTER MODEL m ADD VERSION v2 OPTIONS(APIKEY = '{key}');\n"
        "DROP MODEL `a\x1b[31mb`;\n"
        f"ALTER MODEL {'x' * 80} DROP VERSION v1;\n"
    )
    sent, stderr = send(remote, script, "p")
    assert stderr == (
        "[1/3] ALTER MODEL m ADD VERSION v2 OPTIONS(APIKEY = '********') ... OK\n"
        "[2/3] DROP MODEL `a\\x1b[31mb` ... OK\n"
        f"[3/3] ALTER MODEL {'x' * 60}... ... OK\n"
    )
    assert key not in stderr
    assert remote.calls[0] == ("sql", f"ALTER MODEL m ADD VERSION v2 OPTIONS(APIKEY = '{key}')", {})  # sent whole


# -- refused before anything is sent --------------------------------------------------------------
@pytest.mark.parametrize(
    ("script", "message", "where"),
    [
        ("DROP MODEL m;\nUSE other_project;\nDROP MODEL n;\n",
         "USE other_project: apply sends every statement to project p1; apply the statements for another project "
         "with its own --project", (2, 1)),
        ("DROP MODEL m;\nDROP MODLE n;\n", "", (2, 1)),
        ("DROP MODEL m;\nDROP MODEL `n;\n", "", (2, 12)),
    ],
)  # fmt: skip
def test_a_use_of_another_project_or_a_statement_that_does_not_parse_refuses_the_script(script, message, where):
    with pytest.raises(Refused) as refused:
        script_steps(text_lines(script), "p1")
    assert refused.value.position == where
    if message:
        assert refused.value.error.message == message


# -- the command ----------------------------------------------------------------------------------
def target_env(url: str, project: str) -> dict[str, str]:
    return {"ODPS_ENDPOINT": url, "ODPS_PROJECT_NAME": project, "ALIBABA_CLOUD_ACCESS_KEY_ID": "owner-id",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRETS["owner-id"]}  # fmt: skip


def test_with_no_terminal_and_no_yes_apply_refuses_before_anything_is_sent(production, mcshell, catalog):
    endpoint, _ = production
    run = mcshell("apply", "-e", "DROP MODEL m;", env=target_env(endpoint.url, new_project()))
    assert (run.stdout, run.status) == ("", 2)
    assert run.stderr.endswith(
        "Error: apply asks before it sends anything, and there is no terminal to ask on: give --yes to send "
        "without asking\n"
    )
    assert not catalog.exists()


def on_terminal(args: list[str], env: dict[str, str], answer: bytes = b"") -> tuple[int, str]:
    """mcshell with standard input and standard error on a pseudo-terminal (`answer` typed at
    once): its exit status and what the terminal showed."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    mcshell = str(Path(sys.executable).with_name("mcshell"))
    try:
        os.write(leader, answer)
        process = subprocess.Popen([mcshell, *args], stdin=follower, stdout=subprocess.DEVNULL, stderr=follower,
                                   env={**os.environ, **env})  # fmt: skip
        os.close(follower)
        shown = read_terminal(leader)
        status = process.wait(timeout=120)
    finally:
        os.close(leader)
    return status, shown.decode().replace("\r\n", "\n")


def test_on_a_terminal_apply_goes_on_without_yes(production, tmp_path):
    """Standard input and standard error on a terminal: no usage error, apply connects (and here,
    with a wrong key, is refused at its first call, before anything is read or sent)."""
    endpoint, _ = production
    env = {**target_env(endpoint.url, new_project()), "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong"}
    status, shown = on_terminal(["--catalog", str(tmp_path / "c.db"), "apply", "-e", "DROP MODEL m;"], env)
    assert (status, shown) == (
        1,
        "FAILED: ODPS-0010000: Remote error - SignatureNotMatch: the request signature does not match: check the "
        "access key secret\napply stopped: nothing was sent\n",
    )


def test_a_script_with_queries_is_refused_unless_skip_queries(production, mcshell, tmp_path):
    endpoint, _ = production
    (tmp_path / "s.sql").write_text("DROP MODEL m;\n\n  SELECT 1;\nSELECT 2;\n")
    run = mcshell("apply", "-f", str(tmp_path / "s.sql"), "--yes", env=target_env(endpoint.url, new_project()))
    assert (run.stdout, run.status) == ("", 2)
    assert run.stderr.endswith(
        "Error: the script has 2 query statements (the first at [3,3]): apply never sends queries; give "
        "--skip-queries to apply the rest (the plan still checks the queries)\n"
    )


def test_a_use_of_another_project_fails_at_its_position_before_anything_is_sent(production, mcshell):
    endpoint, _ = production
    project = new_project()
    run = mcshell("apply", "--yes", stdin="DROP MODEL m;\nUSE elsewhere;\n", env=target_env(endpoint.url, project))
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr == (
        f"<stdin>:2:1: FAILED: ODPS-0010000: Apply refused - USE elsewhere: apply sends every statement to project "
        f"{project}; apply the statements for another project with its own --project\n"
    )


def test_a_wrong_key_is_refused_before_anything_is_read_or_sent_and_never_shown(production, mcshell, catalog):
    endpoint, served = production
    env = {**target_env(endpoint.url, new_project()), "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong-secret-9"}
    run = mcshell("apply", "--yes", "-e", "DROP MODEL m;", env=env)
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr == (
        "FAILED: ODPS-0010000: Remote error - SignatureNotMatch: the request signature does not match: check the "
        "access key secret\napply stopped: nothing was sent\n"
    )
    assert "wrong-secret-9" not in run.stderr and "owner-id" not in run.stderr
    assert not catalog.exists()


def test_a_script_that_is_not_utf8_is_refused_at_its_line_before_any_connection(mcshell, tmp_path):
    (tmp_path / "s.sql").write_bytes(b"DROP MODEL a;\nDROP MODEL \xff;\n")
    nowhere = target_env("http://127.0.0.1:9/api", "sales")  # never reached: port 9 answers nothing
    run = mcshell("apply", "--yes", "-f", str(tmp_path / "s.sql"), env=nowhere)
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr == (
        f"{tmp_path / 's.sql'}:2:12: FAILED: ODPS-0130161: Parse exception - the input is not valid UTF-8: byte 0xff "
        "cannot be read\n"
    )


def test_apply_takes_one_script_and_a_whole_target(mcshell, tmp_path):
    (tmp_path / "x.sql").write_text("DROP MODEL m;\n")
    run = mcshell("apply", "-e", "DROP MODEL m;", "-f", str(tmp_path / "x.sql"))
    assert (run.status, run.stderr.splitlines()[-1]) == (2, "Error: give either -e or -f, not both")
    run = mcshell("apply", "-e", "DROP MODEL m;", "--yes", env={"ODPS_ENDPOINT": "http://127.0.0.1:9/api"})
    assert run.status == 2
    assert run.stderr.splitlines()[-1].startswith("Error: no project: give --project")
    run = mcshell("-e", "DROP MODEL m;", "apply")
    refusal = (
        "Error: -e, -f and --check before 'apply' run statements locally; give the script after it: "
        "mcshell apply -f FILE (it is checked as --check checks it)"
    )
    assert (run.status, run.stderr.splitlines()[-1]) == (2, refusal)


# -- the whole command --------------------------------------------------------------------------
def test_plan_then_apply_leaves_production_as_the_script_run_locally_and_the_catalog_equal_to_it(
    production, mcshell, tmp_path
):
    endpoint, served = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    script = SCRIPT.format(project=project)
    (tmp_path / "s.sql").write_text(script)
    env = target_env(endpoint.url, project)
    planned = mcshell("plan", "-f", str(tmp_path / "s.sql"), env=env)
    assert planned.status == 0, planned.stderr
    run = mcshell("apply", "-f", str(tmp_path / "s.sql"), "--yes", env=env)
    assert run.status == 0, run.stderr
    assert planned.stdout in run.stdout + run.stderr  # the same plan, shown again before the run
    assert PROGRESS in run.stderr
    assert run.stderr.endswith(f"7 statements ran on {endpoint.url} project {project}\n")
    local = tmp_path / "local.db"
    assert mcshell("--project", project, "--user", OWNER, "-e", script, catalog_path=local).status == 0
    assert dump_of(mcshell, served, project) == dump_of(mcshell, local, project)
    pulled = tmp_path / "catalog.db"  # the mcshell fixture's --catalog: pulled after the run
    assert dump_of(mcshell, pulled, project) == dump_of(mcshell, served, project)


def test_a_plan_against_the_service_sends_only_reads_and_production_keeps_its_dump(production, mcshell, tmp_path):
    """The issue's plan test against `mcshell serve`: a plan that adds, changes and removes, and one
    that would fail at its line 2; production holds the same dump afterwards (its file's bytes are
    not compared here: the server holds it open, in WAL mode)."""
    endpoint, served = production
    project = new_project()
    owner = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    owner.execute_sql(f"USE {project};")
    owner.execute_sql(IMPORT_V1.replace("test_xgboost_classifier", "churn").rstrip().rstrip(";"))
    owner.run_security_query(f"ADD USER {BOB}", output_json=False)
    (tmp_path / "s.sql").write_text(
        import_version("churn", "v2") + "ALTER MODEL churn SET DEFAULT_VERSION v2;\n"
        f"ALTER MODEL churn DROP VERSION v1;\nREMOVE USER {BOB};\n"
    )  # fmt: skip
    (tmp_path / "bad.sql").write_text(f"REMOVE USER {BOB};\nALTER MODEL churn DROP VERSION v1;\n")
    dumped = dump_of(mcshell, served, project)
    env = target_env(endpoint.url, project)
    planned, failed = (mcshell("plan", "-f", str(tmp_path / name), env=env) for name in ("s.sql", "bad.sql"))
    assert (planned.stdout, planned.status) == (
        "~ model churn: default version v1 -> v2\n- version churn.v1\n+ version churn.v2\n"
        f"- member {BOB}\nPlan: 1 to add, 1 to change, 2 to remove.\n", 0,
    )  # fmt: skip
    assert (failed.stderr.splitlines()[0], failed.status) == (
        f"{tmp_path / 'bad.sql'}:2:1: FAILED: ODPS-0110061: Failed to run ddltask - The default version of the model "
        "cannot be dropped", 1,
    )  # fmt: skip
    assert dump_of(mcshell, served, project) == dumped


class OtherClientFirst:
    """The real connection; before the script's first statement is sent (after apply's pull and
    plan, whose reads go through too), `change` runs: another pyodps client changing production
    while apply runs."""

    def __init__(self, remote: Remote, change, first: str):
        self.remote, self.change, self.first = remote, change, first

    def __getattr__(self, name):  # catalog_json, whoami, target ...: the real connection's
        return getattr(self.remote, name)

    def _before(self, text: str) -> None:
        if self.change is not None and text.startswith(self.first):
            self.change, change = None, self.change
            change()

    def sql(self, text, hints=None):
        self._before(text)
        return self.remote.sql(text, hints)

    def security(self, query, hints=None):
        self._before(query)
        return self.remote.security(query, hints)


def test_a_change_another_client_makes_while_apply_runs_is_shown_as_drift(production, tmp_path):
    """Another pyodps client grants a privilege after apply's plan, before its statements land:
    apply's second pull finds a grant the plan did not predict: drift, exit 1. The local catalog
    holds it, as the remote does."""
    from mcshell.catalog.snapshot import read_project
    from mcshell.catalog.store import Catalog
    from mcshell.remote.apply import ApplyOptions, run_apply

    endpoint, _ = production
    project = new_project()
    other = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    other.execute_sql(f"USE {project};")
    other.run_security_query(f"ADD USER {ALICE}", output_json=False)
    remote = OtherClientFirst(
        remote_for(endpoint.url, project),
        lambda: other.run_security_query(f"GRANT List ON PROJECT {project} TO USER {ALICE}", output_json=False),
        first="ADD USER",
    )
    options = ApplyOptions(str(tmp_path / "catalog.db"), project, endpoint.url, yes=True)
    err = io.StringIO()
    status = run_apply(lambda: remote, text_lines(f"ADD USER {BOB};\n"), "s.sql", options, None,
                       Console(io.StringIO(), err))  # fmt: skip
    assert int(status) == 1, err.getvalue()
    assert err.getvalue().splitlines()[-1] == f"drift: + grant List on project {project} to user {ALICE}"
    catalog = Catalog.open(str(tmp_path / "catalog.db"), "2026-01-01 00:00:00")
    with catalog.transaction(write=False):
        assert any(
            row.grantee == ALICE.lower() or row.grantee == ALICE for row in read_project(catalog, project).grants
        )
    catalog.close()


class LostAfterTheRun:
    """The real connection, lost when apply reads the project again after its run (the second
    `GET /projects/<p>`): the statements landed, the pull after them did not."""

    def __init__(self, remote: Remote):
        self.remote, self.reads = remote, 0

    def __getattr__(self, name):
        return getattr(self.remote, name)

    def project_info(self):
        self.reads += 1
        if self.reads == 2:
            raise RemoteLost("GET projects: ConnectionError: the server went away")
        return self.remote.project_info()


def test_a_pull_after_the_run_that_fails_makes_no_catalog_where_there_was_none(production, tmp_path):
    from mcshell.remote.apply import ApplyOptions, run_apply

    endpoint, _ = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    remote = LostAfterTheRun(remote_for(endpoint.url, project))
    options = ApplyOptions(str(tmp_path / "catalog.db"), project, endpoint.url, yes=True)
    err = io.StringIO()
    status = run_apply(lambda: remote, text_lines(f"ADD USER {BOB};\n"), "s.sql", options, None,
                       Console(io.StringIO(), err))  # fmt: skip
    assert int(status) == 1
    assert err.getvalue().splitlines()[-3:] == [
        f"1 statement ran on {endpoint.url} project {project}",
        "FAILED: ODPS-0010000: Connection lost - GET projects: ConnectionError: the server went away",
        "the local catalog was not updated: `mcshell pull` reads the remote's state again",
    ]
    assert list(tmp_path.iterdir()) == []


def test_an_admin_granted_by_apply_is_planned_and_pulled_back_without_drift(production, mcshell, catalog):
    endpoint, served = production
    project = new_project()
    owner = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    owner.execute_sql(f"USE {project};")
    owner.run_security_query(f"ADD USER {ALICE}", output_json=False)
    run = mcshell("apply", "--yes", "-e", f"GRANT Admin TO {ALICE};", env=target_env(endpoint.url, project))
    assert run.status == 0, run.stderr
    assert f"+ role Admin to user {ALICE}\n" in run.stdout + run.stderr
    assert "drift" not in run.stdout + run.stderr
    assert f"GRANT Admin TO {ALICE};" in dump_of(mcshell, catalog, project)


def test_grants_kept_for_a_user_apply_removes_are_no_drift(production, mcshell):
    """REMOVE USER keeps the user's grants, which no security query shows (docs/remote.md):
    the second pull cannot see them, and apply does not report them as gone."""
    endpoint, served = production
    project = new_project()
    owner = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    owner.execute_sql(f"USE {project};")
    owner.run_security_query(f"ADD USER {BOB}", output_json=False)
    owner.run_security_query(f"GRANT List ON PROJECT {project} TO USER {BOB}", output_json=False)
    run = mcshell("apply", "--yes", "-e", f"REMOVE USER {BOB};", env=target_env(endpoint.url, project))
    assert run.status == 0, run.stderr
    assert "drift" not in run.stdout + run.stderr


def test_a_user_who_may_not_read_the_project_is_stopped_before_anything_is_sent(production, mcshell, tmp_path):
    endpoint, served = production
    project = new_project()
    owner = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    owner.execute_sql(f"USE {project};")
    owner.run_security_query(f"ADD USER {ALICE}", output_json=False)
    before = dump_of(mcshell, served, project)
    env = {**target_env(endpoint.url, project), "ALIBABA_CLOUD_ACCESS_KEY_ID": "alice-id",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRETS["alice-id"]}  # fmt: skip
    run = mcshell("apply", "--yes", stdin=f"ADD USER {BOB};\n", env=env)
    assert run.status == 1, run.stderr
    # The plan's pull needs List on the project (docs/remote.md): the service's own line, then nothing sent.
    assert run.stderr.splitlines() == [
        "FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege "
        f"'odps:List' on {{acs:odps:*:projects/{project}}}. --->Tips: CurrentProject:{project}; Principal:{ALICE};",
        "apply stopped: nothing was sent",
    ]
    assert dump_of(mcshell, served, project) == before
    assert SECRETS["alice-id"] not in run.stdout + run.stderr


def test_on_a_terminal_apply_asks_and_a_no_sends_nothing(production, mcshell, tmp_path):
    """The question on a pseudo-terminal: `n` cancels, nothing sent."""
    endpoint, served = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    before = dump_of(mcshell, served, project)
    (tmp_path / "s.sql").write_text(f"ADD USER {BOB};\n")
    args = ["--catalog", str(tmp_path / "c.db"), "apply", "-f", str(tmp_path / "s.sql")]
    status, shown = on_terminal(args, target_env(endpoint.url, project), answer=b"n\n")
    assert status == 1
    assert f"Apply 1 change to {endpoint.url} project {project}? [y/N] " in shown  # the typed n echoes first
    assert shown.endswith("Apply cancelled: nothing was sent.\n")
    assert dump_of(mcshell, served, project) == before


# -- the command's steps, in order, with pull, plan and diff stood in ------------------------------
# Their functions are replaced in mcshell.remote.apply (an interpreted module, so that a replacement
# is seen): these tests hold the order of apply's steps and what each outcome leads to; the tests
# above run the whole command.
class Flow:
    """A stand-in connection and the stood-in pull, plan and diff, all recording into `events`."""

    def __init__(self, monkeypatch, plan, drift=(), refuse: int = 0):
        from mcshell.remote import apply as module

        self.events: list[str] = []
        self.remote = Recorder(refuse=refuse)
        self.remote.whoami = lambda: "ALIYUN$owner@example.com"
        recorded = self.remote._call

        def call(*what):
            self.events.append(f"{what[0]} {what[1]}")
            return recorded(*what)

        self.remote._call = call
        from mcshell.remote import pull

        monkeypatch.setattr(pull, "read_state", lambda remote, progress=None: (None, self.remote.whoami()))
        monkeypatch.setattr(pull, "write_state", self._pull)
        monkeypatch.setattr(module, "plan_script", lambda catalog, project, user, lines, source, console: self._plan(
            plan, user, lines))  # fmt: skip
        monkeypatch.setattr(module, "print_plan", lambda plan, console, fmt: console.result(
            "".join(f"{c.sign} {c.text}\n" for c in plan.changes)))  # fmt: skip
        monkeypatch.setattr(module, "diff", lambda before, after: list(drift))

    def _pull(self, remote, catalog, state, user, now, started):
        from mcshell.remote.pull import PullSummary

        self.events.append(f"pull into {'memory' if catalog.path == ':memory:' else 'the catalog'}")
        return PullSummary("http://h/api", "p", user, 0, 0, 0, 0, 0, 0, 0.0)

    def _plan(self, plan, user, lines):
        self.events.append(f"plan {len(lines)} lines as {user}")
        return plan

    def run(self, tmp_path, script: str, yes: bool = True, answer=None, catalog=None) -> tuple[int, str, str]:
        from mcshell.remote.apply import ApplyOptions, run_apply

        options = ApplyOptions(str(catalog or tmp_path / "catalog.db"), "p", "http://h/api", yes=yes)
        asked: list[str] = []

        def ask(question):
            asked.append(question)
            if isinstance(answer, BaseException):
                raise answer
            return answer

        ask = None if answer is None else ask
        out, err = io.StringIO(), io.StringIO()
        status = run_apply(lambda: self.remote, text_lines(script), "s.sql", options, ask, Console(out, err))
        self.events += [f"asked {question}" for question in asked]
        return int(status), out.getvalue(), err.getvalue()


def a_plan(changes=1, failures=0):
    from mcshell.remote.plan import Plan
    from mcshell.rules.diff import Change

    shown = [Change("+", "version", f"version m.v{n}") for n in range(1, changes + 1)]
    return Plan(changes=shown, statements=2, failures=failures, broken_queries=0, after=None)


def test_apply_plans_against_a_private_pull_sends_then_pulls_into_the_catalog(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan())
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\nGRANT Describe ON MODEL m TO USER ALIYUN$x@y.com;\n")
    assert (status, out) == (0, "+ version m.v1\n")
    assert err == (
        "[1/2] DROP MODEL a ... OK\n[2/2] GRANT Describe ON MODEL m TO USER ALIYUN$x@y.com ... OK\n"
        "2 statements ran on http://h/api project p\n"
    )
    assert flow.events == [
        "pull into memory", "plan 2 lines as ALIYUN$owner@example.com", "sql DROP MODEL a",
        "security GRANT Describe ON MODEL m TO USER ALIYUN$x@y.com", "pull into the catalog",
    ]  # fmt: skip


def test_a_plan_with_failures_sends_nothing(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan(failures=2))
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\n")
    assert (status, out, err) == (1, "", "apply stopped: the plan has 2 failures; nothing was sent\n")
    assert flow.events == ["pull into memory", "plan 1 lines as ALIYUN$owner@example.com"]


def test_on_a_terminal_the_plan_is_confirmed_and_a_no_sends_nothing(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan(changes=2))
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\n", yes=False, answer=False)
    assert (status, err) == (1, "Apply cancelled: nothing was sent.\n")
    assert flow.events[-1] == "asked Apply 2 changes to http://h/api project p? [y/N] "
    assert not any(event.startswith(("sql", "security")) for event in flow.events)
    flow = Flow(monkeypatch, a_plan(changes=1))
    assert flow.run(tmp_path, "DROP MODEL a;\n", yes=False, answer=True)[0] == 0
    assert "sql DROP MODEL a" in flow.events


def test_a_plan_without_changes_sends_nothing_and_pulls(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan(changes=0))
    status, out, err = flow.run(tmp_path, "GRANT Describe ON MODEL m TO USER ALIYUN$x@y.com;\n", yes=False, answer=True)
    assert (status, err) == (0, "No changes: nothing was sent.\n")
    assert flow.events == ["pull into memory", "plan 1 lines as ALIYUN$owner@example.com", "pull into the catalog"]


def test_what_the_remote_holds_that_the_plan_did_not_predict_is_drift(monkeypatch, tmp_path):
    from mcshell.rules.diff import Change

    drift = [Change("+", "grant", "grant Describe on project p to user ALIYUN$eve@example.com")]
    flow = Flow(monkeypatch, a_plan(), drift=drift)
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\n")
    assert status == 1
    assert err.splitlines()[-2:] == [
        "1 statement ran on http://h/api project p",
        "drift: + grant Describe on project p to user ALIYUN$eve@example.com",
    ]


def test_after_a_remote_failure_the_catalog_is_pulled_and_no_drift_is_looked_for(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan(), drift=[object()], refuse=2)
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\nDROP MODEL nosuch;\nDROP MODEL c;\n")
    assert status == 1
    assert err.splitlines()[-1] == "1 of 3 statements ran; the rest were not sent"
    assert flow.events[-2:] == ["sql DROP MODEL nosuch", "pull into the catalog"]


def test_an_apikey_the_remote_shows_masked_is_no_drift(production, tmp_path):
    """A version with an APIKEY comes back from the pull after the run masked, as DESC MODEL shows
    it, while the plan predicted the key itself: that alone is no drift (a long key and a short one)."""
    from mcshell.remote.apply import ApplyOptions, run_apply

    endpoint, _ = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    script = REMOTE_V1 + (
        "ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v2 WITH OPTIONS(TASKS = 'text-generation', "
        "PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B', PAI_EAS_SERVICE_NAME = 'test_remote_model', "
        "ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com', APIKEY = 'short', "
        "PAI_EAS_SYNC_MODE = 'true');\n"
    )
    err = io.StringIO()
    status = run_apply(lambda: remote_for(endpoint.url, project), text_lines(script), "s.sql",
                       ApplyOptions(str(tmp_path / "catalog.db"), project, endpoint.url, yes=True), None,
                       Console(io.StringIO(), err))  # fmt: skip
    assert "drift" not in err.getvalue(), err.getvalue()
    assert int(status) == 0, err.getvalue()
    assert err.getvalue().splitlines()[-1] == f"2 statements ran on {endpoint.url} project {project}"


def test_a_catalog_apply_could_not_pull_into_stops_it_before_anything_is_sent(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan())
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\n", catalog=tmp_path)  # a directory
    assert (status, err.splitlines()[-1]) == (1, "apply stopped: nothing was sent")
    assert err.splitlines()[0].startswith(
        f"FAILED: ODPS-0010000: System internal error - cannot open catalog '{tmp_path}'"
    )
    assert flow.events == []


def test_ctrl_c_at_the_question_sends_nothing(monkeypatch, tmp_path):
    flow = Flow(monkeypatch, a_plan())
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\n", yes=False, answer=KeyboardInterrupt())
    assert (status, err.splitlines()[-1]) == (130, "Interrupted: nothing was sent")
    assert not any(event.startswith(("sql", "security")) for event in flow.events)
    flow = Flow(monkeypatch, a_plan())
    status, out, err = flow.run(tmp_path, "DROP MODEL a;\n", yes=False, answer=EOFError())
    assert (status, err.splitlines()[-1]) == (1, "Apply cancelled: nothing was sent.")


TABLE_SCRIPT = (
    "CREATE TABLE customers (id BIGINT NOT NULL COMMENT 'customer id', age INT) COMMENT 'churn features' "
    "PARTITIONED BY (ds STRING) LIFECYCLE 30;\n"
    "ALTER TABLE customers ADD COLUMNS (visits BIGINT);\n"
    "ALTER TABLE customers ADD PARTITION (ds = '20261207');\n"
    f"ADD USER {BOB};\n"
    f"GRANT Describe, Select ON TABLE customers TO USER {BOB};\n"
)


def test_a_script_of_table_ddl_is_applied_pulled_back_without_drift_and_production_ends_as_run_locally(
    production, mcshell, tmp_path
):
    endpoint, served = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    (tmp_path / "t.sql").write_text(TABLE_SCRIPT)
    run = mcshell("apply", "-f", str(tmp_path / "t.sql"), "--yes", env=target_env(endpoint.url, project))
    assert run.status == 0, run.stderr
    assert run.stdout == (
        "+ table customers\n"
        "+ partition customers/ds=20261207\n"
        f"+ member {BOB}\n"
        f"+ grant Describe on table customers to user {BOB}\n"
        f"+ grant Select on table customers to user {BOB}\n"
        "Plan: 5 to add, 0 to change, 0 to remove.\n"
    )
    assert "drift" not in run.stderr
    assert "[1/5] CREATE TABLE customers (id BIGINT NOT NULL COMMENT 'customer id', age IN... ... OK\n" in run.stderr
    local = tmp_path / "local.db"
    assert mcshell("--project", project, "--user", OWNER, "-e", TABLE_SCRIPT, catalog_path=local).status == 0
    assert dump_of(mcshell, served, project) == dump_of(mcshell, local, project)
    pulled = tmp_path / "catalog.db"
    assert dump_of(mcshell, pulled, project) == dump_of(mcshell, served, project)


def test_a_partition_another_client_adds_while_apply_runs_is_drift(production, tmp_path):
    from mcshell.remote.apply import ApplyOptions, run_apply

    endpoint, _ = production
    project = new_project()
    other = client(endpoint.url, project, "owner-id", SECRETS["owner-id"])
    other.execute_sql(f"USE {project};")
    other.execute_sql("CREATE TABLE customers (id BIGINT) PARTITIONED BY (ds STRING);")
    remote = OtherClientFirst(
        remote_for(endpoint.url, project),
        lambda: other.execute_sql("ALTER TABLE customers ADD PARTITION (ds = '20261206');"),
        first="ALTER TABLE",
    )
    options = ApplyOptions(str(tmp_path / "catalog.db"), project, endpoint.url, yes=True)
    err = io.StringIO()
    script = "ALTER TABLE customers ADD PARTITION (ds = '20261207');\n"
    status = run_apply(lambda: remote, text_lines(script), "s.sql", options, None, Console(io.StringIO(), err))
    assert int(status) == 1, err.getvalue()
    assert err.getvalue().splitlines()[-1] == "drift: + partition customers/ds=20261206"


def test_apply_s_last_pull_says_which_tables_local_rows_it_dropped(production, tmp_path, mcshell):
    """Apply pulls into the user's catalog after its run, which replaces the project's tables: when
    they held local rows, it says so, before its drift check."""
    from mcshell.remote.apply import ApplyOptions, run_apply

    endpoint, _ = production
    project = new_project()
    client(endpoint.url, project, "owner-id", SECRETS["owner-id"]).execute_sql(f"USE {project};")
    catalog = tmp_path / "catalog.db"
    options = ApplyOptions(str(catalog), project, endpoint.url, yes=True)

    def apply(script: str) -> list[str]:
        err = io.StringIO()
        status = run_apply(lambda: remote_for(endpoint.url, project), text_lines(script), "s.sql", options, None,
                           Console(io.StringIO(), err))  # fmt: skip
        assert int(status) == 0, err.getvalue()
        return err.getvalue().splitlines()

    assert apply("CREATE TABLE customers (id BIGINT);\n")[-1] == f"1 statement ran on {endpoint.url} project {project}"
    (tmp_path / "rows.csv").write_text("1\n2\n")
    upload = f"tunnel upload {tmp_path / 'rows.csv'} customers;"
    assert mcshell("--project", project, "--user", OWNER, "-e", upload, catalog_path=catalog).status == 0
    assert apply("ALTER TABLE customers ADD COLUMNS (age INT);\n")[-2:] == [
        f"1 statement ran on {endpoint.url} project {project}",
        "the local rows of 1 table were dropped (customers): a pull brings no rows",
    ]

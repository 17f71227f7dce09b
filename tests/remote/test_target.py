"""Where pull, plan and apply find their project and credentials (mcshell/remote/target.py), and
the usage errors (exit 2) for what is missing or wrong, through the CLI."""

from __future__ import annotations

import pytest

from mcshell.remote.target import Target, TargetError, find_target

ENV = {"ODPS_ENDPOINT": "http://127.0.0.1:9/api", "ODPS_PROJECT_NAME": "sales"}


def test_the_config_file_wins_and_the_credentials_come_whole_from_one_place():
    settings = {"end_point": "http://e/api", "project_name": "p1", "access_id": "LTAI0001", "access_key": "k1"}
    environ = {**ENV, "ALIBABA_CLOUD_ACCESS_KEY_ID": "other", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "other"}
    assert find_target(settings, None, environ) == Target("http://e/api", "p1", "LTAI0001", "k1")
    assert find_target(settings, "p2", environ).project == "p2"  # --project wins
    assert find_target({}, None, environ) == Target("http://127.0.0.1:9/api", "sales", "other", "other")


def test_pyodps_sts_variables_are_left_to_pyodps_when_whole():
    sts = {"ODPS_STS_ACCESS_KEY_ID": "i", "ODPS_STS_ACCESS_KEY_SECRET": "s", "ODPS_STS_TOKEN": "t"}
    assert find_target({}, None, {**ENV, **sts}) == Target("http://127.0.0.1:9/api", "sales")
    assert find_target({}, None, {**ENV, "ODPS_STS_ACCOUNT_FILE": "/f"}).access_id is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ODPS_PROJECT_NAME": "s"}, "no endpoint: give --config with end_point=, or set ODPS_ENDPOINT"),
        ({"ODPS_ENDPOINT": "http://e"},
         "no project: give --project, project_name= in --config, or set ODPS_PROJECT_NAME"),
        ({**ENV, "ALIBABA_CLOUD_ACCESS_KEY_ID": "i"}, "ALIBABA_CLOUD_ACCESS_KEY_ID is set in the environment but "
         "ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"),
        ({**ENV, "ODPS_STS_ACCESS_KEY_ID": "i"}, "ODPS_STS_ACCESS_KEY_ID set in the environment but not "
         "ODPS_STS_ACCESS_KEY_SECRET and ODPS_STS_TOKEN"),
    ],
)  # fmt: skip
def test_what_is_missing_is_named(environ, message):
    with pytest.raises(TargetError) as raised:
        find_target({}, None, environ)
    assert str(raised.value) == message


def test_an_endpoint_that_is_no_url_is_a_usage_error_with_the_credentials_scrubbed(mcshell):
    env = {"ODPS_ENDPOINT": "ftp://LTAIexample0001:secret-value-99@h/api", "ODPS_PROJECT_NAME": "sales",
           "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIexample0001",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-value-99"}  # fmt: skip
    run = mcshell("pull", env=env)
    assert (run.status, run.stderr.splitlines()[-1]) == (
        2,
        "Error: the endpoint 'ftp://********:********@h/api' is not an http:// or https:// URL",
    )


@pytest.mark.parametrize("command", [["pull"], ["plan", "-e", "ADD USER ALIYUN$bob@example.com;"],
                                     ["apply", "--yes", "-e", "ADD USER ALIYUN$bob@example.com;"]])  # fmt: skip
def test_without_pyodps_each_command_says_what_to_install_and_exits_2(monkeypatch, tmp_path, command):
    from click.testing import CliRunner

    from mcshell.cli import main

    monkeypatch.setitem(__import__("sys").modules, "odps", None)  # `import odps` fails, as without the extra
    keys = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIexample0001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-value-99"}
    run = CliRunner().invoke(main, ["--catalog", str(tmp_path / "c.db"), *command], env={**ENV, **keys})
    assert (run.exit_code, run.stdout, run.stderr) == (
        2, "", "mcshell: pull, plan and apply need pyodps: pip install 'mcshell[remote]'\n"
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []

"""--config reads the project from an odpscmd odps_config.ini and never shows its access keys."""

from __future__ import annotations

ODPS_CONFIG = """# written by odpscmd
project_name=Team_X
access_id=LTAI5tSECRETID
access_key=SECRETKEYVALUE0123456789
end_point=https://service.cn-shanghai.maxcompute.aliyun.com/api
"""


def test_project_name_comes_from_the_config_file(shell, tmp_path):
    path = tmp_path / "odps_config.ini"
    path.write_text(ODPS_CONFIG)
    run = shell("--user", "ALIYUN$alice", "--config", str(path), "-e", "WHOAMI")
    assert (run.stdout, run.stderr, run.status) == ("Name: ALIYUN$alice\nProject: team_x\n", "OK\n", 0)


def test_project_flag_wins_over_the_config_file(shell, tmp_path):
    path = tmp_path / "odps_config.ini"
    path.write_text(ODPS_CONFIG)
    run = shell("--config", str(path), "--project", "other_p", "-e", "WHOAMI")
    assert run.stdout.endswith("Project: other_p\n")


def test_a_config_file_without_project_name_leaves_the_default(shell, tmp_path):
    path = tmp_path / "odps_config.ini"
    path.write_text("access_id=x\n")
    assert shell("--config", str(path), "-e", "WHOAMI").stdout.endswith("Project: my_project\n")


def test_a_missing_config_file_is_a_usage_error_that_prints_no_secret(shell, tmp_path):
    run = shell("--config", str(tmp_path / "missing.ini"), "-e", "WHOAMI")
    assert run.status == 2
    assert "cannot read" in run.stderr


def test_access_keys_are_never_printed(shell, tmp_path):
    path = tmp_path / "odps_config.ini"
    path.write_text(ODPS_CONFIG.replace("Team_X", "bad-name"))
    run = shell("--config", str(path), "-e", "WHOAMI")
    assert run.status == 2
    assert "'bad-name' is not a project name" in run.stderr
    assert "SECRET" not in run.stdout + run.stderr

"""Every option value, environment variable and --config key that mcshell cannot use is a usage
error at start (click's `Error: Invalid value for ...`, exit status 2) that names where the value
came from: never a traceback, an internal error at the first statement, or a silent default."""

from __future__ import annotations

import pytest

USAGE = "Usage: mcshell [OPTIONS] [COMMAND] [ARGS]...\nTry 'mcshell --help' for help.\n\n"
PUBLIC_CALL = "SELECT AI_SIMILARITY(bigdata_public_modelset.`qwen3-max`, DEFAULT_VERSION, 'a', 'b') AS s;"

BAD_URLS = {
    "not a url": "'not a url' is not an http:// or https:// URL",
    "localhost:8080": "'localhost:8080' is not an http:// or https:// URL",
    "ftp://models.example/": "'ftp://models.example/' is not an http:// or https:// URL",
    "http://": "'http://' has no host name",
    "http://:8080/v1": "'http://:8080/v1' has no host name",
    "http://a b/": "'http://a b/' holds a space or a control character",
    "http://models.example/\x1b[2J": "'http://models.example/\\x1b[2J' holds a space or a control character",
    "http://h:99999": "'http://h:99999': port 99999 is out of range (1-65535)",
    "http://h:0/v1": "'http://h:0/v1': port 0 is out of range (1-65535)",
    "http://h:80a": "'http://h:80a': the port '80a' is not a number",
    "http://[::1": "'http://[::1' is not an http:// or https:// URL: Invalid IPv6 URL",
    "": "'' is not an http:// or https:// URL",
    "http://h/modèle": "'http://h/modèle' holds 'è' outside its host name; write it percent-encoded",
    "http://a..é/": "'http://a..é/' has a host name that is not a domain name",
}


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_public_endpoint_is_a_usage_error_at_start(mcshell, url):
    run = mcshell("--invoke", "--public-endpoint", url, "-e", PUBLIC_CALL)
    assert (run.stdout, run.stderr, run.status) == (
        "",
        f"{USAGE}Error: Invalid value for '--public-endpoint': {BAD_URLS[url]}\n",
        2,
    )


def test_a_bad_public_endpoint_in_the_environment_is_a_usage_error(mcshell):
    run = mcshell("-e", "WHOAMI;", env={"MCSHELL_PUBLIC_ENDPOINT": "not a url"})
    assert (run.stderr, run.status) == (
        f"{USAGE}Error: Invalid value for '--public-endpoint': 'not a url' is not an http:// or https:// URL\n",
        2,
    )


def test_a_bad_public_endpoint_in_the_config_file_names_the_file_and_key(mcshell, tmp_path):
    path = tmp_path / "odps_config.ini"
    path.write_text("public_endpoint=http://h:99999\naccess_key=SECRET\n")
    run = mcshell("--config", str(path), "-e", "WHOAMI;")
    assert (run.stderr, run.status) == (
        f"{USAGE}Error: Invalid value for public_endpoint in '{path}': 'http://h:99999': port 99999 is out of "
        "range (1-65535)\n",
        2,
    )


@pytest.mark.parametrize("value", ["maybe", "", "2"])
def test_a_config_boolean_that_is_not_one_names_the_file_and_key(mcshell, tmp_path, value):
    path = tmp_path / "odps_config.ini"
    path.write_text(f"invoke={value}\n")
    run = mcshell("--config", str(path), "-e", "WHOAMI;")
    assert (run.stdout, run.stderr, run.status) == (
        "",
        f"{USAGE}Error: Invalid value for invoke in '{path}': '{value}' is not a boolean; use true or false "
        "(also 1/0, yes/no, on/off)\n",
        2,
    )


@pytest.mark.parametrize(("value", "invoke"), [("TRUE", True), ("on", True), ("0", False), ("no", False)])
def test_a_config_boolean_reads_the_usual_spellings(shell, tmp_path, value, invoke):
    path = tmp_path / "odps_config.ini"
    path.write_text(f"invoke={value}\npublic_endpoint=http://127.0.0.1:9/v1\n")
    run = shell("--config", str(path), "-e", PUBLIC_CALL)
    assert run.status == 1
    refused = "sends no request without --invoke"
    assert (refused in run.stderr) is not invoke


@pytest.mark.parametrize("user", ["", "   "])
def test_an_empty_user_is_a_usage_error(mcshell, user):
    run = mcshell("--user", user, "-e", "WHOAMI;")
    assert (run.stdout, run.stderr, run.status) == (
        "",
        f"{USAGE}Error: Invalid value for '--user': the user name is empty\n",
        2,
    )


def test_an_empty_user_in_the_environment_is_the_login_user_as_when_unset(mcshell):
    """click reads an empty variable as unset: MCSHELL_USER= is no value at all."""
    run = mcshell("-e", "WHOAMI;", env={"MCSHELL_USER": ""})
    assert run.status == 0 and run.stdout.startswith("Name: ALIYUN$")


def test_an_empty_catalog_path_is_a_usage_error(mcshell):
    run = mcshell("--catalog", "", "-e", "WHOAMI;")
    assert (run.stdout, run.stderr, run.status) == (
        "",
        f"{USAGE}Error: Invalid value for '--catalog': the path is empty\n",
        2,
    )


def test_an_oss_root_that_is_not_a_directory_is_a_usage_error(mcshell, tmp_path):
    run = mcshell("--oss-root", str(tmp_path / "nowhere"), "-e", "WHOAMI;")
    assert (run.stdout, run.stderr, run.status) == (
        "",
        f"{USAGE}Error: Invalid value for '--oss-root': Directory '{tmp_path / 'nowhere'}' does not exist.\n",
        2,
    )


def test_an_oss_root_in_the_config_file_that_is_not_a_directory_names_the_file_and_key(mcshell, tmp_path):
    path = tmp_path / "odps_config.ini"
    (tmp_path / "a_file").write_text("x")
    path.write_text(f"oss_root={tmp_path / 'a_file'}\n")
    run = mcshell("--config", str(path), "-e", "WHOAMI;")
    assert (run.stdout, run.stderr, run.status) == (
        "",
        f"{USAGE}Error: Invalid value for oss_root in '{path}': '{tmp_path / 'a_file'}' is not a directory\n",
        2,
    )


# A statement for each kind of SQL the help of --skip-unsupported may name as skipped.
SKIPPED_EXAMPLES = {"CREATE VIEW": "CREATE VIEW v AS SELECT 1;", "TRUNCATE": "TRUNCATE TABLE t;"}


def test_the_help_of_skip_unsupported_names_only_statements_it_skips(mcshell):
    import re

    from mcshell.sql.grammar import STATEMENTS

    helped = " ".join(mcshell("--help").stdout.split())
    text = re.search(r"--skip-unsupported (.*?) --format", helped)
    assert text is not None
    named = re.search(r"\(([^)]*?)(?: \.\.\.)?[:)]", text.group(1))
    assert named is not None, text.group(1)
    examples = [word.strip() for word in named.group(1).split(",")]
    ours = {statement.name for statement in STATEMENTS}
    for example in examples:
        assert example not in ours, f"{example} is a statement mcshell runs, not one it skips"
        run = mcshell("--skip-unsupported", "-e", SKIPPED_EXAMPLES[example])
        assert run.stderr.startswith(f"WARNING: skipped unsupported statement '{example}") and run.status == 0

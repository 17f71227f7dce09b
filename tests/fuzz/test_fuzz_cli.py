"""A few fuzz inputs through the installed CLI, where the bytes really arrive: standard input and
`-e` arguments that are not UTF-8. Each run ends as OK or FAILED lines, exit status 0 or 1."""

from __future__ import annotations

import os
import re
import subprocess

from conftest import MCSHELL
from fuzz.fuzzer import BAD_BYTES, MUTATIONS, PIECES, SEEDS, Outcome, mutant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CLI = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
edits = st.lists(
    st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(PIECES)),
    max_size=3,
)
bad_bytes = st.lists(st.tuples(st.integers(0, 10**4), st.sampled_from(BAD_BYTES)), min_size=1, max_size=3)


def with_bad_bytes(text: str, bad: list[tuple[int, bytes]]) -> bytes:
    data = bytearray(text.encode())
    for at, chunk in bad:
        at %= len(data) + 1
        data[at:at] = chunk
    return bytes(data)


def cli(catalog, *args: str | bytes, stdin: bytes | None = None) -> Outcome:
    completed = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), "--continue-on-error", "--debug", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    decode = lambda data: data.decode("utf-8", "backslashreplace")  # noqa: E731
    return Outcome(decode(completed.stdout), decode(completed.stderr), completed.returncode)


@CLI
@given(seed=st.sampled_from(SEEDS), edits=edits, bad=bad_bytes)
def test_mutants_with_bad_bytes_on_stdin(tmp_path_factory, seed, edits, bad):
    catalog = tmp_path_factory.mktemp("cli") / "catalog.db"
    outcome = cli(catalog, stdin=with_bad_bytes(mutant(seed, edits), bad))
    assert outcome.problems == [], outcome.stderr


@CLI
@given(seed=st.sampled_from(SEEDS), edits=edits, bad=bad_bytes)
def test_mutants_with_bad_bytes_in_e(tmp_path_factory, seed, edits, bad):
    catalog = tmp_path_factory.mktemp("cli") / "catalog.db"
    text = with_bad_bytes(mutant(seed, edits), bad).replace(b"\x00", b"")  # an argument cannot hold NUL
    outcome = cli(catalog, "-e", text)
    assert outcome.problems == [], outcome.stderr


# -- option values, environment variables and --config keys (issue 19, item 9) --------------------
# Generated values for everything the command line reads: each run ends as OK or FAILED lines
# (exit status 0 or 1), or as one usage error (exit status 2, `Error: ...` last): never a traceback,
# never an internal error. No run sends a request: --invoke is never given, so a good URL is not called.
OPTIONS = settings(CLI, max_examples=12)
URL_PARTS = (
    "http://", "https://", "ftp://", "HTTP://", "", "h", "127.0.0.1", "[::1]", "[::1", "a b", "\x1b[2J",
    ":", ":0", ":8080", ":99999", ":-1", ":80a", "/", "/v1", "?q=1", "#f", "@", "user:pw@", "%20", "é",
)  # fmt: skip
urls = st.lists(st.sampled_from(URL_PARTS), max_size=6).map("".join) | st.text(max_size=40)
# An argument or an environment value cannot hold NUL; lone surrogates stand for bytes that are not UTF-8.
values = st.text(st.characters(blacklist_characters="\x00"), max_size=60) | st.sampled_from(
    ("", " ", "-", "--help", ":memory:", "/", "/dev/null", "/nonexistent/dir", "true", "maybe", "1", "0", "a" * 3000)
)  # fmt: skip
OPTION_NAMES = ("--public-endpoint", "--oss-root", "--catalog", "--user", "--project", "--format", "--config")
ENV_NAMES = ("MCSHELL_PUBLIC_ENDPOINT", "MCSHELL_OSS_ROOT", "MCSHELL_USER", "MCSHELL_PROJECT", "MCSHELL_INVOKE")
CONFIG_KEYS = ("project_name", "invoke", "oss_root", "public_endpoint")


def run_with(catalog, args: list[str], env: dict[str, str] | None = None) -> Outcome:
    completed = subprocess.run(
        [MCSHELL, "--catalog", str(catalog), *args, "-e", "WHOAMI; SHOW MODELS;"],
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    decode = lambda data: data.decode("utf-8", "backslashreplace")  # noqa: E731
    return Outcome(decode(completed.stdout), decode(completed.stderr), completed.returncode)


def usage_or_verdicts(outcome: Outcome) -> list[str]:
    """What is wrong: a usage error is one `Error:` line last, with exit status 2; any other run is judged
    as every fuzz run is (OK or FAILED lines, exit status 0 or 1)."""
    if outcome.status != 2:
        return [problem for problem in outcome.problems if problem != "internal error" or not catalog_errors(outcome)]
    lines = outcome.stderr.split("\n")[:-1]  # only "\n" ends a line on a terminal
    found = []
    if "Traceback" in outcome.stderr or "System internal error" in outcome.stderr:
        found.append("traceback or internal error in a usage error")
    if not lines or not lines[-1].startswith("Error: "):
        found.append("exit status 2 without an Error: line last")
    elif "\x1b" in lines[-1]:
        found.append("an escape character in a usage error")
    return found


_CATALOG_ERROR = re.compile(r"FAILED: ODPS-0010000: System internal error - (cannot (open|read) )?catalog '")


def catalog_errors(outcome: Outcome) -> bool:
    """Every internal error is the documented line of a catalog that cannot be used (a --catalog that
    is a directory, say: docs/reliability.md), not an mcshell bug."""
    errors = [line for line in outcome.stderr.splitlines() if "System internal error" in line]
    return all(_CATALOG_ERROR.match(line) for line in errors)


def encodable(text: str) -> str:
    """An argument or variable as the OS passes it: no NUL, and lone surrogates as the bytes they stand for."""
    return text.replace("\x00", "").encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")


@OPTIONS
@given(name=st.sampled_from(OPTION_NAMES), value=values | urls)
def test_any_option_value_is_a_usage_error_or_runs(tmp_path_factory, name, value):
    catalog = tmp_path_factory.mktemp("cli") / "catalog.db"
    outcome = run_with(catalog, [name, encodable(value)])
    assert usage_or_verdicts(outcome) == [], (name, value, outcome.stderr)


@OPTIONS
@given(url=urls)
def test_any_public_endpoint_is_a_usage_error_or_runs(tmp_path_factory, url):
    catalog = tmp_path_factory.mktemp("cli") / "catalog.db"
    outcome = run_with(catalog, ["--public-endpoint", encodable(url)])
    assert usage_or_verdicts(outcome) == [], (url, outcome.stderr)


@OPTIONS
@given(env=st.dictionaries(st.sampled_from(ENV_NAMES), values | urls, min_size=1, max_size=3))
def test_any_environment_value_is_a_usage_error_or_runs(tmp_path_factory, env):
    catalog = tmp_path_factory.mktemp("cli") / "catalog.db"
    outcome = run_with(catalog, [], env={name: encodable(value) for name, value in env.items()})
    assert usage_or_verdicts(outcome) == [], (env, outcome.stderr)


@OPTIONS
@given(
    settings_=st.dictionaries(st.sampled_from(CONFIG_KEYS), values | urls, min_size=1, max_size=4),
    bad=st.lists(st.tuples(st.integers(0, 400), st.sampled_from(BAD_BYTES)), max_size=2),
)
def test_any_config_file_is_a_usage_error_or_runs(tmp_path_factory, settings_, bad):
    folder = tmp_path_factory.mktemp("cli")
    text = "".join(f"{key}={value}\n" for key, value in settings_.items() if "\n" not in value and "\r" not in value)
    config = folder / "odps_config.ini"
    config.write_bytes(with_bad_bytes(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), bad))
    outcome = run_with(folder / "catalog.db", ["--config", str(config)])
    assert usage_or_verdicts(outcome) == [], (settings_, outcome.stderr)


# -- sizes and depths --------------------------------------------------------------------------
@settings(CLI, max_examples=6)
@given(
    depth=st.integers(1, 3000),
    size=st.integers(1, 200_000),
    shape=st.sampled_from(["type", "name", "comment", "string", "parentheses in DESC", "statement"]),
)
def test_deep_and_huge_statements_end_as_ok_or_failed(tmp_path_factory, depth, size, shape):
    """Nesting past every limit and names, comments, strings and scripts of up to 200,000 characters."""
    statement = {
        "type": "CREATE MODEL n WITH VERSION v INPUT(a " + "ARRAY<" * depth + "INT" + ">" * depth + ") OPTIONS(x='y');",
        "name": f"DESC MODEL {'m' * size};",
        "comment": f"CREATE MODEL c WITH VERSION v OPTIONS(MODEL_SOURCE_TYPE='REMOTE') COMMENT '{'c' * size}';",
        "string": f"SHOW MODELS LIKE '{'%' * size}';",
        "parentheses in DESC": "DESC MODEL " + "(" * depth + "m" + ")" * depth + ";",
        "statement": "SHOW MODELS;\n" * max(1, size // 2000),
    }[shape]
    catalog = tmp_path_factory.mktemp("cli") / "catalog.db"
    outcome = cli(catalog, stdin=statement.encode())
    assert outcome.problems == [], outcome.stderr[-2000:]

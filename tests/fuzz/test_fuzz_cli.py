"""A few fuzz inputs through the installed CLI, where the bytes really arrive: standard input and
`-e` arguments that are not UTF-8. Each run ends as OK or FAILED lines, exit status 0 or 1."""

from __future__ import annotations

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

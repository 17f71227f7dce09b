"""Hypothesis fuzzing in-process: every input ends as OK or FAILED lines, never a traceback, and
the catalog stays whole. Sized to keep the suite fast; scripts/fuzz runs 100,000 inputs."""

from __future__ import annotations

import pytest
from fuzz.fuzzer import (
    BAD_BYTES,
    KEYWORDS,
    MUTATIONS,
    PIECES,
    SEEDS,
    SURROGATES,
    USER,
    Runner,
    catalog_problems,
    mutant,
    tokens_of,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,  # no timed assertions: the machine may be slow and busy
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )


pieces = st.sampled_from(PIECES + KEYWORDS + SURROGATES)
mutations = st.lists(
    st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6), pieces),
    min_size=1,
    max_size=5,
)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """One catalog for the module, holding the documented models, so mutants reach the handlers."""
    runner = Runner(str(tmp_path_factory.mktemp("fuzz") / "catalog.db"))
    runner.setup()
    yield runner
    runner.close()


def check(runner: Runner, data: str | bytes) -> None:
    outcome = runner.run(data)
    assert outcome.problems == [], (data, outcome.stderr[-2000:])


def test_mutated_documented_statements(runner):
    """Tokens deleted, duplicated, swapped, cut in half (quotes and brackets left open), repeated
    (very long names and numbers), nested deep; NUL bytes, odd digits and lone surrogates inserted."""

    @fuzz(400)
    @given(seed=st.sampled_from(SEEDS), edits=mutations)
    def run(seed, edits):
        check(runner, mutant(seed, edits))

    run()
    assert catalog_problems(runner.path) == []


def test_random_token_sequences(runner):
    @fuzz(200)
    @given(words=st.lists(pieces, max_size=30), glue=st.sampled_from(["", " ", "\n"]))
    def run(words, glue):
        check(runner, glue.join(words))

    run()
    assert catalog_problems(runner.path) == []


def test_arbitrary_text(runner):
    @fuzz(200)
    @given(text=st.text(st.characters(codec=None, exclude_categories=())))
    def run(text):
        check(runner, text)

    run()


def test_bytes_that_are_not_utf8_on_stdin(runner):
    """What `mcshell < file` reads: a documented statement with bad bytes inserted anywhere."""

    @fuzz(150)
    @given(
        seed=st.sampled_from(SEEDS),
        bad=st.lists(st.tuples(st.integers(0, 10**4), st.sampled_from(BAD_BYTES)), min_size=1, max_size=3),
    )
    def run(seed, bad):
        data = bytearray(seed.encode())
        for at, chunk in bad:
            at %= len(data) + 1
            data[at:at] = chunk
        check(runner, bytes(data))

    run()


def test_arbitrary_bytes_on_stdin(runner):
    @fuzz(100)
    @given(data=st.binary(max_size=400))
    def run(data):
        check(runner, data)

    run()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_prefix_of_a_documented_statement(runner, seed):
    """A statement cut after each of its tokens: the shapes a half-typed or truncated script has."""
    tokens = tokens_of(seed)
    for end in range(len(tokens) + 1):
        check(runner, "".join(tokens[:end]))


@pytest.mark.parametrize("user", ["ALIYUN$bob@example.com", "ALIYUN$stranger@example.com"])
def test_mutants_run_by_a_member_and_a_stranger(runner, user):
    """The privilege checks see mutants too: the same catalog, run by someone who is not its owner."""
    other = Runner(runner.path, user=user)
    try:

        @fuzz(100)
        @given(seed=st.sampled_from(SEEDS), edits=mutations)
        def run(seed, edits):
            check(other, mutant(seed, edits))

        run()
    finally:
        other.close()
    assert USER != user
    assert catalog_problems(runner.path) == []

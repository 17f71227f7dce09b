"""Issue 19 through the installed CLI: item 2's examples give MaxCompute's answers or the one "not run
locally" line (never a wrong number), and item 9's deep nesting gives a value or a clear FAILED line."""

from __future__ import annotations

import pytest


def test_the_issues_examples_give_maxcompute_answers(mcshell):
    run = mcshell("-e", "SELECT -7 % 3, round(2.5), round(0.125, 2), 0.1 + 0.2 = 0.3, 1 = '1';")
    assert run.stdout == (
        "+-----+-----+------+------+------+\n"
        "| _c0 | _c1 | _c2  | _c3  | _c4  |\n"
        "+-----+-----+------+------+------+\n"
        "| -1  | 3.0 | 0.13 | true | true |\n"
        "+-----+-----+------+------+------+\n"
    )
    assert (run.stderr, run.status) == ("OK\n", 0)


@pytest.mark.parametrize(
    "sql, reason",
    [
        (
            "SELECT 9223372036854775807 + 1;",
            "9223372036854775808 is past BIGINT's range: MaxCompute 2.0 reports an overflow",
        ),
        ("SELECT 1 / 0;", "division by zero (what MaxCompute gives is not documented)"),
        ("SELECT 'abc' RLIKE 'a';", "the function RLIKE is not run locally"),
    ],
)
def test_what_mcshell_cannot_answer_faithfully_is_one_failed_line(mcshell, sql, reason):
    run = mcshell("-e", sql)
    assert run.stderr.splitlines()[0] == (
        f"FAILED: ODPS-0130071:[1,8] Semantic analysis exception - mcshell does not run this SELECT locally: {reason}"
    )
    assert (run.stdout, run.status) == ("", 1)
    skipped = mcshell("--skip-unsupported", "-e", sql)
    assert (skipped.stderr, skipped.status) == ("WARNING: skipped unsupported statement 'SELECT' at [1,1]\n", 0)


@pytest.mark.parametrize("depth", [50, 200])
def test_deep_parentheses_are_evaluated(mcshell, depth):
    run = mcshell("-e", "SELECT " + "(" * depth + "1 + 1" + ")" * depth + " AS a;")
    assert (run.stdout.splitlines()[3], run.stderr, run.status) == ("| 2 |", "OK\n", 0)


def test_nesting_past_mcshells_limit_is_a_parse_error(mcshell):
    run = mcshell("-e", "SELECT " + "(" * 201 + "1" + ")" * 201 + ";")
    assert run.stderr.splitlines()[0] == (
        "FAILED: ODPS-0130161:[1,208] Parse exception - the statement nests deeper than 200 levels, mcshell's limit"
    )
    assert run.status == 1
    chain = mcshell("--check", "-e", "SELECT " + " + ".join(["1"] * 300) + ";")
    assert "the statement nests deeper than 200 levels, mcshell's limit" in chain.stderr
    assert "System internal error" not in chain.stderr and chain.status == 1


def test_a_chain_of_operators_within_the_limit_runs(mcshell):
    run = mcshell("-e", "SELECT " + " + ".join(["1"] * 150) + " AS n;")
    assert (run.stdout.splitlines()[3], run.status) == ("| 150 |", 0)


def test_nested_casts_in_a_model_call_are_checked_at_once(mcshell):
    # Each CAST once looked at its operand twice: 190 nested CASTs took 2^190 steps.
    run = mcshell("-e", "SELECT ML_PREDICT(m, v1, " + "CAST(" * 190 + "1" + " AS BIGINT)" * 190 + ");")
    assert run.stderr.splitlines()[0] == (
        "FAILED: ODPS-0130071:[1,19] Semantic analysis exception - Model not found: my_project.m"
    )

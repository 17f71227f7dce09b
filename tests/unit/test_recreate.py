"""recreate: literals and names that mcshell's own splitter and tokenizer read back exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcshell.catalog.records import Model, Version
from mcshell.output.masking import mask_secret
from mcshell.rules.recreate import model_statements, quote_name
from mcshell.sql.literals import quote
from mcshell.sql.parser import parse
from mcshell.sql.splitter import split_statements
from mcshell.sql.statements import CreateModel


def read_back(literal: str) -> str:
    """The value of `literal` as mcshell reads it in a COMMENT clause."""
    text = f"CREATE MODEL m WITH VERSION v OPTIONS(A='b') COMMENT {literal};\nWHOAMI;"
    chunks = list(split_statements(text.splitlines(keepends=True)))
    assert len(chunks) == 2, chunks
    statement = parse(chunks[0])
    assert isinstance(statement, CreateModel)
    return statement.version.comment.value


@pytest.mark.parametrize(
    "value, literal",
    [
        ("plain", "'plain'"),
        ("it's", "'it\\'s'"),
        ('say "hi"', "'say \"hi\"'"),
        ("a \\ b", "'a \\\\ b'"),
        ("semi; -- dash /* star", "'semi; -- dash /* star'"),
        ("two\nlines", "'two\\nlines'"),
        ("a\tb", "'a\\tb'"),
        ("ends with \\", "'ends with \\\\'"),
        ("odd \\'", "'odd \\\\\\''"),
        ("\\101", "'\\\\101'"),
        ("ctrl-z \x1a, backspace \b, return \r", "'ctrl-z \\Z, backspace \\b, return \\r'"),
        # NUL then a digit: `\00` is one NUL and `\012` an octal code, so two literals join.
        ("nul \0 and \x000", "'nul \\0 and \\0' '0'"),
    ],
)
def test_quote(value, literal):
    # Was: a tab, a line break or a backslash written as typed, which MaxCompute reads as an escape.
    assert quote(value) == literal
    assert read_back(literal) == value


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("'\"\\;-\n\t\r\b\x1a\0`01237")))
def test_every_value_reads_back_as_itself(value):
    assert read_back(quote(value)) == value


@pytest.mark.parametrize(
    "name, written",
    [("churn", "churn"), ("model", "model"), ("中文", "中文"), ("select", "`select`"), ("2024", "`2024`"),
     ("1a", "`1a`"), ("qwen3-max", "`qwen3-max`")],
)  # fmt: skip
def test_quote_name(name, written):
    assert quote_name(name) == written


def _version(name, key_case, **options):
    return Version(name, "ALIYUN$a", "", "chat", options, (), f"{name} comment", key_case, "t", "t")


MODEL = Model("p", "m", "ALIYUN$a", "REMOTE", "LLM", "v1", "v1 comment", "t", "t")
REMOTE = {"ENDPOINT": "https://e", "APIKEY": "0123456789abcdef", "REMOTE_SERVICE_TYPE": "PAI-EAS"}


def test_the_create_model_version_first_then_others_then_the_default():
    versions = [_version("v1", "upper", **REMOTE), _version("v2", "lower", **REMOTE)]
    model = replace(MODEL, default_version="v2")

    statements = model_statements(model, versions, mask_secret)

    assert [s.splitlines()[0] for s in statements] == [
        "CREATE MODEL m WITH VERSION v1",
        "ALTER MODEL m ADD VERSION v2",
        "ALTER MODEL m SET DEFAULT_VERSION v2;",
    ]
    assert "    APIKEY = '********cdef'\n" in statements[0]
    assert "REMOTE_SERVICE_TYPE" not in "".join(statements)
    assert "MODEL_TYPE" in statements[0] and "MODEL_TYPE" not in statements[1]


def test_the_default_is_not_set_when_it_is_the_first_version():
    versions = [_version("v1", "upper", **REMOTE), _version("v2", "lower", **REMOTE)]

    statements = model_statements(MODEL, versions, str)

    assert len(statements) == 2
    assert "    APIKEY = '0123456789abcdef'\n" in statements[0]


def test_a_dropped_first_version_is_recreated_through_a_placeholder():
    versions = [_version("mcshell_placeholder", "lower", **REMOTE), _version("v3", "lower", **REMOTE)]
    model = replace(MODEL, default_version="v3")

    statements = model_statements(model, versions, mask_secret)

    assert [s.splitlines()[0] for s in statements] == [
        "-- The version CREATE MODEL made for m was dropped: a placeholder version stands in for it.",
        "CREATE MODEL m WITH VERSION mcshell_placeholder2",
        "ALTER MODEL m ADD VERSION mcshell_placeholder",
        "ALTER MODEL m ADD VERSION v3",
        "ALTER MODEL m SET DEFAULT_VERSION v3;",
        "ALTER MODEL m DROP VERSION mcshell_placeholder2;",
    ]
    assert statements[1].endswith("COMMENT 'v1 comment';")  # the model's comment

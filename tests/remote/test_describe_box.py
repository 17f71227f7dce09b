"""The DESC MODEL box read back (output/describe_box.py): what the printer prints, the parser gives
back field for field; a box it cannot read names the request and the first line it could not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcshell.catalog.records import Model, Version
from mcshell.errors import UnreadableAnswer
from mcshell.output.describe_box import line_of, parse_describe
from mcshell.output.render import render_describe
from mcshell.rules.handlers import describe

REQUEST = "DESC MODEL m VERSION v1;"
# What a box cell shows as it is: printable text (no control character, no separator but the space).
CELL = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")) | st.sampled_from(" |:")
TEXT = st.text(CELL, max_size=80).map(lambda text: text.rstrip(" "))
NAME = st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True)
TYPES = st.sampled_from(("bigint", "double", "string", "binary", "decimal(10,2)", "array<string>", "map<string,int>"))
REMOTE_OPTIONS = {
    "PAI_EAS_MODEL_NAME": TEXT, "PAI_EAS_SERVICE_NAME": NAME, "ENDPOINT": st.just("https://eas.example.com"),
    "APIKEY": st.sampled_from(("********5d4c", "********")), "PAI_EAS_SYNC_MODE": st.just("true"),
    "PAI_EAS_SYNC_REQUEST_TIMEOUT": st.sampled_from(("5000", "1800000")),
}  # fmt: skip


@st.composite
def versions(draw) -> tuple[Model, Version]:
    source = draw(st.sampled_from(("IMPORT", "REMOTE")))
    if source == "IMPORT":
        kind = draw(st.sampled_from(("BOOSTED_TREE_REGRESSOR", "BOOSTED_TREE_CLASSIFIER")))
        options = {"ROLEARN": draw(TEXT)}
        location = "oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/" + draw(NAME) + "/"
    else:
        kind = draw(st.sampled_from(("LLM", "MLLM")))
        keys = draw(st.sets(st.sampled_from(sorted(REMOTE_OPTIONS))))
        options = {key: draw(REMOTE_OPTIONS[key]) for key in keys} | {"REMOTE_SERVICE_TYPE": "PAI-EAS"}
        location = ""
    names = draw(st.lists(NAME, unique=True, max_size=6))
    inputs = tuple((name, draw(TYPES)) for name in names)
    when = "2026-12-07 13:02:59"
    model = Model("sales", draw(NAME), draw(TEXT), source, kind, draw(NAME), draw(TEXT), when, when)
    key_case = draw(st.sampled_from(("upper", "lower")))
    version = Version(draw(NAME), draw(TEXT), location, "chat", options, inputs, draw(TEXT), key_case, when, when)
    return model, version


@settings(max_examples=100, deadline=None)
@given(versions())
def test_print_then_parse_gives_back_every_field(pair):
    desc = describe(*pair)
    assert parse_describe(render_describe(desc), REQUEST) == desc


def test_a_long_label_and_a_long_value_come_back_too():
    model = Model("sales", "m", "ALIYUN$o@example.com", "REMOTE", "LLM", "v1", "c | ü" * 30, "t", "t")
    version = Version("v1", "o", "", "chat", {"PAI_EAS_SYNC_REQUEST_TIMEOUT": "5000"}, (), "", "upper", "t", "t")
    desc = describe(model, version)
    text = render_describe(desc)
    assert "| PAI_EAS_SYNC_REQUEST_TIMEOUT: 5000" in text
    assert parse_describe(text, REQUEST) == desc


def box() -> tuple[str, list[str]]:
    model = Model("sales", "m", "o", "IMPORT", "BOOSTED_TREE_CLASSIFIER", "v1", "", "t", "t")
    version = Version("v1", "o", "oss://x", "", {"ROLEARN": "r"}, (("f1", "bigint"),), "", "upper", "t", "t")
    text = render_describe(describe(model, version))
    return text, text.split("\n")


@pytest.mark.parametrize(
    ("edit", "number", "why"),
    [
        (lambda lines: lines[:-3], 29, "the box ends too early"),
        (lambda lines: [*lines[:-1], "extra", ""], 31, "expected the end of the box"),
        (lambda lines: [lines[0], lines[2], *lines[2:]], 2, "expected the 'Model Information' title"),
        (lambda lines: [*lines[:4], lines[4].replace("Project:", "Project "), *lines[5:]], 5,
         "expected a 'Label: value' row"),
        (lambda lines: [*lines[:6], lines[6][:40], *lines[7:]], 7, "expected a row of the box ('| ... |')"),
        (lambda lines: [*lines[:28], lines[28].replace(" | ", " ; "), *lines[29:]], 29,
         "expected an 'Input | Type | Comment' row"),
    ],
)  # fmt: skip
def test_a_box_it_cannot_read_names_the_request_and_the_first_line_it_could_not(edit, number, why):
    _, lines = box()
    edited = "\n".join(edit(lines))
    with pytest.raises(UnreadableAnswer) as raised:
        parse_describe(edited, REQUEST)
    shown = (edited.split("\n") + [""])[number - 1]
    assert raised.value.line == (f"the answer to {REQUEST} could not be read at line {number}: '{shown}': {why}")


def test_line_of_names_the_line_of_a_row():
    text, lines = box()
    desc = parse_describe(text, REQUEST)
    assert lines[line_of(desc, "model", 1) - 1].startswith("| Project:")
    assert lines[line_of(desc, "version", 9) - 1].startswith("| ROLEARN:")
    assert lines[line_of(desc, "inputs", 0) - 1].startswith("| f1 ")

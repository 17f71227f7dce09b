"""render(output, fmt): the box layout, csv and json for every kind of result."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from mcshell.output.render import FORMATS, render
from mcshell.output.results import AclGroup, AclLine, AclSection, Describe, Grants, Message, Record, Table

# What a terminal acts on: C0 (tab included) and C1 controls, DEL, line separators, bidi overrides.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

TABLE = Table(("ModelName", "Comment"), [("m1", "plain"), ("m2", 'a, "quoted"\ncomment')])
DESCRIBE = Describe(
    model=(("Owner", "ALIYUN$a"), ("Model Name", "m1")),
    version=(("Version Name", "v1"), ("APIKEY", "********1908"), ("endpoint", "https://x")),
    inputs=(("x", "double", ""), ("中文", "map<string,int>", "")),
)
RECORD = Record((("Name", "ALIYUN$a"), ("Project", "p1")))
MESSAGE = Message("line one\nline two")


def test_formats_are_box_csv_json():
    assert FORMATS == ("box", "csv", "json")


def test_json_of_a_table_is_an_array_of_objects_on_one_line():
    text = render(TABLE, "json")

    assert text.count("\n") == 1 and text.endswith("\n")
    assert json.loads(text) == [
        {"ModelName": "m1", "Comment": "plain"},
        {"ModelName": "m2", "Comment": 'a, "quoted"\ncomment'},
    ]


def test_json_of_desc_has_model_version_and_inputs():
    assert json.loads(render(DESCRIBE, "json")) == {
        "model": {"Owner": "ALIYUN$a", "Model Name": "m1"},
        "version": {"Version Name": "v1", "APIKEY": "********1908", "endpoint": "https://x"},
        "inputs": [
            {"name": "x", "type": "double", "comment": ""},
            {"name": "中文", "type": "map<string,int>", "comment": ""},
        ],
    }
    assert "中文" in render(DESCRIBE, "json")  # not \u escapes


def test_json_of_a_record_and_a_message():
    assert render(RECORD, "json") == '{"Name": "ALIYUN$a", "Project": "p1"}\n'
    assert render(MESSAGE, "json") == '{"text": "line one\\nline two"}\n'


def test_json_of_an_empty_table_is_an_empty_array():
    assert render(Table(("A",), []), "json") == "[]\n"


def test_csv_of_a_table_has_a_header_row_and_quotes_what_needs_it():
    text = render(TABLE, "csv")

    assert text == 'ModelName,Comment\nm1,plain\nm2,"a, ""quoted""\ncomment"\n'
    assert list(csv.reader(io.StringIO(text))) == [
        ["ModelName", "Comment"], ["m1", "plain"], ["m2", 'a, "quoted"\ncomment'],
    ]  # fmt: skip


def test_csv_of_desc_is_section_field_value_rows_with_inputs_as_rows():
    assert list(csv.reader(io.StringIO(render(DESCRIBE, "csv")))) == [
        ["section", "field", "value"],
        ["model", "Owner", "ALIYUN$a"],
        ["model", "Model Name", "m1"],
        ["version", "Version Name", "v1"],
        ["version", "APIKEY", "********1908"],
        ["version", "endpoint", "https://x"],
        ["input", "x", "double"],
        ["input", "中文", "map<string,int>"],
    ]


def test_csv_of_a_record_is_one_row_under_its_labels_and_a_message_one_cell():
    assert render(RECORD, "csv") == "Name,Project\nALIYUN$a,p1\n"
    assert list(csv.reader(io.StringIO(render(MESSAGE, "csv")))) == [["text"], ["line one\nline two"]]


def test_box_of_a_record_is_label_value_lines():
    assert render(RECORD) == render(RECORD, "box") == "Name: ALIYUN$a\nProject: p1\n"


def test_lazy_rows_are_read_once_in_every_format():
    for fmt in FORMATS:
        rows = iter([("m1", "c")])
        assert "m1" in render(Table(("ModelName", "Comment"), rows), fmt)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(TABLE, "xml")


# -- values told apart in csv and json; the box for a terminal -------------------------------
CELLS = hs.one_of(hs.none(), hs.text(max_size=8), hs.sampled_from(["NULL", "", "1", "1.0E10", "NaN", "true"]))
TYPES = hs.sampled_from(["", "BIGINT", "DOUBLE", "DECIMAL", "BOOLEAN", "STRING"])


@settings(max_examples=100, deadline=None)
@given(hs.lists(hs.tuples(hs.sampled_from(["a", "a_2", "b", "A"]), TYPES), min_size=1, max_size=5), hs.data())
def test_json_keeps_every_column_and_tells_null_from_text(columns, data):
    headers = tuple(name for name, _ in columns)
    types = tuple(kind for _, kind in columns)
    rows = data.draw(hs.lists(hs.tuples(*[CELLS] * len(headers)), max_size=4))
    parsed = json.loads(render(Table(headers, rows, types), "json"))
    assert [len(obj) for obj in parsed] == [len(headers)] * len(rows)  # no column lost to a shared name
    for obj, row in zip(parsed, rows, strict=True):
        for value, cell in zip(obj.values(), row, strict=True):
            assert (value is None) == (cell is None)
            if cell is not None:
                assert value == (cell if isinstance(value, str) else json.loads(cell))
    assert list(csv.reader(io.StringIO(render(Table(headers, rows, types), "csv")))) == [
        list(headers),
        *([] if row == (None,) else [cell or "" for cell in row] for row in rows),
    ]  # a lone NULL is an empty line, as in PostgreSQL's csv


def test_nan_and_infinity_stay_strings_and_a_mixed_column_is_text():
    table = Table(("d", "m"), [("NaN", "1"), ("-Infinity", "x"), ("1.5E-7", None)], ("DOUBLE", ""))
    assert render(table, "json") == '[{"d": "NaN", "m": "1"}, {"d": "-Infinity", "m": "x"}, {"d": 1.5E-7, "m": null}]\n'


@settings(max_examples=100, deadline=None)
@given(hs.lists(hs.tuples(hs.text(max_size=6), hs.text(max_size=6)), max_size=4), hs.text(max_size=6))
def test_the_box_never_lets_a_control_character_reach_the_terminal(rows, value):
    outputs = [
        Table(("Name", "Comment"), rows),
        Describe(model=(("Comment", value),), version=((value, "v1"),), inputs=((value, "double", value),)),
        Record((("Name", value),)),
        Grants((AclSection("ACL", (AclGroup(f"user/{value}", (AclLine("A", f"projects/{value}", ("List",)),)),)),)),
    ]
    for output in outputs:
        text = render(output)
        assert text.endswith("\n")
        for line in text[:-1].split("\n"):
            assert not CONTROL.search(line), repr(line)
    grid = render(outputs[0]).splitlines()
    assert len({len(line) for line in grid}) == 1 or not all(line.isascii() for line in grid)  # one width

"""render(output, fmt): the box layout, csv and json for every kind of result."""

from __future__ import annotations

import csv
import io
import json

import pytest

from mcshell.output.render import FORMATS, render
from mcshell.output.results import Describe, Message, Record, Table

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

"""Results as data for other programs: csv (a header row, then rows) and json (one document on
one line, so a run of several statements is JSON Lines). Pure functions, text in, text out.

Every value is the string the box format shows (secrets are already masked in the results).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from mcshell.output.acl import COLUMNS, grants_rows
from mcshell.output.results import Describe, Grants, Message, Output, Record, Table


def render_data(output: Output, fmt: str) -> str:
    if fmt == "csv":
        return _csv(_csv_rows(output))
    if fmt == "json":
        return json.dumps(_json_value(output), ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format '{fmt}'")


# -- csv --------------------------------------------------------------------------------------
def _csv_rows(output: Output) -> Iterator[tuple[str, ...]]:
    if isinstance(output, Table):
        yield tuple(output.headers)
        yield from output.rows
    elif isinstance(output, Describe):
        # One row per box line: section, field, value; an input column is (input, name, type).
        yield ("section", "field", "value")
        yield from (("model", label, value) for label, value in output.model)
        yield from (("version", label, value) for label, value in output.version)
        yield from (("input", name, data_type) for name, data_type, _comment in output.inputs)
    elif isinstance(output, Record):
        yield tuple(label for label, _ in output.fields)
        yield tuple(value for _, value in output.fields)
    elif isinstance(output, Message):
        yield ("text",)
        yield (output.text,)
    elif isinstance(output, Grants):
        yield COLUMNS
        yield from grants_rows(output)
    else:
        raise TypeError(f"no csv for {type(output).__name__}")


def _csv(rows: Iterable[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


# -- json -------------------------------------------------------------------------------------
def _json_value(output: Output) -> object:
    if isinstance(output, Table):
        headers = tuple(output.headers)
        return [dict(zip(headers, row, strict=True)) for row in output.rows]
    if isinstance(output, Describe):
        return {
            "model": dict(output.model),
            "version": dict(output.version),
            "inputs": [{"name": n, "type": t, "comment": c} for n, t, c in output.inputs],
        }
    if isinstance(output, Record):
        return dict(output.fields)
    if isinstance(output, Message):
        return {"text": output.text}
    if isinstance(output, Grants):
        return [dict(zip(COLUMNS, row, strict=True)) for row in grants_rows(output)]
    raise TypeError(f"no json for {type(output).__name__}")

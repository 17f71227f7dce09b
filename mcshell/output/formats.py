"""Results as data for other programs: csv (a header row, then rows) and json (one document on
one line, so a run of several statements is JSON Lines). Pure functions, text in, text out.

Every value is the string the box format shows (secrets are already masked in the results), with
the real characters the box escapes. What the box cannot tell apart, these formats do
(docs/output-and-errors.md, "Output formats"): NULL is an empty csv field and JSON null, while an
empty string is `""`; numbers and booleans of a SELECT are JSON numbers and booleans; columns that
share a name get distinct JSON keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence

from mcshell.output.acl import COLUMNS, grants_rows
from mcshell.output.results import NUMERIC_TYPES, Describe, Grants, Message, Output, Record, Table, TableDescribe

Cells = Sequence[str | None]
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CSV_SPECIAL = re.compile('[,"\r\n]')


def render_data(output: Output, fmt: str) -> str:
    if fmt == "csv":
        return "".join(_csv_line(row) for row in _csv_rows(output))
    if fmt == "json":
        if isinstance(output, Table):
            return _json_table(output) + "\n"
        return json.dumps(_json_value(output), ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format '{fmt}'")


# -- csv --------------------------------------------------------------------------------------
def _csv_rows(output: Output) -> Iterator[Cells]:
    if isinstance(output, Table):
        yield output.headers
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
    elif isinstance(output, TableDescribe):
        # As DESC MODEL's: section, field, value; a column is (column, name, type), a key (partition, name, type).
        yield ("section", "field", "value")
        yield from (("table", label, value) for label, value in _table_fields(output))
        yield from (("column", name, data_type) for name, data_type, _label, _comment in output.columns)
        yield from (("partition", name, data_type) for name, data_type, _comment in output.partitions)
    else:
        raise TypeError(f"no csv for {type(output).__name__}")


def _csv_line(cells: Cells) -> str:
    return ",".join(_csv_field(cell) for cell in cells) + "\n"


def _csv_field(cell: str | None) -> str:
    """RFC 4180 quoting, as DuckDB and psql write csv: NULL is an empty field, the empty string `""`."""
    if cell is None:
        return ""
    if cell == "" or _CSV_SPECIAL.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


# -- json -------------------------------------------------------------------------------------
def _json_table(table: Table) -> str:
    """An array of objects, one per row, keyed by the headers (made distinct), written as
    json.dumps writes them; a cell of a numeric or BOOLEAN column as the JSON number or boolean it is."""
    keys = [json.dumps(key, ensure_ascii=False) + ": " for key in distinct_keys(table.headers)]
    types = table.types or ("",) * len(keys)
    rows = (
        "{" + ", ".join(key + _json_cell(cell, kind) for key, cell, kind in zip(keys, row, types, strict=True)) + "}"
        for row in table.rows
    )
    return "[" + ", ".join(rows) + "]"


def _json_cell(cell: str | None, kind: str) -> str:
    if cell is None:
        return "null"
    if kind in NUMERIC_TYPES and _JSON_NUMBER.fullmatch(cell):
        return cell  # its exact digits (BIGINT past 2**53, DECIMAL); NaN and Infinity stay strings
    if kind == "BOOLEAN" and cell in ("true", "false"):
        return cell
    return json.dumps(cell, ensure_ascii=False)


def distinct_keys(headers: Iterable[str]) -> list[str]:
    """The headers as JSON keys: the second `a` is `a_2`, the third `a_3`, skipping any name that
    is taken (**mcshell's decision**, docs/output-and-errors.md)."""
    headers = list(headers)
    taken = set(headers)
    seen: dict[str, int] = {}
    keys = []
    for header in headers:
        seen[header] = count = seen.get(header, 0) + 1
        key = header
        if count > 1:
            while f"{header}_{count}" in taken:
                count += 1
            key = f"{header}_{count}"
            taken.add(key)
        keys.append(key)
    return keys


def _table_fields(desc: TableDescribe) -> list[tuple[str, str]]:
    head = [("Owner", desc.owner), ("Project", desc.project), *([("TableID", desc.table_id)] if desc.table_id else [])]
    head.append(("TableComment", desc.comment))
    return [*head, *desc.times, ("InternalTable", "YES"), ("Size", str(desc.size)), *desc.extended]


def _json_value(output: Output) -> object:
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
    if isinstance(output, TableDescribe):
        return {
            "table": dict(_table_fields(output)),
            "columns": [{"name": n, "type": t, "label": lb, "comment": c} for n, t, lb, c in output.columns],
            "partitions": [{"name": n, "type": t, "comment": c} for n, t, c in output.partitions],
        }
    raise TypeError(f"no json for {type(output).__name__}")

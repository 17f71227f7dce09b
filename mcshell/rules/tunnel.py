"""tunnel upload and tunnel download (docs/tables.md, "tunnel"): who may, which table and partition,
what the options mean. The rows themselves are moved by rows/tunnel.py, imported when one runs.

Options as odpscmd's help lists them (the tunnel commands page,
https://www.alibabacloud.com/help/en/maxcompute/user-guide/tunnel-commands), short and long names.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mcshell.catalog.tables import TableMeta
from mcshell.errors import InvalidPartitionKey, NotRunLocally, PartitionNotFound, SemanticError, TunnelError
from mcshell.output.results import OK, Result
from mcshell.rules import access, privileges
from mcshell.rules.context import Context
from mcshell.rules.tables import find_table, partition_text
from mcshell.sql import statements as st

if TYPE_CHECKING:
    from mcshell.rows.tunnel import TunnelFormat

# name -> (long name, the field of TunnelFormat or the flag it sets, its kind, the subcommands taking it)
_OPTIONS: dict[str, tuple[str, str, str, str]] = {
    "fd": ("field-delimiter", "field_delimiter", "text", "upload download"),
    "rd": ("record-delimiter", "record_delimiter", "text", "upload download"),
    "h": ("header", "header", "bool", "upload download"),
    "ni": ("null-indicator", "null_indicator", "text", "upload download"),
    "cf": ("csv-format", "csv", "bool", "upload download"),
    "cp": ("compress", "", "bool", "upload download"),  # compression is the transport's: accepted, no effect
    "ow": ("overwrite", "overwrite", "bool", "upload"),
    "acp": ("auto-create-partition", "acp", "bool", "upload"),
    "dbr": ("discard-bad-records", "dbr", "bool", "upload"),
    "limit": ("limit", "limit", "number", "download"),
}
_LONG = {long: short for short, (long, *_) in _OPTIONS.items()}
# odpscmd's other options: known, not run here.
_OTHERS = ("bs", "block-size", "c", "charset", "dfp", "date-format-pattern", "mbr", "max-bad-records", "s", "scan",
           "sd", "session-dir", "ss", "strict-schema", "te", "tunnel_endpoint", "threads", "tz", "time-zone", "e",
           "exponential", "ci", "columns-index", "cn", "columns-name", "time")  # fmt: skip
# Record delimiters DuckDB's CSV reader takes (its `new_line` option): a CSV file's (a text file takes any).
_RECORD_DELIMITERS = ("\n", "\r\n", "\r")


def options_of(stmt: st.TunnelUpload | st.TunnelDownload, subcommand: str) -> dict[str, Any]:
    """The options given, by TunnelFormat field or flag, each value checked."""
    given: dict[str, Any] = {}
    for option in stmt.options:
        short = _LONG.get(option.name.key, option.name.key)
        spec = _OPTIONS.get(short)
        if spec is None or subcommand not in spec[3].split():
            if option.name.key in _OTHERS or spec is not None:
                raise NotRunLocally(
                    f"mcshell does not run this locally: tunnel {subcommand} option -{option.name.text}",
                    option.name.offset,
                )
            raise SemanticError(f"Unrecognized option: -{option.name.text}", option.name.offset)
        _, field, kind, _ = spec
        if field:
            given[field] = _value(option, kind)
    return given


def _value(option: st.TunnelOption, kind: str) -> object:
    text = option.value.value
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise SemanticError(f"-{option.name.text} takes true or false, not '{text}'", option.value.offset)
        return text.lower() == "true"
    if kind == "number":
        if not text.isdigit():
            raise SemanticError(f"-{option.name.text} takes a number, not '{text}'", option.value.offset)
        return int(text)
    return unescape(text)


def unescape(text: str) -> str:
    """`\\t`, `\\r`, `\\n`, `\\\\` and `\\uXXXX` in a delimiter or null indicator, as odpscmd reads them."""
    out: list[str] = []
    at = 0
    while at < len(text):
        if text[at] == "\\" and at + 1 < len(text):
            code = text[at + 1]
            if code == "u" and len(text) >= at + 6:
                out.append(chr(int(text[at + 2 : at + 6], 16)))
                at += 6
                continue
            out.append({"t": "\t", "r": "\r", "n": "\n", "\\": "\\"}.get(code, "\\" + code))
            at += 2
        else:
            out.append(text[at])
            at += 1
    return "".join(out)


def _format(given: dict[str, Any], record_delimiter: str) -> TunnelFormat:
    from mcshell.rows.tunnel import TunnelFormat

    fmt = TunnelFormat(
        field_delimiter=given.get("field_delimiter", ","),
        record_delimiter=given.get("record_delimiter", record_delimiter),
        header=given.get("header", False),
        null_indicator=given.get("null_indicator", ""),
        csv=given.get("csv", False),
        limit=given.get("limit"),
    )
    if not fmt.field_delimiter:
        raise TunnelError("the field delimiter (-fd) is empty")
    if fmt.record_delimiter in fmt.field_delimiter:
        raise TunnelError("the field delimiter (-fd) must not contain the record delimiter (-rd)")
    if fmt.csv and fmt.record_delimiter not in _RECORD_DELIMITERS:
        raise NotRunLocally(
            "mcshell does not run this locally: a CSV file (-cf true) with a record delimiter (-rd) other than "
            "\\n, \\r\\n or \\r"
        )
    return fmt


def _target(stmt: st.TunnelUpload | st.TunnelDownload, ctx: Context, changes: bool) -> tuple[TableMeta, str | None]:
    if not ctx.local_files and not ctx.dry_run:
        raise NotRunLocally(
            "mcshell does not run this locally: tunnel commands read and write files of the machine they run "
            "on, which only the mcshell command does (not mcshell serve)",
            0,
        )
    table = find_table(ctx, access.resolve(stmt.table, ctx, changes=changes), stmt.table.offset)
    access.require_on_table(ctx, privileges.UPDATE if changes else privileges.SELECT, table)
    if stmt.partition is None:
        if table.partition_columns:
            keys = ", ".join(c.name for c in table.partition_columns)
            raise InvalidPartitionKey(
                f"table {table.project}.{table.name} is partitioned: name its partition after a / ({keys})",
                stmt.table.offset,
            )
        return table, None
    return table, partition_text(table, stmt.partition)


def tunnel_upload(stmt: st.TunnelUpload, ctx: Context) -> Result:
    table, partition = _target(stmt, ctx, changes=True)
    given = options_of(stmt, "upload")
    if given.get("dbr"):
        raise NotRunLocally(
            "mcshell does not run this locally: -dbr true (skipping bad rows); a bad row refuses the whole file",
            stmt.options[-1].name.offset,
        )
    if partition and not given.get("acp") and not ctx.catalog.tables.has_partition(table.id, partition):
        raise PartitionNotFound(
            f"ErrorCode=NoSuchPartition, ErrorMessage=The specified partition does not exist: {partition} "
            "(-acp true creates it)",
            stmt.partition.offset if stmt.partition else None,
        )
    _check_types(table, stmt.table.offset)
    if ctx.dry_run:  # --check reads neither the file nor the rows
        _format(given, "\n")
        return OK
    path = stmt.path.value
    fmt = _format(given, _detected_delimiter(path) if "record_delimiter" not in given else "\n")
    from mcshell.rows.tunnel import upload

    upload(ctx, table, partition, path, fmt, overwrite=given.get("overwrite", False))
    return OK


def _check_types(table: TableMeta, offset: int) -> None:
    """Every data column has a text form the tunnel reads (rows/tunnel.py's value rules)."""
    from mcshell.rows.tunnel import value_rule

    for column in table.columns:
        try:
            value_rule(column)
        except NotRunLocally as refused:
            raise NotRunLocally(refused.message, offset) from None


def _detected_delimiter(path: str) -> str:
    """With no -rd, upload finds \\r\\n or \\n in the file, as odpscmd does."""
    try:
        with open(path, "rb") as file:
            start = file.read(1 << 16)
    except OSError as error:
        raise TunnelError(f"{path}: cannot be read: {error.strerror}") from None
    return "\r\n" if b"\r\n" in start else "\n"


def tunnel_download(stmt: st.TunnelDownload, ctx: Context) -> Result:
    table, partition = _target(stmt, ctx, changes=False)
    if partition and not ctx.catalog.tables.has_partition(table.id, partition):
        raise PartitionNotFound(
            f"partition {partition} does not exist in {table.project}.{table.name}",
            stmt.partition.offset if stmt.partition else None,
        )
    fmt = _format(options_of(stmt, "download"), "\n")
    path = stmt.path.value
    if ctx.dry_run:
        return OK
    if os.path.isdir(path):
        raise TunnelError(f"{path}: is a directory")
    from mcshell.rows.tunnel import download

    download(ctx, table, partition, path, fmt)
    return OK

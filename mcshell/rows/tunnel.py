"""tunnel upload and download on the row store (rules/tunnel.py checks the statement first).

Upload reads the file with DuckDB's own CSV reader, every field as VARCHAR, and converts each
value to its column's type in SQL, by odpscmd's rules (docs/tables.md, "tunnel"): one pass that
inserts the rows under a new segment, failing at the first bad value; only then a second pass finds
that value's line and column for the FAILED line. Nothing is kept of a file with one bad row.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import NotRunLocally, TunnelError
from mcshell.rows.engine import duckdb_module
from mcshell.rows.store import SEGMENT_COLUMN, RowStore
from mcshell.rows.types import duckdb_type, quote_name
from mcshell.rules.context import Context
from mcshell.value import Value

BAD_VALUE = "mcshell: bad tunnel value"  # the error() text of the fast pass: a second pass says where


@dataclass(eq=False, repr=False)
class TunnelFormat(Value):
    """The file's layout, from the command's options (rules/tunnel.py)."""

    field_delimiter: str = ","
    record_delimiter: str = "\n"
    header: bool = False
    null_indicator: str = ""
    csv: bool = False  # -cf true: double quotes around a value, "" inside one
    limit: int | None = None


# -- the value rules: per type, (the text's shape, its value, the type's name) --------------------
_INTEGER = r"[+-]?[0-9]+"
_REAL = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_DECIMAL = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME = _DATE + r" ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_TIMESTAMP = _DATETIME + r"(\.[0-9]{1,9})?"
_INTEGERS = {"tinyint", "smallint", "int", "bigint"}
MAX_STRING = 8 * 1024 * 1024  # STRING holds at most 8 MB (the data types page)


def value_rule(column: TableColumnMeta) -> tuple[str, str, str]:
    """(shape, value, what) for the column's text `v`: `shape` is SQL true for text of the type's form,
    `value` the SQL of its value, which fails for one out of range (BIGINT's, a DECIMAL's precision, a
    day that does not exist); `what` names the type in a FAILED line."""
    kind = column.type.lower()
    target = duckdb_type(kind)
    base = kind.split("(", 1)[0]
    shapes = {"float": _REAL, "double": _REAL, "decimal": _DECIMAL, "date": _DATE, "datetime": _DATETIME}
    shapes.update({"timestamp": _TIMESTAMP, "timestamp_ntz": _TIMESTAMP, **dict.fromkeys(_INTEGERS, _INTEGER)})
    if base in shapes:
        shape = f"regexp_full_match(v, '{shapes[base]}')"
        if base in ("float", "double"):  # no Infinity in the store (a value beyond the type's range)
            shape += f" AND isfinite(TRY_CAST(v AS {target}))"
        return shape, f"CAST(v AS {target})", kind if base == "decimal" else base
    if base == "char":
        from mcshell.rows.write import refuse_char

        refuse_char(column, "tunnel")
    if base == "varchar":
        size = int(kind[kind.index("(") + 1 : -1])
        return f"length(v) <= {size}", "v", kind
    if base == "string":
        return f"strlen(v) <= {MAX_STRING}", "v", base
    if base == "boolean":
        return "lower(v) IN ('true', 'false', '0', '1')", "lower(v) IN ('true', '1')", base
    if base.startswith(("array", "map", "struct")):
        why = "tunnel commands do not upload or download ARRAY, MAP and STRUCT data (the tunnel commands page)"
    else:
        why = "odpscmd's text form of the type is not documented"
    raise NotRunLocally(f"mcshell does not run this locally: tunnel of a {kind} column ({column.name}): {why}")


def _cut_as_text(fmt: TunnelFormat) -> bool:
    """A text file whose records end in \\r\\n or another delimiter read_csv does not take without quotes."""
    return not fmt.csv and fmt.record_delimiter not in ("\n", "\r")


def _substitute(sql: str, name: str) -> str:
    """Each `v` that stands alone in `sql` (not inside a word or a quoted literal) -> `name`."""
    out: list[str] = []
    quoted = False
    for at, char in enumerate(sql):
        if char == "'":
            quoted = not quoted
        alone = not quoted and char == "v"
        alone = alone and (at == 0 or not (sql[at - 1].isalnum() or sql[at - 1] == "_"))
        alone = alone and (at + 1 == len(sql) or not (sql[at + 1].isalnum() or sql[at + 1] == "_"))
        out.append(name if alone else char)
    return "".join(out)


# -- upload ----------------------------------------------------------------------------------------
_NEW_LINES = {"\n": "\\n", "\r\n": "\\r\\n", "\r": "\\r"}  # as read_csv's new_line option writes them


def reader_sql(path: str, table: TableMeta, fmt: TunnelFormat) -> str:
    """The file's records, `f0` ... one VARCHAR (NULL: the null indicator) per data column, then
    `mcshell_fields`, how many fields the record has. DuckDB's read_csv reads a CSV file (-cf true:
    quotes, "" inside) and a text file whose records end in \\n or \\r (no quotes); it refuses a record
    of another field count itself. Other text files are cut at the record and field delimiters as they
    are (read_csv misreads \\r\\n without quotes in DuckDB 2.0, and takes no other record delimiter)."""
    count = len(table.columns)
    if not _cut_as_text(fmt):
        columns = ", ".join(f"'f{at}': 'VARCHAR'" for at in range(count))
        quote = _text('"' if fmt.csv else "")
        options = [
            f"columns = {{{columns}}}", f"delim = {_text(fmt.field_delimiter)}", f"quote = {quote}",
            f"escape = {quote}", f"header = {str(fmt.header).lower()}", f"nullstr = {_text(fmt.null_indicator)}",
            "allow_quoted_nulls = false", "auto_detect = false", "strict_mode = true",
            f"new_line = {_text(_NEW_LINES[fmt.record_delimiter])}",
        ]  # fmt: skip
        return f"SELECT *, {count} AS mcshell_fields FROM read_csv({_text(path)}, {', '.join(options)})"
    rd, ni = _text(fmt.record_delimiter), _text(fmt.null_indicator)
    text = "CASE WHEN starts_with(content, chr(65279)) THEN content[2:] ELSE content END"  # a UTF-8 BOM, as read_csv
    body = f"CASE WHEN suffix(t, {rd}) THEN t[:length(t) - length({rd})] ELSE t END"
    lines = f"CASE WHEN t = '' THEN []::VARCHAR[] ELSE string_split({body}, {rd}) END"
    fields = ", ".join(f"CASE WHEN f[{at + 1}] = {ni} THEN NULL ELSE f[{at + 1}] END AS f{at}" for at in range(count))
    return (
        f"SELECT {fields}, len(f) AS mcshell_fields, mcshell_record FROM (SELECT mcshell_record, "
        f"string_split(line, {_text(fmt.field_delimiter)}) AS f FROM (SELECT generate_subscripts(l, 1) AS "
        f"mcshell_record, unnest(l) AS line FROM (SELECT {lines} AS l FROM (SELECT {text} AS t FROM "
        f"read_text({_text(path)})))) "
        f"WHERE mcshell_record > {int(fmt.header)})"
    )


class _BadFile(Exception):
    """The fast pass failed: DuckDB's error text, read once its transaction is rolled back."""


def upload(ctx: Context, table: TableMeta, partition: str | None, path: str, fmt: TunnelFormat, overwrite: bool) -> int:
    """The file's rows into the table (or its partition) as one new segment; TunnelError for a bad file."""
    from mcshell.rows.write import write_segment

    rules = [value_rule(column) for column in table.columns]
    # read_csv drops a blank record where a table has two columns or more; odpscmd reads it as one
    # empty field (aliyun-odps-console BlockRecordReader.splitLine): a column mismatch at its line.
    blank = first_blank_record(path, fmt) if len(rules) > 1 and not _cut_as_text(fmt) else None

    def fill(store: RowStore, name: str, key: int) -> int:
        if blank is not None:
            raise _BadFile("")
        converted = [
            _converted(rule, column, f"f{at}")
            for at, (rule, column) in enumerate(zip(rules, table.columns, strict=True))
        ]
        converted[0] = f"CASE WHEN mcshell_fields <> {len(rules)} THEN error('{BAD_VALUE}') ELSE {converted[0]} END"
        names = ", ".join([SEGMENT_COLUMN, *(quote_name(c.name) for c in table.columns)])
        try:
            found = store.connection.execute(
                f"INSERT INTO {name} ({names}) SELECT {key}, {', '.join(converted)} "
                f"FROM ({reader_sql(path, table, fmt)})"
            )
        except duckdb_module().Error as error:
            raise _BadFile(str(error)) from None
        (count,) = found.fetchone()
        return int(count)

    try:
        return write_segment(ctx, table, partition, overwrite, fill)
    except _BadFile as bad:
        raise _bad_file(path, table, fmt, rules, str(bad), blank) from None


def first_blank_record(path: str, fmt: TunnelFormat) -> int | None:
    """The number of the file's first empty record (the header counted), outside a quoted value of a
    -cf true file; None if it has none. A record delimiter at the file's very end ends the last record."""
    import mmap

    delimiter = fmt.record_delimiter.encode("utf-8")
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            at = 0 if data[: len(delimiter)] == delimiter else data.find(delimiter * 2)
            while at >= 0:
                start = at if at == 0 else at + len(delimiter)
                before = data[:start].split(b'"') if fmt.csv else [data[:start]]
                if len(before) % 2:  # an even number of quotes before it: not inside a value
                    return 1 + sum(piece.count(delimiter) for piece in before[::2])
                at = data.find(delimiter * 2, at + 1)
    except (OSError, ValueError):  # an empty file cannot be mapped; one that cannot be read fails later
        return None
    return None


def _converted(rule: tuple[str, str, str], column: TableColumnMeta, field: str) -> str:
    """The fast pass's value: NULL, the value of text of the right shape, or an error (the value's
    own, out of range, or BAD_VALUE); the second pass then says which."""
    shape, value, _ = rule
    name = quote_name(field)
    null = f"error('{BAD_VALUE}')" if column.not_null else "NULL"
    return (
        f"CASE WHEN {name} IS NULL THEN {null} "
        f"WHEN {_substitute(shape, name)} THEN {_substitute(value, name)} ELSE error('{BAD_VALUE}') END"
    )


def _bad_file(
    path: str, table: TableMeta, fmt: TunnelFormat, rules: list[tuple[str, str, str]], text: str, blank: int | None
) -> TunnelError:
    """Where the file is bad: its first bad value before its first blank record (a second pass, on a
    connection of its own), else that blank record, or what DuckDB's reader said (the second pass
    reads the file again, and fails as the first did)."""
    duckdb = duckdb_module()
    connection = duckdb.connect(":memory:")
    try:
        found = _first_bad_value(connection, path, table, fmt, rules, blank)
    except duckdb.Error as again:
        return _reader_error(path, str(again), blank, len(rules))
    finally:
        connection.close()
    if found is None and blank is not None:
        return TunnelError(f"{path}, line {blank}: {column_mismatch(len(rules), 1)}")
    return found if found is not None else _reader_error(path, text, None, len(rules))


def _first_bad_value(
    connection: Any,
    path: str,
    table: TableMeta,
    fmt: TunnelFormat,
    rules: list[tuple[str, str, str]],
    before: int | None,
) -> TunnelError | None:
    connection.execute(f"CREATE TEMP TABLE mcshell_upload AS {reader_sql(path, table, fmt)}")
    # read_text's records are numbered; read_csv's are in the order read (the header counted).
    record = "mcshell_record" if _cut_as_text(fmt) else f"rowid + {1 + int(fmt.header)}"
    checks = [
        f"(f{at} IS NULL AND NOT {str(c.not_null).lower()}) OR coalesce({_substitute(r[0], f'f{at}')} "
        f"AND try({_substitute(r[1], f'f{at}')}) IS NOT NULL, false)"
        for at, (r, c) in enumerate(zip(rules, table.columns, strict=True))
    ]
    found = connection.execute(
        f"SELECT {record} AS line, mcshell_fields, [{', '.join(checks)}], "
        f"[{', '.join('f' + str(at) for at in range(len(checks)))}] FROM mcshell_upload "
        f"WHERE ({record}) < {before if before is not None else 2**62} AND (mcshell_fields <> {len(checks)} "
        f"OR NOT ({' AND '.join(f'({c})' for c in checks)})) ORDER BY line LIMIT 1"
    ).fetchone()
    if found is None:
        return None
    line, fields, valid, values = found
    if fields != len(checks):
        return TunnelError(f"{path}, line {line}: {column_mismatch(len(checks), fields)}")
    at = valid.index(False)
    column = table.columns[at]
    where = f"{path}, line {line}, column {at + 1} ({column.name}): format error -"
    if values[at] is None:
        return TunnelError(f"{where} NULL in a NOT NULL column")
    return TunnelError(f"{where} {printable_value(values[at])} is not a valid {rules[at][2].upper()} value")


def printable_value(value: str) -> str:
    """A field as the FAILED line quotes it: shortened, its control characters escaped."""
    from mcshell.errors import quoted

    return quoted(value, 64)


def column_mismatch(expected: int, found: int) -> str:
    """odpscmd's documented words for a record of another field count (the tunnel commands page, -dbr)."""
    return f"column mismatch -,expected {expected} columns, {found} columns found, please check data or delimiter"


def _reader_error(path: str, text: str, blank: int | None, expected: int) -> TunnelError:
    """DuckDB's CSV reader's error, in odpscmd's words where they are documented (the record's
    number is DuckDB's `Line`, the header counted); a blank record before it is the error."""
    import re

    line = re.search(r"CSV Error on Line: (\d+)", text)
    if blank is not None and (line is None or int(line.group(1)) >= blank):
        return TunnelError(f"{path}, line {blank}: {column_mismatch(expected, 1)}")
    where = f"{path}, line {line.group(1)}" if line else path
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if counts:
        wanted, found = counts.groups()
        return TunnelError(f"{where}: {column_mismatch(int(wanted), int(found))}")
    if "unterminated quote" in text:
        return TunnelError(f"{where}: a quoted value is not closed")
    if "Invalid unicode" in text or "valid UTF-8" in text:
        return TunnelError(f"{where}: the file is not UTF-8")
    first = text.splitlines()[0] if text else "cannot be read"
    return TunnelError(f"{where}: {first}")


# -- download --------------------------------------------------------------------------------------
def download(ctx: Context, table: TableMeta, partition: str | None, path: str, fmt: TunnelFormat) -> int:
    """The table's (or the partition's) rows into the file, written whole or not at all; the row count."""
    store = RowStore.open(ctx.catalog, write=False)
    try:
        rows = store.live_rows_sql(table, ordered=True, spec=partition or None)
        limit = f" LIMIT {fmt.limit}" if fmt.limit is not None else ""
        order = " ORDER BY mcshell_branch, mcshell_row"
        _refuse_reals(store, table, f"SELECT * FROM ({rows}) AS live{order}{limit}")
        texts = ", ".join(_as_text(c) for c in table.columns)
        cursor = store.connection.execute(f"SELECT {texts} FROM ({rows}) AS live{order}{limit}")
        return _write_file(path, fmt, [c.name for c in table.columns], _batches(cursor))
    finally:
        store.close()


def _refuse_reals(store: RowStore, table: TableMeta, rows: str) -> None:
    """A FLOAT or DOUBLE value is not downloaded (mcshell's decision, docs/tables.md "tunnel"): odpscmd
    writes a DOUBLE through a DecimalFormat and a FLOAT through Java's Float.toString, text the tunnel
    pages do not document; a NULL is written as any NULL."""
    for column in (c for c in table.columns if c.type.lower() in ("float", "double")):
        found = store.connection.execute(
            f"SELECT 1 FROM ({rows}) WHERE {quote_name(column.name)} IS NOT NULL LIMIT 1"
        ).fetchone()
        if found is not None:
            raise NotRunLocally(
                f"mcshell does not run this locally: tunnel download of a {column.type} value (column "
                f"{column.name}): odpscmd's text form of one is not documented"
            )


def _as_text(column: TableColumnMeta) -> str:
    name = quote_name(column.name)
    formats = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M:%S"}  # year 0 as 0000, not 0001 (BC)
    if column.type.lower() in formats:
        return f"strftime({name}, '{formats[column.type.lower()]}')"
    return f"CAST({name} AS VARCHAR)"


def _batches(cursor: Any) -> Iterator[list[tuple[str | None, ...]]]:
    while True:
        rows = cursor.fetchmany(10000)
        if not rows:
            return
        yield rows


def _write_file(path: str, fmt: TunnelFormat, names: list[str], batches: Iterator[list[tuple[str | None, ...]]]) -> int:
    """The rows as text into a file beside `path`, renamed onto it once complete."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".mcshell-download-")
    except OSError as error:
        raise TunnelError(f"{path}: cannot be written: {error.strerror}") from None
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            if fmt.header:
                out.write(fmt.field_delimiter.join(_field(n, fmt) for n in names) + fmt.record_delimiter)
            for rows in batches:
                out.write("".join(_record(row, fmt) for row in rows))
                count += len(rows)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return count


def _record(row: tuple[str | None, ...], fmt: TunnelFormat) -> str:
    return fmt.field_delimiter.join(fmt.null_indicator if v is None else _field(v, fmt) for v in row) + (
        fmt.record_delimiter
    )


def _field(value: str, fmt: TunnelFormat) -> str:
    """A value as the file holds it: with -cf true quoted when it must be (a delimiter, a quote or a
    line break inside, or a value that would read back as NULL); raw otherwise, as odpscmd writes text."""
    if not fmt.csv:
        return value
    special = fmt.field_delimiter in value or '"' in value or "\n" in value or "\r" in value
    if special or value == fmt.null_indicator:
        return '"' + value.replace('"', '""') + '"'
    return value


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"

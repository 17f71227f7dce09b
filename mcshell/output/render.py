"""Results to text: the documented DESC box and SHOW grid (the `box` format), or csv and json
(`formats.py`). Pure functions, text in, text out.

The box is for a terminal: every value in it is shown with its control characters escaped
(`errors.printable`: a newline as `\\n`, ESC as `\\x1b`), so a cell stays on its line and in its
column and no escape sequence reaches the terminal; NULL is `NULL`. A Message's lines (SHOW CREATE
MODEL, HELP) are escaped the same way, tabs kept. csv, json and dump carry the values as they are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import cast

from mcshell.errors import printable
from mcshell.output.results import Describe, Grants, Message, Output, Record, Table, TableDescribe

FORMATS = ("box", "csv", "json")

WIDTH = 86
BORDER = "+" + "-" * (WIDTH - 2) + "+"
_LABEL_WIDTH = 26
_VALUE_WIDTH = 56
_INPUT_WIDTHS = (15, 10, 51)
_MODEL_TITLE = "|                  Model Information"
_VERSION_TITLE = "|                Version Information"


def render(output: Output, fmt: str = "box") -> str:
    """The text a result prints on stdout in format `fmt` (one of FORMATS), ending with a newline."""
    return "".join(render_lines(output, fmt))


def render_lines(output: Output, fmt: str = "box") -> Iterator[str]:
    """The same text in pieces that each end with a newline: a grid comes one row at a time."""
    if fmt != "box":
        from mcshell.output.formats import render_data

        yield render_data(output, fmt)
    elif isinstance(output, Describe):
        yield render_describe(output)
    elif isinstance(output, Table):
        yield from grid_lines(output)
    elif isinstance(output, Record):
        yield "".join(f"{shown(label)}: {shown(value)}\n" for label, value in output.fields)
    elif isinstance(output, Message):
        yield message_text(output.text)
    elif isinstance(output, Grants):
        from mcshell.output.acl import grants_text

        yield grants_text(output)
    elif isinstance(output, TableDescribe):
        yield render_table_describe(output)
    else:
        raise TypeError(f"no renderer for {type(output).__name__}")


def message_text(text: str) -> str:
    """A Message's text line by line, each escaped (`printable`) and ending with a newline. Only
    `\\n` ends a line: a form feed or a line separator in a comment is escaped, not obeyed."""
    body = text[:-1] if text.endswith("\n") else text
    return "".join(f"{printable(line)}\n" for line in body.split("\n"))


def render_describe(desc: Describe) -> str:
    lines = [BORDER, _title(_MODEL_TITLE), BORDER]
    lines += [_field(label, value) for label, value in desc.model]
    lines += [BORDER, _title(_VERSION_TITLE), BORDER]
    lines += [_field(label, value) for label, value in desc.version]
    lines += [BORDER, _input_row(("Input", "Type", "Comment")), BORDER]
    lines += [_input_row(column) for column in desc.inputs]
    lines.append(BORDER)
    return "\n".join(lines) + "\n"


def render_table_describe(desc: TableDescribe) -> str:
    """DESC <table> as odpscmd prints it (its DescribeTableCommand's rows, docs/tables.md): values
    longer than their column push the row's end out, as its printf does."""
    lines = [BORDER, f"| Owner: {shown(desc.owner):<16} | Project: {shown(desc.project):<43} |"]
    if desc.table_id:
        lines.append(f"| TableID: {desc.table_id:<73} |")
    lines += [f"| TableComment: {shown(desc.comment):<68} |", BORDER]
    lines += [f"| {label + ':':<25} {shown(value):<56} |" for label, value in desc.times]
    lines += [BORDER, f"| InternalTable: YES      | Size: {desc.size:<50} |", BORDER]
    lines += [_wide_title("Native Columns:"), BORDER, _column_row(("Field", "Type", "Label", "Comment")), BORDER]
    lines += [_column_row(column) for column in desc.columns]
    lines.append(BORDER)
    if desc.partitions:
        lines += [_wide_title("Partition Columns:"), BORDER]
        lines += [_input_row(key) for key in desc.partitions]
        lines.append(BORDER)
    if desc.extended:
        lines += [_wide_title("Extended Info:"), BORDER]
        lines += [f"| {label + ':':<25} {shown(value):<56} |" for label, value in desc.extended]
        lines.append(BORDER)
    return "\n".join(lines) + "\n"


def _wide_title(text: str) -> str:
    return f"| {text:<82} |"


def _column_row(cells: tuple[str, str, str, str]) -> str:
    name, data_type, label, comment = (shown(cell) for cell in cells)
    return f"| {name:<15} | {data_type:<10} | {label:<5} | {comment:<43} |"


def _title(text: str) -> str:
    return text.ljust(WIDTH - 1) + "|"


def _field(label: str, value: str) -> str:
    # A long value is printed whole and the row grows: never truncate. A label too long for its
    # column (PAI_EAS_SYNC_REQUEST_TIMEOUT:) keeps one space before its value.
    return "| " + f"{shown(label)}:".ljust(_LABEL_WIDTH - 1) + " " + shown(value).ljust(_VALUE_WIDTH) + " |"


def _input_row(cells: tuple[str, str, str]) -> str:
    padded = (shown(cell).ljust(width) for cell, width in zip(cells, _INPUT_WIDTHS, strict=True))
    return "| " + " | ".join(padded) + " |"


def render_grid(table: Table) -> str:
    """The SHOW MODELS grid: borders above, below the header and at the end; cells left-aligned."""
    return "".join(grid_lines(table))


def grid_lines(table: Table) -> Iterator[str]:
    """The grid, line by line, laid out exactly as tabulate lays it out (see _tabulate_grid).

    A first pass over the rows measures the columns, a second prints them, so a grid of any size
    is never held in memory: `table.rows` is read twice (results.Rows reads its query again).
    Cells are shown escaped (`shown`); one tabulate would still lay out in its own way (a
    character that is not printable and no control character: a no-break space, a zero-width
    one) sends the whole grid through tabulate itself.
    """
    source = table.rows
    if isinstance(source, Iterator):  # a one-shot iterator cannot be read twice
        source = list(source)
    rows = _Shown(source)
    headers = tuple(shown(header) for header in table.headers)
    header_widths = [_cell_width(header) for header in headers]
    if None in header_widths:
        yield _tabulate_grid(headers, rows)
        return
    widths = cast(list[int], header_widths)
    for row in rows:
        for column, cell in enumerate(row):
            width = _cell_width(cell)
            if width is None:
                yield _tabulate_grid(headers, rows)
                return
            if width > widths[column]:
                widths[column] = width
    border = "+" + "+".join("-" * (width + 2) for width in widths) + "+\n"
    yield border
    yield _grid_row(headers, widths)
    yield border
    for row in rows:
        yield _grid_row(row, widths)
    yield border


class _Shown:
    """Rows as the box shows them, read from their source afresh on each pass."""

    def __init__(self, source: Iterable[tuple[str | None, ...]]):
        self._source = source

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return (tuple(shown(cell) for cell in row) for row in self._source)


def shown(cell: str | None) -> str:
    """A value as the box shows it: NULL as `NULL`, control characters (tabs too) escaped."""
    return "NULL" if cell is None else printable(cell, tabs=False)


def _grid_row(cells: Sequence[str], widths: list[int]) -> str:
    # Only cells _cell_width could measure reach here (the others sent the grid to tabulate).
    padded = (
        f" {cell}{' ' * (width - cast(int, _cell_width(cell)))} " for cell, width in zip(cells, widths, strict=True)
    )
    return "|" + "|".join(padded) + "|\n"


def _cell_width(text: str) -> int | None:
    """The columns `text` takes on a terminal, counted as tabulate counts them (East Asian wide
    characters count two); None for text that is not printable as one line."""
    if not text.isprintable():
        return None
    if text.isascii():
        return len(text)
    width = _wcswidth(text)
    return width if width >= 0 else None


def _wcswidth(text: str) -> int:
    try:
        from wcwidth import wcswidth  # what tabulate counts with when it is installed
    except ImportError:
        return len(text)
    return wcswidth(text)


def _tabulate_grid(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    import tabulate  # type: ignore[import-untyped]  # ~90 ms to import: only for unusual cells

    tabulate.MIN_PADDING = 0  # columns as wide as their longest cell, header included
    line = tabulate.Line("+", "-", "+", "+")
    row = tabulate.DataRow("|", "|", "|")
    grid = tabulate.TableFormat(
        lineabove=line, linebelowheader=line, linebetweenrows=None, linebelow=line,
        headerrow=row, datarow=row, padding=1, with_header_hide=None,
    )  # fmt: skip
    text: str = tabulate.tabulate(
        list(rows), headers=list(headers), tablefmt=grid,
        disable_numparse=True, stralign="left", preserve_whitespace=True,
    )  # fmt: skip
    return text + "\n"

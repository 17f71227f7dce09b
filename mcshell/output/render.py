"""Results to text: the documented DESC box and SHOW grid (the `box` format), or csv and json
(`formats.py`). Pure functions, text in, text out.

The box is for a terminal: every value in it is shown with its control characters escaped
(`errors.printable`: a newline as `\\n`, ESC as `\\x1b`), so a cell stays on its line and in its
column and no escape sequence reaches the terminal; NULL is `NULL`. A Message's lines (SHOW CREATE
MODEL, HELP) are escaped the same way, tabs kept. csv, json and dump carry the values as they are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import cast

from mcshell.errors import UnreadableAnswer, printable
from mcshell.output.answers import answer_lines, same_as_printed
from mcshell.output.results import Describe, Grants, Message, Output, Record, Table, TableDescribe

FORMATS = ("box", "csv", "json")

WIDTH = 86
BORDER = "+" + "-" * (WIDTH - 2) + "+"
LABEL_WIDTH = 26
VALUE_WIDTH = 56
INPUT_WIDTHS = (15, 10, 51)
MODEL_TITLE = "|                  Model Information"
VERSION_TITLE = "|                Version Information"
INPUT_HEADERS = ("Input", "Type", "Comment")


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
    """The DESC MODEL box (docs/spec.md 4.1); `describe_box.parse_describe` reads it back."""
    lines = [BORDER, title_row(MODEL_TITLE), BORDER]
    lines += [_field(label, value) for label, value in desc.model]
    lines += [BORDER, title_row(VERSION_TITLE), BORDER]
    lines += [_field(label, value) for label, value in desc.version]
    lines += [BORDER, input_row(INPUT_HEADERS), BORDER]
    lines += [input_row(column) for column in desc.inputs]
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
        lines += [input_row(key) for key in desc.partitions]
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


def title_row(text: str) -> str:
    return text.ljust(WIDTH - 1) + "|"


def _field(label: str, value: str) -> str:
    # A long value is printed whole and the row grows: never truncate. A label too long for its
    # column (PAI_EAS_SYNC_REQUEST_TIMEOUT:) keeps one space before its value.
    return "| " + f"{shown(label)}:".ljust(LABEL_WIDTH - 1) + " " + shown(value).ljust(VALUE_WIDTH) + " |"


def input_row(cells: tuple[str, str, str]) -> str:
    padded = (shown(cell).ljust(width) for cell, width in zip(cells, INPUT_WIDTHS, strict=True))
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


def unshown(cell: str) -> str | None:
    """The value a cell of the box came from, or None when the text cannot tell: `shown` escapes a
    control character with a backslash, so text with one may be either."""
    return None if "\\" in cell else cell


def read_grid(text: str, request: str) -> Table:
    """`grid_lines` read backwards (LIST USERS and LIST ROLES as pull reads them): the headers and
    the rows, each cell as the box shows it (`shown`: `NULL` for NULL, control characters escaped;
    `unshown` says which cells are exact). A cell's trailing spaces cannot be told from its padding
    and are read as padding. Anything that is not a grid as `grid_lines` prints it raises
    UnreadableAnswer at its first line that differs."""
    lines = answer_lines(text, request)
    widths = _border_widths(lines[0]) if lines else None
    if widths is None:
        raise UnreadableAnswer(request, 1, lines[0] if lines else "", "not a grid's border")
    if len(lines) < 4:
        raise UnreadableAnswer(request, len(lines), lines[-1], "the grid ends too soon")
    rows = []
    for line_number, line in enumerate(lines, 1):
        if line_number in (1, 3) or (line_number > 3 and line == lines[0]):
            if line_number > 3 and line_number != len(lines):  # the closing border ends the answer
                raise UnreadableAnswer(request, line_number + 1, lines[line_number], "after the grid's end")
            continue  # the borders: checked below, with every row, by printing the grid again
        cells = _grid_cells(line, widths)
        if cells is None:
            raise UnreadableAnswer(request, line_number, line, "not a row of the grid")
        rows.append(tuple(cells))
    table = Table(rows[0], rows[1:])
    same_as_printed(grid_lines(table), lines, request)  # the borders, and every row as measured
    return table


def _border_widths(line: str) -> list[int] | None:
    """The column widths a grid's border gives (`+---+-----+`), or None for a line that is not one."""
    parts = line.split("+")
    if len(parts) < 3 or parts[0] or parts[-1] or any(len(part) < 2 or part.strip("-") for part in parts[1:-1]):
        return None
    return [len(part) - 2 for part in parts[1:-1]]


def _grid_cells(line: str, widths: list[int]) -> list[str] | None:
    """The cells of one `| a | b |` row, each ` cell ` padded to its column's width on a terminal
    (measured as the printer measures it, so a wide or zero-width character counts as printed)."""
    if not line.startswith("|"):
        return None
    cells, start = [], 1
    for width in widths:
        end = next((end for end in range(start + 2, len(line)) if _is_cell(line, start, end, width)), None)
        if end is None:
            return None
        cells.append(line[start + 1 : end - 1].rstrip(" "))
        start = end + 1
    return cells if start == len(line) else None


def _is_cell(line: str, start: int, end: int, width: int) -> bool:
    """`line[start:end]` is ` cell ` padded to `width` columns, and a `|` follows it."""
    if line[end] != "|" or line[start] != " " or line[end - 1] != " ":
        return False
    region = line[start:end]
    return (len(region) if region.isascii() else _wcswidth(region)) == width + 2


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

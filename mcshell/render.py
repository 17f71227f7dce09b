"""Results to text: the documented DESC box and SHOW grid (the `box` format), or csv and json
(`formats.py`). Pure functions, text in, text out."""

from __future__ import annotations

from mcshell.results import Describe, Message, Output, Record, Table

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
    if fmt != "box":
        from mcshell.formats import render_data

        return render_data(output, fmt)
    if isinstance(output, Describe):
        return render_describe(output)
    if isinstance(output, Table):
        return render_grid(output)
    if isinstance(output, Record):
        return "".join(f"{label}: {value}\n" for label, value in output.fields)
    if isinstance(output, Message):
        return output.text if output.text.endswith("\n") else output.text + "\n"
    raise TypeError(f"no renderer for {type(output).__name__}")


def render_describe(desc: Describe) -> str:
    lines = [BORDER, _title(_MODEL_TITLE), BORDER]
    lines += [_field(label, value) for label, value in desc.model]
    lines += [BORDER, _title(_VERSION_TITLE), BORDER]
    lines += [_field(label, value) for label, value in desc.version]
    lines += [BORDER, _input_row(("Input", "Type", "Comment")), BORDER]
    lines += [_input_row(column) for column in desc.inputs]
    lines.append(BORDER)
    return "\n".join(lines) + "\n"


def _title(text: str) -> str:
    return text.ljust(WIDTH - 1) + "|"


def _field(label: str, value: str) -> str:
    # A long value is printed whole and the row grows: never truncate. A label too long for its
    # column (PAI_EAS_SYNC_REQUEST_TIMEOUT:) keeps one space before its value.
    return "| " + f"{label}:".ljust(_LABEL_WIDTH - 1) + " " + value.ljust(_VALUE_WIDTH) + " |"


def _input_row(cells: tuple[str, str, str]) -> str:
    padded = (cell.ljust(width) for cell, width in zip(cells, _INPUT_WIDTHS, strict=True))
    return "| " + " | ".join(padded) + " |"


def render_grid(table: Table) -> str:
    """The SHOW MODELS grid: borders above, below the header and at the end; cells left-aligned."""
    import tabulate  # costs ~90 ms to import: only where a grid is drawn

    tabulate.MIN_PADDING = 0  # columns as wide as their longest cell, header included
    line = tabulate.Line("+", "-", "+", "+")
    row = tabulate.DataRow("|", "|", "|")
    grid = tabulate.TableFormat(
        lineabove=line, linebelowheader=line, linebetweenrows=None, linebelow=line,
        headerrow=row, datarow=row, padding=1, with_header_hide=None,
    )  # fmt: skip
    text = tabulate.tabulate(
        list(table.rows), headers=list(table.headers), tablefmt=grid,
        disable_numparse=True, stralign="left", preserve_whitespace=True,
    )  # fmt: skip
    return text + "\n"

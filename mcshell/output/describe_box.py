"""The DESC MODEL box read back: the one parser of the layout `render.render_describe` prints
(docs/spec.md 4.1), for `mcshell pull`, which reads the remote's DESC text.

The box is for a terminal, so it loses two things, which the parser cannot give back: a value's
trailing spaces (every cell is padded with spaces) and its control characters (shown escaped,
`\\n`). `mcshell pull` reads the fields that may hold them (comments) from the catalog API's JSON.
A line the parser does not expect raises UnreadableAnswer, naming the request and that line."""

from __future__ import annotations

from collections.abc import Iterator

from mcshell.errors import UnreadableAnswer
from mcshell.output import render
from mcshell.output.render import BORDER, LABEL_WIDTH, WIDTH
from mcshell.output.results import Describe

_EDGE = ("| ", " |")


class _Lines:
    """The answer's lines, numbered from 1, read once in order; each miss names its line."""

    def __init__(self, request: str, text: str):
        self.request = request
        self._lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
        self.number = 0

    def peek(self) -> str | None:
        return self._lines[self.number] if self.number < len(self._lines) else None

    def take(self) -> str:
        line = self.peek()
        if line is None:
            raise self.unreadable("the box ends too early", at_end=True)
        self.number += 1
        return line

    def expect(self, wanted: str, what: str) -> None:
        if self.take() != wanted:
            raise self.unreadable(f"expected {what}")

    def unreadable(self, why: str, at_end: bool = False) -> UnreadableAnswer:
        if at_end:
            return UnreadableAnswer(self.request, len(self._lines) + 1, "", why)
        return UnreadableAnswer(self.request, self.number, self._lines[self.number - 1], why)


def parse_describe(text: str, request: str) -> Describe:
    """The model rows, version rows and input rows of a DESC MODEL box, values as shown (right
    spaces stripped). UnreadableAnswer names `request` and the first line that is not the layout."""
    lines = _Lines(request, text)
    lines.expect(BORDER, "a border")
    model = tuple(_section(lines, render.title_row(render.MODEL_TITLE), "the 'Model Information' title"))
    version = tuple(_section(lines, render.title_row(render.VERSION_TITLE), "the 'Version Information' title"))
    if lines.take() != render.input_row(render.INPUT_HEADERS):
        raise lines.unreadable("expected the 'Input | Type | Comment' header")
    lines.expect(BORDER, "a border")
    inputs = []
    while lines.peek() != BORDER:
        inputs.append(_input_cells(lines, lines.take()))
    lines.take()
    if lines.peek() is not None:
        lines.take()
        raise lines.unreadable("expected the end of the box")
    return Describe(model, version, tuple(inputs))


def line_of(desc: Describe, part: str, index: int) -> int:
    """The line number (from 1) of row `index` of a parsed box's `part` ("model", "version" or
    "inputs"), or of the line after its last row, for an error that names it."""
    first = 4  # border, title, border
    if part != "model":
        first += len(desc.model) + 3
    if part == "inputs":
        first += len(desc.version) + 3  # border, header, border
    return first + index


def _section(lines: _Lines, title: str, what: str) -> Iterator[tuple[str, str]]:
    """Title, border, then `label: value` rows up to the next border (taken: it opens what follows)."""
    lines.expect(title, what)
    lines.expect(BORDER, "a border")
    while True:
        line = lines.take()
        if line == BORDER:
            return
        yield _field(lines, line)


def _field(lines: _Lines, line: str) -> tuple[str, str]:
    """`| <label>:<padding> <value><padding> |`: the label column is LABEL_WIDTH wide, colon
    included, and a longer label keeps one space before its value."""
    inner = _inner(lines, line)
    label, colon, _ = inner.partition(":")
    start = max(LABEL_WIDTH - 1, len(label) + 1) + 1
    if not colon or not label.strip() or label != label.strip() or inner[len(label) + 1 : start].strip():
        raise lines.unreadable("expected a 'Label: value' row")
    return label, inner[start:].rstrip(" ")


def _input_cells(lines: _Lines, line: str) -> tuple[str, str, str]:
    cells = _inner(lines, line).split(" | ", 2)
    if len(cells) != 3 or not cells[0].strip():
        raise lines.unreadable("expected an 'Input | Type | Comment' row")
    name, data_type, comment = (cell.rstrip(" ") for cell in cells)
    return name, data_type, comment


def _inner(lines: _Lines, line: str) -> str:
    if len(line) < WIDTH or not line.startswith(_EDGE[0]) or not line.endswith(_EDGE[1]):
        raise lines.unreadable("expected a row of the box ('| ... |')")
    return line[2:-2]

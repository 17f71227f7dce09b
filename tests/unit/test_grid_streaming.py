"""The SHOW grid is drawn row by row, without tabulate, and stays byte for byte what tabulate draws."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as hs

from mcshell.output.render import _tabulate_grid, grid_lines, render_grid, shown
from mcshell.output.results import Rows, Table
from mcshell.rules.handlers import MODEL_HEADERS

# Names, owners and comments as users write them: ASCII, CJK (two columns wide), accents,
# spaces at either end, and now and then what tabulate lays out its own way.
CELL = hs.one_of(
    hs.text(alphabet="abcXYZ_019 .-%$@", max_size=12),
    hs.text(alphabet="模型版本注释中文éü ", max_size=6),
    hs.sampled_from(
        ["", " ", "True", "False", "1", "3.5", "a\tb", "two\nlines", "\x1b[31mred\x1b[0m", "\x01", "\u200b"]
    ),
)
ROWS = hs.lists(hs.tuples(*[CELL] * len(MODEL_HEADERS)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_the_streamed_grid_is_what_tabulate_draws(rows):
    shown_rows = [tuple(shown(cell) for cell in row) for row in rows]  # control characters escaped
    assert render_grid(Table(MODEL_HEADERS, rows)) == _tabulate_grid(MODEL_HEADERS, shown_rows)


def test_an_empty_grid_keeps_its_header_between_borders():
    text = render_grid(Table(("A", "Bee"), []))
    assert text == "+---+-----+\n| A | Bee |\n+---+-----+\n+---+-----+\n" == _tabulate_grid(("A", "Bee"), [])


def test_rows_are_read_once_to_measure_and_once_to_print_and_never_kept():
    passes = []

    def source():
        passes.append("pass")
        return ((f"m{n}", "x" * (n % 7)) for n in range(1000))

    lines = grid_lines(Table(("ModelName", "Owner"), Rows(source)))
    first = [next(lines) for _ in range(4)]  # the borders, the header and one row
    assert passes == ["pass", "pass"]
    assert first[1] == "| ModelName | Owner  |\n" and first[3] == "| m0        |        |\n"
    assert len(list(lines)) == 1000  # 999 rows and the last border
    assert passes == ["pass", "pass"]


def test_a_plain_grid_does_not_import_tabulate():
    code = (
        "import sys; from mcshell.output.render import render_grid; from mcshell.output.results import Table; "
        "render_grid(Table(('Name', 'Comment'), [('m', '中文 comment')])); print('tabulate' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "False\n"


def test_a_one_shot_iterator_of_rows_still_renders_whole():
    rows = iter([("a", "b"), ("cc", "d")])
    assert render_grid(Table(("X", "Y"), rows)) == _tabulate_grid(("X", "Y"), [("a", "b"), ("cc", "d")])

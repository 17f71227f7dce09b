"""The source line of a failed statement with a caret under the position: the lines printed
after a FAILED line. Pure functions, plus a small memory of the input lines being run."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

from mcshell.errors import printable
from mcshell.output.masking import find_secrets, mask_secret, secrets_in

MAX_WIDTH = 120  # a longer line is cut to a window around the caret


def excerpt(line_number: int, text: str, col: int, secrets: Collection[str] = ()) -> str:
    """Two lines: `   3 | <the source line>` and a caret under column `col` (1-based). APIKEY
    values are masked: those the line shows, and `secrets` (its statement's: masking.secret_values)."""
    text = text.rstrip("\r\n")
    text, index = _mask_api_keys(text, col - 1, set(secrets))
    text, index = _printable(text, index)
    text, index = _window(text, index)
    gutter = str(line_number).rjust(4)
    return f"{gutter} | {text}\n{' ' * len(gutter)} | {_pad(text[:index])}^"


def _pad(before: str) -> str:
    """Blanks as wide as `before` on a terminal: tabs stay tabs, wide characters take two columns."""
    return "".join(
        "\t" if c == "\t" else "  " if unicodedata.east_asian_width(c) in ("W", "F") else " " for c in before
    )


def _mask_api_keys(text: str, index: int, secrets: set[str]) -> tuple[str, int]:
    """The line with every APIKEY value masked (secrets are never printed), and where `index` went:
    a caret inside a value moves to its start."""
    # What the line shows of a value and what the statement holds may overlap (a value the line
    # starts in the middle of): masked as one.
    spans = _merged([(span.start, span.end) for span in find_secrets(text)] + secrets_in(text, secrets))
    parts: list[str] = []
    size, pos, moved = 0, 0, None
    for start, end in spans:
        masked = mask_secret(text[start:end])
        if moved is None and index < end:
            moved = size + (index - pos) if index < start else size + (start - pos)
        parts += [text[pos:start], masked]
        size += (start - pos) + len(masked)
        pos = end
    parts.append(text[pos:])
    if moved is None:
        moved = size + (index - pos)
    return "".join(parts), moved


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order, those that overlap joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _printable(text: str, index: int) -> tuple[str, int]:
    """The line with its control characters escaped as a FAILED line escapes them (tabs stay, for
    the caret to follow), and where `index` went."""
    before = printable(text[:index])
    return before + printable(text[index:]), len(before)


def _window(text: str, index: int) -> tuple[str, int]:
    if len(text) <= MAX_WIDTH:
        return text, index
    start = max(0, min(index - MAX_WIDTH // 2, len(text) - MAX_WIDTH))
    head = "..." if start > 0 else ""
    tail = "..." if start + MAX_WIDTH < len(text) else ""
    return head + text[start : start + MAX_WIDTH] + tail, index - start + len(head)


class SourceLines:
    """The input lines the statement being run stands on, so an error can quote its line.

    It holds one statement's lines at most: after a line that ends a statement, only that line is
    kept (the next statement starts on it at the earliest).
    """

    def __init__(self) -> None:
        self._first = 1
        self._lines: list[str] = []

    def add(self, line: str) -> None:
        self._lines.append(line)

    def keep_last(self) -> None:
        if len(self._lines) > 1:
            self._first += len(self._lines) - 1
            del self._lines[:-1]

    def text(self) -> str:
        """The lines held, as read: those of a statement not yet ended, among them."""
        return "".join(self._lines)

    def get(self, number: int) -> str | None:
        index = number - self._first
        return self._lines[index] if 0 <= index < len(self._lines) else None

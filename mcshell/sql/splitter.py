"""Cuts input into statements at `;` outside quotes and comments, one line at a time.

Scripts are never tokenized whole: a 100k-statement script would sit in memory as millions of
tokens. The splitter mirrors the dialect's lexical rules (quotes with backslash escapes,
backquoted identifiers, `--` and `/* */` comments) and hands out one statement's text at a time,
with where it starts in the whole input so errors can point at `[line,col]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mcshell.value import Value

_CODE_SPECIAL = re.compile(r"""[;'"`]|--|/\*""")
# The rest of a quote, up to its closing quote: runs of plain characters, then an escape and more
# (the unrolled form runs at C speed; quoted values are most of a long script's text).
_QUOTE_END = {
    "'": re.compile(r"[^'\\]*(?:\\.[^'\\]*)*'", re.S),
    '"': re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S),
    "`": re.compile(r"[^`]*`"),
}
_BLOCK_COMMENT = "*"
# The mark that closes what `StatementSplitter.pending` reports as still open.
CLOSERS = {"open quote '": "'", 'open quote "': '"', "open quote `": "`", "open comment": "*/"}
# A whole statement up to its `;` with no comment in it: the usual line of a script, taken in one
# regular-expression match (at C speed) before the general scan below.
_PLAIN_STATEMENT = re.compile(
    r"""(?:[^;'"`/-]+|'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"|`[^`]*`|-(?!-)|/(?!\*))*""", re.S
)


@dataclass(eq=False, repr=False)
class Chunk(Value):
    """The text of one statement (without its `;`) and where it starts in the whole input."""

    text: str
    line: int = 1
    col: int = 1
    # Offset in `text` of a quote or a `/*` still open at the end of the input, if any.
    open_at: int | None = None
    terminated: bool = True

    def position(self, offset: int) -> tuple[int, int]:
        """`[line,col]` in the whole input of the character at `offset` in this statement."""
        offset = max(0, min(offset, len(self.text)))
        newlines = self.text.count("\n", 0, offset)
        if newlines == 0:
            return self.line, self.col + offset
        return self.line + newlines, offset - self.text.rfind("\n", 0, offset)


class StatementSplitter:
    """Feed lines; get back the statements they complete. `pending` says why input is still open."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self._state: str | None = None  # None in code, else the open quote or "*" in a comment
        self._open_at: int | None = None  # where the open quote or comment starts in the statement
        self._has_content = False
        self._line_no = 0
        self._start = (1, 1)

    @property
    def pending(self) -> str | None:
        """Why the input so far does not end a statement: None when nothing is left open."""
        if self._state == _BLOCK_COMMENT:
            return "open comment"
        if self._state is not None:
            return f"open quote {self._state}"
        if self._has_content:
            return "no ';' yet"
        return None

    def feed(self, line: str) -> Iterator[Chunk]:
        """Scan one line (with its newline, if it had one) and yield each statement it ends."""
        self._line_no += 1
        pos, end = 0, len(line)
        if self._state is None and not self._has_content:
            pos, chunk = self._plain_statement(line)
            if chunk is not None:
                yield chunk
        while pos < end:
            if self._state is None:
                pos, chunk = self._scan_code(line, pos)
                if chunk is not None:
                    yield chunk
            elif self._state == _BLOCK_COMMENT:
                close = line.find("*/", pos)
                stop = end if close < 0 else close + 2
                self._append(line[pos:stop])
                pos = stop
                if close >= 0:
                    self._state = None
            else:
                found = _QUOTE_END[self._state].match(line, pos)
                stop = end if found is None else found.end()
                self._append(line[pos:stop])
                pos = stop
                if found is not None:
                    self._state = None

    def finish(self) -> Chunk | None:
        """The last statement when the input ends without `;`, or with a quote or a comment left
        open: that is a statement too, even after the last `;`, so that it is reported, never dropped."""
        if not self._has_content and self._state is None:
            return None
        open_at = self._open_at if self._state is not None else None
        chunk = Chunk("".join(self._parts), *self._start, open_at=open_at, terminated=False)
        self._reset_chunk((self._line_no, 1))
        return chunk

    def _plain_statement(self, line: str) -> tuple[int, Chunk | None]:
        """A statement that starts on this line and ends on it with no comment: taken whole."""
        found = _PLAIN_STATEMENT.match(line)
        stop = found.end() if found else 0
        if stop == 0 or stop == len(line) or line[stop] != ";" or line[:stop].isspace():
            return 0, None  # the general scan decides
        self._append(line[:stop])
        chunk = Chunk("".join(self._parts), *self._start)
        self._reset_chunk((self._line_no, stop + 2))
        if line.endswith("\n", stop + 1) and stop + 2 == len(line):  # the usual rest: the newline
            self._append("\n")
            return len(line), chunk
        return stop + 1, chunk

    def _scan_code(self, line: str, pos: int) -> tuple[int, Chunk | None]:
        # Quotes that close on the same line are skipped over in place: the usual statement, one
        # a line with a few quoted values, then costs a handful of regex calls and one append.
        start = pos
        while True:
            found = _CODE_SPECIAL.search(line, pos)
            if found is None:
                self._append_code(line[start:])
                return len(line), None
            mark, after = found.group(), found.end()
            if mark not in _QUOTE_END:
                break
            closed = _QUOTE_END[mark].match(line, after)
            if closed is None:
                break
            pos = closed.end()
        self._append_code(line[start : found.start()])
        if mark == ";":
            chunk = self._take_chunk()
            self._reset_chunk((self._line_no, after + 1))
            return after, chunk
        if mark == "--":
            self._append(line[found.start() :])
            return len(line), None
        self._open_at = self._size
        if mark == "/*":
            self._state = _BLOCK_COMMENT
        else:
            self._state = mark
            self._has_content = True
        self._append(mark)
        return after, None

    def _append_code(self, text: str) -> None:
        if text and not self._has_content and not text.isspace():
            self._has_content = True
        self._append(text)

    def _append(self, text: str) -> None:
        if text:
            self._parts.append(text)
            self._size += len(text)

    def _take_chunk(self) -> Chunk | None:
        if not self._has_content:
            return None
        return Chunk("".join(self._parts), *self._start)

    def _reset_chunk(self, start: tuple[int, int]) -> None:
        self._parts, self._size = [], 0
        self._has_content = False
        self._open_at = None
        self._start = start


def split_statements(lines: Iterable[str]) -> Iterator[Chunk]:
    """Every statement of the input, in order; a last one without `;` is included."""
    splitter = StatementSplitter()
    for line in lines:
        yield from splitter.feed(line)
    last = splitter.finish()
    if last is not None:
        yield last


_LEADING_BLANKS = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)


def content_start(text: str) -> int:
    """Offset of the first character after leading blanks and comments: where a statement starts."""
    found = _LEADING_BLANKS.match(text)
    return found.end() if found else 0  # always matches: the pattern may match nothing

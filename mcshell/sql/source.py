"""The input as text: lines of a script read from a stream in blocks (telling when the next line
may have to wait), decoded as UTF-8, with text that is not UTF-8 refused at its line and column.

The session commits the statements it has run before it reads on (see Session.run_script): a
program that writes one statement into a pipe and waits for its OK gets it, and a script that
arrives faster than it runs is committed a block of input at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO

from mcshell.errors import ParseError

_BLOCK = 64 * 1024  # bytes a read asks for: about 240 ADD VERSION statements


class BlockLines:
    """Iterate over the lines (bytes, newline kept) of a binary stream; `drained` is True when no
    whole line is left from the blocks read so far, so that the next line needs another read."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        self._read = getattr(stream, "read1", stream.read)  # read1: what one read of the pipe gives
        self._lines: list[bytes] = []
        self._next = 0
        self._rest: list[bytes] = []  # the start of a line that goes on in the next block

    @property
    def drained(self) -> bool:
        return self._next >= len(self._lines)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            if self._next < len(self._lines):
                self._next += 1
                yield self._lines[self._next - 1]
                continue
            block = self._read(_BLOCK)
            if not block:
                if self._rest:
                    yield b"".join(self._rest)
                return
            last = block.rfind(b"\n") + 1
            if last == 0:  # no line ends in this block (a very long line): keep its parts, join once
                self._rest.append(block)
                continue
            whole = b"".join([*self._rest, block[:last]]).split(b"\n")
            whole.pop()  # the empty piece after the last newline
            self._lines = [line + b"\n" for line in whole]
            self._next = 0
            self._rest = [block[last:]] if last < len(block) else []


class InputError(ParseError):
    """Input that is not text (bad UTF-8): reported at its line, and the script stops there."""

    def __init__(self, message: str, position: tuple[int, int]):
        super().__init__(message)
        self.position = position


# Built with chr(): a compiled module (mypyc) cannot hold lone surrogates in its string literals.
_SURROGATE = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")


def check_text(text: str) -> None:
    """Text from the command line or a terminal may carry undecodable bytes as lone surrogates
    (Python's surrogateescape): refuse them here, as decode_lines refuses them in files."""
    if text.isascii():  # at once, for most statements: a surrogate is no ASCII character
        return
    found = _SURROGATE.search(text)
    if found is None:
        return
    code = ord(found.group())
    what = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"character U+{code:04X}"
    raise ParseError(f"the input is not valid UTF-8: {what} cannot be read", found.start())


def text_lines(text: str) -> list[str]:
    """The lines of `text`, each with its newline, cut at a line feed only, as a file's lines are
    (str.splitlines also cuts at \r, \u2028 ..., where a `--` comment would then end early)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def decode_lines(binary_lines: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 lines from bytes, with a byte-order mark dropped; bad bytes raise InputError."""
    for number, raw in enumerate(binary_lines, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            column = len(raw[: error.start].decode("utf-8", "replace")) + 1
            raise InputError(
                f"the input is not valid UTF-8: byte 0x{raw[error.start]:02x} cannot be read",
                (number, column),
            ) from None
        # The yield stands outside the try: a compiled generator that yields inside one leaves the
        # exception it handled as the thread's current one, which then chains onto later errors.
        yield line

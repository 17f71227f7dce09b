"""Lines of a script read from a stream in blocks, telling when the next line may have to wait.

The session commits the statements it has run before it reads on (see Session.run_script): a
program that writes one statement into a pipe and waits for its OK gets it, and a script that
arrives faster than it runs is committed a block of input at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

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

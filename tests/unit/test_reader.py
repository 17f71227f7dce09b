"""BlockLines: the same lines as iterating the stream, and `drained` just before a read."""

from __future__ import annotations

import io

import pytest

from mcshell.sql import source as reader
from mcshell.sql.source import BlockLines

INPUTS = [b"", b"a", b"a\n", b"a\r\nb", b"ab\ncd\n\nef", b"x" * 50 + b"\ny\n" + b"z" * 30]


@pytest.mark.parametrize("data", INPUTS)
@pytest.mark.parametrize("block", [1, 3, 7, 64 * 1024])
def test_lines_are_those_of_the_stream(monkeypatch, data, block):
    monkeypatch.setattr(reader, "_BLOCK", block)
    assert list(BlockLines(io.BytesIO(data))) == list(io.BytesIO(data))


def test_drained_when_the_lines_read_so_far_are_used_up(monkeypatch):
    monkeypatch.setattr(reader, "_BLOCK", 6)  # "a\nb\nc\n" in one block, then "d\n"
    lines = BlockLines(io.BytesIO(b"a\nb\nc\nd\n"))
    seen = []
    for line in lines:
        seen.append((line, lines.drained))
    assert seen == [(b"a\n", False), (b"b\n", False), (b"c\n", True), (b"d\n", True)]

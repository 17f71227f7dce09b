"""Reading back what mcshell's printers print (pull reads the remote's answers in those layouts):
an answer's lines, and the check that what was read prints as the answer did. The parsers sit
beside their printers: `render.read_grid`, `acl.read_grants`."""

from __future__ import annotations

from collections.abc import Iterable

from mcshell.errors import UnreadableAnswer


def answer_lines(text: str, request: str) -> list[str]:
    """An answer's lines; it ends with a newline, as each of mcshell's printed layouts does."""
    if text and not text.endswith("\n"):
        lines = text.split("\n")
        raise UnreadableAnswer(request, len(lines), lines[-1], "the answer does not end with a newline")
    return text.split("\n")[:-1] if text else []


def same_as_printed(printed: Iterable[str], lines: list[str], request: str) -> None:
    """What was read, printed again, must be the answer's lines: else the first line that differs
    was not read as it was meant."""
    again = "".join(printed).split("\n")[:-1]
    for line_number, (line, reprinted) in enumerate(zip(lines, again, strict=False), 1):
        if line != reprinted:
            raise UnreadableAnswer(request, line_number, line, "not laid out as mcshell lays it out")
    if len(again) != len(lines):
        at = min(len(again), len(lines))
        raise UnreadableAnswer(request, at + 1, lines[at] if at < len(lines) else "", "the answer ends too soon")

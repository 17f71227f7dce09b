"""What a statement produced, as plain data: no formatting here (that is `render.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Union


@dataclass
class Describe:
    """DESC MODEL: labelled rows of the model and of one version, then its input columns."""

    model: tuple[tuple[str, str], ...]
    version: tuple[tuple[str, str], ...]
    inputs: tuple[tuple[str, str, str], ...]  # (name, type, comment)


class Rows:
    """A table's rows, read from their source afresh on each pass and never held all at once: a
    grid reads them twice, first to measure its columns, then to print them."""

    __slots__ = ("_source",)

    def __init__(self, source: Callable[[], Iterable[tuple[str, ...]]]):
        self._source = source

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self._source())


@dataclass
class Table:
    """A grid (SHOW MODELS, SHOW VERSIONS ...). `rows` may be lazy: a list, or Rows over a query."""

    headers: tuple[str, ...]
    rows: Iterable[tuple[str, ...]]


@dataclass
class Record:
    """Labelled values of one thing (WHOAMI): `Label: value` lines in the box format."""

    fields: tuple[tuple[str, str], ...]


@dataclass
class Message:
    """Plain lines for stdout (HELP, SHOW CREATE MODEL)."""

    text: str


Output = Union[Describe, Table, Record, Message]


@dataclass
class Result:
    output: Output | None = None
    warnings: tuple[str, ...] = ()
    # QUIT/EXIT: stop reading statements.
    quit: bool = False

"""What a statement produced, as plain data: no formatting here (that is `render.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Describe:
    """DESC MODEL: labelled rows of the model and of one version, then its input columns."""

    model: tuple[tuple[str, str], ...]
    version: tuple[tuple[str, str], ...]
    inputs: tuple[tuple[str, str, str], ...]  # (name, type, comment)


@dataclass(frozen=True)
class Table:
    """A grid (SHOW MODELS, SHOW VERSIONS ...). `rows` may be a lazy iterable."""

    headers: tuple[str, ...]
    rows: Iterable[tuple[str, ...]]


@dataclass(frozen=True)
class Record:
    """Labelled values of one thing (WHOAMI): `Label: value` lines in the box format."""

    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Message:
    """Plain lines for stdout (HELP, SHOW CREATE MODEL)."""

    text: str


Output = Union[Describe, Table, Record, Message]


@dataclass(frozen=True)
class Result:
    output: Output | None = None
    warnings: tuple[str, ...] = ()
    # QUIT/EXIT: stop reading statements.
    quit: bool = False

"""Typed, frozen statements: what the parser builds and the handlers run.

Offsets (characters into the statement's text) do not take part in equality, so tests compare
meaning; the session turns them into `[line,col]` when an error points at a token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Union


def _offset() -> int:
    return field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Ident:
    """A name as written (backquotes removed), with where it stands."""

    text: str
    offset: int = _offset()

    @property
    def key(self) -> str:
        """Names are case-insensitive: stored and shown in lower case."""
        return self.text.lower()


@dataclass(frozen=True)
class Text:
    """A string literal's value (quotes removed, escapes applied)."""

    value: str
    offset: int = _offset()


@dataclass(frozen=True)
class ModelRef:
    """`m`, `p.m` or `p.default.m`."""

    name: Ident
    project: Ident | None = None
    schema: Ident | None = None

    @property
    def offset(self) -> int:
        return (self.project or self.name).offset


@dataclass(frozen=True)
class DataType:
    """A column type: a name, numeric parameters (DECIMAL(p,s) ...) and nested parts."""

    name: str
    params: tuple[int, ...] = ()
    children: tuple[DataType, ...] = ()
    # For STRUCT: the field names, one per child.
    fields: tuple[Ident, ...] = ()
    offset: int = _offset()

    def sql(self) -> str:
        """The type as DESC prints it: lower case, no spaces."""
        name = self.name.lower()
        if self.params:
            return f"{name}({','.join(str(p) for p in self.params)})"
        if self.fields:
            inner = ",".join(f"{f.key}:{c.sql()}" for f, c in zip(self.fields, self.children, strict=True))
            return f"{name}<{inner}>"
        if self.children:
            return f"{name}<{','.join(c.sql() for c in self.children)}>"
        return name


@dataclass(frozen=True)
class Column:
    name: Ident
    type: DataType


@dataclass(frozen=True)
class Option:
    key: Ident
    value: Text

    @property
    def name(self) -> str:
        """Option keys are case-insensitive; compared in upper case as the docs write them."""
        return self.key.text.upper()


@dataclass(frozen=True)
class VersionSpec:
    """What CREATE MODEL and ADD VERSION both say about a version."""

    name: Ident
    inputs: tuple[Column, ...] | None = None
    options: tuple[Option, ...] = ()
    comment: Text | None = None
    # Where the OPTIONS clause (or, without one, the statement) stands: for "missing option" errors.
    options_offset: int = _offset()


@dataclass(frozen=True)
class CreateModel:
    model: ModelRef
    version: VersionSpec
    if_not_exists: bool = False
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class AddVersion:
    model: ModelRef
    version: VersionSpec
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class SetDefaultVersion:
    model: ModelRef
    version: Ident
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class DropVersion:
    model: ModelRef
    version: Ident
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class DropModel:
    model: ModelRef
    if_exists: bool = False
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class DescModel:
    model: ModelRef
    version: Ident | None = None
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class ShowModels:
    like: Text | None = None
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class ShowVersions:
    model: ModelRef
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class ShowCreateModel:
    model: ModelRef
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class Use:
    project: Ident
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class WhoAmI:
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class SetVariable:
    key: str
    value: str
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class Help:
    topic: str | None = None
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class Quit:
    writes: ClassVar[bool] = False


# -- members and privileges. A user name is a Text: kept exactly as written (`ALIYUN$a@b.com`).
@dataclass(frozen=True)
class AddUser:
    user: Text
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class RemoveUser:
    user: Text
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class ListUsers:
    writes: ClassVar[bool] = False


@dataclass(frozen=True)
class Grant:
    """`GRANT <privileges> ON MODEL <m> | ON PROJECT <p> TO USER <u>`: the target is a ModelRef or a project's Ident."""

    privileges: tuple[Ident, ...]
    target: ModelRef | Ident
    user: Text
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class Revoke:
    privileges: tuple[Ident, ...]
    target: ModelRef | Ident
    user: Text
    writes: ClassVar[bool] = True


@dataclass(frozen=True)
class ShowGrants:
    user: Text | None = None
    writes: ClassVar[bool] = False


Statement = Union[
    CreateModel, AddVersion, SetDefaultVersion, DropVersion, DropModel, DescModel,
    ShowModels, ShowVersions, ShowCreateModel, Use, WhoAmI, SetVariable, Help, Quit,
    AddUser, RemoveUser, ListUsers, Grant, Revoke, ShowGrants,
]  # fmt: skip

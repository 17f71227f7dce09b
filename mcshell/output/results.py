"""What a statement produced, as plain data: no formatting here (that is `render.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Union

from mcshell.value import Value

# DESC MODEL's labels, in the order of its rows (the seed page's box): the model's rows, then the
# version's rows before its options. The handler writes them, pull reads them back, serve maps them.
DESC_MODEL_LABELS = (
    "Owner", "Project", "Model Name", "Model Type", "Source Type", "Default Version", "CreateTime",
    "LastModifiedTime", "Comment",
)  # fmt: skip
DESC_VERSION_LABELS = (
    "Owner", "Project", "Model Name", "Model Type", "Source Type", "Version Name", "Path", "CreateTime",
    "LastModifiedTime",
)  # fmt: skip


@dataclass(eq=False, repr=False)
class Describe(Value):
    """DESC MODEL: labelled rows of the model and of one version, then its input columns."""

    model: tuple[tuple[str, str], ...]
    version: tuple[tuple[str, str], ...]
    inputs: tuple[tuple[str, str, str], ...]  # (name, type, comment)


@dataclass(eq=False, repr=False)
class TableDescribe(Value):
    """DESC <table>: odpscmd's box of the table's metadata, its columns and its partition keys."""

    owner: str
    project: str
    comment: str
    times: tuple[tuple[str, str], ...]  # (label, value): CreateTime, LastDDLTime, LastModifiedTime, Lifecycle
    size: int
    columns: tuple[tuple[str, str, str, str], ...]  # (name, type, label, comment)
    partitions: tuple[tuple[str, str, str], ...]  # (name, type, comment)
    # DESC EXTENDED: the TableID row under Owner, and the "Extended Info" rows at the end.
    table_id: str = ""
    extended: tuple[tuple[str, str], ...] = ()


class Rows:
    """A table's rows, read from their source afresh on each pass and never held all at once: a
    grid reads them twice, first to measure its columns, then to print them."""

    __slots__ = ("_source",)

    def __init__(self, source: Callable[[], Iterable[tuple[str | None, ...]]]):
        self._source = source

    def __iter__(self) -> Iterator[tuple[str | None, ...]]:
        return iter(self._source())


# The column types whose values csv and json write as numbers (formats.py).
NUMERIC_TYPES = frozenset(("TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL"))


@dataclass(eq=False, repr=False)
class Table(Value):
    """A grid (SHOW MODELS, SHOW VERSIONS, a SELECT's result). `rows` may be lazy: a list, or Rows
    over a query. A cell is the text the box shows, or None for NULL. `types` holds MaxCompute's
    type of each column (BIGINT, DOUBLE, BOOLEAN ...; "" where it is not known) for a SELECT's
    result; () for the catalog's grids, whose cells are all strings."""

    headers: tuple[str, ...]
    rows: Iterable[tuple[str | None, ...]]
    types: tuple[str, ...] = ()


@dataclass(eq=False, repr=False)
class Record(Value):
    """Labelled values of one thing (WHOAMI): `Label: value` lines in the box format."""

    fields: tuple[tuple[str, str], ...]


@dataclass(eq=False, repr=False)
class Message(Value):
    """Plain lines for stdout (HELP, SHOW CREATE MODEL)."""

    text: str


@dataclass(eq=False, repr=False)
class AclLine(Value):
    """`A projects/p/models/m: Describe | Alter`: a mark (A allowed; AG allowed, with grant option:
    what the principal created), the resource and its privileges."""

    mark: str
    resource: str
    privileges: tuple[str, ...]


@dataclass(eq=False, repr=False)
class AclGroup(Value):
    """The lines of one principal (`role/dev`, `user/RAM$1234:bob`), under a `[principal]`
    heading when `headed` (the docs head them only where several principals can appear)."""

    principal: str
    lines: tuple[AclLine, ...]
    headed: bool = True


@dataclass(eq=False, repr=False)
class AclSection(Value):
    """`Authorization Type: ACL` or `Authorization Type: ObjectCreator`, then its groups."""

    authorization_type: str
    groups: tuple[AclGroup, ...]


@dataclass(eq=False, repr=False)
class Grants(Value):
    """SHOW GRANTS, SHOW ACL and DESCRIBE ROLE in MaxCompute's text layout (`acl.py`): the roles
    a user holds (`[roles]`) or the users holding a role (`[users]`), then the sections."""

    sections: tuple[AclSection, ...]
    roles: tuple[str, ...] = ()
    users: tuple[str, ...] | None = None


Output = Union[Describe, Table, Record, Message, Grants, TableDescribe]


@dataclass(eq=False, repr=False)
class Result(Value):
    output: Output | None = None
    warnings: tuple[str, ...] = ()
    # QUIT/EXIT: stop reading statements.
    quit: bool = False


OK = Result()  # a statement that prints nothing but OK


def table_of(result: Result) -> Table:
    """The grid of a statement that prints one (SHOW MODELS, LIST USERS ...), for a caller that reads it."""
    assert isinstance(result.output, Table)
    return result.output

"""Typed statements: what the parser builds and the handlers run.

They are values, never changed once built, yet not `frozen`, for speed: see "The compiled build"
in docs/development.md.

Offsets (characters into the statement's text) do not take part in equality, so tests compare
meaning; the session turns them into `[line,col]` when an error points at a token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from mcshell.value import Value


@dataclass(eq=False, repr=False)
class Ident(Value):
    """A name as written (backquotes removed), with where it stands."""

    text: str
    offset: int = field(default=0, compare=False, repr=False)

    @property
    def key(self) -> str:
        """Names are case-insensitive: stored and shown in lower case."""
        return self.text.lower()


@dataclass(eq=False, repr=False)
class Text(Value):
    """A string literal's value (quotes removed, escapes applied)."""

    value: str
    offset: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class ModelRef(Value):
    """`m`, `p.m` or `p.default.m`."""

    name: Ident
    project: Ident | None = None
    schema: Ident | None = None

    @property
    def offset(self) -> int:
        return (self.project or self.name).offset


@dataclass(eq=False, repr=False)
class DataType(Value):
    """A column type: a name, numeric parameters (DECIMAL(p,s) ...) and nested parts."""

    name: str
    params: tuple[int, ...] = ()
    children: tuple[DataType, ...] = ()
    # For STRUCT: the field names, one per child.
    fields: tuple[Ident, ...] = ()
    offset: int = field(default=0, compare=False, repr=False)

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


@dataclass(eq=False, repr=False)
class Column(Value):
    name: Ident
    type: DataType


@dataclass(eq=False, repr=False)
class Option(Value):
    key: Ident
    value: Text

    @property
    def name(self) -> str:
        """Option keys are case-insensitive; compared in upper case as the docs write them."""
        return self.key.text.upper()


@dataclass(eq=False, repr=False)
class VersionSpec(Value):
    """What CREATE MODEL and ADD VERSION both say about a version."""

    name: Ident
    inputs: tuple[Column, ...] | None = None
    options: tuple[Option, ...] = ()
    comment: Text | None = None
    # Where the OPTIONS clause (or, without one, the statement) stands: for "missing option" errors.
    options_offset: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class CreateModel(Value):
    model: ModelRef
    version: VersionSpec
    if_not_exists: bool = False


@dataclass(eq=False, repr=False)
class AddVersion(Value):
    model: ModelRef
    version: VersionSpec


@dataclass(eq=False, repr=False)
class SetDefaultVersion(Value):
    model: ModelRef
    version: Ident


@dataclass(eq=False, repr=False)
class DropVersion(Value):
    model: ModelRef
    version: Ident


@dataclass(eq=False, repr=False)
class DropModel(Value):
    model: ModelRef
    if_exists: bool = False


@dataclass(eq=False, repr=False)
class DescModel(Value):
    model: ModelRef
    version: Ident | None = None


@dataclass(eq=False, repr=False)
class ShowModels(Value):
    like: Text | None = None


@dataclass(eq=False, repr=False)
class ShowVersions(Value):
    model: ModelRef


@dataclass(eq=False, repr=False)
class ShowCreateModel(Value):
    model: ModelRef


@dataclass(eq=False, repr=False)
class Use(Value):
    project: Ident


@dataclass(eq=False, repr=False)
class WhoAmI(Value):
    """`WHOAMI`: who is acting, in which project."""


@dataclass(eq=False, repr=False)
class SetVariable(Value):
    key: str
    value: str


@dataclass(eq=False, repr=False)
class Help(Value):
    topic: str | None = None


@dataclass(eq=False, repr=False)
class Quit(Value):
    """`QUIT` or `EXIT`: ends the session."""


# -- members and privileges. A user name is a Text: kept exactly as written (`ALIYUN$a@b.com`).
@dataclass(eq=False, repr=False)
class AddUser(Value):
    user: Text


@dataclass(eq=False, repr=False)
class RemoveUser(Value):
    user: Text


@dataclass(eq=False, repr=False)
class ListUsers(Value):
    """`LIST USERS`: the current project's members."""


@dataclass(eq=False, repr=False)
class TableObject(Value):
    """`ON TABLE <t>` in GRANT or REVOKE (a bare ModelRef target is `ON MODEL <m>`)."""

    table: ModelRef


# A grantee: a user (a Text, `[USER] <name>`) or a role (an Ident, `ROLE <name>`).
Grantee = Union[Text, Ident]


@dataclass(eq=False, repr=False)
class Grant(Value):
    """`GRANT <privileges> ON MODEL <m> | ON PROJECT <p> TO [USER] <u> | ROLE <r>`: the target is a
    ModelRef or a project's Ident. `refused` is a clause mcshell refuses (WITH GRANT OPTION,
    privilegeproperties), kept so the handler can point at it."""

    privileges: tuple[Ident, ...]
    target: ModelRef | Ident | TableObject
    grantee: Grantee
    refused: Ident | None = None


@dataclass(eq=False, repr=False)
class Revoke(Value):
    privileges: tuple[Ident, ...]
    target: ModelRef | Ident | TableObject
    grantee: Grantee
    refused: Ident | None = None


@dataclass(eq=False, repr=False)
class GrantRole(Value):
    """`GRANT <role>[, <role> ...] TO [USER] <u>`."""

    roles: tuple[Ident, ...]
    user: Text


@dataclass(eq=False, repr=False)
class RevokeRole(Value):
    roles: tuple[Ident, ...]
    user: Text


@dataclass(eq=False, repr=False)
class CreateRole(Value):
    role: Ident
    refused: Ident | None = None  # privilegeproperties(...)


@dataclass(eq=False, repr=False)
class DropRole(Value):
    role: Ident


@dataclass(eq=False, repr=False)
class ListRoles(Value):
    """`LIST ROLES`: the current project's roles."""


@dataclass(eq=False, repr=False)
class DescribeRole(Value):
    role: Ident


@dataclass(eq=False, repr=False)
class ShowGrants(Value):
    """`SHOW GRANTS [FOR [USER] <u> | FOR ROLE <r>]`."""

    user: Text | None = None
    role: Ident | None = None


@dataclass(eq=False, repr=False)
class ShowAcl(Value):
    """`SHOW ACL FOR <model> [ON TYPE <type>]`."""

    model: ModelRef
    object_type: Ident | None = None


# -- tables (docs/tables.md). A table's name is written as a model's: `t`, `p.t` or `p.default.t`.
TableRef = ModelRef


@dataclass(eq=False, repr=False)
class TableColumn(Value):
    """A column of CREATE TABLE or ADD COLUMNS, or a partition key (never NOT NULL)."""

    name: Ident
    type: DataType
    not_null: bool = False
    comment: Text | None = None


@dataclass(eq=False, repr=False)
class CreateTable(Value):
    """`CREATE TABLE [IF NOT EXISTS] t (...) [COMMENT ..] [PARTITIONED BY (...)] [LIFECYCLE n]`, or
    `CREATE TABLE [IF NOT EXISTS] t LIKE other [LIFECYCLE n]` (`like` set, no columns)."""

    table: ModelRef
    columns: tuple[TableColumn, ...] = ()
    comment: Text | None = None
    partitions: tuple[TableColumn, ...] = ()
    lifecycle: int | None = None
    if_not_exists: bool = False
    like: ModelRef | None = None
    lifecycle_offset: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class DropTable(Value):
    table: ModelRef
    if_exists: bool = False


@dataclass(eq=False, repr=False)
class DescTable(Value):
    table: ModelRef
    extended: bool = False


@dataclass(eq=False, repr=False)
class ShowTables(Value):
    like: Text | None = None


@dataclass(eq=False, repr=False)
class ShowCreateTable(Value):
    table: ModelRef


@dataclass(eq=False, repr=False)
class AddColumns(Value):
    table: ModelRef
    columns: tuple[TableColumn, ...]
    if_not_exists: bool = False


@dataclass(eq=False, repr=False)
class PartitionSpec(Value):
    """`PARTITION (k1='v1', k2=2)`: each key with its value as written (a number's digits as text)."""

    values: tuple[tuple[Ident, Text], ...]
    offset: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class AddPartitions(Value):
    table: ModelRef
    partitions: tuple[PartitionSpec, ...]
    if_not_exists: bool = False


@dataclass(eq=False, repr=False)
class DropPartitions(Value):
    table: ModelRef
    partitions: tuple[PartitionSpec, ...]
    if_exists: bool = False


@dataclass(eq=False, repr=False)
class ShowPartitions(Value):
    table: ModelRef


# The SQL functions that call models (the docs' SQL AI function index), in the docs' order.
MODEL_FUNCTIONS = (
    "AI_GENERATE", "ML_PREDICT", "AI_CLASSIFY", "AI_EXTRACT", "AI_EMBEDDING", "AI_SIMILARITY",
    "AI_SENTIMENT", "AI_SUMMARIZE", "AI_TRANSLATE",
)  # fmt: skip


# -- SELECT and the model functions called in it (built by sql/select.py, checked by rules/functions.py)
@dataclass(eq=False, repr=False)
class Arg(Value):
    """One argument of a model function, as the checks need it: its kind, and for a constant
    its value and MaxCompute type (`kind` "constant"); "" as type when it cannot be known."""

    kind: str  # constant, null, column, array, call, expression
    offset: int = field(default=0, compare=False, repr=False)
    type: str = ""  # STRING, INT, BIGINT, DOUBLE, FLOAT, DECIMAL, BOOLEAN, BINARY, DATETIME, ARRAY<STRING> ...
    value: Any = None  # a constant's Python value (str, int, float, bool); an array's tuple of items
    name: str = ""  # a column's name, a nested call's function
    items: tuple[Arg, ...] = ()  # an ARRAY(...)'s elements
    ref: int = -1  # a column: its place in the Select's `refs`


@dataclass(eq=False, repr=False)
class FunctionCall(Value):
    """A call of one of MaxCompute's model functions, anywhere in a SELECT."""

    function: str  # upper case: ML_PREDICT, AI_GENERATE ...
    index: int  # the call's number in the statement, in text order
    offset: int = field(compare=False, repr=False)
    model: tuple[Ident, ...] = ()  # one to three name parts, as written
    version: Ident | None = None
    args: tuple[Arg, ...] = ()  # the arguments after model and version
    model_offset: int = field(default=0, compare=False, repr=False)
    version_offset: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class ColumnRef(Value):
    """A column a SELECT over tables names: `c`, `t.c` (`t` a table's name or alias), `s.f` (a
    STRUCT's field): its name parts, lower case, and the query of the statement it stands in."""

    parts: tuple[str, ...]
    level: int = 0  # 0: the outer query; i: the i-th subquery in a FROM
    offset: int = field(default=0, compare=False, repr=False)

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(eq=False, repr=False)
class FromItem(Value):
    """What one query reads in its FROM or a JOIN: a table, or a subquery (`level` its query)."""

    alias: str  # how the query names it: its alias, else the table's name (lower case)
    table: ModelRef | None = None
    level: int = -1
    offset: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class Output(Value):
    """One result column of a query: its name (`_c<i>` for an unnamed expression, `*` or `t.*` for
    a star) and what it is, as a model function's argument would be (`arg` None for a star)."""

    name: str
    arg: Arg | None = None


@dataclass(eq=False, repr=False)
class QueryScope(Value):
    """One query of a SELECT over tables: what it reads and what it returns."""

    sources: tuple[FromItem, ...]
    outputs: tuple[Output, ...]


@dataclass(eq=False, repr=False)
class Select(Value):
    """A SELECT statement: parsed by sqlglot (sql/select.py), run by sql/evaluate.py.

    `source` says what it reads: "none" (no FROM), "values" (FROM VALUES ...), "tables" (a table
    mcshell does not keep) or "other" (a shape mcshell checks but does not evaluate: UNION, WITH,
    subqueries)."""

    text: str
    calls: tuple[FunctionCall, ...]
    source: str
    columns: dict[str, str] = field(default_factory=dict)  # FROM VALUES: column -> type of its constants
    table: Ident | None = None  # the first table read, for the FAILED line
    query: Any = field(default=None, compare=False, repr=False)  # sqlglot's tree, for sql/evaluate.py
    column_refs: tuple[Ident, ...] = ()  # every column it names (not the models and versions of calls)
    # A SELECT over tables: every table it reads, in text order (not the names of WITH's queries) ...
    tables: tuple[ModelRef, ...] = ()
    # ... and, when mcshell resolves its columns (one query, or simple subqueries in its FROM), each
    # query's scope (0 the outer one) and every column named; `scopes` is () where it does not.
    scopes: tuple[QueryScope, ...] = ()
    refs: tuple[ColumnRef, ...] = ()


@dataclass(eq=False, repr=False)
class Insert(Value):
    """`INSERT INTO|OVERWRITE TABLE t [PARTITION (k = v, ...)] [(col, ...)] VALUES (...), ... | SELECT ...`
    (https://alibabacloud.com/help/en/maxcompute/user-guide/insert-into-or-overwrite): the rows of
    VALUES, each value as a model function's argument is read, or the SELECT."""

    table: ModelRef
    overwrite: bool
    partition: PartitionSpec | None = None  # the keys given with a value
    dynamic: tuple[Ident, ...] = ()  # the keys given without one: a dynamic partition
    columns: tuple[Ident, ...] = ()
    rows: tuple[tuple[Arg, ...], ...] = ()
    select: Select | None = None
    source_offset: int = field(default=0, compare=False, repr=False)  # where VALUES or the SELECT starts


@dataclass(eq=False, repr=False)
class TunnelOption(Value):
    """`-fd ","`: an option of a tunnel command, its name as written (`fd`, `field-delimiter`) and value."""

    name: Ident
    value: Text


@dataclass(eq=False, repr=False)
class TunnelUpload(Value):
    """odpscmd's `tunnel upload [options] <path> <[project.]table[/partition]>` (sql/tunnel.py)."""

    path: Text
    table: ModelRef
    partition: PartitionSpec | None
    options: tuple[TunnelOption, ...] = ()


@dataclass(eq=False, repr=False)
class TunnelDownload(Value):
    """odpscmd's `tunnel download [options] <[project.]table[/partition]> <path>` (sql/tunnel.py)."""

    table: ModelRef
    partition: PartitionSpec | None
    path: Text
    options: tuple[TunnelOption, ...] = ()


Statement = Union[
    CreateModel, AddVersion, SetDefaultVersion, DropVersion, DropModel, DescModel,
    ShowModels, ShowVersions, ShowCreateModel, Use, WhoAmI, SetVariable, Help, Quit,
    AddUser, RemoveUser, ListUsers, Grant, Revoke, ShowGrants, Select,
    GrantRole, RevokeRole, CreateRole, DropRole, ListRoles, DescribeRole, ShowAcl,
    CreateTable, DropTable, DescTable, ShowTables, ShowCreateTable, AddColumns, AddPartitions, DropPartitions,
    ShowPartitions, Insert, TunnelUpload, TunnelDownload,
]  # fmt: skip


# Statements that only read the catalog run in a read transaction; any other takes the write lock.
_READERS = (
    DescModel, ShowModels, ShowVersions, ShowCreateModel, WhoAmI, SetVariable, Help, Quit, ListUsers, ShowGrants,
    ListRoles, DescribeRole, ShowAcl, Select, DescTable, ShowTables, ShowCreateTable, ShowPartitions,
    TunnelDownload,
)  # fmt: skip


def writes(statement: Statement) -> bool:
    return not isinstance(statement, _READERS)

"""One error hierarchy: each class carries its ODPS code; output/report.py words its FAILED line."""

from __future__ import annotations

import re
from enum import IntEnum


class ExitStatus(IntEnum):
    """Documented in docs/output-and-errors.md, "Exit status"."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program stopped by Ctrl-C
    OUTPUT_CLOSED = 141  # 128 + SIGPIPE: the reader of stdout (or stderr) went away


class McError(Exception):
    """An error a user sees as `FAILED: <code>...`.

    `offset` is a character offset into the statement's text, when the error points at a token;
    the session turns it into `[line,col]` of the whole input.
    """

    code = "ODPS-0010000"
    kind = "System internal error"
    has_position = False
    separator = ": "  # between the code and the kind, when there is no [line,col]

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset


def shortened(text: str, limit: int = 256) -> str:
    """Text from the input as an error quotes it: a megabyte-long name makes no megabyte-long FAILED line."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def counted(count: int, noun: str) -> str:
    """A count with its noun, as a message prints it: `1 statement`, `0 statements`, `2 statements`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts its sequences),
# DEL, the line and paragraph separators, and the bidirectional overrides that reorder a line.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_TAB = re.compile("\t|" + _CONTROL.pattern)


def printable(text: str, tabs: bool = True) -> str:
    """Text from the input or the catalog as a terminal may show it: control characters escaped
    (`\\n`, `\\x00`, `\\x1b`, `\\u202e`), so a FAILED line stays one line, a cell stays in its
    column, and no escape sequence reaches the terminal. `tabs=False` escapes tabs too (a cell of
    a box or grid, where a tab would break the columns)."""
    if text.isprintable():  # the usual case: nothing to escape
        return text
    control = _CONTROL if tabs else _CONTROL_OR_TAB
    return control.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def quoted(text: str, limit: int = 256) -> str:
    """A value from the command line, a config file or a path in quotes, as a usage error or a warning
    shows it: shortened, with control characters and tabs escaped (`printable`; other characters,
    `café`, as they are), so that a terminal never receives them raw."""
    return f"'{shortened(printable(text, tabs=False), limit)}'"


class ParseError(McError):
    code = "ODPS-0130161"
    kind = "Parse exception"
    has_position = True


class UnsupportedStatement(ParseError):
    """SQL that MaxCompute runs but mcshell does not (SELECT, CREATE TABLE ...)."""

    def __init__(self, message: str, offset: int | None = None, words: str = ""):
        super().__init__(message, offset)
        self.words = words  # the statement's first words, e.g. "CREATE TABLE"


class SemanticError(McError):
    code = "ODPS-0130071"
    kind = "Semantic analysis exception"
    has_position = True


class DdlError(McError):
    code = "ODPS-0110061"
    kind = "Failed to run ddltask"


class AuthorizationError(McError):
    code = "ODPS-0130013"
    kind = "Authorization exception"


class NoPrivilegeError(AuthorizationError):
    """A privilege the acting user lacks: MaxCompute writes this code and kind with no space
    between them (`ODPS-0130013:Authorization exception - Authorization Failed [4019], ...`)."""

    separator = ":"


class AccessDeniedError(McError):
    """The acting user is neither the owner nor a member of the project a statement is aimed at."""

    code = "ODPS-0420095"
    kind = "Access Denied"


class CatalogError(McError):
    """The catalog file cannot be used: unreadable, not a catalog, newer schema, locked too long."""

    code = "ODPS-0010000"
    kind = "System internal error"


class OutputError(McError):
    """Standard output or standard error could not be written: a full disk, a closed descriptor, an
    I/O error (a reader that left is no error: exit 141). MaxCompute has no such error: the code is
    the one for failures that are not the statement's, the kind mcshell's decision
    (docs/output-and-errors.md), so that it never reads as an mcshell bug."""

    code = "ODPS-0010000"
    kind = "Output error"


class OutsidePlan(McError):
    """`mcshell plan`: the script changes a project other than the one planned (USE, a qualified
    name), which neither the pull nor apply covers. MaxCompute has no such error: the code is the
    one for failures that are not the statement's, the kind mcshell's decision (docs/remote.md)."""

    code = "ODPS-0010000"
    kind = "Plan error"


class NotRunLocally(UnsupportedStatement):
    """A statement that passed every check but that mcshell cannot run here: a model call without
    --invoke or --oss-root, a table (mcshell keeps none), a query shape its evaluator does not take.
    `--skip-unsupported` turns it into the usual warning."""

    code = "ODPS-0130071"
    kind = "Semantic analysis exception"
    has_position = True


class TableNotFound(NotRunLocally):
    code = "ODPS-0130131"
    kind = "Table not found"


class NoSuchTable(McError):
    """A table statement (DESC, DROP, ALTER ...) names a table the catalog does not hold."""

    code = "ODPS-0130131"
    kind = "Table not found"
    has_position = True


class TableExists(McError):
    """CREATE TABLE of a name the project holds already, without IF NOT EXISTS."""

    code = "ODPS-0130211"
    kind = "Table or view already exists"
    has_position = True


class InvalidPartitionKey(McError):
    """A partition spec naming a key the table does not have, or missing one of its levels."""

    code = "ODPS-0130191"
    kind = "Invalid column or partition key"
    has_position = True


class PartitionNotFound(McError):
    """DROP PARTITION of a partition the table does not hold, without IF EXISTS."""

    code = "ODPS-0130271"
    kind = "Partition does not exist"
    has_position = True


class PartitionLimit(McError):
    """More partitions than a table may hold."""

    code = "ODPS-0123031"
    kind = "ODPS partition exception"


class RuntimeCallError(McError):
    """A model function that could not run: model file missing or unloadable, endpoint refused, timed out,
    answered an HTTP error or an answer that is not the expected JSON. The message names model, version and
    the path or endpoint, never an APIKEY. The code is mcshell's decision (docs/runtime.md): MaxCompute's
    error for a function that fails while the query runs."""

    code = "ODPS-0123131"
    kind = "User defined function exception"


class MissingExtra(Exception):
    """An optional dependency a command needs is not installed: a usage error (exit 2) naming the extra."""


_REMOTE_LINE = re.compile(r"(ODPS-\d{7})(:\[\d+,\d+\])?(:\s?|\s)(.+?) - (.*)\Z", re.S)


class RemoteFailed(McError):
    """The service refused a statement or a read: its own line (pyodps's e.args[0]), printed as it
    came, `FAILED: ODPS-0110061: Failed to run ddltask - ...`. A text with no ODPS code (an answer
    that could not be read) gets mcshell's code for failures that are not the statement's, and the
    kind "Remote error" (mcshell's decision, docs/remote.md)."""

    code = "ODPS-0010000"
    kind = "Remote error"

    def __init__(self, line: str):
        found = _REMOTE_LINE.match(line)
        super().__init__(found.group(5) if found else line)
        self.line = line
        if found:
            code, where, sep, kind = found.group(1, 2, 3, 4)
            self.code, self.separator, self.kind = code + (where or ""), sep, kind


class RemoteRefused(RemoteFailed):
    """The service refused the caller: a wrong key, an unknown access id, not a member of the project.
    `reason` is the service's code (SignatureNotMatch, NoSuchProject ...), shown when the line has none."""

    def __init__(self, line: str, reason: str):
        super().__init__(line if _REMOTE_LINE.match(line) else f"{reason}: {line}")
        self.reason = reason


class RemoteLost(McError):
    """The connection to the service failed (refused, reset, timed out): whatever was being sent may or
    may not have run. Code and kind are mcshell's decision (docs/remote.md)."""

    code = "ODPS-0010000"
    kind = "Connection lost"


class UnreadableAnswer(RemoteFailed):
    """An answer pull cannot read: it names the request and the first line it could not read."""

    def __init__(self, request: str, line_number: int, line: str, why: str = ""):
        reason = f": {why}" if why else ""
        super().__init__(f"the answer to {request} could not be read at line {line_number}: {quoted(line)}{reason}")


class ApplyRefused(McError):
    """A statement `mcshell apply` will not send, refused before anything is sent: a USE of a project
    other than the one apply talks to. Code and kind are mcshell's decision (docs/remote.md)."""

    code = "ODPS-0010000"
    kind = "Apply refused"


class EngineMissing(McError):
    """Rows were touched (INSERT, tunnel, SELECT over a table) and DuckDB, the row engine, is not
    installed, does not import, or is too old. MaxCompute has no such error: the code is the one for
    failures that are not the statement's, the kind mcshell's decision (docs/development.md)."""

    code = "ODPS-0010000"
    kind = "Row engine unavailable"


class RowStoreError(McError):
    """The row store beside the catalog (`<catalog>.rows`) cannot be used: another mcshell process
    holds it (DuckDB lets one process write a file), or the file is not a DuckDB file. The code is
    the one for failures that are not the statement's, the kind mcshell's decision (docs/development.md)."""

    code = "ODPS-0010000"
    kind = "Row store error"

"""One error hierarchy: each class carries its ODPS code and is turned into a FAILED line in one place."""

from __future__ import annotations

import re
from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2


class McError(Exception):
    """An error a user sees as `FAILED: <code>...`.

    `offset` is a character offset into the statement's text, when the error points at a token;
    the session turns it into `[line,col]` of the whole input.
    """

    code = "ODPS-0010000"
    kind = "System internal error"
    has_position = False

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset

    def failed_line(self, position: tuple[int, int] | None) -> str:
        where = f":[{position[0]},{position[1]}]" if self.has_position and position else ""
        sep = "" if where else ":"
        return f"FAILED: {self.code}{where}{sep} {self.kind} - {printable(self.message)}"


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Control characters quoted from the input, escaped (`\\n`, `\\x00`, `\\x1b`): a FAILED line
    stays one line, and no escape sequence reaches the terminal."""
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def shortened(text: str, limit: int = 256) -> str:
    """Text from the input as an error quotes it: a megabyte-long name makes no megabyte-long FAILED line."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


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


class CatalogError(McError):
    """The catalog file cannot be used: unreadable, not a catalog, newer schema, locked too long."""

    code = "ODPS-0010000"
    kind = "System internal error"


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


class RuntimeCallError(McError):
    """A model function that could not run: model file missing or unloadable, endpoint refused, timed out,
    answered an HTTP error or an answer that is not the expected JSON. The message names model, version and
    the path or endpoint, never an APIKEY. The code is mcshell's decision (docs/runtime.md): MaxCompute's
    error for a function that fails while the query runs."""

    code = "ODPS-0123131"
    kind = "User defined function exception"

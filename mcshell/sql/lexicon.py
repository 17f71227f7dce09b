"""Which tokens can stand as names, and which are written together. Apart from the dialect
(dialect.py re-exports them) so that the compiled build (setup.py) compiles them: the parser asks
them of every column type and number of a script."""

from __future__ import annotations

from typing import Final

from sqlglot.tokens import Token, TokenType

_NAMES: Final = (TokenType.VAR, TokenType.IDENTIFIER)
_LITERALS: Final = (TokenType.STRING, TokenType.NUMBER)


def is_word(token: Token) -> bool:
    """A token that can stand as a name: a bare word (keywords included) or a backquoted one."""
    kind = token.token_type
    if kind in _NAMES:
        return True
    if kind in _LITERALS:
        return False
    first = token.text[:1]
    return first.isalpha() or first == "_"


def touches(before: Token, after: Token) -> bool:
    """Written together, with nothing between: `1a`, `ALIYUN$alice@example.com` and `USER$x` are
    several tokens that read as one word."""
    return after.start == before.end + 1


# MaxCompute's reserved words (https://www.alibabacloud.com/help/doc-detail/27860.htm): a table or
# column named by one must be written in backquotes.
RESERVED_WORDS: Final = frozenset(
    (
        "ADD", "ALL", "ALTER", "AND", "AS", "ASC", "BETWEEN", "BIGINT", "BOOLEAN", "BY", "CASE", "CAST", "COLUMN",
        "COMMENT", "CREATE", "DESC", "DISTINCT", "DISTRIBUTE", "DOUBLE", "DROP", "ELSE", "FALSE", "FROM", "FULL",
        "GROUP", "IF", "IN", "INSERT", "INTO", "IS", "JOIN", "LEFT", "LIFECYCLE", "LIKE", "LIMIT", "MAPJOIN", "NOT",
        "NULL", "ON", "OR", "ORDER", "OUTER", "OVERWRITE", "PARTITION", "RENAME", "REPLACE", "RIGHT", "RLIKE",
        "SELECT", "SORT", "STRING", "TABLE", "THEN", "TOUCH", "TRUE", "UNION", "VIEW", "WHEN", "WHERE",
    )
)  # fmt: skip

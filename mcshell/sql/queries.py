"""What `mcshell plan --queries` checks of each statement of a query file: a SELECT (or WITH)
whole, the SELECT an INSERT writes, and SET (a setting such as odps.namespace.schema changes
what a query's names mean). Everything else (CREATE TABLE, a DDL statement) is passed over:
the queries are checked against the state the script leaves, never run (docs/remote.md)."""

from __future__ import annotations

from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from mcshell.errors import McError
from mcshell.sql.dialect import lex
from mcshell.sql.splitter import Chunk

_QUERY_STARTS = (TokenType.SELECT, TokenType.WITH)
_KEPT = (*_QUERY_STARTS, TokenType.SET)


def checked_part(chunk: Chunk) -> Chunk | None:
    """The part of `chunk` a query check runs (itself, or an INSERT's SELECT with its own
    position), or None to pass it over. Text the tokenizer cannot read is kept whole, so that its
    check reports the error."""
    if chunk.open_at is not None:
        return chunk
    try:
        tokens = lex(chunk.text)
    except TokenError:
        return chunk
    if not tokens:
        return None
    if tokens[0].token_type in _KEPT:
        return chunk
    if tokens[0].token_type is not TokenType.INSERT:
        return None
    from mcshell.sql import statements as st
    from mcshell.sql.parser import parse

    try:
        statement = parse(chunk)  # INSERT's own grammar (sql/insert.py) says where its SELECT starts
    except McError:
        return chunk  # its check reports the error
    if not isinstance(statement, st.Insert) or statement.select is None:
        return None  # INSERT ... VALUES: no query to check
    start = statement.source_offset
    line, col = chunk.position(start)
    return Chunk(chunk.text[start:], line, col)

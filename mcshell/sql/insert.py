"""INSERT, after MaxCompute's INSERT pages (docs/tables.md, "INSERT"):

    INSERT INTO [TABLE] <t> [PARTITION (<k> = <v>, ...)] [(<col>, ...)] VALUES (<v>, ...), ...
    INSERT INTO [TABLE] | OVERWRITE TABLE <t> [PARTITION (...)] [(<col>, ...)] SELECT ...

TABLE is required after OVERWRITE and optional after INTO; OVERWRITE takes no column list
(https://alibabacloud.com/help/en/maxcompute/user-guide/insert-into-or-overwrite). The rows of
VALUES and the SELECT are read by sqlglot (sql/select.py), at their place in the statement's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcshell.errors import ParseError
from mcshell.sql import statements as st
from mcshell.sql.dialect import TokenType
from mcshell.sql.tables import insert_partition, table_name

if TYPE_CHECKING:
    from mcshell.sql.clauses import ClauseParser as _Parser

_QUERY_WORDS = ("SELECT", "WITH")


def insert(p: _Parser) -> st.Statement:
    overwrite = p.accept("OVERWRITE")
    if overwrite:
        p.expect("TABLE")
    else:
        p.expect("INTO")
        p.accept("TABLE")
    table = table_name(p)
    partition, dynamic = insert_partition(p) if p.at("PARTITION") else (None, ())
    columns: tuple[st.Ident, ...] = ()
    if p.next_is(TokenType.L_PAREN) and not _query_ahead(p, 1):
        if overwrite:
            raise ParseError("INSERT OVERWRITE takes no column list (INSERT INTO does)", p.here())
        columns = _column_names(p)
    start = p.here()
    if p.at("VALUES"):
        from mcshell.sql.select import parse_values

        rows = parse_values(p.text, start)
        p.i = p.n
        return st.Insert(table, overwrite, partition, dynamic, columns, rows, source_offset=start)
    if not _query_ahead(p, 0):
        raise p.fail("VALUES or SELECT")
    from mcshell.sql.select import parse_select

    select = parse_select(p.text, start)
    p.i = p.n
    return st.Insert(table, overwrite, partition, dynamic, columns, select=select, source_offset=start)


def _query_ahead(p: _Parser, ahead: int) -> bool:
    """A SELECT (or WITH ...) starts `ahead` tokens on, maybe after opening parentheses."""
    token = p.peek(ahead)
    while token is not None and token.token_type is TokenType.L_PAREN:
        ahead += 1
        token = p.peek(ahead)
    return token is not None and token.token_type is not TokenType.IDENTIFIER and token.text.upper() in _QUERY_WORDS


def _column_names(p: _Parser) -> tuple[st.Ident, ...]:
    p.expect_type(TokenType.L_PAREN, "'('")
    names = [p.ident("a column name")]
    while p.next_is(TokenType.COMMA):
        p.i += 1
        names.append(p.ident("a column name"))
    p.expect_type(TokenType.R_PAREN, "',' or ')'")
    return tuple(names)

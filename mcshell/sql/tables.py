"""The table statements, after MaxCompute's DDL pages (docs/tables.md):

    CREATE TABLE [IF NOT EXISTS] <t> (<col> <type> [NOT NULL] [COMMENT '..'], ...) [COMMENT '..']
        [PARTITIONED BY (<col> <type> [COMMENT '..'], ...)] [LIFECYCLE <days>]
    CREATE TABLE [IF NOT EXISTS] <t> LIKE <other> [LIFECYCLE <days>]
    DROP TABLE [IF EXISTS] <t>; DESC [EXTENDED] <t>; SHOW TABLES [LIKE '..']; SHOW CREATE TABLE <t>
    ALTER TABLE <t> ADD COLUMNS [IF NOT EXISTS] (...); ALTER TABLE <t> ADD [IF NOT EXISTS] PARTITION (...) ...
    ALTER TABLE <t> DROP [IF EXISTS] PARTITION (...) [, PARTITION (...)]; SHOW PARTITIONS <t>

Each function continues the statement after its first words, on the statement parser `p`. Clauses
MaxCompute has and mcshell does not keep (OR REPLACE, AS SELECT, DEFAULT, CLUSTERED BY, EXTERNAL ...)
are refused as unsupported, naming the clause, so `--skip-unsupported` skips such a statement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcshell.errors import ParseError, UnsupportedStatement
from mcshell.sql import statements as st
from mcshell.sql.cursor import IDENTIFIER, describe
from mcshell.sql.dialect import TokenType
from mcshell.sql.lexicon import RESERVED_WORDS

if TYPE_CHECKING:
    from mcshell.sql.clauses import ClauseParser as _Parser

_COMMA = TokenType.COMMA
_L_PAREN = TokenType.L_PAREN
_R_PAREN = TokenType.R_PAREN
_EQ = TokenType.EQ
_STRING = TokenType.STRING
_NUMBER = TokenType.NUMBER
# Clauses of CREATE TABLE that MaxCompute documents and mcshell does not keep.
_UNKEPT = ("AS", "CLUSTERED", "RANGE", "STORED", "TBLPROPERTIES", "ROW", "LOCATION", "WITH", "AUTO", "PRIMARY")


def unsupported_clause(p: _Parser, words: str, clause: str) -> UnsupportedStatement:
    return UnsupportedStatement(
        f"unsupported clause {clause} in {words}: mcshell keeps table schemas as docs/tables.md lists them",
        p.here(),
        words,
    )


def table_name(p: _Parser) -> st.ModelRef:
    """A table's name: `t`, `p.t` or `p.default.t`; a reserved word only in backquotes."""
    for ahead in range(0, 5, 2):
        reserved(p, ahead)
        token = p.peek(ahead + 1)
        if token is None or token.token_type is not TokenType.DOT:
            break
    return p.model_ref()


def reserved(p: _Parser, ahead: int = 0) -> None:
    """A bare reserved word where a name goes: an error (https://www.alibabacloud.com/help/doc-detail/27860.htm)."""
    token = p.peek(ahead)
    if token is not None and token.token_type is not IDENTIFIER and token.text.upper() in RESERVED_WORDS:
        raise ParseError(
            f"'{token.text}' is a reserved word: write `{token.text}` in backquotes to use it as a name", token.start
        )


def create_table(p: _Parser) -> st.Statement:
    words = "CREATE TABLE"
    if_not_exists = p.accept("IF", "NOT", "EXISTS")
    table = table_name(p)
    if p.accept("LIKE"):
        like = table_name(p)
        lifecycle, at = _lifecycle(p)
        return st.CreateTable(table, lifecycle=lifecycle, if_not_exists=if_not_exists, like=like, lifecycle_offset=at)
    if any(p.at(word) for word in _UNKEPT):
        raise unsupported_clause(p, words, describe(p.peek()).upper())
    columns = column_list(p, words, not_null=True)
    comment = p.text_literal("a quoted comment") if p.accept("COMMENT") else None
    partitions: tuple[st.TableColumn, ...] = ()
    if p.accept("PARTITIONED", "BY"):
        partitions = column_list(p, "PARTITIONED BY", not_null=False)
    lifecycle, at = _lifecycle(p)
    if p.peek() is not None and any(p.at(word) for word in _UNKEPT):
        raise unsupported_clause(p, words, describe(p.peek()).upper())
    return st.CreateTable(table, columns, comment, partitions, lifecycle, if_not_exists, lifecycle_offset=at)


def _lifecycle(p: _Parser) -> tuple[int | None, int]:
    if not p.accept("LIFECYCLE"):
        return None, 0
    at = p.here()
    return p.number("a number of days"), at


def column_list(p: _Parser, words: str, not_null: bool) -> tuple[st.TableColumn, ...]:
    p.expect_type(_L_PAREN, "'('")
    columns = [_column(p, words, not_null)]
    while p.next_is(_COMMA):
        p.i += 1
        columns.append(_column(p, words, not_null))
    p.expect_type(_R_PAREN, "',' or ')'")
    return tuple(columns)


def _column(p: _Parser, words: str, not_null: bool) -> st.TableColumn:
    reserved(p)
    name = p.ident("a column name")
    data_type = p.data_type()
    is_not_null = not_null and p.accept("NOT", "NULL")
    if p.at("DEFAULT") or p.at("PRIMARY"):
        raise unsupported_clause(p, "CREATE TABLE", describe(p.peek()).upper())
    comment = p.text_literal("a quoted comment") if p.accept("COMMENT") else None
    return st.TableColumn(name, data_type, is_not_null, comment)


def drop_table(p: _Parser) -> st.Statement:
    if_exists = p.accept("IF", "EXISTS")
    return st.DropTable(table_name(p), if_exists)


def desc_table(p: _Parser) -> st.Statement:
    extended = p.accept("EXTENDED")
    table = table_name(p)
    if p.at("PARTITION"):
        raise unsupported_clause(p, "DESC", "PARTITION")
    return st.DescTable(table, extended)


def show_tables(p: _Parser) -> st.Statement:
    like = p.text_literal("a quoted pattern") if p.accept("LIKE") else None
    return st.ShowTables(like)


def alter_table(p: _Parser) -> st.Statement:
    table = table_name(p)
    if p.accept("ADD", "COLUMNS"):
        if_not_exists = p.accept("IF", "NOT", "EXISTS")
        return st.AddColumns(table, column_list(p, "ALTER TABLE", not_null=False), if_not_exists)
    if p.accept("ADD"):
        if_not_exists = p.accept("IF", "NOT", "EXISTS")
        return st.AddPartitions(table, _partition_specs(p, comma=False), if_not_exists)
    if p.accept("DROP"):
        if_exists = p.accept("IF", "EXISTS")
        return st.DropPartitions(table, _partition_specs(p, comma=True), if_exists)
    raise p.fail("ADD COLUMNS, ADD PARTITION or DROP PARTITION")


def _partition_specs(p: _Parser, comma: bool) -> tuple[st.PartitionSpec, ...]:
    """ADD takes `PARTITION (...) PARTITION (...)`; DROP separates them with commas."""
    specs = [partition_spec(p)]
    while p.at("PARTITION") or (comma and p.next_is(_COMMA)):
        if p.next_is(_COMMA):
            p.i += 1
        specs.append(partition_spec(p))
    return tuple(specs)


def partition_spec(p: _Parser) -> st.PartitionSpec:
    at = p.here()
    p.expect("PARTITION")
    p.expect_type(_L_PAREN, "'('")
    values = [_partition_value(p)]
    while p.next_is(_COMMA):
        p.i += 1
        values.append(_partition_value(p))
    p.expect_type(_R_PAREN, "',' or ')'")
    return st.PartitionSpec(tuple(values), at)


def insert_partition(p: _Parser) -> tuple[st.PartitionSpec, tuple[st.Ident, ...]]:
    """INSERT's `PARTITION (k1 = 'v1', k2)`: the keys with a constant value, and those without
    one (a dynamic partition: the SELECT's last columns give them)."""
    at = p.here()
    p.expect("PARTITION")
    p.expect_type(_L_PAREN, "'('")
    values, dynamic = [], []
    while True:
        if p.peek(1) is not None and p.peek(1).token_type is _EQ:  # type: ignore[union-attr]
            values.append(_partition_value(p))
        else:
            dynamic.append(p.ident("a partition key"))
        if not p.next_is(_COMMA):
            break
        p.i += 1
    p.expect_type(_R_PAREN, "',' or ')'")
    return st.PartitionSpec(tuple(values), at), tuple(dynamic)


def _partition_value(p: _Parser) -> tuple[st.Ident, st.Text]:
    key = p.ident("a partition key")
    p.expect_type(_EQ, "'='")
    token = p.peek()
    if token is None or token.token_type not in (_STRING, _NUMBER):
        raise p.fail("a partition value (a quoted string or a number)")
    p.i += 1
    return key, st.Text(token.text, token.start)


def show_partitions(p: _Parser) -> st.Statement:
    table = table_name(p)
    if p.at("PARTITION"):
        raise unsupported_clause(p, "SHOW PARTITIONS", "PARTITION")
    return st.ShowPartitions(table)

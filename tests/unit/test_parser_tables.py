"""The table statements' parser (sql/tables.py): what it builds, and what it refuses where."""

from __future__ import annotations

import pytest

from mcshell.errors import ParseError, UnsupportedStatement
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk


def ref(name: str, project: str | None = None) -> st.ModelRef:
    return st.ModelRef(st.Ident(name), st.Ident(project) if project else None)


def column(name: str, kind: str, not_null: bool = False, comment: str | None = None) -> st.TableColumn:
    return st.TableColumn(st.Ident(name), st.DataType(kind), not_null, st.Text(comment) if comment else None)


def test_create_table_with_every_clause():
    text = (
        "create table if not exists p.t (a bigint not null comment 'x', `b` string) comment 'c' "
        "partitioned by (dt string comment 'day') lifecycle 3"
    )
    assert parse(Chunk(text)) == st.CreateTable(
        ref("t", "p"), (column("a", "BIGINT", True, "x"), column("b", "STRING")), st.Text("c"),
        (column("dt", "STRING", comment="day"),), 3, True,
    )  # fmt: skip


def test_create_table_like():
    assert parse(Chunk("CREATE TABLE t LIKE p.o LIFECYCLE 2")) == st.CreateTable(
        ref("t"), lifecycle=2, like=ref("o", "p")
    )


def test_the_other_table_statements():
    spec = st.PartitionSpec(((st.Ident("dt"), st.Text("1")), (st.Ident("h"), st.Text("2"))))
    assert [parse(Chunk(text)) for text in (
        "DROP TABLE IF EXISTS t", "DESC EXTENDED t", "DESCRIBE t", "SHOW TABLES LIKE 'a%'", "SHOW CREATE TABLE t",
        "ALTER TABLE t ADD COLUMNS IF NOT EXISTS (x INT)", "ALTER TABLE t ADD IF NOT EXISTS PARTITION (dt='1', h=2)",
        "ALTER TABLE t DROP PARTITION (dt='1', h=2), PARTITION (dt='1', h=2)", "SHOW PARTITIONS t",
    )] == [
        st.DropTable(ref("t"), True), st.DescTable(ref("t"), True), st.DescTable(ref("t")),
        st.ShowTables(st.Text("a%")), st.ShowCreateTable(ref("t")),
        st.AddColumns(ref("t"), (column("x", "INT"),), True), st.AddPartitions(ref("t"), (spec,), True),
        st.DropPartitions(ref("t"), (spec, spec)), st.ShowPartitions(ref("t")),
    ]  # fmt: skip


RESERVED = "is a reserved word: write `{}` in backquotes to use it as a name"


@pytest.mark.parametrize(
    "text, message, offset",
    [
        ("CREATE TABLE t (select INT)", f"'select' {RESERVED.format('select')}", 16),
        ("CREATE TABLE table (a INT)", f"'table' {RESERVED.format('table')}", 13),
        ("CREATE TABLE t (a INT) PARTITIONED BY (d STRING NOT NULL)", "expected ',' or ')', found 'NOT'", 48),
        ("ALTER TABLE t ADD PARTITION (d=x)", "expected a partition value (a quoted string or a number), found 'x'",
         31),
        ("ALTER TABLE t RENAME TO u", "expected ADD COLUMNS, ADD PARTITION or DROP PARTITION, found 'RENAME'", 14),
        ("CREATE TABLE t LIKE o PARTITIONED BY (d STRING)", "expected ';', found 'PARTITIONED'", 22),
    ],
)  # fmt: skip
def test_shape_errors(text, message, offset):
    with pytest.raises(ParseError) as raised:
        parse(Chunk(text))
    assert not isinstance(raised.value, UnsupportedStatement)
    assert (raised.value.message, raised.value.offset) == (message, offset)


@pytest.mark.parametrize(
    "text, words",
    [
        ("CREATE TABLE t AS SELECT 1", "CREATE TABLE"),
        ("CREATE TABLE t (a INT DEFAULT 1)", "CREATE TABLE"),
        ("CREATE TABLE t (a INT) CLUSTERED BY (a) INTO 4 BUCKETS", "CREATE TABLE"),
        ("CREATE EXTERNAL TABLE t (a INT)", "CREATE EXTERNAL"),
        ("DESC t PARTITION (dt='1')", "DESC"),
    ],
)
def test_what_mcshell_does_not_keep_is_unsupported(text, words):
    with pytest.raises(UnsupportedStatement) as raised:
        parse(Chunk(text))
    assert raised.value.words == words

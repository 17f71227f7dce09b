"""INSERT's grammar (sql/insert.py): the statement it builds, and where its values and SELECT stand."""

from __future__ import annotations

import pytest

from mcshell.errors import ParseError
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.queries import checked_part
from mcshell.sql.splitter import Chunk


def parsed(text: str) -> st.Insert:
    statement = parse(Chunk(text, 1, 1))
    assert isinstance(statement, st.Insert)
    return statement


def test_insert_into_values_with_a_partition_and_a_column_list():
    text = "INSERT INTO p.t PARTITION (dt = '20261201', n = 3) (a, b) VALUES (1, 'x'), (NULL, -2.5)"
    insert = parsed(text)
    assert (insert.table.project, insert.table.name, insert.overwrite) == (st.Ident("p"), st.Ident("t"), False)
    assert insert.partition is not None
    assert [(key.key, value.value) for key, value in insert.partition.values] == [("dt", "20261201"), ("n", "3")]
    assert [name.key for name in insert.columns] == ["a", "b"]
    assert [[(arg.kind, arg.type, arg.value) for arg in row] for row in insert.rows] == [
        [("constant", "INT", 1), ("constant", "STRING", "x")], [("null", "", None), ("constant", "DOUBLE", -2.5)],
    ]  # fmt: skip
    assert [arg.offset for row in insert.rows for arg in row] == [
        text.index("1,"), text.index("'x'"), text.index("NULL"), text.index("-2.5"),
    ]  # fmt: skip
    assert insert.source_offset == text.index("VALUES")


def test_insert_overwrite_select_and_a_dynamic_partition():
    text = "INSERT OVERWRITE TABLE t PARTITION (dt = '1', region)\n  SELECT a, r FROM u"
    insert = parsed(text)
    assert insert.overwrite and insert.select is not None
    assert [key.key for key in insert.dynamic] == ["region"]
    assert insert.select.refs[0].offset == text.index("a, r")  # offsets into the INSERT's text
    assert parsed("INSERT INTO t SELECT 1").select is not None  # TABLE is optional after INTO


@pytest.mark.parametrize(
    ("text", "message", "at"),
    [
        ("INSERT OVERWRITE t SELECT 1", "expected 'TABLE', found 't'", 17),
        ("INSERT OVERWRITE TABLE t (a) SELECT 1", "INSERT OVERWRITE takes no column list (INSERT INTO does)", 25),
        ("INSERT INTO t PARTITION (dt = x) VALUES (1)", "expected a partition value (a quoted string or a number), "
         "found 'x'", 30),
        ("INSERT INTO t DELETE", "expected VALUES or SELECT, found 'DELETE'", 14),
        ("INSERT t VALUES (1)", "expected 'INTO', found 't'", 7),
    ],
)  # fmt: skip
def test_what_the_grammar_refuses(text, message, at):
    with pytest.raises(ParseError) as raised:
        parse(Chunk(text, 1, 1))
    assert (raised.value.message, raised.value.offset) == (message, at)


def test_plan_queries_checks_an_inserts_select_at_its_place():
    chunk = Chunk("INSERT OVERWRITE TABLE t\n  SELECT a FROM u", 3, 1)
    part = checked_part(chunk)
    assert part is not None and (part.text, part.position(0)) == ("SELECT a FROM u", (4, 3))
    assert checked_part(Chunk("INSERT INTO t VALUES (1)", 1, 1)) is None
    broken = Chunk("INSERT INTO t PARTITION (dt = x) SELECT 1", 1, 1)
    assert checked_part(broken) is broken  # its check reports the error

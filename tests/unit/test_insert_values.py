"""The values an INSERT ... VALUES writes (rules/insert_run.py): Python values of the target columns'
types, one per data column, where the conversion is exact; any other is refused, never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.errors import NotRunLocally
from mcshell.rules.insert_run import _full_rows, _placed
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk

COLUMNS = (
    TableColumnMeta("id", "bigint"), TableColumnMeta("v", "double"), TableColumnMeta("d", "decimal(10,2)"),
    TableColumnMeta("s", "string"), TableColumnMeta("c", "varchar(3)"), TableColumnMeta("b", "boolean"),
)  # fmt: skip
TABLE = TableMeta("p", "t", "o", "", COLUMNS, (), None, "", "", "")


def rows(text: str, targets: tuple[TableColumnMeta, ...] = COLUMNS) -> list[tuple[object, ...]]:
    statement = parse(Chunk(text, 1, 1))
    assert isinstance(statement, st.Insert)
    return list(_full_rows(statement, TABLE, targets))


def test_exact_conversions_and_null_for_the_columns_left_out():
    assert rows("INSERT INTO t VALUES (1, 2, 1.5, 7, 'abc', true), (NULL, 2.5, 3, 'x', NULL, false)") == [
        (1, 2.0, Decimal("1.5"), "7", "abc", True), (None, 2.5, Decimal("3"), "x", None, False),
    ]  # fmt: skip
    assert rows("INSERT INTO t (s, id) VALUES ('a', 1)", (COLUMNS[3], COLUMNS[0])) == [(1, None, None, "a", None, None)]


@pytest.mark.parametrize(
    "values",
    ["(1, 2, 1.555, 'a', 'b', true)", "(1, 2, 123456789, 'a', 'b', true)", "(1, 2, 1, 2.5, 'b', true)",
     "(1, 2, 1, 'a', 'abcd', true)", "(1, 2, 1, 'a', 'b', 1 + 1)"],
)  # fmt: skip
def test_a_value_mcshell_would_have_to_round_or_format_is_refused(values):
    with pytest.raises(NotRunLocally):
        rows(f"INSERT INTO t VALUES {values}")


def test_a_select_into_a_column_list_is_placed_in_the_tables_order():
    assert _placed("SELECT 1, 2", TABLE, COLUMNS) == "SELECT 1, 2"
    assert _placed("SELECT 'a', 1", TABLE, (COLUMNS[3], COLUMNS[0])) == (
        "SELECT q.c1, NULL, NULL, q.c0, NULL, NULL FROM (SELECT 'a', 1) AS q(c0, c1)"
    )

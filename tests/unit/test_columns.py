"""The scope of a SELECT over tables, as sql/select.py reads it and rules/columns.py resolves it."""

from __future__ import annotations

import pytest

from mcshell.catalog.store import Catalog
from mcshell.errors import SemanticError, TableNotFound
from mcshell.rules.columns import output_types, table_scope
from mcshell.rules.context import Context
from mcshell.rules.tables import create_table
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.select import parse_select
from mcshell.sql.splitter import Chunk

OWNER = "ALIYUN$alice@example.com"


def test_tables_aliases_joins_and_subqueries_are_read_with_each_column_ref():
    select = parse_select(
        "SELECT c.id, ML_PREDICT(m, v1, c.age, s.n) AS p FROM p1.customers c JOIN (SELECT name AS n FROM t) s "
        "ON c.id = s.n ORDER BY p LIMIT 1"
    )
    assert [str(ref.name.text) for ref in select.tables] == ["customers", "t"]
    assert select.tables[0].project == st.Ident("p1")
    outer, inner = select.scopes
    assert [(item.alias, item.level) for item in outer.sources] == [("c", -1), ("s", 1)]
    assert [output.name for output in outer.outputs] == ["id", "p"]
    assert [output.name for output in inner.outputs] == ["n"]
    # every column named, but the model and version, and the alias p in ORDER BY
    assert [(ref.parts, ref.level) for ref in select.refs] == [
        (("c", "id"), 0), (("c", "age"), 0), (("s", "n"), 0), (("c", "id"), 0), (("s", "n"), 0), (("name",), 1),
    ]  # fmt: skip
    call = select.calls[0]
    assert [select.refs[arg.ref].parts for arg in call.args] == [("c", "age"), ("s", "n")]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a FROM t WHERE a IN (SELECT b FROM u)",
        "WITH w AS (SELECT a FROM t) SELECT a FROM w",
        "SELECT a FROM t UNION ALL SELECT a FROM u",
        "SELECT x FROM t LATERAL VIEW EXPLODE(arr) e AS x",
        "SELECT a FROM (SELECT a FROM (SELECT a FROM t) i) o",
        "SELECT id FROM t JOIN u USING (id)",
        "SELECT id FROM t NATURAL JOIN u",
        "SELECT id FROM t LEFT SEMI JOIN u ON t.id = u.id",
    ],
)
def test_shapes_whose_columns_are_not_placed_still_name_their_tables(sql):
    select = parse_select(sql)
    assert select.source == "tables" and select.tables
    assert (select.scopes, select.refs) == ((), ())


@pytest.fixture
def ctx(tmp_path):
    catalog = Catalog.open(str(tmp_path / "c.db"), "2026-12-07 10:00:00")
    context = Context(catalog, OWNER, "my_project", lambda: "2026-12-07 10:00:00")
    with catalog.transaction(write=True):
        catalog.ensure_project("my_project", OWNER, "2026-12-07 10:00:00")
        for sql in ("CREATE TABLE a (id BIGINT, x STRING, s STRUCT<f:INT>) PARTITIONED BY (dt STRING)",
                    "CREATE TABLE b (id BIGINT, y DECIMAL(10,2), tags ARRAY<STRING>)"):  # fmt: skip
            statement = parse(Chunk(sql, 1, 1))
            assert isinstance(statement, st.CreateTable)
            create_table(statement, context)
    yield context
    catalog.close()


def _scope(ctx: Context, sql: str) -> tuple[str, ...]:
    with ctx.catalog.transaction(write=False):
        return table_scope(parse_select(sql), ctx).types


def test_each_column_gets_its_table_columns_type(ctx):
    sql = "SELECT a.id, x, y, tags, dt, s.f, a.s.f FROM a JOIN b ON a.id = b.id"
    assert _scope(ctx, sql) == ("BIGINT", "STRING", "DECIMAL", "ARRAY<STRING>", "STRING", "", "", "BIGINT", "BIGINT")
    with ctx.catalog.transaction(write=False):
        assert output_types(parse_select("SELECT *, 1, q.x FROM (SELECT x, y FROM a JOIN b) q"), ctx) == (
            "STRING", "DECIMAL", "INT", "STRING",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("sql", "error", "message", "offset"),
    [
        ("SELECT nothing FROM a", SemanticError, "column nothing cannot be resolved", 7),
        ("SELECT id FROM a JOIN b", SemanticError, "column reference id is ambiguous: qualify it with its table", 7),
        ("SELECT b.x FROM a JOIN b", SemanticError, "column b.x cannot be resolved", 7),
        ("SELECT 1 FROM a WHERE nothing > 1 AND x.y = 2", SemanticError, "column nothing cannot be resolved", 22),
        ("SELECT id FROM c", TableNotFound, "table my_project.c cannot be resolved", 15),
    ],
)
def test_the_first_failure_in_text_order(ctx, sql, error, message, offset):
    with pytest.raises(error) as raised:
        _scope(ctx, sql)
    assert (raised.value.message, raised.value.offset) == (message, offset)

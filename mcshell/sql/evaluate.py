"""Local evaluation of a SELECT with no FROM or over FROM VALUES, by sqlglot's executor.

The model functions are not SQL the executor knows, and each call site must see all its rows at
once (one batch: a model is fed a matrix, an endpoint a list). So the statement is taken apart:
the rows of its VALUES list (or one row, with no FROM) form a table; the WHERE clause filters it
first when it calls no model; then, innermost first, each call's arguments are evaluated for every
row, `run_call(index, rows)` answers them all, and the call is replaced by a column holding its
results. The executor then runs what is left of the statement over that table.

`run_call` is a plain Python callable (rules/query.py builds it over the runtime): sqlglot stays
inside mcshell/sql.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp
from sqlglot.errors import ExecuteError, SqlglotError
from sqlglot.executor.env import ENV
from sqlglot.executor.python import PythonExecutor
from sqlglot.executor.table import Table, ensure_tables
from sqlglot.optimizer import optimize
from sqlglot.planner import Plan
from sqlglot.schema import ensure_schema

from mcshell.errors import NotRunLocally
from mcshell.sql import statements as st
from mcshell.sql.select import _constant

RunCall = Callable[[int, list[tuple[object, ...]]], Sequence[object]]
Rows = list[tuple[object, ...]]

SOURCE = "_mcshell_source"
_ROW = "_mcshell_row"  # the one column of the one row a SELECT with no FROM reads
_CLAUSES = ("where", "group", "having", "order", "limit", "offset", "distinct", "qualify")


def evaluate(select: st.Select, run_call: RunCall) -> tuple[tuple[str, ...], Rows]:
    """The result grid of `select` (source "none" or "values"): its header and its rows."""
    tree = select.query.copy()
    assert isinstance(tree, exp.Select)
    columns, rows, alias = _source(tree)
    headers = _headers(tree, columns)
    where = tree.args.get("where")
    if where is not None and not _calls_in(where):
        rows = _run(exp.select("*").where(where.this), columns, rows, alias)
        tree.set("where", None)
    calls = [node for node in tree.find_all(exp.Anonymous, bfs=False) if "mcshell_call" in node.meta]
    for node in reversed(calls):  # a call's arguments before the call: innermost first
        index = node.meta["mcshell_call"]
        values = run_call(index, _arguments(node.expressions[2:], columns, rows, alias))
        name = f"_mcshell_call_{index}"
        columns = [*columns, name]
        rows = [(*row, value) for row, value in zip(rows, values, strict=True)]
        node.replace(exp.column(name))
    return headers, _project(tree, columns, rows, alias)


def _source(tree: exp.Select) -> tuple[list[str], Rows, str | None]:
    """The rows the statement reads: its VALUES list, or one empty row; and the VALUES alias."""
    source = tree.args.get("from_")
    if source is None:
        return [_ROW], [(0,)], None
    values = source.this
    assert isinstance(values, exp.Values)
    alias = values.args["alias"]
    columns = [column.name.lower() for column in alias.columns]
    rows = [_values_row(row, columns) for row in values.expressions]
    return columns, rows, alias.name or None


def _values_row(row: exp.Expr, columns: list[str]) -> tuple[object, ...]:
    items = row.expressions if isinstance(row, exp.Tuple) else [row]
    values: list[object] = []
    for item in items:
        if isinstance(item, exp.Null):
            values.append(None)
            continue
        constant = _constant(item)
        if constant is None:  # an expression: the executor works it out, over the one-row source
            return _run(exp.select(*(e.copy() for e in items)), [_ROW], [(0,)], None)[0]
        values.append(_python(*constant))
    return tuple(values)


def _python(value: object, kind: str) -> object:
    """A constant as the executor holds it: BINARY as bytes."""
    if kind == "BINARY" and isinstance(value, str):
        return value.encode()
    return value


def _headers(tree: exp.Select, columns: list[str]) -> tuple[str, ...]:
    """MaxCompute's header: an alias, a column's name, else _c<position>; in lower case."""
    headers: list[str] = []
    for position, item in enumerate(tree.expressions):
        if isinstance(item, exp.Star):
            headers.extend(c for c in columns if c != _ROW)
        elif isinstance(item, exp.Alias) or isinstance(item, exp.Column) and not isinstance(item.this, exp.Star):
            headers.append(item.alias_or_name.lower())
        else:
            headers.append(f"_c{position}")
    return tuple(headers)


def _calls_in(node: exp.Expr) -> bool:
    return any("mcshell_call" in found.meta for found in node.find_all(exp.Anonymous))


def _arguments(args: list[exp.Expr], columns: list[str], rows: Rows, alias: str | None) -> Rows:
    """Each row's values of a call's arguments: taken straight from the source when they are its
    columns or constants (the usual ML_PREDICT(m, v, age, spend)), else worked out by the executor."""
    if not args:
        return [() for _ in rows]
    picks: list[tuple[int | None, object]] = []  # (the column's position, or None and the constant)
    for arg in args:
        if isinstance(arg, exp.Column) and arg.name.lower() in columns and not arg.args.get("db"):
            picks.append((columns.index(arg.name.lower()), None))
        elif isinstance(arg, exp.Null):
            picks.append((None, None))
        elif (constant := _constant(arg)) is not None:
            picks.append((None, _python(*constant)))
        else:
            return _run(exp.select(*(arg.copy() for arg in args)), columns, rows, alias)
    return [tuple(value if at is None else row[at] for at, value in picks) for row in rows]


def _project(tree: exp.Select, columns: list[str], rows: Rows, alias: str | None) -> Rows:
    """What is left of the statement, over the source with the calls' columns: picked straight
    when it is a list of columns, else run by the executor."""
    plain = not any(tree.args.get(clause) for clause in _CLAUSES)
    positions = []
    for item in tree.expressions:
        inner = item.this if isinstance(item, exp.Alias) else item
        if plain and isinstance(inner, exp.Column) and inner.name.lower() in columns:
            positions.append(columns.index(inner.name.lower()))
        else:
            plain = False
    if plain:
        return [tuple(row[at] for at in positions) for row in rows]
    tree.set("from_", None)
    return _run(tree, columns, rows, alias)


def _run(query: exp.Select, columns: list[str], rows: Rows, alias: str | None) -> Rows:
    """sqlglot's executor over the source table (sqlglot.executor.execute, with mcshell's CAST)."""
    table = exp.Table(this=exp.to_identifier(SOURCE))
    if alias:  # `t.age` still names the column of the VALUES list t(age, ...)
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    query = query.from_(table)
    for node in list(query.find_all(exp.TryCast)):  # Hive's CAST: the executor knows only Cast
        node.replace(exp.Cast(this=node.this, to=node.args["to"]))
    types = [_type_of(rows, at) for at in range(len(columns))]
    try:
        schema = ensure_schema({SOURCE: dict(zip(columns, types, strict=True))}, dialect="hive")
        tables = ensure_tables({SOURCE: Table(columns=tuple(columns), rows=rows)}, dialect="hive")
        plan = Plan(optimize(query, schema, leave_tables_isolated=True, dialect="hive"))
        result = PythonExecutor(env=_ENV, tables=tables).execute(plan)  # type: ignore[no-untyped-call]
    except (SqlglotError, ArithmeticError, TypeError, ValueError, NameError) as error:
        raise NotRunLocally(
            f"mcshell's local evaluator (sqlglot's executor) cannot run this SELECT: {_reason(error)}", 0, "SELECT"
        ) from None
    return [tuple(row) for row in result.rows]


def _reason(error: Exception) -> str:
    text = str(error)
    if isinstance(error, ExecuteError) and " failed: " in text:
        text = text.split(" failed: ", 1)[1]
    return text or type(error).__name__


_TYPES = ((bool, "BOOLEAN"), (int, "BIGINT"), (float, "DOUBLE"), (str, "VARCHAR"), (bytes, "BINARY"))


def _type_of(rows: Rows, at: int) -> str:
    """The executor's type for a column, from its first value that is not NULL."""
    for row in rows:
        value = row[at]
        if value is not None:
            return next((name for kind, name in _TYPES if isinstance(value, kind)), "UNKNOWN")
    return "UNKNOWN"


def _cast(value: object, to: object) -> object:
    """CAST as MaxCompute does it for the types sqlglot's executor lacks (BINARY), else its own."""
    if value is None:
        return None
    if to == exp.DType.BINARY:
        return value if isinstance(value, bytes) else str(value).encode()
    if isinstance(value, bytes) and to in exp.DataType.TEXT_TYPES:
        return value.decode("utf-8", "replace")
    return ENV["CAST"](value, to)


_ENV = {"CAST": _cast}

"""SELECT over tables, run on DuckDB over the tables' live rows (docs/tables.md, "Queries over rows").

sql/translate.py writes the query as DuckDB SQL on MaxCompute's rules; this module resolves its tables to the
row store's views, registers what that SQL calls (the `mc_*` rules of sql/semantics.py, vectorized; the
evaluator's rules row by row; each model call site's answers, computed by mcshell.runtime in one batch for the
distinct arguments of its rows, or a function of each DuckDB vector where the call cannot be joined back), runs
it, checks what only the result can tell (the order of rows), and prints the cells as the evaluator of VALUES
prints them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mcshell.errors import McError, NotRunLocally, TableNotFound
from mcshell.output.results import Result, Table
from mcshell.sql import semantics as sem
from mcshell.sql.semantics import Refused, Typed

if TYPE_CHECKING:
    from mcshell.rows.store import RowStore
    from mcshell.rules.context import Context
    from mcshell.rules.functions import CheckedCall
    from mcshell.sql import statements as st
    from mcshell.sql.translate import CallSite, Translation

_WORDS = "SELECT"
_UNSUPPORTED = "mcshell does not run this SELECT locally: "
_NEAR = 1e-13  # DOUBLEs nearer than this may be equal by the 15-digit rule (sem.compare decides for them)


@dataclass(frozen=True)
class Compiled:
    """A SELECT over tables as DuckDB SQL on the store's connection (its functions registered there)."""

    sql: str
    headers: tuple[str, ...]
    types: tuple[str, ...]  # MaxCompute's, as results carry them
    failures: Failures | None = None

    def error(self, error: Exception) -> BaseException:
        """What a DuckDB error raised while `sql` ran means: the refusal it carries (NotRunLocally), or the error a
        rule or a model call raised inside it (INSERT ... SELECT raises this instead of DuckDB's own)."""
        found = _failure(error, self.failures or Failures())
        return _refusal(found) if isinstance(found, Refused) else found


def compile_select(select: st.Select, ctx: Context, store: RowStore) -> Compiled:
    """The DuckDB query of `select` (INSERT ... SELECT writes its rows): its model calls checked again."""
    from mcshell.rules.answers import require_call_settings
    from mcshell.rules.functions import check_select

    checked = check_select(select, ctx)
    require_call_settings(checked, ctx)
    failures = Failures()
    translation = _prepare(select, ctx, store, checked, failures)
    return Compiled(translation.sql(translation.limit), translation.headers, translation.types, failures)


def run_table_select(select: st.Select, ctx: Context, checked: list[CheckedCall]) -> Result:
    """Run a SELECT over tables (its checks passed) and give its grid, as odpscmd prints it."""
    from mcshell.rows.store import RowStore

    store = RowStore.open(ctx.catalog, write=False)
    try:
        failures = Failures()
        translation = _prepare(select, ctx, store, checked, failures)
        rows = Rows(store.connection, translation, failures).fetch()
    finally:
        store.close()
    columns = list(zip(translation.value_types, translation.offsets, strict=True))
    cells = [
        tuple(_cell(value, kind, offset) for value, (kind, offset) in zip(row, columns, strict=True)) for row in rows
    ]
    return Result(Table(translation.headers, cells, translation.types))


def _cell(value: object, kind: str, offset: int) -> str | None:
    """A value as odpscmd prints it (sem.printable refuses what the docs do not show), the refusal at its column."""
    from mcshell.rules.answers import value_text
    from mcshell.sql import column_types as held

    try:
        if held.held(kind):
            return held.cell_text(value, kind)
        shown = sem.printable(Typed(value, kind))
    except Refused as refused:
        raise _refusal(_at(refused, offset)) from None
    return None if shown is None else value_text(shown)


def _prepare(
    select: st.Select, ctx: Context, store: RowStore, checked: list[CheckedCall], failures: Failures
) -> Translation:
    from mcshell.rules.signatures import SIGNATURES
    from mcshell.sql.select import nesting_room
    from mcshell.sql.translate import translate

    returns = {item.call.index: SIGNATURES[item.call.function].returns for item in checked}
    with nesting_room():
        try:
            translation = translate(select.query, select.text, _resolver(ctx, store), returns)
        except Refused as refused:
            raise _refusal(refused) from None
    _register(store.connection, translation, ctx, checked, failures)
    return translation


def _refusal(refused: Refused) -> NotRunLocally:
    return NotRunLocally(f"{_UNSUPPORTED}{refused}", refused.offset or 0, _WORDS)


def _resolver(ctx: Context, store: RowStore) -> Callable[[tuple[str, ...], int], Any]:
    from mcshell.sql.translate import Table as Source

    def resolve(parts: tuple[str, ...], offset: int) -> Source:
        project = parts[0] if len(parts) > 1 else ctx.project
        if len(parts) == 3 and parts[1].lower() != "default":
            raise Refused(f"the schema {parts[1]} (tables live in the schema default here)")
        table = ctx.catalog.tables.get(project, parts[-1].lower())
        if table is None:
            raise TableNotFound(f"table {project}.{parts[-1]} cannot be resolved", offset, _WORDS)
        columns = tuple((c.name.lower(), c.type.upper()) for c in (*table.columns, *table.partition_columns))
        return Source(store.view(table), columns)

    return resolve


# -- running and checking the result ------------------------------------------------------------------
class Failures:
    """The first error a function raised inside DuckDB (DuckDB reports it as its own error, with its text)."""

    def __init__(self) -> None:
        self.first: BaseException | None = None

    def guard(self, function: Callable[..., Any], width: int) -> Callable[..., Any]:
        """`function`, keeping its first error; DuckDB reads how many arguments it takes from its signature."""

        def run(*args: Any) -> Any:
            try:
                return function(*args)
            except (Refused, McError) as error:
                if self.first is None:
                    self.first = error
                raise

        parameters = [inspect.Parameter(f"a{at}", inspect.Parameter.POSITIONAL_ONLY) for at in range(width)]
        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return run


class Rows:
    def __init__(self, connection: Any, translation: Translation, failures: Failures):
        self.connection, self.t, self.failures = connection, translation, failures
        self.width = len(translation.headers)

    def fetch(self) -> list[tuple[object, ...]]:
        t = self.t
        try:
            if not t.keys:
                if not t.unordered:
                    return self._execute(t.sql(t.limit))
                rows = self._execute(t.sql(2))
                if len(rows) > 1:
                    raise Refused(t.unordered)
                return rows[: t.limit]
            rows = self._execute(t.sql(None if t.limit is None else t.limit + 1, hidden=True))
            self._check_guards(rows)
            if t.limit is not None and len(rows) > t.limit and self._tie(rows[t.limit - 1], rows[t.limit]):
                rows = self._execute(t.sql(hidden=True))  # a tie at the cut: every row that ties must agree
            self._check_order(rows)
            return [row[: self.width] for row in rows[: t.limit]]
        except Refused as refused:
            raise _refusal(refused) from None

    def _execute(self, sql: str) -> list[tuple[object, ...]]:
        return [tuple(row) for row in _run(self.connection, sql, self.failures).fetchall()]

    def _keys(self, row: tuple[object, ...]) -> list[Typed]:
        return [Typed(row[self.width + at], key.type) for at, key in enumerate(self.t.keys)]

    def _tie(self, a: tuple[object, ...], b: tuple[object, ...]) -> bool:
        """Whether two rows' keys tie by MaxCompute's order (sem.order_of: two NULLs tie)."""
        return all(_order_of(x, y) == 0 for x, y in zip(self._keys(a), self._keys(b), strict=True))

    def _check_guards(self, rows: list[tuple[object, ...]]) -> None:
        """No NaN or infinite key and no STRING key outside ASCII in any row (the guards, over every row)."""
        guards = self.width + len(self.t.keys)
        for key, guard in zip(self.t.keys, rows[0][guards:] if rows else (), strict=False):
            if guard:
                refused = Refused("ORDER BY a NaN or infinite key, or a STRING key outside ASCII, is not run locally")
                raise _at(refused, key.offset)

    def _check_order(self, rows: list[tuple[object, ...]]) -> None:
        """No two rows whose keys tie (by MaxCompute's comparison) unless they are the same row."""
        for before, after in zip(rows, rows[1:], strict=False):
            if self._tie(before, after) and before[: self.width] != after[: self.width]:
                raise Refused("ORDER BY keys that tie on rows that differ (MaxCompute does not define their order)")


def _order_of(a: Typed, b: Typed) -> int:
    """How two ORDER BY keys sort: a DECIMAL's or a time's exactly, as DuckDB sorted them (NULL before any
    value, as sem.order_of); any other key by sem.order_of."""
    from mcshell.sql import column_types as held

    if not held.held(a.type) or a.value is None or b.value is None:
        return sem.order_of(a, b)
    x, y = a.value, b.value
    return int(x > y) - int(x < y)


def _run(connection: Any, sql: str, failures: Failures, arrow: bool = False) -> Any:
    """The DuckDB result of `sql` (as an Arrow table if `arrow`); an error is the first one a function raised, or
    the refusal DuckDB carries."""
    from mcshell.rows.engine import duckdb_module

    duckdb = duckdb_module()
    try:
        return connection.sql(sql).to_arrow_table() if arrow else connection.execute(sql)
    except duckdb.Error as error:
        raise _failure(error, failures) from None


def _failure(error: Exception, failures: Failures) -> BaseException:
    from mcshell.sql.translate import REFUSED

    if failures.first is not None:
        return failures.first
    text = str(error)
    if REFUSED + ":" in text:
        offset, _, reason = text.split(REFUSED + ":", 1)[1].partition(":")
        refused = Refused(reason.strip())
        refused.offset = int(offset) if offset.isdigit() else 0
        return refused
    if "Overflow" in text:
        return Refused("a result past its type's range: MaxCompute 2.0 reports an overflow")
    if "Division by zero" in text:
        return Refused("% by zero (what MaxCompute gives is not documented)")
    return Refused(f"DuckDB could not run it ({text.splitlines()[0] if text else type(error).__name__})")


# -- the functions the SQL calls ------------------------------------------------------------------------
def _register(connection: Any, t: Translation, ctx: Context, checked: list[CheckedCall], failures: Failures) -> None:
    from mcshell.rules.answers import model_call

    _require_arrow()  # a query over rows needs pyarrow, whatever it calls (docs/tables.md)
    register_rules(connection, t, failures)
    runtime = ctx.runtime() if t.calls else None
    by_index = {item.call.index: item for item in checked}
    for site in t.calls:
        call = model_call(by_index[site.index])
        answer = _model_function(runtime, call, site.returns)
        if site.collect:
            _answer_batch(connection, site, answer, failures)
            continue
        guarded = failures.guard(answer, len(site.arguments))
        _create(connection, site.udf, guarded, list(site.arguments), site.returns, special=True)


def register_rules(connection: Any, t: Translation, failures: Failures) -> None:
    """The functions `t`'s SQL calls besides its model calls: the `mc_*` rules and its row rules. Only those it
    calls: a query that calls none (SELECT 1 + 1) needs no pyarrow, whose import costs more than DuckDB's."""
    text = " ".join([t.body, *(site.collect for site in t.calls)])
    used = [name for name in ("mc_arithmetic", "mc_compare_double", "mc_compare_string", "mc_string_double",
                              "mc_null") if f"{name}(" in text]  # fmt: skip
    if used or t.rules or t.calls:
        _require_arrow()
    rules: dict[str, tuple[Callable[..., Any], list[str], str]] = {
        "mc_arithmetic": (_arithmetic, ["VARCHAR", "INTEGER", "DOUBLE", "DOUBLE"], "DOUBLE"),
        "mc_compare_double": (_compare_double, ["VARCHAR", "INTEGER", "DOUBLE", "DOUBLE"], "BOOLEAN"),
        "mc_compare_string": (_compare_string, ["VARCHAR", "INTEGER", "VARCHAR", "VARCHAR"], "BOOLEAN"),
        "mc_string_double": (_string_double, ["INTEGER", "VARCHAR"], "DOUBLE"),
    }
    for name, (function, parameters, returns) in rules.items():
        if name in used:
            rule = failures.guard(_nonempty(function, returns), len(parameters))
            _create(connection, name, rule, parameters, returns, special=False)
    if "mc_null" in used:
        _create(connection, "mc_null", _null, ["UBIGINT"], "BOOLEAN", special=True)  # it returns NULLs
    for rule_site in t.rules:
        row_rule = failures.guard(_rows_of(rule_site.run, rule_site.returns), len(rule_site.arguments))
        _create(connection, rule_site.udf, row_rule, list(rule_site.arguments), rule_site.returns, special=True)


def _answer_batch(connection: Any, site: CallSite, answer: Callable[..., Any], failures: Failures) -> None:
    """A batched call site: its distinct argument tuples answered in one batch, registered as the relation
    `site.udf` (a0, ..., answer) that the query joins."""
    tuples = _run(connection, site.collect, failures, arrow=True)
    answers = answer(*tuples.columns)
    try:
        connection.unregister(site.udf)
    except Exception:  # noqa: BLE001 - not registered yet on this connection
        pass
    connection.register(site.udf, tuples.append_column("answer", answers))


def _rows_of(run: Callable[[tuple[object, ...]], object], returns: str) -> Callable[..., Any]:
    """A rule of the evaluator of VALUES over each row of a DuckDB vector (its NULLs are the rule's to handle)."""
    kinds = {"TINYINT": "int8", "SMALLINT": "int16", "INTEGER": "int32", "BIGINT": "int64", "DOUBLE": "float64"}
    kinds.update({"VARCHAR": "string", "BOOLEAN": "bool_"})

    def answer(*columns: Any) -> Any:
        pyarrow = _arrow()
        rows = zip(*(column.to_pylist() for column in columns), strict=True)
        return pyarrow.array([run(row) for row in rows], type=getattr(pyarrow, kinds[returns])())

    return answer


def _nonempty(function: Callable[..., Any], returns: str) -> Callable[..., Any]:
    """DuckDB hands a rule a vector with no rows when every row had a NULL argument."""
    kind = {"DOUBLE": "float64", "BOOLEAN": "bool_"}[returns]

    def run(*columns: Any) -> Any:
        if len(columns[0]) == 0:
            pyarrow = _arrow()
            return pyarrow.array([], type=getattr(pyarrow, kind)())
        return function(*columns)

    return run


def _require_arrow() -> None:
    """DuckDB's vectorized Python functions hand over Arrow arrays: pyarrow is part of the engine."""
    from mcshell.errors import EngineMissing
    from mcshell.rows.engine import INSTALL

    try:
        _arrow()
    except ImportError as error:
        raise EngineMissing(
            f"queries over rows need {error.name or 'pyarrow'}, which is not installed: {INSTALL}"
        ) from None


def _arrow() -> Any:
    """pyarrow (untyped), with its compute functions loaded."""
    import pyarrow  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute  # type: ignore[import-untyped,unused-ignore]  # noqa: F401

    return pyarrow


def _create(connection: Any, name: str, function: Any, parameters: list[str], returns: str, special: bool) -> None:
    from mcshell.rows.engine import duckdb_module

    duckdb = duckdb_module()
    try:
        connection.remove_function(name)
    except duckdb.Error:
        pass  # not registered on this connection yet
    connection.create_function(
        name,
        function,
        [duckdb.sqltype(kind) for kind in parameters],
        duckdb.sqltype(returns),
        type="arrow",
        null_handling="special" if special else "default",
        side_effects=special,
    )


def _model_function(runtime: Any, call: Any, returns: str) -> Callable[..., Any]:
    """One call site: every row of a DuckDB vector (or of the batch of its distinct arguments) in one batch. ML_PREDICT
    over numbers takes them as numpy columns (Runtime.run_columns), every other call Python values (Runtime.run)."""
    from mcshell.runtime.calls import ML_FUNCTIONS

    pyarrow = _arrow()

    kind = pyarrow.list_(pyarrow.float64()) if returns == "DOUBLE[]" else None
    if returns == "DOUBLE":
        kind = pyarrow.float64()
    elif kind is None:
        kind = pyarrow.string()

    def answer(*columns: Any) -> Any:
        if call.function in ML_FUNCTIONS and columns and all(map(_numeric, columns)):
            return _arrow_answers(runtime.run_columns(call, [_numbers(column) for column in columns]), kind)
        rows = list(zip(*(column.to_pylist() for column in columns), strict=True))
        return pyarrow.array(runtime.run(call, rows), type=kind)

    return answer


def _arrow_answers(answers: Any, kind: Any) -> Any:
    """A call site's answers as an Arrow array: a TextColumn's buffers taken as they are, else from Python values."""
    from mcshell.runtime.values import TextColumn

    pyarrow = _arrow()
    if isinstance(answers, TextColumn) and kind == pyarrow.string():
        offsets, data = pyarrow.py_buffer(answers.offsets), pyarrow.py_buffer(answers.data)
        return pyarrow.StringArray.from_buffers(len(answers), offsets, data)
    return pyarrow.array(list(answers), type=kind)


def _numeric(column: Any) -> bool:
    """Whether a column's values reach the model as the doubles numpy reads from them: integers (below 2^63, read
    as the nearest double, as Python's float does), floats and booleans; DECIMAL and the rest are Python values."""
    types = _arrow().types
    return bool(types.is_integer(column.type) or types.is_floating(column.type) or types.is_boolean(column.type))


def _numbers(column: Any) -> Any:
    """A numeric column as a numpy array of doubles, NaN for NULL (xgboost's missing value, as None becomes)."""
    pyarrow = _arrow()
    return pyarrow.compute.cast(column, pyarrow.float64(), safe=False).to_numpy(zero_copy_only=False)


def _arithmetic(symbols: Any, offsets: Any, a: Any, b: Any) -> Any:
    """+ - * / of DOUBLEs: IEEE's answer (Java's) where it is finite and no divisor is zero; at the first row where
    it is not, sem.arithmetic gives the refusal (overflow, division by zero). `%` runs row by row on its rule."""
    pc = _arrow().compute
    symbol, offset = symbols[0].as_py(), offsets[0].as_py()
    if symbol == "%":
        return _row_by_row(offset, sem.arithmetic, symbol, a, b, _arrow().float64())
    result = _ARROW_OPS[symbol](pc, a, b)
    bad = pc.invert(pc.is_finite(result))
    if symbol == "/":
        bad = pc.or_(bad, pc.equal(b, 0.0))
    bad = pc.fill_null(bad, False)
    if pc.any(bad).as_py():
        at = pc.index(bad, True).as_py()
        _rule(offset, sem.arithmetic, symbol, _double(a[at].as_py()), _double(b[at].as_py()))
    return result


_ARROW_OPS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "+": lambda pc, x, y: pc.add(x, y),
    "-": lambda pc, x, y: pc.subtract(x, y),
    "*": lambda pc, x, y: pc.multiply(x, y),
    "/": lambda pc, x, y: pc.divide(x, y),
}


def _row_by_row(offset: int, rule: Callable[..., Typed], symbol: str, a: Any, b: Any, kind: Any) -> Any:
    values = [
        None if x is None or y is None else _rule(offset, rule, symbol, _double(x), _double(y))
        for x, y in zip(a.to_pylist(), b.to_pylist(), strict=True)
    ]
    return _arrow().array(values, type=kind)


def _null(hashes: Any) -> Any:
    """NULL for each row: a NULL the SQL computes its operands for (translate._evaluated_null), which DuckDB cannot
    see is always NULL, so it never drops an operator's other operand unevaluated."""
    pyarrow = _arrow()
    return pyarrow.nulls(len(hashes), type=pyarrow.bool_())


def _compare_double(symbols: Any, offsets: Any, a: Any, b: Any) -> Any:
    """A comparison of DOUBLEs: exact where they are equal or far apart; where two are nearer than _NEAR, every
    row goes through the 15-digit rule of sem.compare (which refuses where its readings disagree); NaN refused."""
    pc = _arrow().compute
    symbol, offset = symbols[0].as_py(), offsets[0].as_py()
    for column in (a, b):
        if pc.any(pc.fill_null(pc.is_nan(column), False)).as_py():
            raise _at(Refused("comparing a DOUBLE NaN (not documented)"), offset)
    near = pc.and_(pc.not_equal(a, b), pc.less(pc.abs(pc.subtract(a, b)), _NEAR))
    if pc.any(pc.fill_null(near, False)).as_py():
        return _row_by_row(offset, sem.compare, symbol, a, b, _arrow().bool_())
    return _ARROW_TESTS[symbol](pc, a, b)


_ARROW_TESTS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "=": lambda pc, x, y: pc.equal(x, y),
    "<>": lambda pc, x, y: pc.not_equal(x, y),
    "<": lambda pc, x, y: pc.less(x, y),
    "<=": lambda pc, x, y: pc.less_equal(x, y),
    ">": lambda pc, x, y: pc.greater(x, y),
    ">=": lambda pc, x, y: pc.greater_equal(x, y),
}


def _compare_string(symbols: Any, offsets: Any, a: Any, b: Any) -> Any:
    """Ordering STRINGs: by their characters where both are ASCII; else sem.compare refuses (the collation is
    not documented)."""
    pyarrow = _arrow()
    pc = pyarrow.compute

    symbol, offset = symbols[0].as_py(), offsets[0].as_py()
    for column in (a, b):
        ascii_ = pc.fill_null(pc.string_is_ascii(column), True)
        if not pc.all(ascii_).as_py():
            at = pc.index(ascii_, False).as_py()
            _rule(offset, sem.compare, symbol, Typed(column[at].as_py(), "STRING"), Typed("a", "STRING"))
    return _ARROW_TESTS[symbol](pc, a, b)


def _string_double(offsets: Any, texts: Any) -> Any:
    """A STRING as MaxCompute reads it as a DOUBLE (sem.to_double: ASCII digits, as Java's parseDouble)."""
    pyarrow = _arrow()

    offset = offsets[0].as_py()
    values = [None if text is None else _to_double(text, offset) for text in texts.to_pylist()]
    return pyarrow.array(values, type=pyarrow.float64())


def _to_double(text: str, offset: int) -> float:
    try:
        return sem.to_double(Typed(text, "STRING"), "a STRING read as a DOUBLE")
    except Refused as refused:
        raise _at(refused, offset) from None


def _double(value: float) -> Typed:
    return Typed(float(value), "DOUBLE")


def _rule(offset: int, run: Callable[..., Typed], *args: Any) -> Any:
    """The value of a semantics rule (`run(*args)`), its refusal placed at `offset`."""
    try:
        return run(*args).value
    except Refused as refused:
        raise _at(refused, offset) from None


def _at(refused: Refused, offset: int) -> Refused:
    if refused.offset is None:
        refused.offset = offset
    return refused

"""Local evaluation of a SELECT with no FROM or over FROM VALUES, on MaxCompute's rules.

Every value is computed by sql/semantics.py and sql/builtins.py, which know each value's MaxCompute type;
a node of the syntax tree that is not in the whitelist below (`_NODES`, `FUNCTIONS`) is refused with
NotRunLocally naming it, never left to Python. The rows are plain data; the clauses are applied here in
MaxCompute's order: WHERE, GROUP BY with COUNT and SUM, HAVING, the select list, DISTINCT, ORDER BY, LIMIT.

The model functions are answered by `run_call(index, rows)` (rules/query.py builds it over the runtime),
one batch per call site, and only for the rows that need them: the WHERE conjuncts that call no model
filter first; each conjunct that calls one is answered for the rows the conjuncts before it kept; LIMIT
cuts the rows before the select list's calls when no ORDER BY, DISTINCT or aggregate needs every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cmp_to_key

from sqlglot import exp

from mcshell.errors import NotRunLocally
from mcshell.sql import semantics as sem
from mcshell.sql import statements as st
from mcshell.sql.builtins import FUNCTIONS, cast, concat
from mcshell.sql.nodes import NODES, node_name
from mcshell.sql.select import cast_type, first_offset, nesting_room, written_calls
from mcshell.sql.semantics import Refused, Typed

RunCall = Callable[[int, list[tuple[object, ...]]], Sequence[object]]
Rows = list[tuple[object, ...]]
Grid = tuple[tuple[str, ...], Rows, tuple[str, ...]]  # the header, the rows, each column's MaxCompute type
Row = dict[object, Typed]  # a column's name (str) or a model call's index (int) -> its value
Cells = tuple[list[Typed], list[Typed]]  # an output row's cells, and its ORDER BY keys

_WORDS = "SELECT"
# The types of the model functions' results (rules/signatures.py) that the rules compute with; any other
# (ML_PREDICT's STRING or STRUCT, AI_EMBEDDING's VECTOR) is only printed or passed on.
_RESULTS = {"STRING": "STRING", "FLOAT": sem.RESULT_FLOAT}
_PYTHON: dict[str, type | tuple[type, ...]] = {"STRING": str, sem.RESULT_FLOAT: float, "CALL": object}
_CLAUSES = {"expressions", "from_", "where", "group", "having", "order", "limit", "distinct"}
# The function names the whitelist documents (builtins.FUNCTIONS, SYNTAX's IF, CAST, COUNT and SUM, ARRAY for a
# model function's labels) and the model functions: any other name is refused as written, though sqlglot's Hive
# parser reads LEN as LENGTH, CEILING as CEIL, POWER as POW, MOD as %, IIF as IF or TRY_CAST as CAST.
_DOCUMENTED = frozenset({*FUNCTIONS, "SUBSTRING", "IF", "CAST", "COUNT", "SUM", "ARRAY", *st.MODEL_FUNCTIONS})


@contextmanager
def placed(node: exp.Expr) -> Iterator[None]:
    """A refusal from inside `node` that no inner expression placed is placed at `node`'s start."""
    try:
        yield
    except Refused as refused:
        if refused.offset is None:
            refused.offset = first_offset(node)
        raise


def not_run(node: exp.Expr) -> Refused:
    """The refusal of a node the whitelist does not hold."""
    what = "the function" if isinstance(node, exp.Func) else "the syntax"
    return Refused(f"{what} {node_name(node)} is not run locally")


def evaluate(select: st.Select, run_call: RunCall, result_types: Mapping[int, str] | None = None) -> Grid:
    """The result grid of `select` (source "none" or "values"): its header, its rows, and each column's
    MaxCompute type, as the evaluator typed its values ("" where not one type, or unknown)."""
    tree = select.query
    assert isinstance(tree, exp.Select)
    with nesting_room():
        try:
            _check_functions(select.text)
            return _Query(tree, run_call, dict(result_types or {})).run()
        except Refused as refused:
            raise NotRunLocally(
                f"mcshell does not run this SELECT locally: {refused}", refused.offset or 0, _WORDS
            ) from None


def _check_functions(text: str, more: frozenset[str] = frozenset()) -> None:
    """Every function the statement calls by a name the whitelist documents (or `more` names), and in the
    comma form."""
    for name, offset, keyword_argument in written_calls(text):
        reason = None
        if name.upper() not in _DOCUMENTED and name.upper() not in more:
            reason = f"the function {name} is not run locally"
        elif keyword_argument:
            reason = f"{name}(... FROM ...) is not run locally"
        if reason is not None:
            refused = Refused(reason)
            refused.offset = offset
            raise refused


def check_function_names(text: str, more: frozenset[str]) -> None:
    """The function names rule (docs/local-evaluation.md) for another engine's path, which also runs `more`:
    raises Refused at the first name the whitelist does not document."""
    _check_functions(text, more)


def constant(node: exp.Expr) -> Typed:
    """The value of an expression that reads no column, no model call and no aggregate, on these rules (how
    sql/translate.py types and computes a query's constants)."""
    return value_of(node, lambda found: None)


def value_of(node: exp.Expr, leaves: Callable[[exp.Expr], Typed | None]) -> Typed:
    """The value of `node` on these rules, where `leaves(sub-node)` gives the value of a sub-expression the caller
    computed itself (sql/translate.py: a column, an aggregate, DuckDB's part of the expression), or None to
    compute it here."""
    empty = _Query.__new__(_Query)
    empty.columns, empty.alias, empty.group = [], None, []
    return _Leaves(empty, {}, leaves).of(node)


def headers(tree: exp.Select, columns: list[str]) -> tuple[str, ...]:
    """MaxCompute's header of a SELECT's result (`columns` are what `*` stands for)."""
    return _headers(tree, columns)


class _Query:
    def __init__(self, tree: exp.Select, run_call: RunCall, result_types: dict[int, str]):
        for key, value in tree.args.items():
            if value not in (None, [], False) and key not in _CLAUSES:
                raise Refused(f"the {key.upper()} clause is not run locally")
        self.tree, self.run_call, self.result_types = tree, run_call, result_types
        self.columns, self.rows, self.alias = _source(tree)
        self.group = [node for node in (tree.args["group"].expressions if tree.args.get("group") else [])]
        self.aggregated = (
            bool(self.group) or bool(_having(tree)) or any(node.find(exp.AggFunc) for node in tree.expressions)
        )

    def run(self) -> Grid:
        headers = _headers(self.tree, self.columns)
        rows = self._where(self.rows)
        limit = limit_of(self.tree)
        ordered = self.tree.args.get("order") is not None or self.tree.args.get("distinct") is not None
        if limit is not None and not ordered and not self.aggregated:
            rows = rows[:limit]  # no clause after WHERE needs the rows past the limit
        items = [item.this if isinstance(item, exp.Alias) else item for item in self.tree.expressions]
        keys = _order_keys(self.tree)
        for node in items + self.group + _having(self.tree) + keys:
            self._answer_calls(node, rows)
        out = self._grouped(rows, items, keys) if self.aggregated else [self._project(row, items, keys) for row in rows]
        distinct = self.tree.args.get("distinct") is not None
        out = _distinct(out) if distinct else out
        out = _sorted(out, self.tree) if keys else _unordered(out, bool(self.group) or distinct)
        out = out[:limit] if limit is not None else out
        printed = [tuple(sem.printable(cell) for cell in cells) for cells, _ in out]
        return headers, printed, _column_types([cells for cells, _ in out], len(headers))

    # -- WHERE and the model calls ---------------------------------------------------------------------
    def _where(self, rows: list[Row]) -> list[Row]:
        where = self.tree.args.get("where")
        if where is None:
            return rows
        conjuncts = list(_conjuncts(where.this))
        plain = [node for node in conjuncts if not _calls(node)]
        # every plain conjunct for every row (no short cut): what refuses in one refuses whatever the others say
        rows = [row for row in rows if all([self._true(node, row) for node in plain])]
        for node in conjuncts:
            if _calls(node):
                self._answer_calls(node, rows)
                rows = [row for row in rows if self._true(node, row)]
        return rows

    def _true(self, node: exp.Expr, row: Row) -> bool:
        return sem.boolean(_Values(self, row).of(node), "WHERE") is True

    def _answer_calls(self, node: exp.Expr, rows: list[Row]) -> None:
        """Each model call in `node`, innermost first, for every row at once (one batch per call site)."""
        for call in reversed(_calls(node)):
            index = call.meta["mcshell_call"]
            pending = [row for row in rows if index not in row]
            if not pending:
                continue
            args = [[_Values(self, row).of(arg) for arg in call.expressions[2:]] for row in pending]
            answers = self.run_call(index, [tuple(item.value for item in items) for items in args])
            kind = _RESULTS.get(self.result_types.get(index, ""), "CALL")
            for row, answer in zip(pending, answers, strict=True):
                row[index] = Typed(answer, kind if answer is None or isinstance(answer, _PYTHON[kind]) else "CALL")

    # -- the select list -------------------------------------------------------------------------------
    def _project(self, row: Row, items: list[exp.Expr], keys: list[exp.Expr]) -> Cells:
        values = _Values(self, row)
        cells: list[Typed] = []
        for item in items:
            if isinstance(item, exp.Star):
                cells.extend(row[column] for column in self.columns)
            else:
                cells.append(values.of(item))
        return cells, [_key(key, self.tree, cells, values) for key in keys]

    def _grouped(self, rows: list[Row], items: list[exp.Expr], keys: list[exp.Expr]) -> list[Cells]:
        groups: dict[tuple[object, ...], list[Row]] = {}
        for row in rows:
            groups.setdefault(tuple(_group_key(_Values(self, row).of(node)) for node in self.group), []).append(row)
        if not self.group and not groups:
            groups[()] = []  # an aggregate over no rows is one row
        out = []
        for members in groups.values():
            values = _Values(self, members[0] if members else {}, members)
            having = self.tree.args.get("having")
            if having is not None and sem.boolean(values.of(having.this), "HAVING") is not True:
                continue
            cells = [values.of(item) for item in items]
            out.append((cells, [_key(key, self.tree, cells, values) for key in keys]))
        return out


class _Values:
    """The value of an expression for one row (or one group, for its aggregates)."""

    def __init__(self, query: _Query, row: Row, group: list[Row] | None = None):
        self.query, self.row, self.group = query, row, group

    def of(self, node: exp.Expr) -> Typed:
        rule = NODES.get(type(node))
        with placed(node):
            if rule is None:
                raise not_run(node)
            return rule(self, node)

    def column(self, node: exp.Column) -> Typed:
        name, table = node.name.lower(), node.table.lower()
        if (table and table != (self.query.alias or "").lower()) or name not in self.query.columns:
            raise Refused(f"the column {node.sql()} is not one of the VALUES list's")
        if self.group is not None and not any(_same(node, key) for key in self.query.group):
            raise Refused(f"the column {name} is neither grouped nor aggregated")
        return self.row[name]

    def call(self, node: exp.Anonymous) -> Typed:
        index = node.meta.get("mcshell_call")
        if index is not None:
            if index not in self.row:  # in the VALUES list itself
                raise Refused(f"{node.name.upper()} in a VALUES list is not run locally")
            return self.row[index]
        function = FUNCTIONS.get(node.name.upper())
        if function is None:
            raise Refused(f"the function {node.name.upper()} is not run locally")
        return self.function(function.name, node.expressions, node)

    def function(self, name: str, args: Sequence[exp.Expr | None], node: exp.Expr) -> Typed:
        function = FUNCTIONS[name]
        present = [arg for arg in args if arg is not None]
        if len(present) not in function.arities:
            raise Refused(f"{name} with {len(present)} arguments is not run locally")
        for position in function.constants:
            if position < len(present) and not _is_constant(present[position]):
                raise Refused(f"{name}'s argument {position + 1} must be a constant")
        return function.run([self.of(arg) for arg in present])

    def aggregate(self, node: exp.AggFunc) -> Typed:
        if self.group is None:
            raise Refused(f"{node_name(node)} outside a grouped SELECT is not run locally")
        inner = node.this
        if isinstance(node, exp.Count) and isinstance(inner, exp.Star):
            return Typed(len(self.group), "BIGINT")
        if not isinstance(node, (exp.Count, exp.Sum)) or isinstance(inner, exp.Distinct) or node.expressions:
            raise Refused(f"the aggregate {node_name(node)} is not run locally")
        values = [_Values(self.query, row).of(inner) for row in self.group]
        if isinstance(node, exp.Count):
            return Typed(sum(1 for value in values if value.value is not None), "BIGINT")
        return sem.total(values)

    def cast(self, node: exp.Cast) -> Typed:
        if node.args.get("format") or node.args.get("default"):
            raise Refused("CAST with FORMAT or DEFAULT is not run locally")
        return cast(self.of(node.this), cast_type(node))

    def concat(self, args: Sequence[exp.Expr]) -> Typed:
        return concat([self.of(arg) for arg in args])


class _Leaves(_Values):
    def __init__(self, query: _Query, row: Row, leaves: Callable[[exp.Expr], Typed | None]):
        super().__init__(query, row)
        self.leaves = leaves

    def of(self, node: exp.Expr) -> Typed:
        found = self.leaves(node)
        return super().of(node) if found is None else found


# -- the source rows --------------------------------------------------------------------------------------
def _source(tree: exp.Select) -> tuple[list[str], list[Row], str | None]:
    """The VALUES list's columns, rows and alias; with no FROM one row with no columns."""
    source = tree.args.get("from_")
    if source is None:
        return [], [{}], None
    values = source.this
    assert isinstance(values, exp.Values)
    alias = values.args["alias"]
    columns = [column.name.lower() for column in alias.columns]
    if len(set(columns)) < len(columns):
        raise Refused("a VALUES alias that names a column twice")
    empty = _Query.__new__(_Query)
    empty.columns, empty.alias, empty.group = [], None, []
    grid = []
    for row in values.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        if len(items) != len(columns):
            raise Refused("a VALUES row whose width differs from its alias's columns")
        grid.append([_Values(empty, {}).of(item) for item in items])
    kinds = [
        sem.common_type([cells[at] for cells in grid], f"the VALUES column {name}") for at, name in enumerate(columns)
    ]
    rows: list[Row] = [{name: sem.retyped(cells[at], kinds[at]) for at, name in enumerate(columns)} for cells in grid]
    return columns, rows, alias.name or None


def _headers(tree: exp.Select, columns: list[str]) -> tuple[str, ...]:
    """MaxCompute's header: an alias, a column's name, else _c<position>; in lower case."""
    headers: list[str] = []
    for position, item in enumerate(tree.expressions):
        if isinstance(item, exp.Star):
            if not columns:
                raise Refused("SELECT * with no FROM")
            headers.extend(columns)
        elif isinstance(item, exp.Alias) or isinstance(item, exp.Column) and not isinstance(item.this, exp.Star):
            headers.append(item.alias_or_name.lower())
        else:
            headers.append(f"_c{position}")
    return tuple(headers)


# -- clause helpers ---------------------------------------------------------------------------------------
def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _calls(node: exp.Expr) -> list[exp.Anonymous]:
    """The model calls in `node`, outermost first (a call before its arguments' calls)."""
    return [found for found in node.find_all(exp.Anonymous, bfs=False) if "mcshell_call" in found.meta]


def _having(tree: exp.Select) -> list[exp.Expr]:
    having = tree.args.get("having")
    return [having.this] if having is not None else []


def limit_of(tree: exp.Select) -> int | None:
    """LIMIT's count (one integer constant, no OFFSET), or None."""
    limit = tree.args.get("limit")
    if limit is None:
        return None
    count = limit.expression
    if limit.args.get("offset") or not (isinstance(count, exp.Literal) and count.this.isdigit()):
        raise Refused("LIMIT takes one integer constant here")
    return int(count.this)


def _order_keys(tree: exp.Select) -> list[exp.Expr]:
    order = tree.args.get("order")
    keys = []
    for ordered in order.expressions if order is not None else []:
        if isinstance(ordered.this, exp.Literal):
            raise Refused("ORDER BY a position is not run locally")
        keys.append(ordered.this)
    return keys


def _key(key: exp.Expr, tree: exp.Select, cells: list[Typed], values: _Values) -> Typed:
    """An ORDER BY key: a select list alias names its column, else the expression is evaluated."""
    if isinstance(key, exp.Column) and not key.table:
        for position, item in enumerate(tree.expressions):
            if isinstance(item, exp.Alias) and item.alias.lower() == key.name.lower():
                if key.name.lower() in values.query.columns and not _same(key, item.this):
                    raise Refused(f"ORDER BY {key.name}: both an alias and a column of the VALUES list")
                return cells[position]
    if tree.args.get("distinct") is not None and not any(key == item for item in tree.expressions):
        raise Refused("ORDER BY a key that is not selected, with DISTINCT")
    return values.of(key)


def _sorted(out: list[Cells], tree: exp.Select) -> list[Cells]:
    descending = [bool(ordered.args.get("desc")) for ordered in tree.args["order"].expressions]

    def order(a: Cells, b: Cells) -> int:
        for x, y, desc in zip(a[1], b[1], descending, strict=True):
            found = sem.order_of(x, y)
            if found:
                return -found if desc else found
        return 0

    ordered = sorted(out, key=cmp_to_key(order))
    for (cells, keys), (after, after_keys) in zip(ordered, ordered[1:], strict=False):
        if cells != after and order((cells, keys), (after, after_keys)) == 0:
            raise Refused("ORDER BY keys that tie on rows that differ (MaxCompute does not define their order)")
    return ordered


# The type a column of these values has in the output (csv and json read it): a model's result passed on as it
# came ("CALL") or an ARRAY has none mcshell knows.
_OUTPUT_TYPES = {sem.RESULT_FLOAT: "FLOAT", "CALL": "", "ARRAY": ""}


def _column_types(grid: list[list[Typed]], width: int) -> tuple[str, ...]:
    """Each column's type: the one type its values that are not NULL share, else ""."""
    types = []
    for at in range(width):
        found = {cells[at].type for cells in grid if cells[at].value is not None}
        kind = found.pop() if len(found) == 1 else ""
        types.append(_OUTPUT_TYPES.get(kind, kind))
    return tuple(types)


def _unordered(out: list[Cells], grouped: bool) -> list[Cells]:
    """GROUP BY's groups and DISTINCT's rows with no ORDER BY: MaxCompute does not define their order."""
    if grouped and len(out) > 1:
        raise Refused("GROUP BY or DISTINCT with more rows than one and no ORDER BY (MaxCompute defines no order)")
    return out


def _group_key(item: Typed) -> tuple[object, ...]:
    if item.value is None or item.type in sem.UNKEYED:
        raise Refused(f"GROUP BY a {item.type if item.value is not None else 'NULL'} key is not run locally")
    return ("INTEGER" if sem.is_integer(item) else item.type, item.value)


def _distinct(out: list[Cells]) -> list[Cells]:
    seen: set[tuple[object, ...]] = set()
    kept = []
    for cells, keys in out:
        if any(cell.type in sem.UNKEYED for cell in cells):
            raise Refused("DISTINCT over DOUBLE or model results is not run locally")
        key = tuple(("INTEGER" if sem.is_integer(cell) else cell.type, cell.value) for cell in cells)
        if key not in seen:
            seen.add(key)
            kept.append((cells, keys))
    return kept


def _same(a: exp.Expr, b: exp.Expr) -> bool:
    return isinstance(b, exp.Column) and a.name.lower() == b.name.lower()


def _is_constant(node: exp.Expr) -> bool:
    inner = node.this if isinstance(node, exp.Neg) else node
    return isinstance(inner, (exp.Literal, exp.Null))

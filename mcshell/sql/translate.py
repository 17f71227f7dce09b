"""MaxCompute's SELECT over tables as DuckDB SQL, node by node on a whitelist (docs/tables.md, "Queries over rows").

Every node the translator takes is written as the DuckDB expression that computes MaxCompute's rule: where
DuckDB's own operator gives the same answer it is used (integer arithmetic with both operands cast to
MaxCompute's result type, so DuckDB's overflow error is MaxCompute's; comparisons of integers; equality of
strings; three-valued AND, OR, NOT; COUNT), and where it does not, the expression calls one of the `mc_*`
functions rows/query.py registers, which run sql/semantics.py's rule (DOUBLE arithmetic with its overflow and
division by zero, DOUBLE comparison by the 15-digit rule, ordering of strings, a STRING read as a DOUBLE), or
the evaluator of VALUES itself, row by row over the parts DuckDB computes (IN, LIKE, CASE, CAST, ROUND, SUBSTR
...: evaluate.value_of). Types come from the same rules (sem.arithmetic, sem.comparison_kind, sem.total);
constants are computed by the evaluator (evaluate.constant). Any other node is refused with Refused naming it,
never left to DuckDB's defaults. A model call site is answered for the distinct arguments of its rows in one
batch (CallSite.collect), joined back by its arguments.

What DuckDB cannot check per row while it runs (the order of rows whose keys tie, DOUBLE keys equal by the
15-digit rule, NaN keys, STRING keys outside ASCII) is returned as hidden columns for rows/query.py to check on
the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from sqlglot import exp

from mcshell.sql import column_types as held
from mcshell.sql import semantics as sem
from mcshell.sql.duckdb_types import duckdb_type
from mcshell.sql.evaluate import check_function_names, constant, headers, limit_of, not_run, placed, value_of
from mcshell.sql.nodes import NODES, node_name
from mcshell.sql.select import first_offset
from mcshell.sql.semantics import Refused, Typed

# The MaxCompute scalar types the translator computes with, by their DuckDB names (the row store's types).
DUCKDB_NAMES = {
    kind: duckdb_type(kind) for kind in ("TINYINT", "SMALLINT", "INT", "BIGINT", "DOUBLE", "STRING", "BOOLEAN")
}
AGGREGATES_PAGE = "https://help.aliyun.com/document_detail/201095.htm"
# The aggregates run here, as the aggregate functions page names them (also the function names rule's).
AGGREGATE_NAMES = frozenset({"COUNT", "SUM", "AVG", "MIN", "MAX"})
REFUSED = "mcshell-refused"  # the prefix of a refusal DuckDB raises with error(): `mcshell-refused:<offset>:<why>`
_CLAUSES = {"expressions", "from_", "joins", "where", "group", "having", "order", "limit", "distinct"}
_ARITHMETIC = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}
_COMPARISONS = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
_KEYS = frozenset({*sem.INTEGERS, "STRING", "BOOLEAN"})  # GROUP BY and DISTINCT keys (sem.UNKEYED are not)
_ORDERED = frozenset({*sem.INTEGERS, "DOUBLE", "STRING"})  # ORDER BY keys (ordering BOOLEAN is refused)
# The types of a model function's result (rules/signatures.py): STRING and FLOAT are computed with, any other
# is only printed, as the evaluator holds them ("CALL").
_CALL_RESULTS = {"STRING": ("STRING", "VARCHAR"), "FLOAT": (sem.RESULT_FLOAT, "DOUBLE")}
_OUTPUT_TYPES = {sem.RESULT_FLOAT: "FLOAT", "CALL": "", "NULL": ""}
_TWO_53 = "9007199254740992.0"
# A FLOAT column is read as the evaluator holds a FLOAT (sem): compared with a DOUBLE or a FLOAT widened to DOUBLE
# exactly, counted; printing it, keys, arithmetic and the rest are refused by the rules they meet.
Resolve = Callable[[tuple[str, ...], int], "Table"]


@dataclass(frozen=True)
class Table:
    """A table the query reads: the SQL name of the view of its rows, and its columns (name, MaxCompute type)."""

    view: str
    columns: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CallSite:
    """One model function call site, as a DuckDB function `udf` of its arguments (after model and version)."""

    index: int
    udf: str
    arguments: tuple[str, ...]  # DuckDB types
    returns: str  # DuckDB type
    # Batched: `collect` selects the distinct argument tuples (a0, ...) of the rows the call may see, whose answers
    # rows/query.py registers as the relation `udf` (a0, ..., answer) that the query joins; "": a function `udf`.
    collect: str = ""


@dataclass(frozen=True)
class RuleSite:
    """An expression DuckDB has no faithful operator for (CASE, IN, LIKE, CAST, ROUND, SUBSTR ...), computed row by
    row by the evaluator of VALUES (evaluate.value_of) in the DuckDB function `udf` of its leaves."""

    udf: str
    arguments: tuple[str, ...]  # DuckDB types of the leaves
    returns: str  # DuckDB type
    run: Callable[[tuple[object, ...]], object]  # the leaves' values of a row -> the value; raises Refused


@dataclass(frozen=True)
class Key:
    descending: bool
    type: str  # MaxCompute's
    offset: int  # where the key starts in the statement


@dataclass(frozen=True)
class Translation:
    """`body` selects the result's columns c0..., then the ORDER BY keys k0..., then one guard g<i> per key that
    is TRUE when a DOUBLE key is NaN or infinite, or a STRING key holds a character outside ASCII (over every row)."""

    body: str
    headers: tuple[str, ...]
    types: tuple[str, ...]  # MaxCompute's, as results carry them ("" where not known)
    value_types: tuple[str, ...]  # the types the cells are printed by (sem.printable)
    offsets: tuple[int, ...]  # where each result column's expression starts (a refusal to print points there)
    keys: tuple[Key, ...]
    limit: int | None
    unordered: str  # why rows past one have no defined order without ORDER BY ("" for a scan of one table)
    calls: tuple[CallSite, ...]
    rules: tuple[RuleSite, ...] = ()
    ordered: bool = False  # `body` also selects o, the row's place in its VALUES list: rows come in that order

    def sql(self, limit: int | None = None, hidden: bool = False) -> str:
        """The whole query: its result's columns (and the hidden ones), ordered, cut at `limit`."""
        width = len(self.headers) + (2 * len(self.keys) if hidden else 0)
        names = [f"c{i}" for i in range(len(self.headers))]
        if hidden:
            names += [f"k{i}" for i in range(len(self.keys))] + [f"g{i}" for i in range(len(self.keys))]
        text = f"SELECT {', '.join(names[:width])} FROM ({self.body}) AS q"
        order = [
            f"k{i} {'DESC NULLS LAST' if key.descending else 'ASC NULLS FIRST'}" for i, key in enumerate(self.keys)
        ]
        order += ["o"] if self.ordered else []
        if order:
            text += " ORDER BY " + ", ".join(order)
        return text + (f" LIMIT {limit}" if limit is not None else "")


def translate(tree: exp.Expr, text: str, resolve: Resolve, call_types: Mapping[int, str]) -> Translation:
    """The DuckDB query of a SELECT over tables (`text` its statement, for the function names rule); `resolve`
    gives a table's view by its name's parts, `call_types` each model call's result type (rules/signatures.py)."""
    if not isinstance(tree, exp.Select):
        raise Refused("a query other than one SELECT (UNION, ...) is not run locally")
    for key, value in tree.args.items():
        if value not in (None, [], False) and key not in _CLAUSES:
            raise Refused(f"the {key.upper().rstrip('_')} clause is not run locally")
    check_function_names(text, AGGREGATE_NAMES)
    return _Translator(tree, resolve, call_types).run()


@dataclass(frozen=True)
class _Source:
    name: str  # as the query names it: its alias, else the table's name
    table: Table


class _Expressions:
    """The expressions of a SELECT over its tables' columns: each node's DuckDB SQL and MaxCompute type."""

    def __init__(self, tree: exp.Select, call_types: Mapping[int, str]):
        self.tree, self.call_types = tree, call_types
        self.sources: list[_Source] = []
        self.visible = 0  # how many sources a column may read (a join's ON reads those before it)
        self.calls: dict[int, CallSite] = {}
        group = tree.args.get("group")
        self.group = list(group.expressions) if group is not None else []
        self.aggregated = (
            bool(self.group)
            or tree.args.get("having") is not None
            or any(item.find(exp.AggFunc) for item in tree.expressions)
        )
        self.in_aggregate = False
        self.row_level = False  # in WHERE or ON: columns are read before any grouping
        self.in_on = False
        self.batched: dict[int, list[str]] = {}  # the batched calls' argument expressions
        self.rules: list[RuleSite] = []
        self.offsets: list[int] = []

    # -- expressions ----------------------------------------------------------------------------------
    def expr(self, node: exp.Expr) -> tuple[str, str]:
        """The DuckDB expression of `node` and its MaxCompute type."""
        with placed(node):
            if not _reads(node):
                return _literal(constant(node))
            rule = _RULES.get(type(node))
            if rule is None and type(node) in NODES and not isinstance(node, exp.AggFunc):
                return self.semantic(node)
            if rule is None:
                raise not_run(node)
            return rule(self, node)

    def row_expr(self, node: exp.Expr) -> tuple[str, str]:
        """An expression of WHERE or ON: of one row, before any grouping, and with no aggregate."""
        self.row_level = True
        try:
            return self.expr(node)
        finally:
            self.row_level = False

    def semantic(self, node: exp.Expr) -> tuple[str, str]:
        """`node` computed row by row by the evaluator of VALUES, its leaves (the parts that read a column, a model
        call or an aggregate) computed by DuckDB: their types found by evaluating it once over NULLs of them."""
        leaves: dict[int, int] = {}  # id of a leaf node -> its position among the function's arguments
        sqls: list[str] = []
        types: list[str] = []

        def probe(found: exp.Expr) -> Typed | None:
            if found is node or not _reads(found):
                return None
            if id(found) not in leaves:
                sql, kind = self.expr(found)
                if kind not in DUCKDB_NAMES:
                    raise Refused(
                        f"{node_name(node)} of a {_OUTPUT_TYPES.get(kind, kind) or 'model'} value is not run locally"
                    )
                leaves[id(found)] = len(sqls)
                sqls.append(sql)
                types.append(kind)
            return Typed(None, types[leaves[id(found)]])

        try:
            kind = value_of(node, probe).type
        except (TypeError, ValueError, ArithmeticError):
            raise Refused(f"{node_name(node)} over columns is not run locally") from None
        if kind not in DUCKDB_NAMES:
            raise Refused(f"{node_name(node)} giving a {kind} value is not run locally")
        udf = f"mc_rule_{len(self.rules)}"
        self.rules.append(
            RuleSite(udf, tuple(DUCKDB_NAMES[t] for t in types), DUCKDB_NAMES[kind], _row_rule(node, leaves, types))
        )
        return f"{udf}({', '.join(sqls)})", kind

    def paren(self, node: exp.Paren) -> tuple[str, str]:
        sql, kind = self.expr(node.this)
        return (sql if _null_constant(sql) else f"({sql})"), kind  # a NULL stays recognizable as one

    def column(self, node: exp.Column) -> tuple[str, str]:
        if isinstance(node.this, exp.Star) or node.args.get("db"):
            raise Refused(f"the column {node.sql()} is not run locally")
        name, table = node.name.lower(), node.table.lower()
        found = [
            (source, kind)
            for source in self.sources[: self.visible]
            if not table or source.name == table
            for column, kind in source.table.columns
            if column == name
        ]
        if len(found) != 1:
            raise Refused(f"the column {node.sql()} is {'ambiguous' if found else 'not one of the tables read'}")
        grouped = self.aggregated and not self.in_aggregate and not self.row_level
        if grouped and not any(_same(node, key) for key in self.group):
            raise Refused(f"the column {name} is neither grouped nor aggregated")
        return self._column_of(found[0][0], name, found[0][1], node)

    def _column_of(self, source: _Source, name: str, kind: str, node: exp.Expr) -> tuple[str, str]:
        kind = held.column_kind(kind)
        if kind not in DUCKDB_NAMES and kind != "FLOAT" and not held.held(kind):
            why = held.why_not(kind)
            raise Refused(f"a {kind} column ({name}) is not run locally{f': {why}' if why else ''}")
        if self.aggregated and isinstance(node, exp.Star):
            raise Refused("SELECT * with GROUP BY or an aggregate")
        return f"{_quote(source.name)}.{_quote(name)}", kind

    def arithmetic(self, node: exp.Binary) -> tuple[str, str]:
        symbol = _ARITHMETIC[type(node)]
        (a, a_type), (b, b_type) = self.expr(node.this), self.expr(node.expression)
        kind = sem.arithmetic(symbol, Typed(None, a_type), Typed(None, b_type)).type
        offset = _offset(node)
        if kind == "NULL" or _null_constant(a) or _null_constant(b):  # DuckDB would not compute the other operand
            return _evaluated_null(a, b, DUCKDB_NAMES.get(kind, "INTEGER")), kind
        if kind in sem.INTEGERS:
            return _integer_arithmetic(symbol, _cast(a, kind), _cast(b, kind), kind, offset), kind
        x, y = self._double(a, a_type, offset), self._double(b, b_type, offset)
        return f"mc_arithmetic('{symbol}', {offset}, {x}, {y})", "DOUBLE"

    def _double(self, sql: str, kind: str, offset: int) -> str:
        """An operand as the DOUBLE MaxCompute converts it to (sem.to_double)."""
        if kind == "STRING":
            return f"mc_string_double({offset}, {sql})"
        if kind == sem.RESULT_FLOAT:
            return f"CAST(CAST({sql} AS FLOAT) AS DOUBLE)"
        return sql if kind == "DOUBLE" else f"CAST({sql} AS DOUBLE)"

    def comparison(self, node: exp.Binary) -> tuple[str, str]:
        symbol = _COMPARISONS[type(node)]
        (a, a_type), (b, b_type) = self.expr(node.this), self.expr(node.expression)
        null = "NULL" in (a_type, b_type) or _null_constant(a) or _null_constant(b)
        if held.held(a_type) or held.held(b_type):
            sql = _held_comparison(symbol, (a, a_type), (b, b_type))
            return (_evaluated_null(a, b, "BOOLEAN") if null else sql), "BOOLEAN"
        kind = sem.comparison_kind(a_type, b_type)
        ordering = symbol not in ("=", "<>")
        if kind == "BOOLEAN" and ordering:
            raise Refused("ordering BOOLEAN values is not run locally")
        if kind == "NULL" or null:  # NULL once both operands are computed, as the evaluator computes them
            return _evaluated_null(a, b, "BOOLEAN"), "BOOLEAN"
        if kind in ("INTEGER", "BOOLEAN") or (kind == "STRING" and not ordering):
            return f"({a} {symbol} {b})", "BOOLEAN"
        offset = _offset(node)
        if kind == "STRING":
            return f"mc_compare_string('{symbol}', {offset}, {a}, {b})", "BOOLEAN"
        x, y = self._double(a, a_type, offset), self._double(b, b_type, offset)
        return f"mc_compare_double('{symbol}', {offset}, {x}, {y})", "BOOLEAN"

    def logic(self, node: exp.Expr) -> tuple[str, str]:
        if isinstance(node, exp.Not):
            inner = node.this
            if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
                return f"({self.expr(inner.this)[0]} IS NOT NULL)", "BOOLEAN"
            sql, kind = self.expr(inner)
            sem.logic_not(Typed(None, kind))
            return f"(NOT {sql})", "BOOLEAN"
        if isinstance(node, exp.Is):
            if not isinstance(node.expression, exp.Null):
                raise Refused("IS other than IS [NOT] NULL is not run locally")
            return f"({self.expr(node.this)[0]} IS NULL)", "BOOLEAN"
        (a, a_type), (b, b_type) = self.expr(node.this), self.expr(node.expression)
        word = "AND" if isinstance(node, exp.And) else "OR"
        (sem.logic_and if word == "AND" else sem.logic_or)(Typed(None, a_type), Typed(None, b_type))
        if _may_refuse(a) or _may_refuse(b):
            return _both_computed(word, a, b), "BOOLEAN"
        return f"({a} {word} {b})", "BOOLEAN"

    def negation(self, node: exp.Neg) -> tuple[str, str]:
        sql, kind = self.expr(node.this)
        kind = sem.negate(Typed(None, kind)).type
        if kind not in sem.INTEGERS and kind not in ("DOUBLE", "NULL"):
            raise Refused(f"unary - on a {kind} value is not run locally")
        if kind in sem.INTEGERS:
            return _integer_arithmetic("-", "0", sql, kind, _offset(node)), kind
        return f"(- {sql})", kind

    def call(self, node: exp.Anonymous) -> tuple[str, str]:
        index = node.meta.get("mcshell_call")
        if not isinstance(index, int):
            return self.semantic(node)  # TOLOWER, TOUPPER ...: the evaluator knows its functions, and refuses others
        arguments = [self._argument(arg) for arg in node.expressions[2:]]
        kind, returns = _CALL_RESULTS.get(self.call_types.get(index, ""), ("CALL", "VARCHAR"))
        if self.call_types.get(index, "").startswith("VECTOR") or self.call_types.get(index) == "ARRAY<FLOAT>":
            returns = "DOUBLE[]"
        udf = f"mc_call_{index}"
        types = tuple(duck for _, duck in arguments)
        if self._batched(node):
            self.batched[index] = [sql for sql, _ in arguments]
            self.calls[index] = CallSite(index, udf, types, returns, collect="pending")
            return f"{_quote(udf)}.answer", kind
        self.calls[index] = CallSite(index, udf, types, returns)
        return f"{udf}({', '.join(sql for sql, _ in arguments)})", kind

    def _batched(self, node: exp.Anonymous) -> bool:
        """Whether a call is answered for all its rows at once, joined by its arguments: not in a join's ON, not
        over another call, not outside the aggregates of a grouped query (its answer would not be grouped)."""
        if (
            self.in_on
            or (self.aggregated and not self.in_aggregate and not self.row_level)
            or len(node.expressions) < 3
        ):
            return False
        return not any("mcshell_call" in found.meta for arg in node.expressions[2:] for found in arg.walk())

    def _argument(self, node: exp.Expr) -> tuple[str, str]:
        if not _reads(node):
            item = constant(node)
            if item.type == "ARRAY" and all(isinstance(value, str) for value in item.value):
                return "[" + ", ".join(_string(value) for value in item.value) + "]::VARCHAR[]", "VARCHAR[]"
        sql, kind = self.expr(node)
        if kind == "NULL":
            return "CAST(NULL AS VARCHAR)", "VARCHAR"
        duck = DUCKDB_NAMES.get(kind) or _CALL_RESULTS.get("FLOAT" if kind == sem.RESULT_FLOAT else "", ("", ""))[1]
        if not duck:
            why = " (how it is converted to the parameter's type is not documented)" if held.held(kind) else ""
            raise Refused(f"a {kind} value as a model function's argument is not run locally{why}")
        return sql, duck

    def aggregate(self, node: exp.AggFunc) -> tuple[str, str]:
        if not self.aggregated or self.in_aggregate or self.row_level:
            raise Refused(f"{node_name(node)} here is not run locally")
        inner = node.this
        if isinstance(node, exp.Count) and isinstance(inner, exp.Star):
            return "count(*)", "BIGINT"
        if isinstance(inner, exp.Distinct) or node.expressions or type(node) not in _AGGREGATE_RULES:
            raise Refused(f"the aggregate {node_name(node)} is not run locally")
        self.in_aggregate = True
        try:
            sql, kind = self.expr(inner)
        finally:
            self.in_aggregate = False
        return _AGGREGATE_RULES[type(node)](sql, kind, _offset(node))


class _Translator(_Expressions):
    """The clauses of the SELECT: FROM and its joins, the select list, WHERE, GROUP BY, HAVING, ORDER BY."""

    def __init__(self, tree: exp.Select, resolve: Resolve, call_types: Mapping[int, str]):
        super().__init__(tree, call_types)
        self.ordinal = ""  # a VALUES list's row number: its rows' order where no clause defines one
        self.from_sql = self._from(resolve) if tree.args.get("from_") is not None else ""
        if not self.from_sql and any(tree.args.get(key) for key in _CLAUSES - {"expressions"}):
            raise Refused("a SELECT without FROM with clauses other than its select list is not run over rows")
        if not self.from_sql and self.aggregated:
            raise Refused("an aggregate without FROM is not run over rows")

    # -- FROM and JOIN ----------------------------------------------------------------------------------
    def _from(self, resolve: Resolve) -> str:
        source = self.tree.args["from_"].this
        joins = self.tree.args.get("joins") or []
        if isinstance(source, exp.Values) and not joins:
            self.sources.append(_values_source(source))
            self.visible = 1
            self.ordinal = f"{_quote(self.sources[0].name)}.{_quote(ORDINAL)}"
            return _from_item(self.sources[0])
        tables = [source] + [join.this for join in joins]
        for table in tables:
            if not isinstance(table, exp.Table) or table.args.get("joins"):
                raise Refused(f"reading FROM a {node_name(table)} with a table is not run locally")
            name = (table.alias or table.name).lower()
            if any(known.name == name for known in self.sources):
                raise Refused(f"two tables named {name} in one FROM")
            parts = tuple(part.name for part in table.parts)
            self.sources.append(_Source(name, resolve(parts, _offset(table))))
        self.visible = 1
        text = _from_item(self.sources[0])
        for at, join in enumerate(joins, start=1):
            self.visible = at + 1
            text += self._join(join, self.sources[at])
        return text

    def _join(self, join: exp.Join, source: _Source) -> str:
        side, kind = (join.side or "").upper(), (join.kind or "").upper()
        on = join.args.get("on")
        if kind not in ("", "INNER", "OUTER") or join.args.get("using") or on is None:
            raise Refused("a join other than [INNER|LEFT|RIGHT|FULL] JOIN ... ON is not run locally")
        self.in_on = True
        try:
            condition, kind_of = self.row_expr(on)
        finally:
            self.in_on = False
        _boolean(kind_of, "ON", on)
        return f" {side or 'INNER'} JOIN {_from_item(source)} ON {condition}"

    # -- the query ------------------------------------------------------------------------------------
    def run(self) -> Translation:
        self.visible = len(self.sources)
        items, types, star = self._items()
        where = self.tree.args.get("where")
        body = f"SELECT {'DISTINCT ' if self.tree.args.get('distinct') else ''}"
        parts = [f"{sql} AS c{i}" for i, sql in enumerate(items)]
        keys, key_sql = self._order(items)
        parts += [f"{sql} AS k{i}" for i, sql in enumerate(key_sql)]
        parts += [f"{_guard(sql, key.type)} AS g{i}" for i, (sql, key) in enumerate(zip(key_sql, keys, strict=True))]
        ordinal = self.ordinal if not self.aggregated and not self.tree.args.get("distinct") else ""
        parts += [f"{ordinal} AS o"] if ordinal else []
        condition = ""
        if where is not None:
            condition, kind = self.row_expr(where.this)
            _boolean(kind, "WHERE", where.this)
        grouping = self._grouping()
        plain_where = f" WHERE {condition}" if condition and not _calls_in(where) else ""
        body += ", ".join(parts) + (" FROM " + self.from_sql if self.from_sql else "") + self._answers(plain_where)
        body += (f" WHERE {condition}" if condition else "") + grouping
        if self.tree.args.get("distinct") and not all(_keyed(kind) for kind in types):
            raise Refused("DISTINCT over DOUBLE or model results is not run locally")
        return Translation(
            body=body,
            headers=headers(self.tree, star),
            types=tuple(_output_type(kind) for kind in types),
            value_types=tuple(types),
            offsets=tuple(self.offsets),
            keys=tuple(keys),
            limit=limit_of(self.tree),
            unordered=self._unordered(),
            calls=tuple(self.calls[index] for index in sorted(self.calls)),
            rules=tuple(self.rules),
            ordered=bool(ordinal),
        )

    def _answers(self, plain_where: str) -> str:
        """The joins of the batched calls' answers (by their arguments, NULL matching NULL), and each call's query
        of the distinct arguments of the rows it may see (WHERE narrows them when it calls no model)."""
        joins = ""
        for index, arguments in self.batched.items():
            site = self.calls[index]
            names = [f"a{at}" for at in range(len(arguments))]
            collect = (
                f"SELECT DISTINCT {', '.join(f'{sql} AS {name}' for sql, name in zip(arguments, names, strict=True))}"
            )
            self.calls[index] = CallSite(
                index, site.udf, site.arguments, site.returns, f"{collect} FROM {self.from_sql}{plain_where}"
            )
            match = " AND ".join(
                f"{_quote(site.udf)}.{name} IS NOT DISTINCT FROM {sql}"
                for sql, name in zip(arguments, names, strict=True)
            )
            joins += f" LEFT JOIN {_quote(site.udf)} ON {match or 'TRUE'}"
        return joins

    def _unordered(self) -> str:
        if self.aggregated and self.group or self.tree.args.get("distinct"):
            return "GROUP BY or DISTINCT with more rows than one and no ORDER BY (MaxCompute defines no order)"
        if len(self.sources) > 1:
            return "a join with more rows than one and no ORDER BY (MaxCompute defines no order)"
        return ""

    def _items(self) -> tuple[list[str], list[str], list[str]]:
        items: list[str] = []
        types: list[str] = []
        star: list[str] = []
        for item in self.tree.expressions:
            if isinstance(item, exp.Star):
                for source in self.sources:
                    for name, kind in source.table.columns:
                        sql, kind = self._column_of(source, name, kind, item)
                        items.append(sql)
                        types.append(kind)
                        star.append(name)
                        self.offsets.append(_offset(item))
                continue
            sql, kind = self.expr(item.this if isinstance(item, exp.Alias) else item)
            items.append(sql)
            types.append(kind)
            self.offsets.append(_offset(item))
        return items, types, star

    def _grouping(self) -> str:
        text = ""
        if self.group:
            keys = [self._group_key(node) for node in self.group]
            text += " GROUP BY " + ", ".join(keys)
        conditions = [
            f"(CASE WHEN {key} IS NULL THEN {_error(_offset(node), 'GROUP BY a NULL key is not run locally')} "
            "ELSE TRUE END)"
            for key, node in zip([self.expr(node)[0] for node in self.group], self.group, strict=True)
        ]
        having = self.tree.args.get("having")
        if having is not None:
            condition, kind = self.expr(having.this)
            _boolean(kind, "HAVING", having.this)
            conditions.append(condition)
        return text + (" HAVING " + " AND ".join(conditions) if conditions else "")

    def _group_key(self, node: exp.Expr) -> str:
        if not isinstance(node, exp.Column):
            raise Refused("GROUP BY an expression other than a column is not run locally")
        sql, kind = self.expr(node)
        if not _keyed(kind):
            raise Refused(f"GROUP BY a {kind} key is not run locally")
        return sql

    def _order(self, items: list[str]) -> tuple[list[Key], list[str]]:
        order = self.tree.args.get("order")
        keys: list[Key] = []
        sqls: list[str] = []
        for ordered in order.expressions if order is not None else []:
            node = ordered.this
            if isinstance(node, exp.Literal):
                raise _placed(Refused("ORDER BY a position is not run locally"), node)
            sql, kind = self._order_key(node, items)
            if kind not in _ORDERED and not held.held(kind):
                what = _OUTPUT_TYPES.get(kind, kind) or "model result"
                raise _placed(Refused(f"ORDER BY a {what} key is not run locally"), node)
            keys.append(Key(bool(ordered.args.get("desc")), kind, _offset(node)))
            sqls.append(sql)
        return keys, sqls

    def _order_key(self, node: exp.Expr, items: list[str]) -> tuple[str, str]:
        """A select list alias names its column (an alias that is also a column is refused, as the evaluator's)."""
        if isinstance(node, exp.Column) and not node.table:
            for item in self.tree.expressions:
                if isinstance(item, exp.Alias) and item.alias.lower() == node.name.lower():
                    if any(node.name.lower() == name for source in self.sources for name, _ in source.table.columns):
                        if not (isinstance(item.this, exp.Column) and item.this.name.lower() == node.name.lower()):
                            raise Refused(f"ORDER BY {node.name}: both an alias and a column")
                    return self.expr(item.this)
        if self.tree.args.get("distinct") and not any(node == item for item in self.tree.expressions):
            raise Refused("ORDER BY a key that is not selected, with DISTINCT")
        return self.expr(node)


# -- aggregates (the aggregate functions page: AGGREGATES_PAGE) ---------------------------------------------
def _count(sql: str, kind: str, offset: int) -> tuple[str, str]:
    return f"count({sql})", "BIGINT"


def _sum(sql: str, kind: str, offset: int) -> tuple[str, str]:
    """SUM: an exact BIGINT of integers (past its range refused); of DOUBLEs only where every order of adding
    gives the same value (sem.total's rule, checked over the group: _exact)."""
    if held.decimal(kind):
        reason = f"SUM of DECIMALs past {kind} (the aggregate page does not give the SUM's precision)"
        fits = held.sum_fits(kind).format(f"sum({sql})")
        return f"(CASE WHEN {fits} IS NOT FALSE THEN sum({sql}) ELSE {_error(offset, reason)} END)", kind
    result = sem.total([Typed(None, kind)]).type
    if result == "BIGINT":  # DuckDB sums integers exactly as a HUGEINT: past BIGINT refused at the SUM
        past = f"sum({sql}) || ' is past BIGINT''s range: MaxCompute 2.0 reports an overflow'"
        bound = sem.INTEGERS["BIGINT"]
        check = f"WHEN sum({sql}) NOT BETWEEN {-bound} AND {bound - 1} THEN {_error_of(offset, past)}"
        return f"(CASE {check} ELSE CAST(sum({sql}) AS BIGINT) END)", "BIGINT"
    return _exact(sql, f"sum({sql})", offset, "SUM"), "DOUBLE"


def _average(sql: str, kind: str, offset: int) -> tuple[str, str]:
    """AVG: a DOUBLE of integers or DOUBLEs; NULLs skipped. **mcshell's decision**: the page gives no method, so
    AVG runs where the sum is exact in every order of adding, as the exact sum divided by the count."""
    if kind in sem.INTEGERS:
        return _exact(f"CAST({sql} AS DOUBLE)", f"(CAST(sum({sql}) AS DOUBLE) / count({sql}))", offset, "AVG"), "DOUBLE"
    if kind != "DOUBLE":
        why = " (the aggregate page gives a DECIMAL, not its scale)" if held.decimal(kind) else ""
        raise Refused(f"AVG of a {kind} value is not run locally{why}")
    return _exact(sql, f"(sum({sql}) / count({sql}))", offset, "AVG"), "DOUBLE"


def _exact(value: str, result: str, offset: int, what: str) -> str:
    """`result` where the DOUBLE `value`s of the group add up exactly in any order: each a whole number of
    2^-k (k 0, 16 or 32) and their magnitudes under 2^53 * 2^-k; NULL for no value; else refused. (One
    sum of magnitudes, scaled: DuckDB computes each distinct aggregate once.)"""
    magnitudes = f"sum(abs({value}))"
    exact = " OR ".join(
        f"(bool_and({x} = trunc({x})) AND {magnitudes} * {2.0**k!r} < {_TWO_53})"
        for k, x in ((0, value), (16, f"({value} * 65536.0)"), (32, f"({value} * 4294967296.0)"))
    )
    reason = f"{what} of DOUBLEs whose result depends on the order they are added in"
    return (
        f"(CASE WHEN count({value}) = 0 THEN CAST(NULL AS DOUBLE) WHEN {exact} THEN {result} "
        f"ELSE {_error(offset, reason)} END)"
    )


def _extreme(name: str) -> Callable[[str, str, int], tuple[str, str]]:
    def run(sql: str, kind: str, offset: int) -> tuple[str, str]:
        """MIN and MAX: the value's own type; BOOLEAN is refused by the page; DOUBLEs (whose equality is the
        15-digit rule) and strings outside ASCII (whose order is not documented) are refused here."""
        if held.held(kind):
            return f"{name.lower()}({sql})", kind  # exact, as the comparison of its type
        if kind not in sem.INTEGERS and kind != "STRING":
            raise Refused(f"{name} of a {_OUTPUT_TYPES.get(kind, kind) or 'model result'} value is not run locally")
        if kind == "STRING":
            reason = f"{name} of strings outside ASCII (the collation is not documented)"
            return (
                f"(CASE WHEN bool_or(strlen({sql}) <> length({sql})) THEN {_error(offset, reason)} "
                f"ELSE {name.lower()}({sql}) END)",
                kind,
            )
        return f"{name.lower()}({sql})", kind

    return run


_AGGREGATE_RULES: dict[type, Callable[[str, str, int], tuple[str, str]]] = {
    exp.Count: _count,
    exp.Sum: _sum,
    exp.Avg: _average,
    exp.Min: _extreme("MIN"),
    exp.Max: _extreme("MAX"),
}
_Rule = Callable[[_Expressions, exp.Expr], tuple[str, str]]
_RULES: dict[type, _Rule] = {
    exp.Paren: lambda t, n: t.paren(cast(exp.Paren, n)),
    exp.Column: lambda t, n: t.column(cast(exp.Column, n)),
    exp.Neg: lambda t, n: t.negation(cast(exp.Neg, n)),
    exp.Anonymous: lambda t, n: t.call(cast(exp.Anonymous, n)),
    **{kind: lambda t, n: t.arithmetic(cast(exp.Binary, n)) for kind in _ARITHMETIC},
    **{kind: lambda t, n: t.comparison(cast(exp.Binary, n)) for kind in _COMPARISONS},
    **{kind: lambda t, n: t.logic(n) for kind in (exp.And, exp.Or, exp.Not, exp.Is)},
    **{kind: lambda t, n: t.aggregate(cast(exp.AggFunc, n)) for kind in _AGGREGATE_RULES},
}


# -- FROM VALUES --------------------------------------------------------------------------------------------
ORDINAL = "mcshell ordinal"  # the hidden column of a VALUES list's row number (no written name has a space)


def _values_source(values: exp.Values) -> _Source:
    """A VALUES list as the rows it stands for: each cell a constant computed by the evaluator's rules, each column
    of the one type its cells share (integers take the widest: sem.common_type, docs/local-evaluation.md "Values
    and their types"), as DuckDB's own VALUES of those typed constants."""
    alias = values.args.get("alias")
    columns = [column.name.lower() for column in alias.columns] if alias is not None else []
    if alias is None or not alias.name or not columns or len(set(columns)) < len(columns):
        raise Refused("a VALUES alias that names a column twice")
    grid: list[list[Typed]] = []
    for row in values.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        if len(items) != len(columns):
            raise Refused("a VALUES row whose width differs from its alias's columns")
        grid.append([_placed_constant(item) for item in items])
    kinds = [
        sem.common_type([cells[at] for cells in grid], f"the VALUES column {name}") for at, name in enumerate(columns)
    ]
    for kind, name in zip(kinds, columns, strict=True):
        if kind not in DUCKDB_NAMES:
            raise Refused(f"a VALUES column ({name}) of {kind} values is not run locally")
    rows = [
        "(" + ", ".join([*(_literal(sem.retyped(cell, kind))[0] for cell, kind in zip(cells, kinds, strict=True)),
                         str(number)]) + ")"
        for number, cells in enumerate(grid)
    ]  # fmt: skip
    names = ", ".join(_quote(name) for name in [*columns, ORDINAL])
    view = f"(SELECT * FROM (VALUES {', '.join(rows)}) AS v({names}))"
    return _Source(alias.name.lower(), Table(view, tuple(zip(columns, kinds, strict=True))))


def _placed_constant(node: exp.Expr) -> Typed:
    with placed(node):
        if _reads(node):
            raise Refused(f"{node_name(node)} in a VALUES list is not run locally")
        return constant(node)


# -- helpers ----------------------------------------------------------------------------------------------
def _held_comparison(symbol: str, a: tuple[str, str], b: tuple[str, str]) -> str:
    """A comparison of a DECIMAL, DATE, DATETIME or TIMESTAMP (column_types.comparison: exact, or refused)."""
    if "NULL" in (a[1], b[1]):
        return "CAST(NULL AS BOOLEAN)"  # the caller computes the operands
    common = held.comparison(a[1], b[1])
    x, y = (f"CAST({sql} AS {common})" if common else sql for sql, _ in (a, b))
    return f"({x} {symbol} {y})"


def _keyed(kind: str) -> bool:
    """Whether GROUP BY and DISTINCT take `kind` as a key: equal keys are equal by an exact comparison."""
    return kind in _KEYS or held.held(kind)


def _output_type(kind: str) -> str:
    """A result column's type as results carry it: DECIMAL(p,s) as DECIMAL (the json writer's number)."""
    return "DECIMAL" if held.decimal(kind) else _OUTPUT_TYPES.get(kind, kind)


def _row_rule(node: exp.Expr, leaves: dict[int, int], types: list[str]) -> Callable[[tuple[object, ...]], object]:
    def run(row: tuple[object, ...]) -> object:
        values = {key: Typed(row[at], types[at]) for key, at in leaves.items()}
        return value_of(node, lambda found: None if found is node else values.get(id(found))).value

    return run


def _calls_in(node: exp.Expr | None) -> bool:
    return node is not None and any("mcshell_call" in found.meta for found in node.walk())


def _reads(node: exp.Expr) -> bool:
    """Whether `node` reads a column, a model call or an aggregate (else it is a constant)."""
    for found in node.walk():
        if isinstance(found, (exp.Column, exp.AggFunc)) or "mcshell_call" in found.meta:
            return True
    return False


def _literal(item: Typed) -> tuple[str, str]:
    """A constant as DuckDB SQL of its MaxCompute type (evaluate.constant typed and computed it)."""
    value, kind = item.value, item.type
    if kind == "NULL":
        return "NULL", "NULL"
    if kind not in DUCKDB_NAMES:
        raise Refused(f"a {kind} constant is not run locally")
    if value is None:
        return f"CAST(NULL AS {DUCKDB_NAMES[kind]})", kind
    if kind == "BOOLEAN":
        return ("TRUE" if value else "FALSE"), kind
    if kind == "STRING":
        return _string(str(value)), kind
    if kind == "DOUBLE":
        return f"CAST('{float(value)!r}' AS DOUBLE)", kind
    return _cast(str(int(value)), kind), kind


def _string(text: str) -> str:
    if "\x00" in text:
        raise Refused("a string holding the character U+0000 is not run locally")
    return "'" + text.replace("'", "''") + "'"


def _integer_arithmetic(symbol: str, a: str, b: str, kind: str, offset: int) -> str:
    """+ - * % of integers of type `kind`, computed exactly as a HUGEINT and checked against the type's range in
    the expression itself: DuckDB's optimizer rewrites `a + 1 > 0` as `a > -1`, so relying on its own overflow
    error would answer where MaxCompute 2.0 reports one (sem.integer). `%` by zero is refused at the operator."""
    wide = f"(CAST({a} AS HUGEINT) {symbol} CAST({b} AS HUGEINT))"
    bound = sem.INTEGERS[kind]
    past = f"{wide} || ' is past {kind}''s range: MaxCompute 2.0 reports an overflow'"
    checks = f"WHEN {wide} NOT BETWEEN {-bound} AND {bound - 1} THEN {_error_of(offset, past)} "
    if symbol == "%":
        by_zero = _error(offset, "% by zero (what MaxCompute gives is not documented)")
        checks = f"WHEN CAST({b} AS HUGEINT) = 0 THEN {by_zero} "
    return f"(CASE {checks}ELSE CAST({wide} AS {DUCKDB_NAMES[kind]}) END)"


def _evaluated_null(a: str, b: str, duck: str) -> str:
    """A NULL of DuckDB type `duck`, after both operands are computed (one past its range refuses, as in the
    evaluator): DuckDB drops the other operand of an operator next to a NULL it can prove (a constant, or what its
    statistics show), so the NULL is mc_null's (rows/query.py), of a hash of both."""
    return f"CAST(mc_null(hash({a}, {b})) AS {duck})"


def _may_refuse(sql: str) -> bool:
    """Whether the SQL this module wrote may raise a refusal (an error() check, or a function it registers)."""
    return "error(" in sql or "mc_" in sql


def _both_computed(word: str, a: str, b: str) -> str:
    """Three-valued AND or OR with both operands computed for every row, as the evaluator computes them (DuckDB's
    AND and OR skip an operand the other decides, and reorder WHERE's): FALSE, NULL, TRUE as 0, 1, 2, and AND the
    least of them, OR the greatest."""
    x, y = (f"coalesce(CAST({sql} AS INTEGER) * 2, 1)" for sql in (a, b))
    return f"(CASE {'least' if word == 'AND' else 'greatest'}({x}, {y}) WHEN 0 THEN FALSE WHEN 2 THEN TRUE END)"


def _null_constant(sql: str) -> bool:
    """Whether `sql` is a NULL constant as _literal writes one, or an _evaluated_null (DuckDB skips an operator's
    other operand where one is NULL in every row of a vector: the operator's NULL must compute it)."""
    return sql == "NULL" or (sql.startswith("CAST(NULL AS ") and sql.count("(") == 1) or sql.startswith("CAST(mc_null(")


def _cast(sql: str, kind: str) -> str:
    return f"CAST({sql} AS {DUCKDB_NAMES[kind]})" if kind in DUCKDB_NAMES else sql


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _from_item(source: _Source) -> str:
    return f"{source.table.view} AS {_quote(source.name)}"


def _error(offset: int, reason: str) -> str:
    return _error_of(offset, _string(reason))


def _error_of(offset: int, reason: str) -> str:
    """DuckDB's error() with a refusal whose reason is the VARCHAR expression `reason`, placed at `offset`."""
    return f"error({_string(f'{REFUSED}:{offset}:')} || {reason})"


def _guard(sql: str, kind: str) -> str:
    """TRUE when any row's DOUBLE key is NaN or infinite (no digits for the 15-digit rule), or a STRING key holds a
    character outside ASCII (the collation is not documented). NULL sorts before any value (sem.SELECT_SYNTAX)."""
    test = "FALSE"
    if kind == "STRING":
        test = f"strlen({sql}) <> length({sql})"
    elif kind == "DOUBLE":
        test = f"NOT isfinite({sql})"
    return f"bool_or({test}) OVER ()"


def _boolean(kind: str, what: str, node: exp.Expr) -> None:
    """A condition must be BOOLEAN (nothing converts to BOOLEAN implicitly: sem.boolean)."""
    try:
        sem.boolean(Typed(None, kind), what)
    except Refused as refused:
        raise _placed(refused, node) from None


def _placed(refused: Refused, node: exp.Expr) -> Refused:
    refused.offset = _offset(node)
    return refused


def _offset(node: exp.Expr) -> int:
    found = first_offset(node)
    return found if found is not None else 0


def _same(a: exp.Column, b: exp.Expr) -> bool:
    return isinstance(b, exp.Column) and a.name.lower() == b.name.lower() and a.table.lower() in ("", b.table.lower())

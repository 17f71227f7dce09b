"""The whitelist of syntax mcshell evaluates itself: each sqlglot node it takes, the MaxCompute rule
(sql/semantics.py, sql/builtins.py) it runs on, and the page that documents it. Any other node is refused.

docs/local-evaluation.md's table is held to SYNTAX and builtins.FUNCTIONS by tests/unit/test_local_evaluation.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlglot import exp

from mcshell.sql import semantics as sem
from mcshell.sql.select import constant_value
from mcshell.sql.semantics import CONVERSIONS, EDITION_2, LIKE_PAGE, OPERATORS, Refused, Typed


class _Values(Protocol):
    """What a rule asks of the evaluator (sql/evaluate.py's _Values): the value of a node for the row."""

    def of(self, node: exp.Expr) -> Typed: ...
    def column(self, node: exp.Column) -> Typed: ...
    def call(self, node: exp.Anonymous) -> Typed: ...
    def function(self, name: str, args: Sequence[exp.Expr | None], node: exp.Expr) -> Typed: ...
    def aggregate(self, node: exp.AggFunc) -> Typed: ...
    def cast(self, node: exp.Cast) -> Typed: ...
    def concat(self, args: Sequence[exp.Expr]) -> Typed: ...


Rule = Callable[[_Values, Any], Typed]
_FLAGS = {"safe", "coalesce", "big_int", "symmetric", "requires_string", "is_string"}

# The syntax the docs table lists (its first column), with its page.
SYNTAX: dict[str, str] = {
    "constants (INT, BIGINT, DOUBLE, STRING, BOOLEAN, NULL, the Y S L D F suffixes)": EDITION_2,
    "+ - * / %": OPERATORS,
    "unary -": OPERATORS,
    "= <> < <= > >=": OPERATORS,
    "<=>, IS [NOT] DISTINCT FROM": OPERATORS,
    "IS [NOT] NULL": OPERATORS,
    "AND OR NOT": OPERATORS,
    "IN (...)": OPERATORS,
    "BETWEEN": OPERATORS,
    "LIKE": LIKE_PAGE,
    "||": OPERATORS,
    "CASE WHEN, IF": OPERATORS,
    "CAST": CONVERSIONS,
    "COUNT, SUM": "https://www.alibabacloud.com/help/en/maxcompute/user-guide/aggregate-functions",
}


_AS_WRITTEN: dict[type, str] = {
    exp.RegexpLike: "RLIKE", exp.IntDiv: "DIV", exp.BitwiseNot: "~", exp.BitwiseAnd: "&", exp.BitwiseOr: "|",
    exp.BitwiseXor: "^", exp.BitwiseLeftShift: "<<", exp.BitwiseRightShift: ">>",
}  # fmt: skip


def node_name(node: exp.Expr) -> str:
    """How MaxCompute's SQL writes the function or operator a node is."""
    if type(node) in _AS_WRITTEN:
        return _AS_WRITTEN[type(node)]
    if isinstance(node, exp.Func):
        return node.sql_name()
    return type(node).__name__.upper()


def _args(node: exp.Expr, *keys: str) -> list[exp.Expr | None]:
    """The node's arguments at `keys`; one it holds under another key is refused."""
    for key, value in node.args.items():
        if key not in keys and key not in _FLAGS and value not in (None, [], False):
            raise Refused(f"{node_name(node)} with {key.upper()} is not run locally")
    return [node.args.get(key) for key in keys]


def _binary(rule: Callable[[Typed, Typed], Typed]) -> Rule:
    return lambda v, n: rule(v.of(n.this), v.of(n.expression))


def _arithmetic(symbol: str) -> Rule:
    return _binary(lambda a, b: sem.arithmetic(symbol, a, b))


def _compare(symbol: str) -> Rule:
    return _binary(lambda a, b: sem.compare(symbol, a, b))


def _function(name: str, *keys: str) -> Rule:
    return lambda v, n: v.function(name, _args(n, *keys), n)


def _literal(values: _Values, node: exp.Literal) -> Typed:
    if node.is_string:
        return Typed(node.this, "STRING")
    return sem.literal_number(node.this)


def _negation(values: _Values, node: exp.Neg) -> Typed:
    inner = node.this
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.this == str(2**63):
        return Typed(-(2**63), "BIGINT")  # -9223372036854775808: BIGINT's least value (the Aug 2026 2.0 page)
    return sem.negate(values.of(inner))


def _is(values: _Values, node: exp.Is) -> Typed:
    if not isinstance(node.expression, exp.Null):
        raise Refused("IS other than IS [NOT] NULL is not run locally")
    return sem.is_null_test(values.of(node.this), False)


def _not(values: _Values, node: exp.Not) -> Typed:
    if isinstance(node.this, exp.Is) and isinstance(node.this.expression, exp.Null):
        return sem.is_null_test(values.of(node.this.this), True)
    return sem.logic_not(values.of(node.this))


def _in(values: _Values, node: exp.In) -> Typed:
    (this,) = _args(node, "this", "expressions")[:1]
    assert this is not None
    return sem.in_list(values.of(this), [values.of(item) for item in node.expressions])


def _between(values: _Values, node: exp.Between) -> Typed:
    this, low, high = _args(node, "this", "low", "high")
    return sem.between(values.of(this), values.of(low), values.of(high))  # type: ignore[arg-type]


def _case(values: _Values, node: exp.Case) -> Typed:
    _args(node, "ifs", "default")
    branches = [(branch.this, branch.args["true"]) for branch in node.args["ifs"]]
    return _choose(values, branches, node.args.get("default"), "CASE")


def _if(values: _Values, node: exp.If) -> Typed:
    _args(node, "this", "true", "false")
    return _choose(values, [(node.this, node.args["true"])], node.args.get("false"), "IF")


def _choose(values: _Values, branches: list[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None, what: str) -> Typed:
    """The first branch whose condition is TRUE, else the default (NULL); every branch must share one type,
    as no page says which type a mix of them gives."""
    results = [values.of(result) for _, result in branches] + ([values.of(default)] if default is not None else [])
    kind = sem.common_type(results, f"{what}'s branches")
    for (condition, _), result in zip(branches, results, strict=False):
        if sem.boolean(values.of(condition), what) is True:
            return sem.retyped(result, kind)
    return sem.retyped(results[-1], kind) if default is not None else Typed(None, kind)


def _array(values: _Values, node: exp.Array) -> Typed:
    """ARRAY(...) of constants: an argument of a model function (AI_CLASSIFY's labels)."""
    return Typed([values.of(item).value for item in node.expressions], "ARRAY")


def _trunc(values: _Values, node: exp.TimestampTrunc) -> Typed:
    """TRUNC(x, d): sqlglot reads the numeric TRUNC as a date one, with d as its unit."""
    this, unit = _args(node, "this", "unit")
    places = constant_value(unit)
    if not isinstance(places, int):
        raise Refused("TRUNC's decimal places must be an integer constant")
    return values.function("TRUNC", [this, exp.Literal.number(places)], node)


NODES: dict[type, Rule] = {
    exp.Literal: _literal,
    exp.Boolean: lambda v, n: sem.TRUE if n.this else sem.FALSE,
    exp.Null: lambda v, n: sem.NULL,
    exp.Paren: lambda v, n: v.of(n.this),
    exp.Neg: _negation,
    exp.Column: lambda v, n: v.column(n),
    exp.Add: _arithmetic("+"),
    exp.Sub: _arithmetic("-"),
    exp.Mul: _arithmetic("*"),
    exp.Div: _arithmetic("/"),
    exp.Mod: _arithmetic("%"),
    exp.EQ: _compare("="),
    exp.NEQ: _compare("<>"),
    exp.LT: _compare("<"),
    exp.LTE: _compare("<="),
    exp.GT: _compare(">"),
    exp.GTE: _compare(">="),
    exp.NullSafeEQ: _binary(sem.null_safe_equal),
    exp.NullSafeNEQ: _binary(lambda a, b: sem.logic_not(sem.null_safe_equal(a, b))),
    exp.And: _binary(sem.logic_and),
    exp.Or: _binary(sem.logic_or),
    exp.Not: _not,
    exp.Is: _is,
    exp.In: _in,
    exp.Between: _between,
    exp.Like: _binary(sem.like),
    exp.DPipe: lambda v, n: v.concat([n.this, n.expression]),
    exp.Concat: lambda v, n: v.concat(n.expressions),
    exp.Case: _case,
    exp.If: _if,
    exp.Cast: lambda v, n: v.cast(n),
    exp.TryCast: lambda v, n: v.cast(n),
    exp.Array: _array,
    exp.Anonymous: lambda v, n: v.call(n),
    exp.Count: lambda v, n: v.aggregate(n),
    exp.Sum: lambda v, n: v.aggregate(n),
    exp.Round: _function("ROUND", "this", "decimals"),
    exp.TimestampTrunc: _trunc,
    exp.Floor: _function("FLOOR", "this"),
    exp.Ceil: _function("CEIL", "this"),
    exp.Abs: _function("ABS", "this"),
    exp.Pow: _function("POW", "this", "expression"),
    exp.Log: _function("LOG", "this", "expression"),
    exp.Sqrt: _function("SQRT", "this"),
    exp.Substring: _function("SUBSTR", "this", "start", "length"),
    exp.Length: _function("LENGTH", "this"),
    exp.Trim: _function("TRIM", "this", "expression"),
    exp.Replace: _function("REPLACE", "this", "expression", "replacement"),
    exp.SplitPart: _function("SPLIT_PART", "this", "delimiter", "part_index", "part_index_zero_as_one"),
}

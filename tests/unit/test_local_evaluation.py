"""Local SELECT evaluation on MaxCompute's rules (issue 19, item 2): every documented example of the pages
it follows gives the page's result; whatever the docs leave open is refused with the one "not run locally"
line; the docs table is the whitelist; random expressions never give a wrong integer or a traceback."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as strat

from mcshell.errors import NotRunLocally, SemanticError
from mcshell.rules.query import value_text
from mcshell.sql.builtins import FUNCTIONS
from mcshell.sql.evaluate import evaluate
from mcshell.sql.nodes import SYNTAX
from mcshell.sql.select import parse_select

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "local_evaluation"


def lines(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text().splitlines() if line.strip() and not line.startswith("#")]


def cell(expression: str) -> str:
    headers, rows, types = evaluate(parse_select(f"SELECT {expression}"), lambda index, rows: [])
    ((value,),) = rows
    return value_text(value)


@pytest.mark.parametrize("example", lines("documented.txt"))
def test_each_documented_example_gives_the_documented_result(example):
    expression, _, expected = example.partition(" -> ")
    assert cell(expression) == expected


@pytest.mark.parametrize("expression", lines("refused.txt"))
def test_what_the_docs_leave_open_is_refused(expression):
    with pytest.raises(NotRunLocally, match="^mcshell does not run this SELECT locally: "):
        cell(expression)


@pytest.mark.parametrize(
    "sql, message, offset",
    [
        ("SELECT 1, len('abc')", "the function len is not run locally", 10),
        ("SELECT CEILING(1.5)", "the function CEILING is not run locally", 7),
        ("SELECT substring('abc' FROM 2)", "substring(... FROM ...) is not run locally", 7),
    ],
)
def test_a_function_name_the_whitelist_lacks_is_refused_as_written(sql, message, offset):
    # Was: sqlglot read LEN as LENGTH and CEILING as CEIL, and mcshell answered 3 and 2.
    with pytest.raises(NotRunLocally) as raised:
        evaluate(parse_select(sql), lambda index, rows: [])
    assert raised.value.message == f"mcshell does not run this SELECT locally: {message}"
    assert raised.value.offset == offset


def test_the_docs_table_is_the_whitelist():
    page = (ROOT / "docs" / "local-evaluation.md").read_text()
    table = page.split("<!-- whitelist -->")[1].strip().split("\n\n")[0]
    rows = [re.match(r"\| (.*?) \| (https://\S+) \|", line) for line in table.splitlines()[2:]]
    assert all(rows)
    documented = {row[1].replace("\\|", "|"): row[2] for row in rows if row}
    assert documented == {**SYNTAX, **{name: function.url for name, function in FUNCTIONS.items()}}


# -- random expressions: integer arithmetic is exact or refused, nothing else is ever raised -------------------
INT_MAX = 2**31 - 1
BIGINT = 2**63


def _integers():
    return strat.one_of(
        strat.integers(0, 2**70).map(lambda n: (str(n), n, "INT" if n <= INT_MAX else "BIGINT" if n < BIGINT else "")),
        strat.integers(-(2**63), BIGINT - 1).map(lambda n: (f"{n}L" if n >= 0 else f"({n}L)", n, "BIGINT")),
    )


def _combine(children):
    def join(pair, symbol):
        (ltext, lvalue, ltype), (rtext, rvalue, rtype) = pair
        return (f"({ltext} {symbol} {rtext})", _exact(symbol, lvalue, rvalue), _wider(ltype, rtype))

    return strat.tuples(children, children).flatmap(
        lambda pair: strat.sampled_from("+-*%").map(lambda s: join(pair, s))
    )


def _wider(a, b):
    return "" if "" in (a, b) else "BIGINT" if "BIGINT" in (a, b) else "INT"


def _exact(symbol, x, y):
    if x is None or y is None:
        return None
    if symbol == "%":
        return None if y == 0 else (abs(x) % abs(y)) * (-1 if x < 0 else 1)
    return {"+": x + y, "-": x - y, "*": x * y}[symbol]


@settings(max_examples=80, deadline=None)
@given(strat.recursive(_integers(), _combine, max_leaves=8))
def test_integer_arithmetic_is_exact_or_refused(case):
    text, value, kind = case
    try:
        printed = cell(text)
    except NotRunLocally:
        return
    if not kind:  # a constant past BIGINT's range is a DOUBLE (the 2.0 page), and so is the result
        assert "." in printed, (text, printed)
        return
    bound = 2**31 if kind == "INT" else 2**63
    assert value is not None and -bound <= value < bound, (text, printed)
    assert printed == str(value)


ATOMS = ["1", "-3", "2.5", "0.1", "'7'", "'x'", "NULL", "TRUE", "FALSE", "10000000000", "1.5f", "''", "3L", "2Y",
         "1e300", "'1e400'", "1e300f", "0.30000000000000004", "2147483647", "9223372036854775807", "'é'"]  # fmt: skip
UNARY = ["-({})", "NOT {}", "{} IS NULL", "abs({})", "floor({})", "ceil({})", "round({})", "round({}, 2)", "sqrt({})",
         "length({})", "tolower({})", "trim({})", "cast({} AS BIGINT)", "cast({} AS DOUBLE)", "cast({} AS STRING)",
         "cast({} AS BOOLEAN)", "({})", "md5({})"]  # fmt: skip
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / {}", "{} % {}", "{} = {}", "{} < {}", "{} <=> {}", "{} AND {}",
          "{} OR {}", "{} || {}", "concat({}, {})", "pow({}, {})", "log({}, {})", "{} LIKE {}", "{} IN ({}, 2)",
          "IF({} > 0, {}, 1)", "CASE WHEN {} THEN {} END", "SUBSTR({}, {})", "{} DIV {}"]  # fmt: skip


# The reference each expression is held to, computed apart from mcshell: integers exact (Java's remainder for %)
# in their type's range, DOUBLEs as the exact result rounded once to a double (IEEE, as Java computes + - * / %),
# comparisons exact, or either answer where the 15-digit DOUBLE rule may call two close doubles equal. ERROR: the
# docs say MaxCompute reports an error (overflow) or say nothing (division by zero): it must be refused. None: no
# reference (strings, functions ...): a value or the refusal, nothing else.
ERROR, CLOSE = ("ERROR",), ("CLOSE",)
# A DOUBLE zero: its sign (IEEE's rules for it are Java's too) is left out of the reference, so it prints 0.0 or
# is refused as -0.0.
ZERO = ("DOUBLE", "zero")
RANGES = {"TINYINT": 2**7, "SMALLINT": 2**15, "INT": 2**31, "BIGINT": 2**63}
ORDER = list(RANGES)
NUMBERS = {"1": ("INT", 1), "-3": ("INT", -3), "2.5": ("DOUBLE", 2.5), "0.1": ("DOUBLE", 0.1),
           "10000000000": ("BIGINT", 10**10), "3L": ("BIGINT", 3), "2Y": ("TINYINT", 2), "1e300": ("DOUBLE", 1e300),
           "0.30000000000000004": ("DOUBLE", 0.30000000000000004), "2147483647": ("INT", INT_MAX),
           "9223372036854775807": ("BIGINT", BIGINT - 1)}  # fmt: skip


def _arithmetic_reference(symbol, a, b):
    if a is None or b is None or a[0] not in (*RANGES, "DOUBLE") or b[0] not in (*RANGES, "DOUBLE"):
        return ERROR if ERROR in (a, b) else None
    if symbol != "/" and a[0] in RANGES and b[0] in RANGES:
        kind, (x, y) = max(a[0], b[0], key=ORDER.index), (a[1], b[1])
        if symbol == "%":
            value = None if y == 0 else (abs(x) % abs(y)) * (-1 if x < 0 else 1)
        else:
            value = {"+": x + y, "-": x - y, "*": x * y}[symbol]
        return ERROR if value is None or not -RANGES[kind] <= value < RANGES[kind] else (kind, value)
    x, y = _exact_double(a), _exact_double(b)
    if y == 0 and symbol in "/%":
        return ERROR
    if symbol == "%":
        exact = x - y * math.trunc(x / y)
    else:
        exact = {"+": x + y, "-": x - y, "*": x * y, "/": x / y if y else 0}[symbol]
    try:
        value = float(exact)
    except OverflowError:
        return ERROR
    return ERROR if math.isinf(value) else ZERO if value == 0 else ("DOUBLE", value)


def _exact_double(ref):
    return Fraction(0) if ref == ZERO else Fraction(float(ref[1]))


def _comparison_reference(symbol, a, b):
    if a is None or b is None or a[0] not in (*RANGES, "DOUBLE") or b[0] not in (*RANGES, "DOUBLE"):
        return ERROR if ERROR in (a, b) else None
    if a[0] in RANGES and b[0] in RANGES:
        x, y = a[1], b[1]
    else:
        x, y = _exact_double(a), _exact_double(b)
        if x != y and abs(x - y) < Fraction(1, 10**14):
            return CLOSE  # the 15-digit rule may call them equal
    return ("BOOLEAN", x == y if symbol == "=" else x < y)


def _negation_reference(a):
    if a is None or a[0] not in (*RANGES, "DOUBLE"):
        return ERROR if a == ERROR else None
    if a[0] == "DOUBLE":
        return ZERO if a == ZERO or a[1] == 0 else ("DOUBLE", -a[1])
    return ("INT" if a[0] == "INT" else a[0], -a[1]) if -RANGES[a[0]] <= -a[1] < RANGES[a[0]] else ERROR


def _unary(template, inner):
    text, ref = inner
    if template == "({})":
        return f"({text})", ref
    if template == "-({})":
        return f"(-({text}))", _negation_reference(ref)
    return "(" + template.format(text) + ")", None


def _binary(template, left, right):
    text = "(" + template.format(left[0], right[0]) + ")"
    symbol = template.replace("{}", "").strip()
    if symbol in ("+", "-", "*", "/", "%"):
        return text, _arithmetic_reference(symbol, left[1], right[1])
    if symbol in ("=", "<"):
        return text, _comparison_reference(symbol, left[1], right[1])
    return text, None


def _expressions():
    leaves = strat.sampled_from(ATOMS).map(lambda atom: (atom, NUMBERS.get(atom)))
    return strat.recursive(
        leaves,
        lambda inner: strat.one_of(
            strat.tuples(strat.sampled_from(UNARY), inner).map(lambda t: _unary(*t)),
            strat.tuples(strat.sampled_from(BINARY), inner, inner).map(lambda t: _binary(*t)),
        ),
        max_leaves=6,
    )


ARITHMETIC = ["{} + {}", "{} - {}", "{} * {}", "{} / {}", "{} % {}", "{} = {}", "{} < {}"]


def _numeric_expressions():
    """Integers and DOUBLEs only (negative ones too), under the operators the reference computes."""
    leaves = strat.one_of(
        strat.sampled_from(sorted(NUMBERS)).map(lambda atom: (atom, NUMBERS[atom])),
        strat.integers(-50, 50).map(lambda n: (f"({n})", ("INT", n))),
        strat.sampled_from([-2.5, -0.75, 0.5, 3.25, -1e-3, 7.0]).map(lambda x: (f"({x!r})", ("DOUBLE", x))),
    )
    return strat.recursive(
        leaves,
        lambda inner: strat.one_of(
            strat.tuples(strat.sampled_from(["-({})", "({})"]), inner).map(lambda t: _unary(*t)),
            strat.tuples(strat.sampled_from(ARITHMETIC), inner, inner).map(lambda t: _binary(*t)),
        ),
        max_leaves=6,
    )


def _expected_text(ref):
    kind, value = ref
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if (kind, value) == ZERO:
        return "0.0"
    return value_text(value) if kind == "DOUBLE" else str(value)


@settings(max_examples=300, deadline=None)
@given(strat.one_of(_expressions(), _numeric_expressions()))
def test_random_expressions_give_a_value_or_not_run_locally(case):
    expression, ref = case
    try:
        printed = cell(expression)
    except NotRunLocally:
        return  # refusing is always allowed: a wrong answer is not
    assert ref != ERROR, (expression, printed)  # an overflow or a division by zero gave a value
    if ref == CLOSE:
        assert printed in ("true", "false"), (expression, printed)
    elif ref is not None:
        assert printed == _expected_text(ref), (expression, printed, ref)


def test_the_random_expressions_reference():
    """The reference itself, on cases whose answers the pages and Java give."""
    one, big, tiny = ("INT", 1), ("INT", INT_MAX), ("TINYINT", 2)
    assert _arithmetic_reference("+", big, one) == ERROR
    assert _arithmetic_reference("%", ("INT", 7), ("INT", -3)) == ("INT", 1)
    assert _arithmetic_reference("%", ("INT", -7), ("INT", 3)) == ("INT", -1)
    assert _arithmetic_reference("%", ("DOUBLE", -7.5), ("INT", 2)) == ("DOUBLE", -1.5)
    assert _arithmetic_reference("/", ("INT", 7), ("INT", 2)) == ("DOUBLE", 3.5)
    assert _arithmetic_reference("/", one, ("INT", 0)) == ERROR
    sum_ = _arithmetic_reference("+", ("DOUBLE", 0.1), ("DOUBLE", 0.2))
    assert sum_ == ("DOUBLE", 0.30000000000000004)
    assert _comparison_reference("=", sum_, ("DOUBLE", 0.3)) == CLOSE
    assert _comparison_reference("<", one, ("DOUBLE", 2.5)) == ("BOOLEAN", True)
    assert _arithmetic_reference("*", tiny, ("INT", 100)) == ("INT", 200)
    assert _arithmetic_reference("*", tiny, ("TINYINT", 100)) == ERROR
    assert _negation_reference(("BIGINT", -(2**63))) == ERROR


# -- the clauses -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT a FROM VALUES (3), (1), (2) t(a) WHERE a > 1 ORDER BY a DESC LIMIT 1", [("3",)]),
        ("SELECT DISTINCT a FROM VALUES (2, 2), (1, 3), (2, 5) t(a, b) ORDER BY a LIMIT 9", [("1",), ("2",)]),
        ("SELECT a AS x FROM VALUES (2), (1) t(a) ORDER BY x LIMIT 9", [("1",), ("2",)]),
        ("SELECT count(*), sum(a) FROM VALUES (1), (2) t(a) WHERE a > 5", [("0", "NULL")]),
        ("SELECT count(*) FROM VALUES (1), (2) t(a) HAVING count(*) > 1", [("2",)]),
        ("SELECT sum(a) FROM VALUES (2147483647), (1) t(a)", [("2147483648",)]),
        (
            "SELECT a, count(*) FROM VALUES ('x'), ('y'), ('x') t(a) GROUP BY a ORDER BY a DESC LIMIT 9",
            [("y", "1"), ("x", "2")],
        ),
        ("SELECT t.a, b FROM VALUES (1, NULL), (10000000000, 'z') t(a, b)", [("1", "NULL"), ("10000000000", "z")]),
        ("SELECT sum(x) FROM VALUES (0.5), (0.25), (NULL) t(x)", [("0.75",)]),
    ],
)
def test_the_clauses(sql, expected):
    _, rows, _ = evaluate(parse_select(sql), lambda index, rows: [])
    assert [tuple(value_text(value) for value in row) for row in rows] == expected


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a FROM VALUES (1), (2) t(a) HAVING a > 1",  # HAVING over an ungrouped column
        "SELECT a AS b, b AS a FROM VALUES (1, 2), (2, 1) t(a, b) ORDER BY a LIMIT 9",  # alias or column?
        "SELECT a FROM VALUES (1, 2) t(a, a)",
        "SELECT DISTINCT a FROM VALUES (1, 2), (1, 3) t(a, b) ORDER BY b LIMIT 9",
        "SELECT x FROM VALUES (1), (2.5) t(x)",  # the column's type is not documented
        "SELECT sum(x) FROM VALUES (0.1), (0.2), (0.3) t(x)",  # depends on the order of adding
        "SELECT x, count(*) FROM VALUES (0.1), (0.1) t(x) GROUP BY x",
        "SELECT a FROM VALUES (1) t(a) LIMIT 1 OFFSET 1",
        "SELECT a FROM VALUES (1) t(a) ORDER BY 1 LIMIT 9",
        "SELECT count(DISTINCT a) FROM VALUES (1) t(a)",
        "SELECT *",
        "SELECT a, count(*) FROM VALUES ('x'), ('y') t(a) GROUP BY a",  # the groups' order is not defined
        "SELECT DISTINCT a FROM VALUES (1), (2) t(a)",
        "SELECT a, b FROM VALUES (1, 'p'), (1, 'q') t(a, b) ORDER BY a LIMIT 2",  # a tie: p or q first?
    ],
)
def test_clauses_mcshell_does_not_run(sql):
    with pytest.raises(NotRunLocally):
        evaluate(parse_select(sql), lambda index, rows: [])


@pytest.mark.parametrize(
    "sql, offset",
    [
        ("SELECT a FROM VALUES (2), (1) t(a) ORDER BY a", 35),
        ("SELECT a FROM t\n  ORDER BY -a", 18),
        ("SELECT 1 UNION ALL SELECT 2 ORDER BY 1", 28),
        ("SELECT a FROM (SELECT a FROM t ORDER BY a) s LIMIT 1", 31),
    ],
)
def test_order_by_without_limit_is_maxcomputes_error(sql, offset):
    # Was: answered, sorted. MaxCompute refuses it (odps.sql.validate.orderby.limit, on by default).
    with pytest.raises(SemanticError) as raised:
        parse_select(sql)
    assert (raised.value.message, raised.value.offset) == ("ORDER BY must be used with a LIMIT clause", offset)


def test_a_group_or_a_tie_of_one_row_runs():
    sql = "SELECT a, count(*) FROM VALUES ('x'), ('x') t(a) GROUP BY a"
    assert evaluate(parse_select(sql), lambda index, rows: [])[1] == [("x", 2)]
    sql = "SELECT a FROM VALUES (1), (1), (0) t(a) ORDER BY a LIMIT 5"
    assert evaluate(parse_select(sql), lambda index, rows: [])[1] == [(0,), (1,), (1,)]


def test_each_column_has_the_type_the_evaluator_gave_its_values():
    # Was: re-derived from the Python values, so an INT column was BIGINT and a TINYINT one too.
    sql = "SELECT 1 AS a, 10000000000, 2.5, 'x', true, NULL, 1Y, CASE WHEN a > 1 THEN 1 END FROM VALUES (1), (2) t(a)"
    assert evaluate(parse_select(sql), lambda index, rows: [])[2] == (
        "INT", "BIGINT", "DOUBLE", "STRING", "BOOLEAN", "", "TINYINT", "INT"
    )  # fmt: skip

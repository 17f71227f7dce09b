"""MaxCompute's value semantics for the SELECTs mcshell runs itself: typed values and one small function
per operator and function, each on the documented rule it cites (docs/local-evaluation.md is the table).

Every value knows its MaxCompute type (the 2.0 data type edition). What the docs leave open (a type pair
no page gives, a tie the examples do not settle, a value past a type's range) raises Refused, which the
evaluator reports as "not run locally": mcshell never prints a number MaxCompute would not print.
Pure Python and no sqlglot: sql/evaluate.py maps the syntax tree onto these functions, and the same rules
can check another engine's answers.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Any

OPERATORS = "https://www.alibabacloud.com/help/en/maxcompute/operator"
EDITION_2 = "https://www.alibabacloud.com/help/en/maxcompute/maxcompute-v2-0-data-type-edition"
CONVERSIONS = "https://www.alibabacloud.com/help/doc-detail/57792.html"
MATH = "https://www.alibabacloud.com/help/en/maxcompute/mathematical-functions"
# The SELECT syntax page: "NULL is considered smaller than any value when ORDER BY sorts" (as MySQL, not Oracle).
SELECT_SYNTAX = "https://help.aliyun.com/zh/maxcompute/user-guide/select-syntax"


class Refused(Exception):
    """What mcshell does not compute here, and why (the evaluator's NotRunLocally line); the evaluator
    sets `offset` to where the innermost expression that refused starts."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.offset: int | None = None


@dataclass(frozen=True)
class Typed:
    """A value and its MaxCompute type; None is NULL. `NULL` alone is the untyped NULL constant."""

    value: Any  # int, float, str, bytes, bool, a list (ARRAY) or None, as `type` says
    type: str


NULL = Typed(None, "NULL")
# A FLOAT a model function returned (AI_SIMILARITY): held as the double that prints as its FLOAT text
# (runtime/values.py), and compared by its 32-bit value, widened to DOUBLE exactly.
RESULT_FLOAT = "FLOAT result"
# Values no GROUP BY or DISTINCT key is made of here: the equality of DOUBLEs is the 15-digit rule's.
UNKEYED = frozenset({"DOUBLE", "FLOAT", RESULT_FLOAT, "CALL", "ARRAY"})
TRUE = Typed(True, "BOOLEAN")
FALSE = Typed(False, "BOOLEAN")

# The 2.0 edition's integer types, narrowest first, and their ranges (EDITION_2; BIGINT per the Aug 2026 page).
INTEGERS = {"TINYINT": 2**7, "SMALLINT": 2**15, "INT": 2**31, "BIGINT": 2**63}
_INTEGER_ORDER = tuple(INTEGERS)


def is_integer(item: Typed) -> bool:
    return item.type in INTEGERS


def integer(value: int, kind: str) -> Typed:
    """An integer of type `kind`; past its range MaxCompute 2.0 reports an error whose text mcshell does not know."""
    bound = INTEGERS[kind]
    if not -bound <= value < bound:
        raise Refused(f"{value} is past {kind}'s range: MaxCompute 2.0 reports an overflow")
    return Typed(value, kind)


def double(value: float) -> Typed:
    if not math.isfinite(value):
        raise Refused("a DOUBLE overflow (MaxCompute 2.0 reports an error)")
    return Typed(value, "DOUBLE")


def literal_number(text: str) -> Typed:
    """A numeric constant as the 2.0 edition types it: an integer is INT, past INT's range BIGINT, past
    BIGINT's range DOUBLE; one with a point or an exponent is DOUBLE (EDITION_2's DOUBLE constants)."""
    if text.isascii() and text.isdigit():
        value = int(text)
        if value < INTEGERS["INT"]:
            return Typed(value, "INT")
        if value < INTEGERS["BIGINT"]:
            return Typed(value, "BIGINT")
    if not _NUMERIC_TEXT.fullmatch(text):
        raise Refused(f"the constant {_short(text)} is not run locally")
    return double(float(text))


def wider_integer(a: str, b: str) -> str:
    return max(a, b, key=_INTEGER_ORDER.index)


def common_type(items: Sequence[Typed], what: str) -> str:
    """One type for values that must share it (CASE's branches, a VALUES column): the same type, or
    integers of different widths (the wider); any other mix is refused (no page gives its type)."""
    kinds = {item.type for item in items} - {"NULL"}
    if not kinds:
        return "NULL"
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= set(INTEGERS):
        return max(kinds, key=_INTEGER_ORDER.index)
    raise Refused(f"{what} mixes {', '.join(sorted(kinds))}, whose common type mcshell does not decide")


def retyped(item: Typed, kind: str) -> Typed:
    """A value of a narrower integer type, or NULL, taken as `kind` (common_type's answer)."""
    return item if item.type == kind else Typed(item.value, kind)


# -- conversions (CONVERSIONS) ------------------------------------------------------------------------
# ASCII digits only, as Java's Double.parseDouble reads them ('١٢' is not a number).
_NUMERIC_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def to_double(item: Typed, what: str, floats: bool = False) -> float:
    """A BIGINT, DOUBLE or STRING operand as the DOUBLE MaxCompute converts it to (a FLOAT too, widened
    exactly, where `floats` says the rule takes one); other types are refused."""
    value = item.value
    if is_integer(item):
        return float(value)
    if item.type == "DOUBLE":
        return float(value)
    if floats and item.type in ("FLOAT", RESULT_FLOAT):
        return float32(value)
    if item.type == "STRING":
        text = str(value)
        number = float(text) if _NUMERIC_TEXT.fullmatch(text) else math.nan
        if not math.isfinite(number):
            raise Refused(f"{what}: the string {_short(text)} is not a number (what MaxCompute does is not documented)")
        return number
    raise Refused(f"{what} of a {item.type} value is not run locally")


def float32(value: float) -> float:
    """A FLOAT's value: `value` rounded to the nearest 32-bit float; past FLOAT's range refused."""
    try:
        rounded: float = struct.unpack("f", struct.pack("f", value))[0]
    except (OverflowError, struct.error):
        rounded = math.inf
    if math.isinf(rounded) and not math.isinf(value):
        raise Refused(f"{value!r} is past FLOAT's range")
    return rounded


def _short(text: str) -> str:
    return repr(text if len(text) <= 20 else text[:20] + "...")


def is_null(item: Typed) -> bool:
    return item.value is None


# -- arithmetic (OPERATORS; EDITION_2 for overflow) -------------------------------------------------------
_ARITHMETIC_TYPES = {*INTEGERS, "DOUBLE", "STRING", "NULL"}


def _operands(symbol: str, a: Typed, b: Typed) -> str:
    """The result type of `a symbol b`: integers keep the wider integer type (but `/`), anything with a DOUBLE
    or a STRING is DOUBLE (STRING operands become DOUBLE)."""
    for item in (a, b):
        if item.type not in _ARITHMETIC_TYPES:
            raise Refused(f"{symbol} on a {item.type} value is not run locally")
    integers = {item.type for item in (a, b)} - {"NULL"}
    if symbol != "/" and integers <= set(INTEGERS):
        return max(integers, key=_INTEGER_ORDER.index) if integers else "NULL"
    return "DOUBLE"


def arithmetic(symbol: str, a: Typed, b: Typed) -> Typed:
    """+ - * / %: NULL gives NULL; integers are exact, and past their type's range refused (EDITION_2: an error)."""
    kind = _operands(symbol, a, b)
    if is_null(a) or is_null(b):
        return Typed(None, kind)
    if kind in INTEGERS:
        return integer(_INTEGER_OPS[symbol](a.value, b.value), kind)
    x, y = to_double(a, symbol), to_double(b, symbol)
    return double(_DOUBLE_OPS[symbol](x, y))


def _remainder(x: int, y: int) -> int:
    """Java's remainder: the sign of the dividend (-7 % 3 is -1). mcshell's decision, on issue 19 and on
    Java's and Hive's `%`: the operator page calls it the remainder with no negative example."""
    if y == 0:
        raise Refused("% by zero (what MaxCompute gives is not documented)")
    result = abs(x) % abs(y)
    return -result if x < 0 else result


def _divide(x: float, y: float) -> float:
    if y == 0:
        raise Refused("division by zero (what MaxCompute gives is not documented)")
    return x / y


def _double_remainder(x: float, y: float) -> float:
    if y == 0:
        raise Refused("% by zero (what MaxCompute gives is not documented)")
    return math.fmod(x, y)  # Java's % on doubles: truncated, with the dividend's sign


_INTEGER_OPS: dict[str, Callable[[int, int], int]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "%": _remainder,
}
_DOUBLE_OPS: dict[str, Callable[[float, float], float]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": _divide,
    "%": _double_remainder,
}


def negate(a: Typed) -> Typed:
    """Unary minus of an integer (in its type's range), a DOUBLE or a FLOAT; of anything else refused."""
    if is_integer(a) or a.type in ("DOUBLE", "FLOAT", "NULL"):
        if is_null(a):
            return a
        if a.type == "FLOAT":  # `-2.0f`: a FLOAT constant, its sign flipped exactly
            return Typed(-a.value, "FLOAT")
        return integer(-a.value, a.type) if is_integer(a) else double(-a.value)
    raise Refused(f"unary - on a {a.type} value is not run locally")


# -- comparison (OPERATORS; CONVERSIONS for the implicit conversions; EDITION_2 for DOUBLE equality) ------
def _comparison_kind(a: Typed, b: Typed) -> str:
    """How two values compare: as integers, as DOUBLE (BIGINT, DOUBLE and STRING mixed), as STRING or as
    BOOLEAN; other pairs are refused (MaxCompute reports an error whose text mcshell does not know)."""
    kinds = {a.type, b.type} - {"NULL"}
    if not kinds:
        return "NULL"
    if kinds <= set(INTEGERS):
        return "INTEGER"
    if kinds == {"STRING"} or kinds == {"BOOLEAN"}:
        return kinds.pop()
    if kinds <= {"DOUBLE", "FLOAT", RESULT_FLOAT}:
        return "DOUBLE"  # FLOAT widens to DOUBLE exactly (the type conversions page)
    if kinds <= {*INTEGERS, "DOUBLE", "STRING"}:
        return "DOUBLE"
    raise Refused(f"comparing {' with '.join(sorted(kinds))} is not run locally")


def comparison_kind(a: str, b: str) -> str:
    """How values of MaxCompute types `a` and `b` compare (INTEGER, DOUBLE, STRING, BOOLEAN or NULL); a pair
    no rule gives is Refused."""
    return _comparison_kind(Typed(None, a), Typed(None, b))


def compare(symbol: str, a: Typed, b: Typed, kind: str | None = None) -> Typed:
    """= <> < <= > >=: NULL gives NULL."""
    kind = kind or _comparison_kind(a, b)
    if is_null(a) or is_null(b):
        return Typed(None, "BOOLEAN")
    if kind == "DOUBLE":
        x, y = to_double(a, symbol, floats=True), to_double(b, symbol, floats=True)
        order = _double_order(x, y)
        if order == 0 and x != y and symbol not in ("=", "<>"):
            raise Refused(f"ordering the DOUBLEs {x!r} and {y!r}, equal by the 15-digit rule but not exactly")
    elif kind == "STRING" and symbol not in ("=", "<>"):
        order = _string_order(str(a.value), str(b.value))
    elif kind == "BOOLEAN" and symbol not in ("=", "<>"):
        raise Refused("ordering BOOLEAN values is not run locally")
    else:
        order = (a.value > b.value) - (a.value < b.value)
    return Typed(_ORDER_TESTS[symbol](order), "BOOLEAN")


_ORDER_TESTS: dict[str, Callable[[int], bool]] = {
    "=": lambda order: order == 0,
    "<>": lambda order: order != 0,
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


def _string_order(x: str, y: str) -> int:
    if not (x.isascii() and y.isascii()):
        raise Refused("ordering non-ASCII strings (the collation is not documented)")
    return (x > y) - (x < y)


def _double_order(x: float, y: float) -> int:
    """-1, 0 or 1. EDITION_2: in 1.0 and 2.0 two DOUBLEs are equal when their first 15 digits after the point
    match (so 0.1 + 0.2 = 0.3 is true). mcshell reads the digits three ways (the shortest decimal cut or
    rounded, the exact one rounded) and refuses where the readings disagree, or where they call unequal
    doubles equal and the order is asked."""
    if x == y:
        return 0
    if math.isinf(x) or math.isinf(y):  # a FLOAT result of Infinity: no digits to compare
        return -1 if x < y else 1
    readings = {_same_15_digits(x, y, exact, rounding) for exact, rounding in _READINGS}
    if readings == {False}:
        return -1 if x < y else 1
    if readings == {True}:
        return 0
    raise Refused(f"whether the DOUBLEs {x!r} and {y!r} are equal (the 15-digit rule is ambiguous here)")


_READINGS = ((False, ROUND_DOWN), (False, ROUND_HALF_UP), (True, ROUND_HALF_UP))
_DIGITS = Context(prec=1200)  # room for any double's digits, 15 after the point


def _same_15_digits(x: float, y: float, exact: bool, rounding: str) -> bool:
    step = Decimal("1e-15")

    def cut(value: float) -> Decimal:
        digits = Decimal(value) if exact else Decimal(repr(value))
        return digits.quantize(step, rounding=rounding, context=_DIGITS)

    return cut(x) == cut(y)


def null_safe_equal(a: Typed, b: Typed) -> Typed:
    """<=>: two NULLs are TRUE, one NULL FALSE (OPERATORS)."""
    _comparison_kind(a, b)
    if is_null(a) or is_null(b):
        return Typed(is_null(a) and is_null(b), "BOOLEAN")
    return compare("=", a, b)


def in_list(a: Typed, items: Sequence[Typed]) -> Typed:
    """A IN (...): a NULL A is NULL, and so is `A IN (NULL)`; a BIGINT/DOUBLE/STRING mix compares as DOUBLE
    (OPERATORS, CONVERSIONS). `1 IN (2, NULL)` is not documented: refused."""
    kinds = {_comparison_kind(a, item) for item in items}
    kind = "DOUBLE" if "DOUBLE" in kinds or ({"INTEGER", "STRING"} <= kinds) else None
    if is_null(a) or all(is_null(item) for item in items):
        return Typed(None, "BOOLEAN")
    if any(compare("=", a, item, kind).value is True for item in items if not is_null(item)):
        return TRUE
    if any(is_null(item) for item in items):
        raise Refused("IN over a list holding NULL that does not match (not documented)")
    return FALSE


def between(a: Typed, low: Typed, high: Typed) -> Typed:
    """A BETWEEN B AND C: NULL if any is NULL; B and C of A's type (LIKE/BETWEEN in OPERATORS)."""
    types = {item.type for item in (a, low, high)} - {"NULL"}
    if len(types) > 1 and not types <= set(INTEGERS):
        raise Refused("BETWEEN over values of different types is not run locally")
    _comparison_kind(a, low)
    if is_null(a) or is_null(low) or is_null(high):
        return Typed(None, "BOOLEAN")
    return logic_and(compare(">=", a, low), compare("<=", a, high))


# -- logic: three-valued (OPERATORS) ---------------------------------------------------------------------
def boolean(item: Typed, what: str) -> bool | None:
    if item.type not in ("BOOLEAN", "NULL"):
        raise Refused(f"{what} of a {item.type} value (no implicit conversion to BOOLEAN)")
    return None if item.value is None else bool(item.value)


def logic_and(a: Typed, b: Typed) -> Typed:
    x, y = boolean(a, "AND"), boolean(b, "AND")
    if x is False or y is False:
        return FALSE
    return TRUE if x is True and y is True else Typed(None, "BOOLEAN")


def logic_or(a: Typed, b: Typed) -> Typed:
    x, y = boolean(a, "OR"), boolean(b, "OR")
    if x is True or y is True:
        return TRUE
    return FALSE if x is False and y is False else Typed(None, "BOOLEAN")


def logic_not(a: Typed) -> Typed:
    x = boolean(a, "NOT")
    return Typed(None if x is None else not x, "BOOLEAN")


def is_null_test(a: Typed, negated: bool) -> Typed:
    return Typed(is_null(a) != negated, "BOOLEAN")


# -- LIKE (https://www.alibabacloud.com/help/en/maxcompute/like-usage) ------------------------------------
LIKE_PAGE = "https://www.alibabacloud.com/help/en/maxcompute/like-usage"


def like(a: Typed, pattern: Typed) -> Typed:
    """A LIKE B: `%` any run of characters, `_` one, a backslash makes `%`, `_` or itself literal; both
    STRING (no implicit conversion); NULL gives NULL."""
    for item in (a, pattern):
        if item.type not in ("STRING", "NULL"):
            raise Refused(f"LIKE on a {item.type} value (LIKE takes STRING only)")
    if is_null(a) or is_null(pattern):
        return Typed(None, "BOOLEAN")
    return Typed(_like_regex(str(pattern.value)).fullmatch(str(a.value)) is not None, "BOOLEAN")


def _like_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            if char not in "%_\\":
                raise Refused(f"LIKE pattern with \\{char} (only \\%, \\_ and \\\\ are documented)")
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    if escaped:
        raise Refused("LIKE pattern ending in a backslash (not documented)")
    return re.compile("".join(parts), re.DOTALL)


# -- how a result prints (odpscmd; see mcshell/rules/query.py's value_text) ---------------------------------
def printable(item: Typed) -> object:
    """The cell of a result: its Python value. A DOUBLE prints as Java writes it, plain between 10^-3 and
    10^7 (65536.0, 0.010000000000000002); where the exponent form starts the docs do not say, so a DOUBLE
    outside that range is refused, and so is -0.0 (0.0 * -1, round(-0.4)): whether it prints 0.0 or -0.0 is not
    documented. A FLOAT constant's text, and a BINARY value's, are not documented either."""
    value = item.value
    if item.type == "DOUBLE" and value == 0 and math.copysign(1.0, value) < 0:
        raise Refused("printing the DOUBLE -0.0 (whether MaxCompute prints 0.0 or -0.0 is not documented)")
    if item.type == "DOUBLE" and value is not None and value != 0 and not 1e-3 <= abs(value) < 1e7:
        raise Refused(f"printing the DOUBLE {value!r} (where MaxCompute's exponent form starts is not documented)")
    if item.type in ("FLOAT", "DECIMAL", "BINARY") and value is not None:
        raise Refused(f"printing a {item.type} value (its text is not documented)")
    return value


# -- aggregates and ORDER BY ----------------------------------------------------------------------------
def total(values: Sequence[Typed]) -> Typed:
    """SUM: NULLs are skipped, and no value left gives NULL; integers sum to an exact BIGINT (past its range
    refused); DOUBLEs only when every order of adding them is exact, as MaxCompute's order is not known."""
    kinds = {item.type for item in values} - {"NULL"}
    present = [item.value for item in values if item.value is not None]
    if kinds <= set(INTEGERS):
        return Typed(None, "BIGINT") if not present else integer(sum(present), "BIGINT")
    if kinds != {"DOUBLE"}:
        raise Refused(f"SUM of {', '.join(sorted(kinds))} values is not run locally")
    if not present:
        return Typed(None, "DOUBLE")
    ratios = [Fraction(value) for value in present]
    scale = max(ratio.denominator for ratio in ratios)  # a power of two: each value is a whole number of 1/scale
    if sum(abs(ratio) for ratio in ratios) * scale >= 2**53:
        raise Refused("SUM of DOUBLEs whose result depends on the order they are added in")
    return double(float(sum(ratios)))


def order_of(a: Typed, b: Typed) -> int:
    """How two ORDER BY keys sort: by the comparison rules; NULL is smaller than any value (SELECT_SYNTAX), and two
    NULLs tie."""
    if is_null(a) or is_null(b):
        return int(is_null(b)) - int(is_null(a))
    if compare("<", a, b).value:
        return -1
    return 1 if compare(">", a, b).value else 0

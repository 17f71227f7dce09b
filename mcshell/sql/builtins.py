"""The built-in functions mcshell computes itself: one small function each, on its MaxCompute page
(docs/local-evaluation.md lists them; tests/data/local_evaluation.txt runs every example of those pages).

Each takes the evaluated arguments (Typed) and gives a Typed; what its page leaves open is Refused.
A function that is not in FUNCTIONS is not run locally at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from mcshell.sql.semantics import (
    INTEGERS,
    Refused,
    Typed,
    double,
    float32,
    integer,
    is_integer,
    is_null,
    to_double,
)

Args = Sequence[Typed]
_HELP = "https://www.alibabacloud.com/help/en/maxcompute/user-guide/"
_TC = "https://alibabacloud.com/help/tc/maxcompute/user-guide/"


@dataclass(frozen=True)
class Function:
    name: str
    url: str
    run: Callable[[Args], Typed]
    arities: tuple[int, ...]
    constants: tuple[int, ...] = ()  # the positions its page requires to be constants


# The argument types a function takes, by position (the last set for every position after it).
_NUMBERS = frozenset({*INTEGERS, "DOUBLE", "STRING", "NULL"})  # what becomes a DOUBLE (to_double)
_STRING = frozenset({"STRING", "NULL"})
_WHOLE = frozenset({*INTEGERS, "NULL"})
_CONCATENATED = frozenset({*INTEGERS, "DOUBLE", "STRING", "NULL"})  # CONCAT's implicit conversions


def _nulls(args: Args, kind: str, what: str, types: tuple[frozenset[str], ...] = (_NUMBERS,)) -> Typed | None:
    """NULL of type `kind` if an argument is NULL, else None; first, an argument of a type the function does
    not take is refused, NULL or not (CONCAT's page: other types are an error, whose text mcshell does not know)."""
    for at, arg in enumerate(args):
        if arg.type not in types[min(at, len(types) - 1)]:
            raise Refused(f"{what} of a {arg.type} value is not run locally")
    return Typed(None, kind) if any(is_null(arg) for arg in args) else None


def _places(item: Typed, what: str) -> int:
    if not is_integer(item):
        raise Refused(f"{what}'s decimal places must be an integer constant")
    return int(item.value)


# -- mathematical functions ------------------------------------------------------------------------------
def _round(args: Args) -> Typed:
    """ROUND: a DOUBLE (BIGINT and STRING become DOUBLE), half away from zero at d places. The page's
    examples (round(-125.315, 2) -125.32, the precision page's round(0.25375, 4) 0.2537) fix the method:
    x * 10^d in double, rounded half up on its magnitude, divided by 10^d. A negative d rounds left of the
    point (round(123.345, -2) 100.0); x / 10^-d and x * 10^d must then agree, or it is refused."""
    nulls = _nulls(args[:1], "DOUBLE", "ROUND")
    places = _places(args[1], "ROUND") if len(args) > 1 else 0
    if nulls is not None:
        return nulls
    value = to_double(args[0], "ROUND")
    if not -22 <= places <= 22:
        raise Refused("ROUND to more than 22 places either side of the point is not run locally")
    if places >= 0:
        result = _half_up(value * 10.0**places) / 10.0**places
    else:
        wholes = {_half_up(value / 10.0**-places), _half_up(value * 10.0**places)}
        if len(wholes) > 1:
            raise Refused("ROUND to a negative place whose result depends on how 10^d is applied")
        result = wholes.pop() * 10.0**-places
    return double(math.copysign(result, value))  # -0.0 for a negative value: printable refuses it


def _half_up(scaled: float) -> int:
    """The whole number nearest `scaled`, halves away from zero, computed exactly."""
    if abs(scaled) >= 2**52:
        raise Refused("ROUND of a value with no digits left to round is not run locally")
    return int(Decimal(scaled).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _trunc(args: Args) -> Typed:
    """TRUNC: x * 10^d cut toward zero, times 10^-d; the page's trunc(125.815, 1) 125.80000000000001 and
    trunc(-125.815, 2) -125.81 fix the method."""
    nulls = _nulls(args[:1], "DOUBLE", "TRUNC")
    places = _places(args[1], "TRUNC") if len(args) > 1 else 0
    if nulls is not None:
        return nulls
    value = to_double(args[0], "TRUNC")
    if not 0 <= places <= 22:
        raise Refused("TRUNC to negative or more than 22 places is not run locally")
    scaled = value * 10.0**places
    if abs(scaled) >= 2**52:
        raise Refused("TRUNC of a value with no digits left to cut is not run locally")
    return double(math.copysign(math.trunc(scaled) * 10.0**-places, value))  # -0.0 as ROUND's


def _floor_or_ceil(name: str, step: Callable[[float], int]) -> Callable[[Args], Typed]:
    def run(args: Args) -> Typed:
        """FLOOR and CEIL: BIGINT, of the DOUBLE their argument becomes."""
        nulls = _nulls(args, "BIGINT", name)
        return nulls or integer(step(to_double(args[0], name)), "BIGINT")

    return run


def _abs(args: Args) -> Typed:
    """ABS keeps an integer's or a DOUBLE's type; a STRING becomes DOUBLE (abs("-2") is 2.0)."""
    (item,) = args
    if item.type == "STRING":
        item = Typed(None if is_null(item) else to_double(item, "ABS"), "DOUBLE")
    if item.type not in (*INTEGERS, "DOUBLE", "NULL"):
        raise Refused(f"ABS of a {item.type} value is not run locally")
    if is_null(item):
        return item
    if is_integer(item):
        return integer(abs(item.value), item.type)
    return double(abs(item.value))


def _exact(value: Fraction, what: str) -> Typed:
    """A DOUBLE result only when it is exact: libm's and Java's last digit may differ otherwise."""
    try:
        result = float(value)
    except OverflowError:
        raise Refused(f"{what} overflows DOUBLE") from None
    if Fraction(result) != value:
        raise Refused(f"{what} whose result is not an exact DOUBLE (the last digit is Java's Math, not Python's)")
    return double(result)


def _pow(args: Args) -> Typed:
    """POW: a DOUBLE (BIGINT and STRING become DOUBLE); pow(2, 16) is 65536.0. Computed exactly, and
    only where the result is an exact DOUBLE."""
    nulls = _nulls(args, "DOUBLE", "POW")
    if nulls is not None:
        return nulls
    base, exponent = to_double(args[0], "POW"), to_double(args[1], "POW")
    if not exponent.is_integer() or abs(exponent) > 1100 or (base == 0 and exponent < 0):
        raise Refused("POW with a fractional, huge or negative-of-zero exponent is not run locally")
    return _exact(Fraction(base) ** int(exponent), "POW")


def _log(args: Args) -> Typed:
    """LOG(base, x): DOUBLE; NULL if an argument is NULL or <= 0, or the base is 1 (log(2, 16) is 4.0).
    Run only where x is an exact power of the base and the usual formulas all give that power."""
    nulls = _nulls(args, "DOUBLE", "LOG")
    if nulls is not None:
        return nulls
    base, value = to_double(args[0], "LOG"), to_double(args[1], "LOG")
    if base <= 0 or value <= 0 or base == 1:
        return Typed(None, "DOUBLE")
    power = round(math.log(value) / math.log(base))
    ratios = {
        math.log(value) / math.log(base),
        math.log10(value) / math.log10(base),
        math.log2(value) / math.log2(base),
    }
    if abs(power) > 1100 or Fraction(base) ** power != Fraction(value) or ratios != {power}:
        raise Refused("LOG whose result is not an exact power (the last digit is Java's Math, not Python's)")
    return double(float(power))


def _sqrt(args: Args) -> Typed:
    """SQRT: a DOUBLE, NULL below 0; correctly rounded in IEEE arithmetic, so as Java gives it. The pages
    disagree on SQRT(0) (NULL or 0.0): refused."""
    nulls = _nulls(args, "DOUBLE", "SQRT")
    if nulls is not None:
        return nulls
    value = to_double(args[0], "SQRT")
    if value == 0:
        raise Refused("SQRT(0): the SQRT and mathematical functions pages disagree (NULL or 0.0)")
    return Typed(None, "DOUBLE") if value < 0 else double(math.sqrt(value))


# -- string functions ------------------------------------------------------------------------------------
def _text(item: Typed, what: str) -> str:
    if item.type != "STRING":
        raise Refused(f"{what} of a {item.type} value is not run locally")
    text = str(item.value)
    if any(ord(c) > 0xFFFF for c in text):
        raise Refused(f"{what} of characters beyond U+FFFF (how MaxCompute counts them is not documented)")
    return text


def _strings(args: Args, what: str) -> list[str] | None:
    """The STRING arguments, or None if one is NULL (the function is then NULL)."""
    for arg in args:
        if arg.type not in ("STRING", "NULL"):
            raise Refused(f"{what} of a {arg.type} value is not run locally")
    if any(is_null(arg) for arg in args):
        return None
    return [_text(arg, what) for arg in args]


def _concat_part(item: Typed) -> str:
    """CONCAT's implicit conversions: an integer as its digits; a DOUBLE's text is not documented."""
    if is_integer(item):
        return str(item.value)
    return _text(item, "CONCAT")


def concat(args: Args) -> Typed:
    """CONCAT and ||: NULL with no argument or any NULL argument; BIGINT converts to STRING."""
    if not args or _nulls(args, "STRING", "CONCAT", (_CONCATENATED,)) is not None:
        return Typed(None, "STRING")
    return Typed("".join(_concat_part(arg) for arg in args), "STRING")


def _substr(args: Args) -> Typed:
    """SUBSTR and SUBSTRING(str, start[, len]): 1-based, a negative start counts from the end, a start past
    the end gives ''. Start 0 (the pages disagree: '' or NULL) and len <= 0 ('' for SUBSTR, an error for
    SUBSTRING: sqlglot reads both as one) are refused."""
    if _nulls(args, "STRING", "SUBSTR", (_STRING, _WHOLE)) is not None:
        return Typed(None, "STRING")
    text = _text(args[0], "SUBSTR")
    start = _places(args[1], "SUBSTR")
    length = _places(args[2], "SUBSTR") if len(args) > 2 else None
    if start == 0 or (length is not None and length <= 0):
        raise Refused("SUBSTR with start 0 or a length <= 0 (the pages disagree)")
    if start < 0:
        start += len(text) + 1
        if start < 1:
            raise Refused("SUBSTR with a negative start before the string's first character (not documented)")
    end = None if length is None else start - 1 + length
    return Typed(text[start - 1 : end], "STRING")


def _length(args: Args) -> Typed:
    """LENGTH: the BIGINT count of characters; NULL gives NULL."""
    return _nulls(args, "BIGINT", "LENGTH", (_STRING,)) or Typed(len(_text(args[0], "LENGTH")), "BIGINT")


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _case(table: dict[int, int], name: str) -> Callable[[Args], Typed]:
    def run(args: Args) -> Typed:
        """TOLOWER and TOUPPER change English letters only."""
        texts = _strings(args, name)
        return Typed(None if texts is None else texts[0].translate(table), "STRING")

    return run


def _trim(args: Args) -> Typed:
    """TRIM(str[, chars]): spaces, or any of chars, off both ends; a NULL argument gives NULL."""
    texts = _strings(args, "TRIM")
    if texts is None:
        return Typed(None, "STRING")
    return Typed(texts[0].strip(texts[1] if len(texts) > 1 else " "), "STRING")


def _replace(args: Args) -> Typed:
    """REPLACE(str, old, new): every old replaced; any NULL gives NULL."""
    texts = _strings(args, "REPLACE")
    if texts is None:
        return Typed(None, "STRING")
    if not texts[1]:
        raise Refused("REPLACE of an empty string (not documented)")
    return Typed(texts[0].replace(texts[1], texts[2]), "STRING")


def _split_part(args: Args) -> Typed:
    """SPLIT_PART(str, sep, start[, end]): parts start to end (1-based) joined by sep; a start past the last
    part gives '', an end past it runs to the end; an empty sep gives the whole string."""
    if is_null(args[1]):
        raise Refused("SPLIT_PART with a NULL separator (not documented)")
    start, end = _places(args[2], "SPLIT_PART"), _places(args[3], "SPLIT_PART") if len(args) > 3 else None
    texts = _strings(args[:2], "SPLIT_PART")
    if texts is None:
        return Typed(None, "STRING")
    text, sep = texts
    if start <= 0 or (end is not None and end < start) or (not sep and start != 1):
        raise Refused("SPLIT_PART with a start <= 0, an end before start, or parts of an empty separator")
    parts = text.split(sep) if sep else [text]
    return Typed(sep.join(parts[start - 1 : start if end is None else end]), "STRING")


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("ROUND", _HELP + "round", _round, (1, 2), (1,)),
        Function("TRUNC", _HELP + "trunc", _trunc, (1, 2), (1,)),
        Function("FLOOR", _HELP + "floor", _floor_or_ceil("FLOOR", math.floor), (1,)),
        Function("CEIL", _HELP + "ceil", _floor_or_ceil("CEIL", math.ceil), (1,)),
        Function("ABS", _HELP + "abs", _abs, (1,)),
        Function("POW", _HELP + "pow", _pow, (2,)),
        Function("LOG", _HELP + "log", _log, (2,)),
        Function("SQRT", _HELP + "sqrt", _sqrt, (1,)),
        Function("CONCAT", _HELP + "concat", concat, tuple(range(0, 256))),
        Function("SUBSTR", _HELP + "substr", _substr, (2, 3)),
        Function("LENGTH", "https://www.alibabacloud.com/help/en/document_detail/455556.html", _length, (1,)),
        Function("TOLOWER", _HELP + "tolower", _case(_LOWER, "TOLOWER"), (1,)),
        Function("TOUPPER", _HELP + "toupper", _case(_UPPER, "TOUPPER"), (1,)),
        Function("TRIM", _TC + "trim", _trim, (1, 2)),
        Function("REPLACE", _HELP + "replace", _replace, (3,)),
        Function(
            "SPLIT_PART",
            "https://alibabacloud.com/help/tc/maxcompute/user-guide/split-part",
            _split_part,
            (3, 4),
            (1, 2, 3),
        ),
    )
}


# -- CAST (https://www.alibabacloud.com/help/en/document_detail/455502.html; conversions: CONVERSIONS) ----
CAST_PAGE = "https://www.alibabacloud.com/help/en/document_detail/455502.html"


def cast(item: Typed, to: str) -> Typed:
    """CAST(x AS to) for the documented pairs; any other pair is refused."""
    if item.type == to:
        return item
    if is_null(item):
        if to not in _CASTS:
            raise Refused(f"CAST to {to} is not run locally")
        return Typed(None, to)
    caster = _CASTS.get(to)
    if caster is None:
        raise Refused(f"CAST to {to} is not run locally")
    return caster(item, to)


def _to_integer(item: Typed, to: str) -> Typed:
    """To an integer type: a DOUBLE drops its fraction; a numeric STRING goes through DOUBLE (so exact only up
    to 2^53); 'abc' and '123abc' depend on odps.function.strictmode, which mcshell does not know: refused."""
    if is_integer(item):
        return integer(item.value, to)
    if item.type not in ("DOUBLE", "STRING"):
        raise Refused(f"CAST of a {item.type} value to {to} is not run locally")
    value = to_double(item, "CAST")
    if item.type == "STRING" and abs(value) >= 2**53:
        raise Refused("CAST of a string past 2^53 to an integer (through DOUBLE) is not run locally")
    return integer(math.trunc(value), to)


def _to_double(item: Typed, to: str) -> Typed:
    return double(to_double(item, "CAST"))


def _to_float(item: Typed, to: str) -> Typed:
    """A FLOAT constant (`0.5f`): passed to a model function as written; mcshell computes nothing with it."""
    if not (is_integer(item) or item.type == "DOUBLE"):
        raise Refused(f"CAST of a {item.type} value to FLOAT is not run locally")
    float32(float(item.value))  # past FLOAT's range: refused
    return Typed(float(item.value), "FLOAT")


def _to_string(item: Typed, to: str) -> Typed:
    if is_integer(item):
        return Typed(str(item.value), "STRING")
    if item.type == "BINARY":
        try:
            return Typed(bytes(item.value).decode("utf-8"), "STRING")
        except UnicodeDecodeError:
            raise Refused("CAST of BINARY that is not UTF-8 to STRING is not run locally") from None
    raise Refused(f"CAST of a {item.type} value to STRING (its text is not documented)")


def _to_boolean(item: Typed, to: str) -> Typed:
    """STRING to BOOLEAN: the empty string is false, any other (even 'false') true (the other functions page)."""
    if item.type != "STRING":
        raise Refused(f"CAST of a {item.type} value to BOOLEAN is not run locally")
    return Typed(item.value != "", "BOOLEAN")


def _to_binary(item: Typed, to: str) -> Typed:
    if item.type != "STRING":
        raise Refused(f"CAST of a {item.type} value to BINARY is not run locally")
    return Typed(str(item.value).encode("utf-8"), "BINARY")


_CASTS: dict[str, Callable[[Typed, str], Typed]] = {
    **{kind: _to_integer for kind in INTEGERS},
    "DOUBLE": _to_double,
    "FLOAT": _to_float,
    "STRING": _to_string,
    "BOOLEAN": _to_boolean,
    "BINARY": _to_binary,
}

"""The column types a SELECT over tables reads beyond the evaluator's own (docs/tables.md, "Queries over rows"):
VARCHAR(n) as STRING, DECIMAL(p,s), DATE, DATETIME and TIMESTAMP, each only where a page gives its rule.

The row store holds each of them exactly (rows/types.py), so comparing, sorting and grouping them is DuckDB's
exact comparison of the same type; what no page gives (a DECIMAL against a DOUBLE or a STRING, a DATETIME
against a STRING, where the pages disagree, the text of a DATE or a TIMESTAMP) is refused, naming it. Pure
Python: sql/translate.py writes the SQL, rows/query.py prints the cells with `cell_text`.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from mcshell.sql import semantics as sem
from mcshell.sql.semantics import Refused

# The comparison rules of the type conversions page (sem.CONVERSIONS): "BIGINT, DOUBLE or STRING vs DECIMAL
# compares as DECIMAL"; DATETIME compares with DATETIME (and STRING, where the pages disagree: refused).
TIMES = frozenset({"DATE", "DATETIME", "TIMESTAMP"})
DECIMAL_PAGE = "https://www.alibabacloud.com/help/en/maxcompute/decimal-data-type"
_DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")
_STRINGS = re.compile(r"VARCHAR\(\d+\)")
# Digits an integer type's values need as a DECIMAL (BIGINT's 2^63 has 19).
_INTEGER_DIGITS = {"TINYINT": 3, "SMALLINT": 5, "INT": 10, "BIGINT": 19}
_WHY = {
    "CHAR": (
        "a CHAR(n) value is padded with spaces that comparisons ignore (the data types page), and mcshell holds "
        "no CHAR rows"
    ),
}


def column_kind(written: str) -> str:
    """A column's type (DESC's text, upper case) as the translator computes with it: VARCHAR(n) is a STRING (its
    length is checked where rows are written), DECIMAL alone is DECIMAL(38,18) (DECIMAL_PAGE, DECIMAL 2.0),
    spaces dropped; any other type is itself."""
    text = written.replace(" ", "").upper()
    if _STRINGS.fullmatch(text):
        return "STRING"
    return "DECIMAL(38,18)" if text == "DECIMAL" else text


def held(kind: str) -> bool:
    """Whether a column of `kind` (column_kind's) is read here: DECIMAL(p,s), DATE, DATETIME, TIMESTAMP."""
    return kind in TIMES or decimal(kind) is not None


def why_not(kind: str) -> str:
    """Why a column of `kind` is not read here ("" when no more is known than that)."""
    return _WHY.get(kind.partition("(")[0], "")


def decimal(kind: str) -> tuple[int, int] | None:
    """(precision, scale) of a DECIMAL(p,s) kind, else None."""
    found = _DECIMAL.fullmatch(kind)
    return (int(found.group(1)), int(found.group(2))) if found else None


def comparison(a: str, b: str) -> str:
    """The DuckDB type two values of kinds `a` and `b` (one of them held) compare as, exactly: the same time type
    as itself; DECIMALs and integers as one DECIMAL(38,s) that holds both; NULL: "". Any other pair is refused."""
    kinds = sorted({a, b} - {"NULL"})
    if len(kinds) < 2 and set(kinds) <= TIMES:
        return ""
    pairs = [(kind, decimal(kind)) for kind in kinds]
    if not all(kind in sem.INTEGERS or found is not None for kind, found in pairs):
        raise Refused(f"comparing {' with '.join(kinds)} is not run locally{_pair_reason(set(kinds))}")
    scale = max(found[1] for _, found in pairs if found is not None)
    digits = max(_INTEGER_DIGITS[kind] if found is None else found[0] - found[1] for kind, found in pairs)
    if digits + scale > 38:
        raise Refused(f"comparing {' with '.join(kinds)}: no DECIMAL(38,s) holds both")
    return f"DECIMAL(38,{scale})"


def _pair_reason(kinds: set[str]) -> str:
    if "DATETIME" in kinds and "STRING" in kinds:
        return " (the operators and type conversions pages disagree on a STRING against a DATETIME)"
    if any(decimal(kind) for kind in kinds):
        return " (how the other value becomes a DECIMAL is not documented)"
    return ""


def cell_text(value: object, kind: str) -> str | None:
    """A held value as odpscmd prints it, or None for NULL. A DECIMAL drops the zeros that end its fraction, and
    the point with them (odps.sql.decimal.tostring.trimzero, true by default: the flag parameters page; a DECIMAL
    -1 prints as -1 on the mathematical functions page); a DATETIME is `yyyy-mm-dd hh:mi:ss`, without
    milliseconds (the V2.0 data type edition page), and one with a fraction of a second is refused (whether
    odpscmd cuts or rounds it is not documented). The text of a DATE and a TIMESTAMP is not documented: refused."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind == "DATETIME" and isinstance(value, datetime.datetime):
        if value.microsecond:
            raise Refused("printing a DATETIME with a fraction of a second (whether odpscmd cuts or rounds it)")
        return f"{value.year:04d}-{value:%m-%d %H:%M:%S}"
    raise Refused(f"printing a {kind} value (odpscmd's text of it is not documented)")


def sum_fits(kind: str) -> str:
    """The DuckDB condition that a SUM of DECIMAL(p,s) values `{0}` still fits DECIMAL(p,s): the aggregate page
    types the SUM of a DECIMAL as DECIMAL, not its precision, and every precision it may have holds that much."""
    precision, scale = decimal(kind) or (38, 0)
    if precision >= 38:
        return "TRUE"  # DuckDB's own DECIMAL(38,s) sum reports an overflow past it
    bound = "1" + "0" * (precision - scale)
    return f"abs({{0}}) < CAST('{bound}' AS DECIMAL(38,{scale}))"

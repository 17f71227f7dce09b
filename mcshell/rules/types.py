"""Which MaxCompute types an argument may have where a type is wanted: the implicit conversions.

mcshell's decision, after the type conversion page (Data type conversion, "implicit conversion"):
a value converts implicitly to a wider numeric type and to a string type; a string converts to the
date and time types; nothing converts to BOOLEAN or BINARY but themselves, and no wider numeric type
to a narrower one (the ML_PREDICT page writes `0.22438f` for a FLOAT column: a DOUBLE is not taken).
An integer constant is also taken by a narrower integer column when its value fits.
"""

from __future__ import annotations

from mcshell.sql import statements as st

_STRINGS = {"STRING", "VARCHAR", "CHAR"}
_TIMES = {"DATE", "DATETIME", "TIMESTAMP"}
_WIDER: dict[str, set[str]] = {
    "TINYINT": {"SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL", *_STRINGS},
    "SMALLINT": {"INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL", *_STRINGS},
    "INT": {"BIGINT", "FLOAT", "DOUBLE", "DECIMAL", *_STRINGS},
    "BIGINT": {"FLOAT", "DOUBLE", "DECIMAL", *_STRINGS},
    "FLOAT": {"DOUBLE", "DECIMAL", *_STRINGS},
    "DOUBLE": {"DECIMAL", *_STRINGS},
    "DECIMAL": {"DOUBLE", *_STRINGS},
    "STRING": {*_STRINGS, *_TIMES},
    "VARCHAR": {*_STRINGS, *_TIMES},
    "CHAR": {*_STRINGS, *_TIMES},
    "DATE": {"DATETIME", "TIMESTAMP", *_STRINGS},
    "DATETIME": {"TIMESTAMP", *_STRINGS},
    "TIMESTAMP": {*_STRINGS},
}
_RANGES = {"TINYINT": 2**7, "SMALLINT": 2**15, "INT": 2**31, "BIGINT": 2**63}


def base_type(written: str) -> str:
    """`decimal(10,2)` -> DECIMAL, `array<string>` -> ARRAY<STRING>, `varchar(8)` -> VARCHAR."""
    upper = written.upper().replace(" ", "")
    if upper.startswith(("ARRAY<", "MAP<", "STRUCT<")):
        return upper
    return upper.split("(", 1)[0]


_FAMILIES = (_STRINGS, set(_RANGES))


def accepts(wanted: tuple[str, ...], found: str, widen: bool = True) -> bool:
    """A value of type `found` ("" unknown, "NULL") may stand where one of `wanted` is expected.
    Without `widen` (the AI functions' parameters, whose pages call any other type an error) only a
    type of the same family is taken: a VARCHAR for a STRING, an INT for a BIGINT."""
    if not found or found == "NULL" or not wanted:
        return True
    if found in wanted:
        return True
    if not widen:
        return any(found in family and family.intersection(wanted) for family in _FAMILIES)
    if found == "ARRAY" or found.startswith("ARRAY<"):  # an array of unknown items fits any array
        return any(kind.startswith("ARRAY") for kind in wanted) and (found == "ARRAY" or _array_fits(wanted, found))
    if any(kind.startswith(("ARRAY", "MAP<", "STRUCT<")) for kind in wanted):
        return False
    return any(kind in _WIDER.get(found, ()) for kind in wanted)


def _array_fits(wanted: tuple[str, ...], found: str) -> bool:
    inner = found[len("ARRAY<") : -1]
    return any(accepts((kind[len("ARRAY<") : -1],), inner) for kind in wanted if kind.startswith("ARRAY<"))


def constant_fits(arg: st.Arg, column_type: str) -> bool:
    """An integer constant for an integer column: its value in the column's range."""
    bound = _RANGES.get(base_type(column_type))
    if bound is None or arg.kind != "constant" or isinstance(arg.value, bool) or not isinstance(arg.value, int):
        return True
    return -bound <= arg.value < bound


def narrower_integer(found: str, column_type: str) -> bool:
    """An integer type narrower than the column's: taken only for a constant that fits."""
    return found in _RANGES and base_type(column_type) in _RANGES


EMPTY_ARRAY = "an empty ARRAY()"


def is_empty_array(arg: st.Arg) -> bool:
    """`ARRAY()`: no element, so no element type; it fits where an array is wanted, and its count
    (0) is what a label list refuses."""
    return arg.kind == "array" and not arg.items


def described(arg: st.Arg, found: str) -> str:
    """The type found, as a message says it to the user: an empty ARRAY() is not "ARRAY"."""
    return f"{EMPTY_ARRAY}, whose element type is unknown" if is_empty_array(arg) else found

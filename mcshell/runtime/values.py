"""How MaxCompute prints the values the model functions return: FLOAT, STRUCT<label, probs> and VECTOR.

MaxCompute prints a FLOAT as Java does (`Float.toString`): the shortest decimal that reads back as the same
32-bit float, plain between 10^-3 and 10^7 (`0.9266666`, `20.03961`, `1.0`), else in computerized scientific
notation (`1.0E-4`). Pure Python; the batch form takes anything iterable, numpy arrays included.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

_PLAIN_LOW = 1e-3
_PLAIN_HIGH = 1e7


def to_float32(value: float) -> float:
    """`value` rounded to the nearest 32-bit float (a FLOAT)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _shortest_digits(value: float) -> str:
    """The shortest `%g` rendering (1 to 9 significant digits) that reads back as the same 32-bit float."""
    for precision in range(1, 10):
        text = "%.*g" % (precision, value)
        if to_float32(float(text)) == value:
            return text
    return "%.9g" % value  # not reached: 9 digits always identify a 32-bit float


def _java_form(text: str, value: float) -> str:
    """A `%g` rendering rewritten the way Java's Float.toString writes the same digits."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    magnitude = abs(value)
    if magnitude == 0 or _PLAIN_LOW <= magnitude < _PLAIN_HIGH:
        plain = f"{float(text):.{_decimals(text)}f}"
        return plain if "." in plain else plain + ".0"
    mantissa, _, exponent = f"{float(text):.{_significant(text) - 1}e}".partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{int(exponent)}"


def _significant(text: str) -> int:
    digits = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return max(len(digits), 1)


def _decimals(text: str) -> int:
    """How many digits after the point the plain form of `text` needs."""
    mantissa, _, exponent = text.partition("e")
    after = len(mantissa.partition(".")[2])
    return max(after - int(exponent or 0), 0)


def float_text(value: float) -> str:
    """One FLOAT as MaxCompute prints it: `0.9266666`, `20.03961`, `1.0`, `1.0E-4`."""
    value = to_float32(float(value))
    if value != value or value in (float("inf"), float("-inf")):
        return _java_form("", value)
    return _java_form(_shortest_digits(value), value)


def float_texts(values: Iterable[float]) -> list[str]:
    """float_text of each value; numpy (there whenever xgboost is) finds the digits of all values at once."""
    try:
        import numpy
    except ImportError:  # the AI_* functions run without the predict extra
        return [float_text(value) for value in values]
    array = numpy.asarray(values, dtype=numpy.float32).ravel()
    if not array.size:
        return []
    bits, where = numpy.unique(array.view(numpy.uint32), return_inverse=True)  # format each value once
    unique = bits.view(numpy.float32)
    texts = _batch_texts(numpy, unique)
    return [texts[index] for index in where.tolist()]


def _batch_texts(numpy, array) -> list[str]:
    """Shortest digits by rounding every value to 1, 2, ... 9 significant digits, keeping the first that
    reads back as the same 32-bit float. A plain value is then `%.*f` with that many decimals (the same
    nearest decimal); zeros, the scientific range and non-finite values go through float_text."""
    wide = array.astype(numpy.float64)
    magnitude = numpy.abs(wide)
    plain = numpy.isfinite(wide) & (magnitude >= _PLAIN_LOW) & (magnitude < _PLAIN_HIGH)
    exponent = numpy.zeros(array.shape, dtype=numpy.int64)
    exponent[plain] = numpy.floor(numpy.log10(magnitude[plain])).astype(numpy.int64)
    decimals = numpy.zeros(array.shape, dtype=numpy.int64)
    pending = numpy.flatnonzero(plain)
    for precision in range(1, 10):
        if not pending.size:
            break
        places = precision - 1 - exponent[pending]
        scale = numpy.power(10.0, places.astype(numpy.float64))
        good = (numpy.rint(wide[pending] * scale) / scale).astype(numpy.float32) == array[pending]
        decimals[pending[good]] = places[good]
        pending = pending[~good]
    decimals = numpy.maximum(decimals, 1)  # Java writes at least one digit after the point: 20.0
    return [
        "%.*f" % (places, value) if simple else float_text(value)
        for places, value, simple in zip(decimals.tolist(), wide.tolist(), plain.tolist(), strict=True)
    ]


def prediction_struct(label: str, probs: Sequence[str]) -> str:
    """A classifier's STRUCT<label:STRING, probs:ARRAY<FLOAT>> as the docs print it."""
    return f"{{label:{label}, probs:[{', '.join(probs)}]}}"


def vector_text(values: Sequence[float]) -> str:
    """A VECTOR(FLOAT, n) as MaxCompute prints one: `[-0.03828365, 0.07733949, ...]`."""
    return "[" + ", ".join(float_texts(values)) + "]"

"""How MaxCompute prints the values the model functions return: FLOAT, STRUCT<label, probs> and VECTOR.

MaxCompute prints a FLOAT as Java does (`Float.toString`): the shortest decimal that reads back as the same
32-bit float, plain between 10^-3 and 10^7 (`0.9266666`, `20.03961`, `1.0`), else in computerized scientific
notation (`1.0E-4`). Pure Python; the batch form takes anything iterable, numpy arrays included.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy comes with the predict extra; where it is not installed, NDArray is Any
    import numpy
    from numpy.typing import NDArray

_PLAIN_LOW = 1e-3
_PLAIN_HIGH = 1e7


def to_float32(value: float) -> float:
    """`value` rounded to the nearest 32-bit float (a FLOAT)."""
    # struct makes a double past float32's range infinity without a warning; ML_PREDICT's values reach it as FLOATs
    # already (or as their roundings in _shortest_digits, where an infinity just does not read back).
    rounded: float = struct.unpack("f", struct.pack("f", value))[0]
    return rounded


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
    # No overflow from ML_PREDICT: its values are xgboost's float32 already (an embedding's come from its server).
    array = numpy.asarray(values, dtype=numpy.float32).ravel()
    return _batch_texts(numpy, array) if array.size else []


# `%.0f.0E%d`, `%.1fE%d` ...: a scientific value's mantissa with its digits (Java writes `1.0E-4`, never `1E-4`).
_SCIENTIFIC = ["", "%.0f.0E%d"] + [f"%.{digits - 1}fE%d" for digits in range(2, 10)]
_ZERO, _POINT, _MINUS, _END = ord("0"), ord("."), ord("-"), ord(",")  # _END: after each text; no number holds one


class TextColumn:
    """Texts end to end in one ASCII buffer, as an Arrow string array holds them: text i is
    data[offsets[i]:offsets[i + 1]] (offsets: numpy int32, one more than the texts)."""

    def __init__(self, data: bytes, offsets: Any):
        self.data, self.offsets = data, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __iter__(self) -> Iterator[str]:
        bounds = self.offsets.tolist()
        return (self.data[a:b].decode("ascii") for a, b in zip(bounds, bounds[1:], strict=False))


def float_text_column(values: Any) -> TextColumn | list[str]:
    """float_texts of a numpy array as one TextColumn (no Python string a value): the plain values and zeros
    written in one pass, the few others (below 10^-3, from 10^7, not finite) put in their places."""
    import numpy

    array = numpy.asarray(values, dtype=numpy.float32).ravel()  # a regressor's float32 values: no overflow
    if not array.size:
        return []
    wide, finite, plain, found = _digits(numpy, array)
    if plain.all():
        data, lengths = _plain_codes(numpy, numpy.signbit(wide), found[3], found[4], end=False)
        return TextColumn(data, _offsets(numpy, lengths))
    data, plain_lengths = _plain_codes(numpy, numpy.signbit(wide[plain]), found[3][plain], found[4][plain], False)
    places, others = _other_texts(numpy, wide, finite, plain, found)
    lengths = numpy.zeros(len(array), dtype=numpy.int64)
    lengths[plain] = plain_lengths
    lengths[places] = [len(text) for text in others]
    offsets = _offsets(numpy, lengths)
    codes = numpy.empty(int(offsets[-1]), dtype=numpy.uint8)
    starts = offsets[:-1][plain].astype(numpy.int64)
    moved = starts - (numpy.cumsum(plain_lengths) - plain_lengths)  # where each plain text moves
    codes[numpy.repeat(moved, plain_lengths) + numpy.arange(len(data))] = numpy.frombuffer(data, dtype=numpy.uint8)
    for place, text in zip(places, others, strict=True):
        codes[offsets[place] : offsets[place] + len(text)] = numpy.frombuffer(text.encode("ascii"), dtype=numpy.uint8)
    return TextColumn(codes.tobytes(), offsets)


def _offsets(numpy: ModuleType, lengths: Any) -> Any:
    offsets = numpy.zeros(len(lengths) + 1, dtype=numpy.int32)
    numpy.cumsum(lengths, out=offsets[1:])
    return offsets


def _digits(numpy: ModuleType, array: NDArray[numpy.float32]) -> tuple[Any, Any, Any, tuple[Any, ...]]:
    """The values as doubles, which are finite and nonzero, which are plain (10^-3 to 10^7, and zeros), and their
    shortest digits (_shortest)."""
    wide = array.astype(numpy.float64)
    magnitude = numpy.abs(wide)
    finite = numpy.isfinite(wide) & (magnitude > 0)
    found = _shortest(numpy, array, wide, finite)
    plain = (finite & (magnitude >= _PLAIN_LOW) & (magnitude < _PLAIN_HIGH)) | (wide == 0)
    return wide, finite, plain, found


def _batch_texts(numpy: ModuleType, array: NDArray[numpy.float32]) -> list[str]:
    """float_text of every value: the shortest digits of all of them at once (_shortest), the plain ones (10^-3 to
    10^7, and zeros) written in one pass (_plain_texts), the scientific ones from their mantissa and exponent, the
    non-finite ones by float_text."""
    wide, finite, plain, (decimal, digits, exponent, integer, shift) = _digits(numpy, array)
    if plain.all():
        return _plain_texts(numpy, numpy.signbit(wide), integer, shift)
    texts = numpy.empty(array.shape, dtype=object)
    texts[plain] = _plain_texts(numpy, numpy.signbit(wide[plain]), integer[plain], shift[plain])
    places, others = _other_texts(numpy, wide, finite, plain, (decimal, digits, exponent))
    texts[places] = others
    listed: list[str] = texts.tolist()
    return listed


def _other_texts(numpy: ModuleType, wide: Any, finite: Any, plain: Any, found: tuple[Any, ...]) -> tuple[Any, Any]:
    """Where the values that are not plain are, and their texts: the scientific ones from their mantissa and
    exponent, the non-finite ones by float_text."""
    decimal, digits, exponent = found[:3]
    scientific = numpy.flatnonzero(finite & ~plain)
    mantissas = (decimal[scientific] / numpy.power(10.0, exponent[scientific].astype(numpy.float64))).tolist()
    texts = [
        _SCIENTIFIC[digit] % (mantissa, power)
        for mantissa, power, digit in zip(
            mantissas, exponent[scientific].tolist(), digits[scientific].tolist(), strict=True
        )
    ]
    unusual = numpy.flatnonzero(~finite & (wide != 0))
    texts += [float_text(value) for value in wide[unusual].tolist()]
    return numpy.concatenate([scientific, unusual]).tolist(), texts


def _shortest(numpy: ModuleType, array: NDArray[numpy.float32], wide: Any, finite: Any) -> tuple[Any, ...]:
    """Shortest digits by rounding every finite nonzero value to 1, 2, ... 9 significant digits, keeping the first
    that reads back as the same 32-bit float: for each value the double nearest that decimal, its digit count,
    its decimal exponent, and the decimal as an integer and a shift (integer / 10**shift; zeros: 0 and 0).

    Most values need 7 to 9 digits, and 6 digits tell which do: a decimal of at most 6 digits that reads back as
    the value lies within half a FLOAT step of it, and the 6-digit decimals of its decade lie more than 8 steps
    apart (10^(e-5) against at most 1.2 * 10^(e-6)), so it is the nearest of them, the value's rounding to 6 digits.
    Where that rounding does not read back, no shorter one does either: those values start at 7 digits."""
    found = _Found(numpy, array, wide)
    start = numpy.flatnonzero(finite)
    six = found.reads_back(6, start)
    for pending, precisions in ((start[six], range(1, 7)), (start[~six], range(7, 10))):
        for precision in precisions:
            pending = pending[~found.take(precision, pending)]
    return found.decimal, found.digits, found.exponent, found.integer, found.shift


class _Found:
    """_shortest's work: each value's digits as far as they are found, and one rounding of some values at a time."""

    def __init__(self, numpy: ModuleType, array: NDArray[numpy.float32], wide: Any):
        self.numpy, self.array, self.wide = numpy, array, wide
        self.magnitude = numpy.abs(wide)
        finite = numpy.isfinite(wide) & (self.magnitude > 0)
        self.exponent = numpy.zeros(array.shape, dtype=numpy.int64)
        self.exponent[finite] = numpy.floor(numpy.log10(self.magnitude[finite])).astype(numpy.int64)
        self.decimal = wide.copy()  # becomes the double nearest each value's shortest decimal
        self.digits = numpy.ones(array.shape, dtype=numpy.int64)
        self.integer = numpy.zeros(array.shape, dtype=numpy.int64)
        self.shift = numpy.zeros(array.shape, dtype=numpy.int64)

    def _rounded(self, precision: int, at: Any) -> tuple[Any, Any, Any]:
        """The values `at` rounded to `precision` digits: the integer of those digits, its shift, its double."""
        numpy = self.numpy
        shift = precision - 1 - self.exponent[at]
        up = shift >= 0
        power = _tens(numpy)[numpy.abs(shift)]
        magnitude = self.magnitude[at]
        with numpy.errstate(over="ignore"):  # 3.4028235e38 to one digit is 4e38: no FLOAT, so not it
            if up.all():  # the common case (values of 1 to 10^7 at 7 digits and more): one side computed
                rounded = numpy.rint(magnitude * power)
                candidate = numpy.copysign(rounded / power, self.wide[at])
            else:
                rounded = numpy.rint(numpy.where(up, magnitude * power, magnitude / power))
                candidate = numpy.copysign(numpy.where(up, rounded / power, rounded * power), self.wide[at])
        return rounded, shift, candidate

    def reads_back(self, precision: int, at: Any) -> Any:
        """Whether each value `at` rounded to `precision` digits reads back as itself."""
        candidate = self._rounded(precision, at)[2]
        with self.numpy.errstate(over="ignore"):
            good: Any = candidate.astype(self.numpy.float32) == self.array[at]
        return good

    def take(self, precision: int, at: Any) -> Any:
        """Rounds the values `at` to `precision` digits and keeps the digits of those that read back: which did."""
        numpy = self.numpy
        rounded, shift, candidate = self._rounded(precision, at)
        with numpy.errstate(over="ignore"):
            good: Any = candidate.astype(numpy.float32) == self.array[at]
        found = at[good]
        self.decimal[found] = candidate[good]
        self.digits[found] = precision
        self.exponent[found] += rounded[good] >= 10.0**precision  # 0.0099999998 rounds to 0.01
        self.integer[found] = rounded[good].astype(numpy.int64)  # at most 10^9: exact
        self.shift[found] = shift[good]
        return good


@functools.cache
def _tens(numpy: ModuleType) -> Any:
    """The doubles nearest 10^0 ... 10^59 (exact up to 10^22): a shift is at most 53."""
    return numpy.array([float(10**power) for power in range(60)])


def _plain_texts(numpy: ModuleType, negative: Any, integer: Any, shift: Any) -> list[str]:
    """_plain_codes' texts, cut apart."""
    text = _plain_codes(numpy, negative, integer, shift, end=True)[0].decode("ascii")
    return text.split(chr(_END))[:-1]


def _plain_codes(numpy: ModuleType, negative: Any, integer: Any, shift: Any, end: bool) -> tuple[bytes, Any]:
    """Each (-)integer / 10**shift (a plain FLOAT's shortest decimal: at most 9 digits, below 10^7, at most 11
    after the point) written as float_text writes it: its digits, no trailing zero, at least one digit on each side
    of the point (`0.001`, `20.03961`, `1.0`). Every value is laid out in a row of ASCII codes, 9 digits before
    the point and 11 after, and its text cut from that row: all rows in one pass. Gives the texts end to end (each
    followed by a comma if `end`) and the length of each."""
    integer, shift = integer.copy(), shift.copy()
    while True:  # 10 / 10**3 (0.0099999998 to one digit) is 0.01: no trailing zeros
        zeros = (integer % 10 == 0) & (integer != 0)
        if not zeros.any():
            break
        integer[zeros] //= 10
        shift[zeros] -= 1
    decimals = numpy.maximum(shift, 1)  # digits after the point: 1.0, not 1.
    scaled = integer * numpy.power(10, 11 - shift)  # the value in units of 10^-11, below 10^18
    before = numpy.maximum(numpy.searchsorted(_POWERS, scaled // 10**11, side="right"), 1)  # digits before the point
    codes = numpy.empty((len(scaled), 22), dtype=numpy.uint8)  # 9 digits, the point, 11 digits, the end
    digits = _digit_codes(numpy, scaled)
    codes[:, :9], codes[:, 9], codes[:, 10:21] = digits[:, :9], _POINT, digits[:, 9:]
    rows = numpy.arange(len(scaled))
    first = 9 - before - negative
    codes[rows[negative], first[negative]] = _MINUS
    last = 10 + decimals
    codes[rows, last] = _END
    columns = numpy.arange(22, dtype=numpy.int8)  # bytes compare faster than the int64 the columns are
    keep = (columns >= first.astype(numpy.int8)[:, None]) & (columns < (last + end).astype(numpy.int8)[:, None])
    text: bytes = codes[keep].tobytes()
    return text, last - first


_POWERS = [10**power for power in range(19)]


def _digit_codes(numpy: ModuleType, numbers: Any) -> Any:
    """The 20 decimal digits of each number below 10^20 (leading zeros included) as ASCII codes, a row each."""
    quads = _quads(numpy)
    return numpy.stack([quads[numbers // 10 ** (4 * at) % 10**4] for at in range(4, -1, -1)], axis=1).view(numpy.uint8)


@functools.cache
def _quads(numpy: ModuleType) -> Any:
    """The ASCII codes of the four digits of each of 0000 to 9999, as one 32-bit word each (picked in one step)."""
    numbers = numpy.arange(10**4)
    codes = (_ZERO + numpy.stack([numbers // 10**at % 10 for at in (3, 2, 1, 0)], axis=1)).astype(numpy.uint8)
    return codes.view(numpy.uint32).ravel()


def float_value(value: float) -> float:
    """A FLOAT as a Python float that prints like one: the double of its shortest decimal (0.85, not
    0.8500000238418579), so Java's Double.toString of it is Float.toString of the FLOAT."""
    return float(float_text(value))


def float_values(values: Iterable[float]) -> list[float]:
    """float_value of each value (an embedding's vector)."""
    return [float(text) for text in float_texts(values)]


def prediction_struct(label: str, probs: Sequence[str]) -> str:
    """A classifier's STRUCT<label:STRING, probs:ARRAY<FLOAT>> as the docs print it."""
    return f"{{label:{label}, probs:[{', '.join(probs)}]}}"


def vector_text(values: Sequence[float]) -> str:
    """A VECTOR(FLOAT, n) as MaxCompute prints one: `[-0.03828365, 0.07733949, ...]`."""
    return "[" + ", ".join(float_texts(values)) + "]"

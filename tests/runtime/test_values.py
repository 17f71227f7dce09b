"""FLOAT, STRUCT and VECTOR values printed as MaxCompute prints them (Java's Float.toString)."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcshell.runtime.values import (
    TextColumn,
    float_text,
    float_text_column,
    float_texts,
    prediction_struct,
    to_float32,
    vector_text,
)

np = pytest.importorskip("numpy")  # installed with xgboost (the predict extra, part of the test extra)

FLOAT32 = st.floats(width=32, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.9266666, "0.9266666"),  # the docs' classifier probabilities
        (0.03781649, "0.03781649"),
        (0.03551693, "0.03551693"),
        (20.03961, "20.03961"),  # the docs' regressor
        (0.75, "0.75"),  # the docs' AI_SIMILARITY
        (-0.03828365, "-0.03828365"),  # the docs' AI_EMBEDDING
        (1.0, "1.0"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1 / 3, "0.33333334"),
        (0.001, "0.001"),
        (0.0009999999, "9.999999E-4"),
        (1e-4, "1.0E-4"),
        (9999999.0, "9999999.0"),
        (1e7, "1.0E7"),
        (12345678.0, "1.2345678E7"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_a_float_is_the_shortest_decimal_in_javas_layout(value, text):
    assert float_text(value) == text
    assert float_texts([value]) == [text]


@given(st.lists(FLOAT32, max_size=40))
def test_the_batch_form_agrees_with_the_single_one(values):
    assert float_texts(np.array(values, dtype=np.float32)) == [float_text(v) for v in values]


# The batch form writes plain values (10^-3 to 10^7, and zeros) in one pass of its own: against float_text on every
# 32-bit pattern (each exponent as likely: NaN, infinities, subnormals, scientific values among the plain ones),
# on plain values, on short decimals (1 to 9 digits, trailing zeros, the bounds of the plain range), and on powers
# of two (a FLOAT's step is smaller below them) and of ten.
BITS = st.integers(0, 2**32 - 1).map(lambda bits: float(np.array(bits, dtype=np.uint32).view(np.float32)))
PLAIN = st.floats(1e-3, 1e7, exclude_max=True).flatmap(lambda value: st.sampled_from([value, -value]))
SHORT = st.builds(lambda digits, places: digits / 10**places, st.integers(-(10**9), 10**9), st.integers(0, 12))
POWERS = st.one_of(st.integers(-149, 127).map(lambda power: 2.0**power), st.integers(-45, 38).map(lambda p: 10.0**p))
EDGES = st.sampled_from([1e-3, 0.0009999999, 0.0099999998, 9999999.0, 9999999.5, 1e7, 0.0, -0.0, 1.0, 1.4e-45])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(BITS, PLAIN, SHORT, POWERS, EDGES), max_size=400))
def test_the_batch_form_agrees_with_the_single_one_on_many_values(values):
    assert float_texts(np.array(values, dtype=np.float32)) == [float_text(v) for v in values]
    assert list(float_text_column(np.array(values, dtype=np.float32))) == [float_text(v) for v in values]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(BITS, PLAIN, SHORT, POWERS, EDGES), min_size=1, max_size=200))
def test_a_text_column_holds_the_texts_end_to_end_in_one_buffer(values):
    column = float_text_column(np.array(values, dtype=np.float32))
    texts = [float_text(v) for v in values]
    assert isinstance(column, TextColumn)
    assert column.data == "".join(texts).encode("ascii")
    assert column.offsets.tolist() == np.cumsum([0] + [len(text) for text in texts]).tolist()
    assert len(column) == len(texts)


def test_a_text_column_of_no_values_is_empty():
    assert list(float_text_column(np.array([], dtype=np.float32))) == []


@given(FLOAT32)
def test_a_printed_float_reads_back_as_the_same_float32_and_no_shorter_one_does(value):
    text = float_text(value)
    assert to_float32(float(text)) == value or (value == 0 and float(text) == 0)
    digits = text.split("E")[0].lstrip("-").replace(".", "").strip("0")
    if len(digits) > 1:
        shorter = f"%.{len(digits) - 1}g" % value
        assert to_float32(float(shorter)) != value


def test_a_classifier_struct_and_a_vector_are_printed_as_the_docs_show_them():
    probs = float_texts([0.9266666, 0.03781649, 0.03551693])
    assert prediction_struct("0", probs) == "{label:0, probs:[0.9266666, 0.03781649, 0.03551693]}"
    assert vector_text([-0.03828365, 0.07733949]) == "[-0.03828365, 0.07733949]"


def test_to_float32_rounds_to_the_nearest_32_bit_float():
    assert to_float32(0.1) == struct.unpack("f", struct.pack("f", 0.1))[0] != 0.1

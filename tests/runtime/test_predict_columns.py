"""ML_PREDICT over columns (Runtime.run_columns, as a SELECT over a table feeds it from DuckDB's Arrow columns):
the same values, texts and errors as Runtime.run over the same rows as Python values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trained import store, train, xgb

from mcshell.errors import NotRunLocally, RuntimeCallError
from mcshell.runtime.calls import Runtime, RuntimeSettings
from mcshell.runtime.values import TextColumn

pyarrow = pytest.importorskip("pyarrow")

from mcshell.rows.query import _model_function, _numbers, _numeric  # noqa: E402

KINDS = {"regressor": "BOOSTED_TREE_REGRESSOR", "binary": "BOOSTED_TREE_CLASSIFIER"}
KINDS.update(multiclass="BOOSTED_TREE_CLASSIFIER", softmax="BOOSTED_TREE_CLASSIFIER")
# BIGINTs past 2^53 round to float32 through the nearest double, as numpy rounds a Python int: 2^54 + 2^30 + 1
# is 2^54 either way (straight to float32 it would be 2^54 + 2^31).
BIG = [2**54 + 2**30 + 1, -(2**62) - 12345, 2**63 - 1, -(2**63), 16777217]
NUMBER = st.one_of(st.none(), st.floats(-1e6, 1e6), st.floats(allow_nan=True), st.integers(-(2**63), 2**63 - 1))
BIGINT = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.sampled_from(BIG))


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("store")
    stored = {kind: store(root, train(kind), "model.json", folder=f"{kind}/v1") for kind in KINDS}
    return Runtime(RuntimeSettings(oss_root=str(root))), stored


def outcome(run, *args):
    """What a call gives: its values, or its error's text (xgboost refuses an infinite feature, say; mcshell a
    finite DOUBLE beyond float32)."""
    try:
        return list(run(*args))
    except (RuntimeCallError, NotRunLocally) as error:
        return str(error)


def arrow_columns(rows, types):
    return [pyarrow.array(list(column), type=kind) for column, kind in zip(zip(*rows, strict=True), types, strict=True)]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_columns_give_what_rows_give_for_every_kind_of_model(models, kind):
    runtime, stored = models
    call = stored[kind].call(KINDS[kind])
    rows = [(0.5, -1.25, None, 3.0), (None, None, None, None), (float("nan"), 2.0, 1e30, -7.5)]
    rows += [tuple(row) for row in np.random.default_rng(2).normal(size=(40, 4)).round(2).tolist()]
    columns = [np.array([np.nan if v is None else v for v in column]) for column in zip(*rows, strict=True)]
    assert list(runtime.run_columns(call, columns)) == runtime.run(call, rows)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats()), BIGINT, NUMBER, st.booleans()), min_size=1, max_size=30))
def test_arrow_columns_of_doubles_bigints_and_booleans_reach_the_model_as_their_python_values_do(models, rows):
    runtime, stored = models
    call = stored["regressor"].call(KINDS["regressor"])
    rows = [(a, b, float(c) if isinstance(c, int) and not isinstance(c, bool) else c, d) for a, b, c, d in rows]
    columns = arrow_columns(rows, [pyarrow.float64(), pyarrow.int64(), pyarrow.float64(), pyarrow.bool_()])
    assert all(map(_numeric, columns))
    expected = outcome(runtime.run, call, rows)
    assert outcome(runtime.run_columns, call, [_numbers(column) for column in columns]) == expected
    answer = _model_function(runtime, call, "VARCHAR")  # the DuckDB function of a call site, columns in
    assert outcome(lambda *columns: answer(*columns).to_pylist(), *columns) == expected


def test_big_integers_round_as_python_ints_do():
    exact = _numbers(pyarrow.array(BIG + [None], type=pyarrow.int64())).astype(np.float32)
    assert exact[:-1].tolist() == np.asarray([[value] for value in BIG], dtype=np.float32).ravel().tolist()
    assert np.isnan(exact[-1])
    assert int(exact[0]) == 2**54


def test_other_columns_go_to_the_model_as_python_values(models):
    runtime, stored = models
    call = stored["regressor"].call(KINDS["regressor"])
    texts = pyarrow.array(["1.5", "2"])
    assert not _numeric(texts)
    numbers = [pyarrow.array([1.0, 2.0])] * 3
    answer = _model_function(runtime, call, "VARCHAR")
    assert answer(texts, *numbers).to_pylist() == runtime.run(call, [("1.5", 1.0, 1.0, 1.0), ("2", 2.0, 2.0, 2.0)])


def test_no_rows_give_no_values_and_another_width_is_refused_as_rows_are(models):
    runtime, stored = models
    call = stored["regressor"].call(KINDS["regressor"], inputs=0)
    assert runtime.run_columns(call, [np.array([])] * 3) == []
    with pytest.raises(RuntimeCallError) as columns:
        runtime.run_columns(call, [np.array([1.0])] * 3)
    with pytest.raises(RuntimeCallError) as rows:
        runtime.run(call, [(1.0, 1.0, 1.0)])
    expected = "ML_PREDICT(team_a.churn, v1): the model takes 4 features but the call passes 3 values"
    assert str(columns.value) == str(rows.value) == expected


def test_only_ml_predict_runs_over_columns(models):
    runtime, stored = models
    call = stored["regressor"].call("LLM", function="AI_GENERATE")
    with pytest.raises(RuntimeCallError, match="AI_GENERATE is not a function whose arguments run as columns"):
        runtime.run_columns(call, [np.array([1.0])])


def test_the_bench_model_predicts_alike_over_columns_and_rows(tmp_path):
    """xgboost's default size (100 rounds, depth 6), as benchmarks/tables_bench.py trains it."""
    rng = np.random.default_rng(5)
    matrix = rng.normal(size=(500, 4)).astype(np.float32)
    booster = xgb.train({"max_depth": 6}, xgb.DMatrix(matrix, label=matrix @ rng.normal(size=4)), 100)
    stored = store(tmp_path, booster, "model.json")
    runtime = Runtime(RuntimeSettings(oss_root=str(tmp_path)))
    call = stored.call("BOOSTED_TREE_REGRESSOR")
    features = rng.normal(size=(2000, 4)) * 3
    texts = runtime.run_columns(call, list(features.T))
    assert isinstance(texts, TextColumn)  # a regressor's texts: one buffer, no Python string a value
    assert list(texts) == runtime.run(call, [tuple(row) for row in features.tolist()])
    assert [np.float32(text) for text in texts] == booster.predict(xgb.DMatrix(features.astype(np.float32))).tolist()

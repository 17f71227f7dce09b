"""ML_PREDICT through the Runtime, on real XGBoost models trained here: every prediction against xgboost's own."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from trained import LEGACY, installed_version, own_predict, query_rows, store, train, training_data, xgb

from mcshell.errors import NotRunLocally, RuntimeCallError
from mcshell.runtime import predict
from mcshell.runtime.calls import Runtime, RuntimeSettings

STRUCT = re.compile(r"\{label:(\d+), probs:\[([^\]]*)\]\}")
FORMATS = ["model.json", "model.ubj"]


def runtime(root) -> Runtime:
    return Runtime(RuntimeSettings(oss_root=str(root)))


def parsed_struct(text: str) -> tuple[int, list[np.float32]]:
    found = STRUCT.fullmatch(text)
    assert found, text
    return int(found.group(1)), [np.float32(p) for p in found.group(2).split(", ")]


def assert_classes(results, expected: np.ndarray):
    """Each printed probability reads back as exactly xgboost's float32; the label is the likeliest class."""
    assert len(results) == len(expected)
    for text, want in zip(results, expected, strict=True):
        label, probs = parsed_struct(text)
        assert probs == list(want)
        assert label == int(np.argmax(want))


@pytest.mark.parametrize("file_name", FORMATS)
def test_a_three_class_classifier_gives_label_and_probs_as_xgboost_computes_them(tmp_path, file_name):
    stored = store(tmp_path, train("multiclass"), file_name)
    rows = query_rows()
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_CLASSIFIER"), rows)
    assert_classes(results, own_predict(stored.booster, rows))


@pytest.mark.parametrize("file_name", FORMATS)
def test_a_binary_classifier_gives_the_probability_of_each_of_its_two_classes(tmp_path, file_name):
    stored = store(tmp_path, train("binary"), file_name)
    rows = query_rows()
    positive = own_predict(stored.booster, rows)
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_CLASSIFIER"), rows)
    assert_classes(results, np.stack([np.float32(1) - positive, positive], axis=1))
    assert {parsed_struct(text)[0] for text in results} == {0, 1}


def test_a_softmax_classifier_gives_the_class_xgboost_predicts(tmp_path):
    stored = store(tmp_path, train("softmax"), "model.json")
    rows = query_rows()
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_CLASSIFIER"), rows)
    classes = own_predict(stored.booster, rows)
    assert [parsed_struct(text)[0] for text in results] == [int(c) for c in classes]
    for text in results:
        assert sum(parsed_struct(text)[1]) == pytest.approx(1, abs=1e-5)


@pytest.mark.parametrize("file_name", FORMATS)
def test_a_regressor_gives_its_value_as_a_string_that_reads_back_exactly(tmp_path, file_name):
    stored = store(tmp_path, train("regressor"), file_name)
    rows = query_rows()
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), rows)
    expected = own_predict(stored.booster, rows)
    assert all(isinstance(text, str) for text in results)
    assert [np.float32(text) for text in results] == list(expected)


def test_sql_null_is_a_missing_value_as_in_xgboost(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    rows = [(None, 0.5, None, 1.0), (1.0, None, None, None), (None, None, None, None)]
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), rows)
    assert [np.float32(text) for text in results] == list(own_predict(stored.booster, rows))


def test_numbers_written_as_strings_and_booleans_are_features_too(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [("1.5", True, 0, -2)])
    assert [np.float32(t) for t in results] == list(own_predict(stored.booster, [(1.5, 1.0, 0.0, -2.0)]))


def test_the_model_is_loaded_once_per_runtime(tmp_path):
    stored = store(tmp_path, train("multiclass"), "model.json")
    run = runtime(tmp_path)
    first = run.run(stored.call("BOOSTED_TREE_CLASSIFIER"), query_rows(count=3))
    stored.path.unlink()  # a second load would fail now
    assert run.run(stored.call("BOOSTED_TREE_CLASSIFIER"), query_rows(count=3)) == first
    with pytest.raises(RuntimeCallError, match="holds no model file"):
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_CLASSIFIER"), query_rows(count=3))


def test_no_rows_give_no_values(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    assert runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), []) == []


def test_the_legacy_binary_format_loads_only_where_xgboost_still_reads_it(tmp_path):
    directory = tmp_path / "models" / "legacy"
    directory.mkdir(parents=True)
    (directory / "model.deprecated").write_bytes(LEGACY.read_bytes())
    call = store(tmp_path, train("regressor"), "unused.json", folder="other").call(
        "BOOSTED_TREE_CLASSIFIER", location="oss://oss-cn-hangzhou.aliyuncs.com/models/legacy/"
    )
    rows = query_rows()
    if installed_version() >= (3, 1, 0):  # xgboost 3.1 removed the format: the FAILED line says so, before loading
        with pytest.raises(RuntimeCallError, match="the model file is in XGBoost's legacy binary format, which "):
            runtime(tmp_path).run(call, rows)
        return
    assert_classes(runtime(tmp_path).run(call, rows), own_predict(xgb.Booster(model_file=str(LEGACY)), rows))


@pytest.mark.parametrize(
    ("params", "targets"),
    [
        ({"objective": "reg:quantileerror", "quantile_alpha": [0.1, 0.5, 0.9]}, 3),
        ({"objective": "reg:squarederror", "multi_strategy": "multi_output_tree", "tree_method": "hist"}, 2),
        ({"objective": "binary:logistic"}, 2),
    ],
    ids=["quantiles", "multi-target", "multi-label"],
)
def test_a_model_that_predicts_several_targets_per_row_is_refused(tmp_path, params, targets):
    matrix, _ = training_data()
    label = matrix[:, 0] if targets == 3 else np.stack([matrix[:, 0] > 0, matrix[:, 1] > 0], axis=1).astype(float)
    stored = store(tmp_path, xgb.train(params, xgb.DMatrix(matrix, label=label), 4), "model.json")
    kind = "BOOSTED_TREE_CLASSIFIER" if params["objective"].startswith("binary:") else "BOOSTED_TREE_REGRESSOR"
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(stored.call(kind), query_rows(count=2))
    objective = params["objective"]
    reason = f"the model predicts {targets} targets per row (objective {objective}); ML_PREDICT runs models of one"
    assert str(failed.value) == f"ML_PREDICT(team_a.churn, v1): {reason} ({stored.path})"
    assert runtime(tmp_path).check_location(stored.location, stored.call(kind).inputs) == f"{reason}: {stored.path}"


def test_a_model_that_stopped_early_but_holds_later_rounds_is_refused_until_saved_as_meant(tmp_path):
    """xgboost's Booster predicts with every round, its scikit-learn models only up to best_iteration."""
    matrix, _ = training_data()
    noisy = matrix[:, 0] + np.random.default_rng(5).normal(size=len(matrix)) * 3
    train_set, check = xgb.DMatrix(matrix[:160], label=noisy[:160]), xgb.DMatrix(matrix[160:], label=noisy[160:])
    booster = xgb.train(
        {"eta": 1.0}, train_set, 50, evals=[(check, "check")], early_stopping_rounds=3, verbose_eval=False
    )
    best, rounds = booster.best_iteration, booster.num_boosted_rounds()
    assert best + 1 < rounds
    stored = store(tmp_path, booster, "model.json")
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])
    assert str(failed.value) == (
        f"ML_PREDICT(team_a.churn, v1): the model records early stopping at round {best + 1} (best_iteration {best}) "
        f"but holds {rounds} rounds: xgboost's Booster predicts with all {rounds}, its scikit-learn models with the "
        f"first {best + 1}; save the ones meant alone: booster[:{best + 1}].save_model('model.json'), or all of them "
        f"after booster.set_attr(best_iteration=None) ({stored.path})"
    )
    booster[: best + 1].save_model(str(stored.path))
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])
    assert [np.float32(t) for t in results] == list(own_predict(booster[: best + 1], [(1, 2, 3, 4)]))


def test_an_objective_whose_output_ml_predict_does_not_know_is_refused(tmp_path, monkeypatch):
    monkeypatch.delitem(predict.OBJECTIVES, "count:poisson")  # as if a later xgboost had added it
    matrix, _ = training_data()
    booster = xgb.train({"objective": "count:poisson"}, xgb.DMatrix(matrix, label=np.abs(matrix[:, 0])), 4)
    stored = store(tmp_path, booster, "model.ubj")
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), query_rows(count=2))
    assert str(failed.value) == (
        "ML_PREDICT(team_a.churn, v1): the model's objective count:poisson is not one whose output ML_PREDICT "
        f"knows ({stored.path})"
    )


def test_a_model_whose_feature_count_differs_from_the_input_columns_names_both_numbers(tmp_path):
    stored = store(tmp_path, train("regressor", features=4), "model.json")
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR", inputs=5), [(1, 2, 3, 4, 5)])
    assert str(failed.value) == (
        f"ML_PREDICT(team_a.churn, v1): the model takes 4 features but the version has 5 INPUT columns ({stored.path})"
    )
    assert failed.value.code == "ODPS-0123131"


def test_a_call_passing_another_number_of_values_than_the_model_takes_is_refused(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    with pytest.raises(RuntimeCallError, match="the model takes 4 features but the call passes 3 values"):
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR", inputs=0), [(1, 2, 3)])


def test_a_value_that_is_no_number_is_named_with_its_column_and_row(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4), (1, "tall", 3, 4)])
    assert str(failed.value) == "ML_PREDICT(team_a.churn, v1): row 2: value 'tall' for f1 is not a number"


@pytest.mark.parametrize(
    ("kind", "declared", "holds"),
    [("regressor", "BOOSTED_TREE_CLASSIFIER", "a regressor"), ("binary", "BOOSTED_TREE_REGRESSOR", "a classifier")],
)
def test_a_model_of_the_other_kind_is_refused(tmp_path, kind, declared, holds):
    stored = store(tmp_path, train(kind), "model.json")
    with pytest.raises(RuntimeCallError, match=f"the model file holds {holds} "):
        runtime(tmp_path).run(stored.call(declared), query_rows(count=2))


def test_without_a_store_the_error_says_what_would_let_it_run(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    with pytest.raises(RuntimeCallError) as failed:
        Runtime(RuntimeSettings()).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])
    assert str(failed.value) == (
        "ML_PREDICT(team_a.churn, v1): no local model store: set --oss-root DIR (or MCSHELL_OSS_ROOT) to run it"
    )


def test_a_missing_directory_is_named(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    call = stored.call("BOOSTED_TREE_REGRESSOR", location="oss://ep/models/none/")
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(call, [(1, 2, 3, 4)])
    assert str(failed.value) == (
        f"ML_PREDICT(team_a.churn, v1): no such directory in the model store ({tmp_path / 'models' / 'none'})"
    )


def test_a_corrupt_model_file_gives_xgboosts_reason_in_one_line(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    stored.path.write_text('{"learner": {"trunc')
    with pytest.raises(RuntimeCallError) as failed:
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])
    message = str(failed.value)
    assert message.startswith("ML_PREDICT(team_a.churn, v1): not a model xgboost can load: ")
    assert message.endswith(f"({stored.path})")
    assert "\n" not in message and "[bt]" not in message


def test_several_files_are_narrowed_to_the_model_file(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.ubj")
    (stored.path.parent / "README.txt").write_text("exported by MaxFrame")
    (stored.path.parent / ".hidden.json").write_text("{}")
    results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])
    assert [np.float32(t) for t in results] == list(own_predict(stored.booster, [(1, 2, 3, 4)]))


def test_two_model_files_are_ambiguous(tmp_path):
    stored = store(tmp_path, train("regressor"), "a.json")
    train("regressor").save_model(str(stored.path.parent / "b.ubj"))
    with pytest.raises(RuntimeCallError, match=r"the directory holds 2 model files \(a.json, b.ubj\), expected one"):
        runtime(tmp_path).run(stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)])


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("oss://ep/models/../../etc/", "leaves the model store"),
        ("s3://ep/models/churn/", "is not an oss:// location"),
        ("oss://ep/", "names no bucket"),
    ],
)
def test_locations_outside_the_store_are_refused(tmp_path, location, reason):
    call = store(tmp_path, train("regressor"), "model.json").call("BOOSTED_TREE_REGRESSOR", location=location)
    with pytest.raises(RuntimeCallError, match=reason):
        runtime(tmp_path).run(call, [(1, 2, 3, 4)])


def test_a_location_naming_the_file_itself_is_that_file(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    call = stored.call("BOOSTED_TREE_REGRESSOR", location=stored.location + "model.json")
    assert runtime(tmp_path).run(call, [(1, 2, 3, 4)]) == runtime(tmp_path).run(
        stored.call("BOOSTED_TREE_REGRESSOR"), [(1, 2, 3, 4)]
    )


def test_a_margin_far_below_zero_is_class_0_without_a_warning(tmp_path):
    # binary:logitraw's p is 1 / (1 + e^-margin) in float32: a linear model's margin of -1e30 makes e^-margin
    # overflow to infinity, and p is 0, as float32 gives it; no numpy warning reaches stderr.
    matrix, three = training_data()
    booster = xgb.train({"objective": "binary:logitraw", "booster": "gblinear"}, xgb.DMatrix(matrix, label=three > 0))
    stored = store(tmp_path, booster, "model.json")
    rows = [(1e30, 1e30, 1e30, 1e30), (-1e30, -1e30, -1e30, -1e30)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = runtime(tmp_path).run(stored.call("BOOSTED_TREE_CLASSIFIER"), rows)
    assert sorted(results) == ["{label:0, probs:[1.0, 0.0]}", "{label:1, probs:[0.0, 1.0]}"]


def test_a_finite_double_float32_cannot_hold_is_refused_on_rows_and_columns_alike(tmp_path):
    stored = store(tmp_path, train("regressor"), "model.json")
    call = stored.call("BOOSTED_TREE_REGRESSOR")
    rows = [(1.0, 2.0, float("inf"), 4.0), (1.0, 2.0, 3.0, -1e300)]
    columns = [np.array(column) for column in zip(*rows, strict=True)]
    refusals = []
    for run, data in ((runtime(tmp_path).run, rows), (runtime(tmp_path).run_columns, columns)):
        with warnings.catch_warnings(), pytest.raises(NotRunLocally) as refused:
            warnings.simplefilter("error")
            run(call, data)
        refusals.append(refused.value.message)
    expected = (
        "mcshell does not run this SELECT locally: ML_PREDICT(team_a.churn, v1) passes -1e+300 for f3, beyond the "
        "range of FLOAT, the model's float32 (what MaxCompute passes the model for it is not documented)"
    )
    assert refusals == [expected, expected]

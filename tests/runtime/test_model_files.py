"""ML_PREDICT through the CLI (issue 19, item 3): for every kind of model docs/runtime.md lists, mcshell prints
exactly what the installed xgboost predicts; a model file saved by a newer xgboost than the installed one, or
in the legacy binary format, is one FAILED line, never a number the installed xgboost may misread. The issue's
case and the legacy line run the installed `mcshell` command; the others run the CLI in-process (quicker)."""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pytest
from conftest import DATA
from trained import LEGACY, installed_version, record_version, xgb

from mcshell.runtime.values import float_text, prediction_struct

MODELS = (DATA / "functions" / "models.sql").read_text()
SAVED = DATA / "models" / "saved-3.2.0"  # made by tests/data/models/make_saved.py under xgboost 3.2.0
CLASSIFIER = ("model-bucket-test", "xgboost_classifier_v1")  # test_xgboost_classifier v1: f1..f4 BIGINT
REGRESSOR = ("model-bucket-test", "regressor_v01")  # demo_regressor v01: x1, x2 DOUBLE, x3 FLOAT
CLASSIFIER_ROWS = [(1, 2, 3, 4), (7, 0, 5, 1), (9, 9, 0, 2), (0, 0, 0, 0), (3, 8, 1, 6)]
REGRESSOR_ROWS = [(0.5, -1.25, 0.75), (1.5, 0.0, -2.0), (-0.3, 2.2, 0.1)]
PREFIX = "FAILED: ODPS-0123131: User defined function exception - "


def classifier_sql(rows) -> str:
    values = ", ".join(str(row) for row in rows)
    return f"SELECT ML_PREDICT(test_xgboost_classifier, v1, a, b, c, d) AS p FROM VALUES {values} t(a, b, c, d);"


def regressor_sql(rows) -> str:
    values = ", ".join(f"({a}, {b}, {c}f)" for a, b, c in rows)
    return f"SELECT ML_PREDICT(demo_regressor, v01, x1, x2, x3) AS y FROM VALUES {values} t(x1, x2, x3);"


def column(stdout: str) -> list[str]:
    """The one column of a result grid, without its header."""
    return [line[1:-1].strip() for line in stdout.splitlines() if line.startswith("| ")][1:]


def struct(probs) -> str:
    """A classifier's value as MaxCompute prints it, from the float32 probabilities of its classes."""
    return prediction_struct(str(int(np.argmax(probs))), [float_text(p) for p in probs])


@pytest.fixture
def store(tmp_path, shell):
    """The local model store of the catalog that models.sql creates: put(booster or file, kind, name)."""
    assert shell("-f", "-", stdin=MODELS).status == 0
    root = tmp_path / "store"

    def put(model, parts, name):
        folder = root.joinpath(*parts)
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(model, xgb.Booster):
            model.save_model(str(folder / name))
        else:
            shutil.copyfile(model, folder / name)
        return folder / name

    put.root = root
    return put


def predict(run, store, sql: str):
    """`run` is the `shell` fixture (in-process, quick) or `mcshell` (the installed command)."""
    return run("--oss-root", str(store.root), "-e", sql)


def classifier_data(seed: int = 7):
    rng = np.random.default_rng(seed)
    features = rng.integers(0, 10, (120, 4)).astype(np.float32)
    return features, (features[:, 0] // 4 + (features[:, 1] > 6)).astype(int) % 3


def trained(params: dict, features, label, booster: str = "gbtree"):
    dart = {"booster": "dart", "rate_drop": 0.3} if booster == "dart" else {}
    depth = {} if params.get("booster") == "gblinear" else {"max_depth": 3}
    return xgb.train({**params, **dart, **depth, "seed": 0}, xgb.DMatrix(features, label=label), 6)


def own(booster, rows, **options):
    return booster.predict(xgb.DMatrix(np.asarray(rows, dtype=np.float32)), **options)


def two_classes(positive) -> list:
    return [np.array([np.float32(1) - p, p], dtype=np.float32) for p in positive]


def multiclass_expected(objective: str, features, label, kind: str):
    """multi:softprob: xgboost's probabilities; multi:softmax: those of the same trees trained as softprob."""
    booster = trained({"objective": objective, "num_class": 3}, features, label, kind)
    probs = own(trained({"objective": "multi:softprob", "num_class": 3}, features, label, kind), CLASSIFIER_ROWS)
    if objective == "multi:softmax":
        assert [int(np.argmax(p)) for p in probs] == [int(c) for c in own(booster, CLASSIFIER_ROWS)]
    return booster, probs


def binary_expected(objective: str, features, label, kind: str):
    booster = trained({"objective": objective}, features, label > 0, kind)
    if objective == "binary:logitraw":  # mcshell's decision: the logistic function of xgboost's margin
        margin = own(booster, CLASSIFIER_ROWS, output_margin=True).astype(np.float32)
        return booster, two_classes(np.float32(1) / (np.float32(1) + np.exp(-margin)))
    return booster, two_classes(own(booster, CLASSIFIER_ROWS).astype(np.float32))  # logistic p; hinge 0 or 1


@pytest.mark.parametrize(
    "objective", ["multi:softprob", "multi:softmax", "binary:logistic", "binary:logitraw", "binary:hinge"]
)
@pytest.mark.parametrize("booster", ["gbtree", "dart"])
def test_a_classifier_prints_the_label_and_probabilities_xgboost_computes(shell, store, objective, booster):
    features, label = classifier_data()
    make = multiclass_expected if objective.startswith("multi:") else binary_expected
    booster, probs = make(objective, features, label, booster)
    store(booster, CLASSIFIER, "model.json")
    run = predict(shell, store, classifier_sql(CLASSIFIER_ROWS))
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert column(run.stdout) == [struct(p) for p in probs]


@pytest.mark.parametrize(
    ("params", "offset"),
    [
        ({"objective": "reg:squarederror"}, 30),
        ({"objective": "count:poisson"}, 0),
        ({"objective": "reg:gamma"}, 1),
        ({"objective": "reg:squarederror", "booster": "dart", "rate_drop": 0.3}, 30),  # inplace_predict differs
        ({"objective": "reg:squarederror", "booster": "gblinear"}, 30),  # has no inplace_predict
    ],
    ids=["squarederror", "poisson", "gamma", "dart", "gblinear"],
)
def test_a_regressor_prints_the_value_xgboost_predicts(shell, store, params, offset):
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(120, 3)).astype(np.float32)
    booster = trained(params, inputs, np.abs(inputs[:, 0] * 3 + inputs[:, 1]) + offset)
    store(booster, REGRESSOR, "model.ubj")
    run = predict(shell, store, regressor_sql(REGRESSOR_ROWS))
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert column(run.stdout) == [float_text(v) for v in own(booster, REGRESSOR_ROWS)]


def too_new(saved: tuple[int, int, int], path) -> str:
    installed = ".".join(map(str, installed_version()))
    version = ".".join(map(str, saved))
    return (
        f"the model file was saved by xgboost {version}, newer than the installed xgboost {installed}, which may "
        f"misread it: install xgboost {version} or newer ({path})"
    )


def test_models_saved_by_xgboost_3_2_print_what_xgboost_3_2_predicts_or_are_refused(mcshell, store):
    """The issue's case: xgboost 3.0 read these files (their base_score is a vector) and printed other numbers."""
    expected = json.loads((SAVED / "expected.json").read_text())
    regressor = store(SAVED / "regressor.json", REGRESSOR, "model.json")
    classifier = store(SAVED / "classifier.ubj", CLASSIFIER, "model.ubj")
    runs = [
        predict(mcshell, store, regressor_sql(expected["regressor"]["rows"])),
        predict(mcshell, store, classifier_sql([tuple(row) for row in expected["classifier"]["rows"]])),
    ]
    if installed_version() >= (3, 2, 0):
        assert [(run.stderr, run.status) for run in runs] == [("OK\n", 0)] * 2
        assert column(runs[0].stdout) == [float_text(np.float32(v)) for (v,) in expected["regressor"]["predicted"]]
        assert column(runs[1].stdout) == [struct(np.float32(p)) for p in expected["classifier"]["predicted"]]
        return
    assert [run.stdout for run in runs] == ["", ""]
    assert [run.stderr for run in runs] == [
        f"{PREFIX}ML_PREDICT(my_project.demo_regressor, v01): {too_new((3, 2, 0), regressor)}\n",
        f"{PREFIX}ML_PREDICT(my_project.test_xgboost_classifier, v1): {too_new((3, 2, 0), classifier)}\n",
    ]


def one_above(version: tuple[int, int, int], part: int) -> tuple[int, int, int]:
    bumped = list(version)
    bumped[part] += 1
    return (bumped[0], 0 if part == 0 else bumped[1], bumped[2] if part == 2 else 0)


@pytest.mark.parametrize("name", ["model.json", "model.ubj"])
@pytest.mark.parametrize("part", [2, 1, 0], ids=["patch", "minor", "major"])
def test_a_file_saved_by_a_newer_xgboost_than_the_installed_one_is_refused(shell, store, name, part):
    features, label = classifier_data()
    path = store(trained({"objective": "multi:softprob", "num_class": 3}, features, label), CLASSIFIER, name)
    newer = one_above(installed_version(), part)
    record_version(path, newer)
    run = predict(shell, store, classifier_sql(CLASSIFIER_ROWS))
    assert run.stderr == f"{PREFIX}ML_PREDICT(my_project.test_xgboost_classifier, v1): {too_new(newer, path)}\n"
    assert (run.stdout, run.status) == ("", 1)
    record_version(path, installed_version())  # the same file, recording the installed version, runs
    assert predict(shell, store, classifier_sql(CLASSIFIER_ROWS)).status == 0


def test_a_file_that_is_no_model_format_is_refused_before_xgboost_reads_it(shell, store, tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00\x01 not a model")
    path = store(junk, CLASSIFIER, "model.bin")
    run = predict(shell, store, classifier_sql(CLASSIFIER_ROWS))
    assert run.stderr == (
        f"{PREFIX}ML_PREDICT(my_project.test_xgboost_classifier, v1): the model file is not an XGBoost JSON or "
        "UBJSON model file: a legacy binary from before xgboost 1.0 must be re-saved with an xgboost older than "
        "3.1: in its directory, run python -c \"import xgboost; xgboost.Booster(model_file='model.bin')"
        f".save_model('model.json')\" and remove model.bin ({path})\n"
    )
    assert (run.stdout, run.status) == ("", 1)


def test_a_legacy_binary_file_is_refused_with_the_command_that_re_saves_it(mcshell, store):
    path = store(LEGACY, CLASSIFIER, "model.deprecated")
    run = predict(mcshell, store, classifier_sql(CLASSIFIER_ROWS))
    if installed_version() < (3, 1, 0):  # an xgboost older than 3.1 still reads the format
        assert (run.stderr, run.status) == ("OK\n", 0)
        return
    assert run.stderr == (
        f"{PREFIX}ML_PREDICT(my_project.test_xgboost_classifier, v1): the model file is in XGBoost's legacy binary "
        f"format, which xgboost 3.1 and newer (installed: {xgb.__version__}) no longer read: in its directory, with "
        "an xgboost older than 3.1, run python -c \"import xgboost; xgboost.Booster(model_file='model.deprecated')"
        ".save_model('model.json')\" and remove model.deprecated "
        f"({path})\n"
    )
    assert (run.stdout, run.status) == ("", 1)


def test_a_double_beyond_float32_is_refused_and_float32s_largest_runs(shell, store):
    # numpy would round 1e39 to infinity for xgboost with a warning on stderr; MaxCompute's docs do not say what the
    # model gets, so it is refused (mcshell's decision). 3.4028235e38 rounds to float32's largest value: it runs.
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(40, 3)).astype(np.float32)
    booster = trained({"objective": "reg:squarederror"}, inputs, inputs[:, 0] * 3 + inputs[:, 1])
    store(booster, REGRESSOR, "model.ubj")
    largest = [(3.4028235e38, -3.4028234663852886e38, 1.0)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        beyond = predict(shell, store, regressor_sql([(0.5, 1e39, 1.0)]))
        runs = predict(shell, store, regressor_sql(largest))
    assert beyond.stderr == (
        "FAILED: ODPS-0130071:[1,1] Semantic analysis exception - mcshell does not run this SELECT locally: "
        "ML_PREDICT(my_project.demo_regressor, v01) passes 1e+39 for x2, beyond the range of FLOAT, the model's "
        "float32 (what MaxCompute passes the model for it is not documented)\n"
    )
    assert (beyond.stdout, beyond.status) == ("", 1)
    assert (runs.stderr, runs.status) == ("OK\n", 0)
    assert column(runs.stdout) == [float_text(v) for v in own(booster, largest)]
    assert [str(warning.message) for warning in caught] == []


def test_a_double_beyond_float32_in_a_table_is_refused_as_over_values(shell, store):
    # A SELECT over a table hands ML_PREDICT numpy columns (Runtime.run_columns): the same refusal, no warning.
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(40, 3)).astype(np.float32)
    booster = trained({"objective": "reg:squarederror"}, inputs, inputs[:, 0])
    store(booster, ("model-bucket-test", "wide_v1"), "model.ubj")
    setup = (
        "CREATE MODEL wide WITH VERSION v1 INPUT(a DOUBLE, b DOUBLE, c DOUBLE) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
        "MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/"
        "model-bucket-test/wide_v1/', ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');"
        "CREATE TABLE t (a DOUBLE, b DOUBLE, c DOUBLE); INSERT INTO t VALUES (0.5, 1.5, 1.0), (2.0, -1e39, 1.0);"
    )
    assert shell("-e", setup).status == 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = predict(shell, store, "SELECT ML_PREDICT(wide, v1, a, b, c) AS y FROM t;")
    assert run.stderr == (
        "FAILED: ODPS-0130071:[1,1] Semantic analysis exception - mcshell does not run this SELECT locally: "
        "ML_PREDICT(my_project.wide, v1) passes -1e+39 for b, beyond the range of FLOAT, the model's float32 "
        "(what MaxCompute passes the model for it is not documented)\n"
    )
    assert (run.stdout, run.status) == ("", 1)
    assert [str(warning.message) for warning in caught] == []

"""SELECTs run locally (issue 14, point 3): no FROM or FROM VALUES, on MaxCompute's rules; ML_PREDICT
with real XGBoost models trained here, every prediction compared with xgboost's own."""

from __future__ import annotations

import json
import struct

import pytest
from conftest import DATA

MODELS = (DATA / "functions" / "models.sql").read_text()
CLASSIFIER_DIR = ("model-bucket-test", "xgboost_classifier_v1")
REGRESSOR_DIR = ("model-bucket-test", "regressor_v01")


@pytest.fixture
def models(shell):
    assert shell("-f", "-", stdin=MODELS).status == 0


@pytest.fixture
def store(tmp_path):
    """A local model store holding the classifier and the regressor of models.sql, trained here."""
    xgboost = pytest.importorskip("xgboost")
    numpy = pytest.importorskip("numpy")
    rng = numpy.random.default_rng(7)
    root = tmp_path / "store"
    features = rng.integers(0, 10, (80, 4)).astype(float)
    classifier = xgboost.train(
        {"objective": "multi:softprob", "num_class": 3, "max_depth": 2, "seed": 0},
        xgboost.DMatrix(features, label=(features[:, 0] // 4).astype(int)),
        num_boost_round=4,
    )
    inputs = rng.normal(size=(80, 3))
    regressor = xgboost.train(
        {"objective": "reg:squarederror", "max_depth": 3, "seed": 0},
        xgboost.DMatrix(inputs, label=inputs[:, 0] * 3 + inputs[:, 1]),
        num_boost_round=6,
    )
    for model, parts, name in ((classifier, CLASSIFIER_DIR, "model.json"), (regressor, REGRESSOR_DIR, "model.ubj")):
        folder = root.joinpath(*parts)
        folder.mkdir(parents=True)
        model.save_model(str(folder / name))
    return root, classifier, regressor


def float32(text: str) -> float:
    return struct.unpack("f", struct.pack("f", float(text)))[0]


def predicted(booster, rows):
    import numpy
    import xgboost

    return booster.predict(xgboost.DMatrix(numpy.asarray(rows, dtype=numpy.float32)))


def cells(stdout: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")[1:-1]] for line in stdout.splitlines() if line.startswith("| ")]


def test_the_documented_classifier_call_prints_label_and_probabilities(shell, models, store):
    root, classifier, _ = store
    run = shell("--oss-root", str(root), "-e", "SELECT ML_PREDICT(test_xgboost_classifier,v1,1,2,3,4);")
    assert (run.stderr, run.status) == ("OK\n", 0)
    header, (value,) = cells(run.stdout)
    assert header == ["_c0"]
    probs = predicted(classifier, [[1, 2, 3, 4]])[0]
    assert value.startswith(f"{{label:{int(probs.argmax())}, probs:[") and value.endswith("]}")
    printed = value.split("probs:[")[1][:-2].split(", ")
    assert [float32(p) for p in printed] == [float(p) for p in probs]
    lines = run.stdout.splitlines()
    assert lines[0] == lines[2] == lines[4] == "+" + "-" * (len(value) + 2) + "+"


def test_a_regressor_over_values_predicts_every_row_as_xgboost_does(shell, models, store):
    root, _, regressor = store
    rows = [(0.5, -1.25, 0.75), (1.5, 0.0, -2.0), (-0.3, 2.2, 0.1)]
    values = ", ".join(f"({a}, {b}, {c}f)" for a, b, c in rows)
    sql = f"SELECT x1, ML_PREDICT(demo_regressor, DEFAULT_VERSION, x1, x2, x3) AS y FROM VALUES {values} t(x1, x2, x3);"
    run = shell("--oss-root", str(root), "-e", sql)
    assert run.status == 0, run.stderr
    header, *body = cells(run.stdout)
    assert header == ["x1", "y"]
    assert [row[0] for row in body] == ["0.5", "1.5", "-0.3"]
    assert [float32(row[1]) for row in body] == [float(v) for v in predicted(regressor, rows)]


def test_every_row_goes_to_the_model_in_one_batch(shell, models, store, monkeypatch):
    from mcshell.runtime.calls import Runtime

    batches = []
    real_run = Runtime.run

    def spy(self, call, rows):
        batches.append((call.function, call.model, call.version, [tuple(r) for r in rows]))
        return real_run(self, call, rows)

    monkeypatch.setattr(Runtime, "run", spy)
    root, _, _ = store
    sql = (
        "SELECT ML_PREDICT(test_xgboost_classifier, v1, a, b, c, d) p, ML_PREDICT(test_xgboost_classifier, v1, a + 1, "
        "b, c, d) q FROM VALUES (1, 2, 3, 4), (5, 6, 7, 8), (9, 0, 1, 2) t(a, b, c, d) WHERE a > 2"
    )
    run = shell("--oss-root", str(root), "-e", sql)
    assert run.status == 0, run.stderr
    rows = [(5, 6, 7, 8), (9, 0, 1, 2)]  # the WHERE clause filters first: it calls no model
    assert batches == [
        ("ML_PREDICT", "test_xgboost_classifier", "v1", rows),
        ("ML_PREDICT", "test_xgboost_classifier", "v1", [(6, 6, 7, 8), (10, 0, 1, 2)]),
    ]
    assert len(cells(run.stdout)) == 3


def test_a_select_with_no_from_is_evaluated_with_maxcompute_headers_and_null(shell):
    run = shell("-e", "SELECT 1 + 2 AS a, 'x', NULL, TRUE, 2.5 * 2, CONCAT('a', 'b') AS Ab;")
    assert run.stdout == (
        "+---+-----+------+------+-----+----+\n"
        "| a | _c1 | _c2  | _c3  | _c4 | ab |\n"
        "+---+-----+------+------+-----+----+\n"
        "| 3 | x   | NULL | true | 5.0 | ab |\n"
        "+---+-----+------+------+-----+----+\n"
    )
    assert (run.stderr, run.status) == ("OK\n", 0)


def test_values_with_where_order_and_aggregates(shell):
    sql = (
        "SELECT region, count(*) AS n, sum(spend) AS total FROM VALUES ('r1', 12.5), ('r2', 0.5), ('r1', 1.0), "
        "('r3', NULL) t(region, spend) WHERE region <> 'r3' GROUP BY region ORDER BY region LIMIT 10;"
    )
    assert cells(shell("-e", sql).stdout) == [["region", "n", "total"], ["r1", "2", "13.5"], ["r2", "1", "0.5"]]


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("csv", "a,_c1,_c2\n1,x,\n"),  # NULL is an empty field (docs/output-and-errors.md)
        ("json", json.dumps([{"a": 1, "_c1": "x", "_c2": None}]) + "\n"),
    ],
)
def test_formats(shell, fmt, expected):
    run = shell("--format", fmt, "-e", "SELECT 1 AS a, 'x', NULL")
    assert (run.stdout, run.status) == (expected, 0)


def test_ml_predict_without_a_model_store_says_what_would_let_it_run(shell, models):
    sql = "SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2, 3, 4);"
    run = shell("-e", sql)
    assert run.stderr == (
        "FAILED: ODPS-0130071:[1,8] Semantic analysis exception - ML_PREDICT loads the model file of version v1 of "
        "my_project.test_xgboost_classifier from "
        "oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/: give --oss-root DIR "
        "(or MCSHELL_OSS_ROOT) to read it from DIR/<bucket>/<path>/\n"
    )
    assert (run.stdout, run.status) == ("", 1)
    skipped = shell("--skip-unsupported", "-e", sql + " WHOAMI;")
    assert skipped.stderr == "WARNING: skipped unsupported statement 'SELECT' at [1,1]\nOK\n"
    assert skipped.status == 0


def test_the_model_store_comes_from_the_environment_or_the_config_file(shell, models, store, tmp_path, monkeypatch):
    root, _, _ = store
    sql = "SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2, 3, 4) AS p;"
    monkeypatch.setenv("MCSHELL_OSS_ROOT", str(root))
    assert shell("-e", sql).status == 0
    monkeypatch.delenv("MCSHELL_OSS_ROOT")
    config = tmp_path / "odps_config.ini"
    config.write_text(f"project_name=my_project\noss_root={root}\naccess_key=SECRET\n")
    run = shell("--config", str(config), "-e", sql)
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert cells(run.stdout)[0] == ["p"]


def test_a_select_over_a_table_is_checked_then_run_on_its_rows(shell, models):
    sql = "SELECT id, ML_PREDICT(test_xgboost_classifier, v1, f1, f2, f3, f4) FROM customers WHERE f1 > 5;"
    run = shell("--continue-on-error", "-e", sql + " WHOAMI;")
    assert run.verdicts == [
        f"FAILED: ODPS-0130131:[1,{sql.index('customers') + 1}] Table not found - "
        "table my_project.customers cannot be resolved",
        "OK",
    ]
    assert run.status == 1
    create = "CREATE TABLE customers (id BIGINT, f1 BIGINT, f2 BIGINT, f3 BIGINT, f4 BIGINT);"
    assert shell("-e", create).status == 0
    refused = shell("-e", sql)  # it passed its checks, and runs over the table's rows with a model store
    assert refused.verdicts == [
        f"FAILED: ODPS-0130071:[1,{sql.index('ML_PREDICT') + 1}] Semantic analysis exception - ML_PREDICT loads "
        "the model file of version v1 of my_project.test_xgboost_classifier from "
        "oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/: give --oss-root DIR "
        "(or MCSHELL_OSS_ROOT) to read it from DIR/<bucket>/<path>/"
    ]
    broken = shell("-e", "SELECT ML_PREDICT(test_xgboost_classifier, v1, f1) FROM customers;")
    assert "4 INPUT columns" in broken.stderr
    skipped = shell("--skip-unsupported", "-e", sql)
    assert (skipped.stderr, skipped.status) == ("WARNING: skipped unsupported statement 'SELECT' at [1,1]\n", 0)


def test_check_counts_selects_and_never_skips_them(shell, models):
    script = (
        "CREATE TABLE customers (f1 BIGINT, f2 BIGINT, f3 BIGINT, f4 BIGINT);\n"
        "SELECT ML_PREDICT(test_xgboost_classifier, v1, f1, f2, f3, f4) FROM customers;\n"
        "SELECT ML_PREDICT(test_xgboost_classifier, v1, f1) FROM customers;\n"
        "SELECT AI_GENERATE(qwen_chat, v1, 'hello');\n"
        "TRUNCATE TABLE t;\n"
    )
    run = shell("--check", "--skip-unsupported", "-f", "-", stdin=script)
    assert run.stderr.splitlines()[-1] == (
        "<stdin>: 5 statements checked: 3 ok, 1 failed, 1 skipped (dry run: the catalog was not changed)"
    )
    assert run.stdout == ""


def test_local_evaluation_limits_are_one_clear_line(shell):
    run = shell("-e", "SELECT MD5('a')")
    assert run.stderr.startswith(
        "FAILED: ODPS-0130071:[1,8] Semantic analysis exception - mcshell does not run this SELECT locally: "
        "the function MD5 is not run locally\n"
    )
    assert run.status == 1
    union = shell("-e", "SELECT 1 UNION ALL SELECT 2")
    assert "mcshell runs a single SELECT with no FROM or over FROM VALUES" in union.stderr


def test_a_column_that_does_not_exist(shell):
    run = shell("-e", "SELECT a, b FROM VALUES (1) t(a)")
    assert run.stderr == "FAILED: ODPS-0130071:[1,11] Semantic analysis exception - column b cannot be resolved\n"


def test_with_a_model_store_create_and_add_version_warn_about_models_ml_predict_could_not_run(shell, store):
    root, _, _ = store
    created = shell("--oss-root", str(root), "-f", "-", stdin=MODELS)
    assert created.status == 0
    assert "WARNING" not in created.stderr  # both IMPORT locations hold a model of the right shape
    wrong = (
        "ALTER MODEL test_xgboost_classifier ADD VERSION v2 INPUT(f1 BIGINT, f2 BIGINT) OPTIONS("
        "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/xgboost_classifier_v1/', "
        "ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');"
        "ALTER MODEL test_xgboost_classifier ADD VERSION v3 INPUT(f1 BIGINT) OPTIONS("
        "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/nothing_here/', "
        "ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');"
    )
    run = shell("--oss-root", str(root), "-e", wrong)
    first, second = [line for line in run.stderr.splitlines() if line.startswith("WARNING")]
    assert first.startswith(
        "WARNING: ML_PREDICT could not run version v2: the model takes 4 features but the version has 2"
    )
    assert second.startswith("WARNING: ML_PREDICT could not run version v3: no such directory in the model store")
    assert run.verdicts == ["OK", "OK"] and run.status == 0
    assert "WARNING" not in shell("-e", wrong.replace("v2", "v4").replace("v3", "v5")).stderr  # no store: no check

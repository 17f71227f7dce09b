"""Writes saved-<xgboost version>/: a regressor and a 3-class classifier saved by the installed xgboost, with
the rows of tests/e2e/test_saved_models.py and xgboost's own predictions of them (expected.json).

Their `base_score` is what xgboost 3.1 changed: since 3.1 a model file holds it as a vector, which xgboost
3.0 misreads (the first row of this regressor is 30.797089 under xgboost 3.2.0, 1.4298089 under xgboost-cpu 3.0.5). The
files in saved-3.2.0/ were made once with this script under xgboost-cpu 3.2.0:

    python tests/data/models/make_saved.py
"""

import json
from pathlib import Path

import numpy as np
import xgboost as xgb

REGRESSOR_ROWS = [[0.5, -1.25, 0.75], [1.5, 0.0, -2.0], [-0.3, 2.2, 0.1]]
CLASSIFIER_ROWS = [[1, 2, 3, 4], [7, 0, 5, 1], [9, 9, 0, 2]]

rng = np.random.default_rng(19)
inputs = rng.normal(size=(120, 3)).astype(np.float32)
regressor = xgb.train(
    {"objective": "reg:squarederror", "max_depth": 3, "seed": 0},
    xgb.DMatrix(inputs, label=inputs[:, 0] * 3 + inputs[:, 1] + 30),
    num_boost_round=6,
)
features = rng.integers(0, 10, (120, 4)).astype(np.float32)
classifier = xgb.train(
    {"objective": "multi:softprob", "num_class": 3, "max_depth": 2, "seed": 0},
    xgb.DMatrix(features, label=(features[:, 0] // 4).astype(int)),
    num_boost_round=4,
)
folder = Path(__file__).with_name(f"saved-{xgb.__version__}")
folder.mkdir(exist_ok=True)
regressor.save_model(str(folder / "regressor.json"))
classifier.save_model(str(folder / "classifier.ubj"))


def predicted(booster, rows):
    return [[str(v) for v in np.atleast_1d(row)] for row in booster.predict(xgb.DMatrix(np.float32(rows)))]


expected = {
    "xgboost": xgb.__version__,
    "regressor": {"rows": REGRESSOR_ROWS, "predicted": predicted(regressor, REGRESSOR_ROWS)},
    "classifier": {"rows": CLASSIFIER_ROWS, "predicted": predicted(classifier, CLASSIFIER_ROWS)},
}
(folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")

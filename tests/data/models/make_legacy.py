"""Writes legacy_classifier.deprecated: a 3-class, 4-feature XGBoost model in the legacy binary format.

xgboost 3.1 removed that format (neither saves nor loads it), so the tests cannot train this file; it was
made once with this script under xgboost-cpu 2.1.4:

    python tests/data/models/make_legacy.py
"""

from pathlib import Path

import numpy as np
import xgboost as xgb

rng = np.random.default_rng(7)
features = rng.normal(size=(300, 4)).astype(np.float32)
labels = (features[:, 0] + features[:, 1] > 0).astype(int) + (features[:, 2] > 0.8)
params = {"objective": "multi:softprob", "num_class": 3, "max_depth": 3}
booster = xgb.train(params, xgb.DMatrix(features, label=labels), 6)
booster.save_model(str(Path(__file__).with_name("legacy_classifier.deprecated")))

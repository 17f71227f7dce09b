"""Small real XGBoost models trained for the tests, saved in a local model store as MaxCompute names them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

xgb = pytest.importorskip("xgboost")

from mcshell.runtime.calls import ModelCall  # noqa: E402

ENDPOINT = "oss-cn-shanghai-internal.aliyuncs.com"
LEGACY = Path(__file__).parent.parent / "data" / "models" / "legacy_classifier.deprecated"
KINDS = {
    "multiclass": ("BOOSTED_TREE_CLASSIFIER", {"objective": "multi:softprob", "num_class": 3}),
    "softmax": ("BOOSTED_TREE_CLASSIFIER", {"objective": "multi:softmax", "num_class": 3}),
    "binary": ("BOOSTED_TREE_CLASSIFIER", {"objective": "binary:logistic"}),
    "regressor": ("BOOSTED_TREE_REGRESSOR", {"objective": "reg:squarederror"}),
}


def training_data(features: int = 4, rows: int = 240, seed: int = 3):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(rows, features)).astype(np.float32)
    three = (matrix[:, 0] + matrix[:, 1] > 0).astype(int) + (matrix[:, 2] > 0.7)
    return matrix, three


def train(kind: str, features: int = 4, rounds: int = 8):
    matrix, three = training_data(features)
    params = dict(KINDS[kind][1], max_depth=3, eta=0.3)
    if kind == "binary":
        label = (three > 0).astype(int)
    elif kind == "regressor":
        label = matrix[:, 0] * 3.5 - matrix[:, 1] + 20
    else:
        label = three
    return xgb.train(params, xgb.DMatrix(matrix, label=label), rounds)


def query_rows(features: int = 4, count: int = 50, seed: int = 11) -> list[tuple]:
    rng = np.random.default_rng(seed)
    return [tuple(row) for row in rng.normal(size=(count, features)).round(3).tolist()]


@dataclass(frozen=True)
class Stored:
    root: Path
    location: str
    path: Path
    booster: object

    def call(self, model_type: str, inputs: int = 4, **fields) -> ModelCall:
        values = dict(
            function="ML_PREDICT",
            project="team_a",
            model="churn",
            version="v1",
            model_type=model_type,
            source_type="IMPORT",
            public=False,
            location=self.location,
            options={},
            inputs=tuple((f"f{i}", "DOUBLE") for i in range(inputs)),
        )
        values.update(fields)
        return ModelCall(**values)


def store(root: Path, booster, file_name: str, bucket: str = "models", folder: str = "churn/v1") -> Stored:
    directory = root / bucket / folder
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / file_name
    booster.save_model(str(path))
    return Stored(root, f"oss://{ENDPOINT}/{bucket}/{folder}/", path, booster)


def own_predict(booster, rows) -> np.ndarray:
    """xgboost's own prediction of `rows` (None as missing), through a DMatrix."""
    return booster.predict(xgb.DMatrix(np.array(rows, dtype=np.float32)))


def installed_version() -> tuple[int, int, int]:
    """The installed xgboost's (major, minor, patch): 3.2.0 -> (3, 2, 0)."""
    major, minor, patch = (int(part) for part in re.match(r"(\d+)\.(\d+)\.(\d+)", xgb.__version__).groups())
    return major, minor, patch


def record_version(path: Path, version: tuple[int, int, int]) -> None:
    """Rewrite the xgboost version a JSON or UBJSON model file records (its last member, `version`)."""
    data = path.read_bytes()
    if path.suffix == ".json":
        model = json.loads(data)
        model["version"] = list(version)
        path.write_text(json.dumps(model, separators=(",", ":")))
        return
    key = data.rindex(b"version") + len(b"version")
    items = b"".join(b"i" + bytes([number]) for number in version)  # as xgboost writes it: [#L<count> i3 i2 i0
    path.write_bytes(data[:key] + b"[#L" + len(version).to_bytes(8, "big") + items + b"}")

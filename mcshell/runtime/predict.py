"""ML_PREDICT: an XGBoost model from the local model store, every row predicted in one batch.

A regressor gives its value as a STRING; a classifier gives STRUCT<label:STRING, probs:ARRAY<FLOAT>>,
printed as the docs print it: `{label:0, probs:[0.9266666, 0.03781649, 0.03551693]}`. xgboost (the
`predict` extra) is imported only here, and only when a model is loaded.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from mcshell.errors import NotRunLocally, RuntimeCallError
from mcshell.runtime import modelfile, store
from mcshell.runtime.records import ModelCall
from mcshell.runtime.values import TextColumn, float_text_column, float_texts, prediction_struct

if TYPE_CHECKING:  # numpy comes with the predict extra; where it is not installed, NDArray is Any
    import numpy
    from numpy.typing import NDArray

    Matrix: TypeAlias = NDArray[numpy.float32]

CLASSIFIER = "BOOSTED_TREE_CLASSIFIER"
REGRESSOR = "BOOSTED_TREE_REGRESSOR"

# What xgboost's prediction is, per objective: a regressor's VALUE, or a classifier's PROBABILITIES (one per
# class), the POSITIVE probability (of class 1), a MARGIN (its logistic function is the probability of class
# 1) or the CLASS (0 or 1). The objectives of xgboost 3.2; a model of another objective is refused.
VALUE, PROBABILITIES, POSITIVE, MARGIN, CLASS = "value", "probabilities", "positive", "margin", "class"
OBJECTIVES: dict[str, str] = {
    **dict.fromkeys(
        ["reg:squarederror", "reg:squaredlogerror", "reg:logistic", "reg:pseudohubererror", "reg:absoluteerror"]
        + ["reg:quantileerror", "reg:gamma", "reg:tweedie", "count:poisson", "survival:cox", "survival:aft"]
        + ["rank:ndcg", "rank:map", "rank:pairwise"],
        VALUE,
    ),
    "multi:softprob": PROBABILITIES,
    "multi:softmax": PROBABILITIES,  # predicted as multi:softprob: the same model, its probabilities
    "binary:logistic": POSITIVE,
    "binary:logitraw": MARGIN,
    "binary:hinge": CLASS,
}


@dataclass(frozen=True)
class LoadedModel:
    booster: Any  # xgboost.Booster: xgboost is optional, so not named in the types
    path: str
    features: int
    objective: str
    classes: int  # 0 for a regressor
    inplace: bool  # inplace_predict gives what predict gives (gbtree); dart and gblinear predict on a DMatrix


# (project, model, version, location), lower-cased but the location -> the model loaded from it
ModelCache = dict[tuple[str, str, str, str], LoadedModel]


def _xgboost() -> ModuleType | None:
    try:
        import xgboost
    except ImportError:
        return None
    module: ModuleType = xgboost  # Any where xgboost is not installed (pyproject.toml, [tool.mypy])
    return module


def _xgboost_reason(error: Exception) -> str:
    """xgboost's own message in one line: no timestamp, source path or native stack trace."""
    first = str(error).strip().split("\n")[0]
    first = re.sub(r"^\[[\d:]+\] [^\s:]+:\d+: ", "", first)  # [08:25:12] /workspace/src/...cc:144:
    first = re.sub(r"^Check failed: .*? : ", "", first)
    return first.strip() or type(error).__name__


def load_model(path: str) -> LoadedModel:
    """The model in `path`, as xgboost loads it (JSON, UBJSON or, with xgboost < 3.1, the legacy binary):
    refused where the installed xgboost may misread it (modelfile), where its objective is not one of
    OBJECTIVES or it predicts several targets per row, and where it stopped early but holds later rounds."""
    xgboost = _xgboost()
    if xgboost is None:
        raise store.StoreError("xgboost is not installed: install mcshell[predict] (or xgboost / xgboost-cpu)")
    file = modelfile.read(path)
    refused = modelfile.refusal(file, xgboost.__version__)
    if refused:
        raise store.StoreError(refused, path)
    try:
        booster = xgboost.Booster(model_file=path)
        config = json.loads(booster.save_config())["learner"]
        objective, kind = config["objective"]["name"], config["gradient_booster"]["name"]  # kind: gbtree, dart...
        targets = int(config["learner_model_param"].get("num_target", "1") or 1)
        classes = int(config["learner_model_param"].get("num_class", "0") or 0)
    except Exception as error:  # XGBoostError, OSError for an unreadable file, or a configuration of another shape
        raise store.StoreError(f"not a model xgboost can load: {_xgboost_reason(error)}", path) from None
    refused = modelfile.unversioned(file)
    if refused:
        raise store.StoreError(refused, path)
    _check_output(objective, targets, path)
    if kind != "gblinear":
        _check_rounds(booster, path)
    if objective.startswith("binary:"):
        classes = 2
    if objective == "multi:softmax":  # its class is the likeliest of the probabilities softprob gives
        booster.set_param({"objective": "multi:softprob"})
    return LoadedModel(booster, path, booster.num_features(), objective, classes, kind == "gbtree")


def _check_rounds(booster: Any, path: str) -> None:
    """Refuses a tree model that records early stopping short of its last round: xgboost's Booster predicts
    with every round, its scikit-learn estimators only up to best_iteration, so which is meant is unknown."""
    best = booster.attr("best_iteration")
    rounds = booster.num_boosted_rounds()
    if best is None or not best.isdigit() or int(best) + 1 >= rounds:  # a best_iteration xgboost wrote is digits
        return
    kept = int(best) + 1
    raise store.StoreError(
        f"the model records early stopping at round {kept} (best_iteration {best}) but holds {rounds} rounds: "
        f"xgboost's Booster predicts with all {rounds}, its scikit-learn models with the first {kept}; save the "
        f"ones meant alone: booster[:{kept}].save_model('model.json'), or all of them after "
        "booster.set_attr(best_iteration=None)",
        path,
    )


def _check_output(objective: str, targets: int, path: str) -> None:
    """Refuses a model whose prediction is not one value (or one set of class probabilities) per row."""
    if objective not in OBJECTIVES:
        raise store.StoreError(f"the model's objective {objective} is not one whose output ML_PREDICT knows", path)
    if targets > 1:
        raise store.StoreError(
            f"the model predicts {targets} targets per row (objective {objective}); ML_PREDICT runs models of one",
            path,
        )


def _kind_problem(model: LoadedModel, model_type: str) -> str | None:
    classifying = OBJECTIVES[model.objective] != VALUE
    if model_type == CLASSIFIER and not classifying:
        return f"the model file holds a regressor (objective {model.objective}), not a {CLASSIFIER}"
    if model_type == REGRESSOR and classifying:
        return f"the model file holds a classifier (objective {model.objective}), not a {REGRESSOR}"
    return None


def _features_problem(model: LoadedModel, inputs: int) -> str | None:
    if model.features == inputs:
        return None
    return f"the model takes {model.features} features but the version has {inputs} INPUT columns"


def location_warning(oss_root: str, location: str, inputs: int, model_type: str = "") -> str | None:
    """For CREATE MODEL / ADD VERSION: what is wrong with the model a location holds, or None."""
    try:
        model = load_model(store.model_file(oss_root, location))
    except store.StoreError as error:
        return f"{error.reason}: {error.path}" if error.path else error.reason
    problem = _features_problem(model, inputs) or (_kind_problem(model, model_type) if model_type else None)
    return f"{problem}: {model.path}" if problem else None


def _fail(call: ModelCall, reason: str, path: str = "") -> RuntimeCallError:
    where = f" ({path})" if path else ""
    return RuntimeCallError(f"ML_PREDICT({call.project}.{call.model}, {call.version}): {reason}{where}")


def _model_for(cache: ModelCache, oss_root: str | None, call: ModelCall) -> LoadedModel:
    key = (call.project.lower(), call.model.lower(), call.version.lower(), call.location)
    if key in cache:
        return cache[key]
    if not oss_root:
        raise _fail(call, "no local model store: set --oss-root DIR (or MCSHELL_OSS_ROOT) to run it")
    try:
        model = load_model(store.model_file(oss_root, call.location))
    except store.StoreError as error:
        raise _fail(call, error.reason, error.path) from None
    problem = _kind_problem(model, call.model_type.upper())
    if problem:
        raise _fail(call, problem, model.path)
    cache[key] = model
    return model


def _matrix(call: ModelCall, rows: Sequence[Sequence[object]], features: int) -> Matrix:
    """The rows as one float32 matrix (SQL NULL -> NaN, xgboost's missing value)."""
    import numpy

    for row in rows:
        if len(row) != features:
            raise _fail(call, f"the model takes {features} features but the call passes {len(row)} values")
    try:
        with numpy.errstate(over="ignore"):  # a value float32 cannot hold is refused below, not warned about
            matrix: Matrix = numpy.asarray(rows, dtype=numpy.float32).reshape(len(rows), features)
    except (TypeError, ValueError):
        pass
    else:
        _refuse_beyond_float32(call, matrix, lambda row, column: rows[row][column])
        return matrix
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            try:
                with numpy.errstate(over="ignore"):  # only which value is no number is looked for here
                    numpy.float32(numpy.nan if value is None else cast(Any, value))
            except (TypeError, ValueError):
                name = _input_name(call, column)
                raise _fail(call, f"row {number}: value {value!r} for {name} is not a number") from None
    raise _fail(call, "the values do not form a numeric matrix")


def _input_name(call: ModelCall, column: int) -> str:
    return call.inputs[column][0] if column < len(call.inputs) else f"#{column + 1}"


def _refuse_beyond_float32(call: ModelCall, matrix: Matrix, value_at: Callable[[int, int], Any]) -> None:
    """A finite value that float32 cannot hold (it became infinite in `matrix`) is refused: xgboost would see
    infinity, and what MaxCompute passes the model for such a DOUBLE is not documented (mcshell's decision)."""
    import numpy

    for row, column in numpy.argwhere(numpy.isinf(matrix)).tolist():
        value = value_at(row, column)
        if math.isfinite(float(value)):  # an infinite value stays what it was
            text = repr(value) if isinstance(value, str) else repr(float(value))
            raise NotRunLocally(
                f"mcshell does not run this SELECT locally: ML_PREDICT({call.project}.{call.model}, {call.version}) "
                f"passes {text} for {_input_name(call, column)}, beyond the range of FLOAT, the model's float32 "
                "(what MaxCompute passes the model for it is not documented)",
                None,
                "SELECT",
            )


def predict_rows(
    cache: ModelCache, oss_root: str | None, call: ModelCall, rows: Sequence[Sequence[object]]
) -> list[object]:
    """ML_PREDICT for all rows of one call site, in one batch; `cache` keeps each model loaded once."""
    model = _ready_model(cache, oss_root, call)
    if not rows:
        return []
    return _predictions(call, model, _matrix(call, rows, model.features))


def predict_columns(
    cache: ModelCache, oss_root: str | None, call: ModelCall, columns: Sequence[Any]
) -> list[object] | TextColumn:
    """predict_rows for the rows these columns hold (numpy arrays of numbers, one per argument, NaN for NULL): the
    matrix filled a column at a time, each number rounded to float32 as numpy rounds the row's value; a regressor's
    texts as a TextColumn where float_text_column gives one."""
    import numpy

    model = _ready_model(cache, oss_root, call)
    count = len(columns[0]) if columns else 0
    if not count:
        return []
    if len(columns) != model.features:
        raise _fail(call, f"the model takes {model.features} features but the call passes {len(columns)} values")
    matrix: Matrix = numpy.empty((count, model.features), dtype=numpy.float32)
    with numpy.errstate(over="ignore"):  # a value float32 cannot hold is refused below, not warned about
        for at, column in enumerate(columns):
            matrix[:, at] = column
    _refuse_beyond_float32(call, matrix, lambda row, column: columns[column][row])
    if model.classes:
        return _classes(call, model, matrix)
    texts = float_text_column(_regressed(call, model, matrix))
    return texts if isinstance(texts, TextColumn) else list(texts)


def _ready_model(cache: ModelCache, oss_root: str | None, call: ModelCall) -> LoadedModel:
    """The call's model, loaded (once) and checked against the call's version."""
    model = _model_for(cache, oss_root, call)
    problem = _features_problem(model, len(call.inputs)) if call.inputs else None
    if problem:
        raise _fail(call, problem, model.path)
    return model


def _predictions(call: ModelCall, model: LoadedModel, matrix: Matrix) -> list[object]:
    """Each row's prediction: a regressor's value as a FLOAT's text, a classifier's label and probabilities."""
    if model.classes:
        return _classes(call, model, matrix)
    return list(float_texts(_regressed(call, model, matrix)))


def _regressed(call: ModelCall, model: LoadedModel, matrix: Matrix) -> Any:
    """A regressor's value for each row."""
    try:
        values = _predicted(model, matrix)
    except Exception as error:
        raise _fail(call, f"xgboost could not predict: {_xgboost_reason(error)}", model.path) from None
    # One value a row: a model of several targets (or classes, taken above) was refused as it loaded.
    assert values.shape == (len(matrix),), values.shape
    return values


def _predicted(model: LoadedModel, matrix: Matrix, margin: bool = False) -> Any:
    """xgboost's prediction of the rows, as its predict gives it: inplace_predict where that is the same (gbtree;
    dart's differs in the last digits), else predict on a DMatrix (gblinear has no inplace_predict)."""
    if model.inplace:
        kind = "margin" if margin else "value"
        return model.booster.inplace_predict(matrix, predict_type=kind, validate_features=False)
    import xgboost

    return model.booster.predict(xgboost.DMatrix(matrix), output_margin=margin, validate_features=False)


def _probabilities(model: LoadedModel, matrix: Matrix) -> Matrix:
    """One row of class probabilities per input row, as float32."""
    import numpy

    output = OBJECTIVES[model.objective]
    raw = _predicted(model, matrix, margin=output == MARGIN)
    probs: Matrix = numpy.asarray(raw, dtype=numpy.float32)  # xgboost predicts in float32: no overflow
    if output == PROBABILITIES:
        return probs
    if output == MARGIN:  # the logistic function, in float32 as binary:logistic computes it
        with numpy.errstate(over="ignore"):  # a margin below -88.7: e^-margin is inf and p is 0, as in float32
            probs = numpy.float32(1) / (numpy.float32(1) + numpy.exp(-probs))
    positive = probs.reshape(-1, 1)  # the probability of class 1 (binary:hinge: the class, 0 or 1)
    both: Matrix = numpy.hstack([numpy.float32(1) - positive, positive])
    return both


def _classes(call: ModelCall, model: LoadedModel, matrix: Matrix) -> list[object]:
    try:
        probs = _probabilities(model, matrix)
    except Exception as error:
        raise _fail(call, f"xgboost could not predict: {_xgboost_reason(error)}", model.path) from None
    # One probability a class a row: num_class is what the model was loaded with (binary: 2, above).
    assert probs.shape == (len(matrix), model.classes), probs.shape
    labels = probs.argmax(axis=1).tolist()
    width = probs.shape[1]
    texts = float_texts(probs.reshape(-1))
    template = prediction_struct("%d", ["%s"] * width)  # one format for every row: {label:%d, probs:[%s, %s]}
    return [template % (label, *texts[i * width : (i + 1) * width]) for i, label in enumerate(labels)]

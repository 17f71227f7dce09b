"""The interface between the SELECT path (helper F) and the runtimes: what a call site is, and who runs it.

F resolves each call of a model function against the catalog into a ModelCall, evaluates its arguments
for every row, and hands them to Runtime.run in one batch. Runtime loads each model once, enforces that
no request leaves mcshell unless settings.invoke is true, and returns values already coerced to the
function's documented type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mcshell.runtime.records import AI_FUNCTIONS, ML_FUNCTIONS, ModelCall, RuntimeSettings

if TYPE_CHECKING:  # predict (and with it the model store) is imported only when ML_PREDICT runs
    from mcshell.runtime.predict import ModelCache
    from mcshell.runtime.values import TextColumn

__all__ = ["AI_FUNCTIONS", "ML_FUNCTIONS", "ModelCall", "Runtime", "RuntimeSettings"]


class Runtime:
    """Runs model functions for one session run; each model file is loaded at most once."""

    def __init__(self, settings: RuntimeSettings):
        self.settings = settings
        self._models: ModelCache = {}  # each model file loaded once per run

    def run(self, call: ModelCall, rows: Sequence[Sequence[object]]) -> list[object]:
        """Evaluate one call site for all rows at once (one batch).

        `rows` holds the call's arguments after model and version, already evaluated (None for SQL NULL).
        Returns one value per row, coerced to the function's documented type: ML_PREDICT a str (a regressor's
        value, or a classifier's `{label:0, probs:[...]}`); AI_SIMILARITY a float; AI_EMBEDDING a list of
        floats (a FLOAT comes as the double of its shortest decimal: 0.85, so Double.toString prints it as
        MaxCompute prints the FLOAT); the other AI_* a str; None for NULL. Raises
        mcshell.errors.RuntimeCallError naming model, version and endpoint or path, APIKEY masked; no
        request is made unless settings.invoke is true.
        """
        if call.function not in ML_FUNCTIONS | AI_FUNCTIONS:
            from mcshell.errors import RuntimeCallError

            raise RuntimeCallError(f"{call.function} is not a function that calls a model")
        if call.function in ML_FUNCTIONS:
            from mcshell.runtime.predict import predict_rows

            return predict_rows(self._models, self.settings.oss_root, call, rows)
        from mcshell.runtime.remote import invoke_rows

        return invoke_rows(self.settings, call, rows)

    def run_columns(self, call: ModelCall, columns: Sequence[Any]) -> list[object] | TextColumn:
        """Runtime.run for ML_PREDICT over the rows these columns hold, without a Python value a row: one numpy
        array per argument, all of one length (numbers, NaN for SQL NULL: a NULL and a NaN both reach xgboost
        as its missing value). Gives what run gives for the same rows as Python values (their numbers rounded
        to float32 alike), or a regressor's texts as one TextColumn (mcshell.runtime.values: the same texts end
        to end in one buffer, as an Arrow string array holds them); raises as run does."""
        if call.function not in ML_FUNCTIONS:
            from mcshell.errors import RuntimeCallError

            raise RuntimeCallError(f"{call.function} is not a function whose arguments run as columns")
        from mcshell.runtime.predict import predict_columns

        return predict_columns(self._models, self.settings.oss_root, call, columns)

    def check_location(self, location: str, inputs: Sequence[tuple[str, str]], model_type: str = "") -> str | None:
        """For CREATE MODEL / ADD VERSION of an IMPORT BOOSTED_TREE_* version: a warning text when a store is
        set and the location holds no loadable model, or one whose feature count differs from `inputs` (or,
        given `model_type`, a regressor for a classifier and the reverse); None when all is well or when no
        store is set (nothing to check). Reads the file but keeps nothing: a later run loads it afresh."""
        if not self.settings.oss_root:
            return None
        from mcshell.runtime.predict import location_warning

        return location_warning(self.settings.oss_root, location, len(inputs), model_type.upper())

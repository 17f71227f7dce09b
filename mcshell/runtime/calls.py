"""The interface between the SELECT path (helper F) and the runtimes: what a call site is, and who runs it.

F resolves each call of a model function against the catalog into a ModelCall, evaluates its arguments
for every row, and hands them to Runtime.run in one batch. Runtime loads each model once, enforces that
no request leaves mcshell unless settings.invoke is true, and returns values already coerced to the
function's documented type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# The nine functions (section 1.8 of the MaxCompute notes); ML_PREDICT runs locally, the others remotely.
ML_FUNCTIONS = frozenset({"ML_PREDICT"})
AI_FUNCTIONS = frozenset(
    {
        "AI_GENERATE",
        "AI_CLASSIFY",
        "AI_EXTRACT",
        "AI_EMBEDDING",
        "AI_SIMILARITY",
        "AI_SENTIMENT",
        "AI_SUMMARIZE",
        "AI_TRANSLATE",
    }
)


@dataclass(frozen=True)
class RuntimeSettings:
    oss_root: str | None = None  # --oss-root / MCSHELL_OSS_ROOT / config file
    invoke: bool = False  # --invoke / MCSHELL_INVOKE=1
    public_endpoint: str | None = None  # --public-endpoint


@dataclass(frozen=True)
class ModelCall:
    """One function call site, resolved against the catalog by F."""

    function: str  # "ML_PREDICT", "AI_GENERATE", ... upper case
    project: str
    model: str
    version: str  # resolved (DEFAULT_VERSION already replaced)
    model_type: str  # BOOSTED_TREE_CLASSIFIER, BOOSTED_TREE_REGRESSOR, LLM, MLLM
    source_type: str  # REMOTE, IMPORT, INTERNAL_TRAIN, or "" for a public model
    public: bool  # a model of bigdata_public_modelset
    location: str  # the version's location (oss://...) or ""
    options: Mapping[str, str] = field(default_factory=dict)  # OPTIONS, keys upper case (ENDPOINT, APIKEY...)
    inputs: tuple[tuple[str, str], ...] = ()  # the version's INPUT columns (name, type)
    tasks: str = ""


class Runtime:
    """Runs model functions for one session run; each model file is loaded at most once."""

    def __init__(self, settings: RuntimeSettings):
        self.settings = settings
        self._models: dict[tuple[str, str, str, str], object] = {}  # (project, model, version, path) -> model

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

            return predict_rows(self, call, rows)
        from mcshell.runtime.remote import invoke_rows

        return invoke_rows(self.settings, call, rows)

    def check_location(self, location: str, inputs: Sequence[tuple[str, str]], model_type: str = "") -> str | None:
        """For CREATE MODEL / ADD VERSION of an IMPORT BOOSTED_TREE_* version: a warning text when a store is
        set and the location holds no loadable model, or one whose feature count differs from `inputs` (or,
        given `model_type`, a regressor for a classifier and the reverse); None when all is well or when no
        store is set (nothing to check). Reads the file but keeps nothing: a later run loads it afresh."""
        if not self.settings.oss_root:
            return None
        from mcshell.runtime.predict import location_warning

        return location_warning(self.settings.oss_root, location, len(inputs), model_type.upper())

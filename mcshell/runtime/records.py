"""What a call site of a model function is: the values the SELECT path hands the runtimes (calls.py)."""

from __future__ import annotations

from collections.abc import Mapping
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

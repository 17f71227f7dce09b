"""The nine model functions as the docs define them: parameters, types, and the models each takes.

One table, read by the checks (rules/functions.py), HELP (rules/helptext.py) and completion. The
signatures are those of the function pages (SQL AI function index; ML_PREDICT, AI_GENERATE ...
pages), with model and version left out: every function takes them first.
"""

from __future__ import annotations

from dataclasses import dataclass

STRINGS = ("STRING", "VARCHAR", "CHAR")
LABELS = ("ARRAY<STRING>",)
INTEGERS = ("TINYINT", "SMALLINT", "INT", "BIGINT")
# AI_TRANSLATE's documented target languages (ISO 639-1).
LANGUAGES = ("zh", "en", "es", "fr", "de", "ja", "ko", "ru", "ar", "pt")
MEDIA_TYPES = ("IMAGE", "AUDIO", "VIDEO")

# Which models a function takes: ML_PREDICT an imported boosted tree, AI_EMBEDDING an embedding
# model, the others a REMOTE LLM/MLLM or a public model that is not an embedding model.
TREES, EMBEDDING, GENERATIVE = "trees", "embedding", "generative"


@dataclass(frozen=True)
class Param:
    name: str
    types: tuple[str, ...]  # the MaxCompute types accepted; () for any
    optional: bool = False


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple[Param, ...]  # after model and version
    models: str  # TREES, EMBEDDING or GENERATIVE
    returns: str
    syntax: str  # as the function's page writes it
    summary: str
    example: str  # a documented call, for HELP


_PARAMETERS = Param("model_parameters", STRINGS, optional=True)

SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature(
            "AI_GENERATE", (Param("prompt", STRINGS), _PARAMETERS), GENERATIVE, "STRING",
            "AI_GENERATE(<model>, <version>, <prompt> [, <model_parameters>])   -- LLM\n"
            "AI_GENERATE(<model>, <version>, <unstructured_data>, <prompt>, <type> [, <model_parameters>])   -- MLLM",
            "generate text from a prompt (an MLLM also reads an image, audio or video: BINARY data or a URL)",
            "SELECT AI_GENERATE(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, 'Say hello');",
        ),
        Signature(
            "ML_PREDICT", (), TREES, "STRING | STRUCT<label:STRING, probs:ARRAY<FLOAT>>",
            "ML_PREDICT(<model>, <version>, <col1>, <col2>, ...)",
            "predict with an imported XGBoost model: one value per INPUT column, in order",
            "SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2, 3, 4);",
        ),
        Signature(
            "AI_CLASSIFY", (Param("input", STRINGS), Param("labels", LABELS), _PARAMETERS), GENERATIVE, "STRING",
            "AI_CLASSIFY(<model>, <version>, <input>, <labels> [, <model_parameters>])",
            "one of 2 to 20 labels for the text, or NULL",
            "SELECT AI_CLASSIFY(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, "
            "'The battery lasts two days', ARRAY('electronics', 'clothing'));",
        ),
        Signature(
            "AI_EXTRACT", (Param("input", STRINGS), Param("labels", LABELS), _PARAMETERS), GENERATIVE, "STRING",
            "AI_EXTRACT(<model>, <version>, <input>, <labels> [, <model_parameters>])",
            "a JSON string with the value of each of 1 to 20 labels found in the text",
            "SELECT AI_EXTRACT(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, "
            "'John, 32, lives in Hangzhou', ARRAY('name', 'age', 'city'));",
        ),
        Signature(
            "AI_EMBEDDING", (Param("input", (*STRINGS, "BINARY")), _PARAMETERS), EMBEDDING, "VECTOR(FLOAT, 1024)",
            "AI_EMBEDDING(<model>, <version>, <input> [, <model_parameters>])",
            "the embedding vector of the text, with an embedding model",
            "SELECT AI_EMBEDDING(bigdata_public_modelset.default.`text-embedding-v4`, DEFAULT_VERSION, "
            "'MaxCompute AI functions') AS embedding;",
        ),
        Signature(
            "AI_SIMILARITY", (Param("input1", STRINGS), Param("input2", STRINGS), _PARAMETERS), GENERATIVE, "FLOAT",
            "AI_SIMILARITY(<model>, <version>, <input1>, <input2> [, <model_parameters>])",
            "how alike two texts are, a FLOAT from 0 to 1",
            "SELECT AI_SIMILARITY(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, "
            "'I like cats', 'I love cats') AS similarity_score;",
        ),
        Signature(
            "AI_SENTIMENT",
            (Param("input", STRINGS), Param("categories", LABELS, optional=True), _PARAMETERS),
            GENERATIVE, "STRING",
            "AI_SENTIMENT(<model>, <version>, <input> [, <categories>] [, <model_parameters>])",
            "the sentiment of the text: positive, negative, neutral, mixed, or one of 1 to 10 categories",
            "SELECT AI_SENTIMENT(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, "
            "'The delivery was fast and the product is great');",
        ),
        Signature(
            "AI_SUMMARIZE",
            (Param("input", STRINGS), Param("max_words", INTEGERS, optional=True), _PARAMETERS),
            GENERATIVE, "STRING",
            "AI_SUMMARIZE(<model>, <version>, <input> [, <max_words>] [, <model_parameters>])",
            "a summary of the text in at most max_words words (default 50, 0: no limit)",
            "SELECT AI_SUMMARIZE(bigdata_public_modelset.default.`qwen3-max`, default_version, "
            "'MaxCompute is a data warehouse service ...', 20);",
        ),
        Signature(
            "AI_TRANSLATE", (Param("input", STRINGS), Param("target_language", STRINGS), _PARAMETERS),
            GENERATIVE, "STRING",
            "AI_TRANSLATE(<model>, <version>, <input>, <target_language> [, <model_parameters>])",
            "the text translated into zh, en, es, fr, de, ja, ko, ru, ar or pt",
            "SELECT AI_TRANSLATE(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, "
            "'Good morning', 'zh');",
        ),
    )
}  # fmt: skip

# AI_GENERATE on an MLLM: the data, the prompt, the data's type, then model_parameters.
MLLM_GENERATE = (
    Param("unstructured_data", (*STRINGS, "BINARY")),
    Param("prompt", STRINGS),
    Param("type", STRINGS, optional=True),
    _PARAMETERS,
)

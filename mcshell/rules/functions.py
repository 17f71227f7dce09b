"""Every check of a model function call against the catalog, in every mode (run and --check).

For each call in a SELECT, in text order: the model resolves (project, schema and public-model
rules), the caller may use it (Describe: the function pages name no privilege), the version
exists or is DEFAULT_VERSION, the function fits the model, and the arguments fit the signature
(rules/signatures.py) and the documented limits. A failure is a semantic error pointing at the
argument, as MaxCompute reports one: `FAILED: ODPS-0130071:[line,col] Semantic analysis exception - ...`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mcshell.catalog import PUBLIC_PROJECT, Model, Version
from mcshell.errors import McError, SemanticError, counted, shortened
from mcshell.rules import access, privileges, signatures
from mcshell.rules.columns import arg_type_in
from mcshell.rules.context import Context, find_model, find_version
from mcshell.rules.signatures import SIGNATURES, Param
from mcshell.rules.types import (
    EMPTY_ARRAY,
    accepts,
    base_type,
    constant_fits,
    described,
    is_empty_array,
    narrower_integer,
)
from mcshell.sql import statements as st
from mcshell.value import Value

TREE_TYPES = ("BOOSTED_TREE_CLASSIFIER", "BOOSTED_TREE_REGRESSOR")
GENERATIVE_TYPES = ("LLM", "MLLM")
EMBEDDING_TASK = "sentence-embedding"
# The AI function overview: "text-embedding-v4 and Qwen3-VL-8B-Instruct are not supported" (AI_CLASSIFY row).
_NOT_FOR_CLASSIFY = ("text-embedding-v4", "qwen3-vl-8b-instruct")
# How many constant labels each function takes (the function pages).
_LABEL_COUNTS = {"AI_CLASSIFY": (2, 20), "AI_EXTRACT": (1, 20), "AI_SENTIMENT": (1, 10)}


@dataclass(eq=False, repr=False)
class CheckedCall(Value):
    """A call that passed every check, with the model and the version it runs."""

    call: st.FunctionCall
    model: Model
    version: Version


def check_select(stmt: st.Select, ctx: Context, words: str = "SELECT") -> list[CheckedCall]:
    """Over tables, the tables and columns first (rules/columns.py), then each call against them."""
    types: tuple[str, ...] = ()
    if stmt.source == "tables":
        from mcshell.rules.columns import table_scope

        types = table_scope(stmt, ctx, words).types
    return [check_call(call, stmt, ctx, types) for call in stmt.calls]


def check_call(call: st.FunctionCall, stmt: st.Select, ctx: Context, types: tuple[str, ...] = ()) -> CheckedCall:
    """`types`: the type of each of the statement's column refs (`stmt.refs`), a SELECT over tables'."""
    model = _model(call, ctx)
    access.require_on_model(ctx, privileges.DESCRIBE, model)
    version = _version(call, model, ctx)
    _fits_model(call, model, version)
    typed = _Typed(stmt, types)
    if call.function == "ML_PREDICT":
        _check_inputs(call, model, version, typed)
    elif call.function == "AI_GENERATE" and model.model_type == "MLLM":
        _check_mllm(call, model, version, typed)
    else:
        _check_params(call, SIGNATURES[call.function].params, typed)
    _check_values(call, model.model_type == "MLLM")
    return CheckedCall(call, model, version)


# -- model and version ------------------------------------------------------------------------
def _model(call: st.FunctionCall, ctx: Context) -> Model:
    parts = call.model
    if not parts or len(parts) > 3:
        raise SemanticError(
            f"the first argument of {call.function} is the model, unquoted: {call.function}(<model>, <version>, ...)",
            call.model_offset,
        )
    if len(parts) == 1:
        ref = st.ModelRef(parts[0])
    elif len(parts) == 2:
        ref = st.ModelRef(parts[1], project=parts[0])
    else:
        ref = st.ModelRef(parts[2], project=parts[0], schema=parts[1])
    try:
        return find_model(ctx, access.resolve(ref, ctx, changes=False))
    except SemanticError:
        raise
    except McError as error:  # not found: a semantic error of the statement, at the argument
        raise SemanticError(error.message, call.model_offset) from None


def _version(call: st.FunctionCall, model: Model, ctx: Context) -> Version:
    if call.version is None:
        raise SemanticError(
            f"the second argument of {call.function} is the version: a version name or DEFAULT_VERSION",
            call.version_offset,
        )
    try:
        return find_version(ctx, model, call.version)
    except McError as error:
        raise SemanticError(error.message, call.version_offset) from None


def _name(model: Model) -> str:
    return f"{model.project}.{model.name}"


def _fits_model(call: st.FunctionCall, model: Model, version: Version) -> None:
    """ML_PREDICT takes a boosted tree, AI_EMBEDDING an embedding model, the others a REMOTE LLM/MLLM
    or a public model that is not an embedding model."""
    wanted = SIGNATURES[call.function].models
    what = f"{_name(model)} is a {model.source_type} {model.model_type} model"
    embedding = version.tasks == EMBEDDING_TASK
    if wanted == signatures.TREES:
        if model.model_type not in TREE_TYPES:
            raise SemanticError(f"ML_PREDICT needs a {' or '.join(TREE_TYPES)} model: {what}", call.model_offset)
        return
    if model.source_type != "REMOTE" or model.model_type not in GENERATIVE_TYPES:
        raise SemanticError(
            f"{call.function} needs a REMOTE LLM or MLLM model or a public model: {what}", call.model_offset
        )
    if wanted == signatures.EMBEDDING and not embedding:
        raise SemanticError(
            f"AI_EMBEDDING needs an embedding model (TASKS '{EMBEDDING_TASK}'): version {version.name} of "
            f"{_name(model)} has TASKS '{version.tasks}'",
            call.model_offset,
        )
    if wanted == signatures.GENERATIVE and embedding:
        raise SemanticError(
            f"{call.function} does not take an embedding model: {_name(model)} has TASKS '{EMBEDDING_TASK}' "
            "(use AI_EMBEDDING)",
            call.model_offset,
        )
    if call.function == "AI_CLASSIFY" and model.project == PUBLIC_PROJECT and model.name in _NOT_FOR_CLASSIFY:
        raise SemanticError(f"AI_CLASSIFY does not support the public model {model.name}", call.model_offset)


# -- arguments --------------------------------------------------------------------------------
@dataclass(eq=False, repr=False)
class _Typed(Value):
    """Where an argument's column types come from: the VALUES list's, or the tables' (`types`)."""

    stmt: st.Select
    types: tuple[str, ...]


def arg_type(arg: st.Arg, typed: _Typed) -> str:
    """An argument's MaxCompute type, "" when mcshell cannot know it (a column it could not place)."""
    stmt = typed.stmt
    if arg.kind == "column" and stmt.source in ("none", "values"):
        if arg.name not in stmt.columns:
            raise SemanticError(f"column {shortened(arg.name)} cannot be resolved", arg.offset)
        return stmt.columns[arg.name]
    return arg_type_in(arg, typed.types)


def _check_params(call: st.FunctionCall, params: tuple[Param, ...], typed: _Typed) -> None:
    required = sum(1 for p in params if not p.optional)
    if not required <= len(call.args) <= len(params):
        names = "".join(f" [, {p.name}]" if p.optional else f", {p.name}" for p in params)
        counts = f"{required + 2}" if required == len(params) else f"{required + 2} to {len(params) + 2}"
        raise SemanticError(
            f"{call.function} takes {counts} arguments (model, version{names}), found {len(call.args) + 2}",
            call.offset,
        )
    for param, arg in zip(params, call.args, strict=False):
        if is_empty_array(arg) and any(kind.startswith("ARRAY") for kind in param.types):
            continue  # its element count is checked with the constants (_check_values)
        found = arg_type(arg, typed)
        if not accepts(param.types, found, widen=False):
            raise SemanticError(
                f"{call.function}: {param.name} must be {_shown(param.types)}, found {described(arg, found)}",
                arg.offset,
            )


def _shown(types: tuple[str, ...]) -> str:
    """STRING for the string types, as the function pages write it: `STRING`, `STRING or BINARY`."""
    named = ["STRING" if kind in signatures.STRINGS else kind for kind in types]
    return " or ".join(dict.fromkeys(named))


def _check_inputs(call: st.FunctionCall, model: Model, version: Version, typed: _Typed) -> None:
    """ML_PREDICT: one value per INPUT column of the version, of a type MaxCompute converts to it."""
    inputs = version.inputs
    if len(call.args) != len(inputs):
        listed = ", ".join(f"{name} {kind}" for name, kind in inputs)
        raise SemanticError(
            f"ML_PREDICT: version {version.name} of {_name(model)} has {counted(len(inputs), 'INPUT column')} "
            f"({listed}), found {counted(len(call.args), 'value')}",
            call.offset,
        )
    for (name, column_type), arg in zip(inputs, call.args, strict=True):
        found = arg_type(arg, typed)
        fits = accepts((base_type(column_type),), found)
        if not fits and arg.kind == "constant" and narrower_integer(found, column_type):
            fits = constant_fits(arg, column_type)  # 1 for a TINYINT column
        if not fits:
            raise SemanticError(
                f"ML_PREDICT: INPUT column {name} of version {version.name} is {column_type}, "
                f"found {described(arg, found)}",
                arg.offset,
            )


def _check_mllm(call: st.FunctionCall, model: Model, version: Version, typed: _Typed) -> None:
    """AI_GENERATE on an MLLM: BINARY data needs a BINARY INPUT column; a URL needs its type."""
    _check_params(call, signatures.MLLM_GENERATE, typed)
    data = arg_type(call.args[0], typed)
    media = call.args[2] if len(call.args) > 2 else None
    if data == "BINARY":
        if not any(base_type(kind) == "BINARY" for _, kind in version.inputs):
            listed = ", ".join(f"{name} {kind}" for name, kind in version.inputs) or "none"
            raise SemanticError(
                f"AI_GENERATE with BINARY data needs a BINARY INPUT column in version {version.name} of "
                f"{_name(model)} (its INPUT: {listed})",
                call.args[0].offset,
            )
        if media is not None and not _is_media(media):
            media = None  # BINARY data: a third argument that is no type is the model_parameters
    elif data in signatures.STRINGS and media is None:
        raise SemanticError(
            f"AI_GENERATE with a URL needs the data's type after the prompt: {', '.join(signatures.MEDIA_TYPES)}",
            call.offset,
        )
    if media is not None and media.kind == "constant" and not _is_media(media):
        raise SemanticError(
            f"AI_GENERATE: type must be {', '.join(signatures.MEDIA_TYPES)}, found '{shortened(str(media.value))}'",
            media.offset,
        )


def _is_media(arg: st.Arg) -> bool:
    return arg.kind == "constant" and str(arg.value).upper() in signatures.MEDIA_TYPES


# -- constant values --------------------------------------------------------------------------
def _check_values(call: st.FunctionCall, mllm: bool) -> None:
    params = SIGNATURES[call.function].params
    for param, arg in zip(params, call.args, strict=False):
        if param.name in ("labels", "categories") and arg.kind == "array":
            low, high = _LABEL_COUNTS[call.function]
            if not low <= len(arg.items) <= high:
                count = EMPTY_ARRAY if is_empty_array(arg) else str(len(arg.items))
                raise SemanticError(
                    f"{call.function}: {param.name} must have {low} to {high} elements, found {count}", arg.offset
                )
        elif param.name == "max_words" and arg.kind == "null":
            raise SemanticError("AI_SUMMARIZE: max_words must not be NULL", arg.offset)
        elif param.name == "target_language" and arg.kind == "constant":
            if str(arg.value).lower() not in signatures.LANGUAGES:
                raise SemanticError(
                    f"AI_TRANSLATE: '{shortened(str(arg.value))}' is not a target language; use one of "
                    f"{', '.join(signatures.LANGUAGES)}",
                    arg.offset,
                )
    last = call.args[-1] if call.args else None
    if last is not None and last.kind == "constant" and _is_parameters(call, len(call.args), mllm):
        check_model_parameters(str(last.value), last.offset)


def _is_parameters(call: st.FunctionCall, count: int, mllm: bool) -> bool:
    """The last argument is model_parameters when the signature has it at that place."""
    params = SIGNATURES[call.function].params
    if call.function == "AI_GENERATE" and mllm:  # data, prompt, [type,] parameters
        return count == 4 or (count == 3 and not _is_media(call.args[2]))
    return bool(params) and count == len(params) and params[-1].name == "model_parameters"


def check_model_parameters(text: str, offset: int) -> None:
    """A JSON object; max_tokens a positive integer, temperature and top_p from 0 to 1."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise SemanticError(f"model_parameters is not JSON: {error}", offset) from None
    if not isinstance(value, dict):
        raise SemanticError("model_parameters must be a JSON object, e.g. '{\"max_tokens\": 500}'", offset)
    tokens = value.get("max_tokens")
    if "max_tokens" in value and (isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0):
        raise SemanticError(f"model_parameters: max_tokens must be a positive integer, found {tokens!r}", offset)
    for key in ("temperature", "top_p"):
        number = value.get(key)
        if key in value and (isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 <= number <= 1):
            raise SemanticError(f"model_parameters: {key} must be a number from 0 to 1, found {number!r}", offset)

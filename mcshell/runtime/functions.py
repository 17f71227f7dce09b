"""What each AI_* function asks the model for one row, and how the answer becomes the documented type.

`plan` reads a row's arguments (those after model and version) and gives the request to send, or None
when the documented NULL / empty-input rules give NULL without a call. Argument layouts and rules follow
section 1.8 of the MaxCompute notes; where the docs are silent the choice is marked in docs/runtime.md.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from mcshell.runtime import prompts
from mcshell.runtime.records import ModelCall
from mcshell.runtime.values import float_value, float_values

MEDIA_TYPES = ("IMAGE", "AUDIO", "VIDEO")
_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.DOTALL)


class ArgumentError(ValueError):
    """A row's arguments the function cannot use (the message says which)."""


@dataclass(frozen=True)
class Ask:
    kind: str  # "chat" or "embedding"
    content: object  # chat: a message's content (text or parts); embedding: the input text
    finish: Callable[[Any], object]  # the answer (text or vector) -> the function's value
    params: dict[str, object] = field(default_factory=dict)  # model_parameters, passed through


def answer_text(content: str) -> str:
    """The model's answer without a leading <think>...</think> block (Qwen3 writes one)."""
    return _THINKING.sub("", content, count=1).strip()


def _empty(value: object) -> bool:
    return value is None or value == ""


def _params(value: object) -> dict[str, object]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    try:
        parsed = json.loads(str(value))
    except ValueError:
        raise ArgumentError("model_parameters is not a JSON object") from None
    if not isinstance(parsed, dict):
        raise ArgumentError("model_parameters is not a JSON object")
    return parsed


def _labels(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ArgumentError("labels must be an ARRAY<STRING>")
    return [str(label) for label in value]


def _choose(answer: str, options: Sequence[str]) -> str | None:
    """The option the answer names: exactly (case and quotes aside), or the only option it contains."""
    said = answer.strip().strip("\"'`.!。 ").lower()
    for option in options:
        if said == option.lower():
            return option
    contained = [o for o in options if re.search(rf"(?<!\w){re.escape(o.lower())}(?!\w)", said)]
    return contained[0] if len(contained) == 1 else None


def _similarity(answer: str) -> float | None:
    found = _NUMBER.search(answer)
    if not found:
        return None
    value = float(found.group())
    if answer[found.end() : found.end() + 1] == "%":
        value /= 100
    return float_value(value) if 0 <= value <= 1 else None


def _extracted(answer: str, labels: Sequence[str]) -> str | None:
    fenced = _FENCE.match(answer.strip())
    try:
        parsed = json.loads(fenced.group(1) if fenced else answer)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    values = {label: parsed.get(label) for label in labels}
    return json.dumps(values, ensure_ascii=False)


def _media_part(data: object, kind: str) -> dict[str, object]:
    """An OpenAI-style content part for an MLLM: a URL as is, BINARY data as a base64 data URL."""
    kind = kind.upper()
    if isinstance(data, (bytes, bytearray, memoryview)):
        url = f"data:{_mime(bytes(data), kind)};base64,{base64.b64encode(bytes(data)).decode('ascii')}"
    else:
        url = str(data)
    part = {"IMAGE": "image_url", "VIDEO": "video_url", "AUDIO": "audio_url"}[kind]
    return {"type": part, part: {"url": url}}


def _mime(data: bytes, kind: str) -> str:
    for magic, mime in ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif")):
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return {"IMAGE": "image/*", "VIDEO": "video/*", "AUDIO": "audio/*"}[kind]


def _generate(call: ModelCall, args: Sequence[object]) -> Ask | None:
    if call.model_type.upper() != "MLLM":
        prompt, rest = (args[0] if args else None), args[1:]
        return None if _empty(prompt) else Ask("chat", str(prompt), answer_text, _params(rest[0] if rest else None))
    if len(args) < 2:
        raise ArgumentError("AI_GENERATE on an MLLM takes the data and a prompt")
    data, prompt, rest = args[0], args[1], list(args[2:])
    kind = "IMAGE"
    if rest and isinstance(rest[0], str) and rest[0].strip().upper() in MEDIA_TYPES:
        kind = str(rest.pop(0)).strip().upper()
    if _empty(data) or _empty(prompt):
        return None
    content = [_media_part(data, kind), {"type": "text", "text": str(prompt)}]
    return Ask("chat", content, answer_text, _params(rest[0] if rest else None))


def _classify(call: ModelCall, args: Sequence[object]) -> Ask | None:
    text, labels, params = _text_labels_params(args)
    if _empty(text) or not labels:
        return None
    return Ask("chat", prompts.classify(str(text), labels), lambda a: _choose(answer_text(a), labels), params)


def _extract(call: ModelCall, args: Sequence[object]) -> Ask | None:
    text, labels, params = _text_labels_params(args)
    if _empty(text) or not labels:
        return None
    return Ask("chat", prompts.extract(str(text), labels), lambda a: _extracted(answer_text(a), labels), params)


def _text_labels_params(args: Sequence[object]) -> tuple[str | None, list[str] | None, dict[str, object]]:
    if len(args) < 2:
        raise ArgumentError("the function takes an input and a list of labels")
    labels = _labels(args[1])
    labels = [label for label in labels if label != ""] if labels is not None else None
    text = None if args[0] is None else str(args[0])
    return text, labels, _params(args[2] if len(args) > 2 else None)


def _embedding(call: ModelCall, args: Sequence[object]) -> Ask | None:
    text = args[0] if args else None
    if _empty(text):
        return None
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise ArgumentError("BINARY input: the OpenAI-compatible embeddings API takes text only")
    return Ask("embedding", str(text), float_values, _params(args[1] if len(args) > 1 else None))


def _similarity_ask(call: ModelCall, args: Sequence[object]) -> Ask | None:
    if len(args) < 2:
        raise ArgumentError("AI_SIMILARITY takes two inputs")
    if args[0] is None or args[1] is None:
        return None
    prompt = prompts.similarity(str(args[0]), str(args[1]))
    return Ask("chat", prompt, lambda a: _similarity(answer_text(a)), _params(args[2] if len(args) > 2 else None))


def _sentiment(call: ModelCall, args: Sequence[object]) -> Ask | None:
    text, rest = (args[0] if args else None), list(args[1:])
    categories = list(prompts.DEFAULT_SENTIMENTS)
    if rest and (rest[0] is None or not isinstance(rest[0], str)):
        given = _labels(rest.pop(0))  # NULL categories: the defaults
        categories = given if given else categories
    if _empty(text):
        return None
    prompt = prompts.sentiment(str(text), categories)
    return Ask("chat", prompt, lambda a: _choose(answer_text(a), categories), _params(rest[0] if rest else None))


def _summarize(call: ModelCall, args: Sequence[object]) -> Ask | None:
    text, rest = (args[0] if args else None), list(args[1:])
    words = prompts.DEFAULT_SUMMARY_WORDS
    if rest and not isinstance(rest[0], str):
        given = rest.pop(0)
        if given is None:
            raise ArgumentError("max_words is NULL")
        words = int(cast(Any, given))
    if _empty(text):
        return None
    prompt = prompts.summarize(str(text), words)
    return Ask("chat", prompt, answer_text, _params(rest[0] if rest else None))


def _translate(call: ModelCall, args: Sequence[object]) -> Ask | None:
    if len(args) < 2:
        raise ArgumentError("AI_TRANSLATE takes an input and a target language")
    text, target = args[0], args[1]
    if _empty(text) or _empty(target):
        return None
    prompt = prompts.translate(str(text), str(target))
    return Ask("chat", prompt, answer_text, _params(args[2] if len(args) > 2 else None))


PLANS: dict[str, Callable[[ModelCall, Sequence[object]], Ask | None]] = {
    "AI_GENERATE": _generate,
    "AI_CLASSIFY": _classify,
    "AI_EXTRACT": _extract,
    "AI_EMBEDDING": _embedding,
    "AI_SIMILARITY": _similarity_ask,
    "AI_SENTIMENT": _sentiment,
    "AI_SUMMARIZE": _summarize,
    "AI_TRANSLATE": _translate,
}


def plan(call: ModelCall, args: Sequence[object]) -> Ask | None:
    """The request one row needs, or None when the documented rules give NULL without a call."""
    return PLANS[call.function](call, args)

"""The prompt mcshell sends for each AI_* function (docs/runtime.md shows them; mcshell's decision: the
MaxCompute docs do not publish theirs). Each is one user message; AI_GENERATE sends the caller's prompt as is.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_SENTIMENTS = ("positive", "negative", "neutral", "mixed")
DEFAULT_SUMMARY_WORDS = 50
LANGUAGES = {
    "zh": "Chinese",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "ar": "Arabic",
    "pt": "Portuguese",
}


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names)


def classify(text: str, labels: Sequence[str]) -> str:
    return (
        f"Classify the text below into exactly one of these labels: {_listed(labels)}.\n"
        "Answer with the label only, nothing else.\n\n"
        f"Text:\n{text}"
    )


def extract(text: str, labels: Sequence[str]) -> str:
    return (
        f"Extract these fields from the text below: {_listed(labels)}.\n"
        "Answer with one JSON object only: its keys are exactly these field names, each value is the text "
        "found for that field, or null when the text does not give it.\n\n"
        f"Text:\n{text}"
    )


def similarity(first: str, second: str) -> str:
    return (
        "Rate how similar in meaning the two texts below are, as a number from 0 (unrelated) "
        "to 1 (the same meaning).\nAnswer with the number only.\n\n"
        f"Text 1:\n{first}\n\nText 2:\n{second}"
    )


def sentiment(text: str, categories: Sequence[str]) -> str:
    return (
        f"Classify the sentiment of the text below as exactly one of: {_listed(categories)}.\n"
        "Answer with that word only.\n\n"
        f"Text:\n{text}"
    )


def summarize(text: str, max_words: int) -> str:
    limit = f" in at most {max_words} words" if max_words > 0 else ""
    return f"Summarize the text below{limit}.\nAnswer with the summary only.\n\nText:\n{text}"


def translate(text: str, target: str) -> str:
    code = target.strip().lower()
    language = f"{LANGUAGES[code]} ({code})" if code in LANGUAGES else target
    return f"Translate the text below into {language}.\nAnswer with the translation only.\n\nText:\n{text}"

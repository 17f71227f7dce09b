"""docs/runtime.md shows the prompts exactly as mcshell builds them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mcshell.runtime import prompts

DOC = (Path(__file__).resolve().parents[2] / "docs" / "runtime.md").read_text()
SHOWN = dict(re.findall(r"```prompt (\w+)\n(.*?)\n```", DOC, re.DOTALL))
BUILT = {
    "AI_CLASSIFY": prompts.classify("<input>", ["<label1>", "<label2>"]),
    "AI_EXTRACT": prompts.extract("<input>", ["<label1>", "<label2>"]),
    "AI_SIMILARITY": prompts.similarity("<input1>", "<input2>"),
    "AI_SENTIMENT": prompts.sentiment("<input>", prompts.DEFAULT_SENTIMENTS),
    "AI_SUMMARIZE": prompts.summarize("<input>", prompts.DEFAULT_SUMMARY_WORDS),
    "AI_TRANSLATE": prompts.translate("<input>", "en"),
}


@pytest.mark.parametrize("function", sorted(BUILT))
def test_the_page_shows_the_prompt_the_code_builds(function):
    assert SHOWN[function] == BUILT[function]


def test_every_prompt_shown_is_tested():
    assert set(SHOWN) == set(BUILT)

"""Completion in a SELECT: the model functions' names, and model and version names inside them."""

from __future__ import annotations

import pytest
from test_completion import SCRIPT, _session, offered

from mcshell.repl.completion import SessionNames


@pytest.fixture(scope="module")
def names(tmp_path_factory):
    session = _session(str(tmp_path_factory.mktemp("catalog") / "catalog.db"))
    assert session.run_script(SCRIPT.splitlines(keepends=True)) == 0, session.console.err.getvalue()
    yield SessionNames(session)
    session.close()


def test_function_names(names):
    assert offered("SELECT AI_S", names) == ["AI_SIMILARITY", "AI_SENTIMENT", "AI_SUMMARIZE"]
    assert offered("SELECT id, ml_", names) == ["ml_predict"]
    assert offered("SELECT x FROM t WHERE AI_CL", names) == ["AI_CLASSIFY"]


def test_models_as_the_first_argument(names):
    assert offered("SELECT ML_PREDICT(ch", names) == ["chat_bot", "churn"]
    assert offered("SELECT AI_GENERATE(other_project.", names) == ["elsewhere"]
    public = offered("SELECT AI_EMBEDDING(bigdata_public_modelset.default.text", names)
    assert public == ["`text-embedding-v4`"]


def test_versions_of_the_model_named_as_the_second_argument(names):
    assert offered("SELECT AI_GENERATE(chat_bot, ", names) == ["2024a", "v1", "v2", "DEFAULT_VERSION"]
    assert offered("SELECT AI_GENERATE(chat_bot, v", names) == ["v1", "v2"]
    assert offered("SELECT ML_PREDICT(churn, d", names) == ["default_version"]
    assert offered("SELECT upper(AI_SUMMARIZE(chat_bot, v1, AI_TRANSLATE(other_project.elsewhere, ", names) == [
        "e1", "DEFAULT_VERSION",
    ]  # fmt: skip


def test_nothing_is_offered_for_the_other_arguments(names):
    assert offered("SELECT AI_GENERATE(chat_bot, v1, ", names) == []
    assert offered("SELECT upper(", names) == []


def test_help_knows_the_functions(names):
    assert offered("HELP AI_E", names) == ["AI_EXTRACT", "AI_EMBEDDING"]

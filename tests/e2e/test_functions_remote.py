"""The AI_* functions through the whole shell, against the OpenAI-compatible stand-in on loopback
(tests/standin.py): only with --invoke, the APIKEY only in the Authorization header, public models
only with --public-endpoint. No test reaches the network."""

from __future__ import annotations

import pytest
from standin import StandIn

APIKEY = "5ecre7apikey0123456789abcdef0123456789ab"
PUBLIC = "bigdata_public_modelset.default"


def remote_model(name: str, url: str, tasks: str = "chat", model_type: str = "LLM") -> str:
    return (
        f"CREATE MODEL {name} WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = '{model_type}', "
        f"TASKS = '{tasks}', PAI_EAS_MODEL_NAME = 'Qwen3-8B', PAI_EAS_SERVICE_NAME = '{name}_service', "
        f"ENDPOINT = '{url}', APIKEY = '{APIKEY}', PAI_EAS_SYNC_MODE = 'true');\n"
    )


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def remote(shell, standin):
    """A REMOTE chat model and a REMOTE embedding model whose ENDPOINT is the stand-in."""
    script = remote_model("chat", standin.url) + remote_model("embed", standin.url, "sentence-embedding")
    created = shell("-f", "-", stdin=script)
    assert created.status == 0, created.stderr
    return standin


def cells(stdout: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")[1:-1]] for line in stdout.splitlines() if line.startswith("| ")]


def test_without_invoke_no_request_leaves_mcshell(shell, remote):
    for sql in (
        "SELECT AI_SENTIMENT(chat, v1, 'The delivery was fast');",
        f"SELECT AI_EMBEDDING({PUBLIC}.`text-embedding-v4`, DEFAULT_VERSION, 'x');",
    ):
        run = shell("--public-endpoint", remote.url, "-e", sql)
        assert run.status == 1
        assert "mcshell sends no request without --invoke (or MCSHELL_INVOKE=1)" in run.stderr
    run = shell("-e", "SELECT AI_SENTIMENT(chat, v1, 'x');")
    assert run.stderr == (
        "FAILED: ODPS-0130071:[1,8] Semantic analysis exception - AI_SENTIMENT would call version v1 of "
        f"my_project.chat ({remote.url}): mcshell sends no request without --invoke (or MCSHELL_INVOKE=1)\n"
    )
    assert remote.requests == []


def test_with_invoke_the_call_goes_to_pai_eas_with_the_apikey_in_the_header_only(shell, remote):
    remote.chat = lambda prompt: "positive"
    sql = "SELECT txt, AI_SENTIMENT(chat, DEFAULT_VERSION, txt) AS s FROM VALUES ('fast delivery'), (NULL) t(txt);"
    run = shell("--invoke", "--debug", "-e", sql)
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert cells(run.stdout) == [["txt", "s"], ["fast delivery", "positive"], ["NULL", "NULL"]]
    (request,) = remote.requests  # NULL input: NULL, and no request
    assert request.path == "/api/predict/chat_service/v1/chat/completions"
    assert request.headers["Authorization"] == APIKEY
    assert request.json["model"] == "Qwen3-8B"
    assert APIKEY not in request.body.decode() and APIKEY not in request.path
    assert APIKEY not in run.stdout + run.raw_stderr


def test_mcshell_invoke_in_the_environment(shell, remote, monkeypatch):
    monkeypatch.setenv("MCSHELL_INVOKE", "1")
    run = shell("-e", "SELECT AI_TRANSLATE(chat, v1, 'Good morning', 'zh') AS t;")
    assert run.status == 0, run.stderr
    assert len(remote.requests) == 1


def test_a_broken_endpoint_is_one_failed_line_naming_model_version_and_endpoint(shell, remote):
    remote.fault = "http500"
    run = shell("--invoke", "--debug", "--continue-on-error", "-e", "SELECT AI_GENERATE(chat, v1, 'hi'); WHOAMI;")
    failed, ok = run.verdicts
    assert failed.startswith("FAILED: ODPS-0123131: User defined function exception - AI_GENERATE(my_project.chat, v1)")
    assert f"{remote.url}/api/predict/chat_service/v1/chat/completions" in failed
    assert ok == "OK" and run.status == 1
    assert "Traceback" not in run.raw_stderr and APIKEY not in run.stdout + run.raw_stderr


def test_public_models_run_with_invoke_and_a_public_endpoint(shell, standin):
    sql = f"SELECT AI_EMBEDDING({PUBLIC}.`text-embedding-v4`, DEFAULT_VERSION, 'MaxCompute') AS EMBEDDING;"
    refused = shell("--invoke", "-e", sql)
    assert "give --public-endpoint URL" in refused.stderr and refused.status == 1
    run = shell("--invoke", "--public-endpoint", standin.url, "-e", sql)
    assert run.status == 0, run.stderr
    (header, (vector,)) = cells(run.stdout)
    assert header == ["embedding"]
    assert vector.startswith("[") and vector.endswith("]") and len(vector.split(", ")) == standin.dimensions
    (request,) = standin.requests
    assert request.path == "/v1/embeddings" and request.json["model"] == "text-embedding-v4"
    assert "Authorization" not in request.headers


def test_ai_similarity_gives_a_float(shell, standin):
    standin.chat = lambda prompt: "0.75"
    sql = f"SELECT AI_SIMILARITY({PUBLIC}.`qwen3-max`, DEFAULT_VERSION, 'I like cats', 'I love cats') AS score;"
    run = shell("--invoke", "--public-endpoint", standin.url, "-e", sql)
    assert run.stdout == "+-------+\n| score |\n+-------+\n| 0.75  |\n+-------+\n"


def test_check_makes_no_request_even_with_invoke(shell, remote):
    run = shell("--check", "--invoke", "-e", "SELECT AI_GENERATE(chat, v1, 'hi');")
    assert run.status == 0
    assert remote.requests == []


# -- issue 19, item 13: a model is called for the rows that need it, no more ------------------------------
def _values(texts):
    return ", ".join(f"({i}, '{text}')" for i, text in enumerate(texts, 1))


def test_limit_cuts_the_rows_before_the_select_lists_calls(shell, remote):
    remote.chat = lambda prompt: "neutral"
    rows = _values(f"review {i}" for i in range(30))
    run = shell("--invoke", "-e", f"SELECT id, AI_SENTIMENT(chat, v1, txt) AS s FROM VALUES {rows} t(id, txt) LIMIT 1;")
    assert cells(run.stdout) == [["id", "s"], ["1", "neutral"]]
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert len(remote.requests) == 1  # not 30


def test_a_where_on_a_models_result_calls_it_only_for_the_rows_the_other_conjuncts_keep(shell, remote):
    remote.chat = lambda prompt: "positive" if "good" in prompt else "negative"
    rows = _values(["good a", "bad b", "good c", "bad d", "good e"])
    sql = (
        f"SELECT id, AI_SENTIMENT(chat, v1, txt) AS s FROM VALUES {rows} t(id, txt) "
        "WHERE id > 1 AND AI_SENTIMENT(chat, v1, txt) = 'positive';"
    )
    run = shell("--invoke", "-e", sql)
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert cells(run.stdout) == [["id", "s"], ["3", "positive"], ["5", "positive"]]
    asked = [request.prompt for request in remote.requests]
    assert len(asked) == 6  # the WHERE's call for rows 2 to 5, the select list's for rows 3 and 5 (not 10)
    assert [any(text in prompt for prompt in asked) for text in ("good a", "bad b", "good c")] == [False, True, True]


def test_limit_does_not_cut_before_an_order_by_that_reads_the_calls(shell, remote):
    remote.chat = lambda prompt: "positive" if "good" in prompt else "negative"
    rows = _values(["good a", "bad b", "good c"])
    sql = f"SELECT id, AI_SENTIMENT(chat, v1, txt) AS s FROM VALUES {rows} t(id, txt) ORDER BY s, id LIMIT 1;"
    run = shell("--invoke", "-e", sql)
    assert cells(run.stdout) == [["id", "s"], ["2", "negative"]]
    assert len(remote.requests) == 3


def test_a_float_result_compares_by_its_32_bit_value(shell, standin):
    # 0.85 as a FLOAT is 0.85000002384185791015625: above the DOUBLE 0.85, as MaxCompute widens it.
    standin.chat = lambda prompt: "0.85"
    call = f"AI_SIMILARITY({PUBLIC}.`qwen3-max`, DEFAULT_VERSION, 'I like cats', 'I love cats')"
    run = shell("--invoke", "--public-endpoint", standin.url, "-e", f"SELECT {call} AS s, {call} > 0.85 AS above;")
    assert cells(run.stdout) == [["s", "above"], ["0.85", "true"]]
    refused = shell("--invoke", "--public-endpoint", standin.url, "-e", f"SELECT {call} + 1;")
    assert "mcshell does not run this SELECT locally: + on a FLOAT result value is not run locally" in refused.stderr

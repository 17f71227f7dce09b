"""The AI_* functions against the OpenAI-compatible stand-in on loopback: what is sent, what comes back."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from standin import StandIn, vector_for

from mcshell.errors import RuntimeCallError
from mcshell.output import report
from mcshell.runtime import prompts
from mcshell.runtime.calls import ModelCall, Runtime, RuntimeSettings
from mcshell.runtime.values import float_text, to_float32

APIKEY = "sk-Secret-0123456789abcdef"
MASKED = "********cdef"


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


def remote(server_url: str, function: str = "AI_GENERATE", model_type: str = "LLM", **options) -> ModelCall:
    written = {
        "ENDPOINT": server_url,
        "PAI_EAS_SERVICE_NAME": "qwen_svc",
        "PAI_EAS_MODEL_NAME": "Qwen3-8B",
        "APIKEY": APIKEY,
        **options,
    }
    return ModelCall(
        function=function,
        project="team_a",
        model="writer",
        version="v2",
        model_type=model_type,
        source_type="REMOTE",
        public=False,
        location="",
        options={k: v for k, v in written.items() if v is not None},
        inputs=(("prompt", "STRING"),),
        tasks="text-generation",
    )


def public(function: str, model: str = "qwen3-max") -> ModelCall:
    return ModelCall(function, "bigdata_public_modelset", model, "v1", "LLM", "", True, "", {}, (), "")


def invoking(**settings) -> Runtime:
    return Runtime(RuntimeSettings(invoke=True, **settings))


def test_a_chat_call_goes_where_pai_eas_serves_it_with_the_key_in_the_authorization_header(standin):
    call = remote(standin.url)
    params = '{"max_tokens": 500, "temperature": 0.6, "top_p": 0.95}'
    assert invoking().run(call, [("Write a slogan", params)]) == ["echo: Write a slogan"]
    (request,) = standin.requests
    assert request.path == "/api/predict/qwen_svc/v1/chat/completions"
    assert request.headers["Authorization"] == APIKEY
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {
        "max_tokens": 500,
        "temperature": 0.6,
        "top_p": 0.95,
        "messages": [{"role": "user", "content": "Write a slogan"}],
        "stream": False,
        "model": "Qwen3-8B",
    }


def test_the_apikey_reaches_the_endpoint_only_in_the_authorization_header(standin):
    invoking().run(remote(standin.url, "AI_EMBEDDING"), [("some text",)])
    invoking().run(remote(standin.url), [(f"say {MASKED}",)])
    for request in standin.requests:
        others = {name: value for name, value in request.headers.items() if name != "Authorization"}
        assert APIKEY not in request.path + json.dumps(others) + request.body.decode()
        assert request.headers["Authorization"] == APIKEY


def test_an_endpoint_already_naming_the_service_path_is_not_doubled(standin):
    call = remote(standin.url + "/api/predict/qwen_svc/")
    invoking().run(call, [("hi",)])
    assert standin.requests[0].path == "/api/predict/qwen_svc/v1/chat/completions"


def test_without_invoke_nothing_leaves_and_the_error_says_what_would_let_it_run(standin):
    with pytest.raises(RuntimeCallError) as failed:
        Runtime(RuntimeSettings()).run(remote(standin.url), [("hi",)])
    assert str(failed.value) == (
        f"AI_GENERATE(team_a.writer, v2): calling {standin.url}/api/predict/qwen_svc"
        " needs --invoke (or MCSHELL_INVOKE=1)"
    )
    with pytest.raises(RuntimeCallError, match="needs --invoke"):
        Runtime(RuntimeSettings(public_endpoint=standin.url)).run(public("AI_CLASSIFY"), [("x", ["a", "b"])])
    with pytest.raises(RuntimeCallError, match="needs --invoke"):
        Runtime(RuntimeSettings()).run(remote(standin.url), [(None,)])  # even where the rows need no call
    assert standin.requests == []


def test_a_public_model_runs_on_the_public_endpoint_under_its_own_name(standin):
    standin.chat = lambda prompt: "positive"
    result = invoking(public_endpoint=standin.url + "/v1").run(public("AI_SENTIMENT"), [("I love it",)])
    assert result == ["positive"]
    (request,) = standin.requests
    assert request.path == "/v1/chat/completions"
    assert "Authorization" not in request.headers
    assert request.json["model"] == "qwen3-max"
    assert request.json["max_tokens"] == 4096


def test_a_public_model_without_a_public_endpoint_says_what_it_needs():
    with pytest.raises(RuntimeCallError) as failed:
        invoking().run(public("AI_SUMMARIZE"), [("text",)])
    assert str(failed.value) == (
        "AI_SUMMARIZE(bigdata_public_modelset.qwen3-max, v1): a public model runs only with --invoke and"
        " --public-endpoint URL"
    )


def test_ai_classify_gives_one_of_the_labels_or_null(standin):
    answers = {"good phone": "Electronics", "tasty": " <think>\nfood?\n</think>\n\n'food'.", "what": "no idea"}
    standin.chat = lambda prompt: answers[prompt.rsplit("\n", 1)[1]]
    labels = ["electronics", "food", "clothes"]
    rows = [("good phone", labels), ("tasty", labels), ("what", labels)]
    assert invoking().run(remote(standin.url, "AI_CLASSIFY"), rows) == ["electronics", "food", None]
    assert standin.requests[0].prompt == prompts.classify("good phone", labels)
    assert standin.requests[0].prompt == (
        "Classify the text below into exactly one of these labels: electronics, food, clothes.\n"
        "Answer with the label only, nothing else.\n\nText:\ngood phone"
    )


@pytest.mark.parametrize(
    ("function", "row"),
    [
        ("AI_CLASSIFY", (None, ["a", "b"])),
        ("AI_CLASSIFY", ("", ["a", "b"])),
        ("AI_CLASSIFY", ("text", None)),
        ("AI_EXTRACT", (None, ["name"])),
        ("AI_EXTRACT", ("", ["name"])),
        ("AI_EXTRACT", ("text", None)),
        ("AI_EMBEDDING", (None,)),
        ("AI_EMBEDDING", ("",)),
        ("AI_SIMILARITY", (None, "b")),
        ("AI_SIMILARITY", ("a", None)),
        ("AI_SENTIMENT", (None,)),
        ("AI_SENTIMENT", ("",)),
        ("AI_SUMMARIZE", ("", 20)),
        ("AI_TRANSLATE", (None, "en")),
        ("AI_GENERATE", (None,)),
    ],
)
def test_the_documented_null_and_empty_inputs_give_null_without_a_call(standin, function, row):
    assert invoking().run(remote(standin.url, function), [row]) == [None]
    assert standin.requests == []


def test_ai_extract_gives_a_json_string_with_null_for_labels_not_found(standin):
    standin.chat = lambda prompt: '```json\n{"name": "Li Lei", "city": null, "extra": 1}\n```'
    (result,) = invoking().run(remote(standin.url, "AI_EXTRACT"), [("Li Lei lives here", ["name", "city", "age"])])
    assert result == '{"name": "Li Lei", "city": null, "age": null}'
    standin.chat = lambda prompt: "not json at all"
    assert invoking().run(remote(standin.url, "AI_EXTRACT"), [("x", ["name"])]) == [None]


def test_ai_embedding_gives_float_vectors_in_batches_of_ten(standin):
    rows = [(f"text {i}",) for i in range(12)] + [(None,)]
    results = invoking().run(remote(standin.url, "AI_EMBEDDING"), rows)
    assert results[:12] == [[float(float_text(x)) for x in vector_for(f"text {i}")] for i in range(12)]
    # each value is a FLOAT (what it reads back as) printed by its shortest decimal
    assert all(to_float32(v) == to_float32(x) for v, x in zip(results[0], vector_for("text 0"), strict=True))
    assert all(repr(v) == float_text(v) for v in results[0] if 1e-3 <= abs(v) < 1e7)
    assert results[12] is None
    assert [r.path for r in standin.requests] == ["/api/predict/qwen_svc/v1/embeddings"] * 2
    assert [len(r.json["input"]) for r in standin.requests] == [10, 2]
    assert standin.requests[0].json["model"] == "Qwen3-8B"


def test_ai_similarity_gives_a_float_between_0_and_1_or_null(standin):
    answers = iter(["0.75", "Similarity: 85%", "7 out of 10", "none"])
    standin.chat = lambda prompt: next(answers)
    rows = [("a", "b")] * 4
    assert invoking().run(remote(standin.url, "AI_SIMILARITY"), rows) == [0.75, 0.85, None, None]


def test_ai_sentiment_uses_the_default_categories_or_the_given_ones(standin):
    standin.chat = lambda prompt: "Mixed"
    call = remote(standin.url, "AI_SENTIMENT")
    assert invoking().run(call, [("ok but slow",), ("ok", None), ("ok", ["happy", "sad"])]) == ["mixed", "mixed", None]
    assert standin.requests[0].prompt == prompts.sentiment("ok but slow", prompts.DEFAULT_SENTIMENTS)
    assert "happy, sad" in standin.requests[2].prompt


def test_ai_summarize_asks_for_the_word_limit(standin):
    call = remote(standin.url, "AI_SUMMARIZE")
    invoking().run(call, [("long text",), ("long text", 20), ("long text", 0), ("long text", '{"max_tokens": 9}')])
    assert [r.prompt.split("\n")[0] for r in standin.requests] == [
        "Summarize the text below in at most 50 words.",
        "Summarize the text below in at most 20 words.",
        "Summarize the text below.",
        "Summarize the text below in at most 50 words.",
    ]
    assert standin.requests[3].json["max_tokens"] == 9


def test_a_null_max_words_is_an_error(standin):
    with pytest.raises(RuntimeCallError, match=r"row 1: max_words is NULL"):
        invoking().run(remote(standin.url, "AI_SUMMARIZE"), [("text", None)])
    assert standin.requests == []


def test_ai_translate_names_the_target_language(standin):
    invoking().run(remote(standin.url, "AI_TRANSLATE"), [("你好", "en")])
    assert standin.requests[0].prompt == prompts.translate("你好", "en")
    assert standin.requests[0].prompt.startswith("Translate the text below into English (en).")


def test_ai_generate_on_an_mllm_sends_the_media_with_the_prompt(standin):
    call = remote(standin.url, "AI_GENERATE", model_type="MLLM")
    png = b"\x89PNG\r\n\x1a\n" + bytes(20)
    invoking().run(call, [("https://oss.example/a.jpg", "Describe it", "IMAGE"), (png, "Describe it")])
    first, second = (r.json["messages"][0]["content"] for r in standin.requests)
    assert first == [
        {"type": "image_url", "image_url": {"url": "https://oss.example/a.jpg"}},
        {"type": "text", "text": "Describe it"},
    ]
    assert second[0]["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(png).decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_failure(call, expected: str, runtime: Runtime | None = None):
    with pytest.raises(RuntimeCallError) as failed:
        (runtime or invoking()).run(call, [("hi",)])
    message = str(failed.value)
    assert message == expected
    assert APIKEY not in message
    assert report.failed(failed.value).startswith("FAILED: ODPS-0123131: User defined function exception - ")


def test_a_refused_connection_names_model_version_and_endpoint():
    url = f"http://127.0.0.1:{free_port()}"
    assert_failure(
        remote(url),
        f"AI_GENERATE(team_a.writer, v2): connection refused (endpoint {url}/api/predict/qwen_svc/v1/chat/completions)",
    )


def test_a_slow_endpoint_times_out_after_pai_eas_sync_request_timeout(standin):
    standin.fault, standin.delay = "slow", 1.5
    where = f"{standin.url}/api/predict/qwen_svc/v1/chat/completions"
    assert_failure(
        remote(standin.url, PAI_EAS_SYNC_REQUEST_TIMEOUT="200"),
        f"AI_GENERATE(team_a.writer, v2): no answer within 200 ms (endpoint {where})",
    )


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("http500", 'HTTP 500 Internal Server Error: {"error": {"message": "the model crashed"}}'),
        ("bad_json", 'the answer is not JSON: {"choices": [{"message":'),
        ("not_openai", "the answer is not a chat completion (no choices[0].message.content)"),
        ("drop", "the connection closed before a complete answer"),
    ],
)
def test_a_broken_endpoint_gives_one_line_naming_model_version_and_endpoint(standin, fault, reason):
    standin.fault = fault
    where = f"{standin.url}/api/predict/qwen_svc/v1/chat/completions"
    assert_failure(remote(standin.url), f"AI_GENERATE(team_a.writer, v2): {reason} (endpoint {where})")


def test_an_error_body_that_repeats_the_apikey_is_masked(standin):
    standin.fault = None
    standin.chat = lambda prompt: (_ for _ in ()).throw(AssertionError)  # never reached: 401 below
    standin.answer = lambda request: (401, f'{{"error": "bad token {APIKEY}"}}'.encode())
    with pytest.raises(RuntimeCallError) as failed:
        invoking().run(remote(standin.url), [("hi",)])
    assert APIKEY not in str(failed.value)
    assert f'HTTP 401 Unauthorized: {{"error": "bad token {MASKED}"}}' in str(failed.value)


def test_an_embedding_answer_of_the_wrong_shape_is_an_error(standin):
    standin.fault = "not_openai"
    with pytest.raises(RuntimeCallError, match=r"the answer is not an embedding list \(no data\[\]\.embedding\)"):
        invoking().run(remote(standin.url, "AI_EMBEDDING"), [("text",)])


@pytest.mark.parametrize("written", ["abc", "0", "-5"])
def test_a_timeout_that_is_no_positive_number_is_an_error(standin, written):
    with pytest.raises(RuntimeCallError, match="PAI_EAS_SYNC_REQUEST_TIMEOUT"):
        invoking().run(remote(standin.url, PAI_EAS_SYNC_REQUEST_TIMEOUT=written), [("hi",)])
    assert standin.requests == []


def test_a_version_without_endpoint_says_so(standin):
    with pytest.raises(RuntimeCallError, match="the version has no ENDPOINT and PAI_EAS_SERVICE_NAME to call"):
        invoking().run(remote(standin.url, ENDPOINT=None), [("hi",)])


def test_invalid_model_parameters_are_an_error_before_any_call(standin):
    with pytest.raises(RuntimeCallError, match="row 2: model_parameters is not a JSON object"):
        invoking().run(remote(standin.url), [("hi", None), ("hi", "[1, 2]")])
    assert standin.requests == []


def test_the_standin_runs_alone_for_manual_tries():
    script = Path(__file__).resolve().parents[1] / "standin.py"
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("stand-in listening on http://127.0.0.1:")
        url = line.split()[3]
        assert invoking().run(remote(url, "AI_TRANSLATE"), [("hola", "en")]) == [
            "echo: " + prompts.translate("hola", "en")
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_function_that_calls_no_model_is_refused():
    call = ModelCall("UPPER", "team_a", "m", "v1", "LLM", "REMOTE", False, "", {}, (), "")
    with pytest.raises(RuntimeCallError, match="UPPER is not a function that calls a model"):
        invoking().run(call, [("x",)])

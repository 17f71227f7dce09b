"""The AI_* functions: OpenAI-compatible calls to the PAI-EAS service a REMOTE version names, or to the
--public-endpoint server for the public models.

PAI-EAS serves an LLM under `<ENDPOINT>/api/predict/<PAI_EAS_SERVICE_NAME>`, OpenAI-compatible
(`/v1/chat/completions`, `/v1/embeddings`), with the service token sent as `Authorization: <token>`. The
APIKEY goes in that header only: never in a URL, a body or a message (every message is masked anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mcshell.errors import RuntimeCallError, counted
from mcshell.runtime.functions import ArgumentError, Ask, plan
from mcshell.runtime.http import HttpFailure, post_json
from mcshell.runtime.records import ModelCall, RuntimeSettings

DEFAULT_TIMEOUT_MS = 5000
PUBLIC_MAX_TOKENS = 4096  # the documented default for public models
EMBEDDING_BATCH = 10  # inputs per /v1/embeddings request (DashScope's limit for text-embedding-v4)


@dataclass(frozen=True)
class Target:
    base: str  # the URL that /v1/chat/completions and /v1/embeddings are appended to
    model_name: str
    timeout: float  # seconds
    headers: dict[str, str] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()
    defaults: dict[str, object] = field(default_factory=dict)


def _name(call: ModelCall) -> str:
    return f"{call.function}({call.project}.{call.model}, {call.version})"


def _fail(call: ModelCall, reason: str, where: str = "", secrets: frozenset[str] = frozenset()) -> RuntimeCallError:
    text = f"{_name(call)}: {reason}" + (f" (endpoint {where})" if where else "")
    return RuntimeCallError(_masked(text, secrets))


def _masked_key(apikey: str) -> bool:
    from mcshell.output.masking import is_masked

    return is_masked(apikey)


def _masked(text: str, secrets: frozenset[str]) -> str:
    """`text` with each APIKEY masked as DESC masks it. mcshell never writes the key into a message; only an
    endpoint's own error body might quote it, so the masking rule is imported only then (output/masking.py
    reads SQL with the dialect's tokenizer, which this package does not otherwise need)."""
    present = [secret for secret in secrets if secret and secret in text]
    if not present:
        return text
    from mcshell.output.masking import mask_secrets

    return mask_secrets(text, set(present))


def _timeout(call: ModelCall) -> float:
    written = call.options.get("PAI_EAS_SYNC_REQUEST_TIMEOUT", "").strip()
    if not written:
        return DEFAULT_TIMEOUT_MS / 1000
    if not written.isdigit() or int(written) == 0:
        raise _fail(call, f"PAI_EAS_SYNC_REQUEST_TIMEOUT {written!r} is not a positive number of milliseconds")
    return int(written) / 1000


def target_for(settings: RuntimeSettings, call: ModelCall) -> Target:
    """Where a call goes, refusing before any request when the settings do not allow one."""
    if call.public:
        if not settings.public_endpoint:
            raise _fail(call, "a public model runs only with --invoke and --public-endpoint URL")
        if not settings.invoke:
            raise _fail(call, f"calling {settings.public_endpoint} needs --invoke (or MCSHELL_INVOKE=1)")
        base = settings.public_endpoint.rstrip("/")  # an http(s) URL: checked on the command line
        base = base[: -len("/v1")] if base.endswith("/v1") else base
        return Target(base, call.model, DEFAULT_TIMEOUT_MS / 1000, defaults={"max_tokens": PUBLIC_MAX_TOKENS})
    apikey = call.options.get("APIKEY", "")
    secrets = frozenset({apikey}) if apikey else frozenset()
    endpoint = call.options.get("ENDPOINT", "").strip()
    service = call.options.get("PAI_EAS_SERVICE_NAME", "").strip()
    if not endpoint or not service:
        raise _fail(call, "the version has no ENDPOINT and PAI_EAS_SERVICE_NAME to call", secrets=secrets)
    base = endpoint.rstrip("/")  # an http(s) URL: checked by CREATE MODEL and ADD VERSION
    suffix = f"/api/predict/{service}"
    base = base if base.endswith(suffix) else base + suffix
    if not settings.invoke:
        raise _fail(call, f"calling {base} needs --invoke (or MCSHELL_INVOKE=1)", secrets=secrets)
    if apikey and _masked_key(apikey):
        raise _fail(call, f"its APIKEY {apikey} was pulled (or restored from a dump) masked, as DESC shows it, and "
                    "is not known here: set the key with ADD VERSION to call the endpoint")  # fmt: skip
    headers = {"Authorization": apikey} if apikey else {}
    model_name = call.options.get("PAI_EAS_MODEL_NAME", "")
    return Target(base, model_name, _timeout(call), headers, secrets)


def _post(call: ModelCall, target: Target, path: str, payload: dict[str, object]) -> object:
    url = target.base + path
    try:
        return post_json(url, target.headers, payload, target.timeout)
    except HttpFailure as failure:
        raise _fail(call, failure.reason, url, target.secrets) from None


def _chat(call: ModelCall, target: Target, ask: Ask) -> object:
    payload = {**target.defaults, **ask.params, "messages": [{"role": "user", "content": ask.content}]}
    payload["stream"] = False
    if target.model_name:
        payload["model"] = target.model_name
    answer = _post(call, target, "/v1/chat/completions", payload)
    try:
        content = answer["choices"][0]["message"]["content"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        content = None
    if not isinstance(content, str):
        where = target.base + "/v1/chat/completions"
        raise _fail(call, "the answer is not a chat completion (no choices[0].message.content)", where, target.secrets)
    return ask.finish(content)


def _embed(call: ModelCall, target: Target, asks: Sequence[Ask]) -> list[object]:
    """One /v1/embeddings request for up to EMBEDDING_BATCH inputs (their model_parameters must agree)."""
    payload = {**asks[0].params, "input": [ask.content for ask in asks]}
    if target.model_name:
        payload["model"] = target.model_name
    answer = _post(call, target, "/v1/embeddings", payload)
    where = target.base + "/v1/embeddings"
    try:
        rows = sorted(answer["data"], key=lambda item: item.get("index", 0))  # type: ignore[index]
        vectors = [[float(x) for x in row["embedding"]] for row in rows]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _fail(call, "the answer is not an embedding list (no data[].embedding)", where, target.secrets) from None
    if len(vectors) != len(asks):
        reason = f"the answer holds {counted(len(vectors), 'embedding')} for {counted(len(asks), 'input')}"
        raise _fail(call, reason, where, target.secrets)
    return [ask.finish(vector) for ask, vector in zip(asks, vectors, strict=True)]


def _plans(call: ModelCall, rows: Sequence[Sequence[object]]) -> list[Ask | None]:
    asks = []
    for number, row in enumerate(rows, 1):
        try:
            asks.append(plan(call, row))
        except ArgumentError as error:
            raise _fail(call, f"row {number}: {error}") from None
    return asks


def invoke_rows(settings: RuntimeSettings, call: ModelCall, rows: Sequence[Sequence[object]]) -> list[object]:
    """The AI_* function for every row: NULL without a call where the docs say so, else one request per row
    (embeddings: one request per EMBEDDING_BATCH rows that share their model_parameters)."""
    target = target_for(settings, call)
    asks = _plans(call, rows)
    results: list[object] = [None] * len(asks)
    pending: list[int] = []
    for index, ask in enumerate(asks):
        if ask is None:
            continue
        if ask.kind == "embedding":
            pending.append(index)
        else:
            results[index] = _chat(call, target, ask)
    while pending:
        params = asks[pending[0]].params  # type: ignore[union-attr]
        batch = [i for i in pending if asks[i].params == params][:EMBEDDING_BATCH]  # type: ignore[union-attr]
        for index, value in zip(batch, _embed(call, target, [asks[i] for i in batch]), strict=True):  # type: ignore[misc]
            results[index] = value
        pending = [i for i in pending if i not in batch]
    return results

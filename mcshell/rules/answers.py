"""What a local run of a SELECT hands the runtime for each model call site, and how its answers print
(the evaluator of VALUES, rules/query.py, and the engine over rows, rows/query.py, share both)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

from mcshell.catalog import PUBLIC_PROJECT
from mcshell.errors import NotRunLocally

if TYPE_CHECKING:
    from mcshell.rules.context import Context
    from mcshell.rules.functions import CheckedCall
    from mcshell.runtime.calls import ModelCall, RuntimeSettings

_WORDS = "SELECT"


def require_call_settings(checked: list[CheckedCall], ctx: Context) -> None:
    """What lets each call site run here: ML_PREDICT the local model store, the AI_* functions --invoke (and a
    public model --public-endpoint); else the one FAILED line that says so."""
    from mcshell.runtime.calls import RuntimeSettings

    settings = ctx.runtime_settings or RuntimeSettings()
    for item in checked:
        _require_settings(item, settings)


def _require_settings(item: CheckedCall, settings: RuntimeSettings) -> None:
    call, model, version = item.call, item.model, item.version
    where = f"version {version.name} of {model.project}.{model.name}"
    if call.function == "ML_PREDICT":
        if not settings.oss_root:
            raise NotRunLocally(
                f"ML_PREDICT loads the model file of {where} from {version.location or 'its location'}: give "
                "--oss-root DIR (or MCSHELL_OSS_ROOT) to read it from DIR/<bucket>/<path>/",
                call.offset,
                _WORDS,
            )
        return
    if not settings.invoke:
        target = "a public model" if model.project == PUBLIC_PROJECT else version.options.get("ENDPOINT", "")
        raise NotRunLocally(
            f"{call.function} would call {where} ({target}): mcshell sends no request without --invoke "
            "(or MCSHELL_INVOKE=1)",
            call.offset,
            _WORDS,
        )
    if model.project == PUBLIC_PROJECT and not settings.public_endpoint:
        raise NotRunLocally(
            f"{call.function} calls the public model {model.name}: give --public-endpoint URL, an "
            "OpenAI-compatible server that serves it",
            call.offset,
            _WORDS,
        )


def model_call(item: CheckedCall) -> ModelCall:
    """The runtime's view of one call site (mcshell/runtime/calls.py)."""
    from mcshell.runtime.calls import ModelCall

    model, version = item.model, item.version
    return ModelCall(
        function=item.call.function,
        project=model.project,
        model=model.name,
        version=version.name,
        model_type=model.model_type,
        source_type=model.source_type,
        public=model.project == PUBLIC_PROJECT,
        location=version.location,
        options={key.upper(): value for key, value in version.options.items()},
        inputs=version.inputs,
        tasks=version.tasks,
    )


# -- values as MaxCompute prints them ---------------------------------------------------------
def value_text(value: object) -> str:
    """A result cell: NULL, true/false, a DOUBLE as Java prints it, an array as `[a, b]`."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return double_text(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    return str(value)


def double_text(value: float) -> str:
    """Java's Double.toString: the shortest digits, plain from 10^-3 to 10^7 (`12.5`, `1.0`), else `1.0E10`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    digits = Decimal(repr(value)).normalize().as_tuple().digits
    mantissa, _, exponent = f"{value:.{max(len(digits) - 1, 0)}e}".partition("e")
    return f"{mantissa if '.' in mantissa else mantissa + '.0'}E{int(exponent)}"

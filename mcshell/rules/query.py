"""SELECT: every check in every mode; then, outside --check, the local run or the one FAILED line
that says what would let it run.

mcshell runs a SELECT with no FROM, or over a VALUES list, on MaxCompute's rules
(sql/evaluate.py, docs/local-evaluation.md); the model functions in it run through mcshell.runtime: ML_PREDICT from the
local model store (--oss-root), the AI_* functions only with --invoke (public models also need
--public-endpoint). No request ever leaves mcshell without --invoke: that is refused here, before
the runtime is asked anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mcshell.errors import NotRunLocally, SemanticError, shortened
from mcshell.output.results import Result, Table
from mcshell.rules.answers import model_call, require_call_settings, value_text
from mcshell.rules.functions import CheckedCall, check_select
from mcshell.rules.signatures import SIGNATURES
from mcshell.sql import statements as st

if TYPE_CHECKING:
    from mcshell.rules.context import Context
    from mcshell.runtime.calls import Runtime

_WORDS = "SELECT"


def run_select(stmt: st.Select, ctx: Context) -> Result:
    check_columns(stmt)
    checked = check_select(stmt, ctx)
    if ctx.dry_run:
        return Result()
    if stmt.source == "tables":
        return _run_over_tables(stmt, checked, ctx)
    _require_runnable(stmt, checked, ctx)
    from mcshell.sql.evaluate import evaluate

    runtime: Runtime = ctx.runtime()
    calls = {item.call.index: model_call(item) for item in checked}

    def run_call(index: int, rows: list[tuple[object, ...]]) -> Sequence[object]:
        return runtime.run(calls[index], rows)

    returns = {item.call.index: SIGNATURES[item.call.function].returns for item in checked}
    headers, rows, types = evaluate(stmt, run_call, returns)
    cells = [tuple(None if value is None else value_text(value) for value in row) for row in rows]
    return Result(Table(headers, cells, types))


def check_columns(stmt: st.Select) -> None:
    """With no FROM, or over VALUES, every column named must be one of the VALUES list's."""
    if stmt.source not in ("none", "values"):
        return
    for ref in stmt.column_refs:
        if ref.key not in stmt.columns:
            raise SemanticError(f"column {shortened(ref.text)} cannot be resolved", ref.offset)


def _require_runnable(stmt: st.Select, checked: list[CheckedCall], ctx: Context) -> None:
    """The one FAILED line of a statement that passed its checks but cannot run here."""
    if stmt.source == "other":
        raise NotRunLocally(
            "mcshell runs a single SELECT with no FROM or over FROM VALUES; this one (WITH, UNION, a join or a "
            "subquery) passed its checks and runs in MaxCompute",
            0,
            _WORDS,
        )
    require_call_settings(checked, ctx)


def _run_over_tables(stmt: st.Select, checked: list[CheckedCall], ctx: Context) -> Result:
    """A SELECT over tables runs on DuckDB over their rows (mcshell/rows/query.py); check_select found
    each of its tables (rules/columns.py) and checked Select on them."""
    require_call_settings(checked, ctx)
    from mcshell.rows.query import run_table_select

    return run_table_select(stmt, ctx, checked)

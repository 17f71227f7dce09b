"""`mcshell plan`'s output on standard output: one line per change and the count line, or the same
as one JSON document (docs/remote.md). The FAILED lines of the script go to standard error,
as --check writes them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mcshell.rules.diff import Change

SIGNS = {"+": "add", "~": "change", "-": "remove"}


def counts(changes: Sequence[Change]) -> dict[str, int]:
    """How many changes add, change and remove."""
    found = dict.fromkeys(SIGNS.values(), 0)
    for change in changes:
        found[SIGNS[change.sign]] += 1
    return found


def plan_text(changes: Sequence[Change]) -> str:
    """`+ version churn.v3` ... then `Plan: A to add, C to change, R to remove.`"""
    found = counts(changes)
    lines = [f"{change.sign} {change.text}" for change in changes]
    lines.append(f"Plan: {found['add']} to add, {found['change']} to change, {found['remove']} to remove.")
    return "\n".join(lines) + "\n"


def plan_json(changes: Sequence[Change], statements: int, failures: int, broken_queries: int) -> str:
    """The same as data, on one line: the changes, their counts, and how the script and queries fared."""
    document = {
        "changes": [{"sign": change.sign, "kind": change.kind, "text": change.text} for change in changes],
        **counts(changes),
        "statements": statements,
        "failed": failures,
        "broken_queries": broken_queries,
    }
    return json.dumps(document, ensure_ascii=False) + "\n"

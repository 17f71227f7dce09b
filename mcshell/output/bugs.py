"""An mcshell bug as it is shown: its FAILED line, and with --debug its traceback, never with a secret.

Every front end that catches a bug (a statement's handling, the script around it, the REPL,
start-up and the subcommands, a serve request) shows it through here. A bug's message, and the
frames and causes of its traceback, may quote any text mcshell holds: the statement, another one
read earlier, a key read from the catalog, an access key. So both are masked twice: with the
secrets known where the bug was caught (`secrets`: APIKEY values, masked as DESC masks them;
`scrub`: the access keys of a connection, masked whole), then by the APIKEY rule over their own
text (masking.mask_typed), which finds a key its key word precedes wherever it came from.
Over-masking is accepted; a leak is not. Should masking fail too, only the bug's class is shown.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Collection

from mcshell.output import report
from mcshell.output.masking import mask_secrets, mask_typed


def _unchanged(text: str) -> str:
    return text


def bug_traceback(bug: Exception, secrets: Collection[str] = (), scrub: Callable[[str], str] = _unchanged) -> str:
    """--debug: the traceback of `bug`, its causes included, masked."""
    return _masked("".join(traceback.format_exception(bug)).rstrip("\n"), bug, secrets, scrub)


def bug_line(bug: Exception, secrets: Collection[str] = (), scrub: Callable[[str], str] = _unchanged) -> str:
    """`FAILED: ODPS-0010000: System internal error - <class>: <message>`, masked."""
    return _masked(report.failed(report.internal_error(bug)), bug, secrets, scrub)


def _masked(text: str, bug: Exception, secrets: Collection[str], scrub: Callable[[str], str]) -> str:
    try:
        return mask_typed(scrub(mask_secrets(text, set(secrets))), keep_masked=True)
    except Exception:  # noqa: BLE001 - a bug in masking: nothing of the text can be trusted
        return f"{type(bug).__name__} (its message is not shown: masking its secrets failed)"

"""Secrets never printed whole: the APIKEY masking rule, and finding APIKEY values in raw text."""

from __future__ import annotations

import re

MASK = "********"


def mask_secret(value: str) -> str:
    """How every output shows an APIKEY: ******** and its last 4 characters (only ******** under 12)."""
    return MASK + value[-4:] if len(value) >= 12 else MASK


# An APIKEY option's value as written, quoted or not, even in a statement that does not parse.
_GAP = r"(?:\s|/\*.*?\*/|--[^\n]*)*"
_APIKEY_VALUE = re.compile(
    rf"""`?\bAPIKEY\b`?{_GAP}=?{_GAP}(?:'((?:[^'\\]|\\.)*)'?|"((?:[^"\\]|\\.)*)"?|([^\s,()'"`;=]+))""",
    re.IGNORECASE | re.DOTALL,
)
_SHORTEST_SECRET = 4  # shorter values are no key, and masking them would garble the message


def secret_values(text: str) -> set[str]:
    """The APIKEY values a statement's text holds, as written and with escapes applied."""
    if "apikey" not in text.lower():
        return set()
    values: set[str] = set()
    for found in _APIKEY_VALUE.finditer(text):
        value = next(group for group in found.groups() if group is not None)
        values.update((value, re.sub(r"\\(.)", r"\1", value, flags=re.DOTALL)))
    return {value for value in values if len(value) >= _SHORTEST_SECRET}


def mask_secrets(line: str, secrets: set[str]) -> str:
    """`line` with every APIKEY value masked as DESC masks it: errors never print a key whole."""
    for secret in sorted(secrets, key=len, reverse=True):
        line = line.replace(secret, mask_secret(secret))
    return line

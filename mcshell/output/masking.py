"""Secrets never printed whole: the APIKEY masking rule, and the one finder of APIKEY values in text.

The finder reads text with the dialect's tokenizer (sql/dialect.py), so it sees a key as the
parser does: quoted or not, in any case, backquoted, with or without `=`, with comments and line
breaks between key and value. It also reads text the parser refuses: a quote or a comment left
open runs to the end. Errors and warnings (the session), source excerpts, the REPL's history and
SHOW CREATE MODEL / dump all mask through this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mcshell.sql.cursor import QUOTED_LIMIT
from mcshell.sql.dialect import Token, TokenType, read_tokens, touches
from mcshell.value import Value

MASK = "********"
_SHORTEST_SECRET = 4  # shorter values are no key, and masking them would garble the message


def mask_secret(value: str) -> str:
    """How every output shows an APIKEY: ******** and its last 4 characters (only ******** under 12)."""
    return MASK + value[-4:] if len(value) >= 12 else MASK


@dataclass(eq=False, repr=False)
class SecretSpan(Value):
    """An APIKEY value in a text: text[start:end], without its quotes."""

    start: int
    end: int
    values: tuple[str, ...]  # the value as written, and as an error may quote it (escapes applied ...)


_NAMES = (TokenType.VAR, TokenType.IDENTIFIER)
_QUOTED = (TokenType.STRING, TokenType.IDENTIFIER)
_OPTION_START = (TokenType.L_PAREN, TokenType.COMMA)
# A value written without quotes is the tokens that touch one another (`sk-0a1b`, read as three
# tokens), up to one of these.
_NOT_IN_BARE_VALUES = {
    TokenType.STRING, TokenType.IDENTIFIER, TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA,
    TokenType.SEMICOLON,
}  # fmt: skip


def find_secrets(text: str) -> list[SecretSpan]:
    """Every APIKEY value in `text`, in order."""
    if "apikey" not in text.lower():  # the cheap test first: most text has no key
        return []
    tokens = read_tokens(text)
    if tokens is None:  # sqlglot's own nesting of comments: all after the key is taken for its value
        found = re.search("apikey", text, re.IGNORECASE)
        start = found.end() if found is not None else 0
        start += len(text[start:]) - len(text[start:].lstrip())  # the value starts after the blanks
        return [SecretSpan(start, len(text), (text[start:], text[start:].strip()))]
    spans: list[SecretSpan] = []
    for index, token in enumerate(tokens):
        if (
            token.token_type in _NAMES
            and token.text.upper() == "APIKEY"
            and (not spans or token.start >= spans[-1].end)  # not a word of the value before (`APIKEY=x.APIKEY`)
        ):
            span = _value_after(text, tokens, index)
            if span is not None:
                spans.append(span)
    return spans


def _value_after(text: str, tokens: list[Token], key: int) -> SecretSpan | None:
    """The value of the APIKEY at tokens[key]: after it and an optional `=`, a quoted string (or
    name), or a bare word when there is an `=` or the key starts an option (`(APIKEY sk-0a1b`);
    a model named apikey (`DESC MODEL apikey VERSION v1`) has neither."""
    at = key + 1
    equals = at < len(tokens) and tokens[at].token_type is TokenType.EQ
    at += equals
    if at >= len(tokens):
        return None
    value = tokens[at]
    if value.token_type in _QUOTED and text[value.start : value.start + 1] in "'\"`":
        if value.end < len(text):  # its closing quote: the parser reads the value with escapes applied
            return SecretSpan(value.start + 1, value.end, (text[value.start + 1 : value.end], value.text))
        return SecretSpan(value.start + 1, len(text), (text[value.start + 1 :],))  # left open: to the end
    option = key > 0 and tokens[key - 1].token_type in _OPTION_START
    if not (equals or option) or value.token_type in _NOT_IN_BARE_VALUES:
        return None
    run = [value]
    for token in tokens[at + 1 :]:
        if not touches(run[-1], token) or token.token_type in _NOT_IN_BARE_VALUES:
            break
        run.append(token)
    end = min(run[-1].end + 1, len(text))
    # An error quotes the first name of it, as the parser reads one (`7f3a` is a number and a word).
    first = run[0].text + run[1].text if len(run) > 1 and run[0].token_type is TokenType.NUMBER else run[0].text
    return SecretSpan(value.start, end, (text[value.start : end], first))


def secret_values(text: str) -> set[str]:
    """The APIKEY values a statement's text holds, as an error or a warning may quote them."""
    spans = find_secrets(text)
    if not spans:
        return set()
    values = {value for span in spans for value in span.values}
    values |= {value[:QUOTED_LIMIT] for value in values if len(value) > QUOTED_LIMIT}  # as an error cuts it
    values |= {line for value in values if "\n" in value for line in value.split("\n")}  # as an excerpt shows it
    return {value for value in values if len(value) >= _SHORTEST_SECRET}


def mask_secrets(line: str, secrets: set[str]) -> str:
    """`line` with every APIKEY value masked as DESC masks it: errors never print a key whole."""
    for secret in sorted(secrets, key=len, reverse=True):
        line = line.replace(secret, mask_secret(secret))
    return line


def mask_typed(text: str) -> str:
    """`text` with every APIKEY value replaced by ********, quotes kept as typed: what the REPL's
    history keeps of an entry."""
    parts: list[str] = []
    at = 0
    for span in find_secrets(text):
        parts += [text[at : span.start], MASK]
        at = span.end
    parts.append(text[at:])
    return "".join(parts)

"""MaxCompute's string literals, one rule for every reader: the model statements' parser (COMMENT,
option values, quoted user names, LIKE patterns), SELECT, the APIKEY finder, and back (`quote`)
for SHOW CREATE MODEL and dump.

The rule (https://www.alibabacloud.com/help/en/maxcompute/maxcompute-escape-character-using):
`\\b \\t \\n \\r \\' \\" \\\\ \\; \\Z \\0 \\00` stand for backspace, tab, line feed, carriage return, the
quotes, a backslash, a semicolon, Ctrl-Z and NUL; a backslash before any other character stands for
that character; adjacent string constants join (`'abc' 'efg'` is `abcefg`); `R"(...)"` is a raw
string, read as written. The tokenizers find where a literal ends; its value is decoded here, from
the text as written.
"""

from __future__ import annotations

import re

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

_STRING = TokenType.STRING
_ESCAPE = re.compile(r"\\([0-7]{3}|00|.)", re.S)
_DECODED = {"b": "\b", "t": "\t", "n": "\n", "r": "\r", "Z": "\x1a", "0": "\0", "00": "\0"}
# Octal character codes 001 to 177: the older escape page reads `\101` as `A`, the current one
# lists no such escape (so `\1` would be `1`). mcshell refuses what the pages read two ways.
_FIRST_OCTAL, _LAST_OCTAL = 0o1, 0o177
# The inverse: what a value's characters are written as inside single quotes.
_WRITTEN = {"\\": "\\\\", "'": "\\'", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z", "\0": "\\0"}
_NEEDS_ESCAPE = re.compile("[\\\\'\b\t\n\r\x1a\0]")
_RAW_OPEN, _RAW_CLOSE = "R", '"'
_RAW_START = 'R"('


class EscapeError(TokenError):
    """An escape MaxCompute's pages read two ways: refused at its offset in the statement."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


def decode(body: str, offset: int = 0) -> str:
    """The value of a quoted literal whose text between the quotes is `body` (at `offset` in its
    statement, for the error)."""
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda found: _decoded(found, offset), body)


def _decoded(found: re.Match[str], offset: int) -> str:
    escaped = found.group(1)
    if len(escaped) == 3:
        if _FIRST_OCTAL <= int(escaped, 8) <= _LAST_OCTAL:
            raise EscapeError(
                f"ambiguous escape \\{escaped}: MaxCompute's escape-character pages read it as the octal code "
                f"of a character or as the digits {escaped}; write the character itself, or the digits alone",
                offset + found.start(),
            )
        if escaped.startswith("00"):
            return "\0" + escaped[2]  # \000: \00 (NUL), then a digit, as both pages read it
        return escaped  # \200 to \777: no octal code on either page, so the backslash leaves the digits
    return _DECODED.get(escaped, escaped)


def quote(value: str) -> str:
    """A single-quoted literal whose value is exactly `value`: `decode` read backwards."""
    if _NEEDS_ESCAPE.search(value) is None:
        return f"'{value}'"
    out = []
    for at, char in enumerate(value):
        if char == "\0" and value[at + 1 : at + 2] in tuple("01234567"):
            out.append("\\0' '")  # `\0` then a digit would read as \00 or an octal code: join two literals
        else:
            out.append(_WRITTEN.get(char, char))
    return "'" + "".join(out) + "'"


def decode_strings(text: str, tokens: list[Token]) -> list[Token]:
    """`tokens` of `text` with each string token's text its value by MaxCompute's rule, adjacent
    strings joined into one token, and `R"(...)"` read raw (one token, at its quote)."""
    kinds = [token.token_type for token in tokens]
    if _STRING not in kinds:
        return tokens
    if "\\" not in text and _RAW_START not in text and not _adjacent(kinds):
        return tokens  # the usual statement: strings as written, nothing to decode or join
    out: list[Token] = []
    for token in tokens:
        if token.token_type is not _STRING:
            out.append(token)
            continue
        value = _value(text, token, out[-1] if out else None)
        if value is None:  # raw: R"(...)", its R token dropped
            out.pop()
            value = text[token.start + 2 : token.end - 1]
        if out and out[-1].token_type is _STRING:  # adjacent constants join
            first = out.pop()
            token = Token(_STRING, first.text + value, first.line, first.col, first.start, token.end)
        else:
            token = Token(_STRING, value, token.line, token.col, token.start, token.end)
        out.append(token)
    return out


def _adjacent(kinds: list[TokenType]) -> bool:
    return any(kind is _STRING and after is _STRING for kind, after in zip(kinds, kinds[1:], strict=False))


def _value(text: str, token: Token, before: Token | None) -> str | None:
    """The value of one string token; None for a raw string (`before` is its `R`)."""
    body = text[token.start + 1 : token.end]
    if (
        before is not None
        and before.token_type is TokenType.VAR
        and before.text == _RAW_OPEN
        and before.end + 1 == token.start
        and text[token.start] == _RAW_CLOSE
        and body.startswith("(")
    ):
        if not body.endswith(")"):  # the tokenizer ended it at a `"` inside: R"(a"b)"
            raise EscapeError('a raw string R"(...)" cannot hold a double quote in mcshell', token.start)
        return None
    return decode(body, token.start + 1)

"""The parser's view of one statement's tokens: where it stands, what comes next, and the errors
that say what was expected instead. The grammar itself is in `clauses.py` and `parser.py`."""

from __future__ import annotations

from typing import Final

from mcshell.errors import ParseError
from mcshell.sql import statements as st
from mcshell.sql.dialect import Token, TokenType
from mcshell.sql.lexicon import is_word

# No type parameter is near 18 digits: a longer number is refused before int() reads it.
MAX_NUMBER_DIGITS = 18
# An error quotes this much of a token: a megabyte-long word would make a megabyte-long FAILED line.
QUOTED_LIMIT: Final = 256

# Token kinds the grammar tests, looked up once: the parser runs for every statement of a script
# (Final: see "The compiled build" in docs/development.md).
VAR: Final = TokenType.VAR
IDENTIFIER: Final = TokenType.IDENTIFIER
STRING: Final = TokenType.STRING
NUMBER: Final = TokenType.NUMBER
HASH: Final = TokenType.HASH


def hash_error(offset: int) -> ParseError:
    """`#` where a shell script or MySQL would start a comment: MaxCompute SQL has only `--` and
    `/* */` (https://www.alibabacloud.com/help/en/maxcompute/sql-comments)."""
    return ParseError("'#' does not start a comment in MaxCompute SQL: use -- or /* */", offset)


def describe(token: Token | None) -> str:
    if token is None:
        return "end of statement"
    if token.token_type == TokenType.STRING:
        return f"string '{shortened(token.text)}'"
    if token.token_type == TokenType.IDENTIFIER:
        return f"`{shortened(token.text)}`"
    return f"'{shortened(token.text)}'"


def shortened(text: str) -> str:
    """A token as an error quotes it."""
    return text if len(text) <= QUOTED_LIMIT else f"{text[:QUOTED_LIMIT]}... ({len(text)} characters)"


def is_digits_name(token: Token) -> bool:
    """A name made of digits only (`ADD VERSION 2`): allowed for versions, refused by name rules elsewhere."""
    return token.token_type is NUMBER and token.text.isdigit()


class TokenCursor:
    # The helpers index the token list directly rather than through peek(): they run a few dozen
    # times for every statement of a script.
    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.n = len(tokens)
        self.i = 0
        self.depth = 0  # of nested types (ARRAY<...>)

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.tokens[j] if j < self.n else None

    def next_is(self, kind: TokenType) -> bool:
        """The next token is of this kind (a `,`, a `(` ...)."""
        i = self.i
        return i < self.n and self.tokens[i].token_type is kind

    def at(self, *words: str) -> bool:
        """The next tokens are these keywords (bare words only: a backquoted name is never a keyword)."""
        i = self.i
        if i + len(words) > self.n:
            return False
        tokens = self.tokens
        for word in words:
            token = tokens[i]
            text = token.text
            # The length first: most tests are of another word, and upper() makes a new string.
            if len(text) != len(word) or token.token_type is IDENTIFIER or text.upper() != word:
                return False
            i += 1
        return True

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += len(words)
            return True
        return False

    def here(self) -> int:
        token = self.peek()
        return token.start if token is not None else len(self.text)

    def fail(self, expected: str) -> ParseError:
        token = self.peek()
        if token is not None and token.token_type is HASH:
            return hash_error(token.start)
        return ParseError(f"expected {expected}, found {describe(self.peek())}", self.here())

    def expect(self, *words: str) -> None:
        for word in words:
            if not self.accept(word):
                raise self.fail(f"'{word}'")

    def expect_type(self, kind: TokenType, what: str) -> Token:
        i = self.i
        if i < self.n:
            token = self.tokens[i]
            if token.token_type is kind:
                self.i = i + 1
                return token
        raise self.fail(what)

    def end(self) -> None:
        if self.peek() is not None:
            raise self.fail("';'")

    def ident(self, what: str) -> st.Ident:
        i = self.i
        if i < self.n:
            token = self.tokens[i]
            if token.token_type is VAR or is_word(token) or is_digits_name(token):
                self.i = i + 1
                return st.Ident(token.text, token.start)
        raise self.fail(what)

    def text_literal(self, what: str) -> st.Text:
        token = self.expect_type(STRING, what)
        return st.Text(token.text, token.start)

    def number(self, what: str) -> int:
        token = self.expect_type(NUMBER, what)
        # ASCII digits only: sqlglot reads '1²' as a number, which int() refuses.
        if not (token.text.isascii() and token.text.isdigit()):
            raise ParseError(f"expected {what}, found '{token.text}'", token.start)
        if len(token.text.lstrip("0")) > MAX_NUMBER_DIGITS:
            raise ParseError(f"number '{token.text[:20]}...' is too large ({len(token.text)} digits)", token.start)
        return int(token.text)

"""MaxCompute's lexical rules as a sqlglot dialect: the one tokenizer behind parsing and highlighting.

Only the Tokenizer is extended: sqlglot's compiled build (sqlglotc) accepts Tokenizer subclasses
but refuses interpreted Parser subclasses, so the grammar itself lives in `parser.py`.
"""

from __future__ import annotations

from typing import ClassVar

from sqlglot import tokens
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from mcshell.sql.lexicon import is_word, touches
from mcshell.sql.literals import decode_strings
from mcshell.sql.source import text_lines
from mcshell.sql.splitter import CLOSERS, StatementSplitter

# Words of mcshell's statements that sqlglot does not already know as keywords. They stay VAR
# tokens for sqlglot (so they remain usable as names); the parser and the REPL match them by text.
MODEL_WORDS = frozenset(
    {
        "MODEL", "MODELS", "VERSION", "VERSIONS", "DEFAULT_VERSION", "INPUT", "OPTIONS",
        "ADD", "WHOAMI", "HELP", "QUIT", "EXIT", "DESCRIBE",
    }
)  # fmt: skip


class MaxCompute(Dialect):
    """Strings in single or double quotes with backslash escapes, backquoted identifiers,
    `--` and `/* */` comments: the lexical rules of MaxCompute SQL (as of Hive). sqlglot finds
    where a string ends; its value is decoded by literals.py."""

    class Tokenizer(tokens.Tokenizer):
        QUOTES = ["'", '"']
        IDENTIFIERS = ["`"]
        STRING_ESCAPES = ["\\"]
        COMMENTS = ["--", ("/*", "*/")]
        # As the splitter reads them: a `--` comment ends at a line feed, and a `/*` comment at
        # the first `*/` (MaxCompute's SQL comments page shows no nesting).
        COMMENTS_TERMINATE_AT_NEWLINE_ONLY = True
        NESTED_COMMENTS = False
        # sqlglot swallows the rest of a "command" (SHOW ..., EXECUTE ...) into one string token;
        # mcshell parses SHOW MODELS [LIKE ...] and SHOW VERSIONS FOR MODEL itself.
        COMMANDS: ClassVar[set[TokenType]] = set()
        # No multi-word keywords (GROUP BY, DOUBLE PRECISION ...): MaxCompute's model statements
        # have none, and with them the tokenizer walks a keyword trie for every word that starts
        # like one (C, D, F, G, O, P, S ...), some 6% of tokenizing a script. Single words stay
        # keywords (recreate quotes names that are).
        KEYWORDS: ClassVar[dict[str, TokenType]] = {
            word: kind for word, kind in tokens.Tokenizer.KEYWORDS.items() if " " not in word
        }


_TOKENIZER = MaxCompute.tokenizer_class()


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, each string's text its value (literals.py: MaxCompute's one rule)."""
    return decode_strings(text, _TOKENIZER.tokenize(text))


def lex(text: str) -> list[Token]:
    """The tokens of `text` as written, adjacent strings apart and undecoded: for the highlighter,
    which colours spans of text, not values."""
    return _TOKENIZER.tokenize(text)


def read_tokens(text: str) -> list[Token] | None:
    """The tokens of any text, even one that ends inside a quote or a comment: read as if that
    were closed at the end, so the open token runs to the end of the text (its `end` is then
    len(text) or more). None when the dialect cannot read the text even so."""
    try:
        return tokenize(text)
    except TokenError:
        pass
    splitter = StatementSplitter()
    for line in text_lines(text):
        for _ in splitter.feed(line):
            pass
    closer = CLOSERS.get(splitter.pending or "")
    if closer is None:
        return None
    # A quote left open after a backslash: the closing quote would be escaped, a blank is not.
    for ending in (closer, f" {closer}"):
        try:
            return tokenize(text + ending)
        except TokenError:
            continue
    return None


__all__ = [
    "MaxCompute",
    "MODEL_WORDS",
    "Token",
    "TokenError",
    "TokenType",
    "is_word",
    "lex",
    "read_tokens",
    "tokenize",
    "touches",
]

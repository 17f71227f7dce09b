"""Syntax highlighting for the REPL, from the dialect's tokenizer (one grammar, no second lexer).

sqlglot's tokens carry their exact spans but not the comments (it attaches those to tokens), so
whatever lies between two tokens and is not blank is a comment. An entry still inside a quote or
a comment is tokenized with the closing mark the splitter says is missing, then cut back.
"""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

from mcshell.repl.entry import dialect_tokens, open_statement
from mcshell.sql.dialect import MODEL_WORDS, Token, TokenType

KEYWORD, NAME, STRING, NUMBER, COMMENT = (
    "class:keyword", "class:name", "class:string", "class:number", "class:comment",
)  # fmt: skip

Span = tuple[int, int, str]  # start, end (exclusive), style class


def highlight_spans(text: str) -> list[Span]:
    """Styled spans of `text`, in order; text outside every span is plain (punctuation, blanks)."""
    tokens = _tokens(text)
    if tokens is None:
        return []
    spans: list[Span] = []
    done = 0
    for token in tokens:
        spans.extend(_comment_spans(text, done, token.start))
        style = token_style(token)
        end = min(token.end + 1, len(text))
        if style:
            spans.append((token.start, end, style))
        done = end
    spans.extend(_comment_spans(text, done, len(text)))
    return spans


def _tokens(text: str) -> list[Token] | None:
    _, reason = open_statement(text)
    return dialect_tokens(text, reason, values=False)


def _comment_spans(text: str, start: int, end: int) -> list[Span]:
    """Between tokens there are only blanks and comments: on each line, the stretch from the
    first to the last non-blank character is comment."""
    spans: list[Span] = []
    line_start = start
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        if stripped:
            first = line_start + line.index(stripped[0])
            spans.append((first, first + len(stripped), COMMENT))
        line_start += len(line) + 1
    return spans


def token_style(token: Token) -> str:
    kind = token.token_type
    if kind == TokenType.STRING:
        return STRING
    if kind == TokenType.NUMBER:
        return NUMBER
    if kind == TokenType.IDENTIFIER:
        return NAME
    if kind == TokenType.VAR:
        return KEYWORD if token.text.upper() in MODEL_WORDS else NAME
    # Every other word the tokenizer knows is one of sqlglot's keywords (CREATE, WITH, DROP ...).
    return KEYWORD if token.text[:1].isalpha() else ""


class DialectLexer(Lexer):
    """prompt_toolkit's view of `highlight_spans`: the styled fragments of each line."""

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        text = document.text
        styles = [""] * len(text)
        for start, end, style in highlight_spans(text):
            styles[start:end] = [style] * (end - start)
        line_starts = [0]
        for line in document.lines[:-1]:
            line_starts.append(line_starts[-1] + len(line) + 1)

        def get_line(number: int) -> StyleAndTextTuples:
            if number >= len(line_starts):
                return []
            start = line_starts[number]
            return _fragments(document.lines[number], styles[start : start + len(document.lines[number])])

        return get_line


def _fragments(line: str, styles: list[str]) -> StyleAndTextTuples:
    """Runs of one style, as prompt_toolkit draws them."""
    fragments: StyleAndTextTuples = []
    run = 0
    for i in range(1, len(line) + 1):
        if i == len(line) or styles[i] != styles[run]:
            fragments.append((styles[run], line[run:i]))
            run = i
    return fragments

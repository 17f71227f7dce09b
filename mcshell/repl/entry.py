"""What the REPL asks of an entry (the text typed before Enter): is it complete? If not, why not?

Pure functions over the splitter and the dialect's tokens: no prompt_toolkit, so they are tested
as plain text in, answer out.
"""

from __future__ import annotations

from mcshell.sql.dialect import Token, TokenError, TokenType, lex, tokenize
from mcshell.sql.source import text_lines
from mcshell.sql.splitter import CLOSERS, Chunk, StatementSplitter, content_start

OPEN_PARENTHESIS = "open parenthesis"

# The continuation prompt says, in a few characters, why the entry is still open.
_SHORT_REASONS = {
    "open quote '": "open '",
    'open quote "': 'open "',
    "open quote `": "open `",
    "open comment": "open /*",
    OPEN_PARENTHESIS: "open (",
    "no ';' yet": "no ;",
}
_LEAVE_WORDS = ("quit", "exit")
# As odpscmd (InteractiveCommand.getConfirmInformation): every statement starting with these asks first.
_ASKING_WORDS = ("DROP", "DELETE", "REMOVE")


def open_statement(text: str) -> tuple[str, str | None]:
    """The statement still being typed at the end of `text` (after its last `;`) and why it is
    open: the splitter's reason ("open quote '", "open comment", "no ';' yet") or None."""
    splitter = StatementSplitter()
    for line in text_lines(text):
        for _ in splitter.feed(line):
            pass
    reason = splitter.pending
    last = splitter.finish()
    return (last.text if last is not None else ""), reason


def dialect_tokens(text: str, reason: str | None, values: bool = True) -> list[Token] | None:
    """The dialect's tokens of `text`, read as if what `reason` says is open had been closed (the
    token still open then runs to the end); None when the dialect cannot read the text. Without
    `values`, the tokens as written (strings undecoded and apart: what the highlighter colours)."""
    try:
        return (tokenize if values else lex)(text + CLOSERS.get(reason or "", ""))
    except TokenError:
        return None


def waiting_reason(text: str) -> str | None:
    """Why `text` does not end with complete statements, or None when Enter may run it.

    One of the splitter's reasons ("open quote '", "open comment", "no ';' yet") or, for a
    statement with no `;` yet whose parentheses are not all closed, "open parenthesis".
    """
    statement, reason = open_statement(text)
    if reason == "no ';' yet" and _parenthesis_depth(statement) > 0:
        return OPEN_PARENTHESIS
    return reason


def _parenthesis_depth(text: str) -> int:
    depth = 0
    for token in dialect_tokens(text, None) or ():
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth = max(0, depth - 1)
    return depth


def continuation_prompt(project: str, lines_above: list[str]) -> str:
    """The prompt of a continuation line: why the lines above leave the entry open, right-aligned
    under the project's name (`      no ;> `, `    open '> `)."""
    reason = waiting_reason("\n".join(lines_above) + "\n")
    label = _SHORT_REASONS.get(reason, "") if reason is not None else ""
    return label.rjust(len(project)) + "> "


def entry_statements(text: str) -> list[Chunk]:
    """The statements of a complete entry, in order; [line,col] count from the entry's start."""
    splitter = StatementSplitter()
    chunks: list[Chunk] = []
    for line in text_lines(text):
        chunks.extend(splitter.feed(line))
    last = splitter.finish()  # only comments can be left over in a complete entry
    if last is not None:
        chunks.append(last)
    return chunks


def is_leave_word(text: str) -> bool:
    """`quit` or `exit` alone, without `;`: the one entry that leaves without a full statement."""
    return text.strip().lower() in _LEAVE_WORDS


def statement_text(chunk: Chunk) -> str:
    """A statement on one line, as a confirmation question quotes it: `DROP MODEL m`."""
    return " ".join(chunk.text[content_start(chunk.text) :].split())


def asks_first(chunk: Chunk) -> bool:
    """The statement starts with DROP, DELETE or REMOVE (DROP MODEL, DROP ROLE, REMOVE USER ...)."""
    words = chunk.text[content_start(chunk.text) :].split(None, 1)
    return bool(words) and words[0].upper() in _ASKING_WORDS

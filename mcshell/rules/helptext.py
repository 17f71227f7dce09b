"""HELP; and HELP <statement>; the syntax of every statement mcshell runs (from sql/grammar.py)."""

from __future__ import annotations

from mcshell.errors import SemanticError
from mcshell.rules.signatures import SIGNATURES
from mcshell.sql.grammar import STATEMENTS

# Every name HELP takes for a statement (its topic, its title, its aliases) -> its syntax.
_SYNTAX = {
    name: statement.syntax for statement in STATEMENTS for name in (statement.topic, statement.name, *statement.aliases)
}
_LIST = [statement for statement in STATEMENTS if statement.summary is not None]
_OVERVIEW = "\n".join(
    [
        "Statements (HELP <statement>; for the syntax of one):",
        *(
            f"  {statement.label or statement.topic:<16}{statement.summary}"
            for statement in sorted(_LIST, key=lambda statement: statement.shell)
        ),
        "A model is named <model>, <project>.<model> or <project>.default.<model>.",
    ]
)


def help_text(topic: str | None) -> str:
    if topic is None:
        return _OVERVIEW
    if topic in SIGNATURES:
        return function_help(topic)
    if topic not in _SYNTAX:
        raise SemanticError(f"no help for '{topic}'; HELP; lists the statements", 0)
    return _SYNTAX[topic]


def function_help(name: str) -> str:
    """HELP <function>: its syntax as the function's page writes it, what it returns, a documented call."""
    signature = SIGNATURES[name]
    return (
        f"{signature.syntax}\n  {signature.summary}; returns {signature.returns}\n"
        f"  <model> and <version> unquoted; <version> may be DEFAULT_VERSION\n  e.g. {signature.example}"
    )

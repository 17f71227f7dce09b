"""The grammar table (sql/grammar.py) is the one description of the statements: the parser knows
exactly its statements, each has a completion shape, a HELP entry and a row in the reference
(docs/statements.md), and every example parses and fits its shape."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from mcshell.repl import completion
from mcshell.repl.entry import dialect_tokens
from mcshell.rules.helptext import help_text
from mcshell.sql import grammar, parser
from mcshell.sql import statements as st
from mcshell.sql.splitter import split_statements

REFERENCE = Path(__file__).parents[2] / "docs" / "statements.md"
EXAMPLES = [(statement, example) for statement in grammar.STATEMENTS for example in statement.examples]


def first_words(sequence: tuple[object, ...]) -> set[str]:
    """The keywords a shape may start with."""
    head, rest = sequence[0], sequence[1:]
    if isinstance(head, grammar.Alt):
        return set().union(*(first_words(choice + rest) for choice in head.choices))
    if isinstance(head, grammar.Opt):
        return first_words(head.items + rest) | (first_words(rest) if rest else set())
    assert isinstance(head, str), f"a statement starts with a keyword, not {head!r}"
    return {head}


def parsed(example: str) -> st.Statement:
    (chunk,) = split_statements([example])
    return parser.parse(chunk)


def test_the_parser_knows_exactly_the_statements_of_the_table():
    words = set().union(*(first_words(statement.shape) for statement in grammar.STATEMENTS))
    assert words == set(parser._STATEMENTS)


def test_the_examples_show_every_statement_the_parser_builds():
    built = {type(parsed(example)) for _, example in EXAMPLES}
    assert built == set(typing.get_args(st.Statement))


def test_every_statement_has_examples_and_a_topic_of_its_own():
    topics = [statement.topic for statement in grammar.STATEMENTS]
    assert len(set(topics)) == len(topics)
    assert all(statement.examples for statement in grammar.STATEMENTS)


@pytest.mark.parametrize("statement, example", EXAMPLES, ids=[example for _, example in EXAMPLES])
def test_every_example_parses_and_fits_its_completion_shape(statement, example):
    assert type(parsed(example)) in typing.get_args(st.Statement)
    text = example.removesuffix(";")
    items = completion._items(dialect_tokens(text, None), len(text))
    states: list[completion.State] = [(statement.shape, ())]
    for item in items:
        states = completion._advance(states, item)
        assert states, f"the shape of {statement.topic} stops before {item.text!r}"
    ends = [unfolded for sequence, _ in states for unfolded in completion._heads(sequence)]
    assert any(not unfolded or unfolded[0] is grammar.REST for unfolded in ends), "the shape wants more"


@pytest.mark.parametrize("statement", grammar.STATEMENTS, ids=lambda statement: statement.topic)
def test_every_statement_has_a_help_entry_under_each_of_its_names(statement):
    for name in (statement.topic, statement.name, *statement.aliases):
        assert help_text(name) == statement.syntax
    listed = help_text(None)
    if statement.summary is not None:
        assert f"  {statement.label or statement.topic:<16}{statement.summary}\n" in listed
    else:  # told on another statement's line
        assert re.search(rf"^  \S.*\b{statement.topic}\b", listed, re.M)


def _code_spans_of_table_rows(text: str) -> list[str]:
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [" ".join(span.split()).upper() for row in rows for span in re.findall(r"`([^`]+)`", row)]


@pytest.mark.parametrize("statement", grammar.STATEMENTS, ids=lambda statement: statement.topic)
def test_every_statement_has_a_row_in_the_reference(statement):
    """A table row of docs/statements.md shows it in code: `SHOW VERSIONS FOR MODEL m;`."""
    spans = _code_spans_of_table_rows(REFERENCE.read_text(encoding="utf-8"))
    assert any(re.match(rf"{re.escape(statement.topic)}\b", span) for span in spans), statement.topic

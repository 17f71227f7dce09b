"""Completion for the REPL: keywords valid at the cursor, and names read live from the catalog.

The statement being typed is read with the dialect's tokens, then walked through the statements'
shapes (the grammar table, sql/grammar.py) to learn what may come next: a keyword, a model of the
current (or named) project, a version of the model the statement names, an option key valid for
that model's source type, an enumerated option value, a column type. Names come from the catalog on every
request, through indexed prefix scans, so there is nothing to refresh and nothing stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from mcshell.errors import McError
from mcshell.repl.entry import dialect_tokens, open_statement
from mcshell.rules import privileges, validate
from mcshell.sql.dialect import Token, TokenType, is_word, touches
from mcshell.sql.grammar import (
    MODEL,
    PRIVILEGE,
    PROJECT,
    REST,
    ROLE,
    STATEMENTS,
    STRING,
    USER,
    VERSION,
    Alt,
    Group,
    Many,
    Opt,
)
from mcshell.sql.statements import MODEL_FUNCTIONS

NAME_LIMIT = 200  # names offered at once: enough to browse, never a wait on a huge catalog


# The statements' shapes, from the grammar table (sql/grammar.py): what may come next is found by
# walking them over what was typed.
STATEMENT = Alt(*(statement.shape for statement in STATEMENTS))


# -- what the catalog is asked -----------------------------------------------------------------
class Names(Protocol):
    """The read-only view of the catalog that completion needs."""

    @property
    def project(self) -> str: ...
    def projects(self, prefix: str) -> list[str]: ...
    def models(self, project: str, prefix: str) -> list[str]: ...
    def versions(self, project: str, model: str, prefix: str) -> list[str]: ...
    def model_kind(self, project: str, model: str) -> tuple[str, str] | None: ...
    def members(self, project: str, prefix: str) -> list[str]: ...
    def roles(self, project: str, prefix: str) -> list[str]: ...


class SessionNames:
    """Names from the session's catalog; a catalog that cannot be read offers none."""

    def __init__(self, session):
        self._session = session

    @property
    def project(self) -> str:
        return self._session.project

    def _read(self, read, empty):
        try:
            return read(self._session.context().catalog)
        except McError:
            return empty

    def projects(self, prefix: str) -> list[str]:
        return self._read(lambda catalog: catalog.project_names_starting(prefix, NAME_LIMIT), [])

    def models(self, project: str, prefix: str) -> list[str]:
        return self._read(lambda catalog: catalog.model_names_starting(project, prefix, NAME_LIMIT), [])

    def versions(self, project: str, model: str, prefix: str) -> list[str]:
        return self._read(lambda catalog: catalog.version_names_starting(project, model, prefix, NAME_LIMIT), [])

    def model_kind(self, project: str, model: str) -> tuple[str, str] | None:
        return self._read(lambda catalog: catalog.model_kind(project, model), None)

    def members(self, project: str, prefix: str) -> list[str]:
        return self._read(lambda catalog: catalog.member_names_starting(project, prefix, NAME_LIMIT), [])

    def roles(self, project: str, prefix: str) -> list[str]:
        return self._read(lambda catalog: catalog.role_names_starting(project, prefix, NAME_LIMIT), [])


# -- the statement as items: names with their dotted paths, strings, punctuation, groups ------
@dataclass(frozen=True)
class Item:
    kind: str  # "word", "string", "punct" or "group"
    text: str = ""
    parts: tuple[str, ...] = ()  # a word's dotted path (`p.default.m`), backquotes removed
    inner: tuple[Item, ...] = ()  # a group's items
    closed: bool = True  # a group's `)` or a string's closing quote was typed
    start: int = 0  # where the word's last part (or the string) starts
    end: int = 0  # just after the item


def _is_name(token: Token) -> bool:
    return is_word(token) or token.token_type == TokenType.NUMBER


def _items(tokens: list[Token], length: int) -> list[Item]:
    """Items of a statement of `length` characters (its tokens may run past it: an open quote)."""
    stack: list[list[Item]] = [[]]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            stack.append([])
        elif kind == TokenType.R_PAREN and len(stack) > 1:
            inner = tuple(stack.pop())
            stack[-1].append(Item("group", inner=inner, end=token.end + 1))
        elif kind == TokenType.VAR and "$" in token.text:
            item, i = _user_name(tokens, i)
            stack[-1].append(item)
            continue
        elif _is_name(token):
            item, i = _word(tokens, i, length)
            stack[-1].append(item)
            continue
        elif kind == TokenType.STRING:
            stack[-1].append(
                Item(
                    "string",
                    token.text,
                    closed=token.end < length,
                    start=token.start,
                    end=token.end + 1,
                )
            )
        else:
            stack[-1].append(Item("punct", token.text, start=token.start, end=token.end + 1))
        i += 1
    while len(stack) > 1:
        inner = tuple(stack.pop())
        stack[-1].append(Item("group", inner=inner, closed=False, end=length))
    return stack[0]


def _word(tokens: list[Token], i: int, length: int) -> tuple[Item, int]:
    """A name and its dotted path (`p.default.m`, or `p.` while the next part is being typed)."""
    parts: list[str] = []
    while True:
        token, i = _joined(tokens, i)
        parts.append(token.text)
        start, end = token.start, token.end + 1
        closed = token.token_type != TokenType.IDENTIFIER or token.end < length
        if i >= len(tokens) or tokens[i].token_type != TokenType.DOT:
            break
        dot = tokens[i]
        i += 1
        if i >= len(tokens) or not _is_name(tokens[i]):
            parts.append("")
            start = end = dot.end + 1
            closed = True
            break
    return Item("word", parts[-1], tuple(parts), closed=closed, start=start, end=end), i


_NOT_IN_USER_NAMES = {
    TokenType.STRING, TokenType.IDENTIFIER, TokenType.L_PAREN, TokenType.R_PAREN,
    TokenType.COMMA, TokenType.SEMICOLON,
}  # fmt: skip


def _user_name(tokens: list[Token], i: int) -> tuple[Item, int]:
    """`ALIYUN$alice@example.com`, `RAM$1234:role/admin`: the tokens that touch one another, as
    the parser reads an unquoted user name."""
    run = [tokens[i]]
    i += 1
    while i < len(tokens) and touches(run[-1], tokens[i]) and tokens[i].token_type not in _NOT_IN_USER_NAMES:
        run.append(tokens[i])
        i += 1
    text = "".join(token.text for token in run)
    return Item("word", text, (text,), start=run[0].start, end=run[-1].end + 1), i


def _joined(tokens: list[Token], i: int) -> tuple[Token, int]:
    """`1a` is one name, as the parser reads a version name: sqlglot reads a number, then a word."""
    token = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if (
        token.token_type == TokenType.NUMBER
        and after is not None
        and after.token_type == TokenType.VAR
        and touches(token, after)
    ):
        text = token.text + after.text
        return Token(TokenType.VAR, text, token.line, after.col, token.start, after.end), i + 2
    return token, i + 1


def _take_partial(items: list[Item], length: int) -> tuple[list[Item], Item | None]:
    """Take off the word or string the cursor is in, if any (from the innermost open group)."""
    if not items:
        return items, None
    last = items[-1]
    if last.kind == "group" and not last.closed:
        inner, partial = _take_partial(list(last.inner), length)
        return [*items[:-1], Item("group", inner=tuple(inner), closed=False, end=length)], partial
    if (last.kind == "word" and last.end >= length) or (last.kind == "string" and not last.closed):
        return items[:-1], last
    return items, None


# -- walking the shapes --------------------------------------------------------------------------
# What may still come, and the model path the statement named so far.
State = tuple[tuple[object, ...], tuple[str, ...]]


def _heads(sequence: tuple[object, ...]) -> Iterator[tuple[object, ...]]:
    """The sequence with optional and alternative parts unfolded until a plain element leads."""
    if not sequence:
        yield sequence
        return
    head, rest = sequence[0], sequence[1:]
    if isinstance(head, Opt):
        yield from _heads(head.items + rest)
        yield from _heads(rest)
    elif isinstance(head, Alt):
        for choice in head.choices:
            yield from _heads(choice + rest)
    elif isinstance(head, Many):
        yield from _heads((head.item, Opt(head.separator, head), *rest))
    else:
        yield sequence


def _accepts(element: object, item: Item) -> bool:
    if isinstance(element, str):
        return item.kind in ("word", "punct") and len(item.parts) <= 1 and item.text.upper() == element
    if isinstance(element, Group):
        return item.kind == "group"
    if element in (STRING, REST):
        return element is REST or item.kind == "string"
    return item.kind == "word"


def _advance(states: list[State], item: Item) -> list[State]:
    after: list[State] = []
    for sequence, model in states:
        for unfolded in _heads(sequence):
            if not unfolded or not _accepts(unfolded[0], item):
                continue
            element = unfolded[0]
            if element is REST:
                after.append((unfolded, model))
            else:
                after.append((unfolded[1:], item.parts if element is MODEL else model))
    return after


def _expected(states: list[State]) -> list[tuple[object, tuple[str, ...]]]:
    found: list[tuple[object, tuple[str, ...]]] = []
    for sequence, model in states:
        for unfolded in _heads(sequence):
            if unfolded and (unfolded[0], model) not in found:
                found.append((unfolded[0], model))
    return found


# -- suggestions -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    text: str  # what replaces the `replace` characters before the cursor
    replace: int
    kind: str  # keyword, model, version, project, option, value, type


def suggest(text: str, names: Names, requested: bool = True) -> list[Suggestion]:
    """What may be typed at the end of `text` (the entry up to the cursor).

    `requested` is False while the user types: then only a started word is completed, so no menu
    pops up after every blank.
    """
    statement, reason = open_statement(text)
    if reason == "open comment":
        return []
    tokens = dialect_tokens(statement, reason)
    if tokens is None or _after_tokens(statement, tokens).strip():
        return []  # the dialect cannot read it, or the cursor is in a comment
    items, partial = _take_partial(_items(tokens, len(statement)), len(statement))
    if partial is None and not requested:
        return []
    if items and items[0].kind == "word" and items[0].text.upper() in _QUERY_WORDS:
        return _in_query(items, _Context(statement, partial, names))
    group = items[-1] if items and items[-1].kind == "group" and not items[-1].closed else None
    states: list[State] = [((STATEMENT,), ())]
    for item in items[: -1 if group else None]:
        states = _advance(states, item)
    context = _Context(statement, partial, names)
    suggestions: list[Suggestion] = []
    for element, model in _expected(states):
        if group is not None:
            if isinstance(element, Group):
                suggestions += context.in_group(element.kind, group.inner, model)
        else:
            suggestions += context.at(element, model)
    return list(dict.fromkeys(suggestions))


_QUERY_WORDS = ("SELECT", "WITH")


def _in_query(items: list[Item], context: _Context) -> list[Suggestion]:
    """In a SELECT: the model functions' names; inside one of them, a model as its first argument
    and a version of that model (or DEFAULT_VERSION) as its second."""
    level, function = items, ""
    while level and level[-1].kind == "group" and not level[-1].closed:
        before = level[-2] if len(level) > 1 else None
        function = before.text.upper() if before is not None and before.kind == "word" else ""
        level = list(level[-1].inner)
    if function in MODEL_FUNCTIONS:
        commas = [i for i, item in enumerate(level) if item.kind == "punct" and item.text == ","]
        if not commas:
            return context._models()
        if len(commas) == 1:
            model = next((item.parts for item in level[: commas[0]] if item.kind == "word"), ())
            return context._versions(model) + context._keywords(["DEFAULT_VERSION"])
        return []
    partial = context.partial
    if partial is None or partial.kind != "word" or context.qualifier:
        return []
    return context._keywords(MODEL_FUNCTIONS, "function")


def _after_tokens(text: str, tokens: list[Token]) -> str:
    return text[tokens[-1].end + 1 :] if tokens else text


_PLAIN_MODEL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PLAIN_VERSION = re.compile(r"[A-Za-z0-9_]+\Z")
_PLAIN_USER = re.compile(r"[^\s'\"`;,()\\]+\Z")
_PRIVILEGE_NAMES = (
    *privileges.PRIVILEGES[privileges.MODEL], *privileges.PRIVILEGES[privileges.PROJECT], privileges.ALL,
)  # fmt: skip


class _Context:
    """The partial word at the cursor and the catalog: turns expected elements into suggestions."""

    def __init__(self, statement: str, partial: Item | None, names: Names):
        self.names = names
        self.partial = partial
        self.replace = len(statement) - partial.start if partial is not None else 0
        self.prefix = partial.text if partial is not None else ""
        self.qualifier = partial.parts[:-1] if partial is not None else ()

    # -- outside parentheses ----------------------------------------------------------------
    def at(self, element: object, model: tuple[str, ...]) -> list[Suggestion]:
        if self.partial is not None and self.partial.kind == "string":
            return []
        if isinstance(element, str):
            return self._keywords([element]) if not self.qualifier else []
        if element is MODEL:
            return self._models()
        if element is VERSION and not self.qualifier:
            return self._versions(model)
        if element is PROJECT and not self.qualifier:
            return self._names(self.names.projects(self.prefix), "project", _PLAIN_MODEL)
        if element is USER and not self.qualifier:
            members = self.names.members(self.names.project, self.prefix)
            return self._names(members, "user", _PLAIN_USER)
        if element is ROLE and not self.qualifier:
            builtin = [
                name for name in privileges.BUILTIN_ROLES.values() if name.lower().startswith(self.prefix.lower())
            ]
            return self._names([*builtin, *self.names.roles(self.names.project, self.prefix)], "role", _PLAIN_MODEL)
        if element is PRIVILEGE and not self.qualifier:
            return [
                Suggestion(name, self.replace, "privilege")
                for name in _PRIVILEGE_NAMES
                if name.lower().startswith(self.prefix.lower())
            ]
        return []

    def _keywords(self, words: Iterable[str], kind: str = "keyword") -> list[Suggestion]:
        lower = self.prefix != self.prefix.upper()  # a keyword typed in lower case completes so
        return [
            Suggestion(word.lower() if lower else word, self.replace, kind)
            for word in words
            if word[:1].isalpha() and word.startswith(self.prefix.upper())
        ]

    def _names(self, names: Iterable[str], kind: str, plain: re.Pattern[str]) -> list[Suggestion]:
        quote = "'" if kind == "user" else "`"  # a user name that needs quotes is a string
        return [Suggestion(n if plain.match(n) else f"{quote}{n}{quote}", self.replace, kind) for n in names]

    def _models(self) -> list[Suggestion]:
        if len(self.qualifier) > 2:
            return []
        if self.qualifier:
            project = self.qualifier[0].lower()
            return self._names(self.names.models(project, self.prefix), "model", _PLAIN_MODEL)
        found = self._names(self.names.models(self.names.project, self.prefix), "model", _PLAIN_MODEL)
        if self.prefix:  # a started name may also be a project: `bigdata_<Tab>` before `.`
            found += self._names(self.names.projects(self.prefix), "project", _PLAIN_MODEL)
        return found

    def _versions(self, model: tuple[str, ...]) -> list[Suggestion]:
        project, name = _model_target(model, self.names.project)
        if not name:
            return []
        return self._names(self.names.versions(project, name, self.prefix), "version", _PLAIN_VERSION)

    # -- inside INPUT(...) and OPTIONS(...) ---------------------------------------------------
    def in_group(self, kind: str, inner: tuple[Item, ...], model: tuple[str, ...]) -> list[Suggestion]:
        if inner and inner[-1].kind == "group" and not inner[-1].closed:
            return []  # inside a type's parameters: DECIMAL(10,
        if kind == "options":
            return self._options(inner, model)
        return self._types(inner) if self.partial is None or self.partial.kind == "word" else []

    def _options(self, inner: tuple[Item, ...], model: tuple[str, ...]) -> list[Suggestion]:
        current = _after_last_comma(inner)
        given = _given_options(inner)
        source, model_type = self._model_kind(model, given)
        if not current and (self.partial is None or self.partial.kind == "word"):
            keys = [k for k in _option_keys(source) if k not in given]
            return self._keywords(keys, "option")
        if len(current) == 2 and current[0].kind == "word" and current[1].text == "=":
            return self._values(_option_values(current[0].text.upper(), source, model_type))
        return []

    def _model_kind(self, model: tuple[str, ...], given: dict[str, str]) -> tuple[str | None, str | None]:
        """The source and model type the options must fit: the model's (ALTER), else the
        MODEL_SOURCE_TYPE already given (CREATE)."""
        project, name = _model_target(model, self.names.project)
        if name:
            kind = self.names.model_kind(project, name)
            if kind is not None:
                return kind
        source = given.get("MODEL_SOURCE_TYPE", "").upper()
        return (source if source in validate.SOURCE_TYPES else None), None

    def _values(self, values: Iterable[str]) -> list[Suggestion]:
        partial = self.partial
        typed = "" if partial is None else partial.text
        if partial is not None and partial.kind == "word" and len(partial.parts) > 1:
            return []
        return [
            Suggestion(f"'{value}'", self.replace, "value")
            for value in values
            if value.lower().startswith(typed.lower())
        ]

    def _types(self, inner: tuple[Item, ...]) -> list[Suggestion]:
        before = inner[-1] if inner else None
        if before is None:
            return []  # a new column's name
        if before.kind == "punct" and before.text in ("<", ":"):
            return self._keywords(validate.ALL_TYPES, "type")
        current = _after_last_comma(inner)
        if len(current) == 1 and current[0].kind == "word":
            return self._keywords(validate.ALL_TYPES, "type")
        return []


def _model_target(path: tuple[str, ...], project: str) -> tuple[str, str]:
    """(project, model) of `m`, `p.m` or `p.default.m`."""
    if not path:
        return project, ""
    if len(path) == 1:
        return project, path[0].lower()
    return path[0].lower(), path[-1].lower()


def _after_last_comma(inner: tuple[Item, ...]) -> tuple[Item, ...]:
    """The list entry being typed; commas inside <...> (MAP<K,V>) do not end one."""
    depth, start = 0, 0
    for index, item in enumerate(inner):
        if item.kind == "punct" and item.text == "<":
            depth += 1
        elif item.kind == "punct" and item.text == ">":
            depth = max(0, depth - 1)
        elif item.kind == "punct" and item.text == "," and depth == 0:
            start = index + 1
    return inner[start:]


def _given_options(inner: tuple[Item, ...]) -> dict[str, str]:
    """Options already written in the list: upper-case key -> value."""
    given: dict[str, str] = {}
    for key, eq, value in zip(inner, inner[1:], inner[2:], strict=False):
        if key.kind == "word" and eq.text == "=":
            given[key.text.upper()] = value.text if value.kind == "string" else ""
    return given


def _option_keys(source: str | None) -> tuple[str, ...]:
    common = ("MODEL_SOURCE_TYPE", "MODEL_TYPE")
    if source == "IMPORT":
        return (*common, *validate.IMPORT_OPTIONS)
    if source == "REMOTE":
        return (*common, *validate.REMOTE_OPTIONS)
    return validate.OPTION_KEYS


def _option_values(key: str, source: str | None, model_type: str | None) -> tuple[str, ...]:
    if key == "MODEL_SOURCE_TYPE" and source is not None:
        return (source,)
    if key == "MODEL_TYPE":
        if model_type is not None:
            return (model_type,)
        if source is not None:
            return validate.MODEL_TYPES[source]
    return validate.ENUM_OPTION_VALUES.get(key, ())


class StatementCompleter(Completer):
    """prompt_toolkit's side of `suggest`."""

    def __init__(self, names: Names):
        self.names = names

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        for found in suggest(document.text_before_cursor, self.names, complete_event.completion_requested):
            yield Completion(found.text, -found.replace, display_meta=found.kind)

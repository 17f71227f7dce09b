"""SELECT statements, parsed by sqlglot's own Hive parser, and the model function calls in them.

sqlglot knows three of MaxCompute's nine model functions under other vendors' shapes
(AI_GENERATE, AI_SIMILARITY, AI_CLASSIFY: Snowflake's and BigQuery's) and refuses or reshapes
the documented calls. A Parser subclass could map the names back, but sqlglot's compiled build
(sqlglotc) refuses interpreted Parser subclasses. So the stock parser is used as it is, and the
calls of those names are marked with sqlglot's own `/* sqlglot.anonymous */` comment on their
closing parenthesis, put on the tokens (never on the text, so every offset stays true): sqlglot
then builds them as exp.Anonymous, as it builds the other six.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlglot import exp
from sqlglot.dialects.hive import Hive
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from mcshell.errors import ParseError, SemanticError
from mcshell.sql import statements as st
from mcshell.sql.cursor import hash_error
from mcshell.sql.literals import EscapeError, decode_strings

_HIVE = Hive()


class _Tokenizer(Hive.Tokenizer):  # sqlglotc accepts interpreted Tokenizer subclasses
    # Comments as the splitter and the dialect (dialect.py) read them.
    COMMENTS_TERMINATE_AT_NEWLINE_ONLY = True
    NESTED_COMMENTS = False


# One tokenizer and one parser for every SELECT: sqlglot makes new ones on each Dialect.tokenize/parse,
# which costs as much as a tenth of a statement's parse with sqlglotc.
_TOKENIZER = _Tokenizer(dialect=_HIVE)
_PARSER = _HIVE.parser()
_NAME_LENGTHS = frozenset(len(name) for name in st.MODEL_FUNCTIONS)
_ANONYMOUS = f" {exp.SQLGLOT_ANONYMOUS} "
# The names the stock parser would build in its own shape (three in sqlglot 30.30).
_RESHAPED = frozenset(name for name in st.MODEL_FUNCTIONS if name in _HIVE.parser_class.FUNCTIONS)
# The names sqlglot's Hive parser builds as its own function nodes (LEN as LENGTH, CEILING as CEIL ...).
_KNOWN_FUNCTIONS = frozenset(
    {*_HIVE.parser_class.FUNCTIONS, *_HIVE.parser_class.FUNCTION_PARSERS, *_HIVE.parser_class.NO_PAREN_FUNCTION_PARSERS}
)
_KEYWORD_ARGUMENTS = (TokenType.FROM, TokenType.FOR)
# Tokens before a `(` that call nothing: a string, and the logical operators (sqlglot also knows OR as a function).
_NOT_CALLS = frozenset({TokenType.STRING, TokenType.AND, TokenType.OR, TokenType.NOT})
_OPEN = (TokenType.L_PAREN, TokenType.L_BRACKET)
_CLOSE = (TokenType.R_PAREN, TokenType.R_BRACKET)
# mcshell's decision (docs/local-evaluation.md): how deep a SELECT may nest, in parentheses and in its
# tree of operators. sqlglot's parser recurses some 20 frames per parenthesis, so the parse and the
# evaluation get the recursion room that depth needs.
MAX_NESTING = 200
_FRAMES_PER_LEVEL = 30
_OWN_LEVELS = 4


def parse_select(text: str) -> st.Select:
    """The SELECT in `text` (one statement, without its `;`), with every model function call in it."""
    try:
        tokens = decode_strings(text, _TOKENIZER.tokenize(text))  # MaxCompute's strings, not Hive's
    except EscapeError as error:
        raise ParseError(error.message, error.offset) from None
    except TokenError:
        raise ParseError("cannot read the statement", 0) from None
    _check_parentheses(tokens)
    sites = _call_sites(tokens)
    try:
        with nesting_room():
            trees = _PARSER.parse(tokens, text)
    except SqlglotParseError as error:
        raise _parse_error(error, text) from None
    tree = trees[0] if len(trees) == 1 else None
    if not isinstance(tree, exp.Query):
        raise ParseError("expected one SELECT statement", 0)
    _check_depth(tree)
    _check_order_limit(tree, tokens)
    nodes = _Nodes(tree)
    calls = tuple(_calls(nodes.calls, sites))
    source, columns, table = _source(tree, nodes)
    refs = _column_refs(nodes) if source in ("none", "values") else ()
    return st.Select(text, calls, source, columns, table, tree, refs)


def written_calls(text: str) -> list[tuple[str, int, bool]]:
    """The calls in `text` (a statement parse_select read) of the names sqlglot knows as functions: each
    name as written, its offset, and whether FROM or FOR stands among its arguments (`SUBSTRING(x FROM 2)`)."""
    tokens = _TOKENIZER.tokenize(text)
    found = []
    for i, token in enumerate(tokens[:-1]):
        if tokens[i + 1].token_type is not TokenType.L_PAREN or token.token_type in _NOT_CALLS:
            continue
        if token.text.upper() in _KNOWN_FUNCTIONS:
            found.append((token.text, token.start, _keyword_argument(tokens, i + 1)))
    return found


def _keyword_argument(tokens: list[Token], open_at: int) -> bool:
    depth = 0
    for token in tokens[open_at:]:
        if token.token_type in _OPEN:
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and token.token_type in _KEYWORD_ARGUMENTS:
            return True
    return False


@contextmanager
def nesting_room() -> Iterator[None]:
    """Recursion room for a statement nested MAX_NESTING deep (sqlglot's parser and mcshell's evaluator recurse)."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, MAX_NESTING * _FRAMES_PER_LEVEL + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _too_deep(offset: int) -> ParseError:
    return ParseError(f"the statement nests deeper than {MAX_NESTING} levels, mcshell's limit", offset)


def _check_parentheses(tokens: list[Token]) -> None:
    depth = 0
    for token in tokens:
        if token.token_type in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                raise _too_deep(token.start)
        elif token.token_type in _CLOSE:
            depth -= 1


def _check_depth(tree: exp.Expr) -> None:
    """The depth of the statement's tree (`1+1+...+1` nests with no parenthesis), walked without recursion.
    Parentheses were counted on the tokens; a few levels are the statement's own (SELECT, an alias, WHERE)."""
    pending: list[tuple[exp.Expr, int]] = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING + _OWN_LEVELS:
            raise _too_deep(_at(node, 0))
        pending.extend((child, depth + (type(child) is not exp.Paren)) for child in node.iter_expressions())


def _check_order_limit(tree: exp.Expr, tokens: list[Token]) -> None:
    """MaxCompute refuses ORDER BY without LIMIT (odps.sql.validate.orderby.limit, on by default:
    https://help.aliyun.com/document_detail/617044.html), at the ORDER BY."""
    for query in tree.find_all(exp.Query):
        order = query.args.get("order")
        if order is None or query.args.get("limit") is not None:
            continue
        key = order.expressions[0] if order.expressions else order
        before = first_offset(key)
        before = 2**62 if before is None else before
        starts = [token.start for token in tokens if token.token_type is TokenType.ORDER_BY and token.start < before]
        raise SemanticError("ORDER BY must be used with a LIMIT clause", starts[-1] if starts else 0)


def first_offset(node: exp.Expr) -> int | None:
    """Where an expression starts in the statement: the offset of its own token that sqlglot placed,
    else of its first operand's; None when none was placed."""
    current: exp.Expr | None = node
    while current is not None:
        start = current.meta.get("start")
        if isinstance(start, int):
            return start
        current = next(current.iter_expressions(), None)
    return None


class _Nodes:
    """The nodes of a statement the checks look at, found in one walk of its tree (a walk costs as
    much as a tenth of the parse: one, not one per kind)."""

    def __init__(self, tree: exp.Expr):
        self.calls: list[exp.Anonymous] = []
        self.columns: list[exp.Column] = []
        self.tables: list[exp.Table] = []
        self.aliases: set[str] = set()
        self.ctes: set[str] = set()
        self.nested = False  # a subquery, a UNION's side ...
        for node in tree.walk():
            kind = type(node)
            if kind is exp.Column:
                self.columns.append(cast(exp.Column, node))
            elif kind is exp.Anonymous:
                if node.name.upper() in st.MODEL_FUNCTIONS:
                    self.calls.append(cast(exp.Anonymous, node))
            elif kind is exp.Alias:
                self.aliases.add(node.alias.lower())
            elif kind is exp.Table:
                self.tables.append(cast(exp.Table, node))
            elif kind is exp.CTE:
                self.ctes.add(node.alias_or_name.lower())
            elif node is not tree and isinstance(node, exp.Query):
                self.nested = True


# -- tokens -----------------------------------------------------------------------------------
def _call_sites(tokens: list[Token]) -> dict[int, tuple[int, ...]]:
    """Where each model function call's arguments start, by the offset of its name. Marks the
    calls of the names sqlglot would reshape as anonymous functions."""
    sites: dict[int, tuple[int, ...]] = {}
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        text = token.text
        if len(text) not in _NAME_LENGTHS:  # most tokens: no upper() for them
            continue
        name = text.upper()
        if name not in st.MODEL_FUNCTIONS or i == last or tokens[i + 1].token_type is not TokenType.L_PAREN:
            continue
        if token.token_type is not TokenType.VAR:
            continue
        starts, close = _arguments(tokens, i + 1)
        sites[token.start] = starts
        if name in _RESHAPED and close is not None:
            tokens[close].comments.append(_ANONYMOUS)
    return sites


def _arguments(tokens: list[Token], open_at: int) -> tuple[tuple[int, ...], int | None]:
    """The start offsets of the arguments of the call whose `(` is tokens[open_at], and where its `)` is."""
    starts: list[int] = []
    depth = 0
    for j in range(open_at, len(tokens)):
        kind = tokens[j].token_type
        if kind in _OPEN:
            depth += 1
            if depth == 1 and j + 1 < len(tokens) and tokens[j + 1].token_type is not TokenType.R_PAREN:
                starts.append(tokens[j + 1].start)
        elif kind in _CLOSE:
            depth -= 1
            if depth == 0:
                return tuple(starts), j
        elif kind is TokenType.COMMA and depth == 1 and j + 1 < len(tokens):
            starts.append(tokens[j + 1].start)
    return tuple(starts), None


def _parse_error(error: SqlglotParseError, text: str) -> ParseError:
    """sqlglot's first error, at its token (its str() carries terminal colour codes)."""
    info = error.errors[0] if error.errors else {}
    description = str(info.get("description") or "cannot parse the statement")
    line, col = info.get("line"), info.get("col")
    highlight = str(info.get("highlight") or "")
    offset = 0
    if isinstance(line, int) and isinstance(col, int):
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        offset = starts[min(line, len(starts)) - 1] + max(col - len(highlight), 0)
    if text.startswith("#", offset):  # sqlglot stops at the `#` token: say why
        return hash_error(offset)
    return ParseError(description[0].lower() + description[1:], min(offset, len(text)))


# -- calls ------------------------------------------------------------------------------------
def _calls(nodes: list[exp.Anonymous], sites: dict[int, tuple[int, ...]]) -> Iterator[st.FunctionCall]:
    found = []
    for node in nodes:
        start = node.meta.get("start")
        if start in sites:
            found.append((start, node.name.upper(), node))
    found.sort(key=lambda item: item[0])
    for index, (start, name, node) in enumerate(found):
        node.meta["mcshell_call"] = index
        yield _call(index, name, start, node.expressions, sites[start])


def _call(index: int, name: str, start: int, args: list[exp.Expr], starts: tuple[int, ...]) -> st.FunctionCall:
    where = list(starts) + [start] * (len(args) - len(starts))
    model: tuple[st.Ident, ...] = ()
    version = None
    if args and isinstance(args[0], exp.Column):
        model = tuple(st.Ident(part.name, _at(part, where[0])) for part in args[0].parts)
    if len(args) > 1:
        version = _version(args[1], where[1])
    rest = tuple(_arg(arg, where[i]) for i, arg in enumerate(args) if i >= 2)
    model_offset = where[0] if args else start
    version_offset = where[1] if len(args) > 1 else start
    return st.FunctionCall(name, index, start, model, version, rest, model_offset, version_offset)


def _at(node: exp.Expr, default: int) -> int:
    start = node.meta.get("start")
    return start if isinstance(start, int) else default


def _version(arg: exp.Expr, offset: int) -> st.Ident | None:
    """A version is a bare name (`v1`, `DEFAULT_VERSION`) or, as in `ADD VERSION 2`, digits."""
    if isinstance(arg, exp.Column) and len(arg.parts) == 1:
        return st.Ident(arg.name, offset)
    if isinstance(arg, exp.Literal) and not arg.is_string and arg.this.isdigit():
        return st.Ident(arg.this, offset)
    return None


# MaxCompute's types of sqlglot's cast targets (the Hive dialect's names).
_TYPES = {
    "TINYINT": "TINYINT", "SMALLINT": "SMALLINT", "INT": "INT", "BIGINT": "BIGINT", "FLOAT": "FLOAT",
    "DOUBLE": "DOUBLE", "DECIMAL": "DECIMAL", "STRING": "STRING", "VARCHAR": "VARCHAR", "CHAR": "CHAR",
    "BOOLEAN": "BOOLEAN", "BINARY": "BINARY", "DATE": "DATE", "DATETIME": "DATETIME", "TIMESTAMP": "TIMESTAMP",
    "TEXT": "STRING", "JSON": "JSON",
}  # fmt: skip
_INT_MAX = 2**31 - 1


def _arg(node: exp.Expr, offset: int) -> st.Arg:
    """What the checks need to know of one argument."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Null):
        return st.Arg("null", offset)
    constant = _constant(node)
    if constant is not None:
        value, kind = constant
        return st.Arg("constant", offset, kind, value)
    if isinstance(node, exp.Column):
        return st.Arg("column", offset, name=node.name.lower())
    if isinstance(node, exp.Array):
        items = tuple(_arg(item, _at(item, offset)) for item in node.expressions)
        kinds = {item.type for item in items if item.kind != "null"}
        inner = kinds.pop() if len(kinds) == 1 else ""
        return st.Arg("array", offset, f"ARRAY<{inner}>" if inner else "ARRAY", items=items)
    if isinstance(node, exp.Anonymous) and node.name.upper() in st.MODEL_FUNCTIONS:
        return st.Arg("call", offset, name=node.name.upper())
    if isinstance(node, exp.Cast):  # TryCast too: an expression whose type is known
        return st.Arg("expression", offset, _cast_type(node))
    return st.Arg("expression", offset)


def _constant(node: exp.Expr) -> tuple[object, str] | None:
    """A constant's Python value and MaxCompute type: 1 is INT, 10000000000 BIGINT, 1.5 DOUBLE."""
    if isinstance(node, exp.Boolean):
        return bool(node.this), "BOOLEAN"
    negative = isinstance(node, exp.Neg)
    inner = node.this if negative else node
    if isinstance(inner, exp.Literal):
        if inner.is_string:
            return (None, "") if negative else (inner.this, "STRING")
        number = _number(inner.this)
        if number is None:
            return None
        number = -number if negative else number
        if isinstance(number, int):
            return number, "INT" if abs(number) <= _INT_MAX else "BIGINT"
        return number, "DOUBLE"
    if isinstance(node, exp.Cast):  # one look at the operand: twice per level would double with each CAST
        inner_constant = _constant(node.this)
        if inner_constant is not None:
            return inner_constant[0], _cast_type(node)
    return None


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def constant_value(node: exp.Expr | None) -> object:
    """The Python value of a constant (a Var of digits too: how sqlglot holds TRUNC's places), else None."""
    if isinstance(node, exp.Var) and node.name.isdigit():
        return int(node.name)
    constant = _constant(node) if node is not None else None
    return constant[0] if constant is not None else None


def cast_type(node: exp.Cast) -> str:
    """The MaxCompute type a CAST names (DECIMAL(2, 1) is DECIMAL)."""
    return _cast_type(node)


def _cast_type(node: exp.Cast) -> str:
    to = node.args.get("to")
    name = to.this.name if isinstance(to, exp.DataType) else ""
    return _TYPES.get(name, name)


def _column_refs(nodes: _Nodes) -> tuple[st.Ident, ...]:
    """The columns the statement names, but for the model and version of the model functions."""
    skipped: set[int] = set()
    for node in nodes.calls:
        if "mcshell_call" in node.meta:
            skipped.update(id(arg) for arg in node.expressions[:2])
    refs = []
    for column in nodes.columns:
        if id(column) in skipped or isinstance(column.this, exp.Star) or column.name.lower() in nodes.aliases:
            continue
        refs.append(st.Ident(column.name, _at(column.this, 0)))
    return tuple(refs)


# -- what the statement reads -----------------------------------------------------------------
def _source(tree: exp.Query, nodes: _Nodes) -> tuple[str, dict[str, str], st.Ident | None]:
    for table in nodes.tables:
        if table.name.lower() not in nodes.ctes or table.db:
            return "tables", {}, st.Ident(".".join(p.name for p in table.parts), _at(table.this, 0))
    if not isinstance(tree, exp.Select) or tree.args.get("with_") or tree.args.get("joins"):
        return "other", {}, None
    if nodes.nested:
        return "other", {}, None
    source = tree.args.get("from_")
    if source is None:
        return "none", {}, None
    if isinstance(source.this, exp.Values):
        return "values", _values_columns(source.this), None
    return "other", {}, None


def _values_columns(values: exp.Values) -> dict[str, str]:
    """FROM VALUES (...), (...) t(a, b): each column's type, from the constants of its first row."""
    alias = values.args.get("alias")
    names = [column.name.lower() for column in (alias.columns if alias is not None else [])]
    rows = values.expressions
    width = len(rows[0].expressions) if rows and isinstance(rows[0], exp.Tuple) else 1
    if len(names) != width:
        raise SemanticError(
            f"FROM VALUES needs a table alias naming its {width} columns: VALUES (...) t(c1, ...)",
            _at(values, 0),
        )
    first = rows[0].expressions if isinstance(rows[0], exp.Tuple) else [rows[0]]
    columns = {}
    for name, node in zip(names, first, strict=True):
        constant = _constant(node)
        columns[name] = constant[1] if constant is not None else ""
    return columns

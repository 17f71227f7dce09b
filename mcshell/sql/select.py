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


# Comments as the splitter and the dialect (dialect.py) read them. sqlglotc accepts interpreted Tokenizer
# subclasses; made with type() so that the compiled build (setup.py) makes it a plain Python class too, as
# mypyc cannot compile a class over sqlglot's, whose types it does not have.
_Tokenizer = type(
    "_Tokenizer", (Hive.Tokenizer,), {"COMMENTS_TERMINATE_AT_NEWLINE_ONLY": True, "NESTED_COMMENTS": False}
)


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


def parse_select(text: str, start: int = 0) -> st.Select:
    """The SELECT in `text` (one statement, without its `;`), with every model function call in it.
    `start`: where it starts in `text` (an INSERT's); what stands before is read as blanks, so that
    every offset stays one into `text`."""
    text = blanked(text, start)
    tokens = _tokens(text)
    sites = _call_sites(tokens)
    tree = _tree(tokens, text)
    if not isinstance(tree, exp.Query):
        raise ParseError("expected one SELECT statement", start)
    nodes = _Nodes(tree)  # checks the tree's depth as it walks it
    _check_order_limit([tree, *nodes.queries], tokens)
    found = _mark_calls(nodes.calls, sites)
    source, columns, table = _source(tree, nodes)
    if source != "tables":
        calls = tuple(_calls(found, sites, {}))
        refs = _column_refs(nodes) if source in ("none", "values") else ()
        return st.Select(text, calls, source, columns, table, tree, refs)
    shape = _TableShape(tree, nodes)
    calls = tuple(_calls(found, sites, shape.ref_of))
    known = shape.table_refs
    tables = tuple(known.get(id(node)) or _table_ref(node) for node in nodes.tables if _reads_table(node, nodes))
    return st.Select(text, calls, source, columns, table, tree, (), tables, shape.scopes, shape.refs)


def parse_values(text: str, start: int) -> tuple[tuple[st.Arg, ...], ...]:
    """The rows of the `VALUES (...), ...` that starts at `start` in `text` (an INSERT's): each
    value as a model function's argument would be (a constant with its type, NULL, an expression)."""
    text = blanked(text, start)
    tokens = _tokens(text)
    starts = _row_starts(tokens)  # from the tokens: sqlglot places no NULL
    tree = _tree(tokens, text)
    if not isinstance(tree, exp.Values):
        raise ParseError("expected VALUES (<value>, ...), ...", start)
    rows = []
    for i, row in enumerate(tree.expressions):
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        where = starts[i] if i < len(starts) else ()
        rows.append(tuple(_arg(item, where[j] if j < len(where) else start, {}) for j, item in enumerate(items)))
    return tuple(rows)


def _row_starts(tokens: list[Token]) -> list[tuple[int, ...]]:
    """Where each value of each `(...)` row of VALUES starts."""
    rows = []
    depth = 0
    for j, token in enumerate(tokens):
        if token.token_type in _OPEN:
            if depth == 0:
                rows.append(_arguments(tokens, j)[0])
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
    return rows


def blanked(text: str, start: int) -> str:
    """`text` with what stands before `start` read as blanks (its line breaks kept)."""
    if not start:
        return text
    return "".join(c if c == "\n" else " " for c in text[:start]) + text[start:]


def _tokens(text: str) -> list[Token]:
    try:
        tokens = decode_strings(text, _TOKENIZER.tokenize(text))  # MaxCompute's strings, not Hive's
    except EscapeError as error:
        raise ParseError(error.message, error.offset) from None
    except TokenError:
        raise ParseError("cannot read the statement", 0) from None
    _check_parentheses(tokens)
    return tokens


def _tree(tokens: list[Token], text: str) -> exp.Expr | None:
    """The one statement sqlglot reads in `tokens` (None for more than one)."""
    try:
        with nesting_room():
            trees = _PARSER.parse(tokens, text)
    except SqlglotParseError as error:
        raise _parse_error(error, text) from None
    return trees[0] if len(trees) == 1 else None


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


class nesting_room:  # noqa: N801 - used as the function it was: `with nesting_room():`
    """Recursion room for a statement nested MAX_NESTING deep (sqlglot's parser and mcshell's evaluator
    recurse). A class rather than @contextmanager: every SELECT's parse enters it."""

    __slots__ = ("_before",)

    def __init__(self) -> None:
        self._before = 0

    def __enter__(self) -> None:
        self._before = sys.getrecursionlimit()
        sys.setrecursionlimit(max(self._before, MAX_NESTING * _FRAMES_PER_LEVEL + 1000))

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        sys.setrecursionlimit(self._before)


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


def _check_order_limit(queries: list[exp.Expr], tokens: list[Token]) -> None:
    """MaxCompute refuses ORDER BY without LIMIT (odps.sql.validate.orderby.limit, on by default:
    https://help.aliyun.com/document_detail/617044.html), at the ORDER BY."""
    for query in queries:  # the statement and the queries in it, found in _Nodes' one walk
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
    much as a tenth of the parse: one, not one per kind), breadth first as sqlglot's walk() goes.

    The same walk holds the tree's depth (`1+1+...+1` nests with no parenthesis) to MAX_NESTING,
    without recursion. Parentheses were counted on the tokens; a few levels are the statement's own
    (SELECT, an alias, WHERE)."""

    def __init__(self, tree: exp.Expr):
        self.calls: list[exp.Anonymous] = []
        self.columns: list[exp.Column] = []
        self.tables: list[exp.Table] = []
        self.aliases: set[str] = set()
        self.ctes: set[str] = set()
        self.nested = False  # a subquery, a UNION's side ...
        self.queries: list[exp.Expr] = []  # the nested queries
        self.opaque = False  # names a column check cannot place: LATERAL VIEW's, a lambda's
        limit = MAX_NESTING + _OWN_LEVELS
        queue: list[tuple[exp.Expr, int]] = [(tree, 0)]
        at = 0
        while at < len(queue):
            node, depth = queue[at]
            at += 1
            if depth > limit:
                raise _too_deep(_at(node, 0))
            _children(node, depth, limit, queue)
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
                self.queries.append(node)
            elif kind in _OPAQUE:
                self.opaque = True


def _children(node: exp.Expr, depth: int, limit: int, queue: list[tuple[exp.Expr, int]]) -> None:
    """Queue a node's children with their depth (a parenthesis adds none), as iter_expressions()
    yields them (its generator cost a third of the walk). A name (Identifier: most of a tree's
    nodes) has nothing under it and nothing to find: it is queued only where it is too deep."""
    deeper = depth + 1
    names = depth >= limit
    for value in node.args.values():
        if isinstance(value, exp.Expr):
            kind = type(value)
            if kind is exp.Paren:
                queue.append((value, depth))
            elif kind is not exp.Identifier or names:
                queue.append((value, deeper))
        elif isinstance(value, list):
            for child in value:
                if isinstance(child, exp.Expr):
                    kind = type(child)
                    if kind is exp.Paren:
                        queue.append((child, depth))
                    elif kind is not exp.Identifier or names:
                        queue.append((child, deeper))


_OPAQUE = (exp.Lateral, exp.Lambda, exp.Unnest)
_HIDING = ("SEMI", "ANTI")  # the joins whose right side's columns the query does not see


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
_Found = list[tuple[int, str, exp.Anonymous]]


def _mark_calls(nodes: list[exp.Anonymous], sites: dict[int, tuple[int, ...]]) -> _Found:
    """The model function calls, in text order, each numbered in its node (`mcshell_call`)."""
    found = []
    for node in nodes:
        start = node.meta.get("start")
        if start in sites:
            found.append((start, node.name.upper(), node))
    found.sort(key=lambda item: item[0])
    for index, (_, _, node) in enumerate(found):
        node.meta["mcshell_call"] = index
    return found


def _calls(found: _Found, sites: dict[int, tuple[int, ...]], ref_of: dict[int, int]) -> Iterator[st.FunctionCall]:
    for index, (start, name, node) in enumerate(found):
        yield _call(index, name, start, node.expressions, sites[start], ref_of)


def _call(
    index: int, name: str, start: int, args: list[exp.Expr], starts: tuple[int, ...], ref_of: dict[int, int]
) -> st.FunctionCall:
    where = list(starts) + [start] * (len(args) - len(starts))
    model: tuple[st.Ident, ...] = ()
    version = None
    if args and isinstance(args[0], exp.Column):
        model = tuple(st.Ident(part.name, _at(part, where[0])) for part in args[0].parts)
    if len(args) > 1:
        version = _version(args[1], where[1])
    rest = tuple(_arg(arg, where[i], ref_of) for i, arg in enumerate(args) if i >= 2)
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


def _arg(node: exp.Expr, offset: int, ref_of: dict[int, int]) -> st.Arg:
    """What the checks need to know of one argument (`ref_of`: the column refs' places, by node)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if type(node) is exp.Column:  # the most common argument, and never a constant
        return st.Arg("column", offset, name=node.name.lower(), ref=ref_of.get(id(node), -1))
    if isinstance(node, exp.Null):
        return st.Arg("null", offset)
    constant = _constant(node)
    if constant is not None:
        value, kind = constant
        return st.Arg("constant", offset, kind, value)
    if isinstance(node, exp.Column):
        return st.Arg("column", offset, name=node.name.lower(), ref=ref_of.get(id(node), -1))
    if isinstance(node, exp.Array):
        items = tuple(_arg(item, _at(item, offset), ref_of) for item in node.expressions)
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
            return (
                (number, "INT" if abs(number) <= _INT_MAX else "BIGINT")
                if abs(number) < 2**63
                else (float(number), "DOUBLE")
            )
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


def _model_names(nodes: _Nodes) -> set[int]:
    """The nodes of the models and versions of the model function calls: names, not columns."""
    skipped: set[int] = set()
    for node in nodes.calls:
        if "mcshell_call" in node.meta:
            skipped.update(id(arg) for arg in node.expressions[:2])
    return skipped


def _column_refs(nodes: _Nodes) -> tuple[st.Ident, ...]:
    """The columns the statement names, but for the model and version of the model functions."""
    skipped = _model_names(nodes)
    refs = []
    for column in nodes.columns:
        if id(column) in skipped or isinstance(column.this, exp.Star) or column.name.lower() in nodes.aliases:
            continue
        refs.append(st.Ident(column.name, _at(column.this, 0)))
    return tuple(refs)


# -- the columns of a SELECT over tables --------------------------------------------------------
class _TableShape:
    """The scopes of a SELECT over tables and every column it names, where mcshell can place each:
    one query whose FROM and JOINs read tables, or subqueries that are one query over tables. Any
    other shape (WITH, UNION, a subquery in WHERE, LATERAL VIEW, a lambda, JOIN ... USING, NATURAL,
    SEMI and ANTI joins) gets no scopes."""

    def __init__(self, tree: exp.Query, nodes: _Nodes):
        self.scopes: tuple[st.QueryScope, ...] = ()
        self.refs: tuple[st.ColumnRef, ...] = ()
        self.ref_of: dict[int, int] = {}
        self.table_refs: dict[int, st.ModelRef] = {}  # the tables of the FROMs and JOINs, by node
        if nodes.opaque or not isinstance(tree, exp.Select) or tree.args.get("with_"):
            return
        self._levels: list[exp.Select] = [tree]
        self._accepted: set[int] = set()
        sources: list[tuple[st.FromItem, ...]] = []
        while len(sources) < len(self._levels):  # the subqueries are found as their FROM is read
            items = self._from_items(self._levels[len(sources)], subqueries=not sources)
            if items is None:
                return
            sources.append(items)
        if any(id(query) not in self._accepted for query in nodes.queries):
            return
        self.refs = tuple(self._refs(nodes))
        outputs = [self._outputs(select) for select in self._levels]
        self.scopes = tuple(st.QueryScope(items, out) for items, out in zip(sources, outputs, strict=True))

    def _from_items(self, select: exp.Select, subqueries: bool) -> tuple[st.FromItem, ...] | None:
        source = select.args.get("from_")
        if source is None:
            return ()
        joins = select.args.get("joins") or []
        if any(join.args.get("using") or join.args.get("method") or join.args.get("kind") in _HIDING for join in joins):
            return None  # USING, NATURAL: a column both sides have is one; SEMI, ANTI: the right side's are hidden
        items = []
        for node in [source.this, *(join.this for join in joins)]:
            if isinstance(node, exp.Table):
                ref = self.table_refs[id(node)] = _table_ref(node)
                items.append(st.FromItem(node.alias_or_name.lower(), ref, offset=_at(node.this, 0)))
            elif subqueries and isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
                self._accepted.update((id(node), id(node.this)))
                self._levels.append(node.this)
                items.append(st.FromItem(node.alias.lower(), level=len(self._levels) - 1, offset=_at(node, 0)))
            else:
                return None
        return tuple(items)

    def _refs(self, nodes: _Nodes) -> Iterator[st.ColumnRef]:
        level_of = {id(select): level for level, select in enumerate(self._levels)}
        one_level = len(self._levels) == 1  # most statements: no walk up from each column
        skipped = _model_names(nodes)
        for column in nodes.columns:
            if id(column) in skipped or isinstance(column.this, exp.Star):
                continue
            parts, first = _column_parts(column)
            if len(parts) == 1 and parts[0] in nodes.aliases:
                continue  # a result column's alias (ORDER BY, GROUP BY), not a table's column
            level = 0 if one_level else level_of.get(id(column.find_ancestor(exp.Select)), 0)
            self.ref_of[id(column)] = len(self.ref_of)
            yield st.ColumnRef(parts, level, _at(first, 0))

    def _outputs(self, select: exp.Select) -> tuple[st.Output, ...]:
        outputs = []
        for i, node in enumerate(select.expressions):
            inner = node.this if isinstance(node, exp.Alias) else node
            if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
                outputs.append(st.Output(f"{inner.table.lower()}.*" if isinstance(inner, exp.Column) else "*"))
                continue
            if isinstance(node, exp.Alias):
                name = node.alias.lower()
            else:
                name = inner.name.lower() if isinstance(inner, exp.Column) else f"_c{i}"
            outputs.append(st.Output(name, _arg(inner, first_offset(inner) or 0, self.ref_of)))
        return tuple(outputs)


def _column_parts(column: exp.Column) -> tuple[tuple[str, ...], exp.Expr]:
    """A column's name parts, lower case, and its first part's node (`c` and `t.c` without a walk)."""
    args = column.args
    if args.get("db") is None:
        this = cast(exp.Expr, args.get("this"))  # what column.this gives
        name = _identifier_text(this) if type(this) is exp.Identifier else column.name
        table = args.get("table")
        if table is None:
            return (name.lower(),), this
        return (_identifier_text(table).lower(), name.lower()), table
    parts = column.parts
    return tuple(part.name.lower() for part in parts), parts[0]


def _identifier_text(node: exp.Expr) -> str:
    """`node.name` without sqlglot's chain of properties: an Identifier's text is its `this`."""
    text = node.args.get("this") if type(node) is exp.Identifier else None
    return text if isinstance(text, str) else node.name


def result_args(select: st.Select) -> tuple[st.Arg, ...] | None:
    """Each result column of a SELECT with no FROM or over VALUES, read as a model function's
    argument is (a constant with its type, a column ...); None where a star stands among them."""
    tree = select.query
    if not isinstance(tree, exp.Select):
        return None
    args = []
    for node in tree.expressions:
        inner = node.this if isinstance(node, exp.Alias) else node
        if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
            return None
        args.append(_arg(inner, first_offset(inner) or 0, {}))
    return tuple(args)


def _table_ref(node: exp.Table) -> st.ModelRef:
    """A table's name as written: `t`, `p.t` or `p.default.t`."""
    parts = [st.Ident(part.name, _at(part, 0)) for part in node.parts]
    if len(parts) == 1:
        return st.ModelRef(parts[0])
    if len(parts) == 2:
        return st.ModelRef(parts[1], project=parts[0])
    return st.ModelRef(parts[-1], project=parts[0], schema=parts[1])


def _reads_table(table: exp.Table, nodes: _Nodes) -> bool:
    """A table, not the name of one of WITH's queries."""
    return table.name.lower() not in nodes.ctes or bool(table.db)


# -- what the statement reads -----------------------------------------------------------------
def _source(tree: exp.Query, nodes: _Nodes) -> tuple[str, dict[str, str], st.Ident | None]:
    for table in nodes.tables:
        if _reads_table(table, nodes):
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

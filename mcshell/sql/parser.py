"""A small recursive-descent parser over the dialect's tokens: one statement's text in, a statement out.

It checks only the shape of a statement; names, types and option values are checked by
`validate.py`, so those errors are semantic errors as in MaxCompute.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Final

from sqlglot.errors import TokenError

from mcshell.errors import ParseError, UnsupportedStatement
from mcshell.sql import statements as st
from mcshell.sql.dialect import Token, TokenType, tokenize
from mcshell.sql.lexicon import is_word
from mcshell.sql.splitter import Chunk, content_start

# Bounds that keep every input parseable: no type parameter is near 18 digits, and a type nested
# deeper than this is surely a mistake (and must not exhaust Python's stack).
MAX_NUMBER_DIGITS = 18
MAX_TYPE_DEPTH = 64

# Token kinds the grammar tests, looked up once: the parser runs for every statement of a script
# (Final: the compiled build keeps them in C variables instead of the module's dictionary).
_VAR: Final = TokenType.VAR
_IDENTIFIER: Final = TokenType.IDENTIFIER
_STRING: Final = TokenType.STRING
_NUMBER: Final = TokenType.NUMBER
_DOT: Final = TokenType.DOT
_COMMA: Final = TokenType.COMMA
_EQ: Final = TokenType.EQ
_COLON: Final = TokenType.COLON
_L_PAREN: Final = TokenType.L_PAREN
_R_PAREN: Final = TokenType.R_PAREN
_LT: Final = TokenType.LT
_GT: Final = TokenType.GT
_NESTED_TYPES: Final = ("ARRAY", "MAP", "STRUCT")
_token_type = attrgetter("token_type")

SUPPORTED = (
    "CREATE MODEL, ALTER MODEL, DROP MODEL, DESC MODEL, SHOW MODELS, SHOW VERSIONS FOR MODEL, "
    "SHOW CREATE MODEL, USE, WHOAMI, SET, HELP, QUIT, ADD USER, REMOVE USER, LIST USERS, GRANT, REVOKE, SHOW GRANTS"
)


def parse(chunk: Chunk) -> st.Statement:
    """The statement in `chunk`; raises ParseError (with an offset into chunk.text)."""
    if chunk.open_quote is not None:
        quote = chunk.text[chunk.open_quote]
        message = f"unterminated quote {quote}: no closing {quote} before the end of the input"
        raise ParseError(message, chunk.open_quote)
    if _is_query(chunk.text):
        from mcshell.sql.select import parse_select  # sqlglot's Hive parser, loaded for the first SELECT

        return parse_select(chunk.text)
    try:
        tokens = tokenize(chunk.text)
    except TokenError:
        raise _unreadable(chunk.text) from None
    return _Parser(chunk.text, _join_number_words(tokens)).statement()


_QUERY_WORDS = ("SELECT", "WITH")


def _is_query(text: str) -> bool:
    """A SELECT (or WITH ... SELECT): parsed by sqlglot's own parser, not by this one."""
    start = content_start(text)
    word = text[start : start + 7].upper()
    return any(word.startswith(w) and (len(word) == len(w) or not (word[len(w)].isalnum() or word[len(w)] == "_"))
               for w in _QUERY_WORDS)  # fmt: skip


def _unreadable(text: str) -> ParseError:
    """Text the tokenizer gives up on. sqlglot's own message quotes the text around the problem
    (an APIKEY, maybe): say what is left open instead. The splitter has already reported open
    quotes, so what remains is a comment."""
    comment = text.rfind("/*")
    if comment >= 0 and text.find("*/", comment + 2) < 0:
        return ParseError("unterminated comment /*: no closing */ before the end of the input", comment)
    return ParseError("cannot read the statement", 0)


def _join_number_words(tokens: list[Token]) -> list[Token]:
    """`1a` and `12_3` are one name (a version may start with a digit); sqlglot reads a number, then a word."""
    # Found with list.count() and list.index() (C speed): most statements have no number, or a
    # few, and this runs for every statement of a script.
    kinds = list(map(_token_type, tokens))
    pairs, at = [], -1
    for _ in range(kinds.count(_NUMBER)):
        at = kinds.index(_NUMBER, at + 1)
        if at + 1 < len(kinds) and kinds[at + 1] is _VAR and tokens[at + 1].start == tokens[at].end + 1:
            pairs.append(at)
    if not pairs:
        return tokens
    joined = list(tokens)
    for at in reversed(pairs):
        number, word = joined[at], joined[at + 1]
        joined[at : at + 2] = [Token(_VAR, number.text + word.text, number.line, word.col, number.start, word.end)]
    return joined


def _is_digits_name(token: Token) -> bool:
    """A name made of digits only (`ADD VERSION 2`): allowed for versions, refused by name rules elsewhere."""
    return token.token_type is _NUMBER and token.text.isdigit()


def describe(token: Token | None) -> str:
    if token is None:
        return "end of statement"
    if token.token_type == TokenType.STRING:
        return f"string '{_shortened(token.text)}'"
    if token.token_type == TokenType.IDENTIFIER:
        return f"`{_shortened(token.text)}`"
    return f"'{_shortened(token.text)}'"


def _shortened(text: str, limit: int = 256) -> str:
    """A token as an error quotes it: a megabyte-long word would make a megabyte-long FAILED line."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class _Parser:
    # The token helpers index the token list directly rather than through peek(): they run a few
    # dozen times for every statement of a script.
    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.n = len(tokens)
        self.i = 0
        self.depth = 0  # of nested types (ARRAY<...>)

    # -- token helpers --------------------------------------------------------------------
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
            if len(text) != len(word) or token.token_type is _IDENTIFIER or text.upper() != word:
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
            if token.token_type is _VAR or is_word(token) or _is_digits_name(token):
                self.i = i + 1
                return st.Ident(token.text, token.start)
        raise self.fail(what)

    def text_literal(self, what: str) -> st.Text:
        token = self.expect_type(_STRING, what)
        return st.Text(token.text, token.start)

    def number(self, what: str) -> int:
        token = self.expect_type(_NUMBER, what)
        # ASCII digits only: sqlglot reads '1²' as a number, which int() refuses.
        if not (token.text.isascii() and token.text.isdigit()):
            raise ParseError(f"expected {what}, found '{token.text}'", token.start)
        if len(token.text.lstrip("0")) > MAX_NUMBER_DIGITS:
            raise ParseError(f"number '{token.text[:20]}...' is too large ({len(token.text)} digits)", token.start)
        return int(token.text)

    # -- statements -----------------------------------------------------------------------
    def statement(self) -> st.Statement:
        first = self.peek()
        if first is None:
            raise self.fail("a statement")
        head = first.text.upper() if first.token_type is not _IDENTIFIER else ""
        method = _STATEMENTS.get(head)
        if method is None:
            raise self.unsupported()
        self.i += 1
        result = method(self)
        self.end()
        return result

    def unsupported(self) -> UnsupportedStatement:
        words = " ".join(_shortened(t.text.upper()) for t in self.tokens[:2] if is_word(t)) or describe(self.peek())
        return UnsupportedStatement(
            f"unsupported statement '{words}': mcshell runs model statements ({SUPPORTED})", 0, words
        )

    def _create(self) -> st.Statement:
        if not self.accept("MODEL"):
            raise self.unsupported()
        if_not_exists = self.accept("IF", "NOT", "EXISTS")
        model = self.model_ref()
        self.expect("WITH", "VERSION")
        return st.CreateModel(model, self.version_spec(), if_not_exists)

    def _alter(self) -> st.Statement:
        if not self.accept("MODEL"):
            raise self.unsupported()
        model = self.model_ref()
        if self.accept("ADD", "VERSION"):
            return st.AddVersion(model, self.version_spec())
        if self.accept("SET", "DEFAULT_VERSION"):
            self.accept("=")
            return st.SetDefaultVersion(model, self.ident("a version name"))
        if self.accept("DROP", "VERSION"):
            return st.DropVersion(model, self.ident("a version name"))
        raise self.fail("ADD VERSION, SET DEFAULT_VERSION or DROP VERSION")

    def _drop(self) -> st.Statement:
        if not self.accept("MODEL"):
            raise self.unsupported()
        if_exists = self.accept("IF", "EXISTS")
        return st.DropModel(self.model_ref(), if_exists)

    def _desc(self) -> st.Statement:
        if not self.accept("MODEL"):
            raise self.unsupported()
        model = self.model_ref()
        version = self.ident("a version name") if self.accept("VERSION") else None
        return st.DescModel(model, version)

    def _show(self) -> st.Statement:
        if self.accept("MODELS"):
            like = self.text_literal("a quoted pattern") if self.accept("LIKE") else None
            return st.ShowModels(like)
        if self.accept("VERSIONS"):
            self.expect("FOR", "MODEL")
            return st.ShowVersions(self.model_ref())
        if self.accept("GRANTS"):
            return st.ShowGrants(self.user_name() if self.accept("FOR") else None)
        if self.accept("CREATE", "MODEL"):
            return st.ShowCreateModel(self.model_ref())
        raise self.unsupported()

    def _use(self) -> st.Statement:
        return st.Use(self.ident("a project name"))

    def _whoami(self) -> st.Statement:
        return st.WhoAmI()

    def _set(self) -> st.Statement:
        # SET takes the rest of the statement as written: `SET odps.sql.type.system.odps2=true;`
        start = self.here()
        key, eq, value = self.text[start:].partition("=")
        if not eq or not key.strip() or any(c.isspace() for c in key.strip()):
            raise ParseError("expected <key>=<value> after SET", start)
        self.i = len(self.tokens)
        return st.SetVariable(key.strip(), value.strip())

    def _help(self) -> st.Statement:
        words = []
        while self.peek() is not None:
            words.append(self.ident("a statement name").text.upper())
        return st.Help(" ".join(words) or None)

    def _quit(self) -> st.Statement:
        return st.Quit()

    def _add(self) -> st.Statement:
        if not self.accept("USER"):
            raise self.unsupported()
        return st.AddUser(self.user_name())

    def _remove(self) -> st.Statement:
        if not self.accept("USER"):
            raise self.unsupported()
        return st.RemoveUser(self.user_name())

    def _list(self) -> st.Statement:
        if not self.accept("USERS"):
            raise self.unsupported()
        return st.ListUsers()

    def _grant(self) -> st.Statement:
        privileges, target = self.privileges_on()
        self.expect("TO", "USER")
        return st.Grant(privileges, target, self.user_name())

    def _revoke(self) -> st.Statement:
        privileges, target = self.privileges_on()
        self.expect("FROM", "USER")
        return st.Revoke(privileges, target, self.user_name())

    # -- clauses --------------------------------------------------------------------------
    def model_ref(self) -> st.ModelRef:
        parts = [self.ident("a model name")]
        while len(parts) < 3 and self.next_is(_DOT):
            self.i += 1
            parts.append(self.ident("a name after '.'"))
        if len(parts) == 1:
            return st.ModelRef(parts[0])
        if len(parts) == 2:
            return st.ModelRef(parts[1], project=parts[0])
        return st.ModelRef(parts[2], project=parts[0], schema=parts[1])

    def privileges_on(self) -> tuple[tuple[st.Ident, ...], st.ModelRef | st.Ident]:
        """`<privilege>[, ...] ON MODEL <m>` or `... ON PROJECT <p>` (names are checked by the handler)."""
        privileges = [self.ident("a privilege")]
        while self.next_is(TokenType.COMMA):
            self.i += 1
            privileges.append(self.ident("a privilege"))
        self.expect("ON")
        if self.accept("MODEL"):
            return tuple(privileges), self.model_ref()
        if self.accept("PROJECT"):
            return tuple(privileges), self.ident("a project name")
        raise self.fail("MODEL or PROJECT")

    def user_name(self) -> st.Text:
        """A user as MaxCompute writes one: quoted, or unquoted as in `ALIYUN$alice@example.com` and
        `RAM$1234:role/admin`. The tokenizer cuts the unquoted form at `@`, `.`, `:` ...: the name is
        the text of the tokens that touch one another, up to the first space."""
        first = self.peek()
        if first is not None and first.token_type in (TokenType.STRING, TokenType.IDENTIFIER):
            self.i += 1
            return st.Text(first.text, first.start)
        if first is None or not (is_word(first) or first.token_type == TokenType.NUMBER):
            raise self.fail("a user name")
        last = first
        self.i += 1
        while (token := self.peek()) is not None and token.start == last.end + 1 and token.token_type not in (
            TokenType.STRING, TokenType.IDENTIFIER,
        ):  # fmt: skip
            last = token
            self.i += 1
        return st.Text(self.text[first.start : last.end + 1], first.start)

    def version_spec(self) -> st.VersionSpec:
        name = self.ident("a version name")
        inputs = self.input_clause() if self.accept("INPUT") else None
        options_offset = self.here()
        options: tuple[st.Option, ...] = ()
        if self.accept("WITH", "OPTIONS") or self.accept("OPTIONS"):
            options = self.options_clause()
        elif self.at("WITH"):
            self.i += 1
            raise self.fail("'OPTIONS'")
        comment = self.text_literal("a quoted comment") if self.accept("COMMENT") else None
        if inputs is None and self.at("INPUT"):
            raise ParseError("INPUT must come before OPTIONS and COMMENT", self.here())
        return st.VersionSpec(name, inputs, options, comment, options_offset)

    def input_clause(self) -> tuple[st.Column, ...]:
        self.expect_type(_L_PAREN, "'('")
        columns = [self.column()]
        while self.next_is(_COMMA):
            self.i += 1
            columns.append(self.column())
        self.expect_type(_R_PAREN, "',' or ')'")
        return tuple(columns)

    def column(self) -> st.Column:
        name = self.ident("a column name")
        return st.Column(name, self.data_type())

    def data_type(self) -> st.DataType:
        token = self.peek()
        if token is None or token.token_type is _IDENTIFIER or not is_word(token):
            raise self.fail("a type")
        self.i += 1
        name = token.text.upper()
        if name in _NESTED_TYPES:
            return self.nested_type(name, token.start)
        if not self.next_is(_L_PAREN):
            return st.DataType(name, offset=token.start)
        self.i += 1
        params = [self.number("a number")]
        while self.next_is(_COMMA):
            self.i += 1
            params.append(self.number("a number"))
        self.expect_type(_R_PAREN, "')'")
        return st.DataType(name, tuple(params), offset=token.start)

    def nested_type(self, name: str, offset: int) -> st.DataType:
        self.expect_type(_LT, "'<'")
        self.depth += 1
        if self.depth > MAX_TYPE_DEPTH:
            raise ParseError(f"type nested more than {MAX_TYPE_DEPTH} levels deep", offset)
        children: list[st.DataType] = []
        fields: list[st.Ident] = []
        while True:
            if name == "STRUCT":
                fields.append(self.ident("a field name"))
                self.expect_type(_COLON, "':'")
            children.append(self.data_type())
            if not self.next_is(_COMMA):
                break
            self.i += 1
        self.expect_type(_GT, "',' or '>'")
        self.depth -= 1
        return st.DataType(name, (), tuple(children), tuple(fields), offset)

    def options_clause(self) -> tuple[st.Option, ...]:
        self.expect_type(_L_PAREN, "'('")
        options = [self.option()]
        while self.next_is(_COMMA):
            self.i += 1
            options.append(self.option())
        self.expect_type(_R_PAREN, "',' or ')'")
        return tuple(options)

    def option(self) -> st.Option:
        key = self.ident("an option name")
        self.expect_type(_EQ, "'='")
        return st.Option(key, self.text_literal("a quoted option value"))


# The first word of a statement picks its parser (a table, not getattr: the parser may be compiled).
_STATEMENTS: dict[str, Callable[[_Parser], st.Statement]] = {
    "CREATE": _Parser._create,
    "ALTER": _Parser._alter,
    "DROP": _Parser._drop,
    "DESC": _Parser._desc,
    "DESCRIBE": _Parser._desc,
    "SHOW": _Parser._show,
    "USE": _Parser._use,
    "WHOAMI": _Parser._whoami,
    "SET": _Parser._set,
    "HELP": _Parser._help,
    "QUIT": _Parser._quit,
    "EXIT": _Parser._quit,
    "ADD": _Parser._add,
    "REMOVE": _Parser._remove,
    "LIST": _Parser._list,
    "GRANT": _Parser._grant,
    "REVOKE": _Parser._revoke,
}

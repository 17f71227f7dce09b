"""A small recursive-descent parser over the dialect's tokens: one statement's text in, a statement out.

It checks only the shape of a statement; names, types and option values are checked by
`rules/validate.py`, so those errors are semantic errors as in MaxCompute. The statements it knows
are listed, with their syntax, in `grammar.py` (tests/unit/test_grammar.py holds the two together);
the clauses they share are in `clauses.py`, the token helpers in `cursor.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from sqlglot.errors import TokenError

from mcshell.errors import ParseError, UnsupportedStatement
from mcshell.sql import access, tables
from mcshell.sql import statements as st
from mcshell.sql.clauses import ClauseParser
from mcshell.sql.cursor import HASH, IDENTIFIER, NUMBER, VAR, describe, shortened
from mcshell.sql.dialect import Token, tokenize
from mcshell.sql.lexicon import is_word, touches
from mcshell.sql.literals import EscapeError
from mcshell.sql.splitter import Chunk, content_start

_token_type = attrgetter("token_type")


def parse(chunk: Chunk) -> st.Statement:
    """The statement in `chunk`; raises ParseError (with an offset into chunk.text)."""
    if chunk.open_at is not None:
        raise _left_open(chunk.text, chunk.open_at)
    if _is_query(chunk.text):
        from mcshell.sql.select import parse_select  # sqlglot's Hive parser, loaded for the first SELECT

        return parse_select(chunk.text)
    if _starts_with(chunk.text, _COMMAND_WORDS):
        from mcshell.sql.tunnel import parse_tunnel  # a command line, not SQL: not for the tokenizer

        return parse_tunnel(chunk.text)
    try:
        tokens = tokenize(chunk.text)
    except TokenError as error:
        raise _unreadable(error) from None
    return _Parser(chunk.text, _join_number_words(tokens)).statement()


_QUERY_WORDS = ("SELECT", "WITH")
_COMMAND_WORDS = ("TUNNEL",)  # odpscmd's commands, which its console takes among the statements


def _is_query(text: str) -> bool:
    """A SELECT (or WITH ... SELECT): parsed by sqlglot's own parser, not by this one."""
    return _starts_with(text, _QUERY_WORDS)


def _starts_with(text: str, words: tuple[str, ...]) -> bool:
    """The statement's first word is one of `words` (upper case)."""
    start = content_start(text)
    word = text[start : start + 7].upper()
    return any(word.startswith(w) and (len(word) == len(w) or not (word[len(w)].isalnum() or word[len(w)] == "_"))
               for w in words)  # fmt: skip


def _left_open(text: str, at: int) -> ParseError:
    """A quote or a comment the input ends inside (the splitter says where it opened): an error
    at its start, never quoting what follows (an APIKEY, maybe)."""
    if text.startswith("/*", at):
        return ParseError("unterminated comment /*: no closing */ before the end of the input", at)
    quote = text[at]
    return ParseError(f"unterminated quote {quote}: no closing {quote} before the end of the input", at)


def _unreadable(error: TokenError) -> ParseError:
    """Text the tokenizer gives up on. sqlglot's own message quotes the text around the problem
    (an APIKEY, maybe): never quote it. What is left open is reported before (_left_open)."""
    if isinstance(error, EscapeError):
        return ParseError(error.message, error.offset)
    return ParseError("cannot read the statement", 0)


def _join_number_words(tokens: list[Token]) -> list[Token]:
    """`1a` and `12_3` are one name (a version may start with a digit); sqlglot reads a number, then a word."""
    # Found with list.count() and list.index() (C speed): most statements have no number, or a
    # few, and this runs for every statement of a script.
    kinds = list(map(_token_type, tokens))
    pairs, at = [], -1
    for _ in range(kinds.count(NUMBER)):
        at = kinds.index(NUMBER, at + 1)
        if at + 1 < len(kinds) and kinds[at + 1] is VAR and touches(tokens[at], tokens[at + 1]):
            pairs.append(at)
    if not pairs:
        return tokens
    joined = list(tokens)
    for at in reversed(pairs):
        number, word = joined[at], joined[at + 1]
        joined[at : at + 2] = [Token(VAR, number.text + word.text, number.line, word.col, number.start, word.end)]
    return joined


class _Parser(ClauseParser):
    def statement(self) -> st.Statement:
        first = self.peek()
        if first is None or first.token_type is HASH:
            raise self.fail("a statement")
        head = first.text.upper() if first.token_type is not IDENTIFIER else ""
        method = _STATEMENTS.get(head)
        if method is None:
            raise self.unsupported()
        self.i += 1
        result = method(self)
        self.end()
        return result

    def unsupported(self) -> UnsupportedStatement:
        from mcshell.sql.grammar import SUPPORTED  # only for statements mcshell does not run

        words = " ".join(shortened(t.text.upper()) for t in self.tokens[:2] if is_word(t)) or describe(self.peek())
        return UnsupportedStatement(
            f"unsupported statement '{words}': mcshell runs model statements ({SUPPORTED})", 0, words
        )

    def _create(self) -> st.Statement:
        if self.accept("ROLE"):
            return access.create_role(self)
        if self.accept("TABLE"):
            return tables.create_table(self)
        if not self.accept("MODEL"):
            raise self.unsupported()
        if_not_exists = self.accept("IF", "NOT", "EXISTS")
        model = self.model_ref()
        self.expect("WITH", "VERSION")
        return st.CreateModel(model, self.version_spec(), if_not_exists)

    def _alter(self) -> st.Statement:
        if self.accept("TABLE"):
            return tables.alter_table(self)
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
        if self.accept("ROLE"):
            return access.drop_role(self)
        if self.accept("TABLE"):
            return tables.drop_table(self)
        if not self.accept("MODEL"):
            raise self.unsupported()
        if_exists = self.accept("IF", "EXISTS")
        return st.DropModel(self.model_ref(), if_exists)

    def _desc(self) -> st.Statement:
        if self.accept("ROLE"):
            return access.describe_role(self)
        if not self.accept("MODEL"):
            return tables.desc_table(self)  # DESC [EXTENDED] <table>
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
        if self.accept("GRANTS") or self.accept("GRANT"):
            return access.show_grants(self)
        if self.accept("ACL"):
            return access.show_acl(self)
        if self.accept("CREATE", "MODEL"):
            return st.ShowCreateModel(self.model_ref())
        if self.accept("TABLES"):
            return tables.show_tables(self)
        if self.accept("CREATE", "TABLE"):
            return st.ShowCreateTable(tables.table_name(self))
        if self.accept("PARTITIONS"):
            return tables.show_partitions(self)
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
        if self.accept("ROLES"):
            return st.ListRoles()
        if not self.accept("USERS"):
            raise self.unsupported()
        return st.ListUsers()

    def _grant(self) -> st.Statement:
        return access.grant(self)

    def _query(self) -> st.Statement:
        from mcshell.sql.select import parse_select

        self.i = self.n
        return parse_select(self.text)

    def _tunnel(self) -> st.Statement:
        from mcshell.sql.tunnel import parse_tunnel

        self.i = self.n
        return parse_tunnel(self.text)

    def _revoke(self) -> st.Statement:
        return access.revoke(self)

    def _insert(self) -> st.Statement:
        from mcshell.sql.insert import insert

        return insert(self)


# The first word of a statement picks its parser (a table, not getattr: docs/development.md).
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
    "INSERT": _Parser._insert,
    # parse() hands these to sqlglot before tokenizing; here for the grammar table's sake.
    "SELECT": _Parser._query,
    "WITH": _Parser._query,
    "TUNNEL": _Parser._tunnel,
}

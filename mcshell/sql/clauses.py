"""The parts statements share: model and user names, a version's INPUT, OPTIONS and COMMENT
clauses, and column types (the GRANT and role statements read theirs in access.py)."""

from __future__ import annotations

from typing import Final

from mcshell.errors import ParseError
from mcshell.sql import statements as st
from mcshell.sql.cursor import IDENTIFIER, STRING, TokenCursor
from mcshell.sql.dialect import TokenType
from mcshell.sql.lexicon import is_word, touches

# A type nested deeper than this is surely a mistake (and must not exhaust Python's stack).
MAX_TYPE_DEPTH = 64

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


class ClauseParser(TokenCursor):
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

    def user_name(self) -> st.Text:
        """A user as MaxCompute writes one: quoted, or unquoted as in `ALIYUN$alice@example.com` and
        `RAM$1234:role/admin`. The tokenizer cuts the unquoted form at `@`, `.`, `:` ...: the name is
        the text of the tokens that touch one another, up to the first space."""
        first = self.peek()
        if first is not None and first.token_type in (STRING, IDENTIFIER):
            self.i += 1
            return st.Text(first.text, first.start)
        if first is None or not (is_word(first) or first.token_type == _NUMBER):
            raise self.fail("a user name")
        last = first
        self.i += 1
        while (token := self.peek()) is not None and touches(last, token) and token.token_type not in (
            STRING, IDENTIFIER,
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
        if token is None or token.token_type is IDENTIFIER or not is_word(token):
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

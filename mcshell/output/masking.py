"""Secrets never printed whole: the APIKEY masking rule, and the one finder of APIKEY values in text.

The rule does not depend on the statement being well formed (issue 19): once a key word (APIKEY in
any case and quoting, and its spellings API_KEY, API-KEY, `API KEY` ...: `_KEY_WORD`) appears,
everything that may be the key after it in its statement is taken for one:

- the key's own value: after the key word and any separator (`=`, `:`, `=>`, none ...), the
  tokens up to the end of the option (a `,` or `)` at its depth, or the `;`): a quoted string,
  a bare word (`sk-0a1b`), a call (`concat('sk-', 'abc')`);
- every string after it in the statement, and every comment after it;
- in a string or a comment that holds the key word, what follows the word there.

The finder reads text with the dialect's tokenizer (sql/dialect.py), so it sees strings and
comments as the parser does. It also reads text the parser refuses: a quote or a comment left
open runs to the end, and text the tokenizer cannot read at all is masked from the first key word
on. Over-masking is accepted; a leak is not. Errors and warnings (the session), source excerpts,
the REPL's history and SHOW CREATE MODEL / dump all mask through this module; docs/reliability.md
states the rule for users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mcshell.sql.cursor import QUOTED_LIMIT
from mcshell.sql.dialect import MaxCompute, Token, TokenType, read_tokens, touches
from mcshell.value import Value

MASK = "********"
_SHORTEST_SECRET = 4  # shorter values are no key, and masking them would garble the message

# The key word, anywhere in a word, a string or a comment: APIKEY, ApiKey, API_KEY, API-KEY,
# API.KEY, `API KEY`, MY_APIKEY_NOTE ... (mcshell's decision: every spelling a user might mean).
_KEY_WORD = re.compile(r"api[\s_.-]*key", re.IGNORECASE)
_KEY_HEAD = re.compile(r"api[_.-]*$", re.IGNORECASE)  # the API of `API KEY` and `API - KEY`, as a word of its own
_QUOTES = "'\"`"
# What may stand between a key word and its value (=, :, =>, :=, ==, ->): anything but words,
# quotes, brackets, commas and semicolons.
_SEPARATOR = re.compile(r"[^\w\s'\"`(),;]+")
_HAS_WORD = re.compile(r"\w")  # a value of blanks and signs only is no key
_WORD_BREAKS = re.compile(r"[\s'\"`(),;\\]+")
_LEADING = " \t\r\n=:>-" + _QUOTES  # before a value written in a comment or a string, after the key word
_NO_VALUE = (TokenType.COMMA, TokenType.R_PAREN, TokenType.SEMICOLON)
# Before these, a key word with no separator after it is a name (`DESC MODEL apikey VERSION v1`).
_NAME_AFTER = frozenset({"MODEL", "VERSION", "DEFAULT_VERSION", "EXISTS", "."})
_COMMENT_MARKERS = tuple(
    marker
    for comment in MaxCompute.Tokenizer.COMMENTS
    for marker in ((comment,) if isinstance(comment, str) else comment)
)


def mask_secret(value: str) -> str:
    """How every output shows an APIKEY: ******** and its last 4 characters (only ******** under 12)."""
    return MASK + value[-4:] if len(value) >= 12 else MASK


def is_masked(value: str) -> bool:
    """An APIKEY as outputs show it (`mask_secret`), not a key: what `mcshell pull` stores, since DESC
    shows no more, and what a masked dump restores. No real key is eight asterisks and four
    characters (mcshell's decision, docs/remote.md)."""
    return value.startswith(MASK) and len(value) <= len(MASK) + 4 and "*" not in value[len(MASK) :]


@dataclass(eq=False, repr=False)
class SecretSpan(Value):
    """An APIKEY value in a text (or what may be one): text[start:end], without its quotes."""

    start: int
    end: int
    values: tuple[str, ...]  # the value as written, and as an error may quote it (escapes applied ...)
    # Masked only where a line quotes them ('...'), so that a word of a message is not taken for one:
    # the strings after the key's own value, the tokens of a value past its first.
    quoted: tuple[str, ...] = ()


def find_secrets(text: str) -> list[SecretSpan]:
    """Every APIKEY value in `text` (and every string or comment that follows a key word in its
    statement), in order, none overlapping."""
    found = _KEY_WORD.search(text)
    if found is None:  # the cheap test first: most text has no key
        return []
    tokens = read_tokens(text)
    if tokens is None:  # sqlglot's own nesting of comments: all after the key is taken for its value
        span = _after_key(text, found.end(), len(text))
        return [] if span is None else [span]
    return _Finder(text, tokens).find()


def pending_key(text: str) -> bool:
    """`text` (a statement the splitter cut at a `;`) ends inside an option after a key word, or
    right after a key word, so the statement after it may begin with the key's value:
    `OPTIONS(APIKEY = ;'sk-...')`, `APIKEY = ;'sk-...'`."""
    if _KEY_WORD.search(text) is None:
        return False
    tokens = read_tokens(text)
    if tokens is None:
        return True  # unreadable text after a key word: take what follows for its value
    finder = _Finder(text, tokens)
    finder.find()
    return finder.pending()


class _Finder:
    """One walk over the tokens of a text, and the gaps between them (blanks and comments)."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.spans: list[SecretSpan] = []
        self.seen = False  # a key word came earlier in this statement
        self.masked_to = -1  # the last token inside a span already found
        # Brackets open before the token being read: a `;` inside them (`OPTIONS(APIKEY = ;'sk-...')`)
        # ends no option and no statement for the mask, though the splitter cuts there.
        self.depth = 0
        self.awaiting = False  # the text ended after a key word or in its value

    def find(self) -> list[SecretSpan]:
        at = 0
        for index, token in enumerate(self.tokens):
            self._gap(at, min(token.start, len(self.text)), index)
            at = min(token.end + 1, len(self.text))
            self.depth += (token.token_type is TokenType.L_PAREN) - (token.token_type is TokenType.R_PAREN)
            if index <= self.masked_to:
                continue
            if token.token_type is TokenType.SEMICOLON:
                # A new statement, unless a bracket is still open or the `;` is inside a word (`'a';'b'`).
                self.seen = self.seen and (self.depth > 0 or _inside_a_word(self.tokens, index))
            elif _is_quoted(self.text, token):
                self._string(index)
            else:
                self._word(index)
        self._gap(at, len(self.text), len(self.tokens))
        return self.spans

    def pending(self) -> bool:
        """The text ends inside an option after a key word: what the next statement starts with may be its value."""
        ends_in_value = bool(self.spans) and self.spans[-1].end >= len(self.text.rstrip()) - 1  # a quote may close it
        return self.seen and (self.depth > 0 or self.awaiting or ends_in_value)

    def _add(self, span: SecretSpan | None) -> None:
        if span is not None and span.end > span.start and (not self.spans or span.start >= self.spans[-1].end):
            self.spans.append(span)

    def _gap(self, start: int, end: int, following: int) -> None:
        """The comments between two tokens: masked whole after a key word, or after the key word
        they hold."""
        if start >= end or not self.text[start:end].strip() or (self.spans and start < self.spans[-1].end):
            return
        if self.seen:
            self._add(_comment_body(self.text, start, end))
            return
        found = _KEY_WORD.search(self.text, start, end)
        if found is not None:
            self.seen = True
            value = _after_key(self.text, found.end(), end)
            self._add(value)
            if following < len(self.tokens):  # `/* APIKEY */ = sk-0a1b`: the value may be the code after it
                # `-- APIKEY =` with nothing after the sign: the code after the comment is its value.
                signed = value is None and _SEPARATOR.search(self.text, found.end(), end) is not None
                self._value(following, None, signed)

    def _string(self, index: int) -> None:
        """A quoted string or name: masked after a key word; holding one, masked after it, or
        the key's name itself (`'APIKEY' = ...`)."""
        token = self.tokens[index]
        start, end = _content(self.text, token)
        found = _KEY_WORD.search(self.text, start, end)
        span = _after_key(self.text, found.end(), end) if found is not None else None
        if found is not None and span is None:
            self.seen = True
            self._value_before(index)
            self._value(index + 1, index)
        elif self.seen:  # a string left open is no string an error quotes: masked wherever it shows
            values = (self.text[start:end], token.text)
            if token.end < len(self.text):
                self._add(SecretSpan(start, end, (), quoted=values))
            else:
                self._add(SecretSpan(start, end, (*values, *_open_words(self.text, token))))
        elif found is not None and span is not None:
            self.seen = True
            decoded = _KEY_WORD.search(token.text)
            rest = token.text[decoded.end() :].lstrip(_LEADING) if decoded is not None else ""
            self._add(SecretSpan(span.start, span.end, (*span.values, rest)))

    def _word(self, index: int) -> None:
        last = self._key_end(index)
        if last is not None:
            self.seen = True
            self._value_before(index)
            self._value(last + 1, index)

    def _value_before(self, key: int) -> None:
        """`'sk-...' = APIKEY`: a string written before the key word and a separator, at the start of
        its option, is taken for its value too."""
        at = key - 1
        while at >= 0 and not _is_quoted(self.text, self.tokens[at]) and _SEPARATOR.fullmatch(self.tokens[at].text):
            at -= 1
        if at < 0 or at == key - 1 or not _is_quoted(self.text, self.tokens[at]):
            return
        if at > 0 and self.tokens[at - 1].token_type not in (TokenType.L_PAREN, TokenType.COMMA):
            return
        self._add(_run_span(self.text, [self.tokens[at]]))

    def _key_end(self, index: int) -> int | None:
        """The last token of a key word starting at tokens[index] (`API KEY` is two), or None."""
        token = self.tokens[index]
        if _KEY_WORD.search(token.text):
            return index
        head = _KEY_HEAD.search(token.text)
        found = _KEY_WORD.match(self.text, token.start + head.start()) if head is not None else None
        if found is None:
            return None
        last = index
        while last + 1 < len(self.tokens) and self.tokens[last + 1].start < found.end():
            last += 1
        return last if last > index else None

    def _value(self, at: int, key: int | None, signed: bool = False) -> None:
        """The key's own value, from tokens[at]: up to the end of its option. `key` is the key
        word's first token (None: the word was in a comment)."""
        tokens = self.tokens
        first = at
        while (
            at < len(tokens)
            and not _is_quoted(self.text, tokens[at])
            and self._separates(tokens[at], signed or at > first)
        ):
            at += 1
        if at >= len(tokens):
            self.awaiting = True
            return
        if tokens[at].token_type in _NO_VALUE:
            return
        if at == first and not signed and (key is None or self._is_a_name(key, at)):
            return
        # The comments between the key word and its value come first (the one holding the key word is being read).
        for between in range(first + (key is None), at + 1):
            self._gap(min(tokens[between - 1].end + 1, len(self.text)), tokens[between].start, between)
        end = _option_end(tokens, at, self.depth)
        self._add(_run_span(self.text, tokens[at:end]))
        self.masked_to = end - 1
        self.awaiting = self.awaiting or end == len(tokens)  # the value may go on in the next statement

    def _separates(self, token: Token, after_sign: bool) -> bool:
        """A token between a key word and its value: `=`, `:` ...; and a `;` inside an open bracket
        or after such a sign (`APIKEY = ;'sk-...'`, where a line of it is all an excerpt shows)."""
        if token.token_type is TokenType.SEMICOLON:
            return self.depth > 0 or after_sign
        return _SEPARATOR.fullmatch(token.text) is not None

    def _is_a_name(self, key: int, after: int) -> bool:
        """A key word written where a name goes (`MODEL apikey VERSION`, `p.apikey`), with no separator."""
        before = self.tokens[key - 1].text.upper() if key > 0 else ""
        return before in _NAME_AFTER or self.tokens[after].token_type is TokenType.DOT


def _is_quoted(text: str, token: Token) -> bool:
    """A string or a quoted name (`N'x'` too), as opposed to a word or a sign."""
    if text[token.start : token.start + 1] in _QUOTES:
        return token.start < len(text)
    return token.token_type.name.endswith("STRING") and text[token.start + 1 : token.start + 2] in _QUOTES


def _content(text: str, token: Token) -> tuple[int, int]:
    """Where a quoted token's text is, without its quotes; one left open runs to the end."""
    start = token.start + (1 if text[token.start] in _QUOTES else 2)
    return min(start, len(text)), min(token.end, len(text))


def _option_end(tokens: list[Token], at: int, open_brackets: int = 0) -> int:
    """The index after the last token of the option that starts at tokens[at]; a `;` ends it only
    outside every bracket (`open_brackets` were open before it)."""
    depth = 0
    for end in range(at, len(tokens)):
        kind = tokens[end].token_type
        if kind is TokenType.SEMICOLON and depth + open_brackets <= 0 and not _inside_a_word(tokens, end):
            return end
        if depth == 0 and kind in _NO_VALUE and kind is not TokenType.SEMICOLON:
            return end
        depth += (kind is TokenType.L_PAREN) - (kind is TokenType.R_PAREN)
    return len(tokens)


def _inside_a_word(tokens: list[Token], at: int) -> bool:
    """tokens[at] touches the tokens on both its sides (`sk-x;y`): part of a bare value, not its end."""
    return 0 < at < len(tokens) - 1 and touches(tokens[at - 1], tokens[at]) and touches(tokens[at], tokens[at + 1])


def _run_span(text: str, run: list[Token]) -> SecretSpan:
    """A value of one or more tokens: from the first to the last, quotes left out at both ends."""
    start = _content(text, run[0])[0] if _is_quoted(text, run[0]) else run[0].start
    end = _content(text, run[-1])[1] if _is_quoted(text, run[-1]) else min(run[-1].end + 1, len(text))
    values = [text[start:end], *_open_words(text, run[-1])]
    quoted: list[str] = []
    for token in run:  # an error quotes any one of them, as the parser reads it
        quoted += [token.text, text[slice(*_content(text, token))]] if _is_quoted(text, token) else [token.text]
    first = 2 if _is_quoted(text, run[0]) else 1  # the first token is masked anywhere, the rest where quoted
    if first == 2:
        values += quoted[:2]
    else:
        # An error quotes the first word of it, as the parser reads one (`7f3a` is a number and a word).
        word = run[0].text
        if len(run) > 1 and run[0].token_type is TokenType.NUMBER and touches(run[0], run[1]):
            word += run[1].text
        values.append(word)
    return SecretSpan(start, end, tuple(values), tuple(quoted[first:]))


def _open_words(text: str, token: Token) -> list[str]:
    """The words of a string left open (it runs to the end of the text): the key is one of them."""
    if not _is_quoted(text, token) or token.end < len(text):
        return []
    start, end = _content(text, token)
    return [word for word in _WORD_BREAKS.split(text[start:end]) if word]


def _comment_body(text: str, start: int, end: int) -> SecretSpan | None:
    """text[start:end] without its blanks and comment markers, or None when nothing is left."""
    body = text[start:end].strip()
    at = start + text[start:end].index(body[0]) if body else end
    for marker in _COMMENT_MARKERS:
        while body.startswith(marker):
            body, at = body[len(marker) :], at + len(marker)
        while body.endswith(marker):
            body = body[: -len(marker)]
    stripped = body.strip()
    if not stripped:
        return None
    at += body.index(stripped[0])
    return SecretSpan(at, at + len(stripped), (stripped,))


def _after_key(text: str, start: int, end: int) -> SecretSpan | None:
    """What follows a key word in a comment or a string, up to `end`: blanks, separators and an
    opening quote left out, and a closing quote or comment marker."""
    body = _comment_body(text, start, end)
    if body is None:
        return None
    value = text[body.start : body.end]
    lead = len(value) - len(value.lstrip(_LEADING))
    value = value[lead:].rstrip()
    if value[-1:] in _QUOTES:
        value = value[:-1]
    value = value.rstrip()
    if not _HAS_WORD.search(value):  # `'apikey%'`, `'APIKEY='`: no value, the key word stands alone
        return None
    return SecretSpan(body.start + lead, body.start + lead + len(value), (value,))


def secret_values(text: str) -> set[str]:
    """The APIKEY values a statement's text holds, as an error or a warning may quote them (see
    SecretSpan.quoted)."""
    values: set[str] = set()
    for span in find_secrets(text):
        anywhere, quoted = _forms(span.values, strip=True), _forms(span.quoted, strip=False)
        lines = (line for value in anywhere | quoted if "\n" in value for line in value.split("\n"))  # in an excerpt
        values |= anywhere | {quote + value + quote for value in quoted for quote in _QUOTES}
        values |= _forms(tuple(lines), strip=True)
    return values


def _forms(values: tuple[str, ...], strip: bool) -> set[str]:
    """Each value that may be a key, as a line may show it: whole (without the blanks around it,
    unless it is quoted), upper-cased (an unsupported statement's first words) or cut (an error
    quotes 256 characters)."""
    found = {value.strip() if strip else value for value in values}
    found = {value for value in found if len(value.strip()) >= _SHORTEST_SECRET and _HAS_WORD.search(value)}
    found |= {value.upper() for value in found}
    return found | {value[:QUOTED_LIMIT] for value in found if len(value) > QUOTED_LIMIT}


def secrets_in(line: str, secrets: set[str]) -> list[tuple[int, int]]:
    """Where `secrets` stand in `line` (a quoted one without its quotes): the longest first, none
    overlapping, in order."""
    found: list[tuple[int, int]] = []
    for secret in sorted(secrets, key=len, reverse=True):
        inner = 1 if _is_quoted_secret(secret) else 0
        at = line.find(secret)
        while at >= 0:
            start, end = at + inner, at + len(secret) - inner
            if all(end <= taken[0] or start >= taken[1] for taken in found):
                found.append((start, end))
            at = line.find(secret, at + 1)
    return sorted(found)


def _is_quoted_secret(secret: str) -> bool:
    return len(secret) > 2 and secret[0] in _QUOTES and secret[-1] == secret[0]


def mask_secrets(line: str, secrets: set[str]) -> str:
    """`line` with every APIKEY value masked as DESC masks it: errors never print a key whole. A
    quoted secret ('...') keeps its quotes."""
    parts: list[str] = []
    at = 0
    for start, end in secrets_in(line, secrets):
        parts += [line[at:start], mask_secret(line[start:end])]
        at = end
    parts.append(line[at:])
    return "".join(parts)


def mask_typed(text: str, keep_masked: bool = False) -> str:
    """`text` with every APIKEY value replaced by ********, quotes kept as typed: what the REPL's
    history keeps of an entry, and what any other record of a statement's text should keep.
    `keep_masked`: a value masked already (`mask_secret`) keeps its last characters."""
    parts: list[str] = []
    at = 0
    for span in find_secrets(text):
        if keep_masked and is_masked(text[span.start : span.end]):
            continue
        parts += [text[at : span.start], MASK]
        at = span.end
    parts.append(text[at:])
    return "".join(parts)

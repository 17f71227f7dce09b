"""odpscmd's tunnel commands, as its console takes them in a script or the REPL (docs/tables.md, "tunnel"):

    tunnel upload [options] <path> <[project.]table[/<key>=<value>[,<key>=<value> ...]]>
    tunnel download [options] <[project.]table[/<key>=<value>,...]> <path>

A command line, not SQL: words are separated by blanks, a word may hold quoted parts ("a b",
'|'), and an option is `-<name> <value>` anywhere after the subcommand (the tunnel commands page,
https://www.alibabacloud.com/help/en/maxcompute/user-guide/tunnel-commands). Which options exist
and what their values mean is rules/tunnel.py's.
"""

from __future__ import annotations

from mcshell.errors import ParseError, UnsupportedStatement
from mcshell.sql import statements as st
from mcshell.sql.splitter import content_start

_SUBCOMMANDS = {"upload": "upload", "u": "upload", "download": "download", "d": "download"}  # odpscmd's short names
# The other subcommands odpscmd has; mcshell runs none of them.
_OTHERS = ("resume", "show", "purge", "help", "upsert")

Word = tuple[str, int]  # a word as written (quotes kept) and its offset in the statement


def parse_tunnel(text: str) -> st.Statement:
    words = split_words(text)
    if len(words) < 2 or words[1][0].lower() not in _SUBCOMMANDS:
        shown = words[1][0].lower() if len(words) > 1 else ""
        what = f"TUNNEL {shown.upper()}" if shown in _OTHERS else "TUNNEL"
        raise UnsupportedStatement(
            f"unsupported statement '{what}': mcshell runs tunnel upload and tunnel download", 0, what
        )
    options: list[st.TunnelOption] = []
    positional: list[Word] = []
    at = 2
    while at < len(words):
        word, offset = words[at]
        if word.startswith("-") and len(word) > 1:
            if at + 1 >= len(words):
                raise ParseError(f"option {word} needs a value", offset)
            value, value_at = words[at + 1]
            options.append(st.TunnelOption(st.Ident(word[1:].lower(), offset), st.Text(unquote(value), value_at)))
            at += 2
        else:
            positional.append((word, offset))
            at += 1
    subcommand = _SUBCOMMANDS[words[1][0].lower()]
    if len(positional) != 2:
        shape = "<path> <table>" if subcommand == "upload" else "<table> <path>"
        where = positional[2][1] if len(positional) > 2 else len(text.rstrip())
        raise ParseError(f"tunnel {subcommand} takes {shape}, found {len(positional)} of them", where)
    if subcommand == "upload":
        (path, path_at), target = positional
        table, partition = table_target(target)
        return st.TunnelUpload(st.Text(unquote(path), path_at), table, partition, tuple(options))
    target, (path, path_at) = positional
    table, partition = table_target(target)
    return st.TunnelDownload(table, partition, st.Text(unquote(path), path_at), tuple(options))


def split_words(text: str) -> list[Word]:
    """The words of a command line: blanks outside quotes separate them; quotes stay in the word."""
    words: list[Word] = []
    at, end = content_start(text), len(text)
    while at < end:
        if text[at].isspace():
            at += 1
            continue
        start = at
        while at < end and not text[at].isspace():
            if text[at] in "\"'":
                close = text.find(text[at], at + 1)
                if close < 0:
                    raise ParseError(f"unterminated quote {text[at]}", at)
                at = close
            at += 1
        words.append((text[start:at], start))
    return words


def unquote(word: str) -> str:
    """`"a b"c` -> `a bc`: quoted parts lose their quotes, as a shell's would."""
    out: list[str] = []
    at = 0
    while at < len(word):
        if word[at] in "\"'":
            close = word.index(word[at], at + 1)
            out.append(word[at + 1 : close])
            at = close + 1
        else:
            out.append(word[at])
            at += 1
    return "".join(out)


def table_target(word: Word) -> tuple[st.ModelRef, st.PartitionSpec | None]:
    """`p.t/k1="v1",k2=v2` -> the table and its partition spec."""
    text, offset = word
    name, slash, spec = _cut(text, "/")
    parts = name.split(".")
    if not all(parts) or len(parts) > 3:
        raise ParseError(f"'{text}' is not a table: [project.]table[/partition]", offset)
    idents, at = [], offset
    for part in parts:
        idents.append(st.Ident(part.strip("`"), at))
        at += len(part) + 1
    schema = idents[1] if len(idents) == 3 else None
    table = st.ModelRef(idents[-1], idents[0] if len(idents) > 1 else None, schema)
    if not slash:
        return table, None
    values: list[tuple[st.Ident, st.Text]] = []
    at = offset + len(name) + 1
    rest = spec
    while rest:
        item, comma, rest = _cut(rest, ",")
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value:
            raise ParseError(f"'{item}' is not a partition: <key>=<value>", at)
        values.append((st.Ident(key.strip(), at), st.Text(unquote(value), at + len(key) + 1)))
        at += len(item) + len(comma)
    if not values:
        raise ParseError(f"'{text}' names no partition after /", offset + len(name))
    return table, st.PartitionSpec(tuple(values), offset + len(name) + 1)


def _cut(text: str, separator: str) -> tuple[str, str, str]:
    """text.partition(separator), outside quotes."""
    at, quote = 0, ""
    while at < len(text):
        char = text[at]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == separator:
            return text[:at], separator, text[at + 1 :]
        at += 1
    return text, "", ""

"""One rule for string literals, MaxCompute's, in every reader: the model statements, SELECT, masking.

The rule and its examples: https://www.alibabacloud.com/help/en/maxcompute/maxcompute-escape-character-using
"""

from __future__ import annotations

import pytest

from mcshell.errors import ParseError
from mcshell.output.masking import secret_values
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk
from mcshell.sql.statements import CreateModel, Select

CREATE = "CREATE MODEL m WITH VERSION v OPTIONS(LOCATION = {literal}) COMMENT {literal}"


@pytest.mark.parametrize(
    "literal, value",
    [
        (r"'a\bb'", "a\bb"),
        (r"'a\tb'", "a\tb"),
        (r"'a\nb'", "a\nb"),
        (r"'a\rb'", "a\rb"),
        (r"'I\'m'", "I'm"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'a\\b'", "a\\b"),
        (r"'a\;b'", "a;b"),
        (r"'a\Zb'", "a\x1ab"),
        (r"'a\0b'", "a\0b"),
        (r"'a\00b'", "a\0b"),
        (r"'a\ab'", "aab"),  # the page's own example: a backslash before another character is dropped
        (r"'\q\%\_\u0041'", "q%_u0041"),
        (r"'\000'", "\x000"),  # \00, then a digit, on every page
        (r"'\200'", "200"),  # no octal code on either page: the backslash leaves the digits (was NUL and 0)
        (r"'a\777b'", "a777b"),
        ("'abc' 'efg' 'ddt'", "abcefgddt"),  # adjacent constants join
        ("'a' \"b\"\n'c'", "abc"),
        (r'R"(a\tb\\ it\'s)"', r"a\tb\\ it\'s"),  # a raw string: read as written
        (r"'x' R\"(\n)\"".replace('\\"', '"'), "x\\n"),
    ],
)
def test_model_statements_and_select_read_a_literal_the_same_way(literal, value):
    # Was: COMMENT 'a\tb' stored a backslash and a t, while SELECT 'a\tb' read a tab.
    statement = parse(Chunk(CREATE.format(literal=literal)))
    assert isinstance(statement, CreateModel)
    assert statement.version.comment.value == value
    assert statement.version.options[0].value.value == value
    select = parse(Chunk(f"SELECT {literal} AS x"))
    assert isinstance(select, Select)
    assert select.query.expressions[0].this.this == value


@pytest.mark.parametrize("literal", [r"'\101'", r"'\012'", r"'a\177'"])
def test_an_octal_escape_the_pages_read_two_ways_is_refused(literal):
    for text in (f"SELECT {literal}", f"SHOW MODELS LIKE {literal}"):
        with pytest.raises(ParseError) as raised:
            parse(Chunk(text))
        assert raised.value.message.startswith(f"ambiguous escape {literal.strip(chr(39)).lstrip('a')}: ")
        assert raised.value.offset == text.index("\\")


def test_a_raw_string_holding_its_quote_is_refused():
    with pytest.raises(ParseError) as raised:
        parse(Chunk('SHOW MODELS LIKE R"(say "hi")"'))
    assert raised.value.message == 'a raw string R"(...)" cannot hold a double quote in mcshell'


def test_user_names_in_quotes_are_string_literals():
    statement = parse(Chunk(r"ADD USER 'ALIYUN$a\@b.com'"))
    assert statement.user.value == "ALIYUN$a@b.com"


def test_the_apikey_finder_sees_the_value_the_parser_reads():
    # An error quoting the option's value quotes it decoded: the mask must know that form too.
    text = r"CREATE MODEL m WITH VERSION v OPTIONS(APIKEY = 'sk-\q0123' 'abcdef')"
    assert "sk-q0123abcdef" in secret_values(text)

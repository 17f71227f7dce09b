"""The one APIKEY finder (output/masking.py): every spelling the dialect reads as a key and its
value is found, exactly where the parser would find it, and nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as hs

from mcshell.output.masking import MASK, find_secrets, mask_secrets, mask_typed, secret_values
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk


@pytest.mark.parametrize(
    "typed, written",
    [
        ("OPTIONS(APIKEY='sk-abc123')", "OPTIONS(APIKEY='********')"),
        ("OPTIONS(APIKEY = \"sk-abc123\", ENDPOINT='x')", "OPTIONS(APIKEY = \"********\", ENDPOINT='********')"),
        ("options(apikey='sk-1', `ApiKey`='sk-2')", "options(apikey='********', `ApiKey`='********')"),
        ("OPTIONS(APIKEY='it\\'s;secret', TASKS='chat')", "OPTIONS(APIKEY='********', TASKS='********')"),
        ("OPTIONS(APIKEY=sk-unquoted, TASKS='chat')", "OPTIONS(APIKEY=********, TASKS='********')"),
        ("OPTIONS(APIKEY='never closed\nsecond line", "OPTIONS(APIKEY='********"),
        ("OPTIONS(APIKEY='sk-abc\\", "OPTIONS(APIKEY='********"),
        ("OPTIONS(\nAPIKEY\n=\n'sk-abc'\n)", "OPTIONS(\nAPIKEY\n=\n'********'\n)"),
        # The two spellings the regular expressions of earlier versions let through whole.
        ("OPTIONS(APIKEY /* c */ = 'sk-abc')", "OPTIONS(APIKEY /* ******** */ = '********')"),
        ("OPTIONS(APIKEY 'sk-abc')", "OPTIONS(APIKEY '********')"),
        ("OPTIONS(TASKS='chat', APIKEY sk_bare)", "OPTIONS(TASKS='chat', APIKEY ********)"),
        ("OPTIONS(ApiKey -- the key:\n= 'sk-abc')", "OPTIONS(ApiKey -- ********\n= '********')"),
        ("OPTIONS(`apikey`=`sk-abc`)", "OPTIONS(`apikey`=`********`)"),
        ("OPTIONS(APIKEY = 'sk-abc') /* not closed", "OPTIONS(APIKEY = '********') /* ********"),
        (
            "SHOW MODELS; ALTER MODEL m ADD VERSION v OPTIONS(APIKEY='k1'); x",
            "SHOW MODELS; ALTER MODEL m ADD VERSION v OPTIONS(APIKEY='********'); x",
        ),
    ],
)
def test_every_spelling_of_a_key_is_masked_with_its_quotes_kept(typed, written):
    assert mask_typed(typed) == written


@pytest.mark.parametrize(
    "typed, written",
    [
        # The key word quoted, spelt otherwise, or followed by another separator (issue 19, item 7).
        ("OPTIONS('APIKEY' = 'sk-abc123')", "OPTIONS('APIKEY' = '********')"),
        ("OPTIONS(\"APIKEY\" = 'sk-abc123')", "OPTIONS(\"APIKEY\" = '********')"),
        ("OPTIONS('apikey' = sk-abc123)", "OPTIONS('apikey' = ********)"),
        ("OPTIONS(APIKEY: 'sk-abc123')", "OPTIONS(APIKEY: '********')"),
        ("OPTIONS(APIKEY => 'sk-abc123')", "OPTIONS(APIKEY => '********')"),
        ("OPTIONS(APIKEY := sk-abc123, TASKS = 'chat')", "OPTIONS(APIKEY := ********, TASKS = '********')"),
        ("OPTIONS(API_KEY = 'sk-abc123')", "OPTIONS(API_KEY = '********')"),
        ("OPTIONS(api-key = 'sk-abc123')", "OPTIONS(api-key = '********')"),
        ("OPTIONS(Api Key 'sk-abc123')", "OPTIONS(Api Key '********')"),
        ("OPTIONS(\"api key\" = 'sk-abc123')", "OPTIONS(\"api key\" = '********')"),
        ("OPTIONS(`Api_Key` = 'sk-abc123')", "OPTIONS(`Api_Key` = '********')"),
        ("OPTIONS(MY_APIKEY_NOTE='sk-abc123')", "OPTIONS(MY_APIKEY_NOTE='********')"),
        # The value in a call, or more than one value: the option is masked to its end.
        ("OPTIONS(APIKEY = concat('sk-', 'abc123'))", "OPTIONS(APIKEY = ********)"),
        ("OPTIONS(APIKEY = concat('sk-', 'abc123'), TASKS = 'chat')", "OPTIONS(APIKEY = ********, TASKS = '********')"),
        ("OPTIONS(APIKEY = 'sk-' 'abc123')", "OPTIONS(APIKEY = '********')"),
        ("OPTIONS(APIKEY = sk abc 123)", "OPTIONS(APIKEY = ********)"),
        ("OPTIONS(TASKS = 'chat' APIKEY sk-abc123)", "OPTIONS(TASKS = 'chat' APIKEY ********)"),
        ("APIKEY sk-abcdef123456;", "APIKEY ********;"),
        ("SET APIKEY=sk-abcdef123456;", "SET APIKEY=********;"),
        # Every string after the key in its statement, and every comment after it.
        (
            "OPTIONS(APIKEY = 'k1', ENDPOINT = 'https://e') COMMENT 'c'; SHOW MODELS LIKE 'kept%';",
            "OPTIONS(APIKEY = '********', ENDPOINT = '********') COMMENT '********'; SHOW MODELS LIKE 'kept%';",
        ),
        ("OPTIONS(APIKEY = 'k1') -- old key: sk-old-123\n;", "OPTIONS(APIKEY = '********') -- ********\n;"),
        ("OPTIONS(ApiKey /* the key: */ = 'k1')", "OPTIONS(ApiKey /* ******** */ = '********')"),
        # The key word inside a string or a comment: what follows it there, and after it.
        ("OPTIONS('APIKEY=sk-abc123')", "OPTIONS('APIKEY=********')"),
        ("-- APIKEY='sk-abc123'", "-- APIKEY='********'"),
        ("-- APIKEY = 'sk-abc123'\nSHOW MODELS LIKE 'x%';", "-- APIKEY = '********'\nSHOW MODELS LIKE '********';"),
        ("/* APIKEY 'sk-abc123' */ SHOW MODELS;", "/* APIKEY '********' */ SHOW MODELS;"),
        ("/* api_key: sk-abc123", "/* api_key: ********"),
        ("SELECT 1; -- the apikey is sk-abc123\nSHOW MODELS;", "SELECT 1; -- the apikey ********\nSHOW MODELS;"),
        # A `;` inside the option's bracket, which the splitter cuts at: the option goes on past it.
        ("OPTIONS(APIKEY = ;'sk-abc123')", "OPTIONS(APIKEY = ;'********')"),
        ("OPTIONS(APIKEY=sk-abc;DEFGHIJ123)", "OPTIONS(APIKEY=********)"),
        # The value before the key word, and the key word spelt with a dot.
        ("OPTIONS('sk-abc123' = APIKEY)", "OPTIONS('********' = APIKEY)"),
        ("OPTIONS(api.key = 'sk-abc123')", "OPTIONS(api.key = '********')"),
        # Left open: to the end.
        ("OPTIONS(APIKEY = concat('sk-abc123", "OPTIONS(APIKEY = ********"),
        ("OPTIONS(API_KEY 'sk-abc123", "OPTIONS(API_KEY '********"),
    ],
)
def test_a_key_written_wrong_is_masked_all_the_same(typed, written):
    assert mask_typed(typed) == written
    assert "abc123" not in mask_typed(typed)


@pytest.mark.parametrize(
    "text",
    [
        "SHOW MODELS;",
        "DESC MODEL apikey;",
        "DESC MODEL apikey VERSION v1;",  # a model named apikey is no key: no `=`, not an option
        "GRANT Describe ON MODEL p.apikey TO USER ALIYUN$a@example.com;",
        "COMMENT 'APIKEY'",
        "SHOW MODELS LIKE 'apikey%';",
        "DESC MODEL my_apikey_model; SHOW MODELS LIKE 'kept%';",
        "ALTER MODEL apikey SET DEFAULT_VERSION v2;",
        "SHOW VERSIONS FOR MODEL p.apikey;",
    ],
)
def test_other_text_is_left_alone(text):
    assert mask_typed(text) == text
    assert find_secrets(text) == []


def test_a_span_is_the_value_without_its_quotes_and_a_string_after_it_is_one_too():
    text = "OPTIONS(APIKEY = 'sk-abc', X='y')"
    value, after = find_secrets(text)
    assert text[value.start : value.end] == "sk-abc"
    assert "sk-abc" in value.values
    assert text[after.start : after.end] == "y"
    assert (after.values, after.quoted) == ((), ("y", "y"))  # masked where an error quotes it, not as a word


def test_a_string_after_the_key_is_masked_only_where_an_error_quotes_it():
    secrets = secret_values("OPTIONS(APIKEY = 'sk-abc123', TASKS = 'chat')")
    assert mask_secrets("TASKS 'chat' is not allowed; allowed: chat", secrets) == (
        "TASKS '********' is not allowed; allowed: chat"
    )
    assert mask_secrets("found 'sk-abc123' and sk-abc123", secrets) == "found '********' and ********"
    # The tokens of a value past its first (a comma left out) are masked as quoted too.
    secrets = secret_values("OPTIONS(APIKEY = 'sk-abc123' TASKS = 'chat')")
    assert mask_secrets("found 'TASKS'; TASKS must be one of chat, sentence", secrets) == (
        "found '********'; TASKS must be one of chat, sentence"
    )


def test_a_word_inside_a_bare_value_is_no_second_key():
    assert mask_typed("OPTIONS(APIKEY=x.APIKEY=y)") == "OPTIONS(APIKEY=********)"


def test_secret_values_are_the_values_as_written_and_as_an_error_quotes_them():
    written, read = "it\\'s-a-key", "it's-a-key"
    assert secret_values(f"OPTIONS(APIKEY='{written}')") == {written, read, written.upper(), read.upper()}
    # The parser reads `7f3a9c` as one name; `sk-...` as the name `sk` (too short to mask); an
    # unsupported statement names its first words upper-cased.
    assert {"7f3a9c-0b1d", "7f3a9c", "7F3A9C"} <= secret_values("OPTIONS(APIKEY = 7f3a9c-0b1d)")
    assert {"sk-0123456789", "'0123456789'"} <= secret_values(
        "OPTIONS(APIKEY = sk-0123456789)"
    )  # a later token: quoted
    assert secret_values("OPTIONS(APIKEY = 'abc')") == set()  # too short to be a key


def test_secret_values_hold_what_an_error_or_an_excerpt_shows_of_a_long_or_multi_line_value():
    long_key = "k" * 300
    assert long_key[:256] in secret_values(f"OPTIONS(APIKEY = '{long_key}')")
    assert {"first-half", "second-half"} <= secret_values("OPTIONS(APIKEY = 'first-half\nsecond-half')")


# -- the finder reads what the parser reads -----------------------------------------------------
_KEYS = hs.text(alphabet="abcdefXYZ0123456789-_.'\"\\;,()/*` \n", min_size=4, max_size=30)
_GAPS = hs.sampled_from(["", " ", "\n", " /* c */ ", "/**/", " -- c\n", "\n\t"])
_KEY_WORDS = hs.sampled_from(["APIKEY", "apikey", "ApiKey", "`APIKEY`", "`apikey`"])


def _quoted(key: str, quote: str) -> str:
    return quote + key.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


@given(key=_KEYS, word=_KEY_WORDS, before=_GAPS, after=_GAPS, quote=hs.sampled_from(["'", '"']))
def test_a_quoted_key_is_found_as_the_parser_reads_it(key, word, before, after, quote):
    head = f"ALTER MODEL m ADD VERSION v OPTIONS(TASKS = 'chat', {word}{before}={after}{quote}"
    written = _quoted(key, quote)[1:-1]
    text = f"{head}{written}{quote})"
    statement = parse(Chunk(text))
    assert isinstance(statement, st.AddVersion)
    *comments, span = find_secrets(text)  # a comment after the key word is masked too
    assert (span.start, span.end) == (len(head), len(head) + len(written))
    assert statement.version.options[1].value.value in span.values  # as an error would quote it
    assert mask_typed(text) == f"{mask_typed(head)}{MASK}{quote})"
    assert len(comments) == sum(" c" in gap for gap in (before, after))  # `/**/` holds nothing to mask


@given(
    key=hs.from_regex(r"[A-Za-z0-9_]{4,30}", fullmatch=True),
    word=_KEY_WORDS,
    before=_GAPS,
    after=_GAPS,
    equals=hs.booleans(),
)
def test_a_bare_key_is_masked_with_or_without_equals(key, word, before, after, equals):
    head = f"OPTIONS(TASKS = 'chat', {word}{before}{'=' if equals else ' '}{after}"
    assert mask_typed(f"{head}{key}, X = 'y')") == f"{mask_typed(head)}{MASK}, X = '{MASK}')"
    assert key in secret_values(f"{head}{key}, X = 'y')")


_PIECES = hs.sampled_from([*"aAP=;,()'\"`\\/*- \n0.9$", "APIKEY", "apikey", "/*", "*/", "--"])


@given(hs.lists(_PIECES, max_size=30).map("".join))
@example("/*APIKEY /*")  # a comment left open after the key: the value starts after the blank
def test_any_text_is_read_and_its_spans_stay_in_order_inside_it(text):
    spans = find_secrets(text)
    ends = [0] + [edge for span in spans for edge in (span.start, span.end)] + [len(text)]
    assert ends == sorted(ends)
    assert all(text[span.start : span.end] in span.values + span.quoted for span in spans)

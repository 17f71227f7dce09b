"""The one APIKEY finder (output/masking.py): every spelling the dialect reads as a key and its
value is found, exactly where the parser would find it, and nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as hs

from mcshell.output.masking import MASK, find_secrets, mask_typed, secret_values
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk


@pytest.mark.parametrize(
    "typed, written",
    [
        ("OPTIONS(APIKEY='sk-abc123')", "OPTIONS(APIKEY='********')"),
        ("OPTIONS(APIKEY = \"sk-abc123\", ENDPOINT='x')", "OPTIONS(APIKEY = \"********\", ENDPOINT='x')"),
        ("options(apikey='sk-1', `ApiKey`='sk-2')", "options(apikey='********', `ApiKey`='********')"),
        ("OPTIONS(APIKEY='it\\'s;secret', TASKS='chat')", "OPTIONS(APIKEY='********', TASKS='chat')"),
        ("OPTIONS(APIKEY=sk-unquoted, TASKS='chat')", "OPTIONS(APIKEY=********, TASKS='chat')"),
        ("OPTIONS(APIKEY='never closed\nsecond line", "OPTIONS(APIKEY='********"),
        ("OPTIONS(APIKEY='sk-abc\\", "OPTIONS(APIKEY='********"),
        ("OPTIONS(\nAPIKEY\n=\n'sk-abc'\n)", "OPTIONS(\nAPIKEY\n=\n'********'\n)"),
        # The two spellings the regular expressions of earlier versions let through whole.
        ("OPTIONS(APIKEY /* c */ = 'sk-abc')", "OPTIONS(APIKEY /* c */ = '********')"),
        ("OPTIONS(APIKEY 'sk-abc')", "OPTIONS(APIKEY '********')"),
        ("OPTIONS(TASKS='chat', APIKEY sk_bare)", "OPTIONS(TASKS='chat', APIKEY ********)"),
        ("OPTIONS(ApiKey -- the key:\n= 'sk-abc')", "OPTIONS(ApiKey -- the key:\n= '********')"),
        ("OPTIONS(`apikey`=`sk-abc`)", "OPTIONS(`apikey`=`********`)"),
        ("OPTIONS(APIKEY = 'sk-abc') /* not closed", "OPTIONS(APIKEY = '********') /* not closed"),
        (
            "SHOW MODELS; ALTER MODEL m ADD VERSION v OPTIONS(APIKEY='k1'); x",
            "SHOW MODELS; ALTER MODEL m ADD VERSION v OPTIONS(APIKEY='********'); x",
        ),
    ],
)
def test_every_spelling_of_a_key_is_masked_with_its_quotes_kept(typed, written):
    assert mask_typed(typed) == written


@pytest.mark.parametrize(
    "text",
    [
        "SHOW MODELS;",
        "DESC MODEL apikey;",
        "DESC MODEL apikey VERSION v1;",  # a model named apikey is no key: no `=`, not an option
        "GRANT Describe ON MODEL p.apikey TO USER ALIYUN$a@example.com;",
        "OPTIONS(MY_APIKEY_NOTE='kept', TASKS='chat')",
        "COMMENT 'APIKEY'",
        "SHOW MODELS LIKE 'apikey%';",
        "-- APIKEY = 'a comment holds no option'\nSHOW MODELS;",
    ],
)
def test_other_text_is_left_alone(text):
    assert mask_typed(text) == text
    assert find_secrets(text) == []


def test_a_span_is_the_value_without_its_quotes():
    text = "OPTIONS(APIKEY = 'sk-abc', X='y')"
    (span,) = find_secrets(text)
    assert text[span.start : span.end] == "sk-abc"


def test_a_word_inside_a_bare_value_is_no_second_key():
    assert mask_typed("OPTIONS(APIKEY=x.APIKEY=y)") == "OPTIONS(APIKEY=********)"


def test_secret_values_are_the_values_as_written_and_as_an_error_quotes_them():
    assert secret_values("OPTIONS(APIKEY='it\\'s-a-key')") == {"it\\'s-a-key", "it's-a-key"}
    # The parser reads `7f3a9c` as one name; `sk-...` as the name `sk` (too short to mask).
    assert secret_values("OPTIONS(APIKEY = 7f3a9c-0b1d)") == {"7f3a9c-0b1d", "7f3a9c"}
    assert secret_values("OPTIONS(APIKEY = sk-0123456789)") == {"sk-0123456789"}
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
    (span,) = find_secrets(text)
    assert (span.start, span.end) == (len(head), len(head) + len(written))
    assert statement.version.options[1].value.value in span.values  # as an error would quote it
    assert mask_typed(text) == f"{head}{MASK}{quote})"


@given(
    key=hs.from_regex(r"[A-Za-z0-9_]{4,30}", fullmatch=True),
    word=_KEY_WORDS,
    before=_GAPS,
    after=_GAPS,
    equals=hs.booleans(),
)
def test_a_bare_key_is_masked_with_or_without_equals(key, word, before, after, equals):
    head = f"OPTIONS(TASKS = 'chat', {word}{before}{'=' if equals else ' '}{after}"
    assert mask_typed(f"{head}{key}, X = 'y')") == f"{head}{MASK}, X = 'y')"
    assert key in secret_values(f"{head}{key}, X = 'y')")


_PIECES = hs.sampled_from([*"aAP=;,()'\"`\\/*- \n0.9$", "APIKEY", "apikey", "/*", "*/", "--"])


@given(hs.lists(_PIECES, max_size=30).map("".join))
@example("/*APIKEY /*")  # a comment left open after the key: the value starts after the blank
def test_any_text_is_read_and_its_spans_stay_in_order_inside_it(text):
    spans = find_secrets(text)
    ends = [0] + [edge for span in spans for edge in (span.start, span.end)] + [len(text)]
    assert ends == sorted(ends)
    assert all(text[span.start : span.end] in span.values for span in spans)

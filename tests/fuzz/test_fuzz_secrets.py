"""An APIKEY never leaks, however the statement around it is written: option lists generated
around a random key (separators, quoting, case and spelling of the key word, calls, comments,
statements cut short) reach no stream, no file and no history (issue 19, item 7).

The CLI runs in-process (the `shell` fixture) to keep it cheap; tests/e2e/test_secrets.py and
tests/e2e/test_repl_terminal.py run examples of the same shapes through the real process and terminal."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mcshell.output.excerpt import excerpt
from mcshell.output.masking import mask_secrets, mask_typed, secret_values
from mcshell.repl.history import PrivateHistory
from mcshell.sql.dialect import is_word, read_tokens

SETTINGS = settings(
    max_examples=100,
    deadline=None,  # no timed assertions: the machine may be slow and busy
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

KEY = "sk-AbCdEfGhJkMnPq23"
# Qz9 at the start: no word of mcshell's own output (`LastModifiedTime`) can be taken for a key.
keys = st.text(alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=13, max_size=21).map(
    lambda tail: "sk-Qz9" + tail
)
_SPELLINGS = ["APIKEY", "apikey", "ApiKey", "apiKey", "API_KEY", "api_key", "API-KEY", "Api Key", "api  key", "api.key"]
key_words = st.tuples(st.sampled_from(_SPELLINGS), st.sampled_from(["", "'", '"', "`"])).map(
    lambda pair: pair[1] + pair[0] + pair[1]
)
separators = st.sampled_from(
    [
        "=",
        " = ",
        ":",
        " : ",
        "=>",
        " => ",
        ":=",
        "==",
        " ",
        "",
        "\n=\n",
        " /* c */ = ",
        " -- c\n= ",
        "=/**/",
        " = ;",
        "=;\n",
    ]
)
# {key} is the key: as one string, in pieces, in a call, bare, or a string left open.
values = st.sampled_from(
    [
        "'{key}'", '"{key}"', "`{key}`", "{key}", "'{key}' '{key}'", "concat('{key}')", "concat('sk-', '{rest}')",
        "concat({key})", "CONCAT( '{key}' , 'x')", "('{key}')", "'{key}", "concat('{key}", "'{key}\\", "{key} x",
        "'{key}'::STRING", "upper('{key}')", "sk-x;{key}", "'sk-x';'{key}'",
    ]
)  # fmt: skip
others = st.sampled_from(["", "TASKS = 'chat', ", "ENDPOINT = 'https://e.example.com' ", "'loose', ", "X, "])
frames = st.sampled_from(
    [
        "ALTER MODEL nope ADD VERSION v1 WITH OPTIONS({before}{option}{after})",
        "CREATE MODEL m WITH VERSION v1 OPTIONS({before}{option}{after}) COMMENT 'c'",
        "CREATE MODEL m WITH VERSION v1 OPTIONS({before}\n{option}\n{after}",
        "DESC MODEL nope OPTIONS {option}",
        "{option}",
        "-- {option}",
        "/* {option} */ SHOW MODELS",
        "/* {option}",
        "SHOW MODELS; ALTER MODEL nope SET {option}",
    ]
)
endings = st.sampled_from([";", "", ";\n", " -- end\n;", ") ;", "'", "/*"])


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, str]:
    """A statement holding a random key somewhere after a key word, and that key."""
    key = draw(keys)
    value = draw(values).format(key=key, rest=key[3:])
    option = draw(key_words) + draw(separators) + value
    text = draw(frames).format(before=draw(others), option=option, after=draw(others).rstrip(", "))
    text += draw(endings)
    cut = draw(st.integers(min_value=text.index(key[3:]) + len(key) - 3, max_value=len(text)))  # cut short
    return text[:cut], key


def _no_key(text: str, key: str) -> None:
    assert key[3:] not in text  # nor its last part, which is not the masked tail
    assert key[3:-4] not in text
    assert key[3:].upper() not in text  # nor upper-cased, as an unsupported statement's words are


@SETTINGS
@given(case=statements())
@example(case=(f"ALTER MODEL m ADD VERSION v WITH OPTIONS(APIKEY = concat('{KEY}'));", KEY))  # the examples
@example(case=(f"ALTER MODEL m ADD VERSION v WITH OPTIONS('APIKEY' = '{KEY}');", KEY))
@example(case=(f"ALTER MODEL m ADD VERSION v WITH OPTIONS(APIKEY: '{KEY}');", KEY))
@example(case=(f"ALTER MODEL m ADD VERSION v WITH OPTIONS(API_KEY = '{KEY}');", KEY))
@example(case=(f"-- APIKEY='{KEY}'", KEY))
@example(case=(f"ALTER MODEL m ADD VERSION v WITH OPTIONS('{KEY}' = APIKEY);", KEY))  # the value before the key
@example(case=(f"ALTER MODEL m ADD VERSION v WITH OPTIONS(APIKEY=concat('{KEY}TASKS = '", KEY))  # blanks quoted
def test_the_masks_hide_the_key_whatever_the_statement(case):
    """The rule itself: what the history keeps, a source excerpt, and an error quoting any token."""
    text, key = case
    _no_key(mask_typed(text), key)
    secrets = secret_values(text)
    for number, line in enumerate(text.split("\n"), start=1):
        _no_key(mask_secrets(excerpt(number, line, 1, secrets), secrets), key)  # as the Reporter shows it
    for token in read_tokens(text) or []:  # an error quotes a token, as it reads (escapes applied)
        shown = token.text.upper() if is_word(token) else token.text  # the words of an unsupported statement
        for quoted in (f"found '{token.text}'", f"`{token.text}`", f"unsupported statement '{shown}'"):
            _no_key(mask_secrets(quoted, secrets), key)


@SETTINGS
@given(case=statements())
def test_the_key_reaches_no_stream_and_no_file(shell, catalog, tmp_path, case):
    text, key = case
    script = tmp_path / "script.sql"
    script.write_text(text)
    runs = [
        shell("--debug", "--continue-on-error", "-e", text),
        shell("--check", "-f", str(script)),
        shell("--format", "json", "--continue-on-error", stdin=text),
        shell("--format", "csv", "--skip-unsupported", "-e", text),
        shell("dump"),
    ]
    for run in runs:
        _no_key(run.stdout + run.raw_stderr, key)
    _no_key(catalog.read_bytes().decode("latin-1") if catalog.exists() else "", key)
    history = tmp_path / "history"
    PrivateHistory(str(history)).append_string(text)
    _no_key(history.read_text(encoding="utf-8"), key)

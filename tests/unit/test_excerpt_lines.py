"""excerpt(): the source line of an error with a caret, secrets masked, long lines cut."""

from __future__ import annotations

from mcshell.output.excerpt import MAX_WIDTH, SourceLines, excerpt


def test_the_caret_stands_under_the_column():
    assert excerpt(3, "DESC MODL x;\n", 6) == "   3 | DESC MODL x;\n     |      ^"


def test_the_gutter_grows_with_the_line_number():
    assert excerpt(123456, "x", 1) == "123456 | x\n       | ^"


def test_a_caret_after_the_end_of_the_line():
    assert excerpt(1, "DESC MODEL", 11) == "   1 | DESC MODEL\n     | " + " " * 10 + "^"


def test_apikey_values_are_masked_and_the_caret_follows():
    line = "OPTIONS(apikey = 'f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908', `APIKEY`=\"short\", FOO='x')"
    quoted, caret = excerpt(1, line, line.index("FOO") + 1).splitlines()

    assert quoted == "   1 | OPTIONS(apikey = '********1908', `APIKEY`=\"********\", FOO='********')"
    assert quoted.index("FOO") == caret.index("^")


def test_a_caret_inside_a_masked_value_moves_to_its_start():
    line = "APIKEY='f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908'"
    quoted, caret = excerpt(1, line, 20).splitlines()

    assert quoted == "   1 | APIKEY='********1908'"
    assert caret.index("^") == quoted.index("*")


def test_an_unclosed_apikey_string_is_masked_to_the_end_of_the_line():
    quoted, _ = excerpt(1, "APIKEY = 'f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908", 10).splitlines()

    assert quoted == "   1 | APIKEY = '********1908"


def test_a_long_line_shows_a_window_around_the_caret():
    line = "a" * 200 + "^here" + "b" * 200
    quoted, caret = excerpt(1, line, 201).splitlines()

    assert len(quoted) == len("   1 | ") + 3 + MAX_WIDTH + 3
    assert quoted[caret.index("^") :].startswith("^here")


def test_source_lines_keep_only_the_current_statement():
    lines = SourceLines()
    for text in ("a;\n", "b\n", "c;\n"):
        lines.add(text)
    assert [lines.get(n) for n in (1, 2, 3)] == ["a;\n", "b\n", "c;\n"]

    lines.keep_last()

    assert [lines.get(n) for n in (1, 2, 3, 4)] == [None, None, "c;\n", None]


def test_a_value_whose_key_word_is_on_another_line_is_masked_and_the_caret_follows():
    from mcshell.output.masking import secret_values

    statement = "ALTER MODEL m ADD VERSION v WITH OPTIONS(APIKEY =\n    'sk-f094dc7ec96b4e1a', X = '1')"
    line = statement.split("\n")[1]
    quoted, caret = excerpt(2, line, line.index("X") + 1, secret_values(statement)).splitlines()

    assert quoted == "   2 |     '********4e1a', X = '1')"  # the gutter and the indent kept
    assert quoted.index("X") == caret.index("^")

"""SHOW statements: their words are tokens (sqlglot would read everything after SHOW as one string)."""

from __future__ import annotations

import pytest

from mcshell.errors import UnsupportedStatement
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk


def test_show_create_model():
    assert parse(Chunk("show create model p.m")) == st.ShowCreateModel(st.ModelRef(st.Ident("m"), st.Ident("p")))


def test_show_models_like_and_show_versions():
    assert parse(Chunk("SHOW MODELS LIKE 'a%'")) == st.ShowModels(st.Text("a%"))
    assert parse(Chunk("SHOW VERSIONS FOR MODEL m")) == st.ShowVersions(st.ModelRef(st.Ident("m")))


def test_other_show_statements_are_unsupported_and_say_which():
    with pytest.raises(UnsupportedStatement) as caught:
        parse(Chunk("SHOW CREATE VIEW v"))
    assert caught.value.words == "SHOW CREATE"

"""Records compare and show as @dataclass would make them, from their fields (mcshell/value.py)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from mcshell.catalog.grants import Role
from mcshell.output.results import Describe, Table
from mcshell.sql import statements as st

ROOT = Path(__file__).resolve().parents[2]


def test_records_are_equal_when_their_compared_fields_are():
    assert st.Ident("m", offset=3) == st.Ident("m", offset=17)  # offsets take no part
    assert st.ModelRef(st.Ident("m"), st.Ident("p")) == st.ModelRef(st.Ident("m"), st.Ident("p"))
    assert st.ModelRef(st.Ident("m"), st.Ident("p")) != st.ModelRef(st.Ident("m"), st.Ident("q"))
    assert Role("p", "dev", "Dev", "t") == Role("p", "dev", "Dev", "t")  # an interpreted module's record


def test_records_of_two_classes_are_never_equal_even_with_the_same_fields():
    assert st.Ident("x") != st.Text("x")
    assert st.DropRole(st.Ident("dev")) != st.CreateRole(st.Ident("dev"))
    assert st.Ident("x") != "x"


def test_a_nan_field_compares_as_in_a_tuple():
    rows = [("nan", float("nan"))]
    table = Table(("a", "b"), rows)
    assert table == Table(("a", "b"), rows)  # the same list object: equal, as @dataclass's tuples say


def test_repr_shows_the_fields_with_repr_true():
    assert repr(st.ModelRef(st.Ident("m", offset=4))) == "ModelRef(name=Ident(text='m'), project=None, schema=None)"
    assert repr(Describe((), (), ())) == "Describe(model=(), version=(), inputs=())"


def test_records_are_not_hashable_and_replace_keeps_the_class():
    with pytest.raises(TypeError):
        hash(st.Ident("m"))
    renamed = dataclasses.replace(st.Ident("m", offset=2), text="n")
    assert type(renamed) is st.Ident and renamed.text == "n" and renamed.offset == 2


def _dataclass_decorators(tree: ast.Module) -> list[tuple[ast.ClassDef, ast.expr]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(called, ast.Name) and called.id == "dataclass":
                    found.append((node, decorator))
    return found


def test_every_record_of_the_package_is_frozen_or_a_value():
    """A plain @dataclass would compile its own __eq__ and __repr__ as its module loads."""
    wrong = []
    for path in sorted((ROOT / "mcshell").rglob("*.py")):
        for cls, decorator in _dataclass_decorators(ast.parse(path.read_text(), str(path))):
            flags = {k.arg: ast.literal_eval(k.value) for k in getattr(decorator, "keywords", [])}
            bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
            if flags.get("frozen"):
                continue
            if not (flags.get("eq") is False and flags.get("repr") is False and bases == ["Value"]):
                wrong.append(f"{path.relative_to(ROOT)}:{cls.lineno}: {cls.name}")
    assert wrong == []

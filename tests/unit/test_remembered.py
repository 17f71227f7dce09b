"""Records a statement's checks read twice (a table's, rules/columns.py) are read once in its
transaction, and read again after anything is written or once the transaction ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcshell.catalog.store import Catalog

NOW = "2026-12-07 12:00:00"


@pytest.fixture
def catalog(tmp_path: Path):
    opened = Catalog.open(str(tmp_path / "catalog.db"), NOW)
    yield opened
    opened.close()


def counting(reads: list[str], value: str):
    def read() -> str:
        reads.append(value)
        return value

    return read


def test_read_once_in_a_transaction_and_again_in_the_next(catalog: Catalog) -> None:
    reads: list[str] = []
    with catalog.transaction(write=False):
        catalog.db.execute("SELECT 1 FROM projects").fetchall()
        assert catalog.remembered(("table", "p", "t"), counting(reads, "first")) == "first"
        assert catalog.remembered(("table", "p", "t"), counting(reads, "second")) == "first"
        assert catalog.remembered(("table", "p", "u"), counting(reads, "other")) == "other"
    with catalog.transaction(write=False):
        assert catalog.remembered(("table", "p", "t"), counting(reads, "third")) == "third"
    assert reads == ["first", "other", "third"]


def test_read_again_once_the_transaction_writes(catalog: Catalog) -> None:
    reads: list[str] = []
    with catalog.batched_statement():
        assert catalog.remembered(("table", "p", "t"), counting(reads, "before")) == "before"
        catalog.db.execute("INSERT INTO projects (name, owner, create_time) VALUES ('p', 'o', ?)", (NOW,))
        assert catalog.remembered(("table", "p", "t"), counting(reads, "after")) == "after"
        assert catalog.remembered(("table", "p", "t"), counting(reads, "again")) == "after"
    catalog.commit_batch()
    assert reads == ["before", "after"]


def test_nothing_remembered_outside_a_transaction_nor_an_error(catalog: Catalog) -> None:
    reads: list[str] = []
    assert catalog.remembered(("table", "p", "t"), counting(reads, "one")) == "one"
    assert catalog.remembered(("table", "p", "t"), counting(reads, "two")) == "two"

    def failing() -> str:
        reads.append("failed")
        raise LookupError("no such table")

    with catalog.transaction(write=False):
        catalog.db.execute("SELECT 1 FROM projects").fetchall()
        with pytest.raises(LookupError):
            catalog.remembered(("table", "p", "t"), failing)
        assert catalog.remembered(("table", "p", "t"), counting(reads, "three")) == "three"
    assert reads == ["one", "two", "failed", "three"]


def test_forgotten_when_a_statement_of_the_batch_is_undone(catalog: Catalog) -> None:
    reads: list[str] = []
    with catalog.batched_statement():
        catalog.remembered(("table", "p", "t"), counting(reads, "kept"))
    with pytest.raises(RuntimeError), catalog.batched_statement():
        assert catalog.remembered(("table", "p", "t"), counting(reads, "unused")) == "kept"
        raise RuntimeError("the statement fails")
    with catalog.batched_statement():
        assert catalog.remembered(("table", "p", "t"), counting(reads, "read again")) == "read again"
    catalog.commit_batch()
    assert reads == ["kept", "read again"]

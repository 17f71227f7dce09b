"""The serve tests' fixtures: one server for the session (each test works in a project of its
own), and a server of its own for a test that reads the whole access log."""

from __future__ import annotations

import io

import pytest

from mcshell.output.console import Console
from mcshell.serve import serving
from serve.serve_support import OWNER, LogLines, Served


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Served:
    folder = tmp_path_factory.mktemp("served")
    log = LogLines()
    catalog = folder / "catalog.db"
    with serving(catalog=str(catalog), user=OWNER, log=Console(io.StringIO(), log.stream)) as endpoint:
        yield Served(endpoint, catalog, log)


@pytest.fixture
def fresh_served(tmp_path) -> Served:
    """A server of this test's own, for a test that reads the whole access log."""
    log = LogLines()
    catalog = tmp_path / "served.db"
    with serving(catalog=str(catalog), user=OWNER, log=Console(io.StringIO(), log.stream)) as endpoint:
        yield Served(endpoint, catalog, log)

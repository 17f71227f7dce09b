"""docs/tables.md's leading example, "Comparing two versions on the same rows": two real XGBoost versions of one
model scored over one table's rows by one SELECT, compared with what the page prints and with xgboost's own
predictions."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from mcshell.config import default_user
from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Comparing two versions on the same rows"
NOW = "2026-12-07 16:00:00"
# The rows the page's INSERT writes, which the predictions are compared for.
ROWS = [(1, 34, 120.5, 3), (2, 51, 15.0, 0), (3, 27, 310.25, 12), (4, 45, None, 1)]
FEATURES = {"v1": 2, "v2": 3}


def page_blocks() -> dict[str, str]:
    """The section's fenced blocks by their info string (sql, text)."""
    text = (ROOT / "docs" / "tables.md").read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.find("\n## ", len(SECTION))]
    return {kind: body for kind, body in re.findall(r"```(\w+)[^\n]*\n(.*?)```", section, re.S)}


def train(rounds: int, features: int, seed: int):
    xgboost = pytest.importorskip("xgboost")
    numpy = pytest.importorskip("numpy")
    rng = numpy.random.default_rng(seed)
    matrix = numpy.column_stack([rng.integers(18, 70, 200), rng.uniform(0, 400, 200), rng.integers(0, 15, 200)])
    churned = ((matrix[:, 1] < 50) | (matrix[:, 2] == 0)).astype(float)
    booster = xgboost.train(
        {"objective": "reg:logistic", "max_depth": 2, "seed": 0},
        xgboost.DMatrix(matrix[:, :features], label=churned),
        num_boost_round=rounds,
    )
    return booster


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "store"
    boosters = {}
    for version, features in FEATURES.items():
        folder = root / "models" / "churn" / version
        folder.mkdir(parents=True)
        boosters[version] = train(4 if version == "v1" else 6, features, 5)
        boosters[version].save_model(str(folder / "model.json"))
    return root, boosters


def prepare(catalog: Path, statements: str) -> None:
    """The page's statements, its INSERT included, in one session."""
    out, err = io.StringIO(), io.StringIO()
    options = SessionOptions(str(catalog), default_user(), "my_project")
    session = Session(options, Console(out, err), lambda: NOW)
    try:
        session.run_script(statements.splitlines(keepends=True))
    finally:
        session.close()
    assert err.getvalue() == "OK\n" * 4, err.getvalue()


def test_the_page_inserts_the_rows_the_test_writes():
    values = ", ".join("(" + ", ".join("NULL" if v is None else str(v) for v in row) + ")" for row in ROWS)
    assert f"INSERT INTO sample VALUES {values};" in " ".join(page_blocks()["sql"].split())


def test_two_versions_score_the_same_rows_as_the_page_shows_and_as_xgboost_predicts(mcshell, catalog, store):
    root, boosters = store
    blocks = page_blocks()
    prepare(catalog, blocks["sql"])
    command, _, shown = blocks["text"].partition("\n")
    query = command.split("-e ", 1)[1].strip("'\"")
    run = mcshell("--oss-root", str(root), "-e", query)
    assert run.stdout + run.stderr == shown, run.stdout + run.stderr
    assert run.status == 0
    import numpy
    import xgboost

    for row, line in zip(ROWS, [line for line in run.stdout.splitlines() if line.startswith("| ")][1:], strict=True):
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        for version, cell in zip(FEATURES, cells[1:], strict=True):
            features = numpy.asarray([[numpy.nan if v is None else v for v in row[1 : 1 + FEATURES[version]]]])
            expected = boosters[version].predict(xgboost.DMatrix(features.astype(numpy.float32)))[0]
            assert numpy.float32(float(cell)) == expected


def test_a_call_over_grouped_columns_answers_as_the_batched_call_does(mcshell, catalog, store):
    # Outside an aggregate of a grouped query the call is a DuckDB function of each vector of rows; elsewhere it
    # is answered for its distinct arguments at once and joined back: both give the runtime's answers.
    root, _ = store
    prepare(catalog, page_blocks()["sql"])
    batched = "SELECT id, ML_PREDICT(churn, v1, age, visits) AS p FROM sample ORDER BY id LIMIT 10;"
    grouped = (
        "SELECT id, ML_PREDICT(churn, v1, age, visits) AS p FROM sample GROUP BY id, age, visits ORDER BY id LIMIT 10;"
    )
    first, second = mcshell("--oss-root", str(root), "-e", batched), mcshell("--oss-root", str(root), "-e", grouped)
    assert (first.stderr, second.stderr) == ("OK\n", "OK\n")
    assert first.stdout == second.stdout and len(first.stdout.splitlines()) == 8

"""Issue 13, points 7 to 9, which the model functions rely on: the schema syntax, DEFAULT_VERSION wherever
a version is named, and the public models of the AI function pages (seeded, and added by a migration)."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import IMPORT_V1, catalog_rows, import_version

from mcshell.catalog.records import PUBLIC_PROJECT
from mcshell.catalog.schema import PUBLIC_MODELS_4, SCHEMA_VERSION

DESC_NAME = "| Model Name:               test_xgboost_classifier"


@pytest.fixture
def seeded(shell):
    assert shell("-f", "-", stdin=IMPORT_V1 + import_version("test_xgboost_classifier", "v2")).status == 0


# -- point 7: SET odps.namespace.schema=true|false ----------------------------------------------
def test_without_a_set_a_two_part_name_is_project_model(shell, seeded):
    run = shell(
        "-e", "DESC MODEL my_project.test_xgboost_classifier; DESC MODEL my_project.default.test_xgboost_classifier"
    )
    assert run.stdout.count(DESC_NAME) == 4 and run.status == 0  # two boxes, two rows each


def test_with_schema_syntax_a_two_part_name_is_schema_model(shell, seeded):
    run = shell("-e", "SET odps.namespace.schema=true; DESC MODEL default.test_xgboost_classifier;")
    assert (run.stderr, run.status) == ("OK\nOK\n", 0)
    assert DESC_NAME in run.stdout
    # project.model is no longer read as such: `my_project` is taken for a schema
    refused = shell("-e", "SET odps.namespace.schema=true; DESC MODEL my_project.test_xgboost_classifier;")
    assert refused.verdicts[1] == (
        "FAILED: ODPS-0130071:[1,44] Semantic analysis exception - schema 'my_project' does not exist; "
        "only 'default' is supported"
    )
    three = shell("-e", "SET odps.namespace.schema=true; DESC MODEL my_project.default.test_xgboost_classifier;")
    assert three.status == 0


def test_with_schema_syntax_off_a_three_part_name_is_not_recognized(shell, seeded):
    run = shell("-e", "SET odps.namespace.schema=false; DESC MODEL my_project.default.test_xgboost_classifier;")
    assert run.verdicts[1] == (
        "FAILED: ODPS-0130071:[1,45] Semantic analysis exception - "
        "'my_project.default.test_xgboost_classifier' is not recognized: three-part names need "
        "odps.namespace.schema=true"
    )
    assert shell("-e", "SET odps.namespace.schema=false; DESC MODEL my_project.test_xgboost_classifier;").status == 0


def test_the_public_models_by_the_schema_syntax_of_the_function_pages(shell):
    sql = f"SELECT AI_GENERATE({PUBLIC_PROJECT}.default.`qwen3-max`, DEFAULT_VERSION, 'hi');"
    assert shell("--check", "-e", "SET odps.namespace.schema=true;" + sql).status == 0
    off = shell("--check", "-e", "SET odps.namespace.schema=false;" + sql)
    assert "is not recognized: three-part names need odps.namespace.schema=true" in off.stderr


# -- point 8: DEFAULT_VERSION, in any case ------------------------------------------------------
@pytest.mark.parametrize("word", ["DEFAULT_VERSION", "default_version", "Default_Version"])
def test_desc_model_version_default_version_is_the_default_version(shell, seeded, word):
    named = shell("-e", f"DESC MODEL test_xgboost_classifier VERSION {word}")
    plain = shell("-e", "DESC MODEL test_xgboost_classifier")
    assert (named.stdout, named.status) == (plain.stdout, 0)
    assert "| Version Name:             v1" in named.stdout


def test_default_version_follows_set_default_version(shell, seeded):
    run = shell("-e", "ALTER MODEL test_xgboost_classifier SET DEFAULT_VERSION v2; "
                      "DESC MODEL test_xgboost_classifier VERSION DEFAULT_VERSION")  # fmt: skip
    assert "| Version Name:             v2" in run.stdout and run.status == 0


def test_the_default_version_cannot_be_dropped_by_that_name_either(shell, seeded):
    run = shell("-e", "ALTER MODEL test_xgboost_classifier DROP VERSION DEFAULT_VERSION")
    assert run.verdicts == [
        "FAILED: ODPS-0110061: Failed to run ddltask - The default version of the model cannot be dropped"
    ]


def test_no_version_may_be_named_default_version(shell, seeded):
    run = shell("-e", import_version("test_xgboost_classifier", "default_version"))
    assert run.status == 1 and "default_version" in run.stderr.lower()


# -- point 9: the public models -----------------------------------------------------------------
PUBLIC_TYPES = {
    "qwen3-0.6b-gguf": ("LLM", "text-generation"),
    "qwen3-1.7b-gguf": ("LLM", "text-generation"),
    "qwen3-4b-gguf": ("LLM", "text-generation"),
    "qwen3-8b-gguf": ("LLM", "text-generation"),
    "qwen3-max": ("LLM", "chat"),
    "qwen3.7-max": ("LLM", "chat"),
    "text-embedding-v4": ("LLM", "sentence-embedding"),
    "qwen3-embedding-0.6b-q8_0": ("LLM", "sentence-embedding"),
    "qwen3-vl-embedding": ("MLLM", "sentence-embedding"),
    "qwen3-vl-8b-instruct": ("MLLM", "chat"),
}


def public_models(path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT m.name, m.model_type, v.tasks FROM models m JOIN versions v ON v.model_id = m.id "
            "WHERE m.project = ? AND v.name = m.default_version",
            (PUBLIC_PROJECT,),
        )
        return {name: (model_type, tasks) for name, model_type, tasks in rows}


def test_a_new_catalog_holds_the_public_models_with_their_types_and_tasks(shell, catalog):
    assert shell("-e", "USE my_project").status == 0  # a first statement that writes creates the catalog
    assert public_models(catalog) == PUBLIC_TYPES


def test_the_public_models_are_named_as_the_docs_write_them(shell):
    names = [
        "Qwen3-0.6B-GGUF", "Qwen3-1.7B-GGUF", "Qwen3-4B-GGUF", "Qwen3-8B-GGUF", "qwen3-max", "qwen3.7-max",
        "text-embedding-v4", "Qwen3-Embedding-0.6B-Q8_0", "qwen3-vl-embedding", "Qwen3-VL-8B-Instruct",
    ]  # fmt: skip
    script = "".join(f"DESC MODEL {PUBLIC_PROJECT}.`{name}`;\n" for name in names)
    run = shell("-f", "-", stdin=script)
    assert (run.stderr, run.status) == ("OK\n" * len(names), 0)
    assert "| Model Type:               MLLM" in run.stdout


def test_a_schema_3_catalog_gains_the_new_public_models_and_loses_nothing(shell, catalog):
    owner, bob = "ALIYUN$owner@example.com", "ALIYUN$bob@example.com"
    script = IMPORT_V1 + f"ADD USER {bob};\nGRANT Describe ON MODEL test_xgboost_classifier TO USER {bob};\n"
    assert shell("--user", owner, "-f", "-", stdin=script).status == 0
    with sqlite3.connect(catalog) as db:  # back to schema 3: the models of PUBLIC_MODELS_4 were not there yet
        for name, *_ in PUBLIC_MODELS_4:
            db.execute(
                "DELETE FROM versions WHERE model_id IN (SELECT id FROM models WHERE project = ? AND name = ?)",
                (PUBLIC_PROJECT, name),
            )
            db.execute("DELETE FROM models WHERE project = ? AND name = ?", (PUBLIC_PROJECT, name))
        db.execute("DROP TABLE pulls")  # schema 5's
        db.execute("DROP TABLE segments")  # nor the tables of a later schema
        db.execute("DROP TABLE table_grants")
        db.execute("DROP TABLE partitions")
        db.execute("DROP TABLE tables")
        db.execute("PRAGMA user_version=3")
    db.close()
    before = [row for row in catalog_rows(catalog) if "user_version" not in row]
    assert len(public_models(catalog)) == 4

    run = shell("--user", bob, "-e", "DESC MODEL test_xgboost_classifier")  # opening it migrates it
    assert run.status == 0
    assert public_models(catalog) == PUBLIC_TYPES
    after = catalog_rows(catalog)
    assert [row for row in before if row not in after] == []
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    db.close()

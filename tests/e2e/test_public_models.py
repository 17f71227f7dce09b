"""The read-only public project: DESC works, every change is refused, SHOW MODELS elsewhere omits it."""

from __future__ import annotations

import pytest
from conftest import IMPORT_V1, catalog_rows, import_version

PUBLIC = "bigdata_public_modelset"
REFUSED = (
    "FAILED: ODPS-0130013: Authorization exception - ALIYUN$alice cannot change public models: "
    "project bigdata_public_modelset is read-only\n"
)


@pytest.fixture
def shell(shell):
    def run(*args, **kwargs):
        return shell("--user", "ALIYUN$alice", *args, **kwargs)

    return run


@pytest.mark.parametrize("name", ["qwen3-max", "Qwen3-8B-GGUF", "text-embedding-v4", "Qwen3-Embedding-0.6B-Q8_0"])
def test_desc_works_on_every_public_model_with_backquoted_names(shell, name):
    run = shell("-e", f"DESC MODEL {PUBLIC}.default.`{name}`;")
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert f"| Model Name:               {name.lower()}".ljust(85) + "|" in run.stdout.splitlines()
    assert "| Default Version:          v1                                                       |" in run.stdout
    assert "| Owner:                    ALIYUN$maxcompute_public_model@aliyun.com                |" in run.stdout


@pytest.mark.parametrize(
    "sql",
    [
        # Public names break the model name rule: the project check comes first.
        IMPORT_V1.replace("test_xgboost_classifier", f"{PUBLIC}.`my-model`"),
        IMPORT_V1.replace("test_xgboost_classifier", f"{PUBLIC}.default.`qwen3-max`"),
        import_version(f"{PUBLIC}.`qwen3-max`", "v2"),
        import_version(f"{PUBLIC}.`no-such-model`", "v2"),
        f"ALTER MODEL {PUBLIC}.`qwen3-max` SET DEFAULT_VERSION v1;",
        f"ALTER MODEL {PUBLIC}.`qwen3-max` DROP VERSION v1;",
        f"DROP MODEL {PUBLIC}.`qwen3-max`;",
        f"DROP MODEL IF EXISTS {PUBLIC}.`nothing`;",
        f"USE {PUBLIC}; DROP MODEL `text-embedding-v4`;",
    ],
)
def test_every_change_to_the_public_project_is_refused(shell, catalog, sql):
    shell("-e", "USE my_project")  # creates the catalog and the project (a reader would not)
    before = catalog_rows(catalog)
    run = shell("-e", sql)
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr in (REFUSED, "OK\n" + REFUSED)
    assert catalog_rows(catalog) == before


def test_show_models_in_a_user_project_omits_public_models(shell):
    run = shell("-e", IMPORT_V1 + "SHOW MODELS;")
    assert "test_xgboost_classifier" in run.stdout
    assert "qwen3" not in run.stdout


def test_use_the_public_project_lists_its_models(shell):
    run = shell("-e", f"USE {PUBLIC}; SHOW MODELS; SHOW VERSIONS FOR MODEL `qwen3-max`;")
    names = [line.split("|")[1].strip() for line in run.stdout.splitlines() if line.startswith("| ")]
    assert names == [
        "ModelName", "qwen3-0.6b-gguf", "qwen3-1.7b-gguf", "qwen3-4b-gguf", "qwen3-8b-gguf",
        "qwen3-embedding-0.6b-q8_0", "qwen3-max", "qwen3-vl-8b-instruct", "qwen3-vl-embedding", "qwen3.7-max",
        "text-embedding-v4",
        "VersionName", "v1",
    ]  # fmt: skip
    assert (run.stderr, run.status) == ("OK\nOK\nOK\n", 0)

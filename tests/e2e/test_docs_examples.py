"""Every example statement of the MaxCompute docs runs as written (tests/data/docs_examples)."""

from __future__ import annotations

from conftest import DATA

EXAMPLES = DATA / "docs_examples"
DROP_DEFAULT = "FAILED: ODPS-0110061: Failed to run ddltask - The default version of the model cannot be dropped"
PUBLIC_OSS = (
    "WARNING: LOCATION endpoint 'oss-cn-shanghai.aliyuncs.com' is not an internal OSS endpoint "
    "(...-internal.aliyuncs.com); MaxCompute supports only internal endpoints"
)


def run_example(mcshell, name: str, *args: str):
    return mcshell("--continue-on-error", *args, "-f", str(EXAMPLES / name))


def test_create_templates_filled_in_run_as_written(mcshell):
    assert run_example(mcshell, "create-import.sql").stderr == "OK\n"
    assert run_example(mcshell, "create-remote.sql").stderr == "OK\n"
    listed = mcshell("-e", "SHOW MODELS").stdout
    assert "| pai_eas_qwen25_omni_3b " in listed and "| test_xgboost_classifier " in listed


def test_both_examples_of_the_alter_model_page_run_as_written(mcshell):
    run_example(mcshell, "create-import.sql")
    run_example(mcshell, "create-remote.sql")

    first = run_example(mcshell, "seed-example-1.sql")
    second = run_example(mcshell, "seed-example-2.sql")

    assert (first.stderr, first.status) == ("OK\n", 0)
    assert (second.stderr, second.status) == (f"{PUBLIC_OSS}\nOK\n", 0)
    described = mcshell("-e", "DESC MODEL test_xgboost_classifier VERSION v2").stdout
    assert "| Version Name:             v2 " in described
    assert "| f3              | int        |" in described


def test_default_version_examples_give_the_documented_results(mcshell):
    run_example(mcshell, "create-remote.sql")
    run_example(mcshell, "seed-example-1.sql")

    run = run_example(mcshell, "seed-default-and-drop.sql")

    assert run.stderr == f"OK\n{DROP_DEFAULT}\nOK\nOK\n"
    assert run.status == 1
    versions = mcshell("-e", "SHOW VERSIONS FOR MODEL PAI_EAS_Qwen25_Omni_3B").stdout
    assert "| v1          | true      |" in versions and "| v2 " not in versions


def test_timeout_given_is_an_option_row(mcshell):
    run_example(mcshell, "create-remote.sql")
    described = mcshell("-e", "DESC MODEL PAI_EAS_Qwen25_Omni_3B").stdout.splitlines()
    options = [line.split(":")[0] for line in described[24:31]]
    assert options == [
        "| APIKEY", "| ENDPOINT", "| PAI_EAS_MODEL_NAME", "| PAI_EAS_SERVICE_NAME", "| PAI_EAS_SYNC_MODE",
        "| PAI_EAS_SYNC_REQUEST_TIMEOUT", "| REMOTE_SERVICE_TYPE",
    ]  # fmt: skip
    assert "| APIKEY:                   ********                                                 |" in described
    assert "| PAI_EAS_SYNC_REQUEST_TIMEOUT: 5000" + " " * 52 + " |" in described

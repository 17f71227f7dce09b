"""The end-to-end corpus through pyodps: the documented transcripts, and every statement's
success and errors, each compared with what the CLI prints on the same catalog."""

from __future__ import annotations

import io
import shlex

import pytest
from conftest import DATA, IMPORT_V1, import_version, mask_times

from mcshell.output.console import Console
from mcshell.serve import serving
from serve.serve_support import OWNER, client, conforms, new_project

TRANSCRIPTS = sorted(p.stem for p in (DATA / "transcripts").glob("*.args"))
MODEL = "test_xgboost_classifier"


def statements_of(script: str) -> list[str]:
    return [part.strip() + ";" for part in script.split(";\n") if part.strip()]


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_a_documented_transcript_reproduces_through_pyodps(name, tmp_path):
    folder = DATA / "transcripts"
    args = shlex.split((folder / f"{name}.args").read_text())
    project, user = args[args.index("--project") + 1], args[args.index("--user") + 1]
    stdout, verdicts = "", []
    with serving(
        str(tmp_path / "catalog.db"), user=user, project=project, log=Console(io.StringIO(), io.StringIO())
    ) as ep:
        o = client(ep.url, project)
        for statement in statements_of((folder / f"{name}.sql").read_text()):
            try:
                stdout += o.execute_sql(statement).get_task_result()
                verdicts.append("OK")
            except Exception as error:  # noqa: BLE001 - any error is a verdict to compare
                verdicts.append("FAILED: " + error.args[0])
    assert mask_times(stdout) == (folder / f"{name}.stdout").read_text()
    assert verdicts == (folder / f"{name}.stderr").read_text().splitlines()


def corpus(project: str) -> list[str]:
    """Each statement mcshell runs, succeeding and failing, in an order that reaches every error."""
    alice = "ALIYUN$alice@example.com"
    return [
        "WHOAMI;", "HELP;", "SHOW MODELS;",
        IMPORT_V1, IMPORT_V1,  # created; then: already exists
        "CREATE MODEL m2 WITH VERSON v1 OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT');",  # parse error, at submit
        "CREATE MODEL m2 WITH VERSION v1 INPUT(f1 INT) OPTIONS(MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER');",
        f"DESC MODEL {MODEL};", "DESC MODEL test_xgboost_clasifier;", f"DESC MODEL {MODEL} VERSION v9;",
        import_version(MODEL, "v2"), import_version(MODEL, "v2"),
        f"SHOW VERSIONS FOR MODEL {MODEL};", f"ALTER MODEL {MODEL} SET DEFAULT_VERSION v2;",
        f"ALTER MODEL {MODEL} SET DEFAULT_VERSION v9;", f"ALTER MODEL {MODEL} DROP VERSION v2;",
        f"ALTER MODEL {MODEL} SET DEFAULT_VERSION v1;", f"ALTER MODEL {MODEL} DROP VERSION v2;",
        f"ALTER MODEL {MODEL} DROP VERSION v2;", "SHOW MODELS LIKE 'test%';", f"SHOW CREATE MODEL {MODEL};",
        (DATA / "transcripts" / "seed-session.sql").read_text().split(";\n")[0] + ";",  # a REMOTE model: APIKEY
        "DESC MODEL PAI_EAS_Qwen25_Omni_3B;", "DESC MODEL bigdata_public_modelset.default.`qwen3-max`;",
        "DROP MODEL bigdata_public_modelset.default.`qwen3-max`;", "DESC MODEL elsewhere.m;",
        f"DESC MODEL {project}.other.{MODEL};", "SELECT 1;", "USE a-b;",
        f"ADD USER {alice};", f"ADD USER {alice};", "LIST USERS;",
        f"GRANT CreateModel, List ON PROJECT {project} TO USER {alice};",
        f"GRANT Describe ON MODEL {MODEL} TO USER {alice};", f"SHOW GRANTS FOR {alice};",
        f"REVOKE Describe ON MODEL {MODEL} FROM USER {alice};", f"SHOW GRANTS FOR {alice};",
        f"REMOVE USER {alice};", f"REMOVE USER {alice};", f"REMOVE USER {OWNER};",
        f"DROP MODEL {MODEL};", "DROP MODEL nothing;", "DROP MODEL IF EXISTS nothing;", "SHOW MODELS;",
    ]  # fmt: skip


def test_every_statement_and_its_errors_print_through_pyodps_what_the_cli_prints(served, shell):
    project = new_project()
    o = served.client(project)
    verdicts = [conforms(o, shell, served.catalog, project, OWNER, statement)[1] for statement in corpus(project)]
    failed = [verdict.split(" ", 2)[1] for verdict in verdicts if verdict != "OK"]
    assert len(verdicts) == 44
    assert failed == [
        "ODPS-0110061:", "ODPS-0130161:[1,22]", "ODPS-0130071:[1,47]", "ODPS-0110061:", "ODPS-0110061:",
        "ODPS-0110061:", "ODPS-0110061:", "ODPS-0110061:", "ODPS-0110061:", "ODPS-0130013:", "ODPS-0110061:",
        "ODPS-0130071:[1,26]", "ODPS-0130161:[1,6]", "ODPS-0110061:", "ODPS-0110061:",
        "ODPS-0110061:", "ODPS-0110061:",
    ]  # fmt: skip

"""Every check of a model function call, in both directions, as `--check` reports it (issue 14, point 2).

A call that passes is counted ok; one that fails gives `<source>:<line>:<col>: FAILED: ODPS-0130071: ...`
pointing at the argument at fault. The same checks run outside --check (test_functions_run.py).
"""

from __future__ import annotations

import pytest
from conftest import DATA

from mcshell.rules.signatures import SIGNATURES

MODELS = (DATA / "functions" / "models.sql").read_text()
# The tables the calls over a table read: their columns are checked as the calls' arguments (docs/tables.md).
TABLES = """CREATE TABLE features (a BIGINT, b BIGINT, c BIGINT, d BIGINT);
CREATE TABLE prompts (p STRING);
CREATE TABLE clips (url STRING);
CREATE TABLE docs (id BIGINT, body STRING);
"""
PUBLIC = "bigdata_public_modelset.default.`qwen3-max`"
SCHEMA = "SET odps.namespace.schema=true;\n"


@pytest.fixture
def checked(shell, catalog):
    """`checked(sql)`: the --check verdict on one statement, over the catalog of models.sql."""
    assert shell("-f", "-", stdin=MODELS + TABLES).status == 0

    def check(sql: str, *args: str) -> str:
        run = shell("--check", *args, "-f", "-", stdin=SCHEMA + sql + "\n")
        summary = run.stderr.splitlines()[-1]
        if run.status == 0:
            assert (
                summary
                == "<stdin>: 2 statements checked: 2 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)"
            )
            return "ok"
        assert summary.endswith("1 failed, 0 skipped (dry run: the catalog was not changed)"), run.stderr
        (failed,) = [line for line in run.stderr.splitlines() if "FAILED" in line]
        return failed.removeprefix("<stdin>:")

    return check


def semantic(line: int, col: int, message: str) -> str:
    return f"{line}:{col}: FAILED: ODPS-0130071: Semantic analysis exception - {message}"


# Each documented example is checked ok; the same call, broken in one way, fails at its argument.
DOCUMENTED = [
    "SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2, 3, 4);",
    f"SELECT AI_GENERATE({PUBLIC}, DEFAULT_VERSION, 'Describe MaxCompute in one line');",
    f"SELECT AI_CLASSIFY({PUBLIC}, DEFAULT_VERSION, 'The battery lasts two days', ARRAY('electronics', 'clothing'));",
    f"SELECT AI_EXTRACT({PUBLIC}, DEFAULT_VERSION, 'John, 32, Hangzhou', ARRAY('name', 'age', 'city'));",
    "SELECT AI_EMBEDDING(bigdata_public_modelset.default.`text-embedding-v4`, DEFAULT_VERSION, 'MaxCompute') "
    "AS EMBEDDING;",
    f"SELECT AI_SIMILARITY({PUBLIC}, DEFAULT_VERSION, 'I like cats', 'I love cats') AS similarity_score;",
    f"SELECT AI_SENTIMENT({PUBLIC}, DEFAULT_VERSION, 'The delivery was fast');",
    f"SELECT AI_SUMMARIZE({PUBLIC}, default_version, 'MaxCompute is a data warehouse service', 20);",
    f"SELECT AI_TRANSLATE({PUBLIC}, DEFAULT_VERSION, 'Good morning', 'zh');",
    "SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v1, CAST('abc' AS BINARY), 'describe the picture');",
    "SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v2, 'oss://bucket/cat.png', 'describe the picture', 'IMAGE');",
]


@pytest.mark.parametrize("sql", DOCUMENTED)
def test_documented_calls_pass_every_check(checked, sql):
    assert checked(sql) == "ok"


L = "', '"  # between labels


@pytest.mark.parametrize(
    "sql, at, message",
    [
        # the model resolves, with the project, schema and public-model rules
        ("SELECT ML_PREDICT(no_such_model, v1, 1);", "no_such", "Model not found: my_project.no_such_model"),
        ("SELECT AI_GENERATE(bigdata_public_modelset.default.`qwen3-maxx`, DEFAULT_VERSION, 'x');", "bigdata",
         "Model not found: bigdata_public_modelset.qwen3-maxx; did you mean qwen3-max?"),
        ("SELECT AI_GENERATE(bigdata_public_modelset.other.`qwen3-max`, DEFAULT_VERSION, 'x');", "other",
         "schema 'other' does not exist; only 'default' is supported"),
        ("SELECT AI_GENERATE('qwen_chat', v1, 'x');", "'qwen_chat'",
         "the first argument of AI_GENERATE is the model, unquoted: AI_GENERATE(<model>, <version>, ...)"),
        # the version exists, or is DEFAULT_VERSION (any case)
        ("SELECT ML_PREDICT(test_xgboost_classifier, v2, 1, 2, 3, 4);", "v2",
         "Version not found: my_project.test_xgboost_classifier.v2"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, 'v1', 1, 2, 3, 4);", "'v1'",
         "the second argument of ML_PREDICT is the version: a version name or DEFAULT_VERSION"),
        # the function fits the model
        ("SELECT ML_PREDICT(qwen_chat, v1, 1);", "qwen_chat",
         "ML_PREDICT needs a BOOSTED_TREE_CLASSIFIER or BOOSTED_TREE_REGRESSOR model: "
         "my_project.qwen_chat is a REMOTE LLM model"),
        ("SELECT AI_GENERATE(test_xgboost_classifier, v1, 'x');", "test_",
         "AI_GENERATE needs a REMOTE LLM or MLLM model or a public model: "
         "my_project.test_xgboost_classifier is a IMPORT BOOSTED_TREE_CLASSIFIER model"),
        (f"SELECT AI_EMBEDDING({PUBLIC}, DEFAULT_VERSION, 'x');", "bigdata",
         "AI_EMBEDDING needs an embedding model (TASKS 'sentence-embedding'): version v1 of "
         "bigdata_public_modelset.qwen3-max has TASKS 'chat'"),
        ("SELECT AI_SUMMARIZE(qwen_embed, v1, 'x');", "qwen_embed",
         "AI_SUMMARIZE does not take an embedding model: my_project.qwen_embed has TASKS "
         "'sentence-embedding' (use AI_EMBEDDING)"),
        ("SELECT AI_CLASSIFY(bigdata_public_modelset.default.`Qwen3-VL-8B-Instruct`, DEFAULT_VERSION, 'x', "
         "ARRAY('a', 'b'));", "bigdata", "AI_CLASSIFY does not support the public model qwen3-vl-8b-instruct"),
        # the argument count matches the signature
        (f"SELECT AI_EXTRACT({PUBLIC}, v1, 'John');", "AI_EXTRACT",
         "AI_EXTRACT takes 4 to 5 arguments (model, version, input, labels [, model_parameters]), found 3"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2, 3);", "ML_PREDICT",
         "ML_PREDICT: version v1 of my_project.test_xgboost_classifier has 4 INPUT columns "
         "(f1 bigint, f2 bigint, f3 bigint, f4 bigint), found 3 values"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, 1);", "ML_PREDICT",
         "ML_PREDICT: version v1 of my_project.test_xgboost_classifier has 4 INPUT columns "
         "(f1 bigint, f2 bigint, f3 bigint, f4 bigint), found 1 value"),
        # constants of types MaxCompute would accept for the INPUT columns
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2.5, 3, 4);", "2.5",
         "ML_PREDICT: INPUT column f2 of version v1 is bigint, found DOUBLE"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, '2', 3, 4);", "'2'",
         "ML_PREDICT: INPUT column f2 of version v1 is bigint, found STRING"),
        ("SELECT ML_PREDICT(demo_regressor, v01, 0.5, 1, 0.22438);", "0.22438",
         "ML_PREDICT: INPUT column x3 of version v01 is float, found DOUBLE"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, a, b, c, d) FROM VALUES (1, 2, 'x', 4) t(a, b, c, d);",
         "c, d)", "ML_PREDICT: INPUT column f3 of version v1 is bigint, found STRING"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, a, b, c, e) FROM VALUES (1, 2, 3, 4) t(a, b, c, d);",
         "e)", "column e cannot be resolved"),
        (f"SELECT AI_SIMILARITY({PUBLIC}, v1, 'a', 1);", "1)", "AI_SIMILARITY: input2 must be STRING, found INT"),
        (f"SELECT AI_CLASSIFY({PUBLIC}, v1, 'a', 'b');", "'b'",
         "AI_CLASSIFY: labels must be ARRAY<STRING>, found STRING"),
        # MLLM: BINARY data needs a BINARY INPUT column; a URL needs IMAGE, AUDIO or VIDEO
        ("SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, DEFAULT_VERSION, CAST('abc' AS BINARY), 'describe');", "CAST",
         "AI_GENERATE with BINARY data needs a BINARY INPUT column in version v2 of "
         "my_project.pai_eas_qwen25_omni_3b (its INPUT: url string, promt string)"),
        ("SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v2, 'oss://bucket/cat.png', 'describe');", "AI_GENERATE",
         "AI_GENERATE with a URL needs the data's type after the prompt: IMAGE, AUDIO, VIDEO"),
        ("SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v2, 'oss://bucket/cat.png', 'describe', 'PICTURE');",
         "'PICTURE'", "AI_GENERATE: type must be IMAGE, AUDIO, VIDEO, found 'PICTURE'"),
        # constant label lists
        (f"SELECT AI_CLASSIFY({PUBLIC}, v1, 'a', ARRAY('only'));", "ARRAY",
         "AI_CLASSIFY: labels must have 2 to 20 elements, found 1"),
        (f"SELECT AI_EXTRACT({PUBLIC}, v1, 'a', ARRAY('{L.join(map(str, range(21)))}'));", "ARRAY",
         "AI_EXTRACT: labels must have 1 to 20 elements, found 21"),
        (f"SELECT AI_SENTIMENT({PUBLIC}, v1, 'a', ARRAY('{L.join(map(str, range(11)))}'));", "ARRAY",
         "AI_SENTIMENT: categories must have 1 to 10 elements, found 11"),
        # an empty ARRAY(): no element, so no element type; refused by the documented counts, none of which is 0
        (f"SELECT AI_SENTIMENT({PUBLIC}, v1, 'a', ARRAY());", "ARRAY",
         "AI_SENTIMENT: categories must have 1 to 10 elements, found an empty ARRAY()"),
        (f"SELECT AI_CLASSIFY({PUBLIC}, v1, 'a', ARRAY());", "ARRAY",
         "AI_CLASSIFY: labels must have 2 to 20 elements, found an empty ARRAY()"),
        (f"SELECT AI_EXTRACT({PUBLIC}, v1, 'a', ARRAY());", "ARRAY",
         "AI_EXTRACT: labels must have 1 to 20 elements, found an empty ARRAY()"),
        ("SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, ARRAY(), 3, 4);", "ARRAY",
         "ML_PREDICT: INPUT column f2 of version v1 is bigint, found an empty ARRAY(), whose element type is unknown"),
        (f"SELECT AI_SIMILARITY({PUBLIC}, v1, 'a', ARRAY());", "ARRAY",
         "AI_SIMILARITY: input2 must be STRING, found an empty ARRAY(), whose element type is unknown"),
        # max_words, target language, model_parameters
        (f"SELECT AI_SUMMARIZE({PUBLIC}, v1, 'a', NULL);", "NULL", "AI_SUMMARIZE: max_words must not be NULL"),
        (f"SELECT AI_TRANSLATE({PUBLIC}, v1, 'a', 'klingon');", "'klingon'",
         "AI_TRANSLATE: 'klingon' is not a target language; use one of zh, en, es, fr, de, ja, ko, ru, ar, pt"),
        (f"SELECT AI_GENERATE({PUBLIC}, v1, 'a', 'max_tokens=5');", "'max_tokens",
         "model_parameters is not JSON: Expecting value: line 1 column 1 (char 0)"),
        (f"SELECT AI_GENERATE({PUBLIC}, v1, 'a', '[1]');", "'[1]'",
         "model_parameters must be a JSON object, e.g. '{\"max_tokens\": 500}'"),
        (f"SELECT AI_GENERATE({PUBLIC}, v1, 'a', '{{\"max_tokens\": -1}}');", "'{",
         "model_parameters: max_tokens must be a positive integer, found -1"),
        (f"SELECT AI_GENERATE({PUBLIC}, v1, 'a', '{{\"temperature\": 1.5}}');", "'{",
         "model_parameters: temperature must be a number from 0 to 1, found 1.5"),
        (f"SELECT AI_GENERATE({PUBLIC}, v1, 'a', '{{\"top_p\": \"high\"}}');", "'{",
         "model_parameters: top_p must be a number from 0 to 1, found 'high'"),
    ],
)  # fmt: skip
def test_each_check_refuses_at_the_argument(checked, sql, at, message):
    assert checked(sql) == semantic(2, sql.index(at) + 1, message)


@pytest.mark.parametrize(
    "sql",
    [
        # DEFAULT_VERSION in any case; a version named by digits-first name or its own name
        "SELECT ML_PREDICT(test_xgboost_classifier, default_version, 1, 2, 3, 4);",
        "SELECT ML_PREDICT(test_xgboost_classifier, Default_Version, 1, 2, 3, 4);",
        # implicit conversions: an INT for a BIGINT or a DOUBLE, a FLOAT constant (0.5f) for a FLOAT, NULL anywhere
        "SELECT ML_PREDICT(demo_regressor, v01, 1, 2, 0.22438f);",
        "SELECT ML_PREDICT(demo_regressor, v01, NULL, CAST(2 AS DOUBLE), 0f);",
        "SELECT ML_PREDICT(test_xgboost_classifier, v1, 10000000000, 2, 3, 4);",
        # columns of unknown tables skip the type check, not the count
        "SELECT ML_PREDICT(test_xgboost_classifier, v1, a, b + 1, c, d) FROM features;",
        # a VALUES list gives its columns the types of its constants
        "SELECT ML_PREDICT(test_xgboost_classifier, v1, a, b, c, d) FROM VALUES (1, 2, 3, 4) t(a, b, c, d);",
        # labels: 2 and 20 for AI_CLASSIFY, 1 for AI_EXTRACT, 10 categories, NULL categories
        f"SELECT AI_CLASSIFY({PUBLIC}, v1, 'a', ARRAY('{L.join(map(str, range(20)))}'));",
        f"SELECT AI_EXTRACT({PUBLIC}, v1, 'a', ARRAY('name'));",
        f"SELECT AI_SENTIMENT({PUBLIC}, v1, 'a', ARRAY('{L.join(map(str, range(10)))}'));",
        f"SELECT AI_SENTIMENT({PUBLIC}, v1, 'a', NULL, '{{\"max_tokens\": 10}}');",
        # max_words 0 (no limit), a target in capitals, valid model_parameters
        f"SELECT AI_SUMMARIZE({PUBLIC}, v1, 'a', 0);",
        f"SELECT AI_TRANSLATE({PUBLIC}, v1, 'a', 'EN');",
        f'SELECT AI_GENERATE({PUBLIC}, v1, \'a\', \'{{"max_tokens": 500, "temperature": 0.6, "top_p": 0.95}}\');',
        # a column or an expression as model_parameters is not checked: its value is known only when it runs
        f"SELECT AI_GENERATE({PUBLIC}, v1, 'a', p) FROM prompts;",
        # BINARY data with model_parameters and no type
        "SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v1, CAST('abc' AS BINARY), 'describe', '{\"max_tokens\": 5}');",
        "SELECT AI_GENERATE(PAI_EAS_Qwen25_Omni_3B, v2, url, 'describe', 'video') FROM clips;",
        # the public models are read by everyone, in either schema reading
        "SELECT AI_EMBEDDING(bigdata_public_modelset.default.`Qwen3-Embedding-0.6B-Q8_0`, DEFAULT_VERSION, 'x');",
        "SELECT AI_EMBEDDING(bigdata_public_modelset.default.`qwen3-vl-embedding`, DEFAULT_VERSION, 'x');",
    ],
)
def test_calls_that_pass(checked, sql):
    assert checked(sql) == "ok"


def test_calls_are_found_anywhere_and_each_is_checked(checked):
    nested = (
        f"SELECT id FROM (SELECT id, AI_SUMMARIZE({PUBLIC}, v1, AI_TRANSLATE({PUBLIC}, v1, body, 'xx')) s FROM docs) q "
        f"WHERE AI_SIMILARITY({PUBLIC}, v1, s, 'x') > 0.5;"
    )
    languages = "zh, en, es, fr, de, ja, ko, ru, ar, pt"
    assert checked(nested) == semantic(
        2, nested.index("'xx'") + 1, f"AI_TRANSLATE: 'xx' is not a target language; use one of {languages}"
    )
    where = f"SELECT id FROM docs WHERE AI_CLASSIFY({PUBLIC}, v1, body, ARRAY('a')) = 'a';"
    assert checked(where) == semantic(
        2, where.index("ARRAY") + 1, "AI_CLASSIFY: labels must have 2 to 20 elements, found 1"
    )


def test_a_model_the_user_may_not_describe_is_refused(shell, catalog):
    owner, bob = "ALIYUN$owner@example.com", "ALIYUN$bob@example.com"
    assert shell("--user", owner, "-f", "-", stdin=MODELS + f"ADD USER {bob};").status == 0
    sql = "SELECT ML_PREDICT(test_xgboost_classifier, v1, 1, 2, 3, 4);"

    refused = shell("--user", bob, "--check", "-e", sql)
    assert "FAILED: ODPS-0130013" in refused.stderr
    assert "test_xgboost_classifier" in refused.stderr and refused.status == 1

    shell("--user", owner, "-e", f"GRANT Describe ON MODEL test_xgboost_classifier TO USER {bob}")
    assert shell("--user", bob, "--check", "-e", sql).status == 0
    # the public models: everyone
    assert shell("--user", bob, "--check", "-e", DOCUMENTED[1]).status == 0


@pytest.mark.parametrize("function", list(SIGNATURES))
def test_help_has_an_entry_for_each_function_whose_example_passes_its_checks(shell, checked, function):
    run = shell("-e", f"HELP {function}")
    assert run.status == 0 and run.stdout.startswith(f"{function}(<model>, <version>")
    example = run.stdout.split("e.g. ", 1)[1].strip()
    assert example == SIGNATURES[function].example
    assert checked(example) == "ok"

"""String literals through the installed CLI: the escape page's own examples, and the same literal
meaning the same value in a SELECT and in a model statement.

https://www.alibabacloud.com/help/en/maxcompute/maxcompute-escape-character-using
"""

from __future__ import annotations

CREATE = (
    "CREATE MODEL m WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', "
    "PAI_EAS_MODEL_NAME='qwen', PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://eas.example.com', "
    "APIKEY=R\"(sk-0123456789abcdef)\", PAI_EAS_SYNC_MODE='true') COMMENT {comment};"
)


def test_the_escape_pages_examples(mcshell):
    run = mcshell("--format", "csv", "-e", "SELECT length('a\\tb') AS n, 'a\\ab' AS s, 'abc' 'efg' 'ddt' AS j;")
    assert (run.stdout, run.stderr, run.status) == ("n,s,j\n3,aab,abcefgddt\n", "OK\n", 0)


def test_a_comment_means_what_the_same_literal_means_in_a_select(mcshell, catalog):
    # Was: COMMENT stored the backslashes as typed, while SELECT decoded them.
    from mcshell.catalog.store import Catalog

    literal = "'tab\\there, it\\'s \\\\ \\q' \" joined\""
    value = "tab\there, it's \\ q joined"
    select = mcshell("--format", "csv", "-e", f"SELECT length({literal}) AS n, {literal} = 'tab\\there' AS t;")
    assert (select.stdout, select.status) == (f"n,t\n{len(value)},false\n", 0)
    created = mcshell("-e", CREATE.format(comment=literal))
    assert (created.stderr, created.status) == ("OK\n", 0)
    opened = Catalog.open(str(catalog), "2025-01-01 00:00:00")
    try:
        assert opened.get_model("my_project", "m").comment == value
    finally:
        opened.close()
    # The raw APIKEY is read as written, and masked as any key is.
    show = mcshell("-e", "SHOW CREATE MODEL m;")
    assert "    APIKEY = '********cdef',\n" in show.stdout
    assert "sk-0123456789abcdef" not in show.stdout + show.stderr

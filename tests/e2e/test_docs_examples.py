"""The examples of the docs run as written: the MaxCompute docs' own statements (tests/data/docs_examples), and
every example session of README.md and docs/*.md, compared exactly with what the installed CLI prints.

A page's examples use two kinds of fenced block (docs/development.md, "Examples in the docs"):
- ```sql file=NAME (any language): a file, written to NAME in the page's directory before the sessions that follow it;
- ```console: a shell session. `$ ` starts a command (a line ending in `\\` goes on), and the lines up to
  the next command are what it prints, standard output and standard error together as a terminal shows them.
  A command is `mcshell ...`, optionally with `NAME=value` settings before it, `< FILE` after it, or
  `; echo $?` at its end (its exit status is printed); `export NAME=value` sets a variable for the rest of
  the page.
Every page runs in a directory of its own, with a fresh home (so a fresh default catalog); times are compared
as `YYYY-MM-DD hh:mm:ss`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DATA, MCSHELL, mask_times

ROOT = Path(__file__).resolve().parents[2]
# docs/remote.md's commands need a server: tests/remote/test_remote_doc.py runs them, with this reader.
SERVED_PAGES = ("remote.md",)
PAGES = [ROOT / "README.md", *sorted(page for page in (ROOT / "docs").glob("*.md") if page.name not in SERVED_PAGES)]
EXAMPLES = DATA / "docs_examples"
DROP_DEFAULT = "FAILED: ODPS-0110061: Failed to run ddltask - The default version of the model cannot be dropped"
PUBLIC_OSS = (
    "WARNING: LOCATION endpoint 'oss-cn-shanghai.aliyuncs.com' is not an internal OSS endpoint "
    "(...-internal.aliyuncs.com); MaxCompute supports only internal endpoints"
)
FENCE = re.compile(r"^```(\S*)(.*)$")
SETTING = re.compile(r"^[A-Z_][A-Z0-9_]*=")
ECHO_STATUS = "; echo $?"
MODEL_STATEMENTS = (
    "CREATE MODEL", "ADD VERSION", "SET DEFAULT_VERSION", "DROP VERSION", "DROP MODEL", "DESC MODEL", "SHOW MODELS",
    "SHOW VERSIONS FOR MODEL", "SHOW CREATE MODEL", "USE ", "WHOAMI", "SET ", "HELP", "DUMP",
)  # fmt: skip


@dataclass(frozen=True)
class Script:
    name: str
    text: str


@dataclass(frozen=True)
class Command:
    line: int  # where the command starts on its page (1-based), for the failure message
    text: str  # the command without `$ ` and line continuations
    output: str  # what the page says it prints


def page_examples(text: str) -> list[Script | Command]:
    """The scripts and commands of a page, in page order."""
    examples: list[Script | Command] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        fence = FENCE.match(lines[number])
        number += 1
        if not fence or not fence.group(1):
            continue
        start = number
        while number < len(lines) and not lines[number].startswith("```"):
            number += 1
        body, number = lines[start:number], number + 1
        if fence.group(1) == "console":
            examples.extend(session_commands(body, start + 1))
        elif fence.group(2).strip().startswith("file="):
            examples.append(Script(fence.group(2).strip().removeprefix("file="), lines_text(body)))
    return examples


def session_commands(body: list[str], first_line: int) -> list[Command]:
    """The commands of one console block with the output written under each."""
    commands: list[Command] = []
    index = 0
    while index < len(body):
        if not body[index].startswith("$ "):
            raise ValueError(f"line {first_line + index}: a console block starts with a `$ ` command")
        start, parts = index, [body[index][2:]]
        while parts[-1].endswith("\\"):
            index += 1
            parts[-1] = parts[-1][:-1]
            parts.append(body[index].strip())
        index += 1
        output_start = index
        while index < len(body) and not body[index].startswith("$ "):
            index += 1
        output = lines_text(body[output_start:index])
        commands.append(Command(first_line + start, " ".join(p.strip() for p in parts), output))
    return commands


def lines_text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def run_command(command: str, cwd: Path, env: dict[str, str]) -> str:
    """Run one example command as a shell would; returns what it printed (stdout and stderr as one stream)."""
    echo_status = command.endswith(ECHO_STATUS)
    words = shlex.split(command.removesuffix(ECHO_STATUS))
    if words[0] == "export":
        env.update(word.split("=", 1) for word in words[1:])  # type: ignore[misc]
        return ""
    settings = {}
    while SETTING.match(words[0]):
        name, value = words.pop(0).split("=", 1)
        settings[name] = value
    stdin = None
    if "<" in words:
        at = words.index("<")
        stdin, words = (cwd / words[at + 1]).read_bytes(), words[:at] + words[at + 2 :]
    if words[0] != "mcshell":
        raise ValueError(f"an example command runs mcshell, not {words[0]!r}")
    completed = subprocess.run(
        [MCSHELL, *words[1:]],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env={**env, **settings},
        timeout=120,
    )
    printed = completed.stdout.decode()
    return printed + (f"{completed.returncode}\n" if echo_status else "")


def run_page(page: Path, folder: Path) -> list[tuple[Command, str]]:
    """Every command of the page with what it really printed, scripts written as the page goes."""
    env = dict(os.environ)
    ran = []
    for example in page_examples(page.read_text()):
        if isinstance(example, Script):
            (folder / example.name).write_text(example.text)
        else:
            ran.append((example, run_command(example.text, folder, env)))
    return ran


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_example_of_the_page_prints_what_the_page_shows(page, tmp_path):
    for command, printed in run_page(page, tmp_path):
        where = f"{page.relative_to(ROOT)}:{command.line}: $ {command.text}"
        assert mask_times(printed) == mask_times(command.output), where


@pytest.mark.parametrize("name", ["statements.md", "privileges.md", "shell.md", "output-and-errors.md"])
def test_the_reference_pages_show_sessions(name):
    examples = page_examples((ROOT / "docs" / name).read_text())
    assert len([example for example in examples if isinstance(example, Command)]) >= 3


def test_the_statements_page_runs_every_model_statement():
    examples = page_examples((ROOT / "docs" / "statements.md").read_text())
    ran = " ".join(example.text for example in examples).upper()
    for statement in MODEL_STATEMENTS:
        assert statement in ran, statement


def test_a_console_block_is_read_as_commands_and_their_output():
    text = (
        "```sql file=a.sql\nSHOW MODELS;\n```\n```console\n$ mcshell \\\n    -f a.sql\nOK\n$ mcshell -e 'WHOAMI'\n```\n"
    )
    assert page_examples(text) == [
        Script("a.sql", "SHOW MODELS;\n"),
        Command(5, "mcshell -f a.sql", "OK\n"),
        Command(8, "mcshell -e 'WHOAMI'", ""),
    ]


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

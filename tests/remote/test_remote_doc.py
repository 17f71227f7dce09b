"""docs/remote.md's worked example, run as the page writes it: its files written, `mcshell serve`
started as its command says (a process of its own: tests/serve's ServeProcess), every other `$ `
command run in page order with the environment the page sets, and what each prints compared
exactly with the page (tests/e2e/test_docs_examples.py's reader and runner; that test leaves this
page to this one, since its commands need the server).

What is normalised, as the page says: the server listens on a free port (`--port 0`), which is
written for the page's `127.0.0.1:8100` in the commands and back as `127.0.0.1:8100` in what they
print; times compare as `YYYY-MM-DD hh:mm:ss` (conftest.mask_times); pull's seconds (`in 0.1 s`)
are not compared. `chmod MODE FILE` is done by the test itself. An `mcshell apply` without `--yes`
runs on a pseudo-terminal, as the page tells it: when the question shows, the test runs the page's
`colleague.py` (another pyodps client) and types `y`; the progress lines the terminal overwrites in
place are left out.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mask_times
from e2e.test_docs_examples import ECHO_STATUS, ROOT, Command, Script, page_examples, run_command
from serve.serve_support import ServeProcess

from remote.terminal import read_terminal

PAGE = ROOT / "docs" / "remote.md"
DOC_ADDRESS = "127.0.0.1:8100"
SECONDS = re.compile(r" in \d+(\.\d+)? s$", re.M)
PROGRESS = re.compile(r"\r[^\r\n]*\x1b\[K")  # a progress line on a terminal, and its clearing
QUESTION = b"[y/N] "


def normalised(text: str, address: str) -> str:
    return SECONDS.sub(" in S s", mask_times(text.replace(address, DOC_ADDRESS)))


def start_server(command: Command, env: dict[str, str]) -> ServeProcess:
    """`mcshell [options] serve [args]` as the page gives it, on a free port instead of its --port."""
    words = shlex.split(command.text)
    at = words.index("serve")
    args = words[at + 1 :]
    if "--port" in args:
        del args[args.index("--port") : args.index("--port") + 2]
    return ServeProcess(None, *args, options=tuple(words[1:at]), user=None, env=env)


def run_page(folder: Path) -> list[tuple[Command, str, str]]:
    """Every command of the page with what it printed, normalised, and the server's address."""
    env = dict(os.environ)
    server: ServeProcess | None = None
    address = DOC_ADDRESS
    ran = []
    try:
        for example in page_examples(PAGE.read_text()):
            if isinstance(example, Script):
                (folder / example.name).parent.mkdir(parents=True, exist_ok=True)
                (folder / example.name).write_text(example.text)
            elif example.text.startswith("chmod "):
                mode, name = example.text.split()[1:]
                os.chmod(folder / name, int(mode, 8))
                ran.append((example, ""))
            elif " serve " in f" {example.text} ":
                server = start_server(example, env)
                address = f"127.0.0.1:{server.port}"
                ran.append((example, "".join(server.ready_lines)))
            elif example.text.startswith("mcshell apply ") and "--yes" not in example.text:
                ran.append((example, run_asked(example.text.replace(DOC_ADDRESS, address), folder, env)))
            else:
                ran.append((example, run_command(example.text.replace(DOC_ADDRESS, address), folder, env)))
    finally:
        if server is not None:
            server.stop()
    return [(command, normalised(printed, address), address) for command, printed in ran]


def run_asked(command: str, folder: Path, env: dict[str, str]) -> str:
    """`mcshell apply` on a pseudo-terminal: at its question the colleague's pyodps client changes
    production, then `y` is typed; what the terminal showed, without the progress lines."""
    import pty

    words = shlex.split(command.removesuffix(ECHO_STATUS))
    leader, follower = pty.openpty()
    mcshell = str(Path(sys.executable).with_name("mcshell"))
    process = subprocess.Popen([mcshell, *words[1:]], stdin=follower, stdout=follower, stderr=follower, cwd=folder,
                               env=env)  # fmt: skip
    os.close(follower)

    def answer(shown: bytes) -> None:
        if shown.endswith(QUESTION):
            subprocess.run([sys.executable, "colleague.py"], cwd=folder, env=env, check=True, timeout=60)
            os.write(leader, b"y\n")

    try:
        shown = read_terminal(leader, answer)
        status = process.wait(timeout=120)
    finally:
        os.close(leader)
    printed = PROGRESS.sub("", shown.decode().replace("\r\n", "\n"))
    return printed + (f"{status}\n" if command.endswith(ECHO_STATUS) else "")


def test_the_worked_example_prints_what_the_page_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the server's relative paths (production.db, accounts.ini) are the page's
    ran = run_page(tmp_path)
    assert any(" serve " in f" {command.text} " for command, _, _ in ran)
    for command, printed, address in ran:
        where = f"docs/remote.md:{command.line}: $ {command.text}"
        assert printed == normalised(command.output, address), where


def test_the_page_runs_pull_plan_apply_and_whoami():
    commands = " ".join(example.text for example in page_examples(PAGE.read_text()) if isinstance(example, Command))
    for step in ("serve --accounts", "mcshell pull", "plan -f release.sql --queries", "apply -f release.sql --yes",
                 "WHOAMI", "--offline", "--format json", "apply -f partition.sql; echo"):  # fmt: skip
        assert step in commands, step


@pytest.mark.parametrize(
    ("printed", "shown"), [("in 0.4 s\n", "in 0.1 s\n"), ("at 2026-01-02 03:04:05", "at 2026-12-07 14:02:11")]
)
def test_only_the_seconds_times_and_port_are_normalised(printed, shown):
    address = "127.0.0.1:40211"
    assert normalised(f"http://{address}/api {printed}", address) == normalised(
        f"http://{DOC_ADDRESS}/api {shown}", address
    )
    assert normalised("pulled 1 models", address) != normalised("pulled 2 models", address)

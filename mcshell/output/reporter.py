"""A run's reports on standard error: a FAILED line at its statement's position followed by the
source excerpt, warnings, and in --check every line after `<source>:<line>:<col>:`. APIKEY values
of the statement are masked in all of them. The wording is report.py's."""

from __future__ import annotations

from mcshell.errors import CatalogError, McError, UnsupportedStatement
from mcshell.output import report
from mcshell.output.bugs import bug_line, bug_traceback
from mcshell.output.console import Console
from mcshell.output.excerpt import SourceLines, excerpt
from mcshell.output.masking import mask_secrets, pending_key, secret_values
from mcshell.sql.source import InputError
from mcshell.sql.splitter import Chunk, content_start


class Reporter:
    def __init__(self, console: Console, check: bool):
        self.console = console
        self._check = check
        self.source = "<stdin>"  # what --check calls the input: a file name, <stdin> or <-e>
        self.lines = SourceLines()  # the input lines of the statement being run (run_script)
        # The last statement reported and its APIKEY values; and its text, when it ends inside an
        # option after a key word, so that the next one's first tokens count as the key's value.
        self._reported: tuple[Chunk | None, set[str]] = (None, set())
        self._pending = ""
        # The APIKEY values of every statement read since the session began: a bug may quote any of them.
        self._seen: set[str] = set()

    def start(self, source: str) -> None:
        """A new script: its name, and no lines of the last one."""
        self.source = source
        self.lines = SourceLines()
        self._reported, self._pending = (None, set()), ""

    def read(self, chunk: Chunk) -> None:
        """A statement about to run: its keys are masked in every bug reported from now on."""
        self._seen |= self._secrets(chunk)

    def failure(self, error: McError, chunk: Chunk | None, bug: Exception | None = None) -> None:
        """The FAILED line (in --check: after <source>:<line>:<col>:), then the source line and a
        caret. `bug`: the mcshell bug `error` reports, whose line is masked as bugs.py masks it."""
        position = None
        if chunk is not None:
            offset = error.offset or 0
            position = chunk.position(content_start(chunk.text) if offset == 0 else offset)
        elif isinstance(error, InputError):
            position = error.position
        secrets = self._secrets(chunk) if chunk is not None else set()
        if bug is not None:
            secrets |= self._bug_secrets()
            line = report.located(self.source, position, bug_line(bug, secrets))
            self.console.failed(line if self._check else bug_line(bug, secrets))
        elif self._check:
            self.console.failed(mask_secrets(report.located(self.source, position, report.failed(error)), secrets))
        else:
            self.console.failed(mask_secrets(report.failed(error, position), secrets))
        if chunk is not None and position is not None and not isinstance(error, CatalogError):
            line = self._source_line(chunk, position[0])
            self.console.failed(excerpt(position[0], line, position[1], secrets | self._rest(chunk, position[0], line)))

    def bug(self, bug: Exception, chunk: Chunk | None, debug: bool, text: str = "") -> None:
        """An mcshell bug, raised in a statement's handling (`chunk`) or around it (reading the input,
        a commit, the REPL: `text` is what it was reading): with --debug its traceback, then its
        FAILED line (and the statement's excerpt)."""
        if debug:
            secrets = self._bug_secrets(text) | (self._secrets(chunk) if chunk is not None else set())
            self.console.warn(bug_traceback(bug, secrets))
        if chunk is not None:
            self.failure(report.internal_error(bug), chunk, bug)
        else:
            self._loose_bug(bug, text)

    def _loose_bug(self, bug: Exception, text: str) -> None:
        """A bug raised outside any statement: its line names no position, in --check only the source."""
        line = bug_line(bug, self._bug_secrets(text))
        self.console.failed(report.located(self.source, None, line) if self._check else line)

    def _bug_secrets(self, text: str = "") -> set[str]:
        """What a bug may quote: the keys of every statement read so far, of the lines read since
        (a statement not yet ended), and of `text`."""
        return self._seen | secret_values(";\n".join((self._pending, self.lines.text(), text)))

    def cannot_check(self, error: McError) -> None:
        """--check could not open its copy of the catalog: the check does not run at all."""
        self.console.failed(report.located(self.source, None, report.failed(error)))

    def skipped(self, error: UnsupportedStatement, chunk: Chunk) -> None:
        """--skip-unsupported: one warning line instead of a failure."""
        position = None if self._check else chunk.position(content_start(chunk.text))
        warning = self._located(report.skipped_unsupported(error.words, position), chunk)
        self.console.warn(mask_secrets(warning, self._secrets(chunk)))  # its words may be a key's

    def warning(self, warning: str, chunk: Chunk) -> None:
        """A statement's warning (a rule's, see report.py)."""
        self.console.warn(mask_secrets(self._located(warning, chunk), self._secrets(chunk)))

    def summary(self, ok: int, failed: int, skipped: int) -> None:
        self.console.warn(report.check_summary(self.source, ok, failed, skipped))

    def interrupted(self, running: Chunk | None) -> None:
        position = running.position(content_start(running.text)) if running is not None else None
        self.console.warn(report.script_interrupted(position))

    def _secrets(self, chunk: Chunk) -> set[str]:
        """The APIKEY values `chunk`'s reports must mask: its own, and those it continues (a statement
        cut inside an option after a key word leaves an open bracket, so it failed and was reported)."""
        if self._reported[0] is not chunk:
            text = self._pending + ";" + chunk.text if self._pending else chunk.text
            self._reported = (chunk, secret_values(text))
            self._pending = text if pending_key(text) else ""
        return self._reported[1]

    def _rest(self, chunk: Chunk, number: int, line: str) -> set[str]:
        """What line `number` shows after `chunk` ends, when the chunk ends in or after a key word
        (`APIKEY = sk-x;sk-...`): the next statement's text, which may be the rest of the key."""
        lines = chunk.text.split("\n")
        if not self._pending or number != chunk.line + len(lines) - 1:
            return set()
        end = (chunk.col - 1 if len(lines) == 1 else 0) + len(lines[-1])
        rest = line[end:].lstrip(";").strip()
        return {rest} if rest else set()

    def _located(self, warning: str, chunk: Chunk) -> str:
        """In --check, a warning names where its statement starts: <source>:<line>:<col>: WARNING ..."""
        if not self._check:
            return warning
        return report.located(self.source, chunk.position(content_start(chunk.text)), warning)

    def _source_line(self, chunk: Chunk, number: int) -> str:
        """Input line `number`: remembered by run_script, else (the REPL) rebuilt from the statement."""
        line = self.lines.get(number)
        if line is not None:
            return line
        lines = chunk.text.split("\n")
        index = min(max(number - chunk.line, 0), len(lines) - 1)
        return (" " * (chunk.col - 1) if index == 0 else "") + lines[index]

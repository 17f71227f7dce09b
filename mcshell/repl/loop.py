"""The interactive shell on a terminal: read an entry, run the statements it holds, repeat.

The entry is one editable, possibly multi-line buffer (prompt_toolkit): Enter runs it only when
it ends with complete statements, and otherwise starts a continuation line whose prompt says why
the entry is still open. Every statement goes through `Session.run_chunk`, as in a script, so the
REPL cannot drift from `-e`, `-f` and piped input. Imported only on a terminal (see cli.py).
"""

from __future__ import annotations

import os

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.completion import CompleteEvent, get_common_complete_suffix
from prompt_toolkit.filters import completion_is_selected, has_completions, is_searching
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.search import accept_search
from prompt_toolkit.styles import Style

from mcshell.errors import ExitStatus, McError
from mcshell.output import report
from mcshell.output.masking import mask_typed
from mcshell.repl.completion import SessionNames, StatementCompleter
from mcshell.repl.entry import (
    asks_first,
    continuation_prompt,
    entry_statements,
    is_leave_word,
    statement_text,
    waiting_reason,
)
from mcshell.repl.guard import Bugs, GuardedCompleter, GuardedLexer
from mcshell.repl.highlight import DialectLexer
from mcshell.repl.history import HistoryUnavailable, PrivateHistory, history_path
from mcshell.session import Outcome, Session
from mcshell.sql.parser import parse
from mcshell.sql.splitter import CLOSERS, Chunk

_COLOURS = Style.from_dict(
    {
        "keyword": "ansiblue bold",
        "string": "ansigreen",
        "number": "ansiyellow",
        "comment": "ansibrightblack italic",
        "continuation": "ansibrightblack",
    }
)
# NO_COLOR: no colour at all; the selected completion is still told apart, by reverse video.
_NO_COLOURS = Style.from_dict({"completion-menu.completion.current": "reverse"})


def run_repl(
    session: Session,
    *,
    confirm_drops: bool = True,
    input: Input | None = None,
    output: Output | None = None,
) -> ExitStatus:
    """Run entries until Ctrl-D, `quit;` or `exit;`; `input`, `output` default to the terminal."""
    bugs = Bugs()
    prompts = _prompt_session(session, input, output, bugs)
    # The answer to "Confirm to ..." is asked with its own session: it never enters the history.
    asker: PromptSession[str] | None = PromptSession(input=input, output=output) if confirm_drops else None
    while True:
        try:
            entry = prompts.prompt(f"{session.project}> ")
        except KeyboardInterrupt:
            bugs.report(session)
            continue  # Ctrl-C drops the entry being typed
        except EOFError:  # Ctrl-D on an empty entry, or the end of the input
            bugs.report(session)
            return _input_ended(session, prompts.default_buffer.text, asker)
        except Exception as bug:  # an mcshell bug prompt_toolkit raised (the history, say): the shell ends
            bugs.report(session)
            return session.escaped(bug, prompts.default_buffer.text)
        bugs.report(session)
        if is_leave_word(entry) or run_entry(session, entry, asker) is Outcome.QUIT:
            return ExitStatus.OK


def _input_ended(session: Session, entry: str, asker: PromptSession[str] | None) -> ExitStatus:
    """The input ended with `entry` still being typed. Inside a quote or a comment, it is the
    error, at the quote's or comment's start (the statements before it run first, as in a
    script); any other unfinished entry is dropped, as Ctrl-D drops it."""
    if waiting_reason(entry) not in CLOSERS:
        return ExitStatus.OK
    run_entry(session, entry, asker)
    return ExitStatus.FAILED


def run_entry(session: Session, entry: str, asker: PromptSession[str] | None) -> Outcome | None:
    """Run the entry's statements in order; a failure is reported and the next one runs."""
    try:
        for chunk in entry_statements(entry):
            if asker is not None and asks_first(chunk) and _parses(chunk) and not _confirmed(asker, chunk):
                session.console.warn(report.cancelled(_quoted(chunk)))
                continue
            if session.run_chunk(chunk) is Outcome.QUIT:
                return Outcome.QUIT
    except KeyboardInterrupt:  # Ctrl-C while statements run: the one running was rolled back
        session.console.warn(report.entry_interrupted())
    except Exception as bug:  # an mcshell bug around the statements (cutting the entry, the question)
        session.escaped(bug, entry)  # the rest of the entry is not run; the shell goes on
    return None


def _parses(chunk: Chunk) -> bool:
    """A statement that cannot run (a parse error) is reported at once, with no question first."""
    try:
        parse(chunk)
    except McError:
        return False  # run_chunk reports it
    return True


def _quoted(chunk: Chunk) -> str:
    """The statement as the question and the Cancelled line quote it: on one line, keys masked."""
    return mask_typed(statement_text(chunk))


def _confirmed(asker: PromptSession[str], chunk: Chunk) -> bool:
    """odpscmd's question: `yes` or `y` runs the statement; `no`, `n`, an empty answer, Ctrl-C
    or Ctrl-D do not; anything else asks again."""
    question = f'Confirm to "{_quoted(chunk)}" (yes/no)? '
    while True:
        try:
            answer = asker.prompt(question).strip().lower()
        except (KeyboardInterrupt, EOFError):
            return False
        if answer in ("yes", "y"):
            return True
        if answer in ("no", "n", ""):
            return False


def _prompt_session(session: Session, input: Input | None, output: Output | None, bugs: Bugs) -> PromptSession[str]:
    colour = not os.environ.get("NO_COLOR")
    return PromptSession(
        multiline=True,
        prompt_continuation=lambda width, line, wrap: _continuation(session.project, line, wrap),
        key_bindings=_key_bindings(bugs),
        completer=GuardedCompleter(StatementCompleter(SessionNames(session)), bugs),
        complete_while_typing=True,
        lexer=GuardedLexer(DialectLexer(), bugs) if colour else None,
        style=_COLOURS if colour else _NO_COLOURS,
        include_default_pygments_style=False,
        color_depth=None if colour else ColorDepth.DEPTH_1_BIT,
        history=_history(session),
        input=input,
        output=output,
    )


def _continuation(project: str, line_number: int, wrap_count: int) -> StyleAndTextTuples:
    if wrap_count > 0:  # a long line wrapped by the terminal: no prompt, just the indent
        return [("", " " * (len(project) + 2))]
    lines = get_app().current_buffer.document.lines[:line_number]
    return [("class:continuation", continuation_prompt(project, lines))]


def _history(session: Session) -> History:
    """The private history file; if it cannot be made, the session still runs, without one."""
    try:
        return PrivateHistory(history_path(), warn=session.console.warn)
    except HistoryUnavailable as error:
        session.console.warn(report.no_history(str(error)))
        return InMemoryHistory()


def _key_bindings(bugs: Bugs) -> KeyBindings:
    keys = KeyBindings()
    choosing = has_completions & completion_is_selected

    @keys.add("enter", filter=choosing)
    @bugs.key
    def _take_completion(event: KeyPressEvent) -> None:
        event.current_buffer.complete_state = None  # keep the chosen completion, keep typing

    @keys.add("enter", filter=is_searching)
    @bugs.key
    def _found(event: KeyPressEvent) -> None:
        """Enter after Ctrl-R: take the entry found, and run it as if typed (when it is complete)."""
        accept_search()
        buffer = event.app.current_buffer
        if waiting_reason(buffer.text) is None or is_leave_word(buffer.text):
            buffer.validate_and_handle()

    @keys.add("enter", filter=~choosing & ~is_searching)
    @bugs.key
    def _enter(event: KeyPressEvent) -> None:
        """Run the entry when it holds complete statements; otherwise start a new line."""
        buffer = event.current_buffer
        if waiting_reason(buffer.text) is None or is_leave_word(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    keys.add("tab")(bugs.key(_complete_on_tab))

    @keys.add("escape", "enter")
    @bugs.key
    def _new_line(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")  # Alt-Enter: a line break, never a run

    keys.add(Keys.BracketedPaste)(bugs.key(_paste))
    return keys


def _complete_on_tab(event: KeyPressEvent) -> None:
    """Tab completes from the text as it is now: one match is inserted, several insert
    their common start and open the menu; Tab again moves through the menu."""
    buffer = event.current_buffer
    if buffer.complete_state is not None and buffer.complete_state.complete_index is not None:
        buffer.complete_next()
        return
    requested = CompleteEvent(completion_requested=True)
    found = list(buffer.completer.get_completions(buffer.document, requested))
    if len(found) == 1:
        buffer.apply_completion(found[0])
        return
    common = get_common_complete_suffix(buffer.document, found)
    if common:
        buffer.insert_text(common)
    elif buffer.complete_state is not None:
        buffer.complete_next()  # the menu is open already: Tab walks it
    elif found:
        buffer.start_completion(select_first=False)


def _paste(event: KeyPressEvent) -> None:
    """A paste that ends with a line break after complete statements runs, as if typed."""
    buffer = event.current_buffer
    data = event.data.replace("\r\n", "\n").replace("\r", "\n")
    buffer.insert_text(data)
    ends_entry = data.endswith("\n") and buffer.document.is_cursor_at_the_end
    if ends_entry and waiting_reason(buffer.text) is None:
        buffer.text = buffer.text.rstrip("\n")
        buffer.validate_and_handle()

"""The bugs raised where prompt_toolkit calls mcshell while an entry is typed: completion,
highlighting, the key bindings. prompt_toolkit would print their traceback itself ("Unhandled
exception in event loop"), whatever --debug says, and with it the entry, an APIKEY and all.

Each is caught where it is raised. A completion or the colours are left out, and the bug is kept
with the text it was reading for the loop to report once the prompt has returned; a key binding's
bug ends the prompt, which raises it to the loop. The loop reports them as the session reports
any bug (Session.escaped: masked, the traceback only with --debug).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyPressEvent
from prompt_toolkit.lexers import Lexer

from mcshell.session import Session

Handler = TypeVar("Handler", bound=Callable[[KeyPressEvent], None])


class Bugs:
    """The bug caught during one prompt, with the text it was reading: the first only, as the same
    bug may come again at every key pressed."""

    def __init__(self) -> None:
        self.caught: list[tuple[Exception, str]] = []

    def keep(self, bug: Exception, text: str) -> None:
        if not self.caught:
            self.caught.append((bug, text))

    def report(self, session: Session) -> None:
        for bug, text in self.caught:
            session.escaped(bug, text)
        self.caught.clear()

    def key(self, handler: Handler) -> Handler:
        """A key binding whose bug ends the prompt, raised from it, instead of going to prompt_toolkit."""

        def guarded(event: KeyPressEvent) -> None:
            try:
                handler(event)
            except Exception as bug:  # an mcshell bug: the loop reports it
                if event.app.is_done:
                    self.keep(bug, event.current_buffer.text)
                else:
                    event.app.exit(exception=bug)

        guarded.__name__ = handler.__name__
        guarded.__doc__ = handler.__doc__
        return guarded  # type: ignore[return-value]


class GuardedCompleter(Completer):
    def __init__(self, completer: Completer, bugs: Bugs):
        self.completer = completer
        self.bugs = bugs

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        try:
            found = list(self.completer.get_completions(document, complete_event))
        except Exception as bug:  # an mcshell bug: no completion, told when the prompt returns
            self.bugs.keep(bug, document.text)
            return []
        return found


class GuardedLexer(Lexer):
    def __init__(self, lexer: Lexer, bugs: Bugs):
        self.lexer = lexer
        self.bugs = bugs

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        try:
            lines = self.lexer.lex_document(document)
        except Exception as bug:  # an mcshell bug: no colours, told when the prompt returns
            self.bugs.keep(bug, document.text)
            lines = _plain(document)

        def get_line(number: int) -> StyleAndTextTuples:
            try:
                return lines(number)
            except Exception as bug:  # noqa: BLE001 - as above
                self.bugs.keep(bug, document.text)
                return _plain(document)(number)

        return get_line


def _plain(document: Document) -> Callable[[int], StyleAndTextTuples]:
    return lambda number: [("", document.lines[number])] if number < len(document.lines) else []

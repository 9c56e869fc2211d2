"""A modal input for the note on the annotation under the cursor.

The input is one line; a note with line breaks (imported from another tool or a script) shows
each as ``BREAK`` and gets them back as ``\\n`` when saved, so editing it keeps its lines. Enter
on the text as shown saves nothing: an unchanged note keeps its exact text and its ``updated``
(which decides every later merge).
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tuireader import sanitise
from tuireader.ui.dialog import Dialog
from tuireader.ui.paste import CleanPasteInput

BREAK = " ⏎ "
"""How the one-line input shows a line break of the note."""
_BREAK_TYPED = re.compile(r" ?⏎ ?")


def shown(note: str) -> str:
    """The note as the one-line input holds it: escape sequences and controls gone, each line
    break (``\\n``, ``\\r``, U+2028, …) as ``BREAK``."""
    return BREAK.join(sanitise.line(part) for part in sanitise.block(note).split("\n"))


def saved(text: str) -> str:
    """The note for the input's ``text``: each ``BREAK`` (or a typed ⏎) a ``\\n`` again."""
    return "\n".join(part.strip() for part in _BREAK_TYPED.split(text.strip()))


class NoteScreen(Dialog[str | None]):
    """Returns the new note (possibly empty, which removes it), or None when cancelled or
    when Enter saves the text as it was shown (nothing to write)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, quote: str, note: str) -> None:
        super().__init__()
        self._quote = quote
        self._note = note
        self._shown = shown(note)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static(Content("Note (Enter saves, Esc cancels)").stylize("bold"))
            yield Static(Content(sanitise.block(self._quote)).stylize("italic"), id="note-quote")
            # An imported note may hold escape sequences: edited as its cleaned text. Opened with
            # the cursor after the text and nothing selected: the note is there to be added to,
            # and a selected note is replaced whole by the first key typed.
            field = CleanPasteInput(
                self._shown, placeholder="note", id="note-input", select_on_focus=False
            )
            field.cursor_position = len(self._shown)
            yield field
            if BREAK in self._shown:
                lines = self._shown.count(BREAK) + 1
                yield Static(
                    Content(f"{lines} lines: ⏎ marks each line break, kept when saved").stylize(
                        "dim"
                    ),
                    id="note-breaks",
                )

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        if event.value.strip() == self._shown.strip():
            self.close(None)  # as shown: the stored note stays exactly as it is
            return
        self.close(saved(event.value))

    def action_cancel(self) -> None:
        self.close(None)

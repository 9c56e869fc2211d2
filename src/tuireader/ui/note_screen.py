"""A modal input for the note on the annotation under the cursor."""

from __future__ import annotations

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


class NoteScreen(Dialog[str | None]):
    """Returns the new note (possibly empty, which removes it), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, quote: str, note: str) -> None:
        super().__init__()
        self._quote = quote
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Static(Content("Note (Enter saves, Esc cancels)").stylize("bold"))
            yield Static(Content(sanitise.block(self._quote)).stylize("italic"), id="note-quote")
            # An imported note may hold escape sequences: edited as its cleaned text. Opened with
            # the cursor after the text and nothing selected: the note is there to be added to,
            # and a selected note is replaced whole by the first key typed.
            note = sanitise.line(self._note)
            field = CleanPasteInput(
                note, placeholder="note", id="note-input", select_on_focus=False
            )
            field.cursor_position = len(note)
            yield field

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self.close(event.value.strip())

    def action_cancel(self) -> None:
        self.close(None)

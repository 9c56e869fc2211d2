"""A modal input for the note on the annotation under the cursor."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tuireader import sanitise


class NoteScreen(ModalScreen[str | None]):
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
            # An imported note may hold escape sequences: edited as its cleaned text.
            yield Input(sanitise.line(self._note), placeholder="note", id="note-input")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self._close(event.value.strip())

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, note: str | None) -> None:
        # A second Enter (or Esc) queued before the first closed the dialog arrives after it
        # was popped: dismissing again would pop the reader's own screen ("Can't pop screen").
        if self.is_active:
            self.dismiss(note)

"""A modal input for the note on the annotation under the cursor.

The input is one line, and it holds the note losslessly: a line break of the note (imported
from another tool, or pasted) is a real line break in the input, drawn as a highlighted ``⏎``,
and a TAB a real TAB drawn as a highlighted ``⇥``; a ``⏎`` or ``⇥`` typed is that character and
is saved as it is. (The input once showed a break as the text " ⏎ " and read every ``⏎`` back as
a break, so a typed ``⏎`` became a line break, and a pasted one became a space.) Enter on the
text as shown saves nothing: an unchanged note keeps its exact text and its ``updated`` (which
decides every later merge).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tuireader import sanitise
from tuireader.plural import counted
from tuireader.ui.dialog import Dialog
from tuireader.ui.paste import CleanPasteInput, with_tabs

BREAK = "⏎"
"""How the input draws a line break of the note (highlighted, unlike a typed ``⏎``)."""
TAB = "⇥"
"""How the input draws a TAB of the note (highlighted, unlike a typed ``⇥``)."""
DRAWN = str.maketrans({"\n": BREAK, "\t": TAB})
MARK_STYLE = "reverse"


def shown(note: str) -> str:
    """The note as the input holds it: escape sequences, controls and invisible characters
    gone; line breaks (``\\r\\n``, ``\\r``, U+2028, …) a ``\\n``; TABs kept."""
    return with_tabs(note)


def saved(text: str) -> str:
    """The note for the input's ``text``: as it is, but for blank space at either end."""
    return text.strip()


def drawn(text: str) -> str:
    """``text`` as the input draws it: one character per character, so offsets hold."""
    return text.translate(DRAWN)


class _Marks(Highlighter):
    """Draws each line break and TAB of the input's value as its highlighted sign."""

    def __call__(self, text: str | Text) -> Text:
        out = Text(text) if isinstance(text, str) else text.copy()
        value = out.plain
        if "\n" in value or "\t" in value:
            out.plain = drawn(value)  # the same length: every span still fits
            self.highlight_marks(out, value)
        return out

    def highlight(self, text: Text) -> None:
        self.highlight_marks(text, text.plain)

    @staticmethod
    def highlight_marks(text: Text, value: str) -> None:
        for index, char in enumerate(value):
            if char in "\n\t":
                text.stylize(MARK_STYLE, index, index + 1)


class NoteInput(CleanPasteInput):
    """The note's input: it keeps a pasted line break and TAB (drawn as ``⏎`` and ``⇥``, one
    cell each), where ``CleanPasteInput`` makes them spaces."""

    def __init__(self, value: str, **kwargs: object) -> None:
        super().__init__(value, highlighter=_Marks(), **kwargs)  # type: ignore[arg-type]

    def _pasted(self, text: str) -> str:
        kept = with_tabs(text)
        return kept if kept.strip() else ""

    # Input measures its value as written (a TAB 4 cells, a line break none) to place the
    # cursor and read a click; it is drawn one cell per character here.
    def _position_to_cell(self, position: int) -> int:
        return cell_len(drawn(self.value[:position]))

    def _cell_offset_to_index(self, offset: int) -> int:
        scroll_x, _ = self.scroll_offset
        offset += scroll_x
        cells = 0
        for index, char in enumerate(drawn(self.value)):
            width = cell_len(char)
            if cells <= offset < cells + width:
                return index
            cells += width
        return max(0, min(offset, len(self.value)))


def hint(value: str) -> str:
    """The line under the input: what its signs mean."""
    if "\n" in value:
        lines = counted(value.count("\n") + 1, "line")
        return (
            f"{lines}: a highlighted {BREAK} marks each line break ({TAB} a TAB), kept when saved"
        )
    return f"A pasted line break or TAB is kept, shown as a highlighted {BREAK} or {TAB}"


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
            field = NoteInput(
                self._shown, placeholder="note", id="note-input", select_on_focus=False
            )
            field.cursor_position = len(self._shown)
            yield field
            yield Static(Content(hint(self._shown)).stylize("dim"), id="note-breaks")

    @on(Input.Changed, "#note-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#note-breaks", Static).update(Content(hint(event.value)).stylize("dim"))

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        if event.value.strip() == self._shown.strip():
            self.close(None)  # as shown: the stored note stays exactly as it is
            return
        self.close(saved(event.value))

    def action_cancel(self) -> None:
        self.close(None)

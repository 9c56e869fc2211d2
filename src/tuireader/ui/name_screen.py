"""Asks who is annotating, once, before a shared (served) session starts."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tuireader import sanitise
from tuireader.ui.dialog import Dialog
from tuireader.ui.paste import CleanPasteInput

NAME_MAX_CHARS = 40


def annotator_name(value: str) -> str | None:
    """A typed name made safe to record and show: printable, one line, trimmed; None if empty."""
    name = " ".join(sanitise.line(value).split())[:NAME_MAX_CHARS].strip()
    return name or None


class NameScreen(Dialog[str]):
    """Returns the annotator's name; there is no cancel (every tag must say whose it is)."""

    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, suggested: str = "") -> None:
        super().__init__()
        self._suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static(Content("Who is annotating?").stylize("bold"))
            yield Static(
                Content(
                    "Your tags are saved under this name in the shared database. "
                    "Type it and press Enter."
                )
            )
            yield CleanPasteInput(
                self._suggested,
                placeholder="your name",
                max_length=NAME_MAX_CHARS,
                id="name-input",
            )
            yield Static("", id="name-problem")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        name = annotator_name(event.value)
        if name is None:
            self.query_one("#name-problem", Static).update(Content("A name is needed."))
            return
        self.close(name)

"""The search input under the reading pane: Enter jumps to the next match, Esc closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from tuireader.ui.paste import CleanPasteInput


class SearchBar(CleanPasteInput):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Next match", id="search.next", show=False),
        Binding("escape", "close", "Close search", id="search.close"),
    ]

    class Closed(Message):
        pass

    def action_close(self) -> None:
        self.post_message(self.Closed())

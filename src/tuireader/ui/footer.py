"""The footer: the key bindings of what has focus, with ``? Help`` first so a narrow terminal,
which cuts the footer at its end, still says where every other key is listed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

HELP_ACTION = "help"


class ReaderFooter(Footer):
    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        # Stable sort: the help key first, the rest in Textual's order.
        keys.sort(key=lambda widget: getattr(widget, "action", None) != HELP_ACTION)
        yield from keys

"""The base of every modal dialog: it closes once, however many keys were queued to close it."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen whose result is delivered once.

    A second Enter or Esc (or a second selection) queued before the first closed the dialog
    reaches it after it was popped; dismissing again would pop the screen beneath it and stop
    the reader ("Can't pop screen"). ``close`` does nothing once the dialog is no longer on top.
    """

    def close(self, result: ResultT | None = None) -> None:
        if self.is_active:
            self.dismiss(result)

    async def action_dismiss(self, result: ResultT | None = None) -> None:
        # Bindings to the built-in "dismiss" action go through the same guard.
        if self.is_active:
            await super().action_dismiss(result)

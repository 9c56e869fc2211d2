"""The footer: the key bindings of what has focus, with ``? Help`` first so a narrow terminal,
which cuts the footer at its end, still says where every other key is listed.

Textual's footer builds its keys again (a dozen widgets mounted, styled and laid out: 50-100 ms
with a 500,000-annotation reader on a loaded machine) each time the screen says its bindings
may have changed, which focus moves and the app's start say several times over. This one does
so only when what it shows differs."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

HELP_ACTION = "help"


class ReaderFooter(Footer):
    _composed: Hashable = None
    """What the keys on show were made from (``_shown``), None before they are made."""

    def compose(self) -> ComposeResult:
        self._composed = self._shown(self.screen)
        keys = list(super().compose())
        # Stable sort: the help key first, the rest in Textual's order.
        keys.sort(key=lambda widget: getattr(widget, "action", None) != HELP_ACTION)
        yield from keys

    def _shown(self, screen: Screen[object]) -> Hashable:
        """Everything ``compose`` reads to make the keys: equal, it would make the same."""
        if not self._bindings_ready:
            return None
        app = self.app
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            tuple(
                (
                    key,
                    binding.key,
                    app.get_key_display(binding),
                    binding.action,
                    binding.description,
                    binding.show,
                    binding.group,
                    binding.tooltip,
                    enabled,
                    tooltip,
                )
                for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
                if binding.show or key == app.COMMAND_PALETTE_BINDING
            ),
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._shown(screen) == self._composed
        ):
            return  # the same keys as on show: no new widgets, no layout
        super().bindings_changed(screen)

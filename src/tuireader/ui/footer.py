"""The footer: the key bindings of what has focus, with ``? Help`` first so a narrow terminal,
which cuts the footer at its end, still says where every other key is listed.

Textual's footer builds its keys again (a dozen widgets mounted, styled and laid out: 50-100 ms
with a 500,000-annotation reader on a loaded machine) each time the screen says its bindings
may have changed, which focus moves and the app's start say several times over. This one does
so only when the keys it shows differ; a key only turned on or off is restyled in place."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"


@dataclass(frozen=True)
class ShownKey:
    """Everything the footer's ``compose`` reads of one active binding."""

    key: str
    binding_key: str
    display: str
    action: str
    description: str
    show: bool
    group: Binding.Group | None
    binding_tooltip: str
    tooltip: str
    enabled: bool


Shown = tuple[bool, bool, tuple[ShownKey, ...]] | None
"""The command palette's settings and the keys: equal, ``compose`` would make the same."""


class ReaderFooter(Footer):
    _composed: Shown = None
    """What the keys on show were made from (``_shown``), None before they are made."""

    def compose(self) -> ComposeResult:
        self._composed = self._shown(self.screen)
        keys = list(super().compose())
        # Stable sort: the help key first, the rest in Textual's order.
        keys.sort(key=lambda widget: getattr(widget, "action", None) != HELP_ACTION)
        yield from keys

    def _shown(self, screen: Screen[object]) -> Shown:
        if not self._bindings_ready:
            return None
        app = self.app
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            tuple(
                ShownKey(
                    key,
                    binding.key,
                    app.get_key_display(binding),
                    binding.action,
                    binding.description,
                    binding.show,
                    binding.group,
                    binding.tooltip,
                    tooltip,
                    enabled,
                )
                for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
                if binding.show or key == app.COMMAND_PALETTE_BINDING
            ),
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._bindings_ready and self.is_attached and screen is self.screen:
            shown = self._shown(screen)
            if shown == self._composed:
                return  # the same keys as on show: no new widgets, no layout
            if shown is not None and _all_enabled(shown) == _all_enabled(self._composed):
                self._enable(shown)  # only some keys turned on or off: restyled in place
                return
        super().bindings_changed(screen)

    def _enable(self, shown: tuple[bool, bool, tuple[ShownKey, ...]]) -> None:
        enabled = {(k.binding_key, k.action): k.enabled for k in shown[2]}
        for widget in self.query(FooterKey):
            on = enabled.get((widget.key, widget.action))
            if on is not None:
                widget._disabled = not on  # what a click on it reads
                widget.set_class(not on, "-disabled")
        self._composed = shown


def _all_enabled(shown: Shown) -> Shown:
    """``shown`` as if every key were enabled."""
    if shown is None:
        return None
    palette, palette_enabled, keys = shown
    return palette, palette_enabled, tuple(replace(k, enabled=True) for k in keys)

"""The footer: the key bindings of what has focus, with ``? Help`` first so a narrow terminal,
which cuts the footer at its end, still says where every other key is listed.

Textual's footer builds its keys again (a dozen widgets mounted, styled and laid out: 50-100 ms
with a 500,000-annotation reader on a loaded machine) each time the screen says its bindings
may have changed, which focus moves and the app's start say several times over. This one does
so only when the keys it shows differ; a key only turned on or off is restyled in place.

Textual 8.2.8 has no public API for that: its footer's keys are ``FooterKey`` widgets of the
private ``textual.widgets._footer``, what a click on one reads is its private ``_disabled``, and
its ``compose`` shows keys only once its private ``_bindings_ready`` is set (this footer queues
its own rebuilds instead of Textual's one per call, so it sets it).
They are reached only by the CSS type name and duck-typed here, and where a key is not as
expected (Textual changed it) the footer is built again as Textual does: slower, never wrong.
``tests/test_footer_textual_api.py`` fails, saying what changed, the day that happens."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

HELP_ACTION = "help"
KEY_WIDGET = "FooterKey"
"""The CSS type name of the widgets Textual's ``Footer.compose`` makes, one per key."""
KEY_ATTRIBUTES = ("key", "action", "_disabled")
"""What the in-place restyle reads and sets on each (``_disabled``: whether a click on it rings
the bell instead of pressing the key)."""


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
    _keys_known = False
    """The screen has said its bindings once (before, Textual's footer shows no keys)."""
    _rebuild_pending = False
    """A rebuild is queued for after the next refresh (it reads the keys as they are then)."""

    def compose(self) -> ComposeResult:
        self._composed = self._shown(self.screen)
        keys = list(super().compose())
        # Stable sort: the help key first, the rest in Textual's order.
        keys.sort(key=lambda widget: getattr(widget, "action", None) != HELP_ACTION)
        yield from keys

    def _shown(self, screen: Screen[object]) -> Shown:
        if not self._keys_known:
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
        self._keys_known = True
        self._bindings_ready = True  # what Textual's compose reads before it shows any key
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return  # as Textual's footer: built when the screen says so again
        if self._rebuild_pending or self._kept(screen):
            return
        # Rebuilt after the refresh, once however many times the screen says so before; the
        # keys are compared again then (Textual's footer queues one rebuild per call: the app's
        # start queued two, the second of the same keys, and one landed under a held key).
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if self.is_attached and not self._kept(self.screen):
            await self.recompose()

    def _kept(self, screen: Screen[object]) -> bool:
        """Whether the keys on show are those of ``screen`` now, restyled in place if only some
        were turned on or off."""
        shown = self._shown(screen)
        if shown == self._composed:
            return True  # the same keys as on show: no new widgets, no layout
        return (
            shown is not None
            and _all_enabled(shown) == _all_enabled(self._composed)
            and self._enable(shown)
        )

    def key_widgets(self) -> list[Widget] | None:
        """The widgets of the keys on show, None if one is not as the restyle expects."""
        keys = list(self.query(KEY_WIDGET))
        if not all(hasattr(key, name) for key in keys for name in KEY_ATTRIBUTES):
            return None
        return keys

    def _enable(self, shown: tuple[bool, bool, tuple[ShownKey, ...]]) -> bool:
        """Restyle the keys on show as turned on or off in ``shown``; False (nothing changed)
        if Textual's key widgets are not as expected."""
        keys = self.key_widgets()
        if keys is None:
            return False
        enabled = {(k.binding_key, k.action): k.enabled for k in shown[2]}
        for widget in keys:
            key: Any = widget  # a FooterKey, duck-typed (private to Textual)
            on = enabled.get((key.key, key.action))
            if on is not None:
                key._disabled = not on  # what a click on it reads
                widget.set_class(not on, "-disabled")
        self._composed = shown
        return True


def _all_enabled(shown: Shown) -> Shown:
    """``shown`` as if every key were enabled."""
    if shown is None:
        return None
    palette, palette_enabled, keys = shown
    return palette, palette_enabled, tuple(replace(k, enabled=True) for k in keys)

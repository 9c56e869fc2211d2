"""The footer restyles a key turned on or off in place (``ui/footer.py``) through what Textual
8.2.8 keeps private: its key widgets (``FooterKey``, reached by CSS type name) and the
``_disabled`` a click on one reads. These tests pin that, and fail saying what changed."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Footer

from tuireader.ui.footer import KEY_ATTRIBUTES, KEY_WIDGET, ReaderFooter

CHANGED = (
    "Textual changed its footer's private key widgets ({what}); ui/footer.py restyles keys "
    "in place through them (it falls back to rebuilding the footer, which is slower): "
    "update ReaderFooter.key_widgets/_enable for this Textual, or drop the in-place restyle."
)


class Toggled(App[None]):
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "hit", "Hit", id="test.hit"),
        Binding("question_mark", "help", "Help", id="test.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.allowed = True
        self.hits = 0
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield ReaderFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hit":
            return True if self.allowed else None  # None: shown, turned off
        return True

    def action_hit(self) -> None:
        self.hits += 1

    def action_help(self) -> None:
        """Shown first in the footer."""

    def bell(self) -> None:
        self.bells += 1


def hit_key(app: Toggled) -> Widget:
    keys = [k for k in app.query(KEY_WIDGET) if getattr(k, "action", None) == "hit"]
    assert len(keys) == 1, CHANGED.format(what=f"no single {KEY_WIDGET} widget per key")
    return keys[0]


async def test_textuals_key_widgets_are_as_the_footer_expects() -> None:
    app = Toggled()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        footer = app.query_one(ReaderFooter)
        keys = list(app.query(KEY_WIDGET))
        assert keys, CHANGED.format(what=f"the footer's keys are no longer {KEY_WIDGET} widgets")
        for key in keys:
            missing = [name for name in KEY_ATTRIBUTES if not hasattr(key, name)]
            assert not missing, CHANGED.format(what=f"{KEY_WIDGET} has no {', '.join(missing)}")
        assert footer.key_widgets() == keys
        assert "_bindings_ready" in vars(Footer), CHANGED.format(
            what="Footer._bindings_ready, which its compose reads, is gone"
        )
        assert [getattr(k, "action", None) for k in keys] == ["help", "hit"]


async def test_a_key_turned_off_in_place_is_dim_and_a_click_rings_the_bell() -> None:
    """Turned off and on again: the same widget each time (not rebuilt), dim while off, and a
    click on it does what its state says (Textual's click reads ``_disabled``)."""
    app = Toggled()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        key = hit_key(app)
        await pilot.click(key)
        assert (app.hits, app.bells) == (1, 0), CHANGED.format(what="a click on a key")
        app.allowed = False
        app.refresh_bindings()
        await pilot.pause()
        assert hit_key(app) is key, "turned off: the key was rebuilt instead of restyled"
        assert key.has_class("-disabled")
        await pilot.click(key)
        assert (app.hits, app.bells) == (1, 1), CHANGED.format(
            what="a click on a key turned off no longer reads _disabled"
        )
        app.allowed = True
        app.refresh_bindings()
        await pilot.pause()
        assert hit_key(app) is key and not key.has_class("-disabled")
        await pilot.click(key)
        assert (app.hits, app.bells) == (2, 1)


async def test_key_widgets_not_as_expected_rebuild_the_footer() -> None:
    """The fallback: a key widget without what the restyle reads is never half-restyled; the
    footer is built again, as Textual's own does, and shows the key's state."""
    app = Toggled()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        key = hit_key(app)
        del key._disabled  # type: ignore[attr-defined]  # as if Textual renamed it
        app.allowed = False
        app.refresh_bindings()
        await pilot.pause()
        rebuilt = hit_key(app)
        assert rebuilt is not key and rebuilt.has_class("-disabled")
        await pilot.click(rebuilt)
        assert (app.hits, app.bells) == (0, 1)

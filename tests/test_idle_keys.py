"""Defect 17: a key that can do nothing says why in one line (R, }, {, ], [), instead of doing
nothing silently; the help lists R under the compare view, where it works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuireader.ui.app import ReaderApp
from tuireader.ui.help_screen import help_text
from tuireader.ui.keymap import Keys

from conftest import SEED

SIZE = (120, 40)
MakeReader = Callable[[Path], ReaderApp]


def said(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def press(app: ReaderApp, pilot: object, *keys: str) -> None:
    await pilot.press(*keys)  # type: ignore[attr-defined]
    await app.writes_landed()
    await app.reads_landed()
    await pilot.pause()  # type: ignore[attr-defined]


async def test_compare_keys_outside_the_compare_view_say_why(make_reader: MakeReader) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        cursor = app.pane.cursor
        await press(app, pilot, "right_curly_bracket")
        assert said(app)[-1] == (
            "Disagreements are jumped to in the compare view: c shows every annotator's tags."
        )
        await press(app, pilot, "left_curly_bracket")
        assert len(said(app)) == 2 and "compare view" in said(app)[-1]
        await press(app, pilot, "R")
        assert said(app)[-1] == (
            "R decides a disagreement in the compare view: c shows every annotator's tags "
            "(or start with --adjudicate)."
        )
        assert app.pane.cursor == cursor and app.screen is app.pane.screen


async def test_compare_keys_with_nobody_else_say_why(make_reader: MakeReader) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "f", "c")
        assert app.pane.comparison is not None
        before = len(said(app))
        await press(app, pilot, "right_curly_bracket")
        await press(app, pilot, "R")
        assert said(app)[before:][-2:] == [
            "No other annotator tagged this article: nothing to disagree on.",
            "No other annotator tagged this article: nothing to decide.",
        ]
        assert app.screen is app.pane.screen  # no adjudication dialog with nothing to decide


async def test_jumping_to_a_tag_that_is_not_there_says_why(make_reader: MakeReader) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "right_square_bracket")
        assert said(app)[-1] == "You have not tagged this article yet: no tag to jump to."
        await press(app, pilot, "f", "G", "right_square_bracket")
        assert said(app)[-1] == "No tag of yours after this sentence."
        await press(app, pilot, "g", "left_square_bracket")
        assert said(app)[-1] == "No tag of yours before this sentence."


async def test_clearing_an_untagged_sentence_says_so(make_reader: MakeReader) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "d")
        assert said(app) == ["Nothing to clear: no tag of yours on this sentence."]
        await press(app, pilot, "f", "d")
        assert len(said(app)) == 1 and app.pane.annotation_of(0) is None


async def test_the_keys_that_work_say_nothing(make_reader: MakeReader) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "f", "j", "j", "left_square_bracket")
        assert app.pane.cursor == 0 and said(app) == []


def test_the_help_lists_resolve_under_the_compare_view() -> None:
    """The help listed R as working everywhere; it decides only in the compare view."""
    sections = ReaderApp.key_sections()
    by_title = dict(sections)
    assert "app.adjudicate" not in {getattr(b, "id", None) for b in by_title["Everywhere"]}
    assert [getattr(b, "id", None) for b in by_title["Compare view"]] == ["app.adjudicate"]
    shown = help_text(sections, Keys.of(sections, {})).plain
    compare = shown.index("Compare view")
    assert shown.index("Resolve") > compare > shown.index("Everywhere")

"""Pilot tests of the team workflow in the reader: the name asked by a served session."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuireader.articles import load_library
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.name_screen import NameScreen, annotator_name

from conftest import SEED

SIZE = (120, 40)
MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(*, annotator: str = "tester", **options: object) -> ReaderApp:
        library = load_library([SEED])
        store = Store.open(db_path, annotator)
        stores.append(store)
        return ReaderApp(
            library,
            store,
            db_path=db_path,
            open_article=library.articles[0],
            **options,  # type: ignore[arg-type]
        )

    yield make
    for store in stores:
        store.close()


def stored(db: Path) -> list[dict[str, object]]:
    if not db.exists():
        return []
    return list(json.loads(db.read_text(encoding="utf-8"))["annotations"].values())


def test_annotator_name_is_one_clean_line() -> None:
    assert annotator_name("  Ada \x1b[31m Lovelace\n ") == "Ada [31m Lovelace"
    assert annotator_name(" \t ") is None
    assert len(annotator_name("x" * 100) or "") == 40


async def test_served_session_asks_the_name_before_anything_is_tagged(
    make_app: MakeApp, db_path: Path
) -> None:
    app = make_app(ask_annotator=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await pilot.press("enter")  # an empty name is refused
        assert isinstance(app.screen, NameScreen)
        for key in ("B", "e", "a", "space", "f"):
            await pilot.press(key)
        assert stored(db_path) == []  # the letters went into the name, not to the tag keys
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen)
        assert app.store.annotator == "Bea f"
        await pilot.press("f")
        await pilot.pause()
    records = stored(db_path)
    assert [(r["tag"], r["annotator"]) for r in records] == [("fact", "Bea f")]


async def test_the_terminal_reader_does_not_ask(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, NameScreen)


def tag_as(db: Path, annotator: str, tags: dict[int, str]) -> None:
    """Tag sentences of the seed article as ``annotator`` (another window on the same file)."""
    article = load_library([SEED]).articles[0]
    with Store.open(db, annotator) as store:
        for index, tag in tags.items():
            store.tag(article, index, index, tag)


def gutter_text(app: ReaderApp) -> list[str]:
    pane = app.pane
    return [pane.render_line(y).text[: pane.gutter_width] for y in range(pane.size.height)]


async def test_compare_view_shows_a_column_per_annotator(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "bob", {0: "speculation", 2: "fact"})
    tag_as(db_path, "ann", {1: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pane.comparison is None
        await pilot.press("c")
        await pilot.pause()
        comparison = app.pane.comparison
        assert comparison is not None
        assert comparison.annotators == ("ann", "bob")  # the opener first
        assert comparison.values[:3] == (
            ("(no tag)", "speculation"),
            ("fact", "(no tag)"),
            ("(no tag)", "fact"),
        )
        assert comparison.disagreements[:2] == (0, 1)
        assert 3 not in comparison.disagreements
        status = app.status.content.plain
        assert "≠ disagree" in status and "ann no tag" in status and "bob S Speculation" in status
        header = "\n".join(gutter_text(app)[:1]) + app.pane.render_line(2).text
        assert "Columns: 1 ann · 2 bob" in header
        rows = gutter_text(app)
        assert any(row.startswith("▶·S≠") for row in rows), rows
        await pilot.press("c")
        await pilot.pause()
        assert app.pane.comparison is None
        assert app.pane.gutter_width == 4


async def test_disagreement_keys_jump_and_only_in_compare_view(
    make_app: MakeApp, db_path: Path
) -> None:
    tag_as(db_path, "bob", {3: "speculation", 7: "fact"})
    tag_as(db_path, "ann", {7: "expert_opinion"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right_curly_bracket")  # not in compare view: nothing happens
        assert app.pane.cursor == 0
        await pilot.press("c", "right_curly_bracket")
        assert app.pane.cursor == 3
        await pilot.press("right_curly_bracket")
        assert app.pane.cursor == 7
        assert "≠ disagree" in app.status.content.plain
        await pilot.press("right_curly_bracket")  # no more: stays
        assert app.pane.cursor == 7
        await pilot.press("left_curly_bracket")
        assert app.pane.cursor == 3


async def test_compare_view_follows_new_tags(make_app: MakeApp, db_path: Path) -> None:
    tag_as(db_path, "bob", {0: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert app.pane.comparison is not None and app.pane.comparison.disagrees(0)
        await pilot.press("f")
        await pilot.pause()
        assert app.pane.comparison is not None and not app.pane.comparison.disagrees(0)


async def test_stats_screen_shows_agreement_when_others_tagged(
    make_app: MakeApp, db_path: Path
) -> None:
    from textual.widgets import Static

    from tuireader.ui.stats_screen import StatsScreen

    tag_as(db_path, "bob", {0: "fact", 1: "speculation"})
    tag_as(db_path, "cat", {2: "fact"})
    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = str(app.screen.query_one("#stats-text", Static).render())
        assert "Agreement of bob, cat: 15 sentences" in text
        assert "All tags" in text and "Cohen κ" in text
        assert "rows bob, columns cat" in text


async def test_stats_screen_without_others_has_no_agreement(make_app: MakeApp) -> None:
    from textual.widgets import Static

    app = make_app(annotator="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", "i")
        await pilot.pause()
        text = str(app.screen.query_one("#stats-text", Static).render())
        assert "Agreement" not in text


async def test_eight_columns_fit_80_and_the_ninth_is_counted(
    make_app: MakeApp, db_path: Path
) -> None:
    names = [f"annotator{n}" for n in range(1, 10)]
    for n, name in enumerate(names):
        tag_as(db_path, name, {n: "fact"})
    app = make_app(annotator="annotator1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        comparison = app.pane.comparison
        assert comparison is not None
        assert len(comparison.annotators) == 8 and comparison.hidden == ("annotator9",)
        assert app.pane.gutter_width == 11
        assert app.pane.text_width >= 25
        assert "1 more not shown" in app.status.content.plain
        rows = gutter_text(app)
        assert any(row.startswith("▶F·······≠") for row in rows), rows

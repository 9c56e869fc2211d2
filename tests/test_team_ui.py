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

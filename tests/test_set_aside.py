"""Long articles shown are set aside from the cyclic collector (``gc.freeze``): switching between
them must still free every article the reader no longer keeps (``ui/set_aside.py``)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from tuireader import catalog as catalog_module
from tuireader.catalog import Catalog
from tuireader.store import Store
from tuireader.ui import app as app_module
from tuireader.ui import set_aside
from tuireader.ui.app import ReaderApp

PLACES = ("harbour", "market", "bridge", "school", "river", "station", "library", "square")
ARTICLES = catalog_module.OPEN_ARTICLES + 2
"""More than the catalog keeps parsed: some are dropped from it as the others are opened."""
SWITCHES = 30
"""Three rounds of the articles."""
LONG = 20
"""The length from which an article is set aside, in this test (short articles open fast)."""


def story(number: int) -> str:
    sentences = [
        f"The {PLACES[(number + i) % len(PLACES)]} of town {number} changed in week {i}."
        for i in range(LONG * 2)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return f"Town {number} report\n\n" + "\n\n".join(paragraphs) + "\n"


async def test_articles_switched_away_from_are_freed_though_set_aside(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thirty switches between long articles, more than the catalog keeps: each one the reader
    no longer holds is freed, and what is set aside does not grow with the switches. Before,
    an article was kept for good by a worker it was given (a cycle, frozen while alive)."""
    monkeypatch.setattr(app_module, "LONG_ARTICLE_SENTENCES", LONG)
    monkeypatch.setattr(set_aside, "LONG_ARTICLE_SENTENCES", LONG)
    root = tmp_path / "towns"
    root.mkdir()
    for number in range(ARTICLES):
        (root / f"town-{number:02d}.txt").write_text(story(number), encoding="utf-8")
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(Catalog.scan([root]), store, db_path=db_path, cache_path=None)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):
                if not app.catalog.pending and app.pane.article is not None:
                    break
                await pilot.pause(0.025)
            entries = app.catalog.entries
            assert len(entries) == ARTICLES
            shown: list[weakref.ref[object]] = []
            frozen: list[int] = []
            for switch in range(SWITCHES):
                app.open_entry(entries[switch % ARTICLES])
                await app.opened()
                await app.reads_landed()
                await pilot.pause()
                article = app.pane.article
                assert article is not None and len(article.sentences) > LONG
                shown.append(weakref.ref(article))
                if switch % ARTICLES == ARTICLES - 1:
                    frozen.append(gc.get_freeze_count())
            alive = {id(a): a for a in (ref() for ref in shown) if a is not None}
            kept = [a for a in alive.values() if app.catalog.loaded(a.id) is a]  # type: ignore[attr-defined]
            assert len(alive) == len(kept) <= catalog_module.OPEN_ARTICLES
            assert frozen[-1] <= frozen[0] * 1.05, frozen
            await pilot.press("q")


def test_a_switch_makes_a_collection_due_and_a_second_switch_before_it_runs_it() -> None:
    """Leaving a long article makes one collection due (run by ``collect`` when the reader is
    idle), not made on the switch; switching again before that collects at once, so at most
    one article left waits for it."""
    aside = set_aside.SetAside()
    long = set_aside.LONG_ARTICLE_SENTENCES + 1
    try:
        assert not aside.shown("first", long)
        assert aside.shown("second", long) and aside.collections == 0
        assert aside.shown("second", long)  # shown again (its sentences copied): still due
        aside.collect()
        assert not aside.due and aside.collections == 1
        aside.collect()  # nothing due: nothing made
        assert aside.collections == 1
        assert aside.shown("third", 3)
        assert not aside.shown("first", long)  # before the idle collection: made now
        assert not aside.due and aside.collections == 2
    finally:
        gc.unfreeze()


async def test_the_collection_a_switch_makes_due_waits_for_a_pause_in_the_keys(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switching away from a long article collects once the keys pause, not while `j` is
    held: the collection (~80-95 ms with a book) stalled the first keys in the new article."""
    monkeypatch.setattr(app_module, "LONG_ARTICLE_SENTENCES", LONG)
    monkeypatch.setattr(set_aside, "LONG_ARTICLE_SENTENCES", LONG)
    monkeypatch.setattr(app_module, "IDLE_COLLECT", 1.0)
    root = tmp_path / "towns"
    root.mkdir()
    for number in range(2):
        (root / f"town-{number:02d}.txt").write_text(story(number), encoding="utf-8")
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(Catalog.scan([root]), store, db_path=db_path, cache_path=None)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):
                if not app.catalog.pending and app.pane.article is not None:
                    break
                await pilot.pause(0.025)
            entries = app.catalog.entries
            for entry in entries:  # the first open may come before the first frame
                app.open_entry(entry)
                await app.opened()
            await pilot.pause(1.5)  # idle: what that switch made due is collected
            assert not app._set_aside.due
            made = app._set_aside.collections
            app.open_entry(entries[0])
            await app.opened()
            app.pane.focus()
            for _ in range(15):  # a held key: 0.1 s apart, 1.5 s in all
                await pilot.press("j")
                await pilot.pause(0.1)
                assert app._set_aside.collections == made
            for _ in range(80):
                if app._set_aside.collections > made:
                    break
                await pilot.pause(0.05)
            assert app._set_aside.collections == made + 1
            await pilot.press("q")

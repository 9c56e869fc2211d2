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

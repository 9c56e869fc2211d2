"""Opening an article: its text is shown at once, its store work (attach, the first reads of its
layers) runs in the writer thread, its tags are shown when that lands, and keys for the reading
pane pressed meanwhile wait for it, in order (none lost, none applied to a layer not read)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from traceback import extract_stack
from typing import Any

import pytest

from tuireader.articles import load_article
from tuireader.store import Store
from tuireader.ui import app as app_module
from tuireader.ui.app import ReaderApp

from conftest import SAMPLES, SEED, hold_writer, press_only, run_test_only

SIZE = (120, 40)


hold = hold_writer


def tag_of(app: ReaderApp, index: int) -> str | None:
    annotation = app.pane.annotation_of(index)
    return None if annotation is None else annotation.tag


def first_line(app: ReaderApp) -> str:
    return str(app.status.content).split("\n")[0]


def tag_in_store(db_path: Path, story: Path, index: int, tag: str, annotator: str) -> None:
    article = load_article(story)
    with Store.open(db_path, annotator) as store:
        store.attach(article)
        store.tag(article, index, index, tag)


def on_disk(db_path: Path) -> dict[int, str]:
    with Store.open(db_path, "tester", create=False) as store:
        return {a.start: a.tag for a in store.annotations(annotator="tester")}


async def test_the_text_shows_at_once_and_the_tags_when_attached(
    make_reader: Callable[[Path], ReaderApp],
    db_path: Path,
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "SLOW_WRITE", 0.05)
    tag_in_store(db_path, SEED, 0, "speculation", "tester")
    tag_in_store(db_path, SEED, 2, "fact", "ann")
    app = make_reader(SEED)
    hold(app, gate)  # the writer is busy before the article is even asked for
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause(0.2)
        # The text is there, the tags are not read yet, and the status line says so.
        assert app.pane.article is not None and app.opening
        assert app.pane.sentences == () and app.pane._layout is not None
        assert first_line(app) == "Reading tags…"
        gate.set()
        await app.opened()
        await pilot.pause()
        assert not app.opening and app.pane.sentences
        assert tag_of(app, 0) == "speculation"
        app.pane.move_to(2)
        # The other layers were read with it: the status names ann's tag, no store call.
        assert "ann" in first_line(app)


async def test_keys_pressed_while_opening_wait_in_order_behind_it(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, gate: threading.Event
) -> None:
    """``j f j f k u``: nothing happens while the article is attached; then, in order, on the
    layer as attached (sentence 0's tag stays, 1 and then 2 tagged, the last undone)."""
    tag_in_store(db_path, SEED, 0, "speculation", "tester")
    app = make_reader(SEED)
    hold(app, gate)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        starts = [s.start for s in load_article(SEED).sentences]
        for key in "jfjf":
            await press_only(pilot, key)
        await press_only(pilot, "u")
        await pilot.pause(0.2)
        assert app.opening and app.pane.sentences == ()
        assert on_disk(db_path) == {starts[0]: "speculation"}
        gate.set()
        await app.opened()
        await pilot.press("wait:50")  # the keys that waited run now, their writes land
        await app.writes_landed()
        await pilot.pause()
        assert app.pane.cursor == 2
        assert [tag_of(app, i) for i in range(3)] == ["speculation", "fact", None]
        assert on_disk(db_path) == {starts[0]: "speculation", starts[1]: "fact"}


async def test_opening_writes_and_reads_the_store_only_in_the_writer_thread(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited text is re-anchored (a write) when opened: in the writer thread, and so is
    every first read of the article's layers."""
    story = db_path.parent / "story.txt"
    story.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    tag_in_store(db_path, story, 1, "fact", "tester")
    original = load_article(story)
    moved = original.body[original.sentences[1].start : original.sentences[1].end]
    text = story.read_text(encoding="utf-8")
    edited = text.replace(moved, "A sentence was added here. " + moved, 1)
    assert edited != text
    story.write_text(edited, encoding="utf-8")
    app = make_reader(story)
    threads: dict[str, set[str]] = {}
    for name in ("attach", "mine", "annotations", "placed_corrections"):
        real = getattr(app.store, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> object:
            thread = threading.current_thread().name
            if thread == "MainThread":  # which of the app's methods asked
                thread = next(f.name for f in reversed(extract_stack()) if f.name != "spy")
            threads.setdefault(_name, set()).add(thread)
            return _real(*args, **kwargs)

        monkeypatch.setattr(app.store, name, spy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tagged = [i for i in range(len(app.pane.sentences)) if tag_of(app, i) == "fact"]
        assert len(tagged) == 1
        sentence = app.pane.sentences[tagged[0]]
        assert app.pane.article is not None
        assert app.pane.article.body[sentence.start : sentence.end] == moved
        assert sentence.start != original.sentences[1].start  # it was re-anchored
    # The list's counts at startup read my layer in the writer thread too.
    writer = {"store-writer_0"}
    assert threads == {
        "attach": writer,
        "mine": writer,
        "annotations": writer,
        "placed_corrections": writer,
    }


async def test_an_article_opened_meanwhile_wins(
    tmp_path: Path, db_path: Path, gate: threading.Event
) -> None:
    """Opening another article before the first is attached: only the second is shown, with
    its own tags, and the first's late landing changes nothing on screen."""
    from tuireader.articles import load_library

    stories = sorted(SAMPLES.glob("*.txt"))[:2]
    tag_in_store(db_path, stories[1], 0, "fact", "tester")
    library = load_library(stories)
    store = Store.open(db_path, "tester")
    first, second = library.articles[0], library.articles[1]
    app = ReaderApp(library, store, db_path=db_path, open_article=first)
    try:
        hold(app, gate)
        async with run_test_only(app, size=SIZE) as pilot:
            await pilot.pause()
            app.open_article(second)
            gate.set()
            await app.opened()
            await pilot.pause()
            assert app.pane.article is second and app.pane.sentences
            assert tag_of(app, 0) == "fact"
    finally:
        store.close()

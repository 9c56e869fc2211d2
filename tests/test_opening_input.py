"""The mouse and quitting while an article opens (its tags read in the writer thread, held here
behind a slow job): a drag over words lands once the sentences are known, as a click does; a
quit drops an open not started yet, and never a change of mine."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tuireader.articles import Article, load_article
from tuireader.store import Store, StoreError
from tuireader.ui.app import ReaderApp

from conftest import SAMPLES, SEED, exited, hold_writer, point_of, press_only, run_test_only

SIZE = (120, 40)
OTHER = SAMPLES / "ferrier-street-bridge-closure.txt"


def attached(app: ReaderApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the articles the store attaches from now on."""
    titles: list[str] = []
    real = app.store.attach

    def spy(article: Article, *args: Any, **kwargs: Any) -> object:
        titles.append(article.title)
        return real(article, *args, **kwargs)

    monkeypatch.setattr(app.store, "attach", spy)
    return titles


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("never happened")


async def test_a_drag_while_an_article_opens_selects_its_words_once_shown(
    make_reader: Callable[[Path], ReaderApp], gate: threading.Event, db_path: Path
) -> None:
    article = load_article(SEED)
    sentence = article.sentences[1]
    words = list(re.finditer(r"\S+", article.body[sentence.start : sentence.end]))
    first = sentence.start + words[1].start()  # the second word, to the fourth
    last = sentence.start + words[3].start() + 1
    app = make_reader(SEED)
    hold_writer(app, gate)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        pane = app.pane
        assert app.opening and pane.sentences == ()
        await pilot.mouse_down(pane, offset=point_of(pane, first))
        await pilot.hover(pane, offset=point_of(pane, last))
        await pilot.mouse_up(pane, offset=point_of(pane, last))
        await pilot.pause()
        assert pane.words == []  # nothing to select in yet
        gate.set()
        await app.opened()
        await pilot.pause()
        span = pane.word_span
        assert pane.cursor == 1 and span is not None
        assert article.body[span[0] : span[1]] == " ".join(w.group() for w in words[1:4])
        await pilot.press("s")  # the tag key tags the words dragged over
        await pilot.pause()
    with Store.open(db_path, "tester", create=False) as store:
        assert [(a.start, a.end, a.tag) for a in store.annotations()] == [
            (span[0], span[1], "speculation")
        ]


async def test_a_drag_on_one_word_while_it_opens_is_a_click(
    make_reader: Callable[[Path], ReaderApp], gate: threading.Event
) -> None:
    article = load_article(SEED)
    offset = article.sentences[2].start + 1
    app = make_reader(SEED)
    hold_writer(app, gate)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        pane = app.pane
        point = point_of(pane, offset)
        layout = pane._layout
        assert layout is not None
        # Released off the text (a blank line between paragraphs: no character there), so the
        # click Textual makes of it points at nothing: only the drag kept knows its word.
        blank = next(row for row in range(len(layout)) if layout.is_blank(row))
        off_text = (point[0], len(pane._header) + blank)
        await pilot.mouse_down(pane, offset=point)
        await pilot.hover(pane, offset=(point[0] + 1, point[1]))
        await pilot.hover(pane, offset=off_text)
        await pilot.mouse_up(pane, offset=off_text)
        await pilot.pause()
        assert app.mouse_captured is None  # the drag ended at the release
        gate.set()
        await app.opened()
        await pilot.pause()
        assert pane.cursor == 2 and pane.words == []


@pytest.mark.parametrize("focus", ["pane", "list"])
async def test_quit_drops_an_open_not_started_yet(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    focus: str,
) -> None:
    """``q`` while the article's open waits behind another job: the open is dropped (never
    attached), and the app quits once that job is done, not after the open too. From the pane
    the key is held for the open (``on_event`` drops it); from the list it is the list's
    binding (``action_quit`` drops it)."""
    app = make_reader(SEED)
    titles = attached(app, monkeypatch)
    hold_writer(app, gate)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        if focus == "list":
            app.article_list.focus()
            await pilot.pause()
        opening = app._opening
        assert opening is not None and not opening.done()
        # The quit waits in its key's handler (for the job before the open): pressed aside.
        quitting = asyncio.ensure_future(press_only(pilot, "q"))
        await until(opening.cancelled)
        assert not app.opening
        gate.set()
        await quitting
        await exited(app)
        assert app.return_code == 0
    assert titles == []


async def test_an_exit_without_q_drops_an_open_not_started_yet(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app ends otherwise than by ``q`` (``exit``: a signal, the terminal closed) while the
    article's open waits behind another job: ``on_unmount`` drops it before the writer runs
    what is queued (the held job is let go only then)."""
    app = make_reader(SEED)
    titles = attached(app, monkeypatch)
    hold_writer(app, gate)
    real_close = app._writer.close

    def close() -> None:
        gate.set()
        real_close()

    monkeypatch.setattr(app._writer, "close", close)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        opening = app._opening
        assert opening is not None and not opening.done()
        app.exit(0)
        await pilot.pause()
    assert opening.cancelled() and titles == []


async def test_quit_keeps_a_pending_write_and_drops_the_open_after_it(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``f`` is queued behind a slow job, then another article is opened, then ``q``: the tag
    is written (it was asked for), the second article's open is dropped."""
    app = make_reader(SEED)
    start = load_article(SEED).sentences[0].start
    async with app.run_test(size=SIZE) as pilot:
        titles = attached(app, monkeypatch)
        hold_writer(app, gate)
        await press_only(pilot, "f")
        app.open_article(load_article(OTHER))
        await pilot.pause()
        assert app.writing and app.opening
        opening = app._opening
        assert opening is not None
        quitting = asyncio.ensure_future(press_only(pilot, "q"))
        await until(opening.cancelled)
        assert app.writing  # the open dropped, the tag still queued
        gate.set()
        await quitting
        await exited(app)
        assert app.return_code == 0
    assert titles == []
    with Store.open(db_path, "tester", create=False) as store:
        assert [(a.start, a.tag) for a in store.annotations()] == [(start, "fact")]


@pytest.mark.parametrize("focus", ["pane", "list"])
async def test_a_quit_that_stays_opens_the_article_it_dropped(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    focus: str,
) -> None:
    """``f`` behind a slow job fails (a full disk), another article is opened, then ``q`` (the
    pane's key held for the open, or the list's binding): the quit drops the open, then stays
    for the change not saved, and the article is opened after all: its sentences shown, keys
    move in it."""
    app = make_reader(SEED)
    other = load_article(OTHER)
    async with app.run_test(size=SIZE) as pilot:

        def full(*_args: object, **_kwargs: object) -> object:
            raise StoreError(db_path, "no space left on device")

        monkeypatch.setattr(app.store, "tag", full)
        hold_writer(app, gate)
        await press_only(pilot, "f")
        app.open_article(other)
        if focus == "list":
            app.article_list.focus()
        await pilot.pause()
        opening = app._opening
        assert opening is not None
        quitting = asyncio.ensure_future(press_only(pilot, "q"))
        await until(opening.cancelled)
        gate.set()
        await quitting
        await app.opened()
        await pilot.pause()
        assert app.return_code is None  # stayed: the tag was not saved
        pane = app.pane
        assert pane.article is other and len(pane.sentences) == len(other.sentences) > 1
        app.pane.focus()
        await pilot.press("j")
        assert pane.cursor == 1


async def test_quit_does_not_wait_for_an_open_under_way(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``q`` while an article's open is running (attaching an edited book takes seconds) and
    nothing is queued after it: the app quits at once, with my tag asked for before the open
    on disk and the cursor saved (on a store of its own: the writer thread is busy)."""
    app = make_reader(SEED)
    start = load_article(SEED).sentences[0].start
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "j")
        running = threading.Event()
        real = app.store.attach

        def slow(article: Article, *args: Any, **kwargs: Any) -> object:
            running.set()
            gate.wait(30)
            return real(article, *args, **kwargs)

        monkeypatch.setattr(app.store, "attach", slow)
        app.open_article(load_article(OTHER))
        await until(running.is_set)
        await press_only(pilot, "q")
        await exited(app)
        assert app.return_code == 0 and app.abandoned
        assert not gate.is_set()  # the open is still under way
    with Store.open(db_path, "tester", create=False) as store:
        assert [(a.start, a.tag) for a in store.annotations()] == [(start, "fact")]
        article_id = load_article(SEED).id
        assert store.get_state(f"cursors:{app.store.annotator}", {}).get(article_id) == 2

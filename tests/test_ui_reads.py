"""The reader's reads of the store run in its reader thread (on a handle of their own), never on
the event loop nor behind the writer: the list's counts and done marks at startup and after
another window's write, the refresh timer, the compare view, stats, the export dialog, the
merge question (decided in the writer thread, as done marks), a change of annotator. What they
read is shown when it lands, and only if it still applies; keys never wait for them for long.
Quitting and clicking while an article opens are not lost either."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tuireader.articles import load_article, load_library
from tuireader.sentences import sentence_at
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.export_screen import ExportScreen
from tuireader.ui.merge_screen import MergeScreen
from tuireader.ui.note_screen import NoteScreen
from tuireader.ui.stats_screen import StatsScreen

from conftest import SAMPLES, SEED, exited, hold_writer, press_only, run_test_only, spy_on_loop

SIZE = (120, 40)
READS = (
    "mine",
    "annotations",
    "get_state",
    "done_marks",
    "done_by",
    "annotators",
    "merge_question",
    "corrections_by_article",
    "placed_corrections",
    "refresh",
    "tag_rows",
)
"""The store's read methods: none may run on the event loop once the app runs."""


hold = hold_writer


def tag_in_store(db_path: Path, story: Path, index: int, tag: str, annotator: str) -> None:
    article = load_article(story)
    with Store.open(db_path, annotator) as store:
        store.attach(article)
        store.tag(article, index, index, tag)


def tag_of(app: ReaderApp, index: int) -> str | None:
    annotation = app.pane.annotation_of(index)
    return None if annotation is None else annotation.tag


def erasures(app: ReaderApp, monkeypatch: pytest.MonkeyPatch, index: int = 0) -> list[bool]:
    """From now on, for each redraw of my layer: whether it took sentence ``index``'s tag of
    mine off the screen."""
    pane, erased = app.pane, []

    def spied(draw: Callable[[Any], None]) -> Callable[[Any], None]:
        def drawn(mine: Any) -> None:
            before = tag_of(app, index)
            draw(mine)
            erased.append(before is not None and tag_of(app, index) is None)

        return drawn

    for name in ("sync_annotations", "follow_sentences"):
        monkeypatch.setattr(pane, name, spied(getattr(pane, name)))
    return erased


def first_line(app: ReaderApp) -> str:
    return str(app.status.content).split("\n")[0]


def on_disk(db_path: Path) -> dict[tuple[str, int], str]:
    """(annotator, start) -> tag, as a fresh store reads the file."""
    with Store.open(db_path, "tester", create=False) as store:
        return {(a.annotator, a.start): a.tag for a in store.annotations()}


async def test_no_store_read_on_the_event_loop(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Startup, another window's tag and done mark, the compare view, stats, the export
    dialog, a done mark, a merge's question and a change of annotator: every read in the
    writer thread, and each shows what it read."""
    tag_in_store(db_path, SEED, 0, "fact", "tester")
    tag_in_store(db_path, SEED, 1, "speculation", "tester")
    app = make_reader(SEED)
    on_loop = spy_on_loop(app, READS, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        article = app.pane.article
        assert article is not None
        assert app.article_list.counts[article.id].by_tag == {"fact": 1, "speculation": 1}
        with Store.open(db_path, "bob") as other:  # another window, another annotator
            other.attach(article)
            other.tag(article, 2, 2, "fact")
            other.set_done(article.id, True)
        assert app.refresh_store()
        await app.reads_landed()
        await pilot.pause()
        app.pane.move_to(2)
        assert "bob" in first_line(app)
        assert app.article_list.state_of(article.id).others_done == 1
        await pilot.press("c")
        comparison = app.pane.comparison
        assert comparison is not None and "bob" in comparison.annotators
        await pilot.press("c")
        await pilot.press("i")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        await pilot.press("D")
        assert app.article_list.state_of(article.id).mine
        app.pane.move_to(0)
        await pilot.press("J")  # my tags on the two differ: asked first
        assert isinstance(app.screen, MergeScreen)
        await pilot.press("escape")
        app.set_annotator("carol")
        await app.reads_landed()
        await pilot.pause()
        assert app.store.annotator == "carol"
        assert app.article_list.counts[article.id].by_tag == {}
        assert tag_of(app, 0) is None  # carol's layer, empty
        assert "tester" in first_line(app)  # tester's tag on the cursor sentence is named
    assert on_loop == []


async def test_a_reload_for_an_article_left_is_not_applied(
    db_path: Path, gate: threading.Event
) -> None:
    """My other window tags article A; the look for it waits behind a busy writer while I open
    article B: once it lands, B is shown with its own tags (none), and A's list counts show
    the other window's tag."""
    stories = sorted(SAMPLES.glob("*.txt"))[:2]
    library = load_library(stories)
    first, second = library.articles[0], library.articles[1]
    store = Store.open(db_path, "tester")
    app = ReaderApp(library, store, db_path=db_path, open_article=first)
    try:
        async with app.run_test(size=SIZE) as pilot:
            with Store.open(db_path, "tester") as other:  # my other window
                other.attach(first)
                other.tag(first, 0, 0, "fact")
            hold(app, gate)
            hold_reads(app, gate)
            assert app.refresh_store()  # queued behind a slow look
            app.open_article(second)
            await pilot.pause()
            assert app.pane.article is second
            gate.set()
            await app.opened()
            await app.reads_landed()
            await pilot.pause()
            assert app.pane.article is second and app.pane.sentences == second.sentences
            assert tag_of(app, 0) is None
            assert app.article_list.counts[first.id].by_tag == {"fact": 1}
    finally:
        store.close()


def hold_reads(app: ReaderApp, gate: threading.Event) -> None:
    """Keep the reader's reader thread busy until ``gate`` is set: a slow look (the first read
    of a dense article)."""
    app._reader.read(lambda _store: gate.wait(30), lambda _result: None)


async def test_keys_move_and_tags_land_while_a_look_is_slow(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, gate: threading.Event
) -> None:
    """The reader thread is busy (a slow look): moving keys act at once, and a tag typed
    meanwhile is written and shown without waiting for the look (it used to queue behind it
    in the writer thread)."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        hold_reads(app, gate)
        app.refresh_store()
        await press_only(pilot, "j", "j", "f")
        assert app.pane.cursor == 2
        await asyncio.wait_for(app.writes_landed(), 10)
        await pilot.pause()
        assert tag_of(app, 2) == "fact"
        assert app.reading  # the look is still under way
        gate.set()
        await app.reads_landed()


async def test_a_read_that_a_later_change_of_mine_overtook_is_read_again(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    """A read that draws my layer (the list's counts, the compare view, a new annotator's
    layer) is under way when I tag, and my tag is written and shown before the read lands:
    the read, which may not hold the tag, is done again instead of drawing my layer without
    it."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        article = app.pane.article
        assert article is not None
        reading, release = threading.Event(), threading.Event()
        reads: list[list[str]] = []

        def job(store: Store) -> list[str]:
            tags = [a.tag for a in store.mine(article.id)]
            reads.append(tags)
            if len(reads) == 1:
                reading.set()
                release.wait(10)
            return tags

        shown: list[list[str]] = []
        app._read(job, shown.append, fresh=True)
        assert await asyncio.to_thread(reading.wait, 10)
        await press_only(pilot, "f")
        await asyncio.wait_for(app.writes_landed(), 10)
        await pilot.pause()
        assert tag_of(app, 0) == "fact"  # written and shown while the read waits
        assert not release.is_set() and app.reading
        release.set()
        await app.reads_landed()
        assert reads == [[], ["fact"]]
        assert shown == [["fact"]]


async def test_a_look_lands_while_my_write_is_slow(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, gate: threading.Event
) -> None:
    """My write is slow (the writer thread busy: a compaction, another process's file lock):
    the refresh timer's look at another window's tag lands meanwhile (it used to wait behind
    my write), and my tag shows once durable, on top of it."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        article = app.pane.article
        assert article is not None
        tag_in_store(db_path, SEED, 1, "speculation", "bob")
        hold(app, gate)
        await press_only(pilot, "f")
        assert app.refresh_store()
        app.pane.move_to(1)
        for _ in range(200):  # the look lands in a moment (reads that need my write wait)
            await asyncio.sleep(0.02)
            if "bob" in first_line(app):
                break
        assert "bob" in first_line(app)  # the look landed, my write still waits
        assert app.writing and tag_of(app, 0) is None
        gate.set()
        await app.writes_landed()
        await pilot.pause()
        assert tag_of(app, 0) == "fact"


async def test_keys_typed_after_a_slow_answer_go_on(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``i`` (stats) and ``J`` (merge) whose answers wait behind a slow write: the keys typed
    after them act once ANSWER_GRACE has passed, not once the answer has landed; the stats
    and the merge's question show when it lands."""
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "ANSWER_GRACE", 0.05)
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "s", "k")  # my tags on sentences 0 and 1 differ
        hold(app, gate)
        await press_only(pilot, "i", "j", "j")
        assert app.pane.cursor == 2
        assert not isinstance(app.screen, StatsScreen)
        gate.set()
        await app.reads_landed()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        app.pane.move_to(0)
        hold(app, gate := threading.Event())
        try:
            await press_only(pilot, "J", "j")
            assert app.pane.cursor == 1
            assert not isinstance(app.screen, MergeScreen)
        finally:
            gate.set()
        await app.reads_landed()
        await pilot.pause()
        assert isinstance(app.screen, MergeScreen)


async def test_a_new_annotator_applies_in_key_order(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, gate: threading.Event
) -> None:
    """``f``, a change of annotator, ``j f``, all while the writer is busy: the first tag is
    the old annotator's, the second the new one's, and the new layer is shown."""
    app = make_reader(SEED)
    starts = [s.start for s in load_article(SEED).sentences]
    async with app.run_test(size=SIZE) as pilot:
        hold(app, gate)
        await press_only(pilot, "f")
        app.set_annotator("bob")
        await press_only(pilot, "j", "f")
        gate.set()
        await app.reads_landed()
        await pilot.pause()
        assert on_disk(db_path) == {("tester", starts[0]): "fact", ("bob", starts[1]): "fact"}
        assert app.store.annotator == "bob"
        assert [tag_of(app, 0), tag_of(app, 1)] == [None, "fact"]
        app.pane.move_to(0)
        assert "tester" in first_line(app)


async def test_quit_while_an_article_opens_says_so_then_quits(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, gate: threading.Event
) -> None:
    """``f q s`` while the article is being opened: the status line says at once that it will
    quit; the ``f`` typed before ``q`` is written, the ``s`` after it is not, and it quits."""
    app = make_reader(SEED)
    start = load_article(SEED).sentences[0].start
    hold(app, gate)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        for key in "fqs":
            await press_only(pilot, key)
        await pilot.pause()
        assert app.opening
        assert "then quitting" in first_line(app)
        assert app.return_code is None
        gate.set()
        await exited(app)
        assert app.return_code == 0
    assert on_disk(db_path) == {("tester", start): "fact"}


async def test_a_click_while_an_article_opens_moves_the_cursor_once_shown(
    make_reader: Callable[[Path], ReaderApp], gate: threading.Event
) -> None:
    """A click on the text before its tags are read is kept: the cursor goes to the clicked
    sentence when the article is shown (not to the saved cursor)."""
    app = make_reader(SEED)
    hold(app, gate)
    async with run_test_only(app, size=SIZE) as pilot:
        await pilot.pause()
        pane = app.pane
        assert app.opening and pane.sentences == ()
        row = len(pane._header) + 6
        await pilot.click("#pane", offset=(pane.gutter_width + 4, row))
        clicked = pane._clicked_at
        assert clicked is not None
        gate.set()
        await app.opened()
        await pilot.pause()
        assert pane.sentences
        expected = sentence_at(pane.sentences, clicked)
        assert expected is not None and expected > 0
        assert pane.cursor == expected


async def test_a_look_that_changes_nothing_of_mine_draws_no_list_line(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another annotator's tag changes neither my counts nor the done marks: the look that
    picks it up draws no line of the article list (it drew the whole list at every look)."""
    from tuireader.ui.article_list import ArticleList

    tag_in_store(db_path, SEED, 1, "fact", "bob")  # bob annotates here already
    app = make_reader(SEED)
    drawn: list[int] = []
    real = ArticleList.render_line

    def counted(self: ArticleList, y: int) -> Any:
        drawn.append(y)
        return real(self, y)

    monkeypatch.setattr(ArticleList, "render_line", counted)
    async with app.run_test(size=SIZE) as pilot:
        app.action_toggle_list()  # the list shown beside the one article
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        with Store.open(db_path, "bob") as other:
            other.attach(article)
            other.tag(article, 0, 0, "speculation")
        drawn.clear()
        assert app.refresh_store()
        await app.reads_landed()
        await pilot.pause()
        assert "bob" in first_line(app)  # the look landed
        assert drawn == []


async def test_a_key_waiting_long_for_its_read_says_so(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``i`` (stats) while the writer thread is busy: "reading…" after SLOW_WRITE, then the
    stats once the read lands, and the line is gone."""
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "SLOW_WRITE", 0.05)
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        hold(app, gate)
        # The key's handler waits ANSWER_GRACE for its read, and Pilot's press for the handler.
        pressed = asyncio.create_task(press_only(pilot, "i"))
        for _ in range(100):  # the key reaches its handler in a moment, even under load
            await asyncio.sleep(0.05)
            if "reading…" in first_line(app):
                break
        assert "reading…" in first_line(app)
        assert not isinstance(app.screen, StatsScreen)
        gate.set()
        await pressed
        await app.reads_landed()
        await pilot.pause(0.1)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        assert "reading…" not in first_line(app)


async def test_saving_shows_while_a_key_waits_for_the_writes(
    make_reader: Callable[[Path], ReaderApp],
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``f`` then ``n`` (a note: the app's key waits for the ``f`` to land) with the writer
    busy: "saving…" shows meanwhile, and the note is asked for the tag once it landed."""
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "SLOW_WRITE", 0.05)
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        hold(app, gate)
        await press_only(pilot, "f")
        pressed = asyncio.create_task(press_only(pilot, "n"))
        await asyncio.sleep(0.3)
        assert "saving…" in first_line(app)
        gate.set()
        await pressed
        await app.writes_landed()
        await pilot.pause()
        assert tag_of(app, 0) == "fact"
        assert isinstance(app.screen, NoteScreen)  # the note is for the tag just landed
        await pilot.press("escape")
        assert "saving…" not in first_line(app)


async def test_a_file_spoiled_on_disk_is_logged_by_the_look_and_the_reader_goes_on(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Something else writes garbage over the database while the reader runs: the look's
    catch-up fails (on the reader's handle, before any read), which is logged; the screen keeps
    what it shows and keys still work."""
    tag_in_store(db_path, SEED, 0, "fact", "tester")
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        assert tag_of(app, 0) == "fact"
        spoiled = db_path.with_name("spoiled.json")
        spoiled.write_text("this is not a database", encoding="utf-8")
        spoiled.replace(db_path)
        with caplog.at_level(logging.WARNING, logger="tuireader.ui.app"):
            assert app.refresh_store()
            await app.reads_landed()
        (line,) = [r.getMessage() for r in caplog.records if r.name == "tuireader.ui.app"]
        assert line.startswith(f"could not read the annotation file: {db_path}: ")
        await pilot.press("j")
        assert app.pane.cursor == 1
        assert tag_of(app, 0) == "fact"
        assert app.is_running


async def test_a_look_at_another_windows_split_never_erases_a_tag_of_mine_written_meanwhile(
    make_reader: Callable[[Path], ReaderApp],
    db_path: Path,
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another window split a sentence: the look that finds it is shown once the writer's
    store caught up (behind my writes). A tag of mine still being written when the look read
    is shown first; the look, read without it, is read again instead of erasing it."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        article = load_article(SEED)
        count, second = len(article.sentences), article.sentences[1]
        with Store.open(db_path, "bob") as store:
            store.attach(article)
            store.split_sentence(article, 1, article.body.index(" ", second.start + 3) + 1)
        erased = erasures(app, monkeypatch)
        hold(app, gate)
        await press_only(pilot, "f")
        assert app.refresh_store()
        for _ in range(500):  # the look lands at once (it waits for no write)
            if not app._reloading:
                break
            await asyncio.sleep(0.02)
        assert not app._reloading and app.writing
        gate.set()
        await app.writes_landed()
        for _ in range(500):  # the look shown, or read again and shown
            await pilot.pause()
            if not app._reloading and not app.reading and not app.writing:
                break
            await asyncio.sleep(0.02)
        assert len(app.pane.sentences) == count + 1
        assert tag_of(app, 0) == "fact" and erased and not any(erased)
        assert on_disk(db_path)[("tester", 0)] == "fact"


async def test_a_look_never_misses_a_write_of_mine_that_returned_as_its_handle_caught_up(
    make_reader: Callable[[Path], ReaderApp],
    db_path: Path,
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """My first tag catches up with another window's, so a look follows it; my second tag
    returns just after the look's handle caught up with the files, before the look counts the
    writes of mine that returned: the look counts it, so it must hold it too (it drew my layer
    without it, erasing it from the screen)."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await app.reads_landed()
        handle = app._reader._opened()
        assert handle is not app.store
        tag_in_store(db_path, SEED, 2, "speculation", "bob")
        erased = erasures(app, monkeypatch, 1)
        refresh, second = handle.refresh, threading.Event()

        def caught_up() -> bool:  # once: then my second tag returns
            monkeypatch.setattr(handle, "refresh", refresh)
            changed = refresh()
            second.set()
            deadline = time.monotonic() + 10
            while app._writer.finished < 2 and time.monotonic() < deadline:
                time.sleep(0.001)
            return changed

        hold(app, gate)
        await press_only(pilot, "f")
        hold(app, second)
        app.pane.move_to(1)
        await press_only(pilot, "s")
        assert app._writer.finished == 0
        monkeypatch.setattr(handle, "refresh", caught_up)
        gate.set()
        await app.writes_landed()
        for _ in range(500):
            await pilot.pause()
            if not app._reloading and not app.reading and not app.writing:
                break
            await asyncio.sleep(0.02)
        assert second.is_set() and not app._reloading
        assert tag_of(app, 0) == "fact" and tag_of(app, 1) == "speculation"
        assert not any(erased)


async def test_a_look_that_read_before_a_write_of_mine_returned_is_read_again(
    make_reader: Callable[[Path], ReaderApp],
    db_path: Path,
    gate: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The look reads another window's tag while my tag is held in the writer; my tag returns
    (and is shown) before the look lands: the look, read without it, is dropped and read
    again instead of drawing my layer without it."""
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)  # only the looks asked for here
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await app.reads_landed()
        tag_in_store(db_path, SEED, 1, "speculation", "bob")
        erased = erasures(app, monkeypatch)
        real, looks = app_module.read_reloaded, []

        def look(*args: Any, **kwargs: Any) -> Any:
            read = real(*args, **kwargs)
            looks.append(read)
            if len(looks) == 1:  # read without my tag: now it returns
                finished = app._writer.finished
                gate.set()
                deadline = time.monotonic() + 10
                while app._writer.finished == finished and time.monotonic() < deadline:
                    time.sleep(0.001)
            return read

        monkeypatch.setattr(app_module, "read_reloaded", look)
        hold(app, gate)
        await press_only(pilot, "f")
        assert app.refresh_store()
        await app.writes_landed()
        for _ in range(500):
            await pilot.pause()
            if len(looks) >= 2 and not app._reloading and not app.reading:
                break
            await asyncio.sleep(0.02)
        assert len(looks) == 2 and looks[0] is not None
        assert [a.start for a in looks[0].mine] == []  # the dropped look
        assert tag_of(app, 0) == "fact" and not any(erased)
        app.pane.move_to(1)
        assert "bob" in first_line(app)  # the look read again, and shown


async def test_a_failed_catch_up_after_a_look_is_logged_not_a_failed_write(
    make_reader: Callable[[Path], ReaderApp],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another window split a sentence; the writer's store cannot catch up with it (the file
    spoiled meanwhile): nothing I asked for failed, so no "Not saved" line and no failed write
    is counted; the next look tries again."""
    from tuireader.store import StoreError

    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await app.reads_landed()
        article = load_article(SEED)
        second = article.sentences[1]
        with Store.open(db_path, "bob") as store:
            store.attach(article)
            store.split_sentence(article, 1, article.body.index(" ", second.start + 3) + 1)

        def spoiled() -> bool:
            raise StoreError(db_path, "spoiled")

        monkeypatch.setattr(app.store, "refresh", spoiled)
        caplog.set_level(logging.WARNING, logger="tuireader.ui.app")
        assert app.refresh_store()
        for _ in range(500):
            await pilot.pause()
            if not app._reloading and not app.reading and not app._writer.busy:
                break
            await asyncio.sleep(0.02)
        await app.writes_landed()
        await pilot.pause()
        assert app._failed_writes == 0
        assert not any("spoiled" in str(n.message) for n in app._notifications)
        assert app._look_corrections is None  # the next look has the writer catch up again
        logged = [r.getMessage() for r in caplog.records if r.name == "tuireader.ui.app"]
        assert f"could not read the annotation file: {db_path}: spoiled" in logged


@contextlib.contextmanager
def store_busy(app: ReaderApp) -> Iterator[threading.Event]:
    """The writer's store's lock held by another thread (a write through its fsync, a write
    waiting for the file lock another process holds) until the event is set or the block ends."""
    release, held = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with app.store._mutex:
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold_lock)
    thread.start()
    assert held.wait(10)
    try:
        yield release
    finally:
        release.set()
        thread.join(10)


async def test_the_export_reads_on_the_readers_handle_beside_my_writes(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    """The export's walk of the selection reads on the reader's handle: it ends while the
    writer's store is busy, with my tag asked for before it."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "x")
        assert isinstance(app.screen, ExportScreen)
        with store_busy(app):
            await press_only(pilot, "enter")
            written: list[Path] = []
            for _ in range(400):
                written = sorted((db_path.parent / "exports").glob("*.json"))
                if written and any("Exported" in str(n.message) for n in app._notifications):
                    break
                await asyncio.sleep(0.025)
            assert written, "the export waited for the writer's store"
            assert len(json.loads(written[0].read_text("utf-8"))["annotations"]) == 1


def trainings(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[str, str]]]:
    """From now on: the (text, tag) pairs each training is given (nothing is trained)."""
    from tuireader.ui import model_training

    trained: list[list[tuple[str, str]]] = []

    def train(pairs: list[tuple[str, str]], *_: object, **__: object) -> None:
        trained.append(list(pairs))

    monkeypatch.setattr(model_training, "train_apart", train)
    return trained


async def test_training_reads_my_tags_on_the_readers_handle(
    make_reader: Callable[[Path], ReaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Training's read of my tags (every article's shard) runs on the reader's handle: it
    reads them while the writer's store is busy."""
    trained = trainings(monkeypatch)
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "s")
        with store_busy(app):
            app._fit_model(app.store.annotator, app.tags)
            for _ in range(400):
                if trained:
                    break
                await asyncio.sleep(0.025)
            assert trained, "training waited for the writer's store"
        assert sorted(tag for _, tag in trained[0]) == ["fact", "speculation"]


async def test_a_read_of_my_layer_waiting_behind_another_read_is_not_read_again_for_my_tag(
    make_reader: Callable[[Path], ReaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that draws my layer (the compare view's) waits in the reader's queue behind a slow
    read while my tag is written and shown: it begins after that, so it holds the tag, and is
    shown once, not read again. Before, it was read again for every change of mine returned
    while it waited, so with a tag key held down it was shown only once typing paused."""
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        article = app.pane.article
        assert article is not None and app.pane.comparison is not None
        reads: list[str] = []
        real = app._read

        def counted(job: Any, shown: Any, **kwargs: Any) -> Any:
            reads.append(shown.__qualname__)
            return real(job, shown, **kwargs)

        monkeypatch.setattr(app, "_read", counted)
        release = threading.Event()
        app._reader.read(lambda _: release.wait(10), lambda _: None)  # a slow read ahead
        shown: list[bool] = []
        app.refresh_comparison(then=lambda: shown.append(True))
        await press_only(pilot, "f")
        await app.writes_landed()  # my tag is shown while the compare view's read waits
        release.set()
        await app.reads_landed()
        await pilot.pause()
        assert shown == [True]
        assert [r for r in reads if "refresh_comparison" in r] == [
            "ReaderApp.refresh_comparison.<locals>.landed"
        ]
        comparison = app.pane.comparison
        assert comparison is not None and comparison.values[0][0] == "fact"


async def test_the_startup_counts_leave_no_copy_of_the_open_article_in_the_handle(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    """The list's counts at startup read my layer of the open article on the reader's handle
    once, without keeping it: the writer's store holds it (a book tagged twice is ~90 MB
    held twice otherwise). The counts are as before."""
    tag_in_store(db_path, SEED, 0, "fact", "tester")
    tag_in_store(db_path, SEED, 1, "speculation", "tester")
    app = make_reader(SEED)
    async with app.run_test(size=SIZE):
        article = app.pane.article
        assert article is not None
        assert app.article_list.counts[article.id].by_tag == {"fact": 1, "speculation": 1}
        handle = app._reader._handle
        assert handle is not None and handle is not app.store
        assert not handle._loaded.loaded(article.id)
        assert app.store._loaded.loaded(article.id)


async def test_the_librarys_counts_are_read_on_the_readers_handle_beside_my_writes(
    db_path: Path, tmp_path: Path
) -> None:
    """The counts of the files the library's worker fills in are read on the reader's handle:
    they land while the writer's store is busy (its lock held through a write's fsync), and
    the writer's store does not load the article for them. They waited for the lock before."""
    from tuireader.catalog import Catalog

    root = tmp_path / "news"
    root.mkdir()
    tagged = root / "harbour.txt"
    tagged.write_text("Harbour reopens\n\nThe boats are back. Nets dry on the quay.\n", "utf-8")
    (root / "market.txt").write_text("Market day\n\nStalls open early. Rain later.\n", "utf-8")
    tag_in_store(db_path, tagged, 1, "fact", "tester")
    article_id = load_article(tagged).id
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            Catalog.scan([root]), store, db_path=db_path, cache_path=tmp_path / "cache.json"
        )
        with store_busy(app) as release:
            async with app.run_test(size=SIZE) as pilot:
                try:
                    for _ in range(400):
                        counts = app.article_list.counts.get(article_id)
                        if not app.catalog.pending and counts is not None and not counts.pending:
                            break
                        await pilot.pause(0.025)
                    assert not app.catalog.pending
                    counts = app.article_list.counts.get(article_id)
                    assert counts is not None and not counts.pending, "the counts waited"
                    assert counts.by_tag == {"fact": 1}
                    assert not app.store._loaded.loaded(article_id)
                finally:
                    release.set()


def handle_reads_of(monkeypatch: pytest.MonkeyPatch, app: ReaderApp) -> list[str]:
    """From now on: the article ids whose annotations a store other than the app's (the
    reader's handle) reads, by name of the call."""
    read: list[str] = []
    for name in ("annotations", "mine", "tag_rows"):
        real = getattr(Store, name)

        def spy(store: Store, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            if store is not app.store and args and isinstance(args[0], str):
                read.append(args[0])
            return _real(store, *args, **kwargs)

        monkeypatch.setattr(Store, name, spy)
    return read


async def test_the_startup_counts_leave_the_article_being_opened_to_its_open(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The article opening at startup is counted by its open (the writer's store reads it
    anyway): the reader's handle does not read it too, at the same moment (a book tagged twice
    was parsed by both threads at once, +100 MB at the peak). Its counts are as before."""
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)  # no look meanwhile
    tag_in_store(db_path, SEED, 0, "fact", "tester")
    tag_in_store(db_path, SEED, 1, "speculation", "tester")
    app = make_reader(SEED)
    read = handle_reads_of(monkeypatch, app)
    async with app.run_test(size=SIZE):
        await app.reads_landed()
        article = app.pane.article
        assert article is not None
        assert app.article_list.counts[article.id].by_tag == {"fact": 1, "speculation": 1}
        assert article.id not in read


async def test_an_article_left_out_of_the_startup_counts_is_counted_if_another_opens(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The article read last is left out of the startup counts for its open to count; when
    another article is opened before it (it never is), it is counted then."""
    from tuireader.catalog import Catalog
    from tuireader.ui import app as app_module
    from tuireader.ui.app import STATE_LAST_ARTICLE

    root = tmp_path / "news"
    root.mkdir()
    last = root / "harbour.txt"
    last.write_text("Harbour reopens\n\nThe boats are back. Nets dry on the quay.\n", "utf-8")
    other = root / "market.txt"
    other.write_text("Market day\n\nStalls open early. Rain later.\n", "utf-8")
    tag_in_store(db_path, last, 1, "fact", "tester")
    last_id = load_article(last).id
    cache = tmp_path / "cache.json"
    with Store.open(db_path, "tester") as store:  # fills the library's cache
        app = ReaderApp(Catalog.scan([root]), store, db_path=db_path, cache_path=cache)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                if not app.catalog.pending and app.pane.article is not None:
                    break
                await pilot.pause(0.025)
    (root / "late.txt").write_text("Late news\n\nNot read yet. Still to come.\n", "utf-8")
    filling = threading.Event()
    real_fill = app_module.fill

    def slow_fill(*args: Any, **kwargs: Any) -> Any:
        filling.wait(10)  # a slow disk: the library is not known yet
        yield from real_fill(*args, **kwargs)

    monkeypatch.setattr(app_module, "fill", slow_fill)
    with Store.open(db_path, "tester") as store:
        store.set_state(STATE_LAST_ARTICLE, last_id)
        catalog = Catalog.scan([root])
        app = ReaderApp(catalog, store, db_path=db_path, cache_path=cache)
        async with run_test_only(app, size=SIZE) as pilot:
            # The last article opens once the library is known; market is opened before.
            assert app._counted_by_open == last_id
            entry = catalog.by_path(other)
            assert entry is not None
            app.open_entry(entry)
            await app.opened()
            filling.set()
            for _ in range(200):
                counts = app.article_list.counts.get(last_id)
                if not catalog.pending and counts is not None and not counts.pending:
                    break
                await pilot.pause(0.025)
            await app.reads_landed()
            article = app.pane.article
            assert article is not None and article.title == "Market day"
            counts = app.article_list.counts.get(last_id)
            assert counts is not None and counts.by_tag == {"fact": 1}


async def test_training_takes_the_open_articles_layer_as_shown(
    make_reader: Callable[[Path], ReaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Training reads every article's shard on the handle but the open one's: my layer of it
    as shown is used instead (a book's shard is the biggest, and the writer's store holds it)."""
    trained = trainings(monkeypatch)
    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "s")
        await app.writes_landed()
        article = app.pane.article
        assert article is not None
        read = handle_reads_of(monkeypatch, app)
        app._model_tags = 0
        app._store_count = 2
        monkeypatch.setattr("tuireader.learn.retrain_due", lambda *_: True)
        monkeypatch.setattr("tuireader.learn.available", lambda: True)
        app._train_model()
        for _ in range(400):
            if trained:
                break
            await asyncio.sleep(0.025)
        assert trained
        assert sorted(tag for _, tag in trained[0]) == ["fact", "speculation"]
        assert article.id not in read


async def test_a_look_reads_again_only_the_articles_another_window_changed(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look at other windows' writes reads my layer (the list's counts) of the articles they
    changed only, and the open article's layers only if they changed it: a book left alone is
    neither parsed again nor held a second time in the reader's handle."""
    from tuireader.catalog import Catalog
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)  # only the looks asked for
    root = tmp_path / "news"
    root.mkdir()
    harbour = root / "harbour.txt"
    harbour.write_text("Harbour reopens\n\nThe boats are back. Nets dry on the quay.\n", "utf-8")
    market = root / "market.txt"
    market.write_text("Market day\n\nStalls open early. Rain later.\n", "utf-8")
    tag_in_store(db_path, harbour, 1, "fact", "tester")
    tag_in_store(db_path, market, 1, "fact", "tester")
    harbour_id, market_id = load_article(harbour).id, load_article(market).id
    with Store.open(db_path, "tester") as store:
        catalog = Catalog.scan([root])
        app = ReaderApp(catalog, store, db_path=db_path, cache_path=tmp_path / "cache.json")
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                if not catalog.pending:
                    break
                await pilot.pause(0.025)
            entry = catalog.by_path(harbour)
            assert entry is not None
            app.open_entry(entry)
            await app.opened()
            await app.reads_landed()
            read = handle_reads_of(monkeypatch, app)
            tag_in_store(db_path, market, 0, "speculation", "bob")  # another article
            assert app.refresh_store()
            await app.reads_landed()
            assert harbour_id not in read and market_id in read
            assert app._reader._handle is not None
            assert not app._reader._handle._loaded.loaded(harbour_id)
            read.clear()
            tag_in_store(db_path, market, 0, "fact", "tester")  # my layer of market, elsewhere
            assert app.refresh_store()
            await app.reads_landed()
            for _ in range(200):  # counted by a worker if market is not segmented yet
                if not app.article_list.counts[market_id].pending:
                    break
                await pilot.pause(0.025)
            assert app.article_list.counts[market_id].by_tag == {"fact": 2}
            assert harbour_id not in read
            read.clear()
            tag_in_store(db_path, harbour, 0, "speculation", "bob")  # the open article
            assert app.refresh_store()
            await app.reads_landed()
            await pilot.pause()
            assert harbour_id in read and market_id not in read
            assert app.pane.cursor == 0 and "bob" in first_line(app)  # shown
            read.clear()
            app.refresh_store()  # nothing new since: nothing read
            await app.reads_landed()
            assert read == []


async def test_a_look_after_a_compaction_of_mine_does_not_read_the_open_article_again(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compaction replaces the files: the reader's handle reads them whole and cannot tell
    what changed. It runs before the look, and when the writer's store caught up with nothing
    since the open, the open article is known unchanged as of the new journal: the look does
    not read it again (it read War and Peace's ~55,000 annotations after each compaction)."""
    from tuireader import storage
    from tuireader.catalog import Catalog
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)  # only the looks asked for
    root = tmp_path / "news"
    root.mkdir()
    harbour = root / "harbour.txt"
    harbour.write_text("Harbour reopens\n\nThe boats are back. Nets dry on the quay.\n", "utf-8")
    tag_in_store(db_path, harbour, 1, "fact", "bob")
    harbour_id = load_article(harbour).id
    with Store.open(db_path, "tester") as store:
        catalog = Catalog.scan([root])
        app = ReaderApp(catalog, store, db_path=db_path, cache_path=tmp_path / "cache.json")
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                if not catalog.pending:
                    break
                await pilot.pause(0.025)
            entry = catalog.by_path(harbour)
            assert entry is not None
            app.open_entry(entry)
            await app.opened()
            await app.reads_landed()
            read = handle_reads_of(monkeypatch, app)
            monkeypatch.setattr(storage, "JOURNAL_MAX", 0)  # my next write makes one due
            app.pane.focus()
            await pilot.press("f")
            await app.writes_landed()
            assert store.compaction_due
            compactions = store.compactions
            assert app.refresh_store()
            for _ in range(200):
                await app.writes_landed()
                await app.reads_landed()
                if not app._reloading:
                    break
                await pilot.pause(0.02)
            assert store.compactions > compactions  # compacted, then looked at
            assert harbour_id not in read
            assert tag_of(app, 0) == "fact"
            # Another window's tag after it is read again, as ever.
            tag_in_store(db_path, harbour, 0, "speculation", "bob")
            assert app.refresh_store()
            await app.reads_landed()
            await pilot.pause()
            assert harbour_id in read and "bob" in first_line(app)


async def test_another_windows_tag_after_compactions_that_gave_the_journal_its_inode_again_is_shown(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two looks another window compacts until its new journal has the inode number the
    open article was known as of, then tags that article (a journal shorter than it was): the
    look reads the article again (the main file tells the files apart) and shows the tag."""
    from tuireader.catalog import Catalog
    from tuireader.storage import journal_path
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)  # only the looks asked for
    root = tmp_path / "news"
    root.mkdir()
    harbour = root / "harbour.txt"
    harbour.write_text("Harbour reopens\n\nThe boats are back. Nets dry on the quay.\n", "utf-8")
    market = root / "market.txt"
    market.write_text("Market day\n\nStalls open early. Rain later.\n", "utf-8")
    tag_in_store(db_path, harbour, 1, "fact", "tester")
    tag_in_store(db_path, market, 1, "fact", "tester")
    with Store.open(db_path, "tester") as store:
        catalog = Catalog.scan([root])
        app = ReaderApp(catalog, store, db_path=db_path, cache_path=tmp_path / "cache.json")
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                if not catalog.pending:
                    break
                await pilot.pause(0.025)
            entry = catalog.by_path(harbour)
            assert entry is not None
            app.open_entry(entry)
            await app.opened()
            await app.reads_landed()
            known = app._article_position
            assert known is not None
            inode = known[1].journal
            with Store.open(db_path, "bob") as bob:
                other = load_article(market)
                bob.attach(other)
                for k in range(16):
                    bob.tag(other, k % 2, k % 2, ("fact", "speculation")[k % 2])
                    bob._db.file.compact()
                    if journal_path(db_path).stat().st_ino == inode:
                        break
                else:
                    pytest.skip("the file system gave no journal inode number back")
                bob.tag(load_article(harbour), 0, 0, "speculation")
            assert app.refresh_store()
            await app.reads_landed()
            await pilot.pause()
            assert "bob" in first_line(app)

"""The reader's own state (cursors, last article, list counts) and the journal's compaction are
written by the writer thread, never on the event loop; quitting keeps what was not written yet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import load_library
from tuireader.store import Store
from tuireader.ui.app import STATE_COUNTS, ReaderApp, counts_key, cursors_key
from tuireader.ui.article_list import ArticleCounts, fingerprint

from conftest import SEED

MakeApp = Callable[[], ReaderApp]
SIZE = (120, 40)


@pytest.fixture
def make_app(make_reader: Callable[[Path], ReaderApp]) -> MakeApp:
    return lambda: make_reader(SEED)


def saved(db_path: Path, key: str) -> object:
    with Store.open(db_path, "tester", create=False) as store:
        return store.get_state(key)


def threads_of(store: Store, name: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads a store method runs in, from now on."""
    seen: list[str] = []
    real = getattr(store, name)

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, name, spy)
    return seen


async def test_quitting_right_after_a_cursor_move_keeps_the_cursor(
    make_app: MakeApp, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        article = app.pane.article
        assert article is not None and app.pane.cursor == 3
        await pilot.press("q")  # well before the batched save's timer
    cursors = saved(db_path, cursors_key(app.store.annotator))
    assert isinstance(cursors, dict) and cursors[article.id] == 3
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pane.cursor == 3


async def test_an_exit_without_q_still_saves_the_cursor(make_app: MakeApp, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        article = app.pane.article
        assert article is not None
        app.exit(0)  # not through action_quit: the unmount saves it
    cursors = saved(db_path, cursors_key(app.store.annotator))
    assert isinstance(cursors, dict) and cursors[article.id] == 2


async def test_state_saves_run_in_the_writer_thread(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    seen = threads_of(app.store, "set_states", monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        app._save_cursors()  # what the timer does, two seconds after a move
        assert app._writer.drain(10)
        assert seen and all(name.startswith("store-writer") for name in seen)
        assert threading.current_thread().name not in seen


async def test_list_counts_are_one_small_record_per_article(
    make_app: MakeApp, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "s")
        article = app.pane.article
        assert article is not None
        await pilot.press("q")
    record = saved(db_path, counts_key(article.id))
    assert isinstance(record, dict)
    assert record["tags"] == {"fact": 1, "speculation": 1}
    assert saved(db_path, STATE_COUNTS) is None


async def test_the_old_all_articles_counts_record_is_read_then_replaced(
    db_path: Path, tmp_path: Path
) -> None:
    """A database saved by the previous version: its one counts record is used at startup for
    the articles listed (the one opening is counted by its open), and the first save moves
    every article's counts into a record of its own and drops it."""
    listed = tmp_path / "harbour.txt"
    listed.write_text("Harbour reopens\n\nThe boats are back. Nets dry on the quay.\n", "utf-8")
    library = load_library([SEED, listed])
    opening = next(a for a in library.articles if a.path == SEED)
    article = next(a for a in library.articles if a.path == listed)
    with Store.open(db_path, "tester") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(opening, 1, 1, "speculation")
        of = fingerprint(store.mine(article.id))
        # Made-up figures, so the test sees they were read rather than counted again.
        old = ArticleCounts({"fact": 7}, 99, tagged=7).to_state(of)
        elsewhere = ArticleCounts({"speculation": 2}, 40, tagged=2).to_state("0badcafe")
        store.set_state(STATE_COUNTS, {article.id: old, "another-article": elsewhere})
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(library, store, db_path=db_path, open_article=opening)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = app.article_list.counts[article.id]  # what the list showed at startup
            assert (shown.by_tag, shown.sentences) == ({"fact": 7}, 99)
            assert app.article_list.counts[opening.id].by_tag == {"speculation": 1}
            await pilot.press("q")
    assert saved(db_path, STATE_COUNTS) is None
    assert saved(db_path, counts_key(article.id)) == old
    assert saved(db_path, counts_key("another-article")) == elsewhere


async def test_a_changed_article_writes_its_own_counts_record_and_keeps_the_others(
    make_app: MakeApp, db_path: Path
) -> None:
    article = load_library([SEED]).articles[0]
    with Store.open(db_path, "tester") as store:
        store.set_state(counts_key("another-article"), {"of": "x", "tags": {}})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.press("q")
    record = saved(db_path, counts_key(article.id))
    assert isinstance(record, dict) and record["tags"] == {"speculation": 1}
    assert saved(db_path, counts_key("another-article")) == {"of": "x", "tags": {}}


async def test_a_tag_never_compacts_on_the_event_loop(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a 2 KB journal limit, eight tags make compactions due; they run in the writer
    thread (handed to it by the refresh timer or a state save, whichever comes first: both
    may fire during the presses on a loaded machine), never in a key press; no tag is lost."""
    monkeypatch.setattr(storage, "JOURNAL_MIN", 2000)
    app = make_app()
    compactions = threads_of(app.store, "compact", monkeypatch)
    folded: list[str] = []
    real = storage.AtomicJSONStorage.write_compaction

    def spy(self: storage.AtomicJSONStorage, plan: storage.Compaction) -> None:
        folded.append(threading.current_thread().name)
        real(self, plan)

    monkeypatch.setattr(storage.AtomicJSONStorage, "write_compaction", spy)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(8):
            await pilot.press("f", "j")
        article = app.pane.article
        assert article is not None
        app.refresh_store()  # what the timer does every two seconds
        assert app._writer.drain(10)
        assert not app.store.compaction_due
        assert folded and all(name.startswith("store-writer") for name in folded)
        assert all(name.startswith("store-writer") for name in compactions)
        await pilot.press("q")
    with Store.open(db_path, "tester") as again:
        assert len(again.mine(article.id)) == 8


async def test_each_annotator_reads_on_from_their_own_cursor(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    """tina opened at the tester's 3/10 when the saved cursor was shared."""
    from tuireader.articles import load_library

    app = make_reader(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        await pilot.press("q")
    library = load_library([SEED])
    with Store.open(db_path, "tina") as store:
        tina = ReaderApp(library, store, db_path=db_path, open_article=library.articles[0])
        async with tina.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert tina.pane.cursor == 0  # not the tester's 3
            await pilot.press("j")
            await pilot.press("q")
    again = make_reader(SEED)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.pane.cursor == 3  # tina's 1 did not move it

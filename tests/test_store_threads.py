"""One Store shared by threads (a UI's event loop and its writer thread): calls serialised,
compactions deferred and run beside reads, nothing lost (``store.threads`` is the contract).
And the reader's reads on a handle of their own (``ui/store_reader.StoreReader``), beside the
writer thread's writes and compactions: a read sees the files as one write left them, never
half of one, and never waits for the writer's lock."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.store import Store
from tuireader.ui import store_reader
from tuireader.ui.store_reader import StoreReader

TEXT = " ".join(f"Sentence number {i} says something plain." for i in range(40))
OTHER = " ".join(f"Line {i} of the second story is here." for i in range(40))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "annotations.json"


@pytest.fixture
def small_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal limit of 2 KB, so a few tags make a compaction due."""
    monkeypatch.setattr(storage, "JOURNAL_MIN", 2000)


def journal_size(db: Path) -> int:
    return storage.journal_path(db).stat().st_size


def test_two_threads_tagging_one_store_at_once_lose_nothing(db: Path, small_journal: None) -> None:
    first, second = from_text(TEXT), from_text(OTHER)
    with Store.open(db, "alice") as store:
        errors: list[BaseException] = []

        def tag_all(article: Article) -> None:
            try:
                for i in range(len(article.sentences)):
                    store.tag(article, i, i, ("fact", "speculation")[i % 2])
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=tag_all, args=(a,)) for a in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert len(store.mine(first.id)) == len(first.sentences)
        assert len(store.mine(second.id)) == len(second.sentences)
    with Store.open(db, "alice") as again:
        assert len(again) == len(first.sentences) + len(second.sentences)
        assert again.article_counts(first.id) == {"alice": {"fact": 20, "speculation": 20}}


def test_a_deferred_compaction_waits_for_compact(db: Path, small_journal: None) -> None:
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")  # the first write makes the files
        store.defer_compaction()
        main = db.stat().st_ino
        for i in range(1, 30):
            store.tag(article, i, i, "fact")
        assert store.compaction_due
        assert db.stat().st_ino == main  # no write folded the journal in
        assert journal_size(db) > 2000
        assert store.compact()
        assert not store.compaction_due
        assert db.stat().st_ino != main
        assert journal_size(db) == len(storage.EMPTY_JOURNAL)
        assert not store.compact()  # nothing due
    with Store.open(db, "alice") as again:
        assert len(again.mine(article.id)) == 30
        assert storage.journal_path(db).read_bytes() == storage.EMPTY_JOURNAL


def hold_compaction_at(
    step: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """Hold a compaction while it makes its bytes (``plan``: reading shards, serialising) or
    while it writes its files (``write``): (set once it is held, what releases it)."""
    held, release = threading.Event(), threading.Event()
    if step == "plan":
        real_plan = storage.AtomicJSONStorage.compaction

        def held_plan(self: storage.AtomicJSONStorage) -> storage.Compaction:
            held.set()
            assert release.wait(30)
            return real_plan(self)

        monkeypatch.setattr(storage.AtomicJSONStorage, "compaction", held_plan)
    else:
        real_write = storage.write_atomic

        def held_write(*args: object, **kwargs: object) -> None:
            held.set()
            assert release.wait(30)
            real_write(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(storage, "write_atomic", held_write)
    return held, release


@pytest.mark.parametrize("step", ["plan", "write"])
def test_reads_go_on_while_a_compaction_is_held_and_a_write_waits_for_it(
    db: Path, small_journal: None, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """The compaction is held while it plans (it holds the file lock but not the store's lock)
    or while it writes its files: another thread still reads the store (it used to wait for
    the whole plan), and a tag from it waits for the compaction, then lands (nothing folded
    away, nothing lost)."""
    article, other = from_text(TEXT), from_text(OTHER)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(other, 0, 0, "fact")
        store.defer_compaction()
        for i in range(1, 30):
            store.tag(article, i, i, "speculation")
        assert store.compaction_due
        held, release = hold_compaction_at(step, monkeypatch)
        compacted: list[bool] = []
        compaction = threading.Thread(target=lambda: compacted.append(store.compact()))
        compaction.start()
        tagged = threading.Event()
        tagger = threading.Thread(
            target=lambda: (store.tag(other, 5, 5, "fact"), tagged.set()), daemon=True
        )
        try:
            assert held.wait(30)
            # Reads from this thread are not held up by the compaction.
            assert len(store.mine(article.id)) == 30
            assert [a.tag for a in store.annotations_at(article.id, 0)] == ["fact"]
            assert store.get_state("nothing", 7) == 7
            assert not store.refresh()  # our own files are not another process's
            tagger.start()
            assert not tagged.wait(0.3)  # the write waits for the compaction's file lock
        finally:
            release.set()
        compaction.join(30)
        tagger.join(30)
        assert compacted == [True]
        assert tagged.is_set()
        assert store.compactions == 2
    with Store.open(db, "bob") as again:
        assert len(again.annotations(article.id)) == 30
        assert [a.start for a in again.annotations(other.id)] == [
            other.sentences[0].start,
            other.sentences[5].start,
        ]


def test_each_article_lets_other_threads_in_between_articles(db: Path) -> None:
    first, second = from_text(TEXT), from_text(OTHER)
    with Store.open(db, "alice") as store:
        store.tag(first, 0, 0, "fact")
        store.tag(second, 0, 0, "fact")
        walk = store.each_article()
        next(walk)
        done = threading.Event()
        # Between two steps the store's lock is free: another thread's write goes through.
        writer = threading.Thread(target=lambda: (store.tag(first, 3, 3, "fact"), done.set()))
        writer.start()
        writer.join(30)
        assert done.is_set()
        assert [article_id for article_id, _ in walk] == [max(first.id, second.id)]


def test_remove_states_forgets_a_state_record(db: Path) -> None:
    with Store.open(db, "alice") as store:
        store.set_states({"old": {"a": 1}, "kept": 2})
        store.remove_states(["old", "absent"])
        assert store.get_state("old") is None
    with Store.open(db, "alice") as again:
        assert again.get_state("old", "gone") == "gone"
        assert again.get_state("kept") == 2


RUN = 5
"""Sentences each write tags at once: a read must see all of them with one tag."""


def tag_run(store: Store, article: Article, tag: str, first: int = 0) -> None:
    """One write: sentences ``first`` .. ``first + RUN - 1`` each tagged ``tag``."""
    store.tag_many(article, [(i, i, tag) for i in range(first, first + RUN)], "run")


def tags_of(store: Store, article: Article) -> list[tuple[int, str]]:
    return [(a.start, a.tag) for a in store.mine(article.id)]


def grow_journal(store: Store, article: Article) -> None:
    """Enough writes that a compaction is due (with ``small_journal``)."""
    for i in range(12):
        store.tag(article, i, i, ("fact", "speculation")[i % 2])
    assert store.compaction_due


def test_a_compaction_during_a_read_makes_it_read_again(db: Path, small_journal: None) -> None:
    """The handle caught up, then (before it reads the article's shard) a write changes the
    article and a compaction folds it into the shard: the shard then holds the write, the
    handle's journal changes do not. Reading on would mix the two (the annotation the write
    replaced, back beside its replacement); the read is done again instead, after the write."""
    first, other = from_text(TEXT), from_text(OTHER)
    with Store.open(db, "alice") as store:
        store.defer_compaction()
        store.attach(first)
        store.attach(other)
        store.tag(first, 0, 0, "fact")
        grow_journal(store, other)
        reader = StoreReader(store)
        tries: list[list[tuple[int, str]]] = []

        def read(handle: Store) -> list[tuple[int, str]]:
            if not tries:  # the first time only: what the writer thread may do meanwhile
                tag_run(store, first, "speculation")
                assert store.compact()
            tries.append(tags_of(handle, first))
            return tries[-1]

        try:
            seen = reader.consistent(read)
        finally:
            reader.close()
        after = tags_of(store, first)
        assert len(after) == RUN and {tag for _, tag in after} == {"speculation"}
        assert seen == after
        assert len(tries) == 2
        assert tries[0] != after  # the torn read the retry threw away


def test_a_read_waits_while_a_compaction_is_replacing_files(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the writer's store is replacing files (an odd ``compactions``), a read waits for
    it to end instead of reading the files half replaced."""
    monkeypatch.setattr(store_reader, "READ_TRIES", 10_000)  # never gives up waiting here
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        reader = StoreReader(store)
        store.compactions = 1  # a compaction is writing its files
        reads: list[int] = []

        def read(handle: Store) -> int:
            reads.append(store.compactions)
            return len(handle.mine(article.id))

        try:
            reading = reader.read(read, lambda _: None)
            assert reading is not None
            time.sleep(0.1)
            assert reads == [] and not reading.done()  # waiting, not reading
            store.compactions = 2  # its files are written
            assert reading.result(10) == 1
            assert reads == [2]
        finally:
            reader.close()


def test_reads_beside_writes_and_compactions_are_whole_and_nothing_is_lost(
    db: Path, small_journal: None
) -> None:
    """A writer thread rewrites a run of sentences with one tag per write and compacts when
    due; another window (a second store, another annotator) tags a second article at the same
    time; the reader thread reads all the while. Every read sees a run with one tag (never
    half a write), and at the end the reader, a fresh store and both writers agree."""
    first, other = from_text(TEXT), from_text(OTHER)
    with Store.open(db, "alice") as store, Store.open(db, "bob") as bob:
        store.defer_compaction()
        # Bob's store would compact inline, which ``store.compactions`` does not count: a read
        # that overlapped it could keep a shard folded meanwhile (a rare flake).
        bob.defer_compaction()
        store.attach(first)
        bob.attach(other)
        stop = threading.Event()
        errors: list[BaseException] = []
        compactions = 0

        def write() -> None:
            nonlocal compactions
            try:
                for k in range(40):
                    tag_run(store, first, ("fact", "speculation", "expert")[k % 3])
                    if store.compaction_due:
                        compactions += store.compact()
            except BaseException as exc:
                errors.append(exc)

        def other_window() -> None:
            try:
                for i in range(len(other.sentences)):
                    bob.tag(other, i, i, "fact")
            except BaseException as exc:
                errors.append(exc)

        reader = StoreReader(store)
        seen: list[list[tuple[int, str]]] = []

        def read_all_the_while() -> None:
            try:
                while not stop.is_set():
                    seen.append(reader.consistent(lambda handle: tags_of(handle, first)))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=f) for f in (write, other_window)]
        looking = threading.Thread(target=read_all_the_while)
        looking.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        stop.set()
        looking.join(60)
        assert errors == []
        assert compactions >= 1
        assert len(seen) > 5
        for tags in seen:
            assert len(tags) in (0, RUN), tags
            assert len({tag for _, tag in tags}) <= 1, tags
        last = reader.consistent(lambda handle: tags_of(handle, first))
        others = reader.consistent(lambda handle: handle.annotations(other.id, "bob"))
        reader.close()
    assert last == [(s.start, "fact") for s in first.sentences[:RUN]]  # the last write, k = 39
    assert len(others) == len(other.sentences)
    with Store.open(db, "carol", create=False) as fresh:
        assert [(a.start, a.tag) for a in fresh.annotations(first.id, "alice")] == last
        assert len(fresh.annotations(other.id, "bob")) == len(other.sentences)


def test_a_read_after_a_write_sees_it_and_a_look_does_not_wait_for_it(db: Path) -> None:
    """A read queued after a write (``after``) starts once the write has returned and sees it;
    a look queued without it lands while the writer thread is still busy."""
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.attach(article)
        reader = StoreReader(store)
        gate = threading.Event()
        written: Future[None] = Future()

        def slow_write() -> None:
            gate.wait(30)
            store.tag(article, 0, 0, "fact")
            written.set_result(None)

        writer = threading.Thread(target=slow_write)
        writer.start()
        try:
            after = reader.read(lambda h: tags_of(h, article), lambda _: None, after=written)
            look = reader.read(lambda h: tags_of(h, article), lambda _: None)
            assert after is not None and look is not None
            assert look.result(10) == []  # the write has not happened: the look did not wait
            time.sleep(0.05)
            assert not after.done()
            gate.set()
            assert after.result(10) == [(article.sentences[0].start, "fact")]
            assert {r.future for r in reader.landed()} == {after, look}
        finally:
            gate.set()
            writer.join(10)
            reader.close()

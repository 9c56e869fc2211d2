"""One Store shared by threads (a UI's event loop and its writer thread): calls serialised,
compactions deferred and run beside reads, nothing lost (``store.threads`` is the contract)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.store import Store

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


def test_reads_go_on_while_a_compaction_writes_and_a_write_waits_for_it(
    db: Path, small_journal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compaction is held inside its file writes: another thread still reads the store, and
    a tag from it waits for the compaction, then lands (nothing folded away, nothing lost)."""
    article, other = from_text(TEXT), from_text(OTHER)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(other, 0, 0, "fact")
        store.defer_compaction()
        for i in range(1, 30):
            store.tag(article, i, i, "speculation")
        assert store.compaction_due
        writing, release = threading.Event(), threading.Event()
        real = storage.write_atomic

        def held_write(*args: object, **kwargs: object) -> None:
            writing.set()
            assert release.wait(30)
            real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(storage, "write_atomic", held_write)
        compacted: list[bool] = []
        compaction = threading.Thread(target=lambda: compacted.append(store.compact()))
        compaction.start()
        assert writing.wait(30)
        # Reads from this thread are not held up by the compaction's writes.
        assert len(store.mine(article.id)) == 30
        assert [a.tag for a in store.annotations_at(article.id, 0)] == ["fact"]
        assert store.get_state("nothing", 7) == 7
        assert not store.refresh()  # our own half-written files are not another process's
        tagged = threading.Event()
        tagger = threading.Thread(
            target=lambda: (store.tag(other, 5, 5, "fact"), tagged.set()), daemon=True
        )
        tagger.start()
        assert not tagged.wait(0.3)  # the write waits for the compaction's file lock
        release.set()
        compaction.join(30)
        tagger.join(30)
        assert compacted == [True]
        assert tagged.is_set()
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

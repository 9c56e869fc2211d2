"""A shard file that vanishes underneath a running store (a sync tool, a restore in progress)
after its article was read: every change to that article is refused in one line and nothing is
written, instead of building on records no longer on disk; once the file is back the article is
read again, from the file, and writes go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.store import Store, StoreError
from tuireader.store.files import MissingShardsError

TEXT = "Harbour works\n\n" + " ".join(
    f"Sentence {i} says the harbour may reopen in spring." for i in range(6)
)


def folded(db: Path) -> Article:
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 2, "fact")
        store._db.file.compact()  # into its shard file
    assert storage.shard_path(db, article.id).exists()
    return article


def journal_bytes(db: Path) -> bytes:
    journal = db.with_name(db.name + ".journal")
    return journal.read_bytes() if journal.exists() else b""


def test_every_change_to_an_article_whose_shard_went_away_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.json"
    article = folded(db)
    shard = storage.shard_path(db, article.id)
    with Store.open(db, "alice") as store:
        assert [(a.start, a.tag) for a in store.mine(article.id)] == [(0, "fact")]
        aside = tmp_path / "aside.json"
        shard.rename(aside)
        before = journal_bytes(db)
        (ann,) = store.mine(article.id)
        for change in (
            lambda: store.tag(article, 5, 5, "fact"),
            lambda: store.tag(article, 0, 2, "fact"),  # would toggle the range off
            lambda: store.clear(article, 1, 1),
            lambda: store.tag_many(article, [(4, 4, "speculation")], "accept"),
            lambda: store.set_note(ann.id, "a note"),
        ):
            with pytest.raises(MissingShardsError) as refused:
                change()
            assert str(shard) in str(refused.value) and "\n" not in str(refused.value)
            assert journal_bytes(db) == before
        assert store.unreadable(article.id) is not None
        assert store.mine(article.id) == []

        aside.rename(shard)  # back: read again from the file, changes go on
        assert store.unreadable(article.id) is None
        assert [(a.start, a.tag) for a in store.mine(article.id)] == [(0, "fact")]
        store.tag(article, 5, 5, "fact")
    with Store.open(db, "bob", create=False) as other:
        tagged = sorted((a.start, a.end, a.tag) for a in other.annotations(article.id))
    firsts = [s.start for s in article.sentences]
    assert [t[0] for t in tagged] == [firsts[0], firsts[5]]


def test_a_refused_damaged_shard_is_read_again_once_replaced(tmp_path: Path) -> None:
    db = tmp_path / "x.json"
    article = folded(db)
    shard = storage.shard_path(db, article.id)
    whole = shard.read_bytes()
    shard.write_bytes(whole[:40])
    with Store.open(db, "alice") as store:
        assert store.mine(article.id) == []
        assert isinstance(store.unreadable(article.id), StoreError)
        with pytest.raises(StoreError):
            store.tag(article, 5, 5, "fact")
        shard.write_bytes(whole)
        assert [a.tag for a in store.mine(article.id)] == ["fact"]
        assert store.unreadable(article.id) is None


def test_first_tags_only_in_the_journal_still_write(tmp_path: Path) -> None:
    article = from_text(TEXT)
    db = tmp_path / "x.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 1, "fact")
        assert len(store.mine(article.id)) == 2


def test_a_shard_written_over_while_loaded_refuses_changes_until_whole_again(
    tmp_path: Path,
) -> None:
    db = tmp_path / "x.json"
    article = folded(db)
    shard = storage.shard_path(db, article.id)
    whole = shard.read_bytes()
    with Store.open(db, "alice") as store:
        assert len(store.mine(article.id)) == 1
        shard.write_bytes(whole[:100])  # cut short underneath (a sync tool, a bad copy)
        before = journal_bytes(db)
        for change in (
            lambda: store.tag(article, 0, 0, "fact"),
            lambda: store.clear(article, 0, 2),
        ):
            with pytest.raises(StoreError) as refused:
                change()
            assert str(shard) in str(refused.value) and "\n" not in str(refused.value)
        assert journal_bytes(db) == before
        shard.write_bytes(whole)
        store.tag(article, 0, 0, "fact")  # whole again: changes go on
        store.compact()  # my own compaction rewrites the shard: no refusal after it
        store.tag(article, 5, 5, "fact")
    with Store.open(db, "bob", create=False) as other:
        assert len(other.annotations(article.id)) == 3  # 0, 1-2 and 5

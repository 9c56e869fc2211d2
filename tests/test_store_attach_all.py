"""``Store.attach_all``: what ``tuireader import`` does with the article files it finds. It must
leave the database exactly as attaching each article in turn does, in far fewer writes, and keep
none of the articles it read loaded (an import of 500 articles of 1,000 annotations each held
them all: 775 MB)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tuireader.annotations import AnchorState, Annotation
from tuireader.articles import Article, from_text
from tuireader.dbformat.journal import journal_entries
from tuireader.storage import journal_path, load_tables
from tuireader.store import Store, facade

TEXTS = (
    "Rain came early this year. The river rose by a metre. Farmers moved their sheep uphill.",
    "The museum opened a new wing. Critics praised the lighting. Visitors queued for an hour.",
    "A bridge was closed for repairs. Traffic moved to the ring road. Works end in May.",
    "The school added a second choir. Parents raised the funds. Rehearsals start on Monday.",
)


def articles() -> list[Article]:
    return [from_text(text) for text in TEXTS]


def imported(article: Article) -> list[Annotation]:
    """Two layers, each with two annotations on its first sentence: attaching keeps one of
    each pair and orphans the other (placed annotations of one layer never overlap)."""
    found = []
    for n, (who, tag) in enumerate(
        [("ana", "fact"), ("ana", "speculation"), ("bo", "fact"), ("bo", "fact")]
    ):
        s = article.sentences[0]
        ann = Annotation.new(article.id, article.body, s.start, s.end, tag, who)
        found.append(replace(ann, updated=f"2024-05-0{n + 1}T09:00:00.000Z"))
    last = article.sentences[-1]
    found.append(Annotation.new(article.id, article.body, last.start, last.end, "fact", "ana"))
    return found


def build(db: Path, found: list[Article], annotations: list[Annotation]) -> None:
    with Store.open(db, "ana") as store:
        store.import_all(annotations)


def data() -> tuple[list[Article], list[Annotation]]:
    found = articles()
    return found, [a for article in found for a in imported(article)]


def test_attach_all_writes_what_attaching_each_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    found, annotations = data()
    build(one, found, annotations)
    for article in found:
        with Store.open(one, "ana") as store:
            store.attach(article)
    build(many, found, annotations)
    monkeypatch.setattr(facade, "ATTACH_BATCH", 8)  # 5 annotations an article: writes of two
    with Store.open(many, "ana") as store:
        assert store.attach_all(iter(found)) == len(found)
        states = [a.anchor for a in store.annotations(found[0].id, include_orphans=True)]
    assert states.count(AnchorState.ORPHANED) == 2
    assert load_tables(one) == load_tables(many)


def test_attach_all_is_one_write_per_batch_and_keeps_nothing_loaded(tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    found, annotations = data()
    build(db, found, annotations)
    before = journal_path(db).read_bytes()
    with Store.open(db, "ana") as store:
        assert store.attach_all(found) == len(found)
        after = journal_path(db).read_bytes()
        # Nothing of what was read for the attach is held (white box: the loaded shards).
        assert all(store._db.file.shard(article.id) is None for article in found)
        # Asked for again, each article is read from disk with its orphans recorded.
        for article in found:
            anchors = [a.anchor for a in store.annotations(article.id, include_orphans=True)]
            assert anchors.count(AnchorState.ORPHANED) == 2
    assert len(journal_entries(after)[0]) == len(journal_entries(before)[0]) + 1


def test_attach_keeps_the_article_loaded_for_the_reader(tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    found, annotations = data()
    build(db, found, annotations)
    with Store.open(db, "ana") as store:
        store.attach(found[0])
        assert store._db.file.shard(found[0].id) is not None

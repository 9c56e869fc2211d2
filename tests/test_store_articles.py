"""The per-article read API (``Store.each_article``, ``Store.annotated_article_ids``) that export,
stats and agreement stream through: its order, its filter and what it includes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tuireader.annotations import AnchorState
from tuireader.articles import Article, from_text
from tuireader.store import Store

FIRST = "Apples fall from trees. Pears do too. Plums stay up.\n\nA second paragraph ends it."
SECOND = "Ships sail at dawn. Boats follow later. Rafts drift all day long."
THIRD = "Nobody tags this one. It stays empty."


def articles() -> list[Article]:
    return [from_text(FIRST), from_text(SECOND), from_text(THIRD)]


def test_each_article_yields_sorted_ids_with_every_layer(tmp_path: Path) -> None:
    first, second, _third = articles()
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        alice.tag(first, 2, 2, "fact")
        alice.tag(first, 0, 0, "speculation")
        bob.tag(first, 0, 1, "fact")
        bob.tag(second, 1, 2, "expert_opinion")
    with Store.open(db, "reader", create=False) as store:
        ids = store.annotated_article_ids()
        assert ids == sorted([first.id, second.id])
        got = list(store.each_article())
        assert [article_id for article_id, _ in got] == ids
        by_id = dict(got)
        assert [(a.annotator, a.start, a.tag) for a in by_id[first.id]] == [
            ("alice", first.sentences[0].start, "speculation"),
            ("bob", first.sentences[0].start, "fact"),
            ("alice", first.sentences[2].start, "fact"),
        ]
        for article_id, found in got:
            assert all(a.article_id == article_id for a in found)
            assert found == sorted(found, key=lambda a: (a.start, a.end, a.annotator, a.id))
        # The same annotations as the whole-database read, article by article.
        everything = [a for _, found in got for a in found]
        assert sorted(everything, key=lambda a: a.id) == sorted(
            store.annotations(include_orphans=True), key=lambda a: a.id
        )


def test_each_article_for_one_annotator_skips_articles_without_their_tags(tmp_path: Path) -> None:
    first, second, _ = articles()
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        alice.tag(first, 1, 1, "fact")
        bob.tag(second, 0, 0, "fact")
        bob.tag(first, 2, 2, "speculation")
    with Store.open(db, "reader", create=False) as store:
        alice_view = list(store.each_article("alice"))
        assert [(i, [a.annotator for a in found]) for i, found in alice_view] == [
            (first.id, ["alice"])
        ]
        bob_view = dict(store.each_article("bob"))
        assert set(bob_view) == {first.id, second.id}
        assert all(a.annotator == "bob" for found in bob_view.values() for a in found)
        assert list(store.each_article("nobody")) == []


def test_each_article_includes_orphans(tmp_path: Path) -> None:
    first = from_text(FIRST)
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as alice:
        alice.tag(first, 1, 1, "fact")
        edited = from_text(FIRST.replace("Pears do too.", "Quinces never."), path=None)
        # Re-anchoring on a text where the quote is gone orphans the annotation in place.
        alice.attach(replace(edited, id=first.id))
        [(article_id, found)] = list(alice.each_article())
        assert article_id == first.id
        assert [a.anchor for a in found] == [AnchorState.ORPHANED]
        assert alice.annotations(first.id) == []


def test_empty_and_missing_databases_have_no_articles(tmp_path: Path) -> None:
    with Store.open(tmp_path / "missing.json", "alice", create=False) as store:
        assert store.annotated_article_ids() == []
        assert list(store.each_article()) == []
    first = from_text(FIRST)
    with Store.open(tmp_path / "annotations.json", "alice") as store:
        store.tag(first, 0, 0, "fact")
        store.undo()
        assert store.annotated_article_ids() == []
        assert list(store.each_article()) == []

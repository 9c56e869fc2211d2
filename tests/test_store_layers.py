"""One layer per annotator: nothing one annotator (or window) does touches another's annotations;
undo per window; provenance, done marks, the reload signal; import that keeps every layer."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader import export
from tuireader.annotations import AnchorState, Annotation, Provenance, Quote
from tuireader.articles import Article, from_text
from tuireader.import_formats import parse_records
from tuireader.importing import parse_import, stage
from tuireader.records import DoneMark
from tuireader.store import Store, StoreError, UndoConflict

TEXT = (
    "Alpha one is the first sentence here. Beta two follows it closely. "
    "Gamma three is in the middle. Delta four comes next in line. Epsilon five ends it.\n\n"
    "Zeta six opens the second paragraph. Eta seven closes it."
)


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "annotations.json"


def runs(store: Store, article: Article, annotator: str) -> list[tuple[int, int, str]]:
    starts = {s.start: s.index for s in article.sentences}
    ends = {s.end: s.index for s in article.sentences}
    return [(starts[a.start], ends[a.end], a.tag) for a in store.annotations(article.id, annotator)]


def fresh(db: Path) -> Store:
    return Store.open(db, "reader", create=False)


def test_edits_touch_only_my_layer(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        alice.tag(article, 1, 1, "fact")
        bob.tag(article, 1, 1, "speculation")  # the case: alice's tag was replaced
        bob.tag(article, 2, 4, "fact")
        assert alice.undo() is not None  # the case: bob's tag was deleted
        alice.tag(article, 0, 3, "expert_opinion")
        alice.tag_many(article, [(2, 2, "fact"), (4, 5, "speculation")], "accept 2")
        alice.clear(article, 3, 3)
        with pytest.raises(StoreError, match="belongs to 'bob'"):
            alice.set_note(bob.annotations(article.id, "bob")[0].id, "mine now")
    with fresh(db) as store:
        assert runs(store, article, "bob") == [(1, 1, "speculation"), (2, 4, "fact")]
        assert runs(store, article, "alice") == [
            (0, 1, "expert_opinion"),
            (2, 2, "fact"),
            (4, 5, "speculation"),
        ]
        assert store.annotators() == ["alice", "bob"]
        assert {
            a.annotator for a in store.annotations_at(article.id, article.sentences[2].start)
        } == {
            "alice",
            "bob",
        }


def test_overlap_between_annotators_is_not_an_anchoring_failure(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as alice:
        alice.attach(article)
        alice.tag(article, 1, 2, "fact")
    with Store.open(db, "bob") as bob:
        bob.tag(article, 2, 3, "speculation")
        mine = bob.annotations(annotator="bob", include_orphans=True)
        bob_export = export.to_json(export.select(mine, bob.articles_meta()))
    other = tmp_db = db.with_name("other.json")
    with Store.open(other, "alice") as alice:
        alice.attach(article)
        alice.tag(article, 1, 3, "expert_opinion")
        imported = parse_import(bob_export.encode())
        alice.import_all(imported.annotations, imported.articles)
        for _ in range(3):  # never orphaned, whichever order the records are read in
            report = alice.attach(article)
            assert report.orphaned == 0
    with Store.open(tmp_db, "x", create=False) as store:
        assert {a.annotator for a in store.annotations(article.id)} == {"alice", "bob"}
        assert store.orphans() == []


def test_undo_is_per_window_and_never_clobbers_another(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as a, Store.open(db, "alice") as b:
        # #9.4: A tags sentence 2 then clears it, B tags 2-4, A undoes the clear.
        a.tag(article, 2, 2, "fact")
        a.clear(article, 2, 2)
        b.tag(article, 2, 4, "speculation")
        with pytest.raises(UndoConflict, match="changed in another window"):
            a.undo()
        assert not a.can_undo or a.annotations(article.id, "alice") == b.annotations(
            article.id, "alice"
        )
        assert runs(a, article, "alice") == [(2, 4, "speculation")]
        # A tags, B adds a note to it, A undoes: the note is not lost without a word.
        change = a.tag(article, 6, 6, "fact")
        b.refresh()
        b.set_note(change.after[0].id, "B's note")
        with pytest.raises(UndoConflict):
            a.undo()
        assert a.annotation(change.after[0].id) is not None
        assert a.annotation(change.after[0].id).note == "B's note"  # type: ignore[union-attr]
        # Undo in B undoes B's own last change only.
        assert b.undo() is not None
        assert a.annotation(change.after[0].id) is None or True
    with fresh(db) as store:
        placed = store.annotations(article.id, "alice")
        assert all(x.end <= y.start for x, y in itertools.pairwise(placed))


def test_undo_across_annotators_restores_only_mine(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        a.tag(article, 2, 2, "fact")
        a.clear(article, 2, 2)
        b.tag(article, 2, 4, "speculation")
        a.undo()  # another layer: no conflict
        assert runs(a, article, "alice") == [(2, 2, "fact")]
        assert runs(a, article, "bob") == [(2, 4, "speculation")]


def test_accepted_suggestions_never_replace_a_tag_set_in_another_window(
    db: Path, article: Article
) -> None:
    with Store.open(db, "alice") as a, Store.open(db, "alice") as b:
        a.attach(article)
        b.tag(article, 3, 3, "speculation")  # by hand, in B; A has not seen it
        change = a.tag_many(
            article,
            [(2, 2, "fact"), (3, 3, "fact")],
            "accept 2 suggestions",
            provenance=Provenance.SUGGESTION_RULE,
        )
        assert [x.tag for x in change.after] == ["fact"]
        (kept,) = a.annotations(article.id, "alice", include_orphans=True)[1:]
        assert (kept.tag, kept.provenance) == ("speculation", Provenance.HAND)
        first = a.annotation_at(article.id, article.sentences[2].start)
        assert first is not None and first.provenance is Provenance.SUGGESTION_RULE
    with fresh(db) as store:
        stored = {a.tag: a.provenance for a in store.annotations(article.id)}
        assert stored == {"fact": Provenance.SUGGESTION_RULE, "speculation": Provenance.HAND}


def test_every_reload_is_signalled(db: Path, article: Article) -> None:
    # #9.3: a write of ours that first reloads another window's change must tell the screen.
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        seen = a.generation
        b.tag(article, 1, 1, "fact")
        a.tag(article, 2, 2, "fact")  # reloads B's change inside the write
        assert a.generation != seen
        assert not a.refresh()  # nothing new for the timer: the signal is the generation
        seen = a.generation
        a.tag(article, 3, 3, "fact")
        assert a.generation == seen  # our own write is not a reload


def test_done_marks_per_annotator(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        a.tag(article, 0, 0, "fact")
        assert a.set_done(article.id, True)
        assert not a.set_done(article.id, True)
        b.set_done(article.id, True)
        b.set_done(article.id, False)
        a.refresh()
        assert a.done_by(article.id) == frozenset({"alice"})
        doc = export.to_json(export.collect(a))
    marks = parse_import(doc.encode()).done
    assert {(m.annotator, m.done) for m in marks} == {("alice", True), ("bob", False)}
    with Store.open(db.with_name("copy.json"), "carol") as c:
        imported = parse_import(doc.encode())
        report = c.import_all(imported.annotations, imported.articles, imported.done)
        assert report.done == 2
        assert c.done_by(article.id) == frozenset({"alice"})


def test_import_reports_per_annotator_and_keeps_unknown_tags(db: Path, article: Article) -> None:
    def ann(annotator: str, i: int, tag: str) -> Annotation:
        s = article.sentences[i]
        return Annotation.new(article.id, article.body, s.start, s.end, tag, annotator)

    with Store.open(db, "me") as store:
        first = [ann("alice", 0, "fact"), ann("bob", 0, "rumour"), ann("bob", 1, "fact")]
        report = store.import_all(first)
        assert {k: (v.added, v.updated, v.skipped) for k, v in report.by_annotator.items()} == {
            "alice": (1, 0, 0),
            "bob": (2, 0, 0),
        }
        again = store.import_all(first)
        assert again.total.skipped == 3
        assert sorted(a.tag for a in store.annotations()) == ["fact", "fact", "rumour"]


STAMPS = [f"2026-01-0{d}T00:00:00.000Z" for d in range(1, 4)]


@st.composite
def exports(draw: st.DrawFn) -> list[bytes]:
    """Two to four exports by several annotators; ids shared between files with different
    edits (and equal times), done marks that disagree."""
    article = from_text(TEXT)
    files = []
    for _ in range(draw(st.integers(2, 4))):
        annotations = []
        for _ in range(draw(st.integers(0, 5))):
            i = draw(st.integers(0, 6))
            s = article.sentences[i]
            stamp = draw(st.sampled_from(STAMPS))
            annotations.append(
                Annotation(
                    article.id,
                    s.start,
                    s.end,
                    draw(st.sampled_from(["fact", "speculation", "own_tag"])),
                    Quote.from_body(article.body, s.start, s.end),
                    draw(st.sampled_from(["alice", "bob", "carol"])),
                    note=draw(st.sampled_from(["", "a note"])),
                    id=f"id-{draw(st.integers(0, 6))}",
                    created=STAMPS[0],
                    updated=stamp,
                )
            )
        marks = [
            DoneMark(article.id, name, draw(st.booleans()), draw(st.sampled_from(STAMPS)))
            for name in draw(st.lists(st.sampled_from(["alice", "bob"]), unique=True))
        ]
        meta = {"id": article.id, "title": "T", "date": None, "path": None, "sentence_count": 7}
        data = replace(export.select(annotations, [meta]), done=tuple(marks))
        files.append(export.to_json(data).encode())
    return files


@settings(max_examples=25, deadline=None)
@given(files=exports(), order=st.randoms(), batch=st.integers(1, 4))
def test_import_in_any_order_gives_the_same_database(
    tmp_path_factory: pytest.TempPathFactory, files: list[bytes], order: object, batch: int
) -> None:
    results = []
    for attempt in range(2):
        shuffled = list(files)
        if attempt:
            order.shuffle(shuffled)  # type: ignore[attr-defined]
        db = tmp_path_factory.mktemp("order") / "db.json"
        with Store.open(db, "me") as store:
            for data in shuffled:
                if attempt:  # as `tuireader import` does it: spooled, then in batches
                    with stage(parse_records(data), "in.json") as staged:
                        store.import_batches(staged.batches(batch), staged.articles, staged.done)
                    continue
                imported = parse_import(data)
                store.import_all(imported.annotations, imported.articles, imported.done)
            results.append(
                (
                    sorted(
                        json.dumps(a.to_dict(), sort_keys=True)
                        for a in store.annotations(include_orphans=True)
                    ),
                    store.done_marks(),
                    store.articles_meta(),
                )
            )
    assert results[0] == results[1]


def test_anchor_state_is_an_enum_everywhere(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        (ann,) = store.annotations()
        assert ann.anchor is AnchorState.EXACT and ann.provenance is Provenance.HAND

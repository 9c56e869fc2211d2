"""The store's sentence-correction planning (``store/corrections.py``), tested as the pure
functions it is: an article, the raw ``boundaries`` table and layers in memory in, a planned
correction or corrected sentences out; no file, no store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import Article, from_text
from tuireader.boundaries import KEEP_PARTS, Boundary, Kind, join_gap, make, to_record
from tuireader.history import Change
from tuireader.store import corrections
from tuireader.store.editing import new_id
from tuireader.store.metadata import article_path

TEXT = (
    "The ferry left the harbour at dawn on Monday. "
    "Its captain said the crossing was calm, as usual. "
    "Forty cars were aboard when it sailed.\n\n"
    "The return trip was delayed by fog. It docked at noon."
)
EARLIER = "2026-02-01T10:00:00.000Z"


def article(path: Path | None = None) -> Article:
    art = from_text(TEXT, path)
    assert len(art.sentences) == 5
    return art


def split_gap_before(art: Article, index: int, word: str) -> tuple[int, int]:
    return corrections.split_at(art, index, art.body.index(word, art.sentences[index].start))


def join_of(art: Article, index: int) -> Boundary:
    gap = join_gap(art.sentences[index], art.sentences[index + 1])
    assert gap is not None
    return make(Kind.JOIN, art.id, art.body, *gap, "alice")


def table_of(*found: Boundary) -> dict[str, dict[str, object]]:
    return {b.id: to_record(b) for b in found}


def tagged(art: Article, index: int, tag: str, who: str = "alice") -> Annotation:
    s = art.sentences[index]
    quote = Quote.from_body(art.body, s.start, s.end)
    return Annotation(art.id, s.start, s.end, tag, quote, who, id=new_id(), created=EARLIER)


def test_split_at_finds_the_gap_before_a_word_and_refuses_anything_else() -> None:
    art = article()
    gap = split_gap_before(art, 1, "as usual")
    assert art.body[gap[0] : gap[1]] == " " and art.body[gap[0] - 1] == ","
    with pytest.raises(ValueError, match=r"outside 0\.\.4"):
        corrections.split_at(art, 5, 0)
    on_a_space = art.body.index(" said")
    with pytest.raises(ValueError, match="not the start of a word"):
        corrections.split_at(art, 1, on_a_space)


def test_plan_split_adds_a_split_or_takes_back_the_join_there() -> None:
    art = article()
    gap = split_gap_before(art, 1, "as usual")
    removed, added, b_removed, b_added = corrections.plan_split(art, gap, [], "bob")
    assert (removed, added, b_removed) == ((), (), ())
    (made,) = b_added
    assert (made.kind, made.start, made.end, made.annotator) == (Kind.SPLIT, *gap, "bob")

    join = join_of(art, 0)
    plan = corrections.plan_split(art, (join.start, join.end), [join], "bob")
    assert plan == ((), (), (join,), ())
    orphan = replace(join, anchor=AnchorState.ORPHANED)  # never taken back: it is not there
    assert corrections.plan_split(art, (join.start, join.end), [orphan], "bob")[2] == ()


def test_merge_pair_refuses_the_last_sentence_and_a_paragraph_break() -> None:
    art = article()
    first, second = corrections.merge_pair(art, 0)
    assert (first.index, second.index) == (0, 1)
    with pytest.raises(ValueError, match="another paragraph"):
        corrections.merge_pair(art, 2)
    with pytest.raises(ValueError, match="no next sentence"):
        corrections.merge_pair(art, 4)


def test_plan_join_merges_agreeing_tags_and_asks_for_differing_ones() -> None:
    art = article()
    first, second = corrections.merge_pair(art, 0)
    mine = [tagged(art, 0, "fact"), tagged(art, 1, "fact")]
    theirs = [tagged(art, 0, "speculation", "bob"), tagged(art, 1, "fact", "bob")]
    layers = {"alice": mine, "bob": theirs}
    removed, added, b_removed, b_added = corrections.plan_join(
        art, first, second, layers, [], "alice", None
    )
    assert set(removed) == set(mine) and b_removed == ()
    (whole,) = added
    assert (whole.start, whole.end, whole.tag, whole.annotator) == (
        first.start,
        second.end,
        "fact",
        "alice",
    )
    assert [(b.kind, b.start, b.end) for b in b_added] == [(Kind.JOIN, first.end, second.start)]

    differing = {"alice": [tagged(art, 0, "fact"), tagged(art, 1, "opinion")]}
    with pytest.raises(ValueError, match="needs a choice"):
        corrections.plan_join(art, first, second, differing, [], "alice", None)
    kept = corrections.plan_join(art, first, second, differing, [], "alice", KEEP_PARTS)
    assert kept[:2] == ((), ())


def test_plan_join_takes_back_a_split_at_the_gap() -> None:
    art = article()
    gap = split_gap_before(art, 1, "as usual")
    split = make(Kind.SPLIT, art.id, art.body, *gap, "alice")
    whole = art.raw_sentences[1]
    # The two halves of the split sentence, as the reader shows them once it is split.
    first = replace(whole, end=gap[0], text=art.body[whole.start : gap[0]])
    second = replace(whole, start=gap[1], index=2, text=art.body[gap[1] : whole.end])
    plan = corrections.plan_join(art, first, second, {}, [split], "alice", None)
    assert plan == ((), (), (split,), ())


def test_the_stored_table_read_by_article_in_text_order() -> None:
    art = article()
    late = join_of(art, 3)
    early = join_of(art, 0)
    orphan = replace(join_of(art, 1), anchor=AnchorState.ORPHANED)
    other = replace(join_of(art, 0), article_id="another", id=new_id())
    table = table_of(late, orphan, other, early)
    assert corrections.stored(table, art.id) == [early, late]
    assert corrections.stored(table, art.id, include_orphans=True) == [early, orphan, late]
    assert corrections.by_article(table) == {art.id: [late, orphan, early], "another": [other]}
    key = corrections.table_key(table, art.id)
    assert [k for k, _, _ in key] == sorted([late.id, orphan.id, early.id])
    moved = dict(table, **table_of(replace(late, start=late.start + 1)))
    assert corrections.table_key(moved, art.id) != key
    assert corrections.changed_records(table, [early, replace(late, start=1)]) == [
        replace(late, start=1)
    ]


def test_to_place_takes_an_older_id_of_the_file_only_when_it_fits_or_was_adopted() -> None:
    path = Path("/articles/ferry.txt")
    art = article(path)
    old_id = "old-version"
    fits = replace(join_of(art, 0), article_id=old_id)
    articles = {
        art.id: {"id": art.id, "path": article_path(art)},
        old_id: {"id": old_id, "path": article_path(art)},
        "elsewhere": {"id": "elsewhere", "path": "/articles/other.txt"},
    }
    stranger = replace(join_of(art, 3), article_id="elsewhere", id=new_id())
    own = join_of(art, 3)
    table = table_of(fits, stranger, own)
    assert {b.id for b in corrections.to_place(art, table, articles)} == {own.id, fits.id}

    gone = replace(fits, quote=Quote("  ", "text that is nowhere", "in this article at all"))
    unfit = table_of(gone, own)
    assert {b.id for b in corrections.to_place(art, unfit, articles)} == {own.id}
    adopted = corrections.to_place(art, unfit, articles, adopt=[old_id])
    assert {b.id for b in adopted} == {own.id, gone.id}
    assert corrections.to_place(article(), table, articles) == [own]  # no path: no older ids


def test_changed_since_sees_a_correction_changed_in_another_window() -> None:
    art = article()
    join = join_of(art, 0)
    assert not corrections.changed_since({}, Change("tag"))
    undo_a_join = Change("undo merge", (), (), (), (join,))  # would restore it
    assert not corrections.changed_since({}, undo_a_join)
    assert corrections.changed_since(table_of(join), undo_a_join)  # made again elsewhere
    redo_remove = Change("undo split", (), (), (join,), ())
    assert not corrections.changed_since(table_of(join), redo_remove)
    assert corrections.changed_since(table_of(replace(join, start=0)), redo_remove)
    assert corrections.changed_since({}, redo_remove)  # removed elsewhere


def test_spliced_needs_an_owned_list_and_one_correction() -> None:
    art = article()
    join = join_of(art, 0)
    assert corrections.spliced(art, [], [join]) is None  # still the segmenter's list
    art.use_sentences(list(art.raw_sentences))
    result = corrections.spliced(art, [], [join])
    assert result is not None and len(result) == 4
    assert result[0].text == art.body[art.sentences[0].start : art.sentences[1].end]
    assert [s.index for s in result] == [0, 1, 2, 3]
    assert corrections.spliced(art, [join], [join_of(art, 3)]) is None  # two at once


def test_corrected_articles_correct_again_when_the_table_changes() -> None:
    art = article()
    kept = corrections.CorrectedArticles()
    join = join_of(art, 0)
    table = table_of(join)
    assert kept.correct(art, table, {}) == []  # placed where it was: no record changed
    assert len(art.sentences) == 4 and kept.get(art.id) is art
    assert kept.placed(art.id) == [join]

    kept.recorrect(table, {})  # nothing changed: the list stays
    corrected = art.sentences
    kept.recorrect(table, {})
    assert art.sentences is corrected
    kept.recorrect({}, {})  # the join was undone in another window
    assert art.sentences is art.raw_sentences and kept.placed(art.id) == []

    split_gap = split_gap_before(art, 1, "as usual")
    split = make(Kind.SPLIT, art.id, art.body, *split_gap, "alice")
    art.use_sentences(list(art.raw_sentences))
    kept.resplice(art, [], [split], table_of(split), {})
    assert len(art.sentences) == 6 and kept.placed(art.id) == [split]
    moved = replace(split, start=split.start - 1)  # its record is not where it is placed
    (placed,) = kept.correct(art, table_of(moved), {})
    assert (placed.id, placed.start, placed.anchor) == (split.id, split.start, AnchorState.MOVED)

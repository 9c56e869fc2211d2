"""Sentence corrections as pure logic (issue 17): placing splits and joins on the text, applying
them to the segmenter's sentences, re-anchoring them when the text changes (or orphaning them,
never applying them somewhere else), and the rule for tags on a merged pair. No file involved."""

from __future__ import annotations

import pytest

from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import Article, from_text
from tuireader.boundaries import (
    KEEP_PARTS,
    Boundary,
    Kind,
    MergeQuestion,
    apply,
    from_record,
    join_gap,
    locate,
    make,
    merge_question,
    place,
    plan_merge,
    record_problem,
    splice,
    split_gap,
    to_record,
)

TEXT = (
    "Crowds gathered before the parade's 9 a.m. start on the avenue. "
    "Security was a breeze this year, one visitor said. "
    "Officials counted more than two million people along the route.\n\n"
    "The weather held until noon. Rain came later in the afternoon."
)


@pytest.fixture
def article() -> Article:
    art = from_text(TEXT)
    assert [s.text for s in art.sentences][:2] == [
        "Crowds gathered before the parade's 9 a.m. start on the avenue.",
        "Security was a breeze this year, one visitor said.",
    ]
    assert len(art.sentences) == 5
    return art


def split_before(article: Article, index: int, word: str) -> Boundary:
    sentence = article.sentences[index]
    at = article.body.index(word, sentence.start)
    gap = split_gap(sentence, article.body, at)
    assert gap is not None
    return make(Kind.SPLIT, article.id, article.body, *gap, "alice")


def join_after(article: Article, index: int) -> Boundary:
    gap = join_gap(article.sentences[index], article.sentences[index + 1])
    assert gap is not None
    return make(Kind.JOIN, article.id, article.body, *gap, "alice")


def texts(article: Article, boundaries: list[Boundary]) -> list[str]:
    return [s.text for s in apply(article.raw_sentences, article.body, boundaries)]


def test_a_split_cuts_the_sentence_before_the_chosen_word(article: Article) -> None:
    split = split_before(article, 1, "one visitor")
    assert article.body[split.start : split.end] == " "
    assert texts(article, [split])[1:3] == ["Security was a breeze this year,", "one visitor said."]
    result = apply(article.raw_sentences, article.body, [split])
    assert [s.index for s in result] == list(range(6))
    assert all(article.body[s.start : s.end] == s.text for s in result)


def test_a_join_makes_two_sentences_one(article: Article) -> None:
    join = join_after(article, 0)
    result = apply(article.raw_sentences, article.body, [join])
    assert result[0].text == (
        "Crowds gathered before the parade's 9 a.m. start on the avenue. "
        "Security was a breeze this year, one visitor said."
    )
    assert len(result) == 4 and result[1].index == 1


def test_split_and_join_together_and_in_any_order(article: Article) -> None:
    join = join_after(article, 0)
    split = split_before(article, 1, "one visitor")
    both = texts(article, [split, join])
    assert both == texts(article, [join, split])
    assert both[0].endswith("this year,") and both[1] == "one visitor said."


def test_a_split_at_the_edges_of_a_sentence_is_refused(article: Article) -> None:
    sentence = article.sentences[1]
    assert split_gap(sentence, article.body, sentence.start) is None
    assert split_gap(sentence, article.body, sentence.end) is None
    inside_a_word = article.body.index("curity", sentence.start)
    gap = split_gap(sentence, article.body, inside_a_word)
    assert gap == (inside_a_word, inside_a_word)  # no space: still a place between characters


def test_no_join_across_paragraphs(article: Article) -> None:
    assert join_gap(article.sentences[2], article.sentences[3]) is None


def test_a_correction_the_segmenter_now_agrees_with_changes_nothing(article: Article) -> None:
    join = join_after(article, 0)
    split_same_place = Boundary(
        article.id, Kind.SPLIT, join.start, join.end, join.quote, "bob", anchor=AnchorState.EXACT
    )
    assert texts(article, [split_same_place]) == texts(article, [])


def test_the_record_round_trips_and_bad_records_are_named(article: Article) -> None:
    split = split_before(article, 1, "one visitor")
    record = to_record(split)
    assert record_problem(split.id, record) is None
    assert from_record(split.id, record) == split
    assert "kind" in (record_problem("x", record | {"kind": "cut"}) or "")
    assert "offsets" in (record_problem("x", record | {"start": "3"}) or "")
    assert "gap" in (record_problem("x", record | {"end": split.end + 1}) or "")
    assert record_problem("x", [1]) is not None


def test_unchanged_text_places_at_the_offsets(article: Article) -> None:
    split = split_before(article, 1, "one visitor")
    (placed,) = place([split], article.id, article.body, article.paragraphs)
    assert placed == split


def test_moved_text_is_found_by_its_context(article: Article) -> None:
    split = split_before(article, 1, "one visitor")
    join = join_after(article, 0)
    edited = from_text("A new opening sentence was added here. " + TEXT)
    placed = place([split, join], edited.id, edited.body, edited.paragraphs)
    assert {b.anchor for b in placed} == {AnchorState.MOVED}
    result = texts(edited, placed)
    assert result[0] == "A new opening sentence was added here."
    assert result[1].startswith("Crowds") and result[1].endswith("this year,")
    assert result[2] == "one visitor said."


def test_a_correction_whose_words_changed_is_orphaned_not_moved(article: Article) -> None:
    split = split_before(article, 1, "one visitor")
    edited = from_text(TEXT.replace("this year, one visitor", "this year, a visitor"))
    (placed,) = place([split], edited.id, edited.body, edited.paragraphs)
    assert placed.orphaned and (placed.start, placed.end) == (split.start, split.end)
    assert texts(edited, [placed]) == texts(edited, [])


def test_an_ambiguous_place_is_orphaned(article: Article) -> None:
    split = split_before(article, 1, "one visitor")
    sentence = article.sentences[1].text
    edited = from_text(f"{sentence} Then: {sentence}")
    span, state = locate(split, edited.body)
    assert span is None and state is AnchorState.ORPHANED


def test_a_gap_now_across_a_paragraph_break_is_orphaned() -> None:
    base = from_text("First part of a long sentence goes on here and on and on to the end.")
    gap = split_gap(base.sentences[0], base.body, base.body.index("and on and"))
    assert gap is not None
    split = make(Kind.SPLIT, base.id, base.body, *gap, "alice")
    edited = from_text(base.body.replace("here and", "here\n\nand"))
    (placed,) = place([split], edited.id, edited.body, edited.paragraphs)
    assert placed.orphaned


def ann(article: Article, index: int, tag: str, who: str = "alice", note: str = "") -> Annotation:
    s = article.sentences[index]
    quote = Quote.from_body(article.body, s.start, s.end)
    return Annotation(article.id, s.start, s.end, tag, quote, who, note=note)


def test_merge_rule_same_tag_covers_the_merged_sentence(article: Article) -> None:
    first, second = article.sentences[0], article.sentences[1]
    a, b = ann(article, 0, "fact", note="x"), ann(article, 1, "fact", note="y")
    assert merge_question(first, second, [a, b]) is None
    removed, added = plan_merge(article.body, first, second, {"alice": [a, b]}, "alice", None)
    assert set(removed) == {a, b}
    (merged,) = added
    assert (merged.start, merged.end, merged.tag) == (first.start, second.end, "fact")
    assert merged.note == "x\ny" and merged.quote.exact == article.body[first.start : second.end]


def test_merge_rule_asks_me_when_my_halves_differ(article: Article) -> None:
    first, second = article.sentences[0], article.sentences[1]
    a, b = ann(article, 0, "fact"), ann(article, 1, "speculation")
    question = merge_question(first, second, [a, b])
    assert question == MergeQuestion("fact", "speculation")
    assert question.tags == ["fact", "speculation"]
    with pytest.raises(ValueError):
        plan_merge(article.body, first, second, {"alice": [a, b]}, "alice", None)
    removed, added = plan_merge(article.body, first, second, {"alice": [a, b]}, "alice", "fact")
    assert set(removed) == {a, b} and [x.tag for x in added] == ["fact"]
    assert (added[0].start, added[0].end) == (first.start, second.end)
    removed, added = plan_merge(article.body, first, second, {"alice": [a, b]}, "alice", KEEP_PARTS)
    assert removed == [] and added == []


def test_merge_rule_asks_when_only_one_half_is_tagged(article: Article) -> None:
    first, second = article.sentences[0], article.sentences[1]
    a = ann(article, 0, "fact")
    question = merge_question(first, second, [a])
    assert question == MergeQuestion("fact", None) and question.tags == ["fact"]


def test_merge_rule_never_changes_another_annotators_differing_tags(article: Article) -> None:
    first, second = article.sentences[0], article.sentences[1]
    mine = [ann(article, 0, "fact"), ann(article, 1, "fact")]
    bobs = [ann(article, 0, "fact", "bob"), ann(article, 1, "speculation", "bob")]
    carols = [ann(article, 0, "speculation", "carol"), ann(article, 1, "speculation", "carol")]
    removed, added = plan_merge(
        article.body, first, second, {"alice": mine, "bob": bobs, "carol": carols}, "alice", None
    )
    assert {x.annotator for x in removed} == {"alice", "carol"}
    assert sorted((x.annotator, x.tag) for x in added) == [
        ("alice", "fact"),
        ("carol", "speculation"),
    ]


def test_no_question_when_one_annotation_covers_both(article: Article) -> None:
    first, second = article.sentences[0], article.sentences[1]
    quote = Quote.from_body(article.body, first.start, second.end)
    run = Annotation(article.id, first.start, second.end, "fact", quote, "alice")
    assert merge_question(first, second, [run]) is None
    assert plan_merge(article.body, first, second, {"alice": [run]}, "alice", None) == ([], [])


def test_splice_gives_what_apply_gives(article: Article) -> None:
    join = join_after(article, 0)
    split = split_before(article, 1, "one visitor")
    current = apply(article.raw_sentences, article.body, [join])
    spliced = splice(current, article.body, (split.start, split.end), None)
    assert spliced == apply(article.raw_sentences, article.body, [join, split])
    assert [s.index for s in spliced] == list(range(len(spliced)))
    merged = splice(spliced, article.body, None, (join.start, join.end))
    assert merged is None  # that gap is inside the joined sentence: nothing to take away there
    later = apply(article.raw_sentences, article.body, [split])
    back = splice(later, article.body, None, (split.start, split.end))
    assert back == list(article.raw_sentences)
    assert splice(back, article.body, (0, 0), None) is None  # not inside a sentence

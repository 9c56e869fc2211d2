"""Tags on part of a sentence (issue 17): stored with exactly their offsets, never cut or widened
by later sentence tags, exported with those offsets, counted on their sentence by agreement, and
re-anchored (or orphaned, never misplaced) when the article's text changes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from tuireader.agreement import NO_TAG, sentence_values
from tuireader.anchoring import is_part, reanchor
from tuireader.annotations import AnchorState, Quote
from tuireader.articles import Article, from_text, load_article
from tuireader.comparison import compare
from tuireader.export import collect, to_json, to_jsonl
from tuireader.store import Store

TEXT = (
    "The council met on Tuesday evening in the old hall. "
    '"I was second in line, and security was a breeze," said one resident. '
    "The mayor promised a new budget by spring.\n\n"
    "Critics called the plan vague and late. Nobody voted against it."
)
CLAIM = "security was a breeze"


@pytest.fixture
def article() -> Article:
    art = from_text(TEXT)
    assert len(art.sentences) == 5
    return art


@pytest.fixture
def store(tmp_path: Path, article: Article) -> Store:
    s = Store.open(tmp_path / "annotations.json", "alice")
    s.attach(article)
    yield s
    s.close()


def claim_span(article: Article) -> tuple[int, int]:
    start = article.body.index(CLAIM)
    return start, start + len(CLAIM)


def test_a_part_is_stored_with_exactly_its_offsets(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    change = store.tag_span(article, start, end, "speculation")
    (ann,) = change.after
    assert (ann.start, ann.end, ann.tag) == (start, end, "speculation")
    assert ann.quote.exact == CLAIM == article.body[ann.start : ann.end]
    assert change.before == ()
    # It lies inside sentence 1 and is not widened to it.
    sentence = article.sentences[1]
    assert sentence.start < start and end < sentence.end
    assert [(a.start, a.end) for a in store.annotations(article.id)] == [(start, end)]


def test_the_same_tag_on_the_same_words_removes_it_and_undo_restores_it(
    store: Store, article: Article
) -> None:
    start, end = claim_span(article)
    store.tag_span(article, start, end, "fact")
    change = store.tag_span(article, start, end, "fact")
    assert change.label == "untag" and store.annotations(article.id) == []
    store.undo()
    (back,) = store.annotations(article.id)
    assert (back.start, back.end, back.tag) == (start, end, "fact")
    store.undo()
    assert store.annotations(article.id) == []


def test_retagging_the_same_words_keeps_the_record(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    (first,) = store.tag_span(article, start, end, "fact").after
    change = store.tag_span(article, start, end, "speculation")
    (now,) = store.annotations(article.id)
    assert now.id == first.id and now.tag == "speculation" and (now.start, now.end) == (start, end)
    assert change.before == (first,)


def test_a_part_cuts_my_sentence_tag_around_it(store: Store, article: Article) -> None:
    store.tag(article, 0, 2, "fact")
    start, end = claim_span(article)
    store.tag_span(article, start, end, "speculation")
    found = sorted(store.annotations(article.id), key=lambda a: a.start)
    body = article.body
    assert [(body[a.start : a.end], a.tag) for a in found] == [
        (body[:start].rstrip(), "fact"),
        (CLAIM, "speculation"),
        (body[end : article.sentences[2].end].strip(), "fact"),
    ]
    # The cut pieces carry quotes of exactly their text; nothing overlaps.
    for a in found:
        assert a.quote.exact == body[a.start : a.end]
    assert all(x.end <= y.start for x, y in itertools.pairwise(found))
    # One undo step puts the sentence tag back whole.
    store.undo()
    (whole,) = store.annotations(article.id)
    assert (whole.start, whole.end) == (0, article.sentences[2].end)


def test_another_annotators_tags_are_never_cut(tmp_path: Path, article: Article) -> None:
    path = tmp_path / "annotations.json"
    with Store.open(path, "bob") as bob:
        bob.tag(article, 1, 1, "fact")
    with Store.open(path, "alice") as alice:
        start, end = claim_span(article)
        alice.tag_span(article, start, end, "speculation")
        (theirs,) = [a for a in alice.annotations(article.id) if a.annotator == "bob"]
        s = article.sentences[1]
        assert (theirs.start, theirs.end) == (s.start, s.end)


def test_a_sentence_tag_beside_a_part_never_widens_it(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    store.tag_span(article, start, end, "speculation")
    store.tag(article, 2, 2, "fact")
    store.tag(article, 0, 0, "fact")
    spans = {a.tag: [] for a in store.annotations(article.id)}
    for a in store.annotations(article.id):
        spans[a.tag].append((a.start, a.end))
    assert spans["speculation"] == [(start, end)]


def test_a_piece_of_a_run_stays_a_piece_when_the_run_is_retagged(
    store: Store, article: Article
) -> None:
    """A tag over sentences 1-2 cut by a part inside sentence 1 leaves a piece from the middle
    of sentence 1 to the end of 2; tagging sentence 2 must not widen that piece to all of 1."""
    store.tag(article, 1, 2, "fact")
    start, end = claim_span(article)
    store.tag_span(article, start, end, "speculation")
    store.tag(article, 2, 2, "expert")
    body = article.body
    pieces = sorted(
        (body[a.start : a.end], a.tag) for a in store.annotations(article.id) if a.tag == "fact"
    )
    s1 = article.sentences[1]
    assert pieces == sorted(
        [(body[s1.start : start].strip(), "fact"), (body[end : s1.end].strip(), "fact")]
    )


def test_tagging_the_sentence_replaces_my_part_of_it(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    store.tag_span(article, start, end, "speculation")
    store.tag(article, 1, 1, "fact")
    (only,) = store.annotations(article.id)
    s = article.sentences[1]
    assert (only.start, only.end, only.tag) == (s.start, s.end, "fact")


def test_a_span_outside_the_text_or_blank_is_refused(store: Store, article: Article) -> None:
    with pytest.raises(ValueError, match="not text of the article"):
        store.tag_span(article, 10, 10, "fact")
    with pytest.raises(ValueError, match="not text of the article"):
        store.tag_span(article, 0, len(article.body) + 1, "fact")
    space = article.body.index(" ")
    with pytest.raises(ValueError, match="not text of the article"):
        store.tag_span(article, space, space + 1, "fact")
    assert store.annotations(article.id) == []


def test_exports_carry_the_exact_offsets(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    store.tag_span(article, start, end, "speculation")
    store.record_articles([{"id": article.id, "title": "t", "date": None, "path": None}])
    data = collect(store)
    (record,) = json.loads(to_json(data))["annotations"]
    assert article.body[record["start"] : record["end"]] == CLAIM == record["quote"]["exact"]
    (line,) = [json.loads(x) for x in to_jsonl(data).splitlines() if x.strip()]
    assert article.body[line["start"] : line["end"]] == CLAIM


def test_agreement_counts_a_part_on_its_sentence(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    store.tag_span(article, start, end, "speculation")
    values = sentence_values(article.sentences, store.annotations(article.id))
    assert values == [NO_TAG, "speculation", NO_TAG, NO_TAG, NO_TAG]
    layers = {"alice": store.annotations(article.id), "bob": []}
    assert compare(article.sentences, layers).disagreements == (1,)


def test_is_part_reads_the_quotes_own_context(article: Article) -> None:
    start, end = claim_span(article)
    assert is_part(Quote.from_body(article.body, start, end))
    s = article.sentences[2]
    assert not is_part(Quote.from_body(article.body, s.start, s.end))
    run = article.sentences[0].start, article.sentences[2].end
    assert not is_part(Quote.from_body(article.body, *run))


def edited(article: Article, text: str) -> Article:
    new = from_text(text)
    assert new.body != article.body
    return new


def test_a_part_moves_with_its_words_when_text_is_inserted_before(
    store: Store, article: Article
) -> None:
    start, end = claim_span(article)
    (ann,) = store.tag_span(article, start, end, "speculation").after
    new = edited(article, "An opening line was added later. " + TEXT)
    (placed,) = reanchor([ann], new)
    assert placed.state is AnchorState.MOVED
    assert new.body[placed.annotation.start : placed.annotation.end] == CLAIM


def test_a_part_in_a_sentence_that_grew_is_not_widened(store: Store, article: Article) -> None:
    start, end = claim_span(article)
    (ann,) = store.tag_span(article, start, end, "speculation").after
    new = edited(article, TEXT.replace("said one resident.", "said one resident of the town."))
    (placed,) = reanchor([ann], new)
    assert placed.state is not AnchorState.ORPHANED
    assert new.body[placed.annotation.start : placed.annotation.end] == CLAIM


def test_a_part_whose_words_changed_is_orphaned_never_widened(
    store: Store, article: Article
) -> None:
    start, end = claim_span(article)
    (ann,) = store.tag_span(article, start, end, "speculation").after
    new = edited(article, TEXT.replace("security was a breeze", "security took an hour"))
    (placed,) = reanchor([ann], new)
    assert placed.state is AnchorState.ORPHANED
    # Kept with its old quote, never deleted.
    assert placed.annotation.quote.exact == CLAIM


def test_the_store_reattaches_a_part_after_an_edit(tmp_path: Path) -> None:
    """The file is edited between two sessions: the part follows its words to the new text."""
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "annotations.json"
    article = load_article(story)
    with Store.open(path, "alice") as store:
        store.attach(article)
        start, end = claim_span(article)
        store.tag_span(article, start, end, "speculation")
    story.write_text("A new first sentence. " + TEXT, encoding="utf-8")
    new = load_article(story)
    assert new.id != article.id
    with Store.open(path, "alice") as store:
        report = store.attach(new)
        assert (report.orphaned, report.moved) == (0, 1)
        (ann,) = store.annotations(new.id)
        assert new.body[ann.start : ann.end] == CLAIM

"""A reworded quote is sought near where it was: the fuzzy search scores only the runs that start
within a window (``FUZZY_WINDOW_CHARS`` or ``FUZZY_WINDOW_SENTENCES`` either side, whichever
reaches further) around the quote's old offset moved as its neighbours moved, and weighs rivals
only there. ``by_fuzzy`` without ``near`` is the former search of the whole text: the oracle.

Long texts here are made of sentences of random made-up words (no two alike above the fuzzy
cut-off), so that a window is much smaller than the text."""

from __future__ import annotations

import random
from typing import Any

import pytest
from rapidfuzz import fuzz

from test_anchoring_index import article_of, body_of
from test_anchoring_shortcuts import fuzzy_case, over_cutoff, stress_case
from tuireader import anchoring
from tuireader.anchoring import (
    EXACT,
    FUZZY,
    FUZZY_MARGIN,
    FUZZY_RIVALS,
    FUZZY_WINDOW_CHARS,
    FUZZY_WINDOW_SENTENCES,
    MOVED,
    ORPHANED,
    Displacements,
    Occurrences,
    SentenceRuns,
    _norm,
    _threshold,
    by_fuzzy,
    expected_alone,
    locate,
    reanchor,
)
from tuireader.annotations import Annotation
from tuireader.articles import Article
from tuireader.sentences import split_paragraph

SYLLABLES = ["ka", "lo", "mer", "ti", "san", "vu", "dre", "po", "lin", "ga", "zo", "ber", "nu"]


def sentences(seed: int, count: int, words: tuple[int, int] = (9, 14)) -> list[str]:
    """``count`` sentences of made-up words, each unlike any other (a ratio far below the
    fuzzy cut-off)."""
    rng = random.Random(seed)
    vocabulary = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(600)}
    )
    made = []
    for _ in range(count):
        chosen = [rng.choice(vocabulary) for _ in range(rng.randint(*words))]
        made.append(" ".join(chosen).capitalize() + ".")
    return made


def paragraphs(lines: list[str], size: int = 5) -> list[list[str]]:
    return [lines[i : i + size] for i in range(0, len(lines), size)]


def reword(sentence: str) -> str:
    first, _, rest = sentence.partition(" ")
    return f"{first} indeed {rest}"


def tag_all(article: Article, who: str = "ana") -> list[Annotation]:
    return [
        Annotation.new(article.id, article.body, s.start, s.end, "fact", who)
        for s in article.sentences
    ]


def outcome(placements: list[Any], ann_id: str) -> tuple[tuple[int, int] | None, str]:
    (p,) = [p for p in placements if p.annotation.id == ann_id]
    span = None if p.state is ORPHANED else (p.annotation.start, p.annotation.end)
    return span, p.state


def where(article: Article, text: str) -> tuple[int, int]:
    start = article.body.index(text)
    assert article.body.find(text, start + 1) == -1
    return start, start + len(text)


# -- the window ---------------------------------------------------------------------------------


def test_the_window_reaches_10000_characters_where_sentences_are_short() -> None:
    art = article_of(body_of(paragraphs(sentences(1, 3000, (2, 3)))))
    runs = SentenceRuns(art.body, art.sentences)
    starts = [s.start for s in art.sentences]
    middle = art.sentences[1500].start
    first, stop = runs.window(middle, middle)
    assert first == min(i for i, s in enumerate(starts) if s >= middle - FUZZY_WINDOW_CHARS)
    assert stop - 1 == max(i for i, s in enumerate(starts) if s <= middle + FUZZY_WINDOW_CHARS)
    assert stop - first > 4 * FUZZY_WINDOW_SENTENCES  # far more than 50 sentences either side


def test_the_window_reaches_50_sentences_where_sentences_are_long() -> None:
    art = article_of(body_of(paragraphs(sentences(2, 400, (60, 70)))))
    assert min(s.end - s.start for s in art.sentences) > 2 * FUZZY_WINDOW_CHARS / 100
    runs = SentenceRuns(art.body, art.sentences)
    middle = art.sentences[200]
    # Expected inside sentence 200, or between 200 and 230: 50 sentences before and after.
    assert runs.window(middle.start + 5, middle.start + 5) == (150, 251)
    assert runs.window(middle.start + 5, art.sentences[230].start) == (150, 281)
    assert runs.window(-(10**6), -(10**6)) == (0, 51)  # expected before the text: its start
    assert runs.window(10**9, 10**9) == (349, 400)  # beyond its end (the text was cut): its end


def test_where_a_quote_is_expected_is_its_old_offset_moved_as_its_neighbours_moved() -> None:
    body = "x" * 100
    art = article_of(body)

    def ann(start: int) -> Annotation:
        return Annotation.new(art.id, body, start, start + 5, "fact", "ana")

    found = [
        (ann(10), (10, 15), EXACT),
        (ann(40), (70, 75), MOVED),
        (ann(50), None, ORPHANED),  # no clue
        (ann(60), (95, 100), MOVED),
        (ann(80), (1000, 1005), FUZZY),  # found by the fuzzy search: no clue either
    ]
    expected = Displacements(found)
    assert expected.near(5) == (5, 5)  # before the first: its shift (0)
    assert expected.near(10) == (10, 40)  # at one: that one (0) and the next (30)
    assert expected.near(20) == (20, 50)  # between a shift of 0 and one of 30
    assert expected.near(55) == (85, 90)  # between 30 and 35
    assert expected.near(90) == (125, 125)  # after the last: its shift (35)
    assert Displacements([found[2], found[4]]).near(50) == (50, 50)  # none: where it was


# -- the rule -----------------------------------------------------------------------------------


def long_text(seed: int = 3, count: int = 400) -> list[str]:
    lines = sentences(seed, count)
    assert sum(map(len, lines)) > 3 * FUZZY_WINDOW_CHARS
    return lines


def test_a_paragraph_inserted_above_a_reworded_quote_still_finds_it() -> None:
    lines = long_text()
    old = article_of(body_of(paragraphs(lines)))
    layer = tag_all(old)
    target = layer[300]
    inserted = sentences(4, 600)  # ~40,000 characters: far beyond the window
    after = list(lines)
    after[300] = reword(lines[300])
    new = article_of(body_of(paragraphs(inserted) + paragraphs(after)))
    assert len(body_of(paragraphs(inserted))) > 3 * FUZZY_WINDOW_CHARS
    placed = reanchor(layer, new)
    assert outcome(placed, target.id) == (where(new, after[300]), FUZZY)
    assert sum(p.state is MOVED for p in placed) == len(layer) - 1
    # Alone, with no neighbour to say how far the text moved: where its context is (the end of
    # the sentence before it, the start of the one after).
    span = where(new, after[300])
    low, high = expected_alone(target, new.body)
    assert low < high and abs(low - span[0]) <= 10 and abs(high - span[0]) <= 10
    assert outcome(reanchor([target], new), target.id) == (span, FUZZY)
    # Its context reworded too: expected where it was, 40,000 characters away, and orphaned
    # (the whole-text search would have found it).
    after[299], after[301] = after[299][:-1] + " indeed.", "Zo" + after[301][2:]
    new = article_of(body_of(paragraphs(inserted) + paragraphs(after)))
    assert expected_alone(target, new.body) == (target.start, target.start)
    assert outcome(reanchor([target], new), target.id) == (None, ORPHANED)
    assert by_fuzzy(target, new.body, new.sentences) == where(new, after[300])


def test_a_paragraph_inserted_between_a_reworded_quote_and_its_neighbour() -> None:
    """The neighbour before did not move, the one after moved 40,000 characters: the quote is
    sought anywhere between, wherever the paragraph went in."""
    lines = long_text()
    old = article_of(body_of(paragraphs(lines, 1)))
    layer = tag_all(old)
    target = layer[302]
    inserted = [" ".join(p) for p in paragraphs(sentences(4, 600))]
    for at in (302, 303):  # between the quote and the one before it, or the one after it
        after = [*lines[:at], *inserted, *lines[at:]]
        after[after.index(lines[302])] = reword(lines[302])
        new = article_of(body_of(paragraphs(after, 1)))
        placed = reanchor(layer, new)
        assert outcome(placed, target.id) == (where(new, reword(lines[302])), FUZZY)


def test_a_reworded_sentence_far_from_its_old_place_is_orphaned() -> None:
    lines = long_text()
    old = article_of(body_of(paragraphs(lines)))
    layer = tag_all(old)
    target = layer[20]
    for moved_to, found in ((30, True), (390, False)):  # 10 sentences on; 370 (~30,000 chars)
        after = [*lines[:20], *lines[21:]]
        after.insert(moved_to - 1, reword(lines[20]))
        new = article_of(body_of(paragraphs(after)))
        span = where(new, reword(lines[20]))
        assert by_fuzzy(target, new.body, new.sentences) == span  # the whole-text search's
        assert outcome(reanchor(layer, new), target.id) == (
            (span, FUZZY) if found else (None, ORPHANED)
        )


def test_rivals_are_weighed_only_within_the_window() -> None:
    """A second rewording of the quote's sentence is a near-equal rival: near the quote it
    refuses the placement (as the whole-text search does), far away it is not weighed."""
    lines = long_text()
    old = article_of(body_of(paragraphs(lines)))
    layer = tag_all(old)
    target = layer[100]
    rival = lines[100][:-1] + "!"
    for rival_at, placed in ((103, False), (380, True)):
        after = list(lines)
        after[100] = reword(lines[100])
        after[rival_at] = rival
        new = article_of(body_of(paragraphs(after)))
        assert by_fuzzy(target, new.body, new.sentences) is None  # the whole text: a tie
        expected = (where(new, after[100]), FUZZY) if placed else (None, ORPHANED)
        assert outcome(reanchor(layer, new), target.id) == expected


def test_locate_seeks_a_reworded_quote_near_its_old_offset_or_where_it_is_expected() -> None:
    lines = long_text()
    old = article_of(body_of(paragraphs(lines)))
    target = tag_all(old)[350]
    after = [reword(lines[350]), *lines[:350], *lines[351:]]  # moved to the top, reworded
    new = article_of(body_of(paragraphs(after)))
    span = where(new, after[0])
    assert locate(target, new.body, new.sentences) == (None, ORPHANED)
    assert locate(target, new.body, new.sentences, near=(0, 0)) == (span, FUZZY)
    shared = Occurrences(new.body, ())
    assert shared.outcome(target, new.sentences, None) == (None, ORPHANED)
    assert shared.outcome(target, new.sentences, None, (0, 0)) == (span, FUZZY)


# -- against the whole-text search --------------------------------------------------------------


def global_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """``by_fuzzy`` as it was: every run of the whole text, whatever is expected."""
    whole = anchoring.by_fuzzy

    def everywhere(*args: Any, near: tuple[int, int] | None = None) -> tuple[int, int] | None:
        return whole(*args)

    monkeypatch.setattr(anchoring, "by_fuzzy", everywhere)


@pytest.mark.parametrize("seed", range(50))
def test_a_text_no_longer_than_the_window_is_reanchored_as_before(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """News articles: the window covers the whole text, so nothing changes."""
    new, annotations = fuzzy_case(seed) if seed % 2 else stress_case(seed)
    assert len(new.body) <= FUZZY_WINDOW_CHARS
    for who in ("ana", "bo", "cy"):
        layer = [a for a in annotations if a.annotator == who]
        now = reanchor(layer, new)
        with monkeypatch.context() as patched:
            global_rule(patched)
            then = reanchor(layer, new)
        assert now == then


def windowed_cases(seed: int) -> tuple[Any, list[Annotation], random.Random]:
    new, annotations = (fuzzy_case if seed < 50 else stress_case)(seed)
    return new, annotations, random.Random(seed)


@pytest.mark.parametrize("seed", range(90))
def test_a_small_window_decides_as_the_whole_text_where_the_best_is_inside_it(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a window of 60 characters or 2 sentences on the oracle sets of
    ``test_anchoring_shortcuts`` (texts with sentences reworded, copied, inserted, and crowded
    with near-duplicates), expected anywhere: what the window places is inside it; where the
    whole-text search places a quote inside the window, the window places it there; where every
    run over the cut-off is inside the window, the outcome is the same, refusals included."""
    monkeypatch.setattr(anchoring, "FUZZY_WINDOW_CHARS", 60)
    monkeypatch.setattr(anchoring, "FUZZY_WINDOW_SENTENCES", 2)
    new, annotations, rng = windowed_cases(seed)
    runs = SentenceRuns(new.body, new.sentences)
    shared = Occurrences(new.body, ())
    for ann in annotations:
        whole = by_fuzzy(ann, new.body, new.sentences)
        for _ in range(3):
            low = rng.randrange(len(new.body) + 1)
            near = (low, low + rng.choice((0, 0, rng.randrange(200))))
            first, stop = runs.window(*near)
            lo, hi = new.sentences[first].start, new.sentences[stop - 1].start
            found = by_fuzzy(ann, new.body, new.sentences, shared, near=near)
            assert found == by_fuzzy(ann, new.body, new.sentences, near=near)
            assert found is None or lo <= found[0] <= hi
            if whole is not None and lo <= whole[0] <= hi:
                assert found == whole
            if all(lo <= start <= hi for start in over_cutoff_starts(ann, new)):
                assert found == whole


def over_cutoff_starts(ann: Annotation, new: Any) -> list[int]:
    """Where the runs over the fuzzy cut-off start (the whole-text search's candidates)."""
    exact = ann.quote.exact
    n = max(1, sum(len(split_paragraph(p)) for p in exact.split("\n\n") if p.strip()))
    low, high = len(exact) * 0.6, len(exact) * 1.6 + 10
    cutoff = _threshold(ann.quote) - FUZZY_MARGIN - 10
    s, body = new.sentences, new.body
    return [
        s[i].start
        for i in range(len(s))
        for j in range(i, min(len(s), i + n + 1))
        if low <= s[j].end - s[i].start <= high
        and fuzz.ratio(_norm(exact), _norm(body[s[i].start : s[j].end])) >= cutoff
    ]


def test_the_small_windows_change_outcomes_in_every_way() -> None:
    """The cases above are not vacuous: the small window often decides otherwise than the whole
    text (placed elsewhere, orphaned instead of placed, placed instead of orphaned), and as
    often the same."""
    kinds = dict.fromkeys(("same", "elsewhere", "orphaned", "placed", "over 12"), 0)
    saved = anchoring.FUZZY_WINDOW_CHARS, anchoring.FUZZY_WINDOW_SENTENCES
    anchoring.FUZZY_WINDOW_CHARS, anchoring.FUZZY_WINDOW_SENTENCES = 60, 2
    try:
        for seed in range(90):
            new, annotations, rng = windowed_cases(seed)
            for ann in annotations:
                whole = by_fuzzy(ann, new.body, new.sentences)
                kinds["over 12"] += len(over_cutoff(ann, new.body, new.sentences)) > FUZZY_RIVALS
                low = rng.randrange(len(new.body) + 1)
                found = by_fuzzy(ann, new.body, new.sentences, near=(low, low))
                kind = (
                    "same"
                    if found == whole
                    else "orphaned"
                    if found is None
                    else "placed"
                    if whole is None
                    else "elsewhere"
                )
                kinds[kind] += 1
    finally:
        anchoring.FUZZY_WINDOW_CHARS, anchoring.FUZZY_WINDOW_SENTENCES = saved
    assert min(kinds.values()) >= 20, kinds


def test_a_heading_whose_paragraph_was_cut_is_not_put_on_the_next_heading() -> None:
    """Part two's "Chapter XI" heading is cut; "Chapter XII" follows close after it and
    resembles it above the fuzzy threshold. The other parts' "Chapter XI" headings are far away,
    out of the window, but stay rivals (the quote's own copies): refused, as the whole-text
    search refuses, never put on "Chapter XII". Where the other parts have no "Chapter XI", the
    window takes "Chapter XII": the whole-text search refuses it only for the other parts'
    "Chapter XII", rivals out of the window (the rule's price, docs/storage.md)."""
    for others in ("Chapter XI", "Chapter IX"):
        lines = iter(sentences(5, 3 * 440))
        text: list[list[str]] = []
        for part in range(3):
            for heading, size in (("Chapter X", 200), ("Chapter XI", 40), ("Chapter XII", 200)):
                if part != 1 and heading == "Chapter XI":
                    heading = others
                text += [[heading], *paragraphs([next(lines) for _ in range(size)])]
        old = article_of(body_of(text))
        layer = tag_all(old)
        (heading,) = [s for s in old.sentences[400:800] if s.text == "Chapter XI"]
        target = next(a for a in layer if a.start == heading.start)
        cut = text.index(["Chapter XI"], 100)
        new = article_of(body_of(text[:cut] + text[cut + 1 :]))
        assert new.body.count("Chapter XI\n") == (2 if others == "Chapter XI" else 0)
        nearest = where(new, "\n\nChapter XII\n\n" + new.body.split("Chapter XII\n\n")[2][:20])
        nearest = (nearest[0] + 2, nearest[0] + 2 + len("Chapter XII"))
        expected = None if others == "Chapter XI" else nearest
        assert by_fuzzy(target, new.body, new.sentences) is None  # the whole text
        near = (target.start, target.start)
        assert by_fuzzy(target, new.body, new.sentences, near=near) == expected
        shared = Occurrences(new.body, ())
        assert by_fuzzy(target, new.body, new.sentences, shared, near=near) == expected

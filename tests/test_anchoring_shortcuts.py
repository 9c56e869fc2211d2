"""The shortcuts of re-anchoring an edited text decide exactly as the code before them did:
``locate`` asks whether a quote was part of a sentence only where the answer matters, spans
that overlap nowhere are all taken without settling them one by one, a placed annotation is
copied through its slots instead of ``dataclasses.replace``, and the fuzzy search takes its
candidate runs from ``SentenceRuns`` (slices of length-sorted texts, made from the text with its
white space collapsed once, not in text order) instead of a pass over every sentence, ordering
only the runs over the cut-off. Random edited texts
here compare ``reanchor`` and ``by_fuzzy`` against the same calls with each shortcut undone
(``locate`` and ``by_fuzzy`` as they were are kept below as the oracles), field for field and
in order."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from rapidfuzz import fuzz, process

from test_anchoring_at_home import joined
from test_anchoring_index import SENTENCES, article_of, body_of, edit, tags, text
from tuireader import anchoring
from tuireader.anchoring import (
    EXACT,
    FUZZY,
    FUZZY_MARGIN,
    FUZZY_RIVALS,
    MOVED,
    ORPHANED,
    Occurrences,
    SentenceRuns,
    _all_sentences_known,
    _context_ratio,
    _is_part,
    _norm,
    _quote_sentences,
    _quoted,
    _threshold,
    _whole_raw,
    by_fuzzy,
    by_occurrence,
    context_score,
    reanchor,
    snap,
)
from tuireader.annotations import AnchorState, Annotation, Quote, placed_at
from tuireader.sentences import Sentence, split_paragraph


def reference_located(
    ann: Annotation,
    body: str,
    sentences: Any,
    raw: Any = None,
    occurrences: Any = None,
) -> tuple[tuple[int, int] | None, AnchorState] | None:
    """``located`` (``locate`` up to its fuzzy search) before its shortcut: whether the quote
    is part of a sentence asked first."""
    quote = ann.quote
    if not quote.exact or not sentences:
        return None, ORPHANED
    at_offsets = 0 <= ann.start < ann.end <= len(body) and body[ann.start : ann.end] == quote.exact
    if at_offsets:
        span = snap(sentences, ann.start, ann.end)
        if span != (ann.start, ann.end) and (
            _is_part(quote, occurrences) or _whole_raw(raw, ann.start, ann.end)
        ):
            span = ann.start, ann.end
        if span == (ann.start, ann.end) and (
            (_quoted(body, ann.start, ann.end, quote) and (quote.prefix + quote.suffix).strip())
            or context_score(body, ann.start, ann.end, quote) > 0
            or not (quote.prefix or quote.suffix)
        ):
            return span, EXACT
    part = _is_part(quote, occurrences)
    found = by_occurrence(ann, body, sentences, part=part, raw=raw, occurrences=occurrences)
    if found is not None:
        return found, EXACT if found == (ann.start, ann.end) else MOVED
    return (None, ORPHANED) if part else None


def as_before(patched: pytest.MonkeyPatch) -> None:
    patched.setattr(anchoring, "located", reference_located)
    patched.setattr(anchoring, "spans_apart", lambda spans: False)
    patched.setattr(
        anchoring,
        "placed_at",
        lambda ann, article_id, start, end, quote, anchor: replace(
            ann, article_id=article_id, start=start, end=end, quote=quote, anchor=anchor
        ),
    )


def whole_runs(rng: random.Random, sentences: Any, body: str, who: str) -> list[Annotation]:
    """Runs of whole sentences that never overlap (every span apart after a move too)."""
    made = []
    i = rng.randrange(2)
    while i < len(sentences):
        last = min(len(sentences) - 1, i + rng.randrange(2))
        start, end = sentences[i].start, sentences[last].end
        made.append(
            Annotation(
                "old",
                start,
                end,
                "fact",
                Quote.from_body(body, start, end),
                who,
                id=f"{who}-{i}",
                created=f"2024-01-01T00:{i % 60:02d}:00Z",
                anchor=rng.choice((EXACT, EXACT, MOVED, FUZZY, ORPHANED)),
            )
        )
        i = last + 1 + rng.randrange(2)
    return made


@pytest.mark.parametrize("seed", range(60))
def test_reanchoring_decides_as_before_its_shortcuts(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    before = text(rng, rng.randint(3, 14))
    old = article_of(body_of(before))
    layers = [tags(rng, old, "ana"), whole_runs(rng, old.sentences, old.body, "bo")]
    new = article_of(body_of(edit(rng, before)) if rng.random() < 0.8 else old.body)
    s = new.sentences
    pairs = [i for i in range(len(s) - 1) if s[i].paragraph == s[i + 1].paragraph]
    if pairs and rng.random() < 0.3:
        joined(new, rng.choice(pairs), segmented=rng.random() < 0.5)
    for layer in layers:
        rng.shuffle(layer)
        now = reanchor(layer, new)
        with monkeypatch.context() as patched:
            as_before(patched)
            then = reanchor(layer, new)
        assert now == then
        for p, q in zip(now, then, strict=True):  # the same fields, the same types
            assert [getattr(p.annotation, f) for f in Annotation.__slots__] == [
                getattr(q.annotation, f) for f in Annotation.__slots__
            ]


def test_a_copy_through_the_slots_is_the_replaced_annotation() -> None:
    body = "One sentence here. Another one there."
    ann = Annotation.new("a", body, 0, 18, "fact", "ana", note="n")
    quote = Quote.from_body(body, 19, len(body))
    placed = placed_at(ann, "b", 19, len(body), quote, AnchorState.MOVED)
    assert placed == replace(
        ann, article_id="b", start=19, end=len(body), quote=quote, anchor=AnchorState.MOVED
    )
    assert placed.anchor is AnchorState.MOVED and ann.start == 0  # the original is untouched


def reference_by_fuzzy(
    ann: Annotation, body: str, sentences: Any, *, backwards: bool = False
) -> tuple[int, int] | None:
    """``by_fuzzy`` before ``SentenceRuns``: every sentence visited and every candidate run
    normalised, for each quote. ``backwards``: the runs listed from the end of the text (ties
    for the last run weighed then go the other way)."""
    exact = ann.quote.exact
    n = max(1, sum(len(split_paragraph(p)) for p in exact.split("\n\n") if p.strip()))
    low, high = len(exact) * 0.6, len(exact) * 1.6 + 10
    runs: list[tuple[int, int]] = []
    for i in range(len(sentences)):
        for length in range(1, n + 2):
            j = i + length - 1
            if j >= len(sentences):
                break
            s, e = sentences[i].start, sentences[j].end
            if e - s > high:
                break
            if e - s >= low:
                runs.append((s, e))
    if backwards:
        runs.reverse()
    if not runs:
        return None
    threshold = _threshold(ann.quote)
    matches = process.extract(
        _norm(exact),
        [_norm(body[s:e]) for s, e in runs],
        scorer=fuzz.ratio,
        limit=12,
        score_cutoff=threshold - FUZZY_MARGIN - 10,
    )
    if not matches:
        return None
    pieces = [_norm(piece) for piece in _quote_sentences(exact)]
    scored = []
    for _, text_score, i in matches:
        s, e = runs[i]
        if not _all_sentences_known(sentences, s, e, body, pieces):
            continue
        scored.append((text_score + _context_ratio(body, s, e, ann.quote) * 0.1, text_score, s, e))
    if not scored:
        return None
    scored.sort(reverse=True)
    best, text_score, start, end = scored[0]
    if text_score < threshold:
        return None
    for other, _, s, e in scored[1:]:
        if (s >= end or e <= start) and best - other < FUZZY_MARGIN:
            return None
    return start, end


def reworded(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    """Some sentences reworded a little (a word added, dropped or changed), so that their
    tags are found only by the fuzzy search; some copied elsewhere, so it meets rivals."""
    out = [list(p) for p in paragraphs]
    for p in out:
        for i, sentence in enumerate(p):
            roll = rng.random()
            words = sentence.split(" ")
            if roll < 0.25 and len(words) > 2:
                words.insert(rng.randrange(1, len(words)), rng.choice(("indeed", "then", "so")))
            elif roll < 0.4 and len(words) > 3:
                del words[rng.randrange(1, len(words) - 1)]
            elif roll < 0.5:
                words[0] = words[0].upper()
            p[i] = " ".join(words)
        if rng.random() < 0.2:
            p.insert(rng.randint(0, len(p)), rng.choice(SENTENCES))
    return out


def fuzzy_case(seed: int) -> tuple[Any, list[Annotation]]:
    rng = random.Random(seed)
    before = text(rng, rng.randint(2, 14))
    old = article_of(body_of(before))
    new = article_of(body_of(reworded(rng, before)))
    return new, tags(rng, old, "ana") + whole_runs(rng, old.sentences, old.body, "bo")


@pytest.mark.parametrize("seed", range(50))
def test_the_fuzzy_search_finds_what_it_found_before(seed: int) -> None:
    new, annotations = fuzzy_case(seed)
    shared = Occurrences(new.body, ())  # one SentenceRuns for every quote, as locate shares it
    for ann in annotations:
        expected = reference_by_fuzzy(ann, new.body, new.sentences)
        assert by_fuzzy(ann, new.body, new.sentences, shared) == expected
        assert by_fuzzy(ann, new.body, new.sentences) == expected


def test_the_random_rewordings_are_found_and_refused_alike() -> None:
    """The cases above exercise both outcomes: about half of the quotes found, half not."""
    outcomes = [
        by_fuzzy(ann, new.body, new.sentences) is not None
        for new, annotations in map(fuzzy_case, range(50))
        for ann in annotations
    ]
    assert 0.3 < sum(outcomes) / len(outcomes) < 0.8


def test_the_fuzzy_search_takes_a_reworded_sentence_and_refuses_a_tie() -> None:
    body = "The harbour budget was approved on Tuesday after a long debate. It rained."
    art = article_of(body)
    ann = Annotation.new(art.id, body, 0, 63, "fact", "ana")
    new = article_of(body.replace("after a long", "after a very long"))
    assert by_fuzzy(ann, new.body, new.sentences) == (0, 68)
    twice = article_of(new.body + " " + new.body.replace(" It rained.", ""))
    assert reference_by_fuzzy(ann, twice.body, twice.sentences) is None
    assert by_fuzzy(ann, twice.body, twice.sentences) is None


# Stress cases for ``SentenceRuns`` and the scoring of its slices: more runs over the cut-off
# than ``FUZZY_RIVALS`` (near-duplicates, repeated sentences: ties decided by text order), very
# short and very long quotes, text beyond ASCII and white space that normalising changes.

NEAR = [
    "The ferry to the island leaves the harbour at nine every morning.",
    "The ferry to the island leaves the harbour at ten every morning.",
    "The ferry to the island left the harbour at nine every morning.",
    "The ferry to the islands leaves the harbour at nine every morning.",
    "A ferry to the island leaves the harbour at nine every morning.",
    "The ferry to the island leaves the port at nine every morning.",
    "The ferry to the island leaves the harbour at nine each morning.",
    "The boat to the island leaves the harbour at nine every morning.",
    "Yes.",
    "It rained on the quay.",
    "It rained on the quays.",
]
"""Sentences a word apart: a quote reworded from one resembles all of them above the cut-off."""

WIDE = [
    "Café owners in Zürich déclined to comment on the façade.",
    "Der Bürgermeister sagte: „Wir zahlen nicht zweimal.“",
    "港口的预算在星期二获得批准。",
    "The ferry 🚢 sails at nine, the clerk said 😀 twice.",
    "Tabs\tand  double  spaces\u00a0stay inside this sentence.",
    "A dash — and an em\u2003space sit here.",
    "Ünïcödé everywhere: naïve coöperation, résumé.",
]


def crowded(rng: random.Random) -> list[list[str]]:
    """Paragraphs of near-duplicates, exact repeats and sentences beyond ASCII."""
    pool = NEAR + WIDE + SENTENCES
    return [
        [rng.choice(NEAR if rng.random() < 0.6 else pool) for _ in range(rng.randint(1, 6))]
        for _ in range(rng.randint(4, 16))
    ]


def spaced(paragraphs: list[list[str]], rng: random.Random) -> str:
    """``body_of``, with some sentences joined by white space that normalising collapses."""
    return "\n\n".join(
        "".join(
            s
            + (
                rng.choice((" ", " ", "  ", "\t", " \n", "\u00a0 ", "   \t\n "))
                if i < len(p) - 1
                else ""
            )
            for i, s in enumerate(p)
        )
        for p in paragraphs
        if p
    )


def stress_case(seed: int) -> tuple[Any, list[Annotation]]:
    rng = random.Random(seed)
    before = crowded(rng)
    old = article_of(spaced(before, rng))
    after = reworded(rng, before)
    if rng.random() < 0.5:  # a long passage copied: long quotes meet long rivals
        after.insert(rng.randrange(len(after) + 1), [s for p in before[:3] for s in p])
    new = article_of(spaced(after, rng))
    annotations = tags(rng, old, "ana") + whole_runs(rng, old.sentences, old.body, "bo")
    # A long quote (several paragraphs) and a very short one.
    s = old.sentences
    first = rng.randrange(len(s))
    last = min(len(s) - 1, first + rng.randint(4, 12))
    short = min(s, key=lambda x: (x.end - x.start, x.start))
    for n, (a, b) in enumerate(((s[first].start, s[last].end), (short.start, short.end))):
        annotations.append(
            Annotation(old.id, a, b, "fact", Quote.from_body(old.body, a, b), "cy", id=f"cy-{n}")
        )
    return new, annotations


def over_cutoff(ann: Annotation, body: str, sentences: Any) -> list[float]:
    """The scores over the cut-off of every candidate run, as the former search lists them."""
    exact = ann.quote.exact
    n = max(1, sum(len(split_paragraph(p)) for p in exact.split("\n\n") if p.strip()))
    low, high = len(exact) * 0.6, len(exact) * 1.6 + 10
    texts = [
        _norm(body[sentences[i].start : sentences[j].end])
        for i in range(len(sentences))
        for j in range(i, min(len(sentences), i + n + 1))
        if low <= sentences[j].end - sentences[i].start <= high
    ]
    cutoff = _threshold(ann.quote) - FUZZY_MARGIN - 10
    return [
        score
        for _, score, _ in process.extract(
            _norm(exact), texts, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
        )
    ]


@pytest.mark.parametrize("seed", range(40))
def test_the_fuzzy_search_decides_as_before_on_crowded_texts(seed: int) -> None:
    new, annotations = stress_case(seed)
    random.Random(seed).shuffle(annotations)  # the runs' texts are made in any order of asking
    shared = Occurrences(new.body, ())
    for ann in annotations:
        expected = reference_by_fuzzy(ann, new.body, new.sentences)
        assert by_fuzzy(ann, new.body, new.sentences, shared) == expected
        assert by_fuzzy(ann, new.body, new.sentences) == expected


def test_the_crowded_texts_stress_the_rivals_and_the_ties() -> None:
    """The cases above have quotes with more runs over the cut-off than are weighed, ties at
    the last one weighed (decided by text order), very short and very long quotes, quotes
    found and refused, and text whose white space normalising changes."""
    many = tied = short = long = found = refused = collapsed = 0
    for seed in range(40):
        new, annotations = stress_case(seed)
        collapsed += any(c in new.body for c in ("  ", "\t", "\u00a0", " \n"))
        for ann in annotations:
            scores = over_cutoff(ann, new.body, new.sentences)
            many += len(scores) > FUZZY_RIVALS
            tied += len(scores) > FUZZY_RIVALS and scores[FUZZY_RIVALS - 1] == scores[FUZZY_RIVALS]
            short += len(ann.quote.exact) < 12
            long += len(ann.quote.exact) > 400
            outcome = by_fuzzy(ann, new.body, new.sentences)
            found += outcome is not None
            refused += outcome is None and bool(scores)
    assert min(many, tied, short, long, found, refused) >= 5, (many, tied, short, long, found)
    assert collapsed >= 30


def test_run_texts_are_the_normalised_text_of_each_run() -> None:
    """``SentenceRuns.normalised`` (slices of the text collapsed once) is ``_norm`` of each
    run's slice, for sentences that start or end inside white space that collapses too."""
    rng = random.Random(7)
    for _ in range(30):
        body = spaced(crowded(rng), rng)
        art = article_of(body)
        made = list(art.sentences)
        if rng.random() < 0.5:  # sentences reaching into the white space around them
            made = [
                Sentence(
                    s.index,
                    max(0, s.start - rng.randrange(5)),
                    min(len(body), s.end + rng.randrange(5)),
                    s.paragraph,
                    "",
                )
                for s in made
            ]
        runs = SentenceRuns(body, made)
        for size in range(1, 5):
            firsts = list(range(len(made) - size + 1))
            rng.shuffle(firsts)
            assert runs.normalised(firsts, size) == [
                _norm(body[made[f].start : made[f + size - 1].end]) for f in firsts
            ]


def test_ties_for_the_last_run_weighed_go_to_the_first_in_the_text() -> None:
    """Fifteen copies of a rival tie over the cut-off: the best twelve runs weighed are the
    reworded sentence and the first eleven copies (poor context, far behind it), not the last
    copy, whose context is the quote's own and would make it a near-equal rival."""
    quote = "The ferry to the island leaves the harbour at nine every morning."
    reworded_one = "The ferry to the island leaves the harbour at nine sharp every morning."
    rival = "The boat to the island leaves the port at nine every morning."
    before = "Our town has one small and rather old harbour on the north coast."
    after = "Tickets are sold on board by the purser, cash only."
    old = article_of(f"{before} {quote} {after}")
    ann = Annotation.new(old.id, old.body, len(before) + 1, len(before) + 1 + len(quote), "f", "a")
    # The copies before are longer as typed (white space that normalising collapses), so
    # ordered by length the last copy would come first: the ties are decided by the offsets.
    wide = rival.replace(" port ", " port  ")
    copies = "\n\n".join(f"Item {k} on the list reads as follows. {wide}" for k in range(14))
    new = article_of(
        f"{copies}\n\nSomething else entirely comes first here. {reworded_one}\n\n"
        f"{before} {rival} {after}"
    )
    found = reference_by_fuzzy(ann, new.body, new.sentences)
    assert found is not None and new.body[slice(*found)] == reworded_one
    assert reference_by_fuzzy(ann, new.body, new.sentences, backwards=True) is None
    assert by_fuzzy(ann, new.body, new.sentences) == found
    assert by_fuzzy(ann, new.body, new.sentences, Occurrences(new.body, ())) == found


@pytest.mark.parametrize("seed", range(20))
def test_spans_apart_is_whether_any_two_spans_overlap(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        spans = []
        for _ in range(rng.randrange(6)):
            start = rng.randrange(30)
            spans.append((start, start + rng.randint(1, 6)))
        if spans and rng.random() < 0.2:
            spans.append(rng.choice(spans))  # the same span twice
        overlap = any(
            a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1 :]
        )
        assert anchoring.spans_apart(rng.sample(spans, len(spans))) is not overlap


def test_the_normalised_text_is_the_regular_expressions() -> None:
    """``_norm`` by ``split`` and ``join`` is the former ``re.sub(r"\\s+", " ", text).strip()``:
    every code point that either takes for white space, and random mixtures of them."""
    import re
    import sys

    space = re.compile(r"\s+")
    assert {c for c in range(sys.maxunicode + 1) if space.fullmatch(chr(c))} == {
        c for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".split()) == 2
    }
    rng = random.Random(3)
    alphabet = "ab \t\n\r\u00a0\u2003\u3000\x1c\x85\u200bé😀"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        assert _norm(text) == space.sub(" ", text).strip()

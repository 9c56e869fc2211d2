"""The shortcuts of re-anchoring an edited text decide exactly as the code before them did:
``locate`` asks whether a quote was part of a sentence only where the answer matters, spans
that overlap nowhere are all taken without settling them one by one, and a placed annotation is
copied through its slots instead of ``dataclasses.replace``. Random edited texts here compare
``reanchor`` against the same call with each shortcut undone (``locate`` as it was is kept
below as the oracle), field for field and in order."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from test_anchoring_at_home import joined
from test_anchoring_index import article_of, body_of, edit, tags, text
from tuireader import anchoring
from tuireader.anchoring import (
    EXACT,
    FUZZY,
    MOVED,
    ORPHANED,
    _is_part,
    _quoted,
    _whole_raw,
    by_fuzzy,
    by_occurrence,
    context_score,
    reanchor,
    snap,
)
from tuireader.annotations import AnchorState, Annotation, Quote, placed_at


def reference_locate(
    ann: Annotation,
    body: str,
    sentences: Any,
    raw: Any = None,
    occurrences: Any = None,
) -> tuple[tuple[int, int] | None, AnchorState]:
    """``locate`` before its shortcut: whether the quote is part of a sentence asked first."""
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
    if part:
        return None, ORPHANED
    fuzzy = by_fuzzy(ann, body, sentences)
    return (fuzzy, FUZZY) if fuzzy is not None else (None, ORPHANED)


def as_before(patched: pytest.MonkeyPatch) -> None:
    patched.setattr(anchoring, "locate", reference_locate)
    patched.setattr(anchoring, "_apart", lambda spans: False)
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

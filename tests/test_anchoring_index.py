"""Re-anchoring with ``Occurrences`` (quotes found in one pass over the new text) gives exactly
what searching the text for each quote gave: same spans, states, orphans and refused ties, on
randomly edited texts; and an edited book re-anchors."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator

import pytest

from tuireader import anchoring
from tuireader.anchoring import (
    Occurrences,
    _common_prefix,
    _common_suffix,
    _norm,
    context_score,
    reanchor,
)
from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import Article, article_id
from tuireader.store.editing import plan_attach

SENTENCES = [
    "The council met on Tuesday to discuss the harbour budget.",
    "No.",
    "Yes, she said.",
    "The mayor declined to comment on the figures.",
    "Officials expect the new ferry to run by spring.",
    "a lower-case fragment begins this one, oddly.",
    "The mayor declined to comment on the figures again.",
    "Residents packed the hall.",
    "“We will not pay twice,” one of them said.",
    "Prince of the harbour, the old pilot called himself.",
    "Prince of the harbour was a title nobody else used.",
    "It rained.",
    "The budget grows by four per cent, the clerk said.",
    "aaaa aaaa aaaa.",
    "Critics say the plan is too costly for a small town.",
]


def article_of(body: str, ident: str | None = None) -> Article:
    spans, pos = [], 0
    for para in body.split("\n\n"):
        spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return Article(ident or article_id(body), "t", body, tuple(spans))


def text(rng: random.Random, paragraphs: int) -> list[list[str]]:
    return [[rng.choice(SENTENCES) for _ in range(rng.randint(1, 5))] for _ in range(paragraphs)]


def body_of(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def edit(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    """Insertions, deletions, duplicated sentences, a paragraph split or joined."""
    out = [list(p) for p in paragraphs]
    for _ in range(rng.randint(1, 6)):
        p = rng.randrange(len(out))
        kind = rng.randrange(5)
        if kind == 0:
            out[p].insert(rng.randint(0, len(out[p])), rng.choice(SENTENCES))
        elif kind == 1 and len(out[p]) > 1:
            del out[p][rng.randrange(len(out[p]))]
        elif kind == 2 and out[p]:
            i = rng.randrange(len(out[p]))
            out[p].insert(i, out[p][i])
        elif kind == 3 and len(out[p]) > 1:
            i = rng.randint(1, len(out[p]) - 1)
            out[p : p + 1] = [out[p][:i], out[p][i:]]
        elif kind == 4 and p + 1 < len(out):
            out[p : p + 2] = [out[p] + out[p + 1]]
        else:
            out.insert(p, [rng.choice(SENTENCES)])
    return [p for p in out if p]


def tags(rng: random.Random, article: Article, who: str) -> list[Annotation]:
    """Runs of sentences and parts of sentences, some overlapping."""
    sentences, body = article.sentences, article.body
    annotations = []
    for n in range(rng.randint(1, 12)):
        first = rng.randrange(len(sentences))
        if rng.random() < 0.3:
            s = sentences[first]
            words = [i for i in range(s.start + 1, s.end) if body[i - 1] == " "]
            if not words:
                continue
            start = rng.choice(words)
            end = rng.randint(start + 1, s.end)
        else:
            last = min(len(sentences) - 1, first + rng.randrange(3))
            start, end = sentences[first].start, sentences[last].end
        annotations.append(
            Annotation(
                article.id,
                start,
                end,
                rng.choice(("fact", "speculation")),
                Quote.from_body(body, start, end),
                who,
                id=f"{who}-{n}",
                created=f"2024-01-01T00:00:{n:02d}Z",
            )
        )
    return annotations


def searched(body: str) -> Occurrences:
    """The old way: every quote searched for in the whole text."""
    return Occurrences(body, (), scans=sys.maxsize)


def indexed(body: str, annotations: list[Annotation]) -> Occurrences:
    """The new way from the first lookup: every quote found by the one-pass index."""
    return Occurrences(body, [a.quote.exact for a in annotations], scans=0)


@pytest.mark.parametrize("seed", range(40))
def test_indexed_reanchoring_is_identical_to_searching(seed: int) -> None:
    rng = random.Random(seed)
    before = text(rng, rng.randint(3, 12))
    old = article_of(body_of(before))
    ana, bo = tags(rng, old, "ana"), tags(rng, old, "bo")
    new = article_of(body_of(edit(rng, before)))
    shared = indexed(new.body, ana + bo)  # one index for both layers, as plan_attach shares it
    for layer in (ana, bo):
        expected = reanchor(layer, new, searched(new.body))
        assert reanchor(layer, new, shared) == expected
        assert reanchor(layer, new) == expected  # automatic: searches, then indexes


def found_by_find(body: str, needle: str) -> list[int]:
    """Every position of ``needle`` in ``body``, overlapping ones too, as ``str.find`` finds."""
    found, pos = [], body.find(needle)
    while pos != -1:
        found.append(pos)
        pos = body.find(needle, pos + 1)
    return found


@pytest.mark.parametrize("seed", range(40))
def test_occurrences_match_str_find(seed: int) -> None:
    rng = random.Random(seed)
    body = rng.choice(("aaaaab", "ab ab. ", "Prince of the harbour. ", "x")) * rng.randint(1, 60)
    body += body_of(text(rng, 4))
    needles = [body[a : a + rng.randint(1, 60)] for a in rng.sample(range(len(body)), 20)]
    needles += ["aaaa", "missing from the text", "ab", "“We"]
    occurrences = Occurrences(body, needles[::2], scans=rng.randint(0, 3))
    for needle in needles:
        assert list(occurrences.find_all(needle)) == found_by_find(body, needle), needle


def test_short_quotes_are_found_by_the_index_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Quotes shorter than the index's key ("No.", "Yes, she") whose first character is
    rare in the text are found in the one pass, as ``str.find`` finds them: a search of the
    whole text for each made a book twice as long cost four times as much."""
    rng = random.Random(5)
    body = body_of(text(rng, 60)) + " No.No. “We “W"
    short = ["No.", "“We", "“W", "Yes,", "Z"]
    occurrences = Occurrences(body, [*short, "The mayor declined"], scans=0)

    def searched(body: str, needle: str) -> Iterator[int]:
        raise AssertionError(f"searched the text for {needle!r}")

    monkeypatch.setattr(anchoring, "_find_all", searched)
    for needle in short:
        assert list(occurrences.find_all(needle)) == found_by_find(body, needle), needle
    assert len(occurrences.find_all("No.")) > 2 and occurrences.find_all("Z") == []


def test_an_edited_book_reanchors_and_adopts_its_old_id() -> None:
    rng = random.Random(7)
    paragraphs = [
        [f"Sentence {p}.{i} of chapter {p // 20}, {rng.choice(SENTENCES)}" for i in range(6)]
        for p in range(300)
    ]
    old = article_of(body_of(paragraphs), "old-id")
    stamp = "2024-05-01T09:30:00.000Z"
    layers = [
        Annotation(
            old.id,
            s.start,
            s.end,
            "fact",
            Quote.from_body(old.body, s.start, s.end),
            who,
            id=f"{who}-{s.index}",
            created=stamp,
        )
        for who in ("ana", "bo")
        for s in old.sentences
    ]
    paragraphs[0].insert(0, "A sentence added at the top of the book.")
    new = article_of(body_of(paragraphs), "new-id")
    report, plan, adopted = plan_attach(new, [], {old.id: layers})
    assert adopted == ["old-id"]
    assert (report.moved, report.orphaned) == (len(layers), 0)
    shift = len("A sentence added at the top of the book. ")
    by_id = {a.id: a for a in plan.added}
    for a in layers:
        moved = by_id[a.id]
        assert (moved.start, moved.end, moved.article_id) == (
            a.start + shift,
            a.end + shift,
            "new-id",
        )
        assert moved.anchor is AnchorState.MOVED
        assert new.body[moved.start : moved.end] == a.quote.exact


def reference_context_score(body: str, start: int, end: int, quote: Quote) -> int:
    """``context_score`` as it was before its shortcut for a context found as stored."""
    before = _norm(body[max(0, start - 2 * len(quote.prefix) - 8) : start])
    after = _norm(body[end : end + 2 * len(quote.suffix) + 8])
    prefix, suffix = _norm(quote.prefix), _norm(quote.suffix)
    score = _common_suffix(prefix, before) + _common_prefix(suffix, after)
    if not quote.prefix and start == 0:
        score += 1
    if not quote.suffix and end == len(body):
        score += 1
    return score


@pytest.mark.parametrize("seed", range(30))
def test_context_score_shortcut_scores_as_before(seed: int) -> None:
    rng = random.Random(seed)
    paragraphs = text(rng, 6)
    body = body_of(paragraphs).replace(" ", rng.choice((" ", "  ", " \n ")), rng.randint(0, 9))
    article = article_of(body)
    for ann in tags(rng, article, "ana"):
        q = ann.quote
        quotes = [
            q,
            Quote(q.exact, "  " + q.prefix, q.suffix + " "),
            Quote(q.exact, q.prefix[3:], q.suffix[:-3]),
            Quote(q.exact, "", ""),
            Quote(q.exact, "   ", "\n\n"),
            Quote(q.exact, "x" + q.prefix, q.suffix + "y"),
        ]
        for quote in quotes:
            for pos in {ann.start, 0, rng.randrange(len(body))}:
                end = min(len(body), pos + len(q.exact))
                assert context_score(body, pos, end, quote) == reference_context_score(
                    body, pos, end, quote
                )

"""Large changes: ``tag_many`` with thousands of runs against a reference model, and the per-article
index (``SpanIndex``) that keeps each run O(log n + k)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tuireader.annotations import Annotation, Quote
from tuireader.articles import Article, from_text
from tuireader.store import CHUNK, SpanIndex, Store

TAGS = ("fact", "speculation", "expert_opinion")

Run = tuple[int, int, str]


@pytest.fixture(scope="module")
def big() -> Article:
    rng = random.Random(3)
    words = ("the", "minister", "said", "markets", "would", "recover", "soon", "talks")
    paragraphs = []
    for p in range(150):
        sentences = [
            f"S{p}x{k} " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))) + "."
            for k in range(10)
        ]
        paragraphs.append(" ".join(sentences))
    article = from_text("\n\n".join(paragraphs))
    assert len(article.sentences) == 1500
    return article


def model_apply(
    groups: list[int | None], tags: list[str | None], run: Run, fresh: list[int]
) -> None:
    """Reference semantics of one ``tag_many`` run on per-sentence arrays: ``groups[i]`` names
    the annotation covering sentence ``i``. A run that exactly matches one annotation with the
    same tag is left alone; otherwise the covered annotations are cut back (the piece before the
    run keeps the old annotation, a piece after it becomes a new one) and the run is tagged."""
    first, last, tag = run
    covered = {groups[i] for i in range(first, last + 1)}
    members = {g: [i for i, x in enumerate(groups) if x == g] for g in covered if g is not None}
    if (
        len(covered) == 1
        and None not in covered
        and members[next(iter(covered))] == list(range(first, last + 1))
        and tags[first] == tag
    ):
        return
    for where in members.values():
        after = [i for i in where if i > last]
        if after and any(i < first for i in where):
            fresh[0] += 1
            for i in after:
                groups[i] = fresh[0]
    fresh[0] += 1
    for i in range(first, last + 1):
        groups[i], tags[i] = fresh[0], tag


def model_runs(groups: list[int | None], tags: list[str | None]) -> list[Run]:
    out: list[Run] = []
    i = 0
    while i < len(groups):
        if groups[i] is None:
            i += 1
            continue
        j = i
        while j + 1 < len(groups) and groups[j + 1] == groups[i]:
            j += 1
        tag = tags[i]
        assert tag is not None
        out.append((i, j, tag))
        i = j + 1
    return out


def store_runs(store: Store, article: Article) -> list[Run]:
    starts = {s.start: s.index for s in article.sentences}
    ends = {s.end: s.index for s in article.sentences}
    return [(starts[a.start], ends[a.end], a.tag) for a in store.annotations(article.id)]


def test_large_tag_many_matches_run_by_run_semantics(tmp_path: Path, big: Article) -> None:
    rng = random.Random(11)
    n = len(big.sentences)
    groups: list[int | None] = [None] * n
    tags: list[str | None] = [None] * n
    fresh = [0]
    with Store.open(tmp_path / "db.json", "alice") as store:
        store.attach(big)
        # Existing annotations, many of them several sentences long, so runs cut and split them.
        existing = []
        for first in range(0, n - 8, 9):
            run = (first, first + rng.randint(0, 6), rng.choice(TAGS))
            existing.append(run)
            model_apply(groups, tags, run, fresh)
        store.tag_many(big, existing, "setup")
        assert store_runs(store, big) == model_runs(groups, tags)
        before = store.annotations(big.id)

        runs: list[Run] = []
        for _ in range(2500):
            first = rng.randrange(n)
            runs.append((first, min(n - 1, first + rng.choice((0, 0, 0, 1, 3))), rng.choice(TAGS)))
        runs += existing[:50]  # already there: left alone
        runs += [(f, f, t) for f, _, t in existing[50:80]]  # first sentence of each, retagged
        rng.shuffle(runs)
        for run in runs:
            model_apply(groups, tags, run, fresh)

        change = store.tag_many(big, runs, "accept all")
        expected = model_runs(groups, tags)
        assert store_runs(store, big) == expected
        assert change.label == "accept all" and change

        placed = store.annotations(big.id)
        ids = [a.id for a in placed]
        assert len(set(ids)) == len(ids)
        for a in placed:
            assert a.quote == Quote.from_body(big.body, a.start, a.end)
            assert store.annotation_at(big.id, a.start) == a
            assert store.annotation_at(big.id, a.end - 1) == a
        # The change lists exactly what differs between before and after.
        old, new = {a.id: a for a in before}, {a.id: a for a in placed}
        assert {a.id for a in change.before} == {i for i in old if new.get(i) != old[i]}
        assert {a.id for a in change.after} == {i for i in new if old.get(i) != new[i]}
        # An untouched annotation keeps its identity; a cut one keeps its id on the first piece.
        assert set(old) & set(new)

        with Store.open(store.path, "bob") as again:
            assert again.annotations(big.id) == placed

        assert store.undo() is not None
        assert store.annotations(big.id) == before
        with Store.open(store.path, "bob") as again:
            assert again.annotations(big.id) == before
        assert store.redo() is not None
        assert store_runs(store, big) == expected
        # Single changes after the bulk one see its result.
        store.tag(big, 0, n - 1, "fact")
        assert store_runs(store, big) == [(0, n - 1, "fact")]
        store.clear(big, 1, n - 2)
        assert store_runs(store, big) == [(0, 0, "fact"), (n - 1, n - 1, "fact")]


def _ann(start: int, end: int, i: int) -> Annotation:
    return Annotation("a", start, end, "fact", Quote("x"), "t", id=f"{i:06d}")


def test_span_index_matches_a_scan_under_random_changes() -> None:
    rng = random.Random(5)
    index = SpanIndex()
    live: dict[str, Annotation] = {}
    for i in range(6 * CHUNK):
        start = rng.randrange(20_000)
        # Mostly short, a few long ones; overlaps allowed (imports do not check).
        a = _ann(start, start + rng.choice((5, 20, 60, 900)), i)
        index.add(a)
        live[a.id] = a
        if i % 3 == 0:
            gone = live.pop(rng.choice(sorted(live)))
            assert index.remove(gone)
            assert not index.remove(gone)
        if i % 50 == 0:
            for _ in range(20):
                s = rng.randrange(20_500)
                e = s + rng.randrange(1, 400)
                want = sorted(
                    (a for a in live.values() if a.overlaps(s, e)),
                    key=lambda a: (a.start, a.end, a.id),
                )
                assert index.overlapping(s, e) == want
    ordered = sorted(live.values(), key=lambda a: (a.start, a.end, a.id))
    assert list(index) == ordered and len(index) == len(live)
    assert list(SpanIndex(live.values())) == ordered
    copy = index.copy()
    copy.remove(ordered[0])
    assert list(index) == ordered and len(copy) == len(ordered) - 1

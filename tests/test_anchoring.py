"""Re-anchoring: unit cases, and a perturbation test over real articles that counts correct,
orphaned and wrong placements after random edits. Wrong must be 0."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tuireader.anchoring import EXACT, FUZZY, MOVED, ORPHANED, reanchor
from tuireader.annotations import Annotation
from tuireader.articles import Article, article_id, from_text, load_article

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "kim-putin-summit.txt"
SOURCES = [SEED, *sorted((ROOT / "sample_articles").glob("*.*"))]


def article_of(body: str) -> Article:
    """An article whose body is exactly ``body`` (no title or header detection)."""
    spans, pos = [], 0
    for para in body.split("\n\n"):
        spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return Article(article_id(body), "t", body, tuple(spans))


def tag(article: Article, first: int, last: int | None = None, tag: str = "fact") -> Annotation:
    s = article.sentences
    last = first if last is None else last
    return Annotation.new(article.id, article.body, s[first].start, s[last].end, tag, "t")


def place(ann: Annotation, article: Article) -> tuple[str, str | None]:
    (p,) = reanchor([ann], article)
    a = p.annotation
    assert a.article_id == article.id
    if p.state == ORPHANED:
        assert (a.start, a.end, a.quote) == (ann.start, ann.end, ann.quote)
        return p.state, None
    return p.state, article.body[a.start : a.end]


BASE = (
    "The council met on Tuesday to discuss the budget. Officials said the deficit had grown. "
    "Residents packed the public gallery.\n\n"
    "The mayor declined to comment on the figures. A vote is expected next month."
)


def test_unchanged_text_is_exact() -> None:
    art = article_of(BASE)
    assert place(tag(art, 1, 2), art) == (
        EXACT,
        art.body[art.sentences[1].start : art.sentences[2].end],
    )


def test_text_inserted_before_moves_it() -> None:
    art = article_of(BASE)
    ann = tag(art, 3)
    new = article_of("A new lead paragraph was added. " + BASE)
    assert place(ann, new) == (MOVED, "The mayor declined to comment on the figures.")


def test_typo_fixed_inside_quote_is_fuzzy() -> None:
    art = article_of(BASE.replace("deficit had grown", "defecit had grwn"))
    ann = tag(art, 1)
    assert place(ann, article_of(BASE)) == (FUZZY, "Officials said the deficit had grown.")


def test_deleted_sentence_is_orphaned_not_guessed() -> None:
    art = article_of(BASE)
    ann = tag(art, 2)
    assert place(ann, article_of(BASE.replace("Residents packed the public gallery.", ""))) == (
        ORPHANED,
        None,
    )


def test_repeated_quote_is_settled_by_context() -> None:
    body = "Alpha leads. It was over. Beta follows.\n\nGamma comes. It was over. Delta ends."
    art = article_of(body)
    second = tag(art, 4)
    moved = article_of("Intro text here. " + body)
    state, text = place(second, moved)
    a = reanchor([second], moved)[0].annotation
    assert state == MOVED and text == "It was over."
    assert moved.body[: a.start].endswith("Gamma comes. ")


def test_repeated_short_quote_without_context_is_orphaned() -> None:
    art = article_of("One thing. It was over. Two things.")
    ann = tag(art, 1)
    new = article_of("Different start. It was over. Middle. It was over. Different end.")
    assert place(ann, new) == (ORPHANED, None)


def test_quote_now_inside_a_longer_sentence_snaps_only_if_mostly_the_same() -> None:
    art = article_of("First one here. The ministry confirmed the figures on Monday. Last one.")
    ann = tag(art, 1)
    grown = article_of(
        "First one here. The ministry confirmed the figures on Monday, and said more. Last one."
    )
    state, text = place(ann, grown)
    assert state == FUZZY and text and text.startswith("The ministry confirmed")
    buried = article_of(
        "First one here. After a long and winding debate lasting many hours the ministry "
        "confirmed the figures on Monday. Last one."
    )
    assert place(ann, buried)[0] in (ORPHANED, FUZZY)


def test_placements_never_overlap() -> None:
    art = article_of(BASE)
    a, b = tag(art, 1), tag(art, 2)
    # Both quotes now sit in one merged sentence: only one may have it.
    merged = article_of(BASE.replace("had grown. Residents", "had grown; residents"))
    states = sorted(p.state for p in reanchor([a, b], merged))
    assert ORPHANED in states


def test_overlapping_exact_annotations_of_one_layer_keep_the_first_in_order() -> None:
    # An import can bring one layer two annotations over the same sentence; on unchanged text
    # both are exact, and the first given (the store gives the newest first) keeps its place.
    art = article_of(BASE)
    pair, single, later = tag(art, 1, 2), tag(art, 2), tag(art, 3)
    for first, second in ((pair, single), (single, pair)):
        placements = reanchor([first, second, later], art)
        states = {p.annotation.id: p.state for p in placements}
        assert states == {first.id: EXACT, second.id: ORPHANED, later.id: EXACT}
        placed = [p.annotation for p in placements if p.state == EXACT]
        assert placed == [first, later]  # unchanged: the very same records
        orphan = next(p.annotation for p in placements if p.state == ORPHANED)
        assert orphan.anchor == ORPHANED and (orphan.start, orphan.end) == (
            second.start,
            second.end,
        )


def test_many_annotations_on_unchanged_text_take_no_quadratic_time() -> None:
    # Attaching a book with 10,000 tags once took seconds: each placement was checked against
    # every span taken before it.
    art = article_of(" ".join(f"Sentence number {i} of a long book." for i in range(20000)))
    anns = [tag(art, i) for i in range(len(art.sentences))]
    t0 = time.perf_counter()
    placements = reanchor(anns, art)
    elapsed = time.perf_counter() - t0
    assert [p.state for p in placements] == [EXACT] * len(anns)
    assert [p.annotation for p in placements] == anns
    assert elapsed < 3.0, f"{elapsed:.2f} s"


# -- the perturbation test ------------------------------------------------------------------------


@dataclass
class Doc:
    """An article as paragraphs of (sentence id, text), so every sentence can be followed."""

    paragraphs: list[list[tuple[int, str]]]
    next_id: int = 0
    edited: set[int] = field(default_factory=set)

    def body(self) -> tuple[str, dict[int, tuple[int, int]]]:
        parts, spans, pos = [], {}, 0
        for p_i, para in enumerate(self.paragraphs):
            if p_i:
                parts.append("\n\n")
                pos += 2
            for s_i, (sid, text) in enumerate(para):
                if s_i:
                    parts.append(" ")
                    pos += 1
                parts.append(text)
                spans[sid] = (pos, pos + len(text))
                pos += len(text)
        return "".join(parts), spans

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id + 100000

    def sentence_ids(self) -> list[int]:
        return [sid for para in self.paragraphs for sid, _ in para]


def doc_of(article: Article) -> Doc:
    paras: list[list[tuple[int, str]]] = [[] for _ in article.paragraphs]
    for s in article.sentences:
        paras[s.paragraph].append((s.index, s.text))
    return Doc([p for p in paras if p])


WORD = re.compile(r"[A-Za-z]{4,}")


def edit_sentence(text: str, rng: random.Random) -> str:
    words = list(WORD.finditer(text))
    if not words:
        return text
    w = rng.choice(words)
    kind = rng.choice(["typo", "replace", "insert", "delete"])
    word = w.group()
    if kind == "typo":
        i = rng.randrange(1, len(word) - 1)
        new = word[:i] + word[i + 1 :]
    elif kind == "replace":
        new = rng.choice(["reportedly", "officials", "several", "notably", "recently"])
    elif kind == "insert":
        new = word + " " + rng.choice(["also", "largely", "still", "reportedly"])
    else:
        new = ""
    return (text[: w.start()] + new + text[w.end() :]).replace("  ", " ")


def perturb(doc: Doc, pool: list[str], rng: random.Random) -> None:
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(
            ["ins_s", "ins_s", "del_s", "del_s", "edit", "edit", "ins_p", "del_p", "split", "join"]
        )
        paras = doc.paragraphs
        p = rng.randrange(len(paras))
        if kind == "ins_s":
            paras[p].insert(rng.randint(0, len(paras[p])), (doc.new_id(), rng.choice(pool)))
        elif kind == "del_s" and sum(len(x) for x in paras) > 3:
            paras[p].pop(rng.randrange(len(paras[p])))
        elif kind == "edit":
            i = rng.randrange(len(paras[p]))
            sid, text = paras[p][i]
            paras[p][i] = (sid, edit_sentence(text, rng))
            doc.edited.add(sid)
        elif kind == "ins_p":
            new = [(doc.new_id(), rng.choice(pool)) for _ in range(rng.randint(1, 3))]
            paras.insert(rng.randint(0, len(paras)), new)
        elif kind == "del_p" and len(paras) > 2:
            paras.pop(p)
        elif kind == "split" and len(paras[p]) > 1:
            i = rng.randint(1, len(paras[p]) - 1)
            paras[p : p + 1] = [paras[p][:i], paras[p][i:]]
        elif kind == "join" and p + 1 < len(paras):
            paras[p : p + 2] = [paras[p] + paras[p + 1]]
        doc.paragraphs = [x for x in paras if x]


def load_sources() -> list[Article]:
    found = []
    for path in SOURCES:
        if path.is_file():
            art = load_article(path)
            if len(art.sentences) >= 8:
                found.append(art)
    return found


def test_perturbed_articles_are_never_anchored_wrong() -> None:
    sources = load_sources()
    if not sources:
        pytest.skip("no real articles (shared seed or sample_articles) here")
    rng = random.Random(20240611)
    pool = [s.text for a in sources for s in a.sentences if 30 < len(s.text) < 250]
    counts = {"correct": 0, "orphaned": 0, "wrong": 0, "missed": 0}
    failures: list[str] = []
    trials = max(240 // len(sources), 20)
    for source in sources:
        own = {s.text for s in source.sentences}
        foreign = [t for t in pool if t not in own]
        for _ in range(trials):
            doc = doc_of(source)
            old_body, old_spans = doc.body()
            old = article_of(old_body)
            # Annotations on a few non-overlapping runs of 1-3 sentences, from the real segmentation.
            anns: dict[str, set[int]] = {}
            annotations: list[Annotation] = []
            taken: set[int] = set()
            for _ in range(4):
                first = rng.randrange(len(old.sentences))
                last = min(len(old.sentences) - 1, first + rng.choice([0, 0, 0, 1, 2]))
                if taken & set(range(first, last + 1)):
                    continue
                taken |= set(range(first, last + 1))
                ann = tag(old, first, last)
                sids = {sid for sid, (s, e) in old_spans.items() if s < ann.end and ann.start < e}
                anns[ann.id] = sids
                annotations.append(ann)
            # Sometimes the old text had a typo that the new text fixes.
            typo_fixed: set[int] = set()
            if rng.random() < 0.3:
                sid = rng.choice(sorted(set().union(*anns.values())))
                typo_fixed.add(sid)
                annotations = [_with_typo(a, rng) if sid in anns[a.id] else a for a in annotations]
            perturb(doc, foreign, rng)
            new_body, new_spans = doc.body()
            new = article_of(new_body)
            # A sentence the new segmentation merged with an expected one (a heading joined to
            # the next paragraph, "10 p.m. “Quote.”") is necessarily covered when snapping.
            merged = [
                {sid for sid, (s, e) in new_spans.items() if s < sent.end and sent.start < e}
                for sent in new.sentences
            ]
            for p in reanchor(annotations, new):
                expected = anns[p.annotation.id] & set(new_spans)
                allowed = expected.union(*(ids for ids in merged if ids & expected))
                if p.state == ORPHANED:
                    counts["orphaned"] += 1
                    untouched = anns[p.annotation.id] <= set(new_spans) and not (
                        anns[p.annotation.id] & (doc.edited | typo_fixed)
                    )
                    counts["missed"] += untouched
                    continue
                a = p.annotation
                covered = {sid for sid, (s, e) in new_spans.items() if s < a.end and a.start < e}
                if covered & expected and covered <= allowed:
                    counts["correct"] += 1
                else:
                    counts["wrong"] += 1
                    failures.append(
                        f"{p.state}: {p.annotation.quote.exact!r} -> {new_body[a.start : a.end]!r}"
                        f" covered {sorted(covered)} expected {sorted(expected)}"
                    )
    total = sum(counts[k] for k in ("correct", "orphaned", "wrong"))
    print(f"\nperturbation: {total} annotations, {counts}")
    assert counts["wrong"] == 0, "\n".join(failures[:10])
    assert counts["correct"] >= 0.75 * total


def _with_typo(ann: Annotation, rng: random.Random) -> Annotation:
    """The same annotation as if made on a text with a typo in its quote (now fixed)."""
    exact = ann.quote.exact
    words = list(WORD.finditer(exact))
    if not words:
        return ann
    w = rng.choice(words)
    i = rng.randrange(1, len(w.group()) - 1)
    word = w.group()
    typo = (
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if rng.random() < 0.5
        else word[:i] + word[i + 1 :]
    )
    data = ann.to_dict()
    data["quote"] = {**data["quote"], "exact": exact[: w.start()] + typo + exact[w.end() :]}
    return Annotation.from_dict(data)


@pytest.mark.parametrize("seed", range(3))
def test_reanchoring_is_idempotent(seed: int) -> None:
    sources = load_sources()
    if not sources:
        pytest.skip("no real articles here")
    rng = random.Random(seed)
    art = from_text(sources[seed % len(sources)].body)
    anns = [tag(art, i, i) for i in range(0, len(art.sentences), 3)]
    doc = doc_of(art)
    perturb(doc, ["An unrelated sentence about the weather today."], rng)
    new = article_of(doc.body()[0])
    once = [p.annotation for p in reanchor(anns, new)]
    twice = reanchor(once, new)
    assert [p.annotation for p in twice] == once
    assert all(p.state in (EXACT, ORPHANED) for p in twice)

"""The fast path of attaching an article whose text did not change: ``at_home`` and ``settled``
decide without locating, and must decide exactly what ``locate`` and ``reanchor`` would. Random
texts, tags and edits here compare ``plan_attach`` with the fast path against the same call
with every annotation located (the path an edited article takes), field for field."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from test_anchoring import article_of
from tuireader import anchoring
from tuireader.anchoring import EXACT, at_home, locate, reanchor, settled
from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import Article, from_text
from tuireader.sentences import Sentence
from tuireader.store import Store
from tuireader.store.editing import plan_attach, settle_order

SENTENCES = [
    "The ferry left the harbour at dawn.",
    "Fishermen said the catch had been poor all week.",
    "A spokesman for the port expected the strike to end soon.",
    "Prices at the market rose by a fifth.",
    "Nobody could say when the bridge would reopen.",
    "The mayor called the delay unacceptable.",
    "Engineers believe the cracks are older than the survey suggests.",
    "Two lanes stay closed until Friday.",
    "Residents queued for the bus in the rain.",
    "It was the wettest March on record.",
    "The council will meet again on Monday.",
    "Shops on the quay closed early.",
]
NAMES = ("ana", "bo")
EARLIER = "2026-02-01T10:00:00.000Z"


def text_of(rng: random.Random, count: int) -> str:
    paragraphs: list[list[str]] = [[]]
    for _ in range(count):
        paragraphs[-1].append(rng.choice(SENTENCES))
        if rng.random() < 0.25:
            paragraphs.append([])
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def annotation(art: Article, start: int, end: int, who: str, n: int, **kw: object) -> Annotation:
    fields: dict[str, object] = {
        "article_id": art.id,
        "start": start,
        "end": end,
        "tag": "fact",
        "quote": Quote.from_body(art.body, start, end),
        "annotator": who,
        "id": f"{who}-{n:04d}",
        "created": EARLIER,
        "updated": f"2026-02-{1 + n % 27:02d}T10:00:00.000Z",
    }
    fields.update(kw)
    return Annotation(**fields)  # type: ignore[arg-type]


def tags_of(art: Article, rng: random.Random) -> list[Annotation]:
    """Whole runs, parts of sentences, overlaps, orphans, marks and stale context."""
    made: list[Annotation] = []
    sentences = art.sentences
    for who in NAMES:
        i = 0
        while i < len(sentences):
            last = min(len(sentences) - 1, i + rng.choice((0, 0, 0, 1, 2)))
            start, end = sentences[i].start, sentences[last].end
            roll = rng.random()
            n = len(made)
            if roll < 0.08:  # a part of a sentence
                made.append(annotation(art, start + 4, end - 1, who, n))
            elif roll < 0.12:  # left orphaned by an earlier text
                made.append(annotation(art, start, end, who, n, anchor=AnchorState.ORPHANED))
            elif roll < 0.16:  # a "check me" mark from an earlier re-anchoring
                made.append(annotation(art, start, end, who, n, anchor=AnchorState.MOVED))
            elif roll < 0.19:  # overlaps the next run of the same layer
                made.append(annotation(art, start, sentences[-1].end, who, n))
            elif roll < 0.22:  # its stored context is out of date
                quote = Quote.from_body(art.body, start, end)
                made.append(annotation(art, start, end, who, n, quote=replace(quote, prefix="x")))
            elif roll < 0.25:  # made on another article
                made.append(annotation(art, start, end, who, n, article_id="elsewhere"))
            elif roll < 0.6:
                made.append(annotation(art, start, end, who, n))
            i = last + 1
    return made


def edited(body: str, rng: random.Random) -> str:
    """The same text, or one edited as people do (some keep the article's id)."""
    kind = rng.choice(
        ("same", "same", "spaces", "insert", "delete", "word", "paragraph", "swap", "swap")
    )
    if kind == "swap":  # every offset stays: only the words differ
        old, new = rng.choice((("dawn", "dusk"), ("poor", "good"), ("week", "year")))
        return body.replace(old, new, 1)
    if kind == "spaces":  # the id ignores white space: same id, other offsets
        return body.replace(". ", ".  ", 1 + rng.randrange(3))
    if kind == "insert":
        at = body.find(". ", rng.randrange(len(body))) + 2 or 0
        return body[:at] + "A late sentence was added here. " + body[at:]
    if kind == "delete":
        first = rng.choice(SENTENCES)
        return body.replace(first + " ", "", 1)
    if kind == "word":
        return body.replace("the", "a", 1)
    if kind == "paragraph":
        return body.replace(" ", "\n\n", 1)
    return body


def joined(art: Article, i: int, *, segmented: bool) -> None:
    """The user joins sentences ``i`` and ``i + 1`` (with the segmenter's sentences at hand or
    not: ``reanchor`` keeps a tag on one of them only when it knows them)."""
    if segmented:
        art.raw_sentences  # noqa: B018 - segmented now, so known as the segmenter's
    s = art.sentences
    merged = Sentence(
        i, s[i].start, s[i + 1].end, s[i].paragraph, art.body[s[i].start : s[i + 1].end]
    )
    rest = [
        Sentence(n, x.start, x.end, x.paragraph, x.text) for n, x in enumerate(s[i + 2 :], i + 1)
    ]
    art.use_sentences([*s[:i], merged, *rest])


def located_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow path for every annotation, as before the fast path existed."""
    monkeypatch.setattr(anchoring, "at_home", lambda anns, body, sentences: [False] * len(anns))
    monkeypatch.setattr("tuireader.store.editing.settled", lambda layer, article: False)


@pytest.mark.parametrize("seed", range(60))
def test_the_fast_path_decides_exactly_as_locating_every_annotation(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    made_on = article_of(text_of(rng, rng.randrange(3, 30)))
    anns = tags_of(made_on, rng)
    rng.shuffle(anns)
    art = article_of(edited(made_on.body, rng))
    art = replace(art, id=made_on.id)  # as if the id still matched (the harder case)
    s = art.sentences
    pairs = [i for i in range(len(s) - 1) if s[i].paragraph == s[i + 1].paragraph]
    if pairs and rng.random() < 0.4:
        joined(art, rng.choice(pairs), segmented=rng.random() < 0.5)

    for a, home in zip(anns, at_home(anns, art.body, art.sentences), strict=True):
        if home:
            assert locate(a, art.body, art.sentences) == ((a.start, a.end), EXACT)
    fast = plan_attach(art, anns, {})
    with monkeypatch.context() as patched:
        located_everywhere(patched)
        slow = plan_attach(art, anns, {})
    assert fast == slow


def test_a_layer_is_settled_only_if_nothing_would_change() -> None:
    art = article_of(" ".join(SENTENCES[:6]))
    s = art.sentences
    layer = [annotation(art, x.start, x.end, "ana", n) for n, x in enumerate(s)]
    assert settled(layer, art)
    assert all(
        p.annotation is a and p.state is EXACT
        for p, a in zip(reanchor(layer, art), layer, strict=True)
    )
    marked = [replace(layer[0], anchor=AnchorState.FUZZY), *layer[1:]]  # a mark stays
    assert settled(marked, art)

    def unsettled(change: Annotation) -> bool:
        return not settled([change, *layer[1:]], art)

    first = layer[0]
    assert unsettled(replace(first, anchor=AnchorState.ORPHANED))  # placed again: a change
    assert unsettled(replace(first, article_id="other"))
    assert unsettled(replace(first, end=first.end - 1))  # a part of a sentence
    assert unsettled(replace(first, quote=replace(first.quote, suffix=" Changed")))
    assert unsettled(replace(first, quote=replace(first.quote, exact="")))
    assert not settled([*layer, annotation(art, s[1].start, s[2].end, "ana", 99)], art)
    assert not settled([*layer, replace(layer[3], id="again")], art)  # the same span twice


def test_a_word_changed_in_place_is_not_at_home() -> None:
    """Offsets and sentence bounds all stay; the quote or its context does not."""
    made_on = article_of(" ".join(SENTENCES[:4]))
    layer = [annotation(made_on, x.start, x.end, "ana", n) for n, x in enumerate(made_on.sentences)]
    art = article_of(made_on.body.replace("dawn", "dusk"))
    assert [(x.start, x.end) for x in art.sentences] == [
        (x.start, x.end) for x in made_on.sentences
    ]
    assert at_home(layer, art.body, art.sentences) == [False, False, True, True]
    assert not settled(layer, art)
    placed = {p.annotation.id: p for p in reanchor(layer, art)}
    assert [placed[a.id].state for a in layer] == [AnchorState.ORPHANED, EXACT, EXACT, EXACT]
    second = placed[layer[1].id].annotation
    assert second.quote.prefix.endswith("dusk. ")  # its context brought up to date


def test_context_of_white_space_only_is_not_at_home() -> None:
    art = article_of("   Two words here.   ")
    (two,) = art.sentences
    blank = annotation(art, two.start, two.end, "ana", 0)
    assert blank.quote == Quote("Two words here.", "   ", "   ")
    assert at_home([blank], art.body, art.sentences) == [False]
    assert locate(blank, art.body, art.sentences) != ((two.start, two.end), EXACT)


def test_a_tag_on_half_of_a_joined_sentence_is_not_at_home() -> None:
    art = article_of(" ".join(SENTENCES[:3]))
    s = art.sentences
    half = annotation(art, s[0].start, s[0].end, "ana", 0)
    joined(art, 0, segmented=False)
    assert at_home([half], art.body, art.sentences) == [False]
    assert locate(half, art.body, art.sentences) != ((half.start, half.end), EXACT)


def test_an_unchanged_book_attaches_without_locating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "book.txt"
    path.write_text(" ".join(SENTENCES) + "\n\n" + " ".join(reversed(SENTENCES)) + "\n")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as store:
        art = from_text(path.read_text(), path)
        store.attach(art)
        store.tag(art, 0, 3, "fact")
        store.tag(art, 5, 5, "speculation")
    with Store.open(db, "bo") as store:
        art = from_text(path.read_text(), path)
        store.attach(art)
        store.tag(art, 2, 2, "fact")

    def no_locating(*args: object, **kw: object) -> None:
        raise AssertionError("located an annotation whose text did not change")

    monkeypatch.setattr(anchoring, "locate", no_locating)
    with Store.open(db, "ana") as store:
        art = from_text(path.read_text(), path)
        report = store.attach(art)
        assert (report.exact, report.total, report.changed) == (3, 3, False)
        assert [(a.start, a.end) for a in store.mine(art.id)] == [
            (art.sentences[0].start, art.sentences[3].end),
            (art.sentences[5].start, art.sentences[5].end),
        ]


def test_an_edit_that_keeps_the_id_still_re_anchors(tmp_path: Path) -> None:
    """White space is not part of the article's id, but every offset after it moves: such a
    text must not be taken for unchanged."""
    path = tmp_path / "book.txt"
    path.write_text(" ".join(SENTENCES) + "\n")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as store:
        art = from_text(path.read_text(), path)
        store.tag(art, 4, 5, "fact")
    path.write_text(" ".join(SENTENCES).replace(". ", ".   ", 1) + "\n")
    with Store.open(db, "ana") as store:
        again = from_text(path.read_text(), path)
        assert again.id == art.id and again.body != art.body
        report = store.attach(again)
        assert (report.moved, report.orphaned, report.changed) == (1, 0, True)
        (placed,) = store.mine(again.id)
        assert placed.quote.exact == " ".join(SENTENCES[4:6])
        assert placed.anchor is AnchorState.MOVED
        assert (placed.start, placed.end) == (again.sentences[4].start, again.sentences[5].end)


def test_settle_order_is_what_the_slow_path_keeps() -> None:
    """Overlapping exact annotations of one layer: the fast path declines, and the newest
    edit keeps its place as before."""
    art = article_of(" ".join(SENTENCES[:4]))
    s = art.sentences
    old = annotation(art, s[0].start, s[1].end, "ana", 1, updated="2026-01-01T00:00:00.000Z")
    new = annotation(art, s[1].start, s[2].end, "ana", 2, updated="2026-03-01T00:00:00.000Z")
    assert not settled([old, new], art)
    placed = {p.annotation.id: p.state for p in reanchor(settle_order([old, new]), art)}
    assert placed == {new.id: EXACT, old.id: AnchorState.ORPHANED}


@pytest.mark.parametrize("cut", ["exact", "prefix", "suffix"])
def test_a_record_whose_quote_is_cut_short_is_not_settled(
    cut: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An imported record can hold less than its offsets cover: what lies there starts with it
    but is longer, and attaching must treat it as the slow path does (re-anchor, or refresh the
    quote), never as unchanged."""
    art = article_of(" ".join(SENTENCES[:4]))
    layer = [annotation(art, x.start, x.end, "ana", n) for n, x in enumerate(art.sentences)]
    quote = layer[2].quote
    layer[2] = replace(layer[2], quote=replace(quote, **{cut: getattr(quote, cut)[:-3]}))
    assert at_home(layer, art.body, art.sentences) == [True, True, False, True]
    assert not settled(layer, art)
    fast = plan_attach(art, layer, {})
    with monkeypatch.context() as patched:
        located_everywhere(patched)
        assert plan_attach(art, layer, {}) == fast
    assert fast[0].changed

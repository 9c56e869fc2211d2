"""The user's corrections to sentence boundaries: a split inside a sentence, a join of two.

A correction is kept like an annotation: keyed to the text (the gap between the two sentences,
with the characters around it) and to offsets, so that it is found again when the article text
changes. A correction that cannot be placed with certainty is **orphaned**: kept, listed, and
never applied somewhere else. Corrections apply for every annotator: they change what a sentence
is, not anyone's tags.

Here also the rule for tags on a merged pair (``plan_merge``): a tag both halves carry (same tag,
same annotator) covers the merged sentence; when my own halves differ I am asked
(``merge_question``); another annotator's tags are kept as they are (each on its own words).
On a split nothing changes: a tag on the whole sentence covers both halves.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from tuireader.annotations import AnchorState, Annotation, Provenance, Quote, now_iso
from tuireader.articles import Article
from tuireader.durable import collector_paused
from tuireader.sentences import Sentence

BOUNDARY_CONTEXT = 32
"""Characters kept on each side of the gap (as annotation quotes keep)."""
MIN_CONTEXT = 12
"""A moved correction is taken only where at least this much text on both sides of the gap
matches, once in the whole article; anything less certain is orphaned."""

EXACT, MOVED, _FUZZY, ORPHANED = AnchorState


class Kind(StrEnum):
    """A split puts a sentence boundary where the segmenter had none; a join removes one."""

    SPLIT = "split"
    JOIN = "join"


@dataclass(frozen=True, slots=True)
class Boundary:
    """One correction: ``body[start:end]`` is the gap between the two sentences (the space
    between them; the first ends at ``start``, the second begins at ``end``)."""

    article_id: str
    kind: Kind
    start: int
    end: int
    quote: Quote
    """``exact`` is the gap, ``prefix``/``suffix`` the text before and after it."""
    annotator: str
    """Who made it (it applies for everyone)."""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: str = field(default_factory=now_iso)
    anchor: AnchorState = EXACT

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        object.__setattr__(self, "anchor", AnchorState(self.anchor))

    @property
    def orphaned(self) -> bool:
        return self.anchor is ORPHANED


def make(kind: Kind, article_id: str, body: str, start: int, end: int, annotator: str) -> Boundary:
    """A correction at the gap ``body[start:end]``."""
    return Boundary(
        article_id, kind, start, end, Quote.from_body(body, start, end, BOUNDARY_CONTEXT), annotator
    )


# -- the record ---------------------------------------------------------------------------------
def to_record(b: Boundary) -> dict[str, Any]:
    """As stored (the id is the record's key)."""
    q = b.quote
    return {
        "article_id": b.article_id,
        "kind": b.kind.value,
        "start": b.start,
        "end": b.end,
        "quote": {"exact": q.exact, "prefix": q.prefix, "suffix": q.suffix},
        "annotator": b.annotator,
        "created": b.created,
        "anchor": b.anchor.value,
    }


def record_problem(key: object, record: object) -> str | None:
    """What is wrong with a stored correction, or None."""
    if not isinstance(key, str) or not key or not isinstance(record, dict):
        return "a sentence correction is not an object"
    for name in ("article_id", "annotator", "created"):
        if not isinstance(record.get(name), str) or not record[name]:
            return f"sentence correction {key}: {name} is not text"
    if record.get("kind") not in {k.value for k in Kind}:
        return f"sentence correction {key}: unknown kind {record.get('kind')!r}"
    if record.get("anchor") not in {a.value for a in AnchorState}:
        return f"sentence correction {key}: unknown anchor {record.get('anchor')!r}"
    start, end = record.get("start"), record.get("end")
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        return f"sentence correction {key}: start and end are not offsets"
    quote = record.get("quote")
    if not isinstance(quote, dict) or not all(
        isinstance(quote.get(p), str) for p in ("exact", "prefix", "suffix")
    ):
        return f"sentence correction {key}: quote is not exact, prefix and suffix text"
    if len(quote["exact"]) != end - start:
        return f"sentence correction {key}: the gap's text is not end - start long"
    return None


def from_record(key: str, record: Mapping[str, Any]) -> Boundary:
    q = record["quote"]
    return Boundary(
        str(record["article_id"]),
        Kind(record["kind"]),
        int(record["start"]),
        int(record["end"]),
        Quote(str(q["exact"]), str(q["prefix"]), str(q["suffix"])),
        str(record["annotator"]),
        id=key,
        created=str(record["created"]),
        anchor=AnchorState(record["anchor"]),
    )


# -- placing on the current text ----------------------------------------------------------------
def locate(b: Boundary, body: str) -> tuple[tuple[int, int] | None, AnchorState]:
    """Where the gap is in ``body`` now: at its offsets if the text around them is unchanged,
    else the one place where its context (at least MIN_CONTEXT on each side) still occurs."""
    q = b.quote
    if (
        0 <= b.start <= b.end <= len(body)
        and body[b.start : b.end] == q.exact
        and body.startswith(q.prefix, b.start - len(q.prefix))
        and body.startswith(q.suffix, b.end)
        and b.start >= len(q.prefix)
    ):
        return (b.start, b.end), EXACT
    for size in (BOUNDARY_CONTEXT, MIN_CONTEXT):
        prefix, suffix = q.prefix[-size:], q.suffix[:size]
        if len(prefix) + len(suffix) < 2 * MIN_CONTEXT:
            break
        needle = prefix + q.exact + suffix
        first = body.find(needle)
        if first < 0:
            continue
        if body.find(needle, first + 1) >= 0:
            break  # two places fit: never guess
        start = first + len(prefix)
        return (start, start + len(q.exact)), EXACT if start == b.start else MOVED
    return None, ORPHANED


def place(
    boundaries: Iterable[Boundary],
    article_id: str,
    body: str,
    paragraphs: Sequence[tuple[int, int]],
) -> list[Boundary]:
    """Each correction re-anchored on the current text (carrying ``article_id``). One whose gap
    is not found, crosses a paragraph break, or sits where a newer correction already is, is
    orphaned with its old offsets."""
    para_starts = [p[0] for p in paragraphs]
    placed: list[Boundary] = []
    taken: set[tuple[int, int]] = set()
    for b in sorted(boundaries, key=lambda b: (b.created, b.id), reverse=True):
        span, state = locate(b, body)
        if span is not None and (span in taken or not _inside_paragraph(span, para_starts)):
            span, state = None, ORPHANED
        if span is None:
            placed.append(replace(b, article_id=article_id, anchor=ORPHANED))
            continue
        taken.add(span)
        quote = Quote.from_body(body, span[0], span[1], BOUNDARY_CONTEXT)
        placed.append(
            replace(b, article_id=article_id, start=span[0], end=span[1], quote=quote, anchor=state)
        )
    placed.sort(key=lambda b: (b.start, b.end, b.id))
    return placed


def _inside_paragraph(span: tuple[int, int], para_starts: list[int]) -> bool:
    # The sentence before the gap and the one after must be in one paragraph.
    i = bisect_right(para_starts, span[0])
    return i == len(para_starts) or span[1] < para_starts[i]


# -- applying to the segmenter's sentences ------------------------------------------------------
def apply(
    sentences: Sequence[Sentence], body: str, boundaries: Iterable[Boundary]
) -> list[Sentence]:
    """The sentences with every placed correction applied: joins first (on the segmenter's
    boundaries), then splits (inside the resulting sentences). A correction that no longer
    changes anything (the segmenter now agrees with it) is simply not needed."""
    joins: set[tuple[int, int]] = set()
    splits: list[tuple[int, int]] = []
    for b in boundaries:
        if b.orphaned:
            continue
        if b.kind is Kind.JOIN:
            joins.add((b.start, b.end))
        else:
            splits.append((b.start, b.end))
    if not joins and not splits:
        return list(sentences)
    with collector_paused():
        return _apply(sentences, body, joins, splits)


def _apply(
    sentences: Sequence[Sentence],
    body: str,
    joins: set[tuple[int, int]],
    splits: list[tuple[int, int]],
) -> list[Sentence]:
    splits.sort()
    split_starts = [s for s, _ in splits]
    spans: list[tuple[int, int, int]] = []
    for s in sentences:
        if spans:
            start, end, paragraph = spans[-1]
            if paragraph == s.paragraph and (end, s.start) in joins:
                spans[-1] = (start, s.end, paragraph)
                continue
        spans.append((s.start, s.end, s.paragraph))
    out: list[Sentence] = []
    for start, end, paragraph in spans:
        i = bisect_right(split_starts, start)
        while i < len(splits) and splits[i][1] < end:
            gap_start, gap_end = splits[i]
            i += 1
            if gap_start <= start:
                continue
            out.append(Sentence(len(out), start, gap_start, paragraph, body[start:gap_start]))
            start = gap_end
        out.append(Sentence(len(out), start, end, paragraph, body[start:end]))
    return out


def owned(sentences: Sequence[Sentence]) -> list[Sentence]:
    """A copy of ``sentences`` made of new Sentence objects: a list ``splice`` may work on
    (it renumbers the objects after a gap in place, which must never touch the segmenter's)."""
    with collector_paused():
        return [Sentence(s.index, s.start, s.end, s.paragraph, s.text) for s in sentences]


_SET_INDEX = Sentence.__dict__["index"].__set__  # the slot itself, past the frozen __setattr__


def splice(
    sentences: list[Sentence],
    body: str,
    appear: tuple[int, int] | None,
    vanish: tuple[int, int] | None,
) -> list[Sentence] | None:
    """The corrected sentences after one boundary appears at the gap ``appear`` (a split) or
    vanishes at ``vanish`` (a join), in time that does not grow with the book: the sentences
    around the gap are made anew and the list is joined around them; None when the gap is not
    where it should be (then ``apply`` does it all).

    ``sentences`` must be a list ``apply`` made (it owns its Sentence objects, which are never
    the segmenter's): those after the gap get their new index in place, which is what keeps a
    split in War and Peace within a frame (rebuilding 28,000 frozen objects takes ~40 ms; a
    stale copy of the list must not be kept)."""
    if (appear is None) == (vanish is None):
        return None
    gap = appear if appear is not None else vanish
    assert gap is not None
    a, b = gap
    i = bisect_left(sentences, a, key=_end)
    if i >= len(sentences):
        return None
    s = sentences[i]
    if appear is not None:
        if not s.start < a <= b < s.end:
            return None
        pieces = [
            Sentence(i, s.start, a, s.paragraph, body[s.start : a]),
            Sentence(i + 1, b, s.end, s.paragraph, body[b : s.end]),
        ]
        replaced = 1
    else:
        if s.end != a or i + 1 >= len(sentences):
            return None
        t = sentences[i + 1]
        if t.start != b or t.paragraph != s.paragraph:
            return None
        pieces = [Sentence(i, s.start, t.end, s.paragraph, body[s.start : t.end])]
        replaced = 2
    tail = sentences[i + replaced :]
    delta = len(pieces) - replaced
    for sentence in tail:
        _SET_INDEX(sentence, sentence.index + delta)
    return sentences[:i] + pieces + tail


def _end(s: Sentence) -> int:
    return s.end


def correct(article: Article, boundaries: Iterable[Boundary]) -> list[Boundary]:
    """Give ``article`` its sentences with ``boundaries`` placed on its text and applied;
    returns them as placed (orphans too)."""
    placed = place(boundaries, article.id, article.body, article.paragraphs)
    article.use_sentences(apply(article.raw_sentences, article.body, placed))
    return placed


Loader = Callable[[Mapping[str, Any]], "Article | None"]


def with_corrections(loader: Loader, corrections: Mapping[str, Sequence[Boundary]]) -> Loader:
    """An export's text loader whose articles carry their sentence corrections (``corrections``
    by article id, as ``Store.corrections_by_article`` gives them), so ``--by-sentence`` and
    the sentence ranges of every format count the sentences the reader shows."""

    def load(meta: Mapping[str, Any]) -> Article | None:
        article = loader(meta)
        if article is not None and article.id in corrections:
            correct(article, corrections[article.id])
        return article

    return load


def split_gap(sentence: Sentence, body: str, at: int) -> tuple[int, int] | None:
    """The gap of a split of ``sentence`` before the word starting at ``at``: from the end of
    the text before it to ``at``; None when either side would be empty."""
    if not sentence.start < at < sentence.end:
        return None
    start = at
    while start > sentence.start and body[start - 1].isspace():
        start -= 1
    if start <= sentence.start or body[at].isspace():
        return None
    return start, at


def join_gap(first: Sentence, second: Sentence) -> tuple[int, int] | None:
    """The gap between two sentences that may be joined (consecutive, one paragraph)."""
    if first.paragraph != second.paragraph or first.end > second.start:
        return None
    return first.end, second.start


def corrections_at(boundaries: Iterable[Boundary], gap: tuple[int, int]) -> list[Boundary]:
    """Placed corrections at exactly this gap (undoing one is removing it, not adding another)."""
    return [b for b in boundaries if not b.orphaned and (b.start, b.end) == gap]


# -- tags on a merged pair ----------------------------------------------------------------------
KEEP_PARTS = ""
"""The merge choice that keeps each tag on its own words (parts of the merged sentence)."""


@dataclass(frozen=True, slots=True)
class MergeQuestion:
    """My tags on the two halves differ: which should the merged sentence carry?

    ``first`` and ``second`` are the tags of my annotations covering each half whole;
    ``first_parts`` and ``second_parts`` the tags of my annotations on part of a half."""

    first: str | None
    second: str | None
    first_parts: tuple[str, ...] = ()
    second_parts: tuple[str, ...] = ()

    @property
    def tags(self) -> list[str]:
        """The tags to offer for the whole sentence, each once: the halves' whole tags, then
        those on parts of them, each in text order."""
        wholes = (t for t in (self.first, self.second) if t is not None)
        return list(dict.fromkeys((*wholes, *self.first_parts, *self.second_parts)))

    @property
    def untagged(self) -> int | None:
        """Which half (0 or 1) carries no tag of mine at all, if one does not."""
        if self.first is None and not self.first_parts:
            return 0
        if self.second is None and not self.second_parts:
            return 1
        return None


def whole_tag(layer: Iterable[Annotation], sentence: Sentence) -> Annotation | None:
    """The annotation of one layer that covers ``sentence`` whole, if any."""
    for a in layer:
        if a.anchor is not ORPHANED and a.start <= sentence.start and sentence.end <= a.end:
            return a
    return None


def _parts(layer: Iterable[Annotation], sentence: Sentence, whole: Annotation | None) -> list[str]:
    """The tags of the annotations on part of ``sentence``, in text order."""
    inside = [
        a
        for a in layer
        if a is not whole
        and a.anchor is not ORPHANED
        and a.start < sentence.end
        and sentence.start < a.end
    ]
    return [a.tag for a in sorted(inside, key=_ann_start)]


def merge_question(
    first: Sentence, second: Sentence, mine: Sequence[Annotation]
) -> MergeQuestion | None:
    """None when the rule decides for my layer (both halves agree, one annotation already
    covers both, or neither is tagged whole); else what to ask."""
    a, b = whole_tag(mine, first), whole_tag(mine, second)
    if (a is None and b is None) or a is b:
        return None
    if a is not None and b is not None and a.tag == b.tag:
        return None
    return MergeQuestion(
        None if a is None else a.tag,
        None if b is None else b.tag,
        tuple(_parts(mine, first, a)),
        tuple(_parts(mine, second, b)),
    )


def plan_merge(
    body: str,
    first: Sentence,
    second: Sentence,
    layers: Mapping[str, Sequence[Annotation]],
    me: str,
    choice: str | None,
) -> tuple[list[Annotation], list[Annotation]]:
    """The annotations to remove and add when ``first`` and ``second`` become one sentence.

    In every layer, two annotations with the same tag on the two halves become one on the
    merged sentence (their notes kept). My own differing halves follow ``choice``: a tag for
    the whole sentence, which then replaces every tag of mine on the merged sentence as tagging
    it whole would (``_cover``), or KEEP_PARTS. Anything else is left as it is: it stays
    attached to its own words, a part of the merged sentence. Raises ValueError when my halves
    need a choice and none (or one not offered) was given.
    """
    removed: list[Annotation] = []
    added: list[Annotation] = []
    now = now_iso()
    for annotator, layer in layers.items():
        a, b = whole_tag(layer, first), whole_tag(layer, second)
        if (a is None and b is None) or a is b:
            continue
        if a is not None and b is not None and a.tag == b.tag:
            gone, made = [a, b], [_joined(body, a, a.start, b.end, [a, b], now)]
        elif annotator != me:
            continue
        else:
            question = merge_question(first, second, layer)
            assert question is not None
            if choice is None or (choice != KEEP_PARTS and choice not in question.tags):
                raise ValueError(f"merging needs a choice among {question.tags} or keeping parts")
            if choice == KEEP_PARTS:
                continue
            gone, made = _cover(body, first, second, layer, choice, now)
        removed += gone
        added += made
    return removed, added


def _cover(
    body: str,
    first: Sentence,
    second: Sentence,
    layer: Sequence[Annotation],
    tag: str,
    now: str,
) -> tuple[list[Annotation], list[Annotation]]:
    """``tag`` on the merged sentence in one layer, as tagging it whole would: every annotation
    of the layer on it goes; one that reaches beyond it with another tag keeps what lies
    outside (its id on the first piece), one with this tag carries the new one that far."""
    start, end = first.start, second.end
    on = sorted(
        (x for x in layer if x.anchor is not ORPHANED and x.start < end and start < x.end),
        key=_ann_start,
    )
    same = [x for x in on if x.tag == tag]
    if not same:
        raise ValueError(f"no tag {tag!r} of this layer on the sentences to merge")
    merged_start = min(start, *(x.start for x in same))
    merged_end = max(end, *(x.end for x in same))
    left: list[Annotation] = []
    for x in on:
        if x.tag == tag:
            continue
        outside = [(x.start, start), (end, x.end)]
        spans = [(p, q) for p, q in (_stripped(body, *o) for o in outside) if p < q]
        left += [
            replace(
                x,
                id=x.id if n == 0 else str(uuid.uuid4()),
                start=p,
                end=q,
                quote=Quote.from_body(body, p, q),
                updated=now,
                anchor=EXACT,
            )
            for n, (p, q) in enumerate(
                s for s in spans if any(c.isalnum() for c in body[s[0] : s[1]])
            )
        ]
    consumed = [x for x in on if x.tag == tag or not (x.start < start or end < x.end)]
    kept = max(same, key=lambda x: x.end - x.start)  # a whole sentence's record before a part's
    return on, [*left, _joined(body, kept, merged_start, merged_end, consumed, now)]


def _joined(
    body: str, kept: Annotation, start: int, end: int, consumed: Sequence[Annotation], now: str
) -> Annotation:
    """One annotation on ``start:end`` carrying ``kept``'s record (id, created) and the notes of
    every annotation it replaces; by hand if any of them was."""
    notes = [x.note for x in consumed if x.note]
    hand = any(x.provenance is Provenance.HAND for x in consumed)
    return replace(
        kept,
        start=start,
        end=end,
        quote=Quote.from_body(body, start, end),
        note="\n".join(dict.fromkeys(notes)),
        updated=now,
        anchor=EXACT,
        provenance=Provenance.HAND if hand else kept.provenance,
    )


def _stripped(body: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without the white space at either end."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def sentence_index(sentences: Sequence[Sentence], start: int) -> int | None:
    """The index of the sentence starting at ``start``, by bisection."""
    i = bisect_left(sentences, start, key=_start)
    return i if i < len(sentences) and sentences[i].start == start else None


def _start(s: Sentence) -> int:
    return s.start


def _ann_start(a: Annotation) -> int:
    return a.start

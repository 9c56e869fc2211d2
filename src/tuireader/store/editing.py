"""The editing rules, as pure functions over one annotator's placed annotations on an article.

Nothing here touches a file: the store runs these under its lock against fresh data, writes the
result and records it for undo. Each function returns a ``Plan``: the records to remove and the
records to add. Only the layer passed in is ever looked at, so another annotator's annotations
on the same sentences are never cut, replaced or orphaned by an edit.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from itertools import chain, compress, filterfalse, groupby, pairwise
from operator import attrgetter, eq, itemgetter, methodcaller
from typing import Any, cast

from tuireader.anchoring import (
    Occurrences,
    OrphanReason,
    home_tests,
    reanchor,
    sentence_bounds,
    settled,
    spans_apart,
)
from tuireader.annotations import QUOTE_CONTEXT, AnchorState, Annotation, Provenance, Quote, now_iso
from tuireader.articles import Article
from tuireader.sentences import sentence_at
from tuireader.store.layers import SpanIndex


@dataclass(frozen=True, slots=True)
class Plan:
    """A change as computed against the current records: label, records removed, records added.
    A record whose id is in both is modified."""

    label: str
    removed: tuple[Annotation, ...] = ()
    added: tuple[Annotation, ...] = ()


@dataclass(frozen=True)
class AnchorReport:
    """How an article's annotations sit on its current text after ``Store.attach``."""

    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    orphans: list[Annotation] = field(default_factory=list)
    changed: bool = False
    """Whether anything was re-anchored or re-recorded (and, unless read-only, written)."""
    reasons: dict[str, OrphanReason] = field(default_factory=dict)
    """Why each of ``orphans`` was orphaned, by its id, as re-anchoring decided it."""

    @property
    def total(self) -> int:
        return self.exact + self.moved + self.fuzzy + self.orphaned


def new_id() -> str:
    """A random (version 4) UUID string, as ``str(uuid.uuid4())`` at half its cost."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def plan_run(
    article: Article,
    layer: SpanIndex,
    first: int,
    last: int,
    tag: str | None,
    *,
    annotator: str,
    toggle: bool,
    provenance: Provenance = Provenance.HAND,
    now: str | None = None,
) -> Plan:
    """Give sentences ``first..last`` the tag (``None``: no tag) in ``layer``, one annotator's
    placed annotations on ``article``.

    An annotation partly covered by the run is cut back to its remaining sentences (keeping
    its id on the first piece, so exports and notes follow it), never beyond its own ends: a
    part of a sentence stays that part. With ``toggle`` the same tag on exactly that run
    removes it.
    """
    sentences = article.sentences
    body = article.body
    start, end = sentences[first].start, sentences[last].end
    overlapping = layer.overlapping(start, end)
    same = next((a for a in overlapping if (a.start, a.end) == (start, end)), None)
    if tag is not None and same is not None and same.tag == tag and len(overlapping) == 1:
        return Plan("untag", (same,)) if toggle else Plan(f"tag {tag}")

    now = now or now_iso()
    removed: list[Annotation] = []
    added: list[Annotation] = []
    for old in overlapping:
        removed.append(old)
        if old is same:
            continue
        i = sentence_at(sentences, old.start)
        indexes: list[int] = []
        while i is not None and i < len(sentences) and sentences[i].start < old.end:
            indexes.append(i)
            i += 1
        spans = [
            (max(old.start, sentences[piece[0]].start), min(old.end, sentences[piece[-1]].end))
            for piece in ([i for i in indexes if i < first], [i for i in indexes if i > last])
            if piece
        ]
        added += _pieces(old, body, spans, now)
    if tag is None:
        return Plan("untag", tuple(removed), tuple(added))
    quote = Quote.from_body(body, start, end)
    if same is not None:
        # A retag of the same run keeps the record (id, created, note).
        new = replace(
            same,
            tag=tag,
            quote=quote,
            anchor=AnchorState.EXACT,
            updated=now,
            provenance=provenance,
        )
    else:
        new = Annotation(
            article.id,
            start,
            end,
            tag,
            quote,
            annotator,
            id=new_id(),
            created=now,
            provenance=provenance,
        )
    added.append(new)
    return Plan(f"tag {tag}", tuple(removed), (*added,))


def plan_span(
    article: Article,
    layer: SpanIndex,
    start: int,
    end: int,
    tag: str,
    *,
    annotator: str,
    toggle: bool,
    now: str | None = None,
) -> Plan:
    """Give the characters ``start:end`` of the body (part of a sentence, or any span) the tag
    in ``layer``, keeping exactly those offsets: never widened to whole sentences.

    An annotation of this layer that overlaps the span is cut back to what lies outside it
    (the id stays on the first piece); a piece left with no letter or digit (a full stop, a
    space) goes with it. With ``toggle`` the same tag on exactly that span removes it.
    """
    body = article.body
    overlapping = layer.overlapping(start, end)
    same = next((a for a in overlapping if (a.start, a.end) == (start, end)), None)
    if same is not None and same.tag == tag and len(overlapping) == 1:
        return Plan("untag", (same,)) if toggle else Plan(f"tag {tag}")
    now = now or now_iso()
    removed: list[Annotation] = []
    added: list[Annotation] = []
    for old in overlapping:
        removed.append(old)
        if old is same:
            continue
        spans = [_trimmed(body, a, b) for a, b in ((old.start, start), (end, old.end))]
        added += _pieces(
            old, body, [(a, b) for a, b in spans if any(c.isalnum() for c in body[a:b])], now
        )
    quote = Quote.from_body(body, start, end)
    if same is not None:
        new = replace(same, tag=tag, quote=quote, anchor=AnchorState.EXACT, updated=now)
    else:
        new = Annotation(
            article.id, start, end, tag, quote, annotator, id=new_id(), created=now, updated=now
        )
    added.append(new)
    return Plan(f"tag {tag} (part of a sentence)", tuple(removed), tuple(added))


def _pieces(
    old: Annotation, body: str, spans: Sequence[tuple[int, int]], now: str
) -> list[Annotation]:
    """What is left of ``old`` on ``spans``: the first piece keeps its id (exports and notes
    follow it), the others get new ones."""
    return [
        replace(
            old,
            id=old.id if n == 0 else new_id(),
            start=a,
            end=b,
            quote=Quote.from_body(body, a, b),
            updated=now,
            anchor=AnchorState.EXACT,
        )
        for n, (a, b) in enumerate(spans)
    ]


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without the white space at either end."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def plan_runs(
    article: Article,
    layer: SpanIndex,
    runs: Sequence[tuple[int, int, str]],
    label: str,
    *,
    annotator: str,
    provenance: Provenance = Provenance.HAND,
) -> tuple[Plan, SpanIndex]:
    """Several runs as one plan, each planned against the outcome of the runs before it; also
    the layer as it is after the plan. A run that already carries its tag is left alone (never
    toggled off). Accepted suggestions (any provenance but ``HAND``) only fill sentences that
    carry no tag of this layer: a tag set since the suggestions were made is never replaced."""
    work = layer.copy()
    now = now_iso()
    originals: dict[str, Annotation | None] = {}
    current: dict[str, Annotation | None] = {}
    sentences = article.sentences
    for first, last, tag in runs:
        if provenance is not Provenance.HAND and work.overlapping(
            sentences[first].start, sentences[last].end
        ):
            continue
        plan = plan_run(
            article,
            work,
            first,
            last,
            tag,
            annotator=annotator,
            toggle=False,
            provenance=provenance,
            now=now,
        )
        for a in plan.removed:
            originals.setdefault(a.id, a)
            work.remove(a)
            current[a.id] = None
        for a in plan.added:
            originals.setdefault(a.id, None)
            work.add(a)
            current[a.id] = a
    before = tuple(o for i, o in originals.items() if o is not None and current[i] != o)
    after = tuple(c for i, o in originals.items() if (c := current[i]) is not None and c != o)
    return Plan(label, before, after), work


def settle_order(annotations: Iterable[Annotation]) -> list[Annotation]:
    """A fixed order for re-anchoring one layer (newest edit first), so which of two overlapping
    annotations keeps its place never depends on the order records were read in."""
    return sorted(annotations, key=_SETTLE_KEY, reverse=True)


_SETTLE_KEY = attrgetter("updated", "id")


def plan_attach(
    article: Article,
    current: Sequence[Annotation],
    older: Mapping[str, Sequence[Annotation]],
) -> tuple[AnchorReport, Plan, list[str]]:
    """Re-anchor ``current`` (the article's annotations, every layer) on the article's text,
    adopting the annotations of every older id of the same file (``older``, by old id): the
    file now reads as this article, so the old id can no longer be opened, and a tag left on it
    would be neither shown nor counted as orphaned. One that fits nowhere in the new text is
    kept aside as orphaned, with its reason, even when none of them fits (a file cut short, or
    reused for another story). Each annotator's layer is settled on its own: overlap between
    annotators is normal, not an anchoring failure.

    Returns the report, the plan, and the old ids adopted.
    """
    group = list(current)
    adopted: list[str] = []
    # One index of where quotes occur in the new text, for every layer's re-anchoring (built
    # only once they search many).
    occurrences = Occurrences(
        article.body, (a.quote.exact for a in chain(current, *older.values()))
    )
    for old_id, old in older.items():
        group += old
        adopted.append(old_id)
    counts = dict.fromkeys(AnchorState, 0)
    removed: list[Annotation] = []
    added: list[Annotation] = []
    orphans: list[Annotation] = []
    reasons: dict[str, OrphanReason] = {}
    by_id: dict[str, Annotation] | None = None
    for layer in _layers(group):
        if settled(layer, article):  # the text did not change under this layer: nothing moves
            counts[AnchorState.EXACT] += len(layer)
            continue
        if by_id is None:
            by_id = {a.id: a for a in group}
        for p in reanchor(settle_order(layer), article, occurrences):
            counts[AnchorState(p.state)] += 1
            if p.state is AnchorState.ORPHANED:
                orphans.append(p.annotation)
                reasons[p.annotation.id] = p.reason or OrphanReason.NOT_FOUND
            old_record = by_id[p.annotation.id]
            if p.annotation is not old_record and p.annotation != old_record:
                removed.append(old_record)
                added.append(p.annotation)
    report = AnchorReport(
        exact=counts[AnchorState.EXACT],
        moved=counts[AnchorState.MOVED],
        fuzzy=counts[AnchorState.FUZZY],
        orphaned=counts[AnchorState.ORPHANED],
        orphans=sorted(orphans, key=lambda a: (a.start, a.annotator, a.id)),
        changed=bool(added) or bool(adopted),
        reasons=reasons,
    )
    return report, Plan("attach", tuple(removed), tuple(added)), adopted


@dataclass(frozen=True, slots=True)
class RecordsAttached:
    """``plan_attach`` of an article decided on its stored records: how many are placed
    (exact) and orphaned, and the records whose anchor changed, as they are to be stored."""

    exact: int
    orphaned: int
    changed: dict[str, dict[str, Any]]
    anchors_before: dict[str, str | None] = field(default_factory=dict)
    """With ``stored_form``: the changed records' anchors as they were (``record.get("anchor")``,
    None for exact), by id, which ``set_anchors`` gives them back with."""


def attach_records(
    article: Article,
    records: Mapping[str, Mapping[str, Any]],
    *,
    stored_form: bool = False,
    bounds: tuple[Set[int], Set[int]] | None = None,
) -> RecordsAttached | None:
    """``plan_attach(article, annotations, {})`` of the article's stored records (id to
    checked record, every layer) when every one of them is at home on its text
    (``anchoring.at_home``: the text did not change under them), decided on the records
    without building an annotation of each; None when one is not (then ``plan_attach``
    decides, locating what moved).

    At home, each layer's re-anchoring only settles overlaps as ``reanchor`` does: in
    ``settle_order`` (newest edit first) each annotation keeps its place unless it would
    overlap one placed before it, and is orphaned then. An import of two annotators who each
    tagged every sentence several times orphans nine in ten of 500,000 this way; building
    each as an annotation, re-anchoring and converting it back cost 20-30 s of the import.
    A record is changed only where its anchor is (orphaned, or placed again after being
    orphaned), in exactly the form ``to_stored`` gives it. ``stored_form``: every record is
    already in that form (an import's, made by the codec) and the caller's to change, so a
    changed record is the record itself with its anchor set (``set_anchors``).

    ``bounds``: where the article's sentences start and end (``anchoring.sentence_bounds``),
    when the caller has them without the sentences (an import: ``articles.raw_sentence_spans``)."""
    values = list(records.values())
    if not values:
        return RecordsAttached(0, 0, {})
    if bounds is None:
        bounds = sentence_bounds((s.start, s.end) for s in article.sentences)
    if _placed_as_they_are(values, article.id, article.body, bounds):
        return RecordsAttached(len(values), 0, {})
    # The fields every record has, read in one pass and transposed.
    article_ids, starts, ends, quotes, annotators = zip(*map(_R_FIELDS, values), strict=True)
    if article_ids.count(article.id) != len(values):
        return None  # another article's record (adopted): located as it always was
    spans = list(zip(starts, ends, strict=True))
    if not _all_at_home(spans, quotes, article.body, bounds):
        return None
    ids = list(records)
    anchors = list(map(_R_ANCHOR, values))
    any_orphaned = _ORPHANED in anchors
    names = set(annotators)
    layers = (
        [list(range(len(values)))]
        if len(names) == 1
        else [
            list(compress(range(len(values)), map(annotator.__eq__, annotators)))
            for annotator in sorted(names)
        ]
    )
    exact = orphaned = 0
    changed: list[int] = []
    new_anchors: list[str] = []
    updated: list[str] | None = None
    one_time = False
    for layer in layers:
        if not (any_orphaned and _ORPHANED in map(anchors.__getitem__, layer)) and spans_apart(
            list(map(spans.__getitem__, layer))
        ):
            exact += len(layer)  # nothing overlaps, nothing was orphaned: nothing changes
            continue
        if updated is None:
            created = list(map(_R_CREATED, values))
            updated = [u or c for u, c in zip(map(_R_UPDATED, values), created, strict=True)]
            one_time = len(set(updated)) == 1  # tagged in one go (or imported): ids decide
        # settle_order: the newest edit first (``updated``, then the id, both descending; the
        # ids of one article's records are its keys, all different).
        if one_time:
            order = list(
                map(
                    _SECOND,
                    sorted(zip(map(ids.__getitem__, layer), layer, strict=True), reverse=True),
                )
            )
        else:
            order = list(
                map(
                    _THIRD,
                    sorted(
                        zip(
                            map(updated.__getitem__, layer),
                            map(ids.__getitem__, layer),
                            layer,
                            strict=True,
                        ),
                        reverse=True,
                    ),
                )
            )
        # Of the records sharing a span only the first in that order can be placed: a later
        # one overlaps it if it was placed, or what it overlapped if not. So the spans are
        # settled once each, in the order of their first records (a layer tagged five times
        # over has a fifth as many), and every other record is orphaned.
        first = dict(zip(map(spans.__getitem__, reversed(order)), reversed(order), strict=True))
        taken_starts: list[int] = []
        taken_ends: list[int] = []
        placed: list[int] = []
        for start, end in dict.fromkeys(map(spans.__getitem__, order)):
            at = bisect_left(taken_starts, start)
            if (at and taken_ends[at - 1] > start) or (
                at < len(taken_starts) and taken_starts[at] < end
            ):
                continue
            taken_starts.insert(at, start)
            taken_ends.insert(at, end)
            placed.append(first[start, end])
        exact += len(placed)
        orphaned += len(layer) - len(placed)
        # Orphaned now, and not before; placed again after being orphaned (a "check me" mark
        # would stay).
        newly = list(filterfalse(set(placed).__contains__, layer))
        again: list[int] = []
        if any_orphaned:
            newly = [i for i in newly if anchors[i] != _ORPHANED]
            again = [i for i in placed if anchors[i] == _ORPHANED]
        changed += newly
        changed += again
        new_anchors += [_ORPHANED] * len(newly)
        new_anchors += [_EXACT] * len(again)
    keys = list(map(ids.__getitem__, changed))
    changing = list(map(values.__getitem__, changed))
    if not stored_form:
        return RecordsAttached(exact, orphaned, _with_anchors(keys, changing, new_anchors))
    # In the stored form an exact record has no anchor: ``record.get("anchor")`` of each,
    # without reading the records again (900 of an article of 1,000 in a dense import).
    was = list(map(anchors.__getitem__, changed))
    before = dict(zip(keys, map(_STORED_ANCHORS.get, was, was), strict=True))
    return RecordsAttached(exact, orphaned, set_anchors(keys, changing, new_anchors), before)


def _placed_as_they_are(
    values: Sequence[Mapping[str, Any]],
    article_id: str,
    body: str,
    bounds: tuple[Set[int], Set[int]],
) -> bool:
    """Whether ``attach_records`` would place every record where it is and change none (what
    an import of a team that tagged each sentence once per annotator meets in every article):
    all are the article's, at home (``_all_at_home``, decided the same way), none orphaned,
    and no two of one annotator overlap. False leaves the decision to the general path.

    One pass over the records, the expected quote made once per distinct span: the general
    path's dozen passes in C and a sort per layer cost three times as much (callgrind, 40
    records). A layer overlaps itself if it holds a span twice; else, if no two distinct spans
    overlap at all (the annotators tagged the same sentences), no layer's spans do."""
    bounds_start, bounds_end = bounds
    context = QUOTE_CONTEXT
    expected: dict[tuple[int, int], dict[str, str]] = {}
    known = expected.get
    layer_spans: set[tuple[str, int, int]] = set()
    add = layer_spans.add
    for record in values:
        start = record["start"]
        end = record["end"]
        span = start, end
        quote = known(span)
        if quote is None:
            if not (start < end and start in bounds_start and end in bounds_end):
                return False
            prefix = body[start - context if start > context else 0 : start]
            suffix = body[end : end + context]
            if not (prefix.strip() or suffix.strip()):
                return False
            quote = expected[span] = {"exact": body[start:end], "prefix": prefix, "suffix": suffix}
        if (
            record["quote"] != quote
            or record["article_id"] != article_id
            or ("anchor" in record and record["anchor"] == _ORPHANED)
        ):
            return False
        add((record["annotator"], start, end))
    if len(layer_spans) != len(values):
        return False  # a span tagged twice by one annotator: all but one are orphaned
    last_end = 0
    for start, end in sorted(expected):
        if start < last_end:
            return _layers_apart(layer_spans)
        last_end = end
    return True


def _layers_apart(layer_spans: Iterable[tuple[str, int, int]]) -> bool:
    """Whether no two of one annotator's spans (annotator, start, end; each once, none empty)
    overlap: sorted, each span of a layer ends at or before the next one starts."""
    ordered = sorted(layer_spans)
    return all(a[0] != b[0] or a[2] <= b[1] for a, b in pairwise(ordered))


def _all_at_home(
    spans: Sequence[tuple[int, int]],
    quotes: Sequence[Mapping[str, Any]],
    body: str,
    bounds: tuple[Set[int], Set[int]],
) -> bool:
    """Whether every record (its offsets and stored quote) is at home (``anchoring.at_home``;
    ``bounds``: where the text's sentences start and end).

    At home, a quote is exactly what ``Quote.from_body`` makes of its offsets, so the parts of
    the quote each distinct span must have are made once and each record's compared with them:
    an article's annotations share a few hundred spans (two annotators, each tagging a
    sentence several times), and one comparison a record costs a fifth of ``at_home``'s ten
    column tests. A record the comparison does not settle (a stored quote without its empty
    prefix) is judged by those tests."""
    bounds_start, bounds_end = bounds
    expected: dict[tuple[int, int], tuple[str, str, str]] = {}
    context = QUOTE_CONTEXT
    for start, end in set(spans):
        if start < end and start in bounds_start and end in bounds_end:
            # ``Quote.from_body``'s parts, sliced here (the Quote itself cost half the check)
            prefix = body[start - context if start > context else 0 : start]
            suffix = body[end : end + context]
            if prefix.strip() or suffix.strip():  # some context beyond white space
                expected[start, end] = (body[start:end], prefix, suffix)
    try:
        # Equal parts pass every one of the tests below (which look at no other key of a
        # quote). As tuples, not dicts: half the time of this check (timeit, 40 records).
        if all(map(eq, map(expected.get, spans), map(_R_QUOTE_PARTS, quotes))):
            return True
    except KeyError:  # a quote without its empty prefix or suffix: the tests decide
        pass
    tests = home_tests(
        [start for start, _ in spans],
        [end for _, end in spans],
        list(map(_R_EXACT, quotes)),
        list(map(_R_PREFIX, quotes)),
        list(map(_R_SUFFIX, quotes)),
        body,
        bounds,
    )
    return all(map(all, tests))


_SECOND = itemgetter(1)
_THIRD = itemgetter(2)
_R_FIELDS = itemgetter("article_id", "start", "end", "quote", "annotator")
_R_QUOTE = itemgetter("quote")
_R_EXACT = itemgetter("exact")
_R_QUOTE_PARTS = itemgetter("exact", "prefix", "suffix")
_R_PREFIX = methodcaller("get", "prefix", "")
_R_SUFFIX = methodcaller("get", "suffix", "")
_R_ANCHOR = methodcaller("get", "anchor", AnchorState.EXACT.value)
_STORED_ANCHORS: dict[str, str | None] = {AnchorState.EXACT.value: None}
_R_CREATED = itemgetter("created")
_R_UPDATED = methodcaller("get", "updated", "")
_EXACT = AnchorState.EXACT.value
_ORPHANED = AnchorState.ORPHANED.value


def _with_anchors(
    keys: Sequence[str], records: Sequence[Mapping[str, Any]], anchors: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """By key, ``to_stored(replace(from_stored(key, record), anchor=anchor))`` of each record
    and its new anchor, made from the record in one pass without the annotation (half the
    cost of checking that a record is already in that form and copying it; the tests compare
    the two byte for byte)."""
    made: dict[str, dict[str, Any]] = {}
    for key, record, anchor in zip(keys, records, anchors, strict=True):
        quote = record["quote"]
        created = record["created"]
        stored = {
            "article_id": record["article_id"],
            "start": record["start"],
            "end": record["end"],
            "tag": record["tag"],
            "quote": {
                "exact": quote["exact"],
                "prefix": quote.get("prefix", ""),
                "suffix": quote.get("suffix", ""),
            },
            "annotator": record["annotator"],
        }
        note = record.get("note")
        if note:
            stored["note"] = note
        stored["created"] = created
        updated = record.get("updated") or created
        if updated != created:
            stored["updated"] = updated
        if anchor != _EXACT:
            stored["anchor"] = anchor
        provenance = record.get("provenance", _HAND)
        if provenance != _HAND:
            stored["provenance"] = provenance
        made[key] = stored
    return made


_HAND = Provenance.HAND.value


def set_anchors(
    keys: Sequence[str], changing: Sequence[Mapping[str, Any]], anchors: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """``_with_anchors`` of records already in the form ``to_stored`` gives, changed in place:
    the anchor is the one key that changes, and it comes last but for ``provenance`` (90% of a
    dense import's records change: 2.4 ms an article of 1,000 to copy them, 0.3 ms here). Its
    own inverse: setting the anchors a record had gives it back byte for byte, key order
    included (``imports.ArticleRecords.records`` of runs attached while staging)."""
    records = cast(Sequence[dict[str, Any]], changing)  # ``stored_form``: the caller's dicts
    for record, anchor in zip(records, anchors, strict=True):
        if anchor == _EXACT:
            record.pop("anchor", None)
        elif "anchor" in record:
            record["anchor"] = anchor
        else:
            provenance = record.pop("provenance", None)
            record["anchor"] = anchor
            if provenance is not None:
                record["provenance"] = provenance
    return dict(zip(keys, records, strict=True))


def _layers(annotations: Iterable[Annotation]) -> list[list[Annotation]]:
    """Each annotator's annotations (by name), in the order given: a stable sort, one pass
    when they come by annotator already."""
    ordered = sorted(annotations, key=_ANNOTATOR)
    return [list(layer) for _, layer in groupby(ordered, key=_ANNOTATOR)]


_ANNOTATOR = attrgetter("annotator")


def replay_conflict(
    remove: Sequence[Annotation],
    restore: Sequence[Annotation],
    stored: Mapping[str, Annotation | None],
    layer_overlaps: Mapping[str, Sequence[Annotation]],
) -> bool:
    """Whether an undo (or redo) that removes ``remove`` and puts back ``restore`` would clobber
    something changed since in another window: a record to remove is no longer as this window
    left it (``stored``: the current record of each id involved), a record to restore was
    re-made meanwhile, or a restored record would overlap a placed record of its layer that
    the step does not remove (``layer_overlaps``: by restored id)."""
    leaving = {a.id for a in remove}
    for a in remove:
        if stored.get(a.id) != a:
            return True
    for a in restore:
        if a.id not in leaving and stored.get(a.id) is not None:
            return True
        if any(o.id not in leaving for o in layer_overlaps.get(a.id, ())):
            return True
    return False

"""How many sentences carry each tag: what the article list, the ``i`` screen, the library view
and ``tuireader stats`` count, all by this one rule.

Counts are of sentences, within one annotator's layer: a sentence counts once for a tag however
many of that layer's annotations of the tag touch it (a sentence tagged in two parts shows F1,
not F2), and under ONE tag when its parts carry different tags: the layer's value of the
sentence by ``agreement.sentence_pick`` (the most recently updated), as the gutter, the status
line, the compare view and ``agree`` read it (a fact part, then a speculation part: S1, F0,
1 tagged; it counted F1 and S1, so the ``i`` box's Untagged went to -1). Orphaned annotations
have no place in the text and count nowhere.

Over several layers (``tuireader stats`` of everyone) a sentence counts once however many
annotators tagged it: "tagged" is the sentences tagged by anyone, never more than the article
has (it added up the layers once: 13 tagged of 6 sentences with two annotators). Each
annotator's own figure is their layer's count (``article_counts``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import attrgetter, eq, ne

from tuireader.agreement import sentence_pick
from tuireader.annotations import AnchorState, TagSpan
from tuireader.sentences import Sentence


@dataclass(frozen=True)
class SentenceCounts:
    by_tag: Mapping[str, int] = field(default_factory=dict)
    """Sentences carrying each tag (tags with none are left out)."""
    tagged: int = 0
    """Sentences carrying any tag: at most the sum of ``by_tag``, less when one sentence
    carries two tags (in two parts)."""


def layer_counts(annotations: Iterable[TagSpan], sentences: Sequence[Sentence]) -> SentenceCounts:
    """Sentences per tag, and tagged, of one layer's annotations of one article (``sentences``
    are the article's, in order); of several layers' together, a sentence counts once whoever
    tagged it."""
    rows, ranges, starts, ends = _sentence_ranges(annotations, sentences)
    if not all(ranges):
        # Some annotation covers no sentence (past the text, an empty span): whether its tag
        # is counted at all (as 0) is decided one annotation at a time.
        return _counts_one_by_one(rows, starts, ends)
    per_tag = _covered_by(list(map(_TAG, rows)), ranges)
    tagged = set().union(*per_tag.values())
    if sum(map(len, per_tag.values())) > len(tagged):
        per_tag = _one_value_each(rows, ranges, per_tag)
    return SentenceCounts({tag: len(found) for tag, found in per_tag.items()}, len(tagged))


def _one_value_each(
    rows: Sequence[TagSpan], ranges: Iterable[range], per_tag: Mapping[str, set[int]]
) -> dict[str, set[int]]:
    """``per_tag`` where one layer gives a sentence two tags (parts of it tagged differently):
    each layer's sentence counts under its one value (``agreement.sentence_pick``, as the
    compare view and ``agree`` read it); sentences tagged by two layers differently count under
    both. ``ranges[i]`` are ``rows[i]``'s sentences. Only run when some sentence carries two
    tags."""
    picked: dict[tuple[str, int], TagSpan] = {}
    for row, covered in zip(rows, ranges, strict=True):
        who = _ANNOTATOR(row)
        for index in covered:
            known = picked.get((who, index))
            picked[(who, index)] = row if known is None else sentence_pick((known, row)) or row
    found: dict[str, set[int]] = {tag: set() for tag in per_tag}
    for (_who, index), row in picked.items():
        found.setdefault(row.tag, set()).add(index)
    return found


def _sentence_ranges(
    annotations: Iterable[TagSpan], sentences: Sequence[Sentence]
) -> tuple[list[TagSpan], list[range], list[int], list[int]]:
    """The placed annotations (orphans left out), each one's sentences as a range (empty for
    one that covers none), and the sentences' starts and ends."""
    # ``sentences.sentence_range`` of each annotation, bisecting the article's bounds once
    # listed (a bisection with a key calls it at every step: half of ``stats``), a column at a
    # time in C (a loop turn per annotation was half of ``stats``).
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    rows = list(annotations)
    if AnchorState.ORPHANED in set(map(_ANCHOR, rows)):
        rows = list(compress(rows, map(ne, map(_ANCHOR, rows), repeat(AnchorState.ORPHANED))))
    firsts = list(map(bisect_right, repeat(ends), map(_START, rows)))
    ranges = list(map(range, firsts, map(bisect_left, repeat(starts), map(_END, rows), firsts)))
    return rows, ranges, starts, ends


def _covered_by(keys: Sequence[str], ranges: Sequence[range]) -> dict[str, set[int]]:
    """The sentences covered by the ranges of each key (``keys[i]`` is ``ranges[i]``'s tag or
    annotator), in order of first appearance."""
    return {
        key: set(chain.from_iterable(compress(ranges, map(eq, keys, repeat(key)))))
        for key in dict.fromkeys(keys)
    }


_ANCHOR, _START, _END, _TAG = map(attrgetter, ("anchor", "start", "end", "tag"))


def _counts_one_by_one(
    annotations: Sequence[TagSpan], starts: Sequence[int], ends: Sequence[int]
) -> SentenceCounts:
    count = len(starts)
    per_tag: dict[str, set[int]] = {}
    tagged: set[int] = set()
    placed: list[tuple[TagSpan, range]] = []
    for annotation in annotations:
        start, end = annotation.start, annotation.end
        first = bisect_right(ends, start)
        if first == count or starts[first] >= max(end, start + 1):
            continue
        covered = range(first, bisect_left(starts, end, first))
        per_tag.setdefault(annotation.tag, set()).update(covered)
        tagged.update(covered)
        placed.append((annotation, covered))
    if sum(map(len, per_tag.values())) > len(tagged):
        rows, ranges = zip(*placed, strict=True)
        per_tag = _one_value_each(rows, ranges, per_tag)
    return SentenceCounts({tag: len(found) for tag, found in per_tag.items()}, len(tagged))


def article_counts(
    annotations: Iterable[TagSpan], sentences: Sequence[Sentence]
) -> tuple[SentenceCounts, dict[str, int]]:
    """``layer_counts`` of one article's annotations of every layer together (a sentence counts
    once for a tag, and once as tagged, whoever tagged it), and the sentences each
    annotator tagged (their layer's ``layer_counts(...).tagged``), each annotation's sentences
    found once."""
    rows, ranges, _, _ = _sentence_ranges(annotations, sentences)
    if not all(ranges):  # some cover no sentence (past the text): they count nowhere
        rows, ranges = list(compress(rows, ranges)), [r for r in ranges if r]
    per_tag = _covered_by(list(map(_TAG, rows)), ranges)
    per_annotator = _covered_by(list(map(_ANNOTATOR, rows)), ranges)
    tagged = set().union(*per_tag.values())
    if sum(map(len, per_tag.values())) > len(tagged):
        per_tag = _one_value_each(rows, ranges, per_tag)
    by_tag = {tag: len(found) for tag, found in per_tag.items()}
    return SentenceCounts(by_tag, len(tagged)), {k: len(v) for k, v in per_annotator.items()}


_ANNOTATOR = attrgetter("annotator")

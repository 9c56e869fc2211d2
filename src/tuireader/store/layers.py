"""One annotator's placed annotations on one article, ordered for overlap queries."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from operator import attrgetter

from tuireader.annotations import Annotation

Entry = tuple[int, int, str, Annotation]
"""``(start, end, id, annotation)``: ids are unique, so tuples compare natively and never reach the
annotation (a key function would be called ~30 times per insert)."""

CHUNK = 256
"""Target length of a ``SpanIndex`` chunk: an insert moves at most ~2x this many pointers."""


BULK = 200
"""A change with more records than this rebuilds the articles' ``SpanIndex`` instead."""


_START = attrgetter("start")
_END = attrgetter("end")
_ID = attrgetter("id")


def entry(ann: Annotation) -> Entry:
    return ann.start, ann.end, ann.id, ann


class SpanIndex:
    """One article's placed annotations in (start, end, id) order, for overlap queries in
    O(log n + k) and inserts and deletes in O(log n + CHUNK).

    A list of sorted chunks, not one flat list: inserting into the middle of a flat list of
    25,000 pointers costs ~15 µs here, and accepting 10,000 suggestions does that 10,000 times.
    Overlap queries start ``longest`` characters before the query, so they stay correct even if
    placed annotations overlap (imports do not check), without scanning everything.
    """

    __slots__ = ("_chunks", "_longest", "_maxes")

    def __init__(self, items: Iterable[Annotation] = ()) -> None:
        items = list(items)
        # The entries made by C-level passes (no call per annotation); sorting items already
        # in order, as a shard written in order holds them, costs one pass.
        columns = map(_START, items), map(_END, items), map(_ID, items)
        ordered = sorted(zip(*columns, items, strict=True))
        self._chunks = [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]
        self._maxes = [c[-1] for c in self._chunks]
        self._longest = max((e[1] - e[0] for e in ordered), default=0)
        """An upper bound of ``end - start`` (only grows until the index is rebuilt)."""

    def copy(self) -> SpanIndex:
        new = SpanIndex()
        new._chunks = [list(c) for c in self._chunks]
        new._maxes = list(self._maxes)
        new._longest = self._longest
        return new

    def __iter__(self) -> Iterator[Annotation]:
        for chunk in self._chunks:
            for e in chunk:
                yield e[3]

    def __len__(self) -> int:
        return sum(len(c) for c in self._chunks)

    def add(self, ann: Annotation) -> None:
        new = entry(ann)
        self._longest = max(self._longest, ann.end - ann.start)
        chunks, maxes = self._chunks, self._maxes
        if not chunks:
            chunks.append([new])
            maxes.append(new)
            return
        i = min(bisect_left(maxes, new), len(maxes) - 1)
        chunk = chunks[i]
        insort(chunk, new)
        maxes[i] = chunk[-1]
        if len(chunk) > 2 * CHUNK:
            half = len(chunk) // 2
            chunks[i : i + 1] = [chunk[:half], chunk[half:]]
            maxes[i : i + 1] = [chunk[half - 1], chunk[-1]]

    def remove(self, ann: Annotation) -> bool:
        """Remove the entry with ``ann``'s start, end and id; False if there is none."""
        key = (ann.start, ann.end, ann.id)
        chunks, maxes = self._chunks, self._maxes
        i = bisect_left(maxes, key)
        if i == len(maxes):
            return False
        chunk = chunks[i]
        j = bisect_left(chunk, key)
        if j == len(chunk) or chunk[j][2] != ann.id:
            return False
        del chunk[j]
        if chunk:
            maxes[i] = chunk[-1]
        else:
            del chunks[i], maxes[i]
        return True

    def overlapping(self, start: int, end: int) -> list[Annotation]:
        """Entries overlapping ``start..end``, in order."""
        chunks = self._chunks
        low = (start - self._longest,)
        i = bisect_left(self._maxes, low)
        found: list[Annotation] = []
        j = bisect_left(chunks[i], low) if i < len(chunks) else 0
        while i < len(chunks):
            chunk = chunks[i]
            for k in range(j, len(chunk)):
                e = chunk[k]
                if e[0] >= end:
                    return found
                if e[1] > start:
                    found.append(e[3])
            i, j = i + 1, 0
        return found

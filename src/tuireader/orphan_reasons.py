"""Why annotations were kept aside (orphaned) when their article was attached, said truthfully.

A layer's placed annotations never overlap (docs/storage.md, "Layers: one per annotator"), so an
annotation whose words are still in the text but overlap another annotation of the same
annotator (two imports of one layer, say) is kept aside like one whose words are gone. Telling
that user "no longer match the text" sends them looking for an edit that never happened.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tuireader.annotations import AnchorState, Annotation

OCCURRENCES = 50
"""Occurrences of a moved quote looked at (a quote of one common word can occur thousands of
times in a book; the first few settle the reason)."""


@dataclass(frozen=True, slots=True)
class KeptAside:
    """One annotator's orphans of an attach, by reason."""

    overlapping: int = 0
    """Their words are in the text, where another annotation of the same layer is placed."""
    unmatched: int = 0
    """Their words are no longer in the text."""
    uncertain: int = 0
    """Their words are in the text, but not where they can be placed with certainty."""

    def lines(self) -> list[str]:
        """One notice line per reason, for the layer's owner."""
        out: list[str] = []
        if self.overlapping:
            out.append(
                f"{self.overlapping} annotation(s) of yours overlap another tag of the same "
                "annotator and were kept aside (orphaned); their words are unchanged."
            )
        if self.unmatched:
            out.append(
                f"{self.unmatched} annotation(s) of yours no longer match the text and were "
                "kept aside (orphaned)."
            )
        if self.uncertain:
            out.append(
                f"{self.uncertain} annotation(s) of yours could not be placed with certainty "
                "(their words occur elsewhere in the text) and were kept aside (orphaned)."
            )
        return out


def kept_aside(
    orphans: Iterable[Annotation], placed: Sequence[Annotation], body: str, annotator: str
) -> KeptAside:
    """Why each of ``annotator``'s ``orphans`` was kept aside, given that layer's ``placed``
    annotations on the article (``body``); other annotators' orphans are not counted."""
    spans = sorted(
        (a.start, a.end)
        for a in placed
        if a.annotator == annotator and a.anchor is not AnchorState.ORPHANED
    )
    starts = [s for s, _ in spans]
    counts = [0, 0, 0]
    for orphan in orphans:
        if orphan.annotator != annotator:
            continue
        exact = orphan.quote.exact
        if exact and body[orphan.start : orphan.end] == exact:
            where = [(orphan.start, orphan.end)]
        else:
            where = list(_occurrences(body, exact))
        if not where:
            counts[1] += 1
        elif any(_overlaps(spans, starts, start, end) for start, end in where):
            counts[0] += 1
        else:
            counts[2] += 1
    return KeptAside(*counts)


def _occurrences(body: str, exact: str) -> Iterable[tuple[int, int]]:
    if not exact:
        return
    at = body.find(exact)
    for _ in range(OCCURRENCES):
        if at < 0:
            return
        yield at, at + len(exact)
        at = body.find(exact, at + 1)


def _overlaps(
    spans: Sequence[tuple[int, int]], starts: Sequence[int], start: int, end: int
) -> bool:
    """Whether ``start:end`` overlaps one of ``spans`` (sorted, never overlapping each other, so
    only the last one starting before ``end`` can)."""
    i = bisect_right(starts, end - 1)
    return i > 0 and spans[i - 1][1] > start

"""Why annotations were kept aside (orphaned) when their article was attached, said truthfully.

Re-anchoring says why it orphaned each one (``anchoring.OrphanReason``, carried by the attach's
report); that reason is the one told. Only an orphan without one (kept aside before, by an older
version, and not re-anchored now) has its reason worked out here from where its words are.

A layer's placed annotations never overlap (docs/storage.md, "Layers: one per annotator"), so an
annotation whose words are still in the text but overlap another annotation of the same
annotator (two imports of one layer, say) is kept aside like one whose words are gone. Telling
that user "no longer match the text" sends them looking for an edit that never happened.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tuireader.anchoring import OrphanReason
from tuireader.annotations import AnchorState, Annotation
from tuireader.plural import counted

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
    """Their words are in the text, but not where they can be placed with certainty (worked
    out for an orphan without a recorded reason)."""
    ambiguous: int = 0
    """Their words occur more than once, and none is certainly the one they were made on."""
    far: int = 0
    """Their words are only found far from where they were."""
    changed_around: int = 0
    """Their words are there, but the sentence around them changed."""

    @property
    def total(self) -> int:
        return sum(count for count, _ in self._counts())

    def summary(self) -> str:
        """One short phrase for the status line: how many, and why ("" when none)."""
        counts = [(count, why) for count, why in self._counts() if count]
        if not counts:
            return ""
        reasons = ", ".join(f"{count} {why}" for count, why in counts)
        return f"{self.total} of yours kept aside ({reasons})"

    def _counts(self) -> list[tuple[int, str]]:
        return [
            (self.overlapping, "overlapping"),
            (self.unmatched, "with words gone"),
            (self.uncertain, "uncertain"),
            (self.ambiguous, "found more than once"),
            (self.far, "found only far away"),
            (self.changed_around, "with sentence changed"),
        ]

    def lines(self) -> list[str]:
        """One notice line per reason, for the layer's owner."""
        out: list[str] = []

        def said(n: int, one: str, many: str) -> str:
            return counted(n, "annotation") + " of yours " + (one if n == 1 else many)

        if self.overlapping:
            out.append(
                said(
                    self.overlapping,
                    "overlaps another tag of the same annotator and was kept aside (orphaned); "
                    "its words are unchanged.",
                    "overlap another tag of the same annotator and were kept aside (orphaned); "
                    "their words are unchanged.",
                )
            )
        if self.unmatched:
            out.append(
                said(
                    self.unmatched,
                    "no longer matches the text and was kept aside (orphaned).",
                    "no longer match the text and were kept aside (orphaned).",
                )
            )
        if self.uncertain:
            out.append(
                said(
                    self.uncertain,
                    "could not be placed with certainty (its words occur elsewhere in the "
                    "text) and was kept aside (orphaned).",
                    "could not be placed with certainty (their words occur elsewhere in the "
                    "text) and were kept aside (orphaned).",
                )
            )
        if self.ambiguous:
            out.append(
                said(
                    self.ambiguous,
                    "was kept aside (orphaned): its words occur more than once and none is "
                    "certainly its own.",
                    "were kept aside (orphaned): their words occur more than once and none is "
                    "certainly theirs.",
                )
            )
        if self.far:
            out.append(
                said(
                    self.far,
                    "was kept aside (orphaned): its words are only found far from where they were.",
                    "were kept aside (orphaned): their words are only found far from where they "
                    "were.",
                )
            )
        if self.changed_around:
            out.append(
                said(
                    self.changed_around,
                    "was kept aside (orphaned): its words are there, but the sentence around "
                    "them changed.",
                    "were kept aside (orphaned): their words are there, but the sentence "
                    "around them changed.",
                )
            )
        return out


_FIELD_OF = {
    OrphanReason.OVERLAP: "overlapping",
    OrphanReason.NOT_FOUND: "unmatched",
    OrphanReason.AMBIGUOUS: "ambiguous",
    OrphanReason.OUTSIDE_WINDOW: "far",
    OrphanReason.SENTENCE_GONE: "changed_around",
}
"""The ``KeptAside`` count of each reason re-anchoring gives."""


def kept_aside(
    orphans: Iterable[Annotation],
    placed: Sequence[Annotation],
    body: str,
    annotator: str,
    reasons: Mapping[str, OrphanReason] | None = None,
) -> KeptAside:
    """Why each of ``annotator``'s ``orphans`` was kept aside: its reason in ``reasons`` (by
    id, as re-anchoring decided it), else worked out from that layer's ``placed`` annotations
    on the article (``body``); other annotators' orphans are not counted."""
    reasons = reasons or {}
    counts = dict.fromkeys(_FIELD_OF.values(), 0) | {"uncertain": 0}
    unknown: list[Annotation] = []
    for orphan in orphans:
        if orphan.annotator != annotator:
            continue
        reason = reasons.get(orphan.id)
        if reason is None:
            unknown.append(orphan)
        else:
            counts[_FIELD_OF[reason]] += 1
    if not unknown:
        return KeptAside(**counts)
    spans = sorted(
        (a.start, a.end)
        for a in placed
        if a.annotator == annotator and a.anchor is not AnchorState.ORPHANED
    )
    starts = [s for s, _ in spans]
    for orphan in unknown:
        exact = orphan.quote.exact
        if exact and body[orphan.start : orphan.end] == exact:
            where = [(orphan.start, orphan.end)]
        else:
            where = list(_occurrences(body, exact))
        if not where:
            counts["unmatched"] += 1
        elif any(_overlaps(spans, starts, start, end) for start, end in where):
            counts["overlapping"] += 1
        else:
            counts["uncertain"] += 1
    return KeptAside(**counts)


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

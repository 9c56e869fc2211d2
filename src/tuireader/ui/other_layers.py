"""Where the other annotators' tags of the open article lie, so the status line names them
under the cursor without asking the store on every move: the store's lock may be held by the
writer thread (a tag being written, a compaction), and a cursor move must not wait for it."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from tuireader.annotations import Annotation
from tuireader.ui.same_objects import Remembered


@dataclass(frozen=True)
class OtherLayers:
    """The placed annotations of every annotator but one, as sorted (start, end, name) spans."""

    spans: tuple[tuple[int, int, str], ...]
    longest: int
    """The longest span: a query starts that far back, so overlapping spans are never missed."""

    @classmethod
    def of(cls, annotations: Iterable[Annotation], me: str) -> OtherLayers:
        return _spans_of(me)(tuple(annotations))

    def names_at(self, start: int, end: int) -> list[str]:
        """The annotators (sorted, each once) with a tag overlapping ``start..end``."""
        spans = self.spans
        i = bisect_left(spans, (start - self.longest,))
        names: set[str] = set()
        while i < len(spans) and spans[i][0] < end:
            if spans[i][1] > start:
                names.add(spans[i][2])
            i += 1
        return sorted(names)


@lru_cache(maxsize=4)
def _spans_of(me: str) -> Remembered[Annotation, OtherLayers]:
    """``OtherLayers.of`` for annotator ``me``: an article's layers read again unchanged (each
    look at another window's write reads them) are not sorted again."""

    def of(annotations: tuple[Annotation, ...]) -> OtherLayers:
        spans = tuple(
            sorted((a.start, a.end, a.annotator) for a in annotations if a.annotator != me)
        )
        return OtherLayers(spans, max((end - start for start, end, _ in spans), default=0))

    return Remembered(of, size=2)

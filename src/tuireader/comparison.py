"""Several annotators' tags on one article, sentence by sentence: what the compare view shows.

Pure data: the reader draws it (one gutter column per annotator) and the adjudication walks its
disagreements. A sentence is a disagreement when the compared annotators (shown or not) do not all
give it the same value, "no tag" included (one tagged it, another left it untagged): ``D`` and
``agree`` judge an adjudication over every one of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tuireader.agreement import NO_TAG, sentence_values
from tuireader.annotations import Annotation
from tuireader.sentences import Sentence

MAX_COLUMNS = 8
"""Annotator columns the gutter shows; beyond this the view says how many are not shown."""


@dataclass(frozen=True)
class Comparison:
    annotators: tuple[str, ...]
    """The annotators shown, in column order."""
    hidden: tuple[str, ...]
    """Annotators compared but not shown (more than ``MAX_COLUMNS``)."""
    values: tuple[tuple[str, ...], ...]
    """Per sentence, one value per shown annotator: a tag id or ``NO_TAG``."""
    disagreements: tuple[int, ...]
    """Indexes of the sentences the compared annotators (hidden ones too) disagree on,
    ascending."""
    agreed: tuple[str | None, ...] = ()
    """Per sentence, the tag every compared annotator (hidden ones too) gave it, else None
    ("no tag" all round, or a disagreement); empty: none known."""

    def disagrees(self, index: int) -> bool:
        i = bisect_left(self.disagreements, index)
        return i < len(self.disagreements) and self.disagreements[i] == index

    def next_disagreement(self, index: int, direction: int) -> int | None:
        """The first disagreement after (``direction`` 1) or before (-1) sentence ``index``."""
        found = self.disagreements
        if direction > 0:
            i = bisect_right(found, index)
            return found[i] if i < len(found) else None
        i = bisect_left(found, index)
        return found[i - 1] if i > 0 else None

    def of(self, index: int) -> list[tuple[str, str]]:
        """``(annotator, value)`` for sentence ``index``."""
        return list(zip(self.annotators, self.values[index], strict=True))


def compare(
    sentences: Sequence[Sentence],
    layers: Mapping[str, Iterable[Annotation]],
    order: Sequence[str] = (),
    max_columns: int = MAX_COLUMNS,
) -> Comparison:
    """Compare the annotators of ``layers`` (name -> that annotator's annotations) on one article.

    Columns follow ``order`` (e.g. the opener first), then the other names alphabetically.
    """
    names = [n for n in order if n in layers]
    names += sorted(n for n in layers if n not in names)
    shown, hidden = names[:max_columns], names[max_columns:]
    columns = [sentence_values(sentences, layers[name]) for name in names]
    rows = list(zip(*columns, strict=True)) if columns else [() for _ in sentences]
    values = tuple(row[: len(shown)] for row in rows)
    several = len(names) > 1
    disagreements = tuple(i for i, row in enumerate(rows) if several and len(set(row)) > 1)
    agreed = tuple(
        row[0] if several and row[0] != NO_TAG and len(set(row)) == 1 else None for row in rows
    )
    return Comparison(tuple(shown), tuple(hidden), values, disagreements, agreed)


__all__ = ["MAX_COLUMNS", "NO_TAG", "Comparison", "compare"]

"""Inter-annotator agreement on sentence tags: percentage agreement, Cohen's κ, Fleiss' κ and
Krippendorff's α (nominal), overall and per tag, plus the confusion table of two annotators.

The unit is the sentence. Each annotator gives each unit one value: a tag id, ``NO_TAG`` (a
category of its own: "this sentence is none of the tags") or ``None`` (missing: that annotator did
not rate the unit). Per tag, every value is reduced to "this tag" or "not this tag" (``OTHER``),
missing values staying missing, and the same four figures are computed on that.

The formulas are written here (no MIT-compatible, maintained library covers all four with missing
values); the tests check them against published worked examples and against NLTK's independent
implementation. Which units each figure uses:

* percentage agreement: every unit with at least two values; per unit the share of agreeing pairs
  of values, averaged over units (for two annotators: the share of units they agree on);
* Cohen's κ (Cohen 1960): only with exactly two annotators, units both rated;
* Fleiss' κ (Fleiss 1971): units every annotator rated (the formula needs the same number of
  ratings per unit);
* Krippendorff's α (nominal, via the coincidence matrix): every unit with at least two values.

A figure is ``None`` where it is undefined: no usable unit, or chance agreement of 1 (everyone
used a single category, so there is no variation to agree on).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tuireader.annotations import TagSpan
from tuireader.sentences import Sentence

NO_TAG = "(no tag)"
"""The category of a sentence an annotator left untagged (not a valid tag id: it has spaces)."""
OTHER = "(other)"
"""In per-tag figures: any value but the tag in question."""

Value = str | None
_Span = TypeVar("_Span", bound=TagSpan)
Unit = Sequence[Value]
"""One sentence: one value per annotator, in the order of the annotators."""


def pick_order(ann: TagSpan) -> tuple[str, int, int, str, str]:
    """Ascending order of precedence among one annotator's annotations on a sentence: the last
    wins. A total order (the id is unique), so the pick is the same however they are listed."""
    return (ann.updated, ann.end - ann.start, -ann.start, ann.tag, ann.id)


def sentence_pick(annotations: Iterable[_Span]) -> _Span | None:
    """THE rule for one annotator's annotations on one sentence (parts of it tagged
    differently, or overlaps an import brought): the one whose tag is the sentence's value, by
    ``pick_order`` (the most recently updated). The gutter, the status line, the compare view,
    ``agree``, ``stats`` and the ``i`` box all read a sentence this way (``sentence_values``)."""
    return max(annotations, key=pick_order, default=None)


@dataclass(frozen=True, slots=True)
class Figures:
    """The agreement figures over one set of units (all tags, or one tag against the rest)."""

    units: int
    """Units with at least two values (the ones any figure can use)."""
    percent_agreement: float | None
    """Observed agreement, 0-100."""
    cohen_kappa: float | None
    fleiss_kappa: float | None
    krippendorff_alpha: float | None

    def to_dict(self, digits: int = 4) -> dict[str, float | int | None]:
        return {
            "units": self.units,
            "percent_agreement": _round(self.percent_agreement, 2),
            "cohen_kappa": _round(self.cohen_kappa, digits),
            "fleiss_kappa": _round(self.fleiss_kappa, digits),
            "krippendorff_alpha": _round(self.krippendorff_alpha, digits),
        }


@dataclass(frozen=True, slots=True)
class Confusion:
    """Two annotators' values against each other: ``counts[(first's, second's)]``."""

    annotators: tuple[str, str]
    categories: tuple[str, ...]
    counts: Mapping[tuple[str, str], int]

    def get(self, first: str, second: str) -> int:
        return self.counts.get((first, second), 0)

    def rows(self) -> list[list[int]]:
        return [[self.get(a, b) for b in self.categories] for a in self.categories]

    def to_dict(self) -> dict[str, object]:
        return {
            "annotators": list(self.annotators),
            "categories": list(self.categories),
            "rows": self.rows(),
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    annotators: tuple[str, ...]
    categories: tuple[str, ...]
    """Every value seen, in display order (tags in the given order, then others, then NO_TAG)."""
    overall: Figures
    per_tag: Mapping[str, Figures]
    confusion: Confusion | None
    """Only for two annotators."""


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


Tally = tuple[Mapping[str, int], int, bool]
"""One unit: how many annotators gave each value, how many values it has, whether complete."""


def _tallies(units: Iterable[Unit]) -> list[Tally]:
    """The units with at least two values (the only ones any figure can use), tallied."""
    out: list[Tally] = []
    for unit in units:
        tally: dict[str, int] = {}
        for value in unit:  # a plain loop: Counter() costs ~5x more on ten values
            if value is not None:
                tally[value] = tally.get(value, 0) + 1
        m = sum(tally.values())
        if m >= 2:
            out.append((tally, m, m == len(unit)))
    return out


def _figures(tallies: Sequence[Tally], pairs: Mapping[tuple[str, str], int] | None) -> Figures:
    """Every figure in one pass over the tallied units (``pairs``: two annotators' table)."""
    agreeing = 0.0  # sum over units of the share of agreeing pairs
    diagonal = 0.0  # Krippendorff: sum of the coincidence matrix's diagonal
    totals: dict[str, int] = {}  # Krippendorff: n_c
    fleiss_agreeing = 0.0
    fleiss_units = 0
    fleiss_totals: dict[str, int] = {}
    raters = 0
    # Plain dicts and loops: Counter.update on a mapping costs ~10 us a call here.
    for tally, m, complete in tallies:
        same = 0
        for value, n in tally.items():
            same += n * (n - 1)
            totals[value] = totals.get(value, 0) + n
        share = same / (m * (m - 1))
        agreeing += share
        diagonal += same / (m - 1)
        if complete:
            fleiss_agreeing += share
            fleiss_units += 1
            raters = m
            for value, n in tally.items():
                fleiss_totals[value] = fleiss_totals.get(value, 0) + n
    percent = 100 * agreeing / len(tallies) if tallies else None
    return Figures(
        units=len(tallies),
        percent_agreement=percent,
        cohen_kappa=None if pairs is None else cohen_kappa_from_table(pairs),
        fleiss_kappa=_fleiss(fleiss_agreeing, fleiss_units, fleiss_totals, raters),
        krippendorff_alpha=_alpha(diagonal, totals),
    )


def _alpha(diagonal: float, totals: Mapping[str, int]) -> float | None:
    # The coincidence matrix kept only as what the nominal metric needs: its diagonal sum and
    # its marginals n_c. Each unit of m values adds n_uc (n_uc - 1) / (m - 1) to o_cc.
    n = sum(totals.values())
    expected = n * n - sum(v * v for v in totals.values())  # sum over c != k of n_c n_k
    if n < 2 or expected == 0:
        return None
    return 1 - (n - 1) * (n - diagonal) / expected


def _fleiss(agreeing: float, units: int, totals: Mapping[str, int], raters: int) -> float | None:
    if units == 0:
        return None
    p_bar = agreeing / units
    p_e = sum((n / (units * raters)) ** 2 for n in totals.values())
    if p_e >= 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def percent_agreement(units: Iterable[Unit]) -> float | None:
    """Mean share of agreeing pairs per unit, 0-100 (two annotators: share of units agreed)."""
    return _figures(_tallies(units), None).percent_agreement


def krippendorff_alpha(units: Iterable[Unit]) -> float | None:
    """Krippendorff's α for nominal data; any number of annotators, missing values allowed."""
    return _figures(_tallies(units), None).krippendorff_alpha


def fleiss_kappa(units: Iterable[Unit]) -> float | None:
    """Fleiss' κ over the units that every annotator rated."""
    return _figures(_tallies(units), None).fleiss_kappa


def fleiss_kappa_from_counts(rows: Iterable[Iterable[int]]) -> float | None:
    """Fleiss' κ from, per unit, how many raters chose each category (same total per unit)."""
    tallies: list[Tally] = []
    for row in rows:
        counts = {str(category): n for category, n in enumerate(row)}
        m = sum(counts.values())
        if tallies and m != tallies[0][1]:
            raise ValueError(f"unit {len(tallies) + 1} has {m} ratings, not {tallies[0][1]}")
        if m < 2:
            return None
        tallies.append((counts, m, True))
    return _figures(tallies, None).fleiss_kappa


def _pairs(units: Iterable[Unit]) -> Counter[tuple[str, str]]:
    return Counter((u[0], u[1]) for u in units if u[0] is not None and u[1] is not None)


def cohen_kappa(units: Iterable[Unit]) -> float | None:
    """Cohen's κ of two annotators over the units both rated."""
    return cohen_kappa_from_table(_pairs(units))


def cohen_kappa_from_table(counts: Mapping[tuple[str, str], int]) -> float | None:
    """Cohen's κ from a confusion table ``{(first's value, second's value): count}``."""
    n = sum(counts.values())
    if n == 0:
        return None
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    agreed = 0
    for (a, b), count in counts.items():
        rows[a] += count
        cols[b] += count
        if a == b:
            agreed += count
    p_o = agreed / n
    p_e = sum(rows[c] * cols[c] for c in rows) / (n * n)
    if p_e >= 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def figures(units: Sequence[Unit], annotators: int) -> Figures:
    """All four figures over ``units`` (each with ``annotators`` values)."""
    if annotators < 2:
        raise ValueError("agreement needs at least two annotators")
    return _figures(_tallies(units), _pairs(units) if annotators == 2 else None)


def _one_against_rest(
    tallies: Sequence[Tally], tag: str, pairs: Mapping[tuple[str, str], int] | None
) -> Figures:
    """``_figures`` of the units reduced to ``tag`` against ``OTHER``, computed from each unit's
    count of ``tag`` without building the reduced units (three tags x 10,000 units of ten
    values: a third of the time of the figures)."""
    agreeing = diagonal = fleiss_agreeing = 0.0
    hits = misses = fleiss_hits = fleiss_misses = fleiss_units = raters = 0
    for tally, m, complete in tallies:
        n = tally.get(tag, 0)
        rest = m - n
        same = n * (n - 1) + rest * (rest - 1)
        share = same / (m * (m - 1))
        agreeing += share
        diagonal += same / (m - 1)
        hits += n
        misses += rest
        if complete:
            fleiss_agreeing += share
            fleiss_units += 1
            raters = m
            fleiss_hits += n
            fleiss_misses += rest
    return Figures(
        units=len(tallies),
        percent_agreement=100 * agreeing / len(tallies) if tallies else None,
        cohen_kappa=None if pairs is None else cohen_kappa_from_table(pairs),
        fleiss_kappa=_fleiss(
            fleiss_agreeing, fleiss_units, {tag: fleiss_hits, OTHER: fleiss_misses}, raters
        ),
        krippendorff_alpha=_alpha(diagonal, {tag: hits, OTHER: misses}),
    )


def _pairs_one_against_rest(
    pairs: Mapping[tuple[str, str], int], tag: str
) -> Counter[tuple[str, str]]:
    binary: Counter[tuple[str, str]] = Counter()
    for (a, b), count in pairs.items():
        binary[(tag if a == tag else OTHER, tag if b == tag else OTHER)] += count
    return binary


def ordered_categories(values: Iterable[str], tag_order: Sequence[str] = ()) -> tuple[str, ...]:
    """Known tags in their order, then any other value alphabetically, then ``NO_TAG``."""
    seen = set(values)
    known = [t for t in tag_order if t in seen]
    rest = sorted(seen - set(known) - {NO_TAG})
    return (*known, *rest, *([NO_TAG] if NO_TAG in seen else []))


def agreement(
    annotators: Sequence[str], units: Sequence[Unit], tag_order: Sequence[str] = ()
) -> Agreement:
    """Every figure for ``units`` rated by ``annotators`` (values in that order in each unit).

    Per tag covers each tag in ``tag_order`` (even one nobody used, whose figures are then
    undefined) and any other tag that occurs.
    """
    if len(annotators) < 2:
        raise ValueError("agreement needs at least two annotators")
    for i, unit in enumerate(units):
        if len(unit) != len(annotators):
            raise ValueError(f"unit {i} has {len(unit)} values for {len(annotators)} annotators")
    used = {v for u in units for v in u if v is not None}
    categories = ordered_categories(used, tag_order)
    tags = ordered_categories(used | set(tag_order) - {NO_TAG}, tag_order)
    tallies = _tallies(units)
    pairs = _pairs(units) if len(annotators) == 2 else None
    per_tag = {
        tag: _one_against_rest(
            tallies, tag, None if pairs is None else _pairs_one_against_rest(pairs, tag)
        )
        for tag in tags
        if tag != NO_TAG
    }
    confusion = None
    if pairs is not None:
        confusion = Confusion((annotators[0], annotators[1]), categories, dict(pairs))
    overall = _figures(tallies, pairs)
    return Agreement(tuple(annotators), categories, overall, per_tag, confusion)


def sentence_values(sentences: Sequence[Sentence], annotations: Iterable[TagSpan]) -> list[str]:
    """One annotator's value for each sentence: the tag of the annotation covering it, else
    ``NO_TAG``. A range annotation gives its tag to each of its sentences; orphaned annotations
    (not placed on the current text) give none.

    Where several of one annotator's annotations fall on one sentence (parts of it, or overlaps
    an import brought), the value is decided by ``pick_order``: the most recently updated wins;
    at the same ``updated`` time the longer annotation, then the one starting first, then the
    greater tag id, then the greater annotation id. So the result never depends on the order the
    annotations are given in."""
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    count = len(sentences)
    values = [NO_TAG] * count
    # Per sentence, the annotation that gave its value: the greatest by ``pick_order`` among
    # those covering it. Only a sentence two annotations touch needs the comparison (one
    # annotator's layer rarely has any), so nothing is sorted until two overlap.
    covered = [False] * count
    placed: list[tuple[TagSpan, int, int]] = []
    overlap = False
    for ann in annotations:
        if ann.anchor == "orphaned" or ann.end <= ann.start:
            continue
        first = bisect_right(ends, ann.start)  # the first sentence ending after the start
        stop = min(max(bisect_left(starts, ann.end), first + 1), count)
        if first >= count:
            continue
        placed.append((ann, first, stop))
        if overlap or any(covered[first:stop]):
            overlap = True
            continue
        covered[first:stop] = [True] * (stop - first)
        values[first:stop] = [ann.tag] * (stop - first)
    if overlap:
        # Written in ascending precedence, so each sentence ends with its greatest (a total
        # order: the same winner as comparing at every sentence, with a key made once each).
        placed.sort(key=_placed_order)
        for ann, first, stop in placed:
            values[first:stop] = [ann.tag] * (stop - first)
    return values


def _placed_order(placed: tuple[TagSpan, int, int]) -> tuple[str, int, int, str, str]:
    return pick_order(placed[0])

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

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from tuireader.annotations import Annotation
from tuireader.sentences import Sentence, sentence_at

NO_TAG = "(no tag)"
"""The category of a sentence an annotator left untagged (not a valid tag id: it has spaces)."""
OTHER = "(other)"
"""In per-tag figures: any value but the tag in question."""

Value = str | None
Unit = Sequence[Value]
"""One sentence: one value per annotator, in the order of the annotators."""

_START = attrgetter("start")


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


def _tallies(units: Iterable[Unit]) -> list[Counter[str]]:
    """Per unit with at least two values, how many annotators gave each value."""
    out = []
    for unit in units:
        tally = Counter(v for v in unit if v is not None)
        if tally.total() >= 2:
            out.append(tally)
    return out


def percent_agreement(units: Iterable[Unit]) -> float | None:
    """Mean share of agreeing pairs per unit, 0-100 (two annotators: share of units agreed)."""
    tallies = _tallies(units)
    if not tallies:
        return None
    total = 0.0
    for tally in tallies:
        m = tally.total()
        total += sum(n * (n - 1) for n in tally.values()) / (m * (m - 1))
    return 100 * total / len(tallies)


def krippendorff_alpha(units: Iterable[Unit]) -> float | None:
    """Krippendorff's α for nominal data; any number of annotators, missing values allowed."""
    return _alpha(_tallies(units))


def _alpha(tallies: Sequence[Counter[str]]) -> float | None:
    # Coincidence matrix, kept only as what the nominal metric needs: its diagonal sum and the
    # marginals n_c. Each unit of m values adds n_uc (n_uc - 1) / (m - 1) to o_cc.
    n_c: Counter[str] = Counter()
    diagonal = 0.0
    for tally in tallies:
        m = tally.total()
        diagonal += sum(n * (n - 1) for n in tally.values()) / (m - 1)
        n_c.update(tally)
    n = n_c.total()
    expected = n * n - sum(v * v for v in n_c.values())  # sum over c != k of n_c n_k
    if n < 2 or expected == 0:
        return None
    return 1 - (n - 1) * (n - diagonal) / expected


def fleiss_kappa_from_counts(rows: Iterable[Iterable[int]]) -> float | None:
    """Fleiss' κ from, per unit, how many raters chose each category (same total per unit)."""
    totals: Counter[int] = Counter()
    p_bar = 0.0
    raters = 0
    subjects = 0
    for row in rows:
        counts = list(row)
        m = sum(counts)
        if subjects == 0:
            raters = m
        elif m != raters:
            raise ValueError(f"unit {subjects + 1} has {m} ratings, not {raters}")
        if m < 2:
            return None
        p_bar += (sum(n * n for n in counts) - m) / (m * (m - 1))
        totals.update(dict(enumerate(counts)))
        subjects += 1
    if subjects == 0:
        return None
    p_bar /= subjects
    all_ratings = subjects * raters
    p_e = sum((n / all_ratings) ** 2 for n in totals.values())
    if p_e >= 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def fleiss_kappa(units: Iterable[Unit]) -> float | None:
    """Fleiss' κ over the units that every annotator rated."""
    complete = [Counter(v for v in u if v is not None) for u in units if None not in u]
    if not complete:
        return None
    categories = sorted({c for tally in complete for c in tally})
    return fleiss_kappa_from_counts([[t[c] for c in categories] for t in complete])


def cohen_kappa(units: Iterable[Unit]) -> float | None:
    """Cohen's κ of two annotators over the units both rated."""
    pairs = Counter((u[0], u[1]) for u in units if u[0] is not None and u[1] is not None)
    return cohen_kappa_from_table(pairs)


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
    tallies = _tallies(units)
    return Figures(
        units=len(tallies),
        percent_agreement=percent_agreement(units),
        cohen_kappa=cohen_kappa(units) if annotators == 2 else None,
        fleiss_kappa=fleiss_kappa(units),
        krippendorff_alpha=_alpha(tallies),
    )


def _one_against_rest(units: Sequence[Unit], tag: str) -> list[tuple[Value, ...]]:
    return [tuple(None if v is None else tag if v == tag else OTHER for v in u) for u in units]


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
    per_tag = {
        tag: figures(_one_against_rest(units, tag), len(annotators))
        for tag in tags
        if tag != NO_TAG
    }
    confusion = None
    if len(annotators) == 2:
        counts = Counter((u[0], u[1]) for u in units if u[0] is not None and u[1] is not None)
        confusion = Confusion((annotators[0], annotators[1]), categories, dict(counts))
    return Agreement(
        tuple(annotators), categories, figures(units, len(annotators)), per_tag, confusion
    )


def sentence_values(sentences: Sequence[Sentence], annotations: Iterable[Annotation]) -> list[str]:
    """One annotator's value for each sentence: the tag of the annotation covering it, else
    ``NO_TAG``. A range annotation gives its tag to each of its sentences; orphaned annotations
    (not placed on the current text) give none. Where one annotator's annotations overlap (only
    imports can make that), the most recently updated wins."""
    values = [NO_TAG] * len(sentences)
    for ann in sorted(annotations, key=attrgetter("updated")):
        if ann.anchor == "orphaned" or ann.end <= ann.start:
            continue
        first = sentence_at(sentences, ann.start)
        if first is None:
            continue
        stop = bisect_left(sentences, ann.end, lo=first, key=_START)
        for i in range(first, max(stop, first + 1)):
            values[i] = ann.tag
    return values

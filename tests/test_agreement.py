"""Agreement figures: published worked examples, NLTK as an independent implementation, and the
sentence-unit rules (a range counts for each of its sentences, "no tag" is a category)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.agreement import (
    NO_TAG,
    OTHER,
    agreement,
    cohen_kappa,
    cohen_kappa_from_table,
    figures,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    krippendorff_alpha,
    ordered_categories,
    percent_agreement,
    pick_order,
    sentence_values,
)
from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.articles import from_text

nltk_agreement = pytest.importorskip("nltk.metrics.agreement")

_ = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, nominal values 1-5, missing values shown as _. Published alpha = 0.743.
KRIPPENDORFF_C = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}

# Fleiss (1971), as reproduced in the Wikipedia article "Fleiss' kappa": 10 subjects, 14 raters,
# 5 categories; each row counts the raters choosing each category. Published kappa = 0.210,
# P-bar = 0.378, P-bar-e = 0.213.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def columns_to_units(columns: dict[str, list[int | None]]) -> list[tuple[str | None, ...]]:
    return [
        tuple(None if v is None else str(v) for v in unit)
        for unit in zip(*columns.values(), strict=True)
    ]


def counts_to_units(rows: list[list[int]]) -> list[tuple[str, ...]]:
    """Raters are interchangeable in Fleiss' design: give rater k the k-th rating of the row."""
    return [tuple(str(c) for c, n in enumerate(row) for _ in range(n)) for row in rows]


def test_krippendorff_published_nominal_example() -> None:
    units = columns_to_units(KRIPPENDORFF_C)
    assert round(krippendorff_alpha(units) or 0, 3) == 0.743
    # Unit 12 has a single value and is not pairable: 11 units, n = 40 values.
    assert figures(units, 4).units == 11


def test_fleiss_published_example() -> None:
    assert round(fleiss_kappa_from_counts(FLEISS_1971) or 0, 3) == 0.210
    units = counts_to_units(FLEISS_1971)
    assert round(fleiss_kappa(units) or 0, 3) == 0.210
    # Fleiss' P-bar is the mean pairwise agreement: 0.378.
    assert round((percent_agreement(units) or 0) / 100, 3) == 0.378


def test_cohen_textbook_examples() -> None:
    # Wikipedia "Cohen's kappa", worked example: 50 grant proposals, two readers,
    # yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
    table = {("y", "y"): 20, ("y", "n"): 5, ("n", "y"): 10, ("n", "n"): 15}
    assert cohen_kappa_from_table(table) == pytest.approx(0.4)
    # Same article, "same percentages but different numbers": 45/15/25/15 gives 0.1304 and
    # 25/35/5/35 gives 0.2593, both at p_o = 0.6.
    first = {("y", "y"): 45, ("y", "n"): 15, ("n", "y"): 25, ("n", "n"): 15}
    second = {("y", "y"): 25, ("y", "n"): 35, ("n", "y"): 5, ("n", "n"): 35}
    assert round(cohen_kappa_from_table(first) or 0, 4) == 0.1304
    assert round(cohen_kappa_from_table(second) or 0, 4) == 0.2593
    units = [pair for pair, n in table.items() for _ in range(n)]
    assert cohen_kappa(units) == pytest.approx(0.4)
    assert percent_agreement(units) == pytest.approx(70.0)


def nltk_task(units: Sequence[Sequence[str | None]]) -> object:
    triples = [
        (f"coder{c}", f"unit{i}", v)
        for i, unit in enumerate(units)
        for c, v in enumerate(unit)
        if v is not None
    ]
    return nltk_agreement.AnnotationTask(data=triples)


def test_nltk_agrees_on_the_published_examples() -> None:
    units = columns_to_units(KRIPPENDORFF_C)
    assert krippendorff_alpha(units) == pytest.approx(nltk_task(units).alpha())  # type: ignore[attr-defined]
    fleiss = counts_to_units(FLEISS_1971)
    # NLTK's multi-pi is Fleiss' kappa (Siegel & Castellan's K).
    assert fleiss_kappa(fleiss) == pytest.approx(nltk_task(fleiss).pi())  # type: ignore[attr-defined]


CATEGORIES = st.sampled_from(["fact", "speculation", "expert_opinion", NO_TAG])


@st.composite
def rated_units(draw: st.DrawFn, missing: bool) -> tuple[int, list[tuple[str | None, ...]]]:
    coders = draw(st.integers(2, 5))
    value = st.one_of(st.none(), CATEGORIES) if missing else CATEGORIES
    units = draw(st.lists(st.tuples(*[value] * coders), min_size=1, max_size=40))
    return coders, [tuple(u) for u in units]


@settings(max_examples=150, deadline=None)
@given(rated_units(missing=False))
def test_complete_data_matches_nltk(data: tuple[int, list[tuple[str | None, ...]]]) -> None:
    coders, units = data
    ours = figures(units, coders)
    task = nltk_task(units)
    if ours.krippendorff_alpha is not None:
        assert ours.krippendorff_alpha == pytest.approx(task.alpha())  # type: ignore[attr-defined]
    if ours.fleiss_kappa is not None:
        assert ours.fleiss_kappa == pytest.approx(task.pi())  # type: ignore[attr-defined]
    if coders == 2 and ours.cohen_kappa is not None:
        assert ours.cohen_kappa == pytest.approx(task.kappa())  # type: ignore[attr-defined]
    assert ours.percent_agreement == pytest.approx(100 * task.avg_Ao())  # type: ignore[attr-defined]


@settings(max_examples=150, deadline=None)
@given(rated_units(missing=True))
def test_alpha_with_missing_values_matches_nltk(
    data: tuple[int, list[tuple[str | None, ...]]],
) -> None:
    _coders, units = data
    ours = krippendorff_alpha(units)
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    if ours is None:
        # Undefined: nothing pairable, or a single category in every pairable value.
        assert len({v for u in pairable for v in u if v is not None}) <= 1
        return
    assert ours == pytest.approx(nltk_task(pairable).alpha())  # type: ignore[attr-defined]


def test_undefined_figures_are_none() -> None:
    same = [("fact", "fact")] * 5
    result = figures(same, 2)
    assert result.percent_agreement == 100
    assert result.cohen_kappa is None  # chance agreement is 1: kappa is 0/0
    assert result.fleiss_kappa is None
    assert result.krippendorff_alpha is None
    assert figures([("fact", None)], 2) == figures([], 2)
    assert figures([], 2).units == 0
    with pytest.raises(ValueError, match="two annotators"):
        figures(same, 1)


def test_perfect_and_chance_level_agreement() -> None:
    perfect = [("fact", "fact"), (NO_TAG, NO_TAG), ("speculation", "speculation")]
    result = figures(perfect, 2)
    assert result.cohen_kappa == pytest.approx(1)
    assert result.krippendorff_alpha == pytest.approx(1)
    assert result.fleiss_kappa == pytest.approx(1)
    # Two annotators who swap every answer agree less than chance.
    swapped = [("fact", NO_TAG), (NO_TAG, "fact")] * 3
    assert (figures(swapped, 2).cohen_kappa or 0) < 0
    assert figures(swapped, 2).percent_agreement == 0


def test_fleiss_uses_only_complete_units_and_needs_equal_raters() -> None:
    units = [("fact", "fact", None), ("fact", NO_TAG, NO_TAG), ("fact", "fact", "fact")]
    assert fleiss_kappa(units) == fleiss_kappa(units[1:])
    with pytest.raises(ValueError, match="unit 2 has 3 ratings, not 2"):
        fleiss_kappa_from_counts([[1, 1], [2, 1]])


def test_agreement_per_tag_is_one_against_the_rest() -> None:
    units = [
        ("fact", "fact"),
        ("fact", "speculation"),
        ("speculation", "speculation"),
        (NO_TAG, NO_TAG),
        (NO_TAG, "fact"),
        ("expert_opinion", "expert_opinion"),
    ]
    result = agreement(["ann", "bob"], units, ("fact", "speculation", "expert_opinion"))
    assert result.categories == ("fact", "speculation", "expert_opinion", NO_TAG)
    assert set(result.per_tag) == {"fact", "speculation", "expert_opinion"}
    fact = result.per_tag["fact"]
    binary = [tuple("fact" if v == "fact" else OTHER for v in u) for u in units]
    assert fact == figures(binary, 2)
    assert fact.percent_agreement == pytest.approx(100 * 4 / 6)
    assert result.overall.percent_agreement == pytest.approx(100 * 4 / 6)
    assert result.confusion is not None
    assert result.confusion.get("fact", "speculation") == 1
    assert result.confusion.get(NO_TAG, "fact") == 1
    assert result.confusion.rows()[3] == [1, 0, 0, 1]
    assert sum(map(sum, result.confusion.rows())) == 6


def test_agreement_of_three_has_no_cohen_or_confusion() -> None:
    units = [("fact", "fact", "fact"), ("fact", NO_TAG, "fact")]
    result = agreement(["a", "b", "c"], units, ("fact",))
    assert result.overall.cohen_kappa is None
    assert result.confusion is None
    with pytest.raises(ValueError, match="unit 0 has 2 values for 3 annotators"):
        agreement(["a", "b", "c"], [("fact", "fact")])


def test_tags_nobody_used_are_listed_with_undefined_figures() -> None:
    result = agreement(["a", "b"], [("fact", NO_TAG), (NO_TAG, NO_TAG)], ("fact", "speculation"))
    assert result.per_tag["speculation"].cohen_kappa is None
    assert result.per_tag["speculation"].percent_agreement == 100
    assert "speculation" not in result.categories


def test_ordered_categories() -> None:
    assert ordered_categories({NO_TAG, "zeta", "fact", "alpha"}, ("speculation", "fact")) == (
        "fact",
        "alpha",
        "zeta",
        NO_TAG,
    )


BODY = "One fact here. Two maybe there. Three says the expert.\n\nFour is new. Five ends it."


def test_sentence_values_range_counts_for_each_sentence() -> None:
    article = from_text(BODY)
    s = article.sentences
    assert len(s) == 5
    span = Annotation.new(article.id, article.body, s[1].start, s[2].end, "speculation", "ann")
    one = Annotation.new(article.id, article.body, s[4].start, s[4].end, "fact", "ann")
    assert sentence_values(s, [span, one]) == [
        NO_TAG,
        "speculation",
        "speculation",
        NO_TAG,
        "fact",
    ]


def test_sentence_values_skip_orphans_and_latest_overlap_wins() -> None:
    article = from_text(BODY)
    s = article.sentences
    old = Annotation.new(article.id, article.body, s[0].start, s[1].end, "fact", "ann")
    newer = Annotation.new(article.id, article.body, s[1].start, s[1].end, "speculation", "ann")
    newer = replace(newer, updated="2999-01-01T00:00:00.000Z")
    orphan = Annotation.new(article.id, article.body, s[3].start, s[3].end, "fact", "ann")
    orphan = orphan.changed(anchor="orphaned")
    assert sentence_values(s, [newer, old, orphan]) == [
        "fact",
        "speculation",
        NO_TAG,
        NO_TAG,
        NO_TAG,
    ]


SAME_TIME = "2030-05-01T12:00:00.000Z"


def _part(
    article_body: str, article_id: str, start: int, end: int, tag: str, ann_id: str
) -> Annotation:
    ann = Annotation.new(article_id, article_body, start, end, tag, "ann")
    return replace(ann, id=ann_id, created=SAME_TIME, updated=SAME_TIME)


def test_parts_with_the_same_time_pick_the_same_way_in_every_order() -> None:
    article = from_text(BODY)
    s = article.sentences
    first = s[0]
    # Three parts of sentence 0 and a range over 0-1, all stamped alike: the longest wins.
    anns = [
        _part(article.body, article.id, first.start, first.start + 3, "fact", "id-c"),
        _part(article.body, article.id, first.start + 4, first.start + 8, "speculation", "id-b"),
        _part(article.body, article.id, first.start + 9, first.end, "expert_opinion", "id-a"),
    ]
    ranged = _part(article.body, article.id, s[1].start + 4, s[2].end, "fact", "id-d")
    results = {
        tuple(sentence_values(s, list(order))) for order in itertools.permutations([*anns, ranged])
    }
    assert len(results) == 1
    values = results.pop()
    # "fact" (3 chars) and "speculation" (4 chars) lose to the 5-character expert_opinion part.
    lengths = {a.tag: a.end - a.start for a in anns}
    assert lengths["expert_opinion"] > lengths["speculation"] > lengths["fact"]
    assert values[0] == "expert_opinion"
    assert values[1:3] == ("fact", "fact")


def test_equal_length_parts_at_the_same_time_the_earlier_start_wins() -> None:
    article = from_text(BODY)
    s0 = article.sentences[0]
    a = _part(article.body, article.id, s0.start, s0.start + 3, "speculation", "id-z")
    b = _part(article.body, article.id, s0.start + 4, s0.start + 7, "fact", "id-a")
    assert sentence_values(article.sentences, [a, b])[0] == "speculation"
    assert sentence_values(article.sentences, [b, a])[0] == "speculation"
    # A later update still beats every tie-break.
    newer = replace(b, updated="2031-01-01T00:00:00.000Z")
    assert sentence_values(article.sentences, [a, newer])[0] == "fact"
    assert sentence_values(article.sentences, [newer, a])[0] == "fact"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.integers(1, 30),
            st.sampled_from(("fact", "speculation", "expert_opinion")),
            st.sampled_from(("2030-01-01T00:00:00.000Z", "2030-01-02T00:00:00.000Z")),
        ),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_sentence_values_do_not_depend_on_the_order_given(
    spans: list[tuple[int, int, str, str]], rng: Any
) -> None:
    article = from_text(BODY)
    anns = []
    for n, (start, length, tag, stamp) in enumerate(spans):
        end = min(len(article.body), start + length)
        ann = Annotation.new(article.id, article.body, start, end, tag, "ann")
        anns.append(replace(ann, id=f"id-{n:02d}", created=stamp, updated=stamp))
    expected = sentence_values(article.sentences, anns)
    assert expected == _last_wins(article.sentences, anns)
    shuffled = list(anns)
    rng.shuffle(shuffled)
    assert sentence_values(article.sentences, shuffled) == expected
    assert sentence_values(article.sentences, list(reversed(anns))) == expected


def _last_wins(sentences: Sequence[Any], anns: Sequence[Annotation]) -> list[str]:
    """The rule as written: in ``pick_order``, each annotation overwrites the sentences it
    touches (a reference for the faster code, which sorts nothing)."""
    values = [NO_TAG] * len(sentences)
    for ann in sorted(anns, key=pick_order):
        if ann.end <= ann.start:
            continue
        touched = [s for s in sentences if s.end > ann.start]
        # The first sentence ending after the start, and those that start before the end.
        for n, s in enumerate(touched):
            if n == 0 or s.start < ann.end:
                values[s.index] = ann.tag
    return values


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda raters: st.lists(
            st.tuples(
                *[st.sampled_from(("fact", "speculation", NO_TAG, None)) for _ in range(raters)]
            ),
            min_size=1,
            max_size=30,
        )
    )
)
def test_per_tag_figures_equal_the_figures_of_the_reduced_units(
    units: list[tuple[str | None, ...]],
) -> None:
    result = agreement([f"r{i}" for i in range(len(units[0]))], units, ("fact", "speculation"))
    for tag, got in result.per_tag.items():
        reduced = [
            tuple(None if v is None else (tag if v == tag else OTHER) for v in u) for u in units
        ]
        want = figures(reduced, len(units[0]))
        assert got.units == want.units
        for name in ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
            a, b = getattr(got, name), getattr(want, name)
            assert (a is None) == (b is None), name
            if a is not None:
                assert a == pytest.approx(b), name


def sentence_values_compared_at_each_sentence(
    sentences: Sequence[Any], annotations: Sequence[Annotation]
) -> list[str]:
    """The former rule, kept as the oracle: every sentence two annotations touch compares
    their ``pick_order`` there."""
    from bisect import bisect_left, bisect_right

    from tuireader.agreement import pick_order

    starts, ends, count = [s.start for s in sentences], [s.end for s in sentences], len(sentences)
    values = [NO_TAG] * count
    winners: list[Annotation | None] = [None] * count
    for ann in annotations:
        if ann.anchor == "orphaned" or ann.end <= ann.start:
            continue
        first = bisect_right(ends, ann.start)
        stop = min(max(bisect_left(starts, ann.end), first + 1), count)
        for i in range(first, stop):
            held = winners[i]
            if held is None or pick_order(held) < pick_order(ann):
                winners[i], values[i] = ann, ann.tag
    return values


@given(
    st.lists(
        st.tuples(
            st.integers(0, len(BODY) + 3),
            st.integers(-2, 40),
            st.sampled_from(["fact", "speculation", "expert_opinion"]),
            st.sampled_from(["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_sentence_values_are_those_compared_at_each_sentence(
    spans: list[tuple[int, int, str, str, bool]],
) -> None:
    article = from_text(BODY)
    base = Annotation(article.id, 0, 1, "fact", Quote("O"), "ann")
    layer = [
        replace(
            base,
            id=f"a{i}",
            start=start,
            end=start + length,
            tag=tag,
            updated=updated,
            anchor=AnchorState.ORPHANED if orphan else AnchorState.EXACT,
        )
        for i, (start, length, tag, updated, orphan) in enumerate(spans)
    ]
    expected = sentence_values_compared_at_each_sentence(article.sentences, layer)
    assert sentence_values(article.sentences, layer) == expected
    assert sentence_values(article.sentences, layer[::-1]) == expected

"""Speculation without a hedge word, hedges in side clauses, experts' first-hand accounts, held-out score."""

from __future__ import annotations

import pytest

from tuireader.suggest import EXPERT_OPINION, FACT, SPECULATION, suggest_sentence, suggest_sequence

from conftest import load_benchmark

HELD_OUT_MACRO_F1 = 0.834
"""Combined held-out macro-F1 reported in docs/suggestions.md (heldout + heldout2, 136 sentences)."""


def tag_of(text: str, context: str | None = None) -> str | None:
    suggestion = suggest_sentence(text, context)
    return suggestion.tag if suggestion else None


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The new ring road will ease congestion in the old town.", 'forecast "will ease"'),
        ("The merger is certain to attract scrutiny.", "forecast"),
        ("The party is on course for its worst result since 1931.", "forecast"),
        ("The company intends to list its shares abroad.", "intention"),
        ("The ruling was a setback for the union.", "judgement"),
        ("Critics said the fee was too high.", "judgement"),
        ("“No system is perfect,” he said.", "judgement"),
        ("It underscores the complex dynamics between two countries.", "judgement"),
    ],
)
def test_unhedged_speculation(text: str, cue: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == SPECULATION, suggestion
    assert cue in suggestion.reason


@pytest.mark.parametrize(
    "text",
    [
        "The museum will reopen on 2 April.",  # a scheduled plan, dated
        "The price will rise by 4%.",  # a figure to check it against
        "Polling stations will open at 7 a.m.",
        "A four-month-old baby who was too young to be vaccinated was admitted on Monday.",
    ],
)
def test_scheduled_plans_and_degree_phrases_are_not_judgements(text: str) -> None:
    assert tag_of(text) == FACT


def test_an_experts_view_stays_expert_opinion() -> None:
    assert (
        tag_of(
            "Dr. Paul Innes, a paediatrician at St Mary’s Hospital, said the rules were too strict."
        )
        == EXPERT_OPINION
    )


@pytest.mark.parametrize(
    "text",
    [
        "The tunnel, expected to carry 30,000 vehicles a day, opened in 2019.",
        "Patients who believe they were affected were sent letters in January.",
        "A survey of 900 tenants found that 12% had “some doubts” about the landlord.",
    ],
)
def test_hedge_in_a_side_clause_leaves_the_fact(text: str) -> None:
    assert tag_of(text) == FACT


def test_hedge_in_a_side_clause_with_nothing_checkable_abstains() -> None:
    assert tag_of("Anyone who thinks they may be ill is asked to stay at home.") is None


def test_expert_first_hand_account_is_fact() -> None:
    suggestion = suggest_sentence(
        "“We drilled 14 boreholes and found water in two,” said Dr. Ana Ruiz, a geologist."
    )
    assert suggestion is not None and suggestion.tag == FACT
    assert "first-hand account" in suggestion.reason
    team = "A team of astronomers at the Kessel Observatory says it has detected a new planet."
    assert tag_of(team) == FACT
    texts = [
        "“The aquifer is shrinking,” said Dr. Ana Ruiz, a geologist at the University of Oporto.",
        "“We were sampling the wells when the pumps failed.”",
    ]
    assert [s.tag if s else None for s in suggest_sequence(texts)] == [EXPERT_OPINION, FACT]


def test_official_with_a_doctorate_is_not_an_expert() -> None:
    assert tag_of("The superintendent, Dr. Paul Innes, said 40 pupils had been sent home.") == FACT


def test_declined_to_say_is_a_checkable_act() -> None:
    assert tag_of("The club declined to say how much the striker was paid.") == FACT


def test_held_out_sets_are_large_enough() -> None:
    bench = load_benchmark("bench_suggest")
    rows = bench.load_rows()  # type: ignore[attr-defined]
    assert len([r for r in rows if r.split == "heldout2"]) >= 90
    assert len({r.article for r in rows if r.split == "heldout2"}) >= 6


def test_held_out_macro_f1_does_not_regress() -> None:
    bench = load_benchmark("bench_suggest")
    rows = bench.load_rows()  # type: ignore[attr-defined]
    scores = bench.score_split(rows, bench.predict(rows), set(bench.HELD_OUT))  # type: ignore[attr-defined]
    assert scores.macro_f1 >= HELD_OUT_MACRO_F1 - 0.03


def test_the_dev_halves_are_cut_in_two_by_sentence_and_stay_cut() -> None:
    bench = load_benchmark("bench_suggest")
    texts = [f"Sentence number {i} about the harbour." for i in range(400)]
    parts = [bench.dev_part(t) for t in texts]  # type: ignore[attr-defined]
    assert set(parts) == {"A", "B"}
    assert 150 <= parts.count("A") <= 250
    assert parts == [bench.dev_part(t) for t in texts]  # type: ignore[attr-defined]

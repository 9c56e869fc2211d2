"""Rules from the error analysis on outside text (issue 13), each checked on sentences written here."""

from __future__ import annotations

import pytest

from tuireader.suggest import FACT, SPECULATION, suggest_sentence


def tag_of(text: str, context: str | None = None) -> str | None:
    suggestion = suggest_sentence(text, context)
    return suggestion.tag if suggestion else None


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("If the council agrees, the depot closes in March.", "if"),
        ("The ferry runs on Sundays unless the harbour freezes.", "unless"),
        ("Inspectors are checking whether the valve was replaced.", "whether"),
        ("The bakery is rumoured to be changing hands.", "is rumoured to"),
        ("The mill owner was accused of hiding the losses.", "accused of"),
        ("The bridge is widely regarded as the finest in the county.", "widely regarded"),
        ("The choir, considered one of the best in the north, sang first.", "considered one of"),
        ("The closure raises questions about the depot's future.", "raises questions"),
        ("Two drivers are alleged to have raced on the ring road.", "are alleged to"),
    ],
)
def test_conditions_beliefs_and_open_questions_are_speculation(text: str, cue: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == SPECULATION, suggestion
    assert any(cue in found for found in suggestion.cues), suggestion


def test_is_expected_to_is_the_main_clause_not_a_side_clause() -> None:
    # "The three are expected to…" once read "are" as a noun and dropped the hedge, so the month
    # made it a fact.
    for text in (
        "The three towns are expected to join the scheme in April.",
        "The new timetable is expected to start on 4 May.",
    ):
        suggestion = suggest_sentence(text)
        assert suggestion is not None and suggestion.tag == SPECULATION, suggestion
        assert "expected" in suggestion.cues


def test_a_participle_after_a_noun_still_leaves_the_claim_unhedged() -> None:
    suggestion = suggest_sentence("A programme expected to last 14 months began on Monday.")
    assert suggestion is not None and suggestion.tag == FACT, suggestion


@pytest.mark.parametrize(
    "text",
    [
        "No suspects have been identified.",
        "Six suspects were charged on Tuesday.",
        "Another suspect is awaiting trial.",
        "The results came in lower than expected.",
        "Primerica, as expected, bought the agency.",
        "Neither of them could be reached for comment.",
    ],
)
def test_nouns_and_set_phrases_are_not_hedges(text: str) -> None:
    assert tag_of(text) != SPECULATION


def test_suspect_as_a_verb_is_still_a_hedge() -> None:
    suggestion = suggest_sentence("Investigators suspect that the fire was started deliberately.")
    assert suggestion is not None and suggestion.tag == SPECULATION
    assert "suspect" in suggestion.cues


def test_hashtag_numbers_are_not_figures() -> None:
    suggestion = suggest_sentence("Follow the match with #ATL24 and @club2020.")
    assert suggestion is None or suggestion.tag != FACT, suggestion


def test_question_inside_a_quotation_is_not_the_writers_question() -> None:
    suggestion = suggest_sentence('"How many seats will be left?" he asked the clerk on Monday.')
    assert suggestion is None or "question" not in suggestion.cues


def test_a_reported_plan_is_the_sources_statement_not_a_forecast() -> None:
    assert tag_of("The company said it will sell the bakery chain.") != SPECULATION
    # The writer's own forecast is still speculation.
    assert tag_of("The new stadium will transform the east of the city.") == SPECULATION


@pytest.mark.parametrize(
    "text",
    [
        "It was a brilliant way to embarrass the committee.",
        "The whole plan is shameful and the council must scrap it.",
        "Frankly, the new timetable is absurd.",
        "Sadly, this reckless gamble has wasted everyone's time.",
    ],
)
def test_the_writers_own_view_is_speculation(text: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == SPECULATION, suggestion
    assert "the writer's own view" in suggestion.reason or "judgement" in suggestion.reason


def test_a_judgement_in_quotation_is_not_the_writers_view() -> None:
    suggestion = suggest_sentence("“It was a brilliant, shameful mess,” said the caretaker.")
    assert suggestion is None or "the writer's own view" not in suggestion.reason


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We deployed troops to the border twice that year.", "past event"),
        ("The rate quadrupled under the last administration.", "past event"),
        ("Our cancer rate is higher than any country in the region.", "comparison"),
    ],
)
def test_checkable_claims_without_a_number(text: str, kind: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == FACT, suggestion
    assert kind in suggestion.reason


def test_every_reason_is_plain_words() -> None:
    for text in (
        "If the council agrees, the depot closes in March.",
        "It was a brilliant way to embarrass the committee.",
        "We deployed troops to the border twice that year.",
    ):
        suggestion = suggest_sentence(text)
        assert suggestion is not None
        assert suggestion.reason.split(":")[0] in {"fact", "speculation", "expert opinion"}
        assert "\\b" not in suggestion.reason and "(?" not in suggestion.reason

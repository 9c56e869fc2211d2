"""Tag suggestions: each cue family, the classic false hits, precedence, determinism, dev-set score."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tuireader.articles import from_text, load_article
from tuireader.suggest import (
    EXPERT_OPINION,
    FACT,
    SPECULATION,
    Suggestion,
    suggest_article,
    suggest_sentence,
    suggest_sequence,
)
from tuireader.tags import DEFAULT_TAGS

from conftest import SEED, load_benchmark


def tag_of(text: str, context: str | None = None) -> str | None:
    suggestion = suggest_sentence(text, context)
    return suggestion.tag if suggestion else None


# --- Hedges (CoNLL-2010 / BioScope categories) -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The strike could spread to other ports.", "could"),  # modal
        ("The ministry may announce new rules later this year.", "may"),
        ("The strike might spread to other ports.", "might"),
        ("Observers suspect the numbers were inflated.", "suspect"),  # speculative verb
        ("The new law appears to have had little effect.", "appears to"),
        ("A deal is possible before the summer.", "possible"),  # adjective
        ("The scheme is likely to fail.", "is likely"),
        ("Perhaps the most surprising thing is how little has changed.", "perhaps"),  # adverb
        ("There is speculation about a merger.", "speculation"),  # noun
        ("It remains unclear whether the deal will survive.", "remains unclear"),  # phrase
        ("It is too early to say whether it worked.", "too early to say"),
    ],
)
def test_hedge_cues_suggest_speculation(text: str, cue: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None
    assert suggestion.tag == SPECULATION
    assert cue in suggestion.cues
    assert f'"{cue}"' in suggestion.reason
    assert suggestion.reason.startswith("speculation: hedge")


# --- Classic false hits -----------------------------------------------------------------------


def test_may_as_a_month_is_a_date_not_a_hedge() -> None:
    suggestion = suggest_sentence("The vote will take place on May 5 at the town hall.")
    assert suggestion is not None and suggestion.tag == FACT
    assert "May 5" in suggestion.reason
    assert tag_of("The bridge will close on 6 May.") == FACT
    assert tag_of("Figures published in May show 4,100 blocked cards.") == FACT


def test_sentence_initial_may_is_still_a_modal() -> None:
    assert tag_of("May the talks fail, the ceasefire would end.") == SPECULATION


@pytest.mark.parametrize(
    "text",
    [
        "The company could not say when the factory would reopen.",
        "The company couldn’t say when the factory would reopen on 3 June.",
        "Residents cannot park on the street between 8 a.m. and 6 p.m., under rules published in 2021.",
        "Drivers can’t use the bridge after 1 March.",
    ],
)
def test_negated_ability_is_not_a_hedge(text: str) -> None:
    assert tag_of(text) == FACT


def test_negated_ability_in_a_hedge_phrase_still_hedges() -> None:
    assert tag_of("A second outbreak cannot be ruled out.") == SPECULATION


def test_will_as_a_noun_is_not_a_forecast() -> None:
    noun = suggest_sentence("Her will was read in court on 14 March.")
    verb = suggest_sentence("The court will sit on 14 March.")
    assert noun is not None and noun.tag == FACT
    assert verb is not None and verb.tag == FACT
    undated = suggest_sentence("The price will rise by 4%.")
    dated_noun = suggest_sentence("Her will left 4% to the church.")
    assert undated is not None and dated_noun is not None
    # A forecast with no date is a weaker fact than the same figure in a statement.
    assert undated.confidence < dated_noun.confidence


def test_might_and_may_as_nouns() -> None:
    assert tag_of("The might of the navy was on display at the parade on 3 June.") == FACT
    assert tag_of("They fought with all their might in the final 10 minutes.") == FACT


def test_according_to_a_record_is_fact_sourcing() -> None:
    suggestion = suggest_sentence(
        "Shares fell 4.2% on Tuesday, according to the official record of the exchange."
    )
    assert suggestion is not None and suggestion.tag == FACT
    assert "according to the official record" in suggestion.reason


def test_likely_as_an_attributive_adjective_is_not_a_hedge() -> None:
    assert tag_of("The model ranks likely sequences of 50 words.") == FACT


def test_appeared_in_court_is_not_a_hedge() -> None:
    assert tag_of("The driver appeared in court on Monday.") == FACT


def test_hedge_inside_the_question_put_to_a_source_is_not_asserted() -> None:
    assert (
        tag_of("Asked whether the bridge might need replacing, he said it would last 40 years.")
        == FACT
    )


# --- Attribution and expert markers -----------------------------------------------------------


def test_expert_attribution_names_verb_and_source() -> None:
    suggestion = suggest_sentence(
        "Ankit Panda, an expert from the Carnegie Endowment for International Peace, suggests "
        "that Russia may seek conventional arms."
    )
    assert suggestion is not None
    assert suggestion.tag == EXPERT_OPINION
    assert suggestion.reason.startswith(
        'expert opinion: "suggests", attributed to "an expert from the Carnegie Endowment'
    )


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Helen Marsh said the closure was unavoidable.",
        "Professor Lena Moritz of Tallinn University argues that the policy is a mistake.",
        "Analysts believe the central bank will raise rates again.",
        "An economist at the Bank of England warned that inflation could stay high.",
        "Oliver Brandt, a technology consultant, said the chatbot was out of date.",
        "Jane Roe, who studies vaccine uptake, said most parents are not opposed to vaccines.",
        "Jane Roe, a fellow at the Institute for Fiscal Studies, said the plan adds up.",
        "According to researchers at the University of Leeds, the drug probably works.",
        "“Hangers are the one part you can’t gamble with,” said Dr. Helen Marsh.",
    ],
)
def test_expert_markers(text: str) -> None:
    assert tag_of(text) == EXPERT_OPINION


def test_expert_opinion_wins_over_hedge_and_figures() -> None:
    assert (
        tag_of("Dr. Amara Osei said the vaccine could cut cases by 40% within 2 years.")
        == EXPERT_OPINION
    )


@pytest.mark.parametrize(
    "text",
    [
        "A spokesperson for the ministry said 412 people had been evacuated.",
        "A police spokesman said the road would reopen on Friday.",
        "The hospital said it had treated 63 patients.",
        "The president will sign the bill on Thursday, the White House said.",
        "Weapons were discussed in 2023, according to a US official.",
    ],
)
def test_non_expert_source_with_checkable_content_is_fact(text: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == FACT, suggestion


def test_non_expert_source_with_hedge_is_speculation() -> None:
    suggestion = suggest_sentence("Traders on Ferrier Street say takings could fall by a fifth.")
    assert suggestion is not None and suggestion.tag == SPECULATION
    assert 'said by "Traders on Ferrier Street"' in suggestion.reason


def test_non_expert_belief_verb_is_speculation() -> None:
    suggestion = suggest_sentence("Officials believe that money was not the main motivation.")
    assert suggestion is not None and suggestion.tag == SPECULATION
    assert '"believe"' in suggestion.reason


def test_a_named_sources_stance_is_reported_not_speculation() -> None:
    # "insisted", "argued", "claimed" report a side in a debate; the sentence reports it.
    for text in (
        "Councillor Brandt insisted that money was not the main motivation.",
        "Mr. Hale argued that the archive was closed for repairs.",
    ):
        suggestion = suggest_sentence(text)
        assert suggestion is None or suggestion.tag != SPECULATION, suggestion


def test_a_stance_a_whole_group_takes_is_speculation() -> None:
    suggestion = suggest_sentence("Officials insisted that money was not the main motivation.")
    assert suggestion is not None and suggestion.tag == SPECULATION
    assert "not an expert" in suggestion.reason


def test_pronoun_source_resolved_from_context() -> None:
    context = "Dr. Sunita Varma, who researches AI at the Institute for Digital Governance, said it was worrying."
    text = "“The danger isn’t that it makes mistakes,” she said."
    assert tag_of(text) is None
    suggestion = suggest_sentence(text, context)
    assert suggestion is not None and suggestion.tag == EXPERT_OPINION
    assert "Dr. Sunita Varma" in suggestion.reason


def test_bare_surname_resolved_from_context() -> None:
    context = "Oliver Brandt, a technology consultant, said the copy was outdated."
    assert tag_of("“That’s not an AI problem,” Brandt said.", context) == EXPERT_OPINION


def test_in_her_view_and_continued_quote() -> None:
    texts = [
        "Dr. Helen Marsh, a structural engineer, said the closure was unavoidable.",
        "“Hangers are the one part of a bridge you can’t gamble with,” she said.",
        "“Eleven corroded hangers out of 48 isn’t a crisis today.”",
        "In her view, the council has waited too long.",
    ]
    assert [s.tag if s else None for s in suggest_sequence(texts)] == [EXPERT_OPINION] * 4


def test_quote_by_a_non_expert_is_not_expert_opinion() -> None:
    texts = [
        "Councillor Raj Patel, who chairs the highways committee, said the plan was ambitious.",
        "“Fourteen months is the plan,” he told a meeting on Tuesday at 10 p.m.",
    ]
    assert [s.tag if s else None for s in suggest_sequence(texts)][1] != EXPERT_OPINION


def test_side_remark_attribution_does_not_make_the_claim_expert() -> None:
    text = (
        "The discovery could make recycling cheaper, although the researchers stress it is early."
    )
    assert tag_of(text) == SPECULATION


# --- Facts and abstention ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The population of the town was 14,200 at the 2021 census.", "figure"),
        ("The council met on Wednesday.", "date"),
        ("The audit was published last year.", "date"),
        ("The report shows unemployment at 4.1%.", "figure"),
        ("The motion passed.", "official record"),
        ("North Korea’s leader has set off for Vladivostok.", "past event"),
    ],
)
def test_fact_cues(text: str, kind: str) -> None:
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == FACT
    assert kind in suggestion.reason and suggestion.reason.endswith("no hedge")


@pytest.mark.parametrize(
    "text",
    [
        "Teachers are also divided.",
        "“Nobody told us anything,” he said.",
        "",
    ],
)
def test_no_cue_no_suggestion(text: str) -> None:
    assert suggest_sentence(text) is None


def test_question_is_weak_speculation() -> None:
    suggestion = suggest_sentence("Will borrowers become less careful?")
    assert suggestion is not None and suggestion.tag == SPECULATION
    assert suggestion.confidence <= 0.6


# --- Shape, determinism, article ---------------------------------------------------------------


def test_suggestion_shape_and_tag_ids() -> None:
    for suggestion in suggest_article(load_article(SEED)):
        if suggestion is None:
            continue
        assert isinstance(suggestion, Suggestion)
        assert suggestion.tag in DEFAULT_TAGS
        assert 0.0 <= suggestion.confidence <= 1.0
        assert suggestion.reason.startswith(DEFAULT_TAGS.get(suggestion.tag).label.lower() + ": ")
        assert suggestion.to_dict().keys() == {"tag", "confidence", "reason", "source"}


def test_article_gives_one_per_sentence_in_order() -> None:
    article = load_article(SEED)
    suggestions = suggest_article(article)
    assert len(suggestions) == len(article.sentences) == 15
    assert suggestions[9] is not None and suggestions[9].tag == EXPERT_OPINION
    assert suggestions == suggest_sequence([s.text for s in article.sentences])


def test_deterministic() -> None:
    article = from_text(SEED.read_text(encoding="utf-8"))
    first = suggest_article(article)
    assert all(suggest_article(article) == first for _ in range(3))


# --- The dev set --------------------------------------------------------------------------------


def test_dev_set_is_large_enough_and_fully_labelled() -> None:
    bench = load_benchmark("bench_suggest")
    rows = bench.load_rows()  # type: ignore[attr-defined]
    assert len([r for r in rows if r.split == "dev"]) >= 80
    assert len({r.article for r in rows if not r.article.startswith("own-")}) >= 6
    assert {r.gold for r in rows} <= set(DEFAULT_TAGS.ids)


def test_dev_set_macro_f1() -> None:
    bench = load_benchmark("bench_suggest")
    rows = [r for r in bench.load_rows() if r.split == "dev"]  # type: ignore[attr-defined]
    scores = bench.score(rows, bench.predict(rows))  # type: ignore[attr-defined]
    assert scores.macro_f1 >= 0.8


def test_suggest_does_not_load_textual() -> None:
    code = "import sys, tuireader.suggest, tuireader.cli.suggest; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "The work may cost more than the town expects.",  # the clause before a hedge verb
        "But I warn you, if you do not pay, the roof may fall in.",  # "I": no one named
        "Now you believe the ferry might be late.",
    ],
)
def test_said_by_only_when_a_speaker_is_named(text: str) -> None:
    """A2: the words before "expects" were given as who said it."""
    suggestion = suggest_sentence(text)
    assert suggestion is not None and suggestion.tag == SPECULATION, suggestion
    assert "said by" not in suggestion.reason, suggestion


def test_a_named_subject_or_quoted_speaker_is_still_said_by() -> None:
    named = suggest_sentence("The town council says the bridge may close.")
    assert named is not None and 'said by "The town council"' in named.reason
    titled = suggest_sentence(
        "Jon Pelham, publisher of the Harbour Weekly, a trade newsletter, says fees may rise."
    )
    assert titled is not None and 'said by "Jon Pelham, publisher of the Harbour' in titled.reason
    board = suggest_sentence("The harbour board said the pier was built in 1910.")
    assert board is not None and 'stated by "The harbour board"' in board.reason

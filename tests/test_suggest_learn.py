"""The model of the user's own tags (tuireader.learn), on sentences written here."""

from __future__ import annotations

import itertools

import pytest

from tuireader import learn
from tuireader.suggest import SPECULATION, Suggestion, SuggestionSource, suggest_sentence

pytest.importorskip("sklearn")

PLACES = ("the harbour", "the depot", "the library", "the mill", "the bakery", "the ferry")
THINGS = ("budget", "roof", "timetable", "festival", "archive", "car park", "school run")
# This user tags "rumbles" (a word no rule knows) as speculation, and council records as fact.
RUMOUR = "Locals say there are rumbles that {place} will lose its {thing}."
RECORD = "The council minutes list the {thing} of {place} under item four."


def corpus() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for place, thing in itertools.product(PLACES, THINGS):
        texts.append(RUMOUR.format(place=place, thing=thing))
        labels.append(SPECULATION)
        texts.append(RECORD.format(place=place, thing=thing))
        labels.append("fact")
    return texts, labels


def test_available_reports_scikit_learn() -> None:
    assert learn.available()


def test_the_model_learns_a_users_own_cue_and_names_it() -> None:
    texts, labels = corpus()
    model = learn.train(texts, labels)
    assert model is not None and not model.blended and model.examples == len(texts)
    (guess,) = model.guess(["Rumbles grow that the quay will lose its crane."])
    assert guess.tag == SPECULATION
    assert "rumbles" in guess.words
    suggestion = learn.model_suggestion(guess)
    assert suggestion.source is SuggestionSource.MODEL
    assert suggestion.reason.startswith('speculation: words "')
    assert "rumbles" in suggestion.reason and "learnt from your tags" in suggestion.reason


def test_no_model_from_one_label_or_no_repeated_word() -> None:
    assert learn.train(["One.", "Two."], ["fact", "fact"]) is None
    assert learn.train(["Alpha beta.", "Gamma delta."], ["fact", SPECULATION]) is None


def test_blend_keeps_the_rule_when_the_model_agrees_and_follows_the_model_when_not() -> None:
    rule = suggest_sentence("The strike could spread to other ports.")
    assert rule is not None and rule.tag == SPECULATION
    agree = learn.Guess(SPECULATION, 0.9, ("could",))
    assert learn.blend(rule, agree) is rule
    differ = learn.Guess("fact", 0.8, ("ports",))
    blended = learn.blend(rule, differ)
    assert blended is not None and blended.tag == "fact"
    assert blended.source is SuggestionSource.MODEL
    assert learn.blend(rule, learn.Guess(learn.NO_TAG, 0.7, ())) is None
    assert learn.blend(None, None) is None


def test_a_blended_model_reads_the_rules() -> None:
    texts, labels = corpus()
    rules: list[Suggestion | None] = [suggest_sentence(t) for t in texts]
    model = learn.train(texts, labels, rules)
    assert model is not None and model.blended
    probe = ["Rumbles grow that the quay will lose its crane."]
    (guess,) = model.guess(probe, [suggest_sentence(probe[0])])
    assert guess.tag == SPECULATION


def test_training_set_keeps_each_text_once_with_its_most_frequent_tag() -> None:
    texts, labels = learn.training_set(
        [("A.", "fact"), ("B.", SPECULATION), ("A.", "fact"), ("A.", SPECULATION)]
    )
    assert texts == ["A.", "B."]
    assert labels == ["fact", SPECULATION]


def test_retraining_waits_for_more_new_tags_the_more_there_are() -> None:
    first = learn.MIN_EXAMPLES
    assert not learn.retrain_due(first - 1, 0)
    assert learn.retrain_due(first, 0)
    assert not learn.retrain_due(first + learn.RETRAIN_AFTER - 1, first)
    assert learn.retrain_due(first + learn.RETRAIN_AFTER, first)
    # At 500,000 tags a training reads them all: every 25 would keep a core busy for good.
    big = 500_000
    assert not learn.retrain_due(big + 1_000, big)
    assert learn.retrain_due(big + big // 20, big)
    assert learn.retrain_due(big - big // 20, big)  # many removed (an undone import) counts too


def test_newest_pairs_keeps_the_most_recently_updated_tags() -> None:
    tagged = [
        (f"2026-11-{day:02d}T10:00:00Z", f"Sentence from day {day}.", "fact")
        for day in range(1, 29)
    ]
    newest = learn.newest_pairs(reversed(tagged), limit=3)
    assert newest == [
        ("Sentence from day 28.", "fact"),
        ("Sentence from day 27.", "fact"),
        ("Sentence from day 26.", "fact"),
    ]
    assert len(learn.newest_pairs(iter(tagged))) == len(tagged)  # under the cap: all of them


def test_rule_features_name_the_tag_and_the_kinds_of_evidence_not_the_quoted_words() -> None:
    reported = Suggestion(
        SPECULATION,
        0.6,
        'speculation: hedge "could", said by "Dock officials" (the harbour board, earlier)',
        ("could",),
    )
    assert learn.rule_features(reported) == (
        SPECULATION,
        "speculation|by",
        "speculation|hedge",
        "speculation|said",
    )
    own = suggest_sentence("The ferry timetable could change.")
    assert learn.rule_features(own) == (SPECULATION, "speculation|hedge")
    assert learn.rule_features(None) == (learn.NO_TAG,)


# This user reads a hedge reported from someone ("X told reporters it could…") as a fact about
# what was said, and only the writer's own hedge as speculation. The rules call both speculation,
# for the same word; the words (a source, a reporting verb) and the kind of evidence behind the
# rule's tag tell them apart.
SOURCES = ("Dock officials", "Mill owners", "The depot staff", "Council clerks", "Bakers")
VERBS = ("said", "told reporters")
CHANGES = ("could change", "may slip", "might close", "could move")


def reported_hedges() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for (source, verb), thing, change in itertools.product(
        itertools.product(SOURCES, VERBS), THINGS, CHANGES
    ):
        texts.append(f"{source} {verb} the {thing} {change}.")
        labels.append("fact")
        texts.append(f"The {thing} {change}.")
        labels.append(SPECULATION)
    return texts, labels


def test_the_blend_learns_which_of_the_rules_reasons_this_user_agrees_with() -> None:
    texts, labels = reported_hedges()
    model = learn.train(texts, labels, [suggest_sentence(t) for t in texts])
    assert model is not None and "speculation|said" in model.rule_features
    # A source it has never seen, reporting a hedge: the model overrules the rules.
    probes = ["Ferry pilots said the roof could change.", "The roof could change."]
    rules = [suggest_sentence(p) for p in probes]
    assert [r.tag if r else None for r in rules] == [SPECULATION, SPECULATION]
    assert learn.rule_features(rules[0]) != learn.rule_features(rules[1])
    reported, own = learn.suggest_with(model, probes, rules)
    assert reported is not None and reported.tag == "fact"
    assert reported.source is SuggestionSource.MODEL
    assert own is rules[1]


def test_the_rule_stands_when_the_model_is_barely_sure() -> None:
    rule = suggest_sentence("The strike could spread to other ports.")
    unsure = learn.Guess("fact", learn.READER_MIN_PROBABILITY - 0.05, ("ports",))
    assert learn.blend(rule, unsure) is rule
    assert learn.blend(rule, unsure, min_probability=0.0) is not rule
    assert learn.blend(rule, learn.Guess(learn.NO_TAG, 0.55, ())) is rule


def test_a_model_sure_enough_withdraws_the_rules_tag_only_above_its_own_bar() -> None:
    rule = suggest_sentence("The strike could spread to other ports.")
    assert rule is not None
    no_tag = learn.Guess(learn.NO_TAG, 0.75, ())
    assert learn.blend(rule, no_tag, min_probability=0.9, withdraw_probability=0.7) is None
    assert learn.blend(rule, no_tag, min_probability=0.5, withdraw_probability=0.8) is rule
    other = learn.Guess("fact", 0.75, ("ports",))
    replaced = learn.blend(rule, other, min_probability=0.7, withdraw_probability=1.01)
    assert replaced is not None and replaced.tag == "fact"


def _fact(text: str) -> Suggestion:
    return Suggestion("fact", 0.65, 'fact: date "2019"', ("2019",))


def test_the_bars_are_the_ones_under_which_the_blend_scores_best_on_the_tags() -> None:
    # The rules tag all eight sentences fact; four of them should get no tag. The model withdraws
    # those four at 85% and, wrongly, two true facts at 65%: a bar of 0.7 or 0.8 keeps the
    # right withdrawals only, and the tie goes to the bar nearest the reader's 60%.
    labels = ["fact"] * 4 + [learn.NO_TAG] * 4
    rules: list[Suggestion | None] = [_fact(str(i)) for i in range(8)]
    guesses = [
        learn.Guess(learn.NO_TAG, 0.65, ()),
        learn.Guess(learn.NO_TAG, 0.65, ()),
        learn.Guess("fact", 0.9, ()),
        learn.Guess("fact", 0.9, ()),
    ] + [learn.Guess(learn.NO_TAG, 0.85, ())] * 4
    assert learn.choose_bars(labels, rules, guesses, floor=False) == learn.Bars(0.6, 0.7)
    # A model that is surely wrong whenever it differs from the rules is never followed.
    wrong = [learn.Guess(learn.NO_TAG, 0.95, ())] * 4 + [learn.Guess("fact", 0.9, ())] * 4
    assert learn.choose_bars(labels, rules, wrong, floor=False).withdraw == 1.01


def test_without_no_tag_examples_the_bar_to_add_a_tag_stays_at_the_readers_floor() -> None:
    # A user's own tags: every sentence has one, so adding a tag where the rules have none always
    # looks right on them; on the untagged rest of an article it would tag everything.
    labels = ["fact"] * 3 + [SPECULATION] * 3
    rules: list[Suggestion | None] = [None] * 6
    guesses = [learn.Guess("fact", 0.55, ())] * 3 + [learn.Guess(SPECULATION, 0.55, ())] * 3
    assert learn.choose_bars(labels, rules, guesses, floor=False).replace <= 0.5
    floored = learn.choose_bars(labels, rules, guesses)
    assert floored.replace >= learn.READER_MIN_PROBABILITY


# A simulation's tags, with "no tag" examples: this annotator calls a repainting with a date
# nothing worth checking, and a sum spent a fact. The rules call both fact (a date, a figure).
def repaintings() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for (place, thing), year in zip(
        itertools.product(PLACES, THINGS), itertools.cycle(range(2011, 2020))
    ):
        texts.append(f"The sign for the {thing} at {place} was repainted in {year}.")
        labels.append(learn.NO_TAG)
        texts.append(f"The council spent {year} pounds on the {thing} at {place}.")
        labels.append("fact")
    return texts, labels


def test_a_blended_model_confidently_against_a_rule_overrules_it() -> None:
    texts, labels = repaintings()
    model = learn.train(texts, labels, [suggest_sentence(t) for t in texts])
    assert model is not None and model.blended
    assert model.bars.withdraw <= 0.9  # chosen on the tags, not fixed
    probes = [
        "The sign for the timetable at the quay was repainted in 2021.",
        "The council spent 2021 pounds on the timetable at the quay.",
    ]
    rules = [suggest_sentence(p) for p in probes]
    assert [r.tag if r else None for r in rules] == ["fact", "fact"]
    repainted, spent = learn.suggest_with(model, probes, rules)
    assert repainted is None  # withdrawn: the model is sure this annotator gives it no tag
    assert spent is rules[1]  # agreed: the rule's own reason is kept
    # Given bars that never let the model overrule, the rules stand.
    kept = learn.suggest_with(model, probes, rules, learn.Bars(1.01, 1.01))
    assert kept == rules


def test_a_words_only_model_has_no_second_stage_and_the_readers_bars() -> None:
    texts, labels = corpus()
    model = learn.train(texts, labels)
    assert model is not None and not model.blended
    assert model.bars == learn.Bars(learn.READER_MIN_PROBABILITY, learn.READER_MIN_PROBABILITY)


def test_a_blended_model_trains_when_a_part_of_the_tags_has_one_label_only() -> None:
    # Twelve tags, two of them speculation, both in the same out-of-fold part (every fifth tag):
    # the words model for that part would see one label only, and guesses evenly instead.
    texts = [f"The {thing} opened on time." for thing in (*THINGS, "mill", "bakery", "quay")]
    labels = ["fact"] * len(texts)
    for at, text in ((2, "The depot may close."), (7, "The ferry may close.")):
        texts.insert(at, text)
        labels.insert(at, SPECULATION)
    assert len(texts) == 12 and {i % 5 for i, t in enumerate(labels) if t == SPECULATION} == {2}
    model = learn.train(texts, labels, [suggest_sentence(t) for t in texts])
    assert model is not None and model.blended
    probe = "The library may close."
    (guess,) = model.guess([probe], [suggest_sentence(probe)])
    assert guess.tag == SPECULATION

"""The core of "done only when nothing is open": which disagreements an adjudicator has not
settled, which sentences ``agree`` leaves out, and the record that names whom gold compared."""

from __future__ import annotations

from tuireader.adjudication import (
    COMPARED,
    UNRESOLVED,
    Decision,
    Verdict,
    adjudicator_gaps,
    compared_in,
    decisions_of,
    merged_decisions,
    open_disagreements,
    undecided_sentences,
    untagged_verdicts,
    with_compared,
    with_verdict,
)
from tuireader.agreement import NO_TAG
from tuireader.comparison import Comparison
from tuireader.sentences import Sentence

SENTENCES = [Sentence(i, i * 10, i * 10 + 9, 0, f"Sentence {i}.") for i in range(5)]


def test_open_disagreements_are_the_undecided_and_the_unresolved() -> None:
    values = (("fact", "fact"), ("fact", "speculation"), (NO_TAG, "fact"), ("a", "b"), ("x", "y"))
    comparison = Comparison(("ann", "bob"), (), values, (1, 2, 3, 4))
    own = [NO_TAG, "fact", NO_TAG, NO_TAG, NO_TAG]  # 1 decided by a tag
    verdicts = {2: Verdict(NO_TAG), 3: Verdict(UNRESOLVED)}  # 2 decided "no tag"
    left = open_disagreements(comparison, own, verdicts)
    assert (left.undecided, left.unresolved, left.count) == ((4,), (3,), 2) and left
    assert not open_disagreements(
        comparison, own, {**verdicts, 3: Verdict(NO_TAG), 4: Verdict(NO_TAG)}
    )


def test_undecided_sentences_leave_out_only_what_gold_never_answered() -> None:
    gold = [NO_TAG, "fact", NO_TAG, NO_TAG, NO_TAG]
    ann = ["fact", "fact", NO_TAG, "fact", NO_TAG]
    bob = ["fact", "speculation", NO_TAG, NO_TAG, NO_TAG]
    verdicts = {3: Verdict(NO_TAG), 4: Verdict(UNRESOLVED)}
    # 0: agreed, never filled in; 2: everyone left it untagged (gold's "no tag"); 4: unresolved.
    assert undecided_sentences(gold, verdicts, [ann, bob]) == [0, 4]
    assert undecided_sentences(gold, {}, []) == []  # nobody to compare: untagged is "no tag"


def test_the_record_names_whom_gold_compared_and_every_reader_passes_over_it() -> None:
    state = with_verdict({}, SENTENCES[2], Verdict(UNRESOLVED, reason="unclear"))
    state = with_compared(state, ("bob", "ann"))
    assert compared_in(state) == ("ann", "bob")
    assert compared_in(with_compared(state, ("cat",))) == ("ann", "bob", "cat")
    # A decision after it keeps the names (the list was once copied as dict(list): an error).
    state = with_verdict(state, SENTENCES[3], Verdict(NO_TAG))
    assert state[COMPARED] == ["ann", "bob"]
    assert set(untagged_verdicts(state, SENTENCES)) == {2, 3}
    article = "a1"

    class Source:
        def get_state(self, key: str, default: object = None) -> object:
            return state if key == f"adjudication:gold:{article}" else default

    found = decisions_of(Source(), ["gold"], article)
    assert [(d.start, d.verdict.value) for d in found] == [(20, UNRESOLVED), (30, NO_TAG)]
    merged = merged_decisions(state, [Decision(article, "gold", 40, 49, Verdict(NO_TAG))])
    assert merged[COMPARED] == ["ann", "bob"] and "40:49" in merged
    assert compared_in({COMPARED: "ann"}) == () and compared_in(None) == ()


def test_adjudicator_gaps_need_a_record() -> None:
    values = {"gold": [NO_TAG] * 5, "ann": ["fact"] * 5}
    assert adjudicator_gaps(None, "gold", SENTENCES, values) == []
    assert adjudicator_gaps({}, "gold", SENTENCES, values) == []
    record = with_compared({}, ("ann",))
    assert adjudicator_gaps(record, "gold", SENTENCES, values) == [0, 1, 2, 3, 4]

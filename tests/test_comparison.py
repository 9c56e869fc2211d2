"""The compare view's data: columns, hidden annotators, disagreements and jumps."""

from __future__ import annotations

from tuireader.annotations import Annotation
from tuireader.articles import from_text
from tuireader.comparison import NO_TAG, compare

BODY = "One. Two. Three. Four. Five."


def tagged(annotator: str, tags: dict[int, str]) -> list[Annotation]:
    article = from_text(BODY)
    s = article.sentences
    return [
        Annotation.new(article.id, BODY, s[i].start, s[i].end, tag, annotator)
        for i, tag in tags.items()
    ]


def test_columns_disagreements_and_jumps() -> None:
    sentences = from_text(BODY).sentences
    layers = {
        "zed": tagged("zed", {0: "fact", 2: "fact"}),
        "amy": tagged("amy", {0: "fact", 3: "speculation"}),
        "me": [],
    }
    result = compare(sentences, layers, order=["me"])
    assert result.annotators == ("me", "amy", "zed")
    assert result.values[0] == (NO_TAG, "fact", "fact")
    assert result.disagreements == (0, 2, 3)
    assert result.next_disagreement(0, 1) == 2
    assert result.next_disagreement(3, 1) is None
    assert result.next_disagreement(3, -1) == 2
    assert result.next_disagreement(0, -1) is None
    assert result.disagrees(2) and not result.disagrees(1)
    assert result.of(3) == [("me", NO_TAG), ("amy", "speculation"), ("zed", NO_TAG)]


def test_annotators_past_the_columns_are_hidden_but_still_compared() -> None:
    """D and ``agree`` judge an adjudication over every compared layer: a sentence only a
    hidden annotator tags otherwise is a disagreement, and one every annotator but a hidden
    one agrees on is not agreed."""
    sentences = from_text(BODY).sentences
    layers = {name: tagged(name, {0: "fact", 2: "fact"}) for name in "abc"}
    layers["d"] = tagged("d", {0: "fact", 1: "fact", 2: "speculation"})
    result = compare(sentences, layers, max_columns=3)
    assert result.annotators == ("a", "b", "c") and result.hidden == ("d",)
    assert result.values[2] == ("fact", "fact", "fact")
    assert result.disagreements == (1, 2)
    assert result.agreed == ("fact", None, None, None, None)


def test_one_annotator_has_no_disagreements() -> None:
    sentences = from_text(BODY).sentences
    result = compare(sentences, {"a": tagged("a", {1: "fact"})})
    assert result.disagreements == ()

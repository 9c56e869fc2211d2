"""The status line's other annotators under the cursor, found without the store's lock."""

from __future__ import annotations

from tuireader.annotations import Annotation
from tuireader.ui.other_layers import OtherLayers

BODY = "One sentence here. A second one follows. And a third, much longer, sentence ends it."


def tag(start: int, end: int, who: str) -> Annotation:
    return Annotation.new("a1", BODY, start, end, "fact", who)


def test_names_each_other_annotator_overlapping_once_and_never_me() -> None:
    layers = OtherLayers.of(
        [tag(0, 18, "bob"), tag(5, 9, "bob"), tag(19, 40, "carol"), tag(0, 40, "me")], "me"
    )
    assert layers.names_at(0, 18) == ["bob"]
    assert layers.names_at(19, 40) == ["carol"]
    assert layers.names_at(10, 25) == ["bob", "carol"]
    assert layers.names_at(41, 84) == []


def test_a_long_span_that_starts_far_before_is_found() -> None:
    """Spans are sorted by start: a query looks back as far as the longest one."""
    layers = OtherLayers.of([tag(0, 84, "dan"), *(tag(i, i + 1, "eve") for i in range(50))], "me")
    assert layers.names_at(70, 80) == ["dan"]
    assert layers.names_at(84, 85) == []


def test_no_other_layer() -> None:
    assert OtherLayers.of([tag(0, 18, "me")], "me").names_at(0, 84) == []

"""Markers of tags outside the codebook (found in the database): never a letter a suggestion of
a codebook tag is drawn with (its marker in lower case), so one gutter letter means one thing."""

from __future__ import annotations

from tuireader.tags import Tag, TagSet
from tuireader.ui.status_line import legend


def codebook() -> TagSet:
    return TagSet(
        (
            Tag("claim", "Claim", "C", ("c",), "magenta"),
            Tag("fact", "Fakt", "G", ("g",), "green"),
        )
    )


def test_a_seen_tag_never_takes_a_suggestions_marker() -> None:
    """A1: ``guess`` (recorded with marker G, taken by fact) got ``g``, which is also how a
    suggested fact is drawn."""
    recorded = [Tag("guess", "Guess", "G", (), "red")]
    tags = codebook().with_seen(recorded, ["guess", "claimed"])
    suggestion_markers = {t.marker.lower() for t in tags.active}
    seen = {t.id: t.marker for t in tags if not t.active}
    assert set(seen) == {"guess", "claimed"}
    assert not set(seen.values()) & suggestion_markers
    assert not set(seen.values()) & {t.marker for t in tags.active}
    assert len(set(seen.values())) == 2  # and not each other's


def test_the_legend_says_how_suggestions_are_marked() -> None:
    shown = legend((), None, True).plain
    assert "suggestions in lower case (S)" in shown
    assert "lower case" not in legend((), None, False).plain

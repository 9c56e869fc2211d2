"""The import's merge policy (``store/merging.py``) as the pure functions it is: two versions of
one annotation or done mark in, which is kept out; no file, no store."""

from __future__ import annotations

from dataclasses import replace
from itertools import permutations

from tuireader.annotations import Annotation, Quote
from tuireader.records import DoneMark
from tuireader.store.merging import ImportReport, ImportResult, mark_wins, wins

EARLY = "2026-03-01T10:00:00.000Z"
LATE = "2026-03-01T10:00:01.000Z"


def tag(value: str, updated: str = EARLY, note: str = "") -> Annotation:
    quote = Quote("Hello", "", " world")
    return Annotation("a1", 0, 5, value, quote, "alice", note, "id-1", EARLY, updated)


def kept(versions: list[Annotation]) -> Annotation:
    """What importing the versions one after another keeps."""
    current = versions[0]
    for incoming in versions[1:]:
        if wins(incoming, current):
            current = incoming
    return current


def test_the_newer_edit_wins_whatever_its_content() -> None:
    assert wins(tag("fact", LATE), tag("speculation", EARLY))
    assert not wins(tag("speculation", EARLY), tag("fact", LATE))


def test_equal_times_are_settled_by_content_so_the_order_never_matters() -> None:
    versions = [tag("fact"), tag("speculation"), tag("fact", note="checked"), tag("fact", LATE)]
    outcomes = {kept(list(order)) for order in permutations(versions)}
    assert outcomes == {tag("fact", LATE)}
    ties = versions[:3]
    assert len({kept(list(order)) for order in permutations(ties)}) == 1
    assert not wins(tag("fact"), tag("fact"))  # the same record is skipped, not "updated"


def test_one_instant_written_two_ways_is_a_tie_settled_by_content() -> None:
    same_instant = "2026-03-01T11:00:00.000+01:00"  # EARLY, in another zone
    versions = [tag("fact"), tag("speculation", same_instant)]
    assert len({kept(list(order)) for order in permutations(versions)}) == 1
    marks = [DoneMark("a1", "alice", True, EARLY), DoneMark("a1", "alice", False, same_instant)]
    assert mark_wins(marks[0], marks[1]) and not mark_wins(marks[1], marks[0])


def test_a_done_mark_newer_wins_and_on_a_tie_done_wins() -> None:
    mark = DoneMark("a1", "alice", True, EARLY)
    assert mark_wins(replace(mark, done=False, updated=LATE), mark)
    assert not mark_wins(replace(mark, done=False), mark)
    assert mark_wins(mark, replace(mark, done=False))
    assert not mark_wins(mark, mark)


def test_the_report_totals_every_annotator() -> None:
    report = ImportReport({"alice": ImportResult(2, 1, 0), "bob": ImportResult(0, 3, 4)}, 1, 2)
    assert report.total == ImportResult(2, 4, 4)
    assert ImportReport({}).total == ImportResult()

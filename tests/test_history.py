"""The undo/redo stacks and the Change record."""

from __future__ import annotations

from dataclasses import replace

from tuireader.annotations import Annotation
from tuireader.history import Change, History

BODY = "abcdefghij" * 10


def ann(start: int, end: int) -> Annotation:
    return Annotation.new("a", BODY, start, end, "fact", "t")


def test_record_undo_redo_order() -> None:
    h = History()
    one, two = Change("tag fact", (), (ann(0, 5),)), Change("note", (ann(0, 5),), (ann(0, 5),))
    assert not h.can_undo and h.peek_undo() is None
    h.record(one)
    h.record(two)
    assert h.peek_undo() is two
    h.undone()
    assert h.peek_undo() is one and h.peek_redo() is two and h.can_redo
    h.redone()
    assert h.peek_undo() is two and not h.can_redo
    h.undone()
    h.record(one)
    assert not h.can_redo


def test_limit_drops_the_oldest() -> None:
    h = History(limit=3)
    changes = [Change(f"c{i}", (), (ann(i, i + 1),)) for i in range(5)]
    for c in changes:
        h.record(c)
    popped = []
    while h.can_undo:
        popped.append(h.peek_undo())
        h.undone()
    assert popped == changes[:1:-1]


def test_span_inverse_and_orphans() -> None:
    a, b = ann(10, 20), ann(40, 50)
    change = Change("tag fact", (a,), (b,))
    assert change.span == (10, 50) and change.article_ids == {"a"}
    inverse = change.inverse("undo tag fact")
    assert (inverse.before, inverse.after, inverse.label) == ((b,), (a,), "undo tag fact")
    orphan = replace(ann(90, 95), anchor="orphaned")
    assert Change("x", (orphan,), ()).span is None
    assert Change("x", (orphan,), (a,)).span == (10, 20)


def test_two_steps_joined_undo_as_one_with_their_states() -> None:
    from tuireader.history import Change, History

    history = History()
    history.record(Change("tag", states=(("k", None, {"a": 1}),)))
    history.record(Change("note", states=(("k", {"a": 1}, {"a": 2}),)))
    joined = history.join_last(2, "adjudicate")
    assert joined is not None and joined.states == (("k", None, {"a": 2}),)
    assert joined.inverse("undo").states == (("k", {"a": 2}, None),)
    assert history.peek_undo() is joined and history.can_undo
    history.drop_undo()
    assert not history.can_undo

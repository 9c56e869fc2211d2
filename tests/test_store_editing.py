"""The editing rules of ``store/editing.py``, tested as the pure functions they are: a layer of
annotations in memory and an article in, a Plan out; no file, no store."""

from __future__ import annotations

import re
from dataclasses import replace

from tuireader.annotations import AnchorState, Annotation, Provenance, Quote
from tuireader.articles import Article, from_text
from tuireader.store.editing import (
    Plan,
    new_id,
    plan_attach,
    plan_run,
    plan_runs,
    plan_span,
    replay_conflict,
    settle_order,
)
from tuireader.store.layers import SpanIndex

TEXT = (
    "Alpha one opens here. Beta two follows it. Gamma three is in the middle. "
    "Delta four comes next. Epsilon five ends it."
)
NOW = "2026-03-01T10:00:00.000Z"
EARLIER = "2026-02-01T10:00:00.000Z"


def article() -> Article:
    return from_text(TEXT)


def tagged(art: Article, first: int, last: int, tag: str, who: str = "alice") -> Annotation:
    start, end = art.sentences[first].start, art.sentences[last].end
    return Annotation(
        art.id,
        start,
        end,
        tag,
        Quote.from_body(art.body, start, end),
        who,
        id=new_id(),
        created=EARLIER,
    )


def apply(layer: list[Annotation], plan: Plan) -> list[Annotation]:
    gone = {a.id for a in plan.removed}
    return sorted([a for a in layer if a.id not in gone] + list(plan.added), key=lambda a: a.start)


def runs(art: Article, layer: list[Annotation]) -> list[tuple[int, int, str]]:
    starts = {s.start: s.index for s in art.sentences}
    ends = {s.end: s.index for s in art.sentences}
    return [(starts[a.start], ends[a.end], a.tag) for a in layer]


def test_new_ids_are_version_4_uuids_and_differ() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i)
        for i in ids
    )


def test_a_run_on_an_empty_layer_adds_one_annotation() -> None:
    art = article()
    plan = plan_run(art, SpanIndex(), 1, 2, "fact", annotator="alice", toggle=True, now=NOW)
    assert plan.label == "tag fact" and plan.removed == ()
    (new,) = plan.added
    assert (new.start, new.end) == (art.sentences[1].start, art.sentences[2].end)
    assert new.quote.exact == art.body[new.start : new.end]
    assert (new.annotator, new.created, new.provenance) == ("alice", NOW, Provenance.HAND)


def test_the_same_tag_on_the_same_run_toggles_off_or_stays() -> None:
    art = article()
    old = tagged(art, 1, 2, "fact")
    layer = SpanIndex([old])
    assert plan_run(art, layer, 1, 2, "fact", annotator="alice", toggle=True) == Plan(
        "untag", (old,)
    )
    assert plan_run(art, layer, 1, 2, "fact", annotator="alice", toggle=False) == Plan("tag fact")


def test_a_retag_keeps_the_record_id_created_and_note() -> None:
    art = article()
    old = replace(tagged(art, 1, 1, "fact"), note="keep me")
    plan = plan_run(
        art, SpanIndex([old]), 1, 1, "speculation", annotator="alice", toggle=True, now=NOW
    )
    (new,) = plan.added
    assert plan.removed == (old,)
    assert (new.id, new.created, new.note, new.tag, new.updated) == (
        old.id,
        EARLIER,
        "keep me",
        "speculation",
        NOW,
    )


def test_a_run_inside_a_longer_annotation_cuts_it_at_sentences() -> None:
    art = article()
    old = tagged(art, 0, 4, "fact")
    plan = plan_run(art, SpanIndex([old]), 2, 2, "speculation", annotator="alice", toggle=True)
    after = apply([old], plan)
    assert runs(art, after) == [(0, 1, "fact"), (2, 2, "speculation"), (3, 4, "fact")]
    first = next(a for a in after if a.start == 0)
    assert first.id == old.id  # the first piece keeps the id (notes and exports follow it)
    assert len({a.id for a in after}) == 3


def test_clearing_removes_only_the_covered_sentences() -> None:
    art = article()
    old = tagged(art, 0, 2, "fact")
    plan = plan_run(art, SpanIndex([old]), 2, 4, None, annotator="alice", toggle=False)
    assert plan.label == "untag"
    assert runs(art, apply([old], plan)) == [(0, 1, "fact")]


def test_a_span_keeps_its_exact_offsets_and_cuts_around_it() -> None:
    art = article()
    whole = tagged(art, 2, 2, "fact")
    sentence = art.sentences[2]
    start = art.body.index("three", sentence.start)
    end = start + len("three")
    plan = plan_span(
        art, SpanIndex([whole]), start, end, "speculation", annotator="alice", toggle=True, now=NOW
    )
    after = apply([whole], plan)
    assert [(art.body[a.start : a.end], a.tag) for a in after] == [
        ("Gamma", "fact"),
        ("three", "speculation"),
        ("is in the middle.", "fact"),
    ]
    again = plan_span(
        art, SpanIndex(after), start, end, "speculation", annotator="alice", toggle=True
    )
    assert again.label == "untag" and [a.tag for a in again.removed] == ["speculation"]


def test_plan_runs_sees_each_earlier_run_and_returns_the_layer_after() -> None:
    art = article()
    old = tagged(art, 0, 4, "fact")
    plan, after = plan_runs(
        art,
        SpanIndex([old]),
        [(1, 1, "speculation"), (1, 1, "speculation"), (3, 3, "expert_opinion")],
        "accept 3",
        annotator="alice",
    )
    assert plan.label == "accept 3"
    assert runs(art, list(after)) == [
        (0, 0, "fact"),
        (1, 1, "speculation"),
        (2, 2, "fact"),
        (3, 3, "expert_opinion"),
        (4, 4, "fact"),
    ]
    assert plan.removed == (old,)  # only the original is removed; pieces made and re-cut are not
    assert runs(art, apply([old], plan)) == runs(art, list(after))


def test_accepted_suggestions_never_replace_a_tag() -> None:
    art = article()
    mine = tagged(art, 1, 1, "fact")
    plan, after = plan_runs(
        art,
        SpanIndex([mine]),
        [(0, 0, "speculation"), (1, 1, "speculation")],
        "accept 2",
        annotator="alice",
        provenance=Provenance.SUGGESTION_RULE,
    )
    assert runs(art, list(after)) == [(0, 0, "speculation"), (1, 1, "fact")]
    assert plan.removed == () and [a.provenance for a in plan.added] == [Provenance.SUGGESTION_RULE]


def test_settle_order_is_newest_edit_first_whatever_the_input_order() -> None:
    art = article()
    a = replace(tagged(art, 0, 0, "fact"), updated="2026-01-03T00:00:00.000Z")
    b = replace(tagged(art, 1, 1, "fact"), updated="2026-01-02T00:00:00.000Z")
    c = replace(tagged(art, 2, 2, "fact"), updated="2026-01-02T00:00:00.000Z")
    expected = settle_order([a, b, c])
    assert expected[0] is a
    assert settle_order([c, b, a]) == expected == settle_order([b, a, c])


def test_attach_on_unchanged_text_changes_nothing() -> None:
    art = article()
    layer = [tagged(art, 0, 0, "fact"), tagged(art, 0, 1, "speculation", who="bob")]
    report, plan, adopted = plan_attach(art, layer, {})
    assert (report.exact, report.orphaned, report.changed) == (2, 0, False)
    assert plan.removed == plan.added == () and adopted == []


def test_attach_moves_orphans_and_settles_each_layer_on_its_own() -> None:
    art = article()
    moved = tagged(art, 3, 3, "fact")
    gone = tagged(art, 1, 1, "fact")
    other = tagged(art, 3, 3, "speculation", who="bob")  # overlap between layers is normal
    edited = from_text("A new first sentence. " + TEXT.replace("Beta two follows it. ", ""))
    report, plan, _ = plan_attach(edited, [moved, gone, other], {})
    assert (report.moved, report.orphaned) == (2, 1)
    assert [a.id for a in report.orphans] == [gone.id]
    by_id = {a.id: a for a in plan.added}
    for placed in (by_id[moved.id], by_id[other.id]):
        assert edited.body[placed.start : placed.end] == "Delta four comes next."
        assert placed.anchor is AnchorState.MOVED
    assert by_id[gone.id].anchor is AnchorState.ORPHANED


def test_attach_adopts_every_older_id_and_keeps_aside_what_fits_nowhere() -> None:
    """An older id whose tags all fit nowhere is adopted too (tester report, A14): left on it,
    they would be neither shown nor counted as orphaned."""
    art = article()
    fits = replace(tagged(art, 2, 2, "fact"), article_id="old-id")
    lost = Annotation(
        "other-old", 0, 5, "fact", Quote("Nothing like this"), "alice", id=new_id(), created=NOW
    )
    report, plan, adopted = plan_attach(art, [], {"old-id": [fits], "other-old": [lost]})
    assert adopted == ["old-id", "other-old"] and report.changed
    assert (report.moved + report.exact, report.orphaned) == (1, 1)
    assert [a.id for a in report.orphans] == [lost.id]
    by_id = {a.id: a for a in plan.added}
    assert {a.article_id for a in plan.added} == {art.id}
    assert by_id[lost.id].anchor is AnchorState.ORPHANED
    alone, _, adopted_alone = plan_attach(art, [], {"other-old": [lost]})
    assert adopted_alone == ["other-old"] and alone.orphaned == 1 and alone.changed


def test_replay_conflict() -> None:
    art = article()
    a = tagged(art, 0, 0, "fact")
    b = tagged(art, 1, 1, "fact")
    retagged = replace(a, tag="speculation")
    # Undoing "add a": nothing changed since.
    assert not replay_conflict([a], [], {a.id: a}, {})
    # ... but another window retagged it meanwhile.
    assert replay_conflict([a], [], {a.id: retagged}, {})
    # Restoring b: fine when its place is free, a conflict when the id came back or the
    # sentences carry another record of the layer now.
    assert not replay_conflict([], [b], {b.id: None}, {b.id: []})
    assert replay_conflict([], [b], {b.id: b}, {b.id: []})
    assert replay_conflict([], [b], {b.id: None}, {b.id: [a]})
    # An overlap with a record the same step removes is no conflict.
    assert not replay_conflict([a], [b], {a.id: a, b.id: None}, {b.id: [a]})

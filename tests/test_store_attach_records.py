"""``editing.attach_records``: an import's attach decided on the stored records of an article
whose text did not change, without building an annotation of each. It must decide exactly what
``plan_attach`` decides on the annotations (the counts, and every changed record byte for byte
as ``to_stored`` writes it), and decline (None) wherever an annotation is not at home."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from test_anchoring import article_of
from test_anchoring_at_home import SENTENCES, edited, joined, tags_of, text_of
from tuireader.anchoring import at_home, sentence_bounds
from tuireader.annotations import AnchorState, Annotation, Provenance, Quote
from tuireader.articles import Article, from_text, raw_sentence_spans
from tuireader.records import from_stored, to_stored
from tuireader.storage import load_tables
from tuireader.store import Store
from tuireader.store.editing import attach_records, plan_attach, set_anchors

NAMES = ("ana", "bo", "cy")
TIMES = [f"2026-03-0{d}T08:00:00.000Z" for d in range(1, 5)]


def dense(art: Article, rng: random.Random, *, suggested: bool = True) -> list[Annotation]:
    """Each annotator tags the text several times over, in runs of one to three sentences
    (so most of a layer overlaps itself), with "check me" marks, orphans, notes, a few edit
    times (ties broken by id) and, if ``suggested``, accepted suggestions."""
    made: list[Annotation] = []
    sentences = art.sentences
    for who in rng.sample(NAMES, rng.randint(1, 3)):
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(2)
            while i < len(sentences):
                last = min(len(sentences) - 1, i + rng.choice((0, 0, 1, 2)))
                start, end = sentences[i].start, sentences[last].end
                created = rng.choice(TIMES)
                made.append(
                    Annotation(
                        art.id,
                        start,
                        end,
                        rng.choice(("fact", "speculation")),
                        Quote.from_body(art.body, start, end),
                        who,
                        note=rng.choice(("", "", "see the minutes")),
                        id=f"{who}-{rng.randrange(10**6):06d}-{len(made)}",
                        created=created,
                        updated=rng.choice((created, *TIMES)),
                        anchor=rng.choice(
                            [AnchorState.EXACT] * 5
                            + [AnchorState.ORPHANED, AnchorState.MOVED, AnchorState.FUZZY]
                        ),
                        provenance=rng.choice(
                            [Provenance.HAND] * 4 + [Provenance.SUGGESTION_RULE] * suggested
                        ),
                    )
                )
                i = last + 1 + rng.choice((0, 0, 1))
    return made


def stored_as(
    anns: list[Annotation], rng: random.Random, *, odd: float = 1.0
) -> dict[str, dict[str, Any]]:
    """The annotations' stored records, some (up to a fraction of ``odd``) not in the form
    ``to_stored`` writes (another tool's, or an older version's): a redundant ``updated``, an
    empty note, an explicit exact anchor or hand provenance, keys in another order, a quote
    without its empty prefix."""
    records: dict[str, dict[str, Any]] = {}
    for a in anns:
        record = to_stored(a)
        roll = rng.random() / odd if odd else 1.0
        if roll < 0.04:
            record["updated"] = record["created"]
        elif roll < 0.08:
            record["note"] = ""
        elif roll < 0.12 and "anchor" not in record:
            record["anchor"] = "exact"
        elif roll < 0.16 and "provenance" not in record:
            record["provenance"] = "hand"
        elif roll < 0.2:
            record = dict(reversed(record.items()))
        elif roll < 0.24 and record["quote"]["prefix"] == "":
            record["quote"] = {
                "exact": record["quote"]["exact"],
                "suffix": record["quote"]["suffix"],
            }
        records[a.id] = record
    return records


def in_store_order(records: dict[str, dict[str, Any]]) -> list[tuple[str, bytes]]:
    return sorted((key, orjson.dumps(record)) for key, record in records.items())


def check_as_plan_attach(art: Article, records: dict[str, dict[str, Any]]) -> bool:
    """``attach_records`` against ``plan_attach`` on the same records; whether it decided."""
    anns = [from_stored(key, record) for key, record in records.items()]
    got = attach_records(art, records)
    home = all(at_home(anns, art.body, art.sentences)) and all(a.article_id == art.id for a in anns)
    assert (got is not None) == home
    if got is None:
        return False
    report, plan, adopted = plan_attach(art, anns, {})
    assert (got.exact, got.orphaned) == (report.exact, report.orphaned)
    assert report.moved == report.fuzzy == adopted.__len__() == 0
    assert {a.id for a in plan.removed} == {a.id for a in plan.added} == set(got.changed)
    assert in_store_order(got.changed) == in_store_order({a.id: to_stored(a) for a in plan.added})
    return True


@pytest.mark.parametrize("seed", range(80))
def test_dense_layers_are_settled_as_plan_attach_settles_them(seed: int) -> None:
    """Half of them with every record as the store writes it and no suggestion, half with
    records in other forms too."""
    rng = random.Random(seed)
    art = article_of(text_of(rng, rng.randrange(2, 40)))
    plain = seed % 2 == 0
    anns = dense(art, rng, suggested=not plain)
    assert check_as_plan_attach(art, stored_as(anns, rng, odd=0.0 if plain else 1.0))


@pytest.mark.parametrize("seed", range(20))
def test_records_made_at_one_time_are_settled_by_id(seed: int) -> None:
    """Every record with the same edit time (tagged in one go, or a bulk import): the ids
    alone order each layer, as ``plan_attach`` orders it."""
    rng = random.Random(seed)
    art = article_of(text_of(rng, rng.randrange(2, 40)))
    anns = [replace(a, created=TIMES[0], updated=TIMES[0]) for a in dense(art, rng)]
    records = {a.id: to_stored(a) for a in anns}
    assert check_as_plan_attach(art, records)
    mine = orjson.loads(orjson.dumps(records))
    got = attach_records(art, mine, stored_form=True)
    expected = attach_records(art, records)
    assert got is not None and expected is not None
    assert in_store_order(got.changed) == in_store_order(expected.changed)


@pytest.mark.parametrize("seed", range(40))
def test_records_in_the_stored_form_are_settled_as_plan_attach_settles_them(seed: int) -> None:
    """``stored_form`` (an import's records, as the codec makes them): each changed record is
    the one ``plan_attach`` gives, byte for byte, with suggestions (a provenance after the
    anchor) and records orphaned before."""
    rng = random.Random(seed)
    art = article_of(text_of(rng, rng.randrange(2, 40)))
    anns = dense(art, rng, suggested=seed % 2 == 0)
    records = {a.id: to_stored(a) for a in anns}
    for key in rng.sample(sorted(records), len(records) // 5):  # orphaned before
        records[key] = to_stored(
            replace(from_stored(key, records[key]), anchor=AnchorState.ORPHANED)
        )
    assert check_as_plan_attach(art, records)
    expected = attach_records(art, records)
    mine = orjson.loads(orjson.dumps(records))  # changed in place: the caller's own copy
    got = attach_records(art, mine, stored_form=True)
    assert expected is not None and got is not None
    assert (got.exact, got.orphaned) == (expected.exact, expected.orphaned)
    assert list(got.changed) == list(expected.changed)
    assert in_store_order(got.changed) == in_store_order(expected.changed)
    assert in_store_order(mine) == in_store_order({**records, **expected.changed})
    # An import's attach: the sentences' offsets only, and the anchors it changed given back.
    theirs = orjson.loads(orjson.dumps(records))
    bounds = sentence_bounds(raw_sentence_spans(art))
    again = attach_records(art, theirs, stored_form=True, bounds=bounds)
    assert again is not None and (again.exact, again.orphaned) == (got.exact, got.orphaned)
    assert orjson.dumps(theirs) == orjson.dumps(mine)
    assert list(again.anchors_before) == list(again.changed)
    keys = list(again.anchors_before)
    back = [a or AnchorState.EXACT.value for a in again.anchors_before.values()]
    set_anchors(keys, [theirs[k] for k in keys], back)
    assert orjson.dumps(theirs) == orjson.dumps(records)  # byte for byte, key order included


@pytest.mark.parametrize("seed", range(60))
def test_an_edited_text_or_a_stranger_is_left_to_plan_attach(seed: int) -> None:
    """The mixes of ``test_anchoring_at_home`` (parts of sentences, stale context, other
    articles' records, edits that keep the id, joined sentences): decided exactly where every
    annotation is at home, declined everywhere else."""
    rng = random.Random(seed)
    made_on = article_of(text_of(rng, rng.randrange(3, 30)))
    anns = tags_of(made_on, rng) + dense(made_on, rng)
    rng.shuffle(anns)
    art = replace(article_of(edited(made_on.body, rng)), id=made_on.id)
    s = art.sentences
    pairs = [i for i in range(len(s) - 1) if s[i].paragraph == s[i + 1].paragraph]
    if pairs and rng.random() < 0.4:
        joined(art, rng.choice(pairs), segmented=rng.random() < 0.5)
    check_as_plan_attach(art, stored_as(anns, rng))
    placed = [a for a in anns if a.article_id == art.id and all(at_home([a], art.body, s))]
    check_as_plan_attach(art, stored_as(placed, rng))


def test_nothing_changes_where_nothing_overlaps() -> None:
    art = article_of(" ".join(SENTENCES))
    anns = [
        Annotation.new(art.id, art.body, x.start, x.end, "fact", who)
        for who in ("ana", "bo")
        for x in art.sentences
    ]
    got = attach_records(art, {a.id: to_stored(a) for a in anns})
    assert got is not None
    assert (got.exact, got.orphaned, got.changed) == (len(anns), 0, {})


def test_an_overlapped_record_is_orphaned_and_the_newer_edit_keeps_its_place() -> None:
    art = article_of(" ".join(SENTENCES[:3]))
    first, second = art.sentences[:2]
    older = Annotation.new(art.id, art.body, first.start, second.end, "fact", "ana")
    newer = Annotation.new(art.id, art.body, first.start, first.end, "speculation", "ana")
    older = replace(older, id="a", updated=TIMES[0])
    newer = replace(newer, id="b", updated=TIMES[1])
    got = attach_records(art, {a.id: to_stored(a) for a in (older, newer)})
    assert got is not None
    assert (got.exact, got.orphaned) == (1, 1)
    assert got.changed == {"a": {**to_stored(older), "anchor": "orphaned"}}
    again = attach_records(art, {"a": got.changed["a"], "b": to_stored(newer)})
    assert again is not None and again.changed == {}  # an orphan that stays is not rewritten


def test_attach_all_of_dense_articles_writes_what_attaching_each_writes(tmp_path: Path) -> None:
    """The store's import attach (``Store.attach_all``, on records) against ``Store.attach``
    (on annotations) of the same dense articles: every table equal, every record's keys in
    the same order."""
    rng = random.Random(7)
    found = [from_text(text_of(rng, 30)) for _ in range(3)]
    anns = [a for art in found for a in dense(art, rng, suggested=False)]
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    for db in (one, many):
        with Store.open(db, "ana") as store:
            store.import_all(anns)
    for art in found:
        with Store.open(one, "ana") as store:
            store.attach(art)
    with Store.open(many, "ana") as store:
        assert store.attach_all(iter(found)) == len(found)
        assert store.orphans()
    tables = load_tables(one)
    assert tables == load_tables(many)
    stored = [orjson.dumps(load_tables(db)["annotations"]) for db in (one, many)]
    assert stored[0] == stored[1]  # key for key, in the same order


def team(art: Article, rng: random.Random, shape: str) -> list[Annotation]:
    """A team's layers: each annotator tags the text once through, in runs of one to three
    sentences of their own choosing (so one layer never overlaps itself, but two layers may
    overlap each other), with one ``shape`` of trouble mixed in or none (``plain``)."""
    made: list[Annotation] = []
    s = art.sentences
    for who in NAMES[: rng.randint(1, 3)]:
        i = 0
        while i < len(s):
            last = min(len(s) - 1, i + rng.choice((0, 0, 0, 1, 2)))
            made.append(
                replace(
                    Annotation.new(art.id, art.body, s[i].start, s[last].end, "fact", who),
                    id=f"{who}-{len(made):04d}",
                    created=TIMES[0],
                    updated=rng.choice(TIMES),
                    anchor=rng.choice((AnchorState.EXACT, AnchorState.EXACT, AnchorState.MOVED)),
                )
            )
            i = last + 1 + rng.choice((0, 0, 1))
    pick = rng.randrange(len(made))
    if shape == "twice":  # one span tagged twice by its annotator
        made.append(replace(made[pick], id="again", updated=TIMES[3]))
    elif shape == "orphaned":
        made[pick] = replace(made[pick], anchor=AnchorState.ORPHANED)
    elif shape == "stale":  # a quote whose context no longer matches
        quote = made[pick].quote
        made[pick] = replace(made[pick], quote=replace(quote, suffix=quote.suffix + "x"))
    elif shape == "stranger":
        made[pick] = replace(made[pick], article_id="0" * 16)
    return made


@pytest.mark.parametrize("shape", ["plain", "twice", "orphaned", "stale", "stranger"])
@pytest.mark.parametrize("seed", range(24))
def test_team_layers_are_settled_as_plan_attach_settles_them(shape: str, seed: int) -> None:
    """Layers that never overlap themselves (a team tagging each sentence once: every record
    stays where it is, decided in one pass), two layers overlapping each other, and each kind
    of record that takes the decision elsewhere; in the stored form too, as an import hands
    them in with the sentences' offsets only."""
    rng = random.Random(seed)
    art = article_of(text_of(rng, rng.randrange(1, 30)))
    anns = team(art, rng, shape)
    records = {a.id: to_stored(a) for a in anns}
    decided = check_as_plan_attach(art, records)
    assert decided == (shape not in ("stale", "stranger"))
    got = attach_records(art, records)
    mine = orjson.loads(orjson.dumps(records))
    bounds = sentence_bounds(raw_sentence_spans(art))
    stored = attach_records(art, mine, stored_form=True, bounds=bounds)
    if got is None or stored is None:
        assert got is None and stored is None
        return
    assert (stored.exact, stored.orphaned) == (got.exact, got.orphaned)
    assert in_store_order(stored.changed) == in_store_order(got.changed)
    if shape == "plain":
        assert (got.exact, got.orphaned, got.changed) == (len(anns), 0, {})
    if shape == "twice":
        assert got.orphaned >= 1

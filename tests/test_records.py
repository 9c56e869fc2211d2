"""The annotation record's codec: the stored form, the export form and the light rows read
straight from stored records agree with the ``Annotation`` they stand for."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.annotations import AnchorState, Annotation, Provenance, Quote, assembled
from tuireader.records import (
    EXPORT_FIELDS,
    RecordError,
    from_export,
    from_stored,
    from_stored_all,
    plain_article_ids,
    stored_columns,
    stored_from_export,
    stored_problem,
    tag_row,
    tag_rows,
    to_export,
    to_stored,
)

text = st.text(max_size=12)
stamp = st.sampled_from(["2026-01-02T03:04:05.000Z", "2026-05-06T07:08:09.123Z"])


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    start = draw(st.integers(0, 500))
    return Annotation(
        article_id=draw(st.sampled_from(["a" * 64, "b1"])),
        start=start,
        end=start + draw(st.integers(0, 80)),
        tag=draw(st.sampled_from(["fact", "speculation", "x-other"])),
        quote=Quote(draw(text), draw(text), draw(text)),
        annotator=draw(st.sampled_from(["alice", "", "bob"])),
        note=draw(text),
        id=draw(st.uuids()).hex,
        created=draw(stamp),
        updated=draw(stamp),
        anchor=draw(st.sampled_from(list(AnchorState))),
        provenance=draw(st.sampled_from(list(Provenance))),
    )


@given(st.lists(annotations(), max_size=6, unique_by=lambda a: a.id))
def test_rows_stored_and_exported_forms_all_give_back_the_annotation(
    anns: list[Annotation],
) -> None:
    stored = {a.id: to_stored(a) for a in anns}
    assert all(stored_problem(key, record) is None for key, record in stored.items())
    assert [from_stored(key, record) for key, record in stored.items()] == anns
    assert [from_export(to_export(a)) for a in anns] == anns
    exported = stored_columns(stored).export_records()
    in_order = sorted(anns, key=lambda a: (a.start, a.end, a.id))
    assert exported == [to_export(a) for a in in_order]
    assert [list(e) for e in exported] == [list(to_export(a)) for a in in_order]  # field order
    rows = tag_rows(stored)
    assert rows == [tag_row(a) for a in anns]
    for row, a in zip(rows, anns, strict=True):
        assert (row.anchor, row.updated, row.exact) == (a.anchor, a.updated, a.quote.exact)
        assert type(row.anchor) is str and row.anchor == a.anchor.value


@given(st.lists(annotations(), max_size=6, unique_by=lambda a: a.id))
def test_stored_records_built_in_bulk_are_the_annotations(anns: list[Annotation]) -> None:
    stored = {a.id: to_stored(a) for a in anns}
    for record in stored.values():  # a quote stored without its context has none
        if not record["quote"]["prefix"]:
            del record["quote"]["prefix"]
    built = from_stored_all(stored)
    assert built == [from_stored(key, record) for key, record in stored.items()] == anns
    for b, a in zip(built, anns, strict=True):
        assert b.anchor is a.anchor and b.provenance is a.provenance
        assert hash(b) == hash(a) and replace(b, tag="x") == replace(a, tag="x")


def test_building_in_bulk_needs_every_field() -> None:
    with pytest.raises(ValueError, match="needs columns"):
        assembled(Quote, 1, {"exact": ["a"], "prefix": [""]})


def test_exported_enums_are_plain_text() -> None:
    a = Annotation("x", 0, 3, "fact", Quote("abc"), "alice", anchor=AnchorState.MOVED)
    record = to_export(a)
    assert (record["anchor"], record["provenance"]) == ("moved", "hand")
    assert type(record["anchor"]) is str and type(record["provenance"]) is str
    assert type(to_stored(a)["anchor"]) is str


def _slow_or_problem(item: Any) -> tuple[str, bytes]:
    """What ``from_export`` then ``to_stored`` make of ``item``, or the problem it names."""
    try:
        a = from_export(item)
    except RecordError as exc:
        return "refused", str(exc).encode()
    return "ok", orjson.dumps((a.id, to_stored(a)))


def _fast_or_problem(item: Any) -> tuple[str, bytes]:
    try:
        return "ok", orjson.dumps(stored_from_export(item))
    except RecordError as exc:
        return "refused", str(exc).encode()


@given(annotations())
def test_stored_from_export_is_the_stored_form_of_the_checked_annotation(a: Annotation) -> None:
    item = orjson.loads(orjson.dumps(to_export(a)))  # as an import reads it
    assert stored_from_export(item) == (a.id, to_stored(a))
    del item["provenance"]  # exports made before it existed: set by hand
    assert _fast_or_problem(item) == _slow_or_problem(item)


_VALID = to_export(
    Annotation(
        "a1",
        3,
        9,
        "fact",
        Quote("abcdef", "", "g"),
        "alice",
        id="x1",
        created="2026-01-02T03:04:05Z",
    )
)


def _variants() -> list[Any]:
    """Every field of a valid record missing, or replaced by a value of every wrong kind."""
    found: list[Any] = [[], "text", 3, None, {}]
    values: list[Any] = [None, 1, -1, True, 1.5, "", "x", "2026-13-01", [], {}, ["exact"]]
    for key in _VALID:
        item = copy.deepcopy(_VALID)
        del item[key]
        found.append(item)
        for value in values:
            item = copy.deepcopy(_VALID)
            item[key] = value
            found.append(item)
    for key in ("exact", "prefix", "suffix"):
        item = copy.deepcopy(_VALID)
        del item["quote"][key]
        found.append(item)
        for value in values:
            item = copy.deepcopy(_VALID)
            item["quote"][key] = value
            found.append(item)
    item = copy.deepcopy(_VALID)
    item.update(start=9, end=3)
    found.append(item)
    return found


@pytest.mark.parametrize("item", _variants())
def test_stored_from_export_refuses_and_names_exactly_what_from_export_does(item: Any) -> None:
    assert _fast_or_problem(item) == _slow_or_problem(item)


# Timestamps near the form exports write: every character a timestamp may hold (and "z", a
# space, a second "Z"), digits out of range, a separator other than "T", a zone or none.
_stamp_text = st.text(alphabet="0123456789-+:.TZz W", max_size=32)


@st.composite
def _near_stamps(draw: st.DrawFn) -> str:
    """A written time with a few characters changed, cut, or doubled."""
    stamp = draw(
        st.sampled_from(
            [
                "2026-01-02T03:04:05.000Z",
                "2024-02-29T23:59:59.999Z",
                "2026-01-02T03:04:05Z",
                "2026-01-02T03:04:05+01:00",
                "2026-01-02 03:04:05.123456",
                "2026-01-02Z03:04:05.000Z",
                "2026-01-02T03:04:05.000z",
                "20260102T030405Z",
            ]
        )
    )
    chars = list(stamp)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(chars)))
        action = draw(st.sampled_from(["set", "insert", "delete"]))
        char = draw(st.sampled_from("0123456789-+:.TZz "))
        if action == "insert":
            chars.insert(at, char)
        elif at < len(chars):
            chars[at : at + 1] = [char] if action == "set" else []
    return "".join(chars)


@settings(max_examples=500)
@given(
    created=st.one_of(_near_stamps(), _stamp_text),
    updated=st.one_of(_near_stamps(), _stamp_text, st.none()),
)
def test_stored_from_export_judges_every_time_as_from_export_does(
    created: str, updated: str | None
) -> None:
    # Twice: the second time a valid time is a remembered one.
    for _ in range(2):
        item = copy.deepcopy(_VALID)
        item["created"] = created
        item["updated"] = created if updated is None else updated
        assert _fast_or_problem(item) == _slow_or_problem(item)


_wrong_values = st.sampled_from([None, 0, 7, -1, True, 2.5, "", "x", [], {}, ["exact"]])


@st.composite
def _export_items(draw: st.DrawFn) -> Any:
    """A record as an export writes it, then some fields left out, or given a value of a wrong
    kind, and some fields an export adds (jsonl's article and sentence columns)."""
    a = draw(annotations())
    item = orjson.loads(orjson.dumps(to_export(a)))
    for key in draw(st.lists(st.sampled_from([*item, "quote.exact", "quote.suffix"]))):
        target, _, field = key.rpartition(".")
        record = item.get("quote") if target else item
        if not isinstance(record, dict) or field not in record:
            continue
        if draw(st.booleans()):
            del record[field]
        else:
            record[field] = draw(st.one_of(_wrong_values, _near_stamps(), text))
    if draw(st.booleans()):
        item.update(tag_label="Fact", article_title="A title", sentence_first=0)
    return item


@given(_export_items())
def test_stored_from_export_agrees_with_from_export_on_any_record(item: Any) -> None:
    assert _fast_or_problem(item) == _slow_or_problem(item)
    assert _fast_or_problem(item) == _slow_or_problem(item)  # times now remembered


def test_stored_from_export_reads_many_distinct_times_alike() -> None:
    """More distinct times than are remembered at once: each is still read, and one that is
    not a time is still refused after the valid ones were remembered."""
    for n in range(6000):
        item = copy.deepcopy(_VALID)
        item["created"] = f"2026-01-02T03:{n // 60 % 60:02d}:{n % 60:02d}.{n % 1000:03d}Z"
        item["updated"] = f"2026-02-{n % 28 + 1:02d}T10:00:00Z"
        assert _fast_or_problem(item) == _slow_or_problem(item)
        assert _fast_or_problem(item)[0] == "ok"
    item = copy.deepcopy(_VALID)
    item["updated"] = "2026-02-30T10:00:00Z"
    assert (
        _fast_or_problem(item)
        == _slow_or_problem(item)
        == (
            "refused",
            b"\"updated\" is not an ISO 8601 timestamp: '2026-02-30T10:00:00Z'",
        )
    )


_MISSING_FIELD = object()
_stored_fields = [*EXPORT_FIELDS, "quote.exact", "quote.prefix", "other"]


@given(
    st.lists(annotations(), min_size=1, max_size=30, unique_by=lambda a: a.id),
    st.lists(
        st.tuples(
            st.integers(0, 29),
            st.sampled_from(_stored_fields),
            st.one_of(_wrong_values, st.just(_MISSING_FIELD), text),
        ),
        max_size=3,
    ),
)
def test_the_column_check_of_stored_records_agrees_with_the_check_of_each(
    anns: list[Annotation], changes: list[tuple[int, str, Any]]
) -> None:
    """``plain_article_ids`` checks a shard's records a column at a time: never passes a shard
    in which ``stored_problem`` refuses a record, and passes records as the store writes them
    (None, for an unusual shape, means "ask ``stored_problem``")."""
    records = {a.id: to_stored(a) for a in anns}
    keys = list(records)
    for at, field, value in changes:
        target, _, name = field.rpartition(".")
        record = records[keys[at % len(keys)]]
        if target:
            record = record.get("quote")
            if not isinstance(record, dict):
                continue
        if value is _MISSING_FIELD:
            record.pop(name, None)
        else:
            record[name] = value
    refused = any(stored_problem(k, r) is not None for k, r in records.items())
    found = plain_article_ids(records)
    if refused:
        assert found is None
    if not changes:  # records as the store writes them take the column path
        assert found is not None
    if found is not None:
        assert list(found) == [r["article_id"] for r in records.values()]

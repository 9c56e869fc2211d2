"""``store.imports`` without a file: how an import's batches are driven and reported, how the
articles it found are grouped into writes, and what imported article metadata adds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tuireader.articles import Article, from_text
from tuireader.records import DoneMark, StoredRecord
from tuireader.store.imports import (
    AtHand,
    attach_groups,
    check_tag,
    checked_records,
    in_batches,
)
from tuireader.store.merging import ImportReport, ImportResult
from tuireader.store.metadata import merged_articles


def record(key: str, annotator: str, tag: str = "fact") -> StoredRecord:
    return key, {"article_id": "a1", "annotator": annotator, "tag": tag}


def test_in_batches_writes_each_batch_and_sends_the_small_tables_with_the_last() -> None:
    calls: list[tuple[list[str], int, int]] = []

    def write(
        batch: Sequence[StoredRecord],
        metas: Sequence[dict[str, Any]] = (),
        marks: Sequence[DoneMark] = (),
        at_hand: AtHand | None = None,
    ) -> ImportReport:
        calls.append(([key for key, _ in batch], len(metas), len(marks)))
        by: dict[str, ImportResult] = {}
        for _, rec in batch:
            by[rec["annotator"]] = by.get(rec["annotator"], ImportResult()) + ImportResult(1)
        return ImportReport(by, len(metas), len(marks))

    batches = [[record("x1", "zoe"), record("x2", "al")], [record("x3", "zoe")]]
    metas = [{"id": "a1"}, {"id": "a2"}]
    marks = [DoneMark("a1", "al", True, "2024-01-01T00:00:00Z")]
    report = in_batches(write, iter(batches), metas, marks)
    assert calls == [(["x1", "x2"], 0, 0), (["x3"], 2, 1)]
    assert list(report.by_annotator) == ["al", "zoe"]  # sorted by name
    assert report.by_annotator["zoe"] == ImportResult(2)
    assert (report.articles, report.done) == (2, 1)


def test_in_batches_of_nothing_still_writes_the_small_tables_once() -> None:
    seen: list[int] = []

    def write(
        batch: Sequence[StoredRecord],
        metas: Sequence[dict[str, Any]] = (),
        marks: Sequence[DoneMark] = (),
        at_hand: AtHand | None = None,
    ) -> ImportReport:
        seen.append(len(batch))
        return ImportReport({}, len(metas), 0)

    assert in_batches(write, iter([]), [{"id": "a"}], []).articles == 1
    assert seen == [0]


def articles(count: int) -> list[Article]:
    return [from_text(f"Story number {n} was filed late. It ran long.") for n in range(count)]


def test_attach_groups_weighs_each_article_by_its_stored_annotations() -> None:
    found = articles(5)
    index = {found[0].id: {"tags": {"al": {"fact": 6}}, "orphaned": {}}}
    reads: list[int] = []

    def entries() -> dict[str, Any]:
        reads.append(1)
        return index

    groups = list(attach_groups(found, entries, limit=4))
    # 7 for the first (6 stored + 1), then 1 each: the limit closes a group once reached.
    assert [len(g) for g in groups] == [1, 4]
    assert [a for g in groups for a in g] == found
    assert len(reads) == 3  # once, then again after each group that reached the limit


def test_attach_groups_of_nothing_is_no_write() -> None:
    assert list(attach_groups([], dict, limit=10)) == []


def test_records_without_a_tag_are_refused_before_anything_is_written() -> None:
    assert checked_records([record("x1", "al")]) == [record("x1", "al")]
    with pytest.raises(ValueError, match="non-empty text"):
        checked_records([record("x1", "al"), record("x2", "al", tag="")])
    with pytest.raises(ValueError):
        check_tag(None)  # type: ignore[arg-type]


def test_imported_metadata_only_fills_what_is_not_known() -> None:
    known = {"a1": {"id": "a1", "title": "Kept", "date": None, "path": None, "sentence_count": 3}}
    incoming = [
        {"id": "a1", "title": "Other", "date": "2024-02-01", "path": None, "sentence_count": None},
        {"id": "a2", "title": None, "date": None, "path": None, "sentence_count": None},
        {"id": "a3", "title": "New", "date": None, "path": None, "sentence_count": 2},
        {"id": "a3", "title": None, "date": "2024-03-01", "path": None, "sentence_count": 9},
    ]
    changes = merged_articles(known, incoming)
    assert changes["a1"]["title"] == "Kept" and changes["a1"]["date"] == "2024-02-01"
    assert "a2" not in changes  # nothing but an id
    assert changes["a3"] == {
        "id": "a3",
        "title": "New",
        "date": "2024-03-01",
        "path": None,
        "sentence_count": 2,
    }
    assert merged_articles(known | changes, incoming) == {}  # once recorded, nothing to add

"""What the store checks before it uses data from disk (``store/checks.py``), tested on tables in
memory: a bad record refuses its whole file in one line naming the file and the record; the
path is only named, never read or written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tuireader.annotations import AnchorState, Annotation, Quote
from tuireader.records import to_stored
from tuireader.storage import ANNOTATIONS, ARTICLES, BOUNDARIES, DONE, INDEX, empty_tables
from tuireader.store import StoreError
from tuireader.store.checks import check_records, check_tables, checked_entries

DB = Path("/nowhere/annotations.json")
WHEN = "2026-03-01T10:00:00.000Z"


def record(article_id: str = "a1", annotator: str = "alice", **changes: Any) -> dict[str, Any]:
    ann = Annotation(article_id, 0, 5, "fact", Quote("Hello", "", " world"), annotator)
    stored = to_stored(ann)
    stored["created"] = WHEN
    return {**stored, **changes}


def index_entry(**counts: Any) -> dict[str, Any]:
    return {"file": "a1.json", "tags": {"alice": {"fact": 2}}, "orphaned": {}, **counts}


def refused(tables: dict[str, Any]) -> str:
    with pytest.raises(StoreError) as caught:
        check_tables(DB, tables)
    message = str(caught.value)
    assert message.startswith(f"{DB}: ") and "\n" not in message
    return message


def test_a_new_database_and_well_formed_records_pass() -> None:
    tables = empty_tables()
    tables[ARTICLES]["a1"] = {"id": "a1", "title": "T", "date": None, "path": None}
    tables[DONE]["a1\nalice"] = {
        "article_id": "a1",
        "annotator": "alice",
        "done": True,
        "updated": WHEN,
    }
    tables[INDEX]["a1"] = index_entry(orphaned={"alice": 1})
    check_tables(DB, tables)
    check_tables(DB, {})  # a table that is missing holds nothing wrong


def test_each_small_table_refuses_a_bad_record_naming_it() -> None:
    tables = empty_tables()
    tables[ARTICLES]["a1"] = {"id": "a2", "title": "T"}
    assert "article record 'a1' is stored under the wrong id" in refused(tables)
    tables = empty_tables()
    tables[DONE]["x"] = {"article_id": "a1", "annotator": "alice", "done": "yes"}
    assert "done mark 'x'" in refused(tables)
    tables = empty_tables()
    tables[BOUNDARIES]["b1"] = {"article_id": "a1", "kind": "squash"}
    assert "sentence correction b1" in refused(tables)


@pytest.mark.parametrize(
    "entry",
    [
        "a1.json",
        {"file": "a1.json", "tags": {}},  # no orphaned counts
        index_entry(file=7),
        index_entry(tags={"alice": {"fact": "2"}}),
        index_entry(tags={"alice": {"fact": -1}}),
        index_entry(tags={"alice": ["fact"]}),
        index_entry(orphaned={"alice": 1.5}),
    ],
)
def test_a_malformed_index_entry_is_named(entry: Any) -> None:
    tables = empty_tables()
    tables[INDEX]["good"] = index_entry()
    tables[INDEX]["a1"] = entry
    assert refused(tables).endswith("index entry 'a1' is malformed")


def test_inline_annotations_of_an_older_schema_are_checked_too() -> None:
    tables = {ANNOTATIONS: {"n1": record(start="0")}}
    assert "annotation n1 is malformed" in refused(tables)
    check_tables(DB, {ANNOTATIONS: {"n1": record(), "n2": record(anchor="moved", note="x")}})


def test_a_shards_records_must_all_be_its_articles() -> None:
    check_records(DB, {"n1": record(), "n2": record(anchor=AnchorState.ORPHANED.value)}, "a1")
    check_records(DB, {}, "a1")
    with pytest.raises(StoreError, match="holds annotations of another article than a1"):
        check_records(DB, {"n1": record(), "n2": record("a2")}, "a1")
    with pytest.raises(StoreError, match="annotation n2 is malformed"):
        check_records(DB, {"n1": record(), "n2": record(tag="")}, "a1")
    with pytest.raises(StoreError, match="stored under the wrong id"):
        check_records(DB, {"n1": record(id="n9")})


def test_journal_entries_of_another_process_are_checked_as_a_file_is() -> None:
    good = {
        "put": {ARTICLES: {"a1": {"id": "a1", "title": "T"}}},
        "ann": {"a1": {"n1": record(), "n2": None}},
    }
    checked_entries(DB, [good, {"del": {ARTICLES: ["a1"]}}])
    with pytest.raises(StoreError, match="malformed journal entry"):
        checked_entries(DB, [{"del": {ARTICLES: [3]}}])
    with pytest.raises(StoreError, match="another article than a1"):
        checked_entries(DB, [{"ann": {"a1": {"n1": record("a2")}}}])
    with pytest.raises(StoreError, match="article record 'a1'"):
        checked_entries(DB, [{"put": {ARTICLES: {"a1": {"id": "zz"}}}}])


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"note": 3}, "is malformed"),
        ({"note": "x", "updated": None}, "is malformed"),
        ({"anchor": "lost"}, "is malformed"),
        ({"anchor": ["exact"]}, "is malformed"),
        ({"provenance": "guess"}, "is malformed"),
        ({"note": "x", "id": "n9"}, "is stored under the wrong id"),
    ],
)
def test_a_bad_optional_field_among_many_noted_records_is_named(
    changes: dict[str, Any], problem: str
) -> None:
    # The fields past the required ones are checked a column at a time: one bad value among
    # hundreds of good notes, edits and anchor marks still refuses the shard, naming it.
    records = {f"n{i}": record(note=f"note {i}") for i in range(300)}
    records |= {
        f"m{i}": record(anchor="moved", updated=WHEN, provenance="suggestion-rule")
        for i in range(50)
    }
    check_records(DB, records, "a1")
    records["n7"] = record(**changes)
    with pytest.raises(StoreError, match=f"annotation n7 {problem}"):
        check_records(DB, records, "a1")

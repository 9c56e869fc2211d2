"""The database's format on disk (``tuireader.dbformat``), tested as the data and pure functions it
is: bytes and tables in memory in, tables, entries or file names out; no file is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from tuireader.dbformat.index import copy_entry, count_key, entry_total, index_count, index_entry
from tuireader.dbformat.journal import (
    EMPTY_JOURNAL,
    JOURNAL_HEAD,
    JOURNAL_TAIL,
    V2_JOURNAL_HEAD,
    apply_entry,
    apply_pending,
    entry_bytes,
    journal_entries,
    read_journal_entries,
)
from tuireader.dbformat.layout import journal_path, shard_folder, shard_name, shard_path
from tuireader.dbformat.schema import (
    ANNOTATIONS,
    ARTICLES,
    BOUNDARIES,
    DONE,
    INDEX,
    META,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    FileProblem,
    empty_tables,
    migrate,
    parse,
    schema_record,
    schema_version,
)

ENTRY_ONE = {"put": {ARTICLES: {"a1": {"id": "a1", "title": "One"}}}}
ENTRY_TWO = {"ann": {"a1": {"n1": {"tag": "fact"}, "n2": None}}, "del": {ARTICLES: ["a1"]}}


def journal(*entries: dict[str, Any]) -> bytes:
    """A journal as the storage appends it: each entry on its own line, keyed by its offset."""
    data = JOURNAL_HEAD
    for entry in entries:
        end = len(data)
        lead = b",\n" if end > len(JOURNAL_HEAD) else b"\n"
        data += lead + b'"%d":' % end + orjson.dumps(entry)
    return data + JOURNAL_TAIL


def test_the_journal_is_a_json_document_whose_entries_read_back_in_order() -> None:
    data = journal(ENTRY_ONE, ENTRY_TWO)
    assert list(orjson.loads(data)["changes"].values()) == [ENTRY_ONE, ENTRY_TWO]
    entries, end = journal_entries(data)
    assert entries == [ENTRY_ONE, ENTRY_TWO]
    assert data[end:] == JOURNAL_TAIL  # the next entry goes where the closing brackets are
    later, again = journal_entries(data, start=journal_entries(journal(ENTRY_ONE))[1])
    assert (later, again) == ([ENTRY_TWO], end)
    assert journal_entries(EMPTY_JOURNAL) == ([], len(JOURNAL_HEAD))


def test_a_torn_last_entry_is_dropped_and_a_foreign_journal_refused() -> None:
    whole = journal(ENTRY_ONE, ENTRY_TWO)
    torn = whole[: -len(JOURNAL_TAIL) - 7]  # killed while writing the second entry
    entries, end = journal_entries(torn)
    assert entries == [ENTRY_ONE]
    assert end == journal_entries(journal(ENTRY_ONE))[1]
    with pytest.raises(FileProblem, match="not one"):
        journal_entries(b'{"other":{}}')
    with pytest.raises(FileProblem, match=r"its last entry 1 \(at byte 12\) cannot be read"):
        journal_entries(JOURNAL_HEAD + b'\n"x":{}' + JOURNAL_TAIL)


def test_sealed_entries_after_unsealed_ones_read_and_stay_a_json_document() -> None:
    # An older version's journal (unsealed) appended to by this one: both read back, and the
    # file stays the TinyDB document an older version reads (its entries take put/del/ann).
    older = journal(ENTRY_ONE)
    end = len(older) - len(JOURNAL_TAIL)
    data = older[:end] + b",\n" + entry_bytes(end, orjson.dumps(ENTRY_TWO)) + JOURNAL_TAIL
    assert journal_entries(data) == ([ENTRY_ONE, ENTRY_TWO], len(data) - len(JOURNAL_TAIL))
    document = orjson.loads(data)["changes"]
    assert document[str(end)].pop("crc") > 0 and document[str(end)] == ENTRY_TWO
    tables: Any = {ARTICLES: {}}
    pending: dict[str, Any] = {}
    for entry in document.values():  # as an older version applies them: the seal is ignored
        apply_entry(tables, entry, pending)
    assert tables[ARTICLES] == {} and pending == {"a1": {"n1": {"tag": "fact"}, "n2": None}}
    # The seal covers the key: the same entry under another offset is not read as whole.
    moved = data.replace(b'"%d":' % end, b'"%d":' % (end + 1))
    with pytest.raises(FileProblem, match=r"its last entry 2 \(at byte"):
        journal_entries(moved)


def test_an_older_schemas_journal_is_read_only_beside_its_own_file() -> None:
    old = V2_JOURNAL_HEAD + b'\n"12":' + orjson.dumps(ENTRY_ONE) + JOURNAL_TAIL
    assert read_journal_entries(old, 3)[0] == [ENTRY_ONE]
    assert read_journal_entries(old, SCHEMA_VERSION) == ([], 0)  # already folded in
    assert read_journal_entries(None, SCHEMA_VERSION) == ([], 0)
    assert read_journal_entries(journal(ENTRY_ONE), SCHEMA_VERSION)[0] == [ENTRY_ONE]


def test_applying_entries_changes_small_tables_and_collects_annotation_changes() -> None:
    tables = empty_tables()
    pending: dict[str, dict[str, Any]] = {}
    apply_entry(tables, ENTRY_ONE, pending)
    assert tables[ARTICLES] == {"a1": {"id": "a1", "title": "One"}}
    apply_entry(tables, ENTRY_TWO, pending)
    assert tables[ARTICLES] == {} and pending == {"a1": {"n1": {"tag": "fact"}, "n2": None}}
    apply_entry(tables, {"put": {"custom": {"k": {"v": 1}}}}, pending)
    assert tables["custom"] == {"k": {"v": 1}}  # any small table a feature adds
    records = {"n2": {"tag": "opinion"}, "n3": {"tag": "fact"}}
    apply_pending(records, pending["a1"])
    assert records == {"n1": {"tag": "fact"}, "n3": {"tag": "fact"}}


@pytest.mark.parametrize(
    ("entry", "pending"),
    [
        ({"put": []}, {}),
        ({"put": {META: {}}}, {}),  # the schema is never changed by an entry
        ({"put": {ANNOTATIONS: {}}}, {}),  # annotations are per article in a sharded file
        ({"del": {ARTICLES: "a1"}}, {}),
        ({"ann": {"a1": []}}, {}),
        ({"ann": {"a1": {}}}, None),  # an older schema's entry has no per-article changes
    ],
)
def test_a_malformed_entry_is_refused(entry: dict[str, Any], pending: Any) -> None:
    with pytest.raises(FileProblem, match="malformed journal entry"):
        apply_entry(empty_tables(), entry, pending)


def test_parse_takes_our_main_file_and_refuses_anything_else() -> None:
    assert parse(b"") == empty_tables() == parse(b"  \n")  # an empty file is a new database
    tables = parse(orjson.dumps({META: {SCHEMA_KEY: schema_record()}}))
    assert set(tables) == set(empty_tables()) and schema_version(tables) == SCHEMA_VERSION
    old = parse(orjson.dumps({META: {SCHEMA_KEY: schema_record(2)}}))
    assert old[ANNOTATIONS] == {}  # inline annotations before shards
    refused = {
        b"{nope": "invalid JSON",
        b"[1, 2]": "not a TinyDB file",
        b'{"meta": {}}': "written by another program",
        orjson.dumps({META: {SCHEMA_KEY: {"format": "tuireader-annotations", "version": True}}}): (
            "bad schema version True"
        ),
        orjson.dumps({META: {SCHEMA_KEY: schema_record(SCHEMA_VERSION + 1)}}): (
            f"schema {SCHEMA_VERSION + 1}; this one reads up to {SCHEMA_VERSION}"
        ),
    }
    for data, problem in refused.items():
        with pytest.raises(FileProblem, match=problem.replace("(", r"\(")):
            parse(data)


def test_migrate_runs_the_chain_to_this_schema() -> None:
    tables = {META: {SCHEMA_KEY: schema_record(1)}, ANNOTATIONS: {"n1": {"tag": "fact"}}}
    tables = migrate(tables)
    assert schema_version(tables) == SCHEMA_VERSION
    assert tables[ANNOTATIONS]["n1"]["annotator"] == ""  # schema 2 requires one
    assert tables[DONE] == {} and tables[BOUNDARIES] == {} and tables[INDEX] == {}


def test_shards_and_the_journal_live_beside_the_main_file() -> None:
    db = Path("/data/annotations.json")
    assert journal_path(db) == Path("/data/annotations.json.journal")
    assert shard_folder(db) == Path("/data/annotations.json.d")
    plain = "0f" * 32
    assert shard_name(plain) == plain + ".json"
    assert shard_path(db, plain) == shard_folder(db) / (plain + ".json")
    odd = {shard_name(i) for i in ("Ab", "ab/../x", "ab", "AB", "=ab")}
    assert len(odd) == 5  # never two ids on one file, even on a case-insensitive disk
    hashed = shard_name("Ab")
    assert hashed.startswith("=") and hashed == hashed.lower() and "/" not in hashed


def record(annotator: str, tag: str, anchor: str = "exact") -> dict[str, Any]:
    return {"annotator": annotator, "tag": tag, "anchor": anchor}


def test_index_entries_count_each_layers_tags_and_orphans() -> None:
    records = [record("alice", "fact"), record("alice", "fact", "orphaned"), record("bob", "x")]
    entry = index_entry("a1", records)
    assert entry == {
        "file": "a1.json",
        "tags": {"alice": {"fact": 2}, "bob": {"x": 1}},
        "orphaned": {"alice": 1},
    }
    assert entry_total(entry) == 3
    changed = copy_entry(entry)
    index_count(changed, count_key(record("alice", "fact", "orphaned")), -1)
    index_count(changed, count_key(record("bob", "x")), -1)
    assert changed == {"file": "a1.json", "tags": {"alice": {"fact": 1}}, "orphaned": {}}
    assert entry_total(entry) == 3  # the copy is a copy: documents are replaced, never changed

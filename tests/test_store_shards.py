"""Schema 4: the small tables and an index in the main file, each article's annotations in a
TinyDB file of their own, read only when the article is asked for; the journal folded into only
the shards it touched; older files upgraded in place with their bytes kept."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import pytest
from tinydb import TinyDB

from tuireader import durable, storage
from tuireader.articles import Article, from_text
from tuireader.records import tag_row
from tuireader.store import Store, StoreError, new_id

FIRST = "Apples fall from trees. Pears do too. Plums stay up.\n\nA second paragraph ends it."
SECOND = "Ships sail at dawn. Boats follow later. Rafts drift all day long."
THIRD = "Clocks tick all night. Bells ring at noon. Nobody hears the gongs."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "annotations.json"


@pytest.fixture
def arts() -> list[Article]:
    return [from_text(FIRST), from_text(SECOND), from_text(THIRD)]


def shard_inode(db: Path, article: Article) -> int:
    return storage.shard_path(db, article.id).stat().st_ino


def fill(db: Path, arts: list[Article]) -> None:
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        for n, article in enumerate(arts):
            alice.tag(article, 0, 0, "fact")
            alice.tag(article, 1, 1, "speculation")
            if n == 0:
                bob.tag(article, 0, 1, "fact")
        alice._db.file.compact()


def test_one_tinydb_file_per_article_and_an_index_in_the_main_file(
    db: Path, arts: list[Article]
) -> None:
    fill(db, arts)
    main = orjson.loads(db.read_bytes())
    assert "annotations" not in main
    assert main["meta"]["schema"]["version"] == storage.SCHEMA_VERSION == 5
    first = main["index"][arts[0].id]
    assert first["tags"] == {"alice": {"fact": 1, "speculation": 1}, "bob": {"fact": 1}}
    assert first["file"] == f"{arts[0].id}.json"
    for article in arts:
        shard = storage.shard_path(db, article.id)
        assert shard.parent == db.with_name("annotations.json.d")
        with TinyDB(shard) as tiny:
            records = tiny.table("annotations")._read_table()
        assert {r["article_id"] for r in records.values()} == {article.id}
    with TinyDB(db) as tiny:
        assert set(tiny.tables()) >= {"meta", "articles", "index", "state", "done"}
    with Store.open(db, "alice") as store:
        store.tag(arts[2], 2, 2, "fact")
        with TinyDB(storage.journal_path(db)) as tiny:
            assert tiny.tables() == {"changes"}


def test_opening_reads_no_shard_and_a_corrupt_one_is_refused_naming_it(
    db: Path, arts: list[Article]
) -> None:
    fill(db, arts)
    broken = storage.shard_path(db, arts[1].id)
    broken.write_bytes(b'{"annotations": {"x": ')
    with Store.open(db, "alice") as store:
        assert len(store) == 7 and store.annotators() == ["alice", "bob"]
        assert store.annotated_article_ids() == sorted(a.id for a in arts)
        assert store.article_counts(arts[1].id) == {"alice": {"fact": 1, "speculation": 1}}
        assert store._db.file._shards == {}
        assert len(store.mine(arts[0].id)) == 2
        with pytest.raises(StoreError) as caught:
            store.attach(arts[1])  # what the reader does first: it shows the line
        message = str(caught.value)
        assert message.startswith(f"{broken}: not a tuireader annotation shard")
        assert "\n" not in message
        assert store.mine(arts[1].id) == []  # and keeps reading, showing nothing of it
        with pytest.raises(StoreError, match="not a tuireader annotation shard"):
            list(store.each_article())  # an export never skips it silently
        with pytest.raises(StoreError, match="not a tuireader annotation shard"):
            store.tag(arts[1], 2, 2, "fact")
        store.tag(arts[0], 2, 2, "fact")  # other articles keep working
        store._db.file.compact()
    assert broken.read_bytes() == b'{"annotations": {"x": '


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[]", "not a tuireader annotation shard"),
        (b'{"meta": {"shard": {"format": "tuireader-annotations"}}, "annotations": {}}', "another"),
        (None, "annotation"),
    ],
)
def test_a_shard_that_is_not_its_article_s_is_refused(
    db: Path, arts: list[Article], content: bytes | None, problem: str
) -> None:
    fill(db, arts)
    shard = storage.shard_path(db, arts[0].id)
    if content is None:  # a malformed record inside a well-formed shard
        doc = orjson.loads(shard.read_bytes())
        first = next(iter(doc["annotations"]))
        doc["annotations"][first]["start"] = "12"
        content = orjson.dumps(doc)
    shard.write_bytes(content)
    with Store.open(db, "alice") as store, pytest.raises(StoreError, match=problem) as caught:
        store.attach(arts[0])
    assert str(caught.value).startswith(str(shard))
    assert shard.read_bytes() == content


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        (6, r"written by a newer tuireader \(shard version 6; this one reads up to 5\)"),
        (3, r"not a tuireader annotation shard \(bad version 3\)"),
        (True, r"not a tuireader annotation shard \(bad version True\)"),
        ("5", r"not a tuireader annotation shard \(bad version '5'\)"),
        (None, r"not a tuireader annotation shard \(bad version None\)"),
    ],
)
def test_a_shard_of_a_newer_or_unknown_version_is_refused_in_one_line(
    db: Path, arts: list[Article], version: object, problem: str
) -> None:
    # Shards keep the version they were written with (4 and 5 read alike); one a newer
    # tuireader wrote may hold what this one cannot keep, so it is refused, never rewritten.
    fill(db, arts)
    shard = storage.shard_path(db, arts[0].id)
    doc = orjson.loads(shard.read_bytes())
    assert doc["meta"]["shard"]["version"] == storage.SCHEMA_VERSION
    doc["meta"]["shard"]["version"] = version
    content = orjson.dumps(doc)
    shard.write_bytes(content)
    with Store.open(db, "alice") as store:
        with pytest.raises(StoreError, match=problem) as caught:
            store.attach(arts[0])
        message = str(caught.value)
        assert message.startswith(f"{shard}: ") and "\n" not in message
        with pytest.raises(StoreError, match=problem):
            store.tag(arts[0], 2, 2, "fact")
        store.tag(arts[1], 2, 2, "fact")  # the other articles keep working
        store._db.file.compact()
    assert shard.read_bytes() == content


def test_a_version_4_shard_is_read_as_it_was_written(db: Path, arts: list[Article]) -> None:
    fill(db, arts)
    shard = storage.shard_path(db, arts[0].id)
    doc = orjson.loads(shard.read_bytes())
    doc["meta"]["shard"]["version"] = 4
    shard.write_bytes(orjson.dumps(doc))
    with Store.open(db, "alice") as store:
        assert [a.tag for a in store.mine(arts[0].id)] == ["fact", "speculation"]


def test_a_fifo_as_shard_is_refused_without_blocking(db: Path, arts: list[Article]) -> None:
    fill(db, arts)
    shard = storage.shard_path(db, arts[0].id)
    shard.unlink()
    os.mkfifo(shard)
    with Store.open(db, "alice") as store, pytest.raises(StoreError, match="not a regular file"):
        store.attach(arts[0])


def test_each_article_holds_one_shard_at_a_time(db: Path, arts: list[Article]) -> None:
    fill(db, arts)
    with Store.open(db, "reader", create=False) as store:
        seen = []
        for article_id, found in store.each_article():
            assert len(store._db.file._shards) <= 1
            seen.append((article_id, len(found)))
        assert store._db.file._shards == {}
        assert seen == sorted((a.id, 3 if a is arts[0] else 2) for a in arts)


def test_compaction_rewrites_only_the_shards_it_touched(db: Path, arts: list[Article]) -> None:
    fill(db, arts)
    before = {a.id: shard_inode(db, a) for a in arts}
    with Store.open(db, "alice") as store:
        store.tag(arts[1], 2, 2, "fact")
        assert {a.id: shard_inode(db, a) for a in arts} == before  # a tag is a journal entry
        store._db.file.compact()
    after = {a.id: shard_inode(db, a) for a in arts}
    assert after[arts[1].id] != before[arts[1].id]
    assert after[arts[0].id] == before[arts[0].id] and after[arts[2].id] == before[arts[2].id]
    with Store.open(db, "alice") as store:  # the last annotation gone: so is its file
        store.clear(arts[2], 0, len(arts[2].sentences) - 1)
        store._db.file.compact()
        assert arts[2].id not in store.annotated_article_ids()
    assert not storage.shard_path(db, arts[2].id).exists()


def test_a_failed_shard_write_is_rolled_back_and_retried(
    db: Path, arts: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(db, arts)
    with Store.open(db, "alice") as store:
        store.tag(arts[0], 2, 2, "fact")
        files = {p: p.read_bytes() for p in storage.shard_folder(db).iterdir()}
        main = db.read_bytes()

        def full(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(storage.os, "write", full)
        with pytest.raises(OSError):
            store._db.file.compact()
        monkeypatch.undo()
        assert {p: p.read_bytes() for p in storage.shard_folder(db).iterdir()} == files
        assert db.read_bytes() == main
        store._db.file.compact()
    with Store.open(db, "alice") as store:
        assert len(store.mine(arts[0].id)) == 3


def test_another_window_sees_loaded_and_unloaded_articles_change(
    db: Path, arts: list[Article]
) -> None:
    fill(db, arts)
    with Store.open(db, "alice") as mine, Store.open(db, "bob") as other:
        assert len(mine.annotations(arts[0].id)) == 3  # loaded
        other.tag(arts[0], 2, 2, "fact")
        other.tag(arts[1], 2, 2, "fact")
        assert mine.refresh()
        assert len(mine.annotations(arts[0].id)) == 4
        assert len(mine.annotations(arts[1].id)) == 3  # read now, with the journal applied
        other.clear(arts[0], 2, 2)
        other._db.file.compact()  # a new main file: read again, shards when asked for
        assert mine.refresh()
        assert len(mine.annotations(arts[0].id)) == 3 and len(mine) == 8


def test_any_small_table_is_journaled_folded_and_seen_by_other_windows(
    db: Path, arts: list[Article]
) -> None:
    fill(db, arts)
    with Store.open(db, "alice") as store, Store.open(db, "bob") as other:
        with store._writing():
            store._db.records("bookmarks").put(arts[0].id, {"split": [3]})
        other.refresh()
        assert other._db.records("bookmarks").get_raw(arts[0].id) == {"split": [3]}
    with Store.open(db, "alice") as store:
        assert store._db.records("bookmarks").get_raw(arts[0].id) == {"split": [3]}
        store._db.file.compact()
    assert orjson.loads(db.read_bytes())["bookmarks"] == {arts[0].id: {"split": [3]}}


def test_an_article_id_that_is_no_safe_file_name_gets_a_hashed_one(
    db: Path, arts: list[Article]
) -> None:
    with Store.open(db, "alice") as store:
        store.tag(arts[0], 0, 0, "fact")
        tagged = store.mine(arts[0].id)[0]
        odd = ["../Up/There", "UPPER", "upper", "a" * 200, "=" + "0" * 64]
        store.import_annotations(replace(tagged, article_id=i, id=new_id()) for i in odd)
        store._db.file.compact()
    names = {p.name for p in storage.shard_folder(db).iterdir()}
    assert len(names) == 6 and "upper.json" in names
    assert all(n == "upper.json" or len(n) in (21, 70) for n in names)
    with Store.open(db, "alice") as store:
        for article_id in odd:
            assert [a.article_id for a in store.annotations(article_id)] == [article_id]


def schema_2_copy(db: Path, arts: list[Article], version: int = 2) -> tuple[bytes, bytes, set[str]]:
    """Write ``db`` as schema 2 or 3 wrote it (annotations inline) with a journal of two
    changes."""
    fill(db, arts)
    tables = storage.load_tables(db)
    tables["meta"]["schema"]["version"] = version
    del tables["index"]
    if version < 3:
        del tables["boundaries"]
    records = tables["annotations"]
    moved_id, gone_id = sorted(records)[:2]
    added = {**records[moved_id], "note": "in the journal"}
    new = new_id()
    for leftover in [*storage.shard_folder(db).iterdir(), storage.journal_path(db)]:
        leftover.unlink()
    storage.shard_folder(db).rmdir()
    main = orjson.dumps(tables)
    entry = {"put": {"annotations": {new: {**added}, moved_id: added}}}
    journal = (
        b'{"journal":{\n"12":'
        + orjson.dumps(entry)
        + b',\n"80":'
        + orjson.dumps({"del": {"annotations": [gone_id]}})
        + b"\n}}"
    )
    db.write_bytes(main)
    storage.journal_path(db).write_bytes(journal)
    return main, journal, (set(records) | {new}) - {gone_id}


@pytest.mark.parametrize("version", [2, 3])
def test_an_older_file_is_upgraded_in_place_keeping_its_bytes(
    db: Path, arts: list[Article], version: int
) -> None:
    main, journal, expected = schema_2_copy(db, arts, version)
    with Store.open(db, "alice") as store:
        assert {a.id for a in store.annotations(include_orphans=True)} == expected
        assert sum(a.note == "in the journal" for a in store.annotations()) == 2
        assert len(store) == len(expected)
    upgraded = orjson.loads(db.read_bytes())
    assert upgraded["meta"]["schema"]["version"] == 5 and "annotations" not in upgraded
    assert db.with_name(db.name + f".v{version}.bak").read_bytes() == main
    assert db.with_name(db.name + f".v{version}.bak.journal").read_bytes() == journal
    assert storage.journal_path(db).read_bytes() == storage.EMPTY_JOURNAL
    assert len(list(storage.shard_folder(db).iterdir())) == 3
    # The backup pair still reads as what it was.
    backup = db.with_name(db.name + f".v{version}.bak")
    assert set(storage.load_tables(backup)["annotations"]) == expected


def test_reading_a_schema_2_file_without_writing_changes_nothing(
    db: Path, arts: list[Article]
) -> None:
    main, journal, expected = schema_2_copy(db, arts)
    with Store.open(db, "reader", create=False) as store:
        assert store.read_only and "schema 2" in (store.read_only_reason or "")
        assert {a.id for (a,) in ((a,) for _, g in store.each_article() for a in g)} == expected
    assert db.read_bytes() == main and storage.journal_path(db).read_bytes() == journal
    assert not storage.shard_folder(db).exists()


def test_a_schema_2_journal_left_by_a_killed_upgrade_is_ignored(
    db: Path, arts: list[Article]
) -> None:
    _, journal, expected = schema_2_copy(db, arts)
    Store.open(db, "alice").close()
    storage.journal_path(db).write_bytes(journal)  # killed before the journal was emptied
    with Store.open(db, "alice") as store:
        assert {a.id for a in store.annotations(include_orphans=True)} == expected
        store.tag(arts[2], 2, 2, "fact")
    assert storage.journal_path(db).read_bytes().startswith(storage.JOURNAL_HEAD)
    with Store.open(db, "alice") as store:
        assert len(store) == len(expected) + 1


def test_a_symlinked_database_keeps_its_shards_beside_the_target(
    tmp_path: Path, arts: list[Article]
) -> None:
    real = tmp_path / "real" / "annotations.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with Store.open(link, "alice") as store:
        store.tag(arts[0], 0, 0, "fact")
        store._db.file.compact()
    assert link.is_symlink() and storage.shard_path(real, arts[0].id).exists()
    assert not storage.shard_folder(link).exists()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda e: e["tags"]["alice"].update(fact="1"),
        lambda e: e["tags"].update(alice=[1]),
        lambda e: e.pop("file"),
        lambda e: e["orphaned"].update(alice=None),
    ],
)
def test_a_malformed_index_entry_refuses_the_file(
    db: Path, arts: list[Article], spoil: Callable[[dict[str, Any]], object]
) -> None:
    fill(db, arts)
    main = orjson.loads(db.read_bytes())
    spoil(main["index"][arts[0].id])
    db.write_bytes(orjson.dumps(main))
    with pytest.raises(StoreError, match=f"index entry '{arts[0].id}' is malformed"):
        Store.open(db, "alice")


def test_a_tag_given_as_a_str_subclass_is_stored_as_text(db: Path, arts: list[Article]) -> None:
    class Kind(StrEnum):
        FACT = "fact"

    with Store.open(db, "alice") as store:
        store.tag(arts[0], 0, 0, Kind.FACT)  # suggestions hand tags over as enums
        store._db.file.compact()
    assert orjson.loads(db.read_bytes())["index"][arts[0].id]["tags"] == {"alice": {"fact": 1}}
    with Store.open(db, "alice") as store:
        assert [a.tag for a in store.mine(arts[0].id)] == ["fact"]


def test_one_annotator_s_annotations_read_only_the_shards_they_are_in(
    db: Path, arts: list[Article]
) -> None:
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        alice.tag(arts[0], 0, 0, "fact")
        bob.tag(arts[1], 0, 0, "fact")
        bob._db.file.compact()
    storage.shard_path(db, arts[1].id).write_bytes(b"not read")
    with Store.open(db, "reader", create=False) as store:
        assert [a.annotator for a in store.annotations(annotator="alice")] == ["alice"]
        assert [i for i, _ in store.each_article("alice")] == [arts[0].id]


def many_articles(n: int) -> list[Article]:
    return [
        from_text(f"Story {i} starts here. It goes on a while. Then it ends.") for i in range(n)
    ]


def test_a_compaction_of_many_shards_syncs_them_together(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arts = many_articles(storage.SYNC_EACH + 4)
    synced: list[int] = []
    real = durable.sync_file_system

    def spy(folder: Path, files: list[Path], *, where: int) -> None:
        synced.append(len(files))
        assert all(f.parent == folder and f.exists() for f in files)  # still temp files
        real(folder, files, where=where)

    monkeypatch.setattr(durable, "sync_file_system", spy)
    with Store.open(db, "alice") as store:
        store.tag(arts[0], 0, 0, "fact")
        store._db.file.compact()  # one shard: fsynced on its own
        assert synced == []
        for article in arts:
            store.tag(article, 1, 1, "speculation")
        store._db.file.compact()
    assert synced == [len(arts)]
    with Store.open(db, "alice") as store:
        assert store.annotated_article_ids() == sorted(a.id for a in arts)
        assert len(store) == len(arts) + 1
    assert not [p for p in storage.shard_folder(db).iterdir() if p.name.endswith(".tmp")]


def test_a_failed_sync_of_many_shards_replaces_none(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arts = many_articles(storage.SYNC_EACH + 1)
    with Store.open(db, "alice") as store:
        for article in arts:
            store.tag(article, 0, 0, "fact")

        def failing(folder: Path, files: list[Path], *, where: int) -> None:
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(durable, "sync_file_system", failing)
        with pytest.raises(OSError):
            store._db.file.compact()
        assert not storage.shard_folder(db).exists() or not list(storage.shard_folder(db).iterdir())
        monkeypatch.undo()
    with Store.open(db, "alice") as store:  # all still in the journal
        assert len(store) == len(arts)


def test_tag_rows_are_the_annotations_fields_read_straight_from_the_shard(
    db: Path, arts: list[Article]
) -> None:
    fill(db, arts)
    with Store.open(db, "alice") as store:
        noted = store.mine(arts[0].id)[0]
        store.set_note(noted.id, "checked twice")  # ``updated`` now differs from ``created``
    with Store.open(db, "reader", create=False) as store:
        for article in arts:
            rows = sorted(store.tag_rows(article.id))
            assert store._db.file._shards == {}  # read for this call only, not kept
            expected = sorted(
                tag_row(a) for a in store.annotations(article.id, include_orphans=True)
            )
            assert rows == expected and len(rows) == (3 if article is arts[0] else 2)
            assert all(type(r.anchor) is str and type(r.updated) is str for r in rows)
        (edited,) = [r for r in store.tag_rows(arts[0].id) if r.id == noted.id]
        assert edited.updated > noted.created and edited.exact == noted.quote.exact
        store.attach(arts[0])  # loaded, as annotations: the rows are the same
        assert sorted(store.tag_rows(arts[0].id)) == sorted(
            tag_row(a) for a in store.annotations(arts[0].id)
        )
        assert arts[0].id in store._db.file._shards  # and it stays loaded for the reader


def test_tag_rows_refuse_a_corrupt_shard_naming_it_and_never_write_it(
    db: Path, arts: list[Article]
) -> None:
    fill(db, arts)
    shard = storage.shard_path(db, arts[1].id)
    doc = orjson.loads(shard.read_bytes())
    next(iter(doc["annotations"].values()))["end"] = True
    shard.write_bytes(orjson.dumps(doc))
    before = shard.read_bytes()
    with Store.open(db, "alice") as store:
        with pytest.raises(StoreError) as caught:
            store.tag_rows(arts[1].id)
        assert str(caught.value).startswith(f"{shard}: annotation ")
        assert "\n" not in str(caught.value)
        assert len(store.tag_rows(arts[0].id)) == 3  # the other articles keep working
    assert shard.read_bytes() == before

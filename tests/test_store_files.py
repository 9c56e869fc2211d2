"""The database file under attack and across versions: a symlinked database, special files,
records outside the annotations table, a failed folder fsync, one-write imports, and the real
schema-1 and schema-4 files upgraded with nothing lost."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest

from tuireader import durable, storage
from tuireader.annotations import AnchorState
from tuireader.articles import Article, from_text, load_article
from tuireader.dbformat import schema
from tuireader.dbformat.journal_mark import mark_path
from tuireader.importing import ImportFileError, parse_import
from tuireader.storage import journal_entries
from tuireader.store import Store, StoreError, StoreWriteError, lock_path

from conftest import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEXT = "One sentence here. Two sentences here. Three sentences here. Four of them now."


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


# -- #9.2: a symlinked database ------------------------------------------------------------------
def test_symlinked_database_is_written_through_and_shares_the_lock(
    tmp_path: Path, article: Article
) -> None:
    synced = tmp_path / "synced"
    synced.mkdir()
    target = synced / "annotations.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with Store.open(link, "alice") as via_link:
        via_link.tag(article, 0, 0, "fact")
        via_link.tag(article, 1, 1, "fact")
        with Store.open(target, "alice") as direct:
            assert lock_path(direct.path) == lock_path(via_link.path)
            direct.tag(article, 2, 2, "speculation")
        via_link.tag(article, 3, 3, "fact")  # sees the direct write: one file, one lock
    assert link.is_symlink() and os.readlink(link) == str(target)
    records = storage.load_tables(target)["annotations"]
    assert sorted(r["tag"] for r in records.values()) == ["fact", "fact", "fact", "speculation"]
    assert not (tmp_path / "link.json.lock").exists()


# -- #9.10: special files as the database --------------------------------------------------------
def test_a_fifo_or_a_device_as_database_is_one_line_exit_2(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path, kind in ((fifo, "a FIFO"), (Path("/dev/zero"), "a character device")):
        with pytest.raises(StoreError, match=f"is {kind}, not an annotation file"):
            Store.open(path, "alice")
        done = run_cli("export", "--db", str(path), "-o", str(tmp_path / "out.json"))
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and kind in done.stderr
    assert fifo.exists() and not fifo.is_file()


def test_database_replaced_by_a_fifo_does_not_freeze_the_reader(
    tmp_path: Path, article: Article
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        db.unlink()
        os.mkfifo(db)
        outcome: list[BaseException | bool] = []

        def refresh() -> None:
            try:
                outcome.append(store.refresh())
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=refresh, daemon=True)
        worker.start()
        worker.join(5)
        assert not worker.is_alive(), "refresh blocked on the FIFO"
        assert isinstance(outcome[0], StoreError) and "FIFO" in str(outcome[0])
        with pytest.raises(StoreError, match="FIFO"):
            store.tag(article, 1, 1, "fact")
    assert not db.is_file()  # never replaced by a regular file


# -- #9.8: records outside the annotations table -------------------------------------------------
def _db_with(tmp_path: Path, table: str, records: dict[str, Any]) -> Path:
    tables = storage.empty_tables()
    tables[table] = records
    db = tmp_path / "db.json"
    db.write_bytes(orjson.dumps(tables))
    return db


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ("not an object", "is not an object"),
        ({"id": "a1", "sentence_count": "many"}, '"sentence_count" must be'),
        ({"id": "a1", "sentence_count": -1}, '"sentence_count" must be'),
        ({"id": "a1", "title": 7}, '"title" must be text or null'),
        ({"id": "other"}, "is stored under the wrong id"),
    ],
)
def test_a_bad_article_record_refuses_the_file_in_one_line(
    tmp_path: Path, record: Any, problem: str
) -> None:
    db = _db_with(tmp_path, "articles", {"a1": record})
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(db, "alice")
    assert problem in str(caught.value) and "\n" not in str(caught.value)
    assert db.read_bytes() == before
    done = run_cli("stats", "--db", str(db))
    assert done.returncode == 2 and problem in done.stderr and "Traceback" not in done.stderr


def test_bad_state_records_read_as_missing(tmp_path: Path, article: Article) -> None:
    db = _db_with(tmp_path, "state", {"cursors": "not an object", "last_article": {"x": 1}})
    with Store.open(db, "alice") as store:
        assert store.get_state("cursors", {}) == {}
        assert store.get_state("last_article") is None
        store.set_state("cursors", {"a": 1})
        assert store.get_state("cursors") == {"a": 1}


def test_a_bad_done_mark_refuses_the_file(tmp_path: Path) -> None:
    db = _db_with(tmp_path, "done", {"k": {"article_id": "a", "annotator": "x", "done": "yes"}})
    with pytest.raises(StoreError, match=r'done mark .*"done" is not true or false'):
        Store.open(db, "alice")


# -- #9.14: a failed folder fsync fails the write ------------------------------------------------
def test_failed_folder_fsync_is_not_reported_saved(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        # Gone with its mark (a copy without them): the next append makes it, then syncs the
        # folder. (Without the mark's removal, the journal would be refused as cut.)
        store._db.file.journal_path.unlink()
        mark_path(db).unlink()
        monkeypatch.setattr(durable.os, "fsync", fsync)
        with pytest.raises(StoreWriteError, match="folder could not be synced"):
            store.tag(article, 1, 1, "fact")
        monkeypatch.undo()
        store.refresh()  # whatever is on disk is what the store shows
        assert len(store.annotations()) in (1, 2)


def test_a_folder_without_fsync_support_is_not_a_failure(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(durable.os, "fsync", fsync)
    with Store.open(tmp_path / "db.json", "alice") as store:
        store.tag(article, 0, 0, "fact")


# -- #9.5: an import is checked whole, then written once -----------------------------------------
def _export(article: Article, **article_fields: Any) -> bytes:
    s = article.sentences[0]
    meta = {"id": article.id, "title": "T", "date": None, "path": None, "sentence_count": 4}
    meta.update(article_fields)
    ann = {
        "id": "x1",
        "article_id": article.id,
        "start": s.start,
        "end": s.end,
        "quote": {"exact": article.body[s.start : s.end], "prefix": "", "suffix": " Two sent"},
        "tag": "fact",
        "note": "",
        "annotator": "bob",
        "created": "2026-01-01T00:00:00.000Z",
        "updated": "2026-01-01T00:00:00.000Z",
        "anchor": "exact",
    }
    doc = {
        "format": "tuireader-annotations",
        "version": 1,
        "exported_at": "2026-01-01T00:00:00.000Z",
        "tool_version": "0",
        "articles": [meta],
        "annotations": [ann],
    }
    return json.dumps(doc).encode()


def test_import_with_a_bad_article_changes_nothing(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    Store.open(db, "alice").close()
    before = db.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_bytes(_export(article, sentence_count=-1))
    with pytest.raises(ImportFileError, match='"sentence_count" must be'):
        parse_import(bad.read_bytes(), bad)
    done = run_cli("import", str(bad), "--db", str(db))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert db.read_bytes() == before


def test_import_writes_annotations_and_titles_as_one_change(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as store:
        writes: list[int] = []
        real = storage.write_atomic

        def counting(*args: Any) -> None:
            writes.append(1)
            real(*args)

        monkeypatch.setattr(storage, "write_atomic", counting)
        imported = parse_import(_export(article))
        report = store.import_all(imported.annotations, imported.articles, imported.done)
        assert len(writes) == 0 and journal_entries(store._db.file.journal_path.read_bytes())[0]
        assert len(journal_entries(store._db.file.journal_path.read_bytes())[0]) == 1
        assert report.total.added == 1 and report.articles == 1
        meta = store.article_meta(article.id)
        assert meta is not None and meta["title"] == "T"


# -- schema 1, as written by the previous version ------------------------------------------------
def test_a_real_schema_1_file_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    shutil.copyfile(FIXTURES / "schema1.json", db)
    original = db.read_bytes()
    old = orjson.loads(original)
    assert old["meta"]["schema"]["version"] == 1
    with Store.open(db, "alice") as store:
        annotations = store.annotations(include_orphans=True)
        assert store.annotators() == ["alice", "bob"]
        assert {a.id for a in annotations} == set(old["annotations"])
        for a in annotations:
            record = old["annotations"][a.id]
            assert (a.start, a.end, a.tag, a.annotator, a.quote.exact) == (
                record["start"],
                record["end"],
                record["tag"],
                record["annotator"],
                record["quote"]["exact"],
            )
            assert a.note == record.get("note", "")
            assert a.anchor is AnchorState(record.get("anchor", "exact"))
        states = {a.anchor for a in annotations}
        assert {AnchorState.ORPHANED, AnchorState.MOVED, AnchorState.EXACT} <= states
        assert any("\n" in a.note for a in annotations)
        assert any(
            len(a.quote.exact) > 60 and ". " in a.quote.exact for a in annotations
        )  # a range
        assert store.articles_meta() and store.get_state("last_article") is not None
    assert orjson.loads(db.read_bytes())["meta"]["schema"]["version"] == storage.SCHEMA_VERSION
    assert db.with_name(db.name + ".v1.bak").read_bytes() == original
    # Its articles re-attach (edited text, the real files of the fixture) with nothing orphaned
    # that was not orphaned before.
    ferry = tmp_path / "ferry.txt"
    shutil.copyfile(FIXTURES / "schema1-ferry.txt", ferry)
    with Store.open(db, "bob") as store:
        report = store.attach(load_article(ferry))
        assert report.orphaned == 1 and report.total == 6


def test_an_older_version_refuses_the_newer_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "annotations.json"
    Store.open(db, "alice").close()
    before = db.read_bytes()
    now = storage.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now - 1)
    with pytest.raises(StoreError) as caught:
        Store.open(db, "alice")
    message = str(caught.value)
    assert f"written by a newer tuireader (schema {now}; this one reads up to {now - 1})" in message
    assert "\n" not in message and db.read_bytes() == before


# -- schema 4, as written by the previous version -----------------------------------------------
SCHEMA4 = FIXTURES / "schema4"
"""A real schema-4 database (``schema4_recipe.py.txt``): shards, a journal holding a note, a
clear, a done mark, a split and a direct import, and a leftover shard nothing names."""


def schema_4_copy(folder: Path) -> Path:
    db = folder / "annotations.json"
    shutil.copyfile(SCHEMA4 / "annotations.json", db)
    shutil.copyfile(SCHEMA4 / "annotations.json.journal", storage.journal_path(db))
    shutil.copytree(SCHEMA4 / "annotations.json.d", storage.shard_folder(db))
    return db


def files_of(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(storage.shard_folder(db).iterdir())}


def without_version(tables: dict[str, Any]) -> dict[str, Any]:
    return {name: table for name, table in tables.items() if name != "meta"}


def test_a_real_schema_4_database_is_upgraded_in_place_with_nothing_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = schema_4_copy(tmp_path)
    main, journal, shards = db.read_bytes(), storage.journal_path(db).read_bytes(), files_of(db)
    inodes = {p.name: p.stat().st_ino for p in storage.shard_folder(db).iterdir()}
    assert orjson.loads(main)["meta"]["schema"]["version"] == 4
    before = storage.load_tables(db)  # as schema 4 reads it: the journal replayed, no leftover
    assert len(before["annotations"]) == 21 and before["done"] and before["boundaries"]
    with Store.open(db, "alice") as store:
        annotations = store.annotations(include_orphans=True)
        assert {a.id for a in annotations} == set(before["annotations"])
        assert store.annotators() == ["alice", "bob", "carol"]
        assert "stray" not in {a.tag for a in annotations}  # the leftover is never read
        assert any(a.note == "Bob's note, still in the journal." for a in annotations)
        assert [(m.annotator, m.done) for m in store.done_marks()] == [("bob", True)]
        assert len(store) == 21
    upgraded = orjson.loads(db.read_bytes())
    assert upgraded["meta"]["schema"] == {"format": "tuireader-annotations", "version": 5}
    assert without_version(upgraded) == without_version(orjson.loads(main))
    assert without_version(storage.load_tables(db)) == without_version(before)
    # Nothing but the version changed: the shards (the leftover too) and the journal are the
    # same files, and the old main file and journal are kept byte for byte.
    assert files_of(db) == shards
    assert {p.name: p.stat().st_ino for p in storage.shard_folder(db).iterdir()} == inodes
    assert storage.journal_path(db).read_bytes() == journal
    assert db.with_name("annotations.json.v4.bak").read_bytes() == main
    assert db.with_name("annotations.json.v4.bak.journal").read_bytes() == journal
    assert not db.with_name("annotations.json.bak").exists()
    # It keeps working: a tag and a compaction, then it reads the same plus the tag.
    ferry = tmp_path / "ferry.txt"
    shutil.copyfile(SCHEMA4 / "ferry.txt", ferry)
    with Store.open(db, "bob") as store:
        report = store.attach(load_article(ferry))
        assert report.orphaned == 1
        store.tag(load_article(ferry), 8, 8, "fact")
        store._db.file.compact()
    after = storage.load_tables(db)
    assert set(before["annotations"]) < set(after["annotations"])
    assert len(after["annotations"]) == 22
    # The schema-4 tuireader refuses it in its one line.
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 4)
    with pytest.raises(StoreError) as caught:
        Store.open(db, "alice")
    assert "written by a newer tuireader (schema 5; this one reads up to 4)" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_schema_4_upgrade_that_cannot_be_written_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = schema_4_copy(tmp_path)
    main, journal, shards = db.read_bytes(), storage.journal_path(db).read_bytes(), files_of(db)
    real_write = os.write

    def full(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreError) as caught:
        Store.open(db, "alice")
    monkeypatch.undo()
    message = str(caught.value)
    # The backup is the first thing written (durably), so the full disk stops it there.
    assert message == f"{db}: cannot keep a copy before upgrading (disk full)", message
    assert not list(tmp_path.glob("*.v4.bak*"))
    assert db.read_bytes() == main and storage.journal_path(db).read_bytes() == journal
    assert files_of(db) == shards and not list(tmp_path.glob(".*.tmp"))
    with Store.open(db, "alice") as store:  # once there is room
        assert len(store) == 21
    assert orjson.loads(db.read_bytes())["meta"]["schema"]["version"] == 5


def test_a_schema_4_database_read_without_writing_is_upgraded_in_memory_only(
    tmp_path: Path,
) -> None:
    db = schema_4_copy(tmp_path)
    main, journal, shards = db.read_bytes(), storage.journal_path(db).read_bytes(), files_of(db)
    expected = set(storage.load_tables(db)["annotations"])
    with Store.open(db, "reader", create=False) as store:
        assert store.read_only and "schema 4" in (store.read_only_reason or "")
        seen = {a.id for _, group in store.each_article() for a in group}
        assert seen == expected  # the journal's changes included
    assert db.read_bytes() == main and storage.journal_path(db).read_bytes() == journal
    assert files_of(db) == shards and not db.with_name("annotations.json.v4.bak").exists()


def test_a_newer_schema_on_disk_is_refused_in_one_line_and_left_as_it_is(
    tmp_path: Path,
) -> None:
    db = schema_4_copy(tmp_path)
    doc = orjson.loads(db.read_bytes())
    doc["meta"]["schema"]["version"] = storage.SCHEMA_VERSION + 1
    db.write_bytes(orjson.dumps(doc))
    main, shards = db.read_bytes(), files_of(db)
    with pytest.raises(StoreError) as caught:
        Store.open(db, "alice")
    newer = storage.SCHEMA_VERSION + 1
    assert f"(schema {newer}; this one reads up to {storage.SCHEMA_VERSION})" in str(caught.value)
    done = run_cli("stats", "--db", str(db))
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert f"schema {newer}" in done.stderr and done.stdout == ""
    assert db.read_bytes() == main and files_of(db) == shards


def test_a_killed_compaction_leaves_nothing_behind_once_reopened(
    tmp_path: Path, article: Article
) -> None:
    # #9.14: a writer killed between its renames. The backup is a copy (never the database's
    # own inode) and its temp files go at the next writable open.
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store._db.file.compact()
    (tmp_path / ".db.json.999-abc123.tmp").write_bytes(b"x" * 1000)
    (tmp_path / ".db.json.bak.999-abc124.tmp").write_bytes(b"x" * 1000)
    with Store.open(db, "alice", create=False):
        assert len(list(tmp_path.glob("*.tmp"))) == 2  # a reader never deletes
    with Store.open(db, "alice") as store:
        assert list(tmp_path.glob(".*.tmp")) == []
        assert len(store.annotations()) == 1
    assert db.stat().st_ino != db.with_name("db.json.bak").stat().st_ino


def test_the_upgrade_backup_is_written_durably_and_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``PATH.v4.bak`` (and its journal) are synced before the upgrade replaces the main file;
    a backup that cannot be written whole leaves no partial copy and no upgrade."""
    db = schema_4_copy(tmp_path)
    main, journal = db.read_bytes(), storage.journal_path(db).read_bytes()
    synced: list[bytes] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        with contextlib.suppress(OSError):
            if os.path.isfile(f"/proc/self/fd/{fd}"):
                with open(f"/proc/self/fd/{fd}", "rb") as handle:
                    synced.append(handle.read())
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with Store.open(db, "alice"):
        pass
    assert db.with_name("annotations.json.v4.bak").read_bytes() == main
    assert main in synced and journal in synced
    monkeypatch.undo()

    (tmp_path / "full").mkdir()
    again = schema_4_copy(tmp_path / "full")
    real_write = os.write

    def full_disk(fd: int, data: Any) -> int:
        if b"schema" in bytes(data)[:200] and len(data) == len(main):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(StoreError, match="cannot keep a copy before upgrading"):
        Store.open(again, "alice")
    monkeypatch.undo()
    assert again.read_bytes() == main
    assert sorted(p.name for p in again.parent.iterdir() if ".bak" in p.name) == []


def test_the_lock_owner_file_is_replaced_whole_and_a_torn_one_is_shown_safely(
    tmp_path: Path,
) -> None:
    db = tmp_path / "d.json"
    owner = db.with_name("d.json.lock.owner")
    with Store.open(db, "alice") as store:
        store.tag(from_text("T\n\nOne thing. Two things."), 0, 0, "fact")
        inode = owner.stat().st_ino
        owner.write_bytes(b"tuireader pid 1 (bob@h")  # someone else took the lock since
        store.tag(from_text("T\n\nOne thing. Two things."), 1, 1, "fact")
    assert owner.read_text(encoding="utf-8").startswith(f"tuireader pid {os.getpid()} (alice@")
    assert owner.stat().st_ino != inode  # a new file swapped in, never rewritten in place
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # A torn or garbled one (a crash, another program) is shown, never a traceback.
    owner.write_bytes(b"tuireader pid 7 (b\xc3")
    from tuireader.store.files import OwnerFile

    assert OwnerFile(db).holder() == "tuireader pid 7 (b\N{REPLACEMENT CHARACTER}"
    owner.write_bytes(b"pid 7 \x1b[2J\x1b]0;x\x07")
    assert "\x1b" not in OwnerFile(db).holder() and "\x07" not in OwnerFile(db).holder()

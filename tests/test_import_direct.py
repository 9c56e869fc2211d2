"""An import into new articles writes their shards straight to their files and journals only
their index documents (``AtomicJSONStorage._write_new_shards``). A shard file that neither the
index nor the journal names is a leftover of a write killed before its journal entry: never
read, and replaced by the next write of its article. Killed at that moment or at any other, the
database opens, its index agrees with its shards, and importing again gives the database an
uninterrupted import gives."""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest

from import_runs import finished, kill_at_random, run_importer, timed_import
from tuireader import export, importing, storage
from tuireader.annotations import Annotation
from tuireader.articles import from_text
from tuireader.cli import main
from tuireader.dbformat.index import index_entry
from tuireader.dbformat.journal import journal_entries
from tuireader.durable import NewFiles, NotDurableError
from tuireader.records import to_stored
from tuireader.storage import (
    AtomicJSONStorage,
    journal_path,
    load_tables,
    shard_folder,
    shard_path,
)
from tuireader.store import Store, StoreWriteError

TEXT = " ".join(f"Pier {i} of the ferry terminal took {i} cars at dawn." for i in range(30))
ARTICLE = from_text(TEXT)
PER_ARTICLE = 20
BATCH = 100  # five articles a batch


def made(n: int) -> list[Annotation]:
    """``n`` annotations, ``PER_ARTICLE`` per article id, by two annotators in turn."""
    out = []
    for i in range(n):
        s = ARTICLE.sentences[i % len(ARTICLE.sentences)]
        tag = ("fact", "speculation", "expert_opinion")[i % 3]
        who = ("alice", "bob")[i % 2]
        out.append(
            Annotation.new(f"{i // PER_ARTICLE:016x}", ARTICLE.body, s.start, s.end, tag, who)
        )
    return out


def source_file(folder: Path, annotations: list[Annotation]) -> Path:
    metas = [
        {"id": a, "title": f"Ferry log {a}", "date": None, "path": None, "sentence_count": 30}
        for a in sorted({x.article_id for x in annotations})
    ]
    path = folder / "tags.jsonl"
    path.write_text(export.to_jsonl(export.select(annotations, metas)), encoding="utf-8")
    return path


def entries(db: Path) -> list[dict[str, Any]]:
    found, _ = journal_entries(journal_path(db).read_bytes())
    return found


def shard_files(db: Path) -> dict[str, bytes]:
    folder = shard_folder(db)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def index_agrees_with_shards(db: Path) -> dict[str, Any]:
    """Every table of the database, after checking that each article's index document counts
    exactly the annotations its shard (with the journal) holds."""
    tables = load_tables(db)
    by_article: dict[str, list[dict[str, Any]]] = {}
    for record in tables["annotations"].values():
        by_article.setdefault(record["article_id"], []).append(record)
    index = tables["index"]
    assert set(index) == set(by_article)
    for article_id, records in by_article.items():
        assert index[article_id] == index_entry(article_id, records), article_id
    return tables


def test_new_articles_are_written_straight_to_their_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = source_file(tmp_path, made(400))
    monkeypatch.setattr("tuireader.importing.BATCH", BATCH)
    monkeypatch.setattr(storage, "DIRECT_MIN", 10)
    direct = tmp_path / "direct" / "annotations.json"
    direct.parent.mkdir()  # import makes no folder
    assert main(["import", "--db", str(direct), str(source)]) == 0
    # The journal names the shards written and holds their index documents, no annotation.
    found = entries(direct)
    assert found and all("ann" not in e for e in found)
    assert sorted(a for e in found for a in e.get("shards", ())) == [
        f"{n:016x}" for n in range(400 // PER_ARTICLE)
    ]
    monkeypatch.setattr(storage, "DIRECT_MIN", 10**9)  # journaled, then folded in
    monkeypatch.setattr(storage, "JOURNAL_MIN", 1000)  # a compaction after each batch
    journaled = tmp_path / "journaled" / "annotations.json"
    journaled.parent.mkdir()  # import makes no folder
    assert main(["import", "--db", str(journaled), str(source)]) == 0
    assert index_agrees_with_shards(direct) == load_tables(journaled)
    assert shard_files(direct) == shard_files(journaled)  # byte for byte
    capsys.readouterr()


def test_a_shard_file_no_index_names_is_never_read_and_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    annotations = made(100)
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as store:
        store.set_state("opened", True)  # the files exist, with nothing annotated
    article_id = annotations[0].article_id
    leftover = shard_path(db, article_id)
    leftover.parent.mkdir(exist_ok=True)
    stray = annotations[0].to_dict()
    stray["tag"] = "stray"
    head = {"shard": {"format": "tuireader-annotations", "version": 4, "article_id": article_id}}
    leftover.write_bytes(orjson.dumps({"meta": head, "annotations": {stray["id"]: stray}}))
    half_written = shard_path(db, annotations[-1].article_id)
    half_written.write_bytes(b'{"meta": {"sha')
    with Store.open(db, "alice") as store:
        assert store.annotations(article_id, include_orphans=True) == []
        assert store.annotations(annotations[-1].article_id) == []
        assert store.annotated_article_ids() == []
    monkeypatch.setattr(storage, "DIRECT_MIN", 10)
    source = source_file(tmp_path, annotations)
    assert main(["import", "--db", str(db), str(source)]) == 0
    assert "stray" not in leftover.read_text(encoding="utf-8")
    tables = index_agrees_with_shards(db)
    assert {a.id for a in annotations} == set(tables["annotations"])
    capsys.readouterr()


def test_a_leftover_stays_unread_once_a_tag_names_its_article(tmp_path: Path) -> None:
    # The journal then names the article; its file must not be read under the tag.
    db = tmp_path / "annotations.json"
    other = Store.open(db, "bob")  # another window, which has read the article (empty)
    other.attach(ARTICLE)
    assert other.annotations(ARTICLE.id) == []
    stray = Annotation.new(ARTICLE.id, ARTICLE.body, 0, 5, "stray", "mallory").to_dict()
    head = {"shard": {"format": "tuireader-annotations", "version": 4, "article_id": ARTICLE.id}}
    leftover = shard_path(db, ARTICLE.id)
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(orjson.dumps({"meta": head, "annotations": {stray["id"]: stray}}))
    with Store.open(db, "alice") as store:
        assert store.annotations(ARTICLE.id, include_orphans=True) == []
        store.tag(ARTICLE, 1, 1, "fact")
    assert not leftover.exists()  # removed before the journal named the article
    for window in (Store.open(db, "carol", create=False), other):
        window.refresh()
        tags = [(a.annotator, a.tag) for a in window.annotations(ARTICLE.id, include_orphans=True)]
        assert tags == [("alice", "fact")]
        window.close()
    assert [r["tag"] for r in load_tables(db)["annotations"].values()] == ["fact"]


def test_a_leftover_whose_removal_cannot_be_synced_rolls_the_tag_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The removal comes before the write: if its folder cannot be synced the tag is rolled
    # back, and the line says so (not "the change may not survive a crash": nothing is in place).
    db = tmp_path / "annotations.json"
    Store.open(db, "alice").close()
    leftover = shard_path(db, ARTICLE.id)
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"{}")

    def unsyncable(folder: Path) -> None:
        raise NotDurableError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(storage, "fsync_folder", unsyncable)
    with Store.open(db, "alice") as store:
        with pytest.raises(StoreWriteError, match="rolled back"):
            store.tag(ARTICLE, 1, 1, "fact")
        monkeypatch.undo()
        assert store.annotations(ARTICLE.id) == []
    assert load_tables(db)["annotations"] == {}


def test_another_window_that_read_the_article_sees_the_imported_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotations = made(60)
    db = tmp_path / "annotations.json"
    monkeypatch.setattr(storage, "DIRECT_MIN", 10)
    with Store.open(db, "reader") as reader, Store.open(db, "importer") as importer:
        article_id = annotations[0].article_id
        assert reader.annotations(article_id) == []  # read, and held, with nothing in it
        importer.import_all(annotations)
        assert "shards" in entries(db)[-1]
        assert reader.refresh()
        got = reader.annotations(article_id, include_orphans=True)
        assert {a.id for a in got} == {a.id for a in annotations if a.article_id == article_id}


@pytest.mark.parametrize(
    ("step", "code", "said"),
    [
        ("write", errno.ENOSPC, "disk full"),
        ("make_durable", errno.EIO, "input/output error"),
    ],
)
def test_a_failed_direct_write_leaves_nothing_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int, said: str
) -> None:
    # Disk full while the files are written, or an I/O error while they are made durable (the
    # one sync of the write, before its journal entry): the write is rolled back.
    annotations = made(60)
    db = tmp_path / "annotations.json"
    monkeypatch.setattr(storage, "DIRECT_MIN", 10)
    with Store.open(db, "alice") as store:
        store.set_state("opened", True)
        before = load_tables(db)
        journal = journal_path(db).read_bytes()

        def failing(*_: object) -> None:
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(NewFiles, step, failing)
        with pytest.raises(StoreWriteError, match=said):
            store.import_all(annotations)
        assert len(store) == 0 and store.annotations(include_orphans=True) == []
        assert journal_path(db).read_bytes() == journal  # nothing names the files
        assert load_tables(db) == before
        monkeypatch.undo()
        monkeypatch.setattr(storage, "DIRECT_MIN", 10)
        store.import_all(annotations)  # the same write, now with room
        assert len(store) == len(annotations)
    assert load_tables(db) != before
    index_agrees_with_shards(db)


def spied_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The durable steps of the writes to come, in order: ("create", files written by one
    ``NewFiles.write``), ("sync", files made durable by ``NewFiles.make_durable``, checked to
    be there first), ("append", shards a journal entry names)."""
    events: list[tuple[str, int]] = []
    create, sync, append = NewFiles.write, NewFiles.make_durable, AtomicJSONStorage._append

    def creating(self: NewFiles, files: Iterable[tuple[str, bytes]]) -> list[str]:
        names = create(self, files)
        events.append(("create", len(names)))
        return names

    def syncing(self: NewFiles) -> None:
        assert all((self.folder / name).is_file() for name in self.names)
        sync(self)
        events.append(("sync", len(self.names)))

    def appending(self: AtomicJSONStorage, data: bytes) -> None:
        append(self, data)
        events.append(("append", len(orjson.loads(data).get("shards", ()))))

    monkeypatch.setattr(NewFiles, "write", creating)
    monkeypatch.setattr(NewFiles, "make_durable", syncing)
    monkeypatch.setattr(AtomicJSONStorage, "_append", appending)
    return events


def test_one_sync_per_batch_before_the_entry_that_names_its_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Batches of 50 with 20 annotations an article: every batch holds whole articles, written
    # from the spooled bytes, and part of one that straddles two batches, parsed and written
    # from its merged records (in a second ``create_shards`` call, or in the same one).
    annotations = made(300)
    source = source_file(tmp_path, annotations)
    monkeypatch.setattr(storage, "DIRECT_MIN", 10)
    monkeypatch.setattr(importing, "BATCH", 50)
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as store:
        store.set_state("opened", True)  # so every batch is a journal append
    events = spied_writes(monkeypatch)
    assert main(["import", "--db", str(db), str(source)]) == 0
    capsys.readouterr()
    # Per batch: the files, one sync of all of them, then the entry naming them.
    batches: list[list[tuple[str, int]]] = [[]]
    for event in events:
        batches[-1].append(event)
        if event[0] == "append":
            batches.append([])
    assert batches.pop() == []
    assert len(batches) == len(annotations) // 50
    for batch in batches:
        kinds = [kind for kind, _ in batch]
        assert kinds[-2:] == ["sync", "append"] and set(kinds[:-2]) == {"create"}
        created = sum(n for kind, n in batch if kind == "create")
        assert dict(batch[-2:]) == {"sync": created, "append": created}
    assert index_agrees_with_shards(db)["annotations"].keys() == {a.id for a in annotations}


def test_files_created_by_two_calls_of_one_write_are_synced_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotations = made(60)
    groups: dict[str, dict[str, Any]] = {}
    for a in annotations:
        groups.setdefault(a.article_id, {})[a.id] = to_stored(a)
    shards = {
        article_id: (
            storage.shard_document(article_id, records),
            index_entry(article_id, records.values()),
        )
        for article_id, records in groups.items()
    }
    first, *rest = shards
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as store:
        store.set_state("opened", True)
        events = spied_writes(monkeypatch)
        file = store._db.file
        with file.transaction():
            file.create_shards({first: shards[first]})
            file.create_shards({a: shards[a] for a in rest})
    assert events == [("create", 1), ("create", 2), ("sync", 3), ("append", 3)]
    assert index_agrees_with_shards(db)["annotations"].keys() == {a.id for a in annotations}


def clean_import(tmp_path: Path, source: Path) -> tuple[Path, float]:
    """The database of an uninterrupted import, and its span (``timed_import``)."""
    clean = tmp_path / "clean" / "annotations.json"
    return clean, timed_import(clean, source, BATCH)


def assert_rerun_completes(db: Path, clean: Path, source: Path) -> None:
    finished(run_importer(db, source, BATCH))
    assert index_agrees_with_shards(db) == load_tables(clean)
    assert shard_files(db) == shard_files(clean)
    assert [p for p in db.parent.rglob("*") if p.name.endswith(".tmp")] == []


def test_sigkill_after_the_shards_before_their_journal_entry(tmp_path: Path) -> None:
    annotations = made(600)  # 6 batches
    source = source_file(tmp_path, annotations)
    clean, _ = clean_import(tmp_path, source)
    for kill_at in (1, 3, 6):
        db = tmp_path / f"killed-{kill_at}" / "annotations.json"
        proc = run_importer(db, source, BATCH, str(kill_at))
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL
        assert out.count(b"shards\n") == kill_at and out.count(b"batch\n") == kill_at - 1
        with Store.open(db, "checker") as store:  # it opens; the last batch is not there
            assert len(store) == (kill_at - 1) * BATCH
        tables = index_agrees_with_shards(db)
        # The last batch's shards are on disk, named by nothing: leftovers.
        assert len(shard_files(db)) == kill_at * BATCH // PER_ARTICLE
        assert len(tables["index"]) == (kill_at - 1) * BATCH // PER_ARTICLE
        assert_rerun_completes(db, clean, source)


KILLS = 8


def test_sigkill_at_random_moments_of_a_direct_import(tmp_path: Path) -> None:
    annotations = made(1200)  # 12 batches
    source = source_file(tmp_path, annotations)
    expected = {a.id: a.to_dict() for a in annotations}
    clean, span = clean_import(tmp_path, source)
    db = tmp_path / "killed" / "annotations.json"

    def stored(db: Path) -> int:
        with Store.open(db, "checker") as store:
            found = {a.id: a.to_dict() for a in store.annotations(include_orphans=True)}
            assert len(store) == len(found)
        assert all(expected[i] == d for i, d in found.items())
        index_agrees_with_shards(db)
        return len(found)

    landed, db = kill_at_random(
        db, source, BATCH, stored, len(expected), kills=KILLS, seed=31, longest=span / 2
    )
    assert landed, "no kill landed in the middle of an import"
    assert_rerun_completes(db, clean, source)

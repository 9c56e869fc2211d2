"""The annotation file: atomic writes, .bak, refusing foreign files, schema migration and failed
writes (disk full, permission denied) that roll back and leave the old file intact."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.dbformat import schema
from tuireader.errors import TuireaderError
from tuireader.storage import AtomicJSONStorage, empty_tables
from tuireader.store import Store, StoreError, StoreWriteError

TEXT = "One sentence here. Two sentences here. Three sentences here. Four of them now."


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "annotations.json"


def test_serialise_matches_orjson_and_reuses_unchanged_records(tmp_path: Path) -> None:
    tables = empty_tables()
    tables["bookmarks"] = {f"id{i}": {"n": i, "text": 'é\n"q"'} for i in range(50)}
    tables["state"] = {"k": {"value": [1, None, {"a": True}]}}
    file = AtomicJSONStorage(tmp_path / "x.json", tables)
    assert orjson.loads(file.serialise()) == tables
    tables["bookmarks"]["id3"] = {"n": -3}  # replaced, not mutated
    del tables["bookmarks"]["id4"]
    tables["bookmarks"]["new"] = {"n": 99}
    file.touched("bookmarks", ["id3", "id4", "new"])
    assert orjson.loads(file.serialise()) == tables
    tables["state"]["k"] = {"value": 2}
    file.touched("state", None)
    assert orjson.loads(file.serialise()) == tables


def test_write_is_atomic_and_keeps_a_backup(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        first = db.read_bytes()
        store.tag(article, 1, 1, "fact")
        assert db.read_bytes() == first  # a change is appended to the journal
        store._db.file.compact()
        assert (db.with_name(db.name + ".bak")).read_bytes() == first
        assert db.stat().st_ino != db.with_name(db.name + ".bak").stat().st_ino
        assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]
        assert orjson.loads(db.read_bytes())["meta"]["schema"] == {
            "format": "tuireader-annotations",
            "version": storage.SCHEMA_VERSION,
        }


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x00\x01garbage{{", "invalid JSON"),
        (b'{"annotations": {"x": ', "invalid JSON"),
        (b"[1, 2, 3]", "not a TinyDB file"),
        (b'{"_default": {"1": {"name": "x"}}}', "another program"),
        (b'{"meta": {"schema": {"format": "tuireader-annotations", "version": 99}}}', "newer"),
        (
            b'{"meta": {"schema": {"format": "tuireader-annotations", "version": "1"}}}',
            "bad schema",
        ),
        (
            b'{"meta": {"schema": {"format": "tuireader-annotations", "version": 1}},'
            b' "annotations": {"a": {"id": "a"}}}',
            "annotation a is malformed",
        ),
    ],
)
def test_unusable_file_is_refused_and_untouched(db: Path, content: bytes, problem: str) -> None:
    db.write_bytes(content)
    before = os.stat(db)
    with pytest.raises(StoreError) as caught:
        Store.open(db, "alice")
    message = str(caught.value)
    assert message.startswith(f"{db}: ") and problem in message and "\n" not in message
    assert isinstance(caught.value, TuireaderError)
    assert db.read_bytes() == content and os.stat(db).st_mtime_ns == before.st_mtime_ns
    assert not db.with_name(db.name + ".bak").exists()


def test_a_tag_the_codebook_does_not_know_is_kept(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 1, "fact")
        store._db.file.compact()
    shard = storage.shard_path(db, article.id)
    shard.write_bytes(shard.read_bytes().replace(b'"fact"', b'"rumour"', 1))
    with Store.open(db, "alice") as store:
        assert sorted(a.tag for a in store.annotations()) == ["fact", "rumour"]
        store.tag(article, 2, 2, "fact")  # a write keeps it too
    with Store.open(db, "alice") as store:
        assert sorted(a.tag for a in store.annotations()) == ["fact", "fact", "rumour"]


@pytest.mark.parametrize("version", [b"true", b"1.0", b"0", b"null"])
def test_a_version_that_is_not_a_positive_integer_is_refused(db: Path, version: bytes) -> None:
    content = b'{"meta": {"schema": {"format": "tuireader-annotations", "version": %s}}}' % version
    db.write_bytes(content)
    with pytest.raises(StoreError, match="bad schema version"):
        Store.open(db, "alice")
    assert db.read_bytes() == content


def test_refusal_points_at_the_backup(db: Path, article: Article) -> None:
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 1, "fact")
        store._db.file.compact()  # the backup is the snapshot before a compaction
    db.write_bytes(b"garbage")
    with pytest.raises(StoreError, match=r"last good copy is .*annotations\.json\.bak"):
        Store.open(db, "alice")


def test_empty_file_is_a_new_database(db: Path) -> None:
    db.touch()
    with Store.open(db, "alice") as store:
        assert store.annotations() == []


def test_older_schema_is_migrated_with_a_copy(
    db: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
    v1 = db.read_bytes()

    def to_next(tables: dict[str, Any]) -> dict[str, Any]:
        for record in tables["annotations"].values():
            record["note"] = "migrated"
        return tables

    now = storage.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    monkeypatch.setitem(storage.MIGRATIONS, now, to_next)
    with Store.open(db, "alice") as store:
        assert store.annotations()[0].note == "migrated"
    assert db.with_name(f"{db.name}.v{now}.bak").read_bytes() == v1
    assert orjson.loads(db.read_bytes())["meta"]["schema"]["version"] == now + 1


def test_missing_migration_step_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db, "alice").close()
    before = db.read_bytes()
    now = storage.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 2)
    with pytest.raises(StoreError, match=f"schema {now} cannot be upgraded to {now + 2}"):
        Store.open(db, "alice")
    assert db.read_bytes() == before


def _fail_writes(monkeypatch: pytest.MonkeyPatch, err: int) -> None:
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        if len(data) > 0 and os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(err, os.strerror(err))
        return real_write(fd, data)

    monkeypatch.setattr(storage.os, "write", write)
    real_pwrite = os.pwrite

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if len(data) > 0 and os.readlink(f"/proc/self/fd/{fd}").endswith(".journal"):
            raise OSError(err, os.strerror(err))
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(storage.os, "pwrite", pwrite)


@pytest.mark.parametrize(
    ("err", "reason"), [(errno.ENOSPC, "disk full"), (errno.EACCES, "permission denied")]
)
def test_failed_write_rolls_back_and_keeps_the_file(
    db: Path, article: Article, monkeypatch: pytest.MonkeyPatch, err: int, reason: str
) -> None:
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 2, "fact")
        good = storage.load_tables(db)
        before = store.annotations()
        with monkeypatch.context() as m:
            _fail_writes(m, err)
            with pytest.raises(StoreWriteError) as caught:
                store.tag(article, 1, 1, "speculation")
            assert reason in str(caught.value) and str(caught.value).startswith(f"{db}: ")
            with pytest.raises(StoreWriteError):
                store.undo()
            with pytest.raises(StoreWriteError):
                store.set_state("k", 1)
        assert storage.load_tables(db) == good
        assert store.annotations() == before and store.get_state("k") is None
        assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]
        # The undo stack is as it was, and the store works again once the disk does.
        store.tag(article, 1, 1, "speculation")
        assert len(store.annotations()) == 3
        store.undo()
        assert store.annotations() == before
    with Store.open(db, "bob") as again:
        assert again.annotations() == before


def test_permission_denied_creating_the_temp_file(
    db: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db, "alice") as store:
        good = db.read_bytes()
        real_open = os.open

        def deny(path: Any, flags: int, *args: Any) -> int:
            if str(path).endswith((".tmp", ".journal")):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(storage.os, "open", deny)
        with pytest.raises(StoreWriteError, match="permission denied"):
            store.tag(article, 0, 0, "fact")
        assert db.read_bytes() == good and store.annotations() == []


def test_unwritable_file_opens_read_only(
    db: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(db, "alice").close()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    with Store.open(db, "alice") as store:
        assert store.read_only and store.read_only_reason
        with pytest.raises(StoreWriteError, match="read-only"):
            store.tag(article, 0, 0, "fact")
        store.set_state("cursor", 4)  # kept for the session only
        assert store.get_state("cursor") == 4
        assert store.attach(article).changed  # placed in memory, nothing written
    with Store.open(db, "x") as s:
        assert s.get_state("cursor") is None


def test_unwritable_folder_cannot_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    with pytest.raises(StoreError, match="cannot be created"):
        Store.open(tmp_path / "new.json", "alice")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path, "alice")


def _good_record(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "article_id": "0123456789abcdef",
        "start": 10 * i,
        "end": 10 * i + 9,
        "tag": "fact",
        "quote": {"exact": "Some text", "prefix": "", "suffix": ""},
        "annotator": "alice",
        "created": "2026-01-01T00:00:00.000Z",
        **extra,
    }


def _write_records(db: Path, records: dict[str, Any]) -> None:
    tables = empty_tables()
    tables["annotations"] = records
    db.write_bytes(orjson.dumps(tables))


BAD_RECORDS: list[tuple[Any, str]] = [
    ("not a record", "is malformed"),
    ([1, 2], "is malformed"),
    (_good_record(0, start="12"), "is malformed"),
    (_good_record(0, end=True), "is malformed"),
    (_good_record(0, start=1.5), "is malformed"),
    (_good_record(0, article_id=7), "is malformed"),
    (_good_record(0, created=None), "is malformed"),
    (_good_record(0, quote=["Some text"]), "is malformed"),
    (_good_record(0, quote={"prefix": ""}), "is malformed"),
    (_good_record(0, quote={"exact": 3}), "is malformed"),
    (_good_record(0, quote={"exact": "x", "suffix": None}), "is malformed"),
    (_good_record(0, annotator=["alice"]), "is malformed"),
    (_good_record(0, note=5), "is malformed"),
    (_good_record(0, updated=False), "is malformed"),
    (_good_record(0, anchor="sideways"), "is malformed"),
    (_good_record(0, anchor=["exact"]), "is malformed"),
    ({k: v for k, v in _good_record(0).items() if k != "created"}, "is malformed"),
    (_good_record(0, id="another"), "is stored under the wrong id"),
    (_good_record(0, tag=""), "is malformed"),
    (_good_record(0, provenance="by magic"), "is malformed"),
    (_good_record(0, tag=["fact"]), "is malformed"),
]


@pytest.mark.parametrize(("record", "problem"), BAD_RECORDS)
def test_every_record_is_checked_on_open(db: Path, record: Any, problem: str) -> None:
    # The bad record sits among many good ones, plain and unusual (note, edit, anchor, full
    # ``to_dict`` form with its id), in either order.
    good = {f"g{i}": _good_record(i) for i in range(300)}
    good["n1"] = _good_record(400, note="a note", updated="2026-01-02T00:00:00.000Z")
    good["n2"] = _good_record(401, anchor="moved", id="n2")
    for records in ({**good, "bad": record}, {"bad": record, **good}):
        _write_records(db, records)
        with pytest.raises(StoreError) as caught:
            Store.open(db, "alice")
        assert str(caught.value) == f"{db}: annotation bad {problem}" or (
            problem.endswith(" ")
            and str(caught.value).startswith(f"{db}: annotation bad {problem}")
        )
    _write_records(db, good)
    with Store.open(db, "alice") as store:
        assert len(store) == 302
        assert store.annotation("n1").note == "a note"  # type: ignore[union-attr]
        moved = store.annotation("n2")
        assert moved is not None and moved.anchor == "moved" and moved.id == "n2"
        assert len(store.annotations("0123456789abcdef")) == 302

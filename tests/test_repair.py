"""``tuireader repair``: the way out of a damaged journal keeps every readable entry (before and
after the damage), sets the damaged journal aside, says what was dropped, and changes nothing
when there is nothing to repair or it cannot."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.store import Store

TEXT = (
    "A headline\n\nThe ferry left at noon. Officials expect delays all week. The pier was "
    "rebuilt in spring. Experts think the tide tables are wrong. Nobody was hurt."
)
TAGS = ("fact", "speculation", "fact", "expert_opinion", "fact")


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


def tagged(tmp_path: Path, article: Article) -> Path:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        for i, tag in enumerate(TAGS):
            store.tag(article, i, i, tag)
    return db


def damage(db: Path, which: int) -> tuple[bytes, int]:
    """One byte of the journal entry ``which`` (-1: the last) made unreadable; the bytes and
    the offset of the damaged entry."""
    path = storage.journal_path(db)
    data = bytearray(path.read_bytes())
    starts = [i - 1 for i in range(len(data)) if data[i : i + 2] == b'\n"']
    at = starts[which]
    brace = data.index(b":{", at) + 1
    data[brace] = ord("#")
    path.write_bytes(bytes(data))
    return bytes(data), at


def sentences_tagged(db: Path) -> list[tuple[int, str]]:
    with Store.open(db, "bob", create=False) as store:
        return sorted((a.start, a.tag) for a in store.annotations())


@pytest.mark.parametrize(("which", "lost"), [(1, 1), (-1, 4)], ids=["middle", "last"])
def test_repair_keeps_every_readable_entry_and_says_what_it_dropped(
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
    which: int,
    lost: int,
) -> None:
    db = tagged(tmp_path, article)
    whole = sentences_tagged(db)
    count = len(storage.journal_entries(storage.journal_path(db).read_bytes())[0])
    damaged, at = damage(db, which)
    assert main(["stats", "--db", str(db)]) == 2
    assert "tuireader repair --db" in capsys.readouterr().err
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    kept = list(tmp_path.glob("d.json.journal.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # set aside as it was
    number = count if which == -1 else which + 1
    numbers = {-1: f"1-{count - 1}", 1: f"1, 3-{count}"}[which]
    assert f"kept {count - 1} of {count} journal entries ({numbers})" in out
    assert f"dropped entry {number} (bytes {at}-" in out and kept[0].name in out
    assert "1 annotation change of alice (1 set)" in out
    # Every entry but the damaged one (the tag of sentence ``lost``) is in the new snapshot.
    assert len(whole) == len(TAGS)
    assert sentences_tagged(db) == whole[:lost] + whole[lost + 1 :]
    tables = storage.load_tables(db)  # the index counts what the shards hold
    assert [
        sum(n for tags in doc["tags"].values() for n in tags.values())
        for doc in tables["index"].values()
    ] == [len(whole) - 1]
    assert (tmp_path / "d.json.bak").exists()
    assert storage.journal_path(db).read_bytes() == storage.EMPTY_JOURNAL
    assert main(["stats", "--db", str(db)]) == 0
    out_file = tmp_path / "out.json"
    assert main(["export", "--db", str(db), "-o", str(out_file)]) == 0
    exported = json.loads(out_file.read_text())
    assert len(exported["annotations"]) == len(whole) - 1
    with Store.open(db, "alice") as store:  # writes work again
        store.tag(article, lost, lost, "speculation")
    assert (whole[lost][0], "speculation") in sentences_tagged(db)
    # A second repair finds nothing to do.
    capsys.readouterr()
    assert main(["repair", "--db", str(db)]) == 2
    assert "nothing to repair" in capsys.readouterr().err


def test_a_torn_tail_is_nothing_to_repair(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tagged(tmp_path, article)
    path = storage.journal_path(db)
    torn = path.read_bytes()[:-3] + b',\n"99999":{"put":{"art'
    path.write_bytes(torn)
    assert main(["repair", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to repair: its journal reads whole" in err
    assert "torn write of" in err
    assert path.read_bytes() == torn and not list(tmp_path.glob("*.damaged-*"))


def test_repair_in_a_read_only_folder_changes_nothing(
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tagged(tmp_path, article)
    damaged, _ = damage(db, 1)
    before = sorted(p.name for p in tmp_path.iterdir())
    if os.geteuid() == 0:  # root writes into a folder without write permission: refuse as it
        real_open = os.open

        def refuse_creation(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & os.O_CREAT and Path(path).parent == tmp_path:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse_creation)
    tmp_path.chmod(0o555)
    try:
        assert main(["repair", "--db", str(db)]) == 2
    finally:
        tmp_path.chmod(0o755)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot repair" in err and "nothing was changed" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert storage.journal_path(db).read_bytes() == damaged


def test_repair_of_no_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["repair", "--db", str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_repair_waits_for_no_writer_and_changes_nothing_while_one_holds_the_lock(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    from filelock import FileLock

    from tuireader.store import lock_path

    db = tagged(tmp_path, article)
    damaged, _ = damage(db, 1)
    with FileLock(str(lock_path(db))):
        assert main(["repair", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot repair: the file is locked" in err
    assert storage.journal_path(db).read_bytes() == damaged
    assert not list(tmp_path.glob("*.damaged-*"))


def test_repair_writes_the_whole_copy_through_short_writes(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tagged(tmp_path, article)
    damaged, _ = damage(db, 1)
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data)[:7]))
    assert main(["repair", "--db", str(db)]) == 0
    (kept,) = tmp_path.glob("d.json.journal.damaged-*")
    assert kept.read_bytes() == damaged


def test_repair_that_cannot_write_the_whole_copy_changes_nothing(
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tagged(tmp_path, article)
    damaged, _ = damage(db, 1)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    real_write = os.write
    room = [100]  # a nearly full disk: 100 bytes, then nothing more is written

    def short_write(fd: int, data: Any) -> int:
        n = min(room[0], len(data))
        room[0] -= n
        return real_write(fd, bytes(data)[:n]) if n else 0

    monkeypatch.setattr(os, "write", short_write)
    assert main(["repair", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot repair" in err and "nothing was changed" in err
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before and storage.journal_path(db).read_bytes() == damaged

"""Durable file operations a compaction uses (``durable.replace_together``, ``durable.keep_copy``):
several files replaced in one step, a backup that is a copy, never the same inode, and an
import's new files (``durable.NewFiles``) made durable all at once."""

from __future__ import annotations

import errno
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tuireader import durable
from tuireader.durable import NewFiles, keep_copy, replace_together


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("one_by_one", [True, False])
def test_files_are_written_removed_and_swapped_in_together(
    tmp_path: Path, one_by_one: bool
) -> None:
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "old.json").write_bytes(b"old")
    (folder / "kept.json").write_bytes(b"kept")
    files = [(folder / "new.json", b"new"), (folder / "old.json", None), (folder / "x.json", b"x")]
    replace_together(folder, iter(files), one_by_one=one_by_one)
    assert contents(folder) == {"kept.json": b"kept", "new.json": b"new", "x.json": b"x"}


def test_a_missing_folder_is_made(tmp_path: Path) -> None:
    folder = tmp_path / "db.json.d"
    replace_together(folder, [(folder / "a.json", b"a")], one_by_one=True)
    assert contents(folder) == {"a.json": b"a"}


def test_a_failure_replaces_nothing_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "a.json").write_bytes(b"a")
    before = contents(folder)

    def broken() -> Iterator[tuple[Path, bytes | None]]:
        yield folder / "a.json", b"changed"
        raise OSError(errno.EIO, "the next shard could not be read")

    with pytest.raises(OSError, match="could not be read"):
        replace_together(folder, broken(), one_by_one=True)
    assert contents(folder) == before

    def failing_sync(folder: Path, files: object, *, where: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(durable, "sync_file_system", failing_sync)
    with pytest.raises(OSError):
        replace_together(folder, [(folder / "a.json", b"changed")], one_by_one=False)
    assert contents(folder) == before


def folder_events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | int, int]]:
    """What happens to ``folder``'s descriptors from now on, in order: ("open", path, fd) for
    every ``os.open``, ("syncfs", fd, inode) and ("fsync", fd, inode) with the inode the
    descriptor names when it is synced, ("close", fd, 0). ``syncfs`` is a stand-in that only
    records, so this runs where the C library has none."""
    events: list[tuple[str, str | int, int]] = []
    real_open, real_fsync, real_close = os.open, os.fsync, os.close

    def opening(path: str | Path, flags: int, mode: int = 0o777, **kw: Any) -> int:
        fd = real_open(path, flags, mode, **kw)
        events.append(("open", os.fspath(path), fd))
        return fd

    def fsyncing(fd: int) -> None:
        events.append(("fsync", fd, os.fstat(fd).st_ino))
        real_fsync(fd)

    def closing(fd: int) -> None:
        events.append(("close", fd, 0))
        real_close(fd)

    def syncfs(fd: int) -> int:
        events.append(("syncfs", fd, os.fstat(fd).st_ino))
        return 0

    monkeypatch.setattr(durable.os, "open", opening)
    monkeypatch.setattr(durable.os, "fsync", fsyncing)
    monkeypatch.setattr(durable.os, "close", closing)
    monkeypatch.setattr(durable, "_syncfs", lambda: syncfs)
    return events


def opened_as(events: list[tuple[str, str | int, int]], at: int) -> int:
    """Where in ``events`` the descriptor used by event ``at`` was opened."""
    fd = events[at][1]
    return max(i for i, (kind, _, made) in enumerate(events[:at]) if kind == "open" and made == fd)


def test_many_files_are_synced_through_the_folder_opened_before_they_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``syncfs`` reports the write-back errors no one has seen or that came after its
    # descriptor was opened. Opened after the temporary files are written, it misses an error
    # writing them back that another process's ``syncfs`` saw first, and ``os.replace`` would
    # then put lost bytes over good shards (and the journal be emptied).
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "old.json").write_bytes(b"old")
    inode = folder.stat().st_ino
    events = folder_events(monkeypatch)
    files = [(folder / f"{i}.json", b"%d" % i) for i in range(3)] + [(folder / "old.json", None)]
    replace_together(folder, files, one_by_one=False)
    monkeypatch.undo()
    assert contents(folder) == {f"{i}.json": b"%d" % i for i in range(3)}
    first_temp = min(i for i, e in enumerate(events) if str(e[1]).endswith(".tmp"))
    [synced] = [i for i, e in enumerate(events) if e[0] == "syncfs"]
    assert events[synced][2] == inode
    assert opened_as(events, synced) < first_temp
    # The folder's fsync after the swap goes through it too: no open left to fail after it.
    [flushed] = [i for i, e in enumerate(events) if e[0] == "fsync" and e[2] == inode]
    assert events[flushed][1] == events[synced][1] and opened_as(events, flushed) < first_temp


def test_keep_copy_is_a_copy_not_a_link(tmp_path: Path) -> None:
    db, backup = tmp_path / "db.json", tmp_path / "db.json.bak"
    keep_copy(db, backup)  # nothing to keep yet
    assert not backup.exists()
    db.write_bytes(b"first")
    keep_copy(db, backup)
    db.write_bytes(b"second")
    keep_copy(db, backup)
    assert backup.read_bytes() == b"second"
    assert backup.stat().st_ino != db.stat().st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.bak"]


@pytest.mark.parametrize("has_syncfs", [True, False])
def test_new_files_are_written_then_made_durable_all_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, has_syncfs: bool
) -> None:
    folder = tmp_path / "db.json.d"  # made if missing
    fsynced: list[str] = []
    real_fsync = durable.fsync_file

    def spy(path: Path) -> None:
        fsynced.append(path.name)
        real_fsync(path)

    monkeypatch.setattr(durable, "fsync_file", spy)
    synced: list[tuple[int, int]] = []  # the descriptor syncfs got, the inode it named then
    real_syncfs = durable._call_syncfs

    def syncing(syncfs: Callable[[int], int], fd: int, where: Path) -> None:
        synced.append((fd, os.fstat(fd).st_ino))
        real_syncfs(syncfs, fd, where)

    monkeypatch.setattr(durable, "_call_syncfs", syncing)
    if not has_syncfs:  # as where the C library has no syncfs: an fsync of each file
        monkeypatch.setattr(durable, "_syncfs", lambda: None)
    new = NewFiles(folder)
    opened_first = new._where  # before anything is written: what the syncfs must go through
    (folder / "left.json").write_bytes(b"a leftover of a killed writer")
    assert new.write([(f"{i}.json", b"%d" % i) for i in range(5)]) == [
        f"{i}.json" for i in range(5)
    ]
    assert new.write(iter([("left.json", b"replaced")])) == ["left.json"]
    assert fsynced == [] and synced == []  # nothing is synced while they are written
    new.make_durable()
    if has_syncfs:
        assert synced == [(opened_first, folder.stat().st_ino)] and fsynced == []
    else:
        assert synced == [] and fsynced == [*(f"{i}.json" for i in range(5)), "left.json"]
    assert contents(folder) == {
        **{f"{i}.json": b"%d" % i for i in range(5)},
        "left.json": b"replaced",
    }
    with pytest.raises(ValueError, match="already"):
        new.write([("late.json", b"late")])  # its folder is closed: a new write, a new NewFiles


def test_new_files_given_up_leave_what_was_written_unsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[object] = []
    monkeypatch.setattr(durable, "_call_syncfs", lambda *args: synced.append(args))
    new = NewFiles(tmp_path)

    def files() -> Iterator[tuple[str, bytes]]:
        yield "a.json", b"a"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError, match="No space"):
        new.write(files())
    new.close()  # a failed write gives up: the caller's rollback leaves the files unnamed
    new.close()
    assert contents(tmp_path) == {"a.json": b"a"} and synced == []
    with pytest.raises(ValueError, match="already"):
        new.make_durable()


@pytest.mark.parametrize("has_syncfs", [True, False])
def test_new_files_flush_their_folder_through_the_descriptor_they_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, has_syncfs: bool
) -> None:
    # The folder's fsync is what makes the new inodes durable on ext4 without a journal (see
    # make_durable). Opening the folder again for it could fail (EMFILE: no descriptor left),
    # and fsync_folder skips a folder it cannot open, so the files were reported saved unflushed.
    folder = tmp_path / "db.json.d"
    new = NewFiles(folder)
    where, inode = new._where, folder.stat().st_ino
    new.write([("a.json", b"a"), ("b.json", b"b")])
    events = folder_events(monkeypatch)
    if not has_syncfs:
        monkeypatch.setattr(durable, "_syncfs", lambda: None)
    opening = durable.os.open

    def no_descriptor_left(path: str | Path, *args: Any, **kw: Any) -> int:
        if Path(path) == folder:
            raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))
        return opening(path, *args, **kw)

    monkeypatch.setattr(durable.os, "open", no_descriptor_left)
    new.make_durable()
    monkeypatch.undo()
    flushed = [i for i, e in enumerate(events) if e[0] == "fsync" and e[2] == inode]
    assert [events[i][1] for i in flushed] == [where]
    assert ("close", where, 0) in events[flushed[0] :]  # flushed, then closed
    assert new._where is None


@pytest.mark.parametrize(("code", "raised"), [(errno.EIO, True), (errno.EINVAL, False)])
def test_new_files_whose_folder_cannot_be_flushed_are_not_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, raised: bool
) -> None:
    new = NewFiles(tmp_path)
    new.write([("a.json", b"a")])
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.fstat(fd).st_ino == tmp_path.stat().st_ino:
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(durable.os, "fsync", fsync)
    monkeypatch.setattr(durable, "_syncfs", lambda: None)  # the files by fsync, the folder fails
    if raised:  # EIO: not saved; EINVAL: a file system without fsync on folders
        with pytest.raises(durable.NotDurableError):
            new.make_durable()
    else:
        new.make_durable()
    assert new._where is None


@pytest.mark.parametrize(
    ("code", "raised"),
    [(errno.EMFILE, True), (errno.ENFILE, True), (errno.EIO, True), (errno.EACCES, False)],
)
def test_a_folder_that_cannot_be_opened_for_its_fsync_is_not_skipped_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, raised: bool
) -> None:
    # write_atomic's rename is durable only once the folder is fsynced. A process out of
    # descriptors (EMFILE) reported the file saved without that fsync; a folder it may write in
    # but not read (mode -wx, or Windows) has no fsync to give and stays no failure.
    target = tmp_path / "db.json"
    target.write_bytes(b"old")
    real_open = os.open

    def opening(path: str | Path, *args: Any, **kw: Any) -> int:
        if Path(path) == tmp_path:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(durable.os, "open", opening)
    if raised:
        with pytest.raises(durable.NotDurableError):
            durable.write_atomic(target, b"new")
    else:
        durable.write_atomic(target, b"new")
    monkeypatch.undo()
    assert contents(tmp_path) == {"db.json": b"new"}  # in place, durable or not


def test_a_few_files_are_replaced_in_a_folder_that_can_be_written_but_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A compaction of a few shards fsyncs each file and needs no descriptor of the folder before
    # it writes: a -wx folder (the open refused) is replaced into as write_atomic writes into it.
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "a.json").write_bytes(b"old")
    real_open = os.open

    def opening(path: str | Path, *args: Any, **kw: Any) -> int:
        if Path(path) == folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(durable.os, "open", opening)
    replace_together(
        folder, [(folder / "a.json", b"new"), (folder / "b.json", b"b")], one_by_one=True
    )
    monkeypatch.undo()
    assert contents(folder) == {"a.json": b"new", "b.json": b"b"}


def test_what_a_paused_collector_leaves_is_set_aside() -> None:
    """Bulk work under ``collector_paused`` (a book's sentences, a layer the store keeps): what
    survives it is frozen as the pause ends, not scanned by the next collection of the youngest
    generation (40-270 ms holding the interpreter for a book, stalling the reader's loop)."""
    gc.enable()
    frozen = gc.get_freeze_count()
    kept: list[list[int]] = []
    with durable.collector_paused():
        assert not gc.isenabled()
        kept.extend([i] for i in range(20_000))
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + 20_000
    assert gc.get_count()[0] < 20_000
    frozen = gc.get_freeze_count()
    with durable.collector_paused():  # a few (a tag): left to the collector, cycles and all
        kept.extend([i] for i in range(100))
    assert gc.get_freeze_count() == frozen
    gc.disable()
    try:
        with durable.collector_paused():  # inside another pause: left to the outer one
            kept.append([1])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_write_that_takes_nothing_raises_instead_of_looping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fd = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        monkeypatch.setattr(durable.os, "write", lambda _fd, _data: 0)
        with pytest.raises(OSError) as raised:
            durable.write_all(fd, b"abc")
        assert raised.value.errno == errno.ENOSPC
    finally:
        os.close(fd)

"""The journal's mark, ``PATH.journal.mark``: how long the journal was when an append last
returned, so a journal cut shorter than that (by a copy tool, a user, a truncating editor) is
told from a write torn by a crash.

A crash can tear only the last entry, one never reported saved. A journal that ends before bytes
an append reported saved lost them to something else, and reading it as a torn write would lose
them without a word. The journal itself cannot say how long it should be (the cut took that
too), so the length is kept beside it.

The mark is written after the append's fdatasync returns, in place and without a sync of its
own (a few microseconds against ~1 ms for the append). It can therefore lag the journal (a crash
before it reached the disk leaves an older length) but never lead it: a journal shorter than its
mark is damage. A mark that cannot be read (torn, mixed with older bytes: its checksum fails),
or written for another main file (its size or modification time differs: a compaction, an
older copy restored, a copy that did not keep times), is unknown and only means that a cut goes unnoticed, as it did before marks.
Every append under the write lock writes a longer length than the one before it, so the mark
only grows within one journal. A compaction removes it (synced) before it replaces the journal
with an empty one, so a mark never outlives its journal."""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

from tuireader.dbformat.layout import journal_path
from tuireader.plural import plural

WIDTH = 64
"""Every mark is padded to this many bytes: written in place over the last one, a shorter
record would otherwise leave the end of a longer one after it."""


def mark_path(path: Path) -> Path:
    """``PATH.journal.mark`` for the database at ``path``."""
    journal = journal_path(path)
    return journal.with_name(journal.name + ".mark")


@dataclass(frozen=True)
class Mark:
    """The journal's size (its closing brackets included) when an append last returned, and
    the size and modification time (ns) of the main file that journal belongs to: a compaction
    replaces both, and a main file restored from an older copy differs in one or the other."""

    committed: int
    main_size: int
    main_mtime_ns: int

    def encode(self) -> bytes:
        body = b"%d %d %d" % (self.committed, self.main_size, self.main_mtime_ns)
        record = b"tuireader-journal-mark %s %d\n" % (body, zlib.crc32(body))
        return record.ljust(WIDTH - 1) + b"\n"

    @classmethod
    def decode(cls, data: bytes) -> Mark | None:
        parts = data.split()
        if len(parts) != 5 or parts[0] != b"tuireader-journal-mark":
            return None
        if not all(p.isdigit() and len(p) <= 20 for p in parts[1:]):
            return None
        if zlib.crc32(b" ".join(parts[1:4])) != int(parts[4]):
            return None
        return cls(int(parts[1]), int(parts[2]), int(parts[3]))


def read_mark(path: Path) -> Mark | None:
    """The mark of the database at ``path``; None when there is none or it cannot be read (then
    nothing is known: every journal length is taken as it is)."""
    try:
        fd = os.open(mark_path(path), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return Mark.decode(os.pread(fd, WIDTH + 1, 0))
    except OSError:
        return None
    finally:
        os.close(fd)


def write_mark(path: Path, mark: Mark) -> None:
    """Record ``mark``, once the append it follows is durable; never raises (a mark not written
    only lags). Only a regular file is written (no symlink is followed); in place, so nothing
    is truncated or renamed, which would cost milliseconds on ext4."""
    with contextlib.suppress(OSError):
        flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(mark_path(path), flags, 0o666)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.pwrite(fd, mark.encode(), 0)
        finally:
            os.close(fd)


def drop_mark(path: Path, sync_folder: bool = True) -> None:
    """Remove the mark before the journal is replaced (a compaction, a repair), and sync the
    folder so the removal is on disk before the new journal can be: a mark left from the old
    journal would lead the new one and refuse it. Raises OSError when it cannot (the journal
    must then not be replaced)."""
    where = mark_path(path)
    try:
        os.unlink(where)
    except FileNotFoundError:
        return
    if sync_folder:
        from tuireader.durable import fsync_folder

        fsync_folder(where.parent)


def cut_short(mark: Mark | None, held: int, main: tuple[int, int]) -> int:
    """How many bytes the journal lost to a cut: how far ``held`` (the size up to the closing
    brackets after its last entry read whole; 0 for no journal) falls short of what the mark
    says was saved to it. 0 when it holds all of it, or the mark is unknown (none, or written
    for another main file than the one of size and mtime ``main``)."""
    if mark is None or (mark.main_size, mark.main_mtime_ns) != main:
        return 0
    return max(0, mark.committed - held)


def cut_problem(journal: Path, mark: Mark, held: int) -> str:
    """The one line a store refuses a cut journal with (after ``PATH: ``)."""
    from tuireader.dbformat.journal import REPAIR

    return (
        f"has a cut journal: {journal.name} holds {held} {plural(held, 'byte')} of the "
        f"{mark.committed} saved "
        f"to it (the last {mark.committed - held} are lost, which no crash can do); nothing "
        f"was written ({REPAIR})"
    )

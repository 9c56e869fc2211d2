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
older copy restored, a copy that did not keep times), is unknown and only means that a cut goes
unnoticed, as it did before marks.

The mark is evidence only about journal bytes that were read after it was written. A reader
reads the mark first, then the journal. A copy (``cp -a``, ``rsync -a``) or a restore that kept
times may have taken the journal before the mark's append (the journal sorts first): the mark
records the journal's modification time after that append, and a journal whose own time is
older is a copy taken before it, whole as far as it goes, not a cut; a cut in place (truncate,
an editor, a copy tool that stopped early) leaves the journal a newer time. A clock set back
between an append and a cut only hides the cut.

Every append under the write lock writes a longer length than the one before it, so the mark
only grows within one journal. A compaction removes it (synced) before it writes anything, so a
mark never outlives its journal."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

from tuireader.dbformat.layout import journal_path
from tuireader.durable import regular_file
from tuireader.errors import file_kind, os_problem
from tuireader.plural import plural

WIDTH = 128
"""Every mark is padded to this many bytes: written in place over the last one, a shorter
record would otherwise leave the end of a longer one after it. The longest record, four
64-bit numbers with their signs and the checksum, is 118 bytes."""

_NUMBER = re.compile(rb"-?[0-9]{1,19}")


def mark_path(path: Path) -> Path:
    """``PATH.journal.mark`` for the database at ``path``."""
    journal = journal_path(path)
    return journal.with_name(journal.name + ".mark")


@dataclass(frozen=True)
class Mark:
    """The journal's size (its closing brackets included) and modification time (ns) when an
    append last returned, and the size and modification time of the main file that journal
    belongs to: a compaction replaces both, and a main file restored from an older copy differs
    in one or the other."""

    committed: int
    main_size: int
    main_mtime_ns: int
    journal_mtime_ns: int

    def encode(self) -> bytes:
        """The record, ``WIDTH`` bytes; ValueError for a number no file system gives (over 64
        bits), which would not fit."""
        numbers = (self.committed, self.main_size, self.main_mtime_ns, self.journal_mtime_ns)
        if min(numbers) < -(1 << 63) or max(numbers) >= 1 << 63:
            raise ValueError("a journal mark holds 64-bit numbers only")
        body = b"%d %d %d %d" % numbers
        record = b"tuireader-journal-mark %s %d\n" % (body, zlib.crc32(body))
        return record.ljust(WIDTH - 1) + b"\n"

    @classmethod
    def decode(cls, data: bytes) -> Mark | None:
        """The mark ``data`` holds (a record up to its newline, then only padding), or None."""
        line, newline, padding = data.partition(b"\n")
        if not newline or padding.strip():
            return None
        parts = line.split(b" ")
        if len(parts) != 6 or parts[0] != b"tuireader-journal-mark":
            return None
        if not all(_NUMBER.fullmatch(p) for p in parts[1:5]) or not parts[5].isdigit():
            return None
        if zlib.crc32(b" ".join(parts[1:5])) != int(parts[5]):
            return None
        return cls(int(parts[1]), int(parts[2]), int(parts[3]), int(parts[4]))


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
        return Mark.decode(os.pread(fd, 2 * WIDTH, 0))  # a longer file is no mark
    except OSError:
        return None
    finally:
        os.close(fd)


def write_mark(path: Path, mark: Mark) -> None:
    """Record ``mark``, once the append it follows is durable; never raises (a mark not written
    only lags). Only a regular file is written (no symlink is followed); in place, so nothing
    is truncated or renamed, which would cost milliseconds on ext4."""
    with contextlib.suppress(OSError, ValueError):
        flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(mark_path(path), flags, 0o666)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.pwrite(fd, mark.encode(), 0)
        finally:
            os.close(fd)


def drop_mark(path: Path, sync_folder: bool = True) -> str | None:
    """Remove the mark before a compaction writes anything, and sync the folder so the removal
    is on disk before the new journal can be: a mark left from the old journal would lead the
    new one and refuse it. None when it is gone; else why it is left, in one line: a mark that
    is not a regular file is never read (``read_mark``), and one that can be neither removed
    nor blanked names the main file the compaction replaces, so either is unknown from then
    on. Raises OSError only when the folder cannot be synced."""
    where = mark_path(path)
    try:
        mode = os.lstat(where).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{where}: cannot be examined ({os_problem(exc)}); it is not read as a mark"
    if not stat.S_ISREG(mode):
        return f"{where}: is {file_kind(mode)}, not a journal mark; it is never read as one"
    try:
        os.unlink(where)
    except OSError as exc:
        if not _blank(where):
            return (
                f"{where}: cannot be removed ({os_problem(exc)}); it measured the journal of a "
                "main file that is replaced now, so it is not read as a mark"
            )
    if sync_folder:
        from tuireader.durable import fsync_folder

        fsync_folder(where.parent)
    return None


def _blank(where: Path) -> bool:
    """Overwrite a mark that cannot be removed with padding (no mark: unknown), synced; whether
    that worked."""
    with regular_file(where, os.O_WRONLY) as fd:
        if fd is None:
            return False
        try:
            os.pwrite(fd, b" " * (2 * WIDTH), 0)
            os.fdatasync(fd)
        except OSError:
            return False
        return True


def cut_short(
    mark: Mark | None, held: int, main: tuple[int, int], journal_mtime_ns: int | None
) -> int:
    """How many bytes the journal lost to a cut: how far ``held`` (the size up to the closing
    brackets after its last entry read whole; 0 for no journal) falls short of what the mark
    says was saved to it. 0 when it holds all of it, or the mark is unknown: none, written for
    another main file than the one of size and mtime ``main``, or for an append newer than the
    journal read (its mtime ``journal_mtime_ns`` is older: a copy or a restore taken before
    that append; None for no journal, which is always a cut)."""
    if mark is None or (mark.main_size, mark.main_mtime_ns) != main:
        return 0
    if journal_mtime_ns is not None and journal_mtime_ns < mark.journal_mtime_ns:
        return 0
    return max(0, mark.committed - held)


def cut_problem(journal: Path, mark: Mark, held: int) -> str:
    """The one line a store refuses a cut journal with (after ``PATH: ``): no crash does this,
    so it names what does, and the way out of each."""
    from tuireader.dbformat.journal import REPAIR

    return (
        f"has a cut journal: {journal.name} holds {held} {plural(held, 'byte')} of the "
        f"{mark.committed} saved to it (the last {mark.committed - held} are missing: it was "
        "cut short, or put back from an older copy without its mark; if you restored it on "
        f"purpose, delete {journal.name}.mark); nothing was written ({REPAIR})"
    )

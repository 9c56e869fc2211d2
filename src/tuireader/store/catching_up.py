"""Catching up with other processes: whether what they wrote since a store last looked is only
new journal entries (read just those, costing what was written) or new files (read it all
again), and reading those entries."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tuireader.dbformat.journal import EMPTY_JOURNAL, JOURNAL_TAIL, journal_entries
from tuireader.dbformat.schema import FileProblem
from tuireader.storage import Stamp
from tuireader.store.checks import checked_entries
from tuireader.store.files import StoreError, read_journal


def only_appended(seen: Stamp | None, now: Stamp) -> bool:
    """Whether the data changed since ``seen`` only by entries appended to its journal: the
    same main file, the same journal file, longer than it was (a compaction replaces both)."""
    return (
        seen is not None
        and (now.inode, now.size, now.mtime_ns) == (seen.inode, seen.size, seen.mtime_ns)
        and now.journal[0] == seen.journal[0]
        and now.journal[1] > seen.journal[1] >= len(EMPTY_JOURNAL)
    )


def appended_entries(path: Path, seen: Stamp) -> tuple[list[dict[str, Any]], Stamp, int] | None:
    """The journal entries appended since ``seen``, checked, with the stamp of the data as now
    read and the offset where the next entry goes; None when they cannot be read that way (the
    journal is gone, not as expected, or holds a bad entry): then the whole file is read again."""
    try:
        read = read_journal(path)
        if read is None:
            return None
        data, jstat = read
        entries, end = journal_entries(data, seen.journal[1] - len(JOURNAL_TAIL))
        checked_entries(path, entries)
    except (StoreError, FileProblem):
        return None
    # The size as far as read: just past the closing brackets after the last whole entry, not
    # the file's, which counts an append still being written; the next catch-up reads from there.
    read_to = end + len(JOURNAL_TAIL)
    return entries, replace(seen, journal=(jstat.st_ino, read_to, jstat.st_mtime_ns)), end

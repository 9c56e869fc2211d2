"""Catching up with other processes: whether what they wrote since a store last looked is only
new journal entries (read just those, costing what was written) or new files (read it all
again), reading those entries, and which articles each catch-up changed (``Catchups``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from tuireader.dbformat.journal import EMPTY_JOURNAL, JOURNAL_TAIL, journal_entries
from tuireader.dbformat.journal_mark import cut_short, read_mark
from tuireader.dbformat.schema import ARTICLES, BOUNDARIES, FileProblem
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


def appended_entries(
    path: Path, seen: Stamp
) -> tuple[list[dict[str, Any]], Stamp, int, list[int]] | None:
    """The journal entries appended since ``seen``, checked, with the stamp of the data as now
    read, the offset where the next entry goes and the offset of each entry; None when they cannot be read that way (the
    journal is gone, not as expected, or holds a bad entry, or was cut: it holds less than its
    mark says was saved to it): then the whole file is read again (and a cut one refused)."""
    mark = read_mark(path)  # before the journal, as ``read_file``: it may lag it, never lead
    try:
        read = read_journal(path)
        if read is None:
            return None
        data, jstat = read
        start = seen.journal[1] - len(JOURNAL_TAIL)
        entries, end = journal_entries(data, start)
        checked_entries(path, entries)
        offsets = entry_offsets(data, start, end, len(entries))
    except (StoreError, FileProblem):
        return None
    # The size as far as read: just past the closing brackets after the last whole entry, not
    # the file's, which counts an append still being written; the next catch-up reads from there.
    read_to = end + len(JOURNAL_TAIL)
    if cut_short(mark, read_to, (seen.size, seen.mtime_ns), jstat.st_mtime_ns):
        return None  # cut in place below what was saved, then grown past what ``seen`` read
    return entries, replace(seen, journal=(jstat.st_ino, read_to, jstat.st_mtime_ns)), end, offsets


def changed_articles(
    entries: Iterable[Mapping[str, Any]], corrections: Mapping[str, Any]
) -> list[frozenset[str]]:
    """The articles each of the journal ``entries`` changes: whose annotations (``ann``) or shard
    (``shards``) they change, whose sentence corrections or whose metadata (its sentence count)
    they put or remove. A removed correction's article is looked up in the corrections table as
    it stands after the entries before it (``corrections``: the table before all of them, with
    each entry's puts and removals applied in turn), so a correction put and removed in the
    same catch-up charges both to its article. Checked entries only."""
    # What the entries so far changed of the table (None: removed), not a copy of it: the
    # cost stays that of what was written, and the caller's table is not touched.
    changed: dict[str, Any] = {}

    def record(key: str) -> Any:
        return changed[key] if key in changed else corrections.get(key)

    changes: list[frozenset[str]] = []
    for entry in entries:
        found: set[str] = set()
        found.update(entry.get("ann", {}))
        found.update(entry.get("shards", ()))
        for part in ("put", "del"):
            tables = entry.get(part, {})
            found.update(tables.get(ARTICLES, ()))
            kept = tables.get(BOUNDARIES, ())
            records = kept.values() if isinstance(kept, dict) else map(record, kept)
            found.update(r["article_id"] for r in records if isinstance(r, dict))
        puts = entry.get("put", {}).get(BOUNDARIES, {})
        if isinstance(puts, dict):
            changed.update(puts)
        changed.update(dict.fromkeys(entry.get("del", {}).get(BOUNDARIES, ())))
        changes.append(frozenset(found))
    return changes


class Position(NamedTuple):
    """How far a store has read (or written) the journal, and of which files: compared with
    another store's of the same files by ``Catchups.since``."""

    main: tuple[int, int, int]
    """The main file's (inode, size, mtime) (``Stamp``): every compaction, repair and upgrade
    replaces it, so a journal whose inode number came back is still told apart."""
    journal: int
    """The journal's inode (0: none)."""
    size: int
    """The journal's size as far as read."""


NO_POSITION = Position((0, 0, 0), 0, 0)
"""No files read yet."""


def position_of(stamp: Stamp | None) -> Position:
    """The position a store whose data is as ``stamp`` has read to."""
    if stamp is None:
        return NO_POSITION
    return Position((stamp.inode, stamp.size, stamp.mtime_ns), stamp.journal[0], stamp.journal[1])


_LEAD = re.compile(rb'\n"(\d+)":')


def entry_offsets(data: bytes, start: int, end: int, count: int) -> list[int]:
    """Where each of the ``count`` entries read from ``data[start:end]`` begins (the offset it
    is keyed by: each entry is one line, as an append writes it); if they do not read as that
    many, each is placed at ``end`` (counted as written after any position before it)."""
    offsets = [int(m.group(1)) for m in _LEAD.finditer(data, start, end)]
    if len(offsets) != count or any(not start <= o <= end for o in offsets):
        return [end] * count
    return offsets


class Catchups:
    """Which articles the journal entries a store caught up with change, by the offset each was
    written at, since the store last read the whole data: a reader that remembers how far it
    had read (``Position``) when it last read an article reads it again only if it changed
    since (``since``)."""

    def __init__(self) -> None:
        self._files: tuple[tuple[int, int, int], int] | None = None
        """The main file's identity and the journal's inode the entries are in (None: nothing
        is known)."""
        self._from = 0
        """The journal's size when the whole data was last read: entries from there on are
        recorded."""
        self._read_to = 0
        """The journal's size as far as this store has read it: a position past it is of
        entries this store never read, or of a journal cut back since (it keeps its inode)."""
        self._floor = -1
        """Positions up to this size are not known: the same files were read whole again after
        the journal was read further (cut back in place, then perhaps grown again), so a
        position there may be of entries that are gone."""
        self._entries: list[tuple[int, frozenset[str]]] = []

    def reloaded(self, position: Position) -> None:
        """The whole data was read, its journal as far as ``position``."""
        files = (position.main, position.journal)
        # The same files read whole again (no compaction): the journal was not as expected,
        # so what was read of it before may be gone; positions up to there are not known.
        self._floor = self._read_to if files == self._files else -1
        self._files, self._from, self._read_to = files, position.size, position.size
        self._entries = []
        if not position.journal:
            self._files = None  # no journal: its creation is a whole reload

    def appended(self, offsets: list[int], changed: list[frozenset[str]], read_to: int) -> None:
        """Entries caught up with, at ``offsets`` in the journal, changing ``changed``; the
        journal is now read as far as ``read_to``."""
        self._entries.extend((o, c) for o, c in zip(offsets, changed, strict=True) if c)
        self._read_to = max(self._read_to, read_to)

    def forget(self) -> None:
        """The store wrote itself (its entries are not recorded): nothing is known until the
        whole data is read again."""
        self._files = None
        self._entries = []

    def since(self, position: Position) -> frozenset[str] | None:
        """The articles changed by the entries after ``position`` (of this store, or of another
        store of the same files: the journal is the same file); None when not known (other
        files, one read whole since, a position past what this store has read, or nothing
        recorded): then anything may have changed."""
        if (
            self._files is None
            or (position.main, position.journal) != self._files
            or not self._from <= position.size <= self._read_to
            or position.size <= self._floor
        ):
            return None
        after = position.size - len(JOURNAL_TAIL)
        found: set[str] = set()
        for offset, changed in reversed(self._entries):
            if offset < after:
                break
            found |= changed
        return frozenset(found)

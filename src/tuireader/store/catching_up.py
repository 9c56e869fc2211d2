"""Catching up with other processes: whether what they wrote since a store last looked is only
new journal entries (read just those, costing what was written) or new files (read it all
again), reading those entries, and which articles each catch-up changed (``Catchups``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

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
    (``shards``) they change, whose sentence corrections (``corrections``: the corrections
    table before the entries, where a removed correction's article is looked up) or whose
    metadata (its sentence count) they put or remove. Checked entries only."""
    changes: list[frozenset[str]] = []
    for entry in entries:
        found: set[str] = set()
        found.update(entry.get("ann", {}))
        found.update(entry.get("shards", ()))
        for part in ("put", "del"):
            tables = entry.get(part, {})
            found.update(tables.get(ARTICLES, ()))
            kept = tables.get(BOUNDARIES, ())
            records = kept.values() if isinstance(kept, dict) else map(corrections.get, kept)
            found.update(r["article_id"] for r in records if isinstance(r, dict))
        changes.append(frozenset(found))
    return changes


Position = tuple[int, int]
"""How far a store has read (or written) the journal: its inode and size (``Stamp.journal``)."""

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
        self._journal: int | None = None
        """The journal's inode the entries are in (None: nothing is known)."""
        self._from = 0
        """The journal's size when the whole data was last read: entries from there on are
        recorded."""
        self._entries: list[tuple[int, frozenset[str]]] = []

    def reloaded(self, position: Position) -> None:
        """The whole data was read, its journal as far as ``position``."""
        self._journal, self._from = position
        self._entries = []
        if not self._journal:
            self._journal = None  # no journal: its creation is a whole reload

    def appended(self, offsets: list[int], changed: list[frozenset[str]]) -> None:
        """Entries caught up with, at ``offsets`` in the journal, changing ``changed``."""
        self._entries.extend((o, c) for o, c in zip(offsets, changed, strict=True) if c)

    def forget(self) -> None:
        """The store wrote itself (its entries are not recorded): nothing is known until the
        whole data is read again."""
        self._journal = None
        self._entries = []

    def since(self, position: Position) -> frozenset[str] | None:
        """The articles changed by the entries after ``position`` (of this store, or of another
        store of the same files: the journal is the same file); None when not known (another
        journal, one read whole since, or nothing recorded)."""
        inode, size = position
        if self._journal is None or inode != self._journal or size < self._from:
            return None
        after = size - len(JOURNAL_TAIL)
        found: set[str] = set()
        for offset, changed in reversed(self._entries):
            if offset < after:
                break
            found |= changed
        return frozenset(found)

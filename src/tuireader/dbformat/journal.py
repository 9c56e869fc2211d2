"""The journal's format: its entries, reading them from its bytes, and applying one to the tables
(see the comment below for the layout)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from tuireader.dbformat.schema import ANNOTATIONS, META, SHARDED, FileProblem, Tables

# Every change is appended to ``PATH.journal`` and fsynced: a few hundred bytes, whatever the
# database holds. The journal is itself a TinyDB document, ``{"changes": {"<offset>": entry}}``,
# kept valid after every append: an entry overwrites the closing ``\n}}`` and ends with a new one.
# Each entry sits on its own line (JSON strings hold no raw line breaks), so a write torn by a
# kill is found and cut off at the next append. An entry holds whole records: ``put`` and ``del``
# by small table, and ``ann``, per article id, annotation id to record (None: deleted). Replaying
# one twice changes nothing, so a compaction killed half way loses nothing.
# Schemas 2 and 3 wrote ``{"journal": {...}}`` with the annotations as a table; such a journal is
# read only to upgrade its file, and one left beside a schema-4 file (an upgrade killed after writing
# the new main file) is already folded in and is ignored.
JOURNAL_HEAD = b'{"changes":{'
V2_JOURNAL_HEAD = b'{"journal":{'
JOURNAL_TAIL = b"\n}}"
EMPTY_JOURNAL = JOURNAL_HEAD + JOURNAL_TAIL
JOURNAL_MIN = 1 << 20
"""Compact (fold the journal into the main file and the shards it touched) once the journal is
larger than this and than half the main file, or larger than JOURNAL_MAX."""
JOURNAL_MAX = 32 << 20


class JournalProblem(FileProblem):
    """The journal (not the main file) is not one we can read: a damaged or foreign entry.
    The main file's ``.bak`` does not help (it is older than the main file, which is fine)."""


Pending = dict[str, dict[str, Any]]
"""Per article id, the annotation changes journaled since the last compaction: id to record, or
None for a deletion. Applied over the shard when it is read, folded into it by a compaction."""


def journal_stamp(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def journal_entries(
    data: bytes, start: int = 0, head: bytes = JOURNAL_HEAD
) -> tuple[list[dict[str, Any]], int]:
    """The complete entries of a journal (after byte ``start``, the end of an entry already
    read, if given) and the offset where the next one goes: just after the last complete entry.
    A torn write after it (a kill or crash before the append returned: it was never reported
    saved) is dropped. JournalProblem if it is not a journal, or if an entry that cannot be
    read has entries after it (``entry_after``): that is damage, and the next append must not
    write over the changes that follow."""
    if not data.startswith(head):
        raise JournalProblem("has a journal that is not one")
    entries: list[dict[str, Any]] = []
    end = pos = max(start, len(head))
    while pos < len(data):
        lead = data[pos : pos + 1]
        if lead not in (b"\n", b","):
            _torn_tail(data, pos)
            break
        start = pos + (2 if lead == b"," else 1)
        nl = data.find(b"\n", start)
        line = data[start : len(data) if nl == -1 else nl]
        if line == b"}}":
            _torn_tail(data, pos)  # nothing of ours follows the closing brackets either
            break
        body = line[:-1] if line.endswith(b",") else line
        try:
            item = orjson.loads(b"{" + body + b"}") if body else None
        except orjson.JSONDecodeError:
            body, item = _before_torn_lead(body)
        if item is None:  # an empty line: a write cut just after its lead
            _torn_tail(data, pos)
            break  # cut off at the next append
        # One key per line: two (a line break damaged into a space) would drop the second.
        one = isinstance(item, dict) and len(item) == 1
        key, value = next(iter(item.items())) if one else ("", None)
        if not isinstance(value, dict) or not key.isdigit():
            raise JournalProblem(f"has a journal entry that is not one (at byte {start}); {REPAIR}")
        entries.append(value)
        end = start + len(body)
        pos = end
    return entries, end


def _before_torn_lead(line: bytes) -> tuple[bytes, Any]:
    """A complete entry at the start of an unreadable ``line``, run on into the lead of a write
    torn at a block boundary (its comma landed, the old closing brackets after it did not move:
    ``entry,}}``), and its parsed item; else ``line`` and None. ``,}`` never appears in orjson's
    output outside a string, so the only prefix before it that parses is the whole entry."""
    at = line.find(b",}")
    while at != -1:
        with contextlib.suppress(orjson.JSONDecodeError):
            return line[:at], orjson.loads(b"{" + line[:at] + b"}")
        at = line.find(b",}", at + 1)
    return line, None


def _torn_tail(data: bytes, pos: int) -> None:
    """Check that what is left from ``pos`` (an entry that cannot be read) is a torn tail."""
    if entry_after(data, pos) is not None:
        raise JournalProblem(damaged_entry(pos))
    if damaged_last(data, pos):
        raise JournalProblem(damaged_entry(pos, last=True))


def damaged_last(data: bytes, pos: int) -> bool:
    """Whether the unreadable entry at ``pos``, the journal's last, was saved and then damaged
    rather than torn. An append writes its entry and the closing brackets in one write and
    returns only once all of it is on disk; a crash before that can leave the size grown with
    some blocks of it never written, and those read as zeros (or, where the first block never
    landed, as the old closing brackets at ``pos``). So bytes ending in the intact closing
    brackets, with no zero in them (orjson writes none) and not starting with the old ones, are
    an entry that was reported saved: refused, never dropped. A block boundary one or two bytes
    after ``pos`` leaves only part of the old brackets before the new entry's bytes (``\n`` then
    ``\n"pos":``, or ``\n}`` then ``"pos":``): torn too, as is a start with all three."""
    rest = data[pos:]
    return (
        len(rest) > len(JOURNAL_TAIL)
        and rest.endswith(JOURNAL_TAIL)
        and not _old_tail_first(rest, pos)
        and b"\x00" not in rest
    )


def _old_tail_first(rest: bytes, pos: int) -> bool:
    """Whether ``rest`` (from ``pos``) starts with the old closing brackets, or with the first
    ``k`` of them followed by the new entry's own bytes from its ``k``-th (its lead and key)."""
    if rest.startswith(JOURNAL_TAIL):
        return True
    for lead in (b",\n", b"\n"):
        new = lead + b'"%d":' % pos
        for k in (1, 2):
            if rest.startswith(JOURNAL_TAIL[:k] + new[k:]):
                return True
    return False


_KEY = re.compile(rb'\n"([0-9]{1,15})":\{')


def entry_after(data: bytes, pos: int) -> int | None:
    """Where an entry begins in ``data`` after byte ``pos`` (a damaged entry's), or None.

    An append writes one entry at the end of the last complete one and cuts off whatever was
    there first, so a torn write is only ever followed by its own bytes (or by zeros a crash
    left). An entry's key is the offset it was written at, its lead (``,\n``) just before the
    key: a later key that starts a line and names its own place (the lead's comma may be the
    damaged byte) is an entry appended after the damaged one, which is then corruption, not a
    torn tail. Only a line start counts: orjson never writes a raw line break, so keys inside
    the torn entry (annotator names made of digits, say) never start one."""
    for match in _KEY.finditer(data, pos + 1):
        offset, key = int(match.group(1)), match.start() + 1
        if pos < offset < key <= offset + 2:
            return offset
    return None


def damaged_entry(pos: int, last: bool = False) -> str:
    """The problem of a journal whose entry at ``pos`` is damaged with entries after it (or,
    ``last``, the last entry, with the closing brackets after it: it was saved)."""
    where = (
        "its last entry, at byte {pos}, cannot be read though it was saved"
        if last
        else "its entry at byte {pos} cannot be read and later entries follow it"
    ).format(pos=pos)
    return f"has a damaged journal: {where}; nothing was written ({REPAIR})"


REPAIR = "run `tuireader repair --db` with this database to keep every entry that can be read"


def readable_entries(data: bytes) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Every entry of a damaged journal that can still be read, before and after the damage (a
    line holding one entry keyed by its own offset), in order, and the byte ranges of the rest
    (the closing brackets aside): what ``tuireader repair`` keeps and drops."""
    entries: list[dict[str, Any]] = []
    dropped: list[tuple[int, int]] = []
    stop = len(data) - len(JOURNAL_TAIL) if data.endswith(JOURNAL_TAIL) else len(data)
    covered = nl = len(JOURNAL_HEAD)
    while 0 <= nl < stop:
        after = data.find(b"\n", nl + 1, stop)
        line_end = stop if after == -1 else after
        line = data[nl + 1 : line_end]
        body = line[:-1] if line.endswith(b",") else line
        lead = nl - 1 if data[nl - 1 : nl] == b"," else nl  # the comma may be the damaged byte
        item = None
        for candidate in (body, line[:-1]):  # the second: the next lead's comma damaged
            with contextlib.suppress(orjson.JSONDecodeError):
                item = orjson.loads(b"{" + candidate + b"}")
                body = candidate
                break
        if isinstance(item, dict) and len(item) == 1:
            ((key, value),) = item.items()
            if isinstance(value, dict) and key in (str(nl), str(nl - 1)):
                if lead > covered:
                    dropped.append((covered, lead))
                entries.append(value)
                covered = nl + 1 + len(body)
        nl = after
    if stop > covered:
        dropped.append((covered, stop))
    return entries, dropped


def read_journal_entries(data: bytes | None, version: int) -> tuple[list[dict[str, Any]], int]:
    """The journal's entries for a main file of schema ``version`` (see the head above)."""
    if not data:
        return [], 0
    if version < SHARDED:
        return journal_entries(data, head=V2_JOURNAL_HEAD)
    if data.startswith(V2_JOURNAL_HEAD):
        return [], 0
    return journal_entries(data)


def apply_pending(records: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for ann_id, record in changes.items():
        if record is None:
            records.pop(ann_id, None)
        else:
            records[ann_id] = record


def apply_entry(tables: Tables, entry: dict[str, Any], pending: Pending | None = None) -> None:
    """Apply one journal entry: the small tables to ``tables``, the annotation changes merged
    into ``pending``. Without ``pending`` the entry is an older schema's (annotations are a
    table). FileProblem for an entry that is not ours."""
    puts, dels, ann = entry.get("put", {}), entry.get("del", {}), entry.get("ann", {})
    if not isinstance(puts, dict) or not isinstance(dels, dict) or not isinstance(ann, dict):
        raise JournalProblem("has a malformed journal entry")
    forbidden = {META} if pending is None else {META, ANNOTATIONS}
    for name, docs in puts.items():
        if name in forbidden or not isinstance(docs, dict):
            raise JournalProblem("has a malformed journal entry")
        tables.setdefault(name, {}).update(docs)
    for name, ids in dels.items():
        if name in forbidden or not isinstance(ids, list):
            raise JournalProblem("has a malformed journal entry")
        table = tables.setdefault(name, {})
        for doc_id in ids:
            if isinstance(doc_id, str):
                table.pop(doc_id, None)
    if ann:
        if pending is None or not all(isinstance(c, dict) for c in ann.values()):
            raise JournalProblem("has a malformed journal entry")
        for article_id, changes in ann.items():
            pending.setdefault(article_id, {}).update(changes)

"""The journal's format: its entries, reading them from its bytes, and applying one to the tables
(see the comment below for the layout)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tuireader.dbformat.journal_entry import (
    EMPTY_JOURNAL,
    JOURNAL_HEAD,
    JOURNAL_TAIL,
    V2_JOURNAL_HEAD,
    entry_bytes,
    read_value,
)
from tuireader.dbformat.journal_scan import Piece, leads_after, scan
from tuireader.dbformat.schema import ANNOTATIONS, META, SHARDED, FileProblem, Tables
from tuireader.plural import counted

__all__ = [
    "EMPTY_JOURNAL",
    "FOREIGN",
    "JOURNAL_HEAD",
    "JOURNAL_MAX",
    "JOURNAL_MIN",
    "JOURNAL_TAIL",
    "V2_JOURNAL_HEAD",
    "JournalProblem",
    "Pending",
    "apply_entry",
    "apply_pending",
    "damaged_entry",
    "damaged_head",
    "damaged_last",
    "entry_bytes",
    "journal_entries",
    "journal_stamp",
    "read_journal_entries",
]

# Every change is appended to ``PATH.journal`` and fsynced: a few hundred bytes, whatever the
# database holds. The journal is itself a TinyDB document, ``{"changes": {"<offset>": entry}}``,
# kept valid after every append: an entry overwrites the closing ``\n}}`` and ends with a new one.
# Each entry sits on its own line (JSON strings hold no raw line breaks), so a write torn by a
# kill is found and cut off at the next append. Its key is the offset it was written at and its
# value ends with a checksum (``journal_entry``), so an entry whose line or lead is damaged is
# still found (``journal_scan``), and one whose bytes changed is told from a whole one. An entry
# holds whole records: ``put`` and ``del`` by small table, and ``ann``, per article id,
# annotation id to record (None: deleted). Replaying one twice changes nothing, so a compaction
# killed half way loses nothing.
# Schemas 2 and 3 wrote ``{"journal": {...}}`` with the annotations as a table; such a journal is
# read only to upgrade its file, and one left beside a schema-4 file (an upgrade killed after
# writing the new main file) is already folded in and is ignored.
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
    saved) is dropped. JournalProblem if it is not a journal, or if it is damaged: an entry
    that cannot be read whole (or the lead before one) with entries after it, or a last entry
    that was saved (``damaged_last``). The next append must never write over them."""
    if not data.startswith(head):
        if damaged_head(data):
            raise JournalProblem(
                f"has a damaged journal: its head (bytes 0-{len(head) - 1}) is damaged; nothing "
                f"was written ({REPAIR})"
            )
        raise JournalProblem(
            f"has a journal that is not one (another file saved over it?): {FOREIGN}"
        )
    entries: list[dict[str, Any]] = []
    older = head != JOURNAL_HEAD
    if start > len(head) and not older and not _ends_entry(data, start):
        return journal_entries(data, head=head)  # not where an entry ends: read them all
    pos = max(start, len(head))
    while pos < len(data):
        # The usual case, line by line: the lead, the key, the value up to the next lead.
        lead = b"\n" if pos == len(head) else b",\n"
        if not data.startswith(lead, pos):
            break
        if older:  # schemas 2-3, read once to upgrade: any key, as they were read
            found = _ANY_KEY.match(data, pos + len(lead))
            if found is None:
                break
            key = found.group()
        else:
            key = b'"%d":' % pos  # an entry is keyed by the offset it was written at
            if not data.startswith(key, pos + len(lead)):
                break
        value = pos + len(lead) + len(key)
        line_end = data.find(b"\n", value)
        if line_end == -1:
            line_end = len(data)
        end = line_end - 1 if data[line_end - 1] == 44 else line_end  # 44: the next lead's comma
        entry = read_value(data, value, end, key=key)
        if entry is None:
            break
        entries.append(entry)
        pos = end
    if pos >= len(data) or data[pos:] == JOURNAL_TAIL:
        return entries, pos
    try:
        # From ``start`` only: another process's append still being written is a torn tail
        # here, and nothing new (not every entry again from the head).
        return _past_unreadable(data, pos, entries, placed=not older)
    except JournalProblem:
        if start <= len(head):
            raise
        # Damage, or ``start`` is not where an entry ends: read from the head, which numbers
        # the damaged entry (the entries before ``start`` count) or reads them all right.
        return journal_entries(data, head=head)


_ANY_KEY = re.compile(rb'"[0-9]{1,15}":')


def _ends_entry(data: bytes, end: int) -> bool:
    """Whether an entry read whole ends at ``end`` (a catching-up reader's last place): its lead
    is the last ``\n"`` before it (orjson writes no newline inside a value) and its key names
    where that lead begins. Checked because a torn tail after a wrong ``end`` would read as
    nothing new, and the next append would go there, over a saved entry."""
    lead = data.rfind(b'\n"', len(JOURNAL_HEAD), end)
    if lead == -1:
        return False
    begin = lead - 1 if data[lead - 1] == 44 else lead  # 44: the comma of ``,\n``
    key = b'"%d":' % begin
    if not data.startswith(key, lead + 1):
        return False
    return read_value(data, lead + 1 + len(key), end, key=key) is not None


def _past_unreadable(
    data: bytes, pos: int, entries: list[dict[str, Any]], *, placed: bool = True
) -> tuple[list[dict[str, Any]], int]:
    """``entries`` (read up to ``pos``) and whatever else the journal holds: an entry read
    whole whose line could not be (a write torn at a block boundary that left ``entry,}}``), and
    then a torn tail (dropped) or damage (JournalProblem)."""
    window = 4
    while True:
        # A window of a few entries first: damage at the start of a 32 MB journal is told from
        # a torn tail by the first whole entry after it, not by reading all the others.
        until = leads_after(data, pos, window)
        pieces = scan(data, pos, len(entries) + 1, until)
        n = 0
        for piece in pieces:
            # Read whole, its lead intact, and where it was written: bytes lost or added
            # before an entry shift it from the offset its key names.
            moved = placed and piece.key != piece.start
            if piece.entry is None or not piece.lead_ok or moved:
                break
            entries.append(piece.entry)
            pos = piece.end
            n += 1
        if n == len(pieces) and until >= len(data):
            return entries, pos
        bad = pieces[n] if n < len(pieces) else None
        # An entry read whole after the damage names a later place: it was appended after the
        # damaged one, so this is no torn write (that is followed only by its own bytes).
        if bad is not None and any(
            p.entry is not None and p.key > bad.start for p in pieces[n + 1 :]
        ):
            raise JournalProblem(damaged_entry(bad))
        if bad is not None and until >= len(data):
            if damaged_last(data, pos):
                raise JournalProblem(damaged_entry(bad, last=True))
            return entries, pos
        window *= 4


def damaged_head(data: bytes) -> bool:
    """Whether ``data`` is one of our journals whose head is damaged: its first entry's lead
    and key (or, empty, its closing brackets) where they would be, give or take a byte."""
    near = data[len(JOURNAL_HEAD) - 3 : len(JOURNAL_HEAD) + 3]
    first = b'\n"%d":{' % len(JOURNAL_HEAD)
    return (
        first in data[len(JOURNAL_HEAD) - 2 : len(JOURNAL_HEAD) + 10]
        or (JOURNAL_TAIL in near and len(data) <= len(EMPTY_JOURNAL) + 1)
    ) and not data.startswith((JOURNAL_HEAD, V2_JOURNAL_HEAD))


def damaged_last(data: bytes, pos: int) -> bool:
    """Whether the unreadable entry at ``pos``, the journal's last, was saved and then damaged
    rather than torn. An append writes its entry and the closing brackets in one write and
    returns only once all of it is on disk; a crash before that can leave the size grown with
    some blocks of it never written, and those read as zeros (or, where the first block never
    landed, as the old closing brackets at ``pos``). So bytes ending in the intact closing
    brackets, with no block of zeros in them (orjson writes no zero byte) and not starting with
    the old ones, are an entry that was reported saved: refused, never dropped. A block boundary
    one or two bytes after ``pos`` leaves only part of the old brackets before the new entry's
    bytes (``\n`` then ``\n"pos":``, or ``\n}`` then ``"pos":``): torn too, as is a start with
    all three."""
    rest = data[pos:]
    return (
        len(rest) > len(JOURNAL_TAIL)
        and rest.endswith(JOURNAL_TAIL)
        and not _old_tail_first(rest, pos)
        and not _unwritten_blocks(data, pos)
    )


UNIT = 8
"""The least a storage device persists whole: zeros a crash leaves where blocks of an append
never landed start and end on a multiple of it (a disk's 512- or 4096-byte sectors, persistent
memory's 8-byte words), or start where the old file ended. A zero anywhere else (a byte
flipped to zero) is damage."""


def _unwritten_blocks(data: bytes, pos: int) -> bool:
    """Whether ``data`` after ``pos`` holds zeros, each run of them where a block of an append
    at ``pos`` that never landed could leave it (see ``UNIT``)."""
    runs = [(m.start(), m.end()) for m in _ZEROS.finditer(data, pos)]
    old_end = pos + len(JOURNAL_TAIL)
    return bool(runs) and all(
        (start % UNIT == 0 or start == old_end) and end % UNIT == 0 for start, end in runs
    )


_ZEROS = re.compile(rb"\x00+")


def _old_tail_first(rest: bytes, pos: int) -> bool:
    """Whether ``rest`` (from ``pos``) starts with the old closing brackets, or with the first
    ``k`` of them followed by the bytes of the entry an append writes at ``pos`` from its
    ``k``-th (its lead and key). Only a start that differs from that entry's own counts: the
    old brackets' line break is the first entry's whole lead."""
    if rest.startswith(JOURNAL_TAIL):
        return True
    new = (b"\n" if pos == len(JOURNAL_HEAD) else b",\n") + b'"%d":' % pos
    for k in (1, 2):
        shape = JOURNAL_TAIL[:k] + new[k:]
        if shape != new and rest.startswith(shape):
            return True
    return False


def damaged_entry(piece: Piece, last: bool = False) -> str:
    """The problem of a journal whose ``piece`` is damaged with entries after it (or, ``last``,
    it is the last entry, with the closing brackets after it: it was saved)."""
    which = f"entry {piece.number} (at byte {piece.start})"
    if piece.entry is not None:  # read whole: its lead is damaged, or bytes lost before it
        where = f"the bytes before its {which} are damaged, the entry itself reads whole"
        if piece.lead_ok and piece.key != piece.start:
            moved = piece.key - piece.start
            lost = f"{counted(abs(moved), 'byte')} {'lost' if moved > 0 else 'added'}"
            where = f"{lost} before its {which}, written at byte {piece.key}"
    elif last:
        where = f"its last {which} cannot be read though it was saved"
    else:
        where = f"its {which} cannot be read and later entries follow it"
    return f"has a damaged journal: {where}; nothing was written ({REPAIR})"


REPAIR = (
    "`tuireader repair --dry-run --db` on this database shows what can be kept, "
    "`tuireader repair --db` keeps it"
)


FOREIGN = (
    "nothing was read from it or written; `tuireader repair --dry-run --db` on this database "
    "shows what it would do, `tuireader repair --db` keeps it aside and opens the database "
    "without it"
)
"""What the refusal of a journal that is not one (some other file, or no regular file) says."""


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

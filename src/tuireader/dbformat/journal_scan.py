"""What a journal holds when it does not read straight through: every entry that can still be read
whole, wherever it is, and the stretches of bytes that cannot. The reader uses it past the first
entry it cannot read (is the rest a torn write, or damage with entries after it?), ``tuireader
repair`` over the whole journal (what it keeps and what it drops)."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import Any

from tuireader.dbformat.journal_entry import JOURNAL_HEAD, JOURNAL_TAIL, SEAL, read_value

_KEY = re.compile(rb'"([0-9]{1,15})":\{')
_LOOK_AHEAD = 4
"""How many entry starts past a false one (an object in an entry keyed by a name of digits that
equals its own place) an entry's end is sought at."""


@dataclass(frozen=True)
class Piece:
    """A stretch of the journal: one entry read whole (``entry``), or bytes that cannot be read
    (``entry`` None), one entry as far as line starts tell.
    ``number`` is the first entry's place in the journal, counted from 1; ``start`` its first
    byte (its lead), ``end`` the byte after it. ``lead_ok`` is False for an entry read whole
    whose lead (the comma and line break before its key) is damaged; ``key`` is the offset an
    entry read whole names (where it was written: bytes lost or added before it move it)."""

    number: int
    start: int
    end: int
    entry: dict[str, Any] | None
    lead_ok: bool = True
    key: int = -1


def scan(
    data: bytes, at: int = len(JOURNAL_HEAD), number: int = 1, until: int | None = None
) -> list[Piece]:
    """The pieces of ``data`` (a journal) from byte ``at``, the start of entry ``number``, to its
    closing brackets (or to ``until``, where an entry's lead begins), in order and covering
    every byte.

    An entry starts where a key names a place: at a line start (orjson never writes a raw line
    break, so only a lead has one), or, where the line break itself is damaged, a key naming
    the offset it sits at (give or take a byte deleted or inserted). Its value ends at the last
    closing brace before the next start; it counts only if read whole (``read_value``: sealed
    and its checksum matching, or an older unsealed one that parses into an entry's members).
    A false start inside an entry never parses whole (the rest of the entry around it closes
    more than it opens), and is skipped."""
    stop = len(data) - len(JOURNAL_TAIL) if data.endswith(JOURNAL_TAIL) else len(data)
    if until is not None:
        stop = min(stop, until)
    starts = []
    for match in _KEY.finditer(data, at, stop):
        q, key = match.start(), int(match.group(1))
        if data[q - 1 : q] == b"\n" or q - 3 <= key <= q - 1:
            starts.append((q, key, match.end() - 1))
    # Where a value may end: before any start, or any line start (a key damaged past knowing).
    ends = [*sorted({q for q, *_ in starts} | _line_starts(data, at, stop)), stop]
    found: list[tuple[int, int, int, dict[str, Any]]] = []
    i = 0
    while i < len(starts):
        q, key, value = starts[i]
        first = bisect.bisect_right(ends, value)
        for limit in ends[first : first + _LOOK_AHEAD]:
            whole = _value_before(data, q, value, limit)
            if whole is not None:
                found.append((q, key, *whole))
                i = bisect.bisect_left(starts, (whole[0],))
                break
        else:
            i += 1
    pieces: list[Piece] = []
    cursor = at
    for q, key, end, entry in found:
        gap = data[cursor:q]
        lead = b"\n" if cursor == len(JOURNAL_HEAD) else b",\n"
        if gap != lead and len(gap) > len(lead) + 1:
            # Bytes no entry was read from, then this entry (its lead as it stands).
            begin = max(cursor, q - 2)
            pieces.extend(_unreadable(data, cursor, begin, number))
            number = pieces[-1].number + 1
            cursor = begin
            gap = data[cursor:q]
        ok = gap == (b"\n" if cursor == len(JOURNAL_HEAD) else b",\n")
        pieces.append(Piece(number, cursor, end, entry, lead_ok=ok, key=key))
        number += 1
        cursor = end
    if cursor < stop:
        pieces.extend(_unreadable(data, cursor, stop, number))
    return pieces


def _value_before(
    data: bytes, key: int, value: int, limit: int
) -> tuple[int, dict[str, Any]] | None:
    """The entry whose key starts at byte ``key`` and its value at ``value``, the value ending
    at a closing brace in the last few bytes before ``limit`` (the next lead may be damaged: a
    byte changed, lost or added), with the byte after it; None if none is read whole."""
    for cut in range(limit, max(value, limit - 6), -1):
        if data[cut - 1 : cut] == b"}":
            entry = read_value(data, value, cut, key=data[key:value])
            if entry is not None:
                return cut, entry
    # Followed by a torn write rather than a lead: a sealed value ends with its seal, an older
    # one before the torn lead's comma and the old closing brackets (``,}``, which orjson never
    # writes outside a string: the only prefix before it that parses is the whole entry).
    for end in (*_ends(data, SEAL, value, limit), *_ends(data, b",}", value, limit)):
        entry = read_value(data, value, end, key=data[key:value])
        if entry is not None:
            return end, entry
    return None


def _ends(data: bytes, mark: bytes, start: int, stop: int) -> list[int]:
    """Where a value ending at each ``mark`` in ``data[start:stop]`` would end: after the
    seal's digits and brace, or just before a torn lead's ``,}``."""
    ends = []
    at = data.find(mark, start, stop)
    while at != -1:
        if mark == SEAL:
            brace = data.find(b"}", at, min(stop, at + len(SEAL) + 11))
            if brace != -1:
                ends.append(brace + 1)
        else:
            ends.append(at)
        at = data.find(mark, at + 1, stop)
    return ends


def leads_after(data: bytes, at: int, count: int) -> int:
    """Where the lead of the ``count``-th entry after byte ``at`` begins (its comma), by line
    starts; the end of ``data`` if there are fewer."""
    found = at
    for _ in range(count):
        found = data.find(b'\n"', found + 2)
        if found == -1:
            return len(data)
    return found - 1 if data[found - 1 : found] == b"," else found


def _line_starts(data: bytes, start: int, stop: int) -> set[int]:
    """The first byte of each line in ``data[start:stop]`` that starts like a key."""
    found = set()
    at = data.find(b'\n"', start, stop)
    while at != -1:
        found.add(at + 1)
        at = data.find(b'\n"', at + 1, stop)
    return found


def _unreadable(data: bytes, start: int, end: int, number: int) -> list[Piece]:
    """The bytes from ``start`` to ``end``, none read whole, one piece per entry that began
    there: only a lead holds a raw line break, so each one starts an entry (its comma before
    it). Bytes before the first (a lead whose line break is damaged) belong to the entry the
    stretch starts with."""
    cuts = [start]
    at = data.find(b'\n"', start + 2, end)
    while at != -1:
        cuts.append(at - 1 if data[at - 1 : at] == b"," else at)
        at = data.find(b'\n"', at + 1, end)
    cuts.append(end)
    return [Piece(number + n, a, b, None) for n, (a, b) in enumerate(itertools.pairwise(cuts))]

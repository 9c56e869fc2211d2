"""What a journal holds when it does not read straight through: every entry that can still be read
whole, wherever it is, and the stretches of bytes that cannot. The reader uses it past the first
entry it cannot read (is the rest a torn write, or damage with entries after it?), ``tuireader
repair`` over the whole journal (what it keeps and what it drops)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
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
    the offset it sits at (give or take a byte deleted or inserted), or anywhere at all for a
    sealed entry (its checksum covers its key: bytes inserted before it on its line do not
    hide it). Its value ends at the last closing brace before the next start; it counts only
    if read whole (``read_value``: sealed and its checksum matching, or an older unsealed one
    that parses into an entry's members). A false start inside an entry never parses whole
    (the rest of the entry around it closes more than it opens), and is skipped.

    ``at`` is where an entry was written (the head's end, or the end of one read whole in its
    place), so each entry's key says whether bytes that read as no entry before it hold a lost
    one (it was written further on than the entry before it ends) or were only added (it was
    written right after it): those are its damaged lead, part of its piece, never an entry
    with a number of its own, so an entry has the same number however it was damaged."""
    stop = len(data) - len(JOURNAL_TAIL) if data.endswith(JOURNAL_TAIL) else len(data)
    if until is not None:
        stop = min(stop, until)
    starts = []
    for match in _KEY.finditer(data, at, stop):
        q, key = match.start(), int(match.group(1))
        placed = data[q - 1 : q] == b"\n" or q - 3 <= key <= q - 1
        starts.append((q, key, match.end() - 1, placed))
    # Where a value may end: before any start, or any line start (a key damaged past knowing).
    ends = [*sorted({q for q, *_ in starts} | set(line_starts(data, at, stop))), stop]
    found: list[tuple[int, int, int, dict[str, Any]]] = []
    i = 0
    while i < len(starts):
        q, key, value, placed = starts[i]
        first = bisect.bisect_right(ends, value)
        for limit in ends[first : first + _LOOK_AHEAD]:
            whole = _value_before(data, q, value, limit)
            if whole is not None and (placed or _sealed(data, value, whole[0])):
                found.append((q, key, *whole))
                i = bisect.bisect_left(starts, (whole[0],))
                break
        else:
            i += 1
    pieces: list[Piece] = []
    cursor = at
    written = at  # where the next entry was written, as far as the entries read so far say
    for q, key, end, entry in found:
        gap = data[cursor:q]
        lead = _lead(cursor)
        if gap != lead and len(gap) > len(lead) + 1 and key != written:
            # Bytes no entry was read from (holding one or more lost), then this entry (its
            # lead as it stands).
            begin = max(cursor, q - 2)
            pieces.extend(_unreadable(data, cursor, begin, number))
            number = pieces[-1].number + 1
            cursor = begin
            gap = data[cursor:q]
        ok = gap == _lead(cursor)
        pieces.append(Piece(number, cursor, end, entry, lead_ok=ok, key=key))
        number += 1
        cursor = end
        written = key + len(_lead(key)) + end - q
    if cursor < stop:
        pieces.extend(_unreadable(data, cursor, stop, number))
    return pieces


def _lead(at: int) -> bytes:
    """The lead an entry written at byte ``at`` has: the first one a line break only."""
    return b"\n" if at == len(JOURNAL_HEAD) else b",\n"


def _sealed(data: bytes, value: int, end: int) -> bool:
    """Whether the value ``data[value:end]`` (read whole) ends with a seal: only such an entry
    is taken where its key is not at a line start or at its own place."""
    seal = data.rfind(SEAL, value, end)
    return seal != -1 and data[seal + len(SEAL) : end - 1].isdigit() and data[end - 1] == 125


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


def line_starts(data: bytes, start: int, stop: int | None = None) -> Iterator[int]:
    """The first byte of each line in ``data[start:stop]`` that starts like a key (``"``): only
    a lead holds a raw line break (orjson writes none inside a value), so each is where an
    entry's key is, or was before the damage."""
    at = data.find(b'\n"', start, stop)
    while at != -1:
        yield at + 1
        at = data.find(b'\n"', at + 1, stop)


def _lead_start(data: bytes, line: int) -> int:
    """Where the lead of the entry whose key starts the line at ``line`` begins (its comma)."""
    return line - 2 if data[line - 2 : line - 1] == b"," else line - 1


def leads_after(data: bytes, at: int, count: int) -> int:
    """Where the lead of the ``count``-th entry after byte ``at`` begins (its comma), by line
    starts; the end of ``data`` if there are fewer."""
    line = next(itertools.islice(line_starts(data, at + 2), count - 1, None), None)
    return len(data) if line is None else _lead_start(data, line)


def _unreadable(data: bytes, start: int, end: int, number: int) -> list[Piece]:
    """The bytes from ``start`` to ``end``, none read whole, one piece per entry that began
    there: each line start begins one (its comma before it). Bytes before the first (a lead
    whose line break is damaged) belong to the entry the stretch starts with."""
    cuts = [start, *(_lead_start(data, line) for line in line_starts(data, start + 2, end)), end]
    return [Piece(number + n, a, b, None) for n, (a, b) in enumerate(itertools.pairwise(cuts))]

"""One journal entry's bytes: how an append writes it (keyed by the offset it is written at, its
value sealed by a checksum) and how a reader tells an entry read whole from a damaged one."""

from __future__ import annotations

import zlib
from typing import Any

import orjson

JOURNAL_HEAD = b'{"changes":{'
V2_JOURNAL_HEAD = b'{"journal":{'
JOURNAL_TAIL = b"\n}}"
EMPTY_JOURNAL = JOURNAL_HEAD + JOURNAL_TAIL

SEAL = b',"crc":'
"""The last member of an entry's value: the CRC-32 of the entry's bytes before it, its key
included. A byte flipped
inside a string (a tag, a note, a name) still parses; only the checksum tells it from the entry
that was saved. Entries written before it (no seal) are read as they parse, if they hold only
an entry's members. Older versions read
a sealed entry as any other: they take ``put``, ``del`` and ``ann`` and ignore the rest."""

ENTRY_KEYS = frozenset({"put", "del", "ann", "shards"})
"""The members an entry's value holds (every version wrote only these): a fragment of an entry
that happens to parse (an object nested in it, keyed by a name of digits) holds none of them."""


def entry_bytes(offset: int, value: bytes) -> bytes:
    """What an append writes after its lead: the key (``offset``, where the entry begins) and
    ``value`` (a JSON object, as orjson writes it) sealed by its checksum."""
    key = b'"%d":' % offset
    if value == b"{}":
        return key + value
    return key + value[:-1] + SEAL + b"%d}" % zlib.crc32(value[:-1], zlib.crc32(key))


def read_value(
    data: bytes,
    start: int = 0,
    end: int | None = None,
    *,
    key: bytes = b"",
) -> dict[str, Any] | None:
    """The entry whose value is ``data[start:end]``, after ``key`` (``"<offset>":`` as written
    before it), when it was read whole, else None: a sealed value whose checksum (of the key and
    the value, so an entry spliced from two, or moved, does not pass) matches, or an unsealed
    one (an older version's) that parses into an object holding only an entry's members."""
    value = data[start:end] if start or end is not None else data  # orjson reads bytes fastest
    seal = value.rfind(SEAL)
    digits = value[seal + len(SEAL) : -1] if seal != -1 else b""
    sealed = seal != -1 and value.endswith(b"}") and digits.isdigit() and len(digits) <= 10
    if sealed and zlib.crc32(value[:seal], zlib.crc32(key)) != int(digits):
        return None
    try:
        item = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(item, dict):
        return None
    if sealed:
        item.pop("crc", None)
    elif not (item and item.keys() <= ENTRY_KEYS):
        # Not an older version's entry: a sealed one whose seal no longer reads as one (a byte
        # of its name changed, or a line break in it, which JSON allows), or a fragment.
        return None
    return item

"""A journal with a torn tail (a write killed or cut by a crash before it returned: never reported
saved) is never refused and keeps every complete entry, wherever the write was cut and whatever
the entries hold: keys inside them that look like offsets (annotators named with digits) are not
taken for a later entry."""

from __future__ import annotations

import itertools
import random
from typing import Any

import orjson
import pytest

from tuireader.dbformat.journal import (
    JOURNAL_HEAD,
    JOURNAL_TAIL,
    entry_bytes,
    journal_entries,
)
from tuireader.dbformat.journal_scan import scan


def readable(data: bytes) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """The entries ``scan`` reads whole, and the byte ranges it cannot read."""
    pieces = scan(data)
    return (
        [p.entry for p in pieces if p.entry is not None],
        [(p.start, p.end) for p in pieces if p.entry is None],
    )


def piece(end: int, entry: dict[str, Any], sealed: bool = False) -> bytes:
    """What one append writes at ``end`` (``AtomicJSONStorage._append``; unsealed: as versions
    before the checksum did)."""
    lead = b",\n" if end > len(JOURNAL_HEAD) else b"\n"
    value = orjson.dumps(entry)
    return lead + (entry_bytes(end, value) if sealed else b'"%d":' % end + value) + JOURNAL_TAIL


def body_of(entries: list[dict[str, Any]]) -> bytes:
    """The journal holding ``entries``, without its closing brackets."""
    data = JOURNAL_HEAD
    for entry in entries:
        data += piece(len(data), entry)[: -len(JOURNAL_TAIL)]
    return data


def journal_document(entries: list[dict[str, Any]]) -> bytes:
    """A journal holding ``entries``, laid out as appends write it."""
    return body_of(entries) + JOURNAL_TAIL


def tagging(annotators: list[str], note: str = "") -> dict[str, Any]:
    """An entry whose annotation records sit under annotator names used as keys."""
    tags = {name: {"fact": 1, "note": note} for name in annotators}
    return {"put": {"index": {"4eeb510625f0344a": {"file": "4eeb.json", "tags": tags}}}}


def test_an_annotator_named_like_the_torn_entrys_own_offset_is_no_later_entry() -> None:
    body = body_of([tagging(["ann"]), tagging(["bob"])])
    end = len(body)
    prefix = piece(end, {"put": {"index": {"4eeb510625f0344a": {"file": "x", "tags": {}}}}})
    at = prefix.index(b'"tags":{') + len(b'"tags":{')
    for name in range(end - 2, end + at + 3):  # every name that could pass for an offset
        entry = tagging([str(name), str(end + at - 1)])
        whole = piece(end, entry)
        for cut in range(len(b',\n"%d":' % end), len(whole) - 1, 7):
            assert journal_entries(body + whole[:cut]) == (
                [tagging(["ann"]), tagging(["bob"])],
                end,
            ), (name, cut)


def random_entry(rng: random.Random, near: int) -> dict[str, Any]:
    """An entry with keys that look like offsets near ``near`` and text with line breaks,
    quotes, braces and commas (which orjson escapes or keeps inside strings)."""
    names = [str(near + rng.randint(-5, 400)) for _ in range(rng.randint(1, 4))]
    note = "".join(rng.choice(['\n"12":{', "},\n", ' "', "\\", "x", "\x00", "é"]) for _ in range(6))
    entry = tagging(names, note)
    if rng.random() < 0.3:
        entry["del"] = {"articles": [str(near + rng.randint(0, 99))]}
    if rng.random() < 0.2:
        entry["ann"] = {"a1": {str(near + 40): None, "b": {"n": note * rng.randint(1, 60)}}}
    return entry


def torn(rng: random.Random, at: int, whole: bytes) -> bytes:
    """``whole`` (one append at byte ``at``, over the closing brackets) as a kill or a crash can
    leave it: cut anywhere (a short write), or the size written with some blocks of the new bytes
    landed and others not (blocks reach the disk in any order), which then hold what was there
    before: the old closing brackets, then zeros. Blocks of 4096 bytes and smaller ones (as
    small as persistent memory's 8-byte words: any mix) align to the file's start, as the
    disk's do (``journal.UNIT``: a byte flipped to zero is damage, not a block never written)."""
    if rng.random() < 0.3:
        return whole[: rng.randrange(len(whole))]
    old = JOURNAL_TAIL + b"\x00" * (len(whole) - len(JOURNAL_TAIL))
    block = rng.choice((8, 16, 64, 512, 4096))
    cuts = sorted({0, len(whole), *range(block - at % block, len(whole), block)})
    spans = list(itertools.pairwise(cuts))
    lost = rng.randrange(len(spans))  # at least one block never landed
    return b"".join(
        (old if i == lost or rng.random() < 0.5 else whole)[a:b] for i, (a, b) in enumerate(spans)
    )


@pytest.mark.parametrize("sealed", [False, True], ids=["unsealed", "sealed"])
@pytest.mark.parametrize("seed", range(5))
def test_torn_tails_cut_anywhere_are_never_refused_and_keep_every_complete_entry(
    seed: int, sealed: bool
) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        entries: list[dict[str, Any]] = []
        body = JOURNAL_HEAD
        for _ in range(rng.randint(0, 5)):
            entry = random_entry(rng, len(body))
            entries.append(entry)
            body += piece(len(body), entry, sealed)[: -len(JOURNAL_TAIL)]
        end = len(body)
        last = random_entry(rng, end)
        whole = piece(end, last, sealed)
        data = body + torn(rng, end, whole)
        found = journal_entries(data)
        if data[: end + len(whole) - len(JOURNAL_TAIL)] == body + whole[: -len(JOURNAL_TAIL)]:
            # Only the closing brackets were lost: the entry itself is whole and may be kept.
            assert found in (
                (entries, end),
                ([*entries, last], end + len(whole) - len(JOURNAL_TAIL)),
            )
        else:
            assert found == (entries, end), data[end:]


def test_a_damaged_journal_gives_back_every_entry_that_can_be_read() -> None:
    entries = [tagging([str(100 + i)], f"note {i}") for i in range(4)]
    whole = journal_document(entries)
    assert journal_entries(whole)[0] == entries and readable(whole) == (entries, [])
    starts = [i for i in range(len(whole)) if whole[i : i + 3] == b',\n"']
    second = starts[0]
    brace = whole.index(b":{", second) + 1
    body = whole[:brace] + b"#" + whole[brace + 1 :]  # the second entry's body
    assert readable(body) == ([entries[0], *entries[2:]], [(second, starts[1])])
    for at in (second, second + 1):  # the lead's comma or its line break: every entry kept
        lead = whole[:at] + b"#" + whole[at + 1 :]
        assert readable(lead) == (entries, [])
        assert [p.lead_ok for p in scan(lead)] == [True, False, True, True]
    last = whole[: starts[-1] + 9] + b"\x00" + whole[starts[-1] + 10 :]
    assert readable(last) == (entries[:3], [(starts[-1], len(whole) - len(JOURNAL_TAIL))])


@pytest.mark.parametrize("sealed", [False, True], ids=["unsealed", "sealed"])
@pytest.mark.parametrize("before", [0, 2])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_crash_losing_only_the_block_holding_the_old_brackets_is_a_torn_tail(
    before: int, k: int, sealed: bool
) -> None:
    """A block boundary ``k`` bytes after the append's start, and only the block before it never
    landed: the file holds the first ``k`` bytes of the old closing brackets, then the rest of
    the new entry and its brackets. (The random test above almost never draws this case.)"""
    entries = [tagging([f"n{i}"]) for i in range(before)]
    body = body_of(entries)
    end = len(body)
    whole = piece(end, tagging(["carol"], "x" * 50), sealed)
    data = body + JOURNAL_TAIL[:k] + whole[k:]
    if data == body + whole:  # the first entry's lead is the old brackets' own line break
        assert journal_entries(data)[0] == [tagging(["carol"], "x" * 50)]
    else:
        assert journal_entries(data) == (entries, end)


def test_reading_from_an_entry_end_while_another_append_is_half_written_finds_nothing_new() -> None:
    """Five entries, then half of a sixth (another process's append, still being copied): read
    from the end of the fifth, nothing new and the next one goes there, not all five again; a
    sixth whole entry is read alone. A ``start`` inside an entry reads from the head instead."""
    data = JOURNAL_HEAD + JOURNAL_TAIL
    for i in range(5):
        end = len(data) - len(JOURNAL_TAIL)
        data = data[:end] + piece(end, {"put": {"t": {str(i): {"v": i}}}}, sealed=True)
    seen = len(data) - len(JOURNAL_TAIL)
    full = data[:seen] + piece(seen, {"put": {"t": {"9": {"v": 9}}}}, sealed=True)
    for cut in (seen + 2, seen + 20, len(full) - len(JOURNAL_TAIL) - 1):
        assert journal_entries(full[:cut], seen) == ([], seen)
    assert journal_entries(full, seen) == ([{"put": {"t": {"9": {"v": 9}}}}], len(full) - 3)
    everything, end = journal_entries(full[: seen + 20])
    assert (len(everything), end) == (5, seen)
    assert journal_entries(full[: seen + 20], seen - 7) == (everything, seen)  # mid-entry

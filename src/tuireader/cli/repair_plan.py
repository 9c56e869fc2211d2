"""What ``tuireader repair`` does to a database with a damaged journal, decided from its files
without writing anything: the entries it keeps (every one read whole, before and after the
damage), the ones it drops (by number and bytes, and which annotators' annotations they
changed), and the tables of the new snapshot. ``--dry-run`` prints it; ``repair`` writes it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from tuireader import sanitise
from tuireader.dbformat.journal_scan import Piece
from tuireader.dbformat.shard_salvage import salvage
from tuireader.errors import TuireaderError
from tuireader.plural import counted, plural

_ANN = re.compile(rb'"ann":\{')
_RECORD = re.compile(rb'"((?:[^"\\]|\\.){1,200})":(\{"article_id":|null)')
_ANNOTATOR = re.compile(rb'"annotator":"((?:[^"\\]|\\.){0,200})"')
_TABLE = re.compile(rb'"(articles|state|done|boundaries)":[{\[]')
"""A small table an entry puts or deletes in (the index is counted again, never lost)."""


@dataclass(frozen=True)
class Lost:
    """What a dropped stretch changed, as far as its bytes can still be read: per annotator,
    annotations set (tagged, edited) and removed; the other tables it wrote to. Changes that a
    later entry kept writes again (entries hold whole records) are not lost, and not here."""

    changes: dict[str, Counter[str]]
    tables: tuple[str, ...]
    rewritten: int = 0
    unknown: frozenset[str] = frozenset()
    """Names read from the damaged bytes that no annotator of the repaired database has."""

    def describe(self) -> str:
        parts = []
        for annotator in sorted(self.changes):
            counts = self.changes[annotator]
            total = sum(counts.values())
            kinds = ", ".join(f"{counts[k]} {k}" for k in ("set", "removed") if counts[k])
            name = sanitise.line(annotator) if annotator else "an annotator it does not name"
            if annotator in self.unknown:
                name += " (as the damaged bytes spell it: no other annotation is by that name)"
            parts.append(f"{counted(total, 'annotation change')} of {name} ({kinds})")
        if self.tables:
            tables = plural(len(self.tables), "table")
            parts.append("changes to the " + ", ".join(self.tables) + f" {tables}")
        if self.rewritten:
            changes = counted(self.rewritten, "annotation change")
            again = f"a later entry kept writes {changes} of it again"
            parts.append(again if parts else f"nothing of it is lost: {again}")
        return "; ".join(parts) if parts else "no annotation change can still be read in it"


@dataclass(frozen=True)
class DamagedShard:
    """An article's shard file that cannot be read: ``problem`` (as the commands refuse it),
    ``data`` its bytes (None: no regular file, a folder, a FIFO, a symlink), ``records`` the
    whole records still read from it (``shard_salvage``) and ``lost``, per annotator, how many
    of the tags the index counted for the article the repaired database no longer holds."""

    article_id: str
    path: Path
    problem: str
    data: bytes | None
    records: dict[str, Any]
    unread: int
    lost: dict[str, int] = field(default_factory=dict)

    def line(self, *, done: bool) -> str:
        keep, aside = ("kept", "kept aside") if done else ("would keep", "would keep aside")
        shown = sanitise.path(self.path)
        what = "file" if self.data is not None else "thing (no regular file)"
        head = (
            f"shard {shown} (article {sanitise.line(self.article_id)}): "
            f"{sanitise.line(self.problem)}: {aside} as its damaged {what}; {keep} "
            f"{counted(len(self.records), 'annotation record')} read whole"
        )
        if self.lost:
            names = ", ".join(
                f"{n} of {sanitise.line(name) or 'an unnamed annotator'}"
                for name, n in sorted(self.lost.items())
            )
            return f"{head}; lost {plural(sum(self.lost.values()), 'tag')}: {names}"
        if self.unread:
            stretches = counted(self.unread, "unreadable stretch")
            return f"{head}; {stretches} held no tag the index counted"
        return f"{head}; no tag the index counted is lost"


def damaged_shards(db: Path, article_ids: list[str]) -> dict[str, DamagedShard]:
    """The shards of ``article_ids`` that the commands refuse, with what can be read of each."""
    from tuireader import storage
    from tuireader.dbformat.schema import FileProblem
    from tuireader.errors import os_problem
    from tuireader.store.checks import check_records, stored_problem
    from tuireader.store.files import StoreError

    found: dict[str, DamagedShard] = {}
    for article_id in article_ids:
        where = storage.shard_path(db, article_id)
        data: bytes | None = None
        try:
            data = storage.read_regular(where)
            if data is None:
                continue
            check_records(where, storage.parse_shard(data, article_id, where), article_id)
            continue
        except OSError as exc:
            problem = os_problem(exc)
        except (FileProblem, StoreError) as exc:
            problem = exc.problem
        got = salvage(data) if data is not None else None
        records = {
            key: record
            for key, record in (got.records.items() if got is not None else ())
            if stored_problem(key, record) is None and record.get("article_id") == article_id
        }
        unread = len(got.unread) if got is not None else 0
        found[article_id] = DamagedShard(article_id, where, problem, data, records, unread)
    return found


@dataclass(frozen=True)
class RepairPlan:
    """Everything ``repair`` writes, decided: ``tables`` and ``pending`` are the new snapshot
    (the main file with every kept entry applied, the index counted again)."""

    db: Path
    journal: bytes
    pieces: list[Piece]
    torn: Piece | None
    tables: dict[str, dict[str, Any]]
    pending: dict[str, dict[str, Any]]
    lost: dict[int, Lost]
    head_damaged: bool = False
    shards: dict[str, DamagedShard] = field(default_factory=dict)

    @property
    def kept(self) -> list[Piece]:
        return [p for p in self.pieces if p.entry is not None]

    @property
    def dropped(self) -> list[Piece]:
        return [p for p in self.pieces if p.entry is None]

    def lines(self, *, done: bool) -> list[str]:
        """What it keeps and drops (``done``: kept and dropped), one line each."""
        keep, drop = ("kept", "dropped") if done else ("would keep", "would drop")
        total = len(self.pieces)
        kept = self.kept
        out = [
            f"{keep} {len(kept)} of {total} journal entries"
            + (f" ({_numbers(p.number for p in kept)})" if kept else "")
        ]
        if self.head_damaged:
            out.append("its head (bytes 0-11) was damaged: the new journal gets a new one")
        shift = 0
        for piece in kept:
            moved = piece.key - piece.start  # bytes lost (or added, < 0) before it, in all
            if piece.key >= 0 and moved != shift:
                change = moved - shift
                bytes_ = counted(abs(change), "byte")
                were = plural(abs(change), "was", "were")
                what = f"{bytes_} before it {were} {'lost' if change > 0 else 'added'}"
                out.append(
                    f"{keep} entry {piece.number} (bytes {piece.start}-{piece.end}): it was "
                    f"written at byte {piece.key}, so {what}"
                )
                shift = moved
            if not piece.lead_ok:
                out.append(
                    f"{keep} entry {piece.number} (bytes {piece.start}-{piece.end}): the comma or "
                    "line break before it was damaged, the entry itself reads whole"
                )
        for shard in self.shards.values():
            out.append(shard.line(done=done))
        for piece in self.dropped:
            head = f"{drop} entry {piece.number} (bytes {piece.start}-{piece.end})"
            if piece is self.torn:
                out.append(f"{head}: a write torn by a crash, never reported saved")
            else:
                out.append(f"{head}: cannot be read: {self.lost[piece.start].describe()}")
        return out


def plan_repair(db: Path) -> RepairPlan:
    """What repairing ``db`` would write, read from its files (nothing is written or locked);
    TuireaderError when there is nothing to repair or it cannot be done."""
    from tuireader import storage
    from tuireader.dbformat.index import index_entry
    from tuireader.dbformat.journal import (
        JOURNAL_HEAD,
        JournalProblem,
        apply_entry,
        damaged_head,
        damaged_last,
        journal_entries,
    )
    from tuireader.dbformat.journal_scan import scan
    from tuireader.dbformat.schema import INDEX, SHARDED, FileProblem, parse, schema_version
    from tuireader.errors import os_problem

    def fail(problem: str) -> TuireaderError:
        return TuireaderError(f"{db}: {problem}")

    journal = storage.journal_path(db)
    try:
        data = storage.read_regular(journal)
    except OSError as exc:
        raise TuireaderError(f"{journal}: cannot repair: {os_problem(exc)}") from None
    except FileProblem as exc:  # a folder, a FIFO, a symlink loop: the journal is named
        raise TuireaderError(f"{journal}: cannot repair: {exc.problem}") from None
    try:
        main = storage.read_regular(db)
        tables = parse(main or b"")
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}") from None
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem} (its main file, not its journal)") from None
    head_damaged = data is not None and damaged_head(data)
    if not data or not (head_damaged or data.startswith(JOURNAL_HEAD)):
        raise fail("nothing to repair: it has no journal this version writes")
    if schema_version(tables) < SHARDED:
        raise fail("nothing to repair: it has no journal this version writes")
    journal_whole = ""
    try:
        _, end = journal_entries(data)
    except JournalProblem:
        pass
    else:
        torn = len(data) - end - 3
        note = (
            f" (a torn write of {torn:,} {plural(torn, 'byte')} at its end, never reported saved, is "
            "cut off at the next save)"
        )
        journal_whole = "its journal reads whole" + (note if torn > 0 else "")
    pieces = scan(data)
    last = pieces[-1] if pieces else None
    # Unreadable bytes at the end that are no saved entry: a write a crash tore.
    torn_piece = None
    if last is not None and last.entry is None and not damaged_last(data, last.start):
        torn_piece = last
    pending: storage.Pending = {}
    try:
        for piece in pieces:
            if piece.entry is not None:
                apply_entry(tables, piece.entry, pending)
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem}") from None
    # A later entry's index document may count a change the dropped bytes held: counted again.
    kept_entries = [p.entry for p in pieces if p.entry is not None]
    named = {a for entry in kept_entries for a in entry.get("put", {}).get(INDEX, {})}
    index = tables.setdefault(INDEX, {})
    before = {article_id: dict(doc) for article_id, doc in index.items()}
    shards = damaged_shards(db, sorted(set(index) | named | set(pending)))
    if journal_whole and not shards:
        raise fail(f"nothing to repair: {journal_whole} and so does every shard")
    records: dict[str, Any] = {}
    try:
        for article_id in sorted(named | set(pending) | set(shards)):
            one = {article_id: pending.get(article_id, {})}
            if article_id in shards:
                found = dict(shards[article_id].records)
                storage.apply_pending(found, one[article_id])
            else:
                found = storage.gather_annotations(db, {INDEX: {article_id: {}}}, one)
            records.update(found)
            counted = index_entry(article_id, found.values())
            if counted["tags"]:
                index[article_id] = counted
            else:
                index.pop(article_id, None)
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}") from None
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem}") from None
    annotators: set[str] = {r.get("annotator", "") for r in records.values()}
    annotators |= {name for doc in index.values() for name in doc.get("tags", {})}
    lost = {
        p.start: _lost(data[p.start : p.end], _written_after(pieces, p), records, annotators)
        for p in pieces
        if p.entry is None and p is not torn_piece
    }
    for article_id, shard in shards.items():
        counted = index.get(article_id, {}).get("tags", {})
        was = before.get(article_id, {}).get("tags", {})
        shards[article_id] = replace(
            shard,
            lost={
                name: sum(tags.values()) - sum(counted.get(name, {}).values())
                for name, tags in was.items()
                if sum(tags.values()) > sum(counted.get(name, {}).values())
            },
        )
    return RepairPlan(db, data, pieces, torn_piece, tables, pending, lost, head_damaged, shards)


def _written_after(pieces: list[Piece], dropped: Piece) -> set[str]:
    """The annotation ids the entries kept after ``dropped`` write (whole records or removals)."""
    ids: set[str] = set()
    for piece in pieces:
        if piece.entry is not None and piece.start > dropped.start:
            for changes in piece.entry.get("ann", {}).values():
                ids.update(changes)
    return ids


def _lost(
    raw: bytes, written_again: set[str], records: dict[str, Any], annotators: set[str]
) -> Lost:
    """What the unreadable bytes ``raw`` changed: each annotation record or removal still
    legible in its ``ann`` part (not written again later), by annotator (of the record the
    repaired database holds for that id, else as ``raw`` spells it), and the small tables it
    put or deleted. ``annotators``: every annotator the repaired database knows."""
    changes: dict[str, Counter[str]] = {}
    rewritten = 0
    ann = _ANN.search(raw)
    if ann is not None:
        matches = list(_RECORD.finditer(raw, ann.end()))
        for n, match in enumerate(matches):
            ann_id = _text(match.group(1))
            if ann_id in written_again:
                rewritten += 1
                continue
            removed = match.group(2) == b"null"
            held = records.get(ann_id)
            who = held.get("annotator") if isinstance(held, dict) else None
            if who is None and not removed:  # a new annotation: its own record names it
                stop = matches[n + 1].start() if n + 1 < len(matches) else len(raw)
                named = _ANNOTATOR.search(raw, match.end(), stop)
                who = _text(named.group(1)) if named else None
            key = who if isinstance(who, str) else ""
            changes.setdefault(key, Counter())["removed" if removed else "set"] += 1
    head = raw[: ann.start()] if ann is not None else raw  # the tables come before "ann"
    tables = sorted({m.group(1).decode() for m in _TABLE.finditer(head)})
    unknown = frozenset(name for name in changes if name and name not in annotators)
    return Lost(changes, tuple(tables), rewritten, unknown)


def _text(raw: bytes) -> str:
    try:
        value = orjson.loads(b'"' + raw + b'"')
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", "replace")
    return value if isinstance(value, str) else raw.decode("utf-8", "replace")


def _numbers(numbers: Iterable[int]) -> str:
    """``1-2, 4, 6-9``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)

"""What ``tuireader repair`` does to a database with a damaged journal, decided from its files
without writing anything: the entries it keeps (every one read whole, before and after the
damage), the ones it drops (by number and bytes, and which annotators' annotations they
changed), and the tables of the new snapshot. ``--dry-run`` prints it; ``repair`` writes it."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from tuireader import sanitise
from tuireader.dbformat.journal_mark import Mark
from tuireader.dbformat.journal_scan import Piece
from tuireader.dbformat.layout import shard_name
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
    of the tags the index counted for the article the repaired database no longer holds.

    ``kind`` "missing": there is no file though the index counts annotations in it (``data``
    None, no records); "misplaced": a whole shard of article ``owner`` under this article's
    name (``records`` its records, moved to ``owner``'s shard)."""

    article_id: str
    path: Path
    problem: str
    data: bytes | None
    records: dict[str, Any]
    unread: int
    lost: dict[str, int] = field(default_factory=dict)
    kind: str = "damaged"
    owner: str = ""
    merged: int = 0
    """For a misplaced shard: how many of its records the owner's own shard held already."""
    restored: int = 0
    """For a damaged shard: how many of its whole records named another article (a damaged
    article id) and are kept here with this article's id given back."""
    out: dict[str, dict[str, Any]] = field(default_factory=dict)
    """For a damaged shard: per other article, the whole records found here that name it and
    fit its text (not this article's): moved to its shard."""

    def line(self, *, done: bool) -> str:
        if self.kind != "damaged":
            return self._moved_or_missing(done=done)
        keep, aside = ("kept", "kept aside") if done else ("would keep", "would keep aside")
        shown = sanitise.path(self.path)
        what = "file" if self.data is not None else "thing (no regular file)"
        head = (
            f"shard {shown} (article {sanitise.line(self.article_id)}): "
            f"{sanitise.line(self.problem)}: {aside} as its damaged {what}; {keep} "
            f"{counted(len(self.records), 'annotation record')} read whole"
        )
        head += self._rehomed(done=done)
        if self.lost:
            return f"{head}; lost {plural(sum(self.lost.values()), 'tag')}: {self._lost_names()}"
        if self.unread:
            stretches = counted(self.unread, "unreadable stretch")
            return f"{head}; {stretches} held no tag the index counted"
        return f"{head}; no tag the index counted is lost"

    def _rehomed(self, *, done: bool) -> str:
        """What becomes of the whole records that named another article than this one."""
        parts = []
        if self.restored:
            give = "gave" if done else "would give"
            parts.append(
                f"{counted(self.restored, 'record')} of them named another article (a damaged "
                f"article id): {give} {plural(self.restored, 'it', 'them')} back this "
                "article's id"
            )
        for owner, records in sorted(self.out.items()):
            move = "moved" if done else "would move"
            parts.append(
                f"{move} {counted(len(records), 'annotation record')} naming article "
                f"{sanitise.line(owner)} and fitting its text to its shard"
            )
        return "".join(f"; {part}" for part in parts)

    def _lost_names(self) -> str:
        return ", ".join(
            f"{n} of {sanitise.line(name) or 'an unnamed annotator'}"
            for name, n in sorted(self.lost.items())
        )

    def _moved_or_missing(self, *, done: bool) -> str:
        shown = sanitise.path(self.path)
        article = sanitise.line(self.article_id)
        if self.kind == "missing":
            drop = "dropped" if done else "would drop"
            lost = (
                f"{drop} from the index: {self._lost_names()}"
                if self.lost
                else "every annotation of it is found under another name (below): nothing lost"
            )
            return f"shard {shown} (article {article}) is missing: {lost}"
        move = "moved" if done else "would move"
        target = sanitise.path(self.path.with_name(shard_name(self.owner)))
        what = f"shard {shown} (article {article})" if self.article_id else f"file {shown}"
        head = (
            f"{what} holds the {counted(len(self.records), 'annotation record')} of article "
            f"{sanitise.line(self.owner)}: {move} them to {target}"
        )
        if self.merged:
            head += f" ({self.merged} of them were there already; the newer of each is kept)"
        if self.lost:
            drop = "dropped" if done else "would drop"
            head += (
                f"; no file holds article {article}'s own annotations: {drop} from the index: "
                f"{self._lost_names()}"
            )
        return head


def _misplaced(
    data: bytes, article_id: str, known: set[str] | None = None
) -> tuple[str, dict[str, Any]] | None:
    """(the owner, its records) when ``data`` is a whole shard of another article than
    ``article_id`` (one of ``known``, when given: an id no article has is damage, not an
    owner), every record of it whole and naming that article; else None."""
    from tuireader.dbformat.schema import ANNOTATIONS, META, SHARD_KEY
    from tuireader.store.checks import stored_problem

    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    head = doc.get(META, {}).get(SHARD_KEY) if isinstance(doc, dict) else None
    records = doc.get(ANNOTATIONS) if isinstance(doc, dict) else None
    owner = head.get("article_id") if isinstance(head, dict) else None
    if not isinstance(owner, str) or owner == article_id or not isinstance(records, dict):
        return None
    if known is not None and owner not in known:
        return None
    for key, record in records.items():
        if stored_problem(key, record) is not None or record.get("article_id") != owner:
            return None
    return owner, records


def damaged_shards(
    db: Path,
    article_ids: list[str],
    index: dict[str, Any] | None = None,
    pending: dict[str, dict[str, Any]] | None = None,
    body_of: Callable[[str], str | None] | None = None,
) -> dict[str, DamagedShard]:
    """The shards of ``article_ids`` that the commands refuse, with what can be read of each:
    damaged, missing (no file though ``index`` counts more annotations in it than the
    journal's ``pending`` changes hold; only articles whose shard file the main file's index
    names are given in it) or misplaced (another article's whole shard). A whole record of a
    damaged shard that names another article keeps this one (its id given back) unless that
    article is one of ``article_ids`` and the record fits its text (``body_of``), not this
    one's."""
    from tuireader import storage
    from tuireader.dbformat.index import entry_total
    from tuireader.dbformat.schema import FileProblem
    from tuireader.errors import os_problem
    from tuireader.store.checks import check_records, stored_problem
    from tuireader.store.files import StoreError

    found: dict[str, DamagedShard] = {}
    changes = pending or {}
    known = set(article_ids)
    for article_id in article_ids:
        where = storage.shard_path(db, article_id)
        data: bytes | None = None
        try:
            data = storage.read_regular(where)
            if data is None:
                entry = (index or {}).get(article_id)
                held = sum(r is not None for r in changes.get(article_id, {}).values())
                if entry is not None and entry_total(entry) > held:
                    found[article_id] = DamagedShard(
                        article_id, where, "is missing", None, {}, 0, kind="missing"
                    )
                continue
            check_records(where, storage.parse_shard(data, article_id, where), article_id)
            continue
        except OSError as exc:
            problem = os_problem(exc)
        except (FileProblem, StoreError) as exc:
            problem = exc.problem
        moved = _misplaced(data, article_id, known) if data is not None else None
        if moved is not None:
            owner, records = moved
            found[article_id] = DamagedShard(
                article_id, where, problem, data, records, 0, kind="misplaced", owner=owner
            )
            continue
        got = salvage(data) if data is not None else None
        kept: dict[str, Any] = {}
        out: dict[str, dict[str, Any]] = {}
        restored = 0
        for key, record in got.records.items() if got is not None else ():
            if stored_problem(key, record) is not None:
                continue
            named = record["article_id"]
            if named != article_id:
                home = _home(record, article_id, named, known, body_of or _no_text)
                record = {**record, "article_id": home}
                if home != article_id:
                    out.setdefault(home, {})[key] = record
                    continue
                restored += 1
            kept[key] = record
        unread = len(got.unread) if got is not None else 0
        found[article_id] = DamagedShard(
            article_id, where, problem, data, kept, unread, restored=restored, out=out
        )
    return found


def _no_text(article_id: str) -> str | None:
    return None


def _fits(record: dict[str, Any], body: str) -> bool:
    """Whether the record's offsets take its quote out of ``body``."""
    start, end = record["start"], record["end"]
    return 0 <= start <= end <= len(body) and body[start:end] == record["quote"]["exact"]


def _home(
    record: dict[str, Any],
    shard_article: str,
    named: str,
    known: set[str],
    body_of: Callable[[str], str | None],
) -> str:
    """The article a whole record found in ``shard_article``'s shard but naming ``named``
    belongs to: the shard's article (its file name and head say so; the record's article id
    is the damaged field) unless ``named`` is a known article whose text the record fits
    while ``shard_article``'s text is unknown or does not fit it."""
    if named not in known:
        return shard_article  # garbage, or an article no one can open
    there = body_of(named)
    if there is None or not _fits(record, there):
        return shard_article
    own = body_of(shard_article)
    return named if own is None or not _fits(record, own) else shard_article


def article_bodies(tables: dict[str, dict[str, Any]]) -> Callable[[str], str | None]:
    """The text of an article, read from the file the ``articles`` table records for it when
    it is still there unchanged (None otherwise); each read once."""
    from tuireader.articles import load_unchanged
    from tuireader.dbformat.schema import ARTICLES

    read: dict[str, str | None] = {}

    def body_of(article_id: str) -> str | None:
        if article_id not in read:
            meta = tables.get(ARTICLES, {}).get(article_id)
            path = meta.get("path") if isinstance(meta, dict) else None
            article = load_unchanged(path, article_id) if isinstance(path, str) else None
            read[article_id] = article.body if article is not None else None
        return read[article_id]

    return body_of


def strays(db: Path, shards: dict[str, DamagedShard], known: set[str]) -> dict[str, DamagedShard]:
    """The files of the shard folder under no known article's name that are the whole shard
    of an article whose own file is missing or holds another's (a shard renamed): each as a
    misplaced shard (keyed ``/NAME``, no article's), to be moved back. Read only when some
    shard is missing or misplaced; other files there (leftovers, kept copies) are let be."""
    from tuireader import storage
    from tuireader.dbformat.schema import FileProblem

    wanted = {s.article_id for s in shards.values() if s.kind != "damaged"}
    wanted -= {s.owner for s in shards.values() if s.kind == "misplaced"}
    if not wanted:
        return {}
    folder = storage.shard_folder(db)
    names = {shard_name(a) for a in known}
    found: dict[str, DamagedShard] = {}
    try:
        listed = sorted(os.listdir(folder))
    except OSError:
        return {}
    for name in listed:
        if name in names or not name.endswith(".json"):
            continue
        try:
            data = storage.read_regular(folder / name)
        except (OSError, FileProblem):
            continue
        moved = _misplaced(data, "") if data is not None else None
        if moved is None or moved[0] not in wanted or name == shard_name(moved[0]):
            continue
        owner, records = moved
        wanted.discard(owner)  # the first such file (by name); any other is let be
        problem = "is under no article's name"
        found["/" + name] = DamagedShard(
            "", folder / name, problem, data, records, 0, kind="misplaced", owner=owner
        )
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
    moves: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per article that misplaced shards belong to, the records its shard file gets: its own
    (if any) and theirs, the newer of each id."""
    cut: Mark | None = None
    """The journal's mark when the journal holds less than it says was saved (it was cut)."""
    held: int = 0
    """How much of the journal holds whole entries (up to its closing brackets after them)."""
    foreign: str = ""
    """Why the journal is no journal at all (another file saved over it, or no regular file:
    a folder, a FIFO, a symbolic link): nothing is read from it, it is kept aside, and the
    database is as of its last compaction (its main file and shards). Else empty."""
    journal_regular: bool = True
    """Whether ``journal`` holds the journal file's bytes (else it is moved aside as it is)."""

    @property
    def journal_damaged(self) -> bool:
        """Whether the journal's own bytes are damaged (then repair keeps a copy of them aside;
        else only shards are repaired): a damaged head, an entry dropped, cut short, or read
        whole past damage around it (its lead, or bytes lost or added before it)."""
        return (
            bool(self.foreign)
            or self.head_damaged
            or bool(self.dropped)
            or self.cut is not None
            or any(not p.lead_ok or (p.key >= 0 and p.key != p.start) for p in self.pieces)
        )

    @property
    def dropping(self) -> list[DamagedShard]:
        """The shards whose article's annotations no file holds any more (missing, or holding
        another article's): repaired only when asked to drop them (they may be put back)."""
        return [s for s in self.shards.values() if s.kind != "damaged" and s.lost]

    @property
    def kept(self) -> list[Piece]:
        return [p for p in self.pieces if p.entry is not None]

    @property
    def dropped(self) -> list[Piece]:
        return [p for p in self.pieces if p.entry is None]

    def lines(self, *, done: bool, list_missing: bool = False) -> list[str]:
        """What it keeps and drops (``done``: kept and dropped), one line each; of the missing
        shard files only the first ``MISSING_SHOWN`` and a summary, unless ``list_missing``
        (a database copied without its shard folder misses every one: 12,500 at 500k)."""
        keep, drop = ("kept", "dropped") if done else ("would keep", "would drop")
        total = len(self.pieces)
        kept = self.kept
        out = (
            [self._foreign_line(done=done)]
            if self.foreign
            else [
                f"{keep} {len(kept)} of {total} journal entries"
                + (f" ({_numbers(p.number for p in kept)})" if kept else "")
            ]
        )
        if self.head_damaged:
            out.append("its head (bytes 0-11) was damaged: the new journal gets a new one")
        if self.cut is not None:
            lost = self.cut.committed - self.held
            out.append(
                f"its journal was cut: it holds {self.held} {plural(self.held, 'byte')} of the "
                f"{self.cut.committed} saved to it; {lost} {plural(lost, 'byte')} of saved changes "
                "are lost "
                "(what those held cannot be read; every entry still there is kept)"
            )
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
        missing = sorted(
            (s for s in self.shards.values() if s.kind == "missing"), key=lambda s: s.path.name
        )
        for shard in self.shards.values():
            if shard.kind != "missing":
                out.append(shard.line(done=done))
        shown = missing if list_missing else missing[:MISSING_SHOWN]
        out += [shard.line(done=done) for shard in shown]
        if len(missing) > 1:
            out.append(self._missing_summary(missing, len(shown), done=done))
        for piece in self.dropped:
            head = f"{drop} entry {piece.number} (bytes {piece.start}-{piece.end})"
            if piece is self.torn:
                out.append(f"{head}: a write torn by a crash, never reported saved")
            elif self.cut is not None and piece is self.pieces[-1]:
                described = self.lost[piece.start].describe()
                out.append(f"{head}: cut short, the rest of it is lost: {described}")
            else:
                out.append(f"{head}: cannot be read: {self.lost[piece.start].describe()}")
        return out

    def _foreign_line(self, *, done: bool) -> str:
        """What becomes of a journal that is no journal, and what the database holds then."""
        from tuireader import storage
        from tuireader.dbformat.schema import INDEX

        name = sanitise.path(storage.journal_path(self.db).name)
        if self.journal_regular:
            size = counted(len(self.journal), "byte")
            aside = f"{'kept' if done else 'would keep'} it aside ({size}, nothing read from it)"
        else:
            aside = (
                f"{'moved' if done else 'would move'} it aside as it is (never read or followed)"
            )
        held: dict[str, int] = {}
        for doc in self.tables.get(INDEX, {}).values():
            for annotator, tags in doc.get("tags", {}).items():
                held[annotator] = held.get(annotator, 0) + sum(tags.values())
        each = ", ".join(f"{sanitise.line(a)} {n:,}" for a, n in sorted(held.items()))
        holds = counted(sum(held.values()), "annotation") + (f" ({each})" if each else "")
        opened = "opened" if done else "would open"
        if self.journal_regular:
            since = (
                "; if that file was ever this database's journal, the changes saved since "
                "then are in it, and a file that never was one holds none"
            )
        elif "symbolic link" in self.foreign:
            since = (
                "; if what it points to was ever this database's journal, the changes saved "
                "since then are there"
            )
        else:
            since = ""
        return (
            f"its journal {name} {sanitise.line(self.foreign)}: {aside}, and {opened} the "
            f"database without it, as of its last compaction (its main file and shards: "
            f"{holds}){since}"
        )

    def _missing_summary(self, missing: list[DamagedShard], shown: int, *, done: bool) -> str:
        """One line for many missing shard files: how many, the annotations per annotator
        the index loses with them, and how to see every one when not all are listed."""
        from tuireader import storage

        lost: dict[str, int] = {}
        for shard in missing:
            for name, n in shard.lost.items():
                lost[name] = lost.get(name, 0) + n
        folder = storage.shard_folder(self.db)
        files = counted(len(missing), "shard file")
        head = (
            f"the shard folder {sanitise.path(folder)} is gone: all {files} "
            f"the index counts annotations in {plural(len(missing), 'is')} missing"
            if not os.path.lexists(folder)
            else f"{files} {plural(len(missing), 'is')} missing"
        )
        if lost:
            drop = "dropped" if done else "would drop"
            each = ", ".join(
                f"{n} of {sanitise.line(name) or 'an unnamed annotator'}"
                for name, n in sorted(lost.items())
            )
            head += f"; {drop} from the index in all: {counted(sum(lost.values()), 'annotation')} ({each})"
        if shown < len(missing) and done:
            head += f"; the first {shown} are listed above (with --list-missing, every one is)"
        elif shown < len(missing):
            head += (
                f"; the first {shown} are listed above, `tuireader repair --db "
                f"{sanitise.path(self.db)} --dry-run --list-missing` lists every one"
            )
        return head


MISSING_SHOWN = 10
"""How many missing shard files ``repair`` names one line each (the summary says the rest)."""


def plan_repair(db: Path) -> RepairPlan:
    """What repairing ``db`` would write, read from its files (nothing is written or locked);
    TuireaderError when there is nothing to repair or it cannot be done."""
    from tuireader import storage
    from tuireader.dbformat.index import index_entry
    from tuireader.dbformat.journal import (
        JOURNAL_HEAD,
        JOURNAL_TAIL,
        V2_JOURNAL_HEAD,
        JournalProblem,
        apply_entry,
        damaged_head,
        damaged_last,
        journal_entries,
    )
    from tuireader.dbformat.journal_mark import cut_short, read_mark
    from tuireader.dbformat.journal_scan import scan
    from tuireader.dbformat.schema import INDEX, SHARDED, FileProblem, parse, schema_version
    from tuireader.errors import os_problem

    def fail(problem: str) -> TuireaderError:
        return TuireaderError(f"{db}: {problem}")

    journal = storage.journal_path(db)
    # The mark before the files it is compared with (as ``read_file``): an append while they are
    # read makes it lag them, never lead them; a compaction meanwhile changes the main file.
    mark = read_mark(db)
    foreign = ""
    try:
        read_journal = storage.read_regular_stat(journal, follow=False)
    except OSError as exc:
        raise TuireaderError(f"{journal}: cannot repair: {os_problem(exc)}") from None
    except FileProblem:  # a folder, a FIFO, a symlink: never read, never followed
        read_journal = None
        foreign = f"is {_kind(journal)}, not a journal"
    try:
        read_main = storage.read_regular_stat(db)
        main, main_stat = read_main if read_main is not None else (None, None)
        tables = parse(main or b"")
        # Articles whose shard file the main file's own index says holds annotations (one
        # counted only by the journal may have no file yet: damage there is the journal's).
        filed = {a for a, doc in tables.get(INDEX, {}).items() if doc.get("tags")}
    except OSError as exc:
        raise fail(f"cannot repair: {os_problem(exc)}") from None
    except FileProblem as exc:
        raise fail(f"cannot repair: {exc.problem} (its main file, not its journal)") from None
    data, journal_mtime = (
        (read_journal[0], read_journal[1].st_mtime_ns) if read_journal else (b"", None)
    )
    no_journal = read_journal is None and not foreign
    if no_journal:  # none at all (a main file moved alone): as good as an empty one
        data = JOURNAL_HEAD + JOURNAL_TAIL
    identity = (main_stat.st_size, main_stat.st_mtime_ns) if main_stat is not None else (0, 0)
    head_damaged = damaged_head(data)
    # Cut inside its head (or to nothing) after entries were saved: none of them is left.
    cut_in_head = JOURNAL_HEAD.startswith(data) and cut_short(mark, 0, identity, journal_mtime) > 0
    ours = cut_in_head or head_damaged or data.startswith(JOURNAL_HEAD)
    older = data.startswith(V2_JOURNAL_HEAD)  # left by an upgrade, folded in: ignored
    if schema_version(tables) >= SHARDED and data and not (ours or foreign or older):
        foreign = "is another file (it does not open as a journal does)"
    if foreign and schema_version(tables) >= SHARDED:
        # Kept aside whole, nothing read from it: the database as of its last compaction.
        raw = data
        data, cut_in_head, head_damaged, mark = b"", False, False, None
    elif not ours or schema_version(tables) < SHARDED:
        raise fail("nothing to repair: it has no journal this version writes")
    journal_whole = ""
    held = len(data)
    try:
        if foreign:
            raise JournalProblem("")
        _, end = journal_entries(data) if not cut_in_head else ([], -3)
    except JournalProblem:
        pass
    else:
        held = end + len(JOURNAL_TAIL)  # as the store measures it (``read_file``)
        torn = len(data) - end - 3
        note = (
            f" (a torn write of {torn:,} {plural(torn, 'byte')} at its end, never reported saved, is "
            "cut off at the next save)"
        )
        journal_whole = (
            "it has no journal file (none is needed)"
            if no_journal
            else "its journal reads whole" + (note if torn > 0 else "")
        )
    cut = mark if cut_short(mark, held, identity, journal_mtime) else None
    pieces = scan(data) if not cut_in_head else []
    last = pieces[-1] if pieces else None
    # Unreadable bytes at the end that are no saved entry: a write a crash tore (unless the
    # journal is shorter than what was saved to it: then they are a saved entry, cut short).
    torn_piece = None
    if (
        last is not None
        and last.entry is None
        and cut is None
        and not damaged_last(data, last.start)
    ):
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
    shards = damaged_shards(
        db,
        sorted(set(index) | named | set(pending)),
        {a: index[a] for a in filed if a in index},
        pending,
        article_bodies(tables),
    )
    shards.update(strays(db, shards, set(index) | named | set(pending)))
    if journal_whole and not shards and cut is None:
        raise fail(f"nothing to repair: {journal_whole} and so does every shard")
    records: dict[str, Any] = {}
    moves: dict[str, dict[str, Any]] = {}
    arriving = {s.owner for s in shards.values() if s.kind == "misplaced"}
    arriving |= {owner for s in shards.values() for owner in s.out}
    try:
        for article_id in sorted(named | set(pending) | set(shards) | arriving):
            found = _own_records(db, article_id, shards)
            if article_id in arriving:
                moves[article_id] = found = _moved_in(article_id, found, shards)
            found = dict(found)
            storage.apply_pending(found, pending.get(article_id, {}))
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
        gone = Counter(r["annotator"] for rs in shard.out.values() for r in rs.values())
        shards[article_id] = replace(
            shard,
            lost={
                name: sum(tags.values()) - sum(counted.get(name, {}).values()) - gone[name]
                for name, tags in was.items()
                if sum(tags.values()) > sum(counted.get(name, {}).values()) + gone[name]
            },
        )
    if foreign:
        return RepairPlan(
            db, raw, [], None, tables, {}, {}, False, shards, moves, None, 0, foreign,
            read_journal is not None,
        )  # fmt: skip
    return RepairPlan(
        db, data, pieces, torn_piece, tables, pending, lost, head_damaged, shards, moves, cut, held
    )


def _kind(path: Path) -> str:
    """What the file at ``path`` is, when no regular file: "a folder", "a symbolic link"…"""
    import stat

    from tuireader.errors import file_kind

    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "no regular file"
    return "a symbolic link" if stat.S_ISLNK(mode) else file_kind(mode)


def _own_records(db: Path, article_id: str, shards: dict[str, DamagedShard]) -> dict[str, Any]:
    """The records the article's own shard file holds (whole ones of a damaged file, none of a
    missing one or of one holding another article's), the journal's changes not applied."""
    from tuireader import storage
    from tuireader.dbformat.schema import INDEX

    shard = shards.get(article_id)
    if shard is None:
        return storage.gather_annotations(db, {INDEX: {article_id: {}}}, {})
    return {} if shard.kind == "misplaced" else dict(shard.records)


def _moved_in(owner: str, own: dict[str, Any], shards: dict[str, DamagedShard]) -> dict[str, Any]:
    """``own`` with the records of every shard misplaced under another name that belongs to
    ``owner`` (for an id in both, the newer record: its ``updated`` is later); each such shard
    is noted with how many of its records were there already."""
    merged = dict(own)
    for key, shard in list(shards.items()):
        for ann_id, record in shard.out.get(owner, {}).items():
            held = merged.get(ann_id)
            if held is None or str(held.get("updated", "")) < str(record.get("updated", "")):
                merged[ann_id] = record
        if shard.kind != "misplaced" or shard.owner != owner:
            continue
        there = 0
        for ann_id, record in shard.records.items():
            held = merged.get(ann_id)
            if held is not None:
                there += 1
                if str(held.get("updated", "")) >= str(record.get("updated", "")):
                    continue
            merged[ann_id] = record
        shards[key] = replace(shard, merged=there)
    return merged


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

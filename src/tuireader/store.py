"""The annotation store: tags on runs of whole sentences, saved to disk before a call returns.

One TinyDB file (see ``storage``) holds the annotations, article metadata, small UI state and the
schema version. Every mutating call takes the file lock, reloads the file if another process
replaced it since we last saw it, applies its change to that fresh data as record-level puts and
deletes, writes the file atomically and releases the lock. Two readers on one file can both
annotate and neither loses the other's work. A failed write rolls the in-memory state back,
leaves the old file untouched and raises ``StoreWriteError``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tuireader import storage as fileformat
from tuireader.anchoring import EXACT, FUZZY, MOVED, ORPHANED, reanchor
from tuireader.annotations import (
    ANCHOR_STATES,
    ARTICLE_FIELDS,
    Annotation,
    Quote,
    default_annotator,
    now_iso,
)
from tuireader.articles import Article
from tuireader.durable import collector_paused
from tuireader.errors import PathError, os_problem
from tuireader.history import Change, History
from tuireader.sentences import sentence_at
from tuireader.storage import (
    ANNOTATIONS,
    ARTICLES,
    STATE,
    AnnotationDB,
    AtomicJSONStorage,
    FileProblem,
    Stamp,
    Tables,
    empty_tables,
    migrate,
    parse,
    schema_version,
    stamp_of,
)
from tuireader.tags import DEFAULT_TAGS, TagSet

if TYPE_CHECKING:
    from filelock import BaseFileLock

__all__ = [
    "AnchorReport",
    "Change",
    "ImportResult",
    "Store",
    "StoreError",
    "StoreWriteError",
]


class StoreError(PathError):
    """The annotation file cannot be used; the message is one line, ``PATH: problem``."""


class StoreWriteError(StoreError):
    """A change could not be saved; it was rolled back and the file on disk is as it was."""


@dataclass(frozen=True)
class AnchorReport:
    """How an article's annotations sit on its current text after ``Store.attach``."""

    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    orphans: list[Annotation] = field(default_factory=list)
    changed: bool = False
    """Whether anything was re-anchored or re-recorded (and, unless read-only, written)."""

    @property
    def total(self) -> int:
        return self.exact + self.moved + self.fuzzy + self.orphaned


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0


Plan = tuple[str, list[Annotation], list[Annotation]]
"""A change as computed against the current records: label, records removed, records added."""

Entry = tuple[int, int, str, Annotation]
"""``(start, end, id, annotation)``: ids are unique, so tuples compare natively and never reach the
annotation (a key function would be called ~30 times per insert)."""

CHUNK = 256
"""Target length of a ``SpanIndex`` chunk: an insert moves at most ~2x this many pointers."""


BULK = 200
"""A change with more records than this rebuilds the articles' ``SpanIndex`` instead."""


def entry(ann: Annotation) -> Entry:
    return ann.start, ann.end, ann.id, ann


class SpanIndex:
    """One article's placed annotations in (start, end, id) order, for overlap queries in
    O(log n + k) and inserts and deletes in O(log n + CHUNK).

    A list of sorted chunks, not one flat list: inserting into the middle of a flat list of
    25,000 pointers costs ~15 µs here, and accepting 10,000 suggestions does that 10,000 times.
    Overlap queries start ``longest`` characters before the query, so they stay correct even if
    placed annotations overlap (imports do not check), without scanning everything.
    """

    __slots__ = ("_chunks", "_longest", "_maxes")

    def __init__(self, items: Iterable[Annotation] = ()) -> None:
        ordered = sorted(map(entry, items))
        self._chunks = [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]
        self._maxes = [c[-1] for c in self._chunks]
        self._longest = max((e[1] - e[0] for e in ordered), default=0)
        """An upper bound of ``end - start`` (only grows until the index is rebuilt)."""

    def copy(self) -> SpanIndex:
        new = SpanIndex()
        new._chunks = [list(c) for c in self._chunks]
        new._maxes = list(self._maxes)
        new._longest = self._longest
        return new

    def __iter__(self) -> Iterator[Annotation]:
        for chunk in self._chunks:
            for e in chunk:
                yield e[3]

    def __len__(self) -> int:
        return sum(len(c) for c in self._chunks)

    def add(self, ann: Annotation) -> None:
        new = entry(ann)
        self._longest = max(self._longest, ann.end - ann.start)
        chunks, maxes = self._chunks, self._maxes
        if not chunks:
            chunks.append([new])
            maxes.append(new)
            return
        i = min(bisect_left(maxes, new), len(maxes) - 1)
        chunk = chunks[i]
        insort(chunk, new)
        maxes[i] = chunk[-1]
        if len(chunk) > 2 * CHUNK:
            half = len(chunk) // 2
            chunks[i : i + 1] = [chunk[:half], chunk[half:]]
            maxes[i : i + 1] = [chunk[half - 1], chunk[-1]]

    def remove(self, ann: Annotation) -> bool:
        """Remove the entry with ``ann``'s start, end and id; False if there is none."""
        key = (ann.start, ann.end, ann.id)
        chunks, maxes = self._chunks, self._maxes
        i = bisect_left(maxes, key)
        if i == len(maxes):
            return False
        chunk = chunks[i]
        j = bisect_left(chunk, key)
        if j == len(chunk) or chunk[j][2] != ann.id:
            return False
        del chunk[j]
        if chunk:
            maxes[i] = chunk[-1]
        else:
            del chunks[i], maxes[i]
        return True

    def overlapping(self, start: int, end: int) -> list[Annotation]:
        """Entries overlapping ``start..end``, in order."""
        chunks = self._chunks
        low = (start - self._longest,)
        i = bisect_left(self._maxes, low)
        found: list[Annotation] = []
        j = bisect_left(chunks[i], low) if i < len(chunks) else 0
        while i < len(chunks):
            chunk = chunks[i]
            for k in range(j, len(chunk)):
                e = chunk[k]
                if e[0] >= end:
                    return found
                if e[1] > start:
                    found.append(e[3])
            i, j = i + 1, 0
        return found


NO_FILE = "no such annotation file (opened with create=False)"
"""``read_only_reason`` of a store opened with ``create=False`` on a missing file."""


class Store:
    """Annotations on one database file. Open with ``Store.open``; use as a context manager."""

    def __init__(
        self,
        path: Path,
        annotator: str,
        db: AnnotationDB,
        *,
        tags: TagSet,
        wait: float,
        read_only_reason: str | None,
    ) -> None:
        self.path = path
        self.annotator = annotator
        self.tags = tags
        self._tag_ids = frozenset(tags.ids)
        self.wait = wait
        self.read_only_reason = read_only_reason
        self._db = db
        self._lock: BaseFileLock | None = None
        """Made at the first write: filelock costs ~10 ms to import and readers never lock."""
        self._owner_path = path.with_name(path.name + ".lock.owner")
        self._history = History()
        self._anns: dict[str, Annotation | dict[str, Any]] = {}
        """By id: an Annotation, or its stored record (already validated) until first asked for.
        Opening a 50,000-annotation file then builds no objects for articles nobody opens."""
        self._by_article: dict[str, set[str]] = {}
        self._sorted: dict[str, SpanIndex] = {}
        """Per article, built when first asked for and then kept up to date change by change."""
        self._state_overlay: dict[str, Any] = {}
        self._closed = False
        self._swept = False
        self._index_journal: dict[str, Annotation | None] | None = None
        with collector_paused():
            self._reindex(*self._build_index(db.file.read()))

    # -- opening and closing ---------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        annotator: str | None = None,
        *,
        wait: float = 2.0,
        tags: TagSet = DEFAULT_TAGS,
        create: bool = True,
    ) -> Store:
        """Open the database at ``path``, creating it (and its folder) if missing.

        A corrupt, foreign or newer-schema file raises StoreError and is never modified. A file
        we may read but not write opens read-only, with ``read_only_reason`` saying why.

        ``create=False`` is for readers (``tuireader export``, ``stats``): opening writes
        nothing. A missing file gives an empty, read-only store (``read_only_reason`` says there
        is no such file; ``refresh`` picks the file up if it appears), with no folder, lock or
        file created. An older-schema file is upgraded in memory only, also read-only.
        """
        path = Path(path).expanduser()
        annotator = annotator or default_annotator()
        if path.is_dir():
            raise StoreError(path, "is a folder, not an annotation file")
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                problem = f"cannot create its folder ({os_problem(exc)})"
                raise StoreError(path, problem) from None
        reason = read_only_reason(path)
        with collector_paused():
            loaded = read_file(path)
        tables: Tables
        stamp: Stamp | None
        if loaded is None:
            if not create:
                reason, tables, stamp = NO_FILE, empty_tables(), None
            elif reason is not None:
                raise StoreError(path, f"cannot be created ({reason})")
            else:
                tables, stamp = _create_or_migrate(path, wait)
        else:
            tables, stamp = loaded
            old = schema_version(tables)
            if old != fileformat.SCHEMA_VERSION:
                if not create:
                    reason = f"schema {old}, upgraded in memory only (opened without writing)"
                if reason is None:
                    tables, stamp = _create_or_migrate(path, wait)
                else:
                    tables = _migrated(path, tables)  # in memory only; the file stays as it is
        db = AnnotationDB(path, storage=AtomicJSONStorage, tables=tables, stamp=stamp)
        return cls(path, annotator, db, tags=tags, wait=wait, read_only_reason=reason)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    # -- reading ---------------------------------------------------------------------------------
    def annotations(
        self, article_id: str | None = None, *, include_orphans: bool = False
    ) -> list[Annotation]:
        """Annotations sorted by (article_id, start). Orphans are left out unless asked for: their
        offsets point into text that no longer exists."""
        if article_id is not None:
            if include_orphans:
                group = self._group(article_id)
                return sorted(group, key=lambda a: (a.start, a.end, a.id))
            return list(self._placed(article_id))
        with collector_paused():
            everything = [self._get(i) for i in list(self._anns)]
        found = [
            a for a in everything if a is not None and (include_orphans or a.anchor != ORPHANED)
        ]
        return sorted(found, key=lambda a: (a.article_id, a.start, a.end, a.id))

    def annotation(self, annotation_id: str) -> Annotation | None:
        return self._get(annotation_id)

    def annotation_at(self, article_id: str, offset: int) -> Annotation | None:
        found = self._placed(article_id).overlapping(offset, offset + 1)
        return found[0] if found else None

    def orphans(self, article_id: str | None = None) -> list[Annotation]:
        return [
            a for a in self.annotations(article_id, include_orphans=True) if a.anchor == ORPHANED
        ]

    def __len__(self) -> int:
        return len(self._anns)

    def article_meta(self, article_id: str) -> dict[str, Any] | None:
        meta = self._db.records(ARTICLES).get_raw(article_id)
        return dict(meta) if meta is not None else None

    def articles_meta(self) -> list[dict[str, Any]]:
        return [dict(m) for m in self._db.records(ARTICLES).raw().values()]

    def get_state(self, key: str, default: Any = None) -> Any:
        if key in self._state_overlay:
            return self._state_overlay[key]
        doc = self._db.records(STATE).get_raw(key)
        return default if doc is None else doc.get("value", default)

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    def refresh(self) -> bool:
        """Reload the file if another process replaced it; True if it did. Cheap (one ``stat``)
        when nothing changed, so a UI may call it on focus or a timer; every write calls it."""
        file = self._db.file
        stamp = stamp_of(self.path)
        if stamp is None or stamp == file.stamp:
            # A deleted file is simply written again from memory at the next change.
            return False
        with collector_paused():
            loaded = read_file(self.path, changed=True)
            if loaded is None:
                return False
            tables = _migrated(self.path, loaded[0])
            index = self._build_index(tables)
        file.replace_tables(tables, loaded[1])
        for name in tables:
            self._db.records(name).clear_cache()
        self._reindex(*index)
        return True

    # -- changing --------------------------------------------------------------------------------
    def tag(self, article: Article, first: int, last: int, tag: str) -> Change:
        """Tag sentences ``first..last`` (inclusive). The same tag on exactly that run removes it."""
        self._check_tag(tag)
        self._check_run(article, first, last)
        return self._commit(lambda: self._plan_run(article, first, last, tag, toggle=True))

    def clear(self, article: Article, first: int, last: int) -> Change | None:
        """Remove tags from sentences ``first..last``; None when none were tagged."""
        self._check_run(article, first, last)
        change = self._commit(lambda: self._plan_run(article, first, last, None, toggle=False))
        return change or None

    def tag_many(
        self, article: Article, runs: Sequence[tuple[int, int, str]], label: str
    ) -> Change:
        """Apply several runs as ONE undo step and one write. A run that already carries its tag
        is left alone (never toggled off), so accepting suggestions twice is harmless."""
        for first, last, tag in runs:
            self._check_tag(tag)
            self._check_run(article, first, last)

        work = SpanIndex()

        def plan() -> Plan:
            # Each run is planned against the outcome of the runs before it, kept in a copy of
            # the article's index, so a run costs O(log n + k), not a scan of the article.
            nonlocal work
            work = self._placed(article.id).copy()
            now = now_iso()
            originals: dict[str, Annotation | None] = {}
            current: dict[str, Annotation | None] = {}
            for first, last, tag in runs:
                _, removed, added = self._plan_run(article, first, last, tag, False, work, now)
                for a in removed:
                    originals.setdefault(a.id, self._get(a.id))
                    work.remove(a)
                    current[a.id] = None
                for a in added:
                    originals.setdefault(a.id, self._get(a.id))
                    work.add(a)
                    current[a.id] = a
            before = [o for i, o in originals.items() if o is not None and current[i] != o]
            after = [c for i, o in originals.items() if (c := current[i]) is not None and c != o]
            return label, before, after

        with collector_paused():
            change = self._commit(plan)
        # Saved: ``work`` now holds exactly the article's placed annotations.
        self._sorted[article.id] = work
        return change

    def set_note(self, annotation_id: str, note: str) -> Change:
        """Set an annotation's note; an unchanged note is an empty (falsy) Change."""

        def plan() -> Plan:
            old = self._get(annotation_id)
            if old is None:
                raise StoreError(self.path, f"no annotation with id {annotation_id}")
            if old.note == note:
                return "note", [], []
            return "note", [old], [old.changed(note=note, annotator=self.annotator)]

        return self._commit(plan)

    def undo(self) -> Change | None:
        change = self._history.peek_undo()
        if change is None:
            return None
        inverse = self._replay(change.inverse(f"undo {change.label}"))
        self._history.undone()
        return inverse

    def redo(self) -> Change | None:
        change = self._history.peek_redo()
        if change is None:
            return None
        again = self._replay(Change(f"redo {change.label}", change.before, change.after))
        self._history.redone()
        return again

    def _replay(self, change: Change) -> Change:
        """Write a step of the history again (not recorded: the caller moves it between stacks)."""
        self._commit(lambda: (change.label, list(change.before), list(change.after)), False)
        return change

    def set_state(self, key: str, value: Any) -> None:
        """Small UI state (last article, cursor per article), written through when it changes.
        On a read-only store it is kept for this session only."""
        self.set_states({key: value})

    def set_states(self, values: Mapping[str, Any]) -> None:
        """Several ``set_state`` values in one write (each write rewrites the whole file)."""
        changed = {k: v for k, v in values.items() if self.get_state(k, _MISSING) != v}
        if not changed:
            return
        if self.read_only:
            self._state_overlay.update(changed)
            return
        with self._writing():
            records = self._db.records(STATE)
            for key, value in changed.items():
                records.put(key, {"value": value})

    def attach(self, article: Article) -> AnchorReport:
        """Re-anchor the article's annotations to its current text and record its metadata.

        Also adopts annotations stored under an older id of the same file (found by its recorded
        path), when at least one of them can be placed on the new text: an edited file keeps its
        annotations, while a file reused for a different story leaves the old ones where they were.
        Writes only when something changed.
        """
        seen = self._db.file.stamp
        report, removed, added, meta, dropped = self._plan_attach(article)
        if not report.changed:
            return report
        if self.read_only:
            # Shown correctly for this session; nothing is written. Every removed record is an
            # earlier version of an added one, which replaces it.
            for a in added:
                self._index_put(a)
            return report
        with self._writing():
            if self._db.file.stamp != seen:
                # Another process changed the file: plan again on what is there now (re-anchoring
                # a long book costs seconds, so not when the file is as it was).
                report, removed, added, meta, dropped = self._plan_attach(article)
            self._apply(removed, added)
            articles = self._db.records(ARTICLES)
            if articles.get_raw(article.id) != meta:
                articles.put(article.id, meta)
            for old_id in dropped:
                articles.delete(old_id)
        return report

    def record_articles(self, metas: Iterable[Mapping[str, Any]]) -> int:
        """Record metadata of articles known without their text (an import): ``id``, ``title``,
        ``date``, ``path``, ``sentence_count`` (missing keys count as null).

        Only fills what is not known yet: a value already recorded (by ``attach`` from the real
        article, or earlier) is never replaced, least of all by a null, and an entry with
        nothing but an id records nothing. ``attach`` later records the real article's values
        over these. One write, only if something changed; returns how many records were added
        or completed. Raises ValueError for a malformed entry (before anything is written).
        """
        incoming = [_article_meta(i, m) for i, m in enumerate(metas, 1)]
        if not self._plan_articles(incoming):
            return 0
        with self._writing():
            # Planned again on what the file holds now (another process may have written).
            changes = self._plan_articles(incoming)
            self._db.records(ARTICLES).put_many(changes)
        return len(changes)

    def _plan_articles(self, incoming: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        known = self._db.records(ARTICLES).raw()
        changes: dict[str, dict[str, Any]] = {}
        for meta in incoming:
            old = changes.get(meta["id"]) or known.get(meta["id"])
            if old is None:
                if all(meta[f] is None for f in ARTICLE_FIELDS[1:]):
                    continue
                new = meta
            else:
                new = dict(old)
                for name, value in meta.items():
                    if new.get(name) is None and value is not None:
                        new[name] = value
                if new == old:
                    continue
            changes[meta["id"]] = new
        return changes

    def import_annotations(self, items: Iterable[Annotation]) -> ImportResult:
        """Add annotations from elsewhere in one atomic write. For an id already present the one
        with the newer ``updated`` wins; equal or older ones are skipped."""
        incoming = list(items)  # tags outside the tag set are kept, as on opening a file
        added = updated = skipped = 0
        with self._writing():
            latest: dict[str, Annotation] = {}
            for a in incoming:
                known = latest.get(a.id) or self._get(a.id)
                if known is None:
                    added += 1
                elif _newer(a.updated, known.updated):
                    updated += 1
                else:
                    skipped += 1
                    continue
                latest[a.id] = a
            self._apply([], list(latest.values()))
        return ImportResult(added, updated, skipped)

    # -- planning changes ------------------------------------------------------------------------
    def _plan_run(
        self,
        article: Article,
        first: int,
        last: int,
        tag: str | None,
        toggle: bool,
        index: SpanIndex | None = None,
        now: str | None = None,
    ) -> Plan:
        """Records removed and added to give sentences first..last the tag (or none).

        An annotation partly covered by the run is cut back to its remaining whole sentences
        (keeping its id on the first piece, so exports and notes follow it).
        """
        sentences = article.sentences
        body = article.body
        start, end = sentences[first].start, sentences[last].end
        index = index if index is not None else self._placed(article.id)
        overlapping = index.overlapping(start, end)
        same = next((a for a in overlapping if (a.start, a.end) == (start, end)), None)
        if tag is not None and same is not None and same.tag == tag and len(overlapping) == 1:
            return ("untag", [same], []) if toggle else (f"tag {tag}", [], [])

        now = now or now_iso()
        removed: list[Annotation] = []
        added: list[Annotation] = []
        for old in overlapping:
            removed.append(old)
            if old is same:
                continue
            i = sentence_at(sentences, old.start)
            indexes: list[int] = []
            while i is not None and i < len(sentences) and sentences[i].start < old.end:
                indexes.append(i)
                i += 1
            keep_id = True
            for piece in ([i for i in indexes if i < first], [i for i in indexes if i > last]):
                if not piece:
                    continue
                a, b = sentences[piece[0]].start, sentences[piece[-1]].end
                added.append(
                    replace(
                        old,
                        id=old.id if keep_id else new_id(),
                        start=a,
                        end=b,
                        quote=Quote.from_body(body, a, b),
                        annotator=self.annotator,
                        updated=now,
                        anchor=EXACT,
                    )
                )
                keep_id = False
        if tag is None:
            return "untag", removed, added
        quote = Quote.from_body(body, start, end)
        if same is not None:
            # A retag of the same run keeps the record (id, created, note).
            new = replace(
                same, tag=tag, annotator=self.annotator, quote=quote, anchor=EXACT, updated=now
            )
        else:
            new = Annotation(
                article.id, start, end, tag, quote, self.annotator, id=new_id(), created=now
            )
        added.append(new)
        return f"tag {tag}", removed, added

    def _plan_attach(
        self, article: Article
    ) -> tuple[AnchorReport, list[Annotation], list[Annotation], dict[str, Any], list[str]]:
        meta = article_record(article)
        articles = self._db.records(ARTICLES).raw()
        group = self._group(article.id)
        dropped: list[str] = []
        if meta["path"] is not None:
            for old_id, old_meta in articles.items():
                if old_id == article.id or old_meta.get("path") != meta["path"]:
                    continue
                old = self._group(old_id)
                if not old or any(p.state != ORPHANED for p in reanchor(old, article)):
                    group += old
                    dropped.append(old_id)
        # Settled together, so adopted records cannot overlap the current ones.
        placements = reanchor(group, article)

        counts = {EXACT: 0, MOVED: 0, FUZZY: 0, ORPHANED: 0}
        removed: list[Annotation] = []
        added: list[Annotation] = []
        orphans: list[Annotation] = []
        for p in placements:
            counts[p.state] += 1
            if p.state == ORPHANED:
                orphans.append(p.annotation)
            old_record = self._get(p.annotation.id)
            assert old_record is not None
            if p.annotation != old_record:
                removed.append(old_record)
                added.append(p.annotation)
        changed = bool(added) or bool(dropped) or articles.get(article.id) != meta
        report = AnchorReport(
            exact=counts[EXACT],
            moved=counts[MOVED],
            fuzzy=counts[FUZZY],
            orphaned=counts[ORPHANED],
            orphans=sorted(orphans, key=lambda a: a.start),
            changed=changed,
        )
        return report, removed, added, meta, dropped

    # -- applying changes ------------------------------------------------------------------------
    def _commit(self, plan: Callable[[], Plan], record: bool = True) -> Change:
        """Plan under the lock against fresh data, apply, write; then (only then) record it."""
        with self._writing():
            label, removed, added = plan()
            self._apply(removed, added)
        change = Change(label, tuple(removed), tuple(added))
        if record and change:
            self._history.record(change)
        return change

    def _apply(self, removed: Sequence[Annotation], added: Sequence[Annotation]) -> None:
        table = self._db.records(ANNOTATIONS)
        keep = {a.id for a in added}
        gone = [a.id for a in removed if a.id not in keep]
        if len(gone) + len(added) > BULK:
            # Cheaper to sort the article once when it is next asked for than to insert each.
            for a in (*removed, *added):
                self._sorted.pop(a.article_id, None)
        table.delete_many(gone)
        for ann_id in gone:
            self._index_remove(ann_id)
        table.put_many({a.id: record_of(a) for a in added})
        for a in added:
            self._index_put(a)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Lock, catch up with the file, run the body as one transaction, write once."""
        if self._closed:
            raise StoreError(self.path, "the annotation store is closed")
        if self.read_only_reason is not None:
            raise StoreWriteError(self.path, f"not saved: read-only ({self.read_only_reason})")
        with self._locked():
            if not self._swept:
                self._db.file.remove_stale_temps()
                self._swept = True
            self.refresh()
            self._index_journal = {}
            try:
                with self._db.file.transaction():
                    yield
            except BaseException as exc:
                self._roll_back_index()
                if not isinstance(exc, OSError):
                    raise
                raise StoreWriteError(
                    self.path,
                    f"not saved ({os_problem(exc)}); the change was rolled back and the file "
                    "is as it was",
                ) from exc
            finally:
                self._index_journal = None

    def _roll_back_index(self) -> None:
        """Put the in-memory records back as they were (the storage has done so for the data)."""
        journal, self._index_journal = self._index_journal or {}, None
        for ann_id, old in journal.items():
            if old is None:
                self._index_remove(ann_id)
            else:
                self._index_put(old)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(lock_path(self.path)), timeout=self.wait)
        lock = self._lock
        try:
            lock.acquire(timeout=self.wait)
        except Timeout:
            raise StoreWriteError(
                self.path,
                f"not saved: the file is locked by {self._lock_holder()} "
                f"(waited {self.wait:g} s); try again",
            ) from None
        except OSError as exc:
            raise StoreWriteError(
                self.path, f"not saved: cannot lock the file ({os_problem(exc)})"
            ) from None
        try:
            self._write_owner()
            yield
        finally:
            lock.release()

    def _write_owner(self) -> None:
        # Only so a process that times out can say who holds the lock; not needed for safety.
        import socket  # only here, and not needed by readers

        with contextlib.suppress(OSError):
            self._owner_path.write_text(
                f"tuireader pid {os.getpid()} ({self.annotator}@{socket.gethostname()})",
                encoding="utf-8",
            )

    def _lock_holder(self) -> str:
        try:
            return self._owner_path.read_text(encoding="utf-8").strip() or "another process"
        except OSError:
            return "another process"

    # -- the in-memory index ---------------------------------------------------------------------
    def _build_index(self, tables: Tables) -> tuple[dict[str, Any], dict[str, set[str]]]:
        """Validate every stored annotation (a bad one refuses the whole file) and group the ids
        by article. Records stay records here; ``_get`` builds each Annotation when first used."""
        records: dict[str, Any] = tables[ANNOTATIONS]
        # Tags outside this store's tag set are kept: the file may have been annotated with
        # another codebook, and opening it under this one must neither refuse nor drop them.
        article_ids = plain_article_ids(records, None)
        if article_ids is None:
            for key, record in records.items():
                problem = record_problem(key, record, None)
                if problem is not None:
                    raise StoreError(self.path, f"annotation {key} {problem}")
            article_ids = [record["article_id"] for record in records.values()]
        by_article: dict[str, set[str]] = {}
        for key, article_id in zip(records, article_ids, strict=True):
            ids = by_article.get(article_id)
            if ids is None:
                by_article[article_id] = {key}
            else:
                ids.add(key)
        return dict(records), by_article

    def _reindex(self, anns: dict[str, Any], by_article: dict[str, set[str]]) -> None:
        self._anns = anns
        self._by_article = by_article
        self._sorted.clear()

    def _get(self, ann_id: str) -> Annotation | None:
        found = self._anns.get(ann_id)
        if found is None or isinstance(found, Annotation):
            return found
        ann = _from_valid_record(ann_id, found)
        self._anns[ann_id] = ann
        return ann

    def _group(self, article_id: str) -> list[Annotation]:
        """The article's annotations, orphans included, in no particular order."""
        found = (self._get(i) for i in self._by_article.get(article_id, ()))
        return [a for a in found if a is not None]

    def _index_put(self, ann: Annotation) -> None:
        self._index_remove(ann.id)
        self._anns[ann.id] = ann
        self._by_article.setdefault(ann.article_id, set()).add(ann.id)
        placed = self._sorted.get(ann.article_id)
        if placed is not None and ann.anchor != ORPHANED:
            placed.add(ann)

    def _index_remove(self, ann_id: str) -> None:
        old = self._get(ann_id)
        if self._index_journal is not None:
            self._index_journal.setdefault(ann_id, old)
        if old is None:
            return
        del self._anns[ann_id]
        ids = self._by_article.get(old.article_id)
        if ids is not None:
            ids.discard(ann_id)
            if not ids:
                del self._by_article[old.article_id]
        placed = self._sorted.get(old.article_id)
        if placed is not None and old.anchor != ORPHANED:
            placed.remove(old)

    def _placed(self, article_id: str) -> SpanIndex:
        placed = self._sorted.get(article_id)
        if placed is None:
            placed = SpanIndex(a for a in self._group(article_id) if a.anchor != ORPHANED)
            self._sorted[article_id] = placed
        return placed

    # -- checks ----------------------------------------------------------------------------------
    def _check_tag(self, tag: str) -> None:
        if tag not in self._tag_ids:
            known = ", ".join(self.tags.ids)
            raise StoreError(self.path, f"unknown tag {tag!r} (known: {known})")

    @staticmethod
    def _check_run(article: Article, first: int, last: int) -> None:
        if not 0 <= first <= last < len(article.sentences):
            raise ValueError(
                f"sentence run {first}..{last} is outside 0..{len(article.sentences) - 1}"
            )


_MISSING = object()


def record_of(ann: Annotation) -> dict[str, Any]:
    """The stored form: ``Annotation.to_dict`` without what is implied (the id is the record's
    key; an empty note, ``updated == created`` and an exact anchor are defaults). Every byte is
    written again on each change, so at 50,000 records this saves a fifth of the write."""
    # Built by hand: ``dataclasses.asdict`` deep-copies and costs ~20 µs a record, which adds up
    # to 200 ms when 10,000 suggestions are accepted at once. Same keys, same order.
    quote = ann.quote
    record: dict[str, Any] = {
        "article_id": ann.article_id,
        "start": ann.start,
        "end": ann.end,
        "tag": ann.tag,
        "quote": {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix},
        "annotator": ann.annotator,
    }
    if ann.note:
        record["note"] = ann.note
    record["created"] = ann.created
    if ann.updated != ann.created:
        record["updated"] = ann.updated
    if ann.anchor != EXACT:
        record["anchor"] = ann.anchor
    return record


def _from_valid_record(key: str, record: dict[str, Any]) -> Annotation:
    """Inverse of ``record_of`` for a record ``record_problem`` accepts (full ``to_dict``
    records too)."""
    quote = record["quote"]
    created = record["created"]
    return Annotation(
        record["article_id"],
        record["start"],
        record["end"],
        record["tag"],
        Quote(quote["exact"], quote.get("prefix", ""), quote.get("suffix", "")),
        record.get("annotator", ""),
        record.get("note", ""),
        key,
        created,
        record.get("updated") or created,
        record.get("anchor", EXACT),
    )


REQUIRED_FIELDS = ("article_id", "start", "end", "tag", "quote", "created")
OPTIONAL_TEXT_FIELDS = ("annotator", "note", "updated", "anchor")
QUOTE_TEXT_FIELDS = ("prefix", "suffix")
ANCHORS = frozenset(ANCHOR_STATES)
_COLUMNS = [itemgetter(f) for f in (*REQUIRED_FIELDS, "annotator")]
_QUOTE_PARTS = itemgetter("exact", *QUOTE_TEXT_FIELDS)
_PLAIN_SIZE = len(REQUIRED_FIELDS) + 1
"""A record with just the required fields and ``annotator`` (most records: no note, no edit).
The store always writes ``annotator``; a file without it takes the slow path."""


def record_problem(key: str, record: Any, tag_ids: Sequence[str] | None) -> str | None:
    """Why a stored annotation record is unusable (``"is malformed"``, ...), or None.

    The one definition of a valid record (``plain_article_ids`` is a fast path for the common
    shape). Types are exact (``start`` is an int, not ``"12"`` or ``true``): the store writes
    nothing else.
    """
    if type(record) is not dict or not all(f in record for f in REQUIRED_FIELDS):
        return "is malformed"
    quote = record["quote"]
    if (
        type(record["article_id"]) is not str
        or type(record["start"]) is not int
        or type(record["end"]) is not int
        or type(record["tag"]) is not str
        or type(record["created"]) is not str
        or type(quote) is not dict
        or type(quote.get("exact")) is not str
        or any(type(quote.get(f, "")) is not str for f in QUOTE_TEXT_FIELDS)
        or any(type(record.get(f, "")) is not str for f in OPTIONAL_TEXT_FIELDS)
        or record.get("anchor", EXACT) not in ANCHORS
    ):
        return "is malformed"
    if "id" in record and record["id"] != key:
        return "is stored under the wrong id"
    if tag_ids is not None and record["tag"] not in tag_ids:
        known = ", ".join(tag_ids)
        return f"has unknown tag {record['tag']!r} (known: {known})"
    return None


def plain_article_ids(records: dict[str, Any], tag_ids: frozenset[str] | None) -> list[str] | None:
    """Each record's article id, if every record is valid and the common shape allows checking
    it column by column with C-level ``map``s; None otherwise (then ask ``record_problem``).

    At 50,000 records this takes ~40 ms, where building and checking Annotation objects one by
    one took ~500 ms. Records with a note, an edit or an anchor mark are checked one by one.
    """
    values = list(records.values())
    if not values:
        return []
    try:
        article_ids, starts, ends, tags, quotes, created, annotators = (
            list(map(column, values)) for column in _COLUMNS
        )
        if (
            set(map(type, article_ids)) != {str}
            or set(map(type, starts)) != {int}
            or set(map(type, ends)) != {int}
            or set(map(type, created)) != {str}
            or set(map(type, annotators)) != {str}
            or set(map(type, quotes)) != {dict}
            or set(map(type, tags)) != {str}
            or (tag_ids is not None and not set(tags) <= tag_ids)
            or set(map(type, chain.from_iterable(map(_QUOTE_PARTS, quotes)))) != {str}
        ):
            return None
    except (KeyError, TypeError):
        # Not a dict, a missing field (annotator included), or an unhashable tag.
        return None
    if set(map(len, values)) != {_PLAIN_SIZE}:
        unusual = ((k, r) for k, r in records.items() if len(r) != _PLAIN_SIZE)
        if any(record_problem(k, r, None) is not None for k, r in unusual):
            return None
    return article_ids


def new_id() -> str:
    """A random (version 4) UUID string, as ``str(uuid.uuid4())`` at half its cost."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _article_meta(position: int, meta: Mapping[str, Any]) -> dict[str, Any]:
    """An entry for ``record_articles``, checked and with every field (null when missing)."""
    checked = {name: meta.get(name) for name in ARTICLE_FIELDS}
    count = checked["sentence_count"]
    problem = None
    if not isinstance(checked["id"], str) or not checked["id"]:
        problem = "no article id"
    elif any(
        checked[f] is not None and type(checked[f]) is not str for f in ("title", "date", "path")
    ):
        problem = "title, date and path must be text or null"
    elif count is not None and (type(count) is not int or count < 0):
        problem = "sentence_count must be a non-negative integer or null"
    if problem is not None:
        raise ValueError(f"article metadata {position}: {problem}")
    return checked


def article_record(article: Article) -> dict[str, Any]:
    """What the articles table keeps about an article (no timestamps: an unchanged article is
    not a change, so opening it writes nothing)."""
    path = str(article.path.resolve()) if article.path is not None else None
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "path": path,
        "sentence_count": len(article.sentences),
    }


def read_only_reason(path: Path) -> str | None:
    if path.exists() and not os.access(path, os.W_OK):
        return "no permission to write the file"
    if not os.access(path.parent, os.W_OK):
        return f"no permission to write in {path.parent}"
    return None


def read_file(path: Path, *, changed: bool = False) -> tuple[Tables, Stamp] | None:
    """The file's tables and the stamp of exactly the version read (fstat of the same open file,
    so a concurrent replace cannot pair new data with an old stamp); None if there is no file;
    StoreError if it is not ours."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreError(path, "is a folder, not an annotation file") from None
    except OSError as exc:
        raise StoreError(path, f"cannot be read ({os_problem(exc)})") from None
    try:
        return parse(data), Stamp(st.st_ino, st.st_size, st.st_mtime_ns)
    except FileProblem as exc:
        problem = exc.problem
        if changed:
            problem = f"was changed on disk by something else and is now {problem}; not saved"
        backup = path.with_name(path.name + ".bak")
        if backup.exists():
            problem += f"; the last good copy is {backup}"
        raise StoreError(path, problem) from None


def _migrated(path: Path, tables: Tables) -> Tables:
    try:
        return migrate(tables)
    except FileProblem as exc:
        raise StoreError(path, exc.problem) from None


def _create_or_migrate(path: Path, wait: float) -> tuple[Tables, Stamp]:
    """Under the lock: create a missing file, or upgrade an older schema (keeping a copy)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(path)), timeout=wait)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise StoreError(path, f"is locked by another process (waited {wait:g} s)") from None
    except OSError as exc:
        raise StoreError(path, f"cannot be locked ({os_problem(exc)})") from None
    try:
        loaded = read_file(path)
        if loaded is None:
            tables = empty_tables()
        else:
            old = schema_version(loaded[0])
            if old == fileformat.SCHEMA_VERSION:
                return loaded  # another process created or upgraded it meanwhile
            tables = _migrated(path, loaded[0])
            try:
                import shutil  # rarely needed; it pulls in the compression modules

                shutil.copyfile(path, path.with_name(f"{path.name}.v{old}.bak"))
            except OSError as exc:
                problem = f"cannot keep a copy before upgrading ({os_problem(exc)})"
                raise StoreError(path, problem) from None
        file = AtomicJSONStorage(path, tables)
        try:
            file.flush()
        except OSError as exc:
            raise StoreError(path, f"cannot be written ({os_problem(exc)})") from None
        assert file.stamp is not None
        return tables, file.stamp
    finally:
        lock.release()


def _newer(a: str, b: str) -> bool:
    try:
        return _when(a) > _when(b)
    except ValueError:
        return a > b


def _when(stamp: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)

"""The annotation store: each annotator's tags on runs of whole sentences, saved to disk before a
call returns.

A main TinyDB file (see ``storage``) holds the article metadata, done marks, small UI state, an
index of annotation counts per article and the schema version; each article's annotations are a
TinyDB file of their own, read when the article is first asked for. A store is opened for one annotator, and every edit (tag, clear,
range, accept-all, note, undo, redo) touches only that annotator's layer: overlap between
annotators is normal, and nothing one annotator does cuts, replaces, orphans or deletes
another's annotation.

Every mutating call takes the file lock, reloads the file if another process replaced it since
we last saw it, plans its change (``editing``) against that fresh data, writes the file
atomically and releases the lock; only then is the change recorded for undo. A failed write
rolls the in-memory state back, leaves the old file untouched and raises ``StoreWriteError``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from tuireader import correction_records
from tuireader.annotations import (
    AnchorState,
    Annotation,
    Provenance,
    default_annotator,
    now_iso,
)
from tuireader.articles import Article
from tuireader.boundaries import Boundary, MergeQuestion, merge_question
from tuireader.boundaries import from_record as boundary_from_record
from tuireader.boundaries import to_record as boundary_record
from tuireader.dbformat.index import entry_total
from tuireader.dbformat.schema import ARTICLES, BOUNDARIES, DONE, INDEX, STATE, FileProblem, Tables
from tuireader.durable import collector_paused
from tuireader.history import Change, History
from tuireader.records import (
    DoneMark,
    StoredRecord,
    TagRow,
    done_from_record,
    done_to_record,
    tag_row,
    tag_rows,
    to_stored,
)
from tuireader.sentences import Sentence
from tuireader.storage import AtomicJSONStorage, Stamp, stamp_of
from tuireader.store import corrections, imports
from tuireader.store.backend import Backend
from tuireader.store.catching_up import (
    Catchups,
    Position,
    appended_entries,
    changed_articles,
    only_appended,
    position_of,
)
from tuireader.store.checks import check_tables
from tuireader.store.corrections import Correction
from tuireader.store.editing import (
    AnchorReport,
    Plan,
    attach_records,
    plan_attach,
    plan_run,
    plan_runs,
    plan_span,
    replay_conflict,
)
from tuireader.store.files import (
    FileBackend,
    OwnerFile,
    StoreError,
    StoreWriteError,
    migrated,
    open_data,
    real_path,
    sweep,
    write_failure,
)
from tuireader.store.imports import ArticleRecords, check_tag
from tuireader.store.layers import BULK, SpanIndex
from tuireader.store.loaded import LoadedArticles
from tuireader.store.merging import ImportReport, ImportResult
from tuireader.store.metadata import (
    SamePath,
    article_record,
    checked_articles,
    ids_under,
    merged_articles,
)
from tuireader.store.tables import AnnotationDB
from tuireader.store.threads import serialised, takes_its_own_lock
from tuireader.tags import DEFAULT_TAGS, TagSet


class UndoConflict(StoreError):
    """An undo or redo step that would clobber a change made since in another window; the step
    is dropped from this window's history and nothing is written."""


_MISSING = object()

ATTACH_BATCH = 10_000
"""Stored annotations (of the articles attached) per write of ``attach_all``."""


@dataclass(frozen=True)
class _Attaching:
    """An attach planned: the report, the re-anchoring, the article's record, the old ids
    adopted, and the sentence corrections whose record changed."""

    report: AnchorReport
    plan: Plan
    meta: dict[str, Any]
    dropped: list[str]
    corrected: list[Boundary]

    @property
    def needed(self) -> bool:
        return self.report.changed or bool(self.corrected)


_ANNOTATIONS_ORDER = attrgetter("article_id", "start", "end", "annotator", "id")


def _article_order(a: Annotation) -> tuple[int, int, str, str]:
    return (a.start, a.end, a.annotator, a.id)


@serialised
class Store:
    """Annotations on one database file. Open with ``Store.open``; use as a context manager.
    Safe to share between threads (``store.threads`` says how)."""

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
        self.wait = wait
        self.read_only_reason = read_only_reason
        self.generation = 0
        """Counts the reloads of data another process wrote (including those a write of ours
        does first). A view that remembers it and sees it change must redraw from the store."""
        self._catchups = Catchups()
        """Which articles the entries caught up with changed (``changed_since``)."""
        if db.file.stamp is not None:
            self._catchups.reloaded(position_of(db.file.stamp))
        self._db = db
        self._backend: Backend = FileBackend(path, wait)
        self._owner = OwnerFile(path)
        self._history = History()
        self._loaded = LoadedArticles(path, db.file)
        """The record cache: the annotations of the articles read, and their layers."""
        self._state_overlay: dict[str, Any] = {}
        self._closed = False
        self._stuck_said = False
        self._swept = False
        self._corrected = corrections.CorrectedArticles()
        """Articles whose sentences carry this store's corrections, to correct again when
        those change (undo, another window)."""
        self._mutex = threading.RLock()
        """Held by every public method (``store.threads``)."""
        self._compacting = False
        """A compaction in another thread is writing files: ``refresh`` must not mistake its
        new main file for another process's."""
        self.compactions = 0
        """Twice the compactions made by ``Store.compact`` (even while none is replacing files,
        odd while one is): a reader on another handle of the same files
        (``ui/store_reader.StoreReader``) that sees it change during a read reads again, as a
        shard it read may already be folded. Not counted: a full write the storage layer makes
        on its own (it replaces shards too)."""

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
        """Open the database at ``path`` for ``annotator``, creating it (and its folder) if
        missing. A symlink is followed: the data, the lock and the backups are the target's.

        A corrupt, foreign or newer-schema file, or one that is not a regular file, raises
        StoreError and is never modified. A file we may read but not write opens read-only,
        with ``read_only_reason`` saying why.

        ``create=False`` is for readers (``tuireader export``, ``stats``): opening writes
        nothing. A missing file gives an empty, read-only store (``read_only_reason`` says there
        is no such file; ``refresh`` picks the file up if it appears), with no folder, lock or
        file created. An older-schema file is upgraded in memory only, also read-only.
        """
        path = real_path(Path(path).expanduser())
        annotator = default_annotator() if annotator is None else annotator

        def check(tables: Tables) -> None:
            check_tables(path, tables)

        tables, unfolded, stamp, reason = open_data(path, wait, create=create, check=check)
        db = AnnotationDB(
            path, storage=AtomicJSONStorage, tables=tables, stamp=stamp, unfolded=unfolded
        )
        if create and reason is None and db.file.stale_temps():
            sweep(path, db.file)
        return cls(path, annotator, db, tags=tags, wait=wait, read_only_reason=reason)

    def stuck_mark(self) -> str | None:
        """Why a compaction could not remove the journal's mark (a folder or a FIFO under its
        name, or a file neither removable nor writable: then a journal cut short is no longer
        told from a whole one), in one line, the first time it is asked after that happened;
        else None. To be said once: it stays so at every compaction after."""
        reason = self._db.file.stuck_mark
        if reason is None or self._stuck_said:
            return None
        self._stuck_said = True
        return reason

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
        self,
        article_id: str | None = None,
        annotator: str | None = None,
        *,
        include_orphans: bool = False,
    ) -> list[Annotation]:
        """Annotations of every layer, or of ``annotator``'s, sorted by (article_id, start, end,
        annotator, id). Orphans are left out unless asked for: their offsets point into text
        that no longer exists. An article read only for this call is not kept loaded, so a
        caller going through every article (export, stats) holds one at a time."""
        if article_id is not None and annotator is not None and not include_orphans:
            return list(self._loaded.layer(article_id, annotator))
        if article_id is not None:
            loaded = self._loaded
            found = loaded.group(article_id) if loaded.loaded(article_id) else []
            if not loaded.loaded(article_id) and not loaded.refused(article_id):
                try:
                    found = loaded.unkept(article_id)
                except StoreError:
                    if not loaded.refused(article_id):
                        raise
        else:
            found = [a for _, group in self.each_article(annotator) for a in group]
        chosen = [
            a
            for a in found
            if (annotator is None or a.annotator == annotator)
            and (include_orphans or a.anchor is not AnchorState.ORPHANED)
        ]
        with collector_paused():  # a key tuple per annotation: 55,000 for a book
            return sorted(chosen, key=_ANNOTATIONS_ORDER)

    def tag_rows(self, article_id: str) -> list[TagRow]:
        """The article's annotations of every layer, orphans included, in no particular order,
        as the light rows counting and agreement read (``stats``, ``agree``): read straight
        from the checked records, no ``Annotation`` is built. Like ``annotations``, an article
        read only for this call is not kept loaded; a refused shard raises ``StoreError``."""
        if not self._loaded.loaded(article_id):
            return tag_rows(self._loaded.checked_shard(article_id))
        with collector_paused():
            built, stored = self._loaded.held_records(article_id)
            return [tag_row(a) for a in built] + tag_rows(stored)

    def stored_records(self, article_id: str) -> dict[str, dict[str, Any]]:
        """The article's annotations of every layer, orphans included, in no particular order,
        as stored (id to ``records.to_stored`` record, checked): what a streamed export reads,
        straight from its shard, without an ``Annotation`` or an exported record each. Read
        only: the records may be the loaded ones. Like ``annotations``, an article read only
        for this call is not kept loaded; a refused shard raises ``StoreError``."""
        if not self._loaded.loaded(article_id):
            return self._loaded.checked_shard(article_id)
        with collector_paused():
            built, stored = self._loaded.held_records(article_id)
            return {**{a.id: to_stored(a) for a in built}, **stored}

    def annotated_article_ids(self) -> list[str]:
        """Every article with at least one annotation (any layer, orphans included), sorted.
        Cheap: read from the index, no shard is opened."""
        return sorted(self._index())

    def each_article(self, annotator: str | None = None) -> Iterator[tuple[str, list[Annotation]]]:
        """Article by article, in sorted article-id order: (article id, that article's
        annotations, every layer or only ``annotator``'s), orphans included, sorted by (start,
        end, annotator, id). Articles with none (of that annotator) are skipped. Only one
        article's annotations are built at a time, so a caller that streams (export, stats,
        agreement) never holds the whole database."""
        for article_id in self.annotated_article_ids():
            if annotator is not None and annotator not in self._article_annotators(article_id):
                continue
            if self._loaded.loaded(article_id):
                group = self._loaded.group(article_id)
            else:  # a refused shard stops the stream, naming the file
                group = self._loaded.unkept(article_id)
            found = [a for a in group if annotator is None or a.annotator == annotator]
            if found:
                found.sort(key=_article_order)
                yield article_id, found

    def unreadable(self, article_id: str) -> StoreError | None:
        """Why the article's annotations cannot be read, once a read found so (its shard file
        missing, ``MissingShardsError``, or damaged): the reads return none for it meanwhile.
        None when it was read, or has not been yet. A dict look-up: no file is touched."""
        return self._loaded.refusal(article_id)

    def readable_now(self, article_id: str, *, read: bool = True) -> StoreError | None:
        """``unreadable`` as the files stand now: a refused shard whose file is back (or
        replaced) is read again, and a loaded article whose shard file went away underneath
        (a sync tool, a restore) is refused and forgotten. A ``stat``, and (``read``) a read
        of the shard of an article not loaded and not refused."""
        loaded = self._loaded
        try:
            loaded.refuse_if_gone(article_id)
        except StoreError as exc:
            loaded.unload_refused()
            return exc
        if loaded.refused(article_id):
            return loaded.refusal(article_id)
        if read and not loaded.loaded(article_id) and article_id in self._index():
            try:
                loaded.checked_shard(article_id)
            except StoreError as exc:
                return exc
        return None

    def mine(self, article_id: str) -> list[Annotation]:
        """This store's annotator's placed annotations on the article (what the reader shows)."""
        return list(self._loaded.layer(article_id, self.annotator))

    def annotators(self) -> list[str]:
        """Everyone with at least one annotation here, sorted (from the index)."""
        return sorted({name for entry in self._index().values() for name in entry["tags"]})

    def article_counts(self, article_id: str) -> dict[str, dict[str, int]]:
        """How many annotations each annotator has on the article, per tag, orphans included
        (from the index: no shard is opened)."""
        entry = self._index().get(article_id)
        return {} if entry is None else {n: dict(t) for n, t in entry["tags"].items()}

    def annotation(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, looked up in the loaded articles first, then article
        by article."""
        loaded = self._loaded
        found = loaded.get(annotation_id)
        if found is not None:
            return found
        for article_id in self.annotated_article_ids():
            if not loaded.loaded(article_id):
                loaded.ensure(article_id)
                found = loaded.get(annotation_id)
                if found is not None:
                    return found
                loaded.unload(article_id)
        return None

    def annotation_at(
        self, article_id: str, offset: int, annotator: str | None = None
    ) -> Annotation | None:
        """The annotation of ``annotator`` (default: this store's) covering ``offset``."""
        layer = self._loaded.layer(article_id, self.annotator if annotator is None else annotator)
        found = layer.overlapping(offset, offset + 1)
        return found[0] if found else None

    def annotations_at(
        self, article_id: str, start: int, end: int | None = None
    ) -> list[Annotation]:
        """Every layer's placed annotations overlapping ``start..end`` (default: one character),
        by annotator."""
        stop = start + 1 if end is None else end
        found: list[Annotation] = []
        for name in self._article_annotators(article_id):
            found += self._loaded.layer(article_id, name).overlapping(start, stop)
        return found

    def orphans(self, article_id: str | None = None) -> list[Annotation]:
        return [
            a
            for a in self.annotations(article_id, include_orphans=True)
            if a.anchor is AnchorState.ORPHANED
        ]

    def __len__(self) -> int:
        return sum(entry_total(entry) for entry in self._index().values())

    def article_meta(self, article_id: str) -> dict[str, Any] | None:
        meta = self._db.records(ARTICLES).get_raw(article_id)
        return dict(meta) if meta is not None else None

    def articles_meta(self) -> list[dict[str, Any]]:
        return [dict(m) for m in self._db.records(ARTICLES).raw().values()]

    def done_by(self, article_id: str) -> frozenset[str]:
        """The annotators who marked the article done."""
        return frozenset(
            m.annotator for m in self.done_marks() if m.article_id == article_id and m.done
        )

    def done_marks(self) -> list[DoneMark]:
        """Every done mark (and withdrawn mark, ``done=False``), for exports."""
        marks = [done_from_record(r) for r in self._db.records(DONE).raw().values()]
        return sorted(marks, key=lambda m: (m.article_id, m.annotator))

    def get_state(self, key: str, default: Any = None) -> Any:
        if key in self._state_overlay:
            kept = self._state_overlay[key]
            return default if kept is _MISSING else kept
        doc = self._db.records(STATE).get_raw(key)
        if type(doc) is not dict or "value" not in doc:
            return default
        return doc["value"]

    def state_keys(self, prefix: str) -> list[str]:
        """The ``set_state`` keys that start with ``prefix`` (adjudication decisions,
        ``adjudication:NAME:ID``), sorted; this session's values on a read-only store
        included. The state is held in memory with the main file: no shard is opened, and the
        keys are compared without reading their values (~1 ms for 12,500 keys)."""
        found = {k for k in self._db.records(STATE).raw() if k.startswith(prefix)}
        for key, kept in self._state_overlay.items():
            if key.startswith(prefix):
                if kept is _MISSING:
                    found.discard(key)
                else:
                    found.add(key)
        return sorted(found)

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    def refresh(self) -> bool:
        """Reload the file if another process replaced it; True if it did. Cheap (one ``stat``)
        when nothing changed, so a UI may call it on focus or a timer; every write calls it.
        ``generation`` counts these reloads."""
        if self._compacting:
            return False  # our own files, half written; looked at again next time
        file = self._db.file
        stamp = stamp_of(self.path)
        if stamp is None or stamp == file.stamp:
            # A deleted file is simply written again from memory at the next change.
            return False
        seen = file.stamp
        if seen is not None and only_appended(seen, stamp) and self._replay_journal(seen):
            self.generation += 1
            self._recorrect()
            return True
        with collector_paused():
            loaded = self._backend.load(changed=True)
            if loaded is None:
                return False
            tables = migrated(self.path, loaded[0], loaded[1])
            check_tables(self.path, tables)
        file.replace_tables(tables, loaded[2], loaded[1])
        for name in tables:
            self._db.records(name).clear_cache()
        self._loaded.clear()
        self.generation += 1
        self._catchups.reloaded(self.journal_position())
        self._recorrect()
        return True

    def journal_position(self) -> Position:
        """How far this store has read (or written) the journal: compared with another store's
        of the same files by ``changed_since``."""
        return position_of(self._db.file.stamp)

    def changed_since(self, position: Position) -> frozenset[str] | None:
        """The articles whose annotations, sentence corrections or metadata the journal entries
        after ``position`` (``journal_position``, of this store or another of the same files)
        change, as far as this store has caught up; None when that is not known (the whole
        data was read again since, the store wrote itself, the position is of other files or
        past what this store has read): anything may have, read it all again."""
        return self._catchups.since(position)

    def _replay_journal(self, seen: Stamp) -> bool:
        """Catch up with what other processes appended to the journal since ``seen``, costing
        what they wrote, not what the database holds (and note which articles each entry
        changes); False when that cannot be done (the journal is not as expected): then the
        whole file is read again."""
        appended = appended_entries(self.path, seen)
        if appended is None:
            return False
        entries, stamp, end, offsets = appended
        changed = changed_articles(entries, self._db.records(BOUNDARIES).raw())
        with collector_paused():
            for entry in entries:  # articles not loaded take them from the storage when read
                self._loaded.apply_changes(entry.get("ann", {}))
                for article_id in entry.get("shards", ()):
                    self._loaded.unload(article_id)  # its new shard is read when asked for
            self._db.file.replay(entries, stamp, end)
        self._catchups.appended(offsets, changed, stamp.journal[1])
        for name in self._db.file.read():
            self._db.records(name).clear_cache()
        return True

    # -- changing --------------------------------------------------------------------------------
    def tag(
        self,
        article: Article,
        first: int,
        last: int,
        tag: str,
        *,
        provenance: Provenance = Provenance.HAND,
    ) -> Change:
        """Tag sentences ``first..last`` (inclusive) in my layer. The same tag on exactly that
        run removes it."""
        check_tag(tag)
        _check_run(article, first, last)
        return self._commit(
            lambda: plan_run(
                article,
                self._my_layer(article.id),
                first,
                last,
                tag,
                annotator=self.annotator,
                toggle=True,
                provenance=provenance,
            )
        )

    def tag_span(self, article: Article, start: int, end: int, tag: str) -> Change:
        """Tag the characters ``start:end`` of the article's body in my layer, exactly those
        (part of a sentence: never widened to the sentence). The same tag on exactly that span
        removes it; my other annotations it overlaps are cut back to what lies outside it."""
        check_tag(tag)
        body = article.body
        if not (0 <= start < end <= len(body)) or not body[start:end].strip():
            raise ValueError(f"span {start}:{end} is not text of the article (0..{len(body)})")
        return self._commit(
            lambda: plan_span(
                article,
                self._my_layer(article.id),
                start,
                end,
                tag,
                annotator=self.annotator,
                toggle=True,
            )
        )

    def clear(self, article: Article, first: int, last: int) -> Change | None:
        """Remove my tags from sentences ``first..last``; None when none were tagged."""
        _check_run(article, first, last)
        change = self._commit(
            lambda: plan_run(
                article,
                self._my_layer(article.id),
                first,
                last,
                None,
                annotator=self.annotator,
                toggle=False,
            )
        )
        return change or None

    def tag_many(
        self,
        article: Article,
        runs: Sequence[tuple[int, int, str]],
        label: str,
        *,
        provenance: Provenance = Provenance.HAND,
    ) -> Change:
        """Apply several runs to my layer as ONE undo step and one write. A run that already
        carries its tag is left alone (never toggled off), so accepting suggestions twice is
        harmless; accepted suggestions (``provenance`` not ``HAND``) never replace a tag, even
        one set in another window since the suggestions were shown."""
        for first, last, tag in runs:
            check_tag(tag)
            _check_run(article, first, last)
        key = (article.id, self.annotator)
        work = SpanIndex()

        def plan() -> Plan:
            nonlocal work
            planned, work = plan_runs(
                article,
                self._my_layer(article.id),
                runs,
                label,
                annotator=self.annotator,
                provenance=provenance,
            )
            return planned

        with collector_paused():
            change = self._commit(plan)
        # Saved: ``work`` now holds exactly my placed annotations on the article.
        self._loaded.set_layer(*key, work)
        return change

    def set_note(self, annotation_id: str, note: str) -> Change:
        """Set the note of one of my annotations; an unchanged note is an empty (falsy) Change."""

        def plan() -> Plan:
            old = self.annotation(annotation_id)
            if old is None:
                raise StoreError(self.path, f"no annotation with id {annotation_id}")
            if old.annotator != self.annotator:
                raise StoreError(
                    self.path,
                    f"annotation {annotation_id} belongs to {old.annotator!r}; "
                    "only they can change its note",
                )
            if old.note == note:
                return Plan("note")
            return Plan("note", (old,), (old.changed(note=note),))

        return self._commit(plan)

    def set_states_undoable(self, label: str, values: Mapping[str, Any]) -> Change:
        """``set_states`` as one undo step of this window (None removes a key; read back as
        absent). An unchanged value is an empty (falsy) Change, not recorded."""
        states = tuple(
            (key, self.get_state(key, None), value)
            for key, value in values.items()
            if self.get_state(key, None) != value
        )
        self._write_states(states)
        change = Change(label, states=states)
        if change:
            self._history.record(change)
        return change

    def join_undo(self, count: int, label: str) -> None:
        """Make this window's last ``count`` steps one undo step (one user decision written as
        several: its tag, its note, its record)."""
        self._history.join_last(count, label)

    def _write_states(self, states: Sequence[tuple[str, Any, Any]]) -> None:
        self.set_states({key: after for key, _before, after in states if after is not None})
        self.remove_states(key for key, _before, after in states if after is None)

    def undo(self) -> Change | None:
        """Undo this window's last change, if nothing changed since where it would write;
        otherwise the step is dropped and UndoConflict says so."""
        change = self._history.peek_undo()
        if change is None:
            return None
        label = f"undo {change.label}"
        inverse = self._replay(change.inverse(label), self._history.drop_undo)
        self._history.undone()
        self._corrections_replayed(inverse)
        return inverse

    def redo(self) -> Change | None:
        change = self._history.peek_redo()
        if change is None:
            return None
        again = self._replay(change.again(f"redo {change.label}"), self._history.drop_redo)
        self._history.redone()
        self._corrections_replayed(again)
        return again

    def _replay(self, change: Change, drop: Callable[[], None]) -> Change:
        """Write a step of the history again (not recorded: the caller moves it between stacks)."""

        def plan() -> Correction:
            remove, restore = change.before, change.after
            for a in (*remove, *restore):
                self._loaded.ensure(a.article_id)
            stored = {a.id: self._loaded.get(a.id) for a in (*remove, *restore)}
            overlaps = {
                a.id: self._loaded.layer(a.article_id, a.annotator).overlapping(a.start, a.end)
                for a in restore
                if a.anchor is not AnchorState.ORPHANED
            }
            table = self._db.records(BOUNDARIES).raw()
            moved = any(self.get_state(key, None) != was for key, was, _now in change.states)
            moved = moved or any(
                (self.annotator in self.done_by(aid)) != was for aid, was, _now in change.done
            )
            if (
                moved
                or corrections.changed_since(table, change)
                or replay_conflict(remove, restore, stored, overlaps)
            ):
                drop()
                # Only another process's write (a reload: ``generation``) is named as one.
                where = " in another window" if self.generation else ""
                raise UndoConflict(
                    self.path,
                    f"cannot {change.label}: what it would change was changed{where} since; "
                    "nothing was changed",
                )
            return remove, restore, change.boundaries_before, change.boundaries_after

        with self._writing():
            removed, added, b_removed, b_added = plan()
            self._apply(removed, added)
            self._apply_boundaries(b_removed, b_added)
            self._recount(b_removed, b_added)
        if change.states:
            self._write_states(change.states)
        for article_id, _was, now in change.done:
            self._set_done(article_id, now)
        return change

    def defer_compaction(self, deferred: bool = True) -> None:
        """From now on a write never folds the journal in itself (a UI calls ``compact`` off its
        event loop instead); ``compaction_due`` says when one is wanted."""
        self._db.file.defer_compaction = deferred

    @property
    def compaction_due(self) -> bool:
        return self._db.file.compaction_due

    @takes_its_own_lock
    def compact(self) -> bool:
        """Fold the journal into the shards and the main file if a deferred write left it due;
        True if it did. Reads in other threads go on while the compaction is planned (the bytes
        made) and while the files are written; writes wait for it (``store.threads``). A
        failure leaves everything in the journal, tried again at the next call."""
        file = self._db.file
        with contextlib.ExitStack() as held:
            with self._mutex:
                if not file.compaction_due or self._closed or self.read_only:
                    return False
                try:
                    held.enter_context(self._backend.lock(self._owner.holder()))
                except StoreWriteError:
                    return False  # another process is writing: next time
                self.refresh()  # another process may have written, or compacted, since
                if not file.needs_compaction():
                    file.compaction_due = False
                    return False
                # From here the data cannot change until the files are written: every write
                # takes the file lock first, and ``refresh`` waits for ``_compacting`` to end.
                # Reads only add shards they read to the caches, or drop loaded ones (``unload``):
                # the plan never walks the caches.
                self._compacting = True
            try:
                try:
                    plan = file.compaction()  # the bytes, without the store's lock
                except (OSError, FileProblem):
                    return False  # an unreadable shard is left as it is, never overwritten
                self.compactions += 1
                try:
                    file.write_compaction(plan)
                except OSError:
                    return False
                finally:
                    self.compactions += 1
            finally:
                self._compacting = False
        return True

    def set_state(self, key: str, value: Any) -> None:
        """Small UI state (last article, cursor per article), written through when it changes.
        On a read-only store it is kept for this session only."""
        self.set_states({key: value})

    def set_states(self, values: Mapping[str, Any]) -> None:
        """Several ``set_state`` values in one write."""
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

    def remove_states(self, keys: Iterable[str]) -> None:
        """Forget ``set_state`` values (an older layout of the UI's state), in one write."""
        gone = [k for k in keys if self.get_state(k, _MISSING) is not _MISSING]
        if not gone:
            return
        if self.read_only:
            for key in gone:
                self._state_overlay[key] = _MISSING
            return
        with self._writing():
            self._db.records(STATE).delete_many(gone)

    def set_done(self, article_id: str, done: bool, *, record: bool = False) -> bool:
        """Mark the article done (or not) for my layer; False if it already was so. ``record``:
        as an undo step of this window (the reader's ``D``)."""
        changed = self._set_done(article_id, done)
        if changed and record:
            self._history.record(Change("done", done=((article_id, not done, done),)))
        return changed

    def _set_done(self, article_id: str, done: bool) -> bool:

        def plan() -> DoneMark | None:
            if (self.annotator in self.done_by(article_id)) == done:
                return None
            return DoneMark(article_id, self.annotator, done, now_iso())

        if plan() is None:
            return False
        with self._writing():
            mark = plan()  # again, on what the file holds now
            if mark is not None:
                self._db.records(DONE).put(mark.key, done_to_record(mark))
        return mark is not None

    def attach(self, article: Article) -> AnchorReport:
        """Re-anchor the article's annotations (each annotator's layer on its own) to its
        current text and record its metadata.

        Also adopts annotations stored under an older id of the same file (found by its recorded
        path): an edited file keeps its annotations, and one that no longer fits the text is
        kept aside as orphaned (reported, counted), even when none of them fits. Writes only when
        something changed.
        """
        seen = self._db.file.stamp
        self._loaded.ensure(article.id)  # a refused shard is reported here, in one line
        attaching = self._attaching(article)
        if not attaching.needed:
            return attaching.report
        if self.read_only:
            # Shown correctly for this session; nothing is written. Every removed record is an
            # earlier version of an added one, which replaces it.
            for a in attaching.plan.added:
                self._loaded.put(a)
            return attaching.report
        with self._writing():
            if self._db.file.stamp != seen:
                # Another process changed the file: plan again on what is there now (re-anchoring
                # a long book costs seconds, so not when the file is as it was).
                attaching = self._attaching(article)
            self._write_attach(article, attaching)
        return attaching.report

    def attach_all(self, articles: Iterable[Article]) -> int:
        """``attach`` each article (an import attaching the files it found), in writes of up to
        ``ATTACH_BATCH`` stored annotations rather than one write per article, holding only the
        articles of one write: an article that was not loaded before is not kept (``attach``
        keeps it, for the reader). Returns how many articles were attached."""
        count = 0
        for group in imports.attach_groups(articles, self._index, ATTACH_BATCH):
            count += self._attach_group(group)
        return count

    def _attach_group(self, group: Sequence[Article]) -> int:
        if self.read_only:  # shown for this session, nothing written: as ``attach``
            for article in group:
                self.attach(article)
            return len(group)
        with imports.unloading_after(self._loaded, self._db.file), self._writing():
            same_path = SamePath(self._db.records(ARTICLES).raw())
            for article in group:
                self._loaded.ensure(article.id)  # a refused shard stops the write, in one line
                corrected = self._correct(article)
                meta = article_record(article)  # the table holds it once the article is done
                if corrected or not self._attach_records(article, meta, same_path):
                    attaching = self._attaching(article, corrected, same_path, meta)
                    if attaching.needed:
                        self._write_attach(article, attaching)
                same_path.add(article.id, meta["path"])
        return len(group)

    def _attach_records(self, article: Article, meta: dict[str, Any], same_path: SamePath) -> bool:
        """Attach an article whose stored annotations are all at home on its text, adopting
        nothing, on its stored records (``editing.attach_records``; inside ``_writing``), as
        ``_attaching`` and ``_write_attach`` would (the report aside: ``attach_all`` has none).
        False, with nothing done, where that does not apply. ``meta``: its ``article_record``."""
        articles = self._db.records(ARTICLES)
        if same_path.others(article.id, meta["path"], articles.raw()):
            return False  # an older id of the same file: adopted, as ``attach`` does
        built, stored = self._loaded.held_records(article.id)
        attached = None if built else attach_records(article, stored)
        if attached is None:
            return False
        imports.put_attached(self._db.file, self._loaded, article.id, attached.changed)
        if articles.get_raw(article.id) != meta:
            articles.put(article.id, meta)
        return True

    def _attaching(
        self,
        article: Article,
        corrected: list[Boundary] | None = None,
        same_path: SamePath | None = None,
        meta: dict[str, Any] | None = None,
    ) -> _Attaching:
        """What attaching the article changes, planned on the data as it stands (``corrected``:
        what ``_correct`` just returned for it; ``same_path``: an index of the table's paths,
        when attaching many; ``meta``: its ``article_record``, when made already)."""
        if corrected is None:
            corrected = self._correct(article)
        report, plan, meta, dropped = self._plan_attach(article, same_path, meta)
        if dropped:  # corrections of an adopted old id come along, orphaned if they must
            corrected = self._correct(article, adopt=dropped)
        return _Attaching(report, plan, meta, dropped, corrected)

    def _write_attach(self, article: Article, attaching: _Attaching) -> None:
        """Apply a planned attach (inside ``_writing``)."""
        self._apply(attaching.plan.removed, attaching.plan.added)
        self._apply_boundaries((), attaching.corrected)
        articles = self._db.records(ARTICLES)
        if articles.get_raw(article.id) != attaching.meta:
            articles.put(article.id, attaching.meta)
        for old_id in attaching.dropped:
            articles.delete(old_id)

    def _plan_attach(
        self,
        article: Article,
        same_path: SamePath | None = None,
        meta: dict[str, Any] | None = None,
    ) -> tuple[AnchorReport, Plan, dict[str, Any], list[str]]:
        if meta is None:
            meta = article_record(article)
        articles = self._db.records(ARTICLES).raw()
        if same_path is None:
            older_ids = ids_under(articles, article.id, meta["path"])
        else:
            older_ids = same_path.others(article.id, meta["path"], articles)
        older = {old_id: self._loaded.group(old_id) for old_id in older_ids}
        report, plan, dropped = plan_attach(article, self._loaded.group(article.id), older)
        if articles.get(article.id) != meta:
            report = _changed(report)
        return report, plan, meta, dropped

    def record_articles(self, metas: Iterable[Mapping[str, Any]]) -> int:
        """Record metadata of articles known without their text (an import): ``id``, ``title``,
        ``date``, ``path``, ``sentence_count`` (missing keys count as null).

        Only fills what is not known yet: a value already recorded (by ``attach`` from the real
        article, or earlier) is never replaced, least of all by a null, and an entry with
        nothing but an id records nothing. One write, only if something changed; returns how
        many records were added or completed. Raises ValueError for a malformed entry (before
        anything is written).
        """
        incoming = checked_articles(metas)
        if not merged_articles(self._db.records(ARTICLES).raw(), incoming):
            return 0
        with self._writing():
            changes = merged_articles(self._db.records(ARTICLES).raw(), incoming)
            self._db.records(ARTICLES).put_many(changes)
        return len(changes)

    def import_annotations(self, items: Iterable[Annotation]) -> ImportResult:
        """Add annotations from elsewhere in one atomic write (see ``import_all``)."""
        return self.import_all(items).total

    def import_all(
        self,
        annotations: Iterable[Annotation],
        articles: Iterable[Mapping[str, Any]] = (),
        done: Iterable[DoneMark] = (),
    ) -> ImportReport:
        """Merge an export in ONE atomic write: annotations, article metadata and done marks.

        Everything is checked before anything is written. Every annotator's annotations are
        kept in their own layer. For an id (or done mark) already present the one with the
        newer ``updated`` wins; a tie is settled by content, so importing several files gives
        the same database in any order.
        """
        incoming = list(annotations)
        for a in incoming:
            check_tag(a.tag)
        return self.import_records([(a.id, to_stored(a)) for a in incoming], articles, done)

    def import_records(
        self,
        records: Iterable[StoredRecord | ArticleRecords],
        articles: Iterable[Mapping[str, Any]] = (),
        done: Iterable[DoneMark] = (),
        at_hand: imports.AtHand | None = None,
    ) -> ImportReport:
        """``import_all`` of annotations given as the store keeps them, (id, ``to_stored``
        record), as an import's spool holds them: merged and written without building an
        ``Annotation`` for each (only for one that meets a stored copy, or a loaded layer).
        ``at_hand``: the files of ``import_batches``' ``article_at_hand`` (``imports.AtHand``)."""
        incoming = imports.checked_records(records)
        metas = checked_articles(articles)
        marks = list(done)
        # Saved: hold only what was held before.
        with imports.unloading_after(self._loaded, self._db.file), self._writing():
            return imports.merge_records(self._db, self._loaded, incoming, metas, marks, at_hand)

    def import_batches(
        self,
        batches: Iterable[Sequence[StoredRecord | ArticleRecords]],
        articles: Iterable[Mapping[str, Any]] = (),
        done: Iterable[DoneMark] = (),
        article_at_hand: Callable[[str], Article | None] | None = None,
    ) -> ImportReport:
        """Merge an export too large for one write: ``import_records`` of each batch in turn,
        each one durable write; the article metadata and done marks go with the last batch.

        ``article_at_hand``: the article of an id if its file is at hand, unchanged (see
        ``imports.AtHand.load``). A new article whose file is at hand is then attached in the
        write that first writes its shard (its anchors settled, its metadata recorded from the
        file, as ``attach_all`` would after the import; the report's ``attached``), where that
        needs nothing else (``imports.attached_on_write``); attach the others after the import.

        The batches must not repeat an id (``importing.StagedImport.batches`` never does), so
        the report is the one ``import_all`` of everything at once would give. A write that
        fails (or a kill) leaves the batches written before it, every annotation whole, and
        importing the same file again completes it: an annotation already there is skipped.
        Article metadata is checked before the first batch is written.
        """
        return imports.in_batches(
            self.import_records, batches, checked_articles(articles), list(done), article_at_hand
        )

    # -- sentence corrections: splits and joins (planned in ``store.corrections``) -------------
    # A small table in the main file; every annotator sees them. A split or merge is one
    # journaled write with the annotations the merge rule changes, and one undo step.
    def boundaries(self, article_id: str, *, include_orphans: bool = False) -> list[Boundary]:
        """The article's sentence corrections as last placed, in text order."""
        return corrections.stored(
            self._db.records(BOUNDARIES).raw(), article_id, include_orphans=include_orphans
        )

    def corrections_by_article(self) -> dict[str, list[Boundary]]:
        """Every stored correction, by article id (for exports: ``boundaries.with_corrections``)."""
        return corrections.by_article(self._db.records(BOUNDARIES).raw())

    def import_corrections(
        self, incoming: Sequence[Boundary], articles: AbstractSet[str], annotators: AbstractSet[str]
    ) -> correction_records.Merge:
        """Merge an import's sentence corrections in (``correction_records.merge``: the new
        ones added in one write, none removed); the attached articles get their sentences
        corrected again, and the recorded sentence count of an article already here follows
        (``_recount``: ``stats`` reads it where the file is not at hand)."""
        with self._writing():
            planned = correction_records.merge(
                self._db.records(BOUNDARIES).raw(), incoming, articles, annotators
            )
            if planned.added:
                self._apply_boundaries((), planned.added)
                self._recount((), planned.added)
        self._recorrect()
        return planned

    def prune(
        self,
        annotations: Mapping[str, Mapping[str, str]],
        corrections: AbstractSet[str] = frozenset(),
    ) -> tuple[int, int]:
        """Remove annotations (by article, id to its ``updated`` when the removal was planned;
        any layer) and sentence corrections (ids) in one write, not an undo step: ``import
        --prune`` taking over what an annotator deleted since (``import_review``). An annotation
        changed since it was planned (another process wrote it between the review and this
        write: its ``updated`` differs under the lock) is kept. How many of each were removed."""
        with self._writing():
            gone = [
                a
                for article_id, ids in annotations.items()
                for a in self.annotations(article_id, include_orphans=True)
                if ids.get(a.id) == a.updated
            ]
            if gone:
                self._apply(gone, ())
            table = self._db.records(BOUNDARIES).raw()
            taken_back = [boundary_from_record(k, table[k]) for k in corrections if k in table]
            if taken_back:
                self._apply_boundaries(taken_back, ())
                self._recount(taken_back, ())
        self._recorrect()
        return len(gone), len(taken_back)

    def placed_corrections(self, article_id: str) -> list[Boundary]:
        """The article's corrections as last placed on its text (``attach``,
        ``correct_sentences``), orphans included."""
        return list(self._corrected.placed(article_id))

    def correct_sentences(self, article: Article) -> list[Boundary]:
        """Give the article its sentences with the stored corrections placed on its current
        text; returns those corrections as placed (orphans too). Nothing is written: ``attach``
        records where they moved."""
        self._correct(article)
        return self._corrected.placed(article.id)

    def _correct(self, article: Article, adopt: Iterable[str] = ()) -> list[Boundary]:
        """Give the article its corrected sentences (``CorrectedArticles.correct``); returns the
        corrections whose record changed. An undo, or another window's correction, corrects it
        again at once."""
        return self._corrected.correct(article, *self._correction_tables(), adopt)

    def _correction_tables(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self._db.records(BOUNDARIES).raw(), self._db.records(ARTICLES).raw()

    def _recorrect(self) -> None:
        """Correct again the attached articles whose corrections changed."""
        self._corrected.recorrect(*self._correction_tables())

    def _corrections_replayed(self, change: Change) -> None:
        for article_id in change.article_ids if change.corrects_sentences else ():
            article = self._corrected.get(article_id)
            if article is not None:
                self._corrected.resplice(
                    article,
                    change.boundaries_before,
                    change.boundaries_after,
                    *self._correction_tables(),
                )

    def own_sentences(self, article: Article, sentences: list[Sentence]) -> bool:
        """Give an article without corrections its own copy of its sentences (``owned``, made
        beforehand, off the reader's critical path), so that its first split or merge splices
        instead of building the corrected list; False if the article changed meanwhile."""
        if article.sentences is not article.raw_sentences or len(sentences) != len(
            article.raw_sentences
        ):
            return False
        article.use_sentences(sentences)
        return True

    def split_sentence(self, article: Article, index: int, at: int) -> Change:
        """Split sentence ``index`` before the word starting at offset ``at``: the first part
        ends at the end of the text before it. Splitting where I joined two sentences takes
        the join back. Tags on the whole sentence cover both halves."""
        gap = corrections.split_at(article, index, at)
        return self._commit_correction(
            article,
            "split sentence",
            lambda: corrections.plan_split(
                article, gap, self.boundaries(article.id), self.annotator
            ),
        )

    def merge_question(self, article: Article, index: int) -> MergeQuestion | None:
        """What to ask before merging sentence ``index`` with the next (my tags on the two
        differ), or None when the merge rule decides."""
        first, second = corrections.merge_pair(article, index)
        return merge_question(
            first,
            second,
            self._loaded.layer(article.id, self.annotator).overlapping(first.start, second.end),
        )

    def merge_sentences(self, article: Article, index: int, choice: str | None = None) -> Change:
        """Merge sentence ``index`` with the next one (of the same paragraph). Merging where I
        split takes the split back. ``choice`` answers ``merge_question`` (a tag for the whole
        sentence, or ``KEEP_PARTS``); tags both halves agree on cover the merged sentence in
        every layer, anything else stays on its own words."""
        first, second = corrections.merge_pair(article, index)

        def plan() -> Correction:
            layers = {
                name: self._loaded.layer(article.id, name).overlapping(first.start, second.end)
                for name in self._article_annotators(article.id)
            }
            current = self.boundaries(article.id)
            try:
                return corrections.plan_join(
                    article, first, second, layers, current, self.annotator, choice
                )
            except ValueError:
                raise StoreError(
                    self.path,
                    "cannot merge: your tags on these sentences were changed in another window "
                    "since; nothing was changed",
                ) from None

        return self._commit_correction(article, "merge sentences", plan)

    def _commit_correction(
        self, article: Article, label: str, plan: Callable[[], Correction]
    ) -> Change:
        with self._writing():
            removed, added, b_removed, b_added = plan()
            self._apply(removed, added)
            self._apply_boundaries(b_removed, b_added)
            self._recount(b_removed, b_added)
        change = Change(label, removed, added, b_removed, b_added)
        self._history.record(change)
        self._corrected.resplice(article, b_removed, b_added, *self._correction_tables())
        return change

    def _recount(self, removed: Sequence[Boundary], added: Sequence[Boundary]) -> None:
        """Keep the articles table's sentence count in step with a split or merge, or its undo
        (inside ``_writing``): ``stats`` and exports read it where the article's file is not at
        hand (it said 6 after a split made 7, until the article was opened again)."""
        articles = self._db.records(ARTICLES)
        for article_id, change in correction_records.sentence_change(removed, added).items():
            meta = articles.get_raw(article_id)
            count = None if meta is None else meta.get("sentence_count")
            if isinstance(count, int) and not isinstance(count, bool):
                articles.put(article_id, {**meta, "sentence_count": max(0, count + change)})

    def _apply_boundaries(self, removed: Sequence[Boundary], added: Sequence[Boundary]) -> None:
        table = self._db.records(BOUNDARIES)
        keep = {b.id for b in added}
        table.delete_many(b.id for b in removed if b.id not in keep)
        table.put_many({b.id: boundary_record(b) for b in added})

    # -- applying changes ------------------------------------------------------------------------
    def _commit(self, plan: Callable[[], Plan], record: bool = True) -> Change:
        """Plan under the lock against fresh data, apply, write; then (only then) record it."""
        with self._writing():
            planned = plan()
            self._apply(planned.removed, planned.added)
        change = Change(planned.label, planned.removed, planned.added)
        if record and change:
            self._history.record(change)
        return change

    def _apply(self, removed: Sequence[Annotation], added: Sequence[Annotation]) -> None:
        file = self._db.file
        for article_id in {a.article_id for a in (*removed, *added)}:
            self._loaded.refuse_if_gone(article_id)  # a shard moved away while loaded
            self._loaded.ensure(article_id)
        kept = {a.id: a.article_id for a in added}
        # Replaced in place, unless it moved to another article (adopted by an edited file).
        gone = [a for a in removed if kept.get(a.id) != a.article_id]
        if len(gone) + len(added) > BULK:
            # Cheaper to sort a layer once when it is next asked for than to insert each.
            self._loaded.drop_layers((a.article_id, a.annotator) for a in (*removed, *added))
        for article_id, ids in _by_article(gone).items():
            file.delete_annotations(article_id, [a.id for a in ids])
        for a in gone:
            self._loaded.remove(a.id)
        for article_id, new in _by_article(added).items():
            file.put_annotations(article_id, {a.id: to_stored(a) for a in new})
        for a in added:
            self._loaded.put(a)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Lock, catch up with the file, run the body as one transaction, write once."""
        if self._closed:
            raise StoreError(self.path, "the annotation store is closed")
        if self.read_only_reason is not None:
            raise StoreWriteError(self.path, f"not saved: read-only ({self.read_only_reason})")
        with self._backend.lock(self._owner.holder()):
            self._owner.write(self.annotator)
            if not self._swept:
                self._db.file.remove_stale_temps()
                self._swept = True
            self.refresh()
            self._catchups.forget()  # its own entry is not recorded as one caught up with
            try:
                # A failure rolls back the data (the backend) and the record cache.
                with self._loaded.transaction(), self._backend.commit(self._db.file):
                    yield
            except BaseException as exc:
                self._loaded.unload_refused()  # read again once their files are back
                failure = write_failure(self.path, exc)
                if failure is None:
                    raise
                raise failure from exc

    def _my_layer(self, article_id: str) -> SpanIndex:
        """My layer of the article, to plan a change on (inside ``_writing``): StoreError, in
        one line, if its annotations cannot be read (a refused shard, or its file gone since
        it was read): a change planned on none would toggle or cut what is on disk."""
        self._loaded.refuse_if_gone(article_id)
        self._loaded.ensure(article_id)
        return self._loaded.layer(article_id, self.annotator)

    # -- the index ------------------------------------------------------------------------------
    def _index(self) -> dict[str, Any]:
        """The index table: per article, its shard's name and annotation counts."""
        return self._db.records(INDEX).raw()

    def _article_annotators(self, article_id: str) -> list[str]:
        entry = self._index().get(article_id)
        return [] if entry is None else sorted(entry["tags"])


def _by_article(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    groups: dict[str, list[Annotation]] = {}
    for a in annotations:
        groups.setdefault(a.article_id, []).append(a)
    return groups


def _check_run(article: Article, first: int, last: int) -> None:
    if not 0 <= first <= last < len(article.sentences):
        raise ValueError(f"sentence run {first}..{last} is outside 0..{len(article.sentences) - 1}")


def _changed(report: AnchorReport) -> AnchorReport:
    return replace(report, changed=True)


record_of = to_stored
"""The stored form of an annotation (kept under this name for benchmarks and tools)."""

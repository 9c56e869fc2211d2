"""The annotation database's files: reading them, and a TinyDB ``Storage`` that keeps the data in
memory and makes every change durable before it returns.

Schema 4 splits the data: the main file (a TinyDB document) holds the small tables (meta,
articles, done marks, UI state, an ``index`` of annotation counts per article, and any other
small table) and each article's annotations live in their own TinyDB file in a folder beside it,
``PATH.d/<name>.json``, read only when the article is first asked for. Every change is appended
to ``PATH.journal`` and fsynced (a few hundred bytes whatever the database holds); a compaction
folds the journal into the main file and into only the shards it touched, each written to a
temporary file, fsynced and swapped in with ``os.replace``.

The format itself (schema and migrations, where each file lives, the journal's entries, the
index documents) is ``tuireader.dbformat``; its names are importable from here too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from tuireader.dbformat import schema
from tuireader.dbformat.index import copy_entry, count_key, entry_total, index_count, index_entry
from tuireader.dbformat.journal import (
    EMPTY_JOURNAL,
    JOURNAL_HEAD,
    JOURNAL_MAX,
    JOURNAL_MIN,
    JOURNAL_TAIL,
    V2_JOURNAL_HEAD,
    Pending,
    apply_entry,
    apply_pending,
    entry_bytes,
    journal_entries,
    journal_stamp,
    read_journal_entries,
)
from tuireader.dbformat.journal_mark import (
    Mark,
    cut_problem,
    cut_short,
    drop_mark,
    read_mark,
    write_mark,
)
from tuireader.dbformat.layout import journal_path, shard_folder, shard_name, shard_path
from tuireader.dbformat.schema import (
    ANNOTATIONS,
    ARTICLES,
    BOUNDARIES,
    DONE,
    FORMAT,
    INDEX,
    META,
    MIGRATIONS,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    SHARD_KEY,
    SHARDED,
    STATE,
    TABLES,
    FileProblem,
    Tables,
    empty_tables,
    migrate,
    parse,
    schema_record,
    schema_version,
)
from tuireader.durable import (
    NewFiles,
    NotDurableError,
    fsync_folder,
    keep_copy,
    replace_together,
    sync_file_system,
    write_atomic,
)

__all__ = [
    "ANNOTATIONS",
    "ARTICLES",
    "BOUNDARIES",
    "BUCKETS",
    "DIRECT_MIN",
    "DONE",
    "EMPTY_JOURNAL",
    "FORMAT",
    "INDEX",
    "JOURNAL_HEAD",
    "JOURNAL_MAX",
    "JOURNAL_MIN",
    "JOURNAL_TAIL",
    "META",
    "MIGRATIONS",
    "SCHEMA_KEY",
    "SCHEMA_VERSION",
    "SHARDED",
    "SHARD_KEY",
    "STATE",
    "SYNC_EACH",
    "TABLES",
    "V2_JOURNAL_HEAD",
    "AtomicJSONStorage",
    "FileProblem",
    "JournalNotRestoredError",
    "Pending",
    "Stamp",
    "Tables",
    "apply_entry",
    "apply_pending",
    "copy_entry",
    "count_key",
    "empty_tables",
    "entry_total",
    "gather_annotations",
    "index_count",
    "index_entry",
    "journal_entries",
    "journal_path",
    "journal_stamp",
    "load",
    "load_tables",
    "migrate",
    "parse",
    "parse_shard",
    "read_journal_entries",
    "read_regular",
    "schema_record",
    "schema_version",
    "shard_bytes",
    "shard_document",
    "shard_folder",
    "shard_name",
    "shard_path",
    "stamp_of",
    "sync_file_system",
    "write_atomic",
]

_ABSENT = object()


# -- shards: one file of annotations per article ----------------------------------------------------
def shard_document(article_id: str, records: Mapping[str, Any]) -> bytes:
    version = schema.SCHEMA_VERSION  # read when called, as the schema module holds it now
    head = {SHARD_KEY: {"format": FORMAT, "version": version, "article_id": article_id}}
    return orjson.dumps({META: head, ANNOTATIONS: records})


def parse_shard(data: bytes, article_id: str, path: Path) -> dict[str, Any]:
    """The annotation records of a shard file; FileProblem naming it if it is not the shard of
    ``article_id``, or was written by a newer tuireader (its head's version: a shard keeps the
    one it was written with, 4 or 5, the same format). The records themselves are checked by
    the store."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FileProblem(f"not a tuireader annotation shard (invalid JSON: {exc})", path) from None
    head = doc.get(META, {}).get(SHARD_KEY) if isinstance(doc, dict) else None
    if (
        not isinstance(head, dict)
        or head.get("format") != FORMAT
        or not isinstance(doc.get(ANNOTATIONS), dict)
    ):
        raise FileProblem("not a tuireader annotation shard", path)
    if head.get("article_id") != article_id:
        raise FileProblem(f"holds the annotations of another article, not {article_id}", path)
    version = head.get("version")
    if type(version) is not int or version < SHARDED:  # ``true`` is not a version
        raise FileProblem(f"not a tuireader annotation shard (bad version {version!r})", path)
    if version > schema.SCHEMA_VERSION:  # read when called, as ``shard_document`` does
        raise FileProblem(
            f"written by a newer tuireader (shard version {version}; this one reads up to "
            f"{schema.SCHEMA_VERSION}); upgrade tuireader to open it",
            path,
        )
    records: dict[str, Any] = doc[ANNOTATIONS]
    return records


def read_regular(path: Path) -> bytes | None:
    """A regular file's bytes, None if missing; FileProblem for anything else (a FIFO or a
    device is never read: it could block forever or never end)."""
    read = read_regular_stat(path)
    return None if read is None else read[0]


def read_regular_stat(path: Path, *, follow: bool = True) -> tuple[bytes, os.stat_result] | None:
    """``read_regular`` with the stat of the version read (``read_whole``). Not ``follow``:
    a symbolic link is refused as one ("is not a regular file (a symbolic link)")."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise FileProblem("is not a regular file (a symbolic link)", path) from None
        raise FileProblem(f"cannot be read ({os.strerror(exc.errno or 0)})", path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileProblem("is not a regular file", path)
        return read_whole(fd)
    finally:
        os.close(fd)


READ_TRIES = 20
"""Reads of a file that changed while it was read before the last one is taken as it is."""


def read_whole(fd: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the open regular file and its stat, read again while it changes during
    the read: an append rewrites the journal's closing brackets in place, and a read that
    straddled it would join old bytes to new ones (read as damage). One pread of its size
    (a buffered read may take several reads), between two fstats that agree."""
    for _ in range(READ_TRIES):
        st = os.fstat(fd)
        data = _pread_all(fd, st.st_size)
        after = os.fstat(fd)
        same = (after.st_size, after.st_mtime_ns, after.st_ctime_ns) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
        )
        if same and len(data) == st.st_size:
            return data, st
    return data, after


def _pread_all(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from the start (one pread below 2 GB, the most Linux reads at once)."""
    data = os.pread(fd, size, 0)
    if len(data) < size and data:
        parts = [data]
        got = len(data)
        while got < size:
            part = os.pread(fd, size - got, got)
            if not part:
                break
            parts.append(part)
            got += len(part)
        data = b"".join(parts)
    return data


class JournalNotRestoredError(OSError):
    """A journal append failed (``failure``) and cutting it back failed too (``cause``): the
    journal ends in a torn entry. Nothing was saved, and the store reads the file as it was
    (a torn tail is skipped, and cut off by the next append), but the journal is not valid
    JSON for another program until then."""

    def __init__(self, failure: OSError, cause: OSError) -> None:
        super().__init__(failure.errno, failure.strerror)
        self.failure = failure
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Stamp:
    """What identifies one version of the data on disk: the snapshot (every atomic replace makes
    a new inode) and how far its journal goes (appends only grow it; a compaction replaces it)."""

    inode: int
    size: int
    mtime_ns: int
    journal: tuple[int, int, int] = (0, 0, 0)
    """(inode, size, mtime) of the journal; zeros when there is none."""


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return Stamp(st.st_ino, st.st_size, st.st_mtime_ns, journal_stamp(journal_path(path)))


def load(path: Path) -> tuple[Tables, Pending]:
    """The main file's tables with the journal replayed, and the annotation changes pending for
    the shards; FileProblem if either is not ours."""
    data = read_regular(path)
    tables = parse(data or b"")
    pending: Pending = {}
    version = schema_version(tables)
    entries, _ = read_journal_entries(read_regular(journal_path(path)), version)
    for entry in entries:
        apply_entry(tables, entry, pending if version >= SHARDED else None)
    return tables, pending


def load_tables(path: Path) -> Tables:
    """The whole data of a database as it stands, annotations included as one ``annotations``
    table (for tools and tests; the store reads shards only when an article is asked for)."""
    tables, pending = load(path)
    if ANNOTATIONS not in tables:
        tables[ANNOTATIONS] = gather_annotations(path, tables, pending)
    return tables


def gather_annotations(path: Path, tables: Tables, pending: Pending) -> dict[str, Any]:
    """Every annotation of a sharded database in one table (an upgrade runs its migrations on
    this; ``AtomicJSONStorage`` shards it again)."""
    annotations: dict[str, Any] = {}
    for article_id in sorted(set(tables.get(INDEX, {})) | set(pending)):
        where = shard_path(path, article_id)
        data = read_regular(where)
        records = parse_shard(data, article_id, where) if data is not None else {}
        apply_pending(records, pending.get(article_id, {}))
        annotations.update(records)
    return annotations


BUCKETS = 256
"""Each table's records are serialised in this many buckets (by hash of id), cached as bytes."""


@dataclass(frozen=True)
class Compaction:
    """What a compaction writes: each touched shard's document (None: remove the file) and the
    main file."""

    shards: list[tuple[str, bytes | None]]
    main: bytes


class AtomicJSONStorage(Storage):
    """TinyDB storage of the main file's small tables, plus the annotation shards the store has
    asked for, with every change journaled and fsynced before it returns.

    Each table is serialised in ``BUCKETS`` cached byte chunks; ``RecordTable`` reports which ids
    it changed and only their buckets are serialised again. Documents are replaced, never
    mutated in place, which the cache relies on. Annotations go through ``put_annotations`` and
    ``delete_annotations`` on a loaded shard, which also keep the article's ``index`` document.

    Annotations found inline in the tables (an older file being upgraded, or a hand-made one)
    are moved into shards here and written out by the first flush.
    """

    def __init__(
        self,
        path: Path,
        tables: Tables | None = None,
        stamp: Stamp | None = None,
        unfolded: Pending | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.backup_path = path.with_name(path.name + ".bak")
        self.journal_path = journal_path(path)
        self.shard_folder = shard_folder(path)
        self._unfolded: Pending = unfolded if unfolded is not None else {}
        """Annotation changes in the journal, per article, not yet folded into its shard."""
        self._shards: dict[str, dict[str, Any]] = {}
        """Loaded shards (file plus journal), by article id."""
        self._rewrite: set[str] = set()
        """Shards that exist only here so far (moved out of inline annotations)."""
        self._ann_dirty: dict[str, set[str]] = {}
        """Annotation ids put or deleted since the last flush, per article."""
        self._ann_undo: dict[tuple[str, str], Any] | None = None
        self._emptied: set[str] = set()
        """Inside a transaction: articles whose shard was empty before it (undone whole)."""
        self._created: list[str] = []
        """Articles whose shard ``create_shards`` wrote since the last flush."""
        self._new_files: NewFiles | None = None
        """Their files, not durable yet: made so all at once, before anything names them
        (``_sync_created``)."""
        self._dirty: dict[str, set[str]] = {}
        """Records put or deleted since the last flush, by table: the next journal entry."""
        self._full = stamp is None
        """The next flush writes a whole snapshot (a new file, or untracked changes)."""
        self._journal_end = 0
        """Where our next journal entry goes, while the journal is as we left it (0: unknown)."""
        self._tables: Tables = tables if tables is not None else empty_tables()
        self._members: dict[str, list[set[str]]] = {}
        self._chunks: dict[str, list[bytes | None]] = {}
        self._deferred = 0
        self._pending = False
        self._journal: dict[tuple[str, str], Any] | None = None
        self._journal_exact = True
        self.stamp: Stamp | None = stamp
        """The version of the file our data corresponds to; None before the first write."""
        self.defer_compaction = False
        """When set, a flush that leaves the journal over its limit only sets
        ``compaction_due``: the owner compacts later (a UI, off its event loop)."""
        self.compaction_due = False
        self.stuck_mark: str | None = None
        """Why the journal's mark could not be removed by a compaction, the first time (in one
        line; compactions go on without it, the mark being unknown from then on)."""
        self._absorb_inline()

    def _absorb_inline(self) -> None:
        """Inline annotations are the whole of the annotations (an upgrade gathers every shard
        into them): they replace the shards and the index."""
        inline = self._tables.pop(ANNOTATIONS, None)
        index = self._tables.setdefault(INDEX, {})
        if inline is None:
            return
        groups: dict[str, dict[str, Any]] = {}
        for ann_id, record in inline.items():
            groups.setdefault(record["article_id"], {})[ann_id] = record
        for article_id in set(index) | set(self._unfolded):
            self._shards[article_id] = {}  # the file goes at the next compaction
            self._rewrite.add(article_id)
        index.clear()
        self._unfolded.clear()
        for article_id, records in groups.items():
            self._shards[article_id] = records
            index[article_id] = index_entry(article_id, records.values())
            self._rewrite.add(article_id)
        self._full = True

    # -- shards ----------------------------------------------------------------------------------
    def read_shard(self, article_id: str) -> dict[str, Any]:
        """The article's annotation records as they stand (its file with the journal's changes
        applied), not kept; FileProblem (naming the shard) for a file that is not its shard."""
        loaded = self._shards.get(article_id)
        if loaded is not None:
            return dict(loaded)
        # Taken before the file is read: a compaction in another thread swaps the shard in
        # before it forgets the changes it folded, so the file read after this holds them or
        # this does (replaying a change twice changes nothing).
        pending = self._unfolded.get(article_id, {})
        if not pending and article_id not in self._tables.get(INDEX, {}):
            # Neither the index nor the journal names it: any file there is a leftover of a
            # write killed before its journal entry (``flush``), never read.
            return {}
        where = shard_path(self.path, article_id)
        data = read_regular(where)
        records = parse_shard(data, article_id, where) if data is not None else {}
        apply_pending(records, pending)
        return records

    def unfolded_puts(self, article_id: str) -> int:
        """How many of the article's records the journal's changes not yet folded put (what is
        left of it without its shard file)."""
        return sum(record is not None for record in self._unfolded.get(article_id, {}).values())

    def adopt_shard(self, article_id: str, records: dict[str, Any]) -> dict[str, Any]:
        """Keep ``records`` (from ``read_shard``, checked by the caller) as the loaded shard."""
        return self._shards.setdefault(article_id, records)

    def create_shards(self, shards: Mapping[str, tuple[bytes, dict[str, Any]]]) -> None:
        """Write the shards of articles with nothing stored (``unrecorded``: an import's new
        articles), each given as its document and its index document, straight to their files,
        and put their index documents; the next journal entry names them (``shards``). Their
        records are not held here: the files are read when the articles are asked for.

        Safe against a kill: until that entry is durable neither the index nor the journal
        names these articles, so a file written before it is a leftover that ``read_shard``
        never reads and the next write of the article replaces. A write that fails after this
        leaves such leftovers too, and its index documents are rolled back. Another process
        that had such an article loaded (with nothing in it) reads it again.

        The files are made durable once per write, however many calls made them (an import
        batch can make some here from records it merged and some from spooled bytes): by the
        flush, before the journal entry that names them (``_sync_created``)."""
        if not shards:
            return
        if self._new_files is None:
            self._new_files = NewFiles(self.shard_folder)
        self._new_files.write((shard_name(a), doc) for a, (doc, _) in shards.items())
        for article_id, (_, entry) in shards.items():
            self._shards.pop(article_id, None)
            self._put_index(article_id, entry)
        self._created.extend(shards)

    def unrecorded(self, article_ids: Iterable[str]) -> set[str]:
        """Those of ``article_ids`` with nothing stored: neither the index nor the journal
        names them, and no change here waits for them (an import's new articles)."""
        index = self._tables.get(INDEX, {})
        return {
            a
            for a in article_ids
            if a not in index
            and a not in self._unfolded
            and a not in self._rewrite
            and not self._shards.get(a)
        }

    def held_shards(self) -> set[str]:
        """The articles whose shard is held here (a copy)."""
        return set(self._shards)

    def shard(self, article_id: str) -> dict[str, Any] | None:
        """The loaded shard's live records (read them, never change them), None if not loaded."""
        return self._shards.get(article_id)

    def drop_shard(self, article_id: str) -> None:
        """Forget a loaded shard (memory: a caller streaming every article). Kept while it holds
        changes not on disk yet."""
        if (
            self._ann_undo is None
            and article_id not in self._rewrite
            and article_id not in self._ann_dirty
        ):
            self._shards.pop(article_id, None)

    def put_annotations(self, article_id: str, docs: Mapping[str, dict[str, Any]]) -> None:
        """Put annotation records into the article's loaded shard (kept, not copied)."""
        if not docs:
            return
        if (
            article_id not in self._tables.get(INDEX, {})
            and article_id not in self._unfolded
            and article_id not in self._rewrite
            and article_id not in self._created
        ):
            self._remove_leftover(article_id)
        shard = self._shards.setdefault(article_id, {})
        if (
            not shard
            and self._ann_undo is not None
            and article_id not in self._tables.get(INDEX, {})
        ):
            # An article with none yet (an import's new articles): undone as a whole, and its
            # index document counted once.
            self._emptied.add(article_id)
            shard.update(docs)
            self._ann_dirty.setdefault(article_id, set()).update(docs)
            self._put_index(article_id, index_entry(article_id, docs.values()))
            return
        entry = self._index_doc(article_id)
        # The index counts change once per (annotator, tag, orphaned), not once per record.
        deltas: dict[tuple[str, str, bool], int] = {}
        undo = self._ann_undo
        for ann_id, record in docs.items():
            old = shard.get(ann_id)
            if undo is not None and (article_id, ann_id) not in undo:
                undo[(article_id, ann_id)] = _ABSENT if old is None else old
            if old is not None:
                key = count_key(old)
                deltas[key] = deltas.get(key, 0) - 1
            key = count_key(record)
            deltas[key] = deltas.get(key, 0) + 1
            shard[ann_id] = record
        for key, delta in deltas.items():
            if delta:
                index_count(entry, key, delta)
        self._ann_dirty.setdefault(article_id, set()).update(docs)
        self._put_index(article_id, entry)

    def _remove_leftover(self, article_id: str) -> None:
        """Remove the shard file of an article nothing names yet, before the journal entry that
        will name it: such a file is a leftover (``read_shard``), and once the journal names the
        article its file would be read under the journaled changes. Called under the write lock
        (every write holds it). Removing what nothing names loses nothing, even if the write
        then fails."""
        try:
            os.unlink(shard_path(self.path, article_id))
        except FileNotFoundError:
            return
        try:
            fsync_folder(self.shard_folder)
        except (
            NotDurableError
        ) as exc:  # before the write: it is rolled back, nothing new is in place
            raise OSError(exc.errno, exc.strerror) from exc

    def delete_annotations(self, article_id: str, ids: Iterable[str]) -> None:
        """Delete annotation records from the article's loaded shard; absent ids are ignored."""
        shard = self._shards.setdefault(article_id, {})
        entry = self._index_doc(article_id)
        gone = [i for i in ids if i in shard]
        if not gone:
            return
        for ann_id in gone:
            old = self._before_annotation(article_id, ann_id, shard)
            index_count(entry, count_key(old), -1)
            del shard[ann_id]
        self._ann_dirty.setdefault(article_id, set()).update(gone)
        self._put_index(article_id, entry)

    def _before_annotation(self, article_id: str, ann_id: str, shard: dict[str, Any]) -> Any:
        old = shard.get(ann_id)
        undo = self._ann_undo
        if undo is not None and (article_id, ann_id) not in undo:
            undo[(article_id, ann_id)] = _ABSENT if old is None else old
        return old

    def _index_doc(self, article_id: str) -> dict[str, Any]:
        found = self._tables.get(INDEX, {}).get(article_id)
        if found is None:
            return index_entry(article_id, ())
        return copy_entry(found)

    def _put_index(self, article_id: str, entry: dict[str, Any]) -> None:
        index = self._tables.setdefault(INDEX, {})
        self.before_change(INDEX, article_id)
        if entry["tags"]:
            index[article_id] = entry
        else:
            index.pop(article_id, None)
        self.touched(INDEX, [article_id])
        self.write(self._tables)

    # -- TinyDB's Storage interface --------------------------------------------------------------
    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        if data is not self._tables:
            self._forget()
        self._tables = data
        if self._deferred:
            self._pending = True
            return
        self.flush()

    def close(self) -> None:
        self._forget()

    def replay(self, entries: Sequence[dict[str, Any]], stamp: Stamp, end: int) -> None:
        """Adopt journal entries another process appended (already checked): applied to the
        data and to the loaded shards, not journaled again."""
        for entry in entries:
            changes: Pending = {}
            apply_entry(self._tables, entry, changes)
            for part in ("put", "del"):
                for name, ids in entry.get(part, {}).items():
                    self._invalidate(name, list(ids))
            for article_id, records in changes.items():
                self._unfolded.setdefault(article_id, {}).update(records)
                shard = self._shards.get(article_id)
                if shard is not None:
                    apply_pending(shard, records)
        self.stamp = stamp
        self._journal_end = end

    def _invalidate(self, table: str, doc_ids: Sequence[str]) -> None:
        members, chunks = self._members.get(table), self._chunks.get(table)
        if members is None or chunks is None:
            return
        present = self._tables.get(table, {})
        for doc_id in doc_ids:
            bucket = hash(doc_id) % BUCKETS
            if doc_id in present:
                members[bucket].add(doc_id)
            else:
                members[bucket].discard(doc_id)
            chunks[bucket] = None

    def touched(self, table: str, doc_ids: Sequence[str] | None) -> None:
        """Records ``doc_ids`` of ``table`` were put or deleted (None: anything may have changed)."""
        if doc_ids is None:
            self._full = True
            self._journal_exact = False
            self._members.pop(table, None)
            self._chunks.pop(table, None)
            return
        self._dirty.setdefault(table, set()).update(doc_ids)
        self._invalidate(table, doc_ids)

    def _forget(self) -> None:
        self._members.clear()
        self._chunks.clear()

    # -- batching and rollback -------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group TinyDB operations into one file write; on any failure restore the data as it was.

        ``RecordTable`` reports each record before changing it, so the old values are journaled
        and put back (no O(n) snapshot per write). After a change it could not journal, the data
        is read back from the file, which a failed write leaves as it was.
        """
        if self._journal is not None:
            raise RuntimeError("transactions do not nest")
        self._journal = {}
        self._ann_undo = {}
        self._journal_exact = True
        self._deferred = 1
        try:
            yield
            self._deferred = 0
            if self._pending:
                self._pending = False
                self.flush()
        except BaseException:
            self._deferred = 0
            self._pending = False
            self._roll_back()
            raise
        finally:
            self._journal = None
            self._ann_undo = None
            self._emptied = set()

    def before_change(self, table: str, doc_id: str) -> None:
        """Called by ``RecordTable`` before it puts or deletes ``doc_id``."""
        if self._journal is not None and (table, doc_id) not in self._journal:
            self._journal[(table, doc_id)] = self._tables.get(table, {}).get(doc_id, _ABSENT)

    def _roll_back(self) -> None:
        journal = self._journal or {}
        for (article_id, ann_id), old in (self._ann_undo or {}).items():
            shard = self._shards.setdefault(article_id, {})
            if old is _ABSENT:
                shard.pop(ann_id, None)
            else:
                shard[ann_id] = old
        for article_id in self._emptied:  # last: whatever the transaction did to it after
            self._shards[article_id] = {}
        self._created = []  # their files are leftovers now: nothing names them
        if self._new_files is not None:
            self._new_files.close()
            self._new_files = None
        if not self._journal_exact:
            with contextlib.suppress(OSError, FileProblem):
                tables, unfolded = load(self.path)
                tables.pop(ANNOTATIONS, None)
                self._tables, self._unfolded = tables, unfolded
                self._forget()
                return
        for (table, doc_id), old in journal.items():
            records = self._tables.setdefault(table, {})
            if old is _ABSENT:
                records.pop(doc_id, None)
            else:
                records[doc_id] = old
            self.touched(table, [doc_id])

    def replace_tables(self, tables: Tables, stamp: Stamp | None, unfolded: Pending) -> None:
        """Adopt data read from disk (another process wrote the file): the loaded shards are
        forgotten and read again when next asked for."""
        self._tables = tables
        self._unfolded = unfolded
        self._shards.clear()
        self._rewrite.clear()
        self._ann_dirty.clear()
        self._absorb_inline()
        self._forget()
        self._dirty.clear()
        self._journal_end = 0
        self._full = stamp is None
        self.stamp = stamp

    # -- the file --------------------------------------------------------------------------------
    def stale_temps(self) -> list[Path]:
        """Temp files of this database in its folder and its shard folder (left by a writer
        killed mid-write, or those of a live writer, which has them only while it holds the
        lock). Shard temps exist only while the journal holds entries (a compaction empties it
        last), so the shard folder is not listed otherwise."""
        names = (self.path.name, self.backup_path.name, self.journal_path.name)
        found = [s for name in names for s in self.path.parent.glob(f".{name}.*.tmp")]
        if journal_stamp(self.journal_path)[1] <= len(EMPTY_JOURNAL):
            return found
        with contextlib.suppress(OSError), os.scandir(self.shard_folder) as entries:
            # scandir, not glob: the folder holds a file per annotated article.
            found += [Path(e.path) for e in entries if e.name[0] == "." and e.name.endswith(".tmp")]
        return found

    def remove_stale_temps(self) -> None:
        """Delete temp files left by a writer that was killed mid-write. Call only while holding
        the lock: a live writer only has a temp file while it holds the lock."""
        for stale in self.stale_temps():
            with contextlib.suppress(OSError):
                stale.unlink()

    def serialise(self) -> bytes:
        """The whole file as compact JSON, reusing the cached chunks of unchanged buckets."""
        # One join at the end: every intermediate 25 MB bytes object would cost a copy and,
        # freshly allocated, page faults.
        pieces: list[bytes] = [b"{"]
        for t, (name, table) in enumerate(self._tables.items()):
            pieces.append((b"," if t else b"") + orjson.dumps(name) + b":{")
            first = True
            for chunk in self._table_chunks(name, table):
                if chunk:
                    if not first:
                        pieces.append(b",")
                    pieces.append(chunk)
                    first = False
            pieces.append(b"}")
        pieces.append(b"}")
        return b"".join(pieces)

    def _table_chunks(self, name: str, table: dict[str, Any]) -> list[bytes | None]:
        members = self._members.get(name)
        chunks = self._chunks.get(name)
        if members is None or chunks is None:
            members = [set() for _ in range(BUCKETS)]
            for doc_id in table:
                members[hash(doc_id) % BUCKETS].add(doc_id)
            chunks = [None] * BUCKETS
            self._members[name], self._chunks[name] = members, chunks
        for bucket, chunk in enumerate(chunks):
            if chunk is None:
                ids = members[bucket]
                # dumps of a dict is "{...}"; the braces go, the members are joined by the caller.
                chunks[bucket] = orjson.dumps({i: table[i] for i in ids})[1:-1] if ids else b""
        return chunks

    def flush(self) -> None:
        """Make the changes since the last flush durable: appended to the journal (a few hundred
        bytes), or, when the data changed in ways not tracked record by record or there is no
        snapshot yet, a new snapshot. Raises OSError; a failed append is never reported saved
        and is cut off the journal before the error is raised (``_append``)."""
        if self._full or self.stamp is None or not self.path.exists():
            self.compact()
            return
        entry = self._entry()
        if self._created:
            entry["shards"] = self._created
        if entry:
            data = orjson.dumps(entry)
            self._sync_created()
            self._append(data)
            for article_id, records in entry.get("ann", {}).items():
                self._unfolded.setdefault(article_id, {}).update(records)
        self._created = []
        self._dirty.clear()
        self._ann_dirty.clear()
        size = self._journal_end
        if size > JOURNAL_MAX or (size > JOURNAL_MIN and size > self.stamp.size // 2):
            if self.defer_compaction:
                self.compaction_due = True
                return
            # The change is saved already; a failed compaction is tried again next time (a
            # corrupt shard it would fold into is left alone, never overwritten).
            with contextlib.suppress(OSError, FileProblem):
                self.compact()

    def needs_compaction(self) -> bool:
        """Whether the journal has outgrown its limit (as far as this process last saw it)."""
        if self.stamp is None:
            return False
        size = self.stamp.journal[1]
        return size > JOURNAL_MAX or (size > JOURNAL_MIN and size > self.stamp.size // 2)

    def compact(self) -> None:
        """Fold the journal in: write the shards it touched, then the main file (keeping the old
        one as ``.bak``), then empty the journal. Each file is replaced atomically; a kill in
        between leaves entries the files already hold, and replaying them changes nothing."""
        self.write_compaction(self.compaction())

    def compaction(self) -> Compaction:
        """The bytes a compaction writes, made from the data as it stands (with the write lock
        held: no change may come between this and ``write_compaction``; reads may)."""
        touched = sorted(set(self._unfolded) | self._rewrite | set(self._ann_dirty))
        shards: list[tuple[str, bytes | None]] = []
        for article_id in touched:
            records = self._shards.get(article_id)
            if records is None:
                records = self.read_shard(article_id)
            shards.append((article_id, shard_document(article_id, records) if records else None))
        return Compaction(shards, self.serialise())

    def write_compaction(self, plan: Compaction) -> None:
        """Write what ``compaction`` made. Reads of the data may run meanwhile in other threads:
        nothing they use changes until every file is in place, and then only by rebinding."""
        self._sync_created()  # a new database's first write: its main file names them
        # The mark goes first (on disk) and never outlives the journal it measured; one that
        # stays (not a regular file, or neither removable nor writable) is said once.
        stuck = drop_mark(self.path)
        if stuck is not None and self.stuck_mark is None:
            self.stuck_mark = (
                f"{stuck}; until it is put right, a journal cut short is not told from a whole one"
            )
        self._write_shards(plan.shards)
        write_atomic(self.path, plan.main, self._keep_backup)
        write_atomic(self.journal_path, EMPTY_JOURNAL)
        self._created = []  # named by the index of the new main file
        self._dirty.clear()
        self._ann_dirty.clear()
        self._unfolded = {}
        self.compaction_due = False
        self._rewrite.clear()
        self._full = False
        self._journal_end = len(JOURNAL_HEAD)
        stamp = stamp_of(self.path)
        assert stamp is not None
        self.stamp = stamp

    def _write_shards(self, shards: Sequence[tuple[str, bytes | None]]) -> None:
        """Write each article's shard document (None: the article has no annotation left, its
        file is removed) durably and swap them all in together (``durable.replace_together``).

        Up to ``SYNC_EACH`` shards are fsynced one by one; more (an import, an upgrade) are made
        durable with one ``syncfs`` of their file system: 2,500 fsyncs took 12 s of a 100k
        import."""
        if not shards:
            return
        files = [(shard_path(self.path, article_id), data) for article_id, data in shards]
        replace_together(self.shard_folder, files, one_by_one=len(shards) <= SYNC_EACH)

    def _sync_created(self) -> None:
        """Make the shard files ``create_shards`` wrote durable (with their names), all at once
        (``NewFiles.make_durable``), before the journal entry or main file that names them.
        Raises OSError: the write fails and is rolled back, its files left as leftovers."""
        new, self._new_files = self._new_files, None
        if new is not None:
            new.make_durable()

    def _entry(self) -> dict[str, Any]:
        puts: dict[str, dict[str, Any]] = {}
        dels: dict[str, list[str]] = {}
        for name, ids in self._dirty.items():
            table = self._tables.get(name, {})
            for doc_id in ids:
                if doc_id in table:
                    puts.setdefault(name, {})[doc_id] = table[doc_id]
                else:
                    dels.setdefault(name, []).append(doc_id)
        entry: dict[str, Any] = {}
        if puts:
            entry["put"] = puts
        if dels:
            entry["del"] = dels
        if self._ann_dirty:
            changed: dict[str, dict[str, Any]] = {}
            for article_id, ids in self._ann_dirty.items():
                get = self._shards.get(article_id, {}).get  # looked up once per article
                changed[article_id] = {i: get(i) for i in ids}
            entry["ann"] = changed
        return entry

    def _append(self, data: bytes) -> None:
        """Append one entry to the journal and fdatasync it. Raises OSError with the journal
        as it was (``_put_back``): a failed write (ENOSPC, EIO) is cut off before the error is
        reported; JournalNotRestoredError when even that fails."""
        assert self.stamp is not None
        fd = os.open(self.journal_path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o666)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, "the journal is not a regular file")
            created = st.st_size == 0
            known = (st.st_ino, st.st_size, st.st_mtime_ns) == self.stamp.journal
            current = b""
            if not created and not (known and self._journal_end):
                current = os.pread(fd, st.st_size, 0)
                if current.startswith(V2_JOURNAL_HEAD):
                    # Left by an upgrade killed after writing the new main file: folded in.
                    os.ftruncate(fd, 0)
                    created = True
            if created:
                end = len(JOURNAL_HEAD)
            elif known and self._journal_end:
                end = self._journal_end  # as we left it: no need to read it
            else:
                try:
                    _, end = journal_entries(current)
                except FileProblem as exc:  # damaged since we read it: never written over
                    raise OSError(errno.EUCLEAN, f"the file {exc.problem}") from None
            if not known or not self._journal_end:
                self._refuse_cut(0 if created else end + len(JOURNAL_TAIL), st.st_mtime_ns)
            lead = b",\n" if end > len(JOURNAL_HEAD) else b"\n"
            piece = lead + entry_bytes(end, data) + JOURNAL_TAIL
            # Appends always grow the file: its size (not only its mtime, which ticks coarsely)
            # tells another process that something was added.
            stop = end + len(piece)
            written = 0
            try:
                if created:
                    os.pwrite(fd, JOURNAL_HEAD, 0)
                while written < len(piece):
                    step = os.pwrite(fd, piece[written:], end + written)
                    if step <= 0:  # never a loop for ever on a disk that takes nothing
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    written += step
                if len(current) > stop:  # whatever followed (a torn write, padding): cut off
                    os.ftruncate(fd, stop)
                os.fdatasync(fd)
            except OSError as exc:
                if created or written:  # else not a byte changed: nothing to put back
                    self._put_back(fd, 0 if created else end, exc)
                raise
            after = os.fstat(fd)
        finally:
            os.close(fd)
        if created:
            fsync_folder(self.path.parent)
        # Only now that the entry is durable: the mark may lag the journal, never lead it.
        write_mark(self.path, Mark(stop, self.stamp.size, self.stamp.mtime_ns, after.st_mtime_ns))
        self._journal_end = stop - len(JOURNAL_TAIL)
        self.stamp = replace(self.stamp, journal=(after.st_ino, after.st_size, after.st_mtime_ns))

    def _refuse_cut(self, held: int, journal_mtime_ns: int) -> None:
        """OSError when the journal, read again before an append, holds less than its mark says
        was saved to it (``held``: up to the closing brackets after its last whole entry): cut
        since, never appended to (the entry would go over the place of saved ones)."""
        assert self.stamp is not None
        mark = read_mark(self.path)  # under the lock: no append comes between
        if cut_short(mark, held, (self.stamp.size, self.stamp.mtime_ns), journal_mtime_ns):
            assert mark is not None
            raise OSError(errno.EUCLEAN, f"the file {cut_problem(self.journal_path, mark, held)}")

    def _put_back(self, fd: int, end: int, failure: OSError) -> None:
        """Cut a failed append off the journal: back to its entries up to ``end`` and its closing
        brackets (0: a journal this append created, emptied; an empty journal holds nothing),
        synced, so that the file is as it was when the failure is reported. The file is first
        shortened to keep the block that held the closing brackets, so writing them back needs
        no new space on a full disk. Raises JournalNotRestoredError if that fails too: the
        entries up to ``end`` still read back (what follows them is a torn tail)."""
        try:
            if end:
                # Never longer than it is: zeros after the last entry would join its line.
                size = os.fstat(fd).st_size
                os.ftruncate(
                    fd, end + len(JOURNAL_TAIL) if size >= end + len(JOURNAL_TAIL) else end
                )
                os.pwrite(fd, JOURNAL_TAIL, end)
            else:
                os.ftruncate(fd, 0)
            os.fdatasync(fd)
        except OSError as exc:
            raise JournalNotRestoredError(failure, exc) from failure

    def _keep_backup(self) -> None:
        """Make ``.bak`` a copy of the snapshot about to be replaced (the last good one)."""
        keep_copy(self.path, self.backup_path)


DIRECT_MIN = 1000
"""Annotations of new articles in one import write from which their shards are written straight
to their files (``create_shards``) rather than journaled first: below it one journal append is
cheaper than creating files."""


def shard_bytes(article_id: str, records: bytes) -> bytes:
    """``shard_document`` of records already serialised as one JSON object (id to record),
    byte for byte."""
    return shard_document(article_id, {})[: -len(b"{}}")] + records + b"}"


SYNC_EACH = 16
"""Shards written by one compaction that are fsynced one by one; more are synced together."""

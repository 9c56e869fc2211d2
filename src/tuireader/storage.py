"""The annotation file: its layout, schema version and migrations, and a TinyDB ``Storage`` that
keeps the data in memory and replaces the file atomically on every write.

TinyDB's own ``JSONStorage`` re-reads the whole file on every query and rewrites it in place, so a
kill during a write leaves half a file. Here the data lives in memory; a write serialises it with
orjson into a temporary file in the same folder, fsyncs it, keeps the previous file as ``.bak``
(a hard link, so it costs nothing), swaps the new file in with ``os.replace`` and fsyncs the
folder. A reader therefore always sees either the old or the new file, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from tuireader.durable import fsync_folder, temp_path, write_atomic

FORMAT = "tuireader-annotations"
"""Marks the file as ours, so a foreign JSON file is refused instead of overwritten."""

SCHEMA_VERSION = 3
"""Bump when the layout of a record or table changes, and add the step to ``MIGRATIONS``.

1: annotations, articles, state. 2: a ``done`` table (done marks per annotator and article);
annotations may carry ``provenance``, and ``annotator`` is required (schema 1 always wrote it).
3: a ``boundaries`` table (the user's sentence splits and joins, ``tuireader.boundaries``); an
older tuireader would refuse its journal entries as malformed, so it is told "newer" instead."""

META, ANNOTATIONS, ARTICLES, STATE, DONE = "meta", "annotations", "articles", "state", "done"
BOUNDARIES = "boundaries"
TABLES = (META, ANNOTATIONS, ARTICLES, STATE, DONE, BOUNDARIES)
SCHEMA_KEY = "schema"

Tables = dict[str, dict[str, Any]]


def _one_to_two(tables: Tables) -> Tables:
    # Schema 1 records all carry ``annotator`` (the store always wrote it); a hand-made one
    # without it belongs to nobody in particular.
    for record in tables[ANNOTATIONS].values():
        if isinstance(record, dict):
            record.setdefault("annotator", "")
    tables.setdefault(DONE, {})
    return tables


def _two_to_three(tables: Tables) -> Tables:
    tables.setdefault(BOUNDARIES, {})
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: _one_to_two, 2: _two_to_three}
"""``MIGRATIONS[n]`` turns a version-``n`` file's tables into version ``n + 1``; the open path
runs the chain and keeps a ``.v{n}.bak`` copy of the file first."""


_ABSENT = object()


class FileProblem(Exception):
    """The file is not one we can use; ``problem`` is the user-facing part of the message."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


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


# -- the journal -----------------------------------------------------------------------------------
# Every change is appended to ``PATH.journal`` and fsynced: a few hundred bytes, whatever the
# database holds. The journal is itself a TinyDB document, ``{"journal": {"<offset>": entry}}``,
# kept valid after every append: an entry overwrites the closing ``\n}}`` and ends with a new one.
# Each entry sits on its own line (JSON strings hold no raw line breaks), so a write torn by a
# kill is found and cut off at the next append. Entries are whole records put or deleted by id,
# so replaying one twice changes nothing: a compaction that wrote the new snapshot but was
# killed before emptying the journal loses nothing.
JOURNAL_HEAD = b'{"journal":{'
JOURNAL_TAIL = b"\n}}"
EMPTY_JOURNAL = JOURNAL_HEAD + JOURNAL_TAIL
JOURNAL_MIN = 1 << 20
"""Compact (fold the journal into a new snapshot) once the journal is larger than this and
than half the snapshot, or larger than JOURNAL_MAX."""
JOURNAL_MAX = 32 << 20


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def journal_stamp(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def journal_entries(data: bytes, start: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The complete entries of a journal (after byte ``start``, the end of an entry already
    read, if given) and the offset where the next one goes: just after the last complete entry
    (a torn write after it is dropped, never reported saved). FileProblem if it is not a
    journal."""
    if not data.startswith(JOURNAL_HEAD):
        raise FileProblem("has a journal that is not one")
    entries: list[dict[str, Any]] = []
    end = pos = max(start, len(JOURNAL_HEAD))
    while pos < len(data) and data[pos : pos + 1] in (b"\n", b","):
        start = pos + (2 if data[pos : pos + 1] == b"," else 1)
        nl = data.find(b"\n", start)
        line = data[start : len(data) if nl == -1 else nl]
        if line == b"}}":
            break
        body = line[:-1] if line.endswith(b",") else line
        try:
            item = orjson.loads(b"{" + body + b"}")
        except orjson.JSONDecodeError:
            break
        (key, value), *_ = item.items() if isinstance(item, dict) and item else ((None, None),)
        if not isinstance(value, dict) or not isinstance(key, str) or not key.isdigit():
            raise FileProblem(f"has a journal entry that is not one (at byte {start})")
        entries.append(value)
        end = start + len(body)
        pos = end
    return entries, end


def load_tables(path: Path) -> Tables:
    """The data of a database as it stands: its snapshot with its journal replayed (for tools
    and tests; the store reads through ``store.files.read_file``)."""
    tables = parse(path.read_bytes())
    try:
        data = journal_path(path).read_bytes()
    except FileNotFoundError:
        return tables
    for entry in journal_entries(data)[0]:
        apply_entry(tables, entry)
    return tables


def apply_entry(tables: Tables, entry: dict[str, Any]) -> None:
    """Apply one journal entry; FileProblem for one that is not ours."""
    puts, dels = entry.get("put", {}), entry.get("del", {})
    if not isinstance(puts, dict) or not isinstance(dels, dict):
        raise FileProblem("has a malformed journal entry")
    for name, docs in puts.items():
        if name not in TABLES or name == META or not isinstance(docs, dict):
            raise FileProblem("has a malformed journal entry")
        tables.setdefault(name, {}).update(docs)
    for name, ids in dels.items():
        if name not in TABLES or name == META or not isinstance(ids, list):
            raise FileProblem("has a malformed journal entry")
        table = tables.setdefault(name, {})
        for doc_id in ids:
            if isinstance(doc_id, str):
                table.pop(doc_id, None)


def empty_tables() -> Tables:
    return {
        META: {SCHEMA_KEY: schema_record()},
        ANNOTATIONS: {},
        ARTICLES: {},
        STATE: {},
        DONE: {},
        BOUNDARIES: {},
    }


def schema_record(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    return {"format": FORMAT, "version": version}


def parse(data: bytes) -> Tables:
    """Bytes of a file into tables; raises FileProblem for anything that is not our file."""
    if not data.strip():
        # An empty file holds nothing to lose (e.g. made by ``touch``): treat it as a new database.
        return empty_tables()
    try:
        tables = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FileProblem(f"not a tuireader database (invalid JSON: {exc})") from None
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise FileProblem("not a tuireader database (not a TinyDB file)")
    schema = tables.get(META, {}).get(SCHEMA_KEY)
    if not isinstance(schema, dict) or schema.get("format") != FORMAT:
        raise FileProblem("not a tuireader database (a JSON file written by another program)")
    version = schema.get("version")
    if type(version) is not int or version < 1:  # ``true`` is not version 1
        raise FileProblem(f"not a tuireader database (bad schema version {version!r})")
    if version > SCHEMA_VERSION:
        raise FileProblem(
            f"written by a newer tuireader (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}); upgrade tuireader to open it"
        )
    for name in TABLES:
        tables.setdefault(name, {})
    return tables


def schema_version(tables: Tables) -> int:
    return int(tables[META][SCHEMA_KEY]["version"])


def migrate(tables: Tables) -> Tables:
    """Run the migration chain up to ``SCHEMA_VERSION``; a missing step is a FileProblem."""
    version = schema_version(tables)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise FileProblem(f"schema {version} cannot be upgraded to {SCHEMA_VERSION}")
        tables = step(tables)
        version += 1
        tables[META][SCHEMA_KEY] = schema_record(version)
    return tables


BUCKETS = 256
"""Each table's records are serialised in this many buckets (by hash of id), cached as bytes."""


class AtomicJSONStorage(Storage):
    """In-memory TinyDB storage that writes the whole file atomically.

    Serialising 50,000 records costs more than writing them, so each table is kept as
    ``BUCKETS`` cached byte chunks; ``RecordTable`` reports which ids it changed and only their
    buckets are serialised again. A write is then a join of cached chunks plus a few hundred
    records. Documents are replaced, never mutated in place, which the cache relies on.
    """

    def __init__(
        self, path: Path, tables: Tables | None = None, stamp: Stamp | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self.backup_path = path.with_name(path.name + ".bak")
        self.journal_path = journal_path(path)
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
        data, not journaled again."""
        for entry in entries:
            apply_entry(self._tables, entry)
            for part in ("put", "del"):
                for name, ids in entry.get(part, {}).items():
                    self._invalidate(name, list(ids))
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

    def before_change(self, table: str, doc_id: str) -> None:
        """Called by ``RecordTable`` before it puts or deletes ``doc_id``."""
        if self._journal is not None and (table, doc_id) not in self._journal:
            self._journal[(table, doc_id)] = self._tables.get(table, {}).get(doc_id, _ABSENT)

    def _roll_back(self) -> None:
        journal = self._journal or {}
        if not self._journal_exact:
            with contextlib.suppress(OSError, FileProblem):
                tables = parse(self.path.read_bytes())
                with contextlib.suppress(FileNotFoundError):
                    for entry in journal_entries(self.journal_path.read_bytes())[0]:
                        apply_entry(tables, entry)
                self.replace_tables(tables, self.stamp)
                return
        for (table, doc_id), old in journal.items():
            records = self._tables.setdefault(table, {})
            if old is _ABSENT:
                records.pop(doc_id, None)
            else:
                records[doc_id] = old
            self.touched(table, [doc_id])

    def replace_tables(self, tables: Tables, stamp: Stamp | None) -> None:
        """Adopt data read from disk (another process wrote the file)."""
        self._tables = tables
        self._forget()
        self._dirty.clear()
        self._journal_end = 0
        self._full = stamp is None
        self.stamp = stamp

    # -- the file --------------------------------------------------------------------------------
    def stale_temps(self) -> list[Path]:
        """Temp files of this database in its folder (left by a writer killed mid-write, or
        those of a live writer, which has them only while it holds the lock)."""
        names = (self.path.name, self.backup_path.name, self.journal_path.name)
        return [s for name in names for s in self.path.parent.glob(f".{name}.*.tmp")]

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
        and is cut off at the next one."""
        if self._full or self.stamp is None or not self.path.exists():
            self.compact()
            return
        entry = self._entry()
        if entry:
            self._append(orjson.dumps(entry))
        self._dirty.clear()
        size = self._journal_end
        if size > JOURNAL_MAX or (size > JOURNAL_MIN and size > self.stamp.size // 2):
            # The change is saved already; a failed compaction is tried again next time.
            with contextlib.suppress(OSError):
                self.compact()

    def compact(self) -> None:
        """Write the whole data as a new snapshot (keeping the old one as ``.bak``) and empty
        the journal. A kill between the two leaves entries the snapshot already holds: replaying
        them changes nothing."""
        write_atomic(self.path, self.serialise(), self._keep_backup)
        write_atomic(self.journal_path, EMPTY_JOURNAL)
        self._dirty.clear()
        self._full = False
        self._journal_end = len(JOURNAL_HEAD)
        stamp = stamp_of(self.path)
        assert stamp is not None
        self.stamp = stamp

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
        return entry

    def _append(self, data: bytes) -> None:
        assert self.stamp is not None
        fd = os.open(self.journal_path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o666)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, "the journal is not a regular file")
            created = st.st_size == 0
            if created:
                end = len(JOURNAL_HEAD)
                os.pwrite(fd, JOURNAL_HEAD, 0)
            known = (st.st_ino, st.st_size, st.st_mtime_ns) == self.stamp.journal
            if not created and known and self._journal_end:
                end = self._journal_end  # as we left it: no need to read it
            elif not created:
                _, end = journal_entries(os.pread(fd, st.st_size, 0))
                # Whatever follows (a torn write, padding) is written over or cut off below.
                os.ftruncate(fd, end)
                st = os.fstat(fd)
            lead = b",\n" if end > len(JOURNAL_HEAD) else b"\n"
            piece = lead + b'"%d":' % end + data + JOURNAL_TAIL
            # Appends always grow the file: its size (not only its mtime, which ticks coarsely)
            # tells another process that something was added.
            stop = end + len(piece)
            written = 0
            while written < len(piece):
                written += os.pwrite(fd, piece[written:], end + written)
            os.fdatasync(fd)
            after = os.fstat(fd)
        finally:
            os.close(fd)
        if created:
            fsync_folder(self.path.parent)
        self._journal_end = stop - len(JOURNAL_TAIL)
        self.stamp = replace(self.stamp, journal=(after.st_ino, after.st_size, after.st_mtime_ns))

    def _keep_backup(self) -> None:
        """Make ``.bak`` a copy of the snapshot about to be replaced (the last good one). A
        copy, not a hard link: the database and its backup are never one inode, so nothing
        that writes one in place (another program, TinyDB itself) changes the other."""
        if not self.path.exists():
            return
        import shutil  # only at a compaction

        tmp = temp_path(self.backup_path)
        try:
            shutil.copyfile(self.path, tmp)
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            # Replacing the old .bak frees its blocks, which takes milliseconds for a large
            # file. Holding it open defers that to the close, done off the caller's path.
            old = _open_quietly(self.backup_path)
            os.replace(tmp, self.backup_path)
            if old is not None:
                threading.Thread(target=os.close, args=(old,), daemon=True).start()
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _open_quietly(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


class RecordTable(Table):
    """A TinyDB table keyed by string ids (annotation uuids, article ids, state keys).

    TinyDB's ``_update_table`` copies the whole table twice per operation to convert integer ids;
    our ids are already strings, so it updates the table in place, O(1) instead of O(n). Documents
    are always replaced whole (``put``), never updated in place, which the storage's serialisation
    cache and rollback journal rely on.
    """

    document_id_class = str  # type: ignore[assignment]
    _changing: Sequence[str] | None = None

    def put(self, doc_id: str, doc: Mapping[str, Any]) -> None:
        value = dict(doc)

        def updater(table: dict[str, Any]) -> None:
            table[doc_id] = value

        self._changing = (doc_id,)
        self._update_table(updater)

    def delete(self, doc_id: str) -> None:
        self._changing = (doc_id,)
        self.remove(doc_ids=[doc_id])  # type: ignore[list-item]

    def put_many(self, docs: Mapping[str, dict[str, Any]]) -> None:
        """Put many documents in one table operation. The table keeps the given dicts (no copy):
        never change them afterwards."""
        if not docs:
            return
        self._changing = list(docs)
        self._update_table(lambda table: table.update(docs))

    def delete_many(self, doc_ids: Iterable[str]) -> None:
        """Delete many documents in one table operation; absent ids are ignored."""
        ids = list(doc_ids)
        if not ids:
            return

        def updater(table: dict[str, Any]) -> None:
            for doc_id in ids:
                table.pop(doc_id, None)

        self._changing = ids
        self._update_table(updater)

    def raw(self) -> dict[str, Any]:
        """The live stored documents by id: read them, never change them (use ``put``)."""
        table: dict[str, Any] = self._read_table()
        return table

    def get_raw(self, doc_id: str) -> Any:
        return self._read_table().get(doc_id)

    def update(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("RecordTable documents are replaced with put(), never updated in place")

    def upsert(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("use RecordTable.put()")

    def _update_table(self, updater: Callable[[dict[Any, Any]], None]) -> None:
        changing, self._changing = self._changing, None
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        tables = storage.read()
        for doc_id in changing or ():
            storage.before_change(self.name, doc_id)
        updater(tables.setdefault(self.name, {}))
        storage.touched(self.name, changing)
        storage.write(tables)
        self.clear_cache()

    def _get_next_id(self) -> str:
        raise TypeError("RecordTable documents need an explicit id: use put()")


class AnnotationDB(TinyDB):
    table_class = RecordTable
    default_table_name = ANNOTATIONS

    @property
    def file(self) -> AtomicJSONStorage:
        storage = self.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage

    def records(self, name: str) -> RecordTable:
        table = self.table(name)
        assert isinstance(table, RecordTable)
        return table

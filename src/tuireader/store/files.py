"""The database file as the store meets it: where it really is, whether it may be used, reading
it, opening it (creating or upgrading it), the lock and who holds it."""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from tuireader import sanitise
from tuireader.dbformat import schema  # its version is read when used (tests simulate others)
from tuireader.dbformat.index import counted_in, short_of
from tuireader.dbformat.journal import (
    FOREIGN,
    JOURNAL_TAIL,
    JournalProblem,
    Pending,
    apply_entry,
    read_journal_entries,
)
from tuireader.dbformat.journal_mark import cut_problem, cut_short, read_mark
from tuireader.dbformat.layout import journal_path, shard_folder, shard_path
from tuireader.dbformat.schema import (
    ANNOTATIONS,
    INDEX,
    SHARDED,
    FileProblem,
    Tables,
    empty_tables,
    migrate,
    parse,
    schema_version,
)
from tuireader.durable import (
    NotDurableError,
    NotRegularFileError,
    collector_paused,
    temp_path,
    write_all,
    write_atomic,
)
from tuireader.errors import PathError, file_kind, os_problem
from tuireader.paths import on_read_only_file_system
from tuireader.plural import counted, plural
from tuireader.storage import (
    AtomicJSONStorage,
    JournalNotRestoredError,
    Stamp,
    gather_annotations,
    read_regular,
    read_whole,
    stamp_of,
)

if TYPE_CHECKING:
    from filelock import BaseFileLock

Loaded = tuple[Tables, Pending, Stamp]


class StoreError(PathError):
    """The annotation file cannot be used; the message is one line, ``PATH: problem``."""


class MissingShardsError(StoreError):
    """Shard files the index counts annotations in are not there (the message names them)."""


class StoreWriteError(StoreError):
    """A change could not be saved; it was rolled back and the file on disk is as it was."""


def write_failure(path: Path, exc: BaseException) -> StoreWriteError | None:
    """The one line a write that raised ``exc`` (rolled back) reports, naming ``path``; None
    when ``exc`` is not a failure of the files (a bug, an undo conflict: raised as it is)."""
    if isinstance(exc, NotDurableError):
        # The new file is in place: the next refresh shows what it holds.
        return StoreWriteError(
            path,
            f"not saved: the folder could not be synced ({os_problem(exc)}); the change may "
            "not survive a crash",
        )
    if isinstance(exc, JournalNotRestoredError):
        return StoreWriteError(
            path,
            f"not saved ({os_problem(exc.failure)}); the change was rolled back, but the journal "
            f"could not be put back as it was ({os_problem(exc.cause)}): its torn end is skipped "
            "when read and cut off at the next save",
        )
    if not isinstance(exc, OSError):
        return None
    return StoreWriteError(
        path,
        f"not saved ({os_problem(exc)}); the change was rolled back and the file is as it was",
    )


NO_FILE = "no such annotation file (opened with create=False)"
"""``read_only_reason`` of a store opened with ``create=False`` on a missing file."""


def real_path(path: Path) -> Path:
    """Where the data really lives: a symlinked database is written through to its target (a
    file in a synced folder stays that file), and its lock is the target's, so a window opened
    on the link and one opened on the target share one lock."""
    return Path(os.path.realpath(path))


def kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` cannot be a database (not a regular file), or None."""
    if stat.S_ISREG(mode):
        return None
    kind = file_kind(mode)
    if kind == "a folder":
        return "is a folder, not an annotation file"
    return f"is {kind}, not an annotation file"


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def read_only_reason(path: Path) -> str | None:
    if on_read_only_file_system(path):
        return "read-only file system"
    if path.exists() and not os.access(path, os.W_OK):
        return "no permission to write the file"
    if not os.access(path.parent, os.W_OK):
        return f"no permission to write in {path.parent}"
    return None


def read_file(path: Path, *, changed: bool = False) -> Loaded | None:
    """The small tables of the main file with its journal replayed, the journal's annotation
    changes per article (folded into the shards when they are read), and the stamp of exactly
    the versions read (fstat of the same open files); None if there is no file; StoreError if it is
    not ours or not a regular file (a FIFO or a device is never read: it could block forever or
    never end). A compaction by another process between the two reads is noticed (the snapshot
    was replaced) and the read done again.

    The journal's mark is read first, before the files it is compared with: an append by
    another process while they are read only makes it lag them (read after them, it could lead
    and a healthy journal would be taken for a cut one). A compaction after it changes the main
    file it names, so it is unknown then."""
    for _ in range(5):
        mark = read_mark(path)
        snapshot = _read_regular(path)
        if snapshot is None:
            return None
        journal = _read_journal(path)
        st = snapshot[1]
        try:
            again = os.stat(path)
        except FileNotFoundError:
            continue
        if again.st_ino == st.st_ino:
            break
    else:
        raise StoreError(path, "keeps being replaced by another process; try again")
    try:
        tables = parse(snapshot[0])
        pending: Pending = {}
        jst: tuple[int, int, int] = (0, 0, 0)
        version = schema_version(tables)
        held = 0
        journal_mtime: int | None = None
        if journal is not None:
            entries, end = read_journal_entries(journal[0], version)
            for entry in entries:
                apply_entry(tables, entry, pending if version >= schema.SHARDED else None)
            jst = (journal[1].st_ino, journal[1].st_size, journal[1].st_mtime_ns)
            held = end + len(JOURNAL_TAIL) if end else 0
            journal_mtime = journal[1].st_mtime_ns
        if version >= schema.SHARDED:
            main = (st.st_size, st.st_mtime_ns)
            if cut_short(mark, held, main, journal_mtime):
                assert mark is not None
                raise JournalProblem(cut_problem(journal_path(path), mark, held))
        return tables, pending, Stamp(st.st_ino, st.st_size, st.st_mtime_ns, jst)
    except FileProblem as exc:
        problem = exc.problem
        if changed:
            problem = f"was changed on disk by something else: {problem}; not saved"
        backup = path.with_name(path.name + ".bak")
        # The backup is of the main file, older than it: no help when only the journal is bad.
        if backup.exists() and not isinstance(exc, JournalProblem):
            problem += f"; the last good copy is {backup}"
        raise StoreError(path, problem) from None


def read_journal(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The bytes of the database's journal and their stat, None if there is none."""
    return _read_journal(path)


def _read_journal(path: Path) -> tuple[bytes, os.stat_result] | None:
    """``read_journal``; StoreError naming the database when the journal is no regular file
    (a folder, a FIFO: never read; a symbolic link: never followed, the appends would write
    through it) with the way out (``repair`` sets it aside)."""
    try:
        return _read_regular(journal_path(path), follow=False)
    except _NotRegular as exc:
        name = journal_path(path).name
        raise StoreError(
            path, f"its journal {name} is {exc.kind}, not a journal: {FOREIGN}"
        ) from None


class _NotRegular(StoreError):
    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(path, f"is {kind}, not an annotation file")
        self.kind = kind


def _read_regular(path: Path, *, follow: bool = True) -> tuple[bytes, os.stat_result] | None:
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise _NotRegular(path, "a folder") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise _NotRegular(path, "a symbolic link") from None
        raise StoreError(path, f"cannot be read ({os_problem(exc)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _NotRegular(path, file_kind(st.st_mode))
        return read_whole(fd)
    except OSError as exc:
        raise StoreError(path, f"cannot be read ({os_problem(exc)})") from None
    finally:
        os.close(fd)


def _keep_old(path: Path, old: int) -> None:
    """Copy the file (and its journal, if any) to ``PATH.vN.bak`` (``PATH.vN.bak.journal``),
    each written whole and synced before the upgrade replaces anything: a crash right after
    the upgrade never leaves a backup cut short (an existing backup is replaced whole)."""
    backup = path.with_name(f"{path.name}.v{old}.bak")
    try:
        main = read_regular(path)
        journal = read_regular(journal_path(path))
        if main is not None:
            write_atomic(backup, main)
        if journal is not None:
            write_atomic(journal_path(backup), journal)
    except (OSError, FileProblem) as exc:
        problem = exc.problem if isinstance(exc, FileProblem) else os_problem(exc)
        raise StoreError(path, f"cannot keep a copy before upgrading ({problem})") from None


def migrated(path: Path, tables: Tables, unfolded: Pending | None = None) -> Tables:
    """The tables upgraded to this schema. A sharded file of an older schema has its
    annotations gathered inline first, so every migration step sees them as one table, unless
    the upgrade changes only the version number (``schema.version_only``): then the shards and
    ``unfolded`` stay as they are."""
    try:
        version = schema_version(tables)
        if (
            schema.SHARDED <= version < schema.SCHEMA_VERSION
            and ANNOTATIONS not in tables
            and not schema.version_only(version)
        ):
            tables[ANNOTATIONS] = gather_annotations(path, tables, unfolded or {})
        return migrate(tables)
    except FileProblem as exc:
        raise StoreError(path, exc.problem) from None


LOCK_POLL = 0.002
"""How often a write waiting for the lock tries it again (s). Another process tagging steadily
holds it ~1-3 ms a tag and takes it again within microseconds: tried every 50 ms (filelock's
default) a wait of 2 s missed every gap about one time in fifty, and the tag was refused."""


def new_lock(path: Path, wait: float) -> BaseFileLock:
    from filelock import FileLock  # ~10 ms to import; readers never lock

    return FileLock(str(lock_path(path)), timeout=wait)


@contextlib.contextmanager
def held(
    lock: BaseFileLock, path: Path, wait: float, holder: str = "another process"
) -> Iterator[None]:
    """Hold ``lock``; a timeout or a lock that cannot be made is a StoreWriteError."""
    from filelock import Timeout

    try:
        lock.acquire(timeout=wait, poll_interval=LOCK_POLL)
    except Timeout:
        raise StoreWriteError(
            path, f"not saved: the file is locked by {holder} (waited {wait:g} s); try again"
        ) from None
    except OSError as exc:
        raise StoreWriteError(
            path, f"not saved: cannot lock the file ({os_problem(exc)})"
        ) from None
    try:
        yield
    finally:
        lock.release()


def needs_rewrite(tables: Tables) -> bool:
    """An older schema, or annotations inline in the main file (schemas 1 to 3 kept them there; a
    hand-made file may): upgraded, annotations moved into shards, before the store writes."""
    return schema_version(tables) != schema.SCHEMA_VERSION or ANNOTATIONS in tables


class FileBackend:
    """The backend we ship (``backend.Backend``): the database's files and its file lock."""

    def __init__(self, path: Path, wait: float) -> None:
        self.path = path
        self.wait = wait
        self._lock: BaseFileLock | None = None
        """Made at the first write: filelock costs ~10 ms to import and readers never lock."""

    def load(self, *, changed: bool = False) -> Loaded | None:
        return read_file(self.path, changed=changed)

    @contextlib.contextmanager
    def lock(self, holder: str) -> Iterator[None]:
        if self._lock is None:
            self._lock = new_lock(self.path, self.wait)
        with held(self._lock, self.path, self.wait, holder):
            yield

    def commit(self, storage: AtomicJSONStorage) -> contextlib.AbstractContextManager[None]:
        return storage.transaction()


def create_or_migrate(path: Path, wait: float, check: Callable[[Tables], object]) -> Loaded:
    """Under the lock: create a missing file, or upgrade an older schema (keeping a copy of the
    old file and journal, byte for byte) and move inline annotations into shards. ``check``
    raises for data that must not be written (a corrupt record is never upgraded over the
    original)."""
    try:
        with held(new_lock(path, wait), path, wait):
            loaded = read_file(path)
            if loaded is None:
                tables = empty_tables()
            else:
                if not needs_rewrite(loaded[0]):
                    return loaded  # another process created or upgraded it meanwhile
                old = schema_version(loaded[0])
                tables = migrated(path, loaded[0], loaded[1])
                check(tables)
                if old != schema.SCHEMA_VERSION:
                    _keep_old(path, old)
                if ANNOTATIONS not in tables and schema.version_only(old):
                    return _version_raised(path)
            file = AtomicJSONStorage(path, tables)
            try:
                file.flush()
            except (OSError, FileProblem) as exc:
                problem = exc.problem if isinstance(exc, FileProblem) else os_problem(exc)
                raise StoreError(path, f"cannot be written ({problem})") from None
            assert file.stamp is not None
            return file.read(), {}, file.stamp
    except StoreWriteError as exc:
        raise StoreError(path, exc.problem.removeprefix("not saved: ")) from None


def _version_raised(path: Path) -> Loaded:
    """Under the lock: the main file written again with this schema's version and nothing else
    changed (one atomic replace; the shards and the journal stay as they are, the journal's
    entries apply to the new file as to the old), and read back."""
    data = _read_regular(path)
    assert data is not None  # read under the same lock just before
    doc = orjson.loads(data[0])
    doc[schema.META][schema.SCHEMA_KEY] = schema.schema_record()
    try:
        write_atomic(path, orjson.dumps(doc))
    except OSError as exc:
        raise StoreError(path, f"cannot be written ({os_problem(exc)})") from None
    loaded = read_file(path)
    assert loaded is not None
    return loaded


def open_data(
    path: Path, wait: float, *, create: bool, check: Callable[[Tables], object]
) -> tuple[Tables, Pending, Stamp | None, str | None]:
    """The data of the database at ``path`` (already ``real_path``) for a store to open: the
    small tables, the annotation changes not yet folded into the shards, the stamp of the version
    read (None: no file), and why the store is read-only (None: it may write).

    A file that is not a regular file, or data ``check`` refuses, raises StoreError and is never
    modified. With ``create`` a missing file (and its folder) is created and an older schema
    upgraded on disk; without it nothing is written: a missing file gives empty tables
    (``NO_FILE``) and an older schema is upgraded in memory only."""
    try:
        problem = kind_problem(os.stat(path).st_mode)
    except OSError:
        problem = None
    if problem is not None:
        raise StoreError(path, problem)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = f"cannot create its folder ({os_problem(exc)})"
            raise StoreError(path, problem) from None
    reason = read_only_reason(path)
    with collector_paused():
        loaded = FileBackend(path, wait).load()
    tables: Tables
    stamp: Stamp | None
    unfolded: Pending = {}
    if loaded is None:
        if not create:
            reason, tables, stamp = NO_FILE, empty_tables(), None
        elif reason is not None:
            raise StoreError(path, f"cannot be created ({reason})")
        else:
            tables, unfolded, stamp = create_or_migrate(path, wait, check)
    else:
        tables, unfolded, stamp = loaded
        if not os.path.isdir(shard_folder(path)):  # one stat; each shard is checked when read
            refuse_missing(path, tables, missing_without_folder(tables, unfolded))
        if needs_rewrite(tables):
            old = schema_version(tables)
            if not create:
                reason = f"schema {old}, upgraded in memory only (opened without writing)"
            if reason is None:
                with collector_paused():
                    check(migrated(path, copy.deepcopy(tables), unfolded))
                    tables, unfolded, stamp = create_or_migrate(path, wait, check)
            else:
                # In memory only; the file stays as it is. Annotations gathered for the
                # migration hold the journal's changes; otherwise those stay pending.
                tables = migrated(path, tables, unfolded)
                if ANNOTATIONS in tables:
                    unfolded = {}
        with collector_paused():
            check(tables)
    return tables, unfolded, stamp, reason


def missing_without_folder(tables: Tables, unfolded: Pending) -> list[str]:
    """The articles whose annotations the index counts in shard files, when there is no shard
    folder at all: those the journal's changes alone do not account for (a new database's
    first tags are only in the journal until the first compaction writes the folder)."""
    if schema_version(tables) < SHARDED:
        return []
    index = tables.get(INDEX, {})
    return short_of(index, index, lambda a: _puts(unfolded.get(a, {})))


def _puts(changes: dict[str, object]) -> int:
    return sum(record is not None for record in changes.values())


def missing_shards(
    path: Path, index: dict[str, dict[str, object]], held: Callable[[str], int]
) -> list[str]:
    """The articles whose shard file is not in the shard folder although the index counts
    more annotations in it than ``held`` (the journal's changes, not yet folded) accounts for:
    one listing of the folder, for the message of a refusal and for ``repair``."""
    try:
        present = set(os.listdir(shard_folder(path)))
    except OSError:
        present = set()
    absent = [a for a, entry in index.items() if entry.get("file") not in present]
    return short_of(index, absent, held)


def refuse_missing(path: Path, tables: Tables, missing: list[str]) -> None:
    """StoreError, one line, if ``missing`` names any article: the shard file(s) that are not
    there (the first few, and how many), what the index counts in them, and the way out."""
    if not missing:
        return
    index = tables.get(INDEX, {})
    folder = shard_folder(path)
    held = counted_in(index, missing)
    way_out = (
        "the annotations are not there to read; put the missing "
        f"{plural(len(missing), 'file')} back from the copy the database came from"
        f" (`tuireader repair --db {path} --dry-run` shows what else can be done)"
    )
    if len(missing) == 1:
        raise MissingShardsError(
            shard_path(path, missing[0]),
            f"is missing: the index of {path} says it held {held}; {way_out}",
        )
    names = [str(index[a].get("file")) for a in missing]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    where = "is missing, and with it" if not os.path.isdir(folder) else "lacks"
    raise MissingShardsError(
        folder,
        f"{where} {counted(len(missing), 'shard file')} ({shown}): the index of {path} says "
        f"they held {held}; {way_out}",
    )


def refuse_if_missing_now(path: Path, article_id: str) -> None:
    """``refuse_missing`` for the article's shard as the files stand now, read again (the
    tables held are of an older version: another process appended, or compacted and removed
    the shard with its last annotation). A read that fails refuses nothing here: the next
    refresh reports it."""
    try:
        now = read_file(path)
    except StoreError:
        return
    if now is None or os.path.lexists(shard_path(path, article_id)):
        return
    tables, pending, _ = now
    index = tables.get(INDEX, {})

    def held(a: str) -> int:
        return _puts(pending.get(a, {}))

    if short_of(index, [article_id], held):
        refuse_missing(path, tables, missing_shards(path, index, held) or [article_id])


def sweep(path: Path, file: AtomicJSONStorage) -> None:
    """Remove what a killed writer left (a temp file as large as the database) at once, if no
    writer holds the lock now (then they are its own, and it cleans up)."""
    from filelock import Timeout

    lock = new_lock(path, 0)
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return
    try:
        file.remove_stale_temps()
    finally:
        lock.release()


class OwnerFile:
    """``PATH.lock.owner``: who last took the write lock, only so that a process that cannot
    have the lock can say who holds it (not needed for safety)."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock.owner")
        self._stamp: Stamp | None = None

    def write(self, annotator: str) -> None:
        """Say that this process (for ``annotator``) holds the lock. Written again only when
        someone else wrote it since: rewriting (truncating) a file costs milliseconds on ext4,
        more than the journal append itself."""
        with contextlib.suppress(OSError):
            if self._stamp is not None and stamp_of(self.path) == self._stamp:
                return
            import socket  # only here, and not needed by readers

            who = f"tuireader pid {os.getpid()} ({annotator}@{socket.gethostname()})"
            self._replace(who.encode("utf-8"))
            self._stamp = stamp_of(self.path)

    def _replace(self, data: bytes) -> None:
        """Swap in a new file holding ``data``: a reader sees the old one or the new, never
        half. Not synced, on purpose: the file only names the holder in a message, a crash may
        leave it empty or old (``holder`` shows any bytes safely), and an fsync would cost
        ~13 ms a write where two processes take turns (measured at load 7.9: 17 ms vs 4 ms).
        Only under the lock, so the temp name is the store's (``stale_temps`` clears it)."""
        if not self.path.is_file() and os.path.lexists(self.path):
            raise NotRegularFileError(0, "not a regular file", str(self.path))
        tmp = temp_path(self.path)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def holder(self) -> str:
        """Who last took the lock, as the file says, made safe to print (the file may have
        been torn by a crash of an older version, or written by anything)."""
        try:
            data = read_regular(self.path)
        except (OSError, FileProblem):
            return "another process"
        text = sanitise.line(data.decode("utf-8", "replace")).strip() if data else ""
        return text or "another process"

"""Durable file writes: a reader, or a process killed at any moment, sees the old file or the new.

Shared by the annotation store and by exports so that both keep the same guarantees.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tuireader.errors import file_kind


def temp_path(path: Path) -> Path:
    """A hidden temporary name beside ``path``: the same folder, so ``os.replace`` is atomic.
    Unique per process and call; ``.{name}.*.tmp`` finds the leftovers of a killed writer."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(3)}.tmp")


class NotRegularFileError(OSError):
    """The path is a device, socket or other special file: it is never replaced by a file."""


def write_atomic(
    path: Path,
    data: bytes | Iterable[bytes],
    before_replace: Callable[[], None] | None = None,
    *,
    stream_special: bool = False,
) -> None:
    """Temp file in the same folder, fsync, ``os.replace``, fsync of the folder.

    ``data`` is the bytes or an iterable of chunks, written as they come (an export of 500,000
    annotations never exists whole in memory); an exception from the iterable aborts the write.

    Only a regular file or a new path is replaced. A symbolic link to a regular file keeps
    being a link: its target is replaced. A FIFO or character device (``/dev/null``, a
    terminal) is written in place when ``stream_special`` is set (an export piped to another
    program) and refused otherwise; any other kind of file (a block device, a socket) is always
    refused, with NotRegularFileError.

    Raises OSError with ``path`` as it was and no temporary file left behind.
    ``before_replace`` runs after the data is safe on disk and before the swap (a backup link).
    """
    kind = special_kind(path)
    if kind is not None:
        if stream_special and kind in STREAMABLE:
            write_in_place(path, data)
            return
        raise NotRegularFileError(errno.EINVAL, f"not a regular file ({kind})", str(path))
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    tmp = temp_path(target)
    try:
        # 0o666 through os.open lets the umask decide the mode, as for any file the user makes.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(target.parent)


STREAMABLE = frozenset({"a FIFO", "a character device"})
"""Special files that take a stream of bytes written in place."""


def special_kind(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (after symbolic links), else
    None. A folder is left to the caller (``os.open`` reports it as EISDIR)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return file_kind(mode)


def write_in_place(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Stream ``data`` into an existing FIFO or character device, which nothing replaces."""
    # No O_CREAT: the special file must still be there; no O_TRUNC: it means nothing here.
    # O_NONBLOCK: a FIFO nothing reads is refused at once instead of waiting forever.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise NotRegularFileError(
                errno.ENXIO, "not a regular file (a FIFO with nothing reading it)", str(path)
            ) from None
        raise
    try:
        os.set_blocking(fd, True)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            # Swapped for a regular file since the check: writing in place would half-overwrite it.
            raise NotRegularFileError(errno.EINVAL, "changed while being written", str(path))
        write_all(fd, data)
    finally:
        os.close(fd)


def is_terminal(path: Path) -> bool:
    """True when ``path`` is a terminal (``-o /dev/tty``, ``/dev/stdout`` on a console)."""
    if special_kind(path) != "a character device":
        return False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    """Write every byte of ``data`` to ``fd``: a short write (a nearly full disk) is continued,
    and one that writes nothing raises ENOSPC instead of looping for ever."""
    for chunk in (data,) if isinstance(data, bytes) else data:
        view = memoryview(chunk)
        while view:
            written = os.write(fd, view)
            if written <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[written:]


class NotDurableError(OSError):
    """The new file is in place but its folder could not be synced: a crash could undo it."""


_FSYNC_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF})
_OPEN_REFUSED = frozenset({errno.EACCES, errno.EPERM})


def fsync_file(path: Path) -> None:
    """Flush the file at ``path`` to disk (opened for reading: fsync needs no write access).
    Raises OSError."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable. A folder this process may not open (one it can
    write in but not read, mode -wx; a system that opens no folders) or a file system that
    does not support fsync on a folder is not a failure; any other error (EMFILE, EIO,
    ENOSPC, ...) raises NotDurableError: the change must not be reported saved."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        if exc.errno in _OPEN_REFUSED:
            return
        raise NotDurableError(exc.errno, exc.strerror) from exc
    try:
        _flush_folder(fd)
    finally:
        os.close(fd)


def _flush_folder(where: int) -> None:
    """``fsync_folder`` through ``where``, a descriptor of the folder the caller holds (so no
    open can fail, or be skipped, at that point). Raises NotDurableError."""
    try:
        os.fsync(where)
    except OSError as exc:
        if exc.errno not in _FSYNC_UNSUPPORTED:
            raise NotDurableError(exc.errno, exc.strerror) from exc


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work (opening a file, accepting thousands
    of suggestions, rendering an export). Those build tens of thousands of acyclic objects, and
    each collection would rescan everything the process holds (measured: a third of
    ``tag_many`` on War and Peace, half of a 50,000-annotation export). Reference counting
    still frees them.

    When many of them are left (over ``SET_ASIDE_SURVIVORS``: a book's layer the store keeps),
    they are set aside from the collector as the pause ends (``gc.freeze``): else the first
    allocation after it scanned them all as the youngest generation, holding the interpreter
    (and a reader's event loop) 40-270 ms in the thread that paused, in War and Peace with
    another window tagging. A cycle alive then and dropped later is never collected, so small
    pauses (a tag) leave theirs to the collector as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] > SET_ASIDE_SURVIVORS:
                gc.freeze()
            gc.enable()


SET_ASIDE_SURVIVORS = 1_000
"""Objects left by a pause of the collector above which they are frozen (``collector_paused``).
War and Peace with another window tagging (load 8-9): at 10,000 the oldest generation was
collected 6 times in the held-key phases, up to 195 ms; at 1,000 4 times, up to 59 ms."""


def sync_file_system(folder: Path, files: Iterable[Path], *, where: int) -> None:
    """Make ``files`` (all in ``folder``) durable: one ``syncfs`` of the file system where the
    C library has it (Linux; it reports write-back errors since 5.8), else an fsync each.

    The ``syncfs`` goes through ``where``, a descriptor of ``folder`` the caller opened before
    it wrote the files: ``syncfs`` reports the file system's write-back errors that no one has
    seen or that came after its descriptor was opened, so an error writing these files back
    that another process's ``syncfs`` saw first (the kernel may write them back on its own
    before ours) is still reported; through a descriptor opened for the sync it was not.
    Raises OSError."""
    syncfs = _syncfs()
    if syncfs is None:
        for path in files:
            fsync_file(path)
    else:
        _call_syncfs(syncfs, where, folder)


def _call_syncfs(syncfs: Callable[[int], int], fd: int, folder: Path) -> None:
    if syncfs(fd) != 0:
        import ctypes

        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(folder))


def _syncfs() -> Callable[[int], int] | None:
    import ctypes

    try:
        found: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return found


def replace_together(
    folder: Path, files: Iterable[tuple[Path, bytes | None]], *, one_by_one: bool
) -> None:
    """Replace files of ``folder`` (made if missing) as one step: each new content (None: the
    file is removed) goes to a temporary file first, and only when every one is durable are
    they swapped in with ``os.replace``; then the folder is fsynced once. ``one_by_one``:
    fsync each temporary file (the folder is opened only for its fsync after the swap, so a
    folder that can be written but not read still works), else make them all durable with
    one ``sync_file_system`` through a descriptor of the folder opened before they are
    written (the folder's fsync goes through it too). On a failure the temporary files are
    removed. ``files`` is read one at a time, as written."""
    if not folder.is_dir():
        folder.mkdir()
        fsync_folder(folder.parent)
    if one_by_one:  # each file fsynced: no descriptor needed first (a -wx folder still works)
        _swap_in(folder, files, None)
        fsync_folder(folder)
        return
    where = os.open(folder, _FOLDER)
    try:
        _swap_in(folder, files, where)
        _flush_folder(where)
    finally:
        os.close(where)


def _swap_in(folder: Path, files: Iterable[tuple[Path, bytes | None]], where: int | None) -> None:
    """``replace_together``'s writes and swaps: each file fsynced where ``where`` is None, else
    all synced at once through ``where``, the folder's descriptor."""
    swaps: list[tuple[Path, Path | None]] = []
    try:
        for target, data in files:
            if data is None:
                swaps.append((target, None))
                continue
            tmp = temp_path(target)
            swaps.append((target, tmp))
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                write_all(fd, data)
                if where is None:
                    os.fsync(fd)
            finally:
                os.close(fd)
        if where is not None:
            made_files = [made for _, made in swaps if made is not None]
            sync_file_system(folder, made_files, where=where)
        for target, made in swaps:
            if made is None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)
            else:
                os.replace(made, target)
    except BaseException:
        for _, made in swaps:
            if made is not None:
                with contextlib.suppress(OSError):
                    os.unlink(made)
        raise


def keep_copy(path: Path, backup: Path) -> None:
    """Make ``backup`` a durable copy of ``path`` (if it exists), replacing the old one
    atomically. A copy, not a hard link: the two are never one inode, so nothing that writes
    one in place (another program, TinyDB itself) changes the other."""
    if not path.exists():
        return
    import shutil  # only at a compaction

    tmp = temp_path(backup)
    try:
        shutil.copyfile(path, tmp)
        fsync_file(tmp)
        # Replacing the old copy frees its blocks, which takes milliseconds for a large file.
        # Holding it open defers that to the close, done off the caller's path.
        old = _open_quietly(backup)
        os.replace(tmp, backup)
        if old is not None:
            threading.Thread(target=os.close, args=(old,), daemon=True).start()
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def regular_file(
    path: Path, flags: int = os.O_RDONLY, *, follow: bool = False
) -> Iterator[int | None]:
    """A descriptor of ``path`` opened with ``flags`` if it is a regular file, else None: no
    such file, an error opening it, a link (unless ``follow``), or a FIFO or device (opened
    without waiting, never read or written). Closed on leaving."""
    extra = os.O_NOCTTY | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC
    if not follow:
        extra |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags | extra)
    except OSError:
        yield None
        return
    try:
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
        except OSError:
            regular = False
        yield fd if regular else None
    finally:
        os.close(fd)


def _open_quietly(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


class NewFiles:
    """Files of ``folder`` (made if missing) written straight to their names, no temporary file
    (for files nothing reads until the caller records them, see
    ``AtomicJSONStorage.create_shards``), then made durable all together, once, by
    ``make_durable``, before anything names them. A file already there (left by a killed
    writer) is replaced; so is anything else at that name but a folder.

    The folder is opened first and the ``syncfs`` goes through that descriptor, so that it
    reports an error writing these files back that another process saw first (see
    ``sync_file_system``)."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            folder.mkdir()
            fsync_folder(folder.parent)
        self.folder = folder
        self.names: list[str] = []
        self._where: int | None = os.open(folder, _FOLDER)

    def write(self, files: Iterable[tuple[str, bytes]]) -> list[str]:
        """Write ``files`` (name relative to the folder, bytes) and return their names. Not
        durable until ``make_durable``. Raises OSError, maybe with some files written."""
        where = self._open()
        made: list[str] = []
        for name, data in files:
            try:
                fd = os.open(name, _CREATE, 0o666, dir_fd=where)
            except FileExistsError:
                os.unlink(name, dir_fd=where)
                fd = os.open(name, _CREATE, 0o666, dir_fd=where)
            try:
                write_all(fd, data)
            finally:
                os.close(fd)
            made.append(name)
        self.names += made
        return made

    def make_durable(self) -> None:
        """Make every file written and their names durable: one ``syncfs`` of the file system,
        else an fsync of each file; then an fsync of the folder in either case. After a
        ``syncfs`` that fsync writes nothing (the folder's blocks went with it) but it is not
        redundant: on ext4 without a journal (this machine's disk) ``syncfs`` flushes the
        disk's write cache *before* its last write-back of the block device (the kernel's
        ``sync_filesystem``), where the inodes that delayed allocation filled in sit, so only
        a later flush makes them durable; a folder's fsync is the cheapest one (0.1-4 ms
        here). It goes through the folder's descriptor held since the files were written, so
        no open is left to fail (EMFILE) at that point.
        Closes the folder. Raises OSError (NotDurableError for the folder)."""
        where = self._open()
        try:
            # Paths made only without syncfs: one costs ~9 us (timeit, load 5), 12,500 at 500k.
            made = (self.folder / name for name in self.names)
            sync_file_system(self.folder, made, where=where)
            _flush_folder(where)
        finally:
            self.close()

    def close(self) -> None:
        """Close the folder (``make_durable`` does; a failed write gives up with this)."""
        if self._where is not None:
            os.close(self._where)
            self._where = None

    def _open(self) -> int:
        if self._where is None:
            raise ValueError("these new files were made durable or given up already")
        return self._where


_FOLDER = os.O_RDONLY | os.O_DIRECTORY
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)

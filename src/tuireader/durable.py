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
            _write_all(fd, data)
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
        _write_all(fd, data)
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


def _write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    for chunk in (data,) if isinstance(data, bytes) else data:
        view = memoryview(chunk)
        while view:
            written = os.write(fd, view)
            view = view[written:]


class NotDurableError(OSError):
    """The new file is in place but its folder could not be synced: a crash could undo it."""


_FSYNC_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF})


def fsync_file(path: Path) -> None:
    """Flush the file at ``path`` to disk (opened for reading: fsync needs no write access).
    Raises OSError."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable. A file system that does not support fsync on a
    folder is not a failure; any other error (EIO, ENOSPC, ...) raises NotDurableError: the
    change must not be reported saved."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _FSYNC_UNSUPPORTED:
            raise NotDurableError(exc.errno, exc.strerror) from exc
    finally:
        os.close(fd)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work (opening a file, accepting thousands
    of suggestions, rendering an export). Those build tens of thousands of acyclic objects, and
    each collection would rescan everything the process holds (measured: a third of
    ``tag_many`` on War and Peace, half of a 50,000-annotation export). Reference counting
    still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sync_file_system(folder: Path, files: Iterable[Path]) -> None:
    """Make ``files`` (all in ``folder``) durable: one ``syncfs`` of the file system where the
    C library has it (Linux; it reports write-back errors since 5.8), else an fsync each.
    Raises OSError."""
    if not _sync_whole(folder):
        for path in files:
            fsync_file(path)


def _sync_whole(folder: Path) -> bool:
    """One ``syncfs`` of the file system holding ``folder``; False where there is none.
    Raises OSError."""
    syncfs = _syncfs()
    if syncfs is None:
        return False
    import ctypes

    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(folder))
    finally:
        os.close(fd)
    return True


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
    fsync each temporary file, else make them all durable with one ``sync_file_system``. On
    a failure the temporary files are removed. ``files`` is read one at a time, as written."""
    if not folder.is_dir():
        folder.mkdir()
        fsync_folder(folder.parent)
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
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
                if one_by_one:
                    os.fsync(fd)
            finally:
                os.close(fd)
        if not one_by_one:
            sync_file_system(folder, [made for _, made in swaps if made is not None])
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
    fsync_folder(folder)


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


def _open_quietly(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def create_files(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write files of ``folder`` (made if missing), named relative to it, straight to their
    names (no temporary file: for files nothing reads until the caller records them, see
    ``AtomicJSONStorage.create_shards``), and return their names. They are not durable yet:
    ``make_durable`` makes them so, once for all the files one write created, before anything
    names them. A file already there (left by a killed writer) is replaced; so is anything
    else at that name but a folder. Raises OSError, maybe with some files written."""
    if not folder.is_dir():
        folder.mkdir()
        fsync_folder(folder.parent)
    made: list[str] = []
    where = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name, data in files:
            try:
                fd = os.open(name, _CREATE, 0o666, dir_fd=where)
            except FileExistsError:
                os.unlink(name, dir_fd=where)
                fd = os.open(name, _CREATE, 0o666, dir_fd=where)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            made.append(name)
    finally:
        os.close(where)
    return made


def make_durable(folder: Path, names: Iterable[str]) -> None:
    """Make the files ``names`` of ``folder`` (from ``create_files``) and their names durable:
    one ``syncfs`` of the file system, else an fsync of each; then an fsync of the folder in
    either case. After a ``syncfs`` that fsync writes nothing (the folder's blocks went with
    it) but it is not redundant: on ext4 without a journal (this machine's disk) ``syncfs``
    flushes the disk's write cache *before* its last write-back of the block device, where
    the inodes that delayed allocation filled in during that write-back sit, so only a later
    flush makes them durable; the fsync of a folder is the cheapest one (0.1-4 ms a call
    here). Raises OSError (NotDurableError for the folder)."""
    # Paths only where there is no syncfs: one costs ~9 us (timeit, load 5), 12,500 at 500k.
    if not _sync_whole(folder):
        for name in names:
            fsync_file(folder / name)
    fsync_folder(folder)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)

"""Durable file writes: a reader, or a process killed at any moment, sees the old file or the new.

Shared by the annotation store and by exports so that both keep the same guarantees.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path


def temp_path(path: Path) -> Path:
    """A hidden temporary name beside ``path``: the same folder, so ``os.replace`` is atomic.
    Unique per process and call; ``.{name}.*.tmp`` finds the leftovers of a killed writer."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(3)}.tmp")


def write_atomic(
    path: Path, data: bytes | Iterable[bytes], before_replace: Callable[[], None] | None = None
) -> None:
    """Temp file in the same folder, fsync, ``os.replace``, fsync of the folder.

    ``data`` is the bytes or an iterable of chunks, written as they come (an export of 500,000
    annotations never exists whole in memory); an exception from the iterable aborts the write.

    Raises OSError with ``path`` as it was and no temporary file left behind.
    ``before_replace`` runs after the data is safe on disk and before the swap (a backup link).
    """
    tmp = temp_path(path)
    try:
        # 0o666 through os.open lets the umask decide the mode, as for any file the user makes.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            for chunk in (data,) if isinstance(data, bytes) else data:
                view = memoryview(chunk)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(path.parent)


class NotDurableError(OSError):
    """The new file is in place but its folder could not be synced: a crash could undo it."""


_FSYNC_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF})


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

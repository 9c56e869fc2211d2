"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

MAX_FILE_BYTES = 200 * 1024 * 1024
"""The largest file read whole (an article, an import): 200 MB. A bigger one is refused before a
byte is read, so ``/dev/zero`` or a runaway log can never exhaust memory."""

MAX_ARTICLE_BYTES = 10 * 1024 * 1024
"""The largest article text, from a file or a pipe: 10 MB, as much as a fetched page may be
(War and Peace is 3.2 MB). Parsing and segmenting hold about 40 bytes a byte of text, so a 30 MB
pipe took 1.15 GB; a bigger text is refused before it is parsed."""


class TuireaderError(Exception):
    """A problem the user can act on; the CLI prints it as one line and exits 2."""


class PathError(TuireaderError):
    """A problem with one file; the message is one line, ``PATH: problem``."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ArticleError(PathError):
    """An article file that cannot be read as text."""


_OS_PROBLEMS = {
    errno.ENOENT: "no such file",
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
}


def os_problem(exc: OSError, what: str = "a file") -> str:
    """A short, user-facing reason for a failed read or write of ``what``."""
    if exc.errno == errno.EISDIR:
        return f"is a folder, not {what}"
    known = _OS_PROBLEMS.get(exc.errno or 0)
    if known:
        return known
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]  # "No such device" -> "no such device"; "FIFO" stays


def read_bytes(
    path: Path,
    what: str,
    error: type[PathError],
    *,
    limit: int = MAX_FILE_BYTES,
    regular_only: bool = True,
) -> bytes:
    """Read ``path`` whole; an OS failure becomes ``error(path, problem)``, one line.

    A FIFO, device, socket or other special file is refused without blocking (with
    ``regular_only``; else it is read as a stream), and so is anything over ``limit`` bytes.
    """
    fd, info = _open_checked(path, what, error, regular_only)
    try:
        if info.st_size > limit:
            raise error(
                path, f"too large ({megabytes(info.st_size)}; the limit is {megabytes(limit)})"
            )
        chunks = []
        size = 0
        while True:  # a file may grow while read, and a stream has no size: count as we go
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise error(path, f"too large (over {megabytes(limit)})")
        return b"".join(chunks)
    except OSError as exc:
        raise error(path, os_problem(exc, what)) from None
    finally:
        os.close(fd)


def open_regular(path: Path, what: str, error: type[PathError], buffering: int = -1) -> BinaryIO:
    """``path`` opened for reading in binary, for a reader that streams it (no size limit);
    refused as ``read_bytes`` refuses it when it is missing, a folder or not a regular file.
    ``buffering`` is ``open``'s (a reader of a large file line by line may ask for more)."""
    fd, _ = _open_checked(path, what, error, regular_only=True)
    return os.fdopen(fd, "rb", buffering=buffering)


def _open_checked(
    path: Path, what: str, error: type[PathError], regular_only: bool
) -> tuple[int, os.stat_result]:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise error(path, os_problem(exc, what)) from None
    if regular_only and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        # Named before opening: a socket cannot be opened at all, a FIFO would block.
        raise error(path, f"not a regular file ({file_kind(mode)}), not {what}")
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        flags = os.O_RDONLY | os.O_NOCTTY | (os.O_NONBLOCK if regular_only else 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(path, os_problem(exc, what)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(path, f"is a folder, not {what}")
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise error(path, f"not a regular file ({file_kind(info.st_mode)}), not {what}")
        if regular_only:
            os.set_blocking(fd, True)
    except OSError as exc:
        os.close(fd)
        raise error(path, os_problem(exc, what)) from None
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words: "a FIFO", "a character device"…"""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"

"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations

import errno
from pathlib import Path


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
    return _OS_PROBLEMS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def read_bytes(path: Path, what: str, error: type[PathError]) -> bytes:
    """Read ``path`` whole; an OS failure becomes ``error(path, problem)``, one line."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(path, os_problem(exc, what)) from None

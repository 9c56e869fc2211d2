"""Standard output and error of a subcommand, guarded so that a full disk, a broken device or a
closed pipe behind them ends the command with one line and an exit code, never a traceback.

Every write to file descriptor 1 (``print``, ``sys.stdout.write``, ``sys.stdout.buffer``) goes
through :class:`_GuardedOutput`, which names a failure as the standard output's: an ``OSError``
of an article or database file is never mistaken for it. Standard error cannot report its own
failure, so a failed write there is dropped and the exit code carries the outcome.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator

from tuireader.errors import os_problem


class OutputFailed(OSError):
    """A write to standard output failed (disk full, I/O error, closed pipe)."""

    @property
    def pipe_closed(self) -> bool:
        return self.errno in (errno.EPIPE, errno.ECONNRESET)

    def message(self) -> str:
        return f"standard output: cannot write: {os_problem(self, 'a file')}"


class _GuardedOutput(io.FileIO):
    def write(self, data: object) -> int:
        try:
            return super().write(data)  # type: ignore[arg-type]
        except OSError as exc:
            raise OutputFailed(exc.errno, exc.strerror) from None


class _QuietOutput(io.FileIO):
    def write(self, data: object) -> int:
        try:
            return super().write(data)  # type: ignore[arg-type]
        except OSError:
            return len(memoryview(data))  # type: ignore[arg-type]


def _rewrap(stream: object, raw: io.FileIO) -> io.TextIOWrapper | None:
    if not isinstance(stream, io.TextIOWrapper):
        return None
    return io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )


@contextlib.contextmanager
def guarded_streams() -> Iterator[None]:
    """Guard the process's own standard output and error for the time of a command (streams a
    caller replaced, such as a test's capture, are left as they are)."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is sys.__stdout__ and sys.stdout is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            guarded = _rewrap(sys.stdout, _GuardedOutput(sys.stdout.fileno(), "w", closefd=False))
            sys.stdout = guarded or sys.stdout
    if sys.stderr is sys.__stderr__ and sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
            quiet = _rewrap(sys.stderr, _QuietOutput(sys.stderr.fileno(), "w", closefd=False))
            sys.stderr = quiet or sys.stderr
    try:
        yield
    except SystemExit:  # --help, --version: their text must reach the output too
        sys.stdout.flush()
        raise
    else:
        sys.stdout.flush()  # what is still buffered fails here, inside the guard
    finally:
        if sys.stdout is not saved[0]:
            _drop_pending(sys.stdout)
        if sys.stderr is not saved[1]:
            # Its buffer is ours (under PYTHONUNBUFFERED the original has none): what is still
            # in it, such as "wrote ... export", would be dropped with it.
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
        sys.stdout, sys.stderr = saved


def _drop_pending(stream: object) -> None:
    """Flush a guarded stream one last time; after a failure, point descriptor 1 at the null
    device so that the interpreter's flush at exit finds nothing to complain about."""
    try:
        stream.flush()  # type: ignore[attr-defined]
    except OSError:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())  # type: ignore[attr-defined]
        finally:
            os.close(null)
        with contextlib.suppress(OSError):
            stream.flush()  # type: ignore[attr-defined]

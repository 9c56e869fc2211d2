"""The reader's store writes that need not block a key press, done in one background thread.

The reader's state (cursors, the last article, list counts, the theme) is saved by the
writer, in the order it was asked for, and the journal's compaction runs there too, so a
key press never waits on a disk write it did not ask for, nor on a compaction. A tag, a note
or an undo is still written before the screen calls it saved (the caller's choice); those
take a few milliseconds, and ``Store`` serialises them with the writer's (``store.threads``).

Nothing here imports Textual: the app hands the writer callables and drains it before it
closes the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class StoreWriter:
    """One thread that runs jobs in the order given. A job's failure is logged and kept in
    ``errors`` (UI state is a convenience: it never stops the reader)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._lock = threading.Lock()
        self._last: Future[object] | None = None
        self._closed = False
        self.errors: list[BaseException] = []

    def submit(self, job: Callable[[], object]) -> Future[object] | None:
        """Queue ``job``; None once the writer is closed (the job is not run)."""
        with self._lock:
            if self._closed:
                return None
            future = self._pool.submit(self._run, job)
            self._last = future
            return future

    def _run(self, job: Callable[[], object]) -> object:
        try:
            return job()
        except Exception as exc:
            self.errors.append(exc)
            log.warning("store write failed: %s", exc)
            return None

    @property
    def busy(self) -> bool:
        last = self._last
        return last is not None and not last.done()

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every job queued so far has run; False if ``timeout`` passed first."""
        last = self._last
        if last is None:
            return True
        try:
            last.result(timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        """Run what is queued, then stop taking jobs."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True)

"""The thread that reads the store for the reader (``StoreReader``), beside the writer thread
(``ui/store_writer.py``), and hands what it read to the event loop in one piece.

Every store call takes the store's lock, which the writer thread holds while it writes (fsync
included), and a write waits for the file lock while another process holds it: on the event
loop a read would stall every key meanwhile, and in the writer thread a look would wait behind
my slow writes and delay my next tag by its own length. So reads run in a thread of their own,
on a second, read-only handle of the same files (``Store.open(create=False)``) that catches up
with the journal before each read: a read never takes the writer's lock nor the file lock,
and sees the files as one write left them (each journal entry is appended whole), never half
of one. The loop queues the read, keeps showing what it has, and applies what was read when it
lands, if it still applies (the same article open, a newer reload than the one shown, no write
of mine shown since it read). What is read is in ``ui/store_reads.py``. Nothing here imports
Textual.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuireader.store import Store

log = logging.getLogger(__name__)

COMPACTION_WAIT = 0.005
"""How long a read waits (and again) for a compaction of the writer's store that is replacing
files, before it reads."""
READ_TRIES = 50
"""Turns a consistent read takes at most: each waits COMPACTION_WAIT while a compaction of the
writer's store is replacing files, or reads and keeps the result unless a compaction ran
meanwhile. After that many, one more read is made, once no compaction is replacing files, and
kept without the check."""


@dataclass(frozen=True)
class Read:
    """A read the reader asked for: its outcome and what shows it once it lands."""

    future: Future[Any]
    shown: Callable[[Any], None]


class StoreReader:
    """One thread that reads the store's files on a handle of its own, so a read never waits
    for the writer thread's lock, and a write never waits for a read.

    ``store`` is the writer's store: the handle is opened on its files for its annotator (and
    follows a change of annotator), and a compaction of it (``Store.compactions``) makes a read
    that overlapped it read again. A read-only store is read directly (it writes nothing, so
    nothing holds its lock long)."""

    def __init__(self, store: Store, wake: Callable[[], object] = lambda: None) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-reader")
        self._lock = threading.Lock()
        self._closed = False
        self._wake = wake
        self._reads: collections.deque[Read] = collections.deque()
        self._handle: Store | None = None

    def read(
        self,
        job: Callable[[Store], Any],
        shown: Callable[[Any], None],
        *,
        after: Future[Any] | None = None,
    ) -> Future[Any] | None:
        """Queue ``job`` (given the handle to read); ``shown`` gets its result on the caller's
        thread from ``landed``. ``after``: a write it must see (it starts once that one has
        returned). None once closed (the job is not run)."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                return None
            self._reads.append(Read(future, shown))

        def start(_: object = None) -> None:
            try:
                self._pool.submit(self._run, job, future)
            except RuntimeError:  # closed meanwhile: never read
                future.cancel()
                self._wake()

        if after is None:
            start()
        else:
            after.add_done_callback(start)
        return future

    def _run(self, job: Callable[[Store], Any], future: Future[Any]) -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(self.consistent(job))
            except BaseException as exc:
                future.set_exception(exc)
        self._wake()

    def consistent(self, job: Callable[[Store], Any]) -> Any:
        """In the reader thread: ``job`` on the handle caught up with the files, read again if
        a compaction of the writer's store replaced files while it ran."""
        handle = self._opened()
        if handle is self.store:
            return job(handle)
        for _ in range(READ_TRIES):
            before = self.store.compactions
            if before % 2:
                time.sleep(COMPACTION_WAIT)
                continue
            handle.annotator = self.store.annotator
            handle.refresh()
            result = job(handle)
            if self.store.compactions == before:
                return result
        while self.store.compactions % 2:  # out of tries: never read while files are replaced
            time.sleep(COMPACTION_WAIT)
        handle.annotator = self.store.annotator
        handle.refresh()
        return job(handle)

    def _opened(self) -> Store:
        if self._handle is None:
            store = self.store
            self._handle = store
            if not store.read_only:
                from tuireader.store import Store, StoreError

                try:
                    self._handle = Store.open(
                        store.path, store.annotator, wait=store.wait, tags=store.tags, create=False
                    )
                except StoreError as exc:  # read on the store itself, as before
                    log.warning("reads share the writer's store: %s", exc)
        return self._handle

    def landed(self) -> list[Read]:
        """The reads that returned (or were cancelled), each handed out once, oldest first."""
        done: list[Read] = []
        waiting: collections.deque[Read] = collections.deque()
        with self._lock:
            for read in self._reads:
                (done if read.future.done() else waiting).append(read)
            self._reads = waiting
        return done

    @property
    def waiting(self) -> list[Future[Any]]:
        """The reads not handed out by ``landed`` yet."""
        with self._lock:
            return [r.future for r in self._reads]

    def close(self) -> None:
        """Finish the reads under way, then stop taking jobs and close the handle."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True)
        if self._handle is not None and self._handle is not self.store:
            self._handle.close()

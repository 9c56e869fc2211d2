"""The reader's store writes, done in one background thread so no key press waits on the disk.

Two kinds of job share the thread, and so run in the order they were asked for:

- the reader's state (cursors, the last article, list counts, the theme) and the journal's
  compaction: a convenience, whose failure is logged and never stops the reader;
- the user's own writes (a tag, a clear, a note, an undo, ...): each is queued with what to
  show once it is durable. ``landed`` hands those back, oldest first and only in order, once
  their write returned (or raised), so the screen shows a change only after it is on disk,
  and a failure instead of it.

The store's lock (``store.threads``) serialises this thread's calls with any other caller's; the
reader's reads run on a handle of their own, in a thread of their own (``ui/store_reader.py``).
Nothing here imports Textual: the app gives the writer a ``wake`` callable (posting it a
message, which is thread-safe), and drains it before it closes the store.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OwnWrite:
    """A write the user asked for: its outcome (a result, or the exception it raised) and what
    shows it once it is durable. ``change`` False: a read that waited its turn behind the
    writes (the store's count), not a change of mine."""

    future: Future[Any]
    shown: Callable[[Any], None]
    change: bool = True


class StoreWriter:
    """One thread that runs jobs in the order given."""

    def __init__(self, wake: Callable[[], object] = lambda: None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._lock = threading.Lock()
        self._last: Future[Any] | None = None
        self._kept: Future[Any] | None = None
        """The caller's future of the newest job queued that a later save does not replace
        (all but ``submit(..., replaced=True)``)."""
        self._closed = False
        self._wake = wake
        self._own: collections.deque[OwnWrite] = collections.deque()
        self.errors: list[BaseException] = []
        """The failures of state saves (own writes' failures go to whoever shows them)."""
        self.finished = 0
        """How many own writes that change something (``change``) have returned (or raised): a
        read that started at one count and lands at another may miss a change shown meanwhile
        (``ui/store_reader.py``)."""
        self.asked = 0
        """How many own writes that change something have been queued: a read queued after
        ``asked`` of them that lands once more than that have returned may miss the later."""

    def submit(self, job: Callable[[], object], *, replaced: bool = False) -> Future[object] | None:
        """Queue a state save ``job`` (a failure is logged and kept in ``errors``); None once
        the writer is closed (the job is not run). ``replaced``: the reader's state as of now
        (cursors, counts) or a compaction, which a later save of the whole state replaces."""
        with self._lock:
            if self._closed:
                return None
            future = self._queue(partial(self._run, job))
            if not replaced:
                self._kept = future
            return future

    def write(
        self, job: Callable[[], Any], shown: Callable[[Any], None], *, change: bool = True
    ) -> Future[Any] | None:
        """Queue a write the user asked for; ``shown`` gets its result on the caller's thread
        from ``landed``, after the write returned. The writer's ``wake`` is called (in the
        writer thread) when it has. None once the writer is closed (the job is not run)."""
        with self._lock:
            if self._closed:
                return None
            future = self._queue(job)
            self._kept = future
            self._own.append(OwnWrite(future, shown, change))
            self.asked += change
        future.add_done_callback(self._finished if change else lambda _: self._wake())
        return future

    def _queue(self, job: Callable[[], Any]) -> Future[Any]:
        """Under the lock: queue ``job``. The caller gets a future of its own, which ``cancel``
        can cancel while the job waits; ``last`` is the queue's, which completes in its turn
        even so (a read chained on it, or ``drain``, never starts before what was queued
        earlier has run)."""
        future: Future[Any] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return  # cancelled while it waited: skipped in its turn
            try:
                result = job()
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        self._last = self._pool.submit(run)
        return future

    def cancel(self, future: Future[Any]) -> bool:
        """Drop a job (a future ``submit`` or ``write`` returned) that has not started yet (an
        article's open, when quitting): True if it will not run, False if it is running or
        done. It is skipped in its turn, so what waits for ``last`` still waits for the jobs
        queued before it. Never meant for a change of mine: once asked for, it is written."""
        if not future.cancel():  # outside the lock: a cancel runs the done callbacks, which take it
            return False
        with self._lock:
            self._own = collections.deque(w for w in self._own if w.future is not future)
        return True

    def _finished(self, _future: Future[Any]) -> None:
        with self._lock:
            self.finished += 1
        self._wake()

    @property
    def last(self) -> Future[object] | None:
        """The newest job queued (a write or a state save): a read that must see what was
        asked for before it waits for this one."""
        return self._last

    def _run(self, job: Callable[[], object]) -> object:
        try:
            return job()
        except Exception as exc:
            self.errors.append(exc)
            log.warning("store write failed: %s", exc)
            return None

    def landed(self) -> list[OwnWrite]:
        """The own writes that returned, oldest first, stopping at the first still running (so
        they are shown in the order they were asked for); each is handed out once."""
        done: list[OwnWrite] = []
        with self._lock:
            while self._own and self._own[0].future.done():
                done.append(self._own.popleft())
        return done

    @property
    def writing(self) -> Future[Any] | None:
        """The newest own write not handed out by ``landed`` yet (when it is done, every
        earlier one is: one thread runs them in order)."""
        with self._lock:
            return self._own[-1].future if self._own else None

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
            last.exception(timeout)
        except TimeoutError:
            return False
        return True

    def alone(self, future: Future[Any]) -> bool:
        """Whether ``future`` (a job ``write`` or ``submit`` returned) is running, and what is
        queued after it is only ``replaced`` saves: everything asked for before it has run."""
        with self._lock:
            return self._kept is future and future.running()

    def close(self, wait: bool = True) -> None:
        """Run what is queued, then stop taking jobs. ``wait`` False: return at once, leaving
        the job under way to end on its own, and dropping the jobs queued after it (only
        ``replaced`` saves, when it is ``alone``)."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

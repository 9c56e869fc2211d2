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
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuireader.annotations import Annotation
    from tuireader.boundaries import Boundary
    from tuireader.records import DoneMark, TagRow
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
        begun: Callable[[], object] = lambda: None,
    ) -> Future[Any] | None:
        """Queue ``job`` (given the handle to read); ``shown`` gets its result on the caller's
        thread from ``landed``. ``after``: a write it must see (it starts once that one has
        returned). ``begun`` is called in the reader thread as the read starts, before the
        handle catches up with the files. None once closed (the job is not run)."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                return None
            self._reads.append(Read(future, shown))

        def start(_: object = None) -> None:
            try:
                self._pool.submit(self._run, job, future, begun)
            except RuntimeError:  # closed meanwhile: never read
                future.cancel()
                self._wake()

        if after is None:
            start()
        else:
            after.add_done_callback(start)
        return future

    def call(self, job: Callable[[Store], Any]) -> Future[Any] | None:
        """Queue ``job`` (given the handle, caught up, read again after a compaction as
        ``consistent`` does) for a caller in another thread that waits for its future itself:
        it is not handed to ``landed``. None once closed (the job is not run)."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                return None
            try:
                self._pool.submit(self._called, job, future)
            except RuntimeError:  # shut down meanwhile
                return None
        return future

    def _called(self, job: Callable[[Store], Any], future: Future[Any]) -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(self.consistent(job))
            except BaseException as exc:
                future.set_exception(exc)

    def _run(
        self, job: Callable[[Store], Any], future: Future[Any], begun: Callable[[], object]
    ) -> None:
        if not future.cancelled():
            begun()
        self._called(job, future)
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

    def source(self, after: Future[Any] | None = None) -> HandleSource:
        """The handle as a store to walk from another thread (``HandleSource``)."""
        return HandleSource(self, after)

    def close(self, wait: bool = True) -> None:
        """Finish the reads under way, then stop taking jobs and close the handle. ``wait``
        False: drop the reads queued and leave the one under way (the process is ending)."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        if wait and self._handle is not None and self._handle is not self.store:
            self._handle.close()


class HandleSource:
    """The reader's handle as a store that a long walk reads from its own thread (an export's
    ``collect``, the training's read of my tags): each call is one read in the reader thread,
    queued in turn with the looks and keys' reads (which so wait one article's read at most,
    never the whole walk), on the caught-up handle, so it never waits for my writes (the
    writer's store's lock is held through each fsync) nor delays them. Each call is consistent
    on its own (``StoreReader.consistent``); between calls other windows' and my writes may
    land, as they did between the articles of a walk of the writer's store. ``after``: a write
    the walk must see (it starts once that one has returned). A call once the reader is closed
    raises ``StoreError``."""

    def __init__(self, reader: StoreReader, after: Future[Any] | None = None) -> None:
        self._reader = reader
        self._after = after

    def _call(self, job: Callable[[Store], Any]) -> Any:
        from tuireader.store import StoreError

        after, self._after = self._after, None
        if after is not None:
            after.exception()  # waits until it has returned; its failure is shown elsewhere
        future = self._reader.call(job)
        if future is None:
            raise StoreError(self._reader.store.path, "the reader is closing: not read")
        return future.result()

    def annotations(
        self,
        article_id: str | None = None,
        annotator: str | None = None,
        *,
        include_orphans: bool = False,
    ) -> list[Annotation]:
        return self._call(
            lambda s: s.annotations(article_id, annotator, include_orphans=include_orphans)
        )

    def articles_meta(self) -> list[dict[str, Any]]:
        return self._call(lambda s: s.articles_meta())

    def stored_records(self, article_id: str) -> dict[str, dict[str, Any]]:
        return self._call(lambda s: s.stored_records(article_id))

    def tag_rows(self, article_id: str) -> list[TagRow]:
        return self._call(lambda s: s.tag_rows(article_id))

    def tag_rows_of(self, article_ids: Sequence[str]) -> list[list[TagRow] | None]:
        """``tag_rows`` of a few articles in one read (None for one whose shard is refused): a
        walk of every article (training's) pays one hop between threads per read, ~0.1 ms
        each, 1-2 s CPU over 12,500 articles read one at a time."""
        from tuireader.store import StoreError

        def rows(store: Store, article_id: str) -> list[TagRow] | None:
            try:
                return store.tag_rows(article_id)
            except StoreError:
                return None

        return self._call(lambda s: [rows(s, a) for a in article_ids])

    def annotated_article_ids(self) -> list[str]:
        return self._call(lambda s: s.annotated_article_ids())

    def annotators(self) -> list[str]:
        return self._call(lambda s: s.annotators())

    def done_marks(self) -> list[DoneMark]:
        return self._call(lambda s: s.done_marks())

    def get_state(self, key: str, default: Any = None) -> Any:
        return self._call(lambda s: s.get_state(key, default))

    def state_keys(self, prefix: str) -> list[str]:
        return self._call(lambda s: s.state_keys(prefix))

    def corrections_by_article(self) -> dict[str, list[Boundary]]:
        return self._call(lambda s: s.corrections_by_article())

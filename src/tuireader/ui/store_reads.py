"""What the reader reads from the store besides opening an article (``ui/opening.py``): the list's
counts and done marks, and what another window wrote; and the thread that reads them
(``StoreReader``), handed to the event loop in one piece.

Every store call takes the store's lock, which the writer thread holds while it writes (fsync
included), and a write waits for the file lock while another process holds it: on the event
loop a read would stall every key meanwhile, and in the writer thread a look would wait behind
my slow writes and delay my next tag by its own length. So reads run in a thread of their own,
on a second, read-only handle of the same files (``Store.open(create=False)``) that catches up
with the journal before each read: a read never takes the writer's lock nor the file lock,
and sees the files as one write left them (each journal entry is appended whole), never half
of one. The loop queues the read, keeps showing what it has, and applies what was read when it
lands, if it still applies (the same article open, a newer reload than the one shown, no write
of mine shown since it read). Nothing here imports Textual.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuireader.annotations import Annotation

if TYPE_CHECKING:
    from tuireader.store import Store

log = logging.getLogger(__name__)

COMPACTION_WAIT = 0.005
"""How long a read waits (and again) for a compaction of the writer's store that is replacing
files, before it reads."""
READ_TRIES = 50
"""Turns a consistent read takes at most: each waits COMPACTION_WAIT while a compaction of the
writer's store is replacing files, or reads and keeps the result unless a compaction ran
meanwhile. After that many, one more read is made and kept unchecked."""


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


STATE_COUNTS = "sentence_counts"
"""Before per-article counts (``counts_key``): one record holding every article's counts,
written whole whenever one changed. Read while an article has no record of its own, and
removed at the first save."""
COUNTS_PREFIX = "counts:"
"""Tagged sentences per tag of an article, with a fingerprint of the annotations they count, so
the list shows sentence counts at startup without segmenting every tagged article: one state
record per article (``counts:<article id>``), so a change costs one small record."""


def counts_key(article_id: str) -> str:
    return COUNTS_PREFIX + article_id


@dataclass(frozen=True)
class CountReads:
    """What the list's counts of some articles are made from: my layer of each and its saved
    counts (None where nothing is tagged: no counts needed)."""

    layers: dict[str, tuple[list[Annotation], object]]
    """By article id: my placed annotations, and the saved counts record (or None)."""


def read_counts(store: Store, article_ids: Iterable[str]) -> CountReads:
    """My layer and saved counts of each article (any thread)."""
    saved = store.get_state(STATE_COUNTS, {})
    saved = saved if isinstance(saved, dict) else {}  # the old record, until the next save
    layers: dict[str, tuple[list[Annotation], object]] = {}
    for article_id in article_ids:
        mine = store.mine(article_id)
        record = (
            (store.get_state(counts_key(article_id), None) or saved.get(article_id))
            if mine
            else None
        )
        layers[article_id] = (mine, record)
    return CountReads(layers)


@dataclass(frozen=True)
class DoneReads:
    """The done marks (article id, annotator) in force, and everyone who annotates here."""

    marks: list[tuple[str, str]]
    annotators: list[str]


def read_done(store: Store) -> DoneReads:
    marks = [(m.article_id, m.annotator) for m in store.done_marks() if m.done]
    return DoneReads(marks, store.annotators())


@dataclass(frozen=True)
class Listing:
    """The list's counts and done marks, read at startup or after the annotator changed."""

    counts: CountReads
    done: DoneReads


def read_listing(store: Store, article_ids: Iterable[str]) -> Listing:
    return Listing(read_counts(store, article_ids), read_done(store))


@dataclass(frozen=True)
class Reloaded:
    """The store as read after it reloaded what another window wrote (or as the annotator
    changed): the open article's layers, the list's counts and done marks."""

    generation: int
    """The store's reload count these were read at: applied only if newer than the shown."""
    annotator: str
    article_id: str | None
    mine: list[Annotation]
    """My placed annotations on the open article (empty if none is open)."""
    layers: list[Annotation]
    """Every annotator's placed annotations on it."""
    listing: Listing
    verdicts: object = None
    """My adjudication state record of the open article (when adjudicating)."""
    corrections: tuple[object, ...] = ()
    """The open article's sentence corrections as stored (a change means another window split
    or merged: the writer's store corrects the article's sentences when it catches up)."""


def read_reloaded(
    store: Store,
    article_id: str | None,
    article_ids: Iterable[str],
    *,
    refresh: bool = False,
    seen: int | None = None,
    verdicts_key: str | None = None,
) -> Reloaded | None:
    """In the reader thread, on its handle: catch up with what was written (mine too) if
    ``refresh`` (one ``stat`` when nothing was), then, unless the store's generation is still ``seen``, read what the
    reader shows of it."""
    if refresh:
        store.refresh()
    generation = store.generation
    if seen is not None and generation == seen:
        return None
    mine = store.mine(article_id) if article_id is not None else []
    layers = store.annotations(article_id) if article_id is not None else []
    verdicts = store.get_state(verdicts_key, {}) if verdicts_key is not None else None
    listing = read_listing(store, article_ids)
    corrections = tuple(store.boundaries(article_id)) if article_id is not None else ()
    return Reloaded(
        generation, store.annotator, article_id, mine, layers, listing, verdicts, corrections
    )

"""How one ``Store`` is shared between threads (a UI's event loop and its writer thread).

The contract: every public method of the store runs holding the store's re-entrant lock, so
calls from different threads are serialised and each sees (and leaves) the store whole. A
generator method (``each_article``) holds it for each step, not between steps, so a long walk
never keeps another thread waiting for more than one article. ``Store.compact`` is the one
exception, and manages the lock itself: it holds it (and the file lock) only to decide that a
compaction is due on fresh data, then makes the bytes to write and writes them holding only the
file lock, so reads in other threads go on while a compaction is planned and while its files
are written and fsynced, and writes (which take the file lock first) wait for it. Nothing the
plan reads changes meanwhile: a write needs the file lock, ``refresh`` does nothing while the
store compacts, and a read only adds the shards it reads to the caches or drops loaded ones
(``unload``), which the plan never walks.

Lock order, everywhere: the store's lock, then the file lock (a write takes both). A
compaction never takes the store's lock again while it holds the file lock, so a write that
waits for the file lock while holding the store's lock cannot deadlock with it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

UNLOCKED = "_takes_its_own_lock"


def takes_its_own_lock(method: Callable[..., T]) -> Callable[..., T]:
    """Leave ``method`` out of ``serialised``: it takes ``self._mutex`` where it needs it."""
    setattr(method, UNLOCKED, True)
    return method


def serialised(cls: type[T]) -> type[T]:
    """Make every public method of ``cls`` (and ``__len__``) run holding ``self._mutex``."""
    for name, member in list(vars(cls).items()):
        if (name.startswith("_") and name != "__len__") or not inspect.isfunction(member):
            continue  # private helpers run inside a locked call; properties read one field
        if getattr(member, UNLOCKED, False):
            continue
        wrap = _each_step_locked if inspect.isgeneratorfunction(member) else _locked
        setattr(cls, name, wrap(member))
    return cls


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._mutex:
            return method(self, *args, **kwargs)

    return run


def _each_step_locked(
    method: Callable[..., Generator[Any, None, None]],
) -> Callable[..., Iterator[Any]]:
    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        steps = method(self, *args, **kwargs)
        try:
            while True:
                with self._mutex:
                    try:
                        item = next(steps)
                    except StopIteration:
                        return
                yield item
        finally:
            with self._mutex:
                steps.close()  # its clean-up (forgetting what it read) under the lock too

    return run

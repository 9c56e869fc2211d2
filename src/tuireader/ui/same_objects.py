"""Work done again on the event loop only when the objects it is done on changed.

The store hands out the same ``Annotation`` objects while their records are unchanged, also
after another window wrote elsewhere in the same article. Each look at another window's write
(every couple of seconds while it tags) gives the reader the open article's layers again; for a
dense book that is 27,000 of my annotations and 55,000 in all, and fingerprinting, diffing and
indexing them again took 60-100 ms of the loop per look on a loaded machine. Whether a list
holds the same objects as last time is one pass in C (``map(operator.is_, …)``, ~1 ms)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def same_objects(new: Sequence[object], old: Sequence[object] | None) -> bool:
    """``new`` holds exactly ``old``'s objects (``is``), in the same order."""
    return old is not None and len(new) == len(old) and all(map(operator.is_, new, old))


class Remembered(Generic[T, R]):
    """``function(items)``, kept for the last ``size`` inputs (a few articles' layers): given
    the same objects again, the kept result. ``function`` must depend on nothing but the
    items (which are immutable: frozen dataclasses)."""

    def __init__(self, function: Callable[[tuple[T, ...]], R], size: int = 8) -> None:
        self._function = function
        self._size = size
        self._kept: list[tuple[tuple[T, ...], R]] = []

    def __call__(self, items: Sequence[T]) -> R:
        items = tuple(items)
        for i, (seen, result) in enumerate(self._kept):
            if same_objects(items, seen):
                if i:
                    self._kept.insert(0, self._kept.pop(i))
                return result
        result = self._function(items)
        self._kept.insert(0, (items, result))
        del self._kept[self._size :]
        return result

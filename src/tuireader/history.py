"""Changes to the annotation store as data, and the undo/redo stacks of one session."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tuireader.annotations import AnchorState, Annotation
from tuireader.boundaries import Boundary

UNDO_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Change:
    """One user-visible step: the records it removed (``before``) and added (``after``).

    A record whose id is in both was modified. Undo deletes ``after`` and restores ``before``.
    """

    label: str
    before: tuple[Annotation, ...] = ()
    after: tuple[Annotation, ...] = ()
    boundaries_before: tuple[Boundary, ...] = ()
    """Sentence corrections (splits, joins) the step removed and added, undone with it."""
    boundaries_after: tuple[Boundary, ...] = ()
    states: tuple[tuple[str, Any, Any], ...] = ()
    """Small store state the step changed, as ``(key, before, after)`` (None: absent): an
    adjudicator's "no tag" and "unresolved" decisions, undone with the step."""
    done: tuple[tuple[str, bool, bool], ...] = ()
    """My done marks the step changed, as ``(article_id, before, after)``."""

    @property
    def span(self) -> tuple[int, int] | None:
        """Every body offset the change touched (orphans have no place in the text)."""
        placed = [a for a in (*self.before, *self.after) if a.anchor is not AnchorState.ORPHANED]
        if not placed:
            return None
        return min(a.start for a in placed), max(a.end for a in placed)

    @property
    def article_ids(self) -> frozenset[str]:
        ids = {a.article_id for a in (*self.before, *self.after)}
        ids.update(b.article_id for b in (*self.boundaries_before, *self.boundaries_after))
        return frozenset(ids)

    @property
    def corrects_sentences(self) -> bool:
        """Whether the step splits or joins sentences (the reader re-lays them out)."""
        return bool(self.boundaries_before or self.boundaries_after)

    def inverse(self, label: str) -> Change:
        states = tuple((key, after, before) for key, before, after in self.states)
        done = tuple((aid, after, before) for aid, before, after in self.done)
        return Change(
            label,
            self.after,
            self.before,
            self.boundaries_after,
            self.boundaries_before,
            states,
            done,
        )

    def then(self, later: Change, label: str) -> Change:
        """This step and ``later`` (written right after it) as one step: what it removed and
        what ``later`` added, less what one added and the other took away again."""
        added = {a.id for a in self.after}
        removed = {a.id for a in later.before}
        before = (*self.before, *(a for a in later.before if a.id not in added))
        after = (*(a for a in self.after if a.id not in removed), *later.after)
        states: dict[str, tuple[Any, Any]] = {k: (b, a) for k, b, a in self.states}
        for key, was, now in later.states:
            states[key] = (states[key][0] if key in states else was, now)
        marks: dict[str, tuple[bool, bool]] = {k: (b, a) for k, b, a in self.done}
        for aid, was, now in later.done:
            marks[aid] = (marks[aid][0] if aid in marks else was, now)
        return Change(
            label,
            before,
            after,
            (*self.boundaries_before, *later.boundaries_before),
            (*self.boundaries_after, *later.boundaries_after),
            tuple((k, b, a) for k, (b, a) in states.items()),
            tuple((k, b, a) for k, (b, a) in marks.items()),
        )

    def again(self, label: str) -> Change:
        return replace(self, label=label)

    def __bool__(self) -> bool:
        return bool(
            self.before or self.after or self.corrects_sentences or self.states or self.done
        )


@dataclass
class History:
    """Undo and redo stacks. The store applies a step to disk first and only then moves it here,
    so a failed write leaves the stacks as they were."""

    limit: int = UNDO_LIMIT
    _undo: list[Change] = field(default_factory=list)
    _redo: list[Change] = field(default_factory=list)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def peek_undo(self) -> Change | None:
        return self._undo[-1] if self._undo else None

    def peek_redo(self) -> Change | None:
        return self._redo[-1] if self._redo else None

    def record(self, change: Change) -> None:
        """A new user change: it becomes undoable and the redo stack is gone."""
        self._undo.append(change)
        del self._undo[: -self.limit]
        self._redo.clear()

    def join_last(self, count: int, label: str) -> Change | None:
        """The last ``count`` steps recorded (by this window, in order) as one undo step."""
        if count < 2 or len(self._undo) < count:
            return self.peek_undo()
        steps = self._undo[-count:]
        del self._undo[-count:]
        joined = steps[0]
        for step in steps[1:]:
            joined = joined.then(step, label)
        self._undo.append(replace(joined, label=label))
        return self._undo[-1]

    def drop_undo(self) -> None:
        """Forget the last undo step (it can no longer be applied)."""
        self._undo.pop()

    def drop_redo(self) -> None:
        self._redo.pop()

    def undone(self) -> None:
        self._redo.append(self._undo.pop())

    def redone(self) -> None:
        self._undo.append(self._redo.pop())

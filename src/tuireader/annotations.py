"""The annotation record: a tag on a run of whole sentences, anchored by offsets and by quote."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from itertools import repeat
from operator import attrgetter
from typing import Any, Protocol, TypeVar

QUOTE_CONTEXT = 32
"""Characters of prefix and suffix kept with every quote (W3C TextQuoteSelector)."""


class AnchorState(StrEnum):
    """How an annotation sits on the current text: offsets still match, found again by quote,
    found by fuzzy match, or not found (kept, never deleted or guessed)."""

    EXACT = "exact"
    MOVED = "moved"
    FUZZY = "fuzzy"
    ORPHANED = "orphaned"


class Provenance(StrEnum):
    """Who decided the tag: the annotator by hand, or the annotator accepting a suggestion of
    the rule-based or the learned suggester."""

    HAND = "hand"
    SUGGESTION_RULE = "suggestion-rule"
    SUGGESTION_MODEL = "suggestion-model"


class TagSpan(Protocol):
    """What counting and agreement read of an annotation: an ``Annotation`` or the lighter
    ``records.TagRow`` read straight from the store."""

    @property
    def id(self) -> str: ...
    @property
    def article_id(self) -> str: ...
    @property
    def annotator(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def tag(self) -> str: ...
    @property
    def anchor(self) -> str:
        """An ``AnchorState`` (a ``str``)."""

    @property
    def updated(self) -> str: ...
    @property
    def exact(self) -> str: ...


ANCHOR_STATES = tuple(AnchorState)
PROVENANCES = tuple(Provenance)


ANNOTATOR_ENV = "TUIREADER_ANNOTATOR"
ANNOTATOR_MAX_CHARS = 80


def annotator_problem(name: str) -> str | None:
    """Why ``name`` cannot be recorded on annotations (None when it can): it is shown in
    status lines and written into every export, so it is one printable line."""
    if not name.strip() or not name.isprintable() or len(name) > ANNOTATOR_MAX_CHARS:
        return f"annotator must be a printable name of 1 to {ANNOTATOR_MAX_CHARS} characters"
    return None


def default_annotator(configured: str | None = None) -> str:
    """The name recorded on new annotations: ``$TUIREADER_ANNOTATOR``, else the config's
    ``annotator`` (``configured``), else the login name."""
    env = os.environ.get(ANNOTATOR_ENV)
    if env:
        return env
    if configured:
        return configured
    try:
        return getpass.getuser() or "anonymous"
    except Exception:  # getuser raises several types when no login name is known
        return "anonymous"


ARTICLE_FIELDS = ("id", "title", "date", "path", "sentence_count")
"""What the store and the exports keep about an article, in this order."""


def now_iso() -> str:
    """UTC timestamp, ISO 8601 with milliseconds and a Z suffix."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Quote:
    exact: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def from_body(cls, body: str, start: int, end: int, context: int = QUOTE_CONTEXT) -> Quote:
        return cls(
            body[start:end], body[max(0, start - context) : start], body[end : end + context]
        )


@dataclass(frozen=True, slots=True)
class Annotation:
    article_id: str
    start: int
    end: int
    tag: str
    quote: Quote
    annotator: str
    note: str = ""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: str = field(default_factory=now_iso)
    updated: str = ""
    anchor: AnchorState = AnchorState.EXACT
    provenance: Provenance = Provenance.HAND

    def __post_init__(self) -> None:
        if not self.updated:
            object.__setattr__(self, "updated", self.created)
        # Plain strings are accepted and kept as the enum (``is`` comparisons stay right).
        if type(self.anchor) is not AnchorState:
            object.__setattr__(self, "anchor", AnchorState(self.anchor))
        if type(self.provenance) is not Provenance:
            object.__setattr__(self, "provenance", Provenance(self.provenance))

    @classmethod
    def new(
        cls,
        article_id: str,
        body: str,
        start: int,
        end: int,
        tag: str,
        annotator: str,
        note: str = "",
        provenance: Provenance = Provenance.HAND,
    ) -> Annotation:
        return cls(
            article_id=article_id,
            start=start,
            end=end,
            tag=tag,
            quote=Quote.from_body(body, start, end),
            annotator=annotator,
            note=note,
            provenance=provenance,
        )

    def changed(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``updated`` set to now."""
        return replace(self, updated=now_iso(), **changes)

    @property
    def exact(self) -> str:
        """The quoted text (as ``records.TagRow`` has it)."""
        return self.quote.exact

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_dict(self) -> dict[str, Any]:
        """The full record, as exported (see ``records``)."""
        from tuireader.records import to_export

        return to_export(self)

    @classmethod
    def from_dict(cls, data: Any) -> Annotation:
        """Inverse of ``to_dict``; raises ``records.RecordError`` (a ValueError)
        naming the problem of a malformed record."""
        from tuireader.records import from_export

        quote = data.get("quote") if isinstance(data, dict) else None
        if isinstance(quote, dict):  # a quote without its context is a quote with none
            data = {**data, "quote": {"prefix": "", "suffix": "", **quote}}
        return from_export(data)


def placed_at(
    ann: Annotation, article_id: str, start: int, end: int, quote: Quote, anchor: AnchorState
) -> Annotation:
    """``replace(ann, article_id=..., start=..., end=..., quote=..., anchor=...)`` for values
    already as ``__post_init__`` leaves them (an anchor state, not its text), copied through
    the slots without ``__init__``: re-anchoring an edited book moves 55,000 annotations, and
    ``replace`` cost a quarter of that."""
    made = object.__new__(Annotation)
    for get, put in _KEPT_SLOTS:
        put(made, get(ann))
    _SET_ARTICLE(made, article_id)
    _SET_START(made, start)
    _SET_END(made, end)
    _SET_QUOTE(made, quote)
    _SET_ANCHOR(made, anchor)
    return made


_PLACEMENT = ("article_id", "start", "end", "quote", "anchor")
_KEPT_SLOTS = [
    (attrgetter(f.name), getattr(Annotation, f.name).__set__)
    for f in fields(Annotation)
    if f.name not in _PLACEMENT
]
_SET_ARTICLE, _SET_START, _SET_END, _SET_QUOTE, _SET_ANCHOR = (
    getattr(Annotation, name).__set__ for name in _PLACEMENT
)


Slotted = TypeVar("Slotted")


def assembled(
    cls: type[Slotted], count: int, columns: Mapping[str, Iterable[Any]]
) -> list[Slotted]:
    """``count`` instances of a slotted frozen dataclass (``Quote``, ``Annotation``), each
    field taken from its column, in bulk: one C-level pass per field instead of an ``__init__``
    per instance (half of an ``Annotation``'s ~4.5 µs is its frozen ``__init__``, and opening a
    book tagged sentence by sentence builds 50,000). For values already checked and normalised
    (the store's records): ``__post_init__`` does not run. Every field must have a column."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if sorted(names) != sorted(columns):
        raise ValueError(f"{cls.__name__} needs columns {names}, not {sorted(columns)}")
    made: list[Slotted] = list(map(object.__new__, repeat(cls, count)))
    for name in names:
        # The slot's own descriptor: a frozen dataclass refuses ``setattr``.
        deque(map(getattr(cls, name).__set__, made, columns[name]), 0)
    return made

"""The annotation record: a tag on a run of whole sentences, anchored by offsets and by quote."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

QUOTE_CONTEXT = 32
"""Characters of prefix and suffix kept with every quote (W3C TextQuoteSelector)."""

ANCHOR_STATES = ("exact", "moved", "fuzzy", "orphaned")
"""How an annotation sits on the current text: offsets still match, found again by quote, found by
fuzzy match, or not found (kept, never deleted or guessed)."""


ANNOTATOR_ENV = "TUIREADER_ANNOTATOR"


def default_annotator() -> str:
    """The name recorded on new annotations: ``$TUIREADER_ANNOTATOR``, else the login name."""
    env = os.environ.get(ANNOTATOR_ENV)
    if env:
        return env
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
    anchor: str = "exact"

    def __post_init__(self) -> None:
        if not self.updated:
            object.__setattr__(self, "updated", self.created)

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
    ) -> Annotation:
        return cls(
            article_id=article_id,
            start=start,
            end=end,
            tag=tag,
            quote=Quote.from_body(body, start, end),
            annotator=annotator,
            note=note,
        )

    def changed(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``updated`` set to now."""
        return replace(self, updated=now_iso(), **changes)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Annotation:
        """Inverse of ``to_dict``; raises KeyError/TypeError/ValueError on a malformed record."""
        quote = data["quote"]
        return cls(
            id=str(data["id"]),
            article_id=str(data["article_id"]),
            start=int(data["start"]),
            end=int(data["end"]),
            tag=str(data["tag"]),
            quote=Quote(
                str(quote["exact"]), str(quote.get("prefix", "")), str(quote.get("suffix", ""))
            ),
            annotator=str(data.get("annotator", "")),
            note=str(data.get("note", "")),
            created=str(data["created"]),
            updated=str(data.get("updated") or data["created"]),
            anchor=str(data.get("anchor", "exact")),
        )

"""The import's merge policy, as pure functions: which of two versions of an annotation (or of a
done mark) with one id is kept, so that importing several files gives the same database in any
order; and what an import reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from tuireader.annotations import Annotation
from tuireader.records import DoneMark, newer, to_stored


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(
            self.added + other.added, self.updated + other.updated, self.skipped + other.skipped
        )


@dataclass(frozen=True)
class ImportReport:
    """What an import did, in total and per annotator; ``articles`` metadata records added or
    completed, ``done`` marks taken, the articles ``attached`` on the way."""

    by_annotator: Mapping[str, ImportResult]
    articles: int = 0
    done: int = 0
    attached: frozenset[str] = frozenset()
    """Articles attached to their files in the import's own writes (``Store.import_batches``'
    ``article_at_hand``): their anchors settled and their metadata recorded from the file
    before their shards were first written, so attaching them again would change nothing."""

    @property
    def total(self) -> ImportResult:
        return sum(self.by_annotator.values(), ImportResult())


def wins(a: Annotation, known: Annotation) -> bool:
    """Whether an incoming annotation replaces the stored one with its id: the newer edit, and
    for equal times the larger content, so the outcome never depends on import order."""
    return record_wins(to_stored(a), to_stored(known))


def record_wins(record: Mapping[str, Any], known: Mapping[str, Any]) -> bool:
    """``wins`` of two stored records (``to_stored``) with one id."""
    updated = record.get("updated") or record["created"]
    known_updated = known.get("updated") or known["created"]
    later = _later(updated, known_updated)
    return later if later is not None else _content(record) > _content(known)


def _content(record: Mapping[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def mark_wins(mark: DoneMark, old: DoneMark) -> bool:
    """Whether an incoming done mark replaces the stored one: the newer, and for equal times a
    mark that says done."""
    later = _later(mark.updated, old.updated)
    return later if later is not None else mark.done and not old.done


def _later(a: str, b: str) -> bool | None:
    """Whether time ``a`` is later than ``b``; None for a tie: the same text, or one instant
    written two ways (``Z`` and ``+01:00``)."""
    if a == b:
        return None
    if newer(a, b):
        return True
    return False if newer(b, a) else None

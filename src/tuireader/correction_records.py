"""Sentence corrections (splits and joins) in exports and imports.

An export carries each exported article's corrections as the store keeps them: one record per
correction with its id, article, kind, the gap's offsets and quote, who made it, when, and its
anchor (``corrections[]`` in json, one line per correction in jsonl, after the article's
annotations and decisions: it has ``kind`` and no ``tag``). A correction applies for every
annotator, so an export of some layers carries the corrections those annotators made.

An import merges them in (``merge``): a correction already here (the same id, or the same kind
at the same gap of the same article, made by someone else too) is left as it is; one that
contradicts this database's at the same gap (a split where this database joins, which only
differing texts produce) is not taken, and the import says so; any other is added, orphans too
(kept aside, never applied). Corrections this database holds on the file's articles, made by
the file's annotators, that the file lacks (taken back since the export?) are counted for the
import's report: an import never deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from typing import Any

from tuireader.boundaries import Boundary, Kind, from_record, record_problem, to_record
from tuireader.import_checks import name_problem, time_problem
from tuireader.records import RecordError

KIND_FIELD = "kind"
"""The field a jsonl correction line has and an annotation line has not (with no ``tag``)."""


def to_export(b: Boundary) -> dict[str, Any]:
    """The export record (``$defs/correction`` of the schema; a jsonl line as it is)."""
    return {"id": b.id, **to_record(b)}


def is_correction(item: Mapping[str, Any]) -> bool:
    """Whether a jsonl line is a correction (not an annotation or a decision)."""
    return KIND_FIELD in item and "tag" not in item and "decision" not in item


def from_export(item: Any) -> Boundary:
    """A correction as an export carries it, checked field by field (``RecordError`` naming
    the first problem), its annotator and time checked as an annotation's are."""
    if not isinstance(item, dict):
        raise RecordError("not an object")
    key = item.get("id")
    if not isinstance(key, str) or not key:
        raise RecordError('"id" is missing or not a string')
    record = {k: v for k, v in item.items() if k != "id"}
    problem = record_problem(key, record)
    if problem is not None:
        raise RecordError(problem.removeprefix(f"sentence correction {key}: "))
    problem = name_problem(record["annotator"]) or time_problem(record["created"], "created")
    if problem is not None:
        raise RecordError(problem)
    return from_record(key, record)


def sentence_change(removed: Iterable[Boundary], added: Iterable[Boundary]) -> dict[str, int]:
    """By article, how many sentences more (or fewer) it has once ``removed`` went and ``added``
    came: a split placed adds one, a join takes one away, the reverse when they go; an orphan
    changes nothing (it is never applied)."""
    change: dict[str, int] = {}
    for sign, found in ((-1, removed), (1, added)):
        for b in found:
            if not b.orphaned:
                step = sign if b.kind is Kind.SPLIT else -sign
                change[b.article_id] = change.get(b.article_id, 0) + step
    return {article_id: n for article_id, n in change.items() if n}


@dataclass(frozen=True)
class Merge:
    """What an import does with a file's corrections."""

    added: tuple[Boundary, ...] = ()
    here: int = 0
    """Already in this database (the same id, or the same correction at the same gap)."""
    conflicts: tuple[str, ...] = ()
    """One line per correction not taken because it contradicts this database's."""
    missing: Mapping[str, int] | None = None
    """Per annotator of the file: corrections this database holds on the file's articles that
    the file lacks (left as they are)."""
    missing_ids: frozenset[str] = frozenset()
    """Their ids (what ``import --prune`` removes)."""
    lacking: tuple[Boundary, ...] = ()
    """Those corrections themselves (``bounded`` sorts them)."""
    kept: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Per annotator, by reason (``prune_bounds``): corrections the file lacks that are not
    counted in ``missing`` because the file cannot have held them (made after it)."""

    @property
    def read(self) -> int:
        return len(self.added) + self.here + len(self.conflicts)

    def bounded(self, kept: Callable[[str, str], str | None]) -> Merge:
        """This merge with ``missing`` and ``missing_ids`` holding only what ``kept(annotator,
        created)`` finds no reason to keep (``PruneBounds.kept``); the others in ``kept``."""
        missing: dict[str, int] = {}
        reasons: dict[str, dict[str, int]] = {}
        lacking: list[Boundary] = []
        for b in self.lacking:
            why = kept(b.annotator, b.created)
            if why is None:
                lacking.append(b)
                missing[b.annotator] = missing.get(b.annotator, 0) + 1
            else:
                counts = reasons.setdefault(b.annotator, {})
                counts[why] = counts.get(why, 0) + 1
        ids = frozenset(b.id for b in lacking)
        return replace(self, missing=missing, missing_ids=ids, lacking=tuple(lacking), kept=reasons)


def merge(
    table: Mapping[str, Mapping[str, Any]],
    incoming: Sequence[Boundary],
    articles: Set[str],
    annotators: Set[str],
) -> Merge:
    """How ``incoming`` meets this database's corrections (``table``: the stored records by
    id). ``articles`` and ``annotators`` are the file's: the scope of ``missing``."""
    stored = [from_record(k, r) for k, r in table.items()]
    at_gap = {(b.article_id, b.start, b.end): b for b in stored if not b.orphaned}
    added: list[Boundary] = []
    here = 0
    conflicts: list[str] = []
    # Stored corrections an incoming one meets at their gap: the file speaks of that gap (a
    # split taken back and made again has a new id), so they are not missing from it.
    met: set[str] = set()
    for b in incoming:
        if b.id in table:
            here += 1
            continue
        there = None if b.orphaned else at_gap.get((b.article_id, b.start, b.end))
        if there is None:
            added.append(b)
            if not b.orphaned:
                at_gap[(b.article_id, b.start, b.end)] = b
            continue
        met.add(there.id)
        if there.kind is b.kind:
            here += 1
        else:
            conflicts.append(
                f"article {b.article_id}: {b.annotator}'s {b.kind.value} at offset {b.start} "
                f"contradicts the {there.kind.value} {there.annotator} made there; kept this "
                "database's"
            )
    lacking = [b for b in _missing(stored, incoming, articles, annotators) if b.id not in met]
    missing: dict[str, int] = {}
    for b in lacking:
        missing[b.annotator] = missing.get(b.annotator, 0) + 1
    ids = frozenset(b.id for b in lacking)
    return Merge(tuple(added), here, tuple(conflicts), missing, ids, tuple(lacking))


def _missing(
    stored: Iterable[Boundary],
    incoming: Sequence[Boundary],
    articles: Set[str],
    annotators: Set[str],
) -> list[Boundary]:
    ids = {b.id for b in incoming}
    return [
        b
        for b in stored
        if b.article_id in articles and b.annotator in annotators and b.id not in ids
    ]

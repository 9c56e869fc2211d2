"""Reading our own json, jsonl and csv exports back into annotations.

Everything is parsed and checked before the store is opened, so a file that is not ours (garbage,
other JSON, a missing or mistyped field) is refused with one line naming the file and the problem
and the database is never touched. ``import_formats`` reads each format into raw records; this
module checks them with the record codec (``records``) and keeps one annotation per id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuireader.adjudication import Decision, DecisionError, decision_from_record
from tuireader.annotations import ARTICLE_FIELDS, Annotation
from tuireader.errors import read_bytes
from tuireader.import_formats import NOT_OURS, ImportFileError, parse_records
from tuireader.records import (
    DoneMark,
    RecordError,
    article_entry,
    done_from_record,
    from_export,
    instant,
)

__all__ = ["NOT_OURS", "ImportFileError", "ImportedFile", "parse_import", "read_import"]


@dataclass(frozen=True)
class ImportedFile:
    """A parsed export: annotations (one per id, the newest kept), article metadata and done
    marks, every one checked."""

    format: str
    annotations: tuple[Annotation, ...]
    articles: tuple[dict[str, Any], ...]
    duplicates: int = 0
    """Records dropped because the file held a newer one with the same id."""
    done: tuple[DoneMark, ...] = ()
    decisions: tuple[Decision, ...] = ()
    """Adjudication decisions that are not a tag ("no tag", "unresolved")."""


def read_import(path: str | os.PathLike[str]) -> ImportedFile:
    """Read and validate ``path``; raises ImportFileError naming it and the problem."""
    path = Path(path)
    data = read_bytes(path, "an export file", ImportFileError)
    return parse_import(data, path)


def parse_import(data: bytes, name: object = "<input>") -> ImportedFile:
    """Parse our json document, jsonl lines or csv rows from ``data``; ``name`` labels errors."""
    raw = parse_records(data, name)
    articles = []
    for where, item in raw.articles:
        try:
            articles.append(_article(item))
        except RecordError as exc:
            raise ImportFileError(name, f"{where}: {exc}") from None
    annotations = []
    for where, item in raw.annotations:
        try:
            annotations.append(from_export(item))
        except RecordError as exc:
            raise ImportFileError(name, f"{where}{_label(item)}: {exc}") from None
    marks = []
    for where, item in raw.done:
        try:
            marks.append(done_from_record(item))
        except RecordError as exc:
            raise ImportFileError(name, f"{where}: {exc}") from None
    decisions = []
    for where, item in raw.decisions:
        try:
            decisions.append(decision_from_record(item))
        except DecisionError as exc:
            raise ImportFileError(name, f"{where}: {exc}") from None
    newest: dict[str, Annotation] = {}
    for a in annotations:
        kept = newest.get(a.id)
        if kept is None or instant(a.updated) > instant(kept.updated):
            newest[a.id] = a
    return ImportedFile(
        raw.format,
        tuple(newest.values()),
        tuple(articles),
        len(annotations) - len(newest),
        tuple(marks),
        tuple(decisions),
    )


def _label(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f" (id {item['id'][:40]!r})"
    return ""


def _article(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise RecordError("not an object")
    for key in ARTICLE_FIELDS:
        if key not in item:
            raise RecordError(f'missing field "{key}"')
    return article_entry(item)

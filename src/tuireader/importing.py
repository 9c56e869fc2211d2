"""Reading our own json, jsonl and csv exports back into annotations.

Everything is parsed and checked before the store is opened, so a file that is not ours (garbage,
other JSON, a missing or mistyped field) is refused with one line naming the file and the problem
and the database is never touched. ``import_formats`` reads each format into raw records; this
module checks them with the record codec (``records``) and keeps one annotation per id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

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


T = TypeVar("T")


def parse_import(data: bytes, name: object = "<input>") -> ImportedFile:
    """Parse our json document, jsonl lines or csv rows from ``data``; ``name`` labels errors."""
    raw = parse_records(data, name)
    articles = _parsed(raw.articles, _article, name)
    annotations = _parsed(raw.annotations, from_export, name, _label)
    marks = _parsed(raw.done, done_from_record, name)
    decisions = _parsed(raw.decisions, decision_from_record, name)
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


def _parsed(
    items: Iterable[tuple[str, Any]],
    parse: Callable[[Any], T],
    name: object,
    label: Callable[[Any], str] = lambda item: "",
) -> list[T]:
    """Each item parsed; the first bad one becomes one ``ImportFileError`` saying where it is."""
    found = []
    for where, item in items:
        try:
            found.append(parse(item))
        except (RecordError, DecisionError) as exc:
            raise ImportFileError(name, f"{where}{label(item)}: {exc}") from None
    return found


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

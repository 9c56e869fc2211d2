"""Reading our own json, jsonl and csv exports back into annotations.

Everything is parsed and checked before the store is opened, so a file that is not ours (garbage,
other JSON, a missing or mistyped field) is refused with one line naming the file and the problem
and the database is never touched. ``import_formats`` reads each format into raw records; this
module checks them and keeps one annotation per id.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuireader.annotations import ANCHOR_STATES, Annotation, Quote
from tuireader.errors import read_bytes
from tuireader.export import ARTICLE_FIELDS
from tuireader.import_formats import NOT_OURS, ImportFileError, parse_records
from tuireader.tags import DEFAULT_TAGS

__all__ = ["NOT_OURS", "ImportFileError", "ImportedFile", "parse_import", "read_import"]


class _Invalid(Exception):
    """A problem inside one record, turned into an ImportFileError with its position."""


@dataclass(frozen=True)
class ImportedFile:
    """A parsed export: annotations (one per id, the newest kept) and article metadata."""

    format: str
    annotations: tuple[Annotation, ...]
    articles: tuple[dict[str, Any], ...]
    duplicates: int = 0
    """Records dropped because the file held a newer one with the same id."""


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
        except _Invalid as exc:
            raise ImportFileError(name, f"{where}: {exc}") from None
    annotations = []
    for where, item in raw.annotations:
        try:
            annotations.append(_annotation(item))
        except _Invalid as exc:
            raise ImportFileError(name, f"{where}{_label(item)}: {exc}") from None
    return _result(raw.format, annotations, articles)


def _label(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f" (id {item['id'][:40]!r})"
    return ""


def _result(
    fmt: str, annotations: list[Annotation], articles: list[dict[str, Any]]
) -> ImportedFile:
    newest: dict[str, Annotation] = {}
    for a in annotations:
        kept = newest.get(a.id)
        if kept is None or _instant(a.updated) > _instant(kept.updated):
            newest[a.id] = a
    return ImportedFile(
        fmt, tuple(newest.values()), tuple(articles), len(annotations) - len(newest)
    )


def _string(item: Mapping[str, Any], key: str, empty: bool = True) -> str:
    if key not in item:
        raise _Invalid(f'missing field "{key}"')
    value = item[key]
    if not isinstance(value, str):
        raise _Invalid(f'"{key}" is not a string')
    if not empty and not value:
        raise _Invalid(f'"{key}" is empty')
    return value


def _integer(item: Mapping[str, Any], key: str) -> int:
    if key not in item:
        raise _Invalid(f'missing field "{key}"')
    value = item[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Invalid(f'"{key}" is not a non-negative integer')
    return value


def _instant(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _timestamp(item: Mapping[str, Any], key: str) -> str:
    value = _string(item, key)
    try:
        _instant(value)
    except ValueError:
        raise _Invalid(f'"{key}" is not an ISO 8601 timestamp: {value[:40]!r}') from None
    return value


def _annotation(item: Any) -> Annotation:
    if not isinstance(item, dict):
        raise _Invalid("not an object")
    annotation_id = _string(item, "id", empty=False)
    article_id = _string(item, "article_id", empty=False)
    start, end = _integer(item, "start"), _integer(item, "end")
    if end < start:
        raise _Invalid(f'"end" {end} is before "start" {start}')
    quote = item.get("quote")
    if "quote" not in item:
        raise _Invalid('missing field "quote"')
    if not isinstance(quote, dict):
        raise _Invalid('"quote" is not an object')
    try:
        parts = [_string(quote, k) for k in ("exact", "prefix", "suffix")]
    except _Invalid as exc:
        raise _Invalid(f"quote: {exc}") from None
    tag = _string(item, "tag")
    if tag not in DEFAULT_TAGS:
        raise _Invalid(f"unknown tag {tag[:40]!r} (expected {', '.join(DEFAULT_TAGS.ids)})")
    anchor = _string(item, "anchor")
    if anchor not in ANCHOR_STATES:
        raise _Invalid(f"unknown anchor {anchor[:40]!r} (expected {', '.join(ANCHOR_STATES)})")
    return Annotation(
        id=annotation_id,
        article_id=article_id,
        start=start,
        end=end,
        tag=tag,
        quote=Quote(*parts),
        note=_string(item, "note"),
        annotator=_string(item, "annotator"),
        created=_timestamp(item, "created"),
        updated=_timestamp(item, "updated"),
        anchor=anchor,
    )


def _article(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _Invalid("not an object")
    entry: dict[str, Any] = {"id": _string(item, "id", empty=False)}
    for key in ARTICLE_FIELDS[1:]:
        if key not in item:
            raise _Invalid(f'missing field "{key}"')
        value = item[key]
        if key == "sentence_count":
            ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        else:
            ok = value is None or isinstance(value, str)
        if not ok:
            raise _Invalid(f'"{key}" has the wrong type')
        entry[key] = value
    return entry

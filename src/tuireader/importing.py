"""Reading our own json and jsonl exports back into annotations.

Everything is parsed and checked before the store is opened, so a file that is not ours (garbage,
other JSON, a missing or mistyped field) is refused with one line naming the file and the problem
and the database is never touched.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tuireader.annotations import ANCHOR_STATES, Annotation, Quote
from tuireader.errors import PathError, read_bytes
from tuireader.export import ARTICLE_FIELDS, FORMAT_NAME, FORMAT_VERSION
from tuireader.tags import DEFAULT_TAGS

NOT_OURS = "not a tuireader export"


class ImportFileError(PathError):
    """A file that cannot be imported; the message is ``FILE: problem``."""


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
    """Parse our json document or jsonl lines from ``data``; ``name`` labels errors."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFileError(name, f"{NOT_OURS}: not UTF-8 text (byte {exc.start})") from None
    if not data.strip():
        raise ImportFileError(name, f"{NOT_OURS}: the file is empty")
    try:
        whole = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        first_line = next(line for line in data.splitlines() if line.strip())
        try:
            orjson.loads(first_line)
        except orjson.JSONDecodeError:
            # Neither a document nor lines: report where the document broke (a truncated or
            # hand-edited export says more with a line and column than "line 1").
            raise ImportFileError(
                name, f"not valid JSON or JSON Lines: {_json_problem(exc)}"
            ) from None
        return _parse_jsonl(data, name)
    if isinstance(whole, dict) and "format" not in whole and "article_id" in whole:
        return _parse_jsonl(data, name)  # a jsonl export of a single annotation
    return _parse_document(whole, name)


def _parse_document(doc: Any, name: object) -> ImportedFile:
    if not isinstance(doc, dict):
        kind = "an array" if isinstance(doc, list) else "a single value"
        raise ImportFileError(name, f"{NOT_OURS}: the JSON is {kind}, not an export object")
    fmt = doc.get("format")
    if fmt != FORMAT_NAME:
        found = f"format {fmt!r}" if fmt is not None else 'no "format" field'
        raise ImportFileError(name, f"{NOT_OURS}: {found}, expected {FORMAT_NAME!r}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError(name, f'bad "version" {version!r}, expected {FORMAT_VERSION}')
    if version > FORMAT_VERSION:
        raise ImportFileError(
            name,
            f"written by a newer tuireader (format version {version}); "
            f"this one reads version {FORMAT_VERSION}",
        )
    for key in ("articles", "annotations"):
        if not isinstance(doc.get(key), list):
            problem = "missing" if key not in doc else "not a list"
            raise ImportFileError(name, f'"{key}" is {problem}')
    articles = []
    for i, item in enumerate(doc["articles"], 1):
        try:
            articles.append(_article(item))
        except _Invalid as exc:
            raise ImportFileError(name, f"article {i}: {exc}") from None
    annotations = []
    for i, item in enumerate(doc["annotations"], 1):
        try:
            annotations.append(_annotation(item))
        except _Invalid as exc:
            label = _label(item)
            raise ImportFileError(name, f"annotation {i}{label}: {exc}") from None
    return _result("json", annotations, articles)


def _parse_jsonl(data: bytes, name: object) -> ImportedFile:
    annotations: list[Annotation] = []
    titles: dict[str, Any] = {}
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            what = f"{NOT_OURS}: " if not annotations else ""
            raise ImportFileError(
                name, f"{what}line {number} is not JSON ({_json_problem(exc)})"
            ) from None
        if not isinstance(item, dict) or "article_id" not in item:
            raise ImportFileError(name, f"{NOT_OURS}: line {number} is not an annotation record")
        try:
            annotation = _annotation(item)
        except _Invalid as exc:
            raise ImportFileError(name, f"line {number}{_label(item)}: {exc}") from None
        title = item.get("article_title")
        if title is not None and not isinstance(title, str):
            raise ImportFileError(name, f'line {number}: "article_title" is not a string')
        annotations.append(annotation)
        if title is not None:
            titles[annotation.article_id] = title
    articles = [
        {"id": aid, "title": title, "date": None, "path": None, "sentence_count": None}
        for aid, title in titles.items()
    ]
    return _result("jsonl", annotations, articles)


def _json_problem(exc: orjson.JSONDecodeError) -> str:
    return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"


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

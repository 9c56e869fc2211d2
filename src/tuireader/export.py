"""Annotations out of the store: json, jsonl, csv, W3C Web Annotation and a markdown report.

Every format is a pure function of the selected annotations and their articles' metadata, so the
``tuireader export`` command and the in-app export (``x``) produce the same bytes. Files are
written atomically: a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import importlib.resources
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from tuireader import __version__
from tuireader.annotations import ARTICLE_FIELDS, Annotation, now_iso
from tuireader.decoding import clean
from tuireader.durable import collector_paused, write_atomic
from tuireader.errors import TuireaderError, os_problem
from tuireader.tags import DEFAULT_TAGS

FORMAT_NAME = "tuireader-annotations"
FORMAT_VERSION = 1

FORMATS: dict[str, str] = {
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "w3c": ".jsonld",
    "markdown": ".md",
}
"""Export formats and the file suffix each is saved with."""

CSV_COLUMNS = ("article", "date", "tag", "quote", "note", "annotator", "created")
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection); a leading
# apostrophe makes them show it as text. Tab and CR are in OWASP's list too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(TuireaderError):
    """An export that cannot be produced or written (bad format, unwritable path)."""


class AnnotationSource(Protocol):
    """What an export reads; ``tuireader.store.Store`` provides it."""

    def annotations(
        self, article_id: str | None = None, *, include_orphans: bool = False
    ) -> list[Annotation]: ...

    def articles_meta(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class ExportData:
    """The selection to export: annotations in reading order and the articles they belong to."""

    annotations: Sequence[Annotation]
    articles: Sequence[Mapping[str, Any]]
    """One entry per article, each with exactly ``ARTICLE_FIELDS``."""


def _unknown_article(article_id: str) -> dict[str, Any]:
    # An annotation whose article was never attached still exports, just without a title.
    return {"id": article_id, "title": None, "date": None, "path": None, "sentence_count": None}


def _article_entry(meta: Mapping[str, Any]) -> dict[str, Any]:
    entry = _unknown_article(str(meta["id"]))
    for key in ARTICLE_FIELDS[1:]:
        value = meta.get(key)
        if value is not None:
            entry[key] = int(value) if key == "sentence_count" else str(value)
    return entry


def _sort_articles(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    # Same order as the library (newest first, undated last, then title) so reports read alike.
    by_title = sorted(entries, key=lambda e: ((e["title"] or "").casefold(), e["id"]))
    dated = sorted((e for e in by_title if e["date"]), key=lambda e: e["date"], reverse=True)
    return dated + [e for e in by_title if not e["date"]]


def select(
    annotations: Iterable[Annotation],
    articles: Iterable[Mapping[str, Any]],
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> ExportData:
    """Filter by article and tag and put everything in a stable order.

    The articles listed are those of the exported annotations plus any asked for by id (so an
    export of one untagged article still names it).
    """
    wanted_articles = set(article_ids) if article_ids is not None else None
    wanted_tags = set(tags) if tags is not None else None
    chosen = [
        a
        for a in annotations
        if (wanted_articles is None or a.article_id in wanted_articles)
        and (wanted_tags is None or a.tag in wanted_tags)
    ]
    known = {str(m["id"]): _article_entry(m) for m in articles}
    listed = {a.article_id for a in chosen} | (wanted_articles or set())
    entries = _sort_articles(known.get(aid) or _unknown_article(aid) for aid in listed)
    rank = {e["id"]: i for i, e in enumerate(entries)}
    chosen.sort(key=lambda a: (rank[a.article_id], a.start, a.end, a.id))
    return ExportData(tuple(chosen), tuple(entries))


def collect(
    source: AnnotationSource,
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> ExportData:
    """The selection from a store (or anything with ``annotations()`` and ``articles_meta()``)."""
    ids = list(article_ids) if article_ids is not None else None
    # Orphans are exported too: they are kept so that nothing is lost, and a re-import must
    # carry them over.
    if ids is not None and len(ids) == 1:
        annotations = source.annotations(ids[0], include_orphans=True)
    else:
        annotations = source.annotations(include_orphans=True)
    return select(annotations, source.articles_meta(), ids, tags)


def annotation_record(a: Annotation) -> dict[str, Any]:
    """One annotation as in the json format (field order as documented)."""
    # Built by hand: dataclasses.asdict deep-copies and costs ~4x as much at 50,000 annotations.
    q = a.quote
    return {
        "id": a.id,
        "article_id": a.article_id,
        "start": a.start,
        "end": a.end,
        "quote": {"exact": q.exact, "prefix": q.prefix, "suffix": q.suffix},
        "tag": a.tag,
        "note": a.note,
        "annotator": a.annotator,
        "created": a.created,
        "updated": a.updated,
        "anchor": a.anchor,
    }


def _dumps(doc: Any, indent: bool = True) -> str:
    option = orjson.OPT_INDENT_2 if indent else 0
    try:
        return orjson.dumps(doc, option=option).decode()
    except TypeError as exc:  # e.g. a lone surrogate, which UTF-8 cannot hold
        raise ExportError(f"cannot encode the export: {exc}") from None


def to_json(data: ExportData, exported_at: str | None = None) -> str:
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": exported_at or now_iso(),
        "tool_version": __version__,
        "articles": [dict(a) for a in data.articles],
        "annotations": [annotation_record(a) for a in data.annotations],
    }
    return _dumps(doc) + "\n"


def to_jsonl(data: ExportData, exported_at: str | None = None) -> str:
    titles = {a["id"]: a["title"] for a in data.articles}
    lines = []
    for a in data.annotations:
        record = annotation_record(a)
        record["article_title"] = titles.get(a.article_id)
        lines.append(_dumps(record, indent=False))
    return "".join(line + "\n" for line in lines)


def csv_cell(value: str | None) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(data: ExportData, exported_at: str | None = None) -> str:
    # BOM: without it Excel reads UTF-8 as the local code page. QUOTE_ALL and CRLF (RFC 4180)
    # keep notes with commas, quotes and line breaks in one cell.
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    articles = {a["id"]: a for a in data.articles}
    for a in data.annotations:
        meta = articles.get(a.article_id) or _unknown_article(a.article_id)
        writer.writerow(
            [
                csv_cell(meta["title"] or a.article_id),
                csv_cell(meta["date"]),
                csv_cell(a.tag),
                csv_cell(a.quote.exact),
                csv_cell(a.note),
                csv_cell(a.annotator),
                csv_cell(a.created),
            ]
        )
    return out.getvalue()


def schema_text() -> str:
    """The JSON Schema of the json format (shipped in the package as ``export_schema.json``)."""
    return importlib.resources.files("tuireader").joinpath("export_schema.json").read_text("utf-8")


def article_iri(article_id: str) -> str:
    return f"urn:tuireader:article:{article_id}"


def w3c_annotation(a: Annotation) -> dict[str, Any]:
    """One annotation in the W3C Web Annotation Data Model."""
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": a.tag}]
    if a.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": a.note,
                "format": "text/plain",
            }
        )
    q = a.quote
    return {
        "id": f"urn:uuid:{a.id}",
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "name": a.annotator},
        "created": a.created,
        "modified": a.updated,
        "body": body,
        "target": {
            "source": article_iri(a.article_id),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": q.exact,
                    "prefix": q.prefix,
                    "suffix": q.suffix,
                },
                # Offsets count Unicode code points, as the model requires and Python str indexes do.
                {"type": "TextPositionSelector", "start": a.start, "end": a.end},
            ],
        },
    }


def to_w3c(data: ExportData, exported_at: str | None = None) -> str:
    items = [w3c_annotation(a) for a in data.annotations]
    doc = {
        "@context": W3C_CONTEXT,
        "type": "AnnotationCollection",
        "label": "tuireader annotations",
        "generated": exported_at or now_iso(),
        "generator": {"type": "Software", "name": f"tuireader {__version__}"},
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return _dumps(doc) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_MD_LINE_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])", re.MULTILINE)


def md_text(text: str) -> str:
    """Untrusted text as literal markdown: no emphasis, links, HTML or headings sneak in, and no
    control characters (a report is read in a terminal as often as in an editor)."""
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", clean(text)))


def md_code(text: str) -> str:
    """A code span (paths read better unescaped); its fence outruns any backticks inside."""
    text = clean(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace(chr(10), ' ')}{pad}{fence}"


def _tag_label(tag_id: str) -> str:
    try:
        return DEFAULT_TAGS.get(tag_id).label
    except KeyError:
        return tag_id


def to_markdown(data: ExportData, exported_at: str | None = None) -> str:
    out: list[str] = ["# tuireader annotations", ""]
    stamp = exported_at or now_iso()
    out += [f"Exported {stamp} · {len(data.annotations)} annotations.", ""]
    by_article: dict[str, list[Annotation]] = {}
    for a in data.annotations:
        by_article.setdefault(a.article_id, []).append(a)
    tag_order = {t: i for i, t in enumerate(DEFAULT_TAGS.ids)}
    for meta in data.articles:
        anns = by_article.get(meta["id"], [])
        out += [f"## {md_text(meta['title'] or 'Untitled article')}", ""]
        facts = [f"id `{meta['id']}`"]
        if meta["date"]:
            facts.insert(0, md_text(meta["date"]))
        if meta["path"]:
            facts.append(md_code(meta["path"]))
        if meta["sentence_count"] is not None:
            facts.append(f"{meta['sentence_count']} sentences")
        facts.append(f"{len(anns)} annotations")
        out += [" · ".join(facts), ""]
        groups: dict[str, list[Annotation]] = {}
        for a in anns:
            groups.setdefault(a.tag, []).append(a)
        for tag in sorted(groups, key=lambda t: (tag_order.get(t, len(tag_order)), t)):
            out += [f"### {md_text(_tag_label(tag))} ({len(groups[tag])})", ""]
            for a in groups[tag]:
                out += _markdown_item(a)
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown_item(a: Annotation) -> list[str]:
    lines = [
        "> " + line if line else ">" for line in md_text(a.quote.exact.strip()).splitlines()
    ] or [">"]
    note = md_text(a.note.strip()).splitlines()
    if note:
        lines += ["", f"Note ({md_text(a.annotator)}): {note[0]}", *note[1:]]
    if a.anchor == "orphaned":
        lines.append("")
        lines.append("*Orphaned: this quote is no longer found in the article's current text.*")
    lines.append("")
    return lines


RENDERERS: dict[str, Callable[[ExportData, str | None], str]] = {
    "json": to_json,
    "jsonl": to_jsonl,
    "csv": to_csv,
    "w3c": to_w3c,
    "markdown": to_markdown,
}


def render(data: ExportData, fmt: str, exported_at: str | None = None) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ExportError(
            f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})"
        ) from None
    with collector_paused():
        return renderer(data, exported_at)


def export_annotations(
    source: AnnotationSource | ExportData,
    fmt: str = "json",
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    exported_at: str | None = None,
) -> str:
    """The export as text. ``source`` is a store or a ready ``ExportData``; ``article_ids`` and
    ``tags`` narrow it (``None`` means all)."""
    if isinstance(source, ExportData):
        data = source
        if article_ids is not None or tags is not None:
            data = select(source.annotations, source.articles, article_ids, tags)
    else:
        data = collect(source, article_ids, tags)
    return render(data, fmt, exported_at)


def default_export_path(
    fmt: str,
    folder: str | os.PathLike[str] | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """``tuireader-<title>-YYYYMMDD-HHMMSS.<ext>`` in ``folder`` (default: the working folder)."""
    suffix = FORMATS.get(fmt)
    if suffix is None:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^a-z0-9]+", "-", (title or "").casefold()).strip("-")[:40].rstrip("-")
    name = "-".join(p for p in ("tuireader", slug, stamp) if p) + suffix
    return Path(folder if folder is not None else Path.cwd()) / name


def write_export(text: str | bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: temp file beside it, fsync, ``os.replace``.

    On any failure the previous file (if any) is left as it was and no temp file remains; the
    error is an ``ExportError`` naming the path and the problem.
    """
    target = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if target.is_dir():
            raise OSError(errno.EISDIR, "is a folder")
        write_atomic(target, data)
    except OSError as exc:
        raise ExportError(
            f"{target}: cannot write the export: {_problem(exc, target.parent)}"
        ) from None
    return target


def _problem(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.ENOENT and not folder.is_dir():
        return f"no such folder {folder}"
    return os_problem(exc, "a file")

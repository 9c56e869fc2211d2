"""The ``index`` table's documents: per article, its shard's file name and how many annotations
each annotator has there, per tag, and how many are orphaned (so counts never open a shard)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter, methodcaller
from typing import Any

from tuireader.dbformat.layout import shard_name
from tuireader.plural import counted


def count_key(record: Mapping[str, Any]) -> tuple[str, str, bool]:
    # Plain ``str``s: they become JSON keys, and orjson refuses a str subclass (an enum) there.
    return (
        str.__str__(record["annotator"]),
        str.__str__(record["tag"]),
        record.get("anchor") == "orphaned",
    )


def index_entry(article_id: str, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The index document of an article: its shard's name and how many annotations each
    annotator has there, per tag, and how many of them are orphaned."""
    return counted_entry(article_id, record_counts(records))


def record_counts(
    records: Iterable[Mapping[str, Any]],
) -> list[tuple[str, str, str | None, int]]:
    """How many of the records each (annotator, tag, anchor or None) has: what ``counted_entry``
    takes. Counted in C (the records of an import's new articles: 500,000 of them)."""
    found = list(records)
    keys = zip(
        map(_ANNOTATOR, found),
        map(_TAG, found),
        map(methodcaller("get", "anchor"), found),
        strict=True,
    )
    return [(*key, n) for key, n in Counter(keys).items()]


def counted_entry(
    article_id: str, counts: Iterable[tuple[str, str, str | None, int]]
) -> dict[str, Any]:
    """``index_entry`` from the records' counts: (annotator, tag, anchor or None, how many)."""
    tags_of: dict[str, dict[str, int]] = {}
    orphaned: dict[str, int] = {}
    entry: dict[str, Any] = {"file": shard_name(article_id), "tags": tags_of, "orphaned": orphaned}
    text = str.__str__
    for annotator, tag, anchor, n in counts:
        if n <= 0:  # never from ``record_counts``: as ``index_count`` takes it off
            index_count(entry, count_key({"annotator": annotator, "tag": tag, "anchor": anchor}), n)
            continue
        # ``index_count`` of a positive count, inline (12,500 articles of 6 counts in an import)
        name = text(annotator)
        tags = tags_of.get(name)
        if tags is None:
            tags = tags_of[name] = {}
        key = text(tag)
        tags[key] = tags.get(key, 0) + n
        if anchor == "orphaned":
            orphaned[name] = orphaned.get(name, 0) + n
    return entry


_ANNOTATOR = itemgetter("annotator")
_TAG = itemgetter("tag")


def index_count(entry: dict[str, Any], key: tuple[str, str, bool], delta: int) -> None:
    """Change ``entry`` (a fresh copy: documents are replaced, never changed in place) by
    ``delta`` annotations of (annotator, tag, orphaned)."""
    annotator, tag, orphaned = key
    tags = entry["tags"].setdefault(annotator, {})
    tags[tag] = tags.get(tag, 0) + delta
    if tags[tag] <= 0:
        del tags[tag]
        if not tags:
            del entry["tags"][annotator]
    if orphaned:
        count = entry["orphaned"].get(annotator, 0) + delta
        if count > 0:
            entry["orphaned"][annotator] = count
        else:
            entry["orphaned"].pop(annotator, None)


def copy_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "file": entry["file"],
        "tags": {name: dict(tags) for name, tags in entry["tags"].items()},
        "orphaned": dict(entry["orphaned"]),
    }


def entry_total(entry: Mapping[str, Any]) -> int:
    return sum(n for tags in entry["tags"].values() for n in tags.values())


def annotator_totals(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many annotations each annotator has in these index documents, all tags together."""
    totals: dict[str, int] = {}
    for entry in entries:
        for name, tags in entry["tags"].items():
            totals[name] = totals.get(name, 0) + sum(tags.values())
    return totals


def short_of(
    index: Mapping[str, Mapping[str, Any]], article_ids: Iterable[str], held: Callable[[str], int]
) -> list[str]:
    """Those of ``article_ids`` whose index document counts more annotations than ``held``
    gives for them (what is left of an article without its shard file: the journal's changes
    not yet folded into it), sorted."""
    found = []
    for article_id in article_ids:
        entry = index.get(article_id)
        if entry is not None and entry_total(entry) > held(article_id):
            found.append(article_id)
    return sorted(found)


def counted_in(index: Mapping[str, Mapping[str, Any]], article_ids: Iterable[str]) -> str:
    """``40 annotations (20 of alice, 20 of bob)``: what the index counts in these articles."""
    totals = annotator_totals(index[a] for a in article_ids if a in index)
    names = ", ".join(f"{n} of {name}" for name, n in sorted(totals.items()))
    return f"{counted(sum(totals.values()), 'annotation')} ({names})" if names else "0 annotations"

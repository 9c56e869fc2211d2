"""Checking what comes from disk before the store uses it: the main file's tables, a shard's
annotation records, and the journal entries another process appended. A bad record refuses
its whole file (``StoreError``, one line naming it), which is then never overwritten."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from tuireader.boundaries import record_problem as boundary_problem
from tuireader.dbformat.journal import apply_entry
from tuireader.dbformat.schema import ANNOTATIONS, ARTICLES, BOUNDARIES, DONE, INDEX, Tables
from tuireader.records import (
    RecordError,
    article_problem,
    done_from_record,
    plain_article_ids,
    stored_problem,
)
from tuireader.store.files import StoreError


def check_tables(path: Path, tables: Tables) -> None:
    """Check every record of the main file's tables (a bad one refuses the whole file: it is
    never overwritten), and the annotations when they are inline (an older schema)."""
    for key, meta in tables.get(ARTICLES, {}).items():
        problem = article_problem(meta)
        if problem is None and meta["id"] != key:
            problem = "is stored under the wrong id"
        if problem is not None:
            raise StoreError(path, f"article record {key!r} {problem}")
    for key, record in tables.get(DONE, {}).items():
        try:
            done_from_record(record)
        except RecordError as exc:
            raise StoreError(path, f"done mark {key!r}: {exc}") from None
    for key, record in tables.get(BOUNDARIES, {}).items():
        problem = boundary_problem(key, record)
        if problem is not None:
            raise StoreError(path, problem)
    index = tables.get(INDEX, {})
    if not _index_entries_ok(list(index.values())):
        for key, entry in index.items():
            if not _index_entry_ok(entry):
                raise StoreError(path, f"index entry {key!r} is malformed")
    if ANNOTATIONS in tables:
        check_records(path, tables[ANNOTATIONS])


def _index_entries_ok(entries: list[Any]) -> bool:
    """Whether every index entry is well formed, checked column by column with C-level
    ``map``s (a main file indexes every annotated article: ~12,500 entries at 500k
    annotations, where checking them one by one took ~100 ms of opening)."""
    if not entries:
        return True
    try:
        if set(map(type, entries)) != {dict}:
            return False
        files, tags, orphaned = (list(map(itemgetter(k), entries)) for k in _INDEX_FIELDS)
        if set(map(type, files)) != {str} or set(map(type, tags)) | set(map(type, orphaned)) != {
            dict
        }:
            return False
        layers = list(chain.from_iterable(map(dict.values, tags)))
        if layers and set(map(type, layers)) != {dict}:
            return False
        counts = list(chain.from_iterable(map(dict.values, layers)))
        counts += chain.from_iterable(map(dict.values, orphaned))
        return not counts or (set(map(type, counts)) == {int} and min(counts) >= 0)
    except KeyError:
        return False


_INDEX_FIELDS = ("file", "tags", "orphaned")


def _index_entry_ok(entry: Any) -> bool:
    return (
        type(entry) is dict
        and type(entry.get("file")) is str
        and type(entry.get("tags")) is dict
        and type(entry.get("orphaned")) is dict
        and all(
            type(tags) is dict and all(type(n) is int and n > 0 for n in tags.values())
            for tags in entry["tags"].values()
        )
        and all(type(n) is int for n in entry["orphaned"].values())
    )


def check_records(path: Path, records: dict[str, Any], article_id: str | None = None) -> None:
    """Check annotation records (of one article's shard, when ``article_id`` is given); a bad
    one raises StoreError naming ``path``."""
    article_ids = plain_article_ids(records)
    if article_ids is None:
        for key, record in records.items():
            problem = stored_problem(key, record)
            if problem is not None:
                raise StoreError(path, f"annotation {key} {problem}")
        article_ids = [record["article_id"] for record in records.values()]
    if article_id is not None and set(article_ids) - {article_id}:
        raise StoreError(path, f"holds annotations of another article than {article_id}")


def checked_entries(path: Path, entries: Sequence[dict[str, Any]]) -> None:
    """Check journal entries of another process as a whole file is checked."""
    tables: Tables = {}
    pending: dict[str, dict[str, Any]] = {}
    for entry in entries:
        apply_entry(tables, entry, pending)
        if any(type(i) is not str for ids in entry.get("del", {}).values() for i in ids):
            raise StoreError(path, "has a malformed journal entry")
    check_tables(path, tables)
    for article_id, changes in pending.items():
        check_records(path, {k: r for k, r in changes.items() if r is not None}, article_id)

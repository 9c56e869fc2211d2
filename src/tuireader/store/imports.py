"""An import's writes into the store: its records merged and written batch by batch, and the
articles an import found attached in groups.

Each function here runs inside the facade's write (``Store._writing``: the lock taken, the data
caught up, one transaction) or drives such writes one after another; the facade keeps the
public methods, which take the lock and call in. What an import decides is ``merging``'s; what
it writes goes through the record cache (``LoadedArticles``) and the storage.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from tuireader.annotations import Annotation
from tuireader.articles import Article
from tuireader.dbformat.index import entry_total
from tuireader.dbformat.schema import ARTICLES, DONE
from tuireader.records import DoneMark, StoredRecord, done_from_record, done_to_record, to_stored
from tuireader.storage import AtomicJSONStorage
from tuireader.store.layers import BULK
from tuireader.store.loaded import LoadedArticles
from tuireader.store.merging import ImportReport, ImportResult, mark_wins, record_wins
from tuireader.store.metadata import merged_articles
from tuireader.store.tables import AnnotationDB


def checked_records(records: Iterable[StoredRecord]) -> list[StoredRecord]:
    """The records of an import, each with a tag (which tags exist is the codebook's business;
    a tag is any non-empty text); ValueError before anything is written."""
    incoming = list(records)
    for _, record in incoming:
        check_tag(record["tag"])
    return incoming


def check_tag(tag: str) -> None:
    if not isinstance(tag, str) or not tag:
        raise ValueError(f"a tag is non-empty text, not {tag!r}")


def merge_records(
    db: AnnotationDB,
    loaded: LoadedArticles,
    incoming: Sequence[StoredRecord],
    metas: Sequence[dict[str, Any]],
    marks: Sequence[DoneMark],
) -> ImportReport:
    """Merge one batch of records, with article metadata and done marks, into the store (inside
    its write): for an id already there the newer ``updated`` wins (``merging``), and the
    records taken are written per article as they are."""
    counts: dict[str, list[int]] = {}
    latest: dict[str, dict[str, Any]] = {}
    for article_id in {record["article_id"] for _, record in incoming}:
        loaded.ensure(article_id)
    stored_copies: dict[str, Annotation] = {}
    for key, record in incoming:
        tally = counts.setdefault(record["annotator"], [0, 0, 0])
        known = latest.get(key)
        if known is None and key in loaded:
            stored = loaded.get(key)
            if stored is not None:
                stored_copies[key] = stored
                known = to_stored(stored)
        if known is None:
            tally[0] += 1
        elif record_wins(record, known):
            tally[1] += 1
        else:
            tally[2] += 1
            continue
        latest[key] = record
    # The stored copies replaced (found above: not looked up again per record).
    replaced = [old for i, old in stored_copies.items() if i in latest]
    apply_records(db.file, loaded, replaced, latest)
    changes = merged_articles(db.records(ARTICLES).raw(), metas)
    db.records(ARTICLES).put_many(changes)
    table = db.records(DONE)
    taken: dict[str, dict[str, Any]] = {}
    for mark in marks:
        old_record = taken.get(mark.key) or table.get_raw(mark.key)
        if old_record is None or mark_wins(mark, done_from_record(old_record)):
            taken[mark.key] = done_to_record(mark)
    table.put_many(taken)
    report = {name: ImportResult(*tally) for name, tally in sorted(counts.items())}
    return ImportReport(report, len(changes), len(taken))


def apply_records(
    file: AtomicJSONStorage,
    loaded: LoadedArticles,
    removed: Sequence[Annotation],
    added: Mapping[str, Any],
) -> None:
    """Replace ``removed`` by stored records (id to record): written per article as they are,
    and kept as records (built into an ``Annotation`` when first asked for, as a shard's are),
    but where a loaded layer needs the annotation."""
    owner = {key: record["article_id"] for key, record in added.items()}
    for article_id in {*(a.article_id for a in removed), *owner.values()}:
        loaded.ensure(article_id)
    gone = [a for a in removed if owner.get(a.id) != a.article_id]
    if len(gone) + len(added) > BULK:
        loaded.drop_layers((a.article_id, a.annotator) for a in removed)
        loaded.drop_layers((r["article_id"], r["annotator"]) for r in added.values())
    gone_ids: dict[str, list[str]] = {}
    for a in gone:
        gone_ids.setdefault(a.article_id, []).append(a.id)
    for article_id, ids in gone_ids.items():
        file.delete_annotations(article_id, ids)
    for a in gone:
        loaded.remove(a.id)
    groups: dict[str, dict[str, Any]] = {}
    for key, record in added.items():
        groups.setdefault(record["article_id"], {})[key] = record
    for article_id, group in groups.items():
        file.put_annotations(article_id, group)
    loaded.put_records(added)


def in_batches(
    write: Callable[..., ImportReport],
    batches: Iterable[Sequence[StoredRecord]],
    metas: Sequence[dict[str, Any]],
    marks: Sequence[DoneMark],
) -> ImportReport:
    """``write`` (``Store.import_records``) each batch in turn, the article metadata and done
    marks with the last; the report is the sum of theirs."""
    counts: dict[str, ImportResult] = {}
    pending: Sequence[StoredRecord] | None = None
    for batch in batches:
        if pending is not None:
            _add_counts(counts, write(pending))
        pending = batch
    report = write(pending or (), metas, marks)
    _add_counts(counts, report)
    return ImportReport(dict(sorted(counts.items())), report.articles, report.done)


def _add_counts(counts: dict[str, ImportResult], report: ImportReport) -> None:
    for name, result in report.by_annotator.items():
        counts[name] = counts.get(name, ImportResult()) + result


def attach_groups(
    articles: Iterable[Article], index: Callable[[], Mapping[str, Any]], limit: int
) -> Iterator[list[Article]]:
    """The articles in groups of about ``limit`` stored annotations (by the index, read again
    after each group is written) plus one per article: one write each."""
    group: list[Article] = []
    weight = 0
    entries = index()
    for article in articles:
        group.append(article)
        entry = entries.get(article.id)
        weight += 1 + (0 if entry is None else entry_total(entry))
        if weight >= limit:
            yield group
            group, weight = [], 0
            entries = index()
    if group:
        yield group


@contextlib.contextmanager
def unloading_after(loaded: LoadedArticles) -> Iterator[None]:
    """Hold, after the body, only the articles that were loaded before it (an import reads
    every article it writes: memory would grow with the file)."""
    before = loaded.loaded_ids()
    try:
        yield
    finally:
        for article_id in loaded.loaded_ids() - before:
            loaded.unload(article_id)

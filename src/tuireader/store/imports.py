"""An import's writes into the store: its records merged and written batch by batch, and the
articles an import found attached in groups.

Each function here runs inside the facade's write (``Store._writing``: the lock taken, the data
caught up, one transaction) or drives such writes one after another; the facade keeps the
public methods, which take the lock and call in. What an import decides is ``merging``'s; what
it writes goes through the record cache (``LoadedArticles``) and the storage.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, cast

import orjson

from tuireader import storage
from tuireader.anchoring import sentence_bounds
from tuireader.annotations import AnchorState, Annotation
from tuireader.articles import Article, raw_sentence_spans
from tuireader.dbformat.index import counted_entry, entry_total, index_entry, record_counts
from tuireader.dbformat.schema import ARTICLES, BOUNDARIES, DONE
from tuireader.records import DoneMark, StoredRecord, done_from_record, done_to_record, to_stored
from tuireader.storage import AtomicJSONStorage, shard_bytes, shard_document
from tuireader.store.editing import attach_records, set_anchors
from tuireader.store.layers import BULK
from tuireader.store.loaded import LoadedArticles
from tuireader.store.merging import ImportReport, ImportResult, mark_wins, record_wins
from tuireader.store.metadata import ResolvedPaths, SamePath, article_record, merged_articles
from tuireader.store.tables import AnnotationDB


@dataclass(frozen=True, slots=True)
class Settled:
    """An article's run attached to its file while the import staged it (``settled_run``)."""

    meta: dict[str, Any]
    """The article's record from its file (``metadata.article_record``)."""
    source: str
    """The path the export gives for the article, which the file was read from."""
    restore: bytes
    """The anchors the attach changed, as they were: one JSON object, id to anchor (null for
    exact), parsed only if the run is not written attached after all."""


@dataclass(frozen=True, slots=True)
class ArticleRecords:
    """Records of one article as an import's spool holds them: their ids, how many there are
    per (annotator, tag, anchor), and the records themselves as one JSON object (id to stored
    record), parsed only if they cannot be written as they are (``merge_records``).

    ``staged``: the import tried to attach the run to its file while staging it (the file then
    need not be read again). ``settled``: it did, so ``data`` and ``counts`` are of the records
    with their anchors settled; ``records`` gives the records as the file had them."""

    article_id: str
    ids: Sequence[str]
    counts: Sequence[tuple[str, str, str | None, int]]
    data: bytes
    staged: bool = False
    settled: Settled | None = None

    def records(self) -> list[StoredRecord]:
        """The records as the export file had them (their anchors as they were)."""
        records: dict[str, dict[str, Any]] = orjson.loads(self.data)
        if self.settled is not None:
            restore: dict[str, str | None] = orjson.loads(self.settled.restore)
            if restore:
                keys = list(restore)
                anchors = [anchor or _EXACT for anchor in restore.values()]
                set_anchors(keys, list(map(records.__getitem__, keys)), anchors)
        return list(records.items())

    def unsettled(self) -> ArticleRecords:
        """The run as the export file had it (not attached after all: written as spooled, or
        merged, and attached after the import)."""
        if self.settled is None:
            return self
        records = dict(self.records())
        return ArticleRecords(
            self.article_id, self.ids, record_counts(records.values()), orjson.dumps(records), True
        )


Incoming = StoredRecord | ArticleRecords
"""What an import hands the store: records, or an article's records as spooled."""


def checked_records(records: Iterable[Incoming]) -> list[Incoming]:
    """The records of an import, each with a tag (which tags exist is the codebook's business;
    a tag is any non-empty text); ValueError before anything is written."""
    incoming = list(records)
    spooled, plain = _split(incoming)
    try:
        tags = set(map(_TAG, map(_RECORD, plain)))  # each distinct tag checked once
    except TypeError:  # a tag that is not even hashable: named by the check below
        tags = {record["tag"] for _, record in plain if not isinstance(record["tag"], str)}
    tags.update(tag for group in spooled for _, tag, _, _ in group.counts)
    for tag in tags:
        check_tag(tag)
    return incoming


def _split(incoming: Sequence[Incoming]) -> tuple[list[ArticleRecords], list[StoredRecord]]:
    """The spooled articles and the records, apart."""
    spooled = [x for x in incoming if isinstance(x, ArticleRecords)]
    if not spooled:
        return [], cast(list[StoredRecord], list(incoming))
    return spooled, [x for x in incoming if not isinstance(x, ArticleRecords)]


def check_tag(tag: str) -> None:
    if not isinstance(tag, str) or not tag:
        raise ValueError(f"a tag is non-empty text, not {tag!r}")


_RECORD = itemgetter(1)
_EXACT = AnchorState.EXACT.value
_TAG = itemgetter("tag")
_ANNOTATOR = itemgetter("annotator")
_ARTICLE = itemgetter("article_id")


def merge_records(
    db: AnnotationDB,
    loaded: LoadedArticles,
    incoming: Sequence[Incoming],
    metas: Sequence[dict[str, Any]],
    marks: Sequence[DoneMark],
    at_hand: AtHand | None = None,
) -> ImportReport:
    """Merge one batch of records, with article metadata and done marks, into the store (inside
    its write): for an id already there the newer ``updated`` wins (``merging``), and the
    records taken are written per article as they are.

    The articles with nothing stored yet (an import's new articles) are not read, and their
    records are not kept in the record cache: from ``storage.DIRECT_MIN`` annotations their
    shards are written straight to their files (``AtomicJSONStorage.create_shards``), those
    spooled as one object without parsing them. Those whose file is ``at_hand`` are attached
    to it first (``attached_on_write``): their shards hold the settled records and the same write
    records their metadata from the file."""
    file = db.file
    spooled, plain = _split(incoming)
    per_article = Counter(map(_ARTICLE, map(_RECORD, plain)))
    touched = set(per_article) | {g.article_id for g in spooled}
    fresh = {a for a in file.unrecorded(touched) if not loaded.loaded(a) and not loaded.refused(a)}
    for article_id in touched - fresh:
        loaded.ensure(article_id)
    direct, parsed = _written_whole(spooled, per_article, fresh, loaded)
    plain += parsed
    bulk = sum(len(g.ids) for g in direct) + sum(per_article[a] for a in fresh)
    if direct and bulk < storage.DIRECT_MIN:
        plain += [r for g in direct for r in g.records()]
        direct = []
    latest: dict[str, dict[str, Any]] = dict(plain)
    stored_copies: dict[str, Annotation] = {}
    if len(latest) == len(plain) and not any(map(loaded.__contains__, latest)):
        # No id twice and none stored: every record is added (counted in C).
        counts = {n: [k, 0, 0] for n, k in Counter(map(_ANNOTATOR, latest.values())).items()}
    else:
        counts, latest, stored_copies = _merged(loaded, plain)
    for group in direct:
        for annotator, _, _, n in group.counts:
            counts.setdefault(annotator, [0, 0, 0])[0] += n
    attached = attached_on_write(db, direct, at_hand) if at_hand is not None and direct else {}
    shards: dict[str, tuple[bytes, dict[str, Any]]] = {}
    for g in direct:
        found = attached.get(g.article_id)
        if found is None:  # not attached: its records as the file had them
            g = g.unsettled()
        if found is None or found[0] is None:  # as spooled: not attached, or nothing changed
            entry = counted_entry(g.article_id, g.counts)
            shards[g.article_id] = (shard_bytes(g.article_id, g.data), entry)
        else:
            records = found[0]
            entry = index_entry(g.article_id, records.values())
            shards[g.article_id] = (shard_document(g.article_id, records), entry)
    # The stored copies replaced (found above: not looked up again per record).
    replaced = [old for i, old in stored_copies.items() if i in latest]
    fresh_written = fresh if bulk >= storage.DIRECT_MIN else set()
    apply_records(file, loaded, replaced, latest, fresh_written, shards)
    table = db.records(ARTICLES)
    recorded = {a: meta for a, (_, meta) in attached.items() if table.get_raw(a) != meta}
    table.put_many(recorded)
    if at_hand is not None:  # an article attached here keeps the record made from its file
        skip = at_hand.attached_before | attached.keys()
        metas = [m for m in metas if m["id"] not in skip]
    changes = merged_articles(table.raw(), metas)
    table.put_many(changes)
    done_table = db.records(DONE)
    taken: dict[str, dict[str, Any]] = {}
    for mark in marks:
        old_record = taken.get(mark.key) or done_table.get_raw(mark.key)
        if old_record is None or mark_wins(mark, done_from_record(old_record)):
            taken[mark.key] = done_to_record(mark)
    done_table.put_many(taken)
    report = {name: ImportResult(*tally) for name, tally in sorted(counts.items())}
    return ImportReport(report, len(changes) + len(recorded), len(taken), frozenset(attached))


@dataclass(frozen=True)
class AtHand:
    """The article files an import found (``Store.import_batches``' ``article_at_hand``), for
    attaching its new articles in the write that first writes their shards."""

    load: Callable[[str], Article | None]
    """The article of an id, if its file is at hand with the same text, else None. Asked only
    for an article whose records the batch holds whole and none before it: the caller answers
    None for one whose records it hands in more than one run (its first run is not all)."""
    listed: Mapping[str, Mapping[str, Any]]
    """The import's article metadata by id (``merged_articles`` of its entries)."""
    paths: SamePath
    """The ids ``listed`` records under each path: ``attached_on_write`` asks it, as it asks
    the table, what ``attach_all`` asks the table (``SamePath.others``) once the import has
    written it."""
    attached_before: frozenset[str] = frozenset()
    """The articles attached by the import's earlier writes."""
    resolve: ResolvedPaths = field(default_factory=ResolvedPaths)
    """Their files' paths as recorded, each folder resolved once."""


def attached_on_write(
    db: AnnotationDB, direct: Sequence[ArticleRecords], at_hand: AtHand
) -> dict[str, tuple[dict[str, Any] | None, dict[str, Any]]]:
    """Of an import's new articles written whole (``_written_whole``), those whose file is at
    hand attached to it on their records as ``Store.attach_all`` would attach them once they
    are written (``editing.attach_records``): article id to the records to write (the anchors
    settled; None where none changed) and the article's metadata record. Only where
    ``attach_all`` would do nothing else: the article has no sentence corrections stored, no
    other id is recorded under its file's path (the table or the import: ``attach`` would
    adopt it, or not), and every record is at home on the text. Any other article is attached
    after the import, as before.

    A run settled while the import staged it (``ArticleRecords.staged``, ``settled_run``) is
    decided already: only the store's conditions are checked here, and its spooled bytes are
    the shard. Any other run is decided here, inside the import's write, under the store's
    lock: reading and segmenting its file (about 0.13 ms a file of 20 sentences) and deciding
    (0.4-0.8 ms an article in all) hold other writers off for that long."""
    corrected = {r["article_id"] for r in db.records(BOUNDARIES).raw().values()}
    table = db.records(ARTICLES).raw()
    same_path: SamePath | None = None
    found: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]] = {}
    for group in direct:
        article_id = group.article_id
        if article_id in corrected:
            continue
        article = None
        if group.staged:  # attached while staging (``settled_run``), or it could not be
            if group.settled is None:
                continue
            meta = group.settled.meta
        else:
            article = at_hand.load(article_id)
            if article is None:
                continue
            meta = article_record(article, at_hand.resolve)
        path = meta["path"]
        if path is not None:
            if same_path is None:  # built once a write, when the first file is at hand
                same_path = SamePath(table)
            if same_path.others(article_id, path, table) or at_hand.paths.others(
                article_id, path, at_hand.listed
            ):
                continue
        if article is None:  # settled already: the spooled bytes are the shard
            found[article_id] = (None, meta)
            continue
        records: dict[str, Any] = orjson.loads(group.data)
        attached = attach_records(article, records, stored_form=True)  # the codec's
        if attached is None:
            continue
        if attached.changed:
            records.update(attached.changed)
            found[article_id] = (records, meta)
        else:  # the shard is the spooled bytes, as it would be without the attach
            found[article_id] = (None, meta)
    return found


def settled_run(
    article: Article,
    records: dict[str, dict[str, Any]],
    source: str,
    resolve: ResolvedPaths,
    no_link: bool = False,
) -> Settled | None:
    """An import's run of an article's records (the codec's, the caller's to change) attached
    to the article's file as ``attached_on_write`` would attach it, while the import stages it
    (``importing.stage``): the records settled in place, and what to record and to restore.
    None, with nothing changed, where ``attach_records`` cannot decide on the records.
    ``no_link``: the article's path is known not to name a symbolic link (its file was just
    opened without following one, ``articles.unchanged_file``).

    The import then spools the settled records, so its writes neither parse the run again
    nor count and serialise its settled records (~0.2 ms an article of 40, ~3 ms of 1,000),
    and the file is read and segmented outside the store's lock. The store still decides
    whether the run is written attached (``attached_on_write``: a new article, whole, no
    correction, no other id under its path); where it is not, ``ArticleRecords.records``
    restores the anchors.

    The sentences are not built: their offsets decide and count (``raw_sentence_spans``; a
    new article's are the segmenter's, as ``attach_all`` would find them)."""
    spans = raw_sentence_spans(article)
    attached = attach_records(article, records, stored_form=True, bounds=sentence_bounds(spans))
    if attached is None:
        return None
    meta = article_record(article, resolve.not_a_link if no_link else resolve, len(spans))
    return Settled(meta, source, orjson.dumps(attached.anchors_before))


def _written_whole(
    spooled: Sequence[ArticleRecords],
    plain: Mapping[str, int],
    fresh: Set[str],
    loaded: LoadedArticles,
) -> tuple[list[ArticleRecords], list[StoredRecord]]:
    """The spooled articles that can be written as they are (new, held nowhere, whole in this
    batch, no id of theirs held elsewhere), and the records of the others, parsed."""
    seen = Counter(g.article_id for g in spooled)
    whole: list[ArticleRecords] = []
    parsed: list[StoredRecord] = []
    for group in spooled:
        a = group.article_id
        if a in fresh and seen[a] == 1 and a not in plain and not loaded.holds_any(group.ids):
            whole.append(group)
        else:
            parsed += group.records()
    return whole, parsed


def _merged(
    loaded: LoadedArticles, incoming: Sequence[StoredRecord]
) -> tuple[dict[str, list[int]], dict[str, dict[str, Any]], dict[str, Annotation]]:
    """Record by record: the counts per annotator (added, updated, skipped), the records that
    win, and the stored copies they were compared with."""
    counts: dict[str, list[int]] = {}
    latest: dict[str, dict[str, Any]] = {}
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
    return counts, latest, stored_copies


def apply_records(
    file: AtomicJSONStorage,
    loaded: LoadedArticles,
    removed: Sequence[Annotation],
    added: Mapping[str, Any],
    fresh: Set[str] = frozenset(),
    shards: Mapping[str, tuple[bytes, dict[str, Any]]] | None = None,
) -> None:
    """Replace ``removed`` by stored records (id to record): written per article as they are,
    and kept as records (built into an ``Annotation`` when first asked for, as a shard's are),
    but where a loaded layer needs the annotation. The shards of the ``fresh`` articles
    (nothing stored, not loaded) are written straight to their files, and nothing is kept;
    with the ready ``shards`` of others (their documents and index documents), in one
    ``create_shards``."""
    groups: dict[str, dict[str, Any]] = {}
    for key, record in added.items():
        groups.setdefault(record["article_id"], {})[key] = record
    for article_id in {*(a.article_id for a in removed), *groups} - fresh:
        loaded.ensure(article_id)
    gone = [a for a in removed if a.id not in added or added[a.id]["article_id"] != a.article_id]
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
    held: dict[str, Any] = {}
    created: dict[str, tuple[bytes, dict[str, Any]]] = {}
    for article_id, group in groups.items():
        if article_id in fresh:
            created[article_id] = (
                shard_document(article_id, group),
                index_entry(article_id, group.values()),
            )
        else:
            file.put_annotations(article_id, group)
            held.update(group)
    file.create_shards({**created, **(shards or {})})
    loaded.put_records(held if fresh else added)


def in_batches(
    write: Callable[..., ImportReport],
    batches: Iterable[Sequence[Incoming]],
    metas: Sequence[dict[str, Any]],
    marks: Sequence[DoneMark],
    load: Callable[[str], Article | None] | None = None,
) -> ImportReport:
    """``write`` (``Store.import_records``) each batch in turn, the article metadata and done
    marks with the last; the report is the sum of theirs. With ``load`` (``AtHand.load``) the
    new articles whose files are at hand are attached in the writes of their shards."""
    counts: dict[str, ImportResult] = {}
    at_hand = None
    if load is not None:
        listed = merged_articles({}, metas)
        at_hand = AtHand(load, listed, SamePath(listed))
    recorded = 0  # article records of attached articles, written before the last batch
    pending: Sequence[Incoming] | None = None
    for batch in batches:
        if pending is not None:
            report = write(pending, (), (), at_hand)
            _add_counts(counts, report)
            recorded += report.articles
            if at_hand is not None and report.attached:
                at_hand = replace(
                    at_hand, attached_before=at_hand.attached_before | report.attached
                )
        pending = batch
    report = write(pending or (), metas, marks, at_hand)
    _add_counts(counts, report)
    attached = report.attached | (at_hand.attached_before if at_hand is not None else frozenset())
    return ImportReport(
        dict(sorted(counts.items())), report.articles + recorded, report.done, attached
    )


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


def put_attached(
    file: AtomicJSONStorage,
    loaded: LoadedArticles,
    article_id: str,
    changed: Mapping[str, dict[str, Any]],
) -> None:
    """Store the records an attach decided on records changed (``editing.attach_records``:
    same ids, same article), kept as records in the cache, not built."""
    file.put_annotations(article_id, changed)
    loaded.put_records(changed)


@contextlib.contextmanager
def unloading_after(loaded: LoadedArticles, file: AtomicJSONStorage) -> Iterator[None]:
    """Hold, after the body, only the articles that were loaded before it (an import reads
    every article it writes: memory would grow with the file), in the record cache and in the
    storage (where an import's new articles are only written)."""
    before, shards = loaded.loaded_ids(), file.held_shards()
    try:
        yield
    finally:
        for article_id in loaded.loaded_ids() - before:
            loaded.unload(article_id)
        for article_id in file.held_shards() - shards:
            file.drop_shard(article_id)

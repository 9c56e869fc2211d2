"""Reading our own json, jsonl and csv exports back into annotations, in two passes.

The first pass (``stage_import``) reads the file record by record (``import_formats``), checks
every record with the codec (``records``) and writes each checked annotation to a private spool
file; it holds only the small things (article entries, done marks, decisions, one hash per
annotation id), so a file of any size is checked in bounded memory. A file that is not ours
(garbage, other JSON, a missing or mistyped field anywhere, the last row included) is refused
with one line naming the file, the line or row and the problem, before the store is opened: the
database is never touched. The second pass (``StagedImport.batches``) reads the spool back in
batches for the store to write one at a time; where the file holds several copies of an id,
only the newest is handed over.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import compress, repeat
from itertools import count as numbered
from operator import ne
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar, cast

import orjson

from tuireader.adjudication import Decision, DecisionError, decision_from_record
from tuireader.annotations import ARTICLE_FIELDS, Annotation
from tuireader.boundaries import Boundary
from tuireader.correction_records import from_export as correction_from_export
from tuireader.dbformat.index import record_counts
from tuireader.errors import open_regular, os_problem
from tuireader.import_checks import (
    annotation_problem,
    done_problem,
    first_problem,
    id_problem,
    name_problem,
)
from tuireader.import_formats import (
    ANNOTATION,
    ARTICLE,
    CORRECTION,
    DECISION,
    DONE,
    NOT_OURS,
    TAGS,
    AnnotationLines,
    ImportFileError,
    RecordStream,
    parse_records,
    read_records,
)
from tuireader.records import (
    ANNOTATOR_OF,
    ARTICLE_ID_OF,
    KEY_OF,
    RECORD_OF,
    TAG_OF,
    DoneMark,
    RecordError,
    StoredRecord,
    article_entry,
    done_from_record,
    from_stored,
    instant,
    stored_from_export,
    stored_from_exports,
)
from tuireader.store.imports import ArticleRecords, Settled
from tuireader.tags import Tag, tags_from_record

__all__ = [
    "BATCH",
    "NOT_OURS",
    "ImportFileError",
    "ImportedFile",
    "StagedImport",
    "parse_import",
    "read_import",
    "stage_import",
]

READ_BUFFER = 1 << 18
"""The export file and the spool are read 256 KB at a time. The default 8 KB meant 40,000 reads
of a 323 MB export; ``stage_import`` and reading the spool back at 100k, in one process,
alternating, 8 rounds at load 4: 8 KB 1.14 / 1.26 s (min / median), 256 KB 1.02 / 1.09 s,
1 MB 0.99 / 1.17 s (more than a core's 512 KB of L2 cache)."""

BATCH = 10_000
"""Annotations per write of an import: each batch is one durable change, so memory stays
bounded and a killed import leaves whole batches (importing again completes it)."""


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
    corrections: tuple[Boundary, ...] = ()
    """Sentence corrections (splits and joins; ``correction_records``)."""
    scope: dict[str, Any] | None = None
    """What a json export holds in full (its ``scope``), None when the file does not say."""


@dataclass(frozen=True)
class StagedImport:
    """A checked export whose annotations wait in a spool file, not in memory. Close it (or use
    it as a context manager) to free the spool; it never outlives the process."""

    format: str
    count: int
    """Annotation records in the file, duplicates included."""
    duplicates: int
    """Records dropped because the file held a newer one with the same id."""
    articles: tuple[dict[str, Any], ...]
    done: tuple[DoneMark, ...]
    decisions: tuple[Decision, ...]
    spool: IO[bytes]
    dropped: frozenset[int]
    """Spooled annotations (numbered from 0 in file order) superseded by a newer copy of their
    id in the file."""
    split: frozenset[str] = frozenset()
    """Articles whose annotations are spooled in more than one run (more than ``SPOOL_LINE``,
    or not in a row in the file): no one run of theirs holds all the file has of them."""
    corrections: tuple[Boundary, ...] = ()
    """Sentence corrections (splits and joins; ``correction_records``)."""
    scope: dict[str, Any] | None = None
    """What a json export holds in full (its ``scope``), None when the file does not say."""
    tags: tuple[Tag, ...] = ()
    """The codebook a json export lists (``tags``: ids, labels, guidelines), well-formed
    entries only, for the database's record of its tag sets."""

    def annotations(self) -> Iterator[Annotation]:
        """The annotations, in file order, one per id (the newest)."""
        for key, record in self.records():
            yield from_stored(key, record)

    def records(self) -> Iterator[StoredRecord]:
        """``annotations`` as the store keeps them, (id, stored record), as checked in the
        first pass (not built or checked again)."""
        for item in self._spooled():
            yield from item.records() if isinstance(item, ArticleRecords) else item

    def batches(self, size: int | None = None) -> Iterator[list[StoredRecord | ArticleRecords]]:
        """The records in file order in lists of ``size`` (``BATCH``) annotations, for
        ``Store.import_batches``: each article's records as spooled (``ArticleRecords``: not
        parsed), but where one straddles two batches or holds a superseded copy."""
        size = size or BATCH
        batch: list[StoredRecord | ArticleRecords] = []
        count = 0
        for item in self._spooled():
            if isinstance(item, ArticleRecords) and count + len(item.ids) <= size:
                batch.append(item)
                count += len(item.ids)
            else:
                records = item.records() if isinstance(item, ArticleRecords) else item
                while count + len(records) >= size:
                    room = size - count
                    batch += records[:room]
                    yield batch
                    batch, count, records = [], 0, records[room:]
                batch += records
                count += len(records)
            if count >= size:
                yield batch
                batch, count = [], 0
        if batch:
            yield batch

    def _spooled(self) -> Iterator[ArticleRecords | list[StoredRecord]]:
        """The spool's articles in file order: as spooled, or parsed without the superseded
        copies where an article holds one."""
        dropped = self.dropped
        start = 0
        for group in _spool_groups(self.spool):
            count = len(group.ids)
            if dropped and any(i in dropped for i in range(start, start + count)):
                kept = enumerate(group.records(), start)
                yield [record for i, record in kept if i not in dropped]
            else:
                yield group
            start += count

    def close(self) -> None:
        self.spool.close()

    def __enter__(self) -> StagedImport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


Settle = Callable[[str, str, dict[str, dict[str, Any]]], Settled | None]
"""``stage``'s ``settle``: given an article id, the path the export gives for its file and a
run of its checked records (the caller's to change), the run attached to the file with its
anchors settled in place (``store.imports.settled_run``), or None (nothing changed)."""


def stage_import(path: str | os.PathLike[str], settle: Settle | None = None) -> StagedImport:
    """First pass over ``path``: every record checked, the annotations spooled; raises
    ImportFileError naming the file, where in it and the problem. ``settle``: see ``stage``."""
    path = Path(path)
    with open_regular(path, "an export file", ImportFileError, READ_BUFFER) as file:
        try:
            return stage(read_records(file, path), path, settle)
        except OSError as exc:  # reading the file (the spool's own failures are named apart)
            raise ImportFileError(path, os_problem(exc, "an export file")) from None


def read_import(path: str | os.PathLike[str]) -> ImportedFile:
    """Read and validate ``path`` into memory; raises ImportFileError naming it and the problem."""
    with stage_import(path) as staged:
        return _in_memory(staged)


def parse_import(data: bytes, name: object = "<input>") -> ImportedFile:
    """Parse our json document, jsonl lines or csv rows from ``data``; ``name`` labels errors."""
    with stage(parse_records(data, name), name) as staged:
        return _in_memory(staged)


def _in_memory(staged: StagedImport) -> ImportedFile:
    return ImportedFile(
        staged.format,
        tuple(staged.annotations()),
        staged.articles,
        staged.duplicates,
        staged.done,
        staged.decisions,
        staged.corrections,
        staged.scope,
    )


def stage(stream: RecordStream, name: object, settle: Settle | None = None) -> StagedImport:
    """Check every record of ``stream`` and spool its annotations (see ``stage_import``).

    With ``settle``, each run of an article's records whose file the export names is offered
    to it before it is spooled (``ArticleRecords.staged``): a run it settles is spooled
    settled (``ArticleRecords.settled``), to be written attached if the store finds the
    article new (``store.imports.attached_on_write``)."""
    try:
        # Closed by the StagedImport. Buffered like the export: the write pass reads it back
        # line by line (runs of ~16 KB).
        spool = tempfile.TemporaryFile(buffering=READ_BUFFER)  # noqa: SIM115
    except OSError as exc:
        raise _spool_problem(name, exc) from None
    try:
        articles: list[dict[str, Any]] = []
        marks: list[DoneMark] = []
        decisions: list[Decision] = []
        corrections: list[Boundary] = []
        scope: dict[str, Any] | None = None
        tags: tuple[Tag, ...] = ()
        seen: set[int] = set()
        repeated: set[int] = set()
        count = 0
        # Checked annotations of one article in a row, spooled together (``_spool``).
        run: dict[str, dict[str, Any]] = {}
        run_article = ""
        spooled: set[str] = set()
        split: set[str] = set()
        # Where the export says each article's file is: the first line or row of a run names
        # it (jsonl, csv), or an article entry before it (a json document).
        paths: dict[str, str] = {}
        run_path: str | None = None
        most = SPOOL_LINE  # looked up once, not per record
        for part in stream.parts:
            if isinstance(part, AnnotationLines):
                items, pairs = part.items, _checked_lines(part.items, part.first, name)
            elif part[0] == ANNOTATION:
                items, pairs = [part[2]], [_checked(part[1], part[2], name)]
            else:
                kind, where, item = part
                if kind == ARTICLE:
                    entry = _parsed(_article, where, item, name)
                    articles.append(entry)
                    if isinstance(entry["path"], str):
                        paths.setdefault(entry["id"], entry["path"])
                elif kind == DONE:
                    marks.append(_parsed(_done_mark, where, item, name))
                elif kind == DECISION:
                    decisions.append(_parsed(_decision, where, item, name))
                elif kind == CORRECTION:
                    corrections.append(_parsed(correction_from_export, where, item, name))
                elif kind == TAGS:
                    # Written by anything: what is not a well-formed tag is left out, not refused
                    # (the annotations do not depend on it).
                    tags = tags_from_record(item)
                else:
                    scope = _parsed(_scope, where, item, name)
                continue
            keys = list(map(hash, map(KEY_OF, pairs)))
            fresh = seen.isdisjoint(keys) and len(set(keys)) == len(keys)
            if fresh:
                seen.update(keys)
            else:  # an id seen before (rare): which are repeated
                for key in keys:
                    if key in seen:
                        repeated.add(key)
                    seen.add(key)
            if fresh:
                # No id of these was seen before, so none is in the run: the run changes only
                # where the article does or at ``most``, and is taken a slice at a time.
                article_ids = list(map(ARTICLE_ID_OF, map(RECORD_OF, pairs)))
                starts = [0, *compress(numbered(1), map(ne, article_ids, article_ids[1:]))]
                ends = [*starts[1:], len(pairs)]
            else:
                starts, ends = list(range(len(pairs))), list(range(1, len(pairs) + 1))
            for at, end in zip(starts, ends, strict=True):
                ann_id, record = pairs[at]
                while at < end:
                    if (
                        record["article_id"] != run_article
                        or len(run) >= most
                        or (not fresh and ann_id in run)
                    ):
                        if run:
                            # Offered only if it is all the article has so far: a run that
                            # the article goes on after (over ``most``, an id twice) or that
                            # follows another of its runs is split, never attached as it is
                            # written, and settling it would read (and segment) the file once
                            # a run.
                            whole = (
                                record["article_id"] != run_article and run_article not in spooled
                            )
                            _spool(spool, run, name, settle if whole else None, run_path)
                            count += len(run)
                            (split if run_article in spooled else spooled).add(run_article)
                        run, run_article = {}, record["article_id"]
                        if settle is not None:
                            run_path = items[at].get("article_path") or paths.get(run_article)
                    taken = min(end, at + most - len(run))
                    run.update(pairs[at:taken])
                    at = taken
        del seen
        if run:
            whole = run_article not in spooled
            _spool(spool, run, name, settle if whole else None, run_path)
            count += len(run)
            (split if run_article in spooled else spooled).add(run_article)
        try:
            spool.flush()
        except OSError as exc:
            raise _spool_problem(name, exc) from None
        dropped = _superseded(spool, repeated) if repeated else frozenset()
    except BaseException:
        spool.close()
        raise
    return StagedImport(
        stream.format,
        count,
        len(dropped),
        tuple(articles),
        tuple(marks),
        tuple(decisions),
        spool,
        dropped,
        frozenset(split),
        tuple(corrections),
        scope,
        tags,
    )


def _checked(where: str, item: Any, name: object) -> StoredRecord:
    """One annotation record checked (the codec, then ``annotation_problem``), or the one
    ``ImportFileError`` naming where it is and its problem."""
    try:
        pair = stored_from_export(item)
    except RecordError as exc:
        raise _located(exc, stored_from_export, where, item, name) from None
    if (problem := annotation_problem(pair[1])) is not None:
        raise _located(RecordError(problem), stored_from_export, where, item, name)
    return pair


def _checked_lines(items: list[Any], first: int, name: object) -> list[StoredRecord]:
    """``_checked`` of each item (``items[k]`` being line ``first + k``), in file order: runs of
    records as our exports write them through ``stored_from_exports`` and ``first_problem``
    (one loop, and C-level passes), each other one on its own."""
    pairs: list[StoredRecord] = []
    at = 0
    while True:
        done, stop = stored_from_exports(items, at)
        if done:
            bad = first_problem(done)
            if bad is not None:
                k, problem = at + bad[0], bad[1]
                where = f"line {first + k}"
                raise _located(RecordError(problem), stored_from_export, where, items[k], name)
            pairs += done
        if stop >= len(items):
            return pairs
        pairs.append(_checked(f"line {first + stop}", items[stop], name))
        at = stop + 1


def _spool_problem(name: object, exc: OSError) -> ImportFileError:
    """The checked annotations wait in a temporary file: say where, when it cannot be written."""
    return ImportFileError(
        name,
        f"not imported: the temporary folder {tempfile.gettempdir()} cannot hold the checked "
        f"annotations ({os_problem(exc)}; TMPDIR names another); the database was not touched",
    )


SPOOL_LINE = 1000
"""Most annotations of one article in one spooled run: one ``orjson.dumps`` of many costs a
quarter of dumping each on its own (measured: 1.1 against 4.5 µs an annotation)."""


def _spool(
    spool: IO[bytes],
    run: dict[str, dict[str, Any]],
    name: object,
    settle: Settle | None = None,
    path: str | None = None,
) -> None:
    """Write a run of one article's checked annotations as two lines: a head (the article id,
    the ids, how many per annotator, tag and anchor) and the records as one JSON object, id to
    record, which is what the article's shard holds (``ArticleRecords``). With ``settle``, the
    run is offered to it first where the export has named the article's file by then
    (``path``): the head then says so (the settlement, or null), and a settled run is followed
    by a third line, the anchors to restore (``Settled.restore``)."""
    article_id = next(iter(run.values()))["article_id"]
    offered, settled = False, None
    if settle is not None and isinstance(path, str) and path:
        offered, settled = True, settle(article_id, path, run)
    records = list(run.values())
    counts: list[tuple[str, str, str | None, int]]
    if not any(map(dict.__contains__, records, repeat("anchor"))):
        # Every anchor exact (most runs): annotator and tag counted, in the order
        # ``record_counts`` gives (each key's first record), without looking the anchor up.
        pairs = Counter(zip(map(ANNOTATOR_OF, records), map(TAG_OF, records), strict=True))
        counts = [(annotator, tag, None, n) for (annotator, tag), n in pairs.items()]
    else:
        counts = record_counts(records)
    head = [article_id, list(run), counts]
    if offered:  # else its file, if the import finds one, is read when it is written
        head.append(None if settled is None else [settled.meta, settled.source])
    try:
        spool.write(orjson.dumps(head, option=orjson.OPT_APPEND_NEWLINE))
        spool.write(orjson.dumps(run, option=orjson.OPT_APPEND_NEWLINE))
        if settled is not None:
            spool.write(settled.restore + b"\n")
    except OSError as exc:
        raise _spool_problem(name, exc) from None


def _spool_groups(spool: IO[bytes]) -> Iterator[ArticleRecords]:
    """The spool's runs, their records left as bytes."""
    spool.seek(0)
    lines = iter(spool)
    for head in lines:
        article_id, ids, counts, *staged = orjson.loads(head)
        data = next(lines)[:-1]
        counted = [tuple(c) for c in counts]
        if not staged:
            yield ArticleRecords(article_id, ids, counted, data)
        elif staged[0] is None:
            yield ArticleRecords(article_id, ids, counted, data, True)
        else:
            meta, source = staged[0]
            settled = Settled(meta, source, next(lines)[:-1])
            yield ArticleRecords(article_id, ids, counted, data, True, settled)


def _superseded(spool: IO[bytes], repeated: set[int]) -> frozenset[int]:
    """The spooled annotations (numbered in file order) of ids the file holds more than once,
    but for the newest copy of each (the first of equal ones). Only ids whose hash is in
    ``repeated`` are looked at."""
    newest: dict[str, tuple[Any, int]] = {}
    dropped: set[int] = set()
    index = 0
    for group in _spool_groups(spool):
        if not any(hash(k) in repeated for k in group.ids):
            index += len(group.ids)
            continue
        for key, record in group.records():
            if hash(key) in repeated:
                when = instant(cast(str, record.get("updated", record["created"])))
                kept = newest.get(key)
                if kept is None or when > kept[0]:
                    if kept is not None:
                        dropped.add(kept[1])
                    newest[key] = (when, index)
                else:
                    dropped.add(index)
            index += 1
    return frozenset(dropped)


T = TypeVar("T")


def _parsed(parse: Callable[[Any], T], where: str, item: Any, name: object) -> T:
    """``item`` parsed; a bad one becomes one ``ImportFileError`` saying where it is (and, for
    an annotation, which id)."""
    try:
        return parse(item)
    except (RecordError, DecisionError) as exc:
        raise _located(exc, parse, where, item, name) from None


def _located(
    exc: Exception, parse: Callable[[Any], object], where: str, item: Any, name: object
) -> ImportFileError:
    """The one line for a bad record: the file, where in it (and for an annotation its id)."""
    label = ""
    if parse is stored_from_export and isinstance(item, dict) and isinstance(item.get("id"), str):
        label = f" (id {item['id'][:40]!r})"
    return ImportFileError(name, f"{where}{label}: {exc}")


def _done_mark(item: Any) -> DoneMark:
    mark = done_from_record(item)
    problem = done_problem(mark.annotator, mark.updated, mark.article_id)
    if problem is not None:
        raise RecordError(problem)
    return mark


def _decision(item: Any) -> Decision:
    decision = decision_from_record(item)
    source = decision.verdict.source
    problem = (
        name_problem(decision.adjudicator, "adjudicator")
        or (None if source is None else name_problem(source, "source"))
        or id_problem(decision.article_id, "article_id")
    )
    if problem is not None:
        raise RecordError(problem)
    return decision


_SCOPE_KEYS = ("annotators", "articles", "tags")


def _scope(item: Any) -> dict[str, Any]:
    """A json export's ``scope``: each of annotators, articles and tags a list of text or
    null, all three there and nothing else (as the schema's ``$defs/scope``): a key missing or
    misspelt is refused, never read as null ("holds everything whole", which ``import
    --prune`` takes as the widest deletion). ``exported_at`` (the export's own time, which
    ``import_formats`` hands over with it) is kept beside them for ``prune_bounds``."""
    item, exported_at = item if isinstance(item, tuple) else (item, None)
    if not isinstance(item, dict):
        raise RecordError("not an object (it says what the file holds whole)")
    missing = [key for key in _SCOPE_KEYS if key not in item]
    other = sorted(str(key) for key in item if key not in _SCOPE_KEYS)
    if missing or other:
        said = [f"lacks {', '.join(map(repr, missing))}"] if missing else []
        said += [f"has unknown {', '.join(map(repr, other))}"] if other else []
        raise RecordError(
            f"{' and '.join(said)}; it must have exactly annotators, articles and tags "
            "(each a list or null)"
        )
    scope: dict[str, Any] = {"exported_at": exported_at if isinstance(exported_at, str) else None}
    for key in _SCOPE_KEYS:
        value = item[key]
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise RecordError(f'"{key}" is not a list of text or null')
        scope[key] = value
    return scope


def _article(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise RecordError("not an object")
    for key in ARTICLE_FIELDS:
        if key not in item:
            raise RecordError(f'missing field "{key}"')
    return article_entry(item)

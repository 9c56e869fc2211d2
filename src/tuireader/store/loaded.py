"""The store's record cache: the annotations of the articles it has read, and the placed
annotations of each of their layers, kept up to date change by change.

An article is read whole (its shard, checked) the first time it is needed, and its records are
kept as they were read until an annotation is asked for, which is then built once. Each
(article, annotator) layer's placed annotations are a ``SpanIndex``, built when first asked for.
A shard that cannot be used is remembered with its error and never read again. Inside
``transaction`` every change is noted, so a write that fails puts the cache back as it was (the
storage does the same for the data).
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from itertools import compress, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol, cast

from tuireader.annotations import AnchorState, Annotation
from tuireader.dbformat.index import entry_total, short_of
from tuireader.dbformat.layout import shard_path
from tuireader.dbformat.schema import INDEX, FileProblem, Tables
from tuireader.durable import collector_paused
from tuireader.records import from_stored, from_stored_all
from tuireader.storage import Stamp, parse_shard, read_regular, stamp_of
from tuireader.store.checks import check_records
from tuireader.store.files import (
    MissingShardsError,
    StoreError,
    missing_shards,
    refuse_if_missing_now,
    refuse_missing,
)
from tuireader.store.layers import SpanIndex

Held = Annotation | dict[str, Any]
_ARTICLE_OF = itemgetter("article_id")
"""An annotation as the cache holds it: built, or its checked stored record until asked for."""


class ShardSource(Protocol):
    """Where the cache reads an article's records (``storage.AtomicJSONStorage``)."""

    def read_shard(self, article_id: str) -> dict[str, Any]:
        """The article's records as they stand, not kept; FileProblem for a bad file."""
        ...

    def adopt_shard(self, article_id: str, records: dict[str, Any]) -> dict[str, Any]:
        """Keep ``records`` as the article's loaded shard; returns the one kept."""
        ...

    def drop_shard(self, article_id: str) -> None:
        """Forget the article's loaded shard (unless it holds changes not on disk yet)."""
        ...

    def unfolded_puts(self, article_id: str) -> int:
        """How many of the article's records the journal's changes not yet folded put."""
        ...

    def read(self) -> Tables:
        """The main file's tables as held (the ``index`` among them)."""
        ...

    @property
    def stamp(self) -> Stamp | None:
        """The version of the files on disk the tables are of."""
        ...


class LoadedArticles:
    """The annotations of the loaded articles, by id, and their layers' span indexes."""

    def __init__(self, path: Path, source: ShardSource) -> None:
        self.path = path
        """The database (named by errors about it)."""
        self._source = source
        self._anns: dict[str, Held] = {}
        """By id, of the loaded articles."""
        self._by_article: dict[str, dict[str, None]] = {}
        """The annotation ids of each loaded article (its shard was read), in the order read
        or added: walking 50,000 records in the order they lie in memory is several times
        faster than in a set's hash order."""
        self._refused: dict[str, StoreError] = {}
        """Articles whose shard cannot be used, and why: not read again nor written while the
        file stays as it was when refused (``_refused_file``)."""
        self._refused_file: dict[str, tuple[int, int, int] | None] = {}
        """The refused shard file as it was then (``_file_state``): once it is not so (put
        back, replaced), the article is read again."""
        self._layers: dict[tuple[str, str], SpanIndex] = {}
        """Placed annotations per (article, annotator), built when first asked for."""
        self._loaded_file: dict[str, tuple[int, int, int] | None] = {}
        """Each loaded article's shard file as it was when read, or last found whole
        (``_file_state``): ``refuse_if_gone`` checks one that changed since."""
        self._undo: dict[str, Held | None] | None = None
        """Inside ``transaction``: each changed id's annotation before the change."""

    # -- what is loaded ----------------------------------------------------------------------------
    def loaded(self, article_id: str) -> bool:
        return article_id in self._by_article

    def loaded_ids(self) -> set[str]:
        """The loaded articles' ids (a copy)."""
        return set(self._by_article)

    def refused(self, article_id: str) -> bool:
        """Whether the article's shard is refused; a refusal is dropped (the article read again
        when next asked for) once its shard file is no longer as it was (a ``stat``)."""
        if article_id not in self._refused:
            return False
        if _file_state(shard_path(self.path, article_id)) == self._refused_file.get(article_id):
            return True
        self._refused.pop(article_id, None)
        self._refused_file.pop(article_id, None)
        return False

    def refusal(self, article_id: str) -> StoreError | None:
        """Why the article's shard was refused (None: not refused, or not read yet)."""
        return self._refused.get(article_id) if self.refused(article_id) else None

    def refuse_if_gone(self, article_id: str) -> None:
        """Before a write to the article: StoreError (the article refused) if the index counts
        annotations in its shard file and the file is not there now (moved away underneath by
        a sync tool or a restore, the article loaded before): the write would build on records
        that are no longer on disk, against what the user sees. ``unload_refused`` after."""
        where = shard_path(self.path, article_id)
        state = _file_state(where)
        if state is not None:
            if article_id in self._by_article and state != self._loaded_file.get(article_id):
                self._refuse_if_damaged(article_id, where, state)
            return
        tables = self._source.read()
        if not short_of(tables.get(INDEX, {}), [article_id], self._source.unfolded_puts):
            return
        try:
            refuse_missing(self.path, tables, [article_id])
        except StoreError as exc:
            self._refuse(article_id, exc)
            raise

    def _refuse_if_damaged(self, article_id: str, where: Path, state: tuple[int, int, int]) -> None:
        """The loaded article's shard file changed since it was read (a compaction here, or
        something written over it): StoreError (the article refused) if it is no longer whole."""
        try:
            data = read_regular(where)
            records = parse_shard(data, article_id, where) if data is not None else {}
            check_records(where, records, article_id)
        except FileProblem as exc:
            problem: StoreError = StoreError(exc.path or where, exc.problem)
        except StoreError as exc:
            problem = exc
        else:
            self._loaded_file[article_id] = state
            return
        refused = type(problem)(
            problem.path, problem.problem + repair_hint(self.path, problem.problem)
        )
        self._refuse(article_id, refused)
        raise refused

    def unload_refused(self) -> None:
        """Forget the loaded articles refused since they were read (outside a transaction)."""
        for article_id in [a for a in self._by_article if a in self._refused]:
            self.unload(article_id)

    def _refuse(self, article_id: str, refusal: StoreError) -> None:
        self._refused[article_id] = refusal
        self._refused_file[article_id] = _file_state(shard_path(self.path, article_id))

    def __contains__(self, ann_id: object) -> bool:
        return ann_id in self._anns

    def holds_any(self, ann_ids: Iterable[str]) -> bool:
        """Whether any of these ids is held (one C-level pass: an import asks of 500,000)."""
        return not self._anns.keys().isdisjoint(ann_ids)

    def held(self, article_id: str) -> Iterator[Held]:
        """The loaded article's annotations as held (built or as records), in no order."""
        anns = self._anns
        for ann_id in self._by_article.get(article_id, ()):
            found = anns.get(ann_id)
            if found is not None:
                yield found

    def held_records(self, article_id: str) -> tuple[list[Annotation], dict[str, Any]]:
        """The loaded article's annotations: those built, and the records of the others."""
        ids = self._by_article.get(article_id, {})
        held = list(map(self._anns.get, ids))
        if set(map(type, held)) <= {dict}:  # none built (an import's articles): in C
            return [], dict(zip(ids, held, strict=True))
        built: list[Annotation] = []
        stored: dict[str, Any] = {}
        anns = self._anns
        for ann_id in ids:
            found = anns.get(ann_id)
            if isinstance(found, Annotation):
                built.append(found)
            elif found is not None:
                stored[ann_id] = found
        return built, stored

    # -- reading ---------------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every loaded article (the data on disk was replaced)."""
        self._anns = {}
        self._by_article = {}
        self._refused = {}
        self._refused_file = {}
        self._loaded_file = {}
        self._layers.clear()

    def ensure(self, article_id: str) -> None:
        """Read the article's shard, if not yet: its records are checked (a bad one refuses the
        shard, which is never overwritten) and kept as records until asked for."""
        if article_id in self._by_article:
            return
        state = _file_state(shard_path(self.path, article_id))  # before: a change after is seen
        records = self._source.adopt_shard(article_id, self.checked_shard(article_id))
        self._loaded_file[article_id] = state
        self._anns.update(records)
        self._by_article[article_id] = dict.fromkeys(records)

    def checked_shard(self, article_id: str) -> dict[str, Any]:
        """The article's records as they stand on disk, checked, not kept; StoreError naming
        the shard (and remembered: a refused shard is not read again) if it is unusable."""
        if self.refused(article_id):
            raise self._refused[article_id]
        with collector_paused():
            try:
                try:
                    records = self._source.read_shard(article_id)
                except FileProblem as exc:
                    raise StoreError(exc.path or self.path, exc.problem) from None
                check_records(shard_path(self.path, article_id), records, article_id)
                entry = self._source.read().get(INDEX, {}).get(article_id)
                if entry is not None and entry_total(entry) > len(records):
                    self._check_present(article_id)
            except StoreError as exc:
                hint = (
                    ""
                    if isinstance(exc, MissingShardsError)
                    else repair_hint(self.path, exc.problem)
                )
                refused = type(exc)(exc.path, exc.problem + hint)
                self._refuse(article_id, refused)
                raise refused from None
        return records

    def _check_present(self, article_id: str) -> None:
        """The index counts more annotations than the article's records hold: StoreError if its
        shard file is missing (naming every missing one). When the files changed on disk since
        the tables were read (another process appended, or compacted and removed the shard
        with its last annotation), they are read again and asked the same. A shard that is
        there is never second-guessed by its count."""
        if os.path.lexists(shard_path(self.path, article_id)):
            return
        if stamp_of(self.path) == self._source.stamp:
            tables = self._source.read()
            found = missing_shards(
                self.path, tables.get(INDEX, {}), lambda a: len(self._source.read_shard(a))
            )
            refuse_missing(self.path, tables, found or [article_id])
            return
        refuse_if_missing_now(self.path, article_id)

    def unkept(self, article_id: str) -> list[Annotation]:
        """An article not loaded, read for one call and not kept (so a caller going through
        every article holds one at a time), its annotations built straight from the checked
        records; StoreError if its shard is refused."""
        records = self.checked_shard(article_id)
        with collector_paused():
            return [from_stored(key, record) for key, record in records.items()]

    def unload(self, article_id: str) -> None:
        """Forget a loaded article (read again when next asked for)."""
        deque(map(self._anns.pop, self._by_article.pop(article_id, ()), repeat(None)), 0)
        self._loaded_file.pop(article_id, None)
        for key in [k for k in self._layers if k[0] == article_id]:
            del self._layers[key]
        self._source.drop_shard(article_id)

    def get(self, ann_id: str) -> Annotation | None:
        """The loaded annotation with this id (built now if it was a record), or None."""
        found = self._anns.get(ann_id)
        if found is None or isinstance(found, Annotation):
            return found
        ann = from_stored(ann_id, found)
        self._anns[ann_id] = ann
        return ann

    def group(self, article_id: str) -> list[Annotation]:
        """The article's annotations, every layer, orphans included, in no particular order.
        None for an article whose shard was refused (``attach`` and ``each_article`` say why;
        writes to it raise), so a reader keeps working."""
        try:
            self.ensure(article_id)
        except StoreError:
            if self.refused(article_id):
                return []
            raise
        ids = list(self._by_article.get(article_id, ()))
        anns = self._anns
        held = list(map(anns.get, ids))
        if dict in set(map(type, held)):  # built all at once, the collector paused
            unbuilt = map(isinstance, held, repeat(dict))
            records = cast(
                dict[str, dict[str, Any]], dict(compress(zip(ids, held, strict=True), unbuilt))
            )
            with collector_paused():
                anns.update(zip(records, from_stored_all(records), strict=True))
            held = list(map(anns.get, ids))
        return cast(
            list[Annotation], list(compress(held, map(isinstance, held, repeat(Annotation))))
        )

    def layer(self, article_id: str, annotator: str) -> SpanIndex:
        """The placed annotations of one layer of the article (read if not loaded)."""
        key = (article_id, annotator)
        layer = self._layers.get(key)
        if layer is None:
            group = self.group(article_id)
            if article_id in self._refused:  # not kept: read again once the file is back
                return SpanIndex()
            with collector_paused():  # an entry per annotation: 27,000 for a book's layer
                layer = SpanIndex(
                    a
                    for a in group
                    if a.annotator == annotator and a.anchor is not AnchorState.ORPHANED
                )
            self._layers[key] = layer
        return layer

    def has_layer(self, article_id: str, annotator: str) -> bool:
        return (article_id, annotator) in self._layers

    def set_layer(self, article_id: str, annotator: str, layer: SpanIndex) -> None:
        """Adopt ``layer`` as the layer's placed annotations (a plan that built it already)."""
        self._layers[(article_id, annotator)] = layer

    def drop_layers(self, keys: Iterable[tuple[str, str]]) -> None:
        """Forget these (article, annotator) layers: built again, sorted once, when next asked
        for (cheaper than inserting a bulk change one by one)."""
        if not self._layers:  # an import's: nothing built, nothing to go through
            return
        for key in keys:
            self._layers.pop(key, None)

    # -- changing ----------------------------------------------------------------------------------
    def put(self, ann: Annotation) -> None:
        """Hold ``ann`` (replacing the annotation with its id), in its layer if built."""
        self.remove(ann.id)
        self._anns[ann.id] = ann
        self._by_article.setdefault(ann.article_id, {})[ann.id] = None
        layer = self._layers.get((ann.article_id, ann.annotator))
        if layer is not None and ann.anchor is not AnchorState.ORPHANED:
            layer.add(ann)

    def put_record(self, ann_id: str, record: dict[str, Any]) -> None:
        """``put`` of a checked stored record, for an article with no built layer of its
        annotator (``get`` builds the annotation when asked for)."""
        self.remove(ann_id)
        self._anns[ann_id] = record
        self._by_article.setdefault(record["article_id"], {})[ann_id] = None

    def put_records(self, records: Mapping[str, dict[str, Any]]) -> None:
        """``put`` of stored records: built where a layer of theirs is, else kept as records."""
        layers, anns, by_article, undo = self._layers, self._anns, self._by_article, self._undo
        if self._replaced_in_place(records):
            return
        for key, record in records.items():
            article_id = record["article_id"]
            old = anns.get(key)
            if layers and (article_id, record["annotator"]) in layers:
                self.put(from_stored(key, record))
            elif type(old) is dict and old["article_id"] == article_id:
                # A record replaced by a record of the same article: as below, one by one.
                if undo is not None:
                    undo.setdefault(key, old)
                anns[key] = record
            elif old is not None:
                self.put_record(key, record)
            else:  # put_record of a new id, inlined (an import's 500k): nothing to remove
                if undo is not None:
                    undo.setdefault(key, None)
                anns[key] = record
                by_article.setdefault(article_id, {})[key] = None

    def _replaced_in_place(self, records: Mapping[str, dict[str, Any]]) -> bool:
        """Whether ``records`` replace unbuilt records of one article, of the same ids, none
        of whose layers is built (an import's attach: the 900 new anchors of an article of
        1,000); then they are put in C-level passes, and True. A record not built is in no
        layer and listed under its article already."""
        anns = self._anns
        olds = list(map(anns.get, records))
        if set(map(type, olds)) != {dict}:
            return False
        articles = set(map(_ARTICLE_OF, cast(list[dict[str, Any]], olds)))
        if len(articles) != 1 or set(map(_ARTICLE_OF, records.values())) != articles:
            return False
        (article_id,) = articles
        if any(key[0] == article_id for key in self._layers):
            return False
        if self._undo is not None:
            deque(map(self._undo.setdefault, records, olds), 0)
        anns.update(records)
        return True

    def remove(self, ann_id: str) -> None:
        """Forget the annotation with this id (absent: nothing happens)."""
        old = self._anns.get(ann_id)
        if self._undo is not None:
            self._undo.setdefault(ann_id, old)
        if old is None:
            return
        del self._anns[ann_id]
        if not isinstance(old, Annotation):
            # A record not built yet is in no layer (a layer is built from its article's
            # annotations, all built then): forgotten without building it (an import's attach
            # replaces 450,000 such records).
            ids = self._by_article.get(old["article_id"])
            if ids is not None:
                ids.pop(ann_id, None)
            return
        ids = self._by_article.get(old.article_id)
        if ids is not None:
            ids.pop(ann_id, None)
        layer = self._layers.get((old.article_id, old.annotator))
        if layer is not None and old.anchor is not AnchorState.ORPHANED:
            layer.remove(old)

    def apply_changes(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """Another process's journaled annotation changes (per article: id to record, None for
        a deletion, checked): applied to the loaded articles; the others take them when read."""
        for article_id, records in changes.items():
            if article_id not in self._by_article:
                continue
            for ann_id, record in records.items():
                if record is None:
                    self.remove(ann_id)
                else:
                    self.put(from_stored(ann_id, record))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Note every change made in the body; if it raises, put each changed annotation back
        as it was. Does not nest."""
        self._undo = {}
        try:
            yield
        except BaseException:
            undo, self._undo = self._undo, None
            for ann_id, old in undo.items():
                if old is None:
                    self.remove(ann_id)
                elif isinstance(old, Annotation):
                    self.put(old)
                else:  # a record, built now if a layer of its was built meanwhile
                    self.put_records({ann_id: old})
            raise
        finally:
            self._undo = None


MISPLACED = "holds the annotations of another article"
"""How ``storage.parse_shard`` begins refusing a shard file under another article's name."""


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """A file as ``lstat`` finds it (inode, size, modified), None if it is not there."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def repair_hint(db: Path, problem: str = "") -> str:
    """What a refusal of a damaged shard adds: the way out."""
    if problem.startswith("holds annotations of another"):
        return (
            f"; `tuireader repair --db {db}` gives every record in it that names another "
            "article back to this one (or moves it to the article it names, when it fits that "
            "article's text only), with nothing lost (`--dry-run` first shows what)"
        )
    if problem.startswith(MISPLACED):
        return (
            f"; `tuireader repair --db {db}` moves it back to the name of the article its "
            "records belong to (or keeps them under this one, when they name no article of "
            "the database), with nothing lost (`--dry-run` first shows what)"
        )
    return (
        f"; `tuireader repair --db {db}` keeps it aside and recovers every annotation it can "
        "read (`--dry-run` first shows what)"
    )

"""The records the store, the exports and the import share, each defined once: the annotation
(as exported and as stored), an article's metadata and an annotator's done mark.

``export_schema.json`` describes the exported shapes; a test checks the codec against it. Tags
are plain strings here: which tags exist is the codebook's business, and a record is never
refused or dropped for a tag the current codebook does not know.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import partial
from itertools import chain, compress, repeat, starmap
from operator import itemgetter, methodcaller, ne
from typing import Any, NamedTuple, TypeVar

from tuireader.annotations import (
    ARTICLE_FIELDS,
    AnchorState,
    Annotation,
    Provenance,
    Quote,
    assembled,
)

EXPORT_FIELDS = (
    "id",
    "article_id",
    "start",
    "end",
    "quote",
    "tag",
    "note",
    "annotator",
    "created",
    "updated",
    "anchor",
    "provenance",
)
"""An exported annotation's fields, in the documented order."""

E = TypeVar("E", AnchorState, Provenance)

_ANCHORS = {a.value: a for a in AnchorState}
_PROVENANCES = {p.value: p for p in Provenance}
# An enum member's ``.value`` goes through a descriptor (~1 us each, a tenth of an export
# row); a dict lookup of the member (hashed as its text) costs ~50 ns.
_ANCHOR_TEXT: dict[str, str] = {a: a.value for a in AnchorState}
_PROVENANCE_TEXT: dict[str, str] = {p: p.value for p in Provenance}


class RecordError(ValueError):
    """A record that is not what it should be; the message names the field and the problem."""


# -- the annotation, as exported ------------------------------------------------------------------
def to_export(a: Annotation) -> dict[str, Any]:
    """One annotation as in the json export (field order as documented)."""
    # Built by hand: dataclasses.asdict deep-copies and costs ~4x as much at 50,000 annotations.
    q = a.quote
    return export_record(
        a.id,
        a.article_id,
        a.start,
        a.end,
        q.exact,
        q.prefix,
        q.suffix,
        a.tag,
        a.note,
        a.annotator,
        a.created,
        a.updated,
        _ANCHOR_TEXT[a.anchor],
        _PROVENANCE_TEXT[a.provenance],
    )


def export_record(
    annotation_id: str,
    article_id: str,
    start: int,
    end: int,
    exact: str,
    prefix: str,
    suffix: str,
    tag: str,
    note: str,
    annotator: str,
    created: str,
    updated: str,
    anchor: str,
    provenance: str,
) -> dict[str, Any]:
    """The exported record of these fields (``StoredColumns``'s, in its order): its one
    definition."""
    return {
        "id": annotation_id,
        "article_id": article_id,
        "start": start,
        "end": end,
        "quote": {"exact": exact, "prefix": prefix, "suffix": suffix},
        "tag": tag,
        "note": note,
        "annotator": annotator,
        "created": created,
        "updated": updated,
        "anchor": anchor,
        "provenance": provenance,
    }


def from_export(item: Any) -> Annotation:
    """An exported annotation back; RecordError names the first problem. ``provenance`` may be
    missing (exports made before it existed): the tag was then set by hand."""
    if not isinstance(item, dict):
        raise RecordError("not an object")
    annotation_id = _string(item, "id", empty=False)
    article_id = _string(item, "article_id", empty=False)
    start, end = _count(item, "start"), _count(item, "end")
    if end < start:
        raise RecordError(f'"end" {end} is before "start" {start}')
    if "quote" not in item:
        raise RecordError('missing field "quote"')
    quote = item["quote"]
    if not isinstance(quote, dict):
        raise RecordError('"quote" is not an object')
    try:
        parts = [_string(quote, k) for k in ("exact", "prefix", "suffix")]
    except RecordError as exc:
        raise RecordError(f"quote: {exc}") from None
    return Annotation(
        id=annotation_id,
        article_id=article_id,
        start=start,
        end=end,
        tag=_string(item, "tag", empty=False),
        quote=Quote(*parts),
        note=_string(item, "note"),
        annotator=_string(item, "annotator"),
        created=timestamp(item, "created"),
        updated=timestamp(item, "updated"),
        anchor=_choice(item, "anchor", _ANCHORS),
        provenance=_choice(item, "provenance", _PROVENANCES, Provenance.HAND),
    )


StoredRecord = tuple[str, dict[str, Any]]
"""An annotation as the store keeps it: its id and its stored record (``to_stored``)."""

_EXPORT_GET = itemgetter(*EXPORT_FIELDS[:-1])
"""An exported record's fields but ``provenance`` (which may be missing), in their order."""


def stored_from_export(item: Any) -> StoredRecord:
    """``(a.id, to_stored(a))`` of ``a = from_export(item)``, checked exactly as ``from_export``
    checks it (RecordError naming the first problem), without building the ``Annotation``: what
    an import spools (~2 us a record, where ``from_export`` and ``to_stored`` cost ~15 us).

    Records as our exports write them are checked here with exact types; anything else (a
    problem to name, or an unusual but valid record) goes through ``from_export``."""
    done, _ = stored_from_exports((item,))
    return done[0] if done else _slow_stored(item)


def stored_from_exports(items: Sequence[Any], start: int = 0) -> tuple[list[StoredRecord], int]:
    """``stored_from_export`` of ``items[start:]`` in one loop, as far as they are records as
    our exports write them (exact types, times in their fixed-width form or seen before):
    (their stored records, the index of the first item left for ``stored_from_export`` to
    judge, or ``len(items)``). A jsonl import's lines come here a chunk at a time: the call
    per record was a tenth of the codec's cost."""
    done: list[StoredRecord] = []
    append, instants = done.append, _INSTANTS
    fields, quote_parts, anchors, provenances = _EXPORT_GET, _QUOTE_PARTS, _ANCHORS, _PROVENANCES
    get, join = dict.get, "".join
    for i in range(start, len(items)):
        item = items[i]
        try:
            # One C call for the required fields (an anchor too: a missing one is a problem);
            # a lookup costs ~450 instructions, an item of a getter's tuple a few.
            (
                annotation_id,
                article_id,
                start_at,
                end,
                quote,
                tag,
                note,
                annotator,
                created,
                updated,
                anchor,
            ) = fields(item)
            exact, prefix, suffix = quote_parts(quote)
            provenance = get(item, "provenance", "hand")
            # Text each, in one C call (which refuses anything else).
            join(
                (
                    annotation_id,
                    article_id,
                    tag,
                    note,
                    annotator,
                    created,
                    updated,
                    exact,
                    prefix,
                    suffix,
                )
            )
        except (KeyError, TypeError, AttributeError):
            return done, i
        if (
            type(quote) is not dict
            or type(start_at) is not int
            or type(end) is not int
            or not annotation_id
            or not article_id
            or not tag
            or start_at < 0
            or end < start_at
            or type(anchor) is not str
            or type(provenance) is not str
            or anchor not in anchors
            or provenance not in provenances
        ):
            return done, i
        if (created not in instants and not _is_instant(created)) or (
            updated != created and updated not in instants and not _is_instant(updated)
        ):
            return done, i
        record: dict[str, Any] = {
            "article_id": article_id,
            "start": start_at,
            "end": end,
            "tag": tag,
            "quote": {"exact": exact, "prefix": prefix, "suffix": suffix},
            "annotator": annotator,
        }
        if note:
            record["note"] = note
        record["created"] = created
        if updated != created:
            record["updated"] = updated
        if anchor != "exact":
            record["anchor"] = anchor
        if provenance != "hand":
            record["provenance"] = provenance
        append((annotation_id, record))
    return done, len(items)


_ISO = dt.datetime.fromisoformat


_INSTANTS: dict[str, None] = {}
"""Texts recently found to be timestamps ``instant`` reads: an import's records share their
times (a batch of accepted suggestions, one import's stamp), and a hit costs ~50 ns where a
parse costs ~350 ns. Only valid ones are kept, so a malformed time is always judged (and
named) by ``from_export``."""
_INSTANTS_KEPT = 4096


def _is_instant(value: str) -> bool:
    """Whether ``instant(value)`` reads ``value`` (then remembered in ``_INSTANTS``). A time as
    our exports write it (2024-05-01T09:30:00.000Z) is read by ``instant`` exactly when
    ``fromisoformat`` reads it as it is (its one "Z" the offset; any other "Z" would be in the
    date or the time, which neither reads): ~0.3 us where ``instant`` costs ~1 us."""
    try:
        if len(value) == 24 and value[10] == "T" and value[23] == "Z":
            _ISO(value)
        else:
            instant(value)
    except ValueError:
        return False
    if len(_INSTANTS) >= _INSTANTS_KEPT:
        _INSTANTS.clear()
    _INSTANTS[value] = None
    return True


def _slow_stored(item: Any) -> StoredRecord:
    a = from_export(item)
    return a.id, to_stored(a)


# -- the annotation, as stored --------------------------------------------------------------------
def to_stored(a: Annotation) -> dict[str, Any]:
    """The stored form: the export without what is implied (the id is the record's key; an
    empty note, ``updated == created``, an exact anchor and a hand-set tag are defaults)."""
    quote = a.quote
    record: dict[str, Any] = {
        "article_id": a.article_id,
        "start": a.start,
        "end": a.end,
        "tag": a.tag,
        "quote": {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix},
        "annotator": a.annotator,
    }
    if a.note:
        record["note"] = a.note
    record["created"] = a.created
    if a.updated != a.created:
        record["updated"] = a.updated
    if a.anchor is not AnchorState.EXACT:
        record["anchor"] = _ANCHOR_TEXT[a.anchor]
    if a.provenance is not Provenance.HAND:
        record["provenance"] = _PROVENANCE_TEXT[a.provenance]
    return record


def from_stored(key: str, record: Mapping[str, Any]) -> Annotation:
    """Inverse of ``to_stored`` for a record ``stored_problem`` accepts."""
    quote = record["quote"]
    created = record["created"]
    return Annotation(
        record["article_id"],
        record["start"],
        record["end"],
        record["tag"],
        Quote(quote["exact"], quote.get("prefix", ""), quote.get("suffix", "")),
        record["annotator"],
        record.get("note", ""),
        key,
        created,
        record.get("updated") or created,
        _ANCHORS[record.get("anchor", "exact")],
        _PROVENANCES[record.get("provenance", "hand")],
    )


def from_stored_all(records: Mapping[str, dict[str, Any]]) -> list[Annotation]:
    """``[from_stored(key, record) for key, record in records.items()]``, built column by
    column (``annotations.assembled``): ~2x faster, for an article opened with 50,000."""
    values = list(records.values())
    count = len(values)
    quotes = list(map(itemgetter("quote"), values))
    created = list(map(itemgetter("created"), values))
    updated = list(map(dict.get, values, repeat("updated"), created))
    if not all(updated):  # "updated": "" stands for the creation time too
        updated = [u or c for u, c in zip(updated, created, strict=True)]
    return assembled(
        Annotation,
        count,
        {
            "article_id": map(itemgetter("article_id"), values),
            "start": map(itemgetter("start"), values),
            "end": map(itemgetter("end"), values),
            "tag": map(itemgetter("tag"), values),
            "quote": assembled(
                Quote,
                count,
                {
                    "exact": map(itemgetter("exact"), quotes),
                    "prefix": map(methodcaller("get", "prefix", ""), quotes),
                    "suffix": map(methodcaller("get", "suffix", ""), quotes),
                },
            ),
            "annotator": map(itemgetter("annotator"), values),
            "note": map(methodcaller("get", "note", ""), values),
            "id": iter(records),
            "created": created,
            "updated": updated,
            "anchor": map(
                _ANCHORS.__getitem__, map(methodcaller("get", "anchor", "exact"), values)
            ),
            "provenance": map(
                _PROVENANCES.__getitem__, map(methodcaller("get", "provenance", "hand"), values)
            ),
        },
    )


class TagRow(NamedTuple):
    """What counting and agreement read of an annotation: where it is, whose, which tag,
    whether placed, when last changed, and the quoted text. Built straight from a stored
    record (``tag_rows``) for ~a fifth of the cost of an ``Annotation``; the field names are
    the annotation's, so code that reads these fields takes either (``TagSpan``)."""

    id: str
    article_id: str
    annotator: str
    start: int
    end: int
    tag: str
    anchor: str
    """An ``AnchorState`` value."""
    updated: str
    exact: str
    """The quoted text (``Annotation.quote.exact``)."""


def tag_row(a: Annotation) -> TagRow:
    anchor = _ANCHOR_TEXT[a.anchor]
    return TagRow(
        a.id, a.article_id, a.annotator, a.start, a.end, a.tag, anchor, a.updated, a.exact
    )


def tag_rows(records: Mapping[str, dict[str, Any]]) -> list[TagRow]:
    """The rows of stored records (id to record) that ``stored_problem`` accepts, built column
    by column with C-level ``map``s (39,000 records: ~25 ms, where a row per loop turn took
    ~100 ms and an ``Annotation`` each ~170 ms)."""
    values = list(records.values())
    columns = [list(map(itemgetter(f), values)) for f in _ROW_FIELDS]
    get = dict.get  # called straight, not looked up on each record as a methodcaller does
    anchors = map(get, values, repeat("anchor"), repeat("exact"))
    updated = list(map(get, values, repeat("updated"), columns[-1]))
    if not all(updated):  # "updated": "" stands for the creation time too
        updated = [u or c for u, c in zip(updated, columns[-1], strict=True)]
    exact = map(itemgetter("exact"), map(itemgetter("quote"), values))
    rows = zip(records, *columns[:-1], anchors, updated, exact, strict=True)
    return list(map(_new_row, rows))


_ROW_FIELDS = ("article_id", "annotator", "start", "end", "tag", "created")
_new_row = partial(tuple.__new__, TagRow)
"""A TagRow from a tuple of its fields, without a Python-level call."""


@dataclass(frozen=True, slots=True)
class StoredColumns:
    """Annotations (usually one article's) as the columns of their exported fields, in reading
    order (start, end, id), read straight from their stored records (``stored_columns``): the
    row-shaped exports write columns, so no record is built per annotation. Each column holds
    what ``to_export`` gives for that field (the quote's parts as three columns)."""

    id: Sequence[str]
    article_id: Sequence[str]
    start: Sequence[int]
    end: Sequence[int]
    exact: Sequence[str]
    prefix: Sequence[str]
    suffix: Sequence[str]
    tag: Sequence[str]
    note: Sequence[str]
    annotator: Sequence[str]
    created: Sequence[str]
    updated: Sequence[str]
    anchor: Sequence[str]
    """``AnchorState`` values."""
    provenance: Sequence[str]
    """``Provenance`` values."""

    def __len__(self) -> int:
        return len(self.id)

    def rows(self, start: int, stop: int) -> StoredColumns:
        """The annotations from ``start`` to ``stop`` (a slice of every column)."""
        if start <= 0 and stop >= len(self):
            return self
        return StoredColumns(*(c[start:stop] for c in self.columns()))

    def columns(self) -> tuple[Sequence[Any], ...]:
        """Every column, in the fields' order."""
        return (
            self.id,
            self.article_id,
            self.start,
            self.end,
            self.exact,
            self.prefix,
            self.suffix,
            self.tag,
            self.note,
            self.annotator,
            self.created,
            self.updated,
            self.anchor,
            self.provenance,
        )

    def export_records(self) -> list[dict[str, Any]]:
        """Each annotation as ``to_export`` gives it (the json formats' records), in order."""
        return list(starmap(export_record, zip(*self.columns(), strict=True)))


STORED_FIELDS = tuple(f.name for f in fields(StoredColumns))
"""The columns of ``StoredColumns``, in order."""


def stored_columns(records: Mapping[str, dict[str, Any]]) -> StoredColumns:
    """The columns of stored records (id to record, each one ``stored_problem`` accepts) in
    reading order, each field taken from every record at once by a C-level ``map``, the
    defaults the stored form leaves out filled in as ``from_stored`` fills them."""
    if not records:
        return StoredColumns(*([] for _ in range(14)))
    # Sorted as (start, end, id) tuples, compared in C; the records are then looked up by id
    # (carrying each record in its tuple was slower).
    values = records.values()
    ordered = sorted(zip(map(_START, values), map(_END, values), records, strict=True))
    starts, ends, ids = zip(*ordered, strict=True)
    in_order = list(map(records.__getitem__, ids))
    get = dict.get
    n = len(in_order)
    quotes = list(map(_QUOTE, in_order))
    created: list[str] = list(map(CREATED_OF, in_order))
    # The optional fields no record here carries are their defaults all the way down: only
    # the records with more than the required fields are looked at to find which occur.
    present = set(
        chain.from_iterable(
            map(dict.keys, compress(in_order, map(ne, map(len, in_order), repeat(_PLAIN_SIZE))))
        )
    )

    def optional(name: str, default: str) -> list[str]:
        if name not in present:
            return [default] * n
        return list(map(get, in_order, repeat(name), repeat(default)))

    updated = created
    if "updated" in present:
        updated = list(map(get, in_order, repeat("updated"), created))
        if not all(updated):  # "updated": "" stands for the creation time too
            updated = [u or c for u, c in zip(updated, created, strict=True)]
    return StoredColumns(
        ids,
        list(map(ARTICLE_ID_OF, in_order)),
        starts,
        ends,
        list(map(_EXACT, quotes)),
        list(map(get, quotes, repeat("prefix"), repeat(""))),
        list(map(get, quotes, repeat("suffix"), repeat(""))),
        list(map(TAG_OF, in_order)),
        optional("note", ""),
        list(map(ANNOTATOR_OF, in_order)),
        created,
        updated,
        optional("anchor", "exact"),
        optional("provenance", "hand"),
    )


KEY_OF, RECORD_OF = itemgetter(0), itemgetter(1)
"""A ``StoredRecord``'s id and its record."""
ARTICLE_ID_OF, TAG_OF, ANNOTATOR_OF, CREATED_OF = map(
    itemgetter, ("article_id", "tag", "annotator", "created")
)
"""A stored record's fields, read by C-level getters (``map(TAG_OF, records)``): defined once,
for the codec here and the import's passes (``importing``, ``import_checks``)."""
_START, _END, _QUOTE, _EXACT = map(itemgetter, ("start", "end", "quote", "exact"))


_REQUIRED = ("article_id", "start", "end", "tag", "quote", "annotator", "created")
_OPTIONAL_TEXT = ("note", "updated")
_QUOTE_TEXT = ("prefix", "suffix")
_QUOTE_PARTS = itemgetter("exact", *_QUOTE_TEXT)
_PLAIN_SIZE = len(_REQUIRED)
"""A record with just the required fields (most records: no note, no edit, exact, by hand)."""


def stored_problem(key: str, record: Any) -> str | None:
    """Why a stored annotation record is unusable, or None. Types are exact (``start`` is an
    int, not ``"12"`` or ``true``): the store writes nothing else."""
    if type(record) is not dict or not all(f in record for f in _REQUIRED):
        return "is malformed"
    quote = record["quote"]
    if (
        type(record["article_id"]) is not str
        or type(record["start"]) is not int
        or type(record["end"]) is not int
        or type(record["tag"]) is not str
        or not record["tag"]
        or type(record["annotator"]) is not str
        or type(record["created"]) is not str
        or type(quote) is not dict
        or type(quote.get("exact")) is not str
        or any(type(quote.get(f, "")) is not str for f in _QUOTE_TEXT)
        or any(type(record.get(f, "")) is not str for f in _OPTIONAL_TEXT)
        or _ANCHORS.get(str(record.get("anchor", "exact"))) is None
        or _PROVENANCES.get(str(record.get("provenance", "hand"))) is None
        or any(type(record.get(f, "")) is not str for f in ("anchor", "provenance"))
    ):
        return "is malformed"
    if "id" in record and record["id"] != key:
        return "is stored under the wrong id"
    return None


def plain_article_ids(records: dict[str, Any]) -> Sequence[str] | None:
    """Each record's article id if every record is valid, checked column by column with C-level
    ``map``s; None when some record is not (then ask ``stored_problem`` which).

    At 50,000 records this takes ~30 ms, where checking records one by one took ~500 ms: the
    required fields are read in one pass over the records (each record's fields together,
    then transposed), and the columns of one type are checked together.
    """
    values = list(records.values())
    if not values:
        return []
    try:
        article_ids, starts, ends, tags, quotes, annotators, created = zip(
            *map(_REQUIRED_FIELDS, values), strict=True
        )
        if (
            set(map(type, chain(starts, ends))) != _JUST_INT
            or set(map(type, quotes)) != _JUST_DICT
            or set(
                map(
                    type,
                    chain(
                        article_ids,
                        tags,
                        annotators,
                        created,
                        chain.from_iterable(map(_QUOTE_PARTS, quotes)),
                    ),
                )
            )
            != _JUST_STR
            or "" in tags
        ):
            return None
    except (KeyError, TypeError):
        return None  # not a dict, or a missing field
    if set(map(len, values)) != {_PLAIN_SIZE}:
        # The records with more than the required fields, picked in C.
        unusual = list(compress(records.items(), map(ne, map(len, values), repeat(_PLAIN_SIZE))))
        if not _optional_fields_ok([r for _, r in unusual]) and any(
            stored_problem(k, r) is not None for k, r in unusual
        ):
            return None
    return article_ids


_REQUIRED_FIELDS = itemgetter(*_REQUIRED)
_JUST_INT, _JUST_STR, _JUST_DICT = {int}, {str}, {dict}


_OPTIONAL = frozenset({*_REQUIRED, *_OPTIONAL_TEXT, "anchor", "provenance"})
_ANCHOR_VALUES = frozenset(_ANCHORS)
_PROVENANCE_VALUES = frozenset(_PROVENANCES)


def _optional_fields_ok(records: list[dict[str, Any]]) -> bool:
    """Whether the optional fields of records whose required ones are already checked are all
    well formed, column by column (a third of the records carry a note: checking them one by
    one was half of reading a shard). False means "ask ``stored_problem``", which also judges
    the rarer shapes (a stored ``id``, fields it does not know)."""
    get = dict.get  # called straight, not looked up on each record as a methodcaller does
    try:
        if not set(chain.from_iterable(map(dict.keys, records))) <= _OPTIONAL:
            return False
        texts = (map(get, records, repeat(f), repeat("")) for f in _OPTIONAL_TEXT)
        return (
            set(map(type, chain.from_iterable(texts))) <= _JUST_STR
            and set(map(get, records, repeat("anchor"), repeat("exact"))) <= _ANCHOR_VALUES
            and set(map(get, records, repeat("provenance"), repeat("hand"))) <= _PROVENANCE_VALUES
        )
    except TypeError:  # an unhashable anchor or provenance
        return False


# -- an article's metadata ------------------------------------------------------------------------
def article_problem(meta: Any) -> str | None:
    """Why an article metadata record (``ARTICLE_FIELDS``, missing ones null) is unusable."""
    if not isinstance(meta, dict):
        return "is not an object"
    article_id = meta.get("id")
    if not isinstance(article_id, str) or not article_id:
        return "has no article id"
    for name in ("title", "date", "path"):
        if meta.get(name) is not None and type(meta[name]) is not str:
            return f'"{name}" must be text or null'
    count = meta.get("sentence_count")
    if count is not None and (type(count) is not int or count < 0):
        return '"sentence_count" must be a non-negative integer or null'
    return None


def article_entry(meta: Mapping[str, Any]) -> dict[str, Any]:
    """A valid metadata record with every field (missing ones null); RecordError otherwise."""
    problem = article_problem(meta)
    if problem is not None:
        raise RecordError(problem)
    return {name: meta.get(name) for name in ARTICLE_FIELDS}


# -- done marks -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DoneMark:
    """An annotator says they finished (or, ``done=False``, reopened) an article; the newer
    ``updated`` wins when two copies of a mark meet (an import)."""

    article_id: str
    annotator: str
    done: bool
    updated: str

    @property
    def key(self) -> str:
        return done_key(self.article_id, self.annotator)


def done_key(article_id: str, annotator: str) -> str:
    # Article ids are hex digests and never hold a newline; annotator names may hold anything.
    return f"{article_id}\n{annotator}"


def done_to_record(mark: DoneMark) -> dict[str, Any]:
    return {
        "article_id": mark.article_id,
        "annotator": mark.annotator,
        "done": mark.done,
        "updated": mark.updated,
    }


def done_from_record(item: Any) -> DoneMark:
    if not isinstance(item, dict):
        raise RecordError("not an object")
    done = item.get("done")
    if type(done) is not bool:
        raise RecordError('"done" is not true or false')
    return DoneMark(
        _string(item, "article_id", empty=False),
        _string(item, "annotator"),
        done,
        timestamp(item, "updated"),
    )


# -- fields ---------------------------------------------------------------------------------------
def _string(item: Mapping[str, Any], key: str, empty: bool = True) -> str:
    if key not in item:
        raise RecordError(f'missing field "{key}"')
    value = item[key]
    if not isinstance(value, str):
        raise RecordError(f'"{key}" is not a string')
    if not empty and not value:
        raise RecordError(f'"{key}" is empty')
    return value


def _count(item: Mapping[str, Any], key: str) -> int:
    if key not in item:
        raise RecordError(f'missing field "{key}"')
    value = item[key]
    if type(value) is not int or value < 0:
        raise RecordError(f'"{key}" is not a non-negative integer')
    return value


def _choice(item: Mapping[str, Any], key: str, values: dict[str, E], default: E | None = None) -> E:
    if key not in item and default is not None:
        return default
    value = _string(item, key)
    if value not in values:
        raise RecordError(f"unknown {key} {value[:40]!r} (expected {', '.join(values)})")
    return values[value]


def instant(value: str) -> dt.datetime:
    """An ISO 8601 timestamp as an aware datetime (naive ones are UTC); ValueError if not one."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def timestamp(item: Mapping[str, Any], key: str) -> str:
    value = _string(item, key)
    try:
        instant(value)
    except ValueError:
        raise RecordError(f'"{key}" is not an ISO 8601 timestamp: {value[:40]!r}') from None
    return value


def newer(a: str, b: str) -> bool:
    """Whether timestamp ``a`` is later than ``b`` (text order if either is not a timestamp)."""
    try:
        return instant(a) > instant(b)
    except ValueError:
        return a > b

"""Annotations out of the store: json, jsonl, csv, W3C Web Annotation, a markdown report, spaCy
spans and parquet; and ``--by-sentence`` tables with one row per sentence, tagged or not.

Every format is a pure function of the selection (annotations, their articles' metadata and,
where a format needs it, the articles' text), so the ``tuireader export`` command and the
in-app export (``x``) produce the same bytes. Every format streams: the output is produced
article by article as chunks and written atomically as it comes, so an export of 500,000
annotations never exists whole in memory and a failed export never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import errno
import importlib.resources
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field, replace
from itertools import chain, compress, islice, repeat
from operator import attrgetter, eq, ge, itemgetter, lt, not_, sub
from pathlib import Path
from typing import Any, Protocol, TypeVar

import orjson

from tuireader import __version__, sanitise
from tuireader.adjudication import Decision, decisions_of, state_key
from tuireader.agreement import NO_TAG, sentence_values
from tuireader.annotations import ARTICLE_FIELDS, Annotation, TagSpan, now_iso
from tuireader.articles import ARTICLE_ID, Article, load_unchanged
from tuireader.boundaries import Boundary
from tuireader.correction_records import to_export as correction_record
from tuireader.decoding import clean
from tuireader.durable import collector_paused, write_atomic
from tuireader.errors import TuireaderError, os_problem
from tuireader.natural_order import natural_key
from tuireader.plural import counted
from tuireader.records import (
    STORED_FIELDS,
    DoneMark,
    StoredColumns,
    TagRow,
    done_to_record,
    stored_columns,
    to_export,
    to_stored,
)
from tuireader.tags import DEFAULT_TAGS, TAG_SET_STATE, TagSet, tags_from_record
from tuireader.wire import shown_date

FORMAT_NAME = "tuireader-annotations"
FORMAT_VERSION = 2
"""2 added the sentence corrections (``corrections[]``, jsonl correction lines) and ``scope``;
an import reads versions 1 and 2, and a tuireader that reads only 1 refuses a 2 in one line
instead of dropping the corrections unseen."""

FORMATS: dict[str, str] = {
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "w3c": ".jsonld",
    "markdown": ".md",
    "spacy-jsonl": ".spacy.jsonl",
    "parquet": ".parquet",
}
"""Export formats and the file suffix each is saved with."""

SENTENCE_FORMATS = ("jsonl", "csv", "parquet")
"""The formats of ``--by-sentence`` (a table per sentence)."""

TEXT_FORMATS = frozenset({"spacy-jsonl"})
"""Formats that carry the article text, so they need each article's file at hand."""

BINARY_FORMATS = frozenset({"parquet"})
"""Formats that are not text (never written to a terminal)."""

PARQUET_HINT = "parquet needs pyarrow: pip install 'tuireader[parquet]'"

ROW_COLUMNS: tuple[tuple[str, type], ...] = (
    ("id", str),
    ("article_id", str),
    ("article_title", str),
    ("article_date", str),
    ("article_path", str),
    ("article_source", str),
    ("sentence_first", int),
    ("sentence_last", int),
    ("start", int),
    ("end", int),
    ("tag", str),
    ("tag_label", str),
    ("quote", str),
    ("quote_prefix", str),
    ("quote_suffix", str),
    ("note", str),
    ("annotator", str),
    ("created", str),
    ("updated", str),
    ("anchor", str),
    ("provenance", str),
)
"""One annotation as a flat row (csv and parquet), in column order, with each column's type."""

CSV_COLUMNS = tuple(name for name, _ in ROW_COLUMNS)

ROW_ARTICLE_FIELDS = ("article_title", "article_date", "article_path", "article_source")
"""What a jsonl line adds to the annotation record, beside the sentence range."""

SENTENCE_COLUMNS: tuple[tuple[str, type], ...] = (
    ("article_id", str),
    ("article_title", str),
    ("article_path", str),
    ("sentence", int),
    ("paragraph", int),
    ("start", int),
    ("end", int),
    ("text", str),
)
"""The fixed columns of a ``--by-sentence`` row; one ``tag:NAME`` column per annotator follows."""

TAG_COLUMN_PREFIX = "tag:"

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection); a leading
# apostrophe makes them show it as text. Tab and CR are in OWASP's list too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_START = frozenset("=+-@\t\r'")

_CHUNK_BYTES = 1 << 16
_PARQUET_BATCH = 8192
_JSON_BATCH = 512


class ExportError(TuireaderError):
    """An export that cannot be produced or written (bad format, unwritable path)."""


TextLoader = Callable[[Mapping[str, Any]], "Article | None"]
"""An article's current text from its metadata, or None when it is not at hand."""
Warn = Callable[[str], None]
Label = Callable[[str], str]
"""A tag id's label in the codebook."""


S = TypeVar("S", bound=Sized)


def no_text(meta: Mapping[str, Any]) -> Article | None:
    return None


def article_at_hand(meta: Mapping[str, Any]) -> Article | None:
    """The article from the file its metadata names, if that file still holds the same text."""
    return load_unchanged(meta.get("path"), str(meta["id"]))


def _ignore(message: str) -> None:
    pass


class Tally:
    """What an export held, counted as it streams out (an export never holds it all at once):
    the articles and annotations written and the tags used."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.articles = 0
        self.annotations = 0
        self.tags: set[str] = set()
        self.listed: set[str] = set()
        """Ids of the articles written."""


Fetch = Callable[[str], Sequence[Annotation]]
"""An article's annotations (already filtered), read when the export reaches it."""
FetchColumns = Callable[[str], StoredColumns]
"""The same, as columns read straight from the stored records (``records.stored_columns``)."""
FetchRows = Callable[[str], Sequence[TagSpan]]
"""The same, as light rows (``records.TagRow``): what the formats built on sentences read."""
Decisions = Callable[[str], Sequence[Decision]]


Corrections = Callable[[str], Sequence[Boundary]]


def no_decisions(article_id: str) -> Sequence[Decision]:
    return ()


def no_corrections(article_id: str) -> Sequence[Boundary]:
    return ()


@dataclass(frozen=True)
class ExportData:
    """The selection to export: the articles in library order and each one's annotations in
    reading order, plus how to find an article's text (for sentence numbers, ``--by-sentence``
    and spaCy spans).

    The annotations are either held (``groups``, for a selection made in memory) or read one
    article at a time from the store as the export reaches it (``fetch``): an export of 500,000
    annotations then holds one article's at a time.
    """

    articles: Sequence[Mapping[str, Any]]
    """One entry per article that may be exported, each with exactly ``ARTICLE_FIELDS``. An
    article whose annotations all fall outside the filters is left out (unless ``asked``)."""
    groups: Mapping[str, Sequence[Annotation]] = field(default_factory=dict)
    """Annotations per article id, in reading order; an article without any may be absent."""
    text: TextLoader = no_text
    tags: TagSet = DEFAULT_TAGS
    """The tag set in use (labels, guidelines and order in reports); tags it lacks keep their
    ids."""
    done: Sequence[DoneMark] = ()
    """Done marks of the articles (the json format carries those of the articles written)."""
    fetch: Fetch | None = None
    """When set, an article's annotations are read through it (``groups`` is not used)."""
    fetch_columns: FetchColumns | None = None
    """When set with ``fetch``, the formats that write the annotations' fields (json, jsonl,
    csv, parquet, w3c, markdown) read an article's annotations through it, as columns, the
    same ones in the same order: no ``Annotation`` or record is built per annotation (a third
    of a 500,000-annotation export)."""
    fetch_rows: FetchRows | None = None
    """When set with ``fetch``, the formats that place annotations on sentences (spaCy,
    ``--by-sentence``) read an article's annotations through it, as light rows, the same ones
    in the same order: no ``Annotation`` is built for them either."""
    asked: frozenset[str] = frozenset()
    """Articles asked for by id: listed even when none of their annotations is exported."""
    annotator_names: tuple[str, ...] | None = None
    """The annotators of a fetched selection (``--by-sentence`` columns are known up front)."""
    decisions: Decisions = no_decisions
    """The adjudicators' "no tag" and "unresolved" decisions on an article (json, jsonl)."""
    corrections: Corrections = no_corrections
    """The sentence corrections (splits, joins) of an article that travel with the exported
    layers (json, jsonl; ``correction_records``)."""
    scope: Mapping[str, Any] | None = None
    """What the export holds in full (json's ``scope``: annotators, articles and tags, None for
    all), so that an import can tell what the target holds that the file lacks."""
    tally: Tally = field(default_factory=Tally, compare=False)
    """Filled in as the export is rendered (``render_chunks`` starts it afresh)."""
    _labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def annotations_of(self, article_id: str) -> Sequence[Annotation]:
        if self.fetch is not None:
            return self.fetch(article_id)
        return self.groups.get(article_id, ())

    def columns_of(self, article_id: str) -> StoredColumns:
        """The article's annotations as columns (``records.StoredColumns``), in reading
        order."""
        if self.fetch_columns is not None:
            return self.fetch_columns(article_id)
        return stored_columns({a.id: to_stored(a) for a in self.annotations_of(article_id)})

    def rows_of(self, article_id: str) -> Sequence[TagSpan]:
        """The article's annotations as light rows (or annotations), in reading order."""
        if self.fetch_rows is not None:
            return self.fetch_rows(article_id)
        return self.annotations_of(article_id)

    def each_row(self) -> Iterator[tuple[Mapping[str, Any], Sequence[TagSpan]]]:
        """``each`` with the annotations as light rows (``rows_of``)."""
        return self._each(self.rows_of, _row_tags)

    def each(self) -> Iterator[tuple[Mapping[str, Any], Sequence[Annotation]]]:
        """Each exported article with its annotations, one at a time, counted in ``tally``."""
        return self._each(self.annotations_of, _row_tags)

    def each_columns(self) -> Iterator[tuple[Mapping[str, Any], StoredColumns]]:
        """``each`` with the annotations as columns (``columns_of``)."""
        return self._each(self.columns_of, attrgetter("tag"))

    def _each(
        self, read: Callable[[str], S], tags: Callable[[S], Iterable[str]]
    ) -> Iterator[tuple[Mapping[str, Any], S]]:
        self.tally.reset()
        for meta in self.articles:
            article_id = str(meta["id"])
            annotations = read(article_id)
            count = len(annotations)
            if not count and article_id not in self.asked:
                continue
            self.tally.articles += 1
            self.tally.annotations += count
            self.tally.tags.update(tags(annotations))
            self.tally.listed.add(article_id)
            yield meta, annotations

    @property
    def annotations(self) -> tuple[Annotation, ...]:
        """All of them, in export order (reads a fetched selection whole: for tests and small
        selections)."""
        return tuple(a for m in self.articles for a in self.annotations_of(str(m["id"])))

    def count(self) -> int:
        return sum(len(self.annotations_of(str(m["id"]))) for m in self.articles)

    def annotators(self) -> list[str]:
        """Every annotator of the selection, sorted."""
        if self.annotator_names is not None:
            names: set[str] = set(self.annotator_names)
        else:
            names = {a.annotator for m in self.articles for a in self.annotations_of(str(m["id"]))}
        return sorted(names, key=lambda n: (n.casefold(), n))

    def with_text(self, loader: TextLoader) -> ExportData:
        return replace(self, text=loader)

    def listed_done(self) -> list[DoneMark]:
        """The done marks of the articles written so far (all of them, once rendered)."""
        return [m for m in self.done if m.article_id in self.tally.listed]

    def label(self, tag_id: str) -> str:
        """The tag's label in the codebook (one the codebook lacks is named as the reader names
        it)."""
        found = self._labels.get(tag_id)
        if found is None:
            found = self._labels[tag_id] = self.tags.with_seen(seen=[tag_id]).label(tag_id)
        return found

    def used_tags(self) -> list[dict[str, Any]]:
        """The codebook entry of every tag written so far: id, label and guideline."""
        tags = self.tags.with_seen(seen=sorted(self.tally.tags))
        return [
            {"id": t.id, "label": t.label, "description": t.description or None}
            for t in tags
            if t.id in self.tally.tags
        ]


def _row_tags(rows: Sequence[TagSpan]) -> Iterable[str]:
    return map(_TAG_OF, rows)


_TAG_OF, _ANNOTATOR_OF = attrgetter("tag"), attrgetter("annotator")


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
    by_title = sorted(entries, key=lambda e: (natural_key(e["title"] or ""), e["id"]))
    dated = sorted((e for e in by_title if e["date"]), key=lambda e: e["date"], reverse=True)
    return dated + [e for e in by_title if not e["date"]]


def _reading_order(a: Annotation) -> tuple[int, int, str]:
    return (a.start, a.end, a.id)


_row_order = attrgetter("start", "end", "id")
"""``_reading_order`` of a light row."""


def select(
    annotations: Iterable[Annotation],
    articles: Iterable[Mapping[str, Any]],
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    text: TextLoader = no_text,
) -> ExportData:
    """Filter by article and tag and put everything in a stable order.

    The articles listed are those of the exported annotations plus any asked for by id (so an
    export of one untagged article still names it).
    """
    wanted_articles = set(article_ids) if article_ids is not None else None
    wanted_tags = set(tags) if tags is not None else None
    groups: dict[str, list[Annotation]] = {}
    for a in annotations:
        if (wanted_articles is None or a.article_id in wanted_articles) and (
            wanted_tags is None or a.tag in wanted_tags
        ):
            groups.setdefault(a.article_id, []).append(a)
    for group in groups.values():
        group.sort(key=_reading_order)
    listed = set(groups) | (wanted_articles or set())
    entries = _entries(articles, listed)
    return ExportData(tuple(entries), groups, text, asked=frozenset(wanted_articles or ()))


def _entries(articles: Iterable[Mapping[str, Any]], ids: Iterable[str]) -> list[dict[str, Any]]:
    known = {str(m["id"]): m for m in articles}
    return _sort_articles(
        _article_entry(known[aid]) if aid in known else _unknown_article(aid) for aid in ids
    )


class StoreSource(Protocol):
    """What a streamed export reads of a store: the annotated articles, then one article's
    annotations at a time."""

    def annotations(
        self,
        article_id: str | None = None,
        annotator: str | None = None,
        *,
        include_orphans: bool = False,
    ) -> list[Annotation]: ...

    def articles_meta(self) -> list[dict[str, Any]]: ...

    def stored_records(self, article_id: str) -> dict[str, dict[str, Any]]: ...

    def tag_rows(self, article_id: str) -> list[TagRow]: ...

    def annotated_article_ids(self) -> list[str]: ...

    def annotators(self) -> list[str]: ...

    def done_marks(self) -> list[DoneMark]: ...

    def get_state(self, key: str, default: Any = None) -> Any: ...

    def state_keys(self, prefix: str) -> list[str]: ...

    def corrections_by_article(self) -> dict[str, list[Boundary]]: ...


def stream(
    source: StoreSource,
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    text: TextLoader = no_text,
    layers: Iterable[str] | None = None,
) -> ExportData:
    """The selection from a store, read article by article as the export is written: only the
    list of articles is read now, never every annotation at once. ``layers`` keeps only those
    annotators' annotations, done marks and decisions (None: everyone's)."""
    asked = list(dict.fromkeys(article_ids)) if article_ids is not None else None
    wanted_tags = frozenset(tags) if tags is not None else None
    names = frozenset(layers) if layers is not None else None
    every_mark = source.done_marks()
    marks = [m for m in every_mark if names is None or m.annotator in names]
    decided = decided_articles(source)
    tagging = source.annotators()
    everyone = sorted({*tagging, *(m.annotator for m in every_mark), *decided})
    annotators = tuple(n for n in tagging if names is None or n in names)
    adjudicators = tuple(everyone if names is None else sorted(names))
    corrected = _layer_corrections(source, names)
    ids = asked if asked is not None else source.annotated_article_ids()
    if asked is None and wanted_tags is None:
        # An article whose only change is a split or a join travels too.
        listed = set(ids)
        ids = [*ids, *(aid for aid in corrected if aid not in listed)]
        asked = [aid for aid in corrected if aid not in listed] or None
    if wanted_tags is None:
        # An exported layer's done marks and adjudication decisions travel with it even on an
        # article where it holds no tag (an adjudicator whose decisions were all "no tag").
        if asked is not None and article_ids is not None:
            known = ids
        else:
            known = _known_ids(source, every_mark, decided.values())
        listed = set(ids)
        carried = _carried_without_tags(source, known, marks, adjudicators, decided)
        if carried:
            asked = [*(asked or ()), *carried]
            ids = [*ids, *(aid for aid in carried if aid not in listed)]

    filtered = names is not None or wanted_tags is not None

    def kept(annotator: str, tag: str) -> bool:
        return (names is None or annotator in names) and (wanted_tags is None or tag in wanted_tags)

    def fetch(article_id: str) -> list[Annotation]:
        # Orphans are exported too: they are kept so that nothing is lost, and a re-import must
        # carry them over.
        found = [
            a
            for a in source.annotations(article_id, include_orphans=True)
            if kept(a.annotator, a.tag)
        ]
        found.sort(key=_reading_order)
        return found

    def fetch_rows(article_id: str) -> list[TagRow]:
        found = source.tag_rows(article_id)
        if filtered:
            found = [r for r in found if kept(r.annotator, r.tag)]
        found.sort(key=_row_order)
        return found

    def fetch_columns(article_id: str) -> StoredColumns:
        found = source.stored_records(article_id)
        if filtered:
            found = {k: r for k, r in found.items() if kept(r["annotator"], r["tag"])}
        return stored_columns(found)

    def decisions(article_id: str) -> Sequence[Decision]:
        if wanted_tags is not None:  # a tag filter asks for tags, and these are not tags
            return ()
        return decisions_of(source, adjudicators, article_id)

    def corrections(article_id: str) -> Sequence[Boundary]:
        # Kept with a tag filter: they say what the sentences the tags sit on are.
        return corrected.get(article_id, ())

    scope = {
        "annotators": None if names is None else sorted(names),
        "articles": None if article_ids is None else sorted(set(article_ids)),
        "tags": None if wanted_tags is None else sorted(wanted_tags),
    }

    return ExportData(
        tuple(_entries(source.articles_meta(), ids)),
        text=text,
        done=tuple(marks),
        fetch=fetch,
        fetch_columns=fetch_columns,
        fetch_rows=fetch_rows,
        asked=frozenset(asked or ()),
        annotator_names=annotators,
        decisions=decisions,
        corrections=corrections,
        scope=scope,
    )


_DECISIONS_PREFIX = state_key("", "")[:-1]
"""What every adjudicator's state key starts with (``adjudication:``)."""


def decided_articles(source: StoreSource) -> dict[str, list[str]]:
    """Per adjudicator, the articles where the state holds their "no tag" or "unresolved"
    decisions (``adjudication.state_key``), from the state's keys alone: an adjudicator with
    decisions only (no tag, no done mark) is in neither the index nor the done marks. Keys of
    another shape are skipped; whether an entry holds a well-formed decision is for
    ``decisions_of`` to say."""
    found: dict[str, list[str]] = {}
    for key in source.state_keys(_DECISIONS_PREFIX):
        # An article id is 16 hex digits: the last ':' ends the adjudicator's name, which may
        # hold one itself.
        name, _, article_id = key[len(_DECISIONS_PREFIX) :].rpartition(":")
        if name and ARTICLE_ID.fullmatch(article_id) and state_key(name, article_id) == key:
            found.setdefault(name, []).append(article_id)
    return found


def _carried_without_tags(
    source: StoreSource,
    ids: Sequence[str],
    marks: Sequence[DoneMark],
    adjudicators: Sequence[str],
    decided: Mapping[str, Sequence[str]],
) -> list[str]:
    """The articles of ``ids`` where the exported layers hold a done mark or a decision (only
    those with a decision's state key are read)."""
    marked = {m.article_id for m in marks}
    keyed = {aid for name in adjudicators for aid in decided.get(name, ())}
    return [
        aid
        for aid in ids
        if aid in marked or (aid in keyed and decisions_of(source, adjudicators, aid))
    ]


def _known_ids(
    source: StoreSource, marks: Sequence[DoneMark], decided: Iterable[Sequence[str]]
) -> list[str]:
    """Every article the store knows of: by its metadata, a done mark or a decision (a jsonl
    file of decisions and done marks only brings no article metadata)."""
    known = [str(m["id"]) for m in source.articles_meta() if "id" in m]
    return list(
        dict.fromkeys([*known, *(m.article_id for m in marks), *chain.from_iterable(decided)])
    )


def _layer_corrections(
    source: StoreSource, names: frozenset[str] | None
) -> dict[str, list[Boundary]]:
    """Every article's corrections made by the exported annotators (None: everyone), in text
    order, orphans too (kept like orphaned annotations)."""
    found: dict[str, list[Boundary]] = {}
    for article_id, boundaries in source.corrections_by_article().items():
        kept = [b for b in boundaries if names is None or b.annotator in names]
        if kept:
            found[article_id] = sorted(kept, key=lambda b: (b.start, b.end, b.id))
    return found


def codebook(active: TagSet, source: StoreSource) -> TagSet:
    """The tag set in use plus the tags the database recorded (labels and guidelines), without
    reading every annotation (``tags.database_tags`` does, to find tags recorded nowhere: the
    export names those as it meets them)."""
    return active.with_seen(tags_from_record(source.get_state(TAG_SET_STATE, None)))


def held(data: ExportData) -> ExportData:
    """A streamed selection read whole now (the reader takes it from the store on its own
    thread, then writes it in another)."""
    if data.fetch is None:
        return data
    groups = {str(m["id"]): list(data.fetch(str(m["id"]))) for m in data.articles}
    decided = {aid: tuple(data.decisions(aid)) for aid in groups}
    corrected = {aid: tuple(data.corrections(aid)) for aid in groups}
    listed = [m for m in data.articles if groups[str(m["id"])] or str(m["id"]) in data.asked]
    return replace(
        data,
        articles=tuple(listed),
        groups=groups,
        fetch=None,
        fetch_columns=None,
        fetch_rows=None,
        annotator_names=None,
        decisions=lambda aid: decided.get(aid, ()),
        corrections=lambda aid: corrected.get(aid, ()),
    )


def collect(
    source: StoreSource,
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    text: TextLoader = no_text,
) -> ExportData:
    """The selection from a store, read whole now (see ``stream`` for the streamed form)."""
    return held(stream(source, article_ids, tags, text))


def _dumps(doc: Any, indent: bool = True) -> str:
    option = orjson.OPT_INDENT_2 if indent else 0
    try:
        return orjson.dumps(doc, option=option).decode()
    except TypeError as exc:  # e.g. a lone surrogate, which UTF-8 cannot hold
        raise ExportError(f"cannot encode the export: {exc}") from None


def _json_array(items: Iterable[Any], depth: int) -> Iterator[str]:
    """A JSON array laid out as orjson's 2-space indent lays it out, a batch of items at a time
    (one orjson call per batch: per item, the calls cost half of a 50,000-annotation export)."""
    pad = "  " * depth
    first = True
    found = iter(items)
    # Batches cut in C (a Python append and length test per item was a tenth of a w3c export).
    while batch := list(islice(found, _JSON_BATCH)):
        yield _json_items(batch, pad, first)
        first = False
    yield "[]" if first else "\n" + pad + "]"


def _json_items(batch: list[Any], pad: str, first: bool) -> str:
    # orjson lays a list out as "[\n  item,\n  item\n]". Nested in as many lists as the
    # depth, the items come out indented to it: keep them, without the lists around them.
    depth = len(pad) // 2
    nested: Any = batch
    for _ in range(depth):
        nested = [nested]
    # Level k of the lists opens with "[" on a line of its own, indented 2k: 2k + 2 characters.
    cut = (depth + 1) * (depth + 2)
    return ("[\n" if first else ",\n") + _dumps(nested)[cut:-cut]


def json_chunks(data: ExportData, exported_at: str | None = None) -> Iterator[str]:
    """The json document. The annotations stream out first, article by article; the articles
    they belong to, the done marks, the adjudication decisions and the codebook of the tags
    used follow (a JSON object's keys have no order, and these are only known once written)."""
    head = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": exported_at or now_iso(),
        "tool_version": __version__,
    }
    if data.scope is not None:
        head["scope"] = dict(data.scope)
    articles: list[dict[str, Any]] = []
    decided: list[dict[str, Any]] = []
    corrected: list[dict[str, Any]] = []

    def records() -> Iterator[dict[str, Any]]:
        # Dicts dumped by orjson: for these flat records that is faster than ``_Template``
        # (whose text is made a column at a time in Python).
        for meta, found in data.each_columns():
            articles.append(dict(meta))
            decided.extend(d.to_record() for d in data.decisions(str(meta["id"])))
            corrected.extend(map(correction_record, data.corrections(str(meta["id"]))))
            yield from found.export_records()

    yield _dumps(head)[:-2] + ',\n  "annotations": '
    yield from _json_array(records(), 1)
    yield ',\n  "articles": '
    yield from _json_array(articles, 1)
    done = data.listed_done()
    if done:
        yield ',\n  "done": '
        yield from _json_array((done_to_record(m) for m in done), 1)
    if decided:
        yield ',\n  "decisions": '
        yield from _json_array(decided, 1)
    if corrected:
        yield ',\n  "corrections": '
        yield from _json_array(corrected, 1)
    yield ',\n  "tags": '
    yield from _json_array(data.used_tags(), 1)
    yield "\n}\n"


@dataclass(frozen=True, slots=True)
class _Placed:
    """One article of a row-shaped export: its metadata, its text when at hand (for sentence
    numbers), its annotations in reading order and what every row repeats about it. Rows are
    built per article, not per annotation: an object per row was a tenth of a 500,000-row
    export."""

    meta: Mapping[str, Any]
    article: Article | None
    records: StoredColumns
    """The article's annotations, in reading order."""
    columns: Mapping[str, Any]
    """``ROW_ARTICLE_FIELDS`` with this article's values."""

    def sentence_columns(self) -> tuple[Sequence[int | None], Sequence[int | None]]:
        """Each annotation's first sentence, and its last, as two columns: what
        ``sentences.sentence_range`` gives, None without the text or for an orphan. Bisected in
        C over the article's sentence bounds, a column at a time (a call per row was a sixth of
        a csv export)."""
        records = self.records
        article = self.article
        if article is None:
            return [None] * len(records), [None] * len(records)
        sentences = article.sentences
        # A start past the last sentence reads as "no sentence" (the bisection's ``count``).
        starts = [s.start for s in sentences] + [_PAST_ANY]
        ends = [s.end for s in sentences]
        begin, finish, anchor_column = records.start, records.end, records.anchor
        firsts = list(map(bisect_right, repeat(ends), begin))
        lasts = list(map(bisect_left, repeat(starts), finish))
        first_starts = list(map(starts.__getitem__, firsts))
        anchors = set(anchor_column)
        # The common case, in C: a non-empty span overlaps a sentence unless the first sentence
        # ending after its start begins at or after its end (and when it overlaps one, the
        # bisection for its end is past that first sentence).
        if (
            "orphaned" not in anchors
            and all(map(lt, begin, finish))
            and not any(map(ge, first_starts, finish))
        ):
            return firsts, list(map(sub, lasts, repeat(1)))
        # No sentence: past the end, orphaned (its offsets point into text that has gone), or
        # an empty span between two sentences. ``sentences.sentence_range`` bisects for the
        # last sentence from the first on: the larger of the two bisections.
        gone = [s >= e and s > b for s, b, e in zip(first_starts, begin, finish, strict=True)]
        if "orphaned" in anchors:
            gone = [g or a == "orphaned" for g, a in zip(gone, anchor_column, strict=True)]
        return (
            [None if g else f for g, f in zip(gone, firsts, strict=True)],
            [None if g else max(f, n) - 1 for g, f, n in zip(gone, firsts, lasts, strict=True)],
        )

    def row_columns(self, tags: Label = DEFAULT_TAGS.label) -> list[Sequence[Any]]:
        """The article's annotations as the columns of ``ROW_COLUMNS``, in their order (csv
        and parquet go column by column)."""
        r = self.records
        n = len(r)
        columns = self.columns
        labels = {t: tags(t) for t in set(r.tag)}
        firsts, lasts = self.sentence_columns()
        return [
            r.id,
            r.article_id,
            [columns["article_title"]] * n,
            [columns["article_date"]] * n,
            [columns["article_path"]] * n,
            [columns["article_source"]] * n,
            firsts,
            lasts,
            r.start,
            r.end,
            r.tag,
            list(map(labels.__getitem__, r.tag)),
            r.exact,
            r.prefix,
            r.suffix,
            r.note,
            r.annotator,
            r.created,
            r.updated,
            r.anchor,
            r.provenance,
        ]


_PAST_ANY = float("inf")


def _placed(data: ExportData, warn: Warn, empty: bool = False) -> Iterator[_Placed]:
    """The exported articles with annotations (``empty``: every exported article)."""
    for meta, anns in data.each_columns():
        if not anns and not empty:
            continue
        article = data.text(meta)
        if article is None and data.text is not no_text:
            warn(f"{_article_name(meta)}: {_not_at_hand(meta)}; its sentence numbers are empty")
        yield _Placed(meta, article, anns, _row_article(meta, article))


def _article_name(meta: Mapping[str, Any]) -> str:
    title = meta.get("title")
    return f"article {meta['id']}" + (f" ({sanitise.line(title)})" if title else "")


def _not_at_hand(meta: Mapping[str, Any]) -> str:
    path = meta.get("path")
    if not path:
        return "its file is not known to this database"
    if not Path(path).is_file():
        return f"its file {sanitise.path(path)} is gone"
    return f"its file {sanitise.path(path)} has changed"


def _row_article(meta: Mapping[str, Any], article: Article | None) -> dict[str, Any]:
    source = meta.get("source") or (article.source if article is not None else None)
    return {
        "article_title": meta.get("title"),
        "article_date": meta.get("date"),
        "article_path": meta.get("path"),
        "article_source": source,
    }


def _jsonl_line(
    record: Mapping[str, Any],
    label: str,
    article: Mapping[str, Any],
    first: int | None,
    last: int | None,
) -> dict[str, Any]:
    """The one definition of a jsonl line (``_JSONL`` takes the export's text from it)."""
    return {**record, "tag_label": label, **article, "sentence_first": first, "sentence_last": last}


def _jsonl_document(fields: Mapping[str, Any]) -> Any:
    (record,) = StoredColumns(*([fields[name]] for name in STORED_FIELDS)).export_records()
    article = {name: fields[name] for name in ROW_ARTICLE_FIELDS}
    return _jsonl_line(
        record, fields["tag_label"], article, fields["sentence_first"], fields["sentence_last"]
    )


_JSONL_RAW = ("start", "end", *ROW_ARTICLE_FIELDS, "sentence_first", "sentence_last")
_JSONL_FIELDS = (
    *STORED_FIELDS,
    "tag_label",
    *ROW_ARTICLE_FIELDS,
    "sentence_first",
    "sentence_last",
)


def _jsonl_text(p: _Placed, template: _Template, tags: Label) -> str:
    """The article's jsonl lines, made column by column (``_Template``)."""
    r = p.records
    n = len(r)
    labels = {t: tags(t) for t in set(r.tag)}
    firsts, lasts = p.sentence_columns()
    values = _stored_texts(r)
    values["tag_label"] = _slot_texts(list(map(labels.__getitem__, r.tag)))
    for name in ROW_ARTICLE_FIELDS:
        values[name] = [_dumps(p.columns[name], indent=False)] * n
    values["sentence_first"] = _slot_texts(firsts, raw=True)
    values["sentence_last"] = _slot_texts(lasts, raw=True)
    return template.joined(values, n, "\n") + "\n"


def jsonl_chunks(data: ExportData, warn: Warn = _ignore) -> Iterator[str]:
    """An annotation per line; each article's adjudication decisions follow its annotations,
    one per line (``$defs/jsonl_decision``: they have ``decision`` and no ``id``), then its
    sentence corrections (``kind``, no ``tag``) and its done marks (``done``, no ``tag``). An
    article with none of its annotations in the file has an article line before those
    (``$defs/jsonl_article``: ``article_title`` and no ``tag``)."""
    return (chunk.decode() for chunk in _jsonl_bytes(data, warn))


def _jsonl_bytes(data: ExportData, warn: Warn = _ignore) -> Iterator[bytes]:
    """``jsonl_chunks`` as UTF-8, one chunk per article: its lines encoded by orjson and joined
    as bytes (never decoded to be encoded again)."""
    template = _Template(_jsonl_document, _JSONL_FIELDS, _JSONL_RAW)
    for p in _placed(data, warn, empty=True):
        if not p.records:
            pass  # an article listed for its decisions, corrections or done marks alone
        elif len(p.records) <= _CSV_BLOCK_ROWS:
            yield _utf8(_jsonl_text(p, template, data.label))
        else:
            for at in range(0, len(p.records), _CSV_BLOCK_ROWS):
                part = replace(p, records=p.records.rows(at, at + _CSV_BLOCK_ROWS))
                yield _utf8(_jsonl_text(part, template, data.label))
        article_id = str(p.meta["id"])
        lines = list(_decision_lines(data, p))
        lines += [
            _dumps(correction_record(b), indent=False) + "\n" for b in data.corrections(article_id)
        ]
        lines += [
            _dumps(done_to_record(mark), indent=False) + "\n"
            for mark in data.done
            if mark.article_id == article_id
        ]
        if lines and not p.records:
            # Listed for its decisions, corrections or done marks alone: no annotation line
            # names the article, so this line does (an import records it, and a later export
            # of that database finds the article again).
            lines.insert(0, _dumps(_jsonl_article(p), indent=False) + "\n")
        if lines:
            yield _utf8("".join(lines))


def _jsonl_article(p: _Placed) -> dict[str, Any]:
    """The jsonl line that names an article without annotations in the file
    (``$defs/jsonl_article``): its id and the article fields of an annotation line."""
    return {"article_id": str(p.meta["id"]), **p.columns}


def _decision_lines(data: ExportData, p: _Placed) -> Iterator[str]:
    for d in data.decisions(str(p.meta["id"])):
        record = d.to_record()
        sentences = p.article.sentences if p.article is not None else ()
        record["sentence"] = next(
            (s.index for s in sentences if s.start == d.start and s.end == d.end), None
        )
        yield _dumps(record, indent=False) + "\n"


def csv_cell(value: str | None) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: a leading apostrophe before
    a formula character (and before apostrophes that precede one, so ``csv_value`` can undo it
    exactly)."""
    text = value or ""
    if not text or text[0] not in _GUARDED_START:  # nearly every cell: one look
        return text
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


def csv_value(cell: str) -> str:
    """The text ``csv_cell`` was given."""
    return (
        cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_START) else cell
    )


def csv_line(cells: Iterable[str]) -> str:
    """One RFC 4180 record with every cell quoted, ``"`` doubled and CRLF: commas, quotes and
    line breaks in a note stay in one cell. (What ``csv.writer`` with QUOTE_ALL writes, built
    directly: 4x faster, a third of a 50,000-row export.)"""
    cells = list(cells)
    if '"' in "".join(cells):
        cells = [c.replace('"', '""') for c in cells]
    return '"' + '","'.join(cells) + '"\r\n'


_CSV_BLOCK_ROWS = 4096
"""Rows rendered at a time: an article of 50,000 annotations streams out in pieces too."""


def _csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The csv text of ``rows`` (each the values of ``columns``, in their order)."""
    # BOM: without it Excel reads UTF-8 as the local code page.
    yield "\ufeff" + csv_line(columns)
    yield from map(_csv_block, _column_blocks(rows, _CSV_BLOCK_ROWS))


def _column_blocks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    """Rows ``size`` at a time, each block transposed in C into its columns."""
    block: list[Sequence[Any]] = []
    for row in rows:
        block.append(row)
        if len(block) == size:
            yield list(zip(*block, strict=True))
            block = []
    if block:
        yield list(zip(*block, strict=True))


def _csv_block(columns: Sequence[Sequence[Any]]) -> str:
    """The csv lines of rows given column by column: each column's cells made at once, the
    lines joined in C (a Python expression per cell was a third of a csv export)."""
    cells = [_csv_column(values) for values in columns]
    if not cells or not cells[0]:
        return ""
    return '"' + '"\r\n"'.join(map('","'.join, zip(*cells, strict=True))) + '"\r\n'


_first_character = itemgetter(slice(0, 1))


def _csv_column(values: Sequence[Any]) -> Sequence[str]:
    """One column's cells, as ``csv_line`` quotes them: None empty, an int in digits, text
    guarded against formulas (``csv_cell``) and its ``"`` doubled. The common cases are
    checked a column at a time in C: text with no ``"`` and no formula start is its own cell."""
    if values and values[0] == values[-1] and values.count(values[0]) == len(values):
        # The same value all the way down (an article's title, path and dates, an anchor
        # state): one cell, made once.
        return [_csv_text(values[0])] * len(values)
    try:
        joined = "".join(values)
    except TypeError:  # not all text: numbers, or None for a missing value
        if set(map(type, values)) == {int}:
            return list(map(str, values))
        return [_csv_text(v) for v in values]
    if '"' not in joined and _GUARDED_START.isdisjoint(map(_first_character, values)):
        return values
    return [_csv_text(v) for v in values]


def _csv_text(value: Any) -> str:
    """The cell of one value: ``csv_line``'s quoting of ``_csv_chunks``'s text for it."""
    text = "" if value is None else str(value) if type(value) is int else csv_cell(value)
    return text.replace('"', '""')


def csv_chunks(data: ExportData, warn: Warn = _ignore) -> Iterator[str]:
    yield "\ufeff" + csv_line(CSV_COLUMNS)
    for p in _placed(data, warn):
        columns = p.row_columns(data.label)
        if len(p.records) <= _CSV_BLOCK_ROWS:
            yield _csv_block(columns)
            continue
        for at in range(0, len(p.records), _CSV_BLOCK_ROWS):
            yield _csv_block([c[at : at + _CSV_BLOCK_ROWS] for c in columns])


def to_json(data: ExportData, exported_at: str | None = None) -> str:
    return "".join(json_chunks(data, exported_at))


def to_jsonl(data: ExportData, exported_at: str | None = None) -> str:
    return "".join(jsonl_chunks(data))


def to_csv(data: ExportData, exported_at: str | None = None) -> str:
    return "".join(csv_chunks(data))


def schema_text(tag_ids: Sequence[str] | None = None) -> str:
    """The JSON Schema of the json format (shipped in the package as ``export_schema.json``,
    where a tag is any tag id); with ``tag_ids``, ``tag`` lists exactly those (the tag set in
    use and any other the database holds)."""
    text = importlib.resources.files("tuireader").joinpath("export_schema.json").read_text("utf-8")
    if tag_ids is None:
        return text
    ids = ", ".join(f'"{t}"' for t in tag_ids)  # tag ids are [a-z0-9_]: nothing to escape
    listed = (
        f'"tag": {{"enum": [{ids}], '
        '"description": "A tag id of the tag set in use (tuireader tags lists them)."}'
    )
    generic = re.compile(r'"tag": \{"type": "string", "minLength": 1, "description": "[^"]*"\}')
    if len(generic.findall(text)) != 1:
        raise ExportError("internal error: the schema's tag definition has moved")
    return generic.sub(lambda _: listed, text)


def article_iri(article_id: str) -> str:
    return f"urn:tuireader:article:{article_id}"


def w3c_annotation(a: Annotation | Mapping[str, Any]) -> dict[str, Any]:
    """One annotation (or its exported record) in the W3C Web Annotation Data Model (the tag
    id as its tagging body: the model has no place for a label, and one it does not define is
    dropped by JSON-LD)."""
    r = to_export(a) if isinstance(a, Annotation) else a
    q = r["quote"]
    return _w3c_item(
        r["id"],
        r["annotator"],
        r["created"],
        r["updated"],
        r["tag"],
        r["note"],
        r["article_id"],
        q["exact"],
        q["prefix"],
        q["suffix"],
        r["start"],
        r["end"],
    )


def _w3c_item(
    annotation_id: str,
    annotator: str,
    created: str,
    updated: str,
    tag: str,
    note: str,
    article_id: str,
    exact: str,
    prefix: str,
    suffix: str,
    start: int | str,
    end: int | str,
) -> dict[str, Any]:
    """The one definition of a W3C item (``_W3cLayout`` takes the export's text from it)."""
    body = [{"type": "TextualBody", "purpose": "tagging", "value": tag}]
    if note:
        body.append(
            {"type": "TextualBody", "purpose": "commenting", "value": note, "format": "text/plain"}
        )
    return {
        "id": "urn:uuid:" + annotation_id,
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "name": annotator},
        "created": created,
        "modified": updated,
        "body": body,
        "target": {
            "source": article_iri(article_id),
            "selector": [
                {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
                # Offsets count Unicode code points, as the model requires and Python str
                # indexes do.
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }


_W3C_SLOTS = (
    "id",
    "annotator",
    "created",
    "updated",
    "tag",
    "note",
    "article_id",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
)
"""``_w3c_item``'s fields, in its parameters' order (``StoredColumns`` attribute names)."""


class _Template:
    """The text of a JSON document built by ``build`` from named fields, made for many
    documents at once, column by column: each document is the template's literal pieces with
    its fields' JSON text between them (a dict per document, dumped, was most of a w3c and a
    jsonl export). The template is cut from ``build``'s document dumped with a marker in every
    field (a number for a ``raw`` field, text for the others), so the layout is orjson's by
    construction, and no data is ever in the template; a test compares the text with the
    dumped documents."""

    def __init__(
        self,
        build: Callable[[Mapping[str, Any]], Any],
        names: Sequence[str],
        raw: Iterable[str] = (),
        depth: int | None = None,
    ) -> None:
        """``raw``: fields whose value is given as its whole JSON text (numbers, null, or a
        quoted text); the others are text, given escaped (``_json_texts``) without quotes.
        ``depth``: the document is an item of a list nested that deep in the indented layout
        (``_json_array``); None for one compact line."""
        raw = frozenset(raw)
        fields = {n: 9_876_543_210 + i if n in raw else f"@@{n}@@" for i, n in enumerate(names)}
        doc = build(fields)
        text = (
            _dumps(doc, indent=False)
            if depth is None
            else _json_items([doc], "  " * depth, True)[2:]
        )
        markers = {str(v): n for n, v in fields.items()}
        parts = re.split("(" + "|".join(map(re.escape, markers)) + ")", text)
        self.parts: list[str | tuple[str]] = [(markers[p],) if p in markers else p for p in parts]
        """Literal text, and a 1-tuple naming the field in its place."""

    def fill(self, values: Mapping[str, Sequence[str]], n: int) -> list[str]:
        """``n`` documents from the JSON text of each field's values (``_slot_texts``)."""
        return list(map("".join, zip(*self._pieces(values, n), strict=False)))

    def joined(self, values: Mapping[str, Sequence[str]], n: int, separator: str) -> str:
        """``separator.join(self.fill(values, n))``, made by one join of every piece (no
        string per document)."""
        pieces = self._pieces(values, n)
        pieces.append(repeat(separator, n))
        return "".join(chain.from_iterable(zip(*pieces, strict=False)))[: -len(separator) or None]

    def _pieces(self, values: Mapping[str, Sequence[str]], n: int) -> list[Iterable[str]]:
        # ``repeat``s end with the columns, each n long.
        return [repeat(p, n) if isinstance(p, str) else values[p[0]] for p in self.parts]


def _slot_texts(column: Sequence[Any], raw: bool = False) -> list[str]:
    """A column's JSON texts for ``_Template.fill``: text escaped without its quotes, or, when
    ``raw``, each value's whole JSON text (a number, null, quoted text)."""
    n = len(column)
    if not n:
        return []
    first = column[0]
    if column.count(first) == n:
        # One value all the way down (an article's id and title, often the annotator, dates
        # and anchor state): made once.
        return [_dumps(first, indent=False) if raw else _json_text(first)] * n
    if not raw:
        return _json_texts(column)
    if set(map(type, column)) == _JUST_INT:
        return list(map(str, column))
    return ["null" if v is None else _dumps(v, indent=False) for v in column]


_JUST_INT = {int}


def _json_text(value: str) -> str:
    """``value`` as in a JSON string, without its quotes (orjson's escaping)."""
    return _dumps(value, indent=False)[1:-1]


def _json_texts(values: Sequence[str]) -> list[str]:
    """``_json_text`` of each value, from one orjson call: the values joined by a character
    JSON leaves as it is (escapes are ASCII, and a character's escape does not depend on its
    neighbours), then cut there. When a value holds that character, one call per value."""
    whole = "".join(values)
    if '"' not in whole and "\\" not in whole:
        if whole.isprintable():
            # Nothing to escape (JSON escapes only these two and the control characters,
            # which are not printable): each value is its own JSON text.
            return list(values)
        if whole.replace("\n", "").replace("\t", "").isprintable():
            # Only newlines and tabs (a quote of two paragraphs): escaped in C, the values
            # joined by a NUL, which none of them holds.
            escaped = "\x00".join(values).replace("\n", "\\n").replace("\t", "\\t")
            return escaped.split("\x00")
    joined = _TEXT_SEPARATOR.join(values)
    if joined.count(_TEXT_SEPARATOR) != len(values) - 1:
        return list(map(_json_text, values))
    return _json_text(joined).split(_TEXT_SEPARATOR)


_TEXT_SEPARATOR = "\ue000"
"""A private-use character: never escaped by JSON, and in no text we expect."""


def _w3c_document(fields: Mapping[str, Any]) -> Any:
    return _w3c_item(*(fields[name] for name in _W3C_SLOTS))


class _W3cLayout:
    """W3C items, as ``w3c_chunks`` lays them out, from an article's columns."""

    def __init__(self, depth: int) -> None:
        def plain(fields: Mapping[str, Any]) -> Any:
            return _w3c_document({**fields, "note": ""})

        self.plain = _Template(plain, _W3C_SLOTS, ("start", "end"), depth)
        self.noted = _Template(_w3c_document, _W3C_SLOTS, ("start", "end"), depth)

    def texts(self, columns: StoredColumns) -> list[str]:
        """Each annotation's item, in order."""
        n = len(columns)
        values = _stored_texts(columns)
        noted = list(compress(range(n), columns.note))
        if not noted:
            return self.plain.fill(values, n)
        plain = list(compress(range(n), map(not_, columns.note)))
        texts = [""] * n
        for rows, template in ((plain, self.plain), (noted, self.noted)):
            if rows:
                picked = {k: list(map(v.__getitem__, rows)) for k, v in values.items()}
                for i, text in zip(rows, template.fill(picked, len(rows)), strict=True):
                    texts[i] = text
        return texts


def w3c_chunks(data: ExportData, exported_at: str | None = None) -> Iterator[str]:
    head = {
        "@context": W3C_CONTEXT,
        "type": "AnnotationCollection",
        "label": "tuireader annotations",
        "generated": exported_at or now_iso(),
        "generator": {"type": "Software", "name": f"tuireader {__version__}"},
    }
    yield _dumps(head)[:-2] + ',\n  "first": {\n    "type": "AnnotationPage",\n'
    yield '    "startIndex": 0,\n    "items": '
    layout = _W3cLayout(2)
    yield from _items_array((c for _, c in data.each_columns()), layout.texts, 2)
    # The count is known once the items are written (the keys of an object have no order).
    yield f'\n  }},\n  "total": {data.tally.annotations}\n}}\n'


def _items_array(
    articles: Iterable[StoredColumns], texts: Callable[[StoredColumns], list[str]], depth: int
) -> Iterator[str]:
    """A JSON array of the annotations of each article, laid out as ``_json_array`` lays it
    out, from each article's items' text (``texts``), made a block of rows at a time."""
    first = True
    for columns in articles:
        for at in range(0, len(columns), _ITEM_BLOCK_ROWS):
            items = texts(columns.rows(at, at + _ITEM_BLOCK_ROWS))
            if items:
                yield ("[\n" if first else ",\n") + ",\n".join(items)
                first = False
    yield "[]" if first else "\n" + "  " * depth + "]"


_ITEM_BLOCK_ROWS = 4096
"""Items rendered at a time: an article of 50,000 annotations streams out in pieces too."""


def _stored_texts(columns: StoredColumns) -> dict[str, list[str]]:
    """The JSON text of each of the columns' values (``_Template.fill``)."""
    return {
        name: _slot_texts(getattr(columns, name), name in ("start", "end"))
        for name in STORED_FIELDS
    }


def to_w3c(data: ExportData, exported_at: str | None = None) -> str:
    return "".join(w3c_chunks(data, exported_at))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_MD_LINE_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])", re.MULTILINE)


def md_text(text: str) -> str:
    """Untrusted text as literal markdown: no emphasis, links, HTML or headings sneak in, and no
    control characters (a report is read in a terminal as often as in an editor)."""
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", clean(text)))


_MD_SEPARATOR = "\n\x00\n"
"""Between texts escaped together: ``clean`` leaves no NUL in a text, and each text still
starts a line."""


def md_texts(texts: Sequence[str]) -> list[str]:
    """``md_text`` of each text, escaped in one pass over them all."""
    if not texts:
        return []
    whole = "".join(texts)
    # ``clean`` changes no printable character and keeps newlines and tabs: texts that hold
    # nothing else (quotes of two paragraphs) are their own clean text.
    kept = whole.isprintable() or whole.replace("\n", "").replace("\t", "").isprintable()
    cleaned = texts if kept else list(map(clean, texts))
    joined = _MD_SEPARATOR.join(cleaned)
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", joined)).split(_MD_SEPARATOR)


def md_code(text: str) -> str:
    """A code span (paths read better unescaped); its fence outruns any backticks inside."""
    text = clean(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace(chr(10), ' ')}{pad}{fence}"


def markdown_chunks(data: ExportData, exported_at: str | None = None) -> Iterator[str]:
    stamp = exported_at or now_iso()
    yield f"# tuireader annotations\n\nExported {stamp}.\n"
    names: dict[str, str] = {}
    """Annotator names as markdown (a few names on every noted annotation)."""
    for meta, anns in data.each_columns():
        out = ["", f"## {md_text(meta['title'] or 'Untitled article')}", ""]
        facts = [f"id {md_code(meta['id'])}"]
        if meta["date"]:
            facts.insert(0, md_text(shown_date(meta["date"]) or meta["date"]))
        if meta["path"]:
            facts.append(md_code(meta["path"]))
        if meta["sentence_count"] is not None:
            facts.append(counted(meta["sentence_count"], "sentence"))
        facts.append(counted(len(anns), "annotation"))
        out += [" · ".join(facts), ""]
        # Every quote and note of the article escaped at once (a call per text was half of
        # a markdown export).
        quotes = md_texts(list(map(str.strip, anns.exact)))
        notes = md_texts(list(map(str.strip, anns.note)))
        groups: dict[str, list[int]] = {}
        for i, tag in enumerate(anns.tag):
            groups.setdefault(tag, []).append(i)
        items = _markdown_items(quotes, notes, anns, names)
        for tag in sorted(groups, key=data.tags.order):
            out += [f"### {md_text(data.tags.label(tag))} ({len(groups[tag])})", ""]
            out += map(items.__getitem__, groups[tag])
        yield "\n".join(out).rstrip("\n") + "\n"
    yield _markdown_end(data)


def _markdown_end(data: ExportData) -> str:
    """The totals, and the codebook of the tags used (their guidelines, where it has them)."""
    t = data.tally
    out = ["", f"{counted(t.annotations, 'annotation')} in {counted(t.articles, 'article')}."]
    used = data.used_tags()
    if used:
        out += ["", "## Tags", ""]
        for tag in used:
            line = f"- **{md_text(tag['label'])}** ({md_code(tag['id'])})"
            if tag["description"]:
                line += f": {md_text(tag['description'])}"
            out.append(line)
    return "\n".join(out) + "\n"


def to_markdown(data: ExportData, exported_at: str | None = None) -> str:
    return "".join(markdown_chunks(data, exported_at))


def _markdown_items(
    quotes: list[str], notes: list[str], anns: StoredColumns, names: dict[str, str]
) -> list[str]:
    """Each annotation's lines (``_markdown_item``) as one text. Most are a one-line quote
    with no note, placed: made in C, the others one by one."""
    items = list(map(_QUOTE_LINE.format, quotes))
    plain = "\n" not in "".join(quotes) and "" not in quotes and not any(notes)
    if plain and "orphaned" not in anns.anchor:
        return items
    for i, (quote, note, annotator, anchor) in enumerate(
        zip(quotes, notes, anns.annotator, anns.anchor, strict=True)
    ):
        if note or anchor == "orphaned" or not quote or "\n" in quote:
            items[i] = "\n".join(_markdown_item(quote, note, annotator, anchor, names))
    return items


_QUOTE_LINE = "> {}\n"
"""``_markdown_item`` of a one-line quote with no note, placed, as one text."""


def _markdown_item(
    quote: str, note: str, annotator: str, anchor: str, names: dict[str, str]
) -> list[str]:
    """One annotation's lines: its quote and note already as markdown (``md_text``)."""
    if "\n" not in quote:  # nearly every quote: one line
        lines = ["> " + quote if quote else ">"]
    else:
        lines = ["> " + line if line else ">" for line in quote.splitlines()] or [">"]
    if note:
        who = names.get(annotator)
        if who is None:
            who = names[annotator] = md_text(annotator)
        first, *more = note.splitlines() or [""]
        lines += ["", f"Note ({who}): {first}", *more]
    if anchor == "orphaned":
        lines.append("")
        lines.append("*Orphaned: this quote is no longer found in the article's current text.*")
    lines.append("")
    return lines


def _with_text(
    data: ExportData, warn: Warn, what: str
) -> Iterator[tuple[Mapping[str, Any], Article, Sequence[TagSpan]]]:
    """Each article with its current text and annotations (light rows); one left out (with a
    warning) when its text is not at hand."""
    for meta, anns in data.each_row():
        article = data.text(meta)
        if article is None:
            warn(f"{_article_name(meta)}: {_not_at_hand(meta)}; left out of the {what}")
            continue
        yield meta, article, anns


def spacy_record(
    meta: Mapping[str, Any],
    article: Article,
    anns: Iterable[TagSpan],
    tags: Label = DEFAULT_TAGS.label,
) -> dict[str, Any]:
    """One article as spaCy and Prodigy read it: the text and labelled character spans."""
    spans = [
        {"start": a.start, "end": a.end, "label": a.tag, "annotator": a.annotator, "id": a.id}
        for a in anns
        # An orphan's offsets no longer point into this text.
        if a.anchor != "orphaned" and a.end <= len(article.body)
    ]
    labels = {a.tag: tags(a.tag) for a in anns}
    return {
        "text": article.body,
        "spans": spans,
        "meta": {
            "labels": dict(sorted(labels.items())),
            "article_id": str(meta["id"]),
            "title": meta.get("title") or article.title,
            "date": meta.get("date") or article.date,
            "path": meta.get("path"),
            "source": article.source,
        },
    }


def spacy_chunks(data: ExportData, warn: Warn = _ignore) -> Iterator[str]:
    for meta, article, anns in _with_text(data, warn, "spaCy export"):
        yield _dumps(spacy_record(meta, article, anns, data.label), indent=False) + "\n"


def sentence_rows(
    data: ExportData, warn: Warn = _ignore
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The ``--by-sentence`` table: its columns, and one row per sentence of every article in
    the selection, tagged or not, with each annotator's tag (None where they left it untagged).
    """
    annotators = data.annotators()
    tag_columns = [TAG_COLUMN_PREFIX + n for n in annotators]
    columns = [name for name, _ in SENTENCE_COLUMNS] + tag_columns

    def rows() -> Iterator[dict[str, Any]]:
        for meta, article, anns in _with_text(data, warn, "sentence table"):
            sentences = article.sentences
            # Each annotator's layer picked in C (a loop turn per annotation was a tenth).
            who = list(map(_ANNOTATOR_OF, anns))
            layers = {n: list(compress(anns, map(eq, who, repeat(n)))) for n in annotators}
            # The same value per sentence as agreement and the compare view give (one rule for
            # overlaps), with None for "no tag".
            values = [
                [None if v == NO_TAG else v for v in sentence_values(sentences, layers[n])]
                for n in annotators
            ]
            article_id = str(meta["id"])
            title = meta.get("title") or article.title
            path = meta.get("path")
            for s, *tags in zip(sentences, *values, strict=True):
                row = {
                    "article_id": article_id,
                    "article_title": title,
                    "article_path": path,
                    "sentence": s.index,
                    "paragraph": s.paragraph,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                }
                row.update(zip(tag_columns, tags, strict=True))
                yield row

    return columns, rows()


def _sentence_jsonl(data: ExportData, warn: Warn) -> Iterator[str]:
    _, rows = sentence_rows(data, warn)
    lines: list[str] = []
    for row in rows:
        lines.append(_dumps(row, indent=False))
        if len(lines) == 1024:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def _sentence_csv(data: ExportData, warn: Warn) -> Iterator[str]:
    columns, rows = sentence_rows(data, warn)
    return _csv_chunks(columns, map(itemgetter(*columns), rows))


class _Drain:
    """A write-only file for pyarrow that hands back what was written since the last drain, so
    a parquet file streams out in row groups instead of being built whole in memory."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts = []
        return out


PARQUET_TAGS_KEY = "tuireader.tags"
"""The parquet file's metadata entry holding the codebook of the tags used (JSON)."""


def _parquet(
    columns: Sequence[tuple[str, type]],
    blocks: Iterable[Sequence[Sequence[Any]]],
    data: ExportData,
) -> Iterator[bytes]:
    """The parquet file of rows given in blocks of columns (each block the values of
    ``columns``, in their order, column by column), in row groups of ``_PARQUET_BATCH``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError(PARQUET_HINT) from None
    schema = pa.schema(
        [(name, pa.int64() if kind is int else pa.string()) for name, kind in columns]
    )
    names = [name for name, _ in columns]
    sink = _Drain()

    def arrays(block: Sequence[Sequence[Any]]) -> list[Any]:
        # Column by column (from_pylist of a dict per row took three quarters of a parquet
        # export); a column of one value (an article's id, title and path, often its anchor
        # state and provenance) is that value repeated in C, not converted a row at a time.
        return [
            pa.repeat(pa.scalar(values[0], type=kind), len(values))
            if values and values[0] == values[-1] and values.count(values[0]) == len(values)
            else pa.array(values, type=kind)
            for values, kind in zip(block, schema.types, strict=True)
        ]

    def record_batch(columns: list[Any]) -> Any:
        return pa.RecordBatch.from_arrays(columns, schema=schema)

    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        # Each block's arrays are kept until a row group's worth is pending: row groups of
        # exactly ``_PARQUET_BATCH`` rows whatever the blocks' sizes.
        pending: list[list[Any]] = [[] for _ in names]
        rows = 0
        for block in blocks:
            if not block or not len(block[0]):
                continue
            for column, array in zip(pending, arrays(block), strict=True):
                column.append(array)
            rows += len(block[0])
            while rows >= _PARQUET_BATCH:
                whole = [pa.concat_arrays(column) for column in pending]
                writer.write_batch(record_batch([c.slice(0, _PARQUET_BATCH) for c in whole]))
                pending = [[c.slice(_PARQUET_BATCH)] for c in whole]
                rows -= _PARQUET_BATCH
                yield sink.drain()
        if not names or rows:
            writer.write_batch(record_batch([pa.concat_arrays(column) for column in pending]))
        # The footer is written last, so it can name the tags the rows used.
        writer.add_key_value_metadata({PARQUET_TAGS_KEY: _dumps(data.used_tags(), indent=False)})
    yield sink.drain()


def _parquet_rows(data: ExportData, warn: Warn) -> Iterator[bytes]:
    blocks = (p.row_columns(data.label) for p in _placed(data, warn))
    return _parquet(ROW_COLUMNS, blocks, data)


def _parquet_sentences(data: ExportData, warn: Warn) -> Iterator[bytes]:
    names, rows = sentence_rows(data, warn)
    kinds = dict(SENTENCE_COLUMNS)
    blocks = _column_blocks(map(itemgetter(*names), rows), _PARQUET_BATCH)
    return _parquet([(n, kinds.get(n, str)) for n in names], blocks, data)


@dataclass(frozen=True)
class _Job:
    data: ExportData
    exported_at: str | None
    warn: Warn


_TEXT_RENDERERS: dict[tuple[str, bool], Callable[[_Job], Iterator[str]]] = {
    ("json", False): lambda j: json_chunks(j.data, j.exported_at),
    ("csv", False): lambda j: csv_chunks(j.data, j.warn),
    ("w3c", False): lambda j: w3c_chunks(j.data, j.exported_at),
    ("markdown", False): lambda j: markdown_chunks(j.data, j.exported_at),
    ("spacy-jsonl", False): lambda j: spacy_chunks(j.data, j.warn),
    ("jsonl", True): lambda j: _sentence_jsonl(j.data, j.warn),
    ("csv", True): lambda j: _sentence_csv(j.data, j.warn),
}
# Formats rendered straight to bytes (parquet, and jsonl: orjson writes UTF-8).
_BINARY_RENDERERS: dict[tuple[str, bool], Callable[[_Job], Iterator[bytes]]] = {
    ("jsonl", False): lambda j: _jsonl_bytes(j.data, j.warn),
    ("parquet", False): lambda j: _parquet_rows(j.data, j.warn),
    ("parquet", True): lambda j: _parquet_sentences(j.data, j.warn),
}


def check_format(fmt: str, by_sentence: bool = False) -> None:
    """Raise ExportError for a format that does not exist (or has no ``--by-sentence`` form)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if by_sentence and fmt not in SENTENCE_FORMATS:
        raise ExportError(
            f"--by-sentence writes {', '.join(SENTENCE_FORMATS)}, not {fmt} "
            "(a table has one row per sentence)"
        )


def _encoded(chunks: Iterable[str]) -> Iterator[bytes]:
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= _CHUNK_BYTES:
            yield _utf8("".join(pending))
            pending, size = [], 0
    if pending:
        yield _utf8("".join(pending))


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate from a damaged import
        raise ExportError(
            f"cannot encode the export: {exc.reason} at {exc.object[exc.start : exc.end]!r}"
        ) from None


def render_chunks(
    data: ExportData,
    fmt: str,
    exported_at: str | None = None,
    *,
    by_sentence: bool = False,
    warn: Warn = _ignore,
) -> Iterator[bytes]:
    """The export as UTF-8 (or parquet) chunks, produced as they are consumed."""
    check_format(fmt, by_sentence)
    job = _Job(data, exported_at, warn)
    key = (fmt, by_sentence)
    with collector_paused():
        if key in _BINARY_RENDERERS:
            yield from _BINARY_RENDERERS[key](job)
        else:
            yield from _encoded(_TEXT_RENDERERS[key](job))


def render(
    data: ExportData,
    fmt: str,
    exported_at: str | None = None,
    *,
    by_sentence: bool = False,
    warn: Warn = _ignore,
) -> str:
    """The whole export as text (not for parquet: see ``render_chunks``)."""
    if fmt in BINARY_FORMATS:
        raise ExportError(f"{fmt} is not text; write it to a file")
    return b"".join(
        render_chunks(data, fmt, exported_at, by_sentence=by_sentence, warn=warn)
    ).decode()


def export_annotations(
    source: StoreSource | ExportData,
    fmt: str = "json",
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    exported_at: str | None = None,
) -> str:
    """The export as text. ``source`` is a store or a ready ``ExportData``; ``article_ids`` and
    ``tags`` narrow it (``None`` means all)."""
    return render(selection(source, article_ids, tags), fmt, exported_at)


def selection(
    source: StoreSource | ExportData,
    article_ids: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    text: TextLoader | None = None,
) -> ExportData:
    """What to export from a store or a ready ``ExportData``, narrowed by article and tag."""
    if isinstance(source, ExportData):
        data = source
        if article_ids is not None or tags is not None:
            data = select(data.annotations, data.articles, article_ids, tags, data.text)
    else:
        data = collect(source, article_ids, tags)
    return data if text is None else data.with_text(text)


def extent(data: ExportData, by_sentence: bool = False) -> str:
    """How much an export held, once written, for a message: "1 article", "4 annotations"
    (counted as it streamed: a second read of the store would double the cost)."""
    t = data.tally
    n, noun = (t.articles, "article") if by_sentence else (t.annotations, "annotation")
    return counted(n, noun)


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


def write_export(data: str | bytes | Iterable[bytes], path: str | os.PathLike[str]) -> Path:
    """Write the export (text, bytes or chunks as ``render_chunks`` gives them) to ``path``
    atomically: temp file beside it, fsync, ``os.replace``.

    On any failure (including an ExportError while rendering) the previous file (if any) is
    left as it was and no temp file remains; the error is an ``ExportError`` naming the path
    and the problem. Only a regular file is ever replaced.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if target.is_dir():
            raise OSError(errno.EISDIR, "is a folder")
        # A FIFO or device (``-o /dev/null``, a pipe) is streamed into, never replaced.
        write_atomic(target, payload, stream_special=True)
    except OSError as exc:
        raise ExportError(
            f"{target}: cannot write the export: {_problem(exc, target.parent)}"
        ) from None
    return target


def _problem(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.ENOENT and not folder.is_dir():
        return f"no such folder {folder}"
    return os_problem(exc, "a file")

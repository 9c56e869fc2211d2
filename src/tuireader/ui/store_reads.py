"""What the reader reads from the store besides opening an article (``ui/opening.py``): the list's
counts and done marks, and what another window wrote. Read in the reader thread
(``ui/store_reader.py``), on its own handle of the files. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuireader.annotations import Annotation

if TYPE_CHECKING:
    from tuireader.boundaries import Boundary
    from tuireader.store import Store, StoreError
    from tuireader.store.catching_up import Position


STATE_COUNTS = "sentence_counts"
"""Before per-article counts (``counts_key``): one record holding every article's counts,
written whole whenever one changed. Read while an article has no record of its own, and
removed at the first save."""
COUNTS_PREFIX = "counts:"
"""Tagged sentences per tag of an article, with a fingerprint of the annotations they count, so
the list shows sentence counts at startup without segmenting every tagged article: one state
record per article (``counts:<article id>``), so a change costs one small record."""


def counts_key(article_id: str) -> str:
    return COUNTS_PREFIX + article_id


@dataclass(frozen=True)
class CountReads:
    """What the list's counts of some articles are made from: my layer of each and its saved
    counts (None where nothing is tagged: no counts needed)."""

    layers: dict[str, tuple[list[Annotation], object]]
    """By article id: my placed annotations, and the saved counts record (or None)."""
    corrected: dict[str, int] = field(default_factory=dict)
    """By article id, for articles with sentence corrections: their sentence count as the reader
    shows it (what an untagged article's row counts over; the library's count is the
    segmenter's)."""
    unreadable: dict[str, StoreError] = field(default_factory=dict)
    """By article id, of those read: why its annotations cannot be read (a shard file missing
    or damaged), where the layer read is empty only because of it."""


def read_counts(
    store: Store,
    article_ids: Iterable[str],
    *,
    keep: bool = True,
    known: Mapping[str, list[Annotation]] | None = None,
) -> CountReads:
    """My layer and saved counts of each article (any thread). ``keep`` False: an article not
    loaded already is read without being kept (``placed_mine``). ``known``: my layer of some of
    them, as just read (not read again)."""
    saved = store.get_state(STATE_COUNTS, {})
    saved = saved if isinstance(saved, dict) else {}  # the old record, until the next save
    layers: dict[str, tuple[list[Annotation], object]] = {}
    article_ids = list(article_ids)
    for article_id in article_ids:
        if known is not None and article_id in known:
            mine = known[article_id]
        else:
            mine = store.mine(article_id) if keep else placed_mine(store, article_id)
        record = (
            (store.get_state(counts_key(article_id), None) or saved.get(article_id))
            if mine
            else None
        )
        layers[article_id] = (mine, record)
    unreadable = {a: e for a in article_ids if (e := store.unreadable(a)) is not None}
    return CountReads(layers, corrected_counts(store, article_ids), unreadable)


def corrected_counts(store: Store, article_ids: Iterable[str]) -> dict[str, int]:
    """The recorded sentence count of each of the articles that has sentence corrections."""
    with_corrections = store.corrections_by_article()
    found: dict[str, int] = {}
    for article_id in article_ids:
        if article_id in with_corrections:
            count = (store.article_meta(article_id) or {}).get("sentence_count")
            if isinstance(count, int):
                found[article_id] = count
    return found


def placed_mine(store: Store, article_id: str) -> list[Annotation]:
    """My placed annotations on the article, in ``Store.mine``'s order, read without keeping
    the article loaded when it was not: a read made once (the list's counts at startup) on the
    reader's handle, whose store would otherwise hold a second copy of what the writer's store
    holds for the open article (War and Peace tagged twice: ~90 MB)."""
    me = store.annotator
    return [a for a in store.annotations(article_id) if a.annotator == me]


@dataclass(frozen=True)
class DoneReads:
    """The done marks (article id, annotator) in force, and everyone who annotates here."""

    marks: list[tuple[str, str]]
    annotators: list[str]


def read_done(store: Store) -> DoneReads:
    marks = [(m.article_id, m.annotator) for m in store.done_marks() if m.done]
    return DoneReads(marks, store.annotators())


@dataclass(frozen=True)
class Listing:
    """The list's counts and done marks, read at startup or after the annotator changed."""

    counts: CountReads
    done: DoneReads
    position: Position | None = None
    """How far the journal was read (``Store.journal_position``): a look reads again the counts
    of the articles changed since (``read_reloaded``'s ``listing_since``); None: not known, a
    look reads them all."""


def read_listing(
    store: Store,
    article_ids: Iterable[str],
    *,
    keep: bool = True,
    known: Mapping[str, list[Annotation]] | None = None,
) -> Listing:
    return Listing(
        read_counts(store, article_ids, keep=keep, known=known),
        read_done(store),
        store.journal_position(),
    )


@dataclass(frozen=True)
class Reloaded:
    """The store as read after it reloaded what another window wrote (or as the annotator
    changed): the open article's layers, the list's counts and done marks."""

    generation: int
    """The store's reload count these were read at: applied only if newer than the shown."""
    annotator: str
    article_id: str | None
    mine: list[Annotation]
    """My placed annotations on the open article (empty if none is open, or not read)."""
    layers: list[Annotation]
    """Every annotator's placed annotations on it (empty if not read)."""
    listing: Listing
    """The counts of the articles that changed since the look before (all of them after a
    whole reload, or on the first look), and every done mark."""
    verdicts: object = None
    """My adjudication state record of the open article (when adjudicating)."""
    corrections: tuple[Boundary, ...] = ()
    """The open article's sentence corrections as stored (a change means another window split
    or merged: the writer's store corrects the article's sentences when it catches up)."""
    article_read: bool = True
    """False when the open article did not change since the screen last had it whole
    (``read_reloaded``'s ``article_since``): ``mine`` and ``layers`` were not read, and what is
    shown stays."""
    position: Position | None = None
    """How far the journal was read (``Store.journal_position``): what the next look reads
    changes since; None: not known, the next look reads the open article again."""


def read_reloaded(
    store: Store,
    article_id: str | None,
    article_ids: Iterable[str],
    *,
    refresh: bool = False,
    seen: int | None = None,
    listing_since: Position | None = None,
    article_since: Position | None = None,
    verdicts_key: str | None = None,
) -> Reloaded | None:
    """In the reader thread, on its handle: catch up with what was written (mine too) if
    ``refresh`` (one ``stat`` when nothing was), then, unless the store's generation is still
    ``seen``, read what the reader shows of it. Only what changed is read again
    (``Store.changed_since``): the counts of the articles changed since ``listing_since`` (how
    far the journal was read when the counts shown were), and the open article's layers only
    if it changed since ``article_since`` (how far the store it was shown from had read it);
    None: read them all. A book's layers are the largest read here: read again on every look,
    they were also held twice (here and in the writer's store) while it was open."""
    if refresh:
        store.refresh()
    generation = store.generation
    if seen is not None and generation == seen:
        return None
    article_ids = list(article_ids)
    if listing_since is not None:
        changed = store.changed_since(listing_since)
        if changed is not None:
            article_ids = [a for a in article_ids if a in changed]
    read = article_id is not None
    if read and article_since is not None:
        changed = store.changed_since(article_since)
        read = changed is None or article_id in changed
    mine = store.mine(article_id) if read and article_id is not None else []
    layers = store.annotations(article_id) if read and article_id is not None else []
    verdicts = store.get_state(verdicts_key, {}) if verdicts_key is not None else None
    # The open article's count: from my layer as just read, or unchanged (not read at all).
    known = {article_id: mine} if read and article_id is not None else None
    if article_id is not None and not read:
        article_ids = [a for a in article_ids if a != article_id]
    listing = read_listing(store, article_ids, known=known)
    corrections = tuple(store.boundaries(article_id)) if article_id is not None else ()
    return Reloaded(
        generation,
        store.annotator,
        article_id,
        mine,
        layers,
        listing,
        verdicts,
        corrections,
        article_read=read or article_id is None,
        position=store.journal_position(),
    )

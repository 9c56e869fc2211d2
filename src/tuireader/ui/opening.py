"""Opening an article in the reader: the store's part of it (segmenting, ``attach``, the first
reads of its layers), run in the writer thread and handed to the event loop in one piece.

``attach`` writes when it records new metadata or re-anchors an edited text, and every store
call takes the store's lock, which the writer thread holds while it writes or plans a
compaction: on the event loop either would stall every key. So the loop shows the article's
text at once and its tags when ``Opened`` lands, in its turn behind the writes asked for before.
Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuireader.annotations import Annotation
from tuireader.articles import Article

if TYPE_CHECKING:
    from tuireader.boundaries import Boundary
    from tuireader.store import AnchorReport, Store, StoreError
    from tuireader.store.catching_up import Position


@dataclass(frozen=True)
class Opened:
    """What the store said about an article as it was opened."""

    article: Article
    mine: list[Annotation]
    """My placed annotations on it, after attaching."""
    layers: list[Annotation]
    """Every annotator's placed annotations on it (the other layers, the compare view)."""
    report: AnchorReport | None
    """How re-anchoring went; None if attaching failed."""
    lost: int
    """Sentence corrections that no longer fit the text (kept aside)."""
    failed: StoreError | None = None
    """Attaching (or reading) failed: shown in one line, the article is read without it."""
    verdicts: object = None
    """My adjudication record of the article, when asked for (``verdicts_key``)."""
    corrections: tuple[Boundary, ...] = ()
    """Its sentence corrections as stored (a look that reads others knows the sentences
    changed: ``ui/store_reads.Reloaded``)."""
    position: Position | None = None
    """How far the store had read the journal when it was read (``Store.journal_position``):
    a look reads it again only if it changed since (``ui/store_reads.read_reloaded``)."""
    generation: int = 0
    """The store's reload count then: while it stays, the store's layers of the article are
    what was shown plus my writes (``ReaderApp._compacted``)."""


def open_in_store(store: Store, article: Article, verdicts_key: str | None = None) -> Opened:
    """In the writer thread: segment ``article`` (a book takes seconds: done before the store's
    lock is taken), attach it, and read what the reader shows of it (and the state record
    ``verdicts_key``: my adjudication decisions, when adjudicating)."""
    from tuireader.store import StoreError

    _ = article.sentences
    failed: StoreError | None = None
    try:
        report: AnchorReport | None = store.attach(article)
    except StoreError as exc:  # a failed re-anchor write must not stop reading
        report, failed = None, exc
    try:
        lost = sum(1 for b in store.placed_corrections(article.id) if b.orphaned)
        mine = store.mine(article.id)
        layers = store.annotations(article.id)
        verdicts = store.get_state(verdicts_key, {}) if verdicts_key is not None else None
        corrections = tuple(store.boundaries(article.id))
        position = store.journal_position()
    except StoreError as exc:  # an unreadable shard: the text is still worth reading
        return Opened(article, [], [], report, 0, failed or exc)
    return Opened(
        article,
        mine,
        layers,
        report,
        lost,
        failed,
        verdicts,
        corrections,
        position,
        store.generation,
    )

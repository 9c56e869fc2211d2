"""The store's side of sentence corrections (splits and joins; ``tuireader.boundaries`` says what
a correction is and how one is placed on a text).

Pure planning over the stored ``boundaries`` table (its raw records by id): which corrections
apply to an article (its own, and those of an older id of its file), what a split or a merge
changes, whether an undo step's corrections were changed since. ``CorrectedArticles`` remembers
the articles a store gave corrected sentences, so that an undo or another window's correction
reaches them at once; it reads the tables it is given and never writes.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tuireader.annotations import Annotation
from tuireader.articles import Article
from tuireader.boundaries import (
    Boundary,
    Kind,
    correct,
    corrections_at,
    join_gap,
    place,
    plan_merge,
    splice,
    split_gap,
)
from tuireader.boundaries import from_record as boundary_from_record
from tuireader.boundaries import make as make_boundary
from tuireader.boundaries import to_record as boundary_record
from tuireader.history import Change
from tuireader.sentences import Sentence
from tuireader.store.metadata import article_path

Correction = tuple[
    tuple[Annotation, ...], tuple[Annotation, ...], tuple[Boundary, ...], tuple[Boundary, ...]
]
"""A planned split or merge: annotations removed and added, corrections removed and added."""

Table = Mapping[str, Any]
"""Raw records by id (the ``boundaries`` table, or ``articles``), as the store keeps them."""

Key = list[tuple[str, Any, Any]]


def stored(table: Table, article_id: str, *, include_orphans: bool = False) -> list[Boundary]:
    """The article's corrections as last placed, in text order."""
    found = [
        boundary_from_record(key, record)
        for key, record in table.items()
        if record["article_id"] == article_id
    ]
    return sorted(
        (b for b in found if include_orphans or not b.orphaned),
        key=lambda b: (b.start, b.end, b.id),
    )


def by_article(table: Table) -> dict[str, list[Boundary]]:
    """Every stored correction, by article id."""
    found: dict[str, list[Boundary]] = {}
    for key, record in table.items():
        found.setdefault(record["article_id"], []).append(boundary_from_record(key, record))
    return found


def table_key(table: Table, article_id: str) -> Key:
    """What the article's stored corrections are and where (compared to see they changed)."""
    return sorted(
        (k, r["start"], r["anchor"]) for k, r in table.items() if r["article_id"] == article_id
    )


def to_place(
    article: Article, table: Table, articles: Table, adopt: Iterable[str] = ()
) -> list[Boundary]:
    """The stored corrections that apply to the article: its own, and those of an older id of
    its file (found by its recorded path in ``articles``) when any of them fits the new text, or
    when that id's annotations were adopted (``adopt``)."""
    path = article_path(article)
    older = set()
    if path is not None:
        older = {
            old_id
            for old_id, meta in articles.items()
            if old_id != article.id and meta.get("path") == path
        }
    mine: list[Boundary] = []
    adopt_from: dict[str, list[Boundary]] = {}
    for key, record in table.items():
        if record["article_id"] == article.id:
            mine.append(boundary_from_record(key, record))
        elif record["article_id"] in older:
            b = boundary_from_record(key, record)
            adopt_from.setdefault(record["article_id"], []).append(b)
    body, paragraphs = article.body, article.paragraphs
    forced = set(adopt)
    for old_id, old in adopt_from.items():
        if old_id in forced or any(
            not b.orphaned for b in place(old, article.id, body, paragraphs)
        ):
            mine += old
    return mine


def changed_records(table: Table, placed: Iterable[Boundary]) -> list[Boundary]:
    """The placed corrections whose stored record differs (to write)."""
    return [b for b in placed if table.get(b.id) != boundary_record(b)]


def split_at(article: Article, index: int, at: int) -> tuple[int, int]:
    """The gap of a split of sentence ``index`` before the word starting at offset ``at``;
    ValueError when there is no such sentence or word."""
    sentences = article.sentences
    if not 0 <= index < len(sentences):
        raise ValueError(f"sentence {index} is outside 0..{len(sentences) - 1}")
    gap = split_gap(sentences[index], article.body, at)
    if gap is None:
        raise ValueError(f"offset {at} is not the start of a word inside sentence {index}")
    return gap


def plan_split(
    article: Article, gap: tuple[int, int], current: Iterable[Boundary], annotator: str
) -> Correction:
    """Split at ``gap``: takes back a join there, else adds a split (``current``: the
    article's placed corrections)."""
    joins = [b for b in corrections_at(current, gap) if b.kind is Kind.JOIN]
    if joins:
        return (), (), tuple(joins), ()
    made = make_boundary(Kind.SPLIT, article.id, article.body, *gap, annotator)
    return (), (), (), (made,)


def merge_pair(article: Article, index: int) -> tuple[Sentence, Sentence]:
    """Sentence ``index`` and the next, which a merge joins; ValueError when there is no next
    sentence or it is in another paragraph."""
    sentences = article.sentences
    if not 0 <= index < len(sentences) - 1:
        raise ValueError(
            f"sentence {index + 1} of {len(sentences)} has no next sentence to merge with"
        )
    first, second = sentences[index], sentences[index + 1]
    if join_gap(first, second) is None:
        raise ValueError("the next sentence is in another paragraph")
    return first, second


def plan_join(
    article: Article,
    first: Sentence,
    second: Sentence,
    layers: Mapping[str, Sequence[Annotation]],
    current: Iterable[Boundary],
    annotator: str,
    choice: str | None,
) -> Correction:
    """Merge ``first`` and ``second``: the merge rule on every layer's tags there (``layers``:
    each annotator's placed annotations overlapping the pair; ``boundaries.plan_merge``), and
    the correction: takes back a split there, else adds a join. ValueError when my tags need a
    ``choice`` and none that fits was given."""
    gap = (first.end, second.start)
    removed, added = plan_merge(article.body, first, second, layers, annotator, choice)
    splits = [b for b in corrections_at(current, gap) if b.kind is Kind.SPLIT]
    if splits:
        return tuple(removed), tuple(added), tuple(splits), ()
    made = make_boundary(Kind.JOIN, article.id, article.body, *gap, annotator)
    return tuple(removed), tuple(added), (), (made,)


def changed_since(table: Table, change: Change) -> bool:
    """Whether a sentence correction a history step removes or restores was changed (in
    another window) since: then the step is not replayed."""
    if not change.corrects_sentences:
        return False
    return any(table.get(b.id) != boundary_record(b) for b in change.boundaries_before) or any(
        b.id in table for b in change.boundaries_after
    )


def spliced(
    article: Article, removed: Sequence[Boundary], added: Sequence[Boundary]
) -> list[Sentence] | None:
    """The article's sentences after one correction came or went, spliced where it is
    (``boundaries.splice``); None when they must be corrected from scratch."""
    appear = [
        (b.start, b.end) for b in (*added, *removed) if (b in added) == (b.kind is Kind.SPLIT)
    ]
    vanish = [
        (b.start, b.end) for b in (*added, *removed) if (b in added) != (b.kind is Kind.SPLIT)
    ]
    current = article.sentences
    if current is article.raw_sentences or len(appear) + len(vanish) != 1:
        return None
    return splice(
        current, article.body, appear[0] if appear else None, vanish[0] if vanish else None
    )


class CorrectedArticles:
    """The articles a store gave corrected sentences (weakly held), what their corrections were
    then, and where they were placed."""

    def __init__(self) -> None:
        self._attached: weakref.WeakValueDictionary[str, Article] = weakref.WeakValueDictionary()
        self._keys: dict[str, Key] = {}
        self._placed: dict[str, list[Boundary]] = {}

    def get(self, article_id: str) -> Article | None:
        return self._attached.get(article_id)

    def placed(self, article_id: str) -> list[Boundary]:
        """The article's corrections as last placed on its text, orphans included."""
        return self._placed.get(article_id, [])

    def correct(
        self, article: Article, table: Table, articles: Table, adopt: Iterable[str] = ()
    ) -> list[Boundary]:
        """Place the stored corrections on the article (``to_place``) and give it its corrected
        sentences; returns the corrections whose record changed. The article is remembered."""
        self._attached[article.id] = article
        self._keys[article.id] = table_key(table, article.id)
        self._placed.pop(article.id, None)
        if not table:
            if "sentences" in vars(article) and article.sentences is not article.raw_sentences:
                article.use_sentences(article.raw_sentences)
            return []
        placed = correct(article, to_place(article, table, articles, adopt))
        self._placed[article.id] = placed
        return changed_records(table, placed)

    def recorrect(
        self, table: Table, articles: Table, article_ids: Iterable[str] | None = None
    ) -> None:
        """Correct again the remembered articles whose corrections changed (all, or these)."""
        for article_id in list(self._attached) if article_ids is None else article_ids:
            article = self._attached.get(article_id)
            if article is not None and self._keys.get(article_id) != table_key(table, article_id):
                self.correct(article, table, articles)

    def resplice(
        self,
        article: Article,
        removed: Sequence[Boundary],
        added: Sequence[Boundary],
        table: Table,
        articles: Table,
    ) -> None:
        """The article's sentences after one correction came or went: spliced where it is,
        else corrected from scratch."""
        sentences = spliced(article, removed, added)
        if sentences is None:
            self.correct(article, table, articles)
            return
        article.use_sentences(sentences)
        self._attached[article.id] = article
        self._placed[article.id] = stored(table, article.id, include_orphans=True)
        self._keys[article.id] = table_key(table, article.id)

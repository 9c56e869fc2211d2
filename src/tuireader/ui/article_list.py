"""The article list: title, date, tagged sentences per tag and the share of sentences tagged."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuireader import sanitise
from tuireader.annotations import Annotation
from tuireader.articles import Article
from tuireader.sentences import Sentence
from tuireader.tags import TagSet
from tuireader.ui.reading_pane import sentence_span


def covered_sentences(sentences: Sequence[Sentence], annotation: Annotation) -> int:
    """How many of ``sentences`` (an article's, in order) ``annotation`` covers, as the reading
    pane shows it."""
    if annotation.anchor == "orphaned":
        return 0
    first, last = sentence_span(sentences, annotation)
    return last - first + 1


def fingerprint(annotations: Iterable[Annotation]) -> str:
    """Identifies a set of annotations (ids, places, tags), to know when saved counts still hold."""
    text = ";".join(f"{a.id}:{a.start}:{a.end}:{a.tag}:{a.anchor}" for a in annotations)
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


@dataclass
class ArticleCounts:
    """Tagged sentences per tag of one article, as the ``i`` statistics count them.

    ``sentences`` is the article's sentence count when known (it is not needed, nor known without
    segmenting, while nothing is tagged); ``pending`` while its sentences are still being counted.
    """

    by_tag: dict[str, int] = field(default_factory=dict)
    sentences: int | None = None
    pending: bool = False

    @property
    def tagged(self) -> int:
        return sum(self.by_tag.values())

    def add(
        self, annotations: Iterable[Annotation], sentences: Sequence[Sentence], sign: int = 1
    ) -> None:
        self.sentences = len(sentences)
        for annotation in annotations:
            count = covered_sentences(sentences, annotation)
            if count:
                self.by_tag[annotation.tag] = self.by_tag.get(annotation.tag, 0) + sign * count

    @classmethod
    def of(cls, annotations: Iterable[Annotation], sentences: Sequence[Sentence]) -> ArticleCounts:
        counts = cls()
        counts.add(annotations, sentences)
        return counts

    def to_state(self, of: str) -> dict[str, object]:
        return {"of": of, "sentences": self.sentences, "tags": dict(self.by_tag)}

    @classmethod
    def from_state(cls, entry: object, of: str) -> ArticleCounts | None:
        """Counts saved by ``to_state`` for the annotations fingerprinted ``of``, if they hold."""
        if not isinstance(entry, dict) or entry.get("of") != of:
            return None
        tags, total = entry.get("tags"), entry.get("sentences")
        if not isinstance(tags, dict) or not isinstance(total, int):
            return None
        return cls({str(k): int(v) for k, v in tags.items()}, total)


@dataclass(frozen=True)
class DoneState:
    """Where an article stands for me, and how many others marked it done."""

    mine: bool = False
    others_done: int = 0
    others: bool = False
    """Whether anyone else annotates in this database (else the count is not shown)."""

    def words(self, counts: ArticleCounts) -> tuple[str, str]:
        """What to show and how: ``✓ done``, ``◐ in progress`` or ``○ not started``."""
        if self.mine:
            text, style = "✓ done", "bold"
        elif counts.tagged or counts.pending:
            text, style = "◐ in progress", ""
        else:
            text, style = "○ not started", "dim"
        if self.others:
            text += f" · {self.others_done} other{'s' * (self.others_done != 1)} done"
        return text, style


def done_states(
    marks: Iterable[tuple[str, str]], me: str, annotators: Iterable[str]
) -> dict[str, DoneState]:
    """Per article, from ``(article_id, annotator)`` done marks: mine, and how many others."""
    others = any(name != me for name in annotators)
    mine: set[str] = set()
    counted: dict[str, int] = {}
    for article_id, annotator in marks:
        if annotator == me:
            mine.add(article_id)
        else:
            others = True
            counted[article_id] = counted.get(article_id, 0) + 1
    return {
        article_id: DoneState(article_id in mine, counted.get(article_id, 0), others)
        for article_id in mine | set(counted)
    } | ({"": DoneState(others=others)})


def article_prompt(
    article: Article, counts: ArticleCounts, tags: TagSet, state: DoneState | None = None
) -> Content:
    """The title; date, tagged sentences per tag (marker + number), share tagged; and my state
    (done, in progress, not started) with how many others marked it done."""
    parts: list[Content | tuple[str, str] | str] = [
        Content(sanitise.line(article.title)).stylize("bold"),
        "\n",
        (sanitise.line(article.date or "undated"), "dim"),
    ]
    if counts.pending:
        parts.append(("  counting…", "dim italic"))
        return Content.assemble(*parts)
    for tag in tags:
        parts.append("  ")
        parts.append((f"{tag.marker}{counts.by_tag.get(tag.id, 0)}", f"bold {tag.color}"))
    share = counts.tagged / counts.sentences if counts.sentences else 0.0
    parts.append((f"  {share:.0%} tagged", "dim"))
    if state is not None:
        parts += ["\n", state.words(counts)]
    return Content.assemble(*parts)


class ArticleList(OptionList):
    """Articles newest first; Enter or l opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next article", id="list.down", show=False),
        Binding("k,up", "cursor_up", "Previous article", id="list.up", show=False),
        Binding("l,enter", "select", "Open", id="list.open"),
        Binding("g,home", "first", "First article", id="list.first", show=False),
        Binding("G,end", "last", "Last article", id="list.last", show=False),
        Binding("pagedown", "page_down", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="list.page_up", show=False),
    ]

    def __init__(self, tags: TagSet, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags = tags
        self.articles: Sequence[Article] = ()
        self.counts: dict[str, ArticleCounts] = {}
        self.states: dict[str, DoneState] = {}
        """Done states by article id; ``""`` holds the default (not done by anyone)."""

    def state_of(self, article_id: str) -> DoneState:
        return self.states.get(article_id) or self.states.get("") or DoneState()

    def set_states(self, states: dict[str, DoneState]) -> None:
        """New done states: redraw only the articles whose state changed."""
        old = {a.id: self.state_of(a.id) for a in self.articles}
        self.states = states
        for article in self.articles:
            if self.state_of(article.id) != old[article.id]:
                self.set_counts(article.id, self.counts.setdefault(article.id, ArticleCounts()))

    def set_articles(self, articles: Sequence[Article], counts: dict[str, ArticleCounts]) -> None:
        self.articles = articles
        self.counts = counts
        self.clear_options()
        self.add_options(
            Option(
                article_prompt(
                    a, counts.setdefault(a.id, ArticleCounts()), self.tags, self.state_of(a.id)
                ),
                id=a.id,
            )
            for a in articles
        )

    def update_counts(
        self, article: Article, before: Iterable[Annotation], after: Iterable[Annotation]
    ) -> None:
        """A change replaced ``before`` by ``after`` in ``article`` (segmented if it was not)."""
        counts = self.counts.setdefault(article.id, ArticleCounts())
        counts.add(before, article.sentences, -1)
        counts.add(after, article.sentences, 1)
        self.set_counts(article.id, counts)

    def set_counts(self, article_id: str, counts: ArticleCounts) -> None:
        self.counts[article_id] = counts
        article = next((a for a in self.articles if a.id == article_id), None)
        if article is not None:
            self.replace_option_prompt(
                article_id, article_prompt(article, counts, self.tags, self.state_of(article_id))
            )

    def highlight_article(self, article_id: str) -> None:
        for index, article in enumerate(self.articles):
            if article.id == article_id:
                self.highlighted = index
                return

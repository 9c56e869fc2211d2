"""The article list: title, date, per-tag counts and the share of the text tagged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuireader.annotations import Annotation
from tuireader.articles import Article
from tuireader.tags import TagSet


@dataclass
class ArticleCounts:
    """Per-tag annotation counts and tagged characters of one article (kept up to date by changes)."""

    by_tag: dict[str, int] = field(default_factory=dict)
    tagged_chars: int = 0

    def add(self, annotations: Iterable[Annotation], sign: int = 1) -> None:
        for annotation in annotations:
            if annotation.anchor == "orphaned":
                continue
            self.by_tag[annotation.tag] = self.by_tag.get(annotation.tag, 0) + sign
            self.tagged_chars += sign * (annotation.end - annotation.start)

    @classmethod
    def of(cls, annotations: Iterable[Annotation]) -> ArticleCounts:
        counts = cls()
        counts.add(annotations)
        return counts


def article_prompt(article: Article, counts: ArticleCounts, tags: TagSet) -> Content:
    """Two lines: the title, then date, counts per tag (marker + number) and the share tagged."""
    share = counts.tagged_chars / len(article.body) if article.body else 0.0
    parts: list[Content | tuple[str, str] | str] = [
        Content(article.title).stylize("bold"),
        "\n",
        (article.date or "undated", "dim"),
    ]
    for tag in tags:
        parts.append("  ")
        parts.append((f"{tag.marker}{counts.by_tag.get(tag.id, 0)}", f"bold {tag.color}"))
    parts.append((f"  {share:.0%} tagged", "dim"))
    return Content.assemble(*parts)


class ArticleList(OptionList):
    """Articles newest first; Enter or l opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", id="list.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="list.up", show=False),
        Binding("l,enter", "select", "Open", id="list.open"),
        Binding("g,home", "first", "First", id="list.first", show=False),
        Binding("G,end", "last", "Last", id="list.last", show=False),
        Binding("pagedown", "page_down", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="list.page_up", show=False),
    ]

    def __init__(self, tags: TagSet, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags = tags
        self.articles: Sequence[Article] = ()
        self.counts: dict[str, ArticleCounts] = {}

    def set_articles(self, articles: Sequence[Article], counts: dict[str, ArticleCounts]) -> None:
        self.articles = articles
        self.counts = counts
        self.clear_options()
        self.add_options(
            Option(article_prompt(a, counts.setdefault(a.id, ArticleCounts()), self.tags), id=a.id)
            for a in articles
        )

    def update_counts(
        self, article_id: str, before: Iterable[Annotation], after: Iterable[Annotation]
    ) -> None:
        counts = self.counts.setdefault(article_id, ArticleCounts())
        counts.add(before, -1)
        counts.add(after, 1)
        article = next((a for a in self.articles if a.id == article_id), None)
        if article is not None:
            self.replace_option_prompt(article_id, article_prompt(article, counts, self.tags))

    def set_counts(self, article_id: str, counts: ArticleCounts) -> None:
        self.counts[article_id] = counts
        self.update_counts(article_id, (), ())

    def highlight_article(self, article_id: str) -> None:
        for index, article in enumerate(self.articles):
            if article.id == article_id:
                self.highlighted = index
                return

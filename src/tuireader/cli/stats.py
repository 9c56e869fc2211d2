"""``tuireader stats``: per article, how many sentences carry each tag and how much is tagged."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, lt
from typing import TYPE_CHECKING, Any

from tuireader import sanitise
from tuireader.cli import (
    add_db_options,
    existing_database,
    load_options_config,
    write_json,
    write_stdout,
)
from tuireader.errors import TuireaderError
from tuireader.paths import resolve_db_path
from tuireader.plural import counted
from tuireader.tags import DEFAULT_TAGS, TagSet
from tuireader.wire import shown_date

if TYPE_CHECKING:
    from tuireader.annotations import Annotation, TagSpan
    from tuireader.export import TextLoader

# The export, the articles, the sentence splitter and Rich are imported where they are used:
# `stats --help` and a refused --db pay for none of them.

TITLE_WIDTH = 44


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_options(parser)
    parser.add_argument(
        "--annotator", metavar="NAME", help="count only this annotator's layer (default: all)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


@dataclass
class ArticleStats:
    id: str
    title: str | None
    date: str | None
    sentence_count: int | None
    tags: dict[str, int] = field(default_factory=dict)
    """Sentences per tag: every tag of the set in use (0 when absent), then any other."""
    tagged: int = 0
    orphaned: int = 0
    exact: bool = True
    """False when the article's file was not at hand and sentences were counted from quotes."""

    @property
    def coverage(self) -> float | None:
        if not self.sentence_count:
            return None
        return min(1.0, self.tagged / self.sentence_count)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "sentence_count": self.sentence_count,
            "tags": self.tags,
            "tagged_sentences": self.tagged,
            "coverage": None if self.coverage is None else round(self.coverage, 4),
            "orphaned": self.orphaned,
            "exact": self.exact,
        }


def _estimated_sentences(annotations: Sequence[TagSpan]) -> list[int]:
    """Sentences per annotation without the article's text: the quote itself segmented, which
    splits the same way in nearly every case (the table marks these counts as estimates)."""
    return [_quote_sentences(a.exact) for a in annotations]


@functools.lru_cache(maxsize=8192)
def _quote_sentences(quote: str) -> int:
    # Cached: several annotators tagging the same sentence quote the same text, and
    # segmenting was half of ``stats`` on a database whose articles are not at hand.
    from tuireader.articles import PARAGRAPH_SEPARATOR
    from tuireader.sentences import split_paragraph

    return max(1, sum(len(split_paragraph(p)) for p in quote.split(PARAGRAPH_SEPARATOR)))


def article_stats(
    annotations: Iterable[Annotation],
    articles: Iterable[Mapping[str, Any]],
    tags: TagSet = DEFAULT_TAGS,
) -> list[ArticleStats]:
    """One entry per annotated article, in library order; counts for every tag of ``tags``
    and for any other tag found (a database annotated with another codebook)."""
    from tuireader.export import select

    data = select(annotations, articles)
    return [one_article(meta, anns, tags)[0] for meta, anns in data.each()]


def one_article(
    meta: Mapping[str, Any],
    anns: Sequence[TagSpan],
    tags: TagSet = DEFAULT_TAGS,
    text: TextLoader | None = None,
) -> tuple[ArticleStats, dict[str, int]]:
    """An article's figures, and how many sentences each annotator tagged on it (``text``
    gives its current text, with the reader's sentence corrections when asked; by default the
    article's file as it is at hand)."""
    from tuireader.export import article_at_hand
    from tuireader.tag_counts import article_counts

    stats = ArticleStats(meta["id"], meta["title"], meta["date"], meta["sentence_count"])
    stats.tags = dict.fromkeys(tags.ids, 0)
    # Columns checked in C first: most articles have no orphan and no empty span.
    placed = list(anns)
    if "orphaned" in set(map(_ANCHOR, anns)):
        placed = [a for a in anns if a.anchor != "orphaned"]
    stats.orphaned = len(anns) - len(placed)
    spans = placed
    if not all(map(lt, map(_START, placed), map(_END, placed))):
        spans = [a for a in placed if a.end > a.start]
    article = (text or article_at_hand)(meta) if spans else None
    stats.exact = article is not None or not spans
    if article is not None:
        # Sentences tagged by anyone, over the sentences the reader shows (splits and joins
        # applied): a sentence two annotators tagged is one tagged sentence.
        stats.sentence_count = len(article.sentences)
        counts, by_annotator = article_counts(spans, article.sentences)
        for tag, count in counts.by_tag.items():
            stats.tags[tag] = stats.tags.get(tag, 0) + count
        stats.tagged = counts.tagged
        return stats, by_annotator
    # Estimated from the quotes: one span tagged by several annotators counts once.
    by_annotator = {}
    seen: set[tuple[int, int]] = set()
    seen_tag: set[tuple[int, int, str]] = set()
    for a, count in zip(spans, _estimated_sentences(spans), strict=True):
        by_annotator[a.annotator] = by_annotator.get(a.annotator, 0) + count
        if (a.start, a.end, a.tag) not in seen_tag:
            seen_tag.add((a.start, a.end, a.tag))
            stats.tags[a.tag] = stats.tags.get(a.tag, 0) + count
        if (a.start, a.end) not in seen:
            seen.add((a.start, a.end))
            stats.tagged += count
    limit = stats.sentence_count
    if limit is not None:  # an estimate never claims more sentences than the article has
        stats.tagged = min(stats.tagged, limit)
        stats.tags = {tag: min(count, limit) for tag, count in stats.tags.items()}
        by_annotator = {name: min(count, limit) for name, count in by_annotator.items()}
    return stats, by_annotator


def _fit(text: str, width: int) -> str:
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def _total_tagged_and_coverage(rows: Sequence[ArticleStats]) -> tuple[str, str]:
    """The total's Tagged and Coverage cells. Coverage is over the articles whose sentence count
    is known (tagged sentences of the others have nothing to be a share of), marked ``~`` as
    partial when some are unknown or estimated."""
    total_tagged = sum(r.tagged for r in rows)
    known = [r for r in rows if r.sentence_count]
    sentences = sum(r.sentence_count or 0 for r in known)
    if not sentences:
        return str(total_tagged), "?"
    coverage = min(1.0, sum(r.tagged for r in known) / sentences)
    partial = len(known) < len(rows) or not all(r.exact for r in rows)
    tagged = f"{total_tagged}/{sentences}" + ("+?" if len(known) < len(rows) else "")
    return tagged, ("~" if partial else "") + f"{coverage:.0%}"


def format_table(rows: Sequence[ArticleStats], tags: TagSet = DEFAULT_TAGS) -> str:
    if not rows:
        return "No annotations yet.\n"
    from rich.cells import cell_len

    found = {t for r in rows for t in r.tags}
    tags = tags.with_seen(seen=sorted(found))
    tag_heads = [t.label for t in tags]
    heads = ["Article", "Date", *tag_heads, "Tagged", "Coverage", "Orphaned"]
    body = []
    for r in rows:
        title = sanitise.line(r.title or f"(article {r.id})")
        date = sanitise.line(shown_date(r.date) or "")
        tagged = f"{r.tagged}/{r.sentence_count}" if r.sentence_count is not None else str(r.tagged)
        coverage = "?" if r.coverage is None else f"{r.coverage:.0%}"
        if not r.exact:
            coverage = "~" + coverage
        counts = [str(r.tags.get(t, 0)) for t in tags.ids]
        body.append([title, date, *counts, tagged, coverage, str(r.orphaned)])
    body.append(
        [f"Total ({counted(len(rows), 'article')})", ""]
        + [str(sum(r.tags.get(t, 0) for r in rows)) for t in tags.ids]
        + [*_total_tagged_and_coverage(rows), str(sum(r.orphaned for r in rows))]
    )
    widths = [max(cell_len(row[i]) for row in [heads, *body]) for i in range(len(heads))]
    widths[0] = min(widths[0], TITLE_WIDTH)
    lines = []
    for n, row in enumerate([heads, *body]):
        cells = [_fit(row[0], widths[0]), _fit(row[1], widths[1])]
        cells += [row[i].rjust(widths[i]) for i in range(2, len(heads))]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or n == len(body) - 1:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class AnnotatorStats:
    """One annotator's progress: articles marked done, articles tagged but not done, and how
    many sentences they tagged in all."""

    name: str
    done: int
    in_progress: int
    tagged: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.name,
            "done": self.done,
            "in_progress": self.in_progress,
            "tagged_sentences": self.tagged,
        }


def annotator_stats(
    annotations: Sequence[Annotation],
    articles: Sequence[Mapping[str, Any]],
    done: Mapping[str, set[str]],
) -> list[AnnotatorStats]:
    """Per annotator (anyone with an annotation or a done mark), sorted by name.
    ``done`` maps each annotator to the articles they marked done."""
    from tuireader.export import select

    progress = Progress(done)
    for meta, anns in select(annotations, articles).each():
        progress.add(anns, one_article(meta, anns)[1])
    return progress.stats()


_ANNOTATOR = attrgetter("annotator")
_ARTICLE_ID = attrgetter("article_id")
_ANCHOR, _START, _END = attrgetter("anchor"), attrgetter("start"), attrgetter("end")


class Progress:
    """Each annotator's progress, gathered article by article."""

    def __init__(self, done: Mapping[str, set[str]]) -> None:
        self.done = done
        self.started: dict[str, set[str]] = {name: set() for name in done}
        self.tagged: dict[str, int] = dict.fromkeys(done, 0)

    def add(self, anns: Sequence[TagSpan], tagged: Mapping[str, int]) -> None:
        # An annotator with any annotation here (an orphan too) started it.
        for name, article_id in set(
            zip(map(_ANNOTATOR, anns), map(_ARTICLE_ID, anns), strict=True)
        ):
            self.started.setdefault(name, set()).add(article_id)
            self.tagged.setdefault(name, 0)
        for name, count in tagged.items():
            self.tagged[name] += count

    def stats(self) -> list[AnnotatorStats]:
        out = []
        for name in sorted(self.started):
            finished = self.done.get(name, set())
            doing = len(self.started[name] - finished)
            out.append(AnnotatorStats(name, len(finished), doing, self.tagged[name]))
        return out


def format_annotators(rows: Sequence[AnnotatorStats]) -> str:
    if not rows:
        return ""
    from rich.cells import cell_len

    width = min(
        TITLE_WIDTH, max(len("By annotator"), *(cell_len(sanitise.line(r.name)) for r in rows))
    )
    lines = [f"{'By annotator':<{width}}  Done  In progress  Tagged sentences"]
    for r in rows:
        name = _fit(sanitise.line(r.name), width)
        lines.append(f"{name}  {r.done:>4}  {r.in_progress:>11}  {r.tagged:>16}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from tuireader.boundaries import with_corrections
    from tuireader.durable import collector_paused
    from tuireader.export import article_at_hand, codebook, stream
    from tuireader.store import Store  # the store pulls in TinyDB; `--help` never needs it

    config = load_options_config(args)
    # create=False: reading stats never creates the file; a missing one is an error.
    with Store.open(existing_database(resolve_db_path(args.db)), create=False) as store:
        tags = codebook(config.tags, store)
        done: dict[str, set[str]] = {}
        for mark in store.done_marks():
            if mark.done:
                done.setdefault(mark.annotator, set()).add(mark.article_id)
        only = args.annotator
        if only is not None and only not in set(store.annotators()) | set(done):
            names = sorted(set(store.annotators()) | set(done))
            known = ", ".join(sanitise.line(n) for n in names) or "no annotators yet"
            raise TuireaderError(
                f"unknown annotator {sanitise.quoted(only)}: the database has {known}"
            )
        text = with_corrections(article_at_hand, store.corrections_by_article())
        progress = Progress(done)
        rows = []
        seen: set[str] = set()
        # One article at a time: the figures of each are kept, its annotations are not. Light
        # rows, not annotations: building those was a third of the command. The collector is
        # paused throughout (each article's rows are acyclic; a collection after each article
        # rescanned them: ~0.5 s of a 14 s profile at 500k).
        with collector_paused():
            for meta in stream(store, layers=None if only is None else [only]).articles:
                anns = store.tag_rows(str(meta["id"]))
                if only is not None:
                    anns = [a for a in anns if a.annotator == only]
                if not anns:
                    continue
                row, tagged = one_article(meta, anns, tags, text)
                progress.add(anns, tagged)
                rows.append(row)
                seen.update(row.tags)
    people = progress.stats()
    if only is not None:
        people = [p for p in people if p.name == only]
    tags = tags.with_seen(seen=sorted(seen))
    if args.json:
        write_json(
            {"articles": [r.to_dict() for r in rows], "annotators": [p.to_dict() for p in people]}
        )
    else:
        write_stdout(format_table(rows, tags))
        if people and (len(people) > 1 or only is not None or done):
            write_stdout("\n" + format_annotators(people))
    return 0

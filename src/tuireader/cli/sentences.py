"""``tuireader sentences PATH``: the parsed article and its numbered sentences, as the reader
shows them (with the splits and joins stored in the database), or ``--raw`` as the segmenter
made them."""

from __future__ import annotations

import argparse
import sys

from tuireader import sanitise
from tuireader.articles import Article, load_article
from tuireader.cli import add_db_options, write_json, write_stdout
from tuireader.plural import counted, plural
from tuireader.sentences import Sentence
from tuireader.wire import shown_date


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="an article file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument(
        "--raw",
        action="store_true",
        help="the segmenter's sentences, without the splits and joins made in the reader",
    )
    add_db_options(parser)


def corrected(article: Article, db: str | None) -> tuple[int, int]:
    """Give ``article`` the sentence corrections stored in the database (if there is one;
    nothing is written); how many apply and how many no longer fit the text."""
    from tuireader.paths import resolve_db_path
    from tuireader.store import Store

    path = resolve_db_path(db)
    if not path.exists():
        return 0, 0
    with Store.open(path, create=False) as store:
        found = store.correct_sentences(article)
    orphaned = sum(1 for b in found if b.orphaned)
    return len(found) - orphaned, orphaned


def sentence_record(sentence: Sentence) -> dict[str, object]:
    return {
        "index": sentence.index,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
    }


def load_argument(path: str) -> Article:
    """The article named on the command line; ``-`` reads it from standard input."""
    if path == "-":
        from tuireader.standard_input import read_article

        return read_article()[1]
    return load_article(path)


def as_asked(article: Article, args: argparse.Namespace) -> int:
    """Give ``article`` the sentences ``args`` ask for (the database's corrections, unless
    ``--raw``; a corrupt, newer or non-database ``--db`` is refused), warning on stderr about
    corrections that no longer fit; how many apply. ``sentences`` and ``suggest`` share it."""
    applied, orphaned = (0, 0) if args.raw else corrected(article, args.db)
    if orphaned:
        print(
            f"tuireader: {counted(orphaned, 'sentence correction')} no longer "
            f"{plural(orphaned, 'fits', 'fit')} the text of "
            f"{sanitise.path(article.display_path)}; kept, not applied",
            file=sys.stderr,
        )
    return applied


def run(args: argparse.Namespace) -> int:
    article = load_argument(args.path)
    applied = as_asked(article, args)
    sentences = article.raw_sentences if args.raw else article.sentences
    if args.json:
        write_json(
            {
                "article": article.to_dict()
                | {"sentence_count": len(sentences), "corrections": applied},
                "sentences": [sentence_record(s) for s in sentences],
            }
        )
        return 0
    out: list[str] = [f"{article.title}\n"]
    meta = [f"id {article.id}", f"{article.format}"]
    if article.date:
        meta.insert(0, shown_date(article.date) or article.date)
    if article.source:
        meta.append(article.source)
    if article.author:
        meta.append(f"by {article.author}")
    if article.dateline:
        meta.append(article.dateline)
    meta.append(f"{counted(article.word_count, 'word')}, {counted(len(sentences), 'sentence')}")
    if applied:
        meta.append(f"{counted(applied, 'sentence correction')} applied (--raw: without)")
    out.append(" · ".join(meta) + "\n\n")
    width = len(str(len(sentences)))
    paragraph = 0
    for s in sentences:
        if s.paragraph != paragraph:
            out.append("\n")
            paragraph = s.paragraph
        out.append(f"{s.index + 1:>{width}}  {sanitise.shown(s.text)}\n")
    write_stdout("".join(out))
    return 0

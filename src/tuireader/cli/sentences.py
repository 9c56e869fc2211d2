"""``tuireader sentences PATH``: the parsed article and its numbered sentences."""

from __future__ import annotations

import argparse
import sys

from tuireader.articles import Article, from_text, load_article
from tuireader.cli import write_json
from tuireader.sentences import Sentence


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="an article file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


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
        from tuireader.standard_input import read_text

        return from_text(read_text())
    return load_article(path)


def run(args: argparse.Namespace) -> int:
    article = load_argument(args.path)
    sentences = article.sentences
    if args.json:
        write_json(
            {
                "article": article.to_dict() | {"sentence_count": len(sentences)},
                "sentences": [sentence_record(s) for s in sentences],
            }
        )
        return 0
    out = sys.stdout
    out.write(f"{article.title}\n")
    meta = [f"id {article.id}", f"{article.format}"]
    if article.date:
        meta.insert(0, article.date)
    if article.source:
        meta.append(article.source)
    if article.author:
        meta.append(f"by {article.author}")
    if article.dateline:
        meta.append(article.dateline)
    meta.append(f"{article.word_count} words, {len(sentences)} sentences")
    out.write(" · ".join(meta) + "\n\n")
    width = len(str(len(sentences)))
    paragraph = 0
    for s in sentences:
        if s.paragraph != paragraph:
            out.write("\n")
            paragraph = s.paragraph
        out.write(f"{s.index + 1:>{width}}  {s.text}\n")
    return 0

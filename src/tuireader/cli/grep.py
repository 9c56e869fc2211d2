"""``tuireader grep PATTERN [PATH...]``: every sentence, in every article, that holds PATTERN."""

from __future__ import annotations

import argparse
import re
import sys

from tuireader import sanitise
from tuireader.articles import article_files
from tuireader.cli import print_error, write_json
from tuireader.errors import TuireaderError
from tuireader.paths import samples_dir
from tuireader.text_search import Hit, search_files, search_pattern


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "pattern", metavar="PATTERN", help="text to find (case and accents ignored)"
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (default: the bundled sample articles)",
    )
    parser.add_argument(
        "-E",
        "--regex",
        action="store_true",
        help="PATTERN is a regular expression (case ignored; accents must be written as in the text)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def hit_record(hit: Hit) -> dict[str, object]:
    return {
        "path": hit.path,
        "article_id": hit.article_id,
        "title": hit.title,
        "sentence": hit.sentence + 1,
        "text": hit.text,
        "matches": [list(span) for span in hit.spans],
    }


def run(args: argparse.Namespace) -> int:
    """Exit 0 when something matched, 1 when nothing did (as grep), 2 for bad input."""
    if args.regex:
        try:
            pattern = re.compile(args.pattern, re.IGNORECASE)
        except re.error as exc:
            raise TuireaderError(f"not a regular expression: {args.pattern!r} ({exc})") from None
    else:
        if not args.pattern:
            raise TuireaderError("the pattern is empty")
        pattern = search_pattern(args.pattern)
    files, warnings = article_files(args.paths or [samples_dir()])
    for warning in warnings:
        print_error(warning)
    if not files:
        return 2

    hits = search_files(files, pattern, print_error)
    if args.json:
        records = [hit_record(hit) for hit in hits]
        write_json(records)
        return 0 if records else 1
    found = False
    out = sys.stdout
    for hit in hits:
        found = True
        out.write(f"{sanitise.path(hit.path)}:{hit.sentence + 1}: {sanitise.line(hit.text)}\n")
    return 0 if found else 1

"""``tuireader export``: annotations as json, jsonl, csv, W3C, markdown, spaCy spans or parquet;
``--by-sentence``: one row per sentence, tagged or not."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader import sanitise
from tuireader.adjudication import decisions_of
from tuireader.annotations import default_annotator
from tuireader.articles import load_article
from tuireader.boundaries import with_corrections
from tuireader.cli import (
    add_db_options,
    existing_database,
    load_options_config,
    print_error,
    write_stdout_chunks,
)
from tuireader.durable import is_terminal
from tuireader.errors import TuireaderError
from tuireader.export import (
    BINARY_FORMATS,
    FORMATS,
    SENTENCE_FORMATS,
    StoreSource,
    article_at_hand,
    check_format,
    codebook,
    decided_articles,
    extent,
    render_chunks,
    stream,
    write_export,
)
from tuireader.export_target import content_refusal, refusal
from tuireader.paths import path_text, resolve_db_path
from tuireader.plural import counted, plural
from tuireader.tags import DEFAULT_TAGS, TagSet, database_tags

if TYPE_CHECKING:
    from tuireader.store import Store

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
"""``-o`` values meaning standard output: written to it, never opened by name (which would
truncate a file the shell opened for appending, or replace the link itself)."""
# An article id is 16 hex digits; a shorter prefix is accepted when it is unique and this long.
MIN_ID_PREFIX = 6


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_options(parser)
    parser.add_argument(
        "--format",
        "-f",
        choices=list(FORMATS),
        default="json",
        help="output format (default: json; parquet needs the parquet extra)",
    )
    parser.add_argument(
        "--by-sentence",
        action="store_true",
        help="one row per sentence of every exported article, tagged or not, with each "
        f"annotator's tag ({', '.join(SENTENCE_FORMATS)})",
    )
    parser.add_argument(
        "--article",
        action="append",
        metavar="ID_OR_PATH",
        help="only this article: an article file or its id (repeatable)",
    )
    parser.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help="only this tag: fact, speculation or expert_opinion (repeatable)",
    )
    parser.add_argument(
        "--annotator",
        action="append",
        metavar="NAME",
        help="only this annotator's layer, with its done marks (repeatable)",
    )
    parser.add_argument(
        "--layers",
        choices=["all"],
        default="all",
        help="every annotator's layer, each annotation with its annotator (the default)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE atomically (default: stdout)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace FILE even when it holds another database's file, a lock, an article "
        "or a web page (never the open database's own files or articles)",
    )


def check_layers(source: StoreSource, names: list[str] | None) -> None:
    """An unknown ``--annotator`` name is an error naming who is there."""
    if not names:
        return
    known = set(source.annotators()) | {m.annotator for m in source.done_marks()}
    decided = decided_articles(source)
    known |= {n for n, ids in decided.items() if any(decisions_of(source, [n], a) for a in ids)}
    for name in names:
        if name not in known:
            there = (
                ", ".join(sorted(" ".join(sanitise.line(k).split()) for k in known)) or "nobody yet"
            )
            raise TuireaderError(
                f"--annotator {sanitise.quoted(name)}: no such annotator (the database has {there})"
            )


@contextmanager
def read_database(db: Path) -> Iterator[Store]:
    """The database at ``db`` for reading. Nothing is created or written: a missing file is an
    error (a mistyped ``--db`` must not pass for an empty export), a corrupt one raises
    StoreError and is left as is."""
    from tuireader.store import Store  # the store pulls in TinyDB; `schema` never needs it

    with Store.open(existing_database(db), default_annotator(), create=False) as store:
        yield store


def parse_tags(
    values: Iterable[str] | None,
    known: TagSet = DEFAULT_TAGS,
    more: Callable[[], TagSet] | None = None,
) -> list[str] | None:
    """Tag ids for ``--tag`` values: any tag of the set in use or recorded in the database, or
    (``more``, asked only for a value neither knows) found on its annotations."""
    if values is None:
        return None
    tags = []
    for value in values:
        try:
            tags.append(known.parse(value).id)
        except KeyError:
            if more is not None:
                known, more = more(), None
                with contextlib.suppress(KeyError):
                    tags.append(known.parse(value).id)
                    continue
            raise TuireaderError(
                f"--tag {value}: unknown tag (choose from {', '.join(known.ids)})"
            ) from None
    return tags


def resolve_articles(
    values: Iterable[str] | None, source: StoreSource, db: Path
) -> list[str] | None:
    """Article ids for ``--article`` values: a file is parsed for its id, else an id (prefix)."""
    if values is None:
        return None
    metas = source.articles_meta()
    known = {str(m["id"]) for m in metas}
    known |= set(source.annotated_article_ids())
    by_path = {str(Path(m["path"]).resolve()): str(m["id"]) for m in metas if m.get("path")}
    ids = []
    for value in values:
        path = Path(value).expanduser()
        if value in known:
            ids.append(value)
        elif path.is_file():
            ids.append(load_article(path).id)
        elif path_text(path.resolve()) in by_path:  # a file since moved away, remembered by path
            ids.append(by_path[path_text(path.resolve())])
        else:
            matches = sorted(
                i for i in known if len(value) >= MIN_ID_PREFIX and i.startswith(value)
            )
            if len(matches) != 1:
                why = "matches several articles" if matches else "no such article file or id"
                raise TuireaderError(f"--article {value}: {why} in {db}")
            ids.append(matches[0])
    return ids


def run(args: argparse.Namespace) -> int:
    db = resolve_db_path(args.db)
    config = load_options_config(args)
    check_format(args.format, args.by_sentence)
    to_stdout = not args.output or args.output in STDOUT_NAMES
    output = None if to_stdout else Path(args.output).expanduser()
    if output is not None:  # the database's files, and an article named by --article
        _refuse_target(output, db, args.article or ())
    if output is None and args.format in BINARY_FORMATS and sys.stdout.isatty():
        raise TuireaderError(f"{args.format} is binary; write it to a file with -o FILE")
    with read_database(db) as store:
        if output is not None:  # and every article the database knows
            _refuse_target(
                output, db, (str(m["path"]) for m in store.articles_meta() if m.get("path"))
            )
            if not getattr(args, "force", False):  # another database's file, an article...
                _refuse_content(output)
        names = getattr(args, "annotator", None)
        # ``tuireader --annotator X export`` gives a plain string default.
        layers = [names] if isinstance(names, str) else names
        check_layers(store, layers)
        known = codebook(config.tags, store)
        # A tag recorded nowhere but found on annotations is looked for only when asked for.
        tags = parse_tags(args.tag, known, lambda: database_tags(config.tags, store))
        article_ids = resolve_articles(args.article, store, db)
        # Streamed: the store is read one article at a time as the export is written.
        # Articles carry their sentence corrections (splits and joins made in the reader).
        text = with_corrections(article_at_hand, store.corrections_by_article())
        data = replace(stream(store, article_ids, tags, text, layers), tags=known)
        warnings = Warnings()
        chunks = render_chunks(data, args.format, by_sentence=args.by_sentence, warn=warnings)
        if output is None:
            write_stdout_chunks(chunks)
        elif is_terminal(output):  # -o /dev/tty: escaped like stdout on a terminal
            write_export(sanitise.escape_chunks(chunks), output)
        else:
            write_export(chunks, output)
    warnings.finish()
    corrected = sum(len(data.corrections(aid)) for aid in data.tally.listed)
    if corrected and not args.by_sentence and args.format not in CORRECTION_FORMATS:
        print_error(
            f"warning: {counted(corrected, 'sentence correction')} (splits, joins) of these "
            f"articles {plural(corrected, 'is', 'are')} not in {args.format}; export json or "
            "jsonl to carry them to another database"
        )
    decided = sum(len(data.decisions(aid)) for aid in data.tally.listed)
    marked = len(data.listed_done())
    empty = not data.tally.articles or (
        not args.by_sentence and not (data.tally.annotations or corrected or decided or marked)
    )
    if output is not None and not is_terminal(output):
        what = f"{args.format} by sentence" if args.by_sentence else args.format
        size = (
            "nothing to export: " + _empty_because(args, db)
            if empty
            else extent(data, args.by_sentence)
        )
        if not empty and not args.by_sentence and (decided or marked):
            size += _decisions_and_marks(decided, marked)
        shown = sanitise.path(output)
        print(f"tuireader: wrote {what} export to {shown} ({size})", file=sys.stderr)
    elif empty:
        print_error(f"nothing to export: {_empty_because(args, db)}")
    return 0


def _refuse_target(output: Path, db: Path, articles: Iterable[str] = ()) -> None:
    problem = refusal(output, db, articles)
    if problem is not None:
        raise TuireaderError(f"{output}: {problem}; choose another -o FILE")


def _refuse_content(output: Path) -> None:
    problem = content_refusal(output)
    if problem is not None:
        raise TuireaderError(
            f"{output}: {problem}; choose another -o FILE, or add --force to replace it"
        )


def _decisions_and_marks(decided: int, marked: int) -> str:
    """``, 2 adjudication decisions, 1 done mark`` for the written message."""
    said = [counted(decided, "adjudication decision")] if decided else []
    said += [counted(marked, "done mark")] if marked else []
    return "".join(f", {s}" for s in said)


CORRECTION_FORMATS = ("json", "jsonl")
"""The formats that carry sentence corrections (``--by-sentence`` applies them instead)."""


class Warnings:
    """The export's warnings on stderr: the first ``shown`` as they come, then only counted (a
    database of 2,500 articles whose files are elsewhere printed 2,500 lines)."""

    def __init__(self, shown: int = 10) -> None:
        self.shown = shown
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        if self.count <= self.shown:
            print_error(f"warning: {message}")

    def finish(self) -> None:
        """Say how many were not shown."""
        if self.count > self.shown:
            more = counted(self.count - self.shown, "more warning")
            print_error(f"warning: {more} like these not shown")


def _empty_because(args: argparse.Namespace, db: Path) -> str:
    filters = [f"--tag {t}" for t in args.tag or ()] + [
        f"--article {a}" for a in args.article or ()
    ]
    layers = getattr(args, "annotator", None)
    if layers:
        names = [layers] if isinstance(layers, str) else list(layers)
        filters.append("of " + ", ".join(sanitise.line(n) for n in names))
    if filters:
        return f"no annotations in {db} match {' '.join(filters)}"
    return f"{db} holds no annotations"

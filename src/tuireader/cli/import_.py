"""``tuireader import FILE``: annotations back from our json, jsonl or csv export."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tuireader import sanitise
from tuireader.adjudication import Decision, merged_decisions, state_key
from tuireader.annotations import ANNOTATOR_ENV, annotator_problem, default_annotator
from tuireader.articles import Article, load_unchanged, unchanged_file
from tuireader.cli import add_db_options, new_database_folder, print_error
from tuireader.config import load_config
from tuireader.dbformat.layout import shard_folder, shard_name
from tuireader.durable import collector_paused
from tuireader.errors import MAX_FILE_BYTES, PathError, TuireaderError, megabytes, os_problem
from tuireader.import_formats import ImportFileError, read_records
from tuireader.import_review import review
from tuireader.importing import Settle, StagedImport, stage, stage_import
from tuireader.paths import resolve_db_path
from tuireader.plural import counted
from tuireader.records import StoredRecord
from tuireader.store.imports import ArticleRecords, Settled, settled_run
from tuireader.store.metadata import ResolvedPaths
from tuireader.tags import TAG_SET_STATE, Tag, merged_record

if TYPE_CHECKING:
    from tuireader.store import Store


PRUNE_NEEDS_SCOPE = (
    "--prune needs a json export, which says what it holds whole; this {} file does not say, so "
    "what it lacks may never have been in it (a --tag or --article export); nothing imported"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a json, jsonl or csv file written by `tuireader export`; - for standard input "
        "(./- for a file named -)",
    )
    add_db_options(parser)
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        help="who runs the import: --prune never touches this layer (default: "
        "$TUIREADER_ANNOTATOR, the config's annotator, or your login)",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also remove what the database holds in the file's layers that the file does not "
        "have (tags the annotator cleared since their last export); without it an import only "
        "warns about them. Only for a json export (it says what it holds whole). Kept even "
        "so: what was made or changed after the file's copy of its layer (each layer, in a "
        "one-layer export too, is as of its newest record there, never later than its "
        "exported_at), which assumes the machines' clocks agree; and your own layer",
    )


def run(args: argparse.Namespace) -> int:
    # First pass: the whole file is read and checked (its annotations spooled, not held) before
    # the database is opened: a file that is not ours, or bad anywhere, never touches it. Both
    # passes build and drop a few objects per record, none of them in a cycle: the cyclic
    # collector would only rescan them.
    db = resolve_db_path(args.db)
    importer = args.annotator or default_annotator(load_config(args.config).annotator)
    problem = annotator_problem(importer)
    if problem is not None:  # the config's own name was checked as the file was read
        source = "--annotator" if args.annotator else f"${ANNOTATOR_ENV}"
        if not args.annotator and not os.environ.get(ANNOTATOR_ENV):
            source = "the login name"
        shown = sanitise.escape(importer, newlines=False)
        raise TuireaderError(f"{source}: {problem}, not '{shown}'")
    source = STDIN if args.file == "-" else args.file
    new_database_folder(args.db, db)
    with collector_paused(), staged(args.file, settle_at_hand(db)) as imported:
        if args.prune and imported.scope is None:
            raise PathError(source, PRUNE_NEEDS_SCOPE.format(imported.format))
        from tuireader.store import Store

        with Store.open(db, importer) as store:
            # Corrections merged, copies and what the file lacks found (``import_review``).
            reviewed = review(store, imported)
            # Second pass: the annotations of every annotator in batches, one write each; with
            # the last, the titles, dates and sentence counts as the export knew them (so
            # `stats` and later exports show them even where the article files are not at
            # hand; an article already recorded here keeps what it has) and the done marks.
            # Attaching a file that is at hand then records its real values.
            # A new article whose file is at hand is attached as its shard is first written
            # (settled while staging: its file read then, outside the store's lock); the
            # others once the import is written.
            at_hand = files_at_hand(imported.articles, imported.split)
            batches = vouched(
                reviewed.batches(imported.batches()), imported.articles, imported.split
            )
            report = store.import_batches(batches, imported.articles, imported.done, at_hand)
            decided = import_decisions(store, imported.decisions)
            record_codebook(store, imported.tags)
            rest = (meta for meta in imported.articles if meta["id"] not in report.attached)
            attached = len(report.attached) + attach_known_articles(store, rest)
            if args.prune:
                reviewed.prune(store)
            stuck = store.stuck_mark()
    result = report.total
    skipped = result.skipped + imported.duplicates + reviewed.duplicates
    print(
        f"{sanitise.path(source)}: {result.added:,} added, {result.updated:,} updated, "
        f"{skipped:,} skipped "
        f"({counted(imported.count, 'annotation')} in {imported.format}; "
        f"{counted(attached, 'article file')} found)"
    )
    if imported.decisions:
        print(
            f"  adjudication decisions (no tag, unresolved): {len(imported.decisions):,} read, "
            f"{decided:,} new or changed"
        )
    for line in reviewed.lines():
        print(line)
    for line in reviewed.warnings():
        print(f"tuireader: {line}", file=sys.stderr)
    if stuck is not None:
        print_error(stuck)
    if len(report.by_annotator) > 1:
        for name, counts in report.by_annotator.items():
            print(
                f"  {sanitise.line(name) or '(no name)'}: {counts.added:,} added, {counts.updated:,} "
                f"updated, {counts.skipped:,} skipped"
            )
    return 0


STDIN = "standard input"


@contextmanager
def staged(file: str, settle: Settle) -> Iterator[StagedImport]:
    """``stage_import`` of ``file``, or of standard input for ``-``: copied first to a private
    temporary file (the reader seeks: a csv or jsonl file is told by its first line, then read
    again from the start), held to the limit of a file read whole."""
    if file != "-":
        with stage_import(file, settle) as imported:
            yield imported
        return
    with _spooled_stdin() as spool:
        try:
            imported = stage(read_records(spool, STDIN), STDIN, settle)
        except OSError as exc:
            raise ImportFileError(STDIN, os_problem(exc, "an export file")) from None
    with imported:
        yield imported


@contextmanager
def _spooled_stdin() -> Iterator[BinaryIO]:
    if sys.stdin is None:  # Python's stand-in when descriptor 0 was closed (import - <&-)
        raise ImportFileError(
            STDIN,
            "closed, so there is no export to read: pipe one in (cat out.jsonl | tuireader import -)",
        )
    if sys.stdin.isatty():
        raise ImportFileError(
            STDIN, "a terminal, not an export: pipe one in (cat out.jsonl | tuireader import -)"
        )
    source = sys.stdin.buffer
    with tempfile.TemporaryFile(prefix="tuireader-import-") as spool:
        size = 0
        try:
            while block := source.read(1 << 20):
                size += len(block)
                if size > MAX_FILE_BYTES:
                    raise ImportFileError(
                        STDIN,
                        f"more than {megabytes(MAX_FILE_BYTES)}: save it to a file and import that",
                    )
                spool.write(block)
            spool.flush()
        except OSError as exc:
            raise ImportFileError(
                STDIN, f"{os_problem(exc)} (copying it to a temporary file)"
            ) from None
        spool.seek(0)
        yield spool


def record_codebook(store: Store, tags: Sequence[Tag]) -> None:
    """Record the export's codebook (labels, guidelines) in the database's record of its tag
    sets, so ``tags --db`` and the reader under another codebook show them; what the database
    recorded itself is kept."""
    recorded = store.get_state(TAG_SET_STATE, None)
    merged = merged_record(recorded, tags, replace_known=False)
    if merged != (recorded if isinstance(recorded, list) else []):
        store.set_state(TAG_SET_STATE, merged)


def import_decisions(store: Store, decisions: Sequence[Decision]) -> int:
    """Merge the adjudicators' "no tag" and "unresolved" decisions into the store's state, in
    one write; how many sentences' decisions were added or changed."""
    groups: dict[str, list[Decision]] = {}
    for d in decisions:
        groups.setdefault(state_key(d.adjudicator, d.article_id), []).append(d)
    changed: dict[str, Any] = {}
    count = 0
    for key, found in groups.items():
        old = store.get_state(key, {})
        new = merged_decisions(old, found)
        before = old if isinstance(old, Mapping) else {}
        differ = sum(1 for k, v in new.items() if before.get(k) != v)
        if differ:
            changed[key] = new
            count += differ
    if changed:
        store.set_states(changed)
    return count


def files_at_hand(
    articles: Sequence[Mapping[str, Any]], split: Set[str]
) -> Callable[[str], Article | None]:
    """``Store.import_batches``' ``article_at_hand``: the article of an id whose file is still where
    the export says, with the same text. None for an id whose records the import hands in more
    than one run (``StagedImport.split``) or that the export lists twice (each entry is
    attached in turn after the import, as before)."""
    listed = Counter(meta["id"] for meta in articles)
    paths = {meta["id"]: meta.get("path") for meta in articles if listed[meta["id"]] == 1}

    def load(article_id: str) -> Article | None:
        if article_id in split or article_id not in paths:
            return None
        return load_unchanged(paths[article_id], article_id)

    return load


def settle_at_hand(db: Path) -> Settle:
    """``stage_import``'s ``settle``: a run of an article's records attached to its file, read
    where the export says, if its text is unchanged and the article is not in the database
    already (going by its shard file: the store decides for certain, ``vouched`` and
    ``imports.attached_on_write``; a stored article is attached after the import, so reading
    its file here would be wasted)."""
    folder = shard_folder(db)
    try:
        stored = set(os.listdir(folder))
    except OSError:  # no folder yet (a new database), or none to read: the store decides
        stored = set()
    resolve = ResolvedPaths()

    def settle(article_id: str, path: str, run: dict[str, dict[str, Any]]) -> Settled | None:
        if shard_name(article_id) in stored:
            return None
        found = unchanged_file(path, article_id)
        if found is None:
            return None
        article, link = found
        return settled_run(article, run, path, resolve, no_link=link is False)

    return settle


def vouched(
    batches: Iterable[list[StoredRecord | ArticleRecords]],
    articles: Sequence[Mapping[str, Any]],
    split: Set[str],
) -> Iterator[list[StoredRecord | ArticleRecords]]:
    """The batches, but a run settled while staging whose article ``files_at_hand`` would not
    load (its records are in more than one run, the export lists it twice, or at another
    path than the run named) as the file had it: the store attaches it after the import."""
    listed = Counter(meta["id"] for meta in articles)
    paths = {meta["id"]: meta.get("path") for meta in articles}

    def vouch(item: StoredRecord | ArticleRecords) -> StoredRecord | ArticleRecords:
        if not isinstance(item, ArticleRecords) or item.settled is None:
            return item
        a = item.article_id
        if a in split or listed[a] != 1 or paths.get(a) != item.settled.source:
            return item.unsettled()
        return item

    for batch in batches:
        yield list(map(vouch, batch))


def attach_known_articles(store: Store, articles: Iterable[Mapping[str, Any]]) -> int:
    """Attach the articles whose files are still where the export says, with the same text.

    That records their title, date and sentence count from the file itself and re-anchors the
    imported annotations on the current text. An article whose file is gone or changed keeps
    its annotations and the metadata the export carried. Attached in writes of many articles,
    and not kept loaded (an import of 500 articles of 1,000 annotations held them all: 775 MB).
    """
    found = (load_unchanged(meta.get("path"), meta["id"]) for meta in articles)
    return store.attach_all(article for article in found if article is not None)

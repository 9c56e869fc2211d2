"""``tuireader import FILE``: annotations back from our json or jsonl export."""

from __future__ import annotations

import argparse

from tuireader.cli import add_db_options, default_annotator
from tuireader.importing import read_import
from tuireader.paths import resolve_db_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="a json or jsonl file written by `tuireader export`"
    )
    add_db_options(parser)


def run(args: argparse.Namespace) -> int:
    # The whole file is parsed and checked before the database is opened: a file that is not
    # ours never touches it.
    imported = read_import(args.file)
    from tuireader.store import Store

    with Store.open(resolve_db_path(args.db), default_annotator()) as store:
        result = store.import_annotations(imported.annotations)
    skipped = result.skipped + imported.duplicates
    print(
        f"{args.file}: {result.added} added, {result.updated} updated, {skipped} skipped "
        f"({imported.format}, {len(imported.annotations) + imported.duplicates} annotations)"
    )
    return 0

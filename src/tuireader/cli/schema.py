"""``tuireader schema``: the JSON Schema of the json export, for validators and code generators."""

from __future__ import annotations

import argparse
import sys

from tuireader.cli import add_db_options, load_options_config, optional_database
from tuireader.export import schema_text
from tuireader.tags import database_tags


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the JSON Schema (draft 2020-12) of `tuireader export --format json`; "
        "its $defs/jsonl_record describes one line of --format jsonl. Its tag list is the "
        "tag set in use (the config's) and any other tag the database holds."
    )
    add_db_options(parser)


def run(args: argparse.Namespace) -> int:
    config = load_options_config(args)
    tags = config.tags
    db = optional_database(args.db)
    if db is not None:
        from tuireader.store import Store

        with Store.open(db, create=False) as store:
            tags = database_tags(tags, store)
    sys.stdout.write(schema_text(tags.ids))
    return 0

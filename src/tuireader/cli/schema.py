"""``tuireader schema``: the JSON Schema of the json export, for validators and code generators."""

from __future__ import annotations

import argparse
import sys

from tuireader.export import schema_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the JSON Schema (draft 2020-12) of `tuireader export --format json`; "
        "its $defs/jsonl_record describes one line of --format jsonl."
    )


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return 0

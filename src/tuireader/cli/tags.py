"""``tuireader tags``: the tag set in use, with its keys and guidelines (the codebook)."""

from __future__ import annotations

import argparse
import sys
import textwrap

from tuireader import sanitise
from tuireader.cli import add_db_options, load_options_config, optional_database, write_json
from tuireader.config import Config, split_keys
from tuireader.tags import Tag, TagSet, database_tags


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the tag set in use (the config's, else fact / speculation / expert opinion) with "
        "each tag's marker, keys and guideline, and any other tag the database holds."
    )
    add_db_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def tag_keys(tag: Tag, config: Config) -> list[str]:
    """The keys that apply ``tag`` in the reader, remapped by ``[keys]``."""
    if not tag.active:
        return []
    remapped = config.keys.get(tag.binding_id)
    return split_keys(remapped) if remapped is not None else list(tag.keys)


def run(args: argparse.Namespace) -> int:
    config = load_options_config(args)
    if config.files:
        # Keys are shown: a config file's must be valid. Without one they are the built-in keys
        # (checked by the tests), and the reader's bindings, Textual and all, are not loaded.
        from tuireader.ui.app import check_config

        check_config(config)
    tags = config.tags
    db = optional_database(args.db)
    if db is not None:
        from tuireader.store import Store

        with Store.open(db, create=False) as store:
            tags = database_tags(tags, store)
    source = str(config.files[-1]) if "tags" in config.where else "built-in default"
    if args.json:
        write_json(
            {
                "source": source,
                "tags": [
                    {
                        **tag.to_record(),
                        "keys": tag_keys(tag, config),
                        "in_codebook": tag.active,
                    }
                    for tag in tags
                ],
            }
        )
        return 0
    sys.stdout.write(format_tags(tags, config, source))
    return 0


def format_tags(tags: TagSet, config: Config, source: str) -> str:
    lines = [f"Tag set: {source}", ""]
    width = max(len(sanitise.line(t.label)) for t in tags)
    # Ids from a database may be anything (written before imports checked them): shown exactly,
    # every control character a visible escape.
    ids = {t.id: sanitise.escape(t.id, newlines=False) for t in tags}
    id_width = max(map(len, ids.values()))
    for tag in tags:
        keys = " ".join(tag_keys(tag, config)) or "-"
        label, tag_id = sanitise.line(tag.label), ids[tag.id]
        lines.append(f"{tag.marker}  {label:<{width}}  {tag_id:<{id_width}}  keys: {keys}")
        what = sanitise.line(tag.description) or "(no guideline)"
        if not tag.active:
            what += " [in the database, not in this tag set]"
        lines += textwrap.wrap(what, 76, initial_indent="   ", subsequent_indent="   ")
    return "\n".join(lines) + "\n"

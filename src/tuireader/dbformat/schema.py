"""The schema of the main file: its version, its tables, the migrations from older versions,
and reading its bytes (refusing what is not ours)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

FORMAT = "tuireader-annotations"
"""Marks the file as ours, so a foreign JSON file is refused instead of overwritten."""

SCHEMA_VERSION = 5
"""Bump when the layout of a record or table changes, and add the step to ``MIGRATIONS``.

1: annotations, articles, state. 2: a ``done`` table (done marks per annotator and article);
annotations may carry ``provenance``, and ``annotator`` is required (schema 1 always wrote it).
3: a ``boundaries`` table (the user's sentence splits and joins, ``tuireader.boundaries``); an
older tuireader would refuse its journal entries as malformed, so it is told "newer" instead.
4: annotations move out of the main file into one shard file per article, and an ``index``
table counts them per article. 5: the same files; a shard file that neither the index nor the
journal names is a leftover of a killed import and is never read (a schema-4 tuireader reads
any shard file, so it is told "newer" instead of reading such a leftover)."""

META, ANNOTATIONS, ARTICLES, STATE, DONE = "meta", "annotations", "articles", "state", "done"
BOUNDARIES = "boundaries"
INDEX = "index"
TABLES = (META, ARTICLES, STATE, DONE, BOUNDARIES, INDEX)
"""The tables every main file has; any other small table is kept and journaled the same way."""
SHARDED = 4
"""The first schema with annotations in shards and the journal of ``JOURNAL_HEAD``."""
SCHEMA_KEY = "schema"
SHARD_KEY = "shard"

Tables = dict[str, dict[str, Any]]


def _one_to_two(tables: Tables) -> Tables:
    # Schema 1 records all carry ``annotator`` (the store always wrote it); a hand-made one
    # without it belongs to nobody in particular.
    for record in tables[ANNOTATIONS].values():
        if isinstance(record, dict):
            record.setdefault("annotator", "")
    tables.setdefault(DONE, {})
    return tables


def _two_to_three(tables: Tables) -> Tables:
    tables.setdefault(BOUNDARIES, {})
    return tables


def _three_to_four(tables: Tables) -> Tables:
    # The annotations stay inline here; ``AtomicJSONStorage`` moves inline annotations into
    # shards (and counts them in the index) at its first write.
    tables.setdefault(INDEX, {})
    return tables


def _four_to_five(tables: Tables) -> Tables:
    # The files stay as they are; only what reads them changed (see SCHEMA_VERSION).
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {
    1: _one_to_two,
    2: _two_to_three,
    3: _three_to_four,
    4: _four_to_five,
}
"""``MIGRATIONS[n]`` turns a version-``n`` file's tables into version ``n + 1``; the open path
runs the chain and keeps a ``.v{n}.bak`` copy of the file first."""

VERSION_ONLY = frozenset({4})
"""The steps of ``MIGRATIONS`` that change nothing but the version number."""


def version_only(version: int) -> bool:
    """Whether upgrading a sharded file of ``version`` changes nothing but its version number
    (every step from it is in ``VERSION_ONLY``): then the main file alone is written again, and
    the shards and the journal stay as they are, never gathered."""
    return SHARDED <= version < SCHEMA_VERSION and all(
        step in VERSION_ONLY for step in range(version, SCHEMA_VERSION)
    )


class FileProblem(Exception):
    """The file is not one we can use; ``problem`` is the user-facing part of the message and
    ``path`` the file, when it is not the main file (a shard)."""

    def __init__(self, problem: str, path: Path | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = path


def empty_tables() -> Tables:
    return {
        META: {SCHEMA_KEY: schema_record()},
        ARTICLES: {},
        STATE: {},
        DONE: {},
        BOUNDARIES: {},
        INDEX: {},
    }


def schema_record(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    return {"format": FORMAT, "version": version}


def parse(data: bytes) -> Tables:
    """Bytes of a file into tables; raises FileProblem for anything that is not our file."""
    if not data.strip():
        # An empty file holds nothing to lose (e.g. made by ``touch``): treat it as a new database.
        return empty_tables()
    try:
        tables = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FileProblem(f"not a tuireader database (invalid JSON: {exc})") from None
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise FileProblem("not a tuireader database (not a TinyDB file)")
    schema = tables.get(META, {}).get(SCHEMA_KEY)
    if not isinstance(schema, dict) or schema.get("format") != FORMAT:
        raise FileProblem("not a tuireader database (a JSON file written by another program)")
    version = schema.get("version")
    if type(version) is not int or version < 1:  # ``true`` is not version 1
        raise FileProblem(f"not a tuireader database (bad schema version {version!r})")
    if version > SCHEMA_VERSION:
        raise FileProblem(
            f"written by a newer tuireader (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}); upgrade tuireader to open it"
        )
    for name in TABLES:
        tables.setdefault(name, {})
    if version < SHARDED:
        tables.setdefault(ANNOTATIONS, {})
    return tables


def schema_version(tables: Tables) -> int:
    return int(tables[META][SCHEMA_KEY]["version"])


def migrate(tables: Tables) -> Tables:
    """Run the migration chain up to ``SCHEMA_VERSION``; a missing step is a FileProblem."""
    version = schema_version(tables)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise FileProblem(f"schema {version} cannot be upgraded to {SCHEMA_VERSION}")
        tables = step(tables)
        version += 1
        tables[META][SCHEMA_KEY] = schema_record(version)
    return tables

"""Where each file of a database at ``PATH`` lives: the shards (one TinyDB file of annotations per
article) in ``PATH.d/`` and the journal ``PATH.journal``."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

_PLAIN_NAME = re.compile(r"[0-9a-z_][0-9a-z_-]{0,99}")


@functools.lru_cache(maxsize=64)
def shard_folder(path: Path) -> Path:
    # Cached: an import asks for it three times per article (with_name costs ~10 us).
    return path.with_name(path.name + ".d")


def shard_name(article_id: str) -> str:
    """The shard's file name: the article id itself when it is a safe name (ids are sha256 hex),
    else ``=`` and the sha256 of the id (never a plain name, so the two never collide; lower
    case only, so a case-insensitive file system cannot merge two)."""
    if _PLAIN_NAME.fullmatch(article_id):
        return article_id + ".json"
    return "=" + hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest() + ".json"


def shard_path(path: Path, article_id: str) -> Path:
    return shard_folder(path) / shard_name(article_id)


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")

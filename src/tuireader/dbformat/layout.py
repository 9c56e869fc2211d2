"""Where each file of a database at ``PATH`` lives: the shards (one TinyDB file of annotations per
article) in ``PATH.d/`` and the journal ``PATH.journal``."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
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


_KEPT_COPY = re.compile(r"\.v[0-9]+\.bak(?:\.journal)?|\.journal\.damaged-.+")
# What each file beside the main file ``PATH`` is, by the name after ``PATH``.
_BESIDE = {
    ".journal": "the journal",
    ".journal.mark": "the journal's mark",
    ".d": "the shard folder",
    ".bak": "the backup copy",
    ".lock": "the lock file",
    ".lock.owner": "the lock owner file",
}


def database_file_role(db: Path, path: Path) -> str | None:
    """What ``path`` is to the database at ``db`` ("the annotation database", "its journal", "one
    of its shards"...), or None when it is none of its files. Links are followed, so another
    name for a file of it is one of its files too. Folders are compared by identity (device and
    inode: a bind mount, or a case-insensitive file system's ``DB.JSON.D``, is the same folder)
    and names beside the database without regard to case, so ``DB.JSON.bak`` is its backup
    where the file system folds case (macOS, an exFAT or vfat stick); nothing is read."""
    main = Path(os.path.realpath(db))
    target = Path(os.path.realpath(path))
    if target == main:
        return "the annotation database"
    folder = shard_folder(main)
    if folder in target.parents or _in_folder(target, folder, main.parent):
        return f"one of the shards of the annotation database {main}"
    if target.parent == main.parent or _same_folder(target.parent, main.parent):
        name, base = target.name.casefold(), main.name.casefold()
        if name == base:
            return "the annotation database"
        if name.startswith(base):
            rest = name[len(base) :]  # casefolded, as _BESIDE and _KEPT_COPY are written
            role = _BESIDE.get(rest) or ("a kept copy" if _KEPT_COPY.fullmatch(rest) else "")
            if role:
                return f"{role} of the annotation database {main}"
        if name.startswith(f".{base}.") and name.endswith(".tmp"):
            return f"a temporary file of the annotation database {main}"
    return _same_file(main, target)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _same_folder(one: Path, other: Path) -> bool:
    found = _identity(one)
    return found is not None and found == _identity(other)


def _in_folder(target: Path, folder: Path, beside: Path) -> bool:
    """Whether ``target`` is inside ``folder`` by another name: a folder above it is that one
    (same identity), or sits where it does (``beside``) under its name in another case."""
    wanted = _identity(folder)
    name = folder.name.casefold()
    for above in target.parents:
        if wanted is not None and _identity(above) == wanted:
            return True
        if above.name.casefold() == name and _same_folder(above.parent, beside):
            return True
    return False


def _same_file(main: Path, target: Path) -> str | None:
    """A hard link to the main file or its journal (only a file that exists can be one)."""
    try:
        wanted = os.stat(target)
    except OSError:
        return None
    for candidate, role in ((main, "the annotation database"), (journal_path(main), None)):
        with contextlib.suppress(OSError):
            info = os.stat(candidate)
            if (info.st_dev, info.st_ino) == (wanted.st_dev, wanted.st_ino):
                return role or f"the journal of the annotation database {main}"
    return None

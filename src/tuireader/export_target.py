"""Where an export may be written: never over a file of the annotation database (its main file,
journal, shards, backup, lock, kept copies) nor over an article. ``tuireader export -o`` and the
reader's export dialog both ask here, so the two cannot disagree."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from tuireader.dbformat.layout import database_file_role


def refusal(path: Path, db: Path, articles: Iterable[str | os.PathLike[str]] = ()) -> str | None:
    """Why an export must not be written to ``path`` ("is the journal of the annotation database
    …", "is an article"), or None. ``articles`` are the article files to keep (those the database
    knows, those of the open folder); only one that exists can be written over, so they are
    compared only then, by name first and by file identity after."""
    role = database_file_role(db, path)
    if role is not None:
        return f"is {role}"
    try:
        wanted = os.stat(path)
    except OSError:
        return None
    names = {path.name, Path(os.path.realpath(path)).name}
    for article in articles:
        if os.path.basename(article) not in names:
            continue
        try:
            info = os.stat(article)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (wanted.st_dev, wanted.st_ino):
            return "is an article; an export never replaces one"
    return None

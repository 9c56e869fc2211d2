"""What the store keeps about an article besides its annotations: the ``articles`` table's
record of a real article, and article metadata from elsewhere (an import) checked before use."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tuireader.articles import Article
from tuireader.paths import path_text
from tuireader.records import RecordError, article_entry


def article_record(
    article: Article,
    resolve: Callable[[Path], str] | None = None,
    sentence_count: int | None = None,
) -> dict[str, Any]:
    """What the articles table keeps about an article (no timestamps: an unchanged article is
    not a change, so opening it writes nothing). ``resolve``: ``article_path``'s, for many
    files (``ResolvedPaths``). ``sentence_count``: ``len(article.sentences)``, where the
    caller has it without the sentences."""
    path = article.path
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "path": None if path is None else (resolve or _resolved)(path),
        "sentence_count": len(article.sentences) if sentence_count is None else sentence_count,
    }


def article_path(article: Article) -> str | None:
    """The article's file as recorded (resolved), which finds its older ids after an edit."""
    return _resolved(article.path) if article.path is not None else None


def _resolved(path: Path) -> str:
    return path_text(path.resolve())


class ResolvedPaths:
    """``article_path`` of many files, each folder resolved once: a file that is not a symbolic
    link resolves to its resolved folder and its name (one ``lstat``, where ``resolve`` checks
    every part of the path and the file again: 80 us a file, 12,500 files in an import)."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        try:
            link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            link = True  # gone meanwhile: as ``resolve`` says
        return self.known(path, link)

    def not_a_link(self, path: Path) -> str:
        """Of a path known not to name a symbolic link (a file just opened without following
        one, ``articles.unchanged_file``): no ``lstat``."""
        return self.known(path, False)

    def known(self, path: Path, link: bool) -> str:
        """Of a path whose last part is known to be a symbolic link or not."""
        parent, name = os.path.split(os.fspath(path))  # as ``path.parent``, ``path.name``
        if link or name in ("", ".", ".."):
            return _resolved(path)
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = os.path.realpath(parent or ".")
        return path_text(os.path.join(folder, name))


def checked_articles(metas: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Article metadata entries checked and completed; ValueError names the first bad one."""
    checked = []
    for position, meta in enumerate(metas, 1):
        try:
            checked.append(article_entry(meta))
        except RecordError as exc:
            raise ValueError(f"article metadata {position}: {exc}") from None
    return checked


def merged_articles(
    known: Mapping[str, dict[str, Any]], incoming: Iterable[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The records of the ``articles`` table that checked entries (``checked_articles``) add or
    complete, by id: only what is not known yet is filled in (a recorded value is never
    replaced, least of all by a null), and an entry with nothing but an id adds nothing."""
    changes: dict[str, dict[str, Any]] = {}
    for meta in incoming:
        old = changes.get(meta["id"]) or known.get(meta["id"])
        if old is None:
            if all(v is None for k, v in meta.items() if k != "id"):
                continue
            new = meta
        else:
            new = dict(old)
            for name, value in meta.items():
                if new.get(name) is None and value is not None:
                    new[name] = value
            if new == old:
                continue
        changes[meta["id"]] = new
    return changes


def ids_under(
    table: Mapping[str, Mapping[str, Any]], article_id: str, path: str | None
) -> list[str]:
    """The ids other than ``article_id`` that the ``articles`` table records under ``path``, in
    its order: one scan of the table (``SamePath`` answers many articles with one)."""
    if path is None:
        return []
    return [
        old_id
        for old_id, meta in table.items()
        if old_id != article_id and meta.get("path") == path
    ]


class SamePath:
    """Which other article ids the ``articles`` table records under a file's path, for attaching
    many articles in one write: built with one pass over the table instead of one per article
    (12,500 articles: ~22 s of scans otherwise). Kept a superset of the truth (``add`` each
    article recorded since), so ``others`` checks every candidate against the live table."""

    def __init__(self, table: Mapping[str, Mapping[str, Any]]) -> None:
        self._ids: dict[str, set[str]] = {}
        for article_id, meta in table.items():
            self.add(article_id, meta.get("path"))

    def add(self, article_id: str, path: str | None) -> None:
        if path is not None:
            self._ids.setdefault(path, set()).add(article_id)

    def others(
        self, article_id: str, path: str | None, table: Mapping[str, Mapping[str, Any]]
    ) -> list[str]:
        """``ids_under(table, article_id, path)``, without the scan when no other id was ever
        recorded under ``path``."""
        if path is None:
            return []
        candidates = {
            old_id
            for old_id in self._ids.get(path, ())
            if old_id != article_id and (table.get(old_id) or {}).get("path") == path
        }
        if not candidates:
            return []
        return [old_id for old_id in table if old_id in candidates]

"""The library folder: where ``add`` and standard input save articles, one file each.

A saved copy is what annotations anchor to, so it is written once (atomically, to a new name)
and never rewritten. Its name ends in a key of where it came from (``--<key>.md``): the URL for
a page or feed item, the text's id for standard input. Asking for the same source again finds
the copy by that key without fetching or reading any file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import stat
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tuireader.durable import fsync_folder, regular_file, temp_path
from tuireader.errors import PathError, file_kind, os_problem
from tuireader.formats import Document, to_markdown

_SLUG_DROP = re.compile(r"[^\w]+")
_SLUG_MAX = 60
_KEY = re.compile(r"--([0-9a-f]{12})\.(?:md|txt)\Z")


class LibraryError(PathError):
    """The library folder cannot be made or written."""


@dataclass(frozen=True, slots=True)
class Saved:
    path: Path
    new: bool
    """False when the source was already in the library (``path`` is the earlier copy)."""


def url_key(url: str) -> str:
    """The same page under trivially different addresses (case of scheme and host, a fragment,
    a trailing slash) gives the same key."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:  # a host urllib cannot parse (//a]b/x): the address as written
        return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:12]
    path = parts.path.rstrip("/") or "/"
    normal = urllib.parse.urlunsplit(
        (parts.scheme.lower(), (parts.hostname or "") + _port(parts), path, parts.query, "")
    )
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def text_key(article_id: str) -> str:
    return article_id[:12]


def _port(parts: urllib.parse.SplitResult) -> str:
    try:
        port = parts.port
    except ValueError:
        return ""
    return f":{port}" if port else ""


class LibraryFolder:
    """The folder and the keys of what is saved in it, listed once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._keys: dict[str, Path] = {}
        self._urls: dict[str, list[Path]] | None = None
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            names = []
        except OSError as exc:
            raise LibraryError(folder, os_problem(exc, "a folder")) from None
        for name in names:
            match = _KEY.search(name)
            if match and not name.startswith("."):
                self._keys.setdefault(match.group(1), folder / name)

    def find(self, *keys: str) -> Path | None:
        """The earlier copy saved under one of ``keys``; LibraryError when what bears that name
        is no copy (a FIFO, a link, a folder, a file without front matter): it is in the way."""
        for key in keys:
            path = self._keys.get(key)
            if path is None:
                continue
            problem = _not_a_copy(path)
            if problem is None:
                return path
            if problem is _GONE:
                del self._keys[key]
                continue
            raise LibraryError(
                path,
                f"in the way: {problem}, not a copy this library saved; "
                "move it away to add this source",
            )
        return None

    def find_url(self, url: str) -> list[Path]:
        """The files saved from ``url`` under other addresses (a redirect, a canonical link):
        the ``url:`` line of each saved file's front matter, read once. Several articles may
        declare one canonical address; they come in the order their names sort."""
        if self._urls is None:
            self._urls = {}
            for path in self._keys.values():
                saved_url = _front_matter_url(path)
                if saved_url:
                    self._urls.setdefault(url_key(saved_url), []).append(path)
            for paths in self._urls.values():
                paths.sort()
        return list(self._urls.get(url_key(url), ()))

    def save_document(self, doc: Document, key: str, **fields: str | None) -> Saved:
        """``doc`` as Markdown with front matter; an existing copy under ``key`` is kept."""
        existing = self.find(key)
        if existing is not None:
            return Saved(existing, new=False)
        data = to_markdown(doc, **fields).encode("utf-8")
        return Saved(self._write(_file_stem(doc.title, doc.date), key, ".md", data), new=True)

    def save_text(self, text: str, title: str, date: str | None, key: str) -> Saved:
        """Plain text kept exactly as given (it parses to the same article, with the same id)."""
        existing = self.find(key)
        if existing is not None:
            return Saved(existing, new=False)
        data = text.encode("utf-8")
        return Saved(self._write(_file_stem(title, date), key, ".txt", data), new=True)

    def _write(self, stem: str, key: str, suffix: str, data: bytes) -> Path:
        path = self.folder / f"{stem}--{key}{suffix}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_new(path, data)
        except OSError as exc:
            raise LibraryError(path, os_problem(exc)) from None
        self._keys[key] = path
        if self._urls is not None:
            saved_url = _front_matter_url(path)
            if saved_url:
                self._urls.setdefault(url_key(saved_url), []).append(path)
        return path


_GONE = "gone"


def _head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path`` if it is a regular file (not a link to one: the
    library writes none), opened without waiting; None for anything else."""
    with regular_file(path) as fd:
        if fd is None:
            return None
        try:
            return os.read(fd, size)
        except OSError:
            return None


def _not_a_copy(path: Path) -> str | None:
    """What is at ``path`` in words when it is not a copy the library saved; None when it is,
    ``_GONE`` when nothing is there any more."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return _GONE
    except OSError as exc:
        return os_problem(exc)
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if not stat.S_ISREG(mode):
        return file_kind(mode)
    head = _head(path, 4)
    if head is None:
        return "a file that cannot be read"
    if path.suffix == ".md" and not head.startswith(b"---"):
        return "a file with no front matter"  # every .md the library writes opens with it
    return None


def _front_matter_url(path: Path) -> str | None:
    data = _head(path, 4096)
    if data is None:
        return None
    head = data.decode("utf-8", "replace")
    if not head.startswith("---"):
        return None
    for line in head.split("\n")[1:]:
        if line.startswith("url: "):
            return line[5:].strip().strip('"') or None
        if line.strip() in ("---", "..."):
            return None
    return None


def _write_new(path: Path, data: bytes) -> None:
    """Write to a hidden temporary name, fsync, then link it to ``path``: ``path`` appears whole
    or not at all, and an existing file is never replaced (link fails with EEXIST)."""
    tmp = temp_path(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise OSError(errno.EEXIST, "a file of that name is already there") from None
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # A file system without hard links: rename, after checking the name is free.
            if path.exists():
                raise OSError(errno.EEXIST, "a file of that name is already there") from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    fsync_folder(path.parent)


def _file_stem(title: str | None, date: str | None) -> str:
    slug = _SLUG_DROP.sub("-", (title or "article").casefold()).strip("-_")[:_SLUG_MAX]
    slug = slug.rstrip("-_") or "article"
    day = date if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
    return f"{day}-{slug}" if day else slug


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

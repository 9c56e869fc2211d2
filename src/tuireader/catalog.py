"""The library as the reader lists it: files found at once, what they hold filled in afterwards.

Reading and parsing every file before the first frame took 2.6 s at 10,000 articles. A catalog
is built from the folder walk alone (names only, no file opened); a worker then fills in each
file's summary (id, title, date, source, sentence count) from a cache keyed by path, size and
modification time, reading only the files that are new or changed, and writes the cache back.
Files with the same text are folded into one entry that knows where the others are.
"""

from __future__ import annotations

import contextlib
import os
import stat
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tuireader.articles import Article, Library, load_article, skipped_summary, walk_folders
from tuireader.errors import ArticleError

CACHE_VERSION = 1
PARSER_MODULES = ("articles", "formats", "sentences", "decoding", "wire", "webpage")
"""The modules whose code decides a summary: a cache made by other code is not used (a new
version of the segmenter changes sentence counts; of the formats, titles and dates)."""
EXPORT_HEAD = b"# tuireader annotations\n\nExported "
"""How the reader's own markdown export begins (``export.markdown_chunks``): such a file, saved
in the folder being read (the dialog's default folder is beside the database, often there),
is a report of the annotations, not an article; the list leaves it out without a warning."""
EXPORT_TITLE = "tuireader annotations"
NOT_AN_ARTICLE = "a tuireader export, not an article"
OUR_EXPORT = "a tuireader "
"""How the problem of every export of ours begins (``NOT_AN_ARTICLE``, ``formats.data_file_kind``'s
json, jsonl, csv and Markdown exports): such a file saved among the articles is left out without a
warning, as the user made it; a database or other data file is left out with one."""
OPEN_ARTICLES = 8
"""Parsed articles kept in memory (the open one and a few visited before it)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What the list shows of an article, without its text. ``sentences`` is None until known."""

    id: str
    title: str
    date: str | None = None
    source: str | None = None
    sentences: int | None = None

    @classmethod
    def of(cls, article: Article, count: bool = True) -> Summary:
        sentences = len(article.sentences) if count or "sentences" in vars(article) else None
        return cls(article.id, article.title, article.date, article.source, sentences)

    def to_row(self, size: int, mtime_ns: int) -> list[object]:
        return [size, mtime_ns, self.id, self.title, self.date, self.source, self.sentences]

    @classmethod
    def from_row(cls, row: object, size: int, mtime_ns: int) -> Summary | None:
        """The summary cached for a file of this size and time, or None (changed or malformed)."""
        if not isinstance(row, list) or len(row) != 7 or row[0] != size or row[1] != mtime_ns:
            return None
        _, _, id_, title, date, source, sentences = row
        if not (isinstance(id_, str) and isinstance(title, str)):
            return None
        return cls(
            id_,
            title,
            date if isinstance(date, str) else None,
            source if isinstance(source, str) else None,
            sentences if isinstance(sentences, int) and not isinstance(sentences, bool) else None,
        )


class Entry:
    """One article file in the list. ``summary`` arrives after the first frame; ``others`` are
    files with the same text, shown as this one entry."""

    __slots__ = (
        "folder",
        "name",
        "others",
        "path",
        "path_order",
        "problem",
        "search_key",
        "summary",
        "title_order",
    )

    def __init__(self, path: str, folder: str = "", name: str | None = None) -> None:
        self.path = path
        self.folder = folder
        self.name = os.path.basename(path) if name is None else name
        self.summary: Summary | None = None
        self.problem: str | None = None
        self.others: list[str] = []
        self.search_key: str | None = None
        """What the list filter compares, folded on first use (not for 100,000 at start)."""
        self.title_order: tuple[str, str] | None = None
        self.path_order: str | None = None
        """The title it was made from and its ``natural_key``, and the path's: made on the
        first sort, as the list sorts again on every batch of summaries."""

    @property
    def id(self) -> str | None:
        return self.summary.id if self.summary is not None else None

    @property
    def title(self) -> str:
        return self.summary.title if self.summary is not None else self.name

    @property
    def date(self) -> str | None:
        return self.summary.date if self.summary is not None else None

    def __repr__(self) -> str:
        return f"Entry({self.path!r})"


def fold(text: str) -> str:
    """Lower case without accents: what the list filter compares (``cafe`` finds "Café")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Catalog:
    """Every listed file, in walk order; the articles shown are the readable, distinct ones."""

    def __init__(self, entries: list[Entry], warnings: Iterable[str] = ()) -> None:
        self.entries = entries
        self.warnings: list[str] = list(warnings)
        self._by_id: dict[str, Entry] = {}
        self._articles: OrderedDict[str, Article] = OrderedDict()
        for entry in entries:
            if entry.summary is not None:
                self._index(entry)

    @classmethod
    def scan(cls, paths: Iterable[str | os.PathLike[str]]) -> Catalog:
        """Files under ``paths`` (folders at any depth), nothing read: fast enough for 100,000."""
        entries: list[Entry] = []
        warnings: list[str] = []
        seen: set[str] = set()
        paths = list(paths)
        # One folder's walk never yields a file twice (each folder is read once), and resolving
        # every path cost 3.0 of 3.6 s at 100,000 files: only several arguments can overlap.
        overlap = len(paths) > 1
        # Several arguments: a folder is named by the path given (``news/world``), so that the
        # list's groups and the library's totals keep the roots apart ("world/" in two of them,
        # or the top of each, was one group "./"). One folder: names relative to it, as before.
        for raw in paths:
            path = os.fspath(raw)
            if os.path.isdir(path):
                root = path.rstrip(os.sep) or os.sep
                skip = len(root) + 1
                found = False
                for folder, names in walk_folders(Path(path), warnings):
                    found = True
                    # Paths joined by hand: os.path.join per file was a third of the scan.
                    prefix = folder if folder.endswith(os.sep) else folder + os.sep
                    relative = folder[skip:]
                    if overlap:
                        relative = f"{root.rstrip(os.sep)}{os.sep}{relative}" if relative else root
                    for name in names:
                        file = prefix + name
                        if overlap:
                            key = os.path.realpath(file)
                            if key in seen:
                                continue
                            seen.add(key)
                        entries.append(Entry(file, relative, name))
                if not found:
                    warnings.append(f"{path}: no .txt or .md articles in this folder")
            elif os.path.exists(path):
                key = os.path.realpath(path)
                if key not in seen:
                    seen.add(key)
                    entries.append(Entry(path, os.path.dirname(path) if overlap else ""))
            else:
                warnings.append(f"{path}: no such file or folder")
        return cls(entries, warnings)

    @classmethod
    def of_library(cls, library: Library) -> Catalog:
        """A catalog of articles already read (tests, and the CLI's eager ``load_library``)."""
        entries: list[Entry] = []
        catalog = cls(entries, library.warnings)
        for article in library.articles:
            entry = Entry(article.display_path)
            entry.summary = Summary.of(article, count=False)
            entries.append(entry)
            catalog._index(entry)
            catalog._articles[article.id] = article
        return catalog

    # -- queries -------------------------------------------------------------------------------

    @property
    def shown(self) -> list[Entry]:
        """Entries to list: not failed, not a copy of another (before their summary, all)."""
        by_id = self._by_id
        return [
            e
            for e in self.entries
            if e.problem is None and (e.summary is None or by_id.get(e.summary.id) is e)
        ]

    @property
    def pending(self) -> list[Entry]:
        return [e for e in self.entries if e.summary is None and e.problem is None]

    def by_id(self, article_id: str) -> Entry | None:
        return self._by_id.get(article_id)

    def by_path(self, path: str | os.PathLike[str]) -> Entry | None:
        wanted = os.path.realpath(path)
        return next((e for e in self.entries if os.path.realpath(e.path) == wanted), None)

    def loaded(self, article_id: str) -> Article | None:
        """The article if it is in memory already (no file read)."""
        return self._articles.get(article_id)

    def skipped_summary(self) -> str | None:
        return skipped_summary(self.warnings) if self.warnings else None

    # -- articles ------------------------------------------------------------------------------

    def article(self, entry: Entry) -> Article:
        """The parsed article of ``entry`` (read now unless recently opened); ArticleError if the
        file can no longer be read. The entry's summary follows the file if it changed."""
        if entry.id is not None and entry.id in self._articles:
            self._articles.move_to_end(entry.id)
            return self._articles[entry.id]
        article = load_article(entry.path)
        if entry.summary is None or entry.summary.id != article.id:
            self.apply(entry, Summary.of(article, count=False))
        self._articles[article.id] = article
        while len(self._articles) > OPEN_ARTICLES:
            self._articles.popitem(last=False)
        return article

    # -- filling in ----------------------------------------------------------------------------

    def apply(self, entry: Entry, result: Summary | str) -> None:
        """Record what reading ``entry`` gave: its summary, or the problem that skipped it."""
        if isinstance(result, str):
            entry.problem = result
            if not result.startswith(OUR_EXPORT):
                self.warnings.append(f"{entry.path}: skipped, {result}")
            return
        entry.summary = result
        self._index(entry)

    def _index(self, entry: Entry) -> None:
        assert entry.summary is not None
        first = self._by_id.setdefault(entry.summary.id, entry)
        if first is not entry and entry.path not in first.others:
            first.others.append(entry.path)
        entry.search_key = None


def parser_key() -> str:
    """Identifies the code that made the summaries: the version and its parsing modules' times
    (found without importing them: the HTML extractor is loaded only for HTML files)."""
    from importlib.util import find_spec

    from tuireader import __version__

    stamps = []
    for name in PARSER_MODULES:
        spec = find_spec(f"tuireader.{name}")
        try:
            stamps.append(str(os.stat(spec.origin if spec and spec.origin else "").st_mtime_ns))
        except OSError:
            stamps.append("?")
    return ":".join([__version__, *stamps])


def summarise(path: str) -> Summary | str:
    """Read one file for the list: its summary, or the problem as a short phrase."""
    try:
        article = load_article(path)
    except ArticleError as exc:
        return exc.problem
    if _export_title(article.title) and is_export(path):
        return NOT_AN_ARTICLE
    return Summary.of(article)


def _export_title(title: str) -> bool:
    # As markdown the heading is the title; as plain text (a report saved as .txt) the line is.
    return title.removeprefix("# ") == EXPORT_TITLE


def is_export(path: str) -> bool:
    """Whether ``path`` is a markdown export of tuireader (its first bytes say so, whatever
    its name: a path typed in the export dialog may end in .txt). Asked only of a file whose
    title is the export's, so an article costs nothing more."""
    try:
        # Opened without waiting (a FIFO named like an article must not hang the list), read
        # only when it is a regular file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            head = os.read(fd, len(EXPORT_HEAD) + 8)
        finally:
            os.close(fd)
    except OSError:
        return False  # reading the article names the problem
    return head.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").startswith(EXPORT_HEAD)


class SummaryCache:
    """Summaries from earlier runs, keyed by absolute path and checked by size and mtime.

    A missing, empty or outdated cache is an empty one: it only saves time. Only a regular
    file is read or written (a FIFO is never waited on, a symbolic link never followed) and
    only a cache of ours is replaced: anything else turns the cache off for the run, with
    ``problem`` saying why in one line. Written atomically; entries of files not seen this run
    are kept (another library's)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rows: dict[str, object] = {}
        self.dirty = False
        self.parser = parser_key()
        self.problem: str | None = None
        """Why the cache is off for this run (the file at ``path`` is not ours to replace)."""
        if path is None:
            return
        import orjson

        try:
            raw = _read_regular(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            self._off(_cache_problem(exc))
            return
        if raw is None:
            self._off("not a regular file")
            return
        if not raw.strip():
            return  # nothing in it to lose
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data = None
        if not (isinstance(data, dict) and "version" in data and "files" in data):
            self._off("not a tuireader library cache")
            return
        if data.get("version") == CACHE_VERSION and data.get("parser") == self.parser:
            rows = data.get("files")
            if isinstance(rows, dict):
                self.rows = rows

    def _off(self, why: str) -> None:
        from tuireader import sanitise

        self.problem = sanitise.message(
            f"{self.path}: {why}; the library cache is off for this session (the file is kept)"
        )
        self.path = None

    def get(self, key: str, size: int, mtime_ns: int) -> Summary | None:
        return Summary.from_row(self.rows.get(key), size, mtime_ns)

    def put(self, key: str, size: int, mtime_ns: int, summary: Summary) -> None:
        self.rows[key] = summary.to_row(size, mtime_ns)
        self.dirty = True

    def save(self) -> None:
        """Write the cache if it changed; a failure only costs the next start some time. Only
        over a regular file (not through a link), which may have appeared since it was read."""
        if self.path is None or not self.dirty:
            return
        import orjson

        from tuireader.durable import write_atomic

        data = orjson.dumps({"version": CACHE_VERSION, "parser": self.parser, "files": self.rows})
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                mode = os.lstat(self.path).st_mode
            except FileNotFoundError:
                mode = stat.S_IFREG
            if stat.S_ISREG(mode):
                write_atomic(self.path, data)
                self.dirty = False


def _read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file, else None; never waits on a FIFO nor
    follows a symbolic link (OSError ELOOP)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _cache_problem(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "a symbolic link (the cache is never written through one)"
    from tuireader.errors import os_problem

    return os_problem(exc, "a file")


def fill(
    entries: Sequence[Entry],
    cache: SummaryCache,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[Entry, Summary | str]]:
    """Each entry's summary (from the cache when its file is unchanged, else read) or problem.

    Meant for a worker thread: it only reads ``entries`` and updates ``cache``; the caller applies
    the results to the catalog on its own thread. Stops early when ``stop()`` says so.
    """
    for entry in entries:
        if stop():
            return
        key = os.path.abspath(entry.path)
        try:
            info = os.stat(key)
        except OSError as exc:
            from tuireader.errors import os_problem

            yield entry, os_problem(exc, "an article file")
            continue
        summary = cache.get(key, info.st_size, info.st_mtime_ns)
        if summary is not None and _export_title(summary.title) and is_export(entry.path):
            yield entry, NOT_AN_ARTICLE  # listed by an older version, which took it in
            continue
        if summary is None:
            result = summarise(entry.path)
            if isinstance(result, Summary):
                cache.put(key, info.st_size, info.st_mtime_ns, result)
            yield entry, result
        else:
            yield entry, summary

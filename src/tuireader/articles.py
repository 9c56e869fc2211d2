"""The Article model and the library: files on disk parsed into displayable, addressable text."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tuireader import sanitise
from tuireader.decoding import NotText, decode
from tuireader.errors import MAX_ARTICLE_BYTES, ArticleError, os_problem, read_bytes
from tuireader.formats import HTML_SUFFIXES, MARKDOWN_SUFFIXES, Document, NotAnArticle, parse
from tuireader.natural_order import natural_key
from tuireader.paths import path_from_text, path_text
from tuireader.sentences import Sentence, segment, segment_spans, split_paragraph

ARTICLE_SUFFIXES = frozenset({".txt", *MARKDOWN_SUFFIXES, *HTML_SUFFIXES})
PARAGRAPH_SEPARATOR = "\n\n"
TITLE_MAX_CHARS = 72
TITLE_SCAN_CHARS = 2000
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_WHITESPACE = re.compile(r"\s+")
_OPENING_QUOTES = "\"'“‘«„"


@dataclass(frozen=True, eq=False)
class Article:
    """A parsed article. ``body`` is exactly what is displayed; every offset indexes it."""

    id: str
    title: str
    body: str
    paragraphs: tuple[tuple[int, int], ...]
    path: Path | None = None
    date: str | None = None
    source: str | None = None
    format: str = "text"
    author: str | None = None
    url: str | None = None
    dateline: str | None = None

    @cached_property
    def word_count(self) -> int:
        return sum(1 for _ in _WORD.finditer(self.body))

    @cached_property
    def raw_sentences(self) -> list[Sentence]:
        """The segmenter's sentences, segmented on first use (large books pay for it only when
        opened)."""
        # pop: the first paragraph's spans, if the title was taken from them, are used once
        return segment(self.body, self.paragraphs, self.__dict__.pop(_FIRST_SPANS, None))

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The sentences as read: the segmenter's, with the user's splits and joins once the
        store has applied them (``Store.attach``, see ``tuireader.boundaries``)."""
        return self.raw_sentences

    def use_sentences(self, sentences: list[Sentence]) -> None:
        """Replace the sentences by corrected ones (the text itself never changes)."""
        self.__dict__["sentences"] = sentences

    @property
    def display_path(self) -> str:
        return str(self.path) if self.path is not None else "<text>"

    def to_dict(self) -> dict[str, object]:
        """Plain metadata for JSON output (no body)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "author": self.author,
            "url": self.url,
            "dateline": self.dateline,
            "path": path_text(self.path) if self.path is not None else None,
            "format": self.format,
            "word_count": self.word_count,
            "paragraph_count": len(self.paragraphs),
        }


_ID_CHUNK = 1 << 16
"""Characters hashed at a time: splitting a whole book into words at once held 562k strings
(41.6 MB for War and Peace) only to join them again."""


ARTICLE_ID = re.compile("[0-9a-f]{16}")
"""What ``article_id`` returns: the only article ids there are (an import refuses any other)."""


def article_id(body: str) -> str:
    """A stable id from the normalised text: renaming or moving the file keeps it.

    The hash of NFC text with every run of whitespace made one space and none at either end,
    fed a chunk at a time (cut at whitespace, so no word is split between two chunks).
    """
    text = body if body.isascii() else unicodedata.normalize("NFC", body)  # ASCII is NFC
    # A text of words one space apart, printable through and through (every character
    # ``split`` cuts at but the space itself is unprintable, which a test checks over all of
    # Unicode), is its own normal form: hashed as it is, without splitting it into words
    # (most of the cost for a short article). Paragraphs are one blank line apart.
    joined = text.replace("\n\n", " ")
    if joined.isprintable() and "  " not in joined and joined[:1] != " " and joined[-1:] != " ":
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]
    digest = hashlib.sha256()
    started = False
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + _ID_CHUNK)
        while end < len(text) and not text[end].isspace():
            end += 1
        words = text[pos:end].split()
        if words:
            digest.update(((" " if started else "") + " ".join(words)).encode("utf-8"))
            started = True
        pos = end
    return digest.hexdigest()[:16]


def from_text(text: str, path: Path | None = None) -> Article:
    """Build an Article from decoded text (the format is detected from content and suffix)."""
    return from_document(parse(text, path), path)


def from_document(doc: Document, path: Path | None = None) -> Article:
    doc = _without_wordless_paragraphs(doc)
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in doc.paragraphs:
        spans.append((pos, pos + len(para)))
        pos += len(para) + len(PARAGRAPH_SEPARATOR)
    body = PARAGRAPH_SEPARATOR.join(doc.paragraphs)
    first_spans = None
    if doc.title:
        title = doc.title
    else:
        title, first_spans = _derived_title(doc, path)
    article = Article(
        id=article_id(body if doc.id_text is None else doc.id_text),
        title=title,
        body=body,
        paragraphs=tuple(spans),
        path=path,
        date=doc.date,
        source=doc.source,
        format=doc.format,
        author=doc.author,
        url=doc.url,
        dateline=doc.dateline,
    )
    if first_spans is not None:
        article.__dict__[_FIRST_SPANS] = first_spans
    return article


def _without_wordless_paragraphs(doc: Document) -> Document:
    """A paragraph with neither a letter nor a digit in it (a rule ``---``, a section break
    ``* * *``, ``...``) is no claim to tag: it leaves the text. One with a digit stays (a date
    line ``2024-03-02``, ``$4.2 million``, a list number ``1.``): a reader may have tagged it, and
    dropping it would orphan that tag. The id stays the one the text had with it (whitespace is
    normalised in the id, so the same words give the same id)."""
    kept = tuple(p for p in doc.paragraphs if _LETTER_OR_DIGIT.search(p))
    if len(kept) == len(doc.paragraphs) or not kept:
        return doc
    id_text = doc.id_text if doc.id_text is not None else " ".join(doc.paragraphs)
    return dataclasses.replace(doc, paragraphs=kept, id_text=id_text)


_FIRST_SPANS = "_first_paragraph_spans"
"""Where an Article keeps the first paragraph's sentence spans when its title was derived from
them, until it is segmented: a dated article without a title line otherwise segments its first
paragraph twice."""


def raw_sentence_spans(article: Article) -> list[tuple[int, int]]:
    """The offsets of the segmenter's sentences (``Article.raw_sentences``) without building a
    ``Sentence`` of each (an import only checks offsets against them and counts them, 12,500
    files in a row): the sentences' own where they are built already."""
    made = article.__dict__.get("raw_sentences")
    if made is not None:
        return [(s.start, s.end) for s in made]
    return segment_spans(article.body, article.paragraphs, article.__dict__.get(_FIRST_SPANS))


def load_article(path: str | os.PathLike[str]) -> Article:
    """Read and parse one file; raises ArticleError naming the file and the problem."""
    if not isinstance(path, Path):  # load_unchanged passes a Path: parsing it again cost 4 us
        path = Path(path)
    data = read_bytes(path, "an article file", ArticleError, limit=MAX_ARTICLE_BYTES)
    return _article_of(data, path)


def _article_of(data: bytes, path: Path) -> Article:
    """The article in a file's bytes (``load_article`` without the reading)."""
    try:
        if path.suffix.lower() in HTML_SUFFIXES:
            from tuireader.webpage import decode_page  # a page may declare its charset

            text = decode_page(data)
        else:
            text = decode(data)
    except NotText as exc:
        raise ArticleError(path, str(exc)) from None
    try:
        article = from_text(text, path)
    except NotAnArticle as exc:
        raise ArticleError(path, str(exc)) from None
    if not article.body:
        raise ArticleError(path, "no article text after the header")
    return article


def load_unchanged(path: str | os.PathLike[str] | None, article_id: str) -> Article | None:
    """The article at ``path`` if its file is still there with the same text, else None."""
    if not path:
        return None
    path = path_from_text(path) if isinstance(path, str) else Path(path)
    try:  # a missing file, a folder or a FIFO is refused here too, with no extra stat
        article = load_article(path)
    except ArticleError:
        return None
    return article if article.id == article_id else None


def unchanged_file(path: str, article_id: str) -> tuple[Article, bool | None] | None:
    """``load_unchanged`` of a path as an export gives it (an import reads thousands), and
    whether the path names a symbolic link: False where the file was opened without following
    one (so its resolved path is its folder's and its name, with no ``lstat``), None where
    that is not known.

    A plain file is opened once, without the ``stat`` before, the blocking mode set back after
    and the second read to see its end (``read_bytes``' four more calls a file, each looking
    the path up again or copying a 1 MB buffer): one read of its size and a byte more says it
    is whole. Anything else (a link, no such path, a path with ``\\xNN`` escapes, a folder,
    a FIFO, a file too large or changing as it is read) goes the way ``load_unchanged`` goes."""
    file = Path(path)
    data = _plain_file_bytes(os.fspath(file))
    if data is None:
        article = load_unchanged(path, article_id)
        return None if article is None else (article, None)
    try:
        article = _article_of(data, file)
    except ArticleError:
        return None
    return (article, False) if article.id == article_id else None


_PLAIN_FLAGS = os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
_CAN_TELL_LINKS = hasattr(os, "O_NOFOLLOW")


def _plain_file_bytes(path: str) -> bytes | None:
    """The bytes of a regular file that is not a symbolic link, read whole in one ``read``;
    None for anything else, or on any failure (the caller then reads it the careful way)."""
    if not _CAN_TELL_LINKS:
        return None
    try:
        fd = os.open(path, _PLAIN_FLAGS)  # O_NONBLOCK: a FIFO opens without waiting, refused
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        size = info.st_size
        if not stat.S_ISREG(info.st_mode) or size > MAX_ARTICLE_BYTES:
            return None
        data = os.read(fd, size + 1)  # O_NONBLOCK changes nothing for a regular file
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == size else None


@dataclass(frozen=True)
class Library:
    """Articles newest first, then by title; files that could not be read, as one-line warnings."""

    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()

    def by_id(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)


def article_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """Expand folders (at any depth, .txt and .md) and keep files; missing paths become warnings."""
    files: list[Path] = []
    warnings: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(map(Path, walk_folder(path, warnings)), key=_path_order)
            if not found:
                warnings.append(f"{path}: no .txt or .md articles in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            warnings.append(f"{path}: no such file or folder")
    # A file named twice (``news/ news/a.txt``) is one article, read once and not "a duplicate".
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values()), warnings


def _path_order(path: Path) -> tuple[list[str], str]:
    """Folder by folder, each name in natural order (``natural_key``)."""
    return [natural_key(part) for part in path.parts], str(path)


def walk_folder(root: Path, warnings: list[str]) -> Iterator[str]:
    """Article files under ``root`` as path strings, hidden files and folders left out."""
    for folder, names in walk_folders(root, warnings):
        for name in names:
            yield os.path.join(folder, name)


_SUFFIX_TUPLE = tuple(ARTICLE_SUFFIXES)


def walk_folders(root: Path, warnings: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``root`` that holds article files, with their names (sorted), hidden
    files and folders left out; folders in depth-first order, subfolders sorted. By code point,
    not in natural order (``article_files`` and the list sort what they show): a natural key
    costs 2 µs a name, 0.2 s more before the first frame at 100,000 files.

    Iterative, so a folder any number of levels deep is walked (a recursive walk stops at
    Python's recursion limit); linked folders are followed once each, so a link back up the
    tree ends instead of looping. A folder that cannot be read is one warning. Names come per
    folder so a caller listing 100,000 files splits no path (that cost a third of the walk).
    """
    seen: set[tuple[int, int]] = set()
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                warnings.append(f"{folder}: skipped, a link to a folder already read")
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            warnings.append(f"{folder}: skipped, {os_problem(exc, 'a folder')}")
            continue
        subfolders: list[str] = []
        names: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    subfolders.append(entry.path)
                # The suffix test first: it is what rules out most entries, without a stat.
                elif name.lower().endswith(_SUFFIX_TUPLE) and entry.is_file():
                    names.append(name)
            except OSError:  # vanished or unreadable between the listing and the check
                continue
        if names:
            names.sort()
            yield folder, names
        stack.extend(sorted(subfolders, reverse=True))


def load_library(paths: Iterable[str | os.PathLike[str]]) -> Library:
    """Load every article under ``paths``; unreadable files are skipped with a warning."""
    files, warnings = article_files(paths)
    articles: list[Article] = []
    seen: set[str] = set()
    for file in files:
        try:
            article = load_article(file)
        except ArticleError as exc:
            warnings.append(f"{exc.path}: skipped, {exc.problem}")
            continue
        if article.id in seen:
            warnings.append(f"{file}: skipped, same text as another article")
            continue
        seen.add(article.id)
        articles.append(article)
    return Library(tuple(sort_articles(articles)), tuple(warnings))


def skipped_summary(warnings: Sequence[str]) -> str:
    """All of ``warnings`` as one line: the first, and how many more there are."""
    if len(warnings) == 1:
        return warnings[0]
    return f"{len(warnings):,} files or folders skipped; the first: {warnings[0]}"


def sort_articles(articles: Iterable[Article]) -> list[Article]:
    """Newest first; undated last; then by title in natural order (``natural_key``)."""
    by_title = sorted(articles, key=lambda a: (natural_key(a.title), a.display_path))
    dated = sorted((a for a in by_title if a.date), key=lambda a: a.date or "", reverse=True)
    return dated + [a for a in by_title if not a.date]


def _derived_title(doc: Document, path: Path | None) -> tuple[str, list[tuple[int, int]] | None]:
    """The title, and the first paragraph's sentence spans when the whole paragraph was read."""
    # The first sentence from the paragraph's opening only: a 1.9 MB paragraph of unspaced text
    # would otherwise be segmented whole at library load, for a 72-character title.
    first = doc.paragraphs[0][:TITLE_SCAN_CHARS] if doc.paragraphs else ""
    spans = split_paragraph(first) if first else []
    whole = spans if first and len(first) == len(doc.paragraphs[0]) else None
    sentence = first[spans[0][0] : spans[0][1]] if spans else first
    if sentence.lstrip()[:1] in _OPENING_QUOTES:
        # A quotation cut at 72 characters names nothing: any file name with a word in it
        # does better ("book.txt", "warandpeace-2600.txt"), in every format without a title.
        from_name = _title_from_filename(path, words=1)
        if from_name:
            return from_name, whole
    if not sentence:
        return _title_from_filename(path) or "Untitled", whole
    return trim_words(sentence, TITLE_MAX_CHARS), whole


def trim_words(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, marking the cut with …."""
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


def _title_from_filename(path: Path | None, words: int = 2) -> str | None:
    """The file name as a title, when it has at least ``words`` words of letters alone."""
    if path is None:
        return None
    # A file name may hold anything but "/": controls, escape sequences, undecodable bytes.
    parts = [w for w in re.split(r"[\s_\-.]+", sanitise.line(path.stem)) if w]
    if len([w for w in parts if w.isalpha()]) < words:
        return None
    return " ".join(w if w.isupper() else w.capitalize() for w in parts)

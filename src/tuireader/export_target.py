"""Where an export may be written: never over a file of the annotation database (its main file,
journal, shards, backup, lock, kept copies) nor over an article. ``tuireader export -o`` and the
reader's export dialog both ask here, so the two cannot disagree.

Any other file that exists is judged by what it holds (``held``, from its first few KB): another
tuireader database's files, any TinyDB document, a lock or its owner file, an article or a web
page are replaced only with ``--force`` (``content_refusal``; the reader's dialog never replaces
them); a previous export of ours, or anything else, is replaced silently by the CLI, as scripts
rerun exports, and after a question by the dialog."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

from tuireader.articles import ARTICLE_SUFFIXES
from tuireader.dbformat.layout import database_file_role
from tuireader.dbformat.schema import FORMAT
from tuireader.durable import regular_file

HEAD_BYTES = 8192
"""How much of an existing file ``held`` reads: enough for a TinyDB document's first table
name, a front matter block or an HTML page's opening."""

_BOM = "\ufeff"
_FIRST_TABLE = re.compile(r'\A\s*\{\s*"((?:[^"\\]|\\.)*)"\s*:\s*\{')
"""A JSON object whose first member is an object: a TinyDB document (tables of records). No
export of ours opens so: json and w3c begin with a string member, jsonl with a record's fields."""
_TINYDB_TABLE = re.compile(r'\A\s*\{\s*"(?:[^"\\]|\\.)*"\s*:\s*\{\s*(?:\}|"[0-9]+"\s*:\s*\{)')
"""TinyDB's own layout: the first table empty, or its first document under a numeric id (other
JSON whose first member is an object, a ``tsconfig.json``, is not taken for one)."""
_DATABASE_HEAD = re.compile(
    r'\A\s*\{\s*"meta"\s*:\s*\{\s*"(schema|shard)"\s*:\s*\{[^{}]*"format"\s*:\s*"'
    + re.escape(FORMAT)
    + '"'
)
_OLD_MAIN = re.compile(r'"schema"\s*:\s*\{')
"""A main file of schema 1 to 3 may open with another table than ``meta``."""
_MAIN = "the main file of a tuireader annotation database"
_JOURNAL_TABLES = frozenset({"changes", "journal"})
"""The journal's one table (schemas 4 on, and 2-3)."""
_OWNER = re.compile(r"\Atuireader pid [0-9]+ \(")
"""``PATH.lock.owner`` as ``store.files.OwnerFile`` writes it."""
# As ``formats.parse`` tells the seed format and Markdown with front matter from plain text,
# whatever the file's name.
_DATED = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s|\Z)")
_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n(?:[A-Za-z_][\w -]*[ \t]*:.*\n)+(?:---|\.\.\.)[ \t]*$", re.M
)
_HTML = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])",
    re.I | re.S,
)
_MARKDOWN_EXPORT = "# tuireader annotations\n"
_CSV_EXPORT = re.compile(r'\A"(?:id","article_id|article_id","article_title)",')
"""The first cells of our csv exports (annotations, ``--by-sentence``)."""


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


def content_refusal(path: Path) -> str | None:
    """Why an export must not replace ``path`` unless forced ("is an article (Markdown with
    front matter)", "is a TinyDB database ..."): ``held``, said as a reason; None for a file
    that may be replaced (none, an empty one, a previous export, anything not recognised)."""
    what = held(path)
    return None if what is None else f"is {what}"


def held(path: Path) -> str | None:
    """What the regular file at ``path`` is, when an export must not replace it unasked ("the
    main file of a tuireader annotation database", "an article (the dated article format)"), or None:
    no such file, an empty one, a previous export, or anything not recognised. Reads at most
    ``HEAD_BYTES`` of it (of a lock file's database, too); a FIFO or device is never opened for
    reading (nobody may be writing to it)."""
    head = _head(path)
    if head is None:
        return None
    text = _text(head)
    if text is None:  # binary: a parquet export, an image... nothing this knows to keep
        return None
    beside = _beside_database(path)
    if beside is not None:
        return beside
    if not text.strip():
        return None
    return _database_part(text) or _article(text, path)


def _head(path: Path) -> bytes | None:
    with regular_file(path, follow=True) as fd:  # a link: judged by the file it names
        if fd is None:
            return None
        try:
            return os.read(fd, HEAD_BYTES)
        except OSError:
            return None


def _text(head: bytes) -> str | None:
    """The head as text, a character cut at its end allowed; None for binary data."""
    if b"\x00" in head:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        text = head.decode("latin-1")  # an article in another encoding is still text
    return text.removeprefix(_BOM)


def _database_part(text: str) -> str | None:
    table = _FIRST_TABLE.match(text)
    if _OWNER.match(text):
        return "the lock owner file of a tuireader annotation database"
    if table is None:
        return None
    ours = _DATABASE_HEAD.match(text)
    if ours is not None and ours.group(1) == "shard":
        return "a shard of a tuireader annotation database (one article's annotations)"
    if ours is not None or (_OLD_MAIN.search(text) and f'"{FORMAT}"' in text):
        return _MAIN
    if table.group(1) in _JOURNAL_TABLES:
        return "the journal of a tuireader annotation database"
    if _TINYDB_TABLE.match(text):
        return "a TinyDB database (a JSON document of tables), not an export"
    return None


def _beside_database(path: Path) -> str | None:
    """What ``path`` is to a tuireader database it sits beside, told by its name (a lock file
    is empty; a journal or owner file may be): ``PATH.lock``, ``PATH.journal``, a shard in
    ``PATH.d/``... where ``PATH`` holds a tuireader database. Reads that file's head only."""
    name = path.name
    mains = [path.with_name(name[:i]) for i in range(1, len(name)) if name[i] == "."]
    if path.parent.name.casefold().endswith(".d"):
        mains.append(path.parent.with_name(path.parent.name[:-2]))
    for main in mains:
        role = database_file_role(main, path)
        if role is not None and _is_database(main):
            return role
    return None


def _is_database(path: Path) -> bool:
    head = _head(path)
    text = _text(head) if head is not None else None
    return text is not None and _database_part(text) == _MAIN


def _article(text: str, path: Path) -> str | None:
    if _HTML.match(text):
        return "a web page (an article the reader opens)"
    if _dated(text):
        return "an article (the dated article format)"
    if _FRONT_MATTER.match(text.replace("\r\n", "\n")):
        return "an article (Markdown with front matter)"
    if Path(os.path.realpath(path)).suffix.lower() in ARTICLE_SUFFIXES and not _export(text):
        return "an article (a text file the reader opens)"
    return None


def _dated(text: str) -> bool:
    """Whether ``text`` opens with the seed format's `` date YYYY-MM-DD `` header, a real date
    (as the reader tells the format: else it reads the file as plain text)."""
    match = _DATED.match(text)
    if match is None:
        return False
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return False
    return True


def _export(text: str) -> bool:
    """Whether ``text`` opens as one of our text exports (a report saved as .txt, say)."""
    start = text.replace("\r\n", "\n")
    return (
        start.startswith(_MARKDOWN_EXPORT)
        or start.lstrip()[:1] in ("{", "[")
        or _CSV_EXPORT.match(start) is not None
    )


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a file name a served reader may export to (its exports folder takes
    names only: no folder, no ``..``, no hidden file), or None."""
    if not name:
        return "give a file name"
    if "/" in name or "\\" in name or os.sep in name:
        return "give a name only, without a folder"
    if name.startswith("."):
        return "give a name that does not start with a dot"
    if any(ch < " " or ch == "\x7f" for ch in name):
        return "give a name without control characters"
    if len(os.fsencode(name)) > 255:
        return "give a shorter name (at most 255 bytes)"
    return None

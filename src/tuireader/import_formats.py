"""Import files in each format ``tuireader export`` writes for re-import: json, jsonl and csv.

``read_records`` detects the format from the start of the file (never from its name) and turns
it into a stream of raw records (annotations shaped like the json format's, article entries, done
marks, decisions), each with where it is in the file; the annotation codec then checks every
field. JSON Lines and CSV are read line by line and a json document over ``JSON_WHOLE_MAX``
member by member (``json_stream``), whatever their size; anything else is read whole, up to
``errors.MAX_FILE_BYTES``. A file that is none of the three is refused with one line that names
what it looks like and what ``import`` reads.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from operator import itemgetter, ne
from typing import Any, BinaryIO

import orjson

from tuireader.correction_records import is_correction
from tuireader.errors import MAX_FILE_BYTES, PathError, megabytes
from tuireader.export import (
    CSV_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    ROW_ARTICLE_FIELDS,
    csv_value,
)
from tuireader.json_stream import JSONObjectReader, JSONStreamError
from tuireader.plural import counted

NOT_OURS = "not a tuireader export"
ACCEPTED = "import reads tuireader json, jsonl and csv exports"
IMPORT_FORMATS = ("json", "jsonl", "csv")
ANNOTATION, ARTICLE, DONE, DECISION = "annotation", "article", "done mark", "decision"
CORRECTION = "sentence correction"
SCOPE = "scope"
TAGS = "tags"
Record = tuple[str, str, Any]
"""(kind: ANNOTATION, ARTICLE, DONE, DECISION, CORRECTION, SCOPE (a json export's ``scope``
and its ``exported_at``, a pair, once, before its lists) or TAGS (a json export's ``tags``, the
codebook of its tags with their guidelines, as found); where, such as "line 4" or "row 2"; the record
as parsed, before the codec checks it)."""
JSON_WHOLE_MAX = 32 << 20
"""A json document up to this size is parsed whole (``orjson``: fastest); a bigger one is read
member by member and its arrays element by element (``json_stream``)."""
_LISTS = {
    "articles": ARTICLE,
    "annotations": ANNOTATION,
    "done": DONE,
    "decisions": DECISION,
    "corrections": CORRECTION,
}

_BOM = b"\xef\xbb\xbf"

CSV_REQUIRED = (
    "id",
    "article_id",
    "start",
    "end",
    "tag",
    "quote",
    "annotator",
    "created",
    "updated",
    "anchor",
)
"""Columns an annotation cannot be rebuilt without; the rest of ``CSV_COLUMNS`` may be absent
(an older export, or a spreadsheet that dropped them)."""

_OLD_CSV = ("article", "date", "tag", "quote", "note", "annotator", "created")
_INT_COLUMNS = frozenset({"start", "end"})
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PAR1", "a parquet file (tuireader's parquet export is for analysis, not re-import)"),
    (b"PK\x03\x04", "a zip archive (a spreadsheet saved as .xlsx? save it as CSV UTF-8)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3", "an SQLite database"),
)


class ImportFileError(PathError):
    """A file that cannot be imported; the message is ``FILE: problem``."""


@dataclass(frozen=True, slots=True)
class AnnotationLines:
    """Consecutive lines of a jsonl file that are all annotation records (objects with an
    ``article_id``, an ``id`` and a ``tag``), parsed in one go: ``items[k]`` is line
    ``first + k``. Handed over together so that the codec checks them in one loop
    (``records.stored_from_exports``) instead of one generator step a line."""

    first: int
    items: list[dict[str, Any]]

    def records(self) -> Iterator[Record]:
        for number, item in enumerate(self.items, self.first):
            yield ANNOTATION, f"line {number}", item


@dataclass(frozen=True)
class RecordStream:
    """A file's records in file order, before the codec checks them. ``parts`` raises
    ``ImportFileError`` at the first line it cannot read."""

    format: str
    parts: Iterator[Record | AnnotationLines]
    """The records, runs of jsonl annotation lines together (``AnnotationLines``)."""

    @property
    def records(self) -> Iterator[Record]:
        """The records one by one."""
        for part in self.parts:
            if isinstance(part, AnnotationLines):
                yield from part.records()
            else:
                yield part


def parse_records(data: bytes, name: object = "<input>") -> RecordStream:
    """Detect the format of ``data`` and parse it; ``name`` labels errors."""
    return read_records(io.BytesIO(data), name)


def read_records(
    file: BinaryIO, name: object = "<input>", limit: int | None = None
) -> RecordStream:
    """Detect the format of the (seekable) ``file`` from its first line and stream its records:
    JSON Lines and CSV line by line, a json document over ``JSON_WHOLE_MAX`` member by member;
    anything else is read whole, up to ``limit`` bytes (``MAX_FILE_BYTES``)."""
    limit = limit or MAX_FILE_BYTES
    head = _head(file, limit)
    text = head[len(_BOM) :] if head.startswith(_BOM) else head
    stripped = text.lstrip()
    first, _, rest = stripped.partition(b"\n")
    if not _signature(stripped) and _is_utf8(first) and b"\x00" not in first and rest.strip():
        # A first line and more after it: lines or rows, whatever the size of the file.
        if first[:1] in (b"{", b"[") and _is_json(first):
            file.seek(0)
            return RecordStream("jsonl", _jsonl_records(file, name))
        if first[:1] not in (b"{", b"[") and _csv_split(first.decode("utf-8")) is not None:
            file.seek(0)
            return RecordStream("csv", _csv_records(file, name))
    file.seek(0)
    if stripped[:1] == b"{" and _size(file) > JSON_WHOLE_MAX:
        file.seek(0)
        return RecordStream("json", _streamed_document(file, name))
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        size = megabytes(_size(file))
        raise ImportFileError(name, f"too large ({size}; the limit is {megabytes(limit)})")
    return _parse_whole(data, name)


def _head(file: BinaryIO, limit: int) -> bytes:
    """The start of ``file``: through its first non-blank line and a little of what follows (or
    all of it, if shorter)."""
    head = file.read(1 << 16)
    while len(head) <= limit:
        _, newline, rest = head.lstrip().partition(b"\n")
        if newline and rest.strip():
            break
        more = file.read(max(len(head), 1 << 16))
        if not more:
            break
        head += more
    return head


def _size(file: BinaryIO) -> int:
    return file.seek(0, io.SEEK_END)


def _signature(data: bytes) -> str | None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _parse_whole(data: bytes, name: object) -> RecordStream:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    what = _signature(data)
    if what:
        raise ImportFileError(name, f"{NOT_OURS}: this is {what}; {ACCEPTED}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            name, f"{NOT_OURS}: not UTF-8 text (byte {exc.start}); {ACCEPTED}"
        ) from None
    if not text.strip():
        raise ImportFileError(name, f"{NOT_OURS}: the file is empty")
    if "\x00" in text.lstrip().split("\n", 1)[0]:  # a cell may hold one; a header never does
        raise ImportFileError(name, f"{NOT_OURS}: binary data; {ACCEPTED}")
    if text.lstrip()[:1] in ("{", "[") or _is_json(data):
        return _parse_json(data, name)
    if _csv_split(text.lstrip().split("\n", 1)[0]) is not None:
        return RecordStream("csv", _csv_records(io.BytesIO(data), name))
    raise ImportFileError(name, f"{NOT_OURS}: {_looks_like(text)}; {ACCEPTED}")


def _is_json(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


def _looks_like(text: str) -> str:
    start = text.lstrip()
    if start.startswith("# tuireader annotations"):
        return "this is a tuireader markdown report, which cannot be read back"
    if start.startswith("<"):
        return "this looks like XML or HTML"
    return "this is plain text, neither JSON, JSON Lines nor CSV"


# -- json and jsonl ----------------------------------------------------------------------------


def _parse_json(data: bytes, name: object) -> RecordStream:
    try:
        whole = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        first_line = next(line for line in data.splitlines() if line.strip())
        try:
            orjson.loads(first_line)
        except orjson.JSONDecodeError:
            # Neither a document nor lines: report where the document broke (a truncated or
            # hand-edited export says more with a line and column than "line 1").
            raise ImportFileError(
                name, f"not valid JSON or JSON Lines: {json_problem(exc)}"
            ) from None
        return RecordStream("jsonl", _jsonl_records(io.BytesIO(data), name))
    if isinstance(whole, dict) and "format" not in whole and "article_id" in whole:
        # A jsonl export of a single annotation.
        return RecordStream("jsonl", _jsonl_records(io.BytesIO(data), name))
    if isinstance(whole, dict) and "format" not in whole and _foreign_json(whole):
        raise ImportFileError(name, f"{NOT_OURS}: {_foreign_json(whole)}; {ACCEPTED}")
    return RecordStream("json", _document_records(whole, name))


def _foreign_json(item: Mapping[str, Any]) -> str | None:
    """What a JSON object we wrote but cannot read back is, if it is one."""
    if item.get("type") == "AnnotationCollection" or "@context" in item:
        return "this is a W3C Web Annotation collection (the w3c export cannot be read back)"
    if "text" in item and "spans" in item:
        return "this is spaCy/Prodigy JSON Lines (the spacy-jsonl export cannot be read back)"
    if "sentence" in item and "text" in item:
        return "this is a --by-sentence table (one row per sentence, no annotation records)"
    return None


def _document_records(doc: Any, name: object) -> Iterator[Record]:
    """The records of a json export (checked as a whole first, so a document that is not ours is
    refused before its first record): article entries, annotations, done marks, decisions."""
    if not isinstance(doc, dict):
        kind = "an array" if isinstance(doc, list) else "a single value"
        raise ImportFileError(name, f"{NOT_OURS}: the JSON is {kind}, not an export object")
    _check_header(doc, name)
    for key in ("articles", "annotations"):
        if not isinstance(doc.get(key), list):
            problem = "missing" if key not in doc else "not a list"
            raise ImportFileError(name, f'"{key}" is {problem}')
    for key in ("done", "decisions", "corrections"):
        if not isinstance(doc.get(key, []), list):
            raise ImportFileError(name, f'"{key}" is not a list')
    scope = [(SCOPE, [(doc["scope"], doc.get("exported_at"))])] if "scope" in doc else []
    tags = [(TAGS, [doc["tags"]])] if "tags" in doc else []
    return _listed(*scope, *((_LISTS[key], doc.get(key, [])) for key in _LISTS), *tags)


def _check_header(doc: Mapping[str, Any], name: object) -> None:
    fmt = doc.get("format")
    if fmt != FORMAT_NAME:
        found = f"format {fmt!r}" if fmt is not None else 'no "format" field'
        raise ImportFileError(name, f"{NOT_OURS}: {found}, expected {FORMAT_NAME!r}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError(name, f'bad "version" {version!r}, expected {FORMAT_VERSION}')
    if version > FORMAT_VERSION:
        raise ImportFileError(
            name,
            f"written by a newer tuireader (format version {version}); "
            f"this one reads version {FORMAT_VERSION}",
        )


def _streamed_document(file: BinaryIO, name: object) -> Iterator[Record]:
    """The records of a json export too big to parse whole, in the document's order. Its
    ``format`` and ``version`` must come before its lists (as ``export`` writes them)."""
    header: dict[str, Any] = {}
    found: set[str] = set()
    reader = JSONObjectReader(file, frozenset(_LISTS))
    try:
        for key, value in reader.members():
            if key in ("format", "version", "exported_at"):
                header[key] = value
            elif key == "scope":  # with the export's time, which comes before it (``export``)
                yield SCOPE, "scope", (value, header.get("exported_at"))
            elif key == "tags":
                yield TAGS, "tags", value
            elif key in ("@context", "type") and "format" not in header:
                foreign = _foreign_json({key: value})
                if foreign:  # said before its (large) annotations are read
                    raise ImportFileError(name, f"{NOT_OURS}: {foreign}; {ACCEPTED}")
            elif key in _LISTS:
                if "format" not in header:
                    raise ImportFileError(name, f'{NOT_OURS}: no "format" field before "{key}"')
                _check_header(header, name)
                if not isinstance(value, Iterator):
                    raise ImportFileError(name, f'"{key}" is not a list')
                found.add(key)
                kind = _LISTS[key]
                for i, item in enumerate(value, 1):
                    yield kind, f"{kind} {i}", item
    except JSONStreamError as exc:
        raise ImportFileError(name, f"not valid JSON or JSON Lines: {exc}") from None
    _check_header(header, name)
    for key in ("articles", "annotations"):
        if key not in found:
            raise ImportFileError(name, f'"{key}" is missing')


def _listed(*lists: tuple[str, list[Any]]) -> Iterator[Record]:
    for kind, items in lists:
        for i, item in enumerate(items, 1):
            yield kind, f"{kind} {i}", item


JSONL_CHUNK = 1 << 16
"""Bytes of jsonl lines parsed in one go (``_jsonl_records``): ~100 lines of an export."""


def _jsonl_records(file: BinaryIO, name: object) -> Iterator[Record | AnnotationLines]:
    """A jsonl export line by line: annotations and decisions, then the article entries built
    from the lines' ``article_*`` fields. The lines are parsed a chunk at a time, and a chunk
    of annotation lines only is handed on whole (``AnnotationLines``); any other chunk (a
    blank line, one that is not JSON, a decision, a done mark...) goes line by line, so what
    is refused and the line named are the same either way."""
    seen = False
    articles = _ArticlesFromRows(name)
    loads, chunk = orjson.loads, JSONL_CHUNK  # looked up once: these loops run for every line
    number = 0
    while lines := file.readlines(chunk):
        if number == 0 and lines[0].startswith(_BOM):
            lines[0] = lines[0][len(_BOM) :]
        try:
            items: list[Any] | None = list(map(loads, lines))
        except orjson.JSONDecodeError:
            items = None  # a blank line, or one that is not JSON: said line by line below
        if items is not None and _all_annotations(items) and articles.add_all(items):
            seen = True
            yield AnnotationLines(number + 1, items)
        else:
            for offset, line in enumerate(lines, number + 1):
                record = _jsonl_line(offset, line, seen, articles, name)
                if record is not None:
                    seen = seen or record[0] == ANNOTATION
                    yield record
        number += len(lines)
    yield from articles.records()


def _all_annotations(items: list[Any]) -> bool:
    """Whether every parsed line is an object with the fields that make ``_jsonl_line`` take it
    for an annotation (one C-level pass: the fields of each taken, and dropped)."""
    try:
        deque(map(_ANNOTATION_FIELDS, items), 0)
    except (KeyError, TypeError):  # a field missing, or not an object
        return False
    return set(map(type, items)) == _JUST_DICT


_ANNOTATION_FIELDS = itemgetter("article_id", "id", "tag")
_JUST_DICT = {dict}


def _jsonl_line(
    number: int, line: bytes, seen: bool, articles: _ArticlesFromRows, name: object
) -> Record | None:
    """One jsonl line as a record (None for a blank line, or an article line, whose fields go
    to ``articles``); ImportFileError if it is not one.
    ``seen``: whether an annotation came before (a first line is also judged as a whole
    file)."""
    if not line or line.isspace():  # isspace stops at the first other byte; strip copies
        return None
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        what = f"{NOT_OURS}: " if not seen else ""
        raise ImportFileError(
            name, f"{what}line {number} is not JSON ({json_problem(exc)})"
        ) from None
    if not isinstance(item, dict) or "article_id" not in item:
        foreign = _foreign_json(item) if isinstance(item, dict) and not seen else None
        if foreign:
            raise ImportFileError(name, f"{NOT_OURS}: {foreign}; {ACCEPTED}")
        raise ImportFileError(name, f"{NOT_OURS}: line {number} is not an annotation record")
    if "decision" in item and "id" not in item:  # an adjudication decision (no tag)
        return DECISION, f"line {number}", item
    if "article_title" in item and item.keys() <= _ARTICLE_LINE:
        articles.add(f"line {number}", item)  # an article line: none of its annotations here
        return None
    if is_correction(item):
        return CORRECTION, f"line {number}", item
    if "tag" not in item and "done" in item:  # a done mark
        return DONE, f"line {number}", item
    if not seen and "tag" not in item and "quote" not in item and _foreign_json(item):
        raise ImportFileError(name, f"{NOT_OURS}: {_foreign_json(item)}; {ACCEPTED}")
    where = f"line {number}"
    articles.add(where, item)
    return ANNOTATION, where, item


_ARTICLE_LINE = frozenset({"article_id", *ROW_ARTICLE_FIELDS})
"""The fields of a jsonl article line (``$defs/jsonl_article``); any other field makes the line
something else (a --by-sentence row has ``article_title`` too)."""


def json_problem(exc: orjson.JSONDecodeError) -> str:
    return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"


class _ArticlesFromRows:
    """Article entries from the ``article_*`` fields of jsonl lines or csv rows: the first
    row that names a value wins."""

    def __init__(self, name: object) -> None:
        self._name = name
        self._entries: dict[str, dict[str, Any]] = {}
        self._last: tuple[Any, ...] = ()
        """The last row's article id and fields, taken already."""

    def add(self, where: str, row: Mapping[str, Any]) -> None:
        try:
            values = _ROW_KEY(row)  # one C call: this runs for every line of a 500k file
        except KeyError:
            values = (row.get("article_id"), *map(row.get, _FIELDS))
        if values == self._last:
            return  # as the row before (an export's rows come article by article): nothing new
        if not isinstance(values[0], str):
            self._last = values
            return  # the codec names this problem with the record's position
        for field, value in zip(_FIELDS, values[1:], strict=True):
            if value is not None and not isinstance(value, str):
                raise ImportFileError(self._name, f'{where}: "{field}" is not a string')
        self._take(values)

    def add_all(self, rows: list[dict[str, Any]]) -> bool:
        """``add`` of each row (lines ``first`` on), where that cannot fail: False, and nothing
        added, if a row lacks a field or one it would take is not text (then ``add`` them one
        by one, in file order, for the line to be named). Only rows whose fields differ from
        the row before are looked at (an export's rows come article by article)."""
        try:
            values = list(map(_ROW_KEY, rows))
        except KeyError:
            return False
        changed = list(compress(values, map(ne, values, [self._last, *values[:-1]])))
        if not set(map(type, chain.from_iterable(changed))) <= _TEXT_OR_NULL:
            return False
        for row in changed:
            self._take(row)
        return True

    def _take(self, values: tuple[Any, ...]) -> None:
        """An article id and its fields (text or None each), as ``add`` takes them."""
        self._last = values
        article_id = values[0]
        if not article_id:
            return  # the codec names this problem with the record's position
        entry = self._entries.get(article_id)
        if entry is None:
            entry = self._entries[article_id] = dict.fromkeys(_ARTICLE_KEYS)
            entry["id"] = article_id
        for (key, _), value in zip(_ROW_FIELDS, values[1:], strict=True):
            if value and entry[key] is None:
                entry[key] = value

    def records(self) -> Iterator[Record]:
        for i, entry in enumerate(self._entries.values(), 1):
            yield ARTICLE, f"article {i}", entry


_ARTICLE_KEYS = ("id", "title", "date", "path", "sentence_count")
_ROW_FIELDS = tuple((key, f"article_{key}") for key in ("title", "date", "path"))
_FIELDS = tuple(field for _, field in _ROW_FIELDS)
"""The entry's keys and the row fields that name them (built once, not per row)."""
_ROW_KEY = itemgetter("article_id", *_FIELDS)
"""A row's article id and fields; KeyError when one is absent (then ``row.get`` each)."""
_TEXT_OR_NULL = {str, type(None)}


# -- csv ---------------------------------------------------------------------------------------


def _csv_records(file: Iterable[bytes], name: object) -> Iterator[Record]:
    """A csv export row by row, then the article entries built from its ``article_*`` columns.
    The delimiter is the one the header is split at into our columns (``_csv_delimiter``)."""
    lines = _text_lines(file, name)
    opening = []  # through the header line, blank lines before it kept for the line numbers
    for line in lines:
        opening.append(line)
        if line.strip():
            break
    delimiter = _csv_delimiter(opening[-1] if opening else "", name)
    reader = csv.reader(chain(opening, lines), delimiter=delimiter, strict=True)
    try:
        header = next((cells for cells in reader if cells), [])
        columns = [c.strip() for c in header]
        articles = _ArticlesFromRows(name)
        for cells in reader:
            if not cells:  # a blank line (a trailing one, or one a spreadsheet added)
                continue
            number = reader.line_num
            if len(cells) != len(columns):
                raise ImportFileError(
                    name,
                    f"row {number} has {counted(len(cells), 'cell')}, the header has {len(columns):,}",
                )
            record = _csv_record(dict(zip(columns, cells, strict=True)))
            articles.add(
                f"row {number}", {k: v or None for k, v in record.items() if k[:8] == "article_"}
            )
            yield ANNOTATION, f"row {number}", record
    except csv.Error as exc:
        raise ImportFileError(name, f"not valid CSV at line {reader.line_num}: {exc}") from None
    yield from articles.records()


def _text_lines(file: Iterable[bytes], name: object) -> Iterator[str]:
    """The file's lines as text (line ends kept, for the csv reader's quoted newlines)."""
    offset = 0
    for number, line in enumerate(file, 1):
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = f"byte {offset + exc.start}"
            if offset == 0:
                raise ImportFileError(
                    name, f"{NOT_OURS}: not UTF-8 text ({where}); {ACCEPTED}"
                ) from None
            raise ImportFileError(name, f"line {number} is not UTF-8 text ({where})") from None
        offset += len(line)


CSV_DELIMITERS = (",", ";", "\t")
"""What a csv file's cells may be separated by: a spreadsheet saves CSV with ``;`` where the
decimal separator is a comma (most of Europe), and "tab-separated" is a choice of most."""
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "a tab"}


def _csv_cells(line: str) -> dict[str, list[str]]:
    """The header line split at each delimiter."""
    return {
        d: [c.strip() for c in next(csv.reader([line], delimiter=d), [])] for d in CSV_DELIMITERS
    }


def _csv_split(line: str) -> str | None:
    """The delimiter that splits ``line`` into the most cells, if one splits it at all: whether
    the file is read as CSV (its header is judged by ``_csv_delimiter``). A line opening with a
    tag is markup, whatever it holds (``<meta content="text/html; charset=utf-8">``)."""
    if line.lstrip().startswith("<"):
        return None
    counts = {d: len(cells) for d, cells in _csv_cells(line).items()}
    best = max(CSV_DELIMITERS, key=counts.__getitem__)
    return best if counts[best] > 1 else None


def _csv_delimiter(header: str, name: object) -> str:
    """The one delimiter at which ``header`` names the columns our csv export writes (those an
    annotation needs, ``CSV_REQUIRED``); ImportFileError when none or several do."""
    cells = _csv_cells(header)
    ours = [d for d in CSV_DELIMITERS if set(CSV_REQUIRED) <= set(cells[d])]
    if len(ours) == 1:
        return ours[0]
    if ours:
        both = " and ".join(_DELIMITER_NAMES[d] for d in ours)
        raise ImportFileError(
            name,
            f"{NOT_OURS}: the CSV header names the columns of a tuireader csv export when split "
            f"at {both} alike, so its delimiter is ambiguous; {_EXPECTED_HEADER}; {ACCEPTED}",
        )
    split = _csv_split(header) or ","
    missing = [c for c in CSV_REQUIRED if c not in cells[split]]
    kind = _csv_kind(cells[split], missing)
    raise ImportFileError(name, f"{NOT_OURS}: {kind}; {_EXPECTED_HEADER}; {ACCEPTED}")


_EXPECTED_HEADER = (
    f"expected the header of a tuireader csv export ({', '.join(CSV_COLUMNS)}; "
    "separated by ',', ';' or a tab)"
)


def _csv_kind(columns: Sequence[str], missing: Sequence[str]) -> str:
    if tuple(columns) == _OLD_CSV:
        return (
            "this is a CSV from an older tuireader, without annotation ids or offsets "
            "(export it again with this version)"
        )
    if "sentence" in columns and "text" in columns:
        return "this is a --by-sentence table (one row per sentence, no annotation records)"
    return f"a CSV without the columns {', '.join(missing)}"


def _csv_record(row: Mapping[str, str]) -> dict[str, Any]:
    """A csv row shaped as a json annotation record, for the codec to check."""
    record: dict[str, Any] = {}
    for column in CSV_COLUMNS:
        if column not in row:
            continue
        cell = row[column]
        if column in _INT_COLUMNS:
            # Left as text when not a number, so the codec's message names the field.
            record[column] = int(cell) if cell.isascii() and cell.isdigit() else cell
        else:
            record[column] = csv_value(cell)
    record["quote"] = {
        "exact": record.pop("quote"),
        "prefix": record.pop("quote_prefix", ""),
        "suffix": record.pop("quote_suffix", ""),
    }
    record.setdefault("note", "")
    if not record.get("provenance"):
        record.pop("provenance", None)
    return record

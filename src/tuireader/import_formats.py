"""Import files in each format ``tuireader export`` writes for re-import: json, jsonl and csv.

``parse_records`` detects the format from the content (never from the file name) and turns the
file into raw annotation records, shaped like the json format's, and raw article entries; the
annotation codec then checks every field. A file that is none of the three is refused with one
line that names what it looks like and what ``import`` reads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from tuireader.errors import PathError
from tuireader.export import CSV_COLUMNS, FORMAT_NAME, FORMAT_VERSION, csv_value

NOT_OURS = "not a tuireader export"
ACCEPTED = "import reads tuireader json, jsonl and csv exports"
IMPORT_FORMATS = ("json", "jsonl", "csv")

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


@dataclass(frozen=True)
class RawRecords:
    """A file's records before the codec checks them, each with where it came from."""

    format: str
    annotations: tuple[tuple[str, Any], ...]
    """(position such as "annotation 3", "line 4" or "row 2", the record as parsed)."""
    articles: tuple[tuple[str, Any], ...]
    """(position, the article entry): a json export's list, else built from the rows."""
    done: tuple[tuple[str, Any], ...] = ()
    """(position, a done mark): a json export's optional ``done`` list."""
    decisions: tuple[tuple[str, Any], ...] = ()
    """(position, an adjudication decision that is not a tag): a json export's ``decisions``,
    or the decision lines of a jsonl export."""


def parse_records(data: bytes, name: object = "<input>") -> RawRecords:
    """Detect the format of ``data`` and parse it; ``name`` labels errors."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
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
    first_line = text.lstrip().split("\n", 1)[0]
    header = next(csv.reader([first_line]), [])
    if len(header) > 1:
        return _parse_csv(text, header, name)
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


def _parse_json(data: bytes, name: object) -> RawRecords:
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
        return _parse_jsonl(data, name)
    if isinstance(whole, dict) and "format" not in whole and "article_id" in whole:
        return _parse_jsonl(data, name)  # a jsonl export of a single annotation
    if isinstance(whole, dict) and "format" not in whole and _foreign_json(whole):
        raise ImportFileError(name, f"{NOT_OURS}: {_foreign_json(whole)}; {ACCEPTED}")
    return _parse_document(whole, name)


def _foreign_json(item: Mapping[str, Any]) -> str | None:
    """What a JSON object we wrote but cannot read back is, if it is one."""
    if item.get("type") == "AnnotationCollection" or "@context" in item:
        return "this is a W3C Web Annotation collection (the w3c export cannot be read back)"
    if "text" in item and "spans" in item:
        return "this is spaCy/Prodigy JSON Lines (the spacy-jsonl export cannot be read back)"
    if "sentence" in item and "text" in item:
        return "this is a --by-sentence table (one row per sentence, no annotation records)"
    return None


def _parse_document(doc: Any, name: object) -> RawRecords:
    if not isinstance(doc, dict):
        kind = "an array" if isinstance(doc, list) else "a single value"
        raise ImportFileError(name, f"{NOT_OURS}: the JSON is {kind}, not an export object")
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
    for key in ("articles", "annotations"):
        if not isinstance(doc.get(key), list):
            problem = "missing" if key not in doc else "not a list"
            raise ImportFileError(name, f'"{key}" is {problem}')
    done = doc.get("done", [])
    if not isinstance(done, list):
        raise ImportFileError(name, '"done" is not a list')
    decisions = doc.get("decisions", [])
    if not isinstance(decisions, list):
        raise ImportFileError(name, '"decisions" is not a list')
    return RawRecords(
        "json",
        tuple((f"annotation {i}", item) for i, item in enumerate(doc["annotations"], 1)),
        tuple((f"article {i}", item) for i, item in enumerate(doc["articles"], 1)),
        tuple((f"done mark {i}", item) for i, item in enumerate(done, 1)),
        tuple((f"decision {i}", item) for i, item in enumerate(decisions, 1)),
    )


def _parse_jsonl(data: bytes, name: object) -> RawRecords:
    records: list[tuple[str, Any]] = []
    decisions: list[tuple[str, Any]] = []
    articles = _ArticlesFromRows(name)
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            what = f"{NOT_OURS}: " if not records else ""
            raise ImportFileError(
                name, f"{what}line {number} is not JSON ({json_problem(exc)})"
            ) from None
        if not isinstance(item, dict) or "article_id" not in item:
            foreign = _foreign_json(item) if isinstance(item, dict) and not records else None
            if foreign:
                raise ImportFileError(name, f"{NOT_OURS}: {foreign}; {ACCEPTED}")
            raise ImportFileError(name, f"{NOT_OURS}: line {number} is not an annotation record")
        if "decision" in item and "id" not in item:  # an adjudication decision (no tag)
            decisions.append((f"line {number}", item))
            continue
        if "tag" not in item and "quote" not in item and not records and _foreign_json(item):
            raise ImportFileError(name, f"{NOT_OURS}: {_foreign_json(item)}; {ACCEPTED}")
        records.append((f"line {number}", item))
        articles.add(f"line {number}", item)
    return RawRecords("jsonl", tuple(records), articles.entries(), (), tuple(decisions))


def json_problem(exc: orjson.JSONDecodeError) -> str:
    return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"


class _ArticlesFromRows:
    """Article entries from the ``article_*`` fields of jsonl lines or csv rows: the first
    row that names a value wins."""

    def __init__(self, name: object) -> None:
        self._name = name
        self._entries: dict[str, dict[str, Any]] = {}

    def add(self, where: str, row: Mapping[str, Any]) -> None:
        article_id = row.get("article_id")
        if not isinstance(article_id, str) or not article_id:
            return  # the codec names this problem with the record's position
        entry = self._entries.setdefault(
            article_id,
            {"id": article_id, "title": None, "date": None, "path": None, "sentence_count": None},
        )
        for key in ("title", "date", "path"):
            value = row.get(f"article_{key}")
            if value is not None and not isinstance(value, str):
                raise ImportFileError(self._name, f'{where}: "article_{key}" is not a string')
            if value and entry[key] is None:
                entry[key] = value

    def entries(self) -> tuple[tuple[str, Any], ...]:
        return tuple((f"article {i}", e) for i, e in enumerate(self._entries.values(), 1))


# -- csv ---------------------------------------------------------------------------------------


def _parse_csv(text: str, header: Sequence[str], name: object) -> RawRecords:
    columns = [c.strip() for c in header]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(name, f"{NOT_OURS}: {_csv_kind(columns, missing)}; {ACCEPTED}")
    records: list[tuple[str, Any]] = []
    articles = _ArticlesFromRows(name)
    for number, cells in _csv_rows(text, name):
        if len(cells) != len(columns):
            raise ImportFileError(
                name, f"row {number} has {len(cells)} cells, the header has {len(columns)}"
            )
        row = dict(zip(columns, cells, strict=True))
        record = _csv_record(row)
        records.append((f"row {number}", record))
        articles.add(
            f"row {number}", {k: v or None for k, v in record.items() if k[:8] == "article_"}
        )
    return RawRecords("csv", tuple(records), articles.entries())


def _csv_kind(columns: Sequence[str], missing: Sequence[str]) -> str:
    if tuple(columns) == _OLD_CSV:
        return (
            "this is a CSV from an older tuireader, without annotation ids or offsets "
            "(export it again with this version)"
        )
    if "sentence" in columns and "text" in columns:
        return "this is a --by-sentence table (one row per sentence, no annotation records)"
    return f"a CSV without the columns {', '.join(missing)}"


def _csv_rows(text: str, name: object) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        next(reader)  # the header
        for cells in reader:
            if cells:  # a blank line (a trailing one, or one a spreadsheet added)
                yield reader.line_num, cells
    except csv.Error as exc:
        raise ImportFileError(name, f"not valid CSV at line {reader.line_num}: {exc}") from None


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

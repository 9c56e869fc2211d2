"""Parsing our json and jsonl exports, and refusing everything else with one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tuireader import export
from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.export import select
from tuireader.importing import ImportFileError, parse_import, read_import

from conftest import soon

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_articles" / "kim-putin-summit.txt"


@pytest.fixture(scope="module")
def annotations() -> list[Annotation]:
    article = load_article(SEED)
    out = []
    for i, tag in enumerate(["fact", "speculation", "expert_opinion", "fact"]):
        s = article.sentences[i]
        note = "why?" if i == 1 else ""
        out.append(Annotation.new(article.id, article.body, s.start, s.end, tag, "ana", note))
    return out


@pytest.fixture(scope="module")
def doc(annotations: list[Annotation]) -> dict[str, Any]:
    article = load_article(SEED)
    meta = {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "path": str(SEED),
        "sentence_count": len(article.sentences),
    }
    return json.loads(export.to_json(select(annotations, [meta])))


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def test_json_round_trip(annotations: list[Annotation], doc: dict[str, Any]) -> None:
    parsed = parse_import(dumps(doc))
    assert parsed.format == "json"
    assert sorted(parsed.annotations, key=lambda a: a.start) == annotations
    assert parsed.articles == tuple(doc["articles"])


def test_jsonl_round_trip(annotations: list[Annotation], doc: dict[str, Any]) -> None:
    text = export.to_jsonl(select(annotations, doc["articles"]))
    parsed = parse_import(("\ufeff" + text + "\n\n").encode())
    assert parsed.format == "jsonl"
    assert list(parsed.annotations) == annotations
    assert parsed.articles[0]["title"] == doc["articles"][0]["title"]
    single = parse_import(text.splitlines()[0].encode())
    assert single.annotations == (annotations[0],)


def test_read_import_from_a_file(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(dumps(doc))
    assert len(read_import(path).annotations) == len(doc["annotations"])


def test_duplicate_ids_keep_the_newest(doc: dict[str, Any]) -> None:
    first = doc["annotations"][0]
    newer = {**first, "note": "newer", "updated": soon()}
    older = {**first, "note": "older", "updated": "2000-01-01T00:00:00+00:00"}
    parsed = parse_import(dumps({**doc, "annotations": [older, newer, first]}))
    assert [a.note for a in parsed.annotations] == ["newer"] and parsed.duplicates == 2


def test_a_crafted_id_cannot_break_or_colour_the_error_line(doc: dict[str, Any]) -> None:
    message = problem(edited(doc, id="x\x1b[2J\nsecond line", start=-1))
    assert "\x1b" not in message and "(id 'x\\x1b[2J\\nsecond line')" in message


def problem(data: bytes, name: str = "in.json") -> str:
    with pytest.raises(ImportFileError) as info:
        parse_import(data, name)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{name}: ")
    return message.removeprefix(f"{name}: ")


def edited(doc: dict[str, Any], **changes: Any) -> bytes:
    first = {**doc["annotations"][0], **changes}
    first = {k: v for k, v in first.items() if v is not DROP}
    return dumps({**doc, "annotations": [first, *doc["annotations"][1:]]})


DROP = object()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "not a tuireader export: the file is empty"),
        (b"  \n ", "not a tuireader export: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "not a tuireader export: this is a PNG image"),
        (b"caf\xe9 au lait", "not a tuireader export: not UTF-8 text (byte 3)"),
        (b"hello, world", "not a tuireader export: a CSV without the columns id, article_id"),
        (b"hello world", "this is plain text, neither JSON, JSON Lines nor CSV"),
        (b"{hello", "not valid JSON or JSON Lines: "),
        (b'{"format": "tuireader-annotations",\n "version": 1,', "at line 2, column"),
        (b"[1, 2]", "not a tuireader export: the JSON is an array"),
        (b"42", "not a tuireader export: the JSON is a single value"),
        (b'{"name": "x"}', 'not a tuireader export: no "format" field'),
        (b'{"format": "hypothesis"}', "not a tuireader export: format 'hypothesis'"),
        (b'{"format": "tuireader-annotations", "version": 3}', "newer tuireader"),
        (b'{"format": "tuireader-annotations", "version": "1"}', 'bad "version"'),
        (b'{"format": "tuireader-annotations", "version": 1}', '"articles" is missing'),
        (
            b'{"format": "tuireader-annotations", "version": 1, "articles": [], "annotations": {}}',
            '"annotations" is not a list',
        ),
        (b'{"a": 1}\n{"b": 2}\n', "not a tuireader export: line 1 is not an annotation"),
    ],
)
def test_foreign_files_are_refused(data: bytes, expected: str) -> None:
    assert expected in problem(data)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"tag": DROP}, "annotation 1 (id "),
        ({"tag": DROP}, 'missing field "tag"'),
        ({"quote": DROP}, 'missing field "quote"'),
        ({"id": DROP}, 'annotation 1: missing field "id"'),
        ({"quote": {"exact": "x"}}, 'quote: missing field "prefix"'),
        ({"quote": "text"}, '"quote" is not an object'),
        ({"tag": ""}, '"tag" is empty'),
        ({"provenance": "guess"}, "unknown provenance 'guess'"),
        ({"anchor": "lost"}, "unknown anchor 'lost'"),
        ({"start": "3"}, '"start" is not a non-negative integer'),
        ({"start": True}, '"start" is not a non-negative integer'),
        ({"start": -1}, '"start" is not a non-negative integer'),
        ({"start": 50, "end": 10}, '"end" 10 is before "start" 50'),
        ({"note": None}, '"note" is not a string'),
        ({"created": "yesterday"}, '"created" is not an ISO 8601 timestamp'),
        ({"article_id": ""}, '"article_id" is empty'),
    ],
)
def test_bad_annotation_fields_are_named(
    doc: dict[str, Any], changes: dict[str, Any], expected: str
) -> None:
    assert expected in problem(edited(doc, **changes))


def test_bad_article_entry_is_named(doc: dict[str, Any]) -> None:
    article = {k: v for k, v in doc["articles"][0].items() if k != "title"}
    assert problem(dumps({**doc, "articles": [article]})) == 'article 1: missing field "title"'
    article = {**doc["articles"][0], "sentence_count": "15"}
    assert '"sentence_count" must be a non-negative integer or null' in problem(
        dumps({**doc, "articles": [article]})
    )


def test_jsonl_problems_name_the_line(annotations: list[Annotation]) -> None:
    lines = export.to_jsonl(select(annotations, [])).splitlines()
    broken = lines[0] + "\n" + lines[1][:-5] + "\n"
    assert problem(broken.encode(), "x.jsonl").startswith("line 2 is not JSON")
    record = json.loads(lines[1])
    record["anchor"] = "lost"
    text = lines[0] + "\n" + json.dumps(record) + "\n"
    assert "line 2 (id " in problem(text.encode(), "x.jsonl")


def test_jsonl_article_fields_are_taken_from_lines_with_or_without_every_field(
    annotations: list[Annotation],
) -> None:
    # Another program's lines may leave article fields out: the first line naming a value wins.
    records = [json.loads(line) for line in export.to_jsonl(select(annotations, [])).splitlines()]
    for record in records:
        for key in ("article_title", "article_date", "article_path"):
            record.pop(key, None)
    records[1]["article_title"] = "Summit notes"
    records[2].update(article_title="A later title", article_path="/tmp/summit.txt")
    text = "".join(json.dumps(record) + "\n" for record in records)
    (entry,) = parse_import(text.encode(), "x.jsonl").articles
    assert (entry["title"], entry["path"], entry["date"]) == (
        "Summit notes",
        "/tmp/summit.txt",
        None,
    )
    records[3]["article_title"] = 7
    text = "".join(json.dumps(record) + "\n" for record in records)
    assert problem(text.encode(), "x.jsonl") == 'line 4: "article_title" is not a string'


def test_lone_surrogate_escapes_are_refused(doc: dict[str, Any]) -> None:
    data = edited(doc, note="PLACEHOLDER").replace(b"PLACEHOLDER", b"\\ud800")
    assert problem(data).startswith("not valid JSON or JSON Lines: ")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"nope\.json: no such file"):
        read_import(tmp_path / "nope.json")
    with pytest.raises(ImportFileError, match="is a folder"):
        read_import(tmp_path)

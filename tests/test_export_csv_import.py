"""Our CSV read back by ``import`` (as exactly as json), and files import cannot read named."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader import export
from tuireader.annotations import Annotation, Quote, annotator_problem
from tuireader.articles import Article, from_text
from tuireader.export import render_chunks, select
from tuireader.importing import ImportFileError, parse_import

TEXT = (
    "Harbour plans\n\n"
    "The harbour will be dredged in June. Fishermen fear the silt could choke the beds. "
    '"It is safe," said the engineer, Dr Lund.\n\n'
    "=Costs, she added, are +12% on last year."
)


@pytest.fixture(scope="module")
def harbour() -> Article:
    return from_text(TEXT, Path("/news/harbour.txt"))


def meta(a: Article) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "date": None, "path": str(a.path), "sentence_count": 4}


@pytest.fixture(scope="module")
def annotations(harbour: Article) -> list[Annotation]:
    out = []
    notes = ["", "-who says?", 'quoted "expert", with a comma\nand a line', "@mention"]
    for i, s in enumerate(harbour.sentences):
        tag = ("fact", "speculation", "expert_opinion", "fact")[i]
        out.append(Annotation.new(harbour.id, harbour.body, s.start, s.end, tag, "ana", notes[i]))
    return out


def csv_bytes(annotations: list[Annotation], harbour: Article) -> bytes:
    return b"".join(render_chunks(select(annotations, [meta(harbour)]), "csv"))


def test_csv_round_trip_is_exact(annotations: list[Annotation], harbour: Article) -> None:
    parsed = parse_import(csv_bytes(annotations, harbour), "tags.csv")
    assert parsed.format == "csv"
    assert sorted(parsed.annotations, key=lambda a: a.start) == annotations
    assert parsed.articles == (
        {
            "id": harbour.id,
            "title": "Harbour plans",
            "date": None,
            "path": "/news/harbour.txt",
            "sentence_count": None,
        },
    )


def test_csv_as_a_spreadsheet_saves_it_still_imports(
    annotations: list[Annotation], harbour: Article
) -> None:
    # Saved again by a spreadsheet: no BOM, LF line ends, minimal quoting, columns reordered,
    # optional ones dropped, an extra column added, a blank line at the end.
    rows = list(csv.DictReader(io.StringIO(csv_bytes(annotations, harbour).decode("utf-8-sig"))))
    columns = [
        "tag",
        "quote",
        "id",
        "article_id",
        "start",
        "end",
        "annotator",
        "created",
        "updated",
        "anchor",
        "note",
        "my comment",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "my comment": "checked"})
    parsed = parse_import((out.getvalue() + "\n").encode(), "edited.csv")
    by_id = {a.id: a for a in annotations}
    for got in parsed.annotations:
        want = by_id[got.id]
        # Prefix and suffix were dropped with their columns; everything else is as exported.
        assert got == Annotation.from_dict({**want.to_dict(), "quote": {"exact": want.quote.exact}})


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
names = texts.filter(lambda n: annotator_problem(n) is None)
"""Annotator names an import accepts (the rule of --annotator)."""


@settings(max_examples=60, deadline=None)
@given(exact=texts, prefix=texts, note=texts, annotator=names)
def test_any_text_survives_csv(exact: str, prefix: str, note: str, annotator: str) -> None:
    ann = Annotation(
        article_id="0123456789abcdef",
        start=3,
        end=3 + len(exact),
        tag="speculation",
        quote=Quote(exact, prefix, "x"),
        annotator=annotator,
        note=note,
    )
    data = b"".join(render_chunks(select([ann], []), "csv"))
    assert parse_import(data).annotations == (ann,)


def problem(data: bytes, name: str = "in.csv") -> str:
    with pytest.raises(ImportFileError) as info:
        parse_import(data, name)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{name}: ")
    return message.removeprefix(f"{name}: ")


def test_bad_csv_rows_are_named(annotations: list[Annotation], harbour: Article) -> None:
    text = csv_bytes(annotations, harbour).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = list(rows[0])

    def with_row(**changes: str) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerow({**rows[0], **changes})
        return out.getvalue().encode()

    assert '"start" is not a non-negative integer' in problem(with_row(start="twelve"))
    assert problem(with_row(tag="")).startswith("row 2 (id ")
    assert '"tag" is empty' in problem(with_row(tag=""))  # any other text is a tag
    assert "is not an ISO 8601 timestamp" in problem(with_row(created="last week"))
    short = text.splitlines()[0] + '\r\n"a","b"\r\n'
    assert problem(short.encode()) == f"row 2 has 2 cells, the header has {len(columns)}"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'"article","date","tag","quote","note","annotator","created"\r\n"T","","fact","x"'
            b',"","a","2024-01-01T00:00:00Z"\r\n',
            "a CSV from an older tuireader, without annotation ids or offsets",
        ),
        (b"name,age\nana,3\n", "a CSV without the columns id, article_id, start, end, tag"),
        (
            b'"article_id","article_title","article_path","sentence","paragraph","start","end",'
            b'"text"\r\n',
            "a --by-sentence table",
        ),
        (b'{"text": "abc", "spans": [], "meta": {}}\n', "spaCy/Prodigy JSON Lines"),
        (b'{"article_id": "a", "sentence": 0, "text": "x"}\n', "a --by-sentence table"),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection"}',
            "a W3C Web Annotation collection",
        ),
        (b"# tuireader annotations\n\nExported", "a tuireader markdown report"),
        (b"<?xml version='1.0'?><x/>", "XML or HTML"),
        (b"PAR1\x15\x04", "a parquet file"),
        (b"PK\x03\x04rest", "a zip archive"),
    ],
)
def test_what_import_cannot_read_is_named_with_what_it_reads(data: bytes, expected: str) -> None:
    message = problem(data)
    assert expected in message and message.endswith(
        "import reads tuireader json, jsonl and csv exports"
    )


def test_every_export_format_is_read_back_or_named(
    annotations: list[Annotation], harbour: Article
) -> None:
    data = select(annotations, [meta(harbour)], text=lambda m: harbour)
    for fmt in export.FORMATS:
        output = b"".join(render_chunks(data, fmt))
        if fmt in ("json", "jsonl", "csv"):
            assert len(parse_import(output).annotations) == len(annotations)
        else:
            assert "import reads tuireader json, jsonl and csv" in problem(output, f"x.{fmt}")
    for fmt in export.SENTENCE_FORMATS:
        output = b"".join(render_chunks(data, fmt, by_sentence=True))
        assert "import reads tuireader json, jsonl and csv" in problem(output)
    assert json.loads(b"".join(render_chunks(data, "jsonl")).splitlines()[0])["tag"] == "fact"

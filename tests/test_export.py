"""The export formats as pure functions, the shipped JSON Schema and the atomic writer."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader import __version__, export
from tuireader.annotations import Annotation, Quote, annotator_problem
from tuireader.articles import Article, from_text, load_article
from tuireader.boundaries import Boundary
from tuireader.export import ExportData, ExportError, export_annotations, select, write_export
from tuireader.importing import parse_import
from tuireader.records import DoneMark, TagRow, tag_row, to_stored
from tuireader.tags import DEFAULT_TAGS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_articles" / "kim-putin-summit.txt"
STAMP = "2024-05-01T09:30:00.000Z"


def schema() -> dict[str, Any]:
    return json.loads(export.schema_text())


def validate_json(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    jsonschema.Draft202012Validator(schema()).validate(doc)
    return doc


def validate_jsonl(text: str) -> list[dict[str, Any]]:
    s = schema()
    line_schema = {"$ref": "#/$defs/jsonl_record", "$defs": s["$defs"]}
    validator = jsonschema.Draft202012Validator(line_schema)
    # JSON Lines splits on \n only: str.splitlines would also split inside a U+2028 in a note.
    records = [json.loads(line) for line in text.split("\n")[:-1]]
    for record in records:
        validator.validate(record)
    return records


def meta(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "path": str(article.path) if article.path else None,
        "sentence_count": len(article.sentences),
    }


def tagged(article: Article, picks: dict[int, tuple[str, str]]) -> list[Annotation]:
    """Annotations on sentence ``index`` -> (tag, note)."""
    out = []
    for i, (tag, note) in picks.items():
        s = article.sentences[i]
        out.append(Annotation.new(article.id, article.body, s.start, s.end, tag, "ana", note))
    return out


@pytest.fixture(scope="module")
def seed() -> Article:
    return load_article(SEED)


@pytest.fixture(scope="module")
def other() -> Article:
    text = (
        "Tricky title\n\n"
        "=SUM(A1:A9) is what the clerk typed. 😀 Emoji count as one code point here. "
        "Some say [click](javascript:alert(1)) <script>x</script> *works*.\n\n"
        "- A dash opens this paragraph, as does @mention."
    )
    return from_text(text, Path("tricky.txt"))


@pytest.fixture(scope="module")
def data(seed: Article, other: Article) -> ExportData:
    anns = tagged(seed, {0: ("fact", ""), 2: ("speculation", "Who says so?"), 1: ("fact", "")})
    anns += tagged(
        other,
        {
            0: ("expert_opinion", 'A note, with "quotes",\nand a second line'),
            1: ("speculation", "=1+1"),
            2: ("fact", ""),
            3: ("fact", "-not a formula"),
        },
    )
    texts = {seed.id: seed, other.id: other}
    return select(anns, [meta(seed), meta(other)], text=lambda m: texts.get(m["id"]))


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_every_format_renders_and_is_deterministic(data: ExportData, fmt: str) -> None:
    first = b"".join(export.render_chunks(data, fmt, STAMP))
    assert first == b"".join(export.render_chunks(data, fmt, STAMP))
    if fmt in export.BINARY_FORMATS:
        assert first.startswith(b"PAR1") and first.endswith(b"PAR1")
        with pytest.raises(ExportError, match="not text"):
            export.render(data, fmt)
    else:
        assert first.endswith(b"\n") and export.render(data, fmt, STAMP) == first.decode()


def test_json_shape_matches_the_schema(data: ExportData, seed: Article) -> None:
    doc = validate_json(export.to_json(data, STAMP))
    assert list(doc) == [
        "format",
        "version",
        "exported_at",
        "tool_version",
        "annotations",
        "articles",
        "tags",
    ]
    assert doc["tags"] == [
        {"id": t.id, "label": t.label, "description": t.description}
        for t in DEFAULT_TAGS
        if t.id in {a.tag for a in data.annotations}
    ]
    assert doc["format"] == "tuireader-annotations" and doc["version"] == export.FORMAT_VERSION == 2
    assert doc["exported_at"] == STAMP and doc["tool_version"] == __version__
    assert {a["id"] for a in doc["articles"]} == {a.article_id for a in data.annotations}
    first = doc["annotations"][0]
    assert list(first) == [
        "id",
        "article_id",
        "start",
        "end",
        "quote",
        "tag",
        "note",
        "annotator",
        "created",
        "updated",
        "anchor",
        "provenance",
    ]
    assert seed.body[first["start"] : first["end"]] == first["quote"]["exact"]


def test_annotations_are_in_reading_order_articles_newest_first(data: ExportData) -> None:
    doc = json.loads(export.to_json(data))
    ids = [a["id"] for a in doc["articles"]]
    # The seed article is dated; the tricky one is not and so comes last.
    assert doc["articles"][0]["date"] and doc["articles"][-1]["date"] is None
    keys = [(ids.index(a["article_id"]), a["start"]) for a in doc["annotations"]]
    assert keys == sorted(keys)


def test_empty_export_is_valid() -> None:
    doc = validate_json(export_annotations(ExportData(()), "json"))
    assert doc["articles"] == [] and doc["annotations"] == []
    assert export_annotations(ExportData(()), "jsonl") == ""
    assert json.loads(export_annotations(ExportData(()), "w3c"))["first"]["items"] == []


def test_annotation_without_article_metadata_still_exports(seed: Article) -> None:
    anns = tagged(seed, {0: ("fact", "")})
    doc = validate_json(export_annotations(select(anns, []), "json"))
    assert doc["articles"] == [
        {"id": seed.id, "title": None, "date": None, "path": None, "sentence_count": None}
    ]


def test_filters_by_article_and_tag(data: ExportData, seed: Article, other: Article) -> None:
    only_seed = json.loads(export_annotations(data, "json", article_ids=[seed.id]))
    assert {a["article_id"] for a in only_seed["annotations"]} == {seed.id}
    assert [a["id"] for a in only_seed["articles"]] == [seed.id]
    facts = json.loads(export_annotations(data, "json", tags=["fact"]))
    assert {a["tag"] for a in facts["annotations"]} == {"fact"}
    both = json.loads(export_annotations(data, "json", [other.id], ["speculation"]))
    assert [a["note"] for a in both["annotations"]] == ["=1+1"]


def test_filtering_an_untagged_article_still_names_it(seed: Article) -> None:
    data = select([], [meta(seed)], article_ids=[seed.id])
    doc = validate_json(export.to_json(data))
    assert doc["articles"][0]["title"] == seed.title and doc["annotations"] == []


def test_collect_reads_a_store_like_source(data: ExportData, seed: Article) -> None:
    class Source:
        def annotations(
            self, article_id: str | None = None, *, include_orphans: bool = False
        ) -> list[Annotation]:
            assert include_orphans
            return [a for a in data.annotations if article_id in (None, a.article_id)]

        def articles_meta(self) -> list[dict[str, Any]]:
            return [dict(a) for a in data.articles]

        def annotators(self) -> list[str]:
            return sorted({a.annotator for a in data.annotations})

        def annotated_article_ids(self) -> list[str]:
            return sorted({a.article_id for a in data.annotations})

        def done_marks(self) -> list[DoneMark]:
            return []

        def get_state(self, key: str, default: Any = None) -> Any:
            return default

        def state_keys(self, prefix: str) -> list[str]:
            return []

        def corrections_by_article(self) -> dict[str, list[Boundary]]:
            return {}

    whole = {"annotators": None, "articles": None, "tags": None}
    expected = export.to_json(replace(data, scope=whole), STAMP)
    assert export_annotations(Source(), "json", exported_at=STAMP) == expected
    one = json.loads(export_annotations(Source(), "json", article_ids=[seed.id]))
    assert {a["article_id"] for a in one["annotations"]} == {seed.id}


def test_jsonl_has_one_annotation_per_line_with_article_title(
    data: ExportData, seed: Article
) -> None:
    records = validate_jsonl(export.to_jsonl(data))
    assert len(records) == len(data.annotations)
    assert {r["article_title"] for r in records if r["article_id"] == seed.id} == {seed.title}


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_csv_is_quoted_utf8_with_bom(data: ExportData, other: Article) -> None:
    text = export.to_csv(data)
    rows = read_csv(text)
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    assert len(rows) == len(data.annotations)
    assert text.splitlines()[0] == "\ufeff" + ",".join(f'"{c}"' for c in export.CSV_COLUMNS)
    notes = {r["note"] for r in rows}
    assert 'A note, with "quotes",\nand a second line' in notes
    assert any("😀" in r["quote"] for r in rows)
    assert {r["article_title"] for r in rows} >= {other.title}


def test_csv_cells_never_start_a_formula(data: ExportData) -> None:
    rows = read_csv(export.to_csv(data))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    notes = {r["note"] for r in rows}
    assert "'=1+1" in notes and "'-not a formula" in notes
    assert any(r["quote"].startswith("'=SUM") for r in rows)
    assert any(r["quote"].startswith("'- A dash") for r in rows)


def test_w3c_annotation_collection(data: ExportData, other: Article) -> None:
    doc = json.loads(export.to_w3c(data, STAMP))
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection"
    assert doc["total"] == len(data.annotations)
    items = doc["first"]["items"]
    assert doc["first"]["type"] == "AnnotationPage" and len(items) == doc["total"]
    for item, ann in zip(items, data.annotations, strict=True):
        assert item["type"] == "Annotation" and item["id"] == f"urn:uuid:{ann.id}"
        tagging = [b for b in item["body"] if b["purpose"] == "tagging"]
        assert tagging == [{"type": "TextualBody", "purpose": "tagging", "value": ann.tag}]
        comments = [b["value"] for b in item["body"] if b["purpose"] == "commenting"]
        assert comments == ([ann.note] if ann.note else [])
        quote, position = item["target"]["selector"]
        assert quote == {
            "type": "TextQuoteSelector",
            "exact": ann.quote.exact,
            "prefix": ann.quote.prefix,
            "suffix": ann.quote.suffix,
        }
        assert position == {"type": "TextPositionSelector", "start": ann.start, "end": ann.end}
        assert item["target"]["source"] == f"urn:tuireader:article:{ann.article_id}"


def test_w3c_positions_count_code_points(other: Article) -> None:
    # The sentence after the emoji: its offset must count 😀 as one, not two (UTF-16) or four.
    sentence = next(s for s in other.sentences if s.text.startswith("Some say"))
    ann = Annotation.new(other.id, other.body, sentence.start, sentence.end, "fact", "a")
    doc = json.loads(export.to_w3c(select([ann], [meta(other)])))
    position = doc["first"]["items"][0]["target"]["selector"][1]
    assert other.body[position["start"] : position["end"]] == sentence.text
    utf16_start = other.body.encode("utf-16-le").find(sentence.text.encode("utf-16-le")) // 2
    assert position["start"] == utf16_start - 1


def test_markdown_report_groups_by_tag_with_notes(data: ExportData, seed: Article) -> None:
    text = export.to_markdown(data, STAMP)
    assert text.startswith("# tuireader annotations\n")
    assert f"## {export.md_text(seed.title)}" in text
    seed_part = text.split("\n## ")[1]
    assert seed_part.index("### Fact (2)") < seed_part.index("### Speculation (1)")
    assert "Note (ana): Who says so?" in seed_part
    assert "> " + export.md_text(seed.sentences[0].text) in seed_part


def test_markdown_escapes_untrusted_text(data: ExportData) -> None:
    text = export.to_markdown(data)
    assert "<script>" not in text and "[click](" not in text
    assert r"\<script\>" in text and r"\[click\]" in text
    assert "\n> \\- A dash" in text
    assert "*works*" not in text


def test_markdown_code_spans_hold_any_path() -> None:
    assert export.md_code("/a/b_c.txt") == "`/a/b_c.txt`"
    assert export.md_code("we`ird``name") == "```we`ird``name```"
    assert export.md_code("`x") == "`` `x ``"


def test_markdown_report_never_carries_control_characters() -> None:
    # The sanitiser's one rule: a whole escape sequence goes, its payload with it.
    assert export.md_text("note \x1b[31mred\x07 \u202eevil") == "note red evil"
    assert export.md_code("/tmp/\x1b]0;title\x07x.txt") == "`/tmp/x.txt`"


def test_markdown_marks_orphans(seed: Article) -> None:
    (ann,) = tagged(seed, {0: ("fact", "")})
    orphan = Annotation.from_dict({**ann.to_dict(), "anchor": "orphaned"})
    assert "Orphaned" in export.to_markdown(select([orphan], [meta(seed)]))


def test_unknown_format_is_an_error(data: ExportData) -> None:
    with pytest.raises(ExportError, match="unknown export format 'xml'"):
        export.render(data, "xml")


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_rejects_what_is_not_ours(data: ExportData) -> None:
    doc = json.loads(export.to_json(data))
    validator = jsonschema.Draft202012Validator(schema())
    bad_tag = json.loads(json.dumps(doc))
    bad_tag["annotations"][0]["tag"] = ""
    missing = json.loads(json.dumps(doc))
    del missing["annotations"][0]["quote"]
    for wrong in (bad_tag, missing, {**doc, "format": "other"}, {**doc, "extra": 1}):
        assert not validator.is_valid(wrong)


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda n: annotator_problem(n) is None
)
"""Annotator names an import accepts (the rule of --annotator)."""


@settings(max_examples=60, deadline=None)
@given(exact=texts, prefix=texts, note=texts, annotator=names, title=st.none() | texts)
def test_any_text_survives_json_and_jsonl(
    exact: str, prefix: str, note: str, annotator: str, title: str | None
) -> None:
    ann = Annotation(
        article_id="0123456789abcdef",
        start=3,
        end=3 + len(exact),
        tag="speculation",
        quote=Quote(exact, prefix, ""),
        annotator=annotator,
        note=note,
    )
    data = select(
        [ann], [{"id": "abc", "title": title, "date": None, "path": None, "sentence_count": 2}]
    )
    for fmt in ("json", "jsonl"):
        text = export.render(data, fmt)
        if fmt == "json":
            validate_json(text)
        else:
            validate_jsonl(text)
        assert parse_import(text.encode()).annotations == (ann,)
    rows = read_csv(export.to_csv(data))
    assert rows[0]["note"] == export.csv_cell(note)
    assert export.csv_value(rows[0]["note"]) == note
    assert export.csv_value(rows[0]["quote"]) == exact


def test_write_export_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert write_export("first", target) == target
    write_export("second ✓", target)
    assert target.read_text("utf-8") == "second ✓"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_export_uses_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_export("x", tmp_path / "out.md")
    finally:
        os.umask(old)
    assert (tmp_path / "out.md").stat().st_mode & 0o777 == 0o644


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old contents")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", full_disk)
    with pytest.raises(ExportError, match=r"out\.csv: cannot write the export: disk full"):
        write_export("new contents " * 1000, target)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_export_names_missing_folder_and_folder_target(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no such folder"):
        write_export("x", tmp_path / "nope" / "out.json")
    with pytest.raises(ExportError, match="is a folder"):
        write_export("x", tmp_path)


def test_default_export_path() -> None:
    when = dt.datetime(2024, 5, 1, 9, 30, 5)
    path = export.default_export_path("csv", "/tmp/x", "Kim & Putin: a summit!", when)
    assert path == Path("/tmp/x/tuireader-kim-putin-a-summit-20240501-093005.csv")
    assert export.default_export_path("w3c", "/d", None, when).name == (
        "tuireader-20240501-093005.jsonld"
    )
    assert export.default_export_path("markdown").parent == Path.cwd()
    with pytest.raises(ExportError):
        export.default_export_path("pdf")


def test_lone_surrogates_are_an_error_not_a_crash(seed: Article) -> None:
    (ann,) = tagged(seed, {0: ("fact", "")})
    bad = Annotation.from_dict({**ann.to_dict(), "note": "\ud800"})
    with pytest.raises(ExportError, match="cannot encode"):
        export.to_json(select([bad], []))


@pytest.mark.parametrize(
    ("fmt", "by_sentence"),
    [(f, False) for f in export.FORMATS] + [(f, True) for f in export.SENTENCE_FORMATS],
)
def test_a_streamed_export_reads_each_article_once_and_never_the_whole_store(
    data: ExportData, fmt: str, by_sentence: bool
) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    calls: list[str | None] = []

    class Source:
        def annotations(
            self,
            article_id: str | None = None,
            annotator: str | None = None,
            *,
            include_orphans: bool = False,
        ) -> list[Annotation]:
            calls.append(article_id)
            return [a for a in data.annotations if a.article_id == article_id]

        def stored_records(self, article_id: str) -> dict[str, dict[str, Any]]:
            calls.append(article_id)  # the row formats read these instead, never both
            found = [a for a in data.annotations if a.article_id == article_id][::-1]
            return {a.id: to_stored(a) for a in found}

        def tag_rows(self, article_id: str) -> list[TagRow]:
            calls.append(article_id)  # spaCy and --by-sentence read these, never both
            return [tag_row(a) for a in data.annotations if a.article_id == article_id][::-1]

        def articles_meta(self) -> list[dict[str, Any]]:
            return [dict(a) for a in data.articles]

        def annotated_article_ids(self) -> list[str]:
            return sorted({a.article_id for a in data.annotations})

        def annotators(self) -> list[str]:
            return sorted({a.annotator for a in data.annotations})

        def done_marks(self) -> list[DoneMark]:
            return []

        def get_state(self, key: str, default: Any = None) -> Any:
            return default

        def state_keys(self, prefix: str) -> list[str]:
            return []

        def corrections_by_article(self) -> dict[str, list[Boundary]]:
            return {}

    streamed = export.stream(Source(), text=data.text)
    assert calls == []  # nothing read yet
    out = b"".join(export.render_chunks(streamed, fmt, STAMP, by_sentence=by_sentence))
    assert None not in calls
    assert sorted(calls) == sorted({a.article_id for a in data.annotations})
    if not by_sentence:
        assert export.extent(streamed) == f"{len(data.annotations)} annotations"
    if fmt in ("json", "jsonl", "csv", "markdown", "w3c") and not by_sentence:
        whole = {"annotators": None, "articles": None, "tags": None}  # stream() says so
        held = b"".join(export.render_chunks(replace(data, scope=whole), fmt, STAMP))
        assert out == held  # the same bytes as from a selection held in memory

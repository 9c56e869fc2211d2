"""Row-shaped exports (jsonl, csv, parquet), --by-sentence tables and spaCy spans, loaded the way
a researcher loads them: pandas, pyarrow (what Hugging Face ``datasets`` reads json with)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader import export
from tuireader.annotations import AnchorState, Annotation, Provenance
from tuireader.articles import Article, from_text
from tuireader.export import ExportData, ExportError, render_chunks, select, write_export
from tuireader.importing import parse_import
from tuireader.sentences import sentence_range

pd = pytest.importorskip("pandas")
pa_json = pytest.importorskip("pyarrow.json")

BRIDGE = (
    "---\ntitle: Bridge to close\ndate: 2024-03-14\nsource: https://example.org/news/bridge\n"
    "---\n\n"
    "The council will close the Ferrier Street bridge on Monday. Engineers say the cracks "
    'could spread within weeks. "It is the right call," said Dr Ada Obi, who inspected it.\n\n'
    "- Traffic will be diverted.\n\n"
    "=Nobody knows how long the repairs will take. Emoji 😀 count as one code point."
)
TRAINS = "Trains\n\nThe line reopens in May. Fares may rise. Nobody has said by how much."


def article(text: str, name: str) -> Article:
    return from_text(text, Path(f"/news/{name}"))


@pytest.fixture(scope="module")
def bridge() -> Article:
    return article(BRIDGE, "bridge.md")


@pytest.fixture(scope="module")
def trains() -> Article:
    return article(TRAINS, "trains.txt")


def tag(a: Article, first: int, last: int, tag_id: str, who: str, note: str = "") -> Annotation:
    s, e = a.sentences[first], a.sentences[last]
    return Annotation.new(a.id, a.body, s.start, e.end, tag_id, who, note)


def meta(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "date": a.date,
        "path": str(a.path),
        "sentence_count": len(a.sentences),
    }


@pytest.fixture(scope="module")
def annotations(bridge: Article, trains: Article) -> list[Annotation]:
    return [
        tag(bridge, 0, 0, "fact", "ana"),
        tag(bridge, 1, 2, "speculation", "ana", "=which engineers?"),
        tag(bridge, 0, 1, "fact", "bo"),
        tag(bridge, 4, 4, "speculation", "bo", "line one\nline two, with a comma"),
        tag(trains, 1, 1, "speculation", "ana"),
    ]


@pytest.fixture(scope="module")
def data(bridge: Article, trains: Article, annotations: list[Annotation]) -> ExportData:
    texts = {bridge.id: bridge, trains.id: trains}
    return select(annotations, [meta(bridge), meta(trains)], text=lambda m: texts.get(m["id"]))


def chunks(data: ExportData, fmt: str, **options: Any) -> bytes:
    return b"".join(render_chunks(data, fmt, **options))


def test_the_article_fixture_reads_as_intended(bridge: Article) -> None:
    assert bridge.source == "https://example.org/news/bridge" and bridge.date == "2024-03-14"
    assert len(bridge.sentences) == 6


def test_jsonl_rows_carry_everything_a_row_needs(data: ExportData, bridge: Article) -> None:
    lines = chunks(data, "jsonl").decode().split("\n")[:-1]
    records = [json.loads(line) for line in lines]
    assert len(records) == 5
    required = {
        "id",
        "article_id",
        "article_path",
        "article_title",
        "article_date",
        "article_source",
        "sentence_first",
        "sentence_last",
        "start",
        "end",
        "tag",
        "quote",
        "note",
        "annotator",
        "created",
        "updated",
        "anchor",
        "provenance",
    }
    for r in records:
        assert required <= set(r)
    spec = next(r for r in records if r["tag"] == "speculation" and r["article_id"] == bridge.id)
    assert (spec["sentence_first"], spec["sentence_last"]) == (1, 2)
    assert spec["article_source"] == "https://example.org/news/bridge"
    assert spec["article_path"] == "/news/bridge.md" and spec["article_date"] == "2024-03-14"
    assert bridge.body[spec["start"] : spec["end"]] == spec["quote"]["exact"]
    first = bridge.sentences[spec["sentence_first"]].start
    last = bridge.sentences[spec["sentence_last"]].end
    assert (first, last) == (spec["start"], spec["end"])


def test_csv_rows_load_with_pandas_as_typed_columns(data: ExportData, bridge: Article) -> None:
    frame = pd.read_csv(io.BytesIO(chunks(data, "csv")), encoding="utf-8-sig")
    assert list(frame.columns) == list(export.CSV_COLUMNS)
    assert len(frame) == 5 and frame["start"].dtype.kind == "i"
    assert frame["id"].is_unique
    by_who = frame[frame["article_id"] == bridge.id].groupby("annotator").size().to_dict()
    assert by_who == {"ana": 2, "bo": 2}
    note = frame.loc[frame["tag"] == "speculation", "note"].dropna().tolist()
    assert "'=which engineers?" in note  # a spreadsheet shows it, never runs it
    assert set(frame["sentence_first"].dropna().astype(int)) == {0, 1, 4}


def test_a_row_without_its_article_text_has_no_sentence_numbers(
    bridge: Article, annotations: list[Annotation]
) -> None:
    warnings: list[str] = []
    data = select(annotations[:1], [meta(bridge)], text=lambda m: None)
    text = chunks(data, "jsonl", warn=warnings.append).decode()
    record = json.loads(text)
    assert record["sentence_first"] is None and record["article_source"] is None
    assert len(warnings) == 1 and "its file /news/bridge.md is gone" in warnings[0]
    # Without a way to find texts at all (a plain selection) nothing is looked for or warned.
    assert json.loads(chunks(select(annotations[:1], [meta(bridge)]), "jsonl"))["start"] == 0


def test_an_orphan_has_no_sentence_numbers(bridge: Article, annotations: list[Annotation]) -> None:
    orphan = Annotation.from_dict({**annotations[0].to_dict(), "anchor": "orphaned"})
    data = select([orphan], [meta(bridge)], text=lambda m: bridge)
    record = json.loads(chunks(data, "jsonl"))
    assert record["anchor"] == "orphaned" and record["sentence_first"] is None


# -- --by-sentence -----------------------------------------------------------------------------


def sentence_frame(data: ExportData, fmt: str, tmp_path: Path) -> Any:
    path = tmp_path / f"sentences{export.FORMATS[fmt]}"
    write_export(render_chunks(data, fmt, by_sentence=True), path)
    if fmt == "csv":
        return pd.read_csv(path)
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_json(path, lines=True)


@pytest.mark.parametrize("fmt", export.SENTENCE_FORMATS)
def test_by_sentence_has_every_sentence_and_each_annotators_tag(
    data: ExportData, bridge: Article, trains: Article, tmp_path: Path, fmt: str
) -> None:
    frame = sentence_frame(data, fmt, tmp_path)
    assert list(frame.columns) == [
        "article_id",
        "article_title",
        "article_path",
        "sentence",
        "paragraph",
        "start",
        "end",
        "text",
        "tag:ana",
        "tag:bo",
    ]
    assert len(frame) == len(bridge.sentences) + len(trains.sentences)
    rows = frame[frame["article_id"] == bridge.id].sort_values("sentence")
    assert rows["sentence"].tolist() == list(range(len(bridge.sentences)))
    tags = [None if pd.isna(t) else t for t in rows["tag:ana"]]
    assert tags == ["fact", "speculation", "speculation", None, None, None]
    tags = [None if pd.isna(t) else t for t in rows["tag:bo"]]
    assert tags == ["fact", "fact", None, None, "speculation", None]
    for row in rows.itertuples():
        assert bridge.body[row.start : row.end] == bridge.sentences[row.sentence].text
    texts = rows["text"].tolist()
    # Text is exact in jsonl and parquet; csv guards formula-like cells for spreadsheets.
    expected = [s.text for s in bridge.sentences]
    if fmt == "csv":
        expected = [export.csv_cell(t) for t in expected]
    assert texts == expected
    assert frame[frame["article_id"] == trains.id]["tag:bo"].isna().all()


def test_by_sentence_jsonl_loads_as_hugging_face_datasets_reads_it(
    data: ExportData, bridge: Article, trains: Article
) -> None:
    # datasets.load_dataset("json", ...) parses JSON Lines with pyarrow.json; the same call
    # here checks that every line has one type per column (null where untagged).
    table = pa_json.read_json(io.BytesIO(chunks(data, "jsonl", by_sentence=True)))
    assert table.num_rows == len(bridge.sentences) + len(trains.sentences)
    assert str(table.schema.field("tag:bo").type) == "string"
    assert str(table.schema.field("start").type) == "int64"


def test_by_sentence_jsonl_loads_with_hugging_face_datasets(
    data: ExportData,
    bridge: Article,
    trains: Article,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    datasets = pytest.importorskip("datasets")
    # Offline and in tmp_path: no download, no cache in the user's home.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    path = tmp_path / "sentences.jsonl"
    path.write_bytes(chunks(data, "jsonl", by_sentence=True))
    loaded = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
    )
    assert loaded.num_rows == len(bridge.sentences) + len(trains.sentences)
    assert loaded.features["tag:bo"].dtype == "string"
    assert loaded.features["start"].dtype == "int64"
    first = loaded[0]
    assert first["text"] == bridge.sentences[0].text
    assert (first["tag:ana"], first["tag:bo"]) == ("fact", "fact")
    assert loaded[len(bridge.sentences)]["tag:bo"] is None  # untagged: null, not ""


def test_by_sentence_leaves_out_an_article_whose_text_is_not_at_hand(
    bridge: Article, trains: Article, annotations: list[Annotation]
) -> None:
    warnings: list[str] = []
    data = select(annotations, [meta(bridge), meta(trains)], text=lambda m: trains)
    data = data.with_text(lambda m: trains if m["id"] == trains.id else None)
    lines = chunks(data, "jsonl", by_sentence=True, warn=warnings.append).splitlines()
    assert len(lines) == len(trains.sentences)
    assert warnings == [
        f"article {bridge.id} (Bridge to close): its file /news/bridge.md is gone; "
        "left out of the sentence table"
    ]


def test_by_sentence_of_an_untagged_article(trains: Article) -> None:
    data = select([], [meta(trains)], article_ids=[trains.id], text=lambda m: trains)
    rows = [json.loads(line) for line in chunks(data, "jsonl", by_sentence=True).splitlines()]
    assert [r["text"] for r in rows] == [s.text for s in trains.sentences]
    assert all(not k.startswith("tag:") for k in rows[0])


def test_by_sentence_refuses_formats_that_are_not_tables(data: ExportData) -> None:
    for fmt in ("json", "w3c", "markdown", "spacy-jsonl"):
        with pytest.raises(ExportError, match="--by-sentence writes jsonl, csv, parquet"):
            chunks(data, fmt, by_sentence=True)


# -- spaCy / Prodigy ---------------------------------------------------------------------------


def test_spacy_spans_slice_the_text_exactly(
    data: ExportData, bridge: Article, annotations: list[Annotation]
) -> None:
    docs = [json.loads(line) for line in chunks(data, "spacy-jsonl").splitlines()]
    assert [d["meta"]["article_id"] for d in docs] == [a["id"] for a in data.articles]
    spans = 0
    by_id = {a.id: a for a in annotations}
    for doc in docs:
        for span in doc["spans"]:
            ann = by_id[span["id"]]
            assert doc["text"][span["start"] : span["end"]] == ann.quote.exact
            assert span["label"] == ann.tag and span["annotator"] == ann.annotator
            spans += 1
    assert spans == len(annotations)
    bridge_doc = next(d for d in docs if d["meta"]["article_id"] == bridge.id)
    assert bridge_doc["text"] == bridge.body
    assert bridge_doc["meta"]["source"] == "https://example.org/news/bridge"


def test_spacy_leaves_out_orphans_and_articles_without_text(
    bridge: Article, trains: Article, annotations: list[Annotation]
) -> None:
    orphan = Annotation.from_dict({**annotations[0].to_dict(), "anchor": "orphaned"})
    warnings: list[str] = []
    data = select(
        [orphan, annotations[1], annotations[4]],
        [meta(bridge), meta(trains)],
        text=lambda m: bridge if m["id"] == bridge.id else None,
    )
    docs = [json.loads(x) for x in chunks(data, "spacy-jsonl", warn=warnings.append).splitlines()]
    assert len(docs) == 1 and [s["id"] for s in docs[0]["spans"]] == [annotations[1].id]
    assert len(warnings) == 1 and "left out of the spaCy export" in warnings[0]


# -- parquet and streaming ---------------------------------------------------------------------


def test_parquet_rows_match_the_csv_columns_with_exact_text(data: ExportData) -> None:
    frame = pd.read_parquet(io.BytesIO(chunks(data, "parquet")))
    assert list(frame.columns) == list(export.CSV_COLUMNS)
    assert "=which engineers?" in frame["note"].tolist()  # exact, no spreadsheet guard
    assert frame["start"].dtype.kind == "i"


def test_parquet_of_nothing_is_a_valid_empty_table() -> None:
    frame = pd.read_parquet(io.BytesIO(chunks(ExportData(()), "parquet")))
    assert len(frame) == 0 and list(frame.columns) == list(export.CSV_COLUMNS)


class CountingGroups(Mapping[str, Sequence[Annotation]]):
    """Annotations per article that records which articles were read, and when."""

    def __init__(self, groups: Mapping[str, Sequence[Annotation]]) -> None:
        self.groups = groups
        self.read: list[str] = []

    def __getitem__(self, key: str) -> Sequence[Annotation]:
        self.read.append(key)
        return self.groups[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.groups)

    def __len__(self) -> int:
        return len(self.groups)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "spacy-jsonl", "parquet"])
def test_row_formats_stream_article_by_article(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "_PARQUET_BATCH", 1000)  # row groups smaller than the data
    # 12 articles of 600 annotations: the first chunk is out before the last article is read.
    metas, groups, texts = [], {}, {}
    for n in range(12):
        body = f"Article {n} starts here. " + "A short sentence here. " * 600
        a = from_text(body, Path(f"/a/{n}.txt"))
        metas.append(meta(a))
        groups[a.id] = [tag(a, i, i, "fact", "ana") for i in range(600)]
        texts[a.id] = a
    counting = CountingGroups(groups)
    data = ExportData(tuple(metas), counting, lambda m: texts[m["id"]])
    stream = render_chunks(data, fmt)
    next(stream)
    assert 0 < len(set(counting.read)) < 12
    rest = b"".join(stream)
    assert rest and len(set(counting.read)) == 12


@given(st.text(max_size=12))
def test_csv_cells_round_trip_and_never_start_a_formula(value: str) -> None:
    cell = export.csv_cell(value)
    assert export.csv_value(cell) == value
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_write_export_never_replaces_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="not a regular file"):
        write_export(b"x", fifo)
    assert fifo.exists() and not fifo.is_file()


def test_a_failure_while_rendering_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old")

    def failing() -> Iterator[bytes]:
        yield b"first part\n"
        raise ExportError("cannot encode the export: boom")

    with pytest.raises(ExportError, match="boom"):
        write_export(failing(), target)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_provenance_is_in_every_row_and_survives_a_csv_round_trip(
    bridge: Article, annotations: list[Annotation]
) -> None:
    accepted = replace(annotations[1], provenance=Provenance.SUGGESTION_MODEL)
    data = select([annotations[0], accepted], [meta(bridge)], text=lambda m: bridge)
    lines = [json.loads(x) for x in chunks(data, "jsonl").splitlines()]
    assert [r["provenance"] for r in lines] == ["hand", "suggestion-model"]
    frame = pd.read_csv(io.BytesIO(chunks(data, "csv")), encoding="utf-8-sig")
    assert frame["provenance"].tolist() == ["hand", "suggestion-model"]
    back = parse_import(chunks(data, "csv")).annotations
    assert sorted(back, key=lambda a: a.start) == [annotations[0], accepted]


@given(st.lists(st.text(max_size=8), min_size=1, max_size=5))
def test_csv_line_writes_what_the_csv_module_writes(cells: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(cells)
    assert export.csv_line(cells) == out.getvalue()
    assert next(csv.reader(io.StringIO(export.csv_line(cells), newline=""))) == cells


NASTY = st.text(alphabet=st.sampled_from(list("ab ,\"'=+-@\t\r\n;1")), max_size=6)
"""Text made of what a csv cell must quote, double or guard."""


def reference_csv(rows: Sequence[Sequence[str | int | None]]) -> str:
    """What the csv module writes for the rows, every cell quoted, text guarded by csv_cell."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else str(v) if isinstance(v, int) else export.csv_cell(v) for v in row]
        )
    return out.getvalue()


@given(
    st.lists(
        st.tuples(NASTY, st.none() | NASTY, st.none() | st.integers(-3, 12), st.integers(0, 99)),
        max_size=12,
    )
)
def test_csv_rows_are_what_the_csv_module_writes_for_guarded_cells(
    rows: list[tuple[str, str | None, int | None, int]],
) -> None:
    # By-sentence csv goes through the same cells: text, missing text, numbers, missing numbers.
    text = "".join(export._csv_chunks(["a", "b", "c", "d"], rows))
    assert text == "\ufeff" + reference_csv([("a", "b", "c", "d"), *rows])


@given(st.lists(st.tuples(NASTY, NASTY, NASTY), min_size=1, max_size=6))
def test_csv_export_matches_the_csv_module_cell_for_cell(
    bridge: Article, texts: list[tuple[str, str, str]]
) -> None:
    # Notes, annotator names and titles with quotes, commas, line breaks and formula starts;
    # the jsonl export of the same selection says what each cell holds.
    anns = [
        replace(tag(bridge, i % 5, i % 5, "fact", who or "x", note), id=f"{i:04d}")
        for i, (note, who, _) in enumerate(texts)
    ]
    described = {**meta(bridge), "title": texts[0][2] or None}
    data = select(anns, [described], text=lambda m: bridge)
    records = [json.loads(line) for line in chunks(data, "jsonl").splitlines()]
    for r in records:
        r.update(quote_prefix=r["quote"]["prefix"], quote_suffix=r["quote"]["suffix"])
        r["quote"] = r["quote"]["exact"]
    expected = reference_csv(
        [export.CSV_COLUMNS, *([r[c] for c in export.CSV_COLUMNS] for r in records)]
    )
    assert chunks(data, "csv").decode("utf-8") == "\ufeff" + expected


@given(st.lists(st.tuples(st.integers(0, 260), st.integers(-2, 40), st.booleans()), max_size=20))
def test_sentence_numbers_are_the_sentences_a_span_overlaps(
    bridge: Article, spans: list[tuple[int, int, bool]]
) -> None:
    # Empty spans, spans between sentences or past the text, orphans: as sentence_range says.
    base = tag(bridge, 0, 0, "fact", "ana")
    anns = [
        replace(
            base,
            id=f"{i:04d}",
            start=start,
            end=start + length,
            anchor=AnchorState.ORPHANED if orphan else AnchorState.EXACT,
        )
        for i, (start, length, orphan) in enumerate(spans)
    ]
    data = select(anns, [meta(bridge)], text=lambda m: bridge)
    rows = [json.loads(line) for line in chunks(data, "jsonl").splitlines()]
    for r in rows:
        found = sentence_range(bridge.sentences, r["start"], r["end"])
        if r["anchor"] == "orphaned" or found is None:
            found = (None, None)
        assert (r["sentence_first"], r["sentence_last"]) == found


@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                list(" \t\n\r\x00\x01\x0b\x85\u2028-+>=1.)#*_[]`<>|\\a\u202e")
            ),
            max_size=12,
        ),
        max_size=6,
    )
)
def test_md_texts_escape_each_text_as_md_text_does(texts: list[str]) -> None:
    assert export.md_texts(texts) == [export.md_text(t) for t in texts]

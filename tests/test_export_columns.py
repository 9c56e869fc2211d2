"""The exports written from stored records column by column give the bytes the per-record
definitions give: the columns against ``to_export`` of the annotations in reading order, and
the w3c and jsonl text (cut from templates, escaped a column at a time) against each item
built as a dict and dumped by orjson, on text made of what JSON must escape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader import export
from tuireader.annotations import AnchorState, Annotation, Provenance, Quote
from tuireader.articles import from_text
from tuireader.export import ExportData, ExportError, select
from tuireader.records import stored_columns, to_export, to_stored
from tuireader.store import Store

STAMP = "2024-05-01T09:30:00.000Z"

# Quotes, backslashes, control characters, the column separator, the template's markers, a
# comma between quotes, and text beyond ASCII.
NASTY = st.lists(
    st.sampled_from(
        [
            *('"', "\\", ",", "\n", "\t", "\x00", "\x1f", "\x7f", "\ue000", "@@id@@"),
            *("9876543210", "a", " ", "é", "\u2028", "字", "😀", '","', "u0000"),
        ]
    ),
    max_size=6,
).map("".join)


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    start = draw(st.integers(0, 60))
    return Annotation(
        article_id=draw(st.sampled_from(["a1", "b2"])),
        start=start,
        end=start + draw(st.integers(0, 30)),
        tag=draw(st.sampled_from(["fact", "speculation", "x-other"])),
        quote=Quote(draw(NASTY), draw(NASTY), draw(NASTY)),
        annotator=draw(st.sampled_from(["alice", "", 'b"o\\b'])),
        note=draw(st.sampled_from(["", "", "plain note"]) | NASTY),
        id=draw(st.sampled_from(["c", "d", "e", "f"])) + draw(st.uuids()).hex[:6],
        created=STAMP,
        updated=draw(st.sampled_from([STAMP, "2026-05-06T07:08:09.123Z"])),
        anchor=draw(st.sampled_from(list(AnchorState))),
        provenance=draw(st.sampled_from(list(Provenance))),
    )


def in_reading_order(anns: list[Annotation]) -> list[Annotation]:
    return sorted(anns, key=lambda a: (a.article_id, a.start, a.end, a.id))


def selection(anns: list[Annotation], title: str | None = "Title") -> ExportData:
    articles = [
        {"id": "a1", "title": title, "date": "2024-01-02", "path": None, "sentence_count": 3},
        {"id": "b2", "title": None, "date": None, "path": "/x/b.txt", "sentence_count": None},
    ]
    return select(anns, articles)


ANNOTATION_LISTS = st.lists(annotations(), max_size=8, unique_by=lambda a: a.id)


@given(ANNOTATION_LISTS)
def test_columns_of_stored_records_are_the_exported_records_in_reading_order(
    anns: list[Annotation],
) -> None:
    stored = {a.id: to_stored(a) for a in anns}
    for record in stored.values():  # a quote stored without its context has none
        if not record["quote"]["suffix"]:
            del record["quote"]["suffix"]
    columns = stored_columns(stored)
    expected = [to_export(a) for a in sorted(anns, key=lambda a: (a.start, a.end, a.id))]
    assert columns.export_records() == expected
    assert len(columns) == len(anns)
    assert list(columns.rows(1, 3).id) == [r["id"] for r in expected[1:3]]


@given(st.lists(NASTY, max_size=6))
def test_a_column_of_text_is_escaped_as_orjson_escapes_each_value(values: list[str]) -> None:
    assert export._json_texts(values) == [orjson.dumps(v).decode()[1:-1] for v in values]


def test_text_json_cannot_hold_is_an_export_error() -> None:
    with pytest.raises(ExportError, match="cannot encode"):
        export._json_texts(["fine", "\ud800"])


@given(ANNOTATION_LISTS)
def test_w3c_items_are_the_items_built_one_by_one_and_dumped(anns: list[Annotation]) -> None:
    text = export.to_w3c(selection(anns), STAMP)
    items = [export.w3c_annotation(a) for a in in_reading_order(anns)]
    reference = "".join(export._json_array(items, 2))
    start = text.index('"items": ') + len('"items": ')
    assert text[start : start + len(reference)] == reference
    assert text[start + len(reference) :] == f'\n  }},\n  "total": {len(anns)}\n}}\n'


@given(ANNOTATION_LISTS, st.sampled_from(["Title", None, 'Ti"t\\le\x00 @@id@@']))
def test_jsonl_lines_are_the_records_built_one_by_one_and_dumped(
    anns: list[Annotation], title: str | None
) -> None:
    data = selection(anns, title)
    metas = {str(m["id"]): m for m in data.articles}
    expected: list[dict[str, Any]] = []
    for a in in_reading_order(anns):
        meta = metas[a.article_id]
        expected.append(
            {
                **to_export(a),
                "tag_label": export.DEFAULT_TAGS.with_seen(seen=[a.tag]).label(a.tag),
                "article_title": meta["title"],
                "article_date": meta["date"],
                "article_path": meta["path"],
                "article_source": None,
                "sentence_first": None,
                "sentence_last": None,
            }
        )
    # Split at "\n" only: text may hold other line breaks (U+2028), which JSON leaves as they are.
    assert export.to_jsonl(data) == "".join(orjson.dumps(e).decode() + "\n" for e in expected)


def test_an_article_of_more_rows_than_a_block_streams_in_blocks_with_the_same_lines() -> None:
    anns = [
        Annotation(
            "a1", i, i + 3, "fact", Quote(f'q"{i}'), "alice", "n" if i % 3 else "", f"id{i:05d}"
        )
        for i in range(export._CSV_BLOCK_ROWS + 5)
    ]
    data = selection(anns)
    lines = export.to_jsonl(data).split("\n")[:-1]
    assert len(lines) == len(anns)
    assert [orjson.loads(line)["id"] for line in lines] == [a.id for a in anns]
    doc = orjson.loads(export.to_w3c(data, STAMP))
    assert [i["id"] for i in doc["first"]["items"]] == [f"urn:uuid:{a.id}" for a in anns]
    assert doc["first"]["items"][1]["body"][1]["value"] == "n"


@given(ANNOTATION_LISTS)
def test_json_records_are_the_records_built_one_by_one_and_dumped(
    anns: list[Annotation],
) -> None:
    text = export.to_json(selection(anns), STAMP)
    records = [to_export(a) for a in in_reading_order(anns)]
    reference = "".join(export._json_array(records, 1))
    start = text.index('"annotations": ') + len('"annotations": ')
    assert text[start : start + len(reference)] == reference
    assert text[start + len(reference) :].startswith(',\n  "articles": ')
    assert orjson.loads(text)["annotations"] == records


MARKDOWN_TEXT = st.lists(
    st.sampled_from(["a", " ", "\n", "\t", "\r", "\x00", "\u202e", "\u2028", "*", "#", "1.", "é"]),
    max_size=6,
).map("".join)


@given(st.lists(MARKDOWN_TEXT, max_size=6))
def test_markdown_texts_escaped_together_are_each_escaped_alone(texts: list[str]) -> None:
    assert export.md_texts(texts) == [export.md_text(t) for t in texts]


@given(ANNOTATION_LISTS)
def test_markdown_items_made_together_are_each_made_alone(anns: list[Annotation]) -> None:
    columns = stored_columns({a.id: to_stored(a) for a in anns})
    quotes = export.md_texts([q.strip() for q in columns.exact])
    notes = export.md_texts([n.strip() for n in columns.note])
    names: dict[str, str] = {}
    expected = [
        "\n".join(export._markdown_item(q, n, who, anchor, {}))
        for q, n, who, anchor in zip(quotes, notes, columns.annotator, columns.anchor, strict=True)
    ]
    assert export._markdown_items(quotes, notes, columns, names) == expected


def test_the_store_hands_over_each_article_s_records_as_stored_loaded_or_not(
    tmp_path: Path,
) -> None:
    arts = [from_text(f"Story {i} starts here. It goes on a while. Then it ends.") for i in (1, 2)]
    db = tmp_path / "annotations.json"
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        for article in arts:
            alice.tag(article, 0, 0, "fact")
            alice.tag(article, 1, 2, "speculation")
            bob.tag(article, 0, 1, "fact")
        noted = alice.mine(arts[0].id)[0]
        alice.set_note(noted.id, 'checked "twice"')
        alice._db.file.compact()
    with Store.open(db, "reader", create=False) as store:
        store.attach(arts[0])  # loaded, as the reader holds it; the other is read from its shard
        for article in arts:
            found = store.stored_records(article.id)
            anns = store.annotations(article.id, include_orphans=True)
            assert found == {a.id: to_stored(a) for a in anns} and len(found) == 3
            exported = export.stream(store, [article.id]).columns_of(article.id).export_records()
            assert exported == [to_export(a) for a in in_reading_order(anns)]
        assert export.to_jsonl(export.stream(store)) == export.to_jsonl(export.collect(store))

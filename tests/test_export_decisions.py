"""Exports carry the adjudicators' "no tag" and "unresolved" decisions (json, jsonl) and the
codebook's labels and guidelines for the tags they use."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from test_config import CODEBOOK, write
from tuireader.adjudication import UNRESOLVED, Verdict, state_key, with_verdict
from tuireader.agreement import NO_TAG
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.export import PARQUET_TAGS_KEY, schema_text
from tuireader.store import Store
from tuireader.tags import DEFAULT_TAGS, Tag, TagSet

from conftest import SEED


@pytest.fixture
def article(tmp_path: Path) -> Article:
    copy = tmp_path / "story.txt"
    shutil.copy(SEED, copy)
    return load_article(copy)


@pytest.fixture
def adjudicated(db_path: Path, article: Article) -> Path:
    """ann and bob disagree on sentences 0-2; gold took bob's tag on 0, decided "no tag" on 1
    (as ann had it) and left 2 unresolved, with reasons."""
    s = article.sentences
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
        store.tag(article, 2, 2, "fact")
    with Store.open(db_path, "bob") as store:
        store.tag(article, 0, 0, "speculation")
        store.tag(article, 1, 1, "speculation")
    with Store.open(db_path, "gold") as store:
        store.tag(article, 0, 0, "speculation")
        key = state_key("gold", article.id)
        state = with_verdict({}, s[1], Verdict(NO_TAG, "ann", "no claim in it"))
        state = with_verdict(state, s[2], Verdict(UNRESOLVED, None, "ask the desk"))
        store.set_state(key, state)
    return db_path


def schema() -> dict[str, object]:
    return json.loads(schema_text())


def test_json_carries_no_tag_and_unresolved_decisions_with_their_reason(
    adjudicated: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, schema())
    s = article.sentences
    assert doc["decisions"] == [
        {
            "article_id": article.id,
            "adjudicator": "gold",
            "start": s[1].start,
            "end": s[1].end,
            "decision": "no_tag",
            "source": "ann",
            "reason": "no claim in it",
        },
        {
            "article_id": article.id,
            "adjudicator": "gold",
            "start": s[2].start,
            "end": s[2].end,
            "decision": "unresolved",
            "source": None,
            "reason": "ask the desk",
        },
    ]
    # The tag decision is an annotation of gold's layer, as before.
    assert [a["tag"] for a in doc["annotations"] if a["annotator"] == "gold"] == ["speculation"]


def test_jsonl_has_a_decision_line_after_its_articles_annotations(
    adjudicated: Path, article: Article, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tags.jsonl"
    assert main(["export", "-f", "jsonl", "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    defs = schema()["$defs"]
    assert isinstance(defs, dict)
    decisions = [line for line in lines if "decision" in line]
    assert [(d["decision"], d["sentence"], d["reason"]) for d in decisions] == [
        ("no_tag", 1, "no claim in it"),
        ("unresolved", 2, "ask the desk"),
    ]
    assert lines[-2:] == decisions  # after the article's annotations
    for line in lines:
        which = "jsonl_decision" if "decision" in line else "jsonl_record"
        jsonschema.validate(line, {"$ref": f"#/$defs/{which}", "$defs": defs})
    # The file imports back: annotations and decisions.
    capsys.readouterr()
    fresh = tmp_path / "fresh.json"
    assert main(["import", "--db", str(fresh), str(out)]) == 0
    said = capsys.readouterr().out
    assert "5 added" in said and "2 read, 2 new or changed" in said
    assert main(["export", "--db", str(fresh), "-f", "jsonl"]) == 0
    again = [json.loads(x) for x in capsys.readouterr().out.splitlines() if '"decision"' in x]
    assert again == decisions


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_decisions_round_trip_and_merge_in_any_order(
    adjudicated: Path,
    article: Article,
    tmp_path: Path,
    fmt: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mine = tmp_path / f"mine.{fmt}"
    assert main(["export", "-f", fmt, "-o", str(mine)]) == 0
    # Another adjudication of the same sentence 2: decided "no tag" there instead.
    s = article.sentences
    other_db = tmp_path / "other.json"
    with Store.open(other_db, "gold") as store:
        store.attach(article)
        store.tag(article, 3, 3, "fact")
        state = with_verdict({}, s[2], Verdict(NO_TAG, None, "reads as background"))
        store.set_state(state_key("gold", article.id), state)
    theirs = tmp_path / f"theirs.{fmt}"
    assert main(["export", "--db", str(other_db), "-f", fmt, "-o", str(theirs)]) == 0
    results = []
    for order in ((mine, theirs), (theirs, mine)):
        db = tmp_path / f"merged-{order[0].stem}.json"
        for path in order:
            assert main(["import", "--db", str(db), str(path)]) == 0
        capsys.readouterr()
        assert main(["export", "--db", str(db), "-f", "json"]) == 0
        results.append(json.loads(capsys.readouterr().out)["decisions"])
    assert results[0] == results[1]
    by_start = {d["start"]: (d["decision"], d["reason"]) for d in results[0]}
    assert by_start[s[1].start] == ("no_tag", "no claim in it")
    # The same sentence decided differently: one fixed winner ("unresolved" > "(no tag)").
    assert by_start[s[2].start] == ("unresolved", "ask the desk")


def test_a_bad_decision_record_is_refused_before_anything_is_written(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {
        "format": "tuireader-annotations",
        "version": 1,
        "exported_at": "2024-01-01T00:00:00.000Z",
        "tool_version": "0",
        "articles": [],
        "annotations": [],
        "decisions": [
            {
                "article_id": "a" * 16,
                "adjudicator": "gold",
                "start": 9,
                "end": 3,
                "decision": "no_tag",
                "source": None,
                "reason": "",
            }
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "decision 1" in err and "start" in err and len(err.strip().splitlines()) == 1
    assert not db_path.exists()


def test_decisions_follow_the_layer_and_tag_filters(
    adjudicated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "-f", "json", "--annotator", "gold"]) == 0
    assert len(json.loads(capsys.readouterr().out)["decisions"]) == 2
    assert main(["export", "-f", "json", "--annotator", "ann", "--annotator", "bob"]) == 0
    assert "decisions" not in json.loads(capsys.readouterr().out)
    # A tag filter asks for tags: decisions that are not a tag are not among them.
    assert main(["export", "-f", "json", "--tag", "speculation"]) == 0
    assert "decisions" not in json.loads(capsys.readouterr().out)


def test_malformed_decision_state_is_skipped(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db_path, "gold") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
        store.set_state(
            state_key("gold", article.id),
            {
                "x:y": {"value": NO_TAG},
                "5:2": {"value": NO_TAG},
                "0:10": {"value": "fact"},
                "0:11": "nope",
                "3:9": {"value": UNRESOLVED, "reason": 7},
                "1:4": {"value": UNRESOLVED},
            },
        )
    assert main(["export", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(d["start"], d["end"], d["reason"]) for d in doc["decisions"]] == [(1, 4, "")]


# -- the codebook -------------------------------------------------------------------------------


@pytest.fixture
def five_tags(
    tmp_path: Path, db_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> Path:
    config = write(tmp_path / "five.toml", CODEBOOK)
    monkeypatch.setenv("TUIREADER_CONFIG", str(config))
    with Store.open(db_path, "sam") as store:
        store.attach(article)
        store.tag(article, 0, 0, "claim")
        store.tag(article, 1, 1, "verdict")
    return config


def test_json_names_the_label_and_guideline_of_each_tag_used(
    five_tags: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tags"] == [
        {
            "id": "claim",
            "label": "Claim",
            "description": "A checkable statement of fact made by someone in the story.",
        },
        {"id": "verdict", "label": "Verdict", "description": None},
    ]


def test_rows_carry_the_tag_label(
    five_tags: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert [(r["tag"], r["tag_label"]) for r in rows] == [
        ("claim", "Claim"),
        ("verdict", "Verdict"),
    ]
    assert main(["export", "-f", "jsonl"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["tag_label"] for x in lines] == ["Claim", "Verdict"]
    assert main(["export", "-f", "spacy-jsonl"]) == 0
    (record,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert record["meta"]["labels"] == {"claim": "Claim", "verdict": "Verdict"}
    assert main(["export", "-f", "markdown"]) == 0
    report = capsys.readouterr().out
    assert "## Tags" in report
    assert (
        "**Claim** (`claim`): A checkable statement of fact made by someone in the story." in report
    )
    assert "**Verdict** (`verdict`)\n" in report
    assert "2 annotations in 1 article." in report


def test_parquet_metadata_holds_the_codebook_of_the_tags_used(
    five_tags: Path, tmp_path: Path
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for flags in ([], ["--by-sentence"]):
        out = tmp_path / "t.parquet"
        assert main(["export", "-f", "parquet", *flags, "-o", str(out)]) == 0
        metadata = pq.read_metadata(out).metadata
        tags = json.loads(metadata[PARQUET_TAGS_KEY.encode()])
        assert [t["label"] for t in tags] == ["Claim", "Verdict"]


def test_a_tag_the_codebook_lacks_is_named_from_its_id(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tagged under a codebook the database never recorded; exported under the default one.
    other = TagSet((*DEFAULT_TAGS.tags, Tag("needs_check", "Check", "N", ("n",), "yellow")))
    with Store.open(db_path, "sam", tags=other) as store:
        store.attach(article)
        store.tag(article, 0, 0, "needs_check")
    assert main(["export", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tags"] == [{"id": "needs_check", "label": "Needs check", "description": None}]
    assert main(["export", "-f", "json", "--tag", "needs_check"]) == 0
    assert len(json.loads(capsys.readouterr().out)["annotations"]) == 1


# -- sentence corrections -------------------------------------------------------------------------


def test_stats_and_agree_count_the_corrected_sentences(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """A split made in the reader gives one sentence more: stats and agree count it, as
    --by-sentence does."""
    first = article.sentences[0]
    at = first.start + first.text.index(" has set off") + 1
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.split_sentence(article, 0, at)
        corrected = len(article.sentences)
        assert corrected == len(load_article(article.path).sentences) + 1
        store.tag(article, 0, 1, "fact")  # both halves
        store.set_done(article.id, True)
    with Store.open(db_path, "bob") as store:
        store.tag(article, 0, 0, "fact")
        store.set_done(article.id, True)
    assert main(["stats", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["articles"]
    assert row["tagged_sentences"] == 2  # both halves, each once however many tagged it
    assert main(["agree", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["units"] == corrected
    assert main(["export", "--by-sentence", "-f", "jsonl"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == corrected
    assert [(r["tag:ann"], r["tag:bob"]) for r in rows[:2]] == [("fact", "fact"), ("fact", None)]


def test_the_readers_export_carries_the_decisions_too(adjudicated: Path) -> None:
    """``x`` in the reader takes the selection whole on its own thread (``collect``) and writes
    it on another: the decisions travel with it."""
    from tuireader import export

    with Store.open(adjudicated, "gold") as store:
        data = export.collect(store)
    doc = json.loads(export.render(data, "json"))
    assert [d["decision"] for d in doc["decisions"]] == ["no_tag", "unresolved"]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_layer_of_decisions_only_is_exported_and_read_back(
    db_path: Path, article: Article, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """gold decided only "no tag" and "unresolved" and marked the article done: its own file
    carries all of it (it said "nothing to export" and wrote 0 of them)."""
    s = article.sentences
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 1, "fact")
    with Store.open(db_path, "bob") as store:
        store.tag(article, 1, 1, "speculation")
    with Store.open(db_path, "gold") as store:
        state = with_verdict({}, s[0], Verdict(NO_TAG, "bob", "no claim"))
        state = with_verdict(state, s[1], Verdict(UNRESOLVED, None, "ask"))
        store.set_state(state_key("gold", article.id), state)
        store.set_done(article.id, True)
    mine = tmp_path / f"gold.{fmt}"
    capsys.readouterr()
    assert main(["export", "--annotator", "gold", "-f", fmt, "-o", str(mine)]) == 0
    err = capsys.readouterr().err
    assert "nothing to export" not in err
    assert "0 annotations, 2 adjudication decisions, 1 done mark" in err
    other = tmp_path / "other.json"
    assert main(["import", "--db", str(other), str(mine)]) == 0
    capsys.readouterr()
    assert main(["export", "--db", str(other), "-f", "json"]) == 0
    back = json.loads(capsys.readouterr().out)
    decided = {(d["start"], d["decision"], d["source"], d["reason"]) for d in back["decisions"]}
    assert decided == {
        (s[0].start, "no_tag", "bob", "no claim"),
        (s[1].start, "unresolved", None, "ask"),
    }
    assert [(m["annotator"], m["done"]) for m in back["done"]] == [("gold", True)]


def test_an_empty_layer_export_says_so_once(
    adjudicated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(adjudicated, "carl") as store:
        store.set_state("unrelated", 1)
    out = tmp_path / "none.json"
    capsys.readouterr()
    main(["export", "--annotator", "ann", "--tag", "expert", "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nothing to export" in err[0] and "of ann" in err[0], err


def test_an_adjudicator_with_no_tag_decisions_only_can_be_exported(
    db_path: Path, article: Article, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No tag and no done mark yet: gold was "no such annotator" for ``--annotator gold``."""
    s = article.sentences
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
    with Store.open(db_path, "gold") as store:
        store.set_state(
            state_key("gold", article.id), with_verdict({}, s[0], Verdict(NO_TAG, None, ""))
        )
    capsys.readouterr()
    assert main(["export", "--annotator", "gold", "-f", "json"]) == 0
    (decision,) = json.loads(capsys.readouterr().out)["decisions"]
    assert (decision["adjudicator"], decision["decision"]) == ("gold", "no_tag")

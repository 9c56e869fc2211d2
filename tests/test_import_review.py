"""What an import refuses besides bad shapes (names --annotator refuses, times in the future),
copies it does not add twice, and what it says about annotations the file lacks."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tuireader.annotations import AnchorState
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.import_checks import annotation_problem
from tuireader.store import Store

from conftest import SEED, soon


@pytest.fixture
def article(tmp_path: Path) -> Article:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    return load_article(path)


def exported(tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]) -> Any:
    db = tmp_path / "source-db.json"
    with Store.open(db, "alice") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
        store.tag(article, 2, 3, "speculation")
        store.set_done(article.id, True)
    assert main(["export", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def refused(capsys: pytest.CaptureFixture[str], path: Path, db: Path) -> str:
    assert main(["import", str(path), "--db", str(db)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert not db.exists()  # nothing written, not even an empty database
    return captured.err


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("eve\x1b[31m", r"'eve\x1b[31m'"),
        ("", "''"),
        ("   ", "'   '"),
        ("ann\nbob", r"'ann\nbob'"),
        ("A" * 5000, "'" + "A" * 40 + "…'"),
    ],
)
def test_an_annotator_name_annotator_refuses_is_refused_on_import(
    name: str,
    shown: str,
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = exported(tmp_path, article, capsys)
    doc["annotations"][1]["annotator"] = name
    path = tmp_path / "sent.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = refused(capsys, path, tmp_path / "db.json")
    assert err.startswith(f"tuireader: {path}: annotation 2 (id ")
    assert f'"annotator" {shown} is refused' in err and "(as --annotator)" in err
    assert "\x1b" not in err and len(err) < 400
    # The same rule as --annotator: the reader refuses those names in the same words.
    assert main(["--annotator", name or " ", "--db", str(tmp_path / "r.json"), str(SEED)]) == 2
    assert "annotator must be a printable name" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["annotation", "done mark"])
@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("9999-12-31T23:59:59.000Z", "is in the future (more than a day from now"),
        ("2026-13-45T00:00:00Z", "is not an ISO 8601 timestamp"),
    ],
)
def test_a_time_in_the_future_or_unreadable_is_refused(
    where: str,
    when: str,
    problem: str,
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = exported(tmp_path, article, capsys)
    (doc["annotations"] if where == "annotation" else doc["done"])[0]["updated"] = when
    for fmt in ("json", "jsonl"):
        path = tmp_path / f"sent.{fmt}"
        if fmt == "json":
            path.write_text(json.dumps(doc), encoding="utf-8")
        else:
            lines = [*doc["annotations"], *doc["done"]]
            path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
        err = refused(capsys, path, tmp_path / "db.json")
        assert '"updated"' in err and problem in err, err


def test_a_time_within_a_day_of_clock_skew_is_taken(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = exported(tmp_path, article, capsys)
    doc["annotations"][0]["updated"] = soon(20)
    path = tmp_path / "sent.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(path), "--db", str(tmp_path / "db.json")]) == 0
    assert "2 added" in capsys.readouterr().out


def test_a_copy_under_another_id_is_not_added_twice(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = exported(tmp_path, article, capsys)
    db = tmp_path / "db.json"
    first = tmp_path / "first.json"
    first.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(first), "--db", str(db)]) == 0
    capsys.readouterr()
    # The same tags under new ids (a second export of the same work, copied by hand), twice
    # over in the file, and one real new tag.
    copies = [dict(a, id=f"copy-{i}") for i, a in enumerate(doc["annotations"])]
    again = [dict(a, id=f"again-{i}") for i, a in enumerate(doc["annotations"])]
    new = dict(doc["annotations"][0], id="new-one", tag="expert_opinion")
    second = tmp_path / "second.json"
    second.write_text(json.dumps({**doc, "annotations": [*copies, *again, new]}), encoding="utf-8")
    assert main(["import", str(second), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 4 skipped" in out
    assert "4 skipped as copies of an annotation already in the same layer" in out
    with Store.open(db, "alice", create=False) as store:
        layer = store.annotations(article.id, "alice", include_orphans=True)
    assert len(layer) == 3 == len({(a.start, a.end, a.tag, a.note) for a in layer})


def test_a_tag_cleared_since_the_last_export_is_reported_not_kept_silently(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    source, lead = tmp_path / "bob-db.json", tmp_path / "lead-db.json"
    with Store.open(source, "bob") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 1, "fact")
        store.tag(article, 4, 4, "speculation")
    first, second = tmp_path / "bob-1.json", tmp_path / "bob-2.json"
    assert main(["export", "--db", str(source), "--annotator", "bob", "-o", str(first)]) == 0
    assert main(["import", str(first), "--db", str(lead)]) == 0
    capsys.readouterr()
    with Store.open(source, "bob") as store:
        store.attach(article)
        store.clear(article, 1, 1)
    assert main(["export", "--db", str(source), "--annotator", "bob", "-o", str(second)]) == 0
    assert main(["import", str(second), "--db", str(lead)]) == 0
    captured = capsys.readouterr()
    assert "0 added, 0 updated, 2 skipped" in captured.out
    assert (
        "tuireader: warning: the database holds 1 annotation of bob (1 article) in the layers "
        "this file holds whole that this file does not have (deleted since it was exported?); "
        "kept (import --prune removes them)"
    ) in captured.err
    # Another layer of the lead's database is not bob's file's business.
    with Store.open(lead, "gold") as store:
        store.attach(article)
        store.tag(article, 2, 2, "fact")
    assert main(["import", str(second), "--db", str(lead)]) == 0
    assert "of gold" not in capsys.readouterr().err


def test_prune_removes_what_the_annotator_deleted_and_nothing_else(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    source, lead = tmp_path / "bob-db.json", tmp_path / "lead-db.json"
    with Store.open(source, "bob") as store:
        store.attach(article)
        for first in (1, 4):
            store.tag(article, first, first, "fact")
        time.sleep(0.01)  # the file's copy of bob's layer is as of its newest record: this one
        store.tag(article, 0, 0, "fact")
    with Store.open(lead, "gold") as store:  # the lead's own layer, and alice's
        store.attach(article)
        store.tag(article, 1, 1, "speculation")
    with Store.open(lead, "alice") as store:
        store.tag(article, 2, 2, "fact")
    first, second = tmp_path / "bob-1.json", tmp_path / "bob-2.json"
    assert main(["export", "--db", str(source), "--annotator", "bob", "-o", str(first)]) == 0
    assert main(["import", str(first), "--db", str(lead)]) == 0
    with Store.open(source, "bob") as store:
        store.attach(article)
        store.clear(article, 1, 1)
        store.clear(article, 4, 4)
    assert main(["export", "--db", str(source), "--annotator", "bob", "-o", str(second)]) == 0
    capsys.readouterr()
    assert main(["import", "--prune", str(second), "--db", str(lead)]) == 0
    err = capsys.readouterr().err
    assert "holds 2 annotations of bob (1 article)" in err and "removed (--prune)" in err
    with Store.open(lead, "gold", create=False) as store:
        left = store.annotations(article.id, include_orphans=True)
    starts = [s.start for s in article.sentences]
    assert sorted((a.annotator, starts.index(a.start)) for a in left) == [
        ("alice", 2),
        ("bob", 0),
        ("gold", 1),
    ]
    # Nothing more to prune: the next import says nothing.
    assert main(["import", "--prune", str(second), "--db", str(lead)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_per_record_checks_stay_cheap() -> None:
    """Correctness of the fast path the benchmark times: a passed value is remembered, a bad
    one is named every time."""
    record = {
        "article_id": "0123456789abcdef",
        "tag": "fact",
        "annotator": "alice",
        "created": "2024-01-01T00:00:00.000Z",
    }
    assert annotation_problem(record) is None
    assert annotation_problem({**record, "updated": "9999-01-01T00:00:00Z"}) is not None
    assert annotation_problem({**record, "annotator": "a\tb"}) is not None
    assert annotation_problem(record) is None
    assert annotation_problem({**record, "tag": "fact\x1b[2J"}) is not None
    assert annotation_problem({**record, "article_id": "abc"}) is not None


@pytest.mark.parametrize("field", ["adjudicator", "source"])
def test_a_decision_naming_someone_annotator_would_refuse_is_refused(
    field: str, tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = exported(tmp_path, article, capsys)
    s = article.sentences[1]
    decision = {
        "article_id": article.id,
        "adjudicator": "gold",
        "start": s.start,
        "end": s.end,
        "decision": "no_tag",
        "source": "alice",
        "reason": "",
    }
    path = tmp_path / "sent.json"
    path.write_text(json.dumps({**doc, "decisions": [decision]}), encoding="utf-8")
    assert main(["import", str(path), "--db", str(tmp_path / "ok-db.json")]) == 0
    capsys.readouterr()
    decision[field] = "gold\u200b\x07"
    path.write_text(json.dumps({**doc, "decisions": [decision]}), encoding="utf-8")
    err = refused(capsys, path, tmp_path / "db.json")
    assert f"decision 1: \"{field}\" 'gold\\u200b\\x07' is refused" in err


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_copies_within_one_file_alone_are_written_and_all_but_one_orphaned(
    fmt: str, tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """Into a database that has no such article, the file's own copies are written (looking
    for them cost a dense import 2.5x); attaching the article keeps one placed, as any overlap
    within a layer."""
    doc = exported(tmp_path, article, capsys)
    first = doc["annotations"][0]
    copies = [dict(first, id=f"copy-{i}") for i in range(3)]
    other = dict(first, id="other-layer", annotator="bob")  # the same tag in another layer
    annotations = [*doc["annotations"], *copies, other]
    path = tmp_path / f"sent.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps({**doc, "annotations": annotations}), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(a) + "\n" for a in annotations), encoding="utf-8")
    db = tmp_path / f"{fmt}-db.json"
    assert main(["import", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{len(annotations)} added, 0 updated, 0 skipped" in out
    with Store.open(db, "alice", create=False) as store:
        found = store.annotations(article.id, include_orphans=True)
    assert sorted(a.id for a in found) == sorted(a["id"] for a in annotations)
    same_place = [
        a
        for a in found
        if a.annotator == "alice" and (a.start, a.end) == (first["start"], first["end"])
    ]
    assert len(same_place) == 4
    with Store.open(db, "alice", create=False) as store:  # the reader attaches on opening
        store.attach(article)
        found = store.annotations(article.id, include_orphans=True)
    placed = [a for a in found if a.annotator == "alice" and a.anchor != AnchorState.ORPHANED]
    assert sum((a.start, a.end) == (first["start"], first["end"]) for a in placed) == 1


def test_one_annotation_and_one_article_file_are_counted_in_the_singular(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = exported(tmp_path, article, capsys)
    path = tmp_path / "one.json"
    path.write_text(json.dumps({**doc, "annotations": doc["annotations"][:1]}), encoding="utf-8")
    assert main(["import", str(path), "--db", str(tmp_path / "db.json")]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 0 skipped (1 annotation in json; 1 article file found)" in out

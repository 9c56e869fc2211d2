"""``tuireader agree``: over the articles every chosen annotator marked done, sentence units."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tuireader.agreement import NO_TAG, agreement
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.store import Store

from conftest import SEED, load_benchmark


@pytest.fixture
def article(tmp_path: Path) -> Article:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    return load_article(path)


def annotate(
    db: Path, article: Article, name: str, runs: dict[tuple[int, int], str], done: bool = True
) -> None:
    with Store.open(db, name) as store:
        store.attach(article)
        for (first, last), tag in runs.items():
            store.tag(article, first, last, tag)
        if done:
            store.set_done(article.id, True)


def agree_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["agree", *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def one_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["agree", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    return captured.err


def test_two_annotators_json(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", {(0, 2): "fact", (5, 5): "speculation"})
    annotate(db_path, article, "bob", {(0, 1): "fact", (5, 5): "expert_opinion"})
    doc = agree_json(capsys)
    n = len(article.sentences)
    assert doc["annotators"] == ["ann", "bob"]
    assert doc["articles"] == [article.id]
    assert doc["units"] == n
    # A range counts for each of its sentences: ann's 0-2 against bob's 0-1 differ on one.
    values_ann = ["fact"] * 3 + [NO_TAG] * 2 + ["speculation"] + [NO_TAG] * (n - 6)
    values_bob = ["fact"] * 2 + [NO_TAG] * 3 + ["expert_opinion"] + [NO_TAG] * (n - 6)
    expected = agreement(["ann", "bob"], list(zip(values_ann, values_bob, strict=True)))
    assert doc["percent_agreement"] == round(100 * (n - 2) / n, 2)
    assert doc["cohen_kappa"] == round(expected.overall.cohen_kappa or 0, 4)
    assert doc["krippendorff_alpha"] == round(expected.overall.krippendorff_alpha or 0, 4)
    assert doc["fleiss_kappa"] == round(expected.overall.fleiss_kappa or 0, 4)
    per_tag = doc["per_tag"]
    assert isinstance(per_tag, dict)
    assert set(per_tag) == {"fact", "speculation", "expert_opinion"}
    assert per_tag["fact"]["percent_agreement"] == round(100 * (n - 1) / n, 2)
    confusion = doc["confusion"]
    assert isinstance(confusion, dict)
    assert confusion["annotators"] == ["ann", "bob"]
    assert sum(map(sum, confusion["rows"])) == n


def test_three_annotators_text_and_only_articles_all_marked_done(
    db_path: Path, article: Article, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_path = tmp_path / "other.txt"
    other_path.write_text("Title\n\nOne claim. Two claims. Three.\n", encoding="utf-8")
    other = load_article(other_path)
    for name in ("ann", "bob", "cat"):
        annotate(db_path, article, name, {(0, 0): "fact"})
    annotate(db_path, other, "ann", {(0, 0): "fact"})
    annotate(db_path, other, "bob", {(1, 1): "fact"}, done=False)  # in progress: left out
    doc = agree_json(capsys)
    assert doc["annotators"] == ["ann", "bob", "cat"]
    assert doc["articles"] == [article.id]
    assert doc["cohen_kappa"] is None and doc["confusion"] is None
    assert doc["percent_agreement"] == 100.0
    assert main(["agree"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Agreement of ann, bob, cat over 1 article: {len(article.sentences)}")
    assert "Fleiss κ" in out and "Kripp. α" in out
    assert "rows" not in out  # no confusion table for three


def test_annotators_and_article_options(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", {(0, 0): "fact"})
    annotate(db_path, article, "bob", {(0, 0): "fact"})
    annotate(db_path, article, "cat", {(1, 1): "fact"})
    doc = agree_json(capsys, "--annotators", "ann,bob", "--article", article.id[:6])
    assert doc["annotators"] == ["ann", "bob"]
    assert doc["percent_agreement"] == 100.0


def test_bad_input_is_one_line_exit_2(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", {(0, 0): "fact"})
    assert "at least two annotators" in one_error(capsys)
    annotate(db_path, article, "bob", {(0, 0): "fact"}, done=False)
    err = one_error(capsys, "--annotators", "ann,bob")
    assert "bob" in err and "done" in err
    assert "unknown annotator 'zed'" in one_error(capsys, "--annotators", "ann,zed")
    assert "at least two annotators" in one_error(capsys, "--annotators", "ann")
    assert "no such article" in one_error(capsys, "--article", "ffffffff")


def test_article_no_one_marked_done(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", {(0, 0): "fact"}, done=False)
    annotate(db_path, article, "bob", {(0, 0): "fact"}, done=False)
    err = one_error(capsys, "--article", article.id)
    assert "no one has marked" in err


def test_article_text_gone_is_left_out_with_a_note(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "ann", {(0, 0): "fact"})
    annotate(db_path, article, "bob", {(0, 0): "fact"})
    assert article.path is not None
    article.path.unlink()
    err = one_error(capsys)
    assert "text is not at" in err


def test_missing_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The database is what is missing, not annotators (the tester's D22).
    err = one_error(capsys, "--db", str(tmp_path / "none.json"))
    assert "none.json: no such annotation database" in err


def test_benchmark_builds_and_times_a_small_case() -> None:
    bench = load_benchmark("bench_agree")
    figures = bench.run(annotators=3, sentences=60)
    assert set(figures) >= {"agree", "stats (baseline)"}
    assert all(seconds > 0 for seconds in figures.values())


def test_a_name_given_twice_is_named_not_taken_for_one(
    db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "alice", {(0, 0): "fact"})
    annotate(db_path, article, "bob", {(0, 0): "fact"})
    err = one_error(capsys, "--db", str(db_path), "--annotators", "alice,alice")
    assert "alice is named twice" in err
    # bob did mark it done: the old message said only alice had.
    assert "only alice marked" not in err
    err = one_error(capsys, "--db", str(db_path), "--annotators", "alice, bob ,alice")
    assert "alice is named twice" in err
    assert agree_json(capsys, "--db", str(db_path), "--annotators", "alice,bob")["units"]


@pytest.mark.parametrize("value", ["alice,", ",alice", "alice,,bob", "alice, ,bob", ""])
def test_an_empty_name_is_refused_not_dropped(
    value: str, db_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(db_path, article, "alice", {(0, 0): "fact"})
    annotate(db_path, article, "bob", {(0, 0): "fact"})
    before = db_path.read_bytes()
    err = one_error(capsys, "--db", str(db_path), "--annotators", value)
    assert "--annotators: an empty name in" in err
    assert "only alice marked" not in err
    assert db_path.read_bytes() == before

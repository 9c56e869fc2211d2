"""``tuireader stats`` per annotator: done, in progress, tagged sentences; ``--annotator``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.store import Store

from conftest import SEED


def test_stats_per_annotator(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    article = load_article(path)
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.tag(article, 0, 2, "fact")
        store.set_done(article.id, True)
    with Store.open(db_path, "bob") as store:
        store.tag(article, 1, 1, "speculation")
    assert main(["stats", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["annotators"] == [
        {"annotator": "ann", "done": 1, "in_progress": 0, "tagged_sentences": 3},
        {"annotator": "bob", "done": 0, "in_progress": 1, "tagged_sentences": 1},
    ]
    assert main(["stats", "--annotator", "bob", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["articles"][0]["tags"]["speculation"] == 1
    assert doc["articles"][0]["tagged_sentences"] == 1
    assert [p["annotator"] for p in doc["annotators"]] == ["bob"]
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "By annotator  Done  In progress  Tagged sentences" in out
    assert main(["stats", "--annotator", "zed"]) == 2
    assert capsys.readouterr().err == (
        "tuireader: unknown annotator 'zed': the database has ann, bob\n"
    )


def test_everyone_counts_each_sentence_once_over_the_corrected_sentences(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "parade.txt"
    path.write_text(
        "Crowds gathered before the parade's start on the avenue. "
        "Security was light this year, one visitor said.\n\n"
        "The weather held until noon. Rain came later in the afternoon.",
        encoding="utf-8",
    )
    article = load_article(path)
    assert len(article.sentences) == 4
    with Store.open(db_path, "alice") as store:
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))  # 5 sentences now
        store.tag(article, 0, 2, "fact")
    with Store.open(db_path, "bob") as store:
        store.attach(article)
        store.tag(article, 0, 1, "fact")
        store.tag(article, 2, 2, "speculation")
    assert main(["stats", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["articles"]
    # Sentences 0-2 tagged by someone, of 5: not 6 of 4 (the layers added up, the raw count).
    assert (row["tagged_sentences"], row["sentence_count"]) == (3, 5)
    assert row["tags"] == {"fact": 3, "speculation": 1, "expert_opinion": 0}
    assert row["coverage"] == 0.6
    assert main(["stats", "--annotator", "bob", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["articles"][0]["tagged_sentences"], doc["articles"][0]["sentence_count"]) == (3, 5)
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "3/5" in out and "60%" in out


def test_no_row_ever_claims_more_tagged_sentences_than_the_article_has(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    article = load_article(path)
    n = len(article.sentences)
    for name in ("ann", "bob", "cy"):
        with Store.open(db_path, name) as store:
            store.attach(article)
            store.tag(article, 0, n - 1, "fact")
    path.unlink()  # estimated from the quotes now
    assert main(["stats", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["articles"]
    assert row["exact"] is False
    assert row["tagged_sentences"] <= row["sentence_count"] == n
    assert row["coverage"] <= 1


def test_a_split_and_its_undo_keep_the_recorded_sentence_count_in_step(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where the article's file is not at hand, stats and exports read the recorded count: it
    stayed at the segmenter's after a split until the article was opened again."""
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    article = load_article(path)
    n = len(article.sentences)
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        first = article.sentences[0]
        store.split_sentence(article, 0, first.start + first.text.index(" has set off") + 1)
        store.tag(article, 0, 0, "fact")
        assert store.article_meta(article.id)["sentence_count"] == n + 1
        store.merge_sentences(article, 2)  # a join: one fewer
        assert store.article_meta(article.id)["sentence_count"] == n
        store.undo()
        assert store.article_meta(article.id)["sentence_count"] == n + 1
        store.redo()
        store.undo()
    path.unlink()  # stats now reads the recorded count
    assert main(["stats", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["articles"]
    assert (row["sentence_count"], row["exact"]) == (n + 1, False)

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

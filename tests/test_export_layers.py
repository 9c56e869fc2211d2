"""``tuireader export --annotator NAME``: one layer with its done marks; ``--layers all``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.store import Store

from conftest import SEED


@pytest.fixture
def two_layers(db_path: Path, tmp_path: Path) -> str:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    article = load_article(path)
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.tag(article, 0, 1, "fact")
        store.set_done(article.id, True)
    with Store.open(db_path, "bob") as store:
        store.tag(article, 0, 0, "speculation")
        store.set_done(article.id, True)
    return article.id


def exported(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["export", *args]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_one_layer_with_its_done_marks(two_layers: str, capsys: pytest.CaptureFixture[str]) -> None:
    doc = exported(capsys, "--annotator", "bob")
    annotations = doc["annotations"]
    assert isinstance(annotations, list)
    assert [(a["annotator"], a["tag"]) for a in annotations] == [("bob", "speculation")]
    assert [(m["annotator"], m["done"]) for m in doc["done"]] == [("bob", True)]  # type: ignore[union-attr]


def test_all_layers_by_default(two_layers: str, capsys: pytest.CaptureFixture[str]) -> None:
    everything = exported(capsys)
    again = exported(capsys, "--layers", "all")
    assert again["annotations"] == everything["annotations"]
    annotations = everything["annotations"]
    assert isinstance(annotations, list)
    assert sorted(a["annotator"] for a in annotations) == ["ann", "bob"]
    assert sorted(m["annotator"] for m in everything["done"]) == ["ann", "bob"]  # type: ignore[union-attr]
    both = exported(capsys, "--annotator", "ann", "--annotator", "bob")
    assert len(both["annotations"]) == 2  # type: ignore[arg-type]


def test_unknown_annotator_is_one_line(two_layers: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--annotator", "zed"]) == 2
    err = capsys.readouterr().err
    assert err == "tuireader: --annotator 'zed': no such annotator (the database has ann, bob)\n"

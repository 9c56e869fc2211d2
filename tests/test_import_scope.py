"""A json export's ``scope`` says what ``import --prune`` may delete: one that is not the
schema's (a key missing or misspelt) is refused whole, never read as "holds everything"."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.store import Store

from conftest import SEED


@pytest.fixture
def article(tmp_path: Path) -> Article:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    return load_article(path)


def tagged(db: Path, name: str, article: Article, *sentences: int) -> None:
    with Store.open(db, name) as store:
        store.attach(article)
        for i in sentences:
            store.tag(article, i, i, "fact")
    time.sleep(0.01)  # a later step's times differ from this one's (milliseconds)


def export(db: Path, out: Path, *options: str) -> Path:
    assert main(["export", "--db", str(db), *options, "-o", str(out)]) == 0
    time.sleep(0.01)
    return out


@pytest.mark.parametrize(
    "scope",
    [
        {},
        {"annotator": ["nobody"], "Tags": ["speculation"]},
        {"annotators": ["alice"], "articles": None},
        {"annotators": ["alice"], "articles": None, "tags": None, "tag": ["fact"]},
        None,
    ],
)
@pytest.mark.parametrize("prune", [True, False])
def test_a_scope_that_is_not_the_schemas_is_refused_not_read_as_everything(
    scope: object,
    prune: bool,
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, team = tmp_path / "alice.json", tmp_path / "team.json"
    tagged(alice, "alice", article, 0, 1)
    assert main(["import", str(export(alice, tmp_path / "v1.json")), "--db", str(team)]) == 0
    doc = json.loads(export(alice, tmp_path / "v2.json", "--annotator", "alice").read_text())
    doc["annotations"] = doc["annotations"][:1]
    doc["scope"] = scope
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.glob("team.json*")}
    capsys.readouterr()
    assert main(["import", *(["--prune"] * prune), str(path), "--db", str(team)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert f"{path.name}: scope" in captured.err
    if scope is not None:
        assert "it must have exactly annotators, articles and tags" in captured.err
    assert {p.name: p.read_bytes() for p in tmp_path.glob("team.json*")} == before

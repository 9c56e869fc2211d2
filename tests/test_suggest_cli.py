"""``tuireader suggest PATH [--json]``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli_sentences import corrected_story
from tuireader.cli import main
from tuireader.dbformat import schema
from tuireader.store import Store

from conftest import SEED


def test_suggest_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", str(SEED), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"article", "sentences"}
    assert {"id", "title", "date", "path"} <= doc["article"].keys()
    assert len(doc["sentences"]) == 15
    for s in doc["sentences"]:
        assert set(s) == {"index", "start", "end", "text", "suggestion"}
        if s["suggestion"] is not None:
            assert set(s["suggestion"]) == {"tag", "confidence", "reason", "source"}
            assert s["suggestion"]["source"] == "rule"
            assert s["suggestion"]["tag"] in {"fact", "speculation", "expert_opinion"}
    assert doc["sentences"][9]["suggestion"]["tag"] == "expert_opinion"
    assert any(s["suggestion"] is None for s in doc["sentences"])


def test_suggest_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "15 sentences" in out
    assert 'Expert opinion  0.90  expert opinion: "suggests", attributed to' in out
    assert "no suggestion" in out


@pytest.mark.parametrize("args", [["suggest", "/no/such/file.txt"], ["suggest", "/"]])
def test_suggest_unreadable_path(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("tuireader: /") and err.count("\n") == 1


def test_suggest_numbers_the_corrected_sentences_and_raw_the_segmenters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story, db = corrected_story(tmp_path)
    assert main(["suggest", str(story), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "4 sentences" in out
    assert "2  Security was a breeze this year,\n" in out and "3  one visitor said.\n" in out
    assert main(["sentences", str(story), "--db", str(db), "--json"]) == 0
    shown = [s["text"] for s in json.loads(capsys.readouterr().out)["sentences"]]
    assert main(["suggest", str(story), "--db", str(db), "--json"]) == 0
    suggested = [s["text"] for s in json.loads(capsys.readouterr().out)["sentences"]]
    assert suggested == shown
    assert main(["--db", str(db), "suggest", str(story), "--raw"]) == 0
    raw = capsys.readouterr().out
    assert "2  Security was a breeze this year, one visitor said.\n" in raw
    assert "4  Rain came later in the afternoon.\n" in raw


def _newer(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db, "alice").close()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION - 1)


@pytest.mark.parametrize("kind", ["corrupt", "folder", "newer"])
def test_suggest_refuses_a_database_every_other_command_refuses(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.json"
    if kind == "corrupt":
        db.write_text('{"annotations": [', encoding="utf-8")
    elif kind == "folder":
        db.mkdir()
    else:
        _newer(db, monkeypatch)
    before = db.read_bytes() if db.is_file() else None
    assert main(["suggest", str(SEED), "--db", str(db)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("tuireader: ") and captured.err.count("\n") == 1
    assert (db.read_bytes() if db.is_file() else None) == before

"""``tuireader suggest PATH [--json]``."""

from __future__ import annotations

import json

import pytest

from tuireader.cli import main

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

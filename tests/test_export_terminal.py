"""Every text export printed to a terminal goes through the one sanitiser (``sanitise``), over a
real pseudo-terminal; the same export written to a file keeps the data exact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_terminal_safety import ANNOTATOR, NOTE, OSC52, TITLE, raw, run_on_tty
from tuireader import export
from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.export import select
from tuireader.store import Store

from conftest import SEED

TEXT_EXPORTS = [
    ("json", False),
    ("jsonl", False),
    ("csv", False),
    ("w3c", False),
    ("markdown", False),
    ("spacy-jsonl", False),
    ("jsonl", True),
    ("csv", True),
]
"""Every text format, and the text forms of ``--by-sentence``."""


@pytest.fixture
def hostile_db_with_text(tmp_path: Path, db_path: Path) -> Path:
    """A database, imported from a file another user sent, whose note, annotator and title
    attack; the article's file is at hand so the formats that need its text have rows."""
    copy = tmp_path / "seed.txt"
    shutil.copy(SEED, copy)
    article = load_article(copy)
    s = article.sentences[0]
    annotation = Annotation.new(article.id, article.body, s.start, s.end, "fact", ANNOTATOR, NOTE)
    meta = {
        "id": article.id,
        "title": TITLE,
        "date": "2019-04-25",
        "path": str(copy),
        "sentence_count": len(article.sentences),
    }
    # Written through the store: an import refuses such an annotator name now (the rule of
    # --annotator), but a database written before that rule may hold one.
    with Store.open(db_path, "loader") as store:
        store.import_all([annotation], [meta])
    sent = tmp_path / "hostile.json"
    sent.write_text(export.to_json(select([annotation], [meta])), encoding="utf-8")
    assert main(["import", str(sent)]) == 2  # the file itself is refused
    return db_path


@pytest.mark.parametrize(("fmt", "by_sentence"), TEXT_EXPORTS)
def test_every_text_export_on_a_terminal_is_escaped_and_in_a_file_exact(
    hostile_db_with_text: Path, tmp_path: Path, fmt: str, by_sentence: bool
) -> None:
    flags = ["-f", fmt, *(["--by-sentence"] if by_sentence else [])]
    shown = run_on_tty("export", *flags)
    assert shown.strip(), "the export printed nothing"
    assert not raw(shown), f"raw control characters reached the terminal: {raw(shown)!r}"
    assert "mallory" in shown
    if fmt != "markdown":  # the report drops control characters itself, in files too
        # Escaped, not removed: whoever reads the terminal sees that something odd is there.
        assert "\\x1b" in shown or "\\u001b" in shown
    out = tmp_path / f"out.{fmt}"
    assert main(["export", *flags, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    if fmt in ("json", "w3c"):
        assert ANNOTATOR in strings(json.loads(text))
    elif fmt in ("jsonl", "spacy-jsonl"):
        found = strings([json.loads(line) for line in text.splitlines()])
        assert any(ANNOTATOR in s for s in found)
    elif fmt == "csv":
        assert ANNOTATOR in text
        assert by_sentence or OSC52 in text


def strings(value: object) -> set[str]:
    """Every string in a decoded JSON value, keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value) | {s for v in value.values() for s in strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in strings(v)}
    return set()

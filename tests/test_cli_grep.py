"""``tuireader grep``: sentences across every article that hold a pattern."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuireader.cli import main
from tuireader.text_search import search_files, search_pattern


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    write(
        tmp_path / "a.txt", "Harbour news\n\nThe café opened early. Nobody came. The Café closed.\n"
    )
    write(tmp_path / "deep" / "b.md", "# Other\n\nA cafe without accents. Rain fell.\n")
    write(
        tmp_path / "deep" / "copy.txt",
        "Harbour news\n\nThe café opened early. Nobody came. The Café closed.\n",
    )
    write(tmp_path / "empty.txt", "")
    return tmp_path


def test_grep_prints_path_sentence_and_text(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grep", "CAFE", str(library)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    # accent- and case-insensitive; identical files searched once; sentence numbers 1-based
    assert lines == [
        f"{library / 'a.txt'}:1: The café opened early.",
        f"{library / 'a.txt'}:3: The Café closed.",
        f"{library / 'deep' / 'b.md'}:1: A cafe without accents.",
    ]
    assert "empty.txt: skipped" in err


def test_grep_json_regex_and_exit_codes(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grep", "--json", "-E", r"rain|nobody", str(library)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["sentence"], r["text"]) for r in records] == [
        (2, "Nobody came."),
        (2, "Rain fell."),
    ]
    assert records[0]["matches"] == [[0, 6]]
    assert main(["grep", "no such words", str(library)]) == 1
    assert main(["grep", "-E", "(", str(library)]) == 2
    assert "not a regular expression" in capsys.readouterr().err
    assert main(["grep", "x", str(library / "missing")]) == 2


def test_two_matches_in_one_sentence_are_one_hit(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Title line\n\nThe cat saw a cat. Then nothing.\n")
    hits = list(search_files([tmp_path / "a.txt"], search_pattern("cat")))
    assert len(hits) == 1 and hits[0].spans == ((4, 7), (14, 17))


def test_the_querys_accents_are_ignored_too(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A6: the text's accents were ignored, the query's were not ("móscow" found nothing)."""
    assert main(["grep", "CAFE", str(library)]) == 0
    plain = capsys.readouterr().out
    assert main(["grep", "CAFÉ", str(library)]) == 0
    assert capsys.readouterr().out == plain
    assert main(["grep", "cafe\u0301", str(library)]) == 0  # the query decomposed
    assert capsys.readouterr().out == plain
    assert main(["grep", "rAïn", str(library)]) == 0
    assert capsys.readouterr().out == f"{library / 'deep' / 'b.md'}:2: Rain fell.\n"
    assert main(["grep", "ráin fall", str(library)]) == 1  # still the letters that count


def test_folded_query_spans_are_the_texts_offsets() -> None:
    text = "Natasha met Nata\u0301sha and NATÁSHA; x² is not x2."
    pattern = search_pattern("natásha")
    assert [m.span() for m in pattern.finditer(text)] == [(0, 7), (12, 20), (25, 32)]
    assert [m.group() for m in search_pattern("Việt").finditer("Viet, VIỆT")] == ["Viet", "VIỆT"]
    assert [m.span() for m in search_pattern("x²").finditer(text)] == [(34, 36)]
    assert not search_pattern("й").search("и")  # a letter of its own, not и with a mark

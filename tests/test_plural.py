"""Counts in words: one rule (``tuireader.plural``) for every count the reader and the CLI
print, so nothing says "1 sentences" or "sentence(s)"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.plural import counted, plural, plural_of

SRC = Path(__file__).resolve().parents[1] / "src" / "tuireader"


@pytest.mark.parametrize(
    ("count", "noun", "said"),
    [
        (0, "sentence", "0 sentences"),
        (1, "sentence", "1 sentence"),
        (2, "sentence", "2 sentences"),
        (1204, "article", "1,204 articles"),
        (1, "done mark", "1 done mark"),
        (3, "unreadable stretch", "3 unreadable stretches"),
        (2, "box", "2 boxes"),
        (-1, "byte", "-1 bytes"),
    ],
)
def test_counted(count: int, noun: str, said: str) -> None:
    assert counted(count, noun) == said


def test_plural_forms() -> None:
    assert plural(1, "was", "were") == "was" and plural(2, "was", "were") == "were"
    assert plural(2, "is") == "are" and plural_of("this") == "these"
    assert plural(2, "sentence split or merge", "sentence splits or merges") == (
        "sentence splits or merges"
    )
    assert counted(1, "more warning") == "1 more warning"


def test_no_message_hides_its_number_behind_s_in_brackets() -> None:
    """The ``(s)`` of old messages ("1 annotation(s) of yours overlap") is gone from every
    module that prints; a count goes through ``counted``."""
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "(s)" in line and ('f"' in line or "f'" in line) and "#" not in line.split('"')[0]
    ]
    assert found == []

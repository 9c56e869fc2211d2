"""An article's id is a hash of its text as read: what reading removes is fixed, so a file tagged
with an earlier version keeps its id (a moved file is found by it). The ids below are those
bd52e89 gave; a change to ``decoding.clean`` that removes more would change them."""

import hashlib
import sys
import unicodedata
from pathlib import Path

import pytest

from tuireader.articles import article_id, load_article

TEXTS = {
    # Right-to-left marks around a number, a zero-width space in English text.
    "hebrew": (
        "\u05e9\u05dc\u05d5\u05dd \u200f(2024)\u200f \u05e2\u05d5\u05dc\u05dd.\n\n"
        "The mayor\u200b said so.",
        "971aeb6acaf35231",
        40,
    ),
    # Thai marks word breaks with zero-width spaces; a word joiner in English.
    "thai": (
        "\u0e20\u0e32\u0e29\u0e32\u200b\u0e44\u0e17\u0e22 text.\n\nSecond para\u2060graph here.",
        "aa9fa89626cb99f9",
        39,
    ),
    # A Persian zero-width non-joiner (also before a digit), an emoji joined by ZWJ.
    "persian": (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 2\u200c3.\n\n"
        "Emoji \U0001f468\u200d\U0001f4bb here.",
        "67b5dfb8f78b0715",
        30,
    ),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_zero_width_characters_stay_in_the_text_and_the_id_is_unchanged(
    name: str, tmp_path: Path
) -> None:
    text, expected_id, length = TEXTS[name]
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    article = load_article(path)
    assert (article.id, len(article.body)) == (expected_id, length)


def test_escape_sequences_and_bidi_overrides_still_go(tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text("Title\n\nThe \x1b]0;T\x07plan \u202eworks.", encoding="utf-8")
    assert load_article(path).body.endswith("The plan works.")


def words_hash(text: str) -> str:
    """The id as ``article_id`` defines it, the long way: the NFC text's words, one space
    apart."""
    words = unicodedata.normalize("NFC", text).split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:16]


ID_TEXTS = [
    "Plain words here.",
    "Two paragraphs.\n\nThe second one.",
    "Three\n\nshort\n\nparagraphs",
    "two  spaces",
    " a leading space",
    "a trailing space ",
    "a tab\there",
    "a line\nbreak",
    "four\n\n\n\nnewlines",
    "three\n\n\nnewlines",
    "Caf\u00e9 au lait.",
    "Cafe\u0301 au lait.",  # decomposed: NFC composes it
    "no\u00a0break",
    "ideographic\u3000space",
    "zero\u200bwidth stays",
    "a file\x1cseparator",
    "",
    "   ",
    "\n\n",
    ("Harbour notes. " * 3000 + "\n\n") * 2 + "End.",  # past one chunk, already normal
    ("Harbour  notes. " * 3000 + "\n\n") * 2 + "End.",  # past one chunk, spaces to fold
]


@pytest.mark.parametrize("text", ID_TEXTS)
def test_an_id_hashes_the_words_one_space_apart(text: str) -> None:
    assert article_id(text) == words_hash(text)


def test_every_space_but_the_space_is_unprintable() -> None:
    """What lets ``article_id`` hash printable text with single spaces as it is: no character
    ``split`` cuts at, but the space, is printable."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]

"""The segmenter's shortcuts for plain text give what the long way gives: sentencex's
``segment`` texts for its boundaries, and ``_news_fixes`` skipped only where none of its fixes
applies. Each is checked against the long way, forced, on news-shaped paragraphs written here
(``test_news_segmentation``'s cases and fragments below, joined at random)."""

from __future__ import annotations

import random

import pytest

from test_news_segmentation import CASES
from tuireader import sentences
from tuireader.articles import from_text
from tuireader.sentences import split_paragraph

FRAGMENTS = [
    "Pier 4 got crane 7 in week 2 of the works.",
    "The council met at 9 a.m. ET on Monday.",
    "Ms. Marsh said the vote was close.",
    "Prices rose 4.2 percent in March.",
    "U.S. officials declined to comment.",
    "“We will. We must. We can. We shall,” she said.",
    "(It reopened later.) Jobs were cut.",
    "“Will it hold? Can it last! Who knows? Nobody does,” she said.",
    "¡Por fin! exclamaron los vecinos.",
    "¿Quién sabe? nadie respondió.",
    "Die Messe beginnt am 3. Oktober 2026 in Berlin.",
    "1. The first point.",
    "a) Another item.",
    "Sales fell for Oct/Dec. Buyers were wary.",
    "It reached 41 C. Schools closed early.",
    "Lamps, chairs, etc. Sales were flat.",
    "東京で会議が開かれた。次の会議は来月だ！",
    "Emoji 😀 arrived in the report.",
    "See approx. 40 pages in vol. 2 of the study.",
    "Yes.",
    "No.",
    "He said:  two  spaces\tand a tab.",
    "The 2024 budget passed 51-49.",
    'A quote "in straight marks" closed it? Maybe! Not sure.',
    "He left. (Nobody saw him.) She stayed.",
]


def corpus() -> list[str]:
    rng = random.Random(11)
    texts = [text for _, text, _ in CASES] + FRAGMENTS
    pool = texts + FRAGMENTS
    for _ in range(400):
        texts.append(" ".join(rng.choice(pool) for _ in range(rng.randint(1, 12))))
    return texts


TEXTS = corpus()


def test_segment_texts_give_the_offsets_the_boundaries_give(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``segment``'s texts laid end to end are the paragraph (so their lengths are offsets),
    and the sentences are those found from ``get_sentence_boundaries`` when ``segment`` is
    not used (its texts made not to add up)."""
    quick = [split_paragraph(text) for text in TEXTS]
    for text in TEXTS:
        assert "".join(sentences.sentencex_segment(sentences.LANGUAGE, text)) == text
    monkeypatch.setattr(sentences, "sentencex_segment", lambda language, text: [])
    assert [split_paragraph(text) for text in TEXTS] == quick


def test_news_fixes_are_skipped_only_where_none_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = [split_paragraph(text) for text in TEXTS]
    monkeypatch.setattr(sentences, "_nothing_to_fix", lambda text, spans: False)
    assert [split_paragraph(text) for text in TEXTS] == quick


def test_most_plain_paragraphs_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut is taken for plain prose (else the two tests above prove nothing), and
    not for a paragraph one of the fixes changes."""
    taken: list[bool] = []
    real = sentences._nothing_to_fix

    def spy(text: str, spans: list[tuple[int, int]]) -> bool:
        taken.append(real(text, spans))
        return taken[-1]

    monkeypatch.setattr(sentences, "_nothing_to_fix", spy)
    split_paragraph(" ".join(FRAGMENTS[:1] * 20))
    split_paragraph("Polls close at 8 p.m. Officials expect results by midnight.")
    split_paragraph("Sales fell for Oct/Dec. Buyers were wary.")
    assert taken == [True, False, False]


def test_a_paragraph_sentencex_panics_on_still_opens() -> None:
    """sentencex 1.0.32 panics on this mix of wide characters and periods (a Rust panic, which
    pyo3 raises as a BaseException): the article opens, the paragraph one sentence."""
    text = ". E\u3000. F. \U0001f600. . \u8a9e MD..D. !\tr x"
    article = from_text("Notes\n\n" + text)
    assert [s.text for s in article.raw_sentences] == [text.replace("\t", " ")]

"""Sentence segmentation with exact offsets into an article body."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sentencex import get_sentence_boundaries

LANGUAGE = "en"
LONG_SENTENCE = 500
"""sentencex never splits inside quotation marks, which keeps a short quoted statement as one
claim; a longer quoted passage (a speech in a novel runs to 3,000 characters) is split at its
inner sentence ends so the cursor never has to jump a whole screen."""

# A sentence end inside a long quoted passage: terminal punctuation, optional closing quote,
# space, then a capital (optionally after an opening quote).
_INNER_END = re.compile(r"[.!?…][”’\"']?\s+(?=[“‘\"']?[A-Z])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Gen|Col|Capt|Lt|Sgt|Gov|Sen|Rep|Jr|Sr|No|vs|etc|Inc|Ltd|Co|"
    r"Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])\.$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``body[start:end] == text``, never crossing a paragraph boundary."""

    index: int
    start: int
    end: int
    paragraph: int
    text: str


def split_paragraph(text: str) -> list[tuple[int, int]]:
    """Sentence spans in one paragraph, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for seg in get_sentence_boundaries(LANGUAGE, text):
        start, end = seg["start_index"], seg["end_index"]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start > LONG_SENTENCE:
            spans.extend(_split_long(text, start, end))
        elif end > start:
            spans.append((start, end))
    if not spans and text.strip():
        stripped = text.strip()
        start = text.index(stripped)
        spans.append((start, start + len(stripped)))
    return spans


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for match in _INNER_END.finditer(text, start, end):
        stop = match.start() + len(match.group().rstrip())
        if _ABBREVIATION.search(text, max(piece_start, stop - 12), stop):
            continue
        pieces.append((piece_start, stop))
        piece_start = match.end()
    pieces.append((piece_start, end))
    return pieces


def segment(body: str, paragraphs: Iterable[tuple[int, int]]) -> list[Sentence]:
    """Segment each paragraph of ``body`` (given as offset ranges) into sentences."""
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        for start, end in split_paragraph(body[p_start:p_end]):
            a, b = p_start + start, p_start + end
            sentences.append(Sentence(len(sentences), a, b, p_index, body[a:b]))
    return sentences


def sentence_at(sentences: Sequence[Sentence], offset: int) -> int | None:
    """Index of the sentence containing ``offset`` (or the next one after it), by bisection."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(sentences) else None

"""Sentence segmentation with exact offsets into an article body."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sentencex import get_sentence_boundaries

LANGUAGE = "en"


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
        if end > start:
            spans.append((start, end))
    if not spans and text.strip():
        stripped = text.strip()
        start = text.index(stripped)
        spans.append((start, start + len(stripped)))
    return spans


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

"""Suggestions an annotator rejected: kept in the store's state per annotator and article (not
annotations: nothing is tagged, exported or compared), so ``A`` (accept all) leaves them alone.

A rejection names its sentence by where it starts and a digest of its text, so it lapses by
itself when the text changes (an edited article, a split or a merge): the new sentence gets its
suggestion back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import blake2b

from tuireader.sentences import Sentence, sentence_at

PREFIX = "rejected-suggestions:"


def rejections_key(annotator: str, article_id: str) -> str:
    """Where an annotator's rejected suggestions on an article are kept in the store's state."""
    return f"{PREFIX}{annotator}:{article_id}"


def sentence_mark(sentence: Sentence) -> str:
    """``start:digest`` of one sentence: the same only while its place and text are."""
    digest = blake2b(sentence.text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return f"{sentence.start}:{digest}"


def marks_from_state(value: object) -> frozenset[str]:
    """The marks in a stored value (anything else, a damaged or foreign value, is none)."""
    if not isinstance(value, list):
        return frozenset()
    return frozenset(v for v in value if isinstance(v, str))


def with_mark(value: object, mark: str, rejected: bool = True) -> list[str] | None:
    """The stored value with ``mark`` added (or removed); None when none are left."""
    marks = set(marks_from_state(value))
    if rejected:
        marks.add(mark)
    else:
        marks.discard(mark)
    return sorted(marks) or None


def rejected_indexes(sentences: Sequence[Sentence], marks: Iterable[str]) -> frozenset[int]:
    """The indexes of the sentences that still match a mark (by bisection on the start)."""
    found: set[int] = set()
    for mark in marks:
        start, _, _digest = mark.partition(":")
        if not start.isdigit():
            continue
        index = sentence_at(sentences, int(start))
        if index is not None and sentence_mark(sentences[index]) == mark:
            found.add(index)
    return frozenset(found)

"""Finding text: the pattern a query becomes (case and accents ignored) and a search across the
sentences of many articles, for ``tuireader grep`` and the reader's search-all screen."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from tuireader.articles import Article, load_article
from tuireader.errors import ArticleError
from tuireader.sentences import sentence_at

_FOLDED_BLOCKS = (range(0xC0, 0x250), range(0x370, 0x400), range(0x1E00, 0x2000))
"""Latin-1, Latin Extended-A/B, Greek, Latin Extended Additional (Vietnamese) and polytonic
Greek: letters written with accents whose accents a search ignores. Cyrillic letters such as й
are letters of their own, not и with a mark, and are left as they are."""
_MARKS = "[\\u0300-\\u036f]*"
"""Combining accents a decomposed text writes after a letter."""


def _accented_variants() -> dict[str, str]:
    """Each base letter with its precomposed accented forms."""
    variants: dict[str, str] = {}
    for block in _FOLDED_BLOCKS:
        for code in block:
            char = chr(code)
            decomposed = unicodedata.normalize("NFD", char)
            base = decomposed[0].casefold()
            if len(decomposed) > 1 and base.isalpha() and len(base) == 1:
                variants[base] = variants.get(base, "") + char
    return variants


_ACCENTED = _accented_variants()


def unaccented(char: str) -> str:
    """``char`` without its accents (é → e, Ǻ → A); any other character as it is (², ß, й)."""
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 and base.casefold() in _ACCENTED else char


def search_pattern(query: str) -> re.Pattern[str]:
    """Case- and accent-insensitive on both sides: ``natasha`` finds "Natásha" and ``natásha``
    finds "Natasha" (offsets stay the body's: the body is never rewritten, the pattern allows
    each letter's accented forms instead). A query's accents are dropped letter by letter (a
    decomposed query's marks too); symbols and compatibility forms (², ﬁ) are matched as typed."""
    parts = []
    for char in unicodedata.normalize("NFC", query):
        if unicodedata.combining(char):
            continue  # a mark the NFC form could not put on its letter: an accent all the same
        char = unaccented(char)
        folded = char.casefold()
        if folded in _ACCENTED:
            parts.append(f"[{re.escape(char)}{_ACCENTED[folded]}]{_MARKS}")
        else:
            parts.append(re.escape(char))
    if not parts:  # only marks: looked for as typed
        return re.compile(re.escape(query), re.IGNORECASE)
    return re.compile("".join(parts), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hit:
    """One sentence that matches: where it is, its text, and the matches inside it."""

    path: str
    article_id: str
    title: str
    sentence: int
    """Index of the sentence in its article (0-based; shown 1-based)."""
    text: str
    spans: tuple[tuple[int, int], ...]
    """Offsets of the matches in ``text``."""


def article_hits(article: Article, pattern: re.Pattern[str]) -> Iterator[Hit]:
    """The sentences of ``article`` that ``pattern`` matches, in order (one hit per sentence)."""
    matches = [m.span() for m in pattern.finditer(article.body) if m.end() > m.start()]
    if not matches:  # most articles: no need to split the text into sentences
        return
    sentences = article.sentences
    current: int | None = None
    spans: list[tuple[int, int]] = []
    for start, end in matches:
        index = sentence_at(sentences, start)
        if index is None:
            continue
        if index != current and current is not None:
            yield _hit(article, current, spans)
            spans = []
        current = index
        base = sentences[index].start
        spans.append((start - base, min(end, sentences[index].end) - base))
    if current is not None:
        yield _hit(article, current, spans)


def _hit(article: Article, index: int, spans: list[tuple[int, int]]) -> Hit:
    sentence = article.sentences[index]
    return Hit(article.display_path, article.id, article.title, index, sentence.text, tuple(spans))


def search_files(
    paths: Iterable[str | os.PathLike[str]],
    pattern: re.Pattern[str],
    skipped: Callable[[str], None] = lambda _warning: None,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[Hit]:
    """Hits in each file of ``paths`` in turn; a file with the text of one already searched is
    not searched again; unreadable files are reported to ``skipped`` as one line each."""
    seen: set[str] = set()
    for path in paths:
        if stop():
            return
        try:
            article = load_article(path)
        except ArticleError as exc:
            skipped(f"{exc.path}: skipped, {exc.problem}")
            continue
        if article.id in seen:
            continue
        seen.add(article.id)
        yield from article_hits(article, pattern)

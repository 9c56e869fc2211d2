"""Where each character of an article lands on screen: paragraphs wrapped into rows of offsets.

The reading pane draws rows straight from the article body, so a row is just ``(start, end)``
offsets. Wrapping uses one compiled regular expression per width, which runs in C: War and Peace
(3.2 MB) wraps in about 30 ms, so a resize can re-wrap the whole book synchronously. Paragraphs
holding double-width or zero-width characters take a slower cell-aware path.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from rich.cells import get_character_cell_size

from tuireader.articles import Article

# Characters whose cell width is not 1: East Asian wide/fullwidth, emoji, combining marks and
# zero-width formatting characters. Paragraphs without any take the fast regex path.
_NOT_SINGLE_WIDTH = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0e31-\u0e3a"
    "\u1100-\u115f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u20d0-\u20ff\u231a-\u231b"
    "\u2329-\u232a\u23e9-\u23fa\u25fd-\u25fe\u2614-\u2615\u2648-\u2653\u26a1\u26aa-\u26ab"
    "\u26bd-\u26be\u26c4-\u26c5\u26ce\u26d4\u26ea\u26f2-\u26fa\u26fd\u2705\u270a-\u270b"
    "\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b-\u2b1c\u2b50\u2b55"
    "\u2e80-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe00-\ufe0f\ufe10-\ufe19"
    "\ufe20-\ufe6f\uff00-\uff60\uffe0-\uffe6\U0001f000-\U0001faff\U00020000-\U0003fffd]"
)

BLANK = -1
"""Paragraph number of a separator row (the empty line between paragraphs)."""


@lru_cache(maxsize=8)
def _line_pattern(width: int) -> re.Pattern[str]:
    # The longest run starting at a non-space that ends before whitespace or the end; a word
    # longer than the width is cut hard.
    return re.compile(rf"\S.{{0,{width - 1}}}(?=\s|\Z)|\S{{{width}}}")


def wrap_spans(
    text: str, width: int, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """Row spans (offsets into ``text``) wrapping ``text[start:end]`` to ``width`` cells."""
    end = len(text) if end is None else end
    width = max(1, width)
    if _NOT_SINGLE_WIDTH.search(text, start, end) is None:
        return [(m.start(), m.end()) for m in _line_pattern(width).finditer(text, start, end)]
    return _wrap_cells(text, width, start, end)


def _wrap_cells(text: str, width: int, start: int, end: int) -> list[tuple[int, int]]:
    """Greedy word wrap measuring each character's cell width (the slow, exact path)."""
    spans: list[tuple[int, int]] = []
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    line_start = line_end = -1
    used = 0
    for w_start, w_end in words:
        w_start += start
        w_end += start
        cells = [get_character_cell_size(ch) for ch in text[w_start:w_end]]
        size = sum(cells)
        if line_start >= 0 and used + 1 + size <= width:
            used += 1 + size
            line_end = w_end
            continue
        if line_start >= 0:
            spans.append((line_start, line_end))
        # A word wider than the row is cut into row-sized pieces.
        piece_start, used = w_start, 0
        for offset, cell in enumerate(cells):
            if used + cell > width and used > 0:
                spans.append((piece_start, w_start + offset))
                piece_start, used = w_start + offset, 0
            used += cell
        line_start, line_end = piece_start, w_end
    if line_start >= 0:
        spans.append((line_start, line_end))
    return spans


class TextLayout:
    """The body of an article as rows at one width: ``starts[r]``/``ends[r]`` offsets per row.

    Separator rows between paragraphs have ``paragraph[r] == BLANK`` and an empty span at the end
    of the paragraph before, which keeps ``starts`` sorted for bisection.
    """

    def __init__(self, article: Article, width: int) -> None:
        self.width = max(1, width)
        starts: list[int] = []
        ends: list[int] = []
        paragraph: list[int] = []
        body = article.body
        last = len(article.paragraphs) - 1
        for number, (p_start, p_end) in enumerate(article.paragraphs):
            spans = wrap_spans(body, self.width, p_start, p_end) or [(p_start, p_start)]
            for row_start, row_end in spans:
                starts.append(row_start)
                ends.append(row_end)
            paragraph.extend([number] * len(spans))
            if number != last:
                starts.append(p_end)
                ends.append(p_end)
                paragraph.append(BLANK)
        self.starts = starts
        self.ends = ends
        self.paragraph = paragraph

    def __len__(self) -> int:
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row holding ``offset`` (or the nearest row before it)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def rows_of(self, start: int, end: int) -> range:
        """Rows that show any of ``[start, end)``."""
        first = self.row_of(start)
        last = self.row_of(max(start, end - 1))
        return range(first, last + 1)

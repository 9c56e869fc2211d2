"""Where each character of an article lands on screen: paragraphs wrapped into rows of offsets.

The reading pane draws rows straight from the article body, so a row is just ``(start, end)``
offsets. Wrapping uses one compiled regular expression per width, which runs in C: War and Peace
(3.2 MB) wraps in about 50 ms, so a resize can re-wrap the whole book synchronously. Paragraphs
holding double-width or zero-width characters take a slower cell-aware path.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import lru_cache

from rich.cells import get_character_cell_size

from tuireader.articles import Article

# Characters known to take exactly one cell: Latin, Greek, Cyrillic, Armenian, Latin extended,
# general punctuation (dashes, curly quotes) and common symbols. A paragraph holding anything else
# (wide East Asian text, emoji, combining or zero-width marks) takes the exact, slower path.
# A negated class of a few ranges scans about twice as fast as listing the exceptions.
_NOT_SINGLE_WIDTH = re.compile(
    "[^\x00-\u02ff\u0370-\u0482\u048a-\u058f\u1e00-\u200a\u2010-\u2027\u202f-\u2319]"
)


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

    Separator rows between paragraphs are empty spans (``starts[r] == ends[r]``) at the end of
    the paragraph before, which keeps ``starts`` sorted for bisection.
    """

    def __init__(self, article: Article, width: int) -> None:
        self.width = max(1, width)
        body = article.body
        paragraphs = article.paragraphs
        if _NOT_SINGLE_WIDTH.search(body) is None:
            # One pass over the whole body: ``.`` never matches a newline, so no row crosses a
            # paragraph break. Rows are then grouped per paragraph by bisection.
            row_starts: list[int] = []
            row_ends: list[int] = []
            for match in _line_pattern(self.width).finditer(body):
                row_starts.append(match.start())
                row_ends.append(match.end())
            spans_of = self._grouped(row_starts, row_ends, paragraphs)
        else:
            spans_of = self._per_paragraph(body, paragraphs)
        starts: list[int] = []
        ends: list[int] = []
        last = len(paragraphs) - 1
        for number, (p_start, p_end) in enumerate(paragraphs):
            para_starts, para_ends = spans_of(number)
            if para_starts:
                starts += para_starts
                ends += para_ends
            else:
                starts.append(p_start)
                ends.append(p_start)
            if number != last:
                starts.append(p_end)
                ends.append(p_end)
        self.starts = starts
        self.ends = ends

    @staticmethod
    def _grouped(
        row_starts: list[int], row_ends: list[int], paragraphs: tuple[tuple[int, int], ...]
    ) -> Callable[[int], tuple[list[int], list[int]]]:
        def spans_of(number: int) -> tuple[list[int], list[int]]:
            p_start, p_end = paragraphs[number]
            first = bisect_left(row_starts, p_start)
            last = bisect_left(row_starts, p_end, first)
            return row_starts[first:last], row_ends[first:last]

        return spans_of

    def _per_paragraph(
        self, body: str, paragraphs: tuple[tuple[int, int], ...]
    ) -> Callable[[int], tuple[list[int], list[int]]]:
        def spans_of(number: int) -> tuple[list[int], list[int]]:
            spans = wrap_spans(body, self.width, *paragraphs[number])
            return [s for s, _ in spans], [e for _, e in spans]

        return spans_of

    def __len__(self) -> int:
        return len(self.starts)

    def is_blank(self, row: int) -> bool:
        return self.starts[row] == self.ends[row]

    def row_of(self, offset: int) -> int:
        """The row holding ``offset`` (or the nearest row before it)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def rows_of(self, start: int, end: int) -> range:
        """Rows that show any of ``[start, end)``."""
        first = self.row_of(start)
        last = self.row_of(max(start, end - 1))
        return range(first, last + 1)

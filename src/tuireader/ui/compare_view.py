"""The compare view's look: one gutter column per annotator, a heading naming the columns, and
the cursor sentence's names and tags for the status line. Letters carry the meaning (a tag's
marker, ``·`` for no tag, ``≠`` for a disagreement), so it reads without colour.

A row of text can hold several sentences, and its columns show one of them (the cursor's if it
is on the row). The mark after the columns is about that same sentence: ``≠`` when its tags
differ, ``+`` when they agree but another sentence on the row disagrees (the cursor on it shows
its columns). A ``≠`` beside agreeing columns read as if the cursor sentence were disputed."""

from __future__ import annotations

from collections.abc import Mapping

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.style import Style as TextualStyle

from tuireader import sanitise
from tuireader.agreement import NO_TAG
from tuireader.comparison import Comparison
from tuireader.tags import TagSet
from tuireader.ui.tag_colors import TagLook, marker_style

NO_TAG_MARK = "·"
DISAGREE_MARK = "≠"
ELSEWHERE_MARK = "+"
"""The columns shown agree, but another sentence on the same row disagrees."""
NAME_CHARS = 12
"""Names are cut to this in the heading so eight columns fit a line of 80."""


def compare_gutter_width(comparison: Comparison) -> int:
    """Cursor arrow, one column per annotator, the disagreement mark, a space."""
    return 1 + max(1, len(comparison.annotators)) + 2


def short_name(name: str, limit: int = NAME_CHARS) -> str:
    name = " ".join(sanitise.line(name).split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def tag_mark(value: str, tags: TagSet) -> str:
    if value == NO_TAG:
        return NO_TAG_MARK
    return tags.get(value).marker if value in tags else "?"


def compare_gutter(
    comparison: Comparison,
    index: int | None,
    disagreement: bool,
    marker_styles: Mapping[str, Style],
    tags: TagSet,
    disagree_style: Style,
    dim: Style,
) -> list[Segment]:
    """The columns after the cursor arrow for a row showing sentence ``index``; ``disagreement``:
    whether any sentence on the row disagrees. The mark is ``index``'s (``row_mark``)."""
    segments: list[Segment] = []
    if index is None or not comparison.annotators:
        segments.append(Segment(" " * max(1, len(comparison.annotators))))
    else:
        for value in comparison.values[index]:
            style = dim if value == NO_TAG else marker_styles.get(value, dim)
            segments.append(Segment(tag_mark(value, tags), style))
    segments.append(Segment(row_mark(comparison, index, disagreement), disagree_style))
    segments.append(Segment(" "))
    return segments


def row_mark(comparison: Comparison, index: int | None, row_disagrees: bool) -> str:
    """``≠`` if the sentence whose columns a row shows disagrees, ``+`` if only another sentence
    on the row does, else a space."""
    if index is not None and comparison.disagrees(index):
        return DISAGREE_MARK
    return ELSEWHERE_MARK if row_disagrees else " "


def compare_heading(comparison: Comparison) -> Text:
    """``Columns: 1 ann · 2 bob · 3 cat  (2 more not shown)`` above the text."""
    parts = [f"{i} {short_name(name)}" for i, name in enumerate(comparison.annotators, 1)]
    text = Text("Columns: " + " · ".join(parts), style="bold")
    if comparison.hidden:
        text.append(f"  ({len(comparison.hidden)} more not shown)", style="italic")
    if len(comparison.annotators) < 2:
        text.append("  (nobody else has tagged this article)", style="italic")
    else:
        text.append(
            f"  {DISAGREE_MARK} they differ · {ELSEWHERE_MARK} another sentence of the line does",
            style="italic",
        )
    return text


def compare_status(
    comparison: Comparison, index: int, tags: TagSet, looks: Mapping[str, TagLook]
) -> Content:
    """Names and tags of every shown annotator for sentence ``index``, for the status line; each
    tag in its look (the codebook's colour made readable in the theme)."""
    parts: list[Content | tuple[str, str | TextualStyle] | str] = []
    if comparison.disagrees(index):
        parts.append((f"{DISAGREE_MARK} disagree ", "bold reverse"))
    for n, (name, value) in enumerate(comparison.of(index)):
        if n:
            parts.append(" · ")
        parts.append(Content(short_name(name)))
        if value == NO_TAG:
            parts.append((" no tag", "dim"))
        elif value in tags:
            tag = tags.get(value)
            chip = TextualStyle.from_rich_style(marker_style(looks, value))
            parts += [" ", (tag.marker, chip), (f" {tag.label}", "bold")]
        else:
            parts += [" ", Content(sanitise.line(value))]
    if comparison.hidden:
        parts.append((f" · {len(comparison.hidden)} more not shown", "italic"))
    return Content.assemble(*parts)

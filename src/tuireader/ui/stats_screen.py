"""The ``i`` screen: the article's tags as bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from tuireader import sanitise
from tuireader.plural import counted
from tuireader.tags import TagSet
from tuireader.ui.dialog import Dialog
from tuireader.ui.tag_colors import TagLook, bar_style

BAR_WIDTH = 30


def _bar(
    label: str, label_style: str | Style, bar_style: str | Style, count: int, total: int
) -> Content:
    share = count / total if total else 0.0
    filled = max(0, min(BAR_WIDTH, round(share * BAR_WIDTH)))
    return Content.assemble(
        (label, label_style),
        ("█" * filled, bar_style),
        ("░" * (BAR_WIDTH - filled), "dim"),
        f" {count:>5}  {share:>4.0%}",
    )


def stats_text(
    title: str,
    sentence_counts: Mapping[str, int],
    total: int,
    tags: TagSet,
    looks: Mapping[str, TagLook] | None = None,
) -> Content:
    """Sentences per tag as bars (width proportional to the share of all sentences); each tag's
    marker in its look (``looks``, as the reading pane draws it: readable in every theme)."""
    lines = [
        Content(sanitise.line(title)).stylize("bold"),
        Content(counted(total, "sentence")),
        Content(""),
    ]
    label_width = max((len(t.label) for t in tags), default=0)
    for tag in tags:
        look = (looks or {}).get(tag.id)
        count = sentence_counts.get(tag.id, 0)
        if look is None:
            lines.append(
                _bar(f"{tag.marker} {tag.label:<{label_width}} ", "bold", "bold", count, total)
            )
            continue
        chip = Style.from_rich_style(look.marker)
        bar = Content.assemble((f" {tag.marker} ", chip), " ")
        # The bar is a graphic in the tag's own colour; the text beside it is the theme's.
        colour = Style.from_rich_style(bar_style(looks or {}, tag.id))
        lines.append(bar + _bar(f"{tag.label:<{label_width}} ", "", colour, count, total))
    # Each sentence counts under one tag (``tag_counts``): the rest are untagged.
    untagged = max(0, total - sum(sentence_counts.values()))
    lines.append(_bar(f" ·  {'Untagged':<{label_width}} ", "dim", "dim", untagged, total))
    return Content("\n").join(lines)


class StatsScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,i", "dismiss", "Close", id="stats.close"),
    ]

    def __init__(self, text: Content) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="stats-box"):
            yield Static(self._text, id="stats-text")
            yield Static(Content("Esc closes").stylize("dim"))

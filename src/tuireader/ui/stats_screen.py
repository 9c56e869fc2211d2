"""The ``i`` screen: the article's tags as bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tuireader import sanitise
from tuireader.tags import TagSet

BAR_WIDTH = 30


def _bar(label: str, label_style: str, bar_style: str, count: int, total: int) -> Content:
    share = count / total if total else 0.0
    filled = round(share * BAR_WIDTH)
    return Content.assemble(
        (label, label_style),
        ("█" * filled, bar_style),
        ("░" * (BAR_WIDTH - filled), "dim"),
        f" {count:>5}  {share:>4.0%}",
    )


def stats_text(title: str, sentence_counts: Mapping[str, int], total: int, tags: TagSet) -> Content:
    """Sentences per tag as bars (width proportional to the share of all sentences)."""
    lines = [
        Content(sanitise.line(title)).stylize("bold"),
        Content(f"{total} sentences"),
        Content(""),
    ]
    label_width = max((len(t.label) for t in tags), default=0)
    for tag in tags:
        label = f"{tag.marker} {tag.label:<{label_width}} "
        count = sentence_counts.get(tag.id, 0)
        lines.append(_bar(label, f"bold {tag.color}", tag.color, count, total))
    untagged = total - sum(sentence_counts.get(tag.id, 0) for tag in tags)
    lines.append(_bar(f"· {'Untagged':<{label_width}} ", "dim", "dim", untagged, total))
    return Content("\n").join(lines)


class StatsScreen(ModalScreen[None]):
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

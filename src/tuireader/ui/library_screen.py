"""The ``L`` screen: the library's progress, folder by folder, and the files that were skipped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from tuireader import sanitise
from tuireader.catalog import Entry
from tuireader.natural_order import natural_sorted
from tuireader.tags import TagSet
from tuireader.ui.article_list import ArticleCounts
from tuireader.ui.dialog import Dialog
from tuireader.ui.tag_colors import TagLook, marker_style


@dataclass
class FolderTotal:
    """Sums over one folder's articles. ``sentences`` counts only articles whose total is known."""

    folder: str
    articles: int = 0
    done: int = 0
    tagged: int = 0
    sentences: int = 0
    unknown: int = 0
    """Articles whose sentence count is not known yet (still being read)."""
    by_tag: dict[str, int] = field(default_factory=dict)

    def add(self, entry: Entry, counts: ArticleCounts | None, done: bool) -> None:
        self.articles += 1
        self.done += int(done)
        total = (counts.sentences if counts else None) or (
            entry.summary.sentences if entry.summary else None
        )
        if total is None:
            self.unknown += 1
        else:
            self.sentences += total
        if counts is not None:
            self.tagged += counts.tagged
            for tag, count in counts.by_tag.items():
                self.by_tag[tag] = self.by_tag.get(tag, 0) + count


def folder_totals(
    entries: Sequence[Entry],
    counts: Mapping[str, ArticleCounts],
    done: Callable[[str], bool],
) -> list[FolderTotal]:
    """One total per folder (by name), then one for the whole library."""
    folders: dict[str, FolderTotal] = {}
    everything = FolderTotal("all")
    for entry in entries:
        article_id = entry.id
        found = counts.get(article_id) if article_id else None
        is_done = bool(article_id) and done(article_id or "")
        folders.setdefault(entry.folder, FolderTotal(entry.folder)).add(entry, found, is_done)
        everything.add(entry, found, is_done)
    return [folders[key] for key in natural_sorted(folders)] + [everything]


def library_text(
    entries: Sequence[Entry],
    counts: Mapping[str, ArticleCounts],
    done: Callable[[str], bool],
    tags: TagSet,
    skipped: Sequence[str],
    looks: Mapping[str, TagLook] | None = None,
) -> Content:
    totals = folder_totals(entries, counts, done)
    width = max(12, *(len(sanitise.line(t.folder)) + 1 for t in totals))
    header = f"{'folder':<{width}} {'articles':>8} {'done':>6} {'tagged':>8} {'of':>8} {'share':>6}"
    lines = [Content("Library").stylize("bold"), Content(""), Content(header).stylize("bold")]
    for total in totals:
        name = "(all)" if total is totals[-1] else (sanitise.line(total.folder) or ".") + "/"
        share = f"{total.tagged / total.sentences:.0%}" if total.sentences else "–"
        line = Content(
            f"{name:<{width}} {total.articles:>8,} {total.done:>6,} {total.tagged:>8,} "
            f"{total.sentences:>8,} {share:>6}"
        )
        tag_parts: list[Content | tuple[str, Style] | str] = ["  "]
        for tag in tags:
            chip = Style.from_rich_style(marker_style(looks or {}, tag.id))
            tag_parts += [(f"{tag.marker}{total.by_tag.get(tag.id, 0):,}", chip), " "]
        line = Content.assemble(line, *tag_parts)
        if total.unknown:
            line = Content.assemble(line, (f" ({total.unknown:,} still being read)", "dim"))
        lines.append(line.stylize("bold") if total is totals[-1] else line)
    if skipped:
        lines += [Content(""), Content(f"Skipped ({len(skipped):,})").stylize("bold")]
        lines += [Content(sanitise.message(warning)) for warning in skipped]
    return Content("\n").join(lines)


class LibraryScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,L,q", "dismiss", "Close", id="library.close"),
    ]

    def __init__(self, text: Content) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="library-box"):
            yield Static(self.text, markup=False)

"""The article list: title, date, tagged sentences per tag and of all; filter, sort, folders."""

from __future__ import annotations

import os
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from tuireader import sanitise
from tuireader.annotations import Annotation
from tuireader.catalog import Entry, fold
from tuireader.natural_order import natural_key, natural_sorted
from tuireader.plural import counted
from tuireader.sentences import Sentence
from tuireader.tag_counts import layer_counts
from tuireader.tags import TagSet
from tuireader.ui.same_objects import Remembered
from tuireader.ui.tag_colors import TagLook, marker_style
from tuireader.wire import shown_date


def fingerprint(annotations: Iterable[Annotation]) -> str:
    """Identifies a set of annotations (ids, places, tags), to know when saved counts still hold."""
    return _fingerprints(tuple(annotations))


def _fingerprint(annotations: tuple[Annotation, ...]) -> str:
    text = ";".join(f"{a.id}:{a.start}:{a.end}:{a.tag}:{a.anchor}" for a in annotations)
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


_fingerprints = Remembered(_fingerprint)
"""A layer read again unchanged (another window wrote elsewhere) is not fingerprinted again."""


@dataclass
class ArticleCounts:
    """My tagged sentences per tag of one article, counted as ``tag_counts`` says (sentences,
    not annotations: a sentence tagged in two parts is one).

    ``sentences`` is the article's sentence count when known (it is not needed, nor known without
    segmenting, while nothing is tagged); ``pending`` while its sentences are still being counted.
    """

    by_tag: dict[str, int] = field(default_factory=dict)
    sentences: int | None = None
    pending: bool = False
    tagged: int = 0

    @classmethod
    def of(cls, annotations: Iterable[Annotation], sentences: Sequence[Sentence]) -> ArticleCounts:
        counts = layer_counts(annotations, sentences)
        return cls(dict(counts.by_tag), len(sentences), tagged=counts.tagged)

    def to_state(self, of: str) -> dict[str, object]:
        return {
            "of": of,
            "sentences": self.sentences,
            "tags": dict(self.by_tag),
            "tagged": self.tagged,
        }

    @classmethod
    def from_state(cls, entry: object, of: str) -> ArticleCounts | None:
        """Counts saved by ``to_state`` for the annotations fingerprinted ``of``, if they hold
        (counts saved without ``tagged`` counted annotations, not sentences: made again)."""
        if not isinstance(entry, dict) or entry.get("of") != of:
            return None
        tags, total, tagged = entry.get("tags"), entry.get("sentences"), entry.get("tagged")
        if not isinstance(tags, dict) or not isinstance(total, int) or not isinstance(tagged, int):
            return None
        return cls({str(k): int(v) for k, v in tags.items()}, total, tagged=tagged)


@dataclass(frozen=True)
class DoneState:
    """Where an article stands for me, and how many others marked it done."""

    mine: bool = False
    others_done: int = 0
    others: bool = False
    """Whether anyone else annotates in this database (else the count is not shown; nor is
    it when no one else marked this article done)."""

    def words(self, counts: ArticleCounts) -> tuple[str, str]:
        """What to show and how: ``✓ done``, ``◐ in progress`` or ``○ not started``."""
        if self.mine:
            text, style = "✓ done", "bold"
        elif counts.tagged or counts.pending:
            text, style = "◐ in progress", ""
        else:
            text, style = "○ not started", "dim"
        if self.others and self.others_done:  # '0 others done' says nothing worth a column
            text += f" · {counted(self.others_done, 'other')} done"
        return text, style


def done_states(
    marks: Iterable[tuple[str, str]], me: str, annotators: Iterable[str]
) -> dict[str, DoneState]:
    """Per article, from ``(article_id, annotator)`` done marks: mine, and how many others."""
    others = any(name != me for name in annotators)
    mine: set[str] = set()
    counted: dict[str, int] = {}
    for article_id, annotator in marks:
        if annotator == me:
            mine.add(article_id)
        else:
            others = True
            counted[article_id] = counted.get(article_id, 0) + 1
    return {
        article_id: DoneState(article_id in mine, counted.get(article_id, 0), others)
        for article_id in mine | set(counted)
    } | ({"": DoneState(others=others)})


def unreadable_label(problem: BaseException) -> str:
    """The list's word for an article whose annotations cannot be read (``Store.unreadable``):
    shown after a ``!``, so it does not rest on colour alone."""
    from tuireader.store.files import MissingShardsError

    return "shard missing" if isinstance(problem, MissingShardsError) else "shard damaged"


UNREADABLE_MARK = "!"
REPAIR_HINT = "tuireader repair --dry-run"
"""What the list says to run for an unreadable article (the notice names the database)."""


SORTS = ("date", "title", "path", "progress")
"""Orders the list can take (``s`` cycles): newest first, A to Z, by file, least done first."""
FUZZY_MIN_CHARS = 4
FUZZY_CUTOFF = 85
"""A filter of at least this many characters also finds near misses (one typo) at this score."""


@dataclass(frozen=True, slots=True)
class Folder:
    """A group header in the list: a folder (relative to the one opened) and its articles."""

    key: str
    count: int
    folded: bool


Row = Folder | Entry


def sort_entries(
    entries: Iterable[Entry], order: str, progress: Callable[[Entry], tuple[int, float]]
) -> list[Entry]:
    """``entries`` in ``order`` (one of SORTS); ties by title, then path."""
    by_title = sorted(entries, key=_title_key)
    if order == "title":
        return by_title
    if order == "path":
        return sorted(by_title, key=_path_key)
    if order == "progress":
        return sorted(by_title, key=progress)
    dated: list[Entry] = []
    undated: list[Entry] = []
    for entry in by_title:
        summary = entry.summary
        (dated if summary is not None and summary.date else undated).append(entry)
    dated.sort(key=_date_key, reverse=True)
    return dated + undated


# Keys without the Entry properties: a property call per entry was a third of sorting 100,000.
def _title_key(entry: Entry) -> tuple[str, str]:
    summary = entry.summary
    title = entry.name if summary is None else summary.title
    made = entry.title_order
    if made is None or made[0] != title:
        made = entry.title_order = (title, natural_key(title))
    return made[1], entry.path


def _path_key(entry: Entry) -> str:
    made = entry.path_order
    if made is None:
        made = entry.path_order = natural_key(entry.path)
    return made


def _date_key(entry: Entry) -> str:
    return entry.summary.date or "" if entry.summary is not None else ""


def filter_entries(entries: Sequence[Entry], query: str) -> list[Entry]:
    """Entries whose title, file name, folder, source or date hold every word of ``query``
    (case and accents ignored); a word of FUZZY_MIN_CHARS letters or more also matches a near miss (one
    typo). Order kept."""
    words = fold(query).split()
    if not words:
        return list(entries)
    keys = [entry_key(e) for e in entries]
    found: set[int] | None = None
    for word in words:
        hits = {i for i, key in enumerate(keys) if word in key}
        if len(word) >= FUZZY_MIN_CHARS and word.isalpha():  # dates and numbers exactly
            from rapidfuzz import fuzz, process

            hits.update(
                index
                for _, _, index in process.extract(
                    word, keys, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=None
                )
            )
        found = hits if found is None else found & hits
    return [entries[i] for i in sorted(found or ())]


def entry_key(entry: Entry) -> str:
    """What the filter searches, folded once per entry (computed on first filter, not at start)."""
    if entry.search_key is None:
        summary = entry.summary
        parts = [entry.name, entry.folder]
        if summary is not None:
            parts += [summary.title, summary.source or "", shown_date(summary.date) or ""]
        entry.search_key = fold(" ".join(p for p in parts if p))
    return entry.search_key


class ArticleList(ScrollView, can_focus=True):
    """Every article of the library, drawn a row at a time (10,000 cost what 30 do); grouped by
    folder when there are several, filtered with ``/``, sorted with ``s``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next article", id="list.down", show=False),
        Binding("k,up", "move(-1)", "Previous article", id="list.up", show=False),
        Binding("l,enter", "select", "Open", id="list.open"),
        Binding("g,home", "first", "First article", id="list.first", show=False),
        Binding("G,end", "last", "Last article", id="list.last", show=False),
        Binding("pagedown", "page(1)", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="list.page_up", show=False),
        Binding("s", "sort", "Sort", id="list.sort"),
        Binding("z", "fold", "Fold folder", id="list.fold", show=False),
        Binding("Z", "fold_all", "Fold all", id="list.fold_all", show=False),
        Binding("escape", "clear_filter", "Clear filter", id="list.clear_filter", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--folder",
        "article-list--dim",
        "article-list--unreadable",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .article-list--cursor { background: $block-cursor-background; }
        &:blur > .article-list--cursor { background: $block-hover-background; }
        & > .article-list--folder { text-style: bold; color: $accent; }
        & > .article-list--dim { color: $text-muted; }
        & > .article-list--unreadable { color: $text-error; text-style: bold; }
    }
    """

    class Opened(Message):
        """Enter on an article: the app opens it."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    class FilterRequested(Message):
        """``/`` in the list: the filter box above it takes the keys."""

    class Changed(Message):
        """What the list shows changed (filter, sort, articles): the header's count follows."""

        def __init__(self, shown: int, total: int, order: str, filter_text: str) -> None:
            super().__init__()
            self.shown, self.total, self.order, self.filter_text = shown, total, order, filter_text

    def __init__(self, tags: TagSet, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags = tags
        self.entries: Sequence[Entry] = ()
        self.counts: dict[str, ArticleCounts] = {}
        self.states: dict[str, DoneState] = {}
        """Done states by article id; ``""`` holds the default (not done by anyone)."""
        self.unreadable: dict[str, str] = {}
        """Articles whose annotations cannot be read, by id: why, in a word or two
        (``unreadable_label``); their counts would say "not started" where nothing is known."""
        self.filter_text = ""
        self.order = SORTS[0]
        self.folded: set[str] = set()
        self.rows: list[Row] = []
        self._row_of: dict[str, int] = {}
        """The row of each listed article, by id."""
        self.cursor = 0
        self._line_of: list[int] = [0]
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        """Lines drawn, by what they show (``_line_key``): a line that moved keeps its strip."""
        self._drawn: dict[int, tuple[object, ...] | None] = {}
        """What each row of the widget shows, as last drawn (by ``render_line``)."""
        self._drawn_at = 0
        """The scroll offset those rows were drawn at."""
        self._said: tuple[int, int, str, str] | None = None
        """The last ``Changed`` posted: the same again is not posted."""
        self._placed = False
        """Whether the cursor was put on a row (a key, a click, an article opened); until then
        the list stays at its top while titles and dates arriving reorder it."""
        self.looks: Mapping[str, TagLook] = {}
        """Each tag's look in the theme (ui/tag_colors.py): the counts are drawn in it."""

    def set_tags(self, tags: TagSet, looks: Mapping[str, TagLook]) -> None:
        """The tag set (a codebook reloaded) and its looks (a theme change): redrawn."""
        self.tags = tags
        self.looks = looks
        self._restyle()

    def state_of(self, article_id: str) -> DoneState:
        return self.states.get(article_id) or self.states.get("") or DoneState()

    def set_states(self, states: dict[str, DoneState]) -> None:
        """New done states (drawn on the next frame; reordered when sorted by progress). The
        same states again draw nothing: every look at another window's writes sets them, and
        drawing the whole list cost the event loop 100-150 ms at load 4."""
        if states == self.states:
            return
        self.states = states
        if self.order == "progress":
            self._rebuild()
        else:
            self.redraw()

    def update_unreadable(self, checked: Iterable[str], found: Mapping[str, str]) -> list[str]:
        """The articles ``checked`` (read for the list's counts, or opened) that ``found`` says
        cannot be read, and why; the others of them can be again. Only their lines are drawn
        again. The articles newly found unreadable, for a notice."""
        new: list[str] = []
        for article_id in checked:
            why = found.get(article_id)
            if why is None:
                self.unreadable.pop(article_id, None)
            elif self.unreadable.get(article_id) != why:
                if article_id not in self.unreadable:
                    new.append(article_id)
                self.unreadable[article_id] = why
        self.redraw()
        return new

    # -- attributes down -----------------------------------------------------------------------

    def set_entries(self, entries: Sequence[Entry], counts: dict[str, ArticleCounts]) -> None:
        self.entries = entries
        self.counts = counts
        self._rebuild()

    def update_counts(self, counts: dict[str, ArticleCounts]) -> None:
        """Counts of many articles at once (read at startup): the list drawn again once."""
        self.counts.update(counts)
        if self.order == "progress":
            self._rebuild()
        else:
            self.redraw()

    def set_counts(self, article_id: str, counts: ArticleCounts) -> None:
        self.counts[article_id] = counts
        if self.order == "progress":
            self._rebuild()
        else:
            # Only the article's own lines: a tag lands on every change, and drawing the whole
            # list again cost the event loop ~3 ms a line under load.
            self.redraw()

    def set_filter(self, query: str) -> None:
        if query != self.filter_text:
            self.filter_text = query
            self._rebuild(to_top=True)

    def highlight_article(self, article_id: str) -> None:
        index = self._row_of.get(article_id)
        if index is None:  # filled in since the rows were built (a batch only drawn): looked for
            index = next(
                (i for i, r in enumerate(self.rows) if isinstance(r, Entry) and r.id == article_id),
                None,
            )
            if index is None:
                return
            self._row_of[article_id] = index
        self._move_cursor(index)

    def refresh_entries(self, entries: Sequence[Entry] | None = None) -> None:
        """Summaries arrived (titles, dates): ordered again, the cursor on the same article at
        the same height on the screen; only the lines that now show something else are drawn."""
        if entries is not None:
            self.entries = entries
        self._rebuild()

    # -- queries -------------------------------------------------------------------------------

    def entry_text(self, index: int = 0) -> str:
        """The lines the ``index``-th listed article shows, as plain text (for tests, scripts)."""
        entry = self.shown_entries[index]
        return "\n".join(self._row_text(entry, part).plain for part in range(_row_height(entry)))

    @property
    def highlighted_entry(self) -> Entry | None:
        row = self.rows[self.cursor] if self.cursor < len(self.rows) else None
        return row if isinstance(row, Entry) else None

    @property
    def shown_entries(self) -> list[Entry]:
        return [row for row in self.rows if isinstance(row, Entry)]

    def progress_key(self, entry: Entry) -> tuple[int, float]:
        """Least done first: not marked done before done, then by the share still untagged."""
        article_id = entry.id
        if article_id is None:
            return 0, 1.0
        counts = self.counts.get(article_id)
        total = (counts.sentences if counts else None) or (
            entry.summary.sentences if entry.summary else None
        )
        share = counts.tagged / total if counts and total else 0.0
        return int(self.state_of(article_id).mine), share

    # -- building rows -------------------------------------------------------------------------

    def _rebuild(self, to_top: bool = False) -> None:
        """Order, filter and group the rows again. ``to_top`` (a new filter): the cursor on the
        first match, the list at its top. Else the cursor stays on its row and the list where it
        is: the cursor row at the same height if it was on the screen, else the row at the top
        (scrolled away with the wheel), so titles arriving never move what is being read."""
        rows_before = self.rows
        current = (
            None
            if to_top or not rows_before
            else rows_before[min(self.cursor, len(rows_before) - 1)]
        )
        scroll_y = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        anchor: tuple[Row, int] | None = None
        if not to_top and rows_before and (self._placed or scroll_y > 0):
            top = self._line_of[self.cursor]
            if scroll_y <= top < scroll_y + height:
                anchor = (rows_before[self.cursor], top - scroll_y)
            else:  # the first row whose title is on the screen, else the one partly there
                index = bisect_left(self._line_of, scroll_y)
                if index >= len(rows_before) or self._line_of[index] >= scroll_y + height:
                    index = bisect_right(self._line_of, scroll_y) - 1
                if 0 <= index < len(rows_before):
                    anchor = (rows_before[index], self._line_of[index] - scroll_y)
        shown = filter_entries(self.entries, self.filter_text) if self.filter_text else self.entries
        ordered = sort_entries(shown, self.order, self.progress_key)
        groups: dict[str, list[Entry]] = {}
        for entry in ordered:
            folder = entry.folder
            members = groups.get(folder)
            if members is None:
                groups[folder] = [entry]
            else:
                members.append(entry)
        rows: list[Row] = []
        if len(groups) <= 1:
            rows.extend(ordered)
        else:
            for key in natural_sorted(groups):
                members = groups[key]
                folded = key in self.folded and not self.filter_text
                rows.append(Folder(key, len(members), folded))
                if not folded:
                    rows.extend(members)
        self.rows = rows
        self._row_of = {
            row.id: i for i, row in enumerate(rows) if isinstance(row, Entry) and row.id
        }
        line_of = [0]
        line_of.extend(accumulate(_row_height(row) for row in rows))
        self._line_of = line_of
        self.virtual_size = Size(self.scrollable_content_region.width, line_of[-1])
        # A new filter puts the cursor on its first match (Enter opens it), not on a folder.
        cursor = next((i for i, row in enumerate(rows) if isinstance(row, Entry)), 0)
        if current is not None and self._placed:
            cursor = _row_index(rows, current, min(self.cursor, len(rows) - 1))
        self.cursor = max(0, cursor)
        if to_top:
            self.scroll_to(y=0, animate=False, force=True)
        elif anchor is not None:
            row, offset = anchor
            index = _row_index(rows, row, -1)
            if index >= 0:
                self.scroll_to(y=max(0, line_of[index] - offset), animate=False, force=True)
        # The cursor followed only where it set the place: after a wheel scroll (the cursor
        # off the screen) the row at the top keeps it, or reading would jump back to the cursor.
        if to_top or (self._placed and (anchor is None or anchor[0] is current)):
            self._follow_cursor()
        self.redraw()
        said = (len(ordered), len(self.entries), self.order, self.filter_text)
        if said != self._said:
            self._said = said
            self.post_message(self.Changed(*said))

    # -- actions -------------------------------------------------------------------------------

    def _move_cursor(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        self._placed = True
        self.cursor = index
        self._follow_cursor()
        self.redraw()

    def action_move(self, delta: int) -> None:
        self._move_cursor(self.cursor + delta)

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self.rows) - 1)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        target_line = self._line_of[self.cursor] + direction * height
        self._move_cursor(max(0, bisect_right(self._line_of, max(0, target_line)) - 1))

    def action_select(self) -> None:
        row = self.rows[self.cursor] if self.cursor < len(self.rows) else None
        if isinstance(row, Folder):
            self.action_fold()
        elif row is not None:
            self.post_message(self.Opened(row))

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def action_clear_filter(self) -> None:
        if self.filter_text:
            self.set_filter("")

    def action_sort(self) -> None:
        self.order = SORTS[(SORTS.index(self.order) + 1) % len(SORTS)]
        self._rebuild()

    def action_fold(self) -> None:
        """Fold (or unfold) the folder under the cursor, or the one the article is in."""
        row = self.rows[self.cursor] if self.cursor < len(self.rows) else None
        if row is None or not any(isinstance(r, Folder) for r in self.rows):
            return
        key = row.key if isinstance(row, Folder) else row.folder
        self.folded ^= {key}
        self._rebuild()
        index = next(
            (i for i, r in enumerate(self.rows) if isinstance(r, Folder) and r.key == key), 0
        )
        self._move_cursor(index)

    def action_fold_all(self) -> None:
        folders = {r.key for r in self.rows if isinstance(r, Folder)}
        self.folded = set() if folders <= self.folded else folders
        self._rebuild()

    def on_click(self, event: events.Click) -> None:
        line = round(self.scroll_y) + event.y
        index = bisect_right(self._line_of, line) - 1
        if 0 <= index < len(self.rows):
            self.focus()
            self._move_cursor(index)
            if event.chain >= 2:
                self.action_select()

    # -- rendering -----------------------------------------------------------------------------

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._line_of[-1])
        self._restyle()

    def notify_style_update(self) -> None:
        """A theme, or focus (the cursor's colour): every line's look may differ."""
        super().notify_style_update()
        self._restyle()

    def _restyle(self) -> None:
        self._cache.clear()
        self._drawn.clear()
        self.refresh()

    def redraw(self) -> None:
        """Refresh the rows of the widget whose line now shows something else than what was
        drawn there (``_line_key``): a batch of titles or counts filled in, a cursor move, a
        reordering that left the screen as it was, each draws only what it changed."""
        scroll_y = round(self.scroll_y)
        if scroll_y != self._drawn_at:
            self._drawn.clear()
            self.refresh()  # scrolled: Textual draws every row anyway
            return
        drawn = self._drawn
        width = self.scrollable_content_region.width
        first = -1
        for y in range(self.size.height):
            key = self._line_key(scroll_y + y, width)
            if y in drawn and drawn[y] == key:
                if first >= 0:
                    self.refresh_lines(scroll_y + first, y - first)
                    first = -1
            elif first < 0:
                first = y
        if first >= 0:
            self.refresh_lines(scroll_y + first, self.size.height - first)

    def _follow_cursor(self) -> None:
        if not self.rows:
            return
        top = self._line_of[self.cursor]
        bottom = self._line_of[self.cursor + 1] - 1
        height = max(1, self.scrollable_content_region.height)
        scroll_y = round(self.scroll_y)
        if top < scroll_y:
            self.scroll_to(y=top, animate=False, force=True)
        elif bottom >= scroll_y + height:
            self.scroll_to(y=bottom - height + 1, animate=False, force=True)

    def render_line(self, y: int) -> Strip:
        scroll_y = round(self.scroll_y)
        line = scroll_y + y
        width = self.scrollable_content_region.width
        if scroll_y != self._drawn_at:
            self._drawn.clear()
            self._drawn_at = scroll_y
        key = self._line_key(line, width)
        self._drawn[y] = key
        strip = None if key is None else self._cache.get(key)
        if strip is None:
            strip = self._line_strip(line, width)
            if key is not None:
                self._cache[key] = strip
        base = self.rich_style
        return strip.apply_style(base).crop_extend(0, self.size.width, base).apply_offsets(0, line)

    def _line_key(self, line: int, width: int) -> tuple[object, ...] | None:
        """Everything line ``line`` shows, to know whether it changed (and to find its strip
        again when the same row is drawn at another line): None past the last row."""
        index = bisect_right(self._line_of, line) - 1
        if not 0 <= index < len(self.rows):
            return None
        row = self.rows[index]
        part = line - self._line_of[index]
        cursor = index == self.cursor
        if isinstance(row, Folder):
            return (width, cursor, row.key, row.count, row.folded)
        indent = isinstance(self.rows[0], Folder)
        summary = row.summary
        if part == 0:
            return (width, cursor, indent, 0, row.name, summary)
        if part == 3:
            return (width, cursor, indent, 3, row.path, tuple(row.others))
        article_id = row.id
        counts = None if article_id is None else self.counts.get(article_id)
        counted = (
            None
            if counts is None
            else (tuple(counts.by_tag.items()), counts.sentences, counts.pending, counts.tagged)
        )
        why = None if article_id is None else self.unreadable.get(article_id)
        if part == 1:
            return (width, cursor, indent, 1, summary, counted, why)
        state = None if article_id is None else self.state_of(article_id)
        return (width, cursor, indent, 2, article_id, counted, state, why)

    def _line_strip(self, line: int, width: int) -> Strip:
        index = bisect_right(self._line_of, line) - 1
        if not 0 <= index < len(self.rows):
            return Strip([])
        row = self.rows[index]
        part = line - self._line_of[index]
        text = self._row_text(row, part)
        text.truncate(width, overflow="ellipsis")
        if index == self.cursor:
            text.pad_right(width - text.cell_len)
            text.stylize(self.get_component_rich_style("article-list--cursor"))
        return Strip(list(text.render(self.app.console)))

    def _row_text(self, row: Row, part: int) -> Text:
        dim = self.get_component_rich_style("article-list--dim")
        if isinstance(row, Folder):
            arrow = "▸" if row.folded else "▾"
            # A folder's name is a file name: shown exactly, as the reader's header shows paths.
            text = Text(f"{arrow} {sanitise.path(row.key or '.')}/", end="")
            text.stylize(self.get_component_rich_style("article-list--folder"))
            text.append(f"  {row.count:,}", dim)
            return text
        indent = "  " if self.rows and isinstance(self.rows[0], Folder) else ""
        if part == 0:
            text = Text(indent, end="")
            # Until (or unless) the file is read, its title is its file name: shown exactly, with
            # any odd character escaped, as the reader's header and the command line show it.
            shown = (
                sanitise.line(row.title) if row.summary is not None else sanitise.path(row.title)
            )
            text.append(shown, "bold" if row.summary is not None else "italic")
            return text
        if part == 2:
            text = Text(indent, end="")
            if row.id is None:
                return text
            if row.id in self.unreadable:  # what I did there is not known: what to do instead
                text.append(f"{UNREADABLE_MARK} see {REPAIR_HINT}", dim)
                if self.state_of(row.id).mine:
                    text.append(" · ✓ done")
                return text
            counts = self.counts.get(row.id) or ArticleCounts()
            words, style = self.state_of(row.id).words(counts)
            text.append(words, style or None)
            return text
        if part == 3:
            text = Text(indent, end="")
            others = ", ".join(
                sanitise.path(os.path.relpath(p, os.path.dirname(row.path))) for p in row.others
            )
            text.append(f"= also {others}", dim)
            return text
        text = Text(indent, end="")
        text.append(shown_date(row.date) or ("undated" if row.summary is not None else "…"), dim)
        article_id = row.id
        if article_id is None:
            return text
        why = self.unreadable.get(article_id)
        if why is not None:  # its counts would be noughts: nothing of it could be read
            text.append("  ")
            text.append(
                f"{UNREADABLE_MARK} {why}",
                self.get_component_rich_style("article-list--unreadable"),
            )
            return text
        counts = self.counts.get(article_id) or ArticleCounts()
        if counts.pending:
            text.append("  counting…", dim)
            return text
        for tag in self.tags:
            text.append("  ")
            text.append(
                f"{tag.marker}{counts.by_tag.get(tag.id, 0)}", marker_style(self.looks, tag.id)
            )
        total = counts.sentences or (row.summary.sentences if row.summary else None)
        text.append(f"  {counts.tagged}/{total}" if total else f"  {counts.tagged} tagged", dim)
        return text


def _row_height(row: Row) -> int:
    if isinstance(row, Folder):
        return 1
    return 4 if row.others else 3  # title; date and counts; my state; the copies


def _row_index(rows: list[Row], row: Row, default: int) -> int:
    """Where ``row`` (the same entry, or the folder of the same key) is in ``rows``."""
    if isinstance(row, Folder):
        return next(
            (i for i, r in enumerate(rows) if isinstance(r, Folder) and r.key == row.key),
            default,
        )
    try:
        return rows.index(row)  # entries compare by identity: a scan in C
    except ValueError:
        return default


class ListHeader(Static):
    """One line above the list: how many articles are shown, of how many, in which order."""


class ListFilter(Input, can_focus=False):
    """The ``/`` box over the list: filters as you type; Enter opens the top match, Esc closes.

    Focusable only while shown: Textual focuses the first focusable widget when the screen is
    composed, before the app's ``on_mount`` puts the focus on the list, and keys typed at
    startup went into this hidden box (the list then showed "0 of 5,000 match" and no box)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close filter", id="list_filter.close"),
        Binding("down", "move(1)", "Down", id="list_filter.down", show=False),
        Binding("up", "move(-1)", "Up", id="list_filter.up", show=False),
    ]

    class Closed(Message):
        pass

    class Moved(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_move(self, delta: int) -> None:
        self.post_message(self.Moved(delta))


class ArticleBrowser(Vertical):
    """The left side: header (count, order), the filter box when in use, the list."""

    DEFAULT_CSS = """
    ArticleBrowser {
        & > ListHeader { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
        & > ListFilter { display: none; }
        & > ListFilter.-shown { display: block; }
        & > ArticleList { height: 1fr; }
    }
    """

    def __init__(self, tags: TagSet, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags = tags

    def compose(self) -> ComposeResult:
        yield ListHeader(markup=False)
        yield ListFilter(placeholder="filter: title, file, source, date", id="list-filter")
        yield ArticleList(self.tags, id="articles")

    @property
    def list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @on(ArticleList.Changed)
    def _changed(self, event: ArticleList.Changed) -> None:
        header = self.query_one(ListHeader)
        if event.filter_text:
            header.update(f"{event.shown:,} of {event.total:,} match · by {event.order}")
        else:
            header.update(f"{counted(event.total, 'article')} · by {event.order}")

    @on(ArticleList.FilterRequested)
    def _open_filter(self) -> None:
        box = self.query_one(ListFilter)
        box.add_class("-shown")
        box.can_focus = True
        box.focus()

    @on(Input.Changed, "#list-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.list.set_filter(event.value)

    @on(Input.Submitted, "#list-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.list.focus()
        self.list.call_later(self.list.action_select)

    @on(ListFilter.Moved)
    def _filter_moved(self, event: ListFilter.Moved) -> None:
        self.list.action_move(event.delta)

    @on(ListFilter.Closed)
    def _close_filter(self) -> None:
        box = self.query_one(ListFilter)
        box.value = ""
        box.remove_class("-shown")
        self.list.set_filter("")
        self.list.focus()
        box.can_focus = False

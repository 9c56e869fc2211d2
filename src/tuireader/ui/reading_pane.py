"""The reading pane: one Line-API ScrollView drawing an article row by row, with a sentence cursor.

Rows come from ``TextLayout`` (offsets into the body), so only the rows on screen are ever styled
and rendered; rendered rows are cached as Strips and a change (cursor move, tag) discards and
refreshes only the rows of the sentences it touches. The pane knows nothing about the store: it
asks for changes with messages and is told what the annotations are (attributes down, messages up).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Protocol

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuireader import sanitise
from tuireader.agreement import sentence_pick
from tuireader.annotations import Annotation
from tuireader.articles import Article
from tuireader.comparison import Comparison
from tuireader.sentences import Sentence, sentence_at, sentence_range
from tuireader.tags import DEFAULT_TAGS, Tag, TagSet
from tuireader.text_search import search_pattern
from tuireader.ui.compare_view import compare_gutter, compare_gutter_width, compare_heading
from tuireader.ui.same_objects import same_objects
from tuireader.ui.tag_colors import TagLook, surface_of, tag_looks
from tuireader.ui.text_layout import TextLayout
from tuireader.wire import shown_date

GUTTER = 4
"""Cells left of the text: cursor arrow, one tag marker, a note mark, a space.

A row shared by two sentences shows one marker: the cursor sentence's when the cursor is on the
row, else that of the sentence starting on it; the other sentence's tag is its tint. Two letters
side by side (``FE``) read as a word, and which letter belonged to which sentence was a guess."""
NOTE_MARK = "*"
"""On the row where a sentence with a note starts."""
MAX_TEXT_WIDTH = 100
"""Long lines are hard to read; wider panes get a margin instead."""
LINE_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class HeldSelection:
    """What a pane had selected and not yet acted on (a range, words, the split caret): handed
    to the pane that replaces it (a codebook reload), so a tag key tags what was shown."""

    article: Article
    sentence_count: int
    cursor: int
    range_anchor: int | None
    words: tuple[tuple[int, int], ...]
    word_anchor: int
    word_caret: int
    split_words: tuple[tuple[int, int], ...]
    split_caret: int

    def what(self) -> str:
        """The selection in a few words, for the line that says it was cancelled."""
        if self.words:
            return "word selection"
        if self.split_words:
            return "split caret"
        return "range"


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """What the pane needs of a suggestion (kept apart from ``tuireader.suggest``)."""

    tag: str
    confidence: float
    reason: str
    source: str = "rule"
    """Where it came from: "rule" or "model" (a model of the user's own tags)."""


def sentence_span(sentences: Sequence[Sentence], annotation: Annotation) -> tuple[int, int]:
    """First and last index of the sentences ``annotation`` covers (``(0, -1)`` for none)."""
    first = sentence_at(sentences, annotation.start)
    if first is None:
        return 0, -1
    last = sentence_at(sentences, max(annotation.start, annotation.end - 1))
    last = len(sentences) - 1 if last is None else last
    if sentences[last].start >= annotation.end:  # its end lies in the gap before ``last``
        last -= 1
    return first, last


WORD = re.compile(r"\S+")
WORD_LEADING = "\"'“‘«(["
WORD_TRAILING = ",;:—–-\"'”’»"
"""Punctuation a selection of words leaves out at its ends: the claim, not the quotation marks
around it or the comma after it."""


def word_spans(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words (runs of non-space) of ``body[start:end]``, as body offsets."""
    return [(start + m.start(), start + m.end()) for m in WORD.finditer(body[start:end])]


def word_bindings(tags: TagSet) -> list[BindingType]:
    """The keys of word selection (part of a sentence); active only while it is open, and
    listed before the reader's own so that they win then (``b``, Esc, the tag keys)."""
    return [
        Binding("right,w", "word(1)", "Next word", id="words.next", key_display="→/w"),
        Binding("left,b", "word(-1)", "Previous word", id="words.previous", key_display="←/b"),
        Binding("shift+right,W", "extend(1)", "Extend", id="words.extend_next", key_display="⇧→"),
        Binding(
            "shift+left,B",
            "extend(-1)",
            "Extend back",
            id="words.extend_previous",
            key_display="⇧←",
        ),
        *(
            Binding(
                ",".join(tag.keys),
                f"tag_words('{tag.id}')",
                f"{tag.label} (words)",
                id=f"words.tag.{tag.id}",
                key_display="/".join(tag.keys),
            )
            for tag in tags.active
        ),
        Binding("escape", "close_words", "Cancel", id="words.cancel", key_display="Esc"),
    ]


WORD_ACTIONS = frozenset({"word", "extend", "tag_words", "close_words"})
WORD_BINDINGS = word_bindings(DEFAULT_TAGS)

SPLIT_BINDINGS: list[BindingType] = [
    Binding("right,w", "split_caret(1)", "Next word", id="split.next", key_display="→/w"),
    Binding("left,b", "split_caret(-1)", "Previous word", id="split.previous", key_display="←/b"),
    Binding("enter", "confirm_split", "Split here", id="split.confirm", key_display="Enter"),
    Binding("escape", "close_split", "Cancel", id="split.cancel", key_display="Esc"),
]
"""The keys of the split caret; active only while it is open (listed first, so they win)."""
SPLIT_ACTIONS = frozenset({"split_caret", "confirm_split", "close_split"})
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*$")


def likely_split(body: str, words: Sequence[tuple[int, int]]) -> int:
    """Where the split caret starts: after the first word inside the sentence that ends like a
    sentence (the boundary the segmenter most likely missed), else in the middle."""
    for i, (start, end) in enumerate(words[:-1]):
        if _SENTENCE_END.search(body, start, end):
            return i + 1
    return max(1, len(words) // 2)


def tag_bindings(tags: TagSet) -> list[BindingType]:
    """One binding per active tag, built from the TagSet (tags are data, never branches)."""
    return [
        Binding(
            ",".join(tag.keys),
            f"tag('{tag.id}')",
            tag.label,
            id=tag.binding_id,
            key_display="/".join(tag.keys),
        )
        for tag in tags.active
    ]


class Editor(Protocol):
    """Who turns the pane's requests into stored changes (the app, holding the store).

    Called from the key's action, in the order of the keys: a write is queued at once (written
    off the event loop, shown when durable); a request that depends on what is written (accept,
    merge) first awaits the writes asked for before it, as a key that reads my annotations
    (``]``) does with ``writes_landed``, so a fast typist's next key sees the change.
    """

    def tag_sentences(self, first: int, last: int, tag_id: str) -> None: ...

    def clear_sentences(self, first: int, last: int) -> None: ...

    async def accept_suggestions(self, index: int | None) -> None: ...

    async def reject_suggestion(self, index: int) -> None: ...

    async def writes_landed(self) -> None:
        """Return once every change asked for so far is durable and shown."""

    def show_status(self) -> None:
        """Draw the status for the cursor now, so it changes in the same frame as the pane."""

    def tag_span(self, start: int, end: int, tag_id: str) -> None: ...

    def split_sentence(self, index: int, at: int) -> None:
        """Split sentence ``index`` before the word starting at body offset ``at``."""

    async def merge_sentences(self, index: int) -> None:
        """Merge sentence ``index`` with the next one (asking first if my tags differ)."""


class ReadingPane(ScrollView, can_focus=True):
    """An article, wrapped to the width, one sentence under the cursor."""

    MOVE_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next sentence", id="reader.next_sentence", show=False),
        Binding("k,up", "move(-1)", "Previous sentence", id="reader.previous_sentence", show=False),
        Binding("space,pagedown", "page(1)", "Page down", id="reader.page_down", show=False),
        Binding("b,pageup", "page(-1)", "Page up", id="reader.page_up", show=False),
        Binding("g,home", "first", "First sentence", id="reader.first", show=False),
        Binding("G,end", "last", "Last sentence", id="reader.last", show=False),
        Binding(
            "right_square_bracket",
            "annotated(1)",
            "Next annotated",
            id="reader.next_annotated",
            show=False,
        ),
        Binding(
            "left_square_bracket",
            "annotated(-1)",
            "Previous annotated",
            id="reader.previous_annotated",
            show=False,
        ),
    ]
    EDIT_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "clear", "Clear", id="reader.clear"),
        Binding("v", "start_range", "Range", id="reader.range"),
        Binding("p", "open_words", "Part of sentence", id="reader.words", show=False),
        Binding(
            "vertical_line",
            "open_split",
            "Split sentence",
            id="reader.split",
            show=False,
            key_display="|",
        ),
        Binding("J", "merge", "Merge with next", id="reader.merge", show=False),
        Binding("escape", "cancel", "Cancel", id="reader.cancel", show=False),
        Binding("t", "cycle_filter", "Filter", id="reader.filter", show=False),
        Binding("S", "toggle_suggestions", "Suggest", id="reader.suggestions"),
        Binding("a", "accept", "Accept", id="reader.accept", show=False),
        Binding("A", "accept_all", "Accept all", id="reader.accept_all", show=False),
        Binding("minus", "reject", "Reject", id="reader.reject", show=False, key_display="-"),
        Binding(
            "right_curly_bracket",
            "disagreement(1)",
            "Next disagreement",
            id="reader.next_disagreement",
            key_display="}",
        ),
        Binding(
            "left_curly_bracket",
            "disagreement(-1)",
            "Previous disagreement",
            id="reader.previous_disagreement",
            key_display="{",
        ),
        Binding("w", "guideline", "Tag guideline", id="reader.guideline", show=False),
    ]
    WORD_BINDINGS: ClassVar[list[BindingType]] = WORD_BINDINGS
    """Active only while words are selected; first, so that they win then."""
    SPLIT_BINDINGS: ClassVar[list[BindingType]] = SPLIT_BINDINGS
    """Active only while the split caret is open."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *WORD_BINDINGS,
        *SPLIT_BINDINGS,
        *MOVE_BINDINGS,
        *tag_bindings(DEFAULT_TAGS),
        *EDIT_BINDINGS,
    ]
    """With the default tags; ``for_tags`` makes the pane of another tag set."""

    @classmethod
    def for_tags(cls, tags: TagSet) -> type[ReadingPane]:
        """The pane class whose tag keys are ``tags``' (bindings are declared per class)."""
        if tags.active == DEFAULT_TAGS.active:
            return cls
        return _pane_class(cls, tags.active)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reading-pane--cursor",
        "reading-pane--range",
        "reading-pane--match",
        "reading-pane--title",
        "reading-pane--meta",
        "reading-pane--dim",
        "reading-pane--arrow",
        "reading-pane--disagree",
        "reading-pane--note",
        "reading-pane--words",
    }

    DEFAULT_CSS = """
    ReadingPane {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .reading-pane--cursor { text-style: reverse bold; }
        & > .reading-pane--range { text-style: underline; }
        & > .reading-pane--match { text-style: bold underline; color: $warning; }
        & > .reading-pane--title { text-style: bold; }
        & > .reading-pane--meta { text-style: italic; color: $text-muted; }
        & > .reading-pane--dim { text-style: dim; }
        & > .reading-pane--arrow { text-style: bold; color: $accent; }
        & > .reading-pane--disagree { text-style: bold; color: $warning; }
        & > .reading-pane--note { text-style: bold; color: $warning; }
        & > .reading-pane--words { text-style: reverse bold; }
    }
    """

    # -- messages up ---------------------------------------------------------------------------

    class CursorMoved(Message):
        """The cursor (or what lies under it) changed: the status line follows."""

        def __init__(self, pane: ReadingPane) -> None:
            super().__init__()
            self.pane = pane

    class SuggestionsToggled(Message):
        pass

    class LooksChanged(Message):
        """Tags look different (a theme change, a tag the set did not know): the legend follows."""

        def __init__(self, pane: ReadingPane) -> None:
            super().__init__()
            self.pane = pane

    class GuidelineRequested(Message):
        """Show the guideline of the tag under the cursor."""

    # -- state ---------------------------------------------------------------------------------

    def __init__(self, tags: TagSet = DEFAULT_TAGS, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags = tags
        self.editor: Editor | None = None
        self.article: Article | None = None
        self.sentences: Sequence[Sentence] = ()
        self.cursor = 0
        self.range_anchor: int | None = None
        self.filter_tag: str | None = None
        self.suggestions: Sequence[SuggestionView | None] | None = None
        self.rejected: frozenset[int] = frozenset()
        """Sentences whose suggestion I rejected: not drawn, not accepted (``tuireader.rejections``)."""
        self._annotation_of: list[Annotation | None] = []
        self._parts: dict[int, list[Annotation]] = {}
        """Every annotation on a sentence that carries part of a sentence's tag (a tag on some
        of its words), in text order; sentences tagged whole are only in ``_annotation_of``."""
        self.words: list[tuple[int, int]] = []
        """Word selection: the cursor sentence's words while it is open, else empty."""
        self.word_anchor = 0
        self.word_caret = 0
        self.split_words: list[tuple[int, int]] = []
        """The split caret: the cursor sentence's words while it is open, else empty."""
        self.split_caret = 1
        """The word the second sentence would begin with (an index into ``split_words``)."""
        self._drag: tuple[int, int] | None = None
        """A mouse drag: the sentence and the body offset where the button went down."""
        self._clicked_at: int | None = None
        """Where the text was clicked while its sentences were not known yet (the article's
        tags being read): the cursor goes there once they are."""
        self._early_drag: tuple[int, int, bool] | None = None
        """A drag over the text while its sentences were not known yet: the body offsets where
        the button went down and where the mouse is, and whether the button is still down.
        Once they are known it selects those words, as the drag would have then."""
        self._matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self.match_index: int | None = None
        """Which match the cursor was last moved to (None: none yet, or the query changed)."""
        self._layout: TextLayout | None = None
        self._header: list[Strip] = []
        self._cache: LRUCache[int, Strip] = LRUCache(LINE_CACHE_SIZE)
        """Each row as drawn (styled, cropped to the width, its offsets set): scrolling a page
        draws from here, and a change discards only the rows it touches."""
        self._drawn_for: tuple[int, Style] | None = None
        """The width and base style the cached rows were drawn for."""
        self._base_style: Style | None = None
        """The pane's own style (its CSS colours over its ancestors'), kept until a style
        changes: working it out walks every ancestor's styles, for each row drawn."""
        # Plain colours until mounted, when the theme and the terminal's colours are known.
        self._looks: dict[str, TagLook] = {}
        self._placed: dict[str, Annotation] = {}
        self._placed_as = object()
        """Replaced whenever ``_placed`` changes."""
        self._synced: tuple[tuple[Annotation, ...], object] | None = None
        """The annotations ``sync_annotations`` was last given, and ``_placed_as`` after it."""
        self.comparison: Comparison | None = None
        """Every annotator's tags (compare view), or None for the plain reader."""

    def on_mount(self) -> None:
        self._style_tags()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self._style_tags()
        self._header = self._render_header(self.text_width) if self.article is not None else []
        self._invalidate_all()

    def _style_tags(self) -> None:
        """Each tag's look for the theme and the terminal's colour depth (see tag_colors)."""
        app = self.app
        surface = surface_of(
            app.current_theme, app.console.color_system or "standard", app.ansi_theme
        )
        self._looks = tag_looks(self.tags, surface)
        self.post_message(self.LooksChanged(self))

    @property
    def looks(self) -> dict[str, TagLook]:
        return self._looks

    def _look(self, tag_id: str) -> TagLook | None:
        """The look of a tag; one the tag set does not know (another window wrote it, or an
        import) joins the set as a tag seen in the data, shown with the generic colour."""
        look = self._looks.get(tag_id)
        if look is None and self.is_mounted:
            self.tags = self.tags.with_seen(seen=[tag_id])
            self._style_tags()
            look = self._looks.get(tag_id)
        return look

    # -- attributes down -----------------------------------------------------------------------

    def show_article(
        self,
        article: Article,
        annotations: Iterable[Annotation],
        cursor: int = 0,
        *,
        pending: bool = False,
    ) -> None:
        """Display ``article`` with its (anchored) annotations, the cursor on sentence ``cursor``.

        ``pending`` shows the text before its sentences are known (a book segments in a few
        hundred milliseconds: the text paints first, then this is called again without it).
        """
        same_text = article is self.article and self._layout is not None
        clicked = self._clicked_at if same_text and not pending else None
        dragged = self._early_drag if same_text and not pending else None
        self._clicked_at = None
        if not (pending and same_text):  # landed below, or made on another text
            if self._early_drag is not None and self._early_drag[2] and dragged is None:
                self.release_mouse()
            self._early_drag = None
        self.article = article
        self.sentences = () if pending else article.sentences
        self.range_anchor = None
        self.suggestions = None
        self.rejected = frozenset()
        self.comparison = None
        self._matches, self._match_starts = [], []
        self._annotation_of = [None] * len(self.sentences)
        self._parts = {}
        self.words = []
        self.split_words = []
        self._placed = {}
        self._placed_as = object()
        for annotation in annotations:
            self._place(annotation)
        found = None if clicked is None else sentence_at(self.sentences, clicked)
        if found is not None:  # clicked while its tags were read: where the click was
            cursor = found
        self.cursor = max(0, min(cursor, len(self.sentences) - 1))
        if not same_text:
            self._layout = None
            self.scroll_to(y=0, animate=False, force=True)
        self._cache.clear()
        if self.size.width:  # before the first layout the width is unknown: on_resize wraps
            self._relayout()
            self._follow_cursor(center=True)
        self._cursor_moved()
        if dragged is not None:
            self._land_drag(*dragged)

    def _land_drag(self, pressed: int, reached: int, down: bool) -> None:
        """A drag made while the sentences were not known: the words it went over selected now
        (one that stayed on one word is a click: the cursor goes to its sentence); if the
        button is still down, the drag goes on from here."""
        index = sentence_at(self.sentences, pressed)
        if index is None or self.sentences[index].start > pressed:
            if down:
                self.release_mouse()
            return
        sentence = self.sentences[index]
        reached = max(sentence.start, min(reached, sentence.end - 1))
        if down:
            self._drag = (index, pressed)
        self.move_to(index)
        if self._word_of(reached, index) == self._word_of(pressed, index):
            return  # a click, not yet a drag: the cursor is on its sentence
        self.action_open_words()
        self.select_words(self._word_of(pressed, index), self._word_of(reached, index))

    def apply_annotations(self, before: Iterable[Annotation], after: Iterable[Annotation]) -> None:
        """Annotations replaced (a change, an undo): restyle only the sentences they cover."""
        touched: list[tuple[int, int]] = []
        for annotation in before:
            touched.append(self._unplace(annotation))
        for annotation in after:
            touched.append(self._place(annotation))
        self._invalidate_runs(touched)
        self._cursor_moved()

    def sync_annotations(self, annotations: Iterable[Annotation]) -> bool:
        """Show exactly ``annotations`` (as now stored), restyling only what differs from what is
        shown; True if anything did. For changes made elsewhere (another window on the file)."""
        if not self.sentences:
            return False
        annotations = tuple(annotations)
        synced = self._synced
        if (
            synced is not None
            and synced[1] is self._placed_as
            and same_objects(annotations, synced[0])
        ):
            return False  # the store's same objects: unchanged (another layer changed)
        current = {a.id: a for a in annotations if a.anchor != "orphaned"}
        placed = self._placed
        before = [a for i, a in placed.items() if (c := current.get(i)) is not a and c != a]
        after = [a for i, a in current.items() if (p := placed.get(i)) is not a and p != a]
        if before or after:
            self.apply_annotations(before, after)
        self._synced = (annotations, self._placed_as)
        return bool(before or after)

    def resegment(self, start: int, end: int) -> None:
        """The article's sentences changed only within body offsets ``start..end`` (a split or
        a merge): take the new ones, keep every tag shown where it was, and repaint just the
        rows of those sentences (the text itself, and so its wrapping, is unchanged)."""
        article = self.article
        if article is None or not self.sentences:
            return
        old, new = self.sentences, article.sentences
        was, now = sentence_range(old, start, end), sentence_range(new, start, end)
        if (
            was is None
            or now is None
            or was[0] != now[0]
            or len(new) - len(old) != (now[1] - now[0]) - (was[1] - was[0])
        ):
            self.follow_sentences(self._placed.values())
            return
        first, last_old = was
        last = now[1]
        delta = last - last_old
        self.sentences = new
        self._annotation_of[first : last_old + 1] = [None] * (last - first + 1)
        self._parts = {
            k if k < first else k + delta: v
            for k, v in self._parts.items()
            if not first <= k <= last_old
        }
        if self.suggestions is not None:
            shifted = list(self.suggestions)
            shifted[first : last_old + 1] = [None] * (last - first + 1)
            self.suggestions = shifted
        # A new sentence is a new text: its rejection lapses (as its mark would not match).
        self.rejected = frozenset(
            i if i < first else i + delta for i in self.rejected if not first <= i <= last_old
        )
        if self.comparison is not None:
            self.comparison = None  # its columns are per sentence: the app computes them again
            self._invalidate_all()
        if self.cursor > last_old:
            self.cursor += delta
        elif self.cursor > last:
            self.cursor = last
        self.range_anchor = None
        self.words, self.split_words = [], []
        lo, hi = new[first].start, new[last].end
        for annotation in [a for a in self._placed.values() if a.start < hi and lo < a.end]:
            self._place(annotation)
        self._invalidate_sentences(first, last)
        self._follow_cursor()
        self._cursor_moved()

    def follow_sentences(self, annotations: Iterable[Annotation]) -> None:
        """The article's sentences changed anywhere (an undo, another window): show them, the
        cursor staying on the text it was on."""
        article = self.article
        if article is None or not self.sentences:
            return
        offset = self.sentences[self.cursor].start
        cursor = sentence_at(article.sentences, offset)
        self.show_article(
            article, list(annotations), len(article.sentences) if cursor is None else cursor
        )

    def set_comparison(self, comparison: Comparison | None) -> None:
        """Show (or, with None, stop showing) one gutter column per annotator."""
        if comparison is not None and len(comparison.values) != len(self.sentences):
            comparison = None  # made for other sentences (the article changed meanwhile)
        self.comparison = comparison
        self._header = []
        self._relayout()
        self._invalidate_all()
        self._follow_cursor()
        self._cursor_moved()

    def set_suggestions(self, suggestions: Sequence[SuggestionView | None] | None) -> None:
        self.suggestions = suggestions
        self._invalidate_all()
        self._cursor_moved()

    def set_rejected(self, rejected: frozenset[int]) -> None:
        """Hide (or show again) the suggestions of these sentences."""
        changed = rejected ^ self.rejected
        self.rejected = rejected
        if self.suggestions is not None and changed:
            for index in changed:  # only the rows of those sentences are drawn again
                self._invalidate_sentences(index, index)
            self._cursor_moved()

    def set_search(self, query: str) -> None:
        """Highlight every case-insensitive occurrence of ``query``."""
        self.match_index = None
        if self.article is None or not query:
            self._matches, self._match_starts = [], []
        else:
            pattern = search_pattern(query)
            self._matches = [m.span() for m in pattern.finditer(self.article.body)]
            self._match_starts = [start for start, _ in self._matches]
        self._invalidate_all()

    def next_match(self, from_cursor: bool = False) -> bool:
        """Move to the match after the current one (wrapping), the cursor to its sentence; with
        ``from_cursor`` (as the query is typed), or once the cursor was moved off the current
        match's sentence, to the first match in or after the cursor's sentence: a search goes
        on from where the reader is, as in an editor or a pager."""
        if not self._matches or not self.sentences:
            return False
        current = self.match_index
        if not from_cursor and current is not None and self._match_sentence(current) == self.cursor:
            index = (current + 1) % len(self._matches)  # the next, even in this sentence
        else:
            here = self.sentences[self.cursor].start
            index = bisect_left(self._match_starts, here) % len(self._matches)
        self.match_index = index
        target = self._match_sentence(index)
        if target == self.cursor:
            self._follow_cursor()
            self._cursor_moved()
        else:
            self.move_to(target)
        return True

    def _match_sentence(self, index: int) -> int:
        found = sentence_at(self.sentences, self._matches[index][0])
        return len(self.sentences) - 1 if found is None else found

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def match_status(self) -> str:
        """``match 3 of 17`` (or ``17 matches`` before the cursor has been to one)."""
        count = len(self._matches)
        if not count:
            return "no match"
        if self.match_index is None:
            return f"{count:,} match{'es' if count > 1 else ''}"
        return f"match {self.match_index + 1:,} of {count:,}"

    # -- queries -------------------------------------------------------------------------------

    @property
    def placed(self) -> list[Annotation]:
        """My annotations placed on the article shown (orphans are not shown), in no order."""
        return list(self._placed.values())

    @property
    def annotation(self) -> Annotation | None:
        """The annotation under the cursor: with words selected, the one on those words."""
        if not self._annotation_of:
            return None
        span = self.word_span
        if span is not None:
            return next(
                (a for a in self.parts_of(self.cursor) if a.overlaps(*span)),
                self._annotation_of[self.cursor],
            )
        return self._annotation_of[self.cursor]

    def parts_of(self, index: int) -> list[Annotation]:
        """The annotations on sentence ``index`` when any of them tags only part of it."""
        return self._parts.get(index, [])

    @property
    def word_span(self) -> tuple[int, int] | None:
        """Body offsets of the selected words (quotation marks and trailing commas left out),
        or None when word selection is closed."""
        if not self.words or self.article is None:
            return None
        first, last = sorted((self.word_anchor, self.word_caret))
        start, end = self.words[first][0], self.words[last][1]
        body = self.article.body
        while end - 1 > start and body[end - 1] in WORD_TRAILING:
            end -= 1
        while start + 1 < end and body[start] in WORD_LEADING:
            start += 1
        return start, end

    @property
    def split_at(self) -> int | None:
        """Body offset where the split caret would start the second sentence, or None when it
        is closed."""
        if not self.split_words:
            return None
        return self.split_words[self.split_caret][0]

    @property
    def suggestion(self) -> SuggestionView | None:
        if (
            self.suggestions is None
            or self.cursor >= len(self.suggestions)
            or self.cursor in self.rejected
        ):
            return None
        return self.suggestions[self.cursor]

    @property
    def selection(self) -> tuple[int, int]:
        """Inclusive sentence range a tag key applies to: the range if one is open, else the cursor."""
        if self.range_anchor is None:
            return self.cursor, self.cursor
        return min(self.range_anchor, self.cursor), max(self.range_anchor, self.cursor)

    def visible_sentences(self) -> range:
        """The sentences with a row on screen now (the cursor's too): what to suggest first."""
        if self._layout is None or not self.sentences or not len(self._layout):
            return range(0)
        header = len(self._header)
        top = max(0, round(self.scroll_y) - header)
        bottom = min(len(self._layout) - 1, top + max(1, self.size.height) - 1)
        first = sentence_at(self.sentences, self._layout.starts[top])
        last = sentence_at(self.sentences, max(0, self._layout.ends[bottom] - 1))
        first = min(self.cursor, first if first is not None else self.cursor)
        last = max(self.cursor, last if last is not None else self.cursor)
        return range(first, last + 1)

    def annotation_of(self, index: int) -> Annotation | None:
        return self._annotation_of[index]

    # -- actions -------------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.sentences:
            return
        index = max(0, min(index, len(self.sentences) - 1))
        old = self.cursor
        if index == old:
            return
        self.action_close_words()
        self.action_close_split()
        self.cursor = index
        if self.range_anchor is not None:
            self._invalidate_sentences(min(old, index), max(old, index))
        else:
            self._invalidate_sentences(old, old)
            self._invalidate_sentences(index, index)
        self._follow_cursor()
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        if self.editor is not None:
            self.editor.show_status()
        self.post_message(self.CursorMoved(self))

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.sentences) - 1)

    def action_page(self, direction: int) -> None:
        """Scroll a screenful and put the cursor on the first sentence that starts in view."""
        if self._layout is None or not self.sentences:
            return
        height = max(1, self.scrollable_content_region.height)
        max_top = max(0, self.virtual_size.height - height)
        top = max(0, min(max_top, round(self.scroll_y) + direction * height))
        if top == round(self.scroll_y):
            self.move_to(len(self.sentences) - 1 if direction > 0 else 0)
            return
        self.scroll_to(y=top, animate=False, force=True)
        row = max(0, top - len(self._header))
        offset = self._layout.starts[min(row, len(self._layout) - 1)]
        target = sentence_at(self.sentences, offset)
        target = len(self.sentences) - 1 if target is None else target
        if self._first_row(target) < top and target + 1 < len(self.sentences):
            target += 1  # the sentence began above the fold; take the first one that starts here
        self.move_to(target)

    async def action_annotated(self, direction: int) -> None:
        """Jump to the next (or previous) annotation, skipping the rest of the current one."""
        if self.editor is not None:
            await self.editor.writes_landed()  # a tag just typed counts
        current = self.annotation
        index = self.cursor + direction
        while 0 <= index < len(self._annotation_of):
            found = self._annotation_of[index]
            if found is not None and found is not current:
                if direction < 0:  # land on the annotation's first sentence
                    while index > 0 and self._annotation_of[index - 1] is found:
                        index -= 1
                self.move_to(index)
                return
            index += direction
        self.app.bell()
        from tuireader.ui.idle_keys import annotated

        tagged = any(a is not None for a in self._annotation_of)
        self.notify(annotated(direction, tagged), timeout=3, markup=False)

    def action_tag(self, tag_id: str) -> None:
        if not self.sentences:
            return
        first, last = self.selection
        self._end_range()
        if self.editor is not None:
            self.editor.tag_sentences(first, last, tag_id)

    def held_selection(self) -> HeldSelection | None:
        """The range, word selection or split caret in progress, or None if none is open."""
        if self.article is None or not self.sentences:
            return None
        if self.range_anchor is None and not self.words and not self.split_words:
            return None
        return HeldSelection(
            self.article,
            len(self.sentences),
            self.cursor,
            self.range_anchor,
            tuple(self.words),
            self.word_anchor,
            self.word_caret,
            tuple(self.split_words),
            self.split_caret,
        )

    def restore_selection(self, held: HeldSelection) -> bool:
        """Open again what ``held`` had selected, if the same text shows the same sentences
        (and words) here; False (nothing selected) if it no longer fits."""
        if held.article is not self.article or held.sentence_count != len(self.sentences):
            return False
        if held.words or held.split_words:
            sentence = self.sentences[held.cursor]
            words = word_spans(held.article.body, sentence.start, sentence.end)
            if tuple(words) != (held.words or held.split_words):
                return False
        if self.cursor != held.cursor:
            self.move_to(held.cursor)
        self._end_range()
        self.range_anchor = held.range_anchor
        self.words = list(held.words)
        self.word_anchor, self.word_caret = held.word_anchor, held.word_caret
        self.split_words = list(held.split_words)
        self.split_caret = held.split_caret
        first, last = self.selection
        self._invalidate_sentences(first, last)
        self.refresh_bindings()
        self._cursor_moved()
        return True

    def action_open_words(self) -> None:
        """Select words inside the cursor sentence, to tag part of it; the first word first."""
        if not self.sentences or self.article is None:
            return
        self._end_range()
        sentence = self.sentences[self.cursor]
        self.words = word_spans(self.article.body, sentence.start, sentence.end)
        self.word_anchor = self.word_caret = 0
        self._invalidate_sentences(self.cursor, self.cursor)
        self.refresh_bindings()  # the footer shows the word keys while they act
        self._cursor_moved()

    def select_words(self, anchor: int, caret: int) -> None:
        """Select words ``anchor..caret`` (indexes into ``words``, either order)."""
        if not self.words:
            return
        top = len(self.words) - 1
        self.word_anchor = max(0, min(anchor, top))
        self.word_caret = max(0, min(caret, top))
        self._invalidate_sentences(self.cursor, self.cursor)
        self._cursor_moved()

    def action_word(self, delta: int) -> None:
        caret = self.word_caret + delta
        self.select_words(caret, caret)

    def action_extend(self, delta: int) -> None:
        self.select_words(self.word_anchor, self.word_caret + delta)

    def action_tag_words(self, tag_id: str) -> None:
        span = self.word_span
        self.action_close_words()
        if span is not None and self.editor is not None:
            self.editor.tag_span(span[0], span[1], tag_id)

    def action_close_words(self) -> None:
        if not self.words:
            return
        self.words = []
        self._invalidate_sentences(self.cursor, self.cursor)
        self.refresh_bindings()
        self._cursor_moved()

    def action_open_split(self) -> None:
        """Open the split caret in the cursor sentence, where a boundary most likely belongs."""
        if not self.sentences or self.article is None:
            return
        self._end_range()
        self.action_close_words()
        sentence = self.sentences[self.cursor]
        words = word_spans(self.article.body, sentence.start, sentence.end)
        if len(words) < 2:
            self.app.bell()
            self.notify("A sentence of one word cannot be split.", timeout=3)
            return
        self.split_words = words
        self.split_caret = likely_split(self.article.body, words)
        self._invalidate_sentences(self.cursor, self.cursor)
        self.refresh_bindings()
        self._cursor_moved()

    def action_split_caret(self, delta: int) -> None:
        if not self.split_words:
            return
        caret = max(1, min(self.split_caret + delta, len(self.split_words) - 1))
        if caret == self.split_caret:
            self.app.bell()
            return
        self.split_caret = caret
        self._invalidate_sentences(self.cursor, self.cursor)
        self._cursor_moved()

    def action_confirm_split(self) -> None:
        at = self.split_at
        self.action_close_split()
        if at is not None and self.editor is not None:
            self.editor.split_sentence(self.cursor, at)

    def action_close_split(self) -> None:
        if not self.split_words:
            return
        self.split_words = []
        self._invalidate_sentences(self.cursor, self.cursor)
        self.refresh_bindings()
        self._cursor_moved()

    async def action_merge(self) -> None:
        if self.sentences and self.editor is not None:
            self._end_range()
            await self.editor.merge_sentences(self.cursor)

    def action_clear(self) -> None:
        if not self.sentences:
            return
        first, last = self.selection
        self._end_range()
        if self.editor is not None:
            self.editor.clear_sentences(first, last)

    def action_start_range(self) -> None:
        if not self.sentences:
            return
        if self.range_anchor is not None:
            self._end_range()
        else:
            self.range_anchor = self.cursor
            self._invalidate_sentences(self.cursor, self.cursor)
        self._cursor_moved()

    def action_cancel(self) -> None:
        if self.range_anchor is not None:
            self._end_range()
            self._cursor_moved()
        elif self._matches:
            self.set_search("")

    def action_cycle_filter(self) -> None:
        order: list[str | None] = [None, *self.tags.ids]
        self.filter_tag = order[(order.index(self.filter_tag) + 1) % len(order)]
        self._invalidate_all()
        self._cursor_moved()

    def action_guideline(self) -> None:
        self.post_message(self.GuidelineRequested())

    def action_toggle_suggestions(self) -> None:
        self.post_message(self.SuggestionsToggled())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While words are selected only their keys act here (the app's still do); otherwise
        # theirs fall through to the reader's bindings of the same keys.
        if self.split_words:
            return action in SPLIT_ACTIONS
        if self.words:
            return action in WORD_ACTIONS
        if action in WORD_ACTIONS or action in SPLIT_ACTIONS:
            return False
        if action == "disagreement":
            return self.comparison is not None
        return True

    def action_disagreement(self, direction: int) -> None:
        """Jump to the next (or previous) sentence the annotators tag differently."""
        if self.comparison is None:
            return
        target = self.comparison.next_disagreement(self.cursor, direction)
        if target is None:
            from tuireader.ui.idle_keys import disagreement

            self.app.bell()
            self.notify(disagreement(self.comparison, direction), timeout=3, markup=False)
        else:
            self.move_to(target)

    async def action_accept(self) -> None:
        if self.sentences and self.editor is not None:
            await self.editor.accept_suggestions(self.cursor)

    async def action_accept_all(self) -> None:
        if self.sentences and self.editor is not None:
            await self.editor.accept_suggestions(None)

    async def action_reject(self) -> None:
        if self.sentences and self.editor is not None:
            await self.editor.reject_suggestion(self.cursor)

    def on_click(self, event: events.Click) -> None:
        if not self.sentences and self.article is not None:  # shown, its tags still being read
            offset = self._offset_at_point(event.x, event.y)
            if self._early_drag is not None:  # a drag lands by itself, from where it began
                offset = self._early_drag[0]
            if offset is not None:
                self._clicked_at = offset
                self.focus()
            return
        index = self._sentence_at_point(event.x, event.y)
        if index is not None:
            self.focus()
            self.move_to(index)

    # A drag over words selects them, as p and shift+arrows do: the tag key then tags them.
    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at_point(event.x, event.y)
        if event.button != 1 or offset is None or self.split_words:
            return
        if not self.sentences:  # its tags are being read: kept, it lands once they are
            self._early_drag = (offset, offset, True)
            self.capture_mouse()
            return
        index = sentence_at(self.sentences, offset)
        if index is not None and self.sentences[index].start <= offset:
            self._drag = (index, offset)
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        early = self._early_drag
        if early is not None and early[2] and not self.sentences:
            offset = self._offset_at_point(event.x, event.y)
            if offset is not None:
                self._early_drag = (early[0], offset, True)
            return
        if self._drag is None:
            return
        index, pressed = self._drag
        offset = self._offset_at_point(event.x, event.y)
        if offset is None or self.article is None:
            return
        sentence = self.sentences[index]
        offset = max(sentence.start, min(offset, sentence.end - 1))
        if not self.words and self._word_of(offset, index) == self._word_of(pressed, index):
            return  # still on the word it started on: a click, not yet a drag
        if self.cursor != index or not self.words:
            self.focus()
            self.move_to(index)
            self.action_open_words()
        self.select_words(self._word_of(pressed, index), self._word_of(offset, index))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        early = self._early_drag
        if early is not None and early[2] and not self.sentences:
            offset = self._offset_at_point(event.x, event.y)
            self._early_drag = (early[0], early[1] if offset is None else offset, False)
            self.release_mouse()
        if self._drag is not None:
            self._drag = None
            self.release_mouse()

    def _word_of(self, offset: int, index: int) -> int:
        """Which word of sentence ``index`` holds ``offset`` (or is the last before it)."""
        assert self.article is not None
        sentence = self.sentences[index]
        words = self.words or word_spans(self.article.body, sentence.start, sentence.end)
        return max(0, bisect_right([start for start, _ in words], offset) - 1)

    # -- layout --------------------------------------------------------------------------------

    @property
    def gutter_width(self) -> int:
        """Cells left of the text: wider in the compare view, one column per annotator."""
        return GUTTER if self.comparison is None else compare_gutter_width(self.comparison)

    @property
    def text_width(self) -> int:
        return max(
            8, min(MAX_TEXT_WIDTH, self.scrollable_content_region.width - self.gutter_width - 1)
        )

    def on_resize(self, event: events.Resize) -> None:
        if self.article is not None and (
            self._layout is None or self._layout.width != self.text_width
        ):
            self._relayout()
            self._follow_cursor(center=True)
        elif self.article is not None:
            # Shorter (the search box opened): keep the cursor's sentence, the match, in view.
            self._follow_cursor()

    def _relayout(self) -> None:
        if self.article is None:
            return
        width = self.text_width
        if self._layout is None or self._layout.width != width:
            self._layout = TextLayout(self.article, width)
        self._header = self._render_header(width)
        self._cache.clear()
        self.virtual_size = Size(width + self.gutter_width, len(self._header) + len(self._layout))
        self.refresh()

    def _render_header(self, width: int) -> list[Strip]:
        article = self.article
        assert article is not None
        console = self.app.console
        options = console.options.update_width(width)
        title = Text(
            sanitise.line(article.title), style=self.get_component_rich_style("reading-pane--title")
        )
        byline = f"by {article.author}" if article.author else None
        meta_parts = [
            part
            for part in (shown_date(article.date), article.dateline, article.source, byline)
            if part
        ]
        meta = Text(
            sanitise.line(" · ".join(meta_parts))
            if meta_parts
            else sanitise.path(article.display_path)
        )
        meta.stylize(self.get_component_rich_style("reading-pane--meta"))
        pad = [Segment(" " * self.gutter_width)]
        strips: list[Strip] = []
        renderables = [title, meta]
        if self.comparison is not None:
            renderables.append(compare_heading(self.comparison))
        for renderable in renderables:
            for line in console.render_lines(renderable, options, pad=False):
                strips.append(Strip([*pad, *line]))
        strips.append(Strip([]))
        return strips

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """A theme, focus or a class changed the pane's CSS: its rows are drawn again."""
        super().notify_style_update()
        self._base_style = None

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        width = self.size.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if self._drawn_for != (width, base):
            self._cache.clear()
            self._drawn_for = (width, base)
        strip = self._cache.get(row)
        if strip is None:
            strip = self._render_row(row).apply_style(base).crop_extend(0, width, base)
            strip = strip.apply_offsets(0, row)
            self._cache[row] = strip
        return strip

    def _render_row(self, row: int) -> Strip:
        if row < len(self._header):
            return self._header[row]
        layout = self._layout
        body_row = row - len(self._header)
        if layout is None or body_row >= len(layout) or layout.is_blank(body_row):
            return Strip([])
        assert self.article is not None
        start, end = layout.starts[body_row], layout.ends[body_row]
        body = self.article.body
        text = Text(body[start:end], end="")
        first_sentence = sentence_at(self.sentences, start)
        range_first, range_last = self.selection
        has_range = self.range_anchor is not None
        arrow = " "
        # (marker, starts on this row, is the cursor's) of each sentence on the row
        candidates: list[tuple[tuple[str, Style] | None, bool, bool]] = []
        noted = False
        dim = self.get_component_rich_style("reading-pane--dim")
        index = first_sentence if first_sentence is not None else len(self.sentences)
        while index < len(self.sentences) and self.sentences[index].start < end:
            sentence = self.sentences[index]
            a = max(sentence.start, start) - start
            b = min(sentence.end, end) - start
            annotation = self._annotation_of[index]
            suggestion = None
            marker: tuple[str, Style] | None = None
            parts = self._parts.get(index)
            if parts is not None:
                for part in parts:  # each tag on only its own characters
                    part_look = self._look(part.tag)
                    if part_look is None:
                        continue
                    p_start = max(part.start, sentence.start, start) - start
                    p_end = min(part.end, sentence.end, end) - start
                    if p_start < p_end:
                        text.stylize(part_look.style, p_start, p_end)
                    if marker is None and part.overlaps(start, end):
                        marker = (self.tags.get(part.tag).marker, part_look.marker)
            elif annotation is not None:
                tag_id = annotation.tag
                look = self._look(tag_id)
                if look is not None:
                    # The tint runs on over the space before the next sentence of the same
                    # annotation, so a tagged run reads as one highlight.
                    run_end = b
                    if (
                        index + 1 < len(self.sentences)
                        and self._annotation_of[index + 1] is annotation
                        and self.sentences[index + 1].start < end
                    ):
                        run_end = self.sentences[index + 1].start - start
                    text.stylize(look.style, a, run_end)
                    marker = (self.tags.get(tag_id).marker, look.marker)
                if (
                    annotation.note
                    and sentence.start >= start
                    and (index == 0 or self._annotation_of[index - 1] is not annotation)
                ):
                    noted = True
            elif (
                self.suggestions is not None
                and index < len(self.suggestions)
                and index not in self.rejected
            ):
                suggestion = self.suggestions[index]
                look = None if suggestion is None else self._looks.get(suggestion.tag)
                if suggestion is not None and look is not None:
                    text.stylize(look.suggestion, a, b)
                    marker = (self.tags.get(suggestion.tag).marker.lower(), look.suggestion)
            if self.filter_tag is not None and (
                annotation is None or annotation.tag != self.filter_tag
            ):
                text.stylize(dim, a, b)
            if has_range and range_first <= index <= range_last:
                text.stylize(self.get_component_rich_style("reading-pane--range"), a, b)
                if arrow == " ":
                    arrow = "┃"
            candidates.append((marker, sentence.start >= start, index == self.cursor))
            if index == self.cursor:
                span = self.word_span
                split_at = self.split_at
                if split_at is not None:
                    # The first sentence as the cursor, the second underlined: the split shows
                    # as the place where the highlight stops.
                    cut = split_at - start
                    first_end = split_at
                    while first_end > sentence.start and body[first_end - 1].isspace():
                        first_end -= 1
                    cursor_style = self.get_component_rich_style("reading-pane--cursor")
                    text.stylize(cursor_style, a, max(a, min(b, first_end - start)))
                    range_style = self.get_component_rich_style("reading-pane--range")
                    text.stylize(range_style, max(a, min(b, cut)), b)
                elif span is None:
                    text.stylize(self.get_component_rich_style("reading-pane--cursor"), a, b)
                else:
                    text.stylize(self.get_component_rich_style("reading-pane--range"), a, b)
                    w_start, w_end = max(span[0], start) - start, min(span[1], end) - start
                    if w_start < w_end:
                        words_style = self.get_component_rich_style("reading-pane--words")
                        text.stylize(words_style, w_start, w_end)
                arrow = "▶" if sentence.start >= start else "│"
            index += 1
        if self._matches:
            match_style = self.get_component_rich_style("reading-pane--match")
            m = bisect_left(self._match_starts, start)
            if m > 0 and self._matches[m - 1][1] > start:
                m -= 1
            while m < len(self._matches) and self._matches[m][0] < end:
                m_start, m_end = self._matches[m]
                text.stylize(match_style, max(m_start, start) - start, min(m_end, end) - start)
                m += 1
        gutter = [Segment(arrow, self.get_component_rich_style("reading-pane--arrow"))]
        if self.comparison is not None:
            on_row = range(first_sentence if first_sentence is not None else index, index)
            shown = self._compared_sentence(on_row, start)
            gutter += compare_gutter(
                self.comparison,
                shown,
                any(self.comparison.disagrees(i) for i in on_row),
                {tag_id: look.marker for tag_id, look in self._looks.items()},
                self.tags,
                self.get_component_rich_style("reading-pane--disagree"),
                dim,
            )
            segments = _drawn(text.render(self.app.console))
            return Strip([*gutter, *segments])
        # The row's marker: the cursor sentence's tag, else a tag of the row, so a tagged
        # sentence beside an untagged cursor sentence never shows by its colour alone.
        picked = next((c for c in candidates if c[2] and c[0] is not None), None) or next(
            (c for c in candidates if c[0] is not None and c[1]),
            next((c for c in candidates if c[0] is not None), None),
        )
        marker = picked[0] if picked is not None else None
        gutter += [
            Segment(*marker) if marker is not None else Segment(" "),
            Segment(NOTE_MARK, self.get_component_rich_style("reading-pane--note"))
            if noted
            else Segment(" "),
            Segment(" " * (GUTTER - 3)),
        ]
        segments = _drawn(text.render(self.app.console))
        return Strip([*gutter, *segments])

    def _compared_sentence(self, on_row: range, row_start: int) -> int | None:
        """Whose columns a row shows: the cursor's sentence if it is on the row, else the first
        sentence that starts on it, else the one running on from the row above."""
        if not on_row:
            return None
        if self.cursor in on_row:
            return self.cursor
        for i in on_row:
            if self.sentences[i].start >= row_start:
                return i
        return on_row[0]

    # -- invalidation --------------------------------------------------------------------------

    def _invalidate_all(self) -> None:
        self._cache.clear()
        self.refresh()

    def _invalidate_runs(self, runs: Sequence[tuple[int, int]]) -> None:
        """Discard and repaint the rows of several sentence runs (one pass when there are many:
        accepting every suggestion of a book touches thousands)."""
        if len(runs) > 64:
            self._invalidate_all()
            return
        for first, last in runs:
            self._invalidate_sentences(first, last)

    def _invalidate_sentences(self, first: int, last: int) -> None:
        """Discard cached rows showing sentences ``first..last`` and repaint them if visible."""
        if self._layout is None or not self.sentences:
            return
        first = max(0, first)
        last = min(last, len(self.sentences) - 1)
        if first > last:
            return
        top, bottom = self._rows(first, last)
        if bottom - top > LINE_CACHE_SIZE // 2:
            self._invalidate_all()
            return
        for row in range(top, bottom + 1):
            self._cache.discard(row)
        scroll_y = round(self.scroll_y)
        visible_top = max(top, scroll_y)
        visible_bottom = min(bottom, scroll_y + self.size.height - 1)
        if visible_top <= visible_bottom:
            self.refresh_lines(visible_top, visible_bottom - visible_top + 1)

    def _rows(self, first: int, last: int) -> tuple[int, int]:
        """The first and last row showing sentences ``first..last``."""
        assert self._layout is not None
        header = len(self._header)
        return (
            header + self._layout.row_of(self.sentences[first].start),
            header + self._layout.row_of(self.sentences[last].end - 1),
        )

    def _first_row(self, index: int) -> int:
        return self._rows(index, index)[0]

    def _follow_cursor(self, center: bool = False) -> None:
        """Scroll so the whole cursor sentence is in view (the title too, near the top)."""
        if self._layout is None or not self.sentences:
            return
        top, bottom = self._rows(self.cursor, self.cursor)
        height = max(1, self.scrollable_content_region.height)
        scroll_y = round(self.scroll_y)
        if self.cursor == 0:
            target = 0
        elif center and not (scroll_y <= top and bottom < scroll_y + height):
            target = max(0, top - height // 3)
        elif top < scroll_y:
            target = top
        elif bottom >= scroll_y + height:
            target = min(top, bottom - height + 1)
        else:
            return
        self.scroll_to(y=target, animate=False, force=True)

    def _sentence_at_point(self, x: int, y: int) -> int | None:
        offset = self._offset_at_point(x, y)
        return None if offset is None else sentence_at(self.sentences, offset)

    def _offset_at_point(self, x: int, y: int) -> int | None:
        """The body offset of the character drawn at ``x, y`` (pane coordinates)."""
        if self._layout is None or self.article is None:
            return None
        body_row = round(self.scroll_y) + y - len(self._header)
        if not 0 <= body_row < len(self._layout) or self._layout.is_blank(body_row):
            return None
        start, end = self._layout.starts[body_row], self._layout.ends[body_row]
        column = max(0, x - self.gutter_width)
        offset, cells = start, 0
        body = self.article.body
        while offset < end:
            cells += get_character_cell_size(body[offset])
            if cells > column:
                break
            offset += 1
        return min(offset, end - 1)

    # -- annotation bookkeeping ----------------------------------------------------------------

    def _place(self, annotation: Annotation) -> tuple[int, int]:
        if annotation.anchor == "orphaned":
            return 0, -1
        first, last = sentence_span(self.sentences, annotation)
        for index in range(first, last + 1):
            sentence = self.sentences[index]
            whole = annotation.start <= sentence.start and sentence.end <= annotation.end
            parts = self._parts.get(index)
            if whole and parts is None:
                self._annotation_of[index] = annotation
                continue
            if parts is None:
                current = self._annotation_of[index]
                parts = [] if current is None else [current]
            parts = [p for p in parts if p.id != annotation.id] + [annotation]
            self._settle(index, parts)
        if first <= last:
            self._placed[annotation.id] = annotation
            self._placed_as = object()
        return first, last

    def _unplace(self, annotation: Annotation) -> tuple[int, int]:
        first, last = sentence_span(self.sentences, annotation)
        for index in range(first, last + 1):
            parts = self._parts.get(index)
            if parts is not None:
                self._settle(index, [p for p in parts if p.id != annotation.id])
                continue
            current = self._annotation_of[index]
            if current is not None and current.id == annotation.id:
                self._annotation_of[index] = None
        self._placed.pop(annotation.id, None)
        self._placed_as = object()
        return first, last

    def _settle(self, index: int, parts: list[Annotation]) -> None:
        """Record sentence ``index``'s annotations: kept as parts while any tags only part of
        it; the sentence's own annotation (its gutter and status line) is the one
        ``agreement.sentence_pick`` gives its value, as the compare view and ``agree`` read it."""
        sentence = self.sentences[index]
        parts.sort(key=lambda p: (p.start, p.end))
        whole = [p for p in parts if p.start <= sentence.start and sentence.end <= p.end]
        self._annotation_of[index] = sentence_pick(parts)
        if len(parts) == len(whole):
            self._parts.pop(index, None)
            return
        self._parts[index] = parts

    def _end_range(self) -> None:
        if self.range_anchor is None:
            return
        first, last = self.selection
        self.range_anchor = None
        self._invalidate_sentences(first, last)


@lru_cache(maxsize=8)
def _pane_class(base: type[ReadingPane], tags: tuple[Tag, ...]) -> type[ReadingPane]:
    words = word_bindings(TagSet(tags))
    bindings = [
        *words,
        *base.SPLIT_BINDINGS,
        *base.MOVE_BINDINGS,
        *tag_bindings(TagSet(tags)),
        *base.EDIT_BINDINGS,
    ]
    # Same class name, so app.tcss and DEFAULT_CSS selectors still apply.
    return type(
        base.__name__,
        (base,),
        {"BINDINGS": bindings, "WORD_BINDINGS": words, "__module__": __name__},
        inherit_bindings=False,
    )


def _drawn(segments: Iterable[Segment]) -> list[Segment]:
    """A row's segments as drawn: the article's invisible characters (a zero-width space, a
    right-to-left mark; kept in its text, which offsets index) left out (``sanitise.shown``).
    They are zero columns wide in the layout, so nothing moves."""
    return [
        segment
        if segment.text.isprintable()
        else Segment(sanitise.shown(segment.text), segment.style, segment.control)
        for segment in segments
    ]

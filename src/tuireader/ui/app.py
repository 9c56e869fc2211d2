"""The reader application: article list, reading pane, status line; the store behind it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.style import Style
from textual.theme import BUILTIN_THEMES, Theme
from textual.timer import Timer
from textual.widgets import Header, Input
from textual.worker import get_current_worker

from tuireader import __version__, sanitise
from tuireader.annotations import Annotation, Provenance
from tuireader.articles import Article, Library, load_article
from tuireader.boundaries import Boundary, owned, with_corrections
from tuireader.catalog import Catalog, Entry, Summary, SummaryCache, fill
from tuireader.cli import print_error
from tuireader.config import Config, ConfigError, ConfigSource, ThemeSpec
from tuireader.durable import collector_paused
from tuireader.errors import ArticleError, os_problem
from tuireader.paths import crash_log_path, library_cache_path, resolve_db_path, samples_dir
from tuireader.plural import counted, plural
from tuireader.rejections import PREFIX as REJECTIONS
from tuireader.rejections import (
    marks_from_state,
    rejected_indexes,
    rejections_key,
    sentence_mark,
    with_mark,
)
from tuireader.sentences import Sentence, sentence_at
from tuireader.tag_counts import layer_counts
from tuireader.tags import (
    BUILTIN_TAG_IDS,
    DEFAULT_TAGS,
    TAG_SET_STATE,
    Tag,
    TagSet,
    merged_record,
    tags_from_record,
)
from tuireader.ui.article_list import (
    ArticleBrowser,
    ArticleCounts,
    ArticleList,
    DoneState,
    ListFilter,
    done_states,
    fingerprint,
    unreadable_label,
)
from tuireader.ui.compare_view import compare_status
from tuireader.ui.footer import ReaderFooter
from tuireader.ui.keymap import Keys, Resolved, Section, as_binding, check_keymap
from tuireader.ui.opening import Opened, open_in_store
from tuireader.ui.other_layers import OtherLayers
from tuireader.ui.reading_pane import HeldSelection, ReadingPane, SuggestionView
from tuireader.ui.search_bar import SearchBar
from tuireader.ui.set_aside import LONG_ARTICLE_SENTENCES, SetAside, resume_gc
from tuireader.ui.status_line import (
    StatusLine,
    annotation_status,
    legend,
    legend_chips,
    others_status,
    parts_status,
)
from tuireader.ui.store_reader import StoreReader
from tuireader.ui.store_reads import (
    STATE_COUNTS,
    CountReads,
    DoneReads,
    Listing,
    Reloaded,
    counts_key,
    placed_mine,
    read_counts,
    read_done,
    read_listing,
    read_reloaded,
)
from tuireader.ui.store_writer import StoreWriter

if TYPE_CHECKING:
    from tuireader.adjudication import Open, Verdict
    from tuireader.boundaries import MergeQuestion
    from tuireader.learn import TagModel
    from tuireader.records import TagRow
    from tuireader.store import Change, Store
    from tuireader.store.catching_up import Position
    from tuireader.suggest import Suggestion

log = logging.getLogger(__name__)

FIRST_PAINT_ENV = "TUIREADER_FIRST_PAINT_FILE"
"""Set by benchmarks/bench_ui.py: run headless, write the time of the first frame there, exit."""
FILLED_ENV = "TUIREADER_BENCH_FILLED"
"""With FIRST_PAINT_ENV: exit only once every file of the library is read (peak memory of that)."""
NARROW_WIDTH = 80
"""Below this many columns the article list collapses (``o`` brings it back)."""
STATE_LAST_ARTICLE = "last_article"
STATE_CURSORS = "cursors"
"""Where the cursor per article was saved for everyone (read when an annotator has none)."""


def cursors_key(annotator: str) -> str:
    """Where an annotator's cursor per article is saved: each reads on from their own place
    (tina opened at gold's 3/10 when they shared one)."""
    return f"{STATE_CURSORS}:{annotator}"


STATE_THEME = "theme"
"""The theme last chosen (ctrl+p), with the config's theme at the time: a new theme in the
config wins over an older choice."""
SAVE_CURSOR_DELAY = 2.0
REFRESH_INTERVAL = 2.0
"""How often to look for changes another window wrote to the file (one ``stat`` when none)."""
SLOW_WRITE = 0.3
"""Seconds a write of mine may take before the status line says it is still being saved (the
file lock held by another process, a slow disk)."""
ANSWER_GRACE = 0.3
"""Seconds a key that needs an answer from the store (``J``, ``i``, ``x``) holds the keys typed
after it: its answer usually lands in milliseconds and is shown in key order; one that takes
longer (my slow writes ahead of it) is shown when it lands, and the keys after it go on."""
WRITE_WAIT = 5.0
"""How long a write of the reader's waits for another process's lock before it is refused
("Not saved … waited 5 s"): longer than a command's 2 s, as it waits in the writer thread (the
keys go on) and another window's compaction of a large database may hold the lock seconds; a
lock held longer is a hung process, said in one line."""
QUIT_STATE_WAIT = 0.25
"""Seconds a quit that leaves an article's open under way waits for the file lock to save the
reader's state (attaching holds it while it re-anchors an edited text): then it quits without."""
READ_PAUSE = 0.001
"""Seconds a background read of every article (training on my tags) sleeps after each one."""
READ_BATCH = 32
"""Articles training reads in one read on the reader's handle: a look waits that many articles'
reads at most (~10 ms at 500k), and the walk pays one hop between threads per batch."""
BACKGROUND_SWITCH = 0.0005
"""Python's switch interval (seconds) while a background thread computes for long."""
LARGE_ARTICLE_CHARS = 200_000
SEARCH_DELAY = 0.15
"""In a large article the search waits for a pause in typing: one letter can match 180,000
times in a book, and searching on every keystroke would make typing lag."""
"""Above this size an article's text is painted before it is split into sentences."""
IDLE_COLLECT = 0.75
"""Seconds without a key after which the collection a switch of articles made due runs
(``SetAside.collect``, ~80-95 ms with a book): not while a key is held."""


def _known(article_id: str, position: Position | None) -> tuple[str, Position] | None:
    """The open article as known as of ``position`` (None: not known, the next look reads it
    again)."""
    return None if position is None else (article_id, position)


@dataclass(frozen=True)
class _Unread:
    """A read of the store that failed (an unreadable shard), in the reader thread or in the
    writer's catch-up."""

    error: BaseException


_UNREAD = _Unread(RuntimeError("not read"))
_NOT_WRITTEN = object()
"""What a write of mine returns when it was not written (a step before it failed)."""


class ReaderApp(App[int]):
    """The reader. Its own writes (tag, clear, note, undo, ...) run in the writer thread in the
    order the keys asked for them; each is shown only once it is durable (``_show_landed``), and
    a key that needs what the earlier ones wrote waits for them without holding the event loop
    (``writes_landed``)."""

    class WritesLanded(Message):
        """Posted by the writer thread (``post_message`` is thread-safe): writes of mine
        returned, to show."""

    class ReadsLanded(Message):
        """Posted by the reader thread: reads returned, to show."""

    class KeysReleased(Message):
        """The article whose attaching held the keys typed meanwhile is shown: run them."""

    CSS_PATH = "app.tcss"
    # The screen gets -narrow below NARROW_WIDTH columns; app.tcss collapses the list then.
    # (App declares it as an instance attribute, so mypy refuses a ClassVar annotation here.)
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (NARROW_WIDTH, "-wide"),
    ]
    TITLE = "tuireader"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit_ctrl", show=False, priority=True),
        Binding("question_mark", "help", "Help", id="app.help", key_display="?"),
        Binding("n", "note", "Note", id="app.note"),
        Binding("slash", "search", "Search", id="app.search", key_display="/"),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r", "redo", "Redo", id="app.redo", show=False),
        Binding("x", "export(False)", "Export", id="app.export", show=False),
        Binding("X", "export(True)", "Export all", id="app.export_all", show=False),
        Binding("i", "stats", "Stats", id="app.stats", show=False),
        Binding("o", "toggle_list", "Articles", id="app.toggle_list", show=False),
        Binding("ctrl+f", "search_all", "Search all", id="app.search_all", key_display="^f"),
        Binding("L", "library", "Library", id="app.library", show=False),
        Binding("c", "compare", "Compare", id="app.compare"),
        Binding("D", "toggle_done", "Done", id="app.done"),
        Binding("R", "adjudicate", "Resolve", id="app.adjudicate"),
        Binding("tab", "focus_next", "Next pane", id="app.focus_next", show=False),
        Binding(
            "shift+tab", "focus_previous", "Previous pane", id="app.focus_previous", show=False
        ),
    ]

    def __init__(
        self,
        library: Library | Catalog,
        store: Store,
        *,
        db_path: Path,
        open_article: Article | None = None,
        tags: TagSet = DEFAULT_TAGS,
        config: Config | None = None,
        first_paint_file: Path | None = None,
        ask_annotator: bool = False,
        adjudicate: bool = False,
        cache_path: Path | None = None,
        config_source: ConfigSource | None = None,
        served_exports: Path | None = None,
    ) -> None:
        super().__init__()
        self._served_exports = served_exports
        """Served to a browser (``tuireader serve``): the one folder the export dialog writes
        in, a file name typed there; None for a reader in a terminal (any path)."""
        self._config_source = config_source
        """Where the config was read from: read again when one of its files changes."""
        self._config_stamp = config_source.stamp() if config_source is not None else ()
        self.adjudicating = adjudicate
        """Walk the other annotators' disagreements into my layer (compare view without me)."""
        self._ask_annotator = ask_annotator
        """Served to a browser: ask who is annotating before anything is tagged."""
        self.library = library
        self.catalog = library if isinstance(library, Catalog) else Catalog.of_library(library)
        self._cache_path = cache_path
        self._last_rebuild = 0.0
        self._rebuild_cost = 0.0
        self.store = store
        store.defer_compaction()  # folded in by the writer thread, never on a key press
        self._writer = StoreWriter(wake=lambda: self.post_message(self.WritesLanded()))
        """Writes my changes, saves the reader's state and compacts the journal, off the
        event loop, in the order they were asked for."""
        self._reader = StoreReader(store, wake=lambda: self.post_message(self.ReadsLanded()))
        """Reads the store (on a handle of its own) off the event loop and beside the writer:
        a look never waits for my writes, nor they for it (``ui/store_reader.py``)."""
        self._shown_changes = 0
        """How many changes of mine have been shown (landed): a read of my layer that began
        before one was shown may lack it (``_read``'s ``fresh``)."""
        self._failed_writes = 0
        """How many writes of mine failed (shown in one line each), to see if one did while
        something waited for them."""
        self._unsaved = False
        """The last write of mine failed and no quit attempt has said so since."""
        self._saving_timer: Timer | None = None
        self._saving = False
        """A write of mine has taken over SLOW_WRITE seconds: the status line says so."""
        self.db_path = db_path
        self.config = config if config is not None else Config(tags=tags)
        recorded = tags_from_record(store.get_state(TAG_SET_STATE, None))
        self.tags = self.config.tags.with_seen(recorded)
        self.resolved = check_keymap(self.key_scopes(self.config.tags), self.config)
        """The keys in force: the codebook's tag keys win over built-in ones (ui/keymap.py)."""
        self.keys = Keys.of(self.key_sections(self.tags), self.resolved.keymap)
        self._tag_set_recorded = False
        self._tag_sets_asked: list[TagSet] = []
        """The codebooks this app asked the writer to record in the codebook record, oldest
        first (the record as read may not hold them yet); one whose write failed is taken out."""
        for spec in self.config.themes:
            self.register_theme(theme_of(spec))
        self._open_first = open_article
        self._first_paint_file = first_paint_file
        self._painted = False
        self._suggestions: dict[str, list[SuggestionView | None]] = {}
        """Suggestions of the articles that show them."""
        self._suggesting: set[str] = set()
        """Articles whose suggestions a worker is computing, while they are still wanted."""
        self._rejected: dict[str, frozenset[str]] = {}
        """Rejected suggestions as read or written, by state key (annotator and article)."""
        self._tag_model: TagModel | None = None
        """A model of my own tags (tuireader.learn), once there are enough of them."""
        self._model_tags = 0
        self._store_count: int | None = None
        self._counting = False
        self._opening: Future[Opened] | None = None
        """The open article's attaching in the writer thread, until it is shown."""
        self._opening_slow = False
        """It has taken over SLOW_WRITE seconds: the status line says its tags are being read."""
        self._opening_article: Article | None = None
        """The article of the last open asked for (``_opening``'s)."""
        self._dropped_open: Article | None = None
        """The article whose open a quit dropped (``_cancel_queued_open``), while it quits."""
        self._held_keys: list[events.Key] = []
        """Keys typed for the reading pane while its article was being attached, in order."""
        self._awaited_reads = 0
        self._answering: set[str] = set()
        """Keys whose answer from the store has not landed yet (``_answer``)."""
        self._reading_slow = False
        """A key has waited over SLOW_WRITE seconds for a read (the store's lock held by a
        write, a compaction or another process): the status line says so."""
        self._quitting = False
        """A quit key was pressed: the app ends once what it waits for has landed (the status
        line says so), and keys typed after it are dropped."""
        self._other_layers: tuple[str, OtherLayers] | None = None
        """The other annotators' tags of the open article (read again after another window's
        write, or when an article is opened)."""
        self._kept_aside: tuple[str, str] | None = None
        """An article, and why my annotations on it were kept aside when it was last attached
        (``KeptAside.summary``): said on the status line while it is open."""
        self._notes_gone: tuple[str, int, str] | None = None
        """An article, the sentence the cursor was on, and what my last change said of the notes
        it removed with their tags: on the status line until the cursor leaves that sentence
        or my next change lands (a note typed by hand is never removed without a word)."""
        """Annotations in the store (every layer), kept up to date by our changes and counted
        again after another window's."""
        """How many of my tags the model (or the training under way) was made from."""
        self._said_rules_only = False
        self._save_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self._counted: dict[str, str] = {}
        """Fingerprint of the annotations each article's list counts were made from."""
        self._counts_dirty: dict[str, str] = {}
        """Articles whose list counts changed since the last save: the fingerprint of the
        layer they were counted from (so saving them asks the store nothing)."""
        self._last_article: str | None = None
        self.comparing = adjudicate
        """The compare view: every annotator's tags in the gutter."""
        self._counted_by_open: str | None = None
        """The article the startup counts left out: its open counts it (``_count_left_out``)."""
        self._set_aside = SetAside()
        """What is set aside from the collector, given back when another article is shown."""
        self._last_key = 0.0
        """When the last key came (``time.monotonic``): a due collection waits for a pause."""
        self._collect_waiting = False
        """A timer waits to run a due collection (``_collect_when_idle``)."""
        self._generation = -1
        """The reader handle's reload count the screen shows (none yet); another means: redraw
        from the store."""
        self._writer_generation = store.generation
        """The writer's store's reload count when last looked at: a write of mine that caught up
        with another window's changes it, and the screen reads them."""
        self._reloading = False
        """A reload (the refresh timer's) is queued in the reader thread and not shown yet."""
        self._rechecking = False
        """A look at the articles marked unreadable is under way (``_recheck_unreadable``)."""
        self._held_selection: HeldSelection | None = None
        """A range or words selected in a pane a codebook reload replaced: opened again in the
        new pane once the article is shown in it."""
        self._look_corrections: tuple[str | None, tuple[Boundary, ...]] | None = None
        """The open article's corrections as the last look read them."""
        self._listing_position: Position | None = None
        """How far the journal was read when the list's counts shown were: a look reads again
        only the counts of articles changed since."""
        self._article_position: tuple[str, Position] | None = None
        """The open article, and how far the journal was read when its layers shown were: a
        look reads them again only if it changed since (a book's are ~55,000 annotations)."""
        self._compaction_landing = False
        """A compaction is queued, and what the open article is known as of after it has not
        landed yet (``_compacted``): no look meanwhile (it would read the book again)."""
        self._writer_synced: tuple[str, int] | None = None
        """The open article's layers shown are the writer's store's (as opened, with my
        writes), while its reload count is this one (``_compacted``)."""
        self._compacting: Future[object] | None = None
        self._leave_open = False
        """A quit key found the open under way alone in the writer (``_open_alone``)."""
        self.abandoned = False
        """The app quit with an article's open still running in the writer thread, not waited
        for (``action_quit``): ``run_app`` ends the process without waiting for it either."""
        self._done_refused: str | None = None
        """The article ``D`` left not done, adjudicating, as disagreements were open: the
        status line says so, and ``D`` again asks whether to mark it done anyway."""
        self._verdict_state: tuple[str, str, object] | None = None
        """My adjudication record of an article as last read or written: (annotator, article
        id, record), so the status line never reads the store."""
        # Read before the app runs, while no other thread uses the store: every later read of
        # the store is done in the reader thread (a read on the event loop would wait for the
        # store's lock while the writer holds it).
        cursors = store.get_state(cursors_key(store.annotator), None)
        if cursors is None:  # saved before cursors were kept per annotator
            cursors = store.get_state(STATE_CURSORS, {})
        self._cursors = dict(cursors) if isinstance(cursors, dict) else {}
        last = store.get_state(STATE_LAST_ARTICLE, None)
        self._saved_last = last if isinstance(last, str) else None
        """The article read last in an earlier session (opened once the library is known)."""
        self._saved_theme = store.get_state(STATE_THEME, None)
        self.sub_title = sanitise.path(db_path) + (
            f" (read-only: {sanitise.message(store.read_only_reason)})" if store.read_only else ""
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification passes the sanitiser and is never markup: its text comes from file
        names, notes and error lines (the widgets' ``notify`` lands here too)."""
        del markup  # always off: a file name like ``[@click=app.quit]`` must stay text
        super().notify(
            sanitise.message(message),
            title=sanitise.line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ArticleBrowser(self.tags, id="library-side")
            with Vertical(id="reader"):
                yield ReadingPane.for_tags(self.tags)(self.tags, id="pane")
                keys = self.keys
                yield SearchBar(
                    placeholder=f"search this article ({keys.show('search.next')}: next match, "
                    f"{keys.show('search.close')}: close)",
                    id="search",
                )
                yield StatusLine(id="status")
        yield ReaderFooter(compact=True, show_command_palette=False)

    # Looked up once: a query on every keystroke costs more than the status update it serves.
    @cached_property
    def pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @cached_property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @cached_property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @cached_property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @classmethod
    def key_sections(cls, tags: TagSet = DEFAULT_TAGS) -> list[Section]:
        """Every binding, by where it works: the help screen and README table list these."""
        from tuireader.ui.library_screen import LibraryScreen
        from tuireader.ui.search_all_screen import SearchAllScreen

        compare_only = {"app.adjudicate"}  # bound on the app, refused outside the compare view
        return [
            ("Everywhere", [b for b in cls.BINDINGS if as_binding(b).id not in compare_only]),
            ("Compare view", [b for b in cls.BINDINGS if as_binding(b).id in compare_only]),
            ("Article list", ArticleList.BINDINGS),
            ("List filter", ListFilter.BINDINGS),
            ("Reading pane", cls._pane_bindings(tags)),
            ("Part of a sentence (words)", ReadingPane.for_tags(tags).WORD_BINDINGS),
            ("Split a sentence", ReadingPane.SPLIT_BINDINGS),
            ("Search", SearchBar.BINDINGS),
            ("Search all", SearchAllScreen.KEYS),
            ("Library view", LibraryScreen.BINDINGS),
        ]

    @staticmethod
    def _pane_bindings(tags: TagSet) -> list[BindingType]:
        """The reading pane's own keys, without those of word selection and of the split caret
        (scopes of their own: they act only while words are selected, or the caret is open)."""
        pane = ReadingPane.for_tags(tags)
        return [
            b for b in pane.BINDINGS if b not in pane.WORD_BINDINGS and b not in pane.SPLIT_BINDINGS
        ]

    @classmethod
    def key_scopes(cls, tags: TagSet = DEFAULT_TAGS) -> dict[str, list[BindingType]]:
        """Bindings active together: a key may be bound once in each."""
        from tuireader.ui.library_screen import LibraryScreen
        from tuireader.ui.search_all_screen import HitList, SearchAllInput, SearchAllScreen

        priority = [b for b in cls.BINDINGS if isinstance(b, Binding) and b.priority]
        return {
            "reading pane": [*cls.BINDINGS, *cls._pane_bindings(tags)],
            "word selection": [*cls.BINDINGS, *ReadingPane.for_tags(tags).WORD_BINDINGS],
            "split caret": [*cls.BINDINGS, *ReadingPane.SPLIT_BINDINGS],
            "article list": [*cls.BINDINGS, *ArticleList.BINDINGS],
            "search bar": [*priority, *SearchBar.BINDINGS],
            "list filter": [*priority, *ListFilter.BINDINGS],
            "search-all box": [*priority, *SearchAllInput.BINDINGS, *SearchAllScreen.BINDINGS],
            "search-all results": [*priority, *HitList.BINDINGS, *SearchAllScreen.BINDINGS],
            "library view": [*priority, *LibraryScreen.BINDINGS],
        }

    def on_mount(self) -> None:
        if self.resolved.keymap:
            self.set_keymap(dict(self.resolved.keymap))
        self.theme = self._initial_theme()
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        if self._ask_annotator:  # first, so that no early keystroke reaches the reader
            from tuireader.ui.name_screen import NameScreen

            self.push_screen(NameScreen(), callback=self.set_annotator)
        self.pane.editor = self
        _ = (
            self.status,
            self.search_bar,
        )  # looked up now: a worker's callback may need it while the app closes
        narrow = self.size.width < NARROW_WIDTH
        shown = self.catalog.shown
        # Counted in the reader thread (its first job): "counting…" until they land.
        pending = {e.id: ArticleCounts(pending=True) for e in shown if e.id is not None}
        self.article_list.set_entries(shown, pending)
        # Read once: not kept in the handle (the writer's store holds the open article). The
        # article about to open is counted by its open instead (``_attached``): read here too,
        # a book tagged twice was parsed by both threads at once (+100 MB at the peak).
        opening = self._open_first.id if self._open_first is not None else self._saved_last
        self._counted_by_open = opening
        ids = [i for i in pending if i != opening]
        listing = partial(read_listing, article_ids=ids, keep=False)
        self._read(listing, self._listing_read, fresh=True)
        if self.store.read_only:
            self.notify(
                f"Opened read-only: {self.store.read_only_reason}",
                severity="warning",
                markup=False,
            )
        if self._open_first is not None:
            # One file named on the command line: the list would only repeat its title.
            self.screen.add_class("-hide-list")
            self.pane.focus()
            self.open_article(self._open_first)
        elif not narrow:
            self.article_list.focus()
        else:
            self.pane.focus()
        unread = self.catalog.pending
        if not unread:
            self._library_known()
        else:
            # After the first frame: the files are listed, their titles and dates follow.
            self.call_after_refresh(self._fill_catalog, unread)
        if self._first_paint_file is not None:
            self.call_after_refresh(self._first_painted)
        self.call_after_refresh(resume_gc)
        self.set_interval(REFRESH_INTERVAL, self.refresh_store, name="refresh-store")
        if self._config_source is not None:
            self.set_interval(REFRESH_INTERVAL, self.reload_config, name="reload-config")
        self.call_after_refresh(self._train_model)

    def set_annotator(self, name: str | None) -> None:
        """Record new tags under ``name`` from now on (a served session names itself)."""
        if not name:
            return
        article = self.pane.article
        article_id = None if article is None else article.id
        ids = [e.id for e in self.catalog.shown if e.id is not None]

        def switch() -> None:
            # In the writer thread, in its turn: what was asked for before is written under the
            # old name, what is asked for after under the new one.
            self.store.annotator = name

        verdicts_key = None if article_id is None else self._verdicts_key(article_id, name)
        self.sub_title = f"{sanitise.line(name)} · {sanitise.path(self.db_path)}"
        self._writer.submit(switch)  # the read below waits for it
        self._read(
            lambda store: read_reloaded(store, article_id, ids, verdicts_key=verdicts_key),
            self._annotator_set,
            fresh=True,
        )

    def _annotator_set(self, reloaded: Reloaded | None) -> None:
        """The new annotator's layer as read: drawn in place of the old one's."""
        if reloaded is None:
            return
        self._verdict_state = None
        if reloaded.article_id is not None and reloaded.verdicts is not None:
            self._verdict_state = (reloaded.annotator, reloaded.article_id, reloaded.verdicts)
        self._counted.clear()
        self._apply_listing(reloaded.listing, replace=True)
        self._listing_position = reloaded.listing.position
        article = self.pane.article
        if article is not None and article.id == reloaded.article_id and self.pane.sentences:
            self._article_position = _known(article.id, reloaded.position)
            self._writer_synced = None
            self._other_layers = (article.id, OtherLayers.of(reloaded.layers, reloaded.annotator))
            self.pane.show_article(article, reloaded.mine, self.pane.cursor)
            self.refresh_comparison(reloaded.layers)
        else:
            self._other_layers = None
        self.update_status()

    def _library_known(self) -> None:
        """Every file is read (or cached): report the skipped ones in one line and open the
        article last read (else the first listed) unless one is open already."""
        if self._painted and os.environ.get(FILLED_ENV):
            self.exit(0)
            return
        summary = self.catalog.skipped_summary()
        if summary is not None:
            self.notify(
                sanitise.message(summary), title="Skipped", severity="warning", markup=False
            )
        if self.pane.article is not None:
            return
        last = self._saved_last
        entry = self.catalog.by_id(last) if last is not None else None
        if entry is None:
            shown = self.article_list.shown_entries
            entry = self.article_list.highlighted_entry or (shown[0] if shown else None)
        if entry is not None:
            self.open_entry(entry)

    # A description of its own: by default Textual names a worker by the repr of its arguments,
    # 100,000 of them here (0.1 s before the first frame).
    @work(thread=True, group="library", exclusive=True, description="fill in the library")
    def _fill_catalog(self, entries: list[Entry]) -> None:
        """Titles, dates and ids of the listed files: cached ones at once, the rest read."""
        worker = get_current_worker()
        cache = SummaryCache(self._cache_path)
        if cache.problem is not None:  # said once: the cache is off for the rest of the run
            self._cache_path = None
            self.call_from_thread(
                self.notify,
                cache.problem,
                title="Library cache",
                severity="warning",
                markup=False,
                timeout=10,
            )
        batch: list[tuple[Entry, Summary | str]] = []
        sent = time.monotonic()
        for item in fill(entries, cache, stop=lambda: worker.is_cancelled):
            batch.append(item)
            if time.monotonic() - sent > 0.2:
                self.call_from_thread(self._summaries_arrived, batch, False, self._reads_of(batch))
                batch, sent = [], time.monotonic()
        cache.save()
        if not worker.is_cancelled:
            self.call_from_thread(self._summaries_arrived, batch, True, self._reads_of(batch))

    def _reads_of(self, batch: list[tuple[Entry, Summary | str]]) -> tuple[CountReads, int] | None:
        """In the library's worker: my layer of each article read, on the reader's handle (one
        read in the reader thread, as the export's walk reads), so neither the event loop nor
        this worker waits for the writer's store's lock (held through each fsync of my writes),
        and no article is kept loaded for it (``keep=False``). With the count of my changes
        shown before it read."""
        from tuireader.store import StoreError

        left_out = self._counted_by_open  # counted by its open (the last article read)
        ids = [r.id for _, r in batch if isinstance(r, Summary) and r.id != left_out]
        if not ids:
            return None
        shown = self._shown_changes  # before the handle catches up: the read holds these
        future = self._reader.call(partial(read_counts, article_ids=ids, keep=False))
        if future is None:  # the reader is closing
            return None
        try:
            reads: CountReads = future.result()
        except StoreError as exc:
            self.log.warning(f"could not read the list's counts: {exc}")
            return None
        return reads, shown

    def _summaries_arrived(
        self,
        batch: list[tuple[Entry, Summary | str]],
        done: bool,
        read: tuple[CountReads, int] | None,
    ) -> None:
        for entry, result in batch:
            self.catalog.apply(entry, result)
        if read is not None:
            reads, shown = read
            if self._shown_changes > shown and self.pane.article is not None:
                # A change of mine shown since the read began may be missing from it: the open
                # article's counts, which my changes keep, stay as they are.
                reads.layers.pop(self.pane.article.id, None)
            self.article_list.counts.update(self._count_articles(reads))
        # Reordering 100,000 rows costs ~0.1 s: while files keep arriving, do it rarely.
        now = time.monotonic()
        if done or now - self._last_rebuild > max(0.5, 10 * self._rebuild_cost):
            self.article_list.refresh_entries(self.catalog.shown)
            self._last_rebuild = time.monotonic()
            self._rebuild_cost = self._last_rebuild - now
        else:  # the lines of the files filled in, where they are now (not the whole list)
            self.article_list.redraw()
        if done:
            self._library_known()
        elif self.pane.article is None:
            last = self._saved_last
            resumed = self.catalog.by_id(last) if last is not None else None
            if resumed is not None:
                self.open_entry(resumed)

    def _first_painted(self) -> None:
        """For benchmarks/bench_ui.py: note when the first frame was drawn, then quit."""
        assert self._first_paint_file is not None
        self._first_paint_file.write_text(repr(time.time()), encoding="utf-8")
        self._painted = True
        if os.environ.get(FILLED_ENV) and self.catalog.pending:
            return  # _library_known exits
        self.exit(0)

    # -- list counts ---------------------------------------------------------------------------

    def _count_articles(
        self, reads: CountReads, only_changed: bool = False
    ) -> dict[str, ArticleCounts]:
        """Sentence counts per article, from my layers as read off the loop (``reads``): saved
        ones while their annotations are unchanged, else counted now if the article is already
        segmented, else counted by a worker after the first paint (the list says "counting…"
        meanwhile). Untagged articles need no counting at all."""
        self._mark_unreadable(reads.layers, reads.unreadable)
        counts: dict[str, ArticleCounts] = {}
        to_segment: list[str] = []
        for article_id, (layer, record) in reads.layers.items():
            of = fingerprint(layer)
            if only_changed and self._counted.get(article_id) == of:
                continue
            found = (
                ArticleCounts(sentences=reads.corrected.get(article_id))
                if not layer
                else ArticleCounts.from_state(record, of)
            )
            article = self.catalog.loaded(article_id)
            if found is None and article is not None and "sentences" in vars(article):
                found = ArticleCounts.of(layer, article.sentences)
                self._counts_dirty[article_id] = of
            if found is None:
                found = ArticleCounts(pending=True)
                to_segment.append(article_id)
            else:
                self._counted[article_id] = of
            counts[article_id] = found
        entries = [e for e in map(self.catalog.by_id, to_segment) if e is not None]
        if entries:
            self._segment_for_counts(entries)
        return counts

    def _count_left_out(self, opened: str) -> None:
        """An article was opened: if it is not the one the startup counts (and the library's
        worker) left out for its open to count, that one is counted now, as the others were."""
        left_out, self._counted_by_open = self._counted_by_open, None
        if left_out is None or left_out == opened:
            return
        counts = self.article_list.counts.get(left_out)
        if self.catalog.by_id(left_out) is not None and (counts is None or counts.pending):
            reads = partial(read_counts, article_ids=[left_out], keep=False)
            self._read(reads, self._left_out_read, fresh=True)

    def _left_out_read(self, reads: CountReads) -> None:
        self.article_list.update_counts(self._count_articles(reads))

    def _listing_read(self, listing: Listing) -> None:
        """The list's counts and done marks as read at startup."""
        self._apply_listing(listing)
        self._listing_position = listing.position

    def _apply_listing(
        self, listing: Listing, replace: bool = False, changed: bool = False
    ) -> None:
        """Show counts and done marks read off the loop: ``replace`` every count (another
        annotator's layer), else those read (``changed``: only where the layer changed)."""
        states = self._done_states(listing.done)
        counts = self._count_articles(listing.counts, only_changed=changed)
        articles = self.article_list
        if replace:
            articles.states = states
            articles.set_entries(self.catalog.shown, counts)
            return
        if changed:  # only the lines of articles whose layer changed are drawn again
            for article_id, found in counts.items():
                articles.set_counts(article_id, found)
        else:
            articles.update_counts(counts)
        articles.set_states(states)

    @work(thread=True, group="count", description="count sentences")
    def _segment_for_counts(self, entries: list[Entry]) -> None:
        from tuireader.store import StoreError

        for entry in entries:
            loaded = self.catalog.loaded(entry.id or "")
            try:
                article = loaded or load_article(entry.path)
            except ArticleError:
                continue
            _ = article.sentences  # cached on the article; counting itself is quick
            # On the reader's handle: the writer's store's lock may be held for a while.
            future = self._reader.call(partial(placed_mine, article_id=article.id))
            if future is None:  # the reader is closing
                return
            try:
                mine: list[Annotation] = future.result()
            except StoreError as exc:
                self.log.warning(f"could not read the list's counts: {exc}")
                continue
            self.call_from_thread(self._recount, article, mine)

    def _recount(self, article: Article, annotations: list[Annotation]) -> None:
        self._counted[article.id] = self._counts_dirty[article.id] = fingerprint(annotations)
        self.article_list.set_counts(article.id, ArticleCounts.of(annotations, article.sentences))

    def _counts_state(self) -> dict[str, object]:
        """The state records of the articles whose list counts changed since the last save."""
        entries: dict[str, object] = {}
        for article_id, of in self._counts_dirty.items():
            counts = self.article_list.counts.get(article_id)
            if counts is not None and not counts.pending:
                self._counted[article_id] = of
                entries[counts_key(article_id)] = counts.to_state(of)
        self._counts_dirty.clear()
        return entries

    # -- changes from other windows ------------------------------------------------------------

    async def on_app_focus(self, _event: events.AppFocus) -> None:
        self.refresh_store()
        await self.reload_config()

    # -- the codebook, read again when its file changes ----------------------------------------

    async def reload_config(self, force: bool = False) -> bool:
        """Read the config again if one of its files changed (edited, created or removed): a
        new tag set gets its keys, colours, legend, help and footer at once. A file with a
        mistake is one line, and the codebook in use stays. True if new settings apply."""
        source = self._config_source
        if source is None:
            return False
        stamp = source.stamp()
        if stamp == self._config_stamp and not force:
            return False
        self._config_stamp = stamp
        try:
            config = source.load()
            resolved = check_config(config)
        except ConfigError as exc:
            self.notify(
                f"{exc} (the codebook in use stays until the file is fixed)",
                title="Config not reloaded",
                severity="error",
                timeout=10,
            )
            return False
        if config == self.config:
            return False
        await self.apply_config(config, resolved)
        where = ", ".join(sanitise.path(f) for f in config.files) or "built-in defaults"
        moved = "".join(f"; {m.sentence()}" for m in resolved.moved)
        self.notify(
            f"{counted(len(config.tags), 'tag')} from {where}{moved}",
            title="Codebook reloaded",
            timeout=6,
        )
        return True

    async def apply_config(self, config: Config, resolved: Resolved) -> None:
        """Put ``config`` in force: themes, keys, and (for another tag set) a reading pane with
        the new tag keys, showing the same article at the same sentence."""
        old = self.config
        self.config = config
        for spec in config.themes:
            self.register_theme(theme_of(spec))
        if config.theme != old.theme and config.theme in self.available_themes:
            self.theme = config.theme
        record = await self._read_now(lambda store: store.get_state(TAG_SET_STATE, None))
        # Read as the files are now, not after my writes: what I asked to record may still be
        # on its way, so it is added (it wins, as in ``record_tag_set``).
        recorded = [
            *tags_from_record(None if isinstance(record, _Unread) else record),
            *self._recording,
        ]
        seen = [t.id for t in self.pane.tags if not t.active]
        tags = config.tags.with_seen(recorded, seen)
        self.resolved = resolved
        self.keys = Keys.of(self.key_sections(tags), resolved.keymap)
        self.set_keymap(dict(resolved.keymap))
        if tags != self.pane.tags:
            self._tag_set_recorded = False  # the new codebook is recorded with its first tag
            self._suggestions.clear()  # suggestions keep to the tags the set has
            self._suggesting.clear()
            await self._replace_pane(tags)
        self.tags = tags
        self.update_status()

    async def _replace_pane(self, tags: TagSet) -> None:
        """Tag keys are class bindings (``ReadingPane.for_tags``): a new tag set is a new pane."""
        old = self.pane
        focused = self.focused is old
        article, cursor = old.article, old.cursor
        # A range or words selected and not yet tagged: the new pane opens them again once the
        # article is shown in it (``_attached``), so the next tag key tags what was shown.
        self._held_selection = old.held_selection()
        pane = ReadingPane.for_tags(tags)(tags, id="pane")
        await old.remove()
        self.__dict__.pop("pane", None)  # the cached_property
        await self.query_one("#reader", Vertical).mount(pane, before=self.search_bar)
        pane.editor = self
        if article is not None:
            self._cursors[article.id] = cursor
            self.open_article(article)
        if focused:
            pane.focus()

    def refresh_store(self) -> bool:
        """Look for what another process wrote to the file (the timer, every 2 s; the app's
        focus): in the reader thread, beside my writes (``_reload``). False if a look is still
        under way (nothing queued)."""
        self._say_stuck_mark()  # of a compaction anywhere: the open's, a write's, mine
        self._recheck_unreadable()
        if self._reloading or self._compaction_landing:
            return False  # a look, or a compaction whose look waits for it, is under way
        if self._compact(look=True):
            # A write left the journal over its limit: folded in, then looked at. Looked at
            # first, the look that caught up with the new files (a whole reload) would not
            # know what changed, and read the open article again (a book: ~100 MB).
            self._reloading = True
            return True
        self._reloading = self._reload()
        return self._reloading

    def _say_stuck_mark(self) -> None:
        """A notice, once, when a compaction could not remove the journal's mark: the check
        that tells a journal cut short from a whole one is off while it stays."""
        stuck = self.store.stuck_mark()
        if stuck is not None:
            self.notify(sanitise.line(stuck), title="Journal mark", severity="warning", timeout=30)

    def _compact(self, look: bool) -> bool:
        """Queue the compaction a write made due (none under way), and after it, in the
        writer, what the open article is known as of (``_compacted``); then the look if
        ``look``. False if none is due (or the writer is closed)."""
        if not self.store.compaction_due or not (
            self._compacting is None or self._compacting.done()
        ):
            return False
        self._compacting = self._writer.submit(self.store.compact, replaced=True)
        store, article = self.store, self.pane.article

        def position() -> tuple[int, Position] | None:
            from tuireader.store import StoreError

            try:  # never a "Not saved": what is known only stays as it was
                return store.generation, store.journal_position()
            except StoreError:
                return None

        shown = partial(self._compacted, None if article is None else article.id, look)
        self._compaction_landing = self._writer.write(position, shown, change=False) is not None
        return self._compaction_landing

    def _compacted(
        self, article_id: str | None, look: bool, known: tuple[int, Position] | None
    ) -> None:
        """The writer's store after a compaction: if it caught up with nothing since the open
        article was opened (its reload count as then), its layers of it are what is shown
        (the open's, with my writes, each shown as it landed): known as of its new journal.
        Then the look, if it waited for this."""
        self._compaction_landing = False
        self._say_stuck_mark()
        if known is not None and article_id is not None:
            generation, position = known
            if self._writer_synced == (article_id, generation):
                self._article_position = (article_id, position)
        if look:
            # The look, not another compaction: one that could not run (another process
            # writing) is tried again at the next tick, not over and over.
            self._reloading = self._reload()

    def show_reloads(self) -> bool:
        """Redraw from the store if a write of mine caught up with another window's first
        (the writer's store reloaded): read in the reader thread. True if a look is queued."""
        if self.store.generation == self._writer_generation or self._reloading:
            return False
        self._writer_generation = self.store.generation
        self._reloading = self._reload()
        return self._reloading

    def _reload(self) -> bool:
        """Queue the read of what the screen shows from the store (the reader's handle catches
        up with the files after counting my writes that returned); shown by ``_reloaded`` when
        it lands, if still newer than what is shown and no write of mine was shown since."""
        article = self.pane.article
        article_id = None if article is None else article.id
        ids = [e.id for e in self.catalog.shown if e.id is not None]
        if article_id is not None and self._opening is not None:
            # Being opened: its open reads its layers and counts it (in the writer's store),
            # after attaching; read here too, a book would be held twice.
            ids = [i for i in ids if i != article_id]
            article_id = None
        verdicts_key = None if article_id is None else self._verdicts_key(article_id)
        writer, seen = self._writer, self._generation
        listing_since = self._listing_position
        known = self._article_position
        article_since = known[1] if known is not None and known[0] == article_id else None

        def look(store: Store) -> tuple[int, Reloaded | None]:
            # Counted before the handle catches up (one stat), so it holds every write counted:
            # the catch-up before the job (``consistent``) may miss one that returned since.
            finished = writer.finished
            read = read_reloaded(
                store,
                article_id,
                ids,
                refresh=True,
                seen=seen,
                listing_since=listing_since,
                article_since=article_since,
                verdicts_key=verdicts_key,
            )
            return finished, read

        return self._read(look, self._looked, after_writes=False) is not None

    def _looked(self, looked: tuple[int, Reloaded | None]) -> None:
        """A look that read before a write of mine returned could draw my layer without it once
        that write is shown: dropped, and looked at again. (A write still under way is shown
        after the look, on top of it.)"""
        finished, reloaded = looked
        if finished != self._writer.finished:
            self._reloading = False
            self.refresh_store()  # at once: writes of mine rarely come that close together
            return
        self._reloaded(reloaded)

    def _reloaded(self, reloaded: Reloaded | None) -> None:
        """What another window wrote, as read in the reader thread: the open article's tags
        (only the lines that changed; the cursor stays), its other layers, the list's counts
        and done marks. Nothing of it is applied if a newer reload was shown meanwhile, nor an
        article's layers once another article is open (its own open reads them)."""
        self._reloading = False
        if reloaded is None or reloaded.generation <= self._generation:
            return
        if reloaded.annotator != self.store.annotator:
            return  # read under the annotator before a switch: the switch reads again
        self._generation = reloaded.generation
        self._store_count = None
        corrections = (reloaded.article_id, reloaded.corrections)
        if corrections == self._look_corrections:
            self._show_reloaded(reloaded)
        else:  # another window split or merged (or the first look at this article)
            self._look_corrections = corrections
            # The writer's store corrects the article's sentences when it catches up: shown then.
            store = self.store

            def catch_up() -> object:
                from tuireader.store import StoreError

                try:
                    return store.refresh()
                except StoreError as exc:  # nothing asked for: logged, not "Not saved"
                    return _Unread(exc)

            shown = partial(self._caught_up, reloaded, self._writer.finished)
            self._writer.write(catch_up, shown, change=False)
        self._apply_listing(reloaded.listing, changed=True)
        self._listing_position = reloaded.listing.position

    def _caught_up(self, reloaded: Reloaded, finished: int, caught_up: object) -> None:
        """The writer's store caught up with a look that found other sentences: the look is
        shown, unless a write of mine returned meanwhile (its layer would be drawn without that
        write, erasing a tag on screen): then looked at again."""
        if isinstance(caught_up, _Unread):
            log.warning("could not read the annotation file: %s", caught_up.error)
            self._look_corrections = None  # the next look catches up again
        elif finished == self._writer.finished:
            self._show_reloaded(reloaded)
        else:
            self.refresh_store()

    def _show_reloaded(self, reloaded: Reloaded) -> None:
        """The open article's part of a look: its layers, tags and sentences."""
        pane = self.pane
        article = pane.article
        if article is not None and article.id == reloaded.article_id and pane.sentences:
            if reloaded.verdicts is not None:
                self._verdict_state = (reloaded.annotator, article.id, reloaded.verdicts)
            known = self._article_position
            if not reloaded.article_read:
                # Unchanged since it was shown: what is shown stays, known as of this look.
                if known is not None and known[0] == article.id:
                    self._article_position = _known(article.id, reloaded.position)
                if reloaded.verdicts is not None:
                    self.update_status()
                return
            self._article_position = _known(article.id, reloaded.position)
            self._writer_synced = None  # shown as the reader's handle read it
            self._other_layers = (article.id, OtherLayers.of(reloaded.layers, reloaded.annotator))
            if article.sentences is not pane.sentences:  # another window split or merged
                pane.follow_sentences(reloaded.mine)
                self._sentences_changed(article, reloaded.mine)
            pane.sync_annotations(reloaded.mine)
            self.refresh_comparison(reloaded.layers)
            # The status names the other annotators of the cursor sentence: they may have changed.
            self.update_status()

    # -- articles ------------------------------------------------------------------------------

    def open_article(self, article: Article) -> None:
        """Show ``article``'s text at once, and its tags (re-anchored) with the cursor where it
        was left once the writer thread has attached it (``ui/opening.py``): keys for the
        reading pane wait for that meanwhile, in order (``on_event``)."""
        self._remember_cursor()
        search = self.query_one(SearchBar)
        if search.value:  # a query belongs to the article it was typed in
            search.value = ""
        self._other_layers = None  # attaching may move their tags (an edited text)
        self._article_position = self._writer_synced = None  # known again once attached
        self._opening_slow = False
        self.pane.show_article(article, (), pending=True)
        self.article_list.highlight_article(article.id)
        verdicts_key = self._verdicts_key(article.id)
        opening = self._writer.write(
            partial(open_in_store, self.store, article, verdicts_key),
            self._attached,
            change=False,
        )
        self._opening = opening
        self._opening_article = article
        if opening is not None:
            self.set_timer(SLOW_WRITE, partial(self._slow_open, opening))
        self.update_status()

    def _slow_open(self, opening: Future[Opened]) -> None:
        if self._opening is opening and not opening.done():
            self._opening_slow = True
            self.update_status()

    @property
    def opening(self) -> bool:
        """An article is shown whose tags are still being read (attached)."""
        return self._opening is not None

    def _verdicts_key(self, article_id: str, annotator: str | None = None) -> str | None:
        """Where my verdicts (``annotator``'s) on the article are kept, while adjudicating
        (else None)."""
        if not self.adjudicating:
            return None
        from tuireader.adjudication import state_key

        return state_key(self.store.annotator if annotator is None else annotator, article_id)

    async def opened(self) -> None:
        """Wait (without holding the event loop) until the article being opened is shown with
        its tags."""
        while (opening := self._opening) is not None:
            await asyncio.wait([asyncio.wrap_future(opening)])
            self._show_landed()
            if self._opening is opening:  # not handed out (it raised): nothing more to wait for
                self._opening = None
                self._release_keys()

    def _shown_to_set_aside(self, article: Article) -> None:
        if self._set_aside.shown(article.id, len(article.sentences)) and not self._collect_waiting:
            self._collect_waiting = True
            self.set_timer(IDLE_COLLECT, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        """Run the collection a switch made due once no key came for ``IDLE_COLLECT``."""
        quiet = time.monotonic() - self._last_key
        if quiet < IDLE_COLLECT:
            self.set_timer(IDLE_COLLECT - quiet, self._collect_when_idle)
            return
        self._collect_waiting = False
        self._set_aside.collect()

    async def on_event(self, event: events.Event) -> None:
        """A key for the reading pane while its article is still being attached is held, and
        every key after it, until it is (the writer thread attaches it in its turn); then they
        run in the order typed (``_replay_keys``): none is lost or applied to a layer not read
        yet, and the app's own messages (timers, landed writes) go on meanwhile."""
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and (
                self._held_keys
                or (self._opening is not None and isinstance(self.focused, ReadingPane))
            )
        ):
            if self._quitting:
                return  # typed after a quit key: the app is closing
            if event.key in self._quit_keys():
                if not self._held_keys and self._cancel_queued_open() is not None:
                    await super().on_event(event)  # nothing typed needs the article: quit
                    return
                if not self._held_keys and (self._leave_open or self._open_alone()):
                    # Decided now: the app may queue a save after the key, not before it.
                    self._leave_open = True
                    await super().on_event(event)
                    return
                # Said at once; it quits after the keys typed before it, which it would
                # have waited for anyway (the open, then their writes, are queued first).
                self._quitting = True
                self.update_status()
            self._held_keys.append(event)
            return
        await super().on_event(event)

    def _cancel_queued_open(self) -> Article | None:
        """Quitting: the open of an article still queued behind other jobs (not started) is
        dropped, so quitting waits only for what was asked before it. One already running is
        waited for (attaching may be writing re-anchored tags); a write of mine never is
        dropped (acknowledged, it must reach the disk). The article whose open was dropped
        (kept until the quit is done: one that stays opens it again), else None."""
        opening = self._opening
        if opening is None or not self._writer.cancel(opening):
            return None
        self._opening = None
        self._opening_slow = False
        self._dropped_open = self._opening_article
        return self._dropped_open

    def _open_alone(self) -> bool:
        """An article's open is running and the writer has nothing queued after it: a quit
        need not wait for it (``action_quit``)."""
        opening = self._opening
        return opening is not None and self._writer.alone(opening)

    def _quit_keys(self) -> list[str]:
        return [*self.keys.keys("app.quit"), *self.keys.keys("app.quit_ctrl")]

    def _release_keys(self) -> None:
        if self._held_keys and self._opening is None:
            self.post_message(self.KeysReleased())

    @on(KeysReleased)
    async def _replay_keys(self) -> None:
        # A key that opens another article holds the rest again, until that one is attached.
        while self._held_keys and self._opening is None:
            await super().on_event(self._held_keys.pop(0))

    def _mark_unreadable(self, checked: Iterable[str], found: Mapping[str, BaseException]) -> None:
        """Mark in the list the articles of ``checked`` whose annotations cannot be read (a
        shard file missing or damaged), and say once what to do about them."""
        from tuireader.ui.article_list import REPAIR_HINT, UNREADABLE_MARK

        labels = {a: unreadable_label(e) for a, e in found.items()}
        new = self.article_list.update_unreadable(checked, labels)
        if not new:
            return
        state = " or ".join(sorted({labels[a].removeprefix("shard ") for a in new}))
        one = len(new) == 1
        what = f"its shard file is {state}" if one else f"their shard files are {state}"
        many = "An article's" if one else f"{len(new):,} articles'"
        self.notify(
            f"{many} annotations cannot be read ({what}; marked {UNREADABLE_MARK} in the list): "
            f"`{REPAIR_HINT} --db {sanitise.path(self.db_path)}` shows what can be done",
            title="Cannot read annotations",
            severity="warning",
            markup=False,
            timeout=10,
        )

    def _attached(self, opened: Opened) -> None:
        """The article's tags as attached (in the writer thread): shown if it is still the one
        open."""
        article = opened.article
        if opened.failed is not None:
            from tuireader.store import StoreWriteError

            # Only a failed re-anchor write is "Not saved"; a damaged shard was only read.
            unsaved = isinstance(opened.failed, StoreWriteError)
            self._error(opened.failed, "Not saved" if unsaved else "Cannot read annotations")
            if not unsaved:
                self.article_list.update_unreadable(
                    [article.id], {article.id: unreadable_label(opened.failed)}
                )
        elif article.id in self.article_list.unreadable:  # read again since (the file put back)
            self.article_list.update_unreadable([article.id], {})
        report = opened.report
        if report is not None and report.orphaned:
            # Only my layer's, with the reason: another annotator's orphans are theirs to see.
            from tuireader.orphan_reasons import kept_aside

            why = kept_aside(
                report.orphans, opened.mine, article.body, self.store.annotator, report.reasons
            )
            for line in why.lines():
                self.notify(line, severity="warning", markup=False)
            self._kept_aside = (article.id, why.summary())
        elif self._kept_aside is not None and self._kept_aside[0] == article.id:
            self._kept_aside = None  # attached again with none of mine kept aside
        if opened.lost:
            self.notify(
                f"{counted(opened.lost, 'sentence split or merge', 'sentence splits or merges')} "
                f"no longer {plural(opened.lost, 'fits', 'fit')} the text and "
                f"{plural(opened.lost, 'was', 'were')} kept aside, not applied "
                "(tuireader sentences --raw shows the segmenter's).",
                severity="warning",
                markup=False,
            )
        annotations = opened.mine
        self._count_left_out(article.id)
        of = fingerprint(annotations)
        if self._counted.get(article.id) != of:
            self._counted[article.id] = self._counts_dirty[article.id] = of
            self.article_list.set_counts(
                article.id, ArticleCounts.of(annotations, article.sentences)
            )
        if self._opening is not None and self._opening.done():
            self._opening = None  # landings come in order: this one, or a later one, is done
            self._release_keys()
        if self.pane.article is not article:
            return  # another article was opened meanwhile
        self._opening_slow = False
        self._other_layers = (article.id, OtherLayers.of(opened.layers, self.store.annotator))
        self._look_corrections = (article.id, opened.corrections)
        if opened.position is not None:
            self._article_position = (article.id, opened.position)
            self._writer_synced = (article.id, opened.generation)
        if opened.verdicts is not None:
            self._verdict_state = (self.store.annotator, article.id, opened.verdicts)
        self.pane.show_article(article, annotations, self._cursors.get(article.id, 0))
        self._restore_selection(article)
        self._shown_to_set_aside(article)
        if article.id in self._suggestions:
            self.pane.set_suggestions(self._suggestions[article.id])
            self._show_rejected()
        self.refresh_comparison(opened.layers)
        if self.adjudicating:
            self._to_open_disagreement()
        if (
            article.sentences is article.raw_sentences
            and len(article.sentences) > LONG_ARTICLE_SENTENCES
        ):
            self._own_sentences(article)
        # Saved with the cursors (batched): a write here would delay the first paint.
        self._last_article = article.id
        self._schedule_cursor_save()
        # Attaching may have written much (an edited book re-anchored: one 23 MB entry): folded
        # in now, before the reader's handle catches up with that entry (+80 MB held until the
        # compaction, which waited for the refresh timer).
        self._compact(look=False)

    def _restore_selection(self, article: Article) -> None:
        """Open again the range or words selected when the pane was replaced; if the text no
        longer has them (its sentences changed meanwhile), say that they were cancelled."""
        held, self._held_selection = self._held_selection, None
        if held is None or held.article is not article:
            return  # none, or another article was opened since: that closed it anyway
        if not self.pane.restore_selection(held):
            self.notify(
                f"The {held.what()} in progress was cancelled: the sentences changed.",
                title="Selection cancelled",
                severity="warning",
                markup=False,
            )

    def open_entry(self, entry: Entry) -> bool:
        """Open the article of a list entry; a file that can no longer be read is one line."""
        try:
            article = self.catalog.article(entry)
        except ArticleError as exc:
            self.notify(sanitise.message(exc), title="Cannot open", severity="error", markup=False)
            return False
        self.open_article(article)
        return True

    def article_by_id(self, article_id: str) -> Article | None:
        entry = self.catalog.by_id(article_id)
        if entry is None:
            return None
        try:
            return self.catalog.article(entry)
        except ArticleError:
            return None

    @on(ArticleList.Opened)
    def _list_selected(self, event: ArticleList.Opened) -> None:
        if self.open_entry(event.entry):
            self.pane.focus()
            if self.screen.has_class("-narrow"):
                self.screen.remove_class("-show-list")

    # -- status --------------------------------------------------------------------------------

    def show_status(self) -> None:
        """Called by the pane as its cursor moves: the status is drawn in the same frame."""
        self.update_status()

    @on(ReadingPane.CursorMoved)
    def _cursor_moved(self) -> None:
        # The status is already drawn (show_status). While a book is still being split into sentences the cursor is a placeholder at 0:
        # recording it would overwrite the position to restore.
        if self.pane.sentences:
            self._remember_cursor()
            self._schedule_cursor_save()

    def update_status(self) -> None:
        pane = self.pane
        if pane.article is not None and not pane.sentences and pane.article.body:
            article = pane.article
            if len(article.body) > LARGE_ARTICLE_CHARS and "sentences" not in vars(article):
                paragraphs = len(article.paragraphs)
                said = f"Splitting {counted(paragraphs, 'paragraph')} into sentences…"
            else:  # said only if it takes long: the writer thread is busy, or the disk slow
                said = "Reading tags…" if self._opening_slow else ""
            if self._quitting:
                said = "Reading tags… then quitting" if not said else f"{said} then quitting"
            self.status.set_content(Content(said))
            return
        if pane.article is None or not pane.sentences:
            self.status.set_content(Content("No article open"))
            return
        parts: list[Content | tuple[str, str | Style] | str] = [
            (f"{pane.cursor + 1}/{len(pane.sentences)} ", "bold"),
        ]
        if self._searching:
            parts.append((f"{pane.match_status} ", "bold reverse"))
            parts.append(" ")
        if pane.range_anchor is not None:
            first, last = pane.selection
            parts.append(
                (
                    f"range of {last - first + 1} (a tag key tags it, "
                    f"{self.keys.show('reader.cancel')} cancels) ",
                    "bold reverse",
                )
            )
        span = pane.word_span
        if span is not None:
            words = pane.article.body[span[0] : span[1]]
            shown = words if len(words) <= 60 else words[:59] + "…"
            parts += [
                ("words ", "bold reverse"),
                Content(f"“{shown}”").stylize("bold"),
                (f" (a tag key tags them, {self.keys.show('words.cancel')} cancels) ", "italic"),
            ]
        split_at = pane.split_at
        if split_at is not None:
            word = pane.article.body[split_at : pane.split_words[pane.split_caret][1]]
            shown = word if len(word) <= 30 else word[:29] + "…"
            keys = self.keys
            parts += [
                ("split before ", "bold reverse"),
                Content(f"“{shown}”").stylize("bold"),
                (
                    f" ({keys.show('split.previous')}/{keys.show('split.next')} move, "
                    f"{keys.show('split.confirm')} splits, {keys.show('split.cancel')} cancels) ",
                    "italic",
                ),
            ]
        if pane.comparison is not None:
            notice = self._not_done_notice() if self.adjudicating else None
            if notice is not None:
                parts.append(notice)
            parts.append(compare_status(pane.comparison, pane.cursor, self.tags, pane.looks))
            if self.adjudicating:
                parts.append(self._adjudication_status())
        else:
            parts += annotation_status(pane.annotation, pane.tags, pane.looks)
            parts += parts_status(pane.annotation, pane.parts_of(pane.cursor), pane.tags)
            sentence = pane.sentences[pane.cursor]
            others = self._others_at(pane.article.id, sentence.start, sentence.end)
            if others:
                parts += others_status(others)
        kept = self._kept_aside
        if kept is not None and kept[0] == pane.article.id and kept[1]:
            parts.append((f"  {kept[1]}", "italic"))
        gone = self._notes_gone
        if gone is not None:
            if gone[:2] == (pane.article.id, pane.cursor):
                parts.append((f"  {gone[2]}", "bold"))
            else:
                self._notes_gone = None  # said once: gone when the cursor leaves the sentence
        suggestion = pane.suggestion
        if suggestion is not None and pane.annotation is None:
            accept = self.keys.show("reader.accept")
            reject = self.keys.show("reader.reject")
            by = "your tags" if suggestion.source == "model" else "rules"
            parts += [
                (f"  suggested ({by}): ", "italic"),
                Content(
                    f"{suggestion.reason} ({suggestion.confidence:.0%}); "
                    f"{accept} accepts, {reject} rejects"
                ).stylize("italic"),
            ]
        if self._quitting:  # waiting for writes (or the open) to land before it quits
            parts.append(("  saving… then quitting", "bold italic"))
        elif self._saving:  # a write of mine is slow (the disk, or another process's lock)
            parts.append(("  saving…", "italic"))
        elif self._reading_slow:  # a key waits for what it asked the store
            parts.append(("  reading…", "italic"))
        line = Content.assemble(*parts)
        filter_label = None if pane.filter_tag is None else pane.tags.label(pane.filter_tag)
        chips = legend_chips(pane.tags, pane.looks)
        mode = legend(
            chips,
            filter_label,
            pane.suggestions is not None,
            self.keys.show("reader.filter"),
            self.keys.show("reader.suggestions"),
        )
        self.status.set_content(Content("\n").join([line, mode]))

    def _others_at(self, article_id: str, start: int, end: int) -> list[str]:
        """The other annotators with a tag on ``start..end``, from the open article's other
        layers as last read (a cursor move never waits for the store's lock)."""
        known = self._other_layers
        if known is None or known[0] != article_id:
            return []  # read with the article's tags (its open, a reload): named once they land
        return known[1].names_at(start, end)

    @on(ReadingPane.LooksChanged)
    def _looks_changed(self) -> None:
        self.tags = self.pane.tags
        self.article_list.set_tags(self.tags, self.pane.looks)
        self.update_status()

    # -- changes -------------------------------------------------------------------------------

    def _error(self, exc: BaseException, title: str = "Not saved") -> None:
        self.notify(str(exc), title=title, severity="error", markup=False, timeout=8)

    def _write(self, job: Callable[[], object], shown: Callable[[Any], None]) -> Future[Any] | None:
        """Queue a write of mine for the writer thread, after every one asked for before it;
        ``shown`` gets its result on the event loop once it is durable. Nothing is displayed
        before: a failure is one line ("Not saved") and the screen never claims a change
        that is not on disk. None when closing (the app no longer shows anything)."""
        future = self._writer.write(job, shown)
        if future is not None and self._saving_timer is None:
            self._saving_timer = self.set_timer(SLOW_WRITE, self._slow_write)
        return future

    async def _within_grace(self, future: Future[Any] | None) -> None:
        """Let ``future`` (an answer a key asked for) land for up to ANSWER_GRACE, holding the
        keys typed after it only that long, and show what landed."""
        if future is None:
            return
        await asyncio.wait([asyncio.wrap_future(future)], timeout=ANSWER_GRACE)
        self._show_landed()
        self._show_reads()

    def _read(
        self,
        job: Callable[[Store], Any],
        shown: Callable[[Any], None],
        *,
        after_writes: bool = True,
        failed: bool = False,
        fresh: bool = False,
    ) -> Future[Any] | None:
        """Queue a read of the store for the reader thread (``job`` is given its handle);
        ``shown`` gets its result on the event loop when it lands. ``after_writes``: it starts
        once the writes (and state saves) asked for before have returned, so it sees them; a
        look at other windows' writes does not wait for mine. ``fresh``: what it shows draws my
        layer, so if a change of mine asked for after it has returned by the time it lands (it
        may not hold it, and that change may be shown already), it is read again instead.
        Neither the event loop nor the writer ever waits for it. A read that fails is logged
        (what is shown stays), or handed to ``shown`` as ``_Unread`` if ``failed``; None once
        the reader is closed."""
        from tuireader.store import StoreError

        shown_before: list[int] = []

        def begun() -> None:
            # In the reader thread, before the handle catches up: my changes shown by now are on
            # disk, so the read holds them.
            shown_before.append(self._shown_changes)

        def run(store: Store) -> Any:
            try:
                return job(store)
            except StoreError as exc:
                return _Unread(exc)

        def landed(result: Any) -> None:
            # Read again only if a change of mine was shown since the read began (the read may
            # lack it, and drawn it would take it off the screen; one shown after is drawn on
            # top). It was read again for every change asked for since it was queued, and
            # returned by the time it landed, its time waiting in the reader's queue included:
            # with a tag key held down, each time, so it was shown only once typing paused.
            if fresh and shown_before and self._shown_changes > shown_before[0]:
                self._read(job, shown, failed=failed, fresh=True)
                return
            if isinstance(result, _Unread) and not failed:
                log.warning("could not read the annotation file: %s", result.error)
                return
            shown(result)

        after = self._writer.last if after_writes else None
        return self._reader.read(run, landed, after=after, begun=begun)

    async def _read_now(self, job: Callable[[Store], Any]) -> Any:
        """``_read`` of the files as they are now (not waiting for my writes asked for before,
        which may be held by a slow disk or another process's lock) and wait for it without
        holding the event loop: keys typed meanwhile wait in Textual's queue, in order, for a
        read on the reader's handle (milliseconds). ``_Unread`` if it failed or the app is
        closing."""
        results: list[Any] = []
        future = self._read(job, results.append, after_writes=False, failed=True)
        if future is None:
            return _UNREAD
        self._awaited_reads += 1
        # An asyncio timer: a Textual one set here did not fire before the key's handler
        # returned (seen in test_ui_reads with the writer held).
        timer = asyncio.get_running_loop().call_later(SLOW_WRITE, self._slow_read)
        try:
            await asyncio.wait([asyncio.wrap_future(future)])
            self._show_reads()
        finally:
            timer.cancel()
            self._read_done()
        return results[0] if results else _UNREAD

    async def _answer(
        self, key: str, job: Callable[[Store], Any], shown: Callable[[Any], None]
    ) -> None:
        """A key that needs an answer from the store (``i``, ``x``): read after my writes asked
        for before, in the reader thread, and ``shown`` when it lands (``_Unread`` if it failed).
        Keys typed after it wait for it ANSWER_GRACE at most, then go on; the same key again
        before its answer is ignored. "reading…" once it has waited SLOW_WRITE."""
        if key in self._answering:
            return

        timer: list[asyncio.TimerHandle] = []

        def landed(result: Any) -> None:
            for handle in timer:
                handle.cancel()
            self._answering.discard(key)
            self._read_done()
            shown(result)

        future = self._read(job, landed, failed=True)
        if future is None:
            return
        self._answering.add(key)
        self._awaited_reads += 1
        timer.append(asyncio.get_running_loop().call_later(SLOW_WRITE, self._slow_read))
        await self._within_grace(future)

    def _read_done(self) -> None:
        self._awaited_reads -= 1
        if self._reading_slow and not self._awaited_reads:
            self._reading_slow = False
            self.update_status()

    @on(ReadsLanded)
    def _reads_landed(self) -> None:
        # Handled while the app closes (its loop goes on while the screens are taken down):
        # nothing left to show on, and the pane's styles may be gone already.
        if self.is_running:
            self._show_reads()

    def _show_reads(self) -> None:
        """Show the reads that returned (a failed one is logged by ``_read``, as is a failure
        of the handle catching up with the files before it)."""
        from tuireader.store import StoreError

        for read in self._reader.landed():
            if read.future.cancelled():
                continue
            error = read.future.exception()
            if isinstance(error, StoreError):
                read.shown(_Unread(error))
            elif error is not None:
                raise error
            else:
                read.shown(read.future.result())

    def _slow_read(self) -> None:
        if self._awaited_reads and not self._reading_slow:
            self._reading_slow = True
            self.update_status()

    def _slow_write(self) -> None:
        self._saving_timer = None
        if self._writer.writing is not None and not self._saving:
            self._saving = True
            self.update_status()

    @on(WritesLanded)
    def _writes_landed(self) -> None:
        if self.is_running:  # as for reads; the writes are on disk, nothing is lost
            self._show_landed()

    def _show_landed(self) -> None:
        """Show the writes of mine that are durable now, in the order they were asked for."""
        from tuireader.store import StoreError

        landed = self._writer.landed()
        for write in landed:
            error = write.future.exception()
            if error is None:
                self._unsaved = self._unsaved and not write.change
                self._shown_changes += write.change
                write.shown(write.future.result())
            elif isinstance(error, StoreError):
                self._failed_writes += 1
                self._unsaved = True
                self._error(error)
                self._mark_refused_write(error)
            elif isinstance(error, ValueError):  # a split or merge in a place it cannot be
                self.bell()
                self.notify(f"Cannot do that: {error}.", severity="warning", markup=False)
            else:
                raise error
        if landed:
            # A write reloads what other windows wrote first; show it after this change.
            self.show_reloads()
        if self._saving and self._writer.writing is None:
            self._saving = False
            self.update_status()

    @property
    def writing(self) -> bool:
        """Writes of mine are queued or being written (not shown yet)."""
        return self._writer.writing is not None

    async def writes_landed(self) -> None:
        """Wait (without holding the event loop) until every write of mine asked for so far is
        durable and shown: what a key that reads my annotations does first."""
        while (writing := self._writer.writing) is not None:
            await asyncio.wait([asyncio.wrap_future(writing)])
            self._show_landed()

    @property
    def reading(self) -> bool:
        """Reads are queued or under way in the reader thread (not shown yet)."""
        return bool(self._reader.waiting)

    async def reads_landed(self) -> None:
        """Wait (without holding the event loop) until my writes and every read asked for so
        far (a look at other windows' writes, a change of annotator) have landed and are shown."""
        await self.writes_landed()
        while waiting := self._reader.waiting:
            await asyncio.wait([asyncio.wrap_future(f) for f in waiting])
            self._show_reads()
            await self.writes_landed()

    async def _written(self, job: Callable[[], object], shown: Callable[[Any], None]) -> bool:
        """``_write`` and wait until it is shown; False if it (or an earlier write) failed."""
        failed = self._failed_writes
        self._write(job, shown)
        await self.writes_landed()
        return self._failed_writes == failed

    def _write_change(
        self, call: Callable[[], Change | None], *, jump: bool = False, nothing: str = ""
    ) -> None:
        """``_write`` of a change of my annotations, shown by ``apply_change`` (``nothing``: the
        line to show when there was nothing to change)."""
        if self._refused_unreadable():
            return
        self._write(self._with_layers(call), partial(self._show_change, jump, nothing))

    async def _written_change(self, call: Callable[[], Change | None]) -> bool:
        if self._refused_unreadable():
            return False
        return await self._written(self._with_layers(call), partial(self._show_change, False, ""))

    def _refused_unreadable(self) -> bool:
        """True, with one line, when the open article's annotations cannot be read (marked
        ``!`` in the list: its shard file missing or damaged): a tag key would change what the
        screen does not show (the store refuses it too). Read again once the file is back
        (``_recheck_unreadable``)."""
        from tuireader.dbformat.layout import shard_path

        article = self.pane.article
        why = None if article is None else self.article_list.unreadable.get(article.id)
        if article is None or why is None:
            return False

        shard = sanitise.path(shard_path(self.store.path, article.id))
        state = why.removeprefix("shard ")
        self.bell()
        self.notify(
            f"Not saved: this article's annotations cannot be read ({shard} is {state}); "
            "nothing was changed. Once the file is back, or whole again, they are read again.",
            title="Not saved",
            severity="error",
            markup=False,
            timeout=8,
        )
        return True

    def _mark_refused_write(self, error: BaseException) -> None:
        """A write refused because the open article's shard file is missing or damaged (since
        it was read): marked so in the list, and looked at again until it is whole."""
        from tuireader.dbformat.layout import shard_path
        from tuireader.store import StoreError, StoreWriteError

        article = self.pane.article
        if (
            article is None
            or not isinstance(error, StoreError)
            or isinstance(error, StoreWriteError)
        ):
            return
        if str(error.path) == str(shard_path(self.store.path, article.id)):
            self.article_list.update_unreadable([article.id], {article.id: unreadable_label(error)})

    def _recheck_unreadable(self) -> None:
        """Look at the articles marked unreadable again (the timer's look; the reader's
        handle): a shard file put back drops its mark, and the open one is opened again to
        show its tags. The open article, when not marked, is looked at with a ``stat``: a
        shard file gone since it was read marks it."""
        if self._rechecking:
            return
        marked = list(self.article_list.unreadable)
        article = self.pane.article
        open_id = None
        if article is not None and article.id not in marked and self._opening is None:
            open_id = article.id
        if not marked and open_id is None:
            return

        def look(store: Store) -> tuple[CountReads, dict[str, BaseException]]:
            reads = read_counts(store, marked, keep=False)
            for article_id in marked:
                problem = store.readable_now(article_id)
                if problem is None:
                    reads.unreadable.pop(article_id, None)
                else:
                    reads.unreadable[article_id] = problem
            gone = None if open_id is None else store.readable_now(open_id, read=False)
            return reads, {} if gone is None or open_id is None else {open_id: gone}

        # A failure (the files spoiled) is the look's to log, once: not logged here.
        looking = self._read(look, self._rechecked, after_writes=False, failed=True)
        self._rechecking = looking is not None

    def _rechecked(self, looked: tuple[CountReads, dict[str, BaseException]] | _Unread) -> None:
        self._rechecking = False
        if isinstance(looked, _Unread):
            return
        reads, gone = looked
        before = set(self.article_list.unreadable)
        if reads.layers:
            self.article_list.update_counts(self._count_articles(reads))
        if gone:
            self._mark_unreadable(gone, gone)
        article = self.pane.article
        if (
            article is not None
            and article.id in before
            and article.id not in self.article_list.unreadable
            and self._opening is None
        ):
            self.open_article(article)  # its tags, read again from the file put back

    def _with_layers(
        self, call: Callable[[], Change | None]
    ) -> Callable[
        [], tuple[Change | None, dict[str, list[Annotation]], dict[str, list[Annotation]]]
    ]:
        """In the writer thread: the change, my layer of each article it touched as it is then,
        and (while the compare view is on) every layer of each, so showing it (the list's
        counts, the compare view) does not ask the store on the event loop."""
        comparing = self.comparing

        def run() -> tuple[Change | None, dict[str, list[Annotation]], dict[str, list[Annotation]]]:
            change = call()
            touched: set[str] = set()
            if change is not None:
                touched = {a.article_id for a in (*change.before, *change.after)}
                boundaries = (*change.boundaries_before, *change.boundaries_after)
                touched |= {b.article_id for b in boundaries}
            mine = {article_id: self.store.mine(article_id) for article_id in touched}
            every = {a: self.store.annotations(a) for a in touched} if comparing else {}
            return change, mine, every

        return run

    def _show_change(
        self,
        jump: bool,
        nothing: str,
        landed: tuple[Change | None, dict[str, list[Annotation]], dict[str, list[Annotation]]],
    ) -> None:
        change, layers, every = landed
        if change is None and nothing:
            self.notify(nothing, severity="information")
        said, self._notes_gone = self._notes_gone, self._notes_removed(change)
        self.apply_change(change, jump=jump, layers=layers, every=every)
        if said != self._notes_gone:
            self.update_status()

    def _notes_removed(self, change: Change | None) -> tuple[str, int, str] | None:
        """What to say of the notes ``change`` removed with their annotations (a tag cleared,
        its key pressed again, a range cleared or tagged over), if any: a note moved to a piece
        of the tag or kept by a retag is not removed. An undo restores what the user asked
        for, so it says nothing."""
        article = self.pane.article
        if change is None or article is None or change.label.startswith("undo "):
            return None
        after = {a.id for a in change.after}
        removed = [a for a in change.before if a.id not in after]
        notes = sum(1 for a in removed if a.note)
        if not notes:
            return None
        undo = self.keys.show("app.undo")
        if len(removed) == 1:
            said = "tag and note removed"
        else:
            said = f"{counted(len(removed), 'tag')} and {counted(notes, 'note')} removed"
        return article.id, self.pane.cursor, f"{said} · {undo} restores"

    def apply_change(
        self,
        change: Change | None,
        jump: bool = False,
        layers: Mapping[str, list[Annotation]] | None = None,
        every: Mapping[str, list[Annotation]] | None = None,
    ) -> None:
        """Show a change that is on disk: restyle its sentences and update the list counts
        (from ``layers``, my layer of each article the change touched, when given)."""
        if change is None:
            return
        if change.states:
            self._states_changed(change)
        if change.done:
            store = self.store
            self._write(lambda: read_done(store), self._done_reread)
        if self._store_count is not None:
            self._store_count += len(change.after) - len(change.before)
        if change.corrects_sentences:
            self._look_corrections = None  # unknown: the next look has the writer catch up
            self._show_corrections(change, layers or {})
        # Before and after of each article the change touched.
        by_article: dict[str, tuple[list[Annotation], list[Annotation]]] = {}
        for side, replaced in enumerate((change.before, change.after)):
            for annotation in replaced:
                by_article.setdefault(annotation.article_id, ([], []))[side].append(annotation)
        for article_id in by_article:
            changed = self.article_by_id(article_id)
            if changed is None:
                continue
            # Counted again from the whole layer: sentences, not annotations (a second part
            # tagged on a tagged sentence adds none), as tag_counts says.
            layer = None if layers is None else layers.get(article_id)
            if layer is None:  # not read with the change: the next reload counts it
                continue
            self.article_list.set_counts(article_id, ArticleCounts.of(layer, changed.sentences))
            self._counts_dirty[article_id] = fingerprint(layer)
        self._schedule_cursor_save()
        self._train_model()
        current = self.pane.article
        if jump and by_article and (current is None or current.id not in by_article):
            article = self.article_by_id(next(iter(by_article)))
            if article is not None:
                # Opened with the change in place (it is on disk), the cursor on it.
                span = change.span
                index = None if span is None else sentence_at(article.sentences, span[0])
                if index is not None:
                    self._cursors[article.id] = index
                self.open_article(article)
                return
        if current is not None and current.id in by_article and self.pane.sentences:
            self.pane.apply_annotations(*by_article[current.id])
            self.refresh_comparison(None if every is None else every.get(current.id))
            span = change.span
            if jump and span is not None:
                index = sentence_at(self.pane.sentences, span[0])
                if index is not None:
                    self.pane.move_to(index)

    def tag_sentences(self, first: int, last: int, tag_id: str) -> None:
        article = self.pane.article
        if article is not None:
            self._record_tag_set()
            self._write_change(partial(self.store.tag, article, first, last, tag_id))

    def tag_span(self, start: int, end: int, tag_id: str) -> None:
        """Tag exactly the characters ``start:end`` (words inside a sentence)."""
        article = self.pane.article
        if article is not None:
            self._record_tag_set()
            self._write_change(partial(self.store.tag_span, article, start, end, tag_id))

    def split_sentence(self, index: int, at: int) -> None:
        """Split the sentence (for every annotator); shown once written, undone with ``u``."""
        article = self.pane.article
        if article is not None:
            self._write_change(partial(self.store.split_sentence, article, index, at))

    async def merge_sentences(self, index: int) -> None:
        """Merge the sentence with the next; when my tags on the two differ, ask first. Decided
        in the writer thread, in its turn (so the question is about my tags as they are on
        disk then): merged at once where the merge rule decides, else nothing is written and the
        question is asked when it lands. Keys typed meanwhile go on, in order after it."""
        article = self.pane.article
        if article is None:
            return
        store = self.store
        asked: list[MergeQuestion | ValueError] = []

        def merge_or_ask() -> Change | None:
            try:
                question = store.merge_question(article, index)
            except ValueError as exc:  # no next sentence, another paragraph
                asked.append(exc)
                return None
            if question is not None:
                asked.append(question)
                return None
            return store.merge_sentences(article, index)

        def shown(
            landed: tuple[Change | None, dict[str, list[Annotation]], dict[str, list[Annotation]]],
        ) -> None:
            self._show_change(False, "", landed)
            if asked:
                self._ask_merge(article, index, asked[0])

        await self._within_grace(self._write(self._with_layers(merge_or_ask), shown))

    def _ask_merge(
        self, article: Article, index: int, question: MergeQuestion | ValueError
    ) -> None:
        from tuireader.ui.merge_screen import MergeScreen, merge_choices

        if self.pane.article is not article:
            return
        if isinstance(question, ValueError):  # the last sentence too: said, never silent
            self.bell()
            self.notify(f"Cannot merge: {question}.", severity="warning", markup=False, timeout=4)
            return
        if index + 1 >= len(article.sentences):  # merged meanwhile (another window)
            return
        merge = self.store.merge_sentences

        def chosen(choice: str | None) -> None:
            if choice is not None and self.pane.article is article:
                self._write_change(partial(merge, article, index, choice))

        first, second = article.sentences[index], article.sentences[index + 1]
        quote = article.body[first.start : second.end]
        self.push_screen(MergeScreen(quote, merge_choices(question, self.tags)), chosen)

    def _show_corrections(self, change: Change, layers: Mapping[str, list[Annotation]]) -> None:
        """Show the sentences a split or merge (or its undo) changed: only those rows."""
        article = self.pane.article
        gaps = [
            (b.start, b.end)
            for b in (*change.boundaries_before, *change.boundaries_after)
            if article is not None and b.article_id == article.id
        ]
        if article is None or not gaps:
            return
        layer = layers.get(article.id)
        if len(gaps) == 1 or layer is None:
            start, end = min(g[0] for g in gaps), max(g[1] for g in gaps)
            self.pane.resegment(max(0, start - 1), end + 1)
        else:
            self.pane.follow_sentences(layer)
        self._sentences_changed(article, layer)

    def _sentences_changed(self, article: Article, layer: list[Annotation] | None) -> None:
        """After a split or merge is shown: suggestions are kept only as the pane shifted them
        (a worker's result for the old sentences is dropped); the comparison and the list's
        counts follow after the frame."""
        pane = self.pane
        self._suggesting.discard(article.id)
        if pane.suggestions is not None and len(pane.suggestions) == len(pane.sentences):
            self._suggestions[article.id] = list(pane.suggestions)
        else:
            self._suggestions.pop(article.id, None)
        if layer is not None:
            self.call_after_refresh(self._recount, article, layer)
        else:
            recount = partial(self._recount, article)
            self._read(lambda store: store.mine(article.id), recount, fresh=True)
        if self.comparing:
            self.call_after_refresh(self.refresh_comparison)

    @property
    def _recording(self) -> list[Tag]:
        """The tags this app asked the writer to record in the codebook record, and that were
        not refused (a later codebook's tag replaces an earlier one of the same id)."""
        recording: dict[str, Tag] = {}
        for tags in self._tag_sets_asked:
            for tag in tags:
                recording.pop(tag.id, None)
                recording[tag.id] = tag
        return list(recording.values())

    def _record_tag_set(self) -> None:
        """Before the first tag of a session: record the codebook in the database (merged with
        what it recorded before), so another codebook shows these tags by name and marker."""
        if self._tag_set_recorded or self.store.read_only:
            return
        from tuireader.store import StoreError

        self._tag_set_recorded = True
        tags = self.config.tags
        self._tag_sets_asked.append(tags)
        store = self.store

        def record() -> StoreError | OSError | None:
            # By the writer thread, in its turn before the tag: a failure is handed back (not
            # raised: the tag's own write says whether the tag is saved).
            try:
                record_tag_set(store, tags)
            except (StoreError, OSError) as exc:
                return exc
            return None

        def recorded(failed: StoreError | OSError | None) -> None:
            if failed is None:
                return
            # As it was before: the codebook is not taken as recorded, and the next tag asks again.
            self._tag_sets_asked = [t for t in self._tag_sets_asked if t is not tags]
            if self.config.tags is tags:
                self._tag_set_recorded = False
            problem = str(failed) if isinstance(failed, StoreError) else os_problem(failed)
            self.notify(
                f"The codebook was not recorded in the database ({problem}); "
                "it is tried again with your next tag.",
                title="Codebook not recorded",
                severity="warning",
                markup=False,
                timeout=8,
            )

        self._writer.write(record, recorded, change=False)

    def clear_sentences(self, first: int, last: int) -> None:
        article = self.pane.article
        if article is not None:
            where = "this sentence" if first == last else "these sentences"
            nothing = f"Nothing to clear: no tag of yours on {where}."
            self._write_change(partial(self.store.clear, article, first, last), nothing=nothing)

    async def action_note(self) -> None:
        """Write or edit the note of the annotation under the cursor (a modal input)."""
        from tuireader.ui.note_screen import NoteScreen

        await self.writes_landed()  # a tag just typed is the one to annotate
        annotation = self.pane.annotation
        if annotation is None:
            keys = self.keys.tag_keys(t.id for t in self.tags.active)
            self.notify(f"Tag the sentence first ({keys}), then add a note.", severity="warning")
            return

        def save(note: str | None) -> None:
            if note is None or note == annotation.note:
                return
            self._write_change(partial(self.store.set_note, annotation.id, note))

        quote = annotation.quote.exact
        self.push_screen(
            NoteScreen(quote if len(quote) < 300 else quote[:299] + "…", annotation.note), save
        )

    def action_undo(self) -> None:
        """Undo this window's last change: after the writes asked for before it (the writer
        runs them in order), so ``f`` then ``u`` undoes that ``f``."""
        self._write_change(self.store.undo, jump=True, nothing="Nothing to undo.")

    def action_redo(self) -> None:
        self._write_change(self.store.redo, jump=True, nothing="Nothing to redo.")

    # -- team: done marks ----------------------------------------------------------------------

    def _done_states(self, done: DoneReads) -> dict[str, DoneState]:
        return done_states(done.marks, self.store.annotator, done.annotators)

    def action_toggle_done(self) -> None:
        """Mark the open article done for me; again, take the mark back. Decided in the writer
        thread, in its turn: a mark typed twice quickly takes it back. Adjudicating, the
        article is marked done only once no disagreement is left open; ``D`` again, while
        some are, asks whether to mark it done anyway."""
        from tuireader.ui.adjudicate_screen import ConfirmDoneScreen

        article = self.pane.article
        left = self._open_here()
        if article is None or article.id != self._done_refused or not left:
            self._toggle_done()
            return

        def answered(yes: bool | None) -> None:
            if yes and self.pane.article is article:
                self._toggle_done(force=True)

        self.push_screen(ConfirmDoneScreen(left.count, len(left.unresolved)), answered)

    def _open_here(self) -> Open | None:
        """The disagreements I have not settled on the open article, as shown (adjudicating)."""
        from tuireader.adjudication import open_disagreements
        from tuireader.agreement import NO_TAG

        pane = self.pane
        comparison = pane.comparison
        if not self.adjudicating or comparison is None:
            return None
        own = [NO_TAG] * len(pane.sentences)
        for index in comparison.disagreements:
            mine = pane.annotation_of(index)
            if mine is not None:
                own[index] = mine.tag
        return open_disagreements(comparison, own, self._verdicts())

    def _toggle_done(self, force: bool = False) -> None:
        """``force``: mark done even with disagreements open (asked first)."""
        from tuireader.adjudication import open_disagreements, state_key, untagged_verdicts
        from tuireader.agreement import sentence_values

        article = self.pane.article
        if article is None:
            self.notify("Open an article first.", severity="warning")
            return
        store = self.store
        comparison = self.pane.comparison if self.adjudicating else None
        if self.adjudicating and comparison is None:
            # Done is decided against the disagreements: never without them at hand.
            done = self.keys.show("app.done")
            self.notify(
                f"Still reading the annotators' tags: {done} again in a moment."
                if self.comparing
                else f"{self.keys.show('app.compare')} shows the disagreements first: "
                f"{done} marks done only once none is open.",
                timeout=4,
                markup=False,
            )
            return
        sentences = self.pane.sentences
        filled = self._fill_agreed(article) if comparison is not None else None

        def toggle() -> tuple[bool, str, DoneReads] | Open:
            done = store.annotator not in store.done_by(article.id)
            steps = 1 if filled and filled[0] else 0
            if done and comparison is not None:
                # In the writer thread, after the fill: my layer and decisions as on disk.
                own = sentence_values(sentences, store.mine(article.id))
                state = store.get_state(state_key(store.annotator, article.id), {})
                left = open_disagreements(comparison, own, untagged_verdicts(state, sentences))
                if left and not force:
                    return left  # the fill stays, one undo step; the article is not done
            store.set_done(article.id, done, record=True)
            if steps:  # the agreed sentences and the mark: one undo step
                store.join_undo(steps + 1, "mark done")
            return done, store.annotator, read_done(store)

        self._write(toggle, partial(self._done_toggled, article.id))

    def _fill_agreed(self, article: Article) -> list[bool] | None:
        """Adjudicating, ``D`` (marking done, not taking it back) first writes the sentences
        the annotators agree on into my layer, and into my record the annotators compared (it
        says my layer is an adjudication, for ``agree``): the gold layer is then whole.
        Returns, once the writer ran it, ``[True]`` if it wrote a step (the mark joins it),
        else ``[False]``."""
        from tuireader.adjudication import agreed_runs, state_key, with_compared

        pane = self.pane
        comparison = pane.comparison
        if comparison is None or pane.article is not article:
            return None
        taken = {i for i in range(len(pane.sentences)) if pane.annotation_of(i) is not None}
        runs = agreed_runs(comparison, taken)
        store = self.store
        key = state_key(store.annotator, article.id)
        compared = (*comparison.annotators, *comparison.hidden)
        filled = [False]

        def fill() -> Change | None:
            if store.annotator in store.done_by(article.id):
                return None  # taking the mark back: nothing is filled in
            state = with_compared(store.get_state(key, {}), compared)
            change = store.tag_many(article, runs, "fill in agreed sentences") if runs else None
            if not change:
                # Nothing to fill: the record alone is no step of its own to undo.
                store.set_states({key: state})
                return None
            recorded = store.set_states_undoable("fill in agreed sentences", {key: state})
            if recorded:
                store.join_undo(2, "fill in agreed sentences")
                change = dataclasses.replace(change, states=recorded.states)  # both shown
            filled[0] = True
            return change

        self._write_change(fill)
        return filled

    def _done_reread(self, marks: DoneReads) -> None:
        """The done marks after an undo or redo of ``D``."""
        self.article_list.set_states(self._done_states(marks))

    def _done_toggled(self, article_id: str, toggled: tuple[bool, str, DoneReads] | Open) -> None:
        from tuireader.adjudication import Open

        if isinstance(toggled, Open):
            # Not done: the status line says how many are open and how to go on (or insist).
            self._done_refused = article_id
            self.update_status()
            keys = self.keys
            unresolved = len(toggled.unresolved)
            self.notify(
                f"Not marked done: {counted(toggled.count, 'disagreement')} still open"
                + (f" ({unresolved:,} left unresolved)" if unresolved else "")
                + f". {keys.show('reader.next_disagreement')} goes to the next, "
                f"{keys.show('app.adjudicate')} decides it; {keys.show('app.done')} again marks "
                "the article done anyway, asking first.",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        self._done_refused = None
        done, annotator, marks = toggled
        self.article_list.set_states(self._done_states(marks))
        self.notify(
            f"Marked done as {annotator}." if done else "No longer marked done.",
            timeout=3,
            markup=False,
        )
        self.update_status()

    # -- team: compare ------------------------------------------------------------------------

    def action_compare(self) -> None:
        """Show (again: hide) every annotator's tags in the gutter, one column each."""
        if self.pane.article is None or not self.pane.sentences:
            self.notify("Open an article first.", severity="warning")
            return
        self.comparing = not self.comparing
        self.refresh_comparison(then=self._compared)

    def _compared(self) -> None:
        comparison = self.pane.comparison
        if comparison is not None and len(comparison.annotators) < 2:
            self.notify("Nobody else has tagged this article yet.", timeout=4)

    @staticmethod
    def layers_of(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
        """Each annotator's annotations, from every layer's."""
        layers: dict[str, list[Annotation]] = {}
        for annotation in annotations:
            layers.setdefault(annotation.annotator, []).append(annotation)
        return layers

    def refresh_comparison(
        self,
        annotations: list[Annotation] | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Recompute the compare view after a change (ours or another window's), from
        ``annotations`` (every layer of the open article) when given, else from the store as
        read in the reader thread (shown when it lands, if the article is still open and the
        view still on); ``then`` once it is shown."""
        pane = self.pane
        article = pane.article
        if not self.comparing or article is None or not pane.sentences:
            if pane.comparison is not None:
                pane.set_comparison(None)
            return
        from tuireader.comparison import compare

        if annotations is None:

            def landed(every: list[Annotation]) -> None:
                if self.pane.article is article:
                    self.refresh_comparison(every, then)

            self._read(lambda store: store.annotations(article.id), landed, fresh=True)
            return
        layers = self.layers_of(annotations)
        if self.adjudicating:  # the originals only: my layer holds the decisions
            layers.pop(self.store.annotator, None)
        else:
            layers.setdefault(self.store.annotator, [])  # my column, even before my first tag
        pane.set_comparison(compare(pane.sentences, layers, order=[self.store.annotator]))
        if then is not None:
            then()

    # -- team: adjudication -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "adjudicate":
            return self.comparing
        return True

    def on_key(self, event: events.Key) -> None:
        """A key whose binding is off here (``check_action``: the compare view's keys outside
        it) says why instead of doing nothing."""
        from tuireader.ui import idle_keys

        if self.comparing or self.screen is not self.pane.screen:
            return
        if event.key in self.keys.keys("app.adjudicate"):
            why = idle_keys.adjudicate(None, self.adjudicating, self.keys)
        elif isinstance(self.focused, ReadingPane) and any(
            event.key in self.keys.keys(b) for b in idle_keys.OFF_IN_THE_LIST
        ):
            why = idle_keys.compare_view_off(self.keys)
        else:
            return
        if why is not None:
            self.notify(why, timeout=4, markup=False)

    def _verdicts(self) -> dict[int, Verdict]:
        """My "no tag" and "unresolved" decisions on the open article, by sentence."""
        from tuireader.adjudication import untagged_verdicts

        pane = self.pane
        if pane.article is None:
            return {}
        known = self._verdict_state
        if known is None or known[:2] != (self.store.annotator, pane.article.id):
            return {}  # read with the article (its open, a reload): counted once they land
        return untagged_verdicts(known[2], pane.sentences)

    def _decided(self) -> set[int]:
        comparison = self.pane.comparison
        if comparison is None:
            return set()
        tagged = {i for i in comparison.disagreements if self.pane.annotation_of(i) is not None}
        return tagged | set(self._verdicts())

    def _adjudication_status(self) -> Content:
        from tuireader.adjudication import UNRESOLVED

        comparison = self.pane.comparison
        if comparison is None:
            return Content("")
        verdicts = self._verdicts()
        decided = self._decided() & set(comparison.disagreements)
        unresolved = sum(1 for v in verdicts.values() if v.value == UNRESOLVED)
        text = f"  decided {len(decided)}/{len(comparison.disagreements)}"
        if unresolved:
            text += f", {unresolved} unresolved"
        mine = verdicts.get(self.pane.cursor)
        if mine is not None:
            text += " · here: " + ("unresolved" if mine.value == UNRESOLVED else "no tag")
        return Content.styled(text + f" ({self.keys.show('app.adjudicate')} decides)", "italic")

    def _not_done_notice(self) -> Content | None:
        """After ``D`` left the article not done (adjudicating): how many disagreements are
        still open and how to go on, first on the status line so a narrow terminal shows it."""
        article = self.pane.article
        if article is None or article.id != self._done_refused:
            return None
        keys = self.keys
        done = keys.show("app.done")
        left = self._open_here()
        if not left:
            return Content.styled(f"nothing left open: {done} marks it done ", "bold")
        return Content.assemble(
            (f"NOT DONE: {counted(left.count, 'disagreement')} open", "bold reverse"),
            (
                f" ({keys.show('reader.next_disagreement')} next · {done} again: done anyway) ",
                "bold",
            ),
        )

    def _to_open_disagreement(self) -> None:
        """Put the cursor on the first disagreement still to decide (adjudication)."""
        from tuireader.adjudication import next_open

        comparison = self.pane.comparison
        if comparison is None:
            return
        target = next_open(comparison.disagreements, self._decided(), -1)
        if target is not None:
            self.pane.move_to(target)

    def action_adjudicate(self) -> None:
        """Decide the sentence under the cursor: take a tag, set another, or leave it open."""
        from tuireader.ui import idle_keys
        from tuireader.ui.adjudicate_screen import AdjudicateScreen, verdict_choices

        pane = self.pane
        comparison = pane.comparison
        article = pane.article
        if comparison is None or article is None or not pane.sentences:
            return
        why = idle_keys.adjudicate(comparison, self.adjudicating, self.keys)
        if why is not None:
            self.notify(why, timeout=4, markup=False)
            return
        index = pane.cursor
        sentence = pane.sentences[index]
        old = self._verdicts().get(index)
        mine = pane.annotation_of(index)
        reason = old.reason if old is not None else ""
        if mine is not None and "; " in mine.note:
            reason = mine.note.split("; ", 1)[1]
        choices = verdict_choices(comparison.of(index), self.tags, pane.looks)

        def decide(verdict: Verdict | None) -> None:
            if verdict is not None:
                self._apply_verdict(article, index, verdict)

        guidelines = {t.id: t.description for t in self.tags if t.description}
        self.push_screen(AdjudicateScreen(sentence.text, choices, reason, guidelines), decide)

    def _apply_verdict(self, article: Article, index: int, verdict: Verdict) -> None:
        """My tag (and its note) as decided, then the verdict: queued for the writer thread
        like a tag, after the writes asked for before, and decided there on my layer and
        record as they are on disk. Each is shown once durable ("Not saved" if it failed, and
        what follows it is then not written); the cursor goes to the next open disagreement
        once the verdict is shown. Keys typed meanwhile never wait for any of it."""
        from tuireader.adjudication import state_key, with_compared, with_verdict

        store = self.store
        sentence = self.pane.sentences[index]
        comparison = self.pane.comparison
        compared = () if comparison is None else (*comparison.annotators, *comparison.hidden)
        key = state_key(store.annotator, article.id)
        steps: list[Future[Any]] = []

        def step(job: Callable[[bool], object], shown: Callable[[Any], None]) -> None:
            """Queue ``job``, told in the writer thread whether a step before it failed."""
            earlier = tuple(steps)

            def run() -> object:
                # In the writer thread, which has run the earlier steps already.
                return job(any(f.exception() is not None for f in earlier))

            future = self._write(run, shown)
            if future is not None:
                steps.append(future)

        def change(call: Callable[[], Change | None]) -> None:
            written = self._with_layers(call)
            step(
                lambda failed: (None, {}, {}) if failed else written(),
                partial(self._show_change, False, ""),
            )

        def mine_here() -> Annotation | None:
            placed = store.annotations_at(article.id, sentence.start, sentence.end)
            return next((a for a in placed if a.annotator == store.annotator), None)

        if verdict.value in self.tags:
            change(partial(store.tag_many, article, [(index, index, verdict.value)], "adjudicate"))
            note = verdict.note(self.tags.get(verdict.value).label)

            def annotate() -> Change | None:
                placed = mine_here()
                return None if placed is None else store.set_note(placed.id, note)

            change(annotate)
        else:
            change(lambda: store.clear(article, index, index) if mine_here() else None)

        written = tuple(steps)

        def decided(failed: bool) -> object:
            if failed:
                return _NOT_WRITTEN
            # Read and written in the writer thread: the record as it is on disk, not as shown.
            state = with_verdict(store.get_state(key, {}), sentence, verdict)
            state = with_compared(state, compared)  # my layer is an adjudication, against whom
            recorded = store.set_states_undoable("adjudicate", {key: state or None})
            # The tag, its note and the record: one decision, one undo step.
            count = sum(1 for f in written if f.result()[0]) + (1 if recorded else 0)
            store.join_undo(count, "adjudicate")
            return state

        def shown(state: object) -> None:
            if state is _NOT_WRITTEN:
                return
            self._verdict_state = (store.annotator, article.id, state)
            self.update_status()
            self.refresh_comparison(then=partial(self._verdict_shown, article, index))

        step(decided, shown)

    def _states_changed(self, change: Change) -> None:
        """A step (a decision, a rejected suggestion, its undo or redo) changed my decisions on
        the open article."""
        article = self.pane.article
        key = None if article is None else self._verdicts_key(article.id)
        for name, _before, after in change.states:
            if name.startswith(REJECTIONS):
                self._rejected[name] = marks_from_state(after)
                self._show_rejected()
            if article is not None and name == key:
                self._verdict_state = (self.store.annotator, article.id, after or {})
                self.update_status()
                self.refresh_comparison()

    def _verdict_shown(self, article: Article, index: int) -> None:
        """The compare view read again after a verdict: on to the next open disagreement."""
        from tuireader.adjudication import next_open

        comparison = self.pane.comparison
        if comparison is not None and self.pane.article is article:
            target = next_open(comparison.disagreements, self._decided(), index)
            left = self._open_here()
            if target is None and left:  # only unresolved ones: still open for D
                self.notify(
                    f"Every disagreement here has a decision, but "
                    f"{counted(left.count, 'disagreement')} {plural(left.count, 'is', 'are')} "
                    "left unresolved: "
                    f"{self.keys.show('app.done')} marks the article done only once "
                    f"{plural(left.count, 'it is', 'they are')} decided.",
                    timeout=6,
                )
            elif target is None:
                self.notify("Every disagreement here is decided.", timeout=4)
            else:
                self.pane.move_to(target)
        self.update_status()

    # -- library -------------------------------------------------------------------------------

    def action_library(self) -> None:
        """Totals per folder: articles, sentences tagged of all, articles done; skipped files."""
        from tuireader.ui.library_screen import LibraryScreen, library_text

        articles = self.article_list
        text = library_text(
            self.catalog.shown,
            articles.counts,
            lambda article_id: articles.state_of(article_id).mine,
            self.tags,
            self.catalog.warnings,
            self.pane.looks,
        )
        self.push_screen(LibraryScreen(text))

    # -- search --------------------------------------------------------------------------------

    def action_search_all(self) -> None:
        """Search the text of every article; Enter on a sentence opens it there."""
        from tuireader.ui.search_all_screen import Found, SearchAllScreen

        def found(where: Found | None) -> None:
            if where is None:
                return
            entry = self.catalog.by_id(where.article_id) or self.catalog.by_path(where.path)
            if entry is None or not self.open_entry(entry):
                return
            self.pane.focus()

            def show() -> None:
                self.pane.set_search(where.query)
                self.pane.move_to(where.sentence)

            if self.pane.sentences:
                show()
            else:  # a book is split into sentences after its text is painted
                self.call_after_refresh(show)

        paths = [entry.path for entry in self.catalog.shown]
        self.push_screen(SearchAllScreen(paths), found)

    def action_search(self) -> None:
        """Search the article, or with the list focused filter the list (one key, two places)."""
        if self.focused is self.article_list:
            self.article_list.action_filter()
            return
        if self.pane.article is None:
            return
        search = self.query_one(SearchBar)
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        article = self.pane.article
        if article is not None and len(article.body) > LARGE_ARTICLE_CHARS and event.value:
            self._search_timer = self.set_timer(SEARCH_DELAY, self._run_search)
        else:
            self._run_search()

    def _run_search(self) -> None:
        """Highlight the matches and take the cursor to the first one from it (kept in view
        above the search box), as in an editor's incremental search."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self.pane.set_search(self.query_one(SearchBar).value)
        if not self.pane.next_match(from_cursor=True):
            self.update_status()

    @property
    def _searching(self) -> bool:
        search = self.search_bar
        return bool(search.display and search.value)

    @on(Input.Submitted, "#search")
    def _search_next(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        if self._search_timer is not None:  # Enter before the pause: search now
            self._run_search()
        if not self.pane.next_match():
            self.notify(f"No match for {event.value!r}", severity="warning", markup=False)

    @on(SearchBar.Closed)
    def _close_search(self) -> None:
        search = self.query_one(SearchBar)
        search.display = False
        self.pane.focus()
        self.update_status()

    # -- suggestions ---------------------------------------------------------------------------

    @on(ReadingPane.SuggestionsToggled)
    def _toggle_suggestions(self) -> None:
        article = self.pane.article
        if article is None or not self.pane.sentences:
            return
        if self.pane.suggestions is not None:  # off again (and stop filling in the rest)
            self._suggestions.pop(article.id, None)
            self._suggesting.discard(article.id)
            self.pane.set_suggestions(None)
            return
        if not self._suggestable:
            self.notify(
                "Suggestions are made only for fact, speculation and expert opinion; "
                "this tag set has none of them.",
                severity="warning",
                markup=False,
            )
            return
        self._read_rejections(article)
        if article.id in self._suggestions:
            self.pane.set_suggestions(self._suggestions[article.id])
            self._show_rejected()
            return
        self._say_rules_only()
        # The screen first, at once; the rest of a long text in a worker.
        from tuireader.learn import suggest_with
        from tuireader.suggest import suggest_range

        texts = [sentence.text for sentence in self.pane.sentences]
        shown = self.pane.visible_sentences()
        first = suggest_range(texts, shown.start, shown.stop)
        if self._tag_model is not None:
            first = suggest_with(self._tag_model, texts[shown.start : shown.stop], first)
        views: list[SuggestionView | None] = [None] * len(texts)
        wanted = self._suggestable  # only built-in tags the tag set in use has
        views[shown.start : shown.stop] = [
            _view(s if s is None or s.tag in wanted else None) for s in first
        ]
        self.pane.set_suggestions(views)
        self._show_rejected()
        if shown.stop - shown.start >= len(texts):
            self._suggestions_ready(article, views, whole=True)
            return
        if len(texts) > 2000:
            self.notify(f"Suggesting tags for {counted(len(texts), 'sentence')}…", timeout=3)
        self._suggesting.add(article.id)
        self._compute_suggestions(article, texts, self._tag_model)

    def _say_rules_only(self) -> None:
        """Once per session: without scikit-learn the suggestions come from the rules only."""
        from tuireader import learn

        if self._said_rules_only or learn.available():
            return
        self._said_rules_only = True
        self.notify(
            "Suggestions from the rules only: install tuireader[learn] (scikit-learn) to also "
            "learn from your own tags.",
            timeout=6,
            markup=False,
        )

    @property
    def _suggestable(self) -> set[str]:
        return {t.id for t in self.tags.active} & set(BUILTIN_TAG_IDS)

    @work(thread=True, group="own-sentences")
    def _own_sentences(self, article: Article) -> None:
        """A long article's first split or merge is spliced like the later ones if its sentences
        are copied beforehand (War and Peace: ~28,000 objects), here rather than on the key."""
        copy = owned(article.raw_sentences)
        self.call_from_thread(self._sentences_owned, article, copy)

    def _sentences_owned(self, article: Article, copy: list[Sentence]) -> None:
        # In the writer thread: a split or merge there may change the article's sentences.
        own = partial(self.store.own_sentences, article, copy)
        self._writer.write(own, partial(self._sentences_now_owned, article), change=False)

    def _sentences_now_owned(self, article: Article, owned: bool) -> None:
        if owned and self.pane.article is article and self.pane.sentences:
            self.pane.sentences = article.sentences  # the same sentences, now the article's own
            self._shown_to_set_aside(article)

    @work(thread=True, exclusive=True, group="suggest")
    def _compute_suggestions(
        self, article: Article, texts: list[str], model: TagModel | None
    ) -> None:
        from tuireader.learn import suggest_with
        from tuireader.suggest import suggest_sequence

        suggestions = suggest_sequence(texts)
        if model is not None:
            suggestions = suggest_with(model, texts, suggestions)
        # Only the built-in tags are ever suggested, and only those the tag set in use has.
        wanted = self._suggestable
        views = [_view(s if s is None or s.tag in wanted else None) for s in suggestions]
        self.call_from_thread(self._suggestions_ready, article, views)

    def _suggestions_ready(
        self, article: Article, views: list[SuggestionView | None], whole: bool = False
    ) -> None:
        if not whole and article.id not in self._suggesting:
            return  # switched off before the worker finished
        self._suggesting.discard(article.id)
        self._suggestions[article.id] = views
        if self.pane.article is article:
            self.pane.set_suggestions(views)
            self._show_rejected()
            rejected = self.pane.rejected
            count = sum(1 for i, v in enumerate(views) if v is not None and i not in rejected)
            models = sum(
                1 for i, v in enumerate(views) if v and v.source == "model" and i not in rejected
            )
            learnt = f", {models} from your tags" if models else ""
            keys = self.keys
            self.notify(
                f"{counted(count, 'suggestion')}{learnt}; {keys.show('reader.accept')} accepts one "
                f"({keys.show('reader.reject')} rejects it), "
                f"{keys.show('reader.accept_all')} all of them.",
                timeout=4,
                markup=False,
            )

    def _train_model(self) -> None:
        """Train (again) on my tags once there are enough, and enough new ones, in a worker."""
        if self._store_count is None:
            # Summed over the index (~20-30 ms at 500,000), so in the reader thread: once, and
            # again after another window wrote; kept up to date by our own changes between.
            if not self._counting:
                self._counting = True
                self._read(self._count_store, self._store_counted, failed=True, fresh=True)
            return
        from tuireader import learn  # imported by _count_store, off the event loop

        if not learn.available():
            return
        count = self._store_count  # every layer's: a cheap test before listing mine
        if not learn.retrain_due(count, self._model_tags):
            return
        self._model_tags = count
        article = self.pane.article
        shown: tuple[str, list[Annotation]] | None = None
        if article is not None and self._opening is None and self.pane.sentences:
            # My layer of the open article as shown: its shard is the biggest to read (a book
            # tagged twice: +100 MB at the peak, parsed beside the writer's store's copy).
            shown = (article.id, self.pane.placed)
        self._fit_model(self.store.annotator, self.tags, shown)

    @staticmethod
    def _count_store(store: Store) -> int:
        """In the reader thread: the store's size, ``learn`` imported first (its rules compile
        ~0.25 s of regular expressions: a stall of the event loop at the first tag, found by
        sampling it during bench_keys; in the writer thread it delayed my next tag as long)."""
        import tuireader.learn  # noqa: F401

        return len(store)

    def _store_counted(self, count: int | _Unread) -> None:
        self._counting = False
        if isinstance(count, _Unread):  # counted again at the next change
            return
        if self._store_count is None:
            self._store_count = count
            self._train_model()

    @work(thread=True, exclusive=True, group="learn")
    def _fit_model(
        self, annotator: str, tags: TagSet, shown: tuple[str, list[Annotation]] | None = None
    ) -> None:
        """Read my newest tags (every article's shard: seconds at 500,000, so here and not on the
        event loop, READ_BATCH articles per read on the reader's handle so its looks never wait
        long) and train (from a few thousand tags, in a process of its own:
        ``ui/model_training.py``). ``shown``: the open article's id and my layer of it as shown,
        used instead of reading its shard."""
        from tuireader.annotations import AnchorState
        from tuireader.learn import newest_pairs
        from tuireader.store import StoreError
        from tuireader.ui.model_training import train_apart

        worker = get_current_worker()
        orphaned = AnchorState.ORPHANED.value
        known = frozenset(tags.ids)

        # On the reader's handle, an article per read: my writes never wait for it.
        source = self._reader.source()

        def mine() -> Iterator[tuple[str, str, str]]:
            ids = source.annotated_article_ids()
            if shown is not None:
                ids = [i for i in ids if i != shown[0]]
                yield from ((a.updated, a.exact, a.tag) for a in shown[1] if a.tag in known)
            for at in range(0, len(ids), READ_BATCH):
                if worker.is_cancelled:
                    return
                batch = ids[at : at + READ_BATCH]
                time.sleep(READ_PAUSE * len(batch))
                # A damaged shard (reported when its article opens) is None: skipped.
                for rows in source.tag_rows_of(batch):
                    yield from kept(rows or [])

        def kept(rows: list[TagRow]) -> Iterator[tuple[str, str, str]]:
            for row in rows:
                if row.annotator == annotator and row.anchor != orphaned and row.tag in known:
                    yield row.updated, row.exact, row.tag

        # While this thread computes, a key press that waited on the disk (and let go of the
        # interpreter) waits again for this thread to yield it: up to Python's switch interval
        # (5 ms), several times per key. A shorter interval for the while, and a pause per
        # article, keep those waits under a millisecond.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, BACKGROUND_SWITCH))
        try:
            # Reading 500,000 rows set off collections that held the interpreter (and the
            # event loop) 25-100 ms each, scanning all the reader holds; the rows are acyclic.
            try:
                with collector_paused():
                    pairs = newest_pairs(mine())
            except StoreError as exc:  # a refused shard, or the app closing: not trained now
                log.warning("training read no tags: %s", exc)
                return
            if worker.is_cancelled:
                return  # a newer training replaced this one
            model = train_apart(pairs, lambda: worker.is_cancelled)
        finally:
            sys.setswitchinterval(interval)
        if not worker.is_cancelled:
            self.call_from_thread(self._model_trained, model)

    def _model_trained(self, model: TagModel | None) -> None:
        self._tag_model = model
        self._suggestions.clear()  # recomputed with the model the next time they are shown
        if self.pane.suggestions is not None and self.pane.article is not None:
            # Shown now: shown again with the new model at once, not at the next toggle.
            self._suggesting.discard(self.pane.article.id)
            self.pane.set_suggestions(None)
            self._toggle_suggestions()

    def _show_rejected(self) -> None:
        """Hide the suggestions I rejected on the open article (as far as they are known)."""
        article = self.pane.article
        if article is None:
            return
        marks = self._rejected.get(rejections_key(self.store.annotator, article.id), frozenset())
        self.pane.set_rejected(rejected_indexes(self.pane.sentences, marks))

    def _read_rejections(self, article: Article) -> None:
        """Read my rejected suggestions on ``article`` once (then kept up to date by my own
        changes), and hide them when they land."""
        key = rejections_key(self.store.annotator, article.id)
        if key in self._rejected:
            return

        def landed(value: object) -> None:
            if isinstance(value, _Unread):
                return
            self._rejected.setdefault(key, marks_from_state(value))
            if self.pane.article is article:
                self._show_rejected()

        self._read(lambda store: store.get_state(key, None), landed, failed=True)

    async def _rejections_known(self, article: Article) -> None:
        """Wait for my rejected suggestions on ``article`` to be read, if they are not yet."""
        key = rejections_key(self.store.annotator, article.id)
        if key not in self._rejected:
            value = await self._read_now(lambda store: store.get_state(key, None))
            if not isinstance(value, _Unread):
                self._rejected.setdefault(key, marks_from_state(value))
        self._show_rejected()

    async def reject_suggestion(self, index: int) -> None:
        """Hide the suggestion for sentence ``index`` from me (one undo step): it is not a tag,
        and accepting all of them leaves it untagged."""
        pane = self.pane
        article = pane.article
        if article is None or pane.suggestions is None:
            self.notify(
                f"Suggestions are off ({self.keys.show('reader.suggestions')} shows them).",
                severity="warning",
                markup=False,
            )
            return
        await self._rejections_known(article)
        if pane.article is not article or pane.suggestions is None:
            return
        if pane.suggestion is None or pane.annotation_of(index) is not None:
            self.notify("No untagged suggestion here to reject.", severity="warning")
            return
        store = self.store
        key = rejections_key(store.annotator, article.id)
        mark = sentence_mark(pane.sentences[index])

        def reject() -> Change:
            # Read and written in the writer thread: what another window rejected stays.
            value = with_mark(store.get_state(key, None), mark)
            return store.set_states_undoable("reject suggestion", {key: value})

        self._write_change(reject)

    async def accept_suggestions(self, index: int | None) -> None:
        """Accept the suggestion for sentence ``index``, or all of them (one undo step per source),
        recording whether each came from the rules or from the model of my tags; a suggestion
        I rejected is skipped."""
        from tuireader.annotations import Provenance

        await self.writes_landed()  # only sentences untagged on disk take a suggestion
        pane = self.pane
        article = pane.article
        if article is not None and pane.suggestions is not None:
            await self._rejections_known(article)
        if article is None or pane.suggestions is None or pane.article is not article:
            self.notify(
                f"Suggestions are off ({self.keys.show('reader.suggestions')} shows them).",
                severity="warning",
                markup=False,
            )
            return
        if index is None and article.id in self._suggesting:
            self.notify("Suggestions are still coming for the rest of the text.", timeout=3)
            return
        indexes = range(len(pane.sentences)) if index is None else [index]
        by_source: dict[Provenance, list[tuple[int, int, str]]] = {}
        skipped = 0
        for i in indexes:
            suggestion = pane.suggestions[i]
            if suggestion is not None and pane.annotation_of(i) is None and i in pane.rejected:
                skipped += 1
            elif suggestion is not None and pane.annotation_of(i) is None:
                provenance = (
                    Provenance.SUGGESTION_MODEL
                    if suggestion.source == "model"
                    else Provenance.SUGGESTION_RULE
                )
                by_source.setdefault(provenance, []).append((i, i, suggestion.tag))
        rejected = f"{counted(skipped, 'rejected suggestion')} skipped" if skipped else ""
        if not by_source:
            here = "left" if index is None else "here"
            said = f"No untagged suggestion {here}" + (f" ({rejected})." if rejected else ".")
            self.notify(said, severity="warning", markup=False)
            return
        self._record_tag_set()
        if index is not None:
            ((provenance, ((first, last, tag),)),) = by_source.items()
            # Through tag_many: an accepted suggestion only fills a sentence still untagged in my
            # layer when the store writes, so a tag set in another window since is never replaced.
            accept = partial(self.store.tag_many, provenance=provenance)
            self._write_change(partial(accept, article, [(first, last, tag)], "accept suggestion"))
            return
        accepted = 0
        for provenance, runs in by_source.items():
            accept = partial(self.store.tag_many, provenance=provenance)
            label = f"accept {counted(len(runs), 'suggestion')}"
            if not await self._written_change(partial(accept, article, runs, label)):
                break
            accepted += len(runs)
        if accepted:
            steps = "them all" if len(by_source) == 1 else "them in one step per source"
            undo = self.keys.show("app.undo")
            said = f"Accepted {counted(accepted, 'suggestion')} ({undo} undoes {steps})"
            self.notify(f"{said}; {rejected}." if rejected else f"{said}.", markup=False)

    # -- other keys ----------------------------------------------------------------------------

    def action_help(self) -> None:
        # Screens are imported when first used: startup pays only for what the first frame shows.
        from tuireader.ui.help_screen import HelpScreen, guidelines_text, help_text

        text = help_text(self.key_sections(self.tags), self.keys, self.resolved.moved)
        guidelines = guidelines_text(self.tags, self.pane.looks, self.keys)
        self.push_screen(HelpScreen(Content("\n").join([guidelines, text])))

    @on(ReadingPane.GuidelineRequested)
    def _show_guideline(self) -> None:
        """The guideline of the tag under the cursor (or suggested there)."""
        pane = self.pane
        annotation, suggestion = pane.annotation, pane.suggestion
        tag_id = annotation.tag if annotation else suggestion.tag if suggestion else None
        if tag_id is None or tag_id not in pane.tags:
            help_key = self.keys.show("app.help")
            self.notify(
                f"Untagged. {help_key} lists every tag with its guideline.",
                title="Guideline",
                markup=False,
            )
            return
        tag = pane.tags.get(tag_id)
        what = tag.description or "(this codebook gives no guideline for it)"
        if not tag.active:
            what += " (Not in the codebook in use: shown as recorded in the database.)"
        self.notify(what, title=f"{tag.marker} {tag.label}", markup=False, timeout=12)

    async def action_stats(self) -> None:
        """The open article's counts of my tags, and the agreement with the other annotators:
        every layer read in the reader thread, after my writes asked for before; keys typed
        meanwhile go on, and the counts show when they land."""
        pane = self.pane
        article = pane.article
        if article is None:
            return

        def read(store: Store) -> tuple[list[Annotation], dict[str, object]]:
            """Every layer, and each annotator's adjudication record of the article (an
            adjudicator's undecided sentences are left out of the agreement, as in ``agree``)."""
            from tuireader.adjudication import state_key

            every = store.annotations(article.id)
            names = {a.annotator for a in every}
            return every, {n: store.get_state(state_key(n, article.id), None) for n in names}

        def shown(answer: tuple[list[Annotation], dict[str, object]] | _Unread) -> None:
            from tuireader.ui.stats_screen import StatsScreen, stats_text

            if isinstance(answer, _Unread) or pane.article is not article:
                return
            every, records = answer
            layers = self.layers_of(every)
            counts = layer_counts(layers.get(self.store.annotator, []), pane.sentences)
            text = stats_text(
                article.title, counts.by_tag, len(pane.sentences), pane.tags, pane.looks
            )
            agreement = self.article_agreement(layers, records)
            if agreement:
                text = Content("\n").join([text, Content(""), Content("\n".join(agreement))])
            self.push_screen(StatsScreen(text))

        await self._answer("stats", read, shown)

    def article_agreement(
        self, layers: dict[str, list[Annotation]], records: Mapping[str, object] | None = None
    ) -> list[str]:
        """The open article's agreement figures (from each annotator's ``layers``) as lines of
        text; none with one annotator. ``records``: each annotator's adjudication record of
        the article, whose undecided sentences are left out (not their "no tag")."""
        from tuireader.adjudication import adjudicator_gaps
        from tuireader.agreement import agreement, sentence_values
        from tuireader.agreement_report import report_lines

        pane = self.pane
        if pane.article is None or not pane.sentences:
            return []
        if len(layers) < 2:
            return []
        names = sorted(layers)
        values = {name: sentence_values(pane.sentences, layers[name]) for name in names}
        columns: list[list[str | None]] = [list(values[name]) for name in names]
        undecided: dict[str, int] = {}
        for name, column in zip(names, columns, strict=True):
            gaps = adjudicator_gaps((records or {}).get(name), name, pane.sentences, values)
            for index in gaps:
                column[index] = None
            if gaps:
                undecided[name] = len(gaps)
        result = agreement(names, list(zip(*columns, strict=True)), self.tags.ids)
        return report_lines(result, self.tags, undecided=undecided)

    def _export_refusal(self, path: Path) -> str | None:
        """Why the export dialog must not write ``path``: a file of the database, an article
        of the open folder or library, or a file ``tuireader export -o`` replaces only with
        ``--force`` (an article, another database's files: the dialog has no force)."""
        from tuireader.export_target import content_refusal, refusal

        entries = self.catalog.entries
        articles = [e.path for e in entries] + [o for e in entries for o in e.others]
        return refusal(path, self.db_path, articles) or content_refusal(path)

    async def action_export(self, everything: bool) -> None:
        """Ask which format and where (``ui/export_screen.py``), then export in a thread. The
        corrections and the dialog's remembered choices are read in the reader thread; keys
        typed meanwhile go on, and the dialog opens when they land."""
        from tuireader.export import article_at_hand, collect
        from tuireader.ui.export_screen import (
            STATE_EXPORT,
            ExportChoice,
            ExportScreen,
            export_in_background,
            remembered_state,
        )

        article = self.pane.article
        if not everything and article is None:
            return
        ids = None if everything or article is None else [article.id]
        title = "all" if ids is None or article is None else article.title
        scope = "all articles" if ids is None or article is None else f"“{article.title}”"
        # Absolute, so that the dialog shows where the file goes and the check below holds
        # for a relative --db (the dialog's path is absolute).
        folder = self.db_path.parent.absolute() / "exports"
        served = self._served_exports is not None
        if self._served_exports is not None:  # a name in the server's folder, never a path
            folder = self._served_exports.absolute()
            if not folder.is_dir() or folder.is_symlink():
                self.notify(
                    sanitise.message(
                        f"Export is off in this served reader: {folder} is not a folder "
                        "(tuireader serve makes it when it starts)"
                    ),
                    title="Cannot export",
                    severity="error",
                    markup=False,
                )
                return

        def load(meta: Mapping[str, object]) -> Article | None:
            return self.article_by_id(str(meta["id"])) or article_at_hand(meta)

        def shown(read: tuple[dict[str, Any], object] | _Unread) -> None:
            if isinstance(read, _Unread):
                self.notify(str(read.error), title="Cannot export", severity="error", markup=False)
                return
            corrections, remembered = read
            text = with_corrections(load, corrections)

            def chosen(choice: ExportChoice | None) -> None:
                if choice is None:
                    return
                # Walked from the export's thread (every annotation of the selection, seconds
                # at 500k) on the reader's handle, an article per read: it never waits for my
                # writes, nor they for it, and it sees those asked for before the choice.
                source = self._reader.source(after=self._writer.last)
                if not self.store.read_only:  # a convenience, saved by the writer thread
                    self._writer.submit(
                        partial(self.store.set_state, STATE_EXPORT, remembered_state(choice))
                    )
                # The default folder is made on first use.
                if choice.path.parent.resolve() == folder.resolve():
                    with contextlib.suppress(OSError):  # else the export names the problem
                        folder.mkdir(parents=True, exist_ok=True)
                read = partial(collect, source, ids, text=text)
                done = partial(self.notify, title="Export", markup=False, timeout=8)
                export_in_background(self, read, choice, done)

            if not isinstance(remembered, dict):
                remembered = {}
            self.push_screen(
                ExportScreen(scope, title, remembered, folder, self._export_refusal, served=served),
                chosen,
            )

        await self._answer(
            "export",
            lambda store: (store.corrections_by_article(), store.get_state(STATE_EXPORT)),
            shown,
        )

    @on(events.DescendantBlur)
    def _keep_keyboard(self, event: events.DescendantBlur) -> None:
        """A resize across NARROW_WIDTH can hide the focused pane, which leaves nothing focused
        (Textual finds no focusable sibling): give the keys to the pane still shown."""
        try:
            screen = self.pane.screen
        except NoScreen:  # the app is closing: nothing to give the keys to
            return
        try:
            blurred = event.widget.screen
        except NoScreen:  # removed (the pane of the old codebook): its successor takes the keys
            return
        if self.focused is not None or blurred is not screen or self.screen is not screen:
            return
        shown = screen.focus_chain
        for widget in (self.pane, self.article_list):
            if widget in shown:
                widget.focus()
                return

    # -- themes --------------------------------------------------------------------------------

    def _initial_theme(self) -> str:
        """The theme chosen last (ctrl+p), unless the config names a new one since."""
        saved = self._saved_theme
        configured = self.config.theme
        if (
            isinstance(saved, dict)
            and saved.get("config") == configured
            and saved.get("name") in self.available_themes
        ):
            return str(saved["name"])
        if configured and configured in self.available_themes:
            return configured
        return self.theme

    def _theme_chosen(self, theme: object) -> None:
        if self.store.read_only:
            return
        states = {STATE_THEME: {"name": self.theme, "config": self.config.theme}}
        self._writer.submit(partial(self.store.set_states, states))

    def action_toggle_list(self) -> None:
        screen = self.screen
        if screen.has_class("-narrow"):
            screen.toggle_class("-show-list")
            shown = screen.has_class("-show-list")
        else:
            screen.toggle_class("-hide-list")
            shown = not screen.has_class("-hide-list")
        if shown:
            self.article_list.focus()
        else:
            self.pane.focus()

    async def action_quit(self) -> None:
        """Quit once every write of mine is durable; if the last one failed, stay (its one
        line shows why) and say so: ``q`` again quits."""
        self._cancel_queued_open()  # the keys typed before it have run: none needs it
        if not self._held_keys and (self._leave_open or self._open_alone()):
            # All the writer has left is an open under way (seconds for an edited book): its
            # reads, and attaching, which a later open does again (a kill at any moment leaves
            # the files whole). Every write of mine asked for before it is on disk, so it is not
            # waited for; the reader's state is saved on a store of its own.
            self.abandoned = True
            self._remember_cursor()
            await asyncio.to_thread(self._save_apart, self._states())
            self.exit(0)
            return
        if self.writing and not self._quitting:
            self._quitting = True
            self.update_status()
        await self.writes_landed()
        dropped, self._dropped_open = self._dropped_open, None
        if self._unsaved:
            self._quitting = False
            if dropped is not None and self._opening is None and self.pane.article is dropped:
                self.open_article(dropped)  # staying: the article shown is read after all
            self.update_status()
            self._unsaved = False
            quit_key = self.keys.show("app.quit")
            self.notify(
                f"A change was not saved (above); {quit_key} again quits anyway.",
                severity="warning",
                markup=False,
            )
            return
        self._save_cursors()
        # The reader's state is written too (a few ms; a compaction under way, up to a few
        # hundred), waited for off the event loop.
        await asyncio.to_thread(self._writer.drain)
        self.exit(0)

    def on_unmount(self) -> None:
        """However the app ends: what was not saved yet is, before the store is closed (an
        article's open not started yet is dropped)."""
        self._cancel_queued_open()
        if self._save_timer is not None and not self.abandoned:
            with contextlib.suppress(NoMatches, NoScreen):
                self._save_cursors()
        if self.abandoned:  # the open under way is not waited for (``action_quit``), nor a read
            self._writer.close(wait=False)
            self._reader.close(wait=False)
            return
        self._writer.close()  # first: a read waiting for a write starts when it returns
        self._reader.close()

    # -- UI state ------------------------------------------------------------------------------

    def _remember_cursor(self) -> None:
        try:
            pane = self.pane
        except (NoMatches, NoScreen):  # the app is closing: the cursor is kept as last moved
            return
        if pane.article is not None and pane.sentences:
            self._cursors[pane.article.id] = pane.cursor

    def _schedule_cursor_save(self) -> None:
        # Writing the file on every keystroke would cost a disk write per move; batch them. One
        # timer for the batch: starting a timer per keystroke costs as much as the status update.
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_CURSOR_DELAY, self._save_cursors)

    def _save_cursors(self) -> None:
        """Queue the reader's state (cursors, last article, changed list counts) for the writer
        thread: the key that led here never waits on the disk."""
        self._remember_cursor()
        states = self._states()
        if self.store.read_only:
            return
        self._writer.submit(partial(self._write_state, self.store, states), replaced=True)

    def _states(self) -> dict[str, object]:
        """The reader's state to save (the batch timer is stopped: it is being saved)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        states: dict[str, object] = {cursors_key(self.store.annotator): dict(self._cursors)}
        if self._last_article is not None:
            states[STATE_LAST_ARTICLE] = self._last_article
        with contextlib.suppress(NoMatches, NoScreen):  # closing: counted again next time
            states.update(self._counts_state())
        return states

    def _save_apart(self, states: dict[str, object]) -> None:
        """Quitting while the writer thread is busy opening an article: the reader's state
        written by a store of its own (another writer of the same files, as another window
        is), so the quit does not wait for that open."""
        from tuireader.store import Store, StoreError

        store = self.store
        if store.read_only:
            return
        wait = min(store.wait, QUIT_STATE_WAIT)
        try:
            with Store.open(store.path, store.annotator, wait=wait, tags=store.tags) as own:
                own.set_states(states)
        except StoreError as exc:  # a convenience: the cursors as saved before stay
            log.warning("the reader's state was not saved: %s", exc)

    @staticmethod
    def _write_state(store: Store, states: dict[str, object]) -> None:
        """In the writer thread: one journal entry for the batch, and the journal folded in if
        it has outgrown its limit. The first save after an upgrade also moves each article's
        counts out of the old all-articles record into its own, then drops the old one."""
        old = store.get_state(STATE_COUNTS, None)
        if isinstance(old, dict):
            moved = {counts_key(str(k)): v for k, v in old.items()}
            states = {**{k: v for k, v in moved.items() if store.get_state(k) is None}, **states}
        store.set_states(states)
        if old is not None:
            store.remove_states([STATE_COUNTS])
        store.compact()


def record_tag_set(store: Store, tags: TagSet) -> None:
    """Record ``tags`` in the store's codebook record, merged with what it recorded before."""
    recorded = store.get_state(TAG_SET_STATE, None)
    merged = merged_record(recorded, tags.active, replace_known=True)
    if merged != (recorded if isinstance(recorded, list) else []):
        store.set_state(TAG_SET_STATE, merged)


def _ignore(_result: object) -> None:
    """What shows a write that changes nothing on screen."""


def _view(suggestion: Suggestion | None) -> SuggestionView | None:
    if suggestion is None:
        return None
    return SuggestionView(
        suggestion.tag, suggestion.confidence, suggestion.reason, str(suggestion.source)
    )


def theme_of(spec: ThemeSpec) -> Theme:
    """A config theme as Textual's (colours validated by tuireader.config)."""
    colors = spec.colors
    return Theme(
        name=spec.name,
        dark=spec.dark,
        primary=colors["primary"],
        secondary=colors.get("secondary"),
        accent=colors.get("accent"),
        foreground=colors.get("foreground"),
        background=colors.get("background"),
        surface=colors.get("surface"),
        panel=colors.get("panel"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
    )


def check_config(config: Config) -> Resolved:
    """What only the reader can check: binding ids, key conflicts, the theme's name; the keys
    in force, with the built-in ones the codebook's tag keys moved."""
    resolved = check_keymap(ReaderApp.key_scopes(config.tags), config)
    names = set(BUILTIN_THEMES) | {t.name for t in config.themes}
    if config.theme is not None and config.theme not in names:
        where = config.located("theme")
        problem = f"unknown theme {config.theme!r} (built in: {', '.join(sorted(BUILTIN_THEMES))})"
        raise where.error(problem) if where else ConfigError("config", problem)
    return resolved


def single_file(paths: Sequence[str]) -> bool:
    """One path that is not a folder: opened (or refused, a FIFO or a device) before any UI."""
    return len(paths) == 1 and Path(paths[0]).exists() and not Path(paths[0]).is_dir()


def run_app(options: argparse.Namespace) -> int:
    """Load the library, open the store (refusing a bad file before any UI), run the reader."""
    gc.disable()  # until the first frame (resume_gc), or until a refusal returns
    try:
        return _run_app(options)
    finally:
        gc.enable()


def served_exports(options: argparse.Namespace) -> Path | None:
    """The exports folder ``tuireader serve`` gives each browser session (``--served-exports``),
    or None in a terminal."""
    folder = getattr(options, "served_exports", None)
    return Path(folder) if folder else None


def _run_app(options: argparse.Namespace) -> int:
    from tuireader.annotations import ANNOTATOR_ENV, annotator_problem, default_annotator
    from tuireader.config import load_config, project_start
    from tuireader.store import Store, StoreError

    start = project_start(options.paths or [])
    config = load_config(getattr(options, "config", None), start)
    check_config(config)
    paths: list[str] = list(options.paths or []) or [str(samples_dir())]
    catalog = Catalog.scan(paths)
    if not catalog.entries:
        # Each warning names a path and its problem; with none, say why nothing opened.
        for warning in catalog.warnings or ["no articles to read"]:
            print_error(warning)
        return 2
    open_article = None
    if single_file(options.paths or []):
        try:
            open_article = catalog.article(catalog.entries[0])
        except ArticleError as exc:
            print_error(exc)
            return 2
    db_path = resolve_db_path(getattr(options, "db", None))
    annotator = getattr(options, "annotator", None) or default_annotator(config.annotator)
    problem = annotator_problem(annotator)
    if problem is not None:
        # The config's own name was checked with the file; else the flag, the variable or login.
        if getattr(options, "annotator", None):
            source = "--annotator"
        elif os.environ.get(ANNOTATOR_ENV):
            source = f"${ANNOTATOR_ENV}"
        else:
            source = "the login name"
        print_error(f"{source}: {problem}, not {sanitise.quoted(annotator)}")
        return 2
    try:
        store = Store.open(db_path, annotator, wait=WRITE_WAIT, tags=config.tags)
    except StoreError as exc:
        print_error(exc)
        return 2
    bench = os.environ.get(FIRST_PAINT_ENV)
    app = ReaderApp(
        catalog,
        store,
        db_path=db_path,
        open_article=open_article,
        config=config,
        first_paint_file=Path(bench) if bench else None,
        ask_annotator=bool(getattr(options, "ask_annotator", False)),
        adjudicate=bool(getattr(options, "adjudicate", False)),
        cache_path=library_cache_path(),
        config_source=ConfigSource(getattr(options, "config", None), start),
        served_exports=served_exports(options),
    )
    from tuireader.ui.paste import guarded_paste

    try:
        with guarded_paste():  # a paste holding escape sequences arrives whole, not as keys
            result = app.run(headless=bool(bench))
    finally:
        if not app.abandoned:  # else its lock is held by the open still under way
            store.close()
    if app.abandoned:
        # The writer thread is still opening an article, and the interpreter would wait for it
        # at exit: every write of mine is on disk, and a kill at any moment leaves the files
        # whole, so the process ends now (the file lock goes with it).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(result or 0))
    if app.return_code:  # Textual returns None from run() after a crash; the code says so
        report_crash(app, db_path)
        return app.return_code
    return int(result or 0)


def report_crash(app: App[int], db_path: Path) -> None:
    """After Textual has printed the traceback: one line saying what happened and where the
    traceback is kept, since the terminal's copy scrolls away."""
    import traceback

    from tuireader.durable import write_atomic

    # Textual keeps the first unhandled exception here (it re-raises it under Pilot).
    error = getattr(app, "_exception", None)
    text = "".join(traceback.format_exception(error)) if error is not None else "(no traceback)\n"
    log = crash_log_path(db_path)
    try:
        write_atomic(log, f"tuireader {__version__} crashed at {time.ctime()}\n{text}".encode())
        where = f"the traceback is above and saved in {sanitise.path(log)}"
    except OSError:
        where = "the traceback is above"
    print_error(f"the reader stopped on an internal error ({where}); please report it")

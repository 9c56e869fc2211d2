"""The search-all screen: a query run over the text of every article in the library; the
matching sentences listed as they are found, Enter opens one at that sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tuireader import sanitise
from tuireader.plural import counted
from tuireader.text_search import Hit, search_files, search_pattern
from tuireader.ui.dialog import Dialog
from tuireader.ui.paste import CleanPasteInput

MAX_SHOWN = 2000
"""Listed hits at most: a one-letter query over 10,000 articles would list millions."""


@dataclass(frozen=True, slots=True)
class Found:
    """What the screen returns: the article and sentence to open, and the query to highlight."""

    article_id: str
    path: str
    sentence: int
    query: str


def hit_prompt(hit: Hit) -> Content:
    """The article's title, then the sentence with the matches in bold."""
    text = Content(sanitise.line(hit.text))
    for start, end in hit.spans:
        text = text.stylize("bold reverse", start, end)
    return Content.assemble(
        Content(sanitise.line(hit.title)).stylize("dim"),
        (f" · {hit.sentence + 1}", "dim"),
        "\n",
        text,
    )


class SearchAllInput(CleanPasteInput):
    """The query box: Enter searches (a binding of its own, so help lists it and it remaps)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Search every article", id="search_all.search", show=False),
    ]


class HitList(OptionList):
    """The matching sentences: Enter opens the highlighted one in the reader."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open at the sentence", id="search_all.open", show=False),
    ]


class SearchAllScreen(Dialog[Found | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="search_all.close"),
        Binding("down", "results", "To the results", id="search_all.results", show=False),
    ]
    KEYS: ClassVar[list[BindingType]] = [*SearchAllInput.BINDINGS, *HitList.BINDINGS, *BINDINGS]
    """Every key of the screen, for the help screen and the README's table."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths
        self.hits: list[Hit] = []
        self.query_text = ""
        self.searching = False

    def compose(self) -> ComposeResult:
        with Vertical(id="search-all-box"):
            yield SearchAllInput(
                placeholder=f"search the text of {counted(len(self.paths), 'article')} (Enter)",
                id="search-all-input",
            )
            yield Static("", id="search-all-count", markup=False)
            yield HitList(id="search-all-results")

    def action_close(self) -> None:
        self.workers.cancel_group(self, "search-all")
        self.close(None)

    def action_results(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    @on(Input.Submitted, "#search-all-input")
    def _search(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        self.query_text = event.value
        self.hits = []
        self.query_one(OptionList).clear_options()
        self.searching = True
        self._show_count()
        self._run(event.value)

    @work(thread=True, exclusive=True, group="search-all")
    def _run(self, query: str) -> None:
        worker = get_current_worker()
        pattern = search_pattern(query)
        batch: list[Hit] = []
        for hit in search_files(self.paths, pattern, stop=lambda: worker.is_cancelled):
            batch.append(hit)
            if len(batch) >= 50:
                self.app.call_from_thread(self._add, query, batch)
                batch = []
        if not worker.is_cancelled:
            self.app.call_from_thread(self._add, query, batch, True)

    def _add(self, query: str, hits: list[Hit], done: bool = False) -> None:
        if query != self.query_text:
            return
        room = MAX_SHOWN - len(self.hits)
        shown = hits[: max(0, room)]
        start = len(self.hits)
        self.hits.extend(hits)
        if shown:
            self.query_one(OptionList).add_options(
                Option(hit_prompt(hit), id=str(start + i)) for i, hit in enumerate(shown)
            )
        if done:
            self.searching = False
        self._show_count()

    def _show_count(self) -> None:
        count = len(self.hits)
        articles = len({hit.article_id for hit in self.hits})
        text = f"{counted(count, 'sentence')} in {counted(articles, 'article')}"
        if count > MAX_SHOWN:
            text += f" (first {MAX_SHOWN:,} listed)"
        if self.searching:
            text += " · searching…"
        elif count:
            text += " · ↓ then Enter opens one"
        self.query_one("#search-all-count", Static).update(text)

    @on(OptionList.OptionSelected, "#search-all-results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.workers.cancel_group(self, "search-all")
        self.close(Found(hit.article_id, hit.path, hit.sentence, self.query_text))

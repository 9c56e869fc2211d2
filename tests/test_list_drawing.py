"""The article list draws only the lines that changed: a batch of files filled in, a cursor move,
a reordering. And it stays where it is while titles arrive: the cursor on its article at the
same height, or the row at the top after a scroll with the wheel."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult

from tuireader.catalog import Catalog, Entry, Summary
from tuireader.tags import DEFAULT_TAGS
from tuireader.ui.article_list import ArticleBrowser, ArticleCounts, ArticleList, ListFilter

SIZE = (80, 30)
FILES = 60


class ListApp(App[None]):
    FOCUS_LIST = True
    """Focus the list once it is filled (else the focus is Textual's first choice)."""

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        yield ArticleList(DEFAULT_TAGS, id="articles")

    def on_mount(self) -> None:
        articles = self.query_one(ArticleList)
        articles.set_entries(self.entries, {})
        if self.FOCUS_LIST:
            articles.focus()


def entries(tmp_path: Path) -> list[Entry]:
    """``FILES`` files of one folder, listed by name before anything is read."""
    for i in range(FILES):
        (tmp_path / f"story-{i:03}.txt").write_text(f"Story {i}\n\nText {i}. More.\n")
    return Catalog.scan([tmp_path]).entries


def summary(i: int, date: str | None = None) -> Summary:
    return Summary(f"id{i:03}", f"Filled title {i}", date, None, 2)


def count_lines(articles: ArticleList, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows of the widget drawn from now on (screen y of each ``render_line``)."""
    drawn: list[int] = []
    real = ArticleList.render_line

    def spy(self: ArticleList, y: int) -> Any:
        drawn.append(y)
        return real(self, y)

    monkeypatch.setattr(ArticleList, "render_line", spy)
    return drawn


def screen_lines(articles: ArticleList) -> list[str]:
    return [articles.render_line(y).text.rstrip() for y in range(articles.size.height)]


async def test_a_batch_draws_only_the_lines_of_the_files_it_filled_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = entries(tmp_path)
    app = ListApp(listed)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        drawn = count_lines(articles, monkeypatch)
        # Row 2 on the screen (lines 6-8) and one far below the screen.
        listed[2].summary = summary(2)
        listed[50].summary = summary(50)
        articles.redraw()
        await pilot.pause()
        assert sorted(drawn) == [6, 7, 8]  # title, date and counts, state: nothing else
        assert "Filled title 2" in screen_lines(articles)[6]
        drawn.clear()
        articles.update_counts({"id002": ArticleCounts({"fact": 1}, 2, tagged=1)})
        await pilot.pause()
        assert sorted(drawn) == [7, 8]  # its counts and its state, not its title
        drawn.clear()
        await pilot.press("j")
        assert sorted(drawn) == [0, 1, 2, 3, 4, 5]  # the cursor left one row for the next
        drawn.clear()
        articles.redraw()  # nothing changed: nothing drawn
        await pilot.pause()
        assert drawn == []


async def test_a_reordering_keeps_the_cursor_article_at_its_height(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = entries(tmp_path)
    app = ListApp(listed)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        await pilot.press(*["j"] * 12)  # past the first screen: the list scrolled
        chosen = articles.highlighted_entry
        assert chosen is not None and articles.scroll_y > 0
        height = articles._line_of[articles.cursor] - round(articles.scroll_y)
        # Dated files arrive: sorted by date they move above the cursor's article.
        for i in range(30, 45):
            listed[i].summary = summary(i, f"2026-01-{i - 29:02}")
        articles.refresh_entries()
        await pilot.pause()
        assert articles.highlighted_entry is chosen
        assert articles._line_of[articles.cursor] - round(articles.scroll_y) == height
        before = screen_lines(articles)
        drawn = count_lines(articles, monkeypatch)
        listed[0].summary = summary(0)  # a title filled in off the screen
        articles.refresh_entries()
        await pilot.pause()
        assert drawn == [] and screen_lines(articles) == before


async def test_a_reordering_keeps_the_top_row_after_a_wheel_scroll(tmp_path: Path) -> None:
    listed = entries(tmp_path)
    app = ListApp(listed)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        for _ in range(6):  # the wheel: the cursor stays on the first row, off the screen
            await pilot._post_mouse_events([events.MouseScrollDown], articles, offset=(5, 5))
        await pilot.pause()
        articles.scroll_relative(y=1, animate=False)  # the top row partly scrolled away
        await pilot.pause()
        scroll_y = round(articles.scroll_y)
        assert scroll_y > articles._line_of[1]
        before = screen_lines(articles)
        first = next(y for y, line in enumerate(before) if "story-" in line)
        partly = articles.rows[bisect_right(articles._line_of, scroll_y) - 1]
        assert (
            isinstance(partly, Entry) and articles._line_of[articles.rows.index(partly)] < scroll_y
        )
        # A file below is read: its title sorts it between that row and the first title.
        listed[50].summary = Summary("id050", f"{partly.title}a", None, None, 2)
        articles.refresh_entries()
        await pilot.pause()
        # The first title on the screen is where it was (the row above it may change).
        assert first > 0 and screen_lines(articles)[first] == before[first]
        assert articles.cursor == 0  # and the cursor was never put anywhere


async def test_a_reordering_after_a_wheel_scroll_keeps_it_with_the_cursor_placed(
    tmp_path: Path,
) -> None:
    """``j`` put the cursor on a row, then the wheel scrolled it off the screen: titles arriving
    keep the rows being read where they are, the list does not jump back to the cursor."""
    listed = entries(tmp_path)
    app = ListApp(listed)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        await pilot.press("j")
        for _ in range(10):
            await pilot._post_mouse_events([events.MouseScrollDown], articles, offset=(5, 5))
        await pilot.pause()
        scroll_y = round(articles.scroll_y)
        assert scroll_y > articles._line_of[2]  # the cursor (row 1) off the screen
        before = screen_lines(articles)
        listed[59].summary = Summary("id059", "Zz last", None, None, 2)  # read, stays last
        articles.refresh_entries()
        await pilot.pause()
        assert round(articles.scroll_y) == scroll_y and screen_lines(articles) == before
        assert articles.cursor == 1
        await pilot.press("j")  # a key brings the cursor back into view
        assert articles.cursor == 2 and round(articles.scroll_y) <= articles._line_of[2]


async def test_losing_focus_redraws_the_cursor_in_its_blurred_look(tmp_path: Path) -> None:
    app = ListApp(entries(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        focused = articles.render_line(0)
        articles.blur()
        await pilot.pause()
        assert articles.render_line(0) != focused


class BrowserApp(ListApp):
    """The list's side as the reader composes it, left to Textual's first focus."""

    FOCUS_LIST = False

    def compose(self) -> ComposeResult:
        yield ArticleBrowser(DEFAULT_TAGS, id="browser")


async def test_keys_typed_at_startup_reach_the_list_not_the_hidden_filter(
    tmp_path: Path,
) -> None:
    """The first focus Textual gives (before the reader's own) went to the hidden filter box:
    keys typed at startup filtered the list to nothing, with no box shown."""
    app = BrowserApp(entries(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        assert app.focused is articles
        await pilot.press("j", "j")
        assert articles.filter_text == "" and articles.cursor == 2
        articles.action_filter()  # what / does in the list: the box works once shown
        await pilot.press(*"story-00")
        assert articles.filter_text == "story-00"
        await pilot.press("escape")
        assert articles.filter_text == "" and app.focused is articles
        assert not app.query_one(ListFilter).focusable


async def test_an_article_filled_in_since_the_last_ordering_is_highlighted(
    tmp_path: Path,
) -> None:
    """A batch drawn without reordering (the app's path between reorderings) gave a file its
    id: opening that article (resumed at startup) puts the cursor on its row, not on row 0."""
    listed = entries(tmp_path)
    app = ListApp(listed)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.pause()
        listed[5].summary = summary(5)
        articles.redraw()
        articles.highlight_article("id005")
        await pilot.pause()
        assert articles.highlighted_entry is listed[5]
        assert articles.cursor == articles.rows.index(listed[5]) > 0
        articles.highlight_article("no-such-id")  # not listed: the cursor stays
        assert articles.highlighted_entry is listed[5]

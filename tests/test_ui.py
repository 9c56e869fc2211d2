"""Pilot tests of the reader: every binding pressed, asserting on state (store, cursor, filter)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input

from tuireader.articles import load_library
from tuireader.storage import load_tables
from tuireader.store import Store, StoreWriteError
from tuireader.ui.app import ReaderApp, run_app
from tuireader.ui.article_list import ArticleList, ListFilter
from tuireader.ui.help_screen import HelpScreen
from tuireader.ui.note_screen import NoteScreen
from tuireader.ui.reading_pane import ReadingPane, search_pattern
from tuireader.ui.search_bar import SearchBar
from tuireader.ui.stats_screen import StatsScreen

from conftest import SAMPLES, SEED

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)
HOSTILE = "[@click=app.quit]click me[/] [link=https://example.com]link[/link] [bold]bold[/bold]"


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(*paths: Path, db: Path = db_path) -> ReaderApp:
        library = load_library(paths or [SAMPLES])
        store = Store.open(db, "tester")
        stores.append(store)
        single = len(paths) == 1 and paths[0].is_file()
        return ReaderApp(
            library, store, db_path=db, open_article=library.articles[0] if single else None
        )

    yield make
    for store in stores:
        store.close()


def screen_text(widget: Widget) -> str:
    """What a widget shows, as plain text (its rendered lines)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


def stored(db: Path) -> list[dict[str, object]]:
    return list(load_tables(db)["annotations"].values())


# -- opening ---------------------------------------------------------------------------------------


async def test_single_file_opens_in_reading_pane(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, ReadingPane)
        assert app.pane.article is not None and app.pane.article.path == SEED
        assert app.pane.cursor == 0
        assert "North Korea" in screen_text(app.pane)
        assert "1/15" in app.status.content.plain


async def test_library_lists_articles_with_counts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        articles = app.query_one(ArticleList)
        assert len(articles.rows) == len(app.library.articles) == 10
        assert isinstance(app.focused, ArticleList)
        text = screen_text(articles)
        assert "F0  S0  E0  0 tagged" in text
        assert "tuireader" in app.title and str(app.db_path) in app.sub_title


# -- reading keys ----------------------------------------------------------------------------------


async def test_movement_keys(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=(100, 16)) as pilot:
        pane = app.pane
        await pilot.press("j", "j", "down")
        assert pane.cursor == 3
        await pilot.press("k", "up")
        assert pane.cursor == 1
        await pilot.press("G")
        assert pane.cursor == 14
        await pilot.press("g")
        assert pane.cursor == 0
        await pilot.press("end")
        assert pane.cursor == 14
        await pilot.press("home")
        assert pane.cursor == 0
        await pilot.press("space")
        after_space = pane.cursor
        assert after_space > 0
        await pilot.press("b")
        assert pane.cursor < after_space
        await pilot.press("pagedown")
        assert pane.cursor > 0
        await pilot.press("pageup", "pageup")
        assert pane.cursor == 0
        await pilot.press("k")  # stays at the first sentence
        assert pane.cursor == 0


async def test_cursor_is_kept_in_view(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=(60, 14)) as pilot:
        pane = app.pane
        await pilot.press("G")
        await pilot.pause()
        top, bottom = pane.scroll_y, pane.scroll_y + pane.scrollable_content_region.height
        assert top <= pane._first_row(14) < bottom
        assert "▶" in screen_text(pane)


async def test_next_and_previous_annotated(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("j", "j", "f", "j", "j", "j", "j", "s", "g")
        await pilot.press("right_square_bracket")
        assert pane.cursor == 2
        await pilot.press("right_square_bracket")
        assert pane.cursor == 6
        await pilot.press("right_square_bracket")  # none further: stays
        assert pane.cursor == 6
        await pilot.press("left_square_bracket")
        assert pane.cursor == 2


async def test_mouse_click_selects_sentence(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.pause()
        # Row 0-1 are title and meta, row 2 blank; the text starts on row 3, column 4.
        row = pane._first_row(3) - round(pane.scroll_y)
        assert await pilot.click(ReadingPane, offset=(6, row))
        assert pane.cursor in (2, 3)  # the row may begin with the end of sentence 2
        await pilot.click(ReadingPane, offset=(6, pane._first_row(9) - round(pane.scroll_y) + 1))
        assert pane.cursor == 9


# -- tagging ---------------------------------------------------------------------------------------


async def test_tag_keys_toggle_and_replace(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("f")
        assert [a["tag"] for a in stored(db_path)] == ["fact"]
        assert pane.annotation is not None and pane.annotation.tag == "fact"
        await pilot.press("s")  # another tag replaces it
        assert [a["tag"] for a in stored(db_path)] == ["speculation"]
        await pilot.press("s")  # the same tag again clears it
        assert stored(db_path) == []
        assert pane.annotation is None
        for key, tag in (("1", "fact"), ("2", "speculation"), ("3", "expert_opinion")):
            await pilot.press(key)
            assert [a["tag"] for a in stored(db_path)] == [tag]
        await pilot.press("e")
        assert stored(db_path) == []
        await pilot.press("e", "j", "d")  # d on an untagged sentence: nothing changes
        assert len(stored(db_path)) == 1
        await pilot.press("k", "d")
        assert stored(db_path) == []
        assert "untagged" in app.status.content.plain


async def test_tag_shows_marker_colour_and_counts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert isinstance(app.focused, ReadingPane)
        await pilot.press("f")
        await pilot.pause()
        text = screen_text(app.pane)
        assert "▶F" in text
        assert "F1  S0  E0" in screen_text(app.query_one(ArticleList))
        assert "[F] Fact" in app.status.content.plain
        assert "by tester" in app.status.content.plain


async def test_a_tagged_sentence_keeps_its_marker_beside_an_untagged_cursor(
    make_app: MakeApp, tmp_path: Path
) -> None:
    # Two short sentences share one row: with the cursor on the untagged second one, the row's
    # gutter still shows the first one's F (it used to go blank: the tag shown by colour alone).
    path = tmp_path / "short.txt"
    path.write_text("The ferry left at noon. Nobody knows why.\n\nA second paragraph.\n")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j")
        assert app.pane.cursor == 1
        assert "untagged" in app.status.content.plain
        row = next(line for line in screen_text(app.pane).splitlines() if "Nobody" in line)
        assert row.startswith("▶F")
        await pilot.press("s")
        row = next(line for line in screen_text(app.pane).splitlines() if "Nobody" in line)
        assert row.startswith("▶S")  # the cursor sentence's own tag comes first


async def test_range_tags_one_annotation_and_escape_cancels(
    make_app: MakeApp, db_path: Path
) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("v", "j", "j")
        assert pane.selection == (0, 2)
        assert "range of 3" in app.status.content.plain
        await pilot.press("escape")
        assert pane.range_anchor is None
        await pilot.press("e")  # without the range: only the cursor sentence
        records = stored(db_path)
        assert len(records) == 1
        await pilot.press("e")
        await pilot.press("g", "v", "j", "j", "s")
        records = stored(db_path)
        assert len(records) == 1
        body = pane.article.body if pane.article else ""
        assert records[0]["start"] == pane.sentences[0].start
        assert records[0]["end"] == pane.sentences[2].end
        assert records[0]["quote"]["exact"] == body[pane.sentences[0].start : pane.sentences[2].end]
        assert pane.range_anchor is None
        assert all(pane.annotation_of(i) is not None for i in range(3))


async def test_tag_change_refreshes_only_its_lines(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.pause()
        untouched_row = pane._first_row(9)
        kept = pane._cache.get(untouched_row)
        assert kept is not None
        await pilot.press("f", "j")
        assert pane._cache.get(pane._first_row(0)) is None or pane._first_row(0) != untouched_row
        assert pane._cache.get(untouched_row) is kept


async def test_note_writes_and_edits(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")  # untagged: a warning, no modal
        assert not isinstance(app.screen, NoteScreen)
        await pilot.press("f", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"check this", "enter")
        await pilot.pause()
        assert stored(db_path)[0]["note"] == "check this"
        assert "note: check this" in app.status.content.plain
        await pilot.press("n")
        assert app.screen.query_one(Input).value == "check this"
        await pilot.press("escape")
        assert not isinstance(app.screen, NoteScreen)
        assert stored(db_path)[0]["note"] == "check this"


async def test_undo_and_redo(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("f", "j", "s", "n")
        await pilot.press(*"hm", "enter")
        await pilot.pause()
        notes = {a["tag"]: a.get("note", "") for a in stored(db_path)}
        assert notes == {"fact": "", "speculation": "hm"}
        await pilot.press("u")
        assert {a.get("note", "") for a in stored(db_path)} == {""}
        await pilot.press("u")
        assert [a["tag"] for a in stored(db_path)] == ["fact"]
        assert pane.annotation_of(1) is None
        await pilot.press("u")
        assert stored(db_path) == []
        await pilot.press("u")  # nothing left: a notice, no error
        await pilot.press("ctrl+r", "ctrl+r")
        assert sorted(a["tag"] for a in stored(db_path)) == ["fact", "speculation"]
        assert pane.annotation_of(1) is not None and pane.annotation_of(1).tag == "speculation"
        assert pane.cursor == 1  # redo shows where the change happened


async def test_failed_write_is_shown_and_not_displayed_as_saved(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:

        def broken(*args: object) -> None:
            raise StoreWriteError(db_path, "not saved (disk full); the change was rolled back")

        monkeypatch.setattr(app.store, "tag", broken)
        await pilot.press("f")
        await pilot.pause()
        assert app.pane.annotation is None
        assert "untagged" in app.status.content.plain
        messages = [n.message for n in app._notifications]
        assert any("disk full" in m for m in messages)


# -- search, filter, suggestions -------------------------------------------------------------------


async def test_search_jumps_to_matches(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"kim jong", "enter")
        first = pane.cursor
        assert "Kim Jong" in pane.sentences[first].text and first > 0
        await pilot.press("enter")
        assert pane.cursor > first and "Kim Jong" in pane.sentences[pane.cursor].text
        assert pane.match_count == 3
        await pilot.press("enter")  # wraps around
        assert pane.cursor == 0
        await pilot.press("escape")
        assert isinstance(app.focused, ReadingPane)
        assert not app.query_one("#search").display


async def test_search_in_a_large_article_waits_for_a_pause_and_enter_runs_it(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tuireader.ui.app.LARGE_ARTICLE_CHARS", 100)
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"putin")
        assert app.pane.match_count == 0  # not yet: still typing
        await pilot.pause(0.3)
        assert app.pane.match_count == 1
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"korea", "enter")  # Enter before the pause searches at once
        assert app.pane.match_count == 8
        assert "Korea" in app.pane.sentences[app.pane.cursor].text


async def test_search_query_is_cleared_when_another_article_opens(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "slash", *"the")
        assert app.pane.match_count > 0
        await pilot.press("escape", "shift+tab", "j", "enter")
        assert app.query_one(SearchBar).value == ""
        assert app.pane.match_count == 0


async def test_long_status_keeps_the_legend(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("f", "n", *("a very long note " * 8), "enter")
        await pilot.pause()
        lines = [line.rstrip() for line in app.status.render().plain.splitlines()]
        # The note is cut to one row with an ellipsis, never wrapped; the legend stays last.
        assert len(lines) == 2 and "note: a very long note" in lines[0]
        assert lines[0].endswith("…") and len(lines[0]) <= 60 - 2
        assert "Fact" in lines[1] and "Speculation" in lines[1]


def test_search_ignores_case_and_accents() -> None:
    pattern = search_pattern("natasha")
    assert pattern.findall("Natásha, NATASHA and Nata\u0301sha") == [
        "Natásha",
        "NATASHA",
        "Nata\u0301sha",
    ]
    assert search_pattern("[x]").findall("a [x] b") == ["[x]"]


async def test_filter_cycles_through_tags(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        seen = []
        for _ in range(4):
            await pilot.press("t")
            seen.append(pane.filter_tag)
        assert seen == ["fact", "speculation", "expert_opinion", None]
        await pilot.press("t")
        assert "only Fact (t)" in app.status.content.plain


async def test_suggestions_show_accept_one_and_all(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.suggestions is not None
        assert stored(db_path) == []  # shown, never saved until accepted
        suggested = [i for i, s in enumerate(pane.suggestions) if s is not None]
        assert suggested
        pane.move_to(suggested[0])
        await pilot.pause()
        assert "suggested (rules):" in app.status.content.plain
        await pilot.press("a")
        assert len(stored(db_path)) == 1
        assert stored(db_path)[0]["tag"] == pane.suggestions[suggested[0]].tag
        assert stored(db_path)[0]["provenance"] == "suggestion-rule"
        article = pane.article
        assert article is not None and len(suggested) > 2
        # #9.3: my other window tags a suggested sentence by hand; this window has not seen it.
        with Store.open(db_path, "tester") as other:
            other.tag(article, suggested[2], suggested[2], "expert_opinion")
        await pilot.press("A")
        records = stored(db_path)
        assert len(records) == len(suggested)
        by_hand = [r for r in records if r.get("provenance", "hand") == "hand"]
        assert [r["tag"] for r in by_hand] == ["expert_opinion"]  # never turned into mine
        assert pane.annotation_of(suggested[2]).tag == "expert_opinion"  # type: ignore[union-attr]
        await pilot.press("u")  # accept-all is one undo step
        assert len(stored(db_path)) == 2
        await pilot.press("S")
        assert pane.suggestions is None


# -- app keys --------------------------------------------------------------------------------------


async def test_help_lists_every_binding(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").render().plain  # type: ignore[union-attr]
        for widget in (ReaderApp, ReadingPane, ArticleList, ListFilter, SearchBar):
            for binding in widget.BINDINGS:
                description = getattr(binding, "description", "")
                if description:
                    assert description in text
        for key in ("f 1", "s 2", "e 3", "ctrl+r", "]", "[", "/", "?"):
            assert key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_stats_screen(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "f", "j", "e", "i")
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app.screen.query_one("#stats-text"))
        assert "15 sentences" in text
        assert "█" in text and "13%" in text and "7%" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_export_current_and_all(make_app: MakeApp, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "f", "x", "enter")  # the export dialog: Enter takes json
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = sorted((db_path.parent / "exports").glob("*.json"))
        assert len(files) == 1
        data = json.loads(files[0].read_text(encoding="utf-8"))
        assert len(data["annotations"]) == 1 and len(data["articles"]) == 1
        assert any(str(files[0]) in n.message for n in app._notifications)
        await pilot.press("shift+tab", "j", "enter", "e", "X", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = sorted((db_path.parent / "exports").glob("*all*.json"))
        assert len(files) == 1
        assert len(json.loads(files[0].read_text(encoding="utf-8"))["annotations"]) == 2


async def test_list_keys_and_pane_switching(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        assert isinstance(app.focused, ArticleList)
        await pilot.press("j", "j", "down")
        assert articles.cursor == 3
        await pilot.press("k", "up")
        assert articles.cursor == 1
        await pilot.press("enter")
        assert app.pane.article is app.library.articles[1]
        assert isinstance(app.focused, ReadingPane)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("G", "l")
        assert app.pane.article is app.library.articles[-1]
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("tab")
        assert isinstance(app.focused, ReadingPane)
        await pilot.press("shift+tab", "g")
        assert articles.cursor == 0


async def test_reopening_restores_article_and_cursor(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "enter", "j", "j", "j", "q")
    chosen = app.library.articles[2]
    assert app.return_code == 0
    app.store.close()
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.pane.article is not None and again.pane.article.id == chosen.id
        assert again.pane.cursor == 3


async def test_reopening_a_large_article_restores_its_cursor(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large articles paint before they are split into sentences; the placeholder cursor of that
    # first paint must not overwrite the position to restore.
    monkeypatch.setattr("tuireader.ui.app.LARGE_ARTICLE_CHARS", 100)
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "j", "q")
    app.store.close()
    again = make_app(SEED)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert again.pane.sentences and again.pane.cursor == 4


async def test_ctrl_q_quits(make_app: MakeApp) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_narrow_terminal_collapses_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        articles = app.query_one("#library-side")
        assert not articles.display
        assert isinstance(app.focused, ReadingPane)
        await pilot.press("o")
        assert articles.display and isinstance(app.focused, ArticleList)
        await pilot.press("j", "enter")
        assert not articles.display and app.pane.article is app.library.articles[1]
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.press("j", "f", "G", "question_mark", "escape")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert articles.display
        await pilot.press("o")
        assert not articles.display


async def test_list_collapsing_with_the_focus_hands_it_to_the_text(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.focused, ArticleList)
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        assert isinstance(app.focused, ReadingPane)
        await pilot.press("j")
        assert app.pane.cursor == 1
        await pilot.press("o")  # the list over the whole width, the text hidden
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.press("tab")
        assert isinstance(app.focused, ReadingPane)
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        assert isinstance(app.focused, ArticleList)


# -- untrusted text --------------------------------------------------------------------------------


async def test_markup_in_articles_notes_and_file_names_shows_literally(
    make_app: MakeApp, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    article = folder / "hostile.txt"
    article.write_text(f"{HOSTILE}\n\nFirst sentence {HOSTILE}. Second sentence.\n", "utf-8")
    (folder / "[bold]broken.txt").write_bytes(b"\x00\x01\x02binary\x00")
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert any("[bold]broken.txt" in n.message for n in app._notifications)
        assert HOSTILE in screen_text(app.query_one(ArticleList)).replace("\n", "") or (
            "[@click=app.quit]click me[/]" in screen_text(app.query_one(ArticleList))
        )
        await pilot.press("tab", "f", "n")
        await pilot.press(*HOSTILE, "enter")
        await pilot.pause()
        pane_text = screen_text(app.pane)
        for literal in ("[@click=app.quit]", "[link=https://example.com]", "[bold]bold[/bold]"):
            assert literal in pane_text
            assert literal in app.status.content.plain
        await pilot.click(ReadingPane, offset=(8, 0))  # clicking the title runs no action
        await pilot.pause()
        assert app.is_running
        await pilot.press("slash", *"[bold]nomatch", "enter")
        await pilot.pause()
        assert any("[bold]nomatch" in n.message for n in app._notifications)


# -- command line ----------------------------------------------------------------------------------


def test_corrupt_database_is_refused_before_the_ui(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bad.json"
    db.write_text("{not json", encoding="utf-8")
    options = argparse.Namespace(paths=[str(SEED)], db=str(db), annotator=None)
    assert run_app(options) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tuireader: ") and str(db) in err and "\n" not in err
    assert db.read_text(encoding="utf-8") == "{not json"


def test_no_articles_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.txt"
    options = argparse.Namespace(paths=[str(missing)], db=None, annotator=None)
    assert run_app(options) == 2
    assert capsys.readouterr().err == f"tuireader: {missing}: no such file or folder\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    options = argparse.Namespace(paths=[str(empty)], db=None, annotator=None)
    assert run_app(options) == 2
    assert (
        capsys.readouterr().err == f"tuireader: {empty}: no .txt or .md articles in this folder\n"
    )


# -- two windows on one file, list counts ----------------------------------------------------------


async def test_tags_from_another_window_appear(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tuireader.ui.app.REFRESH_INTERVAL", 0.05)
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("j", "j", "j", "f")
        await pilot.pause()
        assert pane.cursor == 3
        article = pane.article
        assert article is not None
        untouched = pane._first_row(12)
        kept = pane._cache.get(untouched)
        with Store.open(db_path, "tester") as other:  # my second window
            other.attach(article)
            other.tag(article, 5, 6, "speculation")
            other.tag(article, 3, 3, "expert_opinion")  # replaces my fact
        with Store.open(db_path, "bob") as bob:  # another annotator: shown in the status only
            bob.tag(article, 3, 3, "fact")
        await pilot.pause(0.3)  # the refresh timer notices
        assert pane.cursor == 3
        assert pane.annotation_of(5) is not None and pane.annotation_of(5).tag == "speculation"
        assert pane.annotation_of(6) is pane.annotation_of(5)
        assert pane.annotation is not None and pane.annotation.tag == "expert_opinion"
        assert "by tester" in app.status.content.plain
        assert "also tagged by bob" in app.status.content.plain
        assert app.article_list.counts[article.id].by_tag == {"speculation": 2, "expert_opinion": 1}
        if kept is not None:  # a line the other window did not touch was not redrawn
            assert pane._cache.get(untouched) is kept
        # Our next change builds on theirs (the store reloads before writing).
        await pilot.press("j", "j", "d")
        tags = sorted(a["tag"] for a in stored(db_path))
        assert tags == ["expert_opinion", "fact", "speculation"]  # bob's fact untouched
        assert pane.annotation is None and pane.annotation_of(6) is not None


async def test_status_follows_another_annotator_without_a_key(
    make_app: MakeApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tuireader.ui.app.REFRESH_INTERVAL", 0.05)
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        with Store.open(db_path, "bob") as bob:  # only bob's layer changes from here on
            bob.attach(article)
            bob.tag(article, 0, 0, "speculation")
            await pilot.pause(0.3)
            assert "also tagged by bob" in app.status.content.plain
            bob.clear(article, 0, 0)
        await pilot.pause(0.3)  # the refresh timer notices; no key is pressed
        assert "by tester" in app.status.content.plain
        assert "also tagged by bob" not in app.status.content.plain


async def test_refresh_on_app_focus(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        generation = app.store.generation
        assert app.refresh_store() is True  # queued in the reader thread
        assert app.refresh_store() is False  # one look at a time
        await app.reads_landed()
        assert app.store.generation == generation  # nothing new: one stat, nothing redrawn
        with Store.open(db_path, "tester") as other:  # my other window
            other.tag(article, 0, 0, "fact")
        app.post_message(events.AppFocus())
        await pilot.pause()
        await app.reads_landed()  # the look, in the reader thread
        await pilot.pause()
        assert app.pane.annotation is not None and app.pane.annotation.tag == "fact"


async def test_list_counts_sentences_like_the_stats(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SAMPLES)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "v", "j", "j", "s", "j", "s", "j", "f")
        await pilot.pause()
        assert "F1  S4  E0" in screen_text(app.query_one(ArticleList))
        await pilot.press("i")
        stats = screen_text(app.screen.query_one("#stats-text"))
        assert "Speculation" in stats and "    4 " in stats
        await pilot.press("escape", "q")
    app.store.close()
    # Reopened: the saved counts are used, no article is segmented to show them.
    again = make_app(SAMPLES)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        opened = again.pane.article
        segmented = [a for a in again.library.articles if "sentences" in vars(a)]
        assert segmented == [opened]
        assert "F1  S4  E0" in screen_text(again.query_one(ArticleList))


async def test_list_counts_unsaved_are_counted_after_first_paint(
    make_app: MakeApp, db_path: Path
) -> None:
    library = load_library([SAMPLES])
    second = library.articles[1]
    with Store.open(db_path, "tester") as store:  # as `tuireader import` would: no saved counts
        store.tag(second, 0, 2, "fact")
    app = make_app(SAMPLES)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "F3  S0  E0" in screen_text(app.query_one(ArticleList))


async def test_many_skipped_files_are_one_notification(make_app: MakeApp, tmp_path: Path) -> None:
    # One notification per skipped file took 8 s to the first frame at 1,000 (issue 9, item 12).
    (tmp_path / "good.txt").write_text("A readable story. It opens.\n", encoding="utf-8")
    for i in range(40):
        (tmp_path / f"empty-{i:02}.txt").write_bytes(b"")
    app = make_app(tmp_path)
    shown: list[str] = []
    notify = app.notify

    def record(message: str, **kwargs: object) -> None:
        shown.append(message)
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    skipped = [m for m in shown if "empty" in m]
    assert len(skipped) == 1
    assert skipped[0].startswith("40 files or folders skipped") and "empty-00.txt" in skipped[0]


async def test_a_note_removed_with_its_tag_is_said(make_app: MakeApp, db_path: Path) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "n", *"important note", "enter")
        await pilot.pause()
        assert stored(db_path)[0]["note"] == "important note"
        await pilot.press("f")  # its own tag key again: tag and note go
        await pilot.pause()
        assert stored(db_path) == []
        status = app.status.content.plain
        assert "untagged" in status and "tag and note removed · u restores" in status
        await pilot.press("u")
        await pilot.pause()
        assert stored(db_path)[0]["note"] == "important note"
        assert "removed" not in app.status.content.plain  # an undo says nothing of notes
        await pilot.press("d")  # cleared the other way
        await pilot.pause()
        assert "tag and note removed · u restores" in app.status.content.plain
        await pilot.press("j")  # said once: gone with the cursor
        assert "removed" not in app.status.content.plain
        await pilot.press("k", "u")
        await pilot.pause()
        # A range over it and two more: each tagged, then the range cleared.
        await pilot.press("j", "f", "j", "s", "k", "k", "v", "j", "j", "d")
        await pilot.pause()
        assert stored(db_path) == []
        assert "3 tags and 1 note removed · u restores" in app.status.content.plain
        await pilot.press("u")  # back on the first sentence, its fact and note restored
        await pilot.pause()
        assert app.pane.cursor == 0
        await pilot.press("s")  # a retag keeps the note: nothing to say
        await pilot.pause()
        assert ("speculation", "important note") in [
            (a["tag"], a.get("note")) for a in stored(db_path)
        ]
        assert "removed" not in app.status.content.plain
        await pilot.press("j", "d")  # a tag without a note: nothing said of notes
        await pilot.pause()
        assert "removed" not in app.status.content.plain

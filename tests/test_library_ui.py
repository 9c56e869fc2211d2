"""The article list as a library: listed at once, filled in after; filter, sort, folders, copies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuireader.catalog import Catalog
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.article_list import ArticleList, ListFilter, ListHeader

MakeApp = Callable[[Path], ReaderApp]
SIZE = (120, 40)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    write(root / "world" / "summit.txt", " date 2026-02-01\nLeaders meet at the summit. Talks.\n")
    write(
        root / "world" / "cafe.md",
        "---\ntitle: Le café de Zoë\ndate: 2026-03-05\n---\nText. More.\n",
    )
    write(root / "sport" / "final.txt", "Cup final tonight\n\nThe teams are ready. Fans too.\n")
    write(
        root / "sport" / "copy-of-final.txt",
        "Cup final tonight\n\nThe teams are ready. Fans too.\n",
    )
    write(root / "top.txt", "Undated note at the top\n\nPlain text. Nothing more.\n")
    return root


@pytest.fixture
def make_app(db_path: Path, tmp_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(root: Path) -> ReaderApp:
        store = Store.open(db_path, "tester")
        stores.append(store)
        return ReaderApp(
            Catalog.scan([root]), store, db_path=db_path, cache_path=tmp_path / "cache.json"
        )

    yield make
    for store in stores:
        store.close()


async def filled(app: ReaderApp, pilot: object) -> None:
    for _ in range(100):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if not app.catalog.pending and app.pane.article is not None:
            await pilot.pause()  # type: ignore[attr-defined]  # the header's update arrives
            return
    raise AssertionError("the library was not filled in")


def titles(articles: ArticleList) -> list[str]:
    return [e.title for e in articles.shown_entries]


async def test_listed_then_filled_grouped_by_folder_with_copies(
    make_app: MakeApp, library: Path
) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        articles = app.article_list
        assert [getattr(r, "key", None) for r in articles.rows if not hasattr(r, "path")] == [
            "",
            "sport",
            "world",
        ]
        # Newest first within each folder; the copy is one entry that names the other file.
        assert titles(articles) == [
            "Undated note at the top",
            "Cup final tonight",
            "Le café de Zoë",
            "Leaders meet at the summit.",
        ]
        final = next(e for e in articles.shown_entries if e.title == "Cup final tonight")
        assert [Path(p).name for p in final.others] == ["final.txt"] or [
            Path(p).name for p in final.others
        ] == ["copy-of-final.txt"]
        assert "= also" in "\n".join(
            s.text for s in articles.render_lines(articles.region.reset_offset)
        )
        header = app.query_one(ListHeader)
        assert "4 articles · by date" in str(header.render())


async def test_filter_is_fuzzy_accent_insensitive_and_counts(
    make_app: MakeApp, library: Path
) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, ListFilter)
        await pilot.press(*"cafe zoe")
        assert titles(app.article_list) == ["Le café de Zoë"]
        assert "1 of 4 match" in str(app.query_one(ListHeader).render())
        await pilot.press("escape")
        assert len(app.article_list.shown_entries) == 4
        await pilot.press("slash", *"summti")  # a typo still finds it
        assert "Leaders meet at the summit." in titles(app.article_list)
        await pilot.press("ctrl+a", "ctrl+k", *"sport")  # by folder name
        assert titles(app.article_list) == ["Cup final tonight"]
        await pilot.press("ctrl+a", "ctrl+k", *"2026-03")  # by date
        assert titles(app.article_list) == ["Le café de Zoë"]
        await pilot.press("enter")  # opens the top match
        assert app.pane.article is not None and app.pane.article.title == "Le café de Zoë"


async def test_sort_cycles_and_folders_fold(make_app: MakeApp, library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        articles = app.article_list
        articles.focus()
        await pilot.press("s")
        assert articles.order == "title"
        assert titles(articles)[2:] == ["Le café de Zoë", "Leaders meet at the summit."]
        await pilot.press("s", "s", "s")
        assert articles.order == "date"
        await pilot.press("g", "j", "j", "z")  # fold "sport" (the cursor is in it)
        assert "Cup final tonight" not in titles(articles)
        await pilot.press("enter")  # Enter on a folded folder unfolds it
        assert "Cup final tonight" in titles(articles)
        await pilot.press("Z")
        assert titles(articles) == []
        await pilot.press("Z")
        assert len(titles(articles)) == 4


async def test_second_start_fills_from_the_cache(
    make_app: MakeApp, library: Path, tmp_path: Path
) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
    assert (tmp_path / "cache.json").is_file()
    (library / "top.txt").chmod(0o200)  # unreadable now, but cached and unchanged
    again = make_app(library)
    async with again.run_test(size=SIZE) as pilot:
        await filled(again, pilot)
        assert "Undated note at the top" in titles(again.article_list)


async def test_single_file_opens_with_the_list_hidden(make_app: MakeApp, library: Path) -> None:
    from tuireader.articles import load_library

    file = library / "top.txt"
    store = Store.open(app_db := library.parent / "single.json", "tester")
    lib = load_library([file])
    app = ReaderApp(lib, store, db_path=app_db, open_article=lib.articles[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        side = app.query_one("#library-side")
        assert not side.display and app.pane.article is lib.articles[0]
        await pilot.press("o")
        assert side.display
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_narrow_footer_keeps_help(size: tuple[int, int], db_path: Path) -> None:
    from tuireader.articles import load_library

    from conftest import SEED

    library = load_library([SEED])
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(library, store, db_path=db_path, open_article=library.articles[0])
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            footer = app.screen.query_one("ReaderFooter")
            for _ in range(100):  # the footer fills in once the bindings are known
                if footer.children:
                    break
                await pilot.pause(0.02)
            first = footer.children[0]
            assert getattr(first, "action", None) == "help"
            assert first.region.right <= size[0]
            # The suggestion's reason is on the status row, cut with an ellipsis where the row
            # ends: never wrapped onto a second row above the legend (defect 20).
            await pilot.press("S")
            await app.workers.wait_for_complete()
            await pilot.pause()
            for _ in range(15):
                if app.pane.suggestion is not None:
                    break
                await pilot.press("j")
            status = app.status.content.plain
            assert app.pane.suggestion is not None and app.pane.suggestion.reason in status
            rows = [r.rstrip() for r in app.status.render().plain.splitlines()]
            assert len(rows) == 2 and all(len(r) <= size[0] for r in rows)
            assert "suggested" in rows[0] and "Fact" in rows[1]


@pytest.fixture
def seed_app(db_path: Path) -> Iterator[ReaderApp]:
    from tuireader.articles import load_library

    from conftest import SEED

    library = load_library([SEED])
    with Store.open(db_path, "tester") as store:
        yield ReaderApp(library, store, db_path=db_path, open_article=library.articles[0])


def pane_rows(app: ReaderApp) -> list[str]:
    pane = app.pane
    return [pane.render_line(y).text for y in range(pane.size.height)]


async def test_status_follows_the_cursor_in_the_same_frame(seed_app: ReaderApp) -> None:
    app = seed_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.pane.action_move(1)  # no await: a message would be handled after the next frame
        assert app.status.content.plain.startswith("2/15 ")


async def test_search_counts_matches_and_keeps_the_match_in_view(seed_app: ReaderApp) -> None:
    app = seed_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = app.pane.article.body  # type: ignore[union-attr]
        total = body.lower().count("the ")
        await pilot.press("slash", *"the ")
        assert f"match 1 of {total}" in app.status.content.plain
        await pilot.press("enter", "enter")
        assert f"match 3 of {total}" in app.status.content.plain
        pane = app.pane
        top, bottom = pane._rows(pane.cursor, pane.cursor)
        assert pane.scroll_y <= top and bottom < pane.scroll_y + pane.size.height
        await pilot.press("escape")
        assert "match" not in app.status.content.plain


async def test_search_ignores_the_querys_accents(seed_app: ReaderApp) -> None:
    """A6: ``/thé`` finds what ``/the`` finds, at the same places of the text."""
    app = seed_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.pane
        await pilot.press("slash", *"the ")
        plain, count = list(pane._matches), pane.match_count
        await pilot.press("escape", "slash", *"THÉ ")
        assert count > 1 and pane.match_count == count and pane._matches == plain
        assert f"match 1 of {count}" in app.status.content.plain


async def test_next_match_goes_on_from_where_the_cursor_was_moved(seed_app: ReaderApp) -> None:
    app = seed_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.pane
        body = pane.article.body  # type: ignore[union-attr]
        starts = [i for i in range(len(body)) if body.lower().startswith("the ", i)]
        await pilot.press("slash", *"the ", "enter")
        assert f"match 2 of {len(starts)}" in app.status.content.plain
        # Away from the match by hand, past several more, then Enter in the search box again.
        pane.focus()
        await pilot.press(*"jjjjjjjj")
        moved_to = pane.cursor
        await pilot.press("slash", "enter")
        sentence = pane.sentences[moved_to]
        expected = next(i for i, start in enumerate(starts) if start >= sentence.start)
        assert expected > 2  # the test means something: the next match after #2 was skipped
        assert f"match {expected + 1} of {len(starts)}" in app.status.content.plain
        assert (
            pane.sentences[pane.cursor].start <= starts[expected] < pane.sentences[pane.cursor].end
        )
        # Without a move in between, Enter goes on from that match.
        await pilot.press("enter")
        assert f"match {expected + 2} of {len(starts)}" in app.status.content.plain
        # Moving back up, before the first match: Enter finds the first match again.
        pane.focus()
        await pilot.press("g")
        await pilot.press("slash", "enter")
        first = next(i for i, start in enumerate(starts) if start >= pane.sentences[0].start)
        assert f"match {first + 1} of {len(starts)}" in app.status.content.plain


async def test_note_marker_and_one_tag_marker_per_row(seed_app: ReaderApp) -> None:
    app = seed_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.pane
        # Two sentences on one row, tagged differently: one letter, the cursor sentence's.
        row_of = [pane._rows(i, i)[0] for i in range(len(pane.sentences))]
        first = next(i for i in range(len(row_of) - 1) if row_of[i + 1] == row_of[i])
        pane.move_to(first)
        await pilot.press("f", "j", "s", "n", *"checked", "enter")
        await pilot.pause()
        gutter = pane.render_line(row_of[first] - round(pane.scroll_y)).text[:4]
        assert gutter[1] == "S" and gutter[2] == "*"  # cursor on the second: its tag, its note
        await pilot.press("k")
        await pilot.pause()
        gutter = pane.render_line(row_of[first] - round(pane.scroll_y)).text[:4]
        assert gutter[1] == "F" and "FS" not in gutter and "SF" not in gutter


async def test_search_all_lists_sentences_and_opens_one(make_app: MakeApp, library: Path) -> None:
    from textual.widgets import OptionList

    from tuireader.ui.search_all_screen import SearchAllScreen

    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, SearchAllScreen)
        await pilot.press(*"ready", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.screen.query_one(OptionList)
        assert results.option_count == 1  # the copy of the cup final is searched once
        assert "1 sentence in 1 article" in str(app.screen.query_one("#search-all-count").render())
        await pilot.press("down", "enter")
        assert not isinstance(app.screen, SearchAllScreen)
        article = app.pane.article
        assert article is not None and article.title == "Cup final tonight"
        assert app.pane.sentences[app.pane.cursor].text == "The teams are ready."
        assert app.pane.match_count == 1
        await pilot.press("ctrl+f", "escape")
        assert not isinstance(app.screen, SearchAllScreen)
        await pilot.press("ctrl+f", *"réady", "enter")  # A6: the query's accents are ignored
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one(OptionList).option_count == 1


async def test_library_view_totals_per_folder(make_app: MakeApp, library: Path) -> None:
    from tuireader.ui.library_screen import LibraryScreen

    write(library / "sport" / "broken.txt", "")
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("L")
        assert isinstance(app.screen, LibraryScreen)
        text = app.screen.text.plain
        rows = {line.split()[0]: line.split()[1:6] for line in text.splitlines()[3:7]}
        assert rows["./"][:1] == ["1"] and rows["sport/"][:1] == ["1"]
        assert rows["world/"][:1] == ["2"] and rows["(all)"][:1] == ["4"]
        assert rows["(all)"][3] == "8"  # 2 + 2 + 2 + 2 sentences
        assert "Skipped (1)" in text and "broken.txt: skipped, empty file" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, LibraryScreen)


async def test_search_all_and_library_keys_in_help_and_remapped(
    db_path: Path, tmp_path: Path, library: Path
) -> None:
    from textual.widgets import OptionList

    from tuireader.config import Config
    from tuireader.ui.app import check_config
    from tuireader.ui.help_screen import HelpScreen
    from tuireader.ui.library_screen import LibraryScreen
    from tuireader.ui.search_all_screen import SearchAllScreen

    keys = {
        "search_all.close": "ctrl+g",
        "search_all.search": "ctrl+s",
        "search_all.open": "o",
        "library.close": "ctrl+g",
    }
    config = Config(keys=keys)
    check_config(config)  # no conflict: each screen's keys are a scope of their own
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            Catalog.scan([library]),
            store,
            db_path=db_path,
            config=config,
            cache_path=tmp_path / "cache.json",
        )
        async with app.run_test(size=SIZE) as pilot:
            await filled(app, pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = app.screen.query_one("#help-text").render().plain  # type: ignore[union-attr]
            search_all = text.split("\nSearch all\n")[1].split("\n\n")[0]
            assert "ctrl+s" in search_all and "Search every article" in search_all
            assert "o " in search_all and "Open at the sentence" in search_all
            assert "ctrl+g" in search_all and "Close" in search_all
            assert "To the results" in search_all
            library_keys = text.split("\nLibrary view\n")[1].split("\n\n")[0]
            assert "ctrl+g" in library_keys and "Close" in library_keys
            await pilot.press("escape")
            # The remapped keys act: ctrl+s searches, ↓ to the results, o opens, ctrl+g closes.
            await pilot.press("ctrl+f", *"ready")
            await pilot.press("enter")  # no longer bound in the box: nothing searched
            await pilot.pause()
            assert app.screen.query_one(OptionList).option_count == 0
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen.query_one(OptionList).option_count == 1
            await pilot.press("down", "o")
            assert not isinstance(app.screen, SearchAllScreen)
            assert app.pane.sentences[app.pane.cursor].text == "The teams are ready."
            await pilot.press("ctrl+f", "escape")
            assert isinstance(app.screen, SearchAllScreen)  # Esc is no longer Close
            await pilot.press("ctrl+g")
            assert not isinstance(app.screen, SearchAllScreen)
            await pilot.press("L")
            assert isinstance(app.screen, LibraryScreen)
            await pilot.press("ctrl+g")
            assert not isinstance(app.screen, LibraryScreen)


@pytest.mark.parametrize("key", ["escape", "L", "q"])
async def test_library_view_closes_on_each_of_its_keys(
    make_app: MakeApp, library: Path, key: str
) -> None:
    from tuireader.ui.library_screen import LibraryScreen

    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("L")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press(key)
        assert not isinstance(app.screen, LibraryScreen)
        assert app.is_running


async def test_list_stays_at_its_top_while_dates_reorder_it(
    make_app: MakeApp, tmp_path: Path
) -> None:
    root = tmp_path / "two"
    write(root / "a-older.txt", " date 2020-01-01\nOlder story\n\nOne. Two.\n")
    write(root / "b-newer.txt", " date 2026-01-01\nNewest story\n\nThree. Four.\n")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        articles = app.article_list
        assert articles.highlighted_entry is not None  # by name, or by date if already read
        await filled(app, pilot)
        # Sorted by date once read: the cursor stays on the top row, not on the file it was on,
        # and that is the article opened.
        assert articles.cursor == 0 and titles(articles)[0] == "Newest story"
        assert app.pane.article is not None and app.pane.article.title == "Newest story"
        # Once put on a row (here by a key), the cursor keeps to its article as the order changes.
        articles.focus()
        await pilot.press("j")
        chosen = articles.highlighted_entry
        assert chosen is not None and chosen.name == "a-older.txt"
        await pilot.press("s", "s")  # by title, then by path: a-older.txt is first now
        assert articles.cursor == 0 and articles.highlighted_entry is chosen


async def test_library_view_one_row_per_folder_given(
    db_path: Path, tmp_path: Path, library: Path
) -> None:
    """A5: several folders on the command line were all one "./" row (and one list group)."""
    from tuireader.ui.article_list import Folder
    from tuireader.ui.library_screen import LibraryScreen

    other = tmp_path / "other"
    write(other / "docks.txt", "Docks reopen\n\nThe docks reopen. Ships wait.\n")
    write(other / "deep" / "rain.txt", "Rain due\n\nRain is due. Bring a coat.\n")
    loose = write(tmp_path / "loose" / "one.txt", "One file\n\nGiven by name. Alone.\n")
    store = Store.open(db_path, "tester")
    app = ReaderApp(
        Catalog.scan([library / "sport", other, loose]),
        store,
        db_path=db_path,
        cache_path=tmp_path / "cache.json",
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await filled(app, pilot)
            groups = {r.key: r.count for r in app.article_list.rows if isinstance(r, Folder)}
            assert groups == {
                str(library / "sport"): 1,  # the copy of the final is one entry
                str(other): 1,
                str(other / "deep"): 1,
                str(loose.parent): 1,
            }
            await pilot.press("L")
            assert isinstance(app.screen, LibraryScreen)
            rows = {
                line.split()[0]: line.split()[1] for line in app.screen.text.plain.splitlines()[3:]
            }
            assert rows[f"{library / 'sport'}/"] == "1" and rows[f"{other}/"] == "1"
            assert rows[f"{other / 'deep'}/"] == "1" and rows[f"{loose.parent}/"] == "1"
            assert rows["(all)"] == "4" and "./" not in rows
    finally:
        store.close()


async def test_sort_by_title_path_and_folders_in_natural_order(
    make_app: MakeApp, tmp_path: Path
) -> None:
    root = tmp_path / "numbered"
    for n in (0, 1, 10, 100, 2, 9):
        write(root / "part 10" / f"notes-{n}.txt", f"Harbour notes {n}\n\nLine {n}. Another.\n")
    write(root / "part 9" / "x.txt", "Élan notes\n\nOne line. Another.\n")
    write(root / "part 9" / "y.txt", "elan notes 3\n\nTwo lines. Another.\n")
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        articles = app.article_list
        articles.focus()
        folders = [getattr(r, "key", None) for r in articles.rows if not hasattr(r, "path")]
        assert folders == ["part 9", "part 10"]
        await pilot.press("s")
        assert articles.order == "title"
        assert titles(articles) == [
            "Élan notes",
            "elan notes 3",
            *(f"Harbour notes {n}" for n in (0, 1, 2, 9, 10, 100)),
        ]
        await pilot.press("s")
        assert articles.order == "path"
        assert [Path(e.path).name for e in articles.shown_entries][2:] == [
            f"notes-{n}.txt" for n in (0, 1, 2, 9, 10, 100)
        ]

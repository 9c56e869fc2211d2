"""The in-app export (x, X): the dialog lists the command's formats, asks where, remembers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from tuireader.articles import load_library
from tuireader.export import FORMATS, SENTENCE_FORMATS
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.export_screen import ExportScreen

from conftest import SAMPLES, SEED

SIZE = (120, 40)


@pytest.fixture
def make_app(db_path: Path) -> Iterator[Callable[..., ReaderApp]]:
    stores: list[Store] = []

    def make(*paths: Path) -> ReaderApp:
        library = load_library(paths or [SAMPLES])
        store = Store.open(db_path, "tester")
        stores.append(store)
        single = len(paths) == 1 and paths[0].is_file()
        first = library.articles[0] if single else None
        return ReaderApp(library, store, db_path=db_path, open_article=first)

    yield make
    for store in stores:
        store.close()


async def finish(app: ReaderApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def exports(db_path: Path, pattern: str = "*") -> list[Path]:
    return sorted((db_path.parent / "exports").glob(pattern))


async def test_x_lists_the_commands_formats_and_enter_exports(
    make_app: Callable[..., ReaderApp], db_path: Path
) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "x")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        options = screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == [*FORMATS, *(f"sentences:{f}" for f in SENTENCE_FORMATS)]
        assert options.highlighted == 0 and app.focused is options
        path = screen.query_one("#export-path", Input).value
        assert path.startswith(str(db_path.parent / "exports" / "tuireader-")) and path.endswith(
            ".json"
        )
        await pilot.press("enter")
        await finish(app, pilot)
        assert not isinstance(app.screen, ExportScreen)
        (written,) = exports(db_path)
        assert str(written) == path
        assert len(json.loads(written.read_text("utf-8"))["annotations"]) == 1
        assert any(
            f"Exported 1 annotation as json to {path}" in n.message for n in app._notifications
        )


async def test_the_last_choice_is_remembered_even_after_a_restart(
    make_app: Callable[..., ReaderApp], db_path: Path, tmp_path: Path
) -> None:
    app = make_app(SEED)
    elsewhere = tmp_path / "out"
    elsewhere.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "s", "x", "down", "down")  # csv
        path = app.screen.query_one("#export-path", Input)
        assert path.value.endswith(".csv")
        await pilot.press("tab")
        assert app.focused is path
        path.value = str(elsewhere / "mine.csv")
        await pilot.press("enter")
        await finish(app, pilot)
        assert (elsewhere / "mine.csv").read_text("utf-8-sig").count("\n") == 3
        await pilot.press("x")
        options = app.screen.query_one(OptionList)
        assert options.highlighted == list(FORMATS).index("csv")
        assert app.screen.query_one("#export-path", Input).value.startswith(str(elsewhere))
        await pilot.press("escape")
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert app.screen.query_one(OptionList).highlighted == list(FORMATS).index("csv")


async def test_by_sentence_from_the_dialog_and_a_typed_name_keeps_the_format_suffix(
    make_app: Callable[..., ReaderApp], db_path: Path, tmp_path: Path
) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "x", "tab")
        path = app.screen.query_one("#export-path", Input)
        path.value = str(tmp_path / "table.json")
        await pilot.press("shift+tab", "end", "up", "up")  # sentences:jsonl
        assert path.value == str(tmp_path / "table.jsonl")
        await pilot.press("enter")
        await finish(app, pilot)
        rows = [json.loads(x) for x in (tmp_path / "table.jsonl").read_text("utf-8").splitlines()]
        assert len(rows) == len(app.pane.sentences)
        assert rows[0]["tag:tester"] == "fact" and rows[1]["tag:tester"] is None


async def test_escape_cancels_and_X_exports_every_article(
    make_app: Callable[..., ReaderApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "f", "x", "escape")
        await finish(app, pilot)
        assert not isinstance(app.screen, ExportScreen) and exports(db_path) == []
        await pilot.press("shift+tab", "j", "enter", "e", "X")
        assert "all articles" in str(app.screen.query("Static").first().render())
        await pilot.press("enter")
        await finish(app, pilot)
        (written,) = exports(db_path, "*all*.json")
        assert len(json.loads(written.read_text("utf-8"))["annotations"]) == 2


async def test_an_export_that_fails_says_why(
    make_app: Callable[..., ReaderApp], tmp_path: Path
) -> None:
    app = make_app(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "x", "tab")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "no" / "x.json")
        await pilot.press("enter")
        await finish(app, pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "no such folder" in errors[-1].message


async def test_the_default_folder_is_made_when_the_database_path_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--db given as a relative path: Enter made no folder (a relative folder was compared with
    the dialog's absolute path) and the export failed with "no such folder"."""
    monkeypatch.chdir(tmp_path)
    relative = Path("team.json")
    store = Store.open(relative, "tester")
    try:
        library = load_library([SEED])
        app = ReaderApp(library, store, db_path=relative, open_article=library.articles[0])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "x")
            path = app.screen.query_one("#export-path", Input).value
            assert Path(path).is_absolute() and Path(path).parent == tmp_path / "exports"
            await pilot.press("enter")
            await finish(app, pilot)
            (written,) = sorted((tmp_path / "exports").glob("*.json"))
            assert str(written) == path
            assert len(json.loads(written.read_text("utf-8"))["annotations"]) == 1
            assert not any("Not exported" in n.message for n in app._notifications)
    finally:
        store.close()


async def test_a_folder_with_an_escape_sequence_is_shown_escaped_and_written_exactly(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "e\x1b]0;PWN\x07d"
    folder.mkdir()
    db = folder / "x.json"
    library = load_library([SEED])
    store = Store.open(db, "tester")
    try:
        app = ReaderApp(library, store, db_path=db, open_article=library.articles[0])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "x")
            field = app.screen.query_one("#export-path", Input)
            shown = str(tmp_path / "e\\x1b]0;PWN\\x07d" / "exports" / "tuireader-")
            assert field.value.startswith(shown) and field.value.isprintable()
            drawn = field.render_line(0).text.strip()  # as far as the field is wide
            assert len(drawn) > len(str(tmp_path)) + 10 and field.value.startswith(drawn)
            await pilot.press("enter")
            await finish(app, pilot)
            (written,) = (folder / "exports").iterdir()
            assert json.loads(written.read_text("utf-8"))["annotations"]
            assert not (tmp_path / "e\\x1b]0;PWN\\x07d").exists()
            # A name typed in the field: still the real folder.
            await pilot.press("x", "tab", "end", *(["backspace"] * len(".json")), *"-mine.json")
            field = app.screen.query_one("#export-path", Input)
            assert field.value.startswith(shown) and field.value.endswith("-mine.json")
            await pilot.press("enter")
            await finish(app, pilot)
            mine = [p.name for p in (folder / "exports").iterdir() if p.name.endswith("-mine.json")]
            assert len(mine) == 1
    finally:
        store.close()

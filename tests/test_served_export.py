"""A reader served to browsers (``tuireader serve``) never writes a path its user names: the
export dialog takes a file name in the server's exports folder, or export is off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from test_export_targets import SIZE, STORY, filled, snapshot
from tuireader.catalog import Catalog
from tuireader.export_target import name_problem
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.export_screen import ExportScreen, ReplaceScreen

PRECIOUS = "precious, never replaced\n"


def test_a_served_export_takes_a_name_only() -> None:
    assert name_problem("tags.json") is None
    assert name_problem("report of monday.md") is None
    for bad in ["", "/tmp/x.json", "sub/x.json", "../x.json", "..", ".", ".bashrc", "a\\b"]:
        assert name_problem(bad) is not None, bad
    assert name_problem("a\x1bb.json") is not None
    assert name_problem("x" * 300) is not None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ReaderApp, Path]]:
    """A reader as ``tuireader serve`` starts it: its exports folder given, made by serve."""
    root = tmp_path / "arts"
    root.mkdir()
    (root / "one.txt").write_text(STORY, encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    with Store.open(tmp_path / "db.json", "kay") as store:
        yield (
            ReaderApp(
                Catalog.scan([root]),
                store,
                db_path=tmp_path / "db.json",
                cache_path=tmp_path / "cache.json",
                served_exports=exports,
            ),
            exports,
        )


async def name_typed(app: ReaderApp, pilot: object, name: str) -> None:
    """In the open export dialog: to the name (Tab from the list), emptied, ``name``, Enter."""
    field = app.screen.query_one("#export-path", Input)
    if not field.has_focus:
        await pilot.press("tab")  # type: ignore[attr-defined]
    assert field.has_focus
    await pilot.press("ctrl+u", "end", "ctrl+u")  # type: ignore[attr-defined]
    field.insert_text_at_cursor(name)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def files_besides_the_database(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the database's own (the reader saves its state there, a
    cursor or the last article, at its own pace): what a refused export must leave as it was."""
    return {p: data for p, data in snapshot(root).items() if not Path(p).name.startswith("db.json")}


async def test_the_served_dialog_writes_only_a_name_in_the_exports_folder(
    served: tuple[ReaderApp, Path], tmp_path: Path
) -> None:
    app, exports = served
    precious = tmp_path / "precious.txt"
    precious.write_text(PRECIOUS, encoding="utf-8")
    (tmp_path / ".bashrc").write_text(PRECIOUS, encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        before = files_besides_the_database(tmp_path)
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        said = str(app.screen.query_one("#export-folder", Static).render())
        assert str(exports) in said
        field = app.screen.query_one("#export-path", Input)
        assert "/" not in field.value and field.value.endswith(".json")
        for path in [str(precious), "../precious.txt", "..", ".bashrc", "~/.bashrc"]:
            await name_typed(app, pilot, path)
            assert isinstance(app.screen, ExportScreen), path  # refused: still asking
            refused = [n for n in app._notifications if n.title == "Not exported"][-1]
            assert refused.message.startswith(f"{path}: ") and "\n" not in refused.message
            assert str(exports) in refused.message
        assert files_besides_the_database(tmp_path) == before
        await name_typed(app, pilot, "mine.json")
        assert not isinstance(app.screen, ExportScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert '"annotations"' in (exports / "mine.json").read_text("utf-8")
        # A name that is there already is asked about, as in a terminal.
        await pilot.press("x")
        await name_typed(app, pilot, "mine.json")
        assert isinstance(app.screen, ReplaceScreen)
        await pilot.press("n", "escape")
    assert precious.read_text("utf-8") == PRECIOUS
    assert sorted(p.name for p in exports.iterdir()) == ["mine.json"]


async def test_the_served_dialog_ignores_a_remembered_folder(
    served: tuple[ReaderApp, Path], tmp_path: Path
) -> None:
    app, exports = served
    app.store.set_state("export", {"format": "csv", "folder": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("x")
        field = app.screen.query_one("#export-path", Input)
        assert "/" not in field.value and field.value.endswith(".csv")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert [p.suffix for p in exports.iterdir()] == [".csv"]


async def test_export_is_off_when_the_exports_folder_is_missing(
    served: tuple[ReaderApp, Path],
) -> None:
    app, exports = served
    exports.rmdir()
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("x")
        assert not isinstance(app.screen, ExportScreen)
        (said,) = [n for n in app._notifications if n.title == "Cannot export"]
        assert said.message.startswith("Export is off in this served reader: ")
        assert str(exports) in said.message and "\n" not in said.message
    assert not exports.exists()

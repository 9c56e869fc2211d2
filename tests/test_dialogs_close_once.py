"""Every dialog delivers its result once and keeps the app running when a second Enter, Esc or
selection is queued before the first closed it (a loaded machine, a fast typist): the late one
reached the popped dialog, dismissed again and popped the screen beneath ("Can't pop screen")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from tuireader.adjudication import Verdict
from tuireader.ui.adjudicate_screen import AdjudicateScreen
from tuireader.ui.export_screen import ExportScreen
from tuireader.ui.help_screen import HelpScreen
from tuireader.ui.library_screen import LibraryScreen
from tuireader.ui.merge_screen import MergeScreen
from tuireader.ui.name_screen import NameScreen
from tuireader.ui.note_screen import NoteScreen
from tuireader.ui.search_all_screen import SearchAllScreen
from tuireader.ui.stats_screen import StatsScreen


class Host(App[None]):
    """Opens one dialog over a plain screen and records every result it delivers."""

    def __init__(self, dialog: Screen[object]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("beneath the dialog")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def submitted(selector: str, value: str) -> Callable[[Screen[object]], Message]:
    def message(dialog: Screen[object]) -> Message:
        field = dialog.query_one(selector, Input)
        field.value = value
        return Input.Submitted(field, value)

    return message


def selected(selector: str) -> Callable[[Screen[object]], Message]:
    def message(dialog: Screen[object]) -> Message:
        options = dialog.query_one(selector, OptionList)
        return OptionList.OptionSelected(options, options.get_option_at_index(0), 0)

    return message


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Screen[object]]
    submit: Callable[[Screen[object]], Message] | None
    expected: Callable[[Path], object]


VERDICT = Verdict("fact", "alice")
CASES = [
    Case(
        "note",
        lambda _: NoteScreen("The bridge will close.", ""),
        submitted("#note-input", "check the date"),
        lambda _: "check the date",
    ),
    Case("name", lambda _: NameScreen(), submitted("#name-input", "kim"), lambda _: "kim"),
    Case(
        "merge",
        lambda _: MergeScreen("The bridge will close.", [("fact", Content("Fact for both"))]),
        selected("#merge-choices"),
        lambda _: "fact",
    ),
    Case(
        "adjudicate",
        lambda _: AdjudicateScreen("The bridge will close.", [(VERDICT, Content("Fact (alice)"))]),
        selected("#adjudicate-choices"),
        lambda _: VERDICT,
    ),
    Case(
        "export",
        lambda tmp: ExportScreen("article", "Bridge", {"format": "json"}, tmp),
        submitted("#export-path", "out.json"),
        lambda _: Path("out.json").absolute(),
    ),
    Case("help", lambda _: HelpScreen(Content("keys")), None, lambda _: None),
    Case("stats", lambda _: StatsScreen(Content("figures")), None, lambda _: None),
    Case("library", lambda _: LibraryScreen(Content("folders")), None, lambda _: None),
    Case("search all", lambda tmp: SearchAllScreen([str(tmp / "a.txt")]), None, lambda _: None),
]


def delivered(case: Case, result: object) -> object:
    # An export choice is compared by the file it names.
    return getattr(result, "path", result)


@pytest.mark.parametrize("case", [c for c in CASES if c.submit], ids=lambda c: c.name)
async def test_two_queued_submissions_deliver_one_result(case: Case, tmp_path: Path) -> None:
    assert case.submit is not None
    app = Host(case.make(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert dialog is app.dialog
        first, second = case.submit(dialog), case.submit(dialog)
        dialog.post_message(first)
        dialog.post_message(second)
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.screen is not dialog
        assert [delivered(case, r) for r in app.results] == [case.expected(tmp_path)]
    assert app.return_code in (None, 0)


def escape_action(dialog: Screen[object]) -> str:
    for binding in dialog.BINDINGS:
        if isinstance(binding, Binding) and "escape" in binding.key.split(","):
            return binding.action
    raise AssertionError(f"{type(dialog).__name__} has no Esc binding")


CANCELLABLE = [c for c in CASES if c.name != "name"]  # the name dialog has no cancel


@pytest.mark.parametrize("queued", ["keys", "actions"])
@pytest.mark.parametrize("case", CANCELLABLE, ids=lambda c: c.name)
async def test_two_queued_escapes_close_once(case: Case, queued: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nThe bridge will close on Monday.\n")
    app = Host(case.make(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert dialog is app.dialog
        # Both queued before either is handled: as two keys to the app, or as the Esc
        # binding's action twice on the dialog (a late one reaching it after it closed).
        for _ in range(2):
            if queued == "keys":
                app.post_message(events.Key("escape", None))
            else:
                dialog.call_later(dialog.run_action, escape_action(dialog))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.screen is not dialog
        assert app.results == [None]
    assert app.return_code in (None, 0)

"""The note dialog opens with the cursor after the note and nothing selected: the first key typed
adds to the note instead of replacing it (Textual's Input selects everything on focus), and
Home/End move the cursor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.note_screen import NoteScreen

from conftest import SEED


async def test_opening_a_note_puts_the_cursor_at_its_end_and_typing_adds_to_it(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "n")
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one(Input).value = "a long note"
        await pilot.press("enter")
        await app.writes_landed()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value == "a long note"
        assert field.selection.is_empty and field.cursor_position == len("a long note")
        await pilot.press("!", "home", "x", "end", "?")
        assert field.value == "xa long note!?"
        await pilot.press("enter")
        await app.writes_landed()
        await pilot.pause()
    with Store.open(db_path, "tester", create=False) as store:
        assert [a.note for a in store.annotations()] == ["xa long note!?"]

"""Enter pressed twice in the note dialog (the second before the first has closed it, as on a
loaded machine) saves once and keeps the reader running: the second ``Input.Submitted`` reached
the dialog after it was popped and stopped the reader ("Can't pop screen")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.note_screen import NoteScreen

from conftest import SEED


async def test_a_second_enter_in_the_note_dialog_is_ignored(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "n")
        note = app.screen
        assert isinstance(note, NoteScreen)
        field = note.query_one(Input)
        field.value = "check the date"
        # Both submissions queued before either is handled: two Enter keys in a row.
        field.post_message(Input.Submitted(field, field.value))
        field.post_message(Input.Submitted(field, field.value))
        await pilot.pause()
        await app.writes_landed()
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, NoteScreen)
    assert app.return_code in (None, 0)
    with Store.open(db_path, "tester", create=False) as store:
        assert [a.note for a in store.annotations()] == ["check the date"]

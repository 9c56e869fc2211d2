"""A note with line breaks (imported from another tool or a script) in the one-line note
dialog: Enter on it as shown writes nothing (the text and its ``updated``, which decides every
later merge, stay); an edit keeps its lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, Static

from tuireader.articles import load_article
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.note_screen import NoteScreen, saved, shown

from conftest import SEED

NOTE = "line1\nline2\u2028line3\rline4\tTAB"


def noted(db: Path, note: str) -> tuple[str, str]:
    article = load_article(SEED)
    with Store.open(db, "tester") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
        (annotation,) = store.annotations(article.id)
        store.set_note(annotation.id, note)
        (annotation,) = store.annotations(article.id)
    return annotation.note, annotation.updated


def stored(db: Path) -> tuple[str, str]:
    with Store.open(db, "tester", create=False) as store:
        (annotation,) = store.annotations()
    return annotation.note, annotation.updated


async def test_enter_on_a_multi_line_note_as_shown_changes_nothing(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    before = noted(db_path, NOTE)
    assert before[0] == NOTE
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, NoteScreen)
        assert dialog.query_one(Input).value == "line1 ⏎ line2 ⏎ line3 ⏎ line4 TAB"
        hint = dialog.query_one("#note-breaks", Static)
        assert "4 lines: ⏎ marks each line break, kept when saved" in str(hint.render())
        await pilot.press("enter")
        await pilot.pause()
        await app.writes_landed()
        assert not isinstance(app.screen, NoteScreen)
    assert stored(db_path) == before


async def test_an_edited_multi_line_note_keeps_its_lines(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    noted(db_path, NOTE)
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "end", *" ok", "enter")
        await pilot.pause()
        await app.writes_landed()
    assert stored(db_path)[0] == "line1\nline2\nline3\nline4 TAB ok"


def test_shown_and_saved_round_trip_the_lines() -> None:
    assert shown("one line") == "one line" == saved("one line ")
    assert shown("a\r\nb\x1b[31m") == "a ⏎ b"
    assert saved("a ⏎ b ⏎c") == "a\nb\nc"
    assert saved(shown("first\nsecond\nthird")) == "first\nsecond\nthird"

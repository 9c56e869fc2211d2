"""A note with line breaks (imported from another tool or a script) in the one-line note
dialog: Enter on it as shown writes nothing (the text and its ``updated``, which decides every
later merge, stay); an edit keeps its lines. The input holds them losslessly: a typed ``⏎`` is
that character, a pasted line break a line break, a pasted TAB a TAB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot
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
        field = dialog.query_one(Input)
        assert field.value == "line1\nline2\nline3\nline4\tTAB"
        drawn = field.render_line(0).text
        assert "line1⏎line2⏎line3⏎line4⇥TAB" in drawn, drawn
        hint = dialog.query_one("#note-breaks", Static)
        assert "4 lines: a highlighted ⏎ marks each line break (⇥ a TAB), kept when saved" in str(
            hint.render()
        )
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
    assert stored(db_path)[0] == "line1\nline2\nline3\nline4\tTAB ok"


def test_shown_and_saved_round_trip_the_lines() -> None:
    assert shown("one line") == "one line" == saved("one line ")
    assert shown("a\r\nb\x1b[31m") == "a\nb"
    assert shown("a\tb\u2028c") == "a\tb\nc"
    for note in ("first\nsecond\nthird", "a ⏎ b", "⏎", "cols\tkept", "x ⇥ y\nz"):
        assert saved(shown(note)) == note


async def type_sign(app: ReaderApp, pilot: Pilot[object]) -> None:
    """Type ``⏎`` as a terminal sends it (a key with that character); ``pilot.press("⏎")``
    sends the key without its character (Textual 8.2.8 cannot look the name up)."""
    app.post_message(events.Key("return_symbol", "⏎"))
    await pilot.pause()


async def test_a_typed_return_sign_stays_that_character(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    """``⏎`` typed into a note is saved as ``⏎`` (it was read back as a line break)."""
    noted(db_path, "")
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", *"press ")
        await type_sign(app, pilot)
        await pilot.press(*" then go", "enter")
        await pilot.pause()
        await app.writes_landed()
    assert stored(db_path)[0] == "press ⏎ then go"


async def test_a_pasted_line_break_and_tab_are_kept(
    make_reader: Callable[[Path], ReaderApp], db_path: Path
) -> None:
    """A pasted line break is a line break of the note and a pasted TAB a TAB (both were
    spaces), drawn as highlighted ``⏎`` and ``⇥`` beside a typed ``⏎``; the hint under the
    input says what the signs mean."""
    noted(db_path, "")
    app = make_reader(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, NoteScreen)
        field = dialog.query_one(Input)
        hint = dialog.query_one("#note-breaks", Static)
        assert "A pasted line break or TAB is kept" in str(hint.render())
        await pilot.press("a")
        await type_sign(app, pilot)
        field.post_message(events.Paste("first\r\nsecond\tthird\x1b[31m!"))
        await pilot.pause()
        assert field.value == "a⏎first\nsecond\tthird!"
        line = field.render_line(0)
        assert "a⏎first⏎second⇥third!" in line.text
        marks = [
            (char, bool(seg.style and seg.style.reverse))
            for seg in line
            for char in seg.text
            if char in ("⏎", "⇥")
        ]
        assert marks == [("⏎", False), ("⏎", True), ("⇥", True)]  # typed, break, TAB
        assert "2 lines: a highlighted ⏎ marks each line break" in str(hint.render())
        await pilot.press("enter")
        await pilot.pause()
        await app.writes_landed()
    assert stored(db_path)[0] == "a⏎first\nsecond\tthird!"

"""Rejecting a suggestion (``-``): hidden for me on that sentence, remembered per article and
annotator until its text changes, undoable, and skipped by accept all (Pilot tests)."""

from __future__ import annotations

from pathlib import Path

from tuireader.articles import load_library
from tuireader.rejections import rejected_indexes, rejections_key, sentence_mark, with_mark
from tuireader.sentences import Sentence
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.keymap import normalize_key

SIZE = (120, 40)
TEXT = """\
# Harbour Notes

The harbour opened in 1801 with 40 staff.

The harbour could close in 2032 if the roof fails.

The ferry carried 300 people in 1990.

The mill may reopen if the council agrees.
"""


def article_at(tmp_path: Path) -> Path:
    path = tmp_path / "harbour.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


def reader(path: Path, db: Path, annotator: str = "tester") -> tuple[ReaderApp, Store]:
    library = load_library([path])
    store = Store.open(db, annotator)
    return ReaderApp(library, store, db_path=db, open_article=library.articles[0]), store


def notes(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def suggested(app: ReaderApp) -> list[int]:
    """Show the suggestions; the sentences that have one."""
    await app.workers.wait_for_complete()
    suggestions = app.pane.suggestions
    assert suggestions is not None
    return [i for i, s in enumerate(suggestions) if s is not None]


async def test_rejected_is_hidden_skipped_by_accept_all_and_undone(
    tmp_path: Path, db_path: Path
) -> None:
    app, store = reader(article_at(tmp_path), db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.pane
            await pilot.press("S")
            await pilot.pause()
            shown = await suggested(app)
            assert len(shown) >= 4
            accepted, rejected, *rest = shown
            pane.move_to(accepted)
            await pilot.press("a")
            pane.move_to(rejected)
            await pilot.pause()
            assert "- rejects" in app.status.content.plain
            await pilot.press("minus")
            await app.writes_landed()
            await pilot.pause()
            assert pane.rejected == {rejected} and pane.suggestion is None
            assert "suggested" not in app.status.content.plain
            await pilot.press("A")
            await pilot.pause()
            assert pane.annotation_of(rejected) is None
            assert all(pane.annotation_of(i) is not None for i in (accepted, *rest))
            assert any("1 rejected suggestion skipped" in n for n in notes(app))
            await pilot.press("minus")  # nothing left here to reject: said, nothing written
            assert any("No untagged suggestion here to reject" in n for n in notes(app))
            await pilot.press("u", "u")  # accept all, then the rejection
            await app.writes_landed()
            await pilot.pause()
            assert pane.rejected == frozenset() and pane.suggestion is not None
            assert all(pane.annotation_of(i) is None for i in (rejected, *rest))
            await pilot.press("A")
            await pilot.pause()
            assert all(pane.annotation_of(i) is not None for i in shown)
    finally:
        store.close()


async def test_a_rejection_is_kept_per_article_and_annotator(tmp_path: Path, db_path: Path) -> None:
    path = article_at(tmp_path)
    app, store = reader(path, db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("S")
            shown = await suggested(app)
            app.pane.move_to(shown[1])
            await pilot.press("minus")
            await app.writes_landed()
    finally:
        store.close()
    app, store = reader(path, db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("A")  # suggestions off: nothing accepted
            assert app.pane.annotation_of(shown[0]) is None
            await pilot.press("S")
            await suggested(app)
            await pilot.pause()
            assert app.pane.rejected == {shown[1]}
            await pilot.press("A")
            await pilot.pause()
            assert app.pane.annotation_of(shown[1]) is None
            assert app.pane.annotation_of(shown[0]) is not None
            assert any("1 rejected suggestion skipped" in n for n in notes(app))
    finally:
        store.close()
    app, store = reader(path, db_path, "other")  # another annotator's layer: not rejected
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("S")
            await suggested(app)
            await pilot.pause()
            assert app.pane.rejected == frozenset()
            app.pane.move_to(shown[1])
            await pilot.press("A")
            await pilot.pause()
            assert app.pane.annotation_of(shown[1]) is not None
    finally:
        store.close()


async def test_reject_with_suggestions_off_says_so(tmp_path: Path, db_path: Path) -> None:
    app, store = reader(article_at(tmp_path), db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("minus")
            await pilot.pause()
            assert any("Suggestions are off" in n for n in notes(app))
            assert store.state_keys("rejected-suggestions:") == []
    finally:
        store.close()


def test_a_rejection_lapses_when_its_sentence_changes() -> None:
    one = Sentence(0, 0, 10, 0, "It may go.")
    two = Sentence(1, 11, 24, 0, "It will stay.")
    marks = with_mark(None, sentence_mark(two))
    assert marks is not None and rejected_indexes([one, two], marks) == {1}
    edited = Sentence(1, 11, 26, 0, "It will stay!!")
    assert rejected_indexes([one, edited], marks) == frozenset()
    moved = Sentence(1, 12, 25, 0, "It will stay.")  # the text before it grew
    assert rejected_indexes([Sentence(0, 0, 11, 0, "It may go..."), moved], marks) == frozenset()
    assert with_mark(marks, sentence_mark(two), rejected=False) is None
    assert rejected_indexes([one], ["x:y", "7", "999:abc"]) == frozenset()
    assert rejections_key("sam", "a1") != rejections_key("tina", "a1")


def test_punctuation_keys_have_textual_names() -> None:
    """``-`` in ``[keys]`` is the key Textual calls ``minus`` (it was ``hyphen_minus``)."""
    assert [normalize_key(k) for k in "-/_+"] == ["minus", "slash", "underscore", "plus"]

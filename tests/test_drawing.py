"""What the reader draws with partial refreshes is what a full redraw draws, cell for cell.

The reading pane redraws only the rows a change touches and keeps rows as drawn; the footer
rebuilds its keys only when they differ; a look at another window's write restyles nothing
when my layer came back as the same objects. Each test drives the real app and keeps a mirror
of the terminal: every update the app sends, applied to a grid of cells as a terminal would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.segment import ControlType, Segment
from rich.style import Style
from textual import events
from textual._compositor import CompositorUpdate

from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.same_objects import Remembered, same_objects

SIZE = (100, 30)
Cell = tuple[str, Style | None]


def long_story(folder: Path) -> Path:
    """A made-up story long enough to scroll (about six screens at 100 columns)."""
    paragraphs = []
    for p in range(40):
        sentences = [
            f"Paragraph {p} sentence {s} says the harbour board met on a wet Tuesday evening."
            for s in range(4)
        ]
        sentences.append(f"Officials said the plan for pier {p} would probably change.")
        paragraphs.append(" ".join(sentences))
    path = folder / "harbour-board.txt"
    path.write_text("Harbour board meets\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


class Mirror:
    """The screen as a terminal shows it after every update the app sent (headless apps send
    them too; they are only not written anywhere)."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.cells: list[list[Cell]] = []
        display = app._display

        def shown(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                self.apply(renderable, self.cells)

        app._display = shown  # type: ignore[method-assign]

    def apply(self, update: CompositorUpdate, cells: list[list[Cell]]) -> None:
        width, height = self.app.size
        # A terminal resized keeps what fits of its cells; the app then draws it all again.
        del cells[height:]
        for row in cells:
            del row[width:]
            row.extend([(" ", None)] * (width - len(row)))
        while len(cells) < height:
            cells.append([(" ", None)] * width)
        console = self.app.console
        x = y = 0
        for segment in update.__rich_console__(console, console.options):  # type: ignore[attr-defined]
            assert isinstance(segment, Segment)
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(control[1]), int(control[2])  # type: ignore[misc]
                continue
            if segment.text == "\n":
                continue
            style = None if segment.style is None else segment.style.clear_meta_and_links()
            for character in segment.text:
                if 0 <= y < height and 0 <= x < width:
                    cells[y][x] = (character, style)
                x += cell_len(character)

    def full(self) -> list[list[Cell]]:
        """The screen drawn afresh, every widget's every line."""
        cells: list[list[Cell]] = []
        self.apply(self.app.screen._compositor.render_full_update(), cells)
        return cells

    def differences(self) -> list[str]:
        full = self.full()
        out = []
        for y, (seen, fresh) in enumerate(zip(self.cells, full, strict=False)):
            if seen != fresh:
                text = "".join(c for c, _ in seen)
                want = "".join(c for c, _ in fresh)
                out.append(f"row {y}: shown {text!r}\n        fresh {want!r}")
        return out


@pytest.fixture
def story(tmp_path: Path) -> Path:
    return long_story(tmp_path)


async def test_partial_redraws_draw_what_a_full_redraw_draws(
    make_reader: Callable[[Path], ReaderApp], story: Path, db_path: Path
) -> None:
    """Moves, tags, a range, word selection, pages, jumps, the wheel, a theme change, a resize
    and another window's tag: after each, the screen as updated equals the screen drawn anew."""
    app = make_reader(story)
    mirror = Mirror(app)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.focus()
        await pilot.pause()

        async def check(label: str, *keys: str) -> None:
            if keys:
                await pilot.press(*keys)
            await pilot.pause()
            assert mirror.differences() == [], label

        await check("moves", "j", "j", "j", "k")
        await check("tags", "f", "j", "s", "j", "e")
        await check("range", "v", "j", "j", "f")
        await check("word selection", "p", "l", "L", "escape")
        await check("pages", "space", "space", "b")
        await check("last and first", "G", "k", "g")
        for _ in range(4):
            pane.post_message(events.MouseScrollDown(pane, 20, 5, 0, 1, 0, False, False, False))
        await check("wheel")
        await check("undo", "u")
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await check("theme")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await check("narrower")
        await pilot.resize_terminal(*SIZE)
        await check("wider again", "j")
        article = load_article(story)
        with Store.open(db_path, "bob") as other:
            other.attach(article)
            other.tag(article, pane.cursor, pane.cursor, "speculation")
        assert app.refresh_store()
        await app.reads_landed()
        await check("another window's tag")


async def test_rows_come_from_the_cache_until_a_change_touches_them(
    make_reader: Callable[[Path], ReaderApp], story: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paging back to rows drawn before draws none of them again; a tag draws only its rows."""
    from tuireader.ui.reading_pane import ReadingPane

    rendered: list[int] = []
    real = ReadingPane._render_row

    def counted(self: ReadingPane, row: int) -> Any:
        rendered.append(row)
        return real(self, row)

    monkeypatch.setattr(ReadingPane, "_render_row", counted)
    app = make_reader(story)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.focus()
        await pilot.press("space", "b")
        before = pane.cursor
        rendered.clear()
        await pilot.press("space")
        # Drawn on the way down: only the rows of the cursor's old and new sentences again.
        cursor_rows = {
            *range(*pane._rows(before, before)),
            *range(*pane._rows(pane.cursor, pane.cursor)),
        }
        cursor_rows |= {pane._rows(before, before)[1], pane._rows(pane.cursor, pane.cursor)[1]}
        assert rendered and set(rendered) <= cursor_rows
        await pilot.press("f")
        top, bottom = pane._rows(pane.cursor, pane.cursor)
        assert rendered and set(rendered) <= set(range(top, bottom + 1))


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
    make_reader: Callable[[Path], ReaderApp], story: Path
) -> None:
    """Moving the cursor keeps the footer's keys (no widgets made again, no layout); a key
    turned off is restyled in place; opening the word selection shows its keys, closing it
    shows the reader's again."""
    from textual.widgets._footer import FooterKey

    app = make_reader(story)
    async with app.run_test(size=SIZE) as pilot:
        app.pane.focus()
        await pilot.pause()
        keys = list(app.query(FooterKey))
        assert keys
        app.screen.refresh_bindings()
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert list(app.query(FooterKey)) == keys  # the same widgets
        pane = app.pane
        real = pane.check_action

        def no_clearing(action: str, parameters: tuple[object, ...]) -> bool | None:
            return None if action == "clear" else real(action, parameters)

        pane.check_action = no_clearing  # type: ignore[method-assign]
        app.screen.refresh_bindings()  # "d Clear" shown disabled: restyled, not made again
        await pilot.pause()
        assert list(app.query(FooterKey)) == keys
        assert [k.has_class("-disabled") for k in keys if k.action.endswith("clear")] == [True]
        pane.check_action = real  # type: ignore[method-assign]
        app.screen.refresh_bindings()
        await pilot.pause()
        assert list(app.query(FooterKey)) == keys
        assert not any(k.has_class("-disabled") for k in keys)
        await pilot.press("p")
        await pilot.pause()
        shown = [key.action for key in app.query(FooterKey)]
        assert shown != [key.action for key in keys]
        await pilot.press("escape")
        await pilot.pause()
        assert [key.action for key in app.query(FooterKey)] == [key.action for key in keys]


async def test_a_look_with_my_layer_unchanged_restyles_nothing(
    make_reader: Callable[[Path], ReaderApp],
    story: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another annotator's tags: my layer comes back as the store's same objects and the pane
    compares none of them (it compared every annotation of mine at every look: 27,842 in a
    dense book); a changed layer is still shown."""
    from tuireader.ui.reading_pane import ReadingPane

    app = make_reader(story)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.focus()
        await pilot.press("f", "j", "s")
        applied: list[int] = []
        real = ReadingPane.apply_annotations

        def counted(self: ReadingPane, before: Any, after: Any) -> None:
            before, after = list(before), list(after)
            applied.append(len(before) + len(after))
            real(self, before, after)

        monkeypatch.setattr(ReadingPane, "apply_annotations", counted)
        compared: list[object] = []
        equal = Annotation.__eq__

        def comparing(self: Annotation, other: object) -> bool:
            compared.append(other)
            return equal(self, other)

        monkeypatch.setattr(Annotation, "__eq__", comparing)
        article = load_article(story)
        for index in (3, 4):  # the first look may compare (my writes' objects are the writer's)
            compared.clear()
            with Store.open(db_path, "bob") as other:
                other.attach(article)
                other.tag(article, index, index, "speculation")
            assert app.refresh_store()
            await app.reads_landed()
            await pilot.pause()
        assert applied == [] and compared == []
        assert "bob" not in str(app.status.content)  # the cursor is on sentence 1
        await pilot.press("k")
        with Store.open(db_path, "tester") as mine:  # my other window
            mine.attach(article)
            mine.tag(article, 5, 5, "expert_opinion")
        assert app.refresh_store()
        await app.reads_landed()
        await pilot.pause()
        assert applied and pane.annotation_of(5) is not None
        assert pane.annotation_of(5).tag == "expert_opinion"  # type: ignore[union-attr]


def test_same_objects_is_identity_in_order() -> None:
    a, b = object(), object()
    assert same_objects((a, b), [a, b])
    assert not same_objects((a, b), (b, a))
    assert not same_objects((a,), (a, b))
    assert not same_objects((a,), None)
    assert not same_objects([[1]], [[1]])  # equal, not the same


def test_remembered_runs_again_only_for_other_objects() -> None:
    calls: list[int] = []

    def total(items: tuple[list[int], ...]) -> int:
        calls.append(len(items))
        return sum(len(i) for i in items)

    remembered: Remembered[list[int], int] = Remembered(total, size=2)
    first, second, third = [1], [2, 3], [4]
    assert remembered([first, second]) == 3
    assert remembered((first, second)) == 3
    assert calls == [2]
    assert remembered([first, [2, 3]]) == 3  # equal but other objects: computed
    assert remembered([third]) == 1
    assert remembered([first, second]) == 3  # pushed out (size 2): computed again
    assert calls == [2, 2, 1, 2]

"""Word selection in the reader (issue 17): tag part of a sentence. Every key pressed through
Pilot, asserting on the store and the pane; one SVG snapshot of a partly tagged sentence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tuireader.ui.app import ReaderApp
from tuireader.ui.reading_pane import ReadingPane

from conftest import point_of

MakeApp = Callable[[], ReaderApp]
SIZE = (100, 30)
TEXT = (
    "---\ntitle: Council meets\ndate: 2026-11-28\n---\n\n"  # a fixed header for the snapshot
    "The council met on Tuesday evening in the old hall.\n\n"
    '"I was second in line, and security was a breeze," said one resident. '
    "The mayor promised a new budget by spring.\n"
)


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "council.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def make_app(make_reader: Callable[[Path], ReaderApp], story: Path) -> MakeApp:
    return lambda: make_reader(story)


def screen_text(widget: Widget) -> str:
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


def selected(app: ReaderApp) -> str:
    span = app.pane.word_span
    assert span is not None and app.pane.article is not None
    return app.pane.article.body[span[0] : span[1]]


def stored(app: ReaderApp) -> list[tuple[str, str]]:
    article = app.pane.article
    assert article is not None
    return sorted((article.body[a.start : a.end], a.tag) for a in app.store.mine(article.id))


async def test_p_opens_word_selection_on_the_first_word(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p")
        assert app.pane.cursor == 1
        assert selected(app) == "I"  # the quotation mark before it is left out
        assert "words" in app.status.content.plain and "“I”" in app.status.content.plain


@pytest.mark.parametrize(("keys", "expected"), [(("w",), "second"), (("right",), "second")])
async def test_next_word_keys(make_app: MakeApp, keys: tuple[str, ...], expected: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", "w", *keys)
        assert selected(app) == expected


@pytest.mark.parametrize("key", ["b", "left"])
async def test_previous_word_keys(make_app: MakeApp, key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", "w", "w", "w", key)
        assert selected(app) == "second"
        # b moved a word, it did not page up; the cursor stays on the sentence.
        assert app.pane.cursor == 1


@pytest.mark.parametrize("key", ["shift+right", "W"])
async def test_extend_keys(make_app: MakeApp, key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", *["w"] * 6, key, key, key)
        # The comma and the quotation mark after "breeze" are left out of the selection.
        assert selected(app) == "security was a breeze"


@pytest.mark.parametrize("key", ["shift+left", "B"])
async def test_extend_back_keys(make_app: MakeApp, key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", *["w"] * 9, key, key, key)
        assert selected(app) == "security was a breeze"


@pytest.mark.parametrize(
    ("key", "tag"),
    [
        ("f", "fact"),
        ("1", "fact"),
        ("s", "speculation"),
        ("2", "speculation"),
        ("e", "expert_opinion"),
        ("3", "expert_opinion"),
    ],
)
async def test_tag_keys_tag_exactly_the_words(make_app: MakeApp, key: str, tag: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", *["w"] * 6, "W", "W", "W", key)
        await pilot.pause()
        assert stored(app) == [("security was a breeze", tag)]
        assert app.pane.word_span is None  # tagging closes the selection
        assert app.pane.annotation is not None and app.pane.annotation.tag == tag
        # Only those characters are highlighted; the sentence keeps its other words untagged.
        (part,) = app.pane.parts_of(1)
        assert (part.start, part.end) == (app.pane.article.body.index("security"), part.end)


async def test_escape_cancels_without_tagging(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", "w", "escape")
        assert app.pane.word_span is None
        assert "words" not in app.status.content.plain.split("\n")[0]
        await pilot.press("f")  # the reader's keys are back: f tags the whole sentence
        await pilot.pause()
        sentence = app.pane.sentences[1]
        assert stored(app) == [(sentence.text, "fact")]


async def test_reader_keys_wait_while_words_are_selected(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", "j", "d", "v")
        assert app.pane.cursor == 1 and app.pane.range_anchor is None
        assert selected(app) == "I"
        assert stored(app) == []


async def test_a_part_inside_a_tagged_sentence_and_undo(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "f", "p", *["w"] * 6, "W", "W", "W", "s")
        await pilot.pause()
        assert ("security was a breeze", "speculation") in stored(app)
        assert len(app.pane.parts_of(1)) == 3
        await pilot.press("u")
        await pilot.pause()
        sentence = app.pane.sentences[1]
        assert stored(app) == [(sentence.text, "fact")]
        assert app.pane.parts_of(1) == []
        assert app.pane.annotation is not None and app.pane.annotation.tag == "fact"


async def test_same_tag_on_same_words_removes_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        keys = ["p", *["w"] * 6, "W", "W", "W"]
        await pilot.press("j", *keys, "e")
        await pilot.press(*keys, "e")
        await pilot.pause()
        assert stored(app) == []
        assert app.pane.parts_of(1) == [] and app.pane.annotation is None


async def test_moving_the_cursor_closes_the_selection(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p")
        app.pane.move_to(2)
        assert app.pane.word_span is None and app.pane.cursor == 2


async def test_note_on_a_part_goes_to_that_part(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", *["w"] * 6, "W", "W", "W", "s", "n")
        await pilot.pause()
        await pilot.press(*"checked", "enter")
        await pilot.pause()
        (part,) = app.store.mine(app.pane.article.id)
        assert part.note == "checked" and part.quote.exact == "security was a breeze"


async def test_bindings_have_ids_and_are_remappable(make_app: MakeApp) -> None:
    ids = {b.id for b in ReadingPane.BINDINGS if hasattr(b, "id")}
    assert {"reader.words", "words.next", "words.previous", "words.extend_next"} <= ids
    assert {"words.extend_previous", "words.cancel", "words.tag.fact"} <= ids
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"reader.words": "z", "words.next": "l"})
        await pilot.press("j", "z", "l")
        assert selected(app) == "was"


async def test_partly_tagged_sentence_is_shown_and_marked(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", *["w"] * 6, "W", "W", "W", "s")
        await pilot.pause()
        text = screen_text(app.pane)
        line = next(row for row in text.splitlines() if "security" in row)
        assert line[1] == "S"  # its own marker in the gutter


def test_snapshot_partly_tagged_sentence(
    snap_compare: Callable[..., bool], make_app: MakeApp
) -> None:
    keys = ["j", "p", *["w"] * 6, "W", "W", "W", "s", "j", "p", "w", "W"]
    assert snap_compare(make_app(), terminal_size=SIZE, press=keys)


async def test_dragging_over_words_selects_them_for_a_tag_key(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        assert pane.article is not None
        body = pane.article.body
        start = point_of(pane, body.index("security") + 2)
        end = point_of(pane, body.index("breeze") + 3)
        await pilot.mouse_down(pane, offset=start)
        await pilot.hover(pane, offset=end)
        await pilot.mouse_up(pane, offset=end)
        await pilot.pause()
        assert pane.cursor == 1 and selected(app) == "security was a breeze"
        await pilot.press("s")
        await pilot.pause()
        assert stored(app) == [("security was a breeze", "speculation")]


async def test_dragging_back_and_past_the_sentence_stops_at_its_words(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        assert pane.article is not None
        body = pane.article.body
        start = point_of(pane, body.index("breeze"))
        await pilot.mouse_down(pane, offset=start)
        await pilot.hover(pane, offset=point_of(pane, body.index("Tuesday")))  # sentence 0
        await pilot.mouse_up(pane, offset=point_of(pane, body.index("Tuesday")))
        assert selected(app) == "I was second in line, and security was a breeze"


async def test_a_click_without_a_drag_only_moves_the_cursor(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        assert pane.article is not None
        await pilot.click(pane, offset=point_of(pane, pane.article.body.index("mayor")))
        await pilot.pause()
        assert pane.cursor == 2 and pane.word_span is None

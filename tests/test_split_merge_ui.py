"""Splitting and merging sentences in the reader (issue 17): every key through Pilot, asserting
on the pane and the store; the merge question; undo and redo; two windows on one database; one
SVG snapshot of the split caret."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.merge_screen import MergeScreen
from tuireader.ui.reading_pane import ReadingPane

MakeApp = Callable[[], ReaderApp]
SIZE = (100, 30)
TEXT = (
    "---\ntitle: Parade day\ndate: 2026-11-27\n---\n\n"
    "Crowds gathered before the parade's 9 a.m. start on the avenue. "
    "Security was a breeze this year, one visitor said. "
    "Officials counted more than two million people along the route.\n\n"
    "The weather held until noon. Rain came later in the afternoon.\n"
)


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "parade.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def make_app(make_reader: Callable[[Path], ReaderApp], story: Path) -> MakeApp:
    return lambda: make_reader(story)


def texts(app: ReaderApp) -> list[str]:
    return [s.text for s in app.pane.sentences]


def caret_word(app: ReaderApp) -> str:
    pane = app.pane
    assert pane.article is not None and pane.split_words
    start, end = pane.split_words[pane.split_caret]
    return pane.article.body[start:end]


async def test_bar_opens_the_caret_where_a_boundary_most_likely_belongs(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line")
        assert caret_word(app) == "start"  # after "a.m.", the word ending like a sentence
        assert app.pane.sentences[0].text.startswith("Crowds")
        await pilot.press("j")  # the reader's keys wait while the caret is open
        assert app.pane.cursor == 0 and caret_word(app) == "start"
        await pilot.press("escape", "j", "vertical_line")  # no word ends a sentence: the middle
        assert caret_word(app) == "this"


@pytest.mark.parametrize(("keys", "expected"), [(("right",), "on"), (("w", "w"), "the")])
async def test_next_word_keys_move_the_caret(
    make_app: MakeApp, keys: tuple[str, ...], expected: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line", *keys)
        assert caret_word(app) == expected


@pytest.mark.parametrize("key", ["left", "b"])
async def test_previous_word_keys_move_the_caret(make_app: MakeApp, key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line", key)
        assert caret_word(app) == "a.m."
        await pilot.press(*[key] * 20)  # stops at the second word: the first half is never empty
        assert caret_word(app) == "gathered"


async def test_enter_splits_for_everyone_and_u_undoes(make_app: MakeApp, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line", "enter")
        await pilot.pause()
        assert texts(app)[:2] == [
            "Crowds gathered before the parade's 9 a.m.",
            "start on the avenue.",
        ]
        assert not app.pane.split_words and app.pane.cursor == 0
        assert "1/6" in str(app.status.content)
        with Store.open(db_path, "someone else") as other:
            assert len(other.corrections_by_article()) == 1
        await pilot.press("u")
        await pilot.pause()
        assert len(texts(app)) == 5
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(texts(app)) == 6


async def test_escape_cancels_the_split(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line", "escape")
        assert not app.pane.split_words and len(texts(app)) == 5
        await pilot.press("j")  # the reader's keys act again
        assert app.pane.cursor == 1


async def test_J_merges_with_the_next_and_the_tag_follows(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "k", "j")  # fact on sentence 1 (the cursor moves on)
        await pilot.press("f", "k", "J")  # fact on 2, back to 1, merge: both halves agree
        await pilot.pause()
        assert texts(app)[0].endswith("one visitor said.") and len(texts(app)) == 4
        article = app.pane.article
        assert article is not None
        (tag,) = app.store.mine(article.id)
        assert (tag.start, tag.end, tag.tag) == (0, app.pane.sentences[0].end, "fact")
        assert app.pane.annotation_of(0) == tag
        await pilot.press("u")
        await pilot.pause()
        assert len(texts(app)) == 5 and len(app.store.mine(article.id)) == 2


async def test_merge_asks_when_my_tags_differ(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "s", "k", "k", "J")  # fact, speculation; merge them
        await pilot.pause()
        assert isinstance(app.screen, MergeScreen)
        await pilot.press("2")  # speculation for the whole sentence
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        (tag,) = app.store.mine(article.id)
        assert tag.tag == "speculation" and len(texts(app)) == 4


async def test_escape_in_the_merge_question_merges_nothing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "k", "J", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, MergeScreen) and len(texts(app)) == 5


async def test_keep_parts_in_the_merge_question(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "k", "J", "2")  # only one half tagged: 1 tag it whole, 2 keep
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        (tag,) = app.store.mine(article.id)
        assert tag.end < app.pane.sentences[0].end and app.pane.parts_of(0) == [tag]


async def test_no_merge_across_a_paragraph(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "J")
        await pilot.pause()
        assert len(texts(app)) == 5


async def test_merging_the_last_sentence_says_it_cannot(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "J")
        await app.writes_landed()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        # counted as the status line counts them (5/5), not from 0
        assert "Cannot merge: sentence 5 of 5 has no next sentence to merge with." in said, said
        assert len(texts(app)) == 5


async def test_split_and_merge_keys_are_remappable(make_app: MakeApp) -> None:
    ids = {b.id for b in ReadingPane.BINDINGS if hasattr(b, "id")}
    assert {"reader.split", "reader.merge", "split.next", "split.previous"} <= ids
    assert {"split.confirm", "split.cancel"} <= ids
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"reader.split": "y", "split.next": "l", "reader.merge": "m"})
        await pilot.press("y", "l")
        assert caret_word(app) == "on"
        await pilot.press("escape", "m")
        await pilot.pause()
        assert len(texts(app)) == 4


async def test_two_windows_see_each_others_split(
    make_app: MakeApp, db_path: Path, story: Path
) -> None:
    first, second = make_app(), make_app()
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await one.press("vertical_line", "enter")
        await one.pause()
        assert len(texts(first)) == 6
        second.refresh_store()
        await second.reads_landed()
        await two.pause()
        assert texts(second) == texts(first)
        await two.press("J")
        await two.pause()
        first.refresh_store()
        await first.reads_landed()
        await one.pause()
        assert len(texts(first)) == 5


def test_snapshot_split_caret(snap_compare: Callable[..., bool], make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, press=["j", "vertical_line", "w"])


async def test_suggestions_and_the_compare_view_follow_a_split(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        before = app.pane.suggestions
        assert before is not None and len(before) == 5
        await pilot.press("j", "vertical_line", "enter")
        await pilot.pause()
        after = app.pane.suggestions
        assert after is not None and len(after) == 6
        assert after[0] == before[0] and after[3:] == list(before[2:])
        await pilot.press("c")
        await pilot.pause()
        assert app.pane.comparison is not None
        await pilot.press("J")
        await pilot.pause()
        await pilot.pause()
        assert app.pane.comparison is not None
        assert len(app.pane.comparison.values) == len(app.pane.sentences) == 5


async def test_a_split_that_no_longer_fits_the_edited_text_is_reported(
    make_app: MakeApp, story: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "vertical_line", "enter")
        await pilot.pause()
        assert len(texts(app)) == 6
    story.write_text(TEXT.replace("this year, one visitor", "this year, a visitor"), "utf-8")
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(texts(again)) == 5  # kept aside, never applied elsewhere
        said = [n.message for n in again._notifications]
        assert any("1 sentence split or merge no longer fits the text" in m for m in said), said


async def test_a_long_article_owns_its_sentences_before_the_first_split(
    make_reader: Callable[[Path], ReaderApp], tmp_path: Path
) -> None:
    long = tmp_path / "long.txt"
    paragraphs = (
        " ".join(f"Item {p * 10 + n} was counted on day {n} by the team." for n in range(10))
        for p in range(220)
    )
    long.write_text("A long count\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    app = make_reader(long)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        article = app.pane.article
        assert article is not None and len(article.sentences) > 2000
        assert article.sentences is not article.raw_sentences  # a copy the splice may renumber
        assert app.pane.sentences is article.sentences
        await pilot.press("j", "vertical_line", "enter")
        await pilot.pause()
        assert [s.index for s in article.raw_sentences[:5]] == list(range(5))
        assert len(app.pane.sentences) == len(article.raw_sentences) + 1


async def test_merge_with_a_part_tag_gives_one_tag_and_redo_works(
    make_reader: Callable[[Path], ReaderApp], tmp_path: Path
) -> None:
    """Defect 8, the tester's keys: a part tag in sentence 1, a whole tag on sentence 2, `J`.
    The dialog offered 3 keys for 2 options and said the other sentence "stays untagged";
    choice 1 left three overlapping tags; redo then claimed another window."""
    story = tmp_path / "m2" / "a.txt"
    story.parent.mkdir()
    story.write_text(
        "Title here\n\nThe mayor said the bridge will close on Monday. "
        "Engineers found cracks last month.\n",
        encoding="utf-8",
    )
    app = make_reader(story)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "j", "f", "g", "p", "W", "s")
        await app.writes_landed()
        await pilot.pause()
        article = app.pane.article
        assert article is not None
        assert sorted(a.tag for a in app.store.mine(article.id)) == ["fact", "fact", "speculation"]
        await pilot.press("J")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        header = str(screen.query_one("#merge-header", Static).render())
        options = screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "(1-3 or Enter" in header and len(shown) == 3
        assert shown[0].startswith("1  Fact for the whole sentence")
        assert shown[1].startswith("2  Speculation for the whole sentence")
        assert shown[2] == "3  keep each tag on its own words"
        assert not any("untagged" in text for text in shown)
        await pilot.press("1")
        await app.writes_landed()
        await pilot.pause()
        assert len(app.pane.sentences) == 1
        merged = app.pane.sentences[0]
        whole = [(merged.start, merged.end, "fact")]
        assert [(a.start, a.end, a.tag) for a in app.store.mine(article.id)] == whole
        assert app.pane.parts_of(0) == []
        await pilot.press("u")
        await app.writes_landed()
        await pilot.pause()
        assert len(app.pane.sentences) == 2 and len(app.store.mine(article.id)) == 3
        await pilot.press("ctrl+r")
        await app.writes_landed()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert not any("another window" in m or "cannot" in m.lower() for m in said), said
        assert len(app.pane.sentences) == 1
        assert [(a.start, a.end, a.tag) for a in app.store.mine(article.id)] == whole


async def test_the_merge_question_names_the_untagged_sentence(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "f", "k", "J")  # the second sentence tagged, the first not
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MergeScreen)
        options = screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown == [
            "1  Fact for the whole sentence",
            "2  keep Fact on the second sentence's words (the first sentence's words stay "
            "untagged)",
        ]
        assert "(1-2 or Enter" in str(screen.query_one("#merge-header", Static).render())

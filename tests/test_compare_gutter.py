"""Defect 16: in the compare view a row of text can hold several sentences and its columns show
one of them; the mark after the columns is about that same sentence. A row showed ``EE≠`` with
the cursor on an agreeing sentence (the ≠ was another sentence's): now ``≠`` means the
sentence shown disagrees, ``+`` that only another sentence of the line does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuireader.annotations import Annotation
from tuireader.articles import from_text, load_article
from tuireader.comparison import compare
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.compare_view import compare_heading, row_mark

SIZE = (120, 30)
STORY = "Title here\n\nThe vote is Monday. Turnout may be low. Officials said so.\n"


def tag_as(db: Path, story: Path, annotator: str, tags: dict[int, str]) -> None:
    article = load_article(story)
    with Store.open(db, annotator) as store:
        store.attach(article)
        for index, tag in tags.items():
            store.tag(article, index, index, tag)


def first_row_gutter(app: ReaderApp) -> str:
    pane = app.pane
    for y in range(pane.size.height):
        line = pane.render_line(y).text
        if "The vote" in line:
            return line[: pane.gutter_width]
    raise AssertionError("the text's row is not drawn")


async def test_the_mark_belongs_to_the_sentence_whose_columns_are_shown(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, tmp_path: Path
) -> None:
    story = tmp_path / "vote.txt"
    story.write_text(STORY, encoding="utf-8")
    tag_as(db_path, story, "tester", {0: "expert_opinion", 1: "fact", 2: "fact"})
    tag_as(db_path, story, "bob", {0: "expert_opinion", 1: "speculation", 2: "fact"})
    app = make_reader(story)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.reads_landed()
        await pilot.pause()
        comparison = app.pane.comparison
        assert comparison is not None and comparison.disagreements == (1,)
        assert app.pane.cursor == 0
        assert first_row_gutter(app) == "▶EE+ "  # the cursor's sentence agrees
        await pilot.press("j")
        await pilot.pause()
        assert first_row_gutter(app) == "▶FS≠ "  # the cursor's sentence disagrees
        await pilot.press("j")
        await pilot.pause()
        assert first_row_gutter(app) == "▶FF+ "
        assert "≠ disagree" not in app.status.content.plain


def test_row_mark_and_the_legend() -> None:
    article = from_text(STORY)
    layers: dict[str, list[Annotation]] = {"ann": [], "bob": []}
    comparison = compare(article.sentences, layers, order=["ann"])
    assert comparison.disagreements == ()
    assert row_mark(comparison, 0, False) == " "
    assert row_mark(comparison, 0, True) == "+"
    assert row_mark(comparison, None, True) == "+"
    heading = compare_heading(comparison).plain
    assert "≠ they differ" in heading and "+ another sentence of the line does" in heading

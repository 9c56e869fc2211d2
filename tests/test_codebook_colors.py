"""Tag colours everywhere come from the codebook through the theme (ui/tag_colors.py): the article
list's counts, the compare status, the statistics bars, the library totals, the adjudication
choices, the status line and the help screen all draw a tag as the reading pane does, never in
its raw colour (yellow text on a light theme reads at 1.5:1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.style import Style as RichStyle
from textual.content import Content
from textual.style import Style

from test_codebook_keys import ISSUE_EXAMPLE
from test_config import write
from tuireader.articles import load_library
from tuireader.config import Config, load_config
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

from conftest import SEED

SIZE = (120, 40)
THEME = "textual-light"
"""A light theme: the raw magenta and yellow of the codebook would be drawn as they are."""
MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def issue(tmp_path: Path) -> Config:
    text = ISSUE_EXAMPLE.replace('theme = "textual-dark"', f'theme = "{THEME}"')
    return load_config(write(tmp_path / "issue.toml", text))


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(
        config: Config, annotator: str = "sam", adjudicate: bool = False, single: bool = True
    ) -> ReaderApp:
        library = load_library([SEED] if single else [SEED.parent])
        store = Store.open(db_path, annotator, tags=config.tags)
        stores.append(store)
        return ReaderApp(
            library,
            store,
            db_path=db_path,
            open_article=library.articles[0] if single and not adjudicate else None,
            config=config,
            adjudicate=adjudicate,
        )

    yield make
    for store in stores:
        store.close()


def tag_as(db: Path, annotator: str, config: Config, tags: dict[int, str]) -> None:
    article = load_library([SEED]).articles[0]
    with Store.open(db, annotator, tags=config.tags) as store:
        for index, tag in tags.items():
            store.tag(article, index, index, tag)


def styles_at(content: Content, text: str) -> list[Style]:
    """The styles of the spans that cover the first ``text`` in ``content``."""
    start = content.plain.index(text)
    end = start + len(text)
    found = []
    for span in content.spans:
        if span.start <= start and end <= span.end:
            style = span.style
            found.append(style if isinstance(style, Style) else Style.parse(str(style)))
    return found


def look_of(app: ReaderApp, tag_id: str) -> Style:
    return Style.from_rich_style(app.pane.looks[tag_id].marker)


def drawn_in_look(content: Content, text: str, look: Style) -> bool:
    return any(s.background == look.background for s in styles_at(content, text))


def not_raw(app: ReaderApp, styles: list[Style]) -> None:
    raw = Style.parse(app.pane.tags.get("claim").color).foreground
    assert all(s.foreground != raw for s in styles)


async def test_article_list_counts_in_the_tag_look(make_app: MakeApp, issue: Config) -> None:
    app = make_app(issue, single=False)  # the list is shown beside the article
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_article(load_library([SEED]).articles[0])
        app.pane.focus()
        await pilot.press("c")
        app.article_list.focus()
        await pilot.press("g")  # the list's cursor off the open article's row
        await pilot.pause()
        look = app.pane.looks["claim"].marker
        assert app.article_list.looks["claim"].marker == look
        found = [
            segment
            for y in range(app.article_list.size.height)
            for segment in app.article_list.render_line(y)
            if segment.text == "C1"
        ]
        assert found, "the list shows the open article's claim count"
        style = found[0].style or RichStyle()
        assert style.bgcolor == look.bgcolor and style.color != RichStyle.parse("magenta").color
        app.theme = "textual-dark"  # a theme change restyles the counts
        await pilot.pause()
        assert app.article_list.looks["claim"].marker != look
        assert app.article_list.looks["claim"] == app.pane.looks["claim"]


async def test_compare_status_in_the_tag_look(
    make_app: MakeApp, issue: Config, db_path: Path
) -> None:
    tag_as(db_path, "bob", issue, {0: "claim"})
    app = make_app(issue)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await pilot.pause()
        status = app.status.content
        assert "bob C Claim" in status.plain
        marker = Content(status.plain).plain.index("bob C Claim") + 4
        chip = status[marker : marker + 1]  # the marker, as the compare column draws it
        assert drawn_in_look(chip, "C", look_of(app, "claim"))
        not_raw(app, styles_at(status, "Claim"))


async def test_stats_bars_in_the_tag_look(make_app: MakeApp, issue: Config) -> None:
    app = make_app(issue)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "i")
        await pilot.pause()
        text = app.screen.query_one("#stats-text").render()
        assert isinstance(text, Content)
        assert drawn_in_look(text, " C ", look_of(app, "claim"))
        bar = styles_at(text, "█")
        tint = Style.from_rich_style(app.pane.looks["claim"].style).background
        assert bar and bar[-1].foreground == tint


async def test_library_totals_in_the_tag_look(make_app: MakeApp, issue: Config) -> None:
    app = make_app(issue)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "L")
        await pilot.pause()
        text = app.screen.text  # type: ignore[attr-defined]
        assert drawn_in_look(text, "C1", look_of(app, "claim"))
        not_raw(app, styles_at(text, "C1"))


async def test_adjudication_choices_in_the_tag_look(
    make_app: MakeApp, issue: Config, db_path: Path
) -> None:
    tag_as(db_path, "bob", issue, {0: "claim"})
    tag_as(db_path, "cat", issue, {1: "claim"})
    app = make_app(issue, annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_article(load_library([SEED]).articles[0])
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        prompts = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
        take = next(p for p in prompts if isinstance(p, Content) and "take bob's" in p.plain)
        assert take.plain.startswith("1  take bob's:  C  Claim")
        assert drawn_in_look(take, " C ", look_of(app, "claim"))


async def test_status_line_and_help_in_the_tag_look(make_app: MakeApp, issue: Config) -> None:
    app = make_app(issue)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        status = app.status.content
        assert drawn_in_look(status, "[C] Claim", look_of(app, "claim"))  # the cursor's tag
        assert drawn_in_look(status, " C ", look_of(app, "claim"))  # the legend
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("#help-text").render()
        assert isinstance(text, Content)
        assert drawn_in_look(text, " C ", look_of(app, "claim"))


# -- guidelines where a user decides, sanitised ----------------------------------------------------

HOSTILE = "Check it.\x1b]52;c;SGVsbG8=\x07 Then\u202e decide.\x1b[2J"


@pytest.fixture
def hostile(tmp_path: Path) -> Config:
    text = ISSUE_EXAMPLE.replace(
        'description = "A checkable statement of fact made by someone in the story."',
        'description = "Check it.\\u001b]52;c;SGVsbG8=\\u0007 Then\\u202e decide.\\u001b[2J"',
    )
    return load_config(write(tmp_path / "hostile.toml", text))


def clean_text(text: str) -> bool:
    return not any(c in text for c in "\x1b\x07\u202e") and "SGVsbG8" not in text


def test_a_guideline_from_a_config_is_sanitised(
    hostile: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuireader.cli import main
    from tuireader.config import codebook_summary

    description = hostile.tags.get("claim").description
    assert description == "Check it. Then decide."
    summary = codebook_summary(hostile)
    assert summary["source"] == str(tmp_path / "hostile.toml")
    assert summary["tags"][0]["description"] == "Check it. Then decide."
    assert main(["tags", "--config", str(tmp_path / "hostile.toml")]) == 0
    assert clean_text(capsys.readouterr().out)


def test_codebook_summary_of_the_default() -> None:
    from tuireader.config import codebook_summary
    from tuireader.tags import DEFAULT_TAGS

    summary = codebook_summary(Config())
    assert summary["source"] is None
    assert [t["id"] for t in summary["tags"]] == list(DEFAULT_TAGS.ids)
    assert all(t["description"] for t in summary["tags"])


async def test_guideline_in_help_on_w_and_in_adjudication(
    make_app: MakeApp, hostile: Config, db_path: Path
) -> None:
    app = make_app(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "w")
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert note.title == "C Claim" and note.message == "Check it. Then decide."
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("#help-text").render()
        assert "Check it. Then decide." in str(text) and clean_text(str(text))
    tag_as(db_path, "bob", hostile, {0: "claim"})
    tag_as(db_path, "cat", hostile, {1: "claim"})
    app = make_app(hostile, annotator="gold", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_article(load_library([SEED]).articles[0])
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        shown = str(app.screen.query_one("#adjudicate-guideline").render())
        assert shown == "Check it. Then decide."  # the first choice takes bob's Claim
        await pilot.press("down")  # cat: no tag here, no guideline
        await pilot.pause()
        assert str(app.screen.query_one("#adjudicate-guideline").render()) == ""

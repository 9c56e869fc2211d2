"""Defect 19: one sanitiser rule for every field. A whole escape sequence is removed (it was
only its ESC byte in titles and sentences: "Evil]0;PWNED-TITLE"), invisible characters are
removed from display text and shown in exact text, and a file name reads the same in the
article list, the reader's header and the command line. Every path to the screen or the
command line's output: titles, sentences, notes, file names, annotator names, codebook labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input

from tuireader import sanitise
from tuireader.articles import load_article, load_library
from tuireader.catalog import Catalog
from tuireader.cli import main
from tuireader.store import Store
from tuireader.tags import DEFAULT_TAGS
from tuireader.ui.app import ReaderApp
from tuireader.ui.article_list import ArticleList

OSC0 = "\x1b]0;PWNED-TITLE\x07"
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"
SGR = "\x1b[31m"
CLEAR = "\x1b[2J\x1b[H"
ZWSP, ZWJ, RLO, LRM = "\u200b", "\u200d", "\u202e", "\u200e"
PAYLOADS = ("PWNED", "52;c", "cm0gLXJmIH4K", "[31m", "[2J", "[H", "]0;")
STORY = (
    f"Evil{OSC0} title {SGR}RED\x1b[0m\n\n"
    f"The {OSC52}plan is set{ZWSP} today. Screen {CLEAR}cleared by jo{ZWJ}in{RLO} here.\n"
)
NAME = f"name{OSC0}\x1b[5mblink{ZWSP}.txt"


def unsafe(text: str) -> list[str]:
    """What a terminal would act on, or what draws nothing yet changes the text."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c not in "\n\t\r")
        or 0x7F <= ord(c) <= 0x9F
        or sanitise.INVISIBLE.fullmatch(c)
        or 0xD800 <= ord(c) <= 0xDFFF
    ]


def clean_of_payloads(text: str) -> bool:
    return not unsafe(text) and not any(p in text for p in PAYLOADS)


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_titles_and_sentences_lose_whole_sequences(story: Path) -> None:
    article = load_article(story)
    assert article.title == "Evil title RED"
    # Zero-width characters stay in the text (the article's id hashes it); drawn without them.
    texts = [sanitise.shown(s.text) for s in article.sentences]
    assert texts == ["The plan is set today.", "Screen cleared by join here."]
    assert all("\x1b" not in s.text for s in article.sentences)


def test_the_sentences_command_prints_no_sequence_or_invisible_character(
    story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sentences", str(story)]) == 0
    out = capsys.readouterr().out
    assert clean_of_payloads(out), out
    assert out.splitlines()[0] == "Evil title RED"


def test_stats_and_import_print_titles_and_annotator_names_by_the_rule(
    story: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title drawn by the rule; an annotator name with invisible characters, refused by the
    import in one line that shows them."""
    article = load_article(story)
    who = f"mal{ZWSP}lory{LRM}"
    db = tmp_path / "team.json"
    with Store.open(db, who) as store:
        store.attach(article)
        (tag,) = store.tag(article, 0, 0, "fact").after
        store.set_note(tag.id, f"see {OSC52}this{ZWSP}")
    assert main(["stats", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert clean_of_payloads(out), out
    assert "Evil title RED" in out
    exported = tmp_path / "e.json"
    assert main(["export", "--db", str(db), "-o", str(exported)]) == 0
    capsys.readouterr()
    # import refuses the name (--annotator's rule), naming it with the invisible characters
    # shown, in one line
    assert main(["import", str(exported), "--db", str(tmp_path / "other.json")]) == 2
    err = capsys.readouterr().err
    assert not unsafe(err) and err.count("\n") == 1, err
    assert "mal\\u200blory\\u200e" in err


class ListApp(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        yield ArticleList(DEFAULT_TAGS, id="articles")

    def on_mount(self) -> None:
        self.query_one(ArticleList).set_entries(Catalog.scan([self.folder]).entries, {})


def rendered(widget: Widget) -> str:
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


async def test_a_file_name_reads_the_same_in_the_list_and_the_header(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    path = folder / NAME
    path.write_text("plain words here and more of them\n", encoding="utf-8")
    exact = sanitise.path(NAME)
    assert "\\x1b]0;PWNED-TITLE\\x07" in exact and "\\u200b" in exact
    app = ListApp(folder)
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        listed = rendered(app.query_one(ArticleList))
    assert exact in listed, listed  # listed by its file name before it is read
    assert not unsafe(listed)
    article = load_article(path)
    assert article.display_path.endswith(NAME)
    assert sanitise.path(article.display_path).endswith(exact)


async def test_the_reader_draws_every_field_by_the_rule(
    story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLORTERM", "truecolor")
    db = tmp_path / "db.json"
    who = "kim"
    library = load_library([story])
    with Store.open(db, who) as store:
        app = ReaderApp(library, store, db_path=db, open_article=library.articles[0])
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("f", "n")
            await pilot.pause()
            for key in ("x", "space", "y"):
                await pilot.press(key)
            app.screen.query_one(Input).value = f"note {OSC52}with{ZWSP} payload{RLO}"
            await pilot.press("enter")
            await app.writes_landed()
            await pilot.pause()
            pane = rendered(app.pane)
            status = app.status.content.plain
        assert clean_of_payloads(pane), pane
        assert "Evil title RED" in pane and "The plan is set today." in pane
        assert clean_of_payloads(status) and "note: note with payload" in status, status


def test_a_codebook_label_with_an_invisible_character_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[[tags]]\nid = "fact"\nlabel = "Fa{ZWSP}ct"\nkey = "f"\nmarker = "F"\ncolor = "red"\n',
        encoding="utf-8",
    )
    assert main(["tags", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "label must be 1 to 40 printable characters" in err
    assert not unsafe(err)

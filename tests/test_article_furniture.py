"""What reaches the articles folder and is no story to tag (tester report, small items): Markdown's
fenced code and images, tuireader's own exports and database saved under an article's name, and a
dateline's day with no year shown as a reader writes it. Every text here is written for this
project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuireader.articles import article_id, from_text, load_article, load_library
from tuireader.cli import main
from tuireader.formats import NotAnArticle, data_file_kind, parse
from tuireader.store import Store
from tuireader.wire import shown_date

from conftest import SEED

STORY = "The lighthouse on Gull Point will be lit again from June."
MORE = "Volunteers raised most of the cost at summer fairs."


def sentences(text: str, name: str = "a.md") -> list[str]:
    return [s.text for s in from_text(text, Path(name)).sentences]


def test_fenced_code_and_images_in_markdown_are_not_sentences() -> None:
    text = (
        f"# Gull Point\n\n{STORY}\n\n![The lighthouse at dusk](light.jpg)\n\n"
        "```\nlamp = 'on'\nprint(lamp)\n```\n\n~~~\nhours = 12\n~~~\n\n"
        f"![A keeper](keeper.jpg) {MORE}\n"
    )
    assert sentences(text) == [STORY, MORE]


def test_markdown_keeps_the_id_it_had_while_code_and_captions_were_text() -> None:
    text = f"# Gull Point\n\n{STORY}\n\n![The lighthouse at dusk](l.jpg)\n\n```\nlamp = 1\n```\n"
    article = from_text(text, Path("a.md"))
    assert article.body == STORY
    assert article.id == article_id(f"{STORY} The lighthouse at dusk lamp = 1")
    plain = from_text(f"# Gull Point\n\n{STORY}\n", Path("a.md"))
    assert plain.id == article_id(STORY)


def test_an_indented_block_in_markdown_stays_text() -> None:
    # A story typed with indented paragraphs and saved as .md must not lose them.
    assert sentences(f"# Gull Point\n\n    {STORY}\n") == [STORY]


def test_a_story_with_code_words_and_brackets_stays() -> None:
    text = f"# Gull Point\n\nThe keeper typed `print(lamp)` into the log. [Updated] {MORE}\n"
    assert sentences(text) == ["The keeper typed print(lamp) into the log.", f"[Updated] {MORE}"]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown"])
def test_an_export_saved_in_the_articles_folder_is_not_listed(
    fmt: str, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "gull.txt").write_text(f" date 2026-03-02 \n\n{STORY}\n\n{MORE}\n")
    with Store.open(db_path, "tester") as store:
        store.tag(load_article(folder / "gull.txt"), 0, 0, "fact")
    assert main(["export", "--format", fmt]) == 0
    exported = capsys.readouterr().out
    (folder / "notes.TXT").write_text(exported)
    library = load_library([folder])
    assert [a.path.name for a in library.articles if a.path] == ["gull.txt"]
    (warning,) = library.warnings
    assert warning.startswith(f"{folder / 'notes.TXT'}: skipped, a tuireader")
    assert "not an article" in warning


def test_the_database_saved_in_the_articles_folder_is_not_listed(tmp_path: Path) -> None:
    from tinydb import TinyDB

    folder = tmp_path / "news"
    folder.mkdir()
    with TinyDB(folder / "db.txt") as db:
        db.table("annotations").insert({"article_id": "0123456789abcdef", "tag": "fact"})
    (folder / "gull.txt").write_text(SEED.read_text(encoding="utf-8"))
    library = load_library([folder])
    assert len(library.articles) == 1
    assert library.warnings == (
        f"{folder / 'db.txt'}: skipped, a TinyDB database (json), not an article",
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (json.dumps({"format": "tuireader-annotations", "version": 2}), "tuireader export"),
        ('{"article_id": "a", "start": 0}\n{"article_id": "b", "start": 4}\n', r"export \(jsonl\)"),
        ('[{"id": 1}, {"id": 2}]', "JSON data"),
        ('{"text": "a", "spans": []}\n{"text": "b", "spans": []}\n', "JSON lines"),
    ],
)
def test_json_is_named_for_what_it_holds(text: str, kind: str) -> None:
    with pytest.raises(NotAnArticle, match=kind):
        parse(text, Path("notes.txt"))


@pytest.mark.parametrize(
    "text",
    [
        "[Updated] The lighthouse will be lit again from June.",
        "{Draft} The lighthouse will be lit again.",
        '"Hello," the keeper said. "The lamp is lit."',
        "# Lighthouse notes\n\nExported goods rose by a tenth.",
        '"id","name"\nThe keeper kept a list.',
    ],
)
def test_an_article_that_opens_like_data_stays_an_article(text: str) -> None:
    assert data_file_kind(text) is None
    assert parse(text, Path("a.txt")).paragraphs


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ("--03-05", "5 March"),
        ("--12-31", "31 December"),
        ("--02-29", "29 February"),
        ("2026-03-05", "2026-03-05"),
        ("--13-05", "--13-05"),
        (None, None),
    ],
)
def test_a_day_without_a_year_is_shown_as_a_reader_writes_it(
    date: str | None, shown: str | None
) -> None:
    assert shown_date(date) == shown


def test_a_yearless_dateline_keeps_its_year_unknown_and_reads_as_a_day() -> None:
    article = from_text("FENWICK, March 5 (FWS) - The lighthouse will be lit again.\n", None)
    assert article.date == "--03-05"
    assert shown_date(article.date) == "5 March"


async def test_the_reader_shows_a_yearless_day_and_lists_no_export(
    db_path: Path, tmp_path: Path
) -> None:
    from tuireader.catalog import Catalog
    from tuireader.ui.app import ReaderApp

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "light.txt").write_text(
        f"FENWICK, March 5 (FWS) - {STORY}\n\n{MORE}\n\nShare this article Facebook X Email\n"
    )
    (folder / "notes.TXT").write_text(json.dumps({"format": "tuireader-annotations"}))
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            Catalog.scan([folder]), store, db_path=db_path, cache_path=tmp_path / "cache.json"
        )
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if not app.catalog.pending:
                    break
            listing = app.article_list
            rows = "\n".join(s.text for s in listing.render_lines(listing.region.reset_offset))
            assert [e.title for e in listing.shown_entries] == [STORY]
            assert "5 March" in rows and "--03-05" not in rows
            await pilot.press("enter")
            await pilot.pause()
            pane = app.pane
            assert pane.article is not None and pane.article.date == "--03-05"
            shown = "\n".join(pane.render_line(y).text for y in range(4))
            assert "5 March · FENWICK, March 5 (FWS)" in shown
            assert [s.text for s in pane.article.sentences] == [STORY, MORE]

"""A file name that is not UTF-8 (``bad\\xffname.txt``): one stored form (``\\xNN`` for each byte),
one display form, and the file is still found by it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tuireader.articles import load_article, load_library, load_unchanged
from tuireader.cli import main
from tuireader.paths import path_from_text, path_text
from tuireader.storage import load_tables
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

from conftest import SEED


@pytest.fixture
def bad_name(tmp_path: Path) -> Path:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/bad\xffname.txt"))
    try:
        shutil.copy(SEED, path)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return path


def test_stored_form_round_trips(bad_name: Path) -> None:
    text = path_text(bad_name)
    assert text.endswith("/bad\\xffname.txt")
    text.encode("utf-8")
    assert path_from_text(text) == bad_name
    assert path_text(SEED) == str(SEED)
    assert path_from_text(str(SEED)) == SEED


@pytest.mark.parametrize("command", ["sentences", "suggest"])
def test_json_commands_print_the_stored_form(
    command: str, bad_name: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--json", str(bad_name)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["article"]["path"] == path_text(bad_name)


def test_text_commands_show_the_display_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/Caf\xe9 story notes.txt"))
    path.write_text('"Quoted words," she said. Then the story goes on.\n', encoding="utf-8")
    assert main(["sentences", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Caf\ufffd Story Notes"


async def test_reader_opens_and_stores_it(bad_name: Path, db_path: Path) -> None:
    library = load_library([bad_name])
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(library, store, db_path=db_path, open_article=library.articles[0])
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("f")  # a tag: the store writes the article's path
            await pilot.pause()
            assert app.return_code is None  # still running, no crash
            await pilot.press("q")
    doc = load_tables(db_path)
    assert [a["path"] for a in doc["articles"].values()] == [path_text(bad_name.resolve())]
    assert len(doc["annotations"]) == 1


def test_stats_and_export_find_the_file_again(
    bad_name: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = load_article(bad_name)
    with Store.open(db_path, "tester") as store:
        store.attach(article)
        store.tag(article, 0, 1, "fact")
    meta = load_tables(db_path)["articles"][article.id]
    assert load_unchanged(meta["path"], article.id) is not None
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"][0]["exact"] is True
    assert main(["export", "--article", str(bad_name)]) == 0
    assert json.loads(capsys.readouterr().out)["annotations"]

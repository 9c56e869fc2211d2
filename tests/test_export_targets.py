"""An export never replaces a file of the annotation database (main file, journal, shards,
backup, lock, kept copies) nor an article: ``tuireader export -o`` and the reader's dialog ask
the same rule (``export_target.refusal``). The dialog also asks before replacing any other file,
and the reader's own markdown export saved in the folder being read is not listed as an article.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.catalog import Catalog
from tuireader.cli import main
from tuireader.dbformat.layout import database_file_role
from tuireader.store import Store
from tuireader.ui.app import ReaderApp
from tuireader.ui.export_screen import ExportScreen, ReplaceScreen

SIZE = (120, 40)
STORY = "Harbour council delays the vote\n\nThe council met on Monday. It may vote next week.\n"


def test_every_file_of_a_database_is_named_as_one(tmp_path: Path) -> None:
    db = tmp_path / "d.json"
    own = [
        "d.json",
        "d.json.journal",
        "d.json.d",
        "d.json.d/0123456789abcdef.json",
        "d.json.bak",
        "d.json.lock",
        "d.json.lock.owner",
        "d.json.journal.damaged-20261130-0812",
        "d.json.v3.bak",
        "d.json.v3.bak.journal",
        ".d.json.1234-abcdef.tmp",
    ]
    for name in own:
        assert database_file_role(db, tmp_path / name) is not None, name
    for name in ["d.json.md", "d.jsonl", "other.json", "d.json.journal.txt", "sub/d.json"]:
        assert database_file_role(db, tmp_path / name) is None, name
    # Another name for one of its files is one of its files.
    db.write_text("{}")
    (tmp_path / "link.json").symlink_to(db)
    os.link(db, tmp_path / "hard.json")
    assert database_file_role(db, tmp_path / "link.json") == "the annotation database"
    assert database_file_role(db, tmp_path / "hard.json") == "the annotation database"


@pytest.fixture
def folder(tmp_path: Path, db_path: Path) -> Path:
    """A folder of one article; the database (with its journal) sits in the folder too."""
    root = tmp_path / "k"
    root.mkdir()
    art = root / "art.txt"
    art.write_text(STORY, encoding="utf-8")
    article = load_article(art)
    s = article.sentences[0]
    with Store.open(root / "k.json", "kay") as store:
        store.attach(article)
        store.import_annotations(
            [Annotation.new(article.id, article.body, s.start, s.end, "fact", "kay", "")]
        )
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "name", ["k.json", "k.json.journal", "k.json.lock.owner", "k.json.d/x.json", "art.txt"]
)
def test_cli_export_refuses_a_file_of_the_database_or_an_article(
    folder: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(folder)
    assert (folder / "k.json.journal").stat().st_size > 0
    code = main(["export", "--db", str(folder / "k.json"), "-o", str(folder / name)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "choose another -o FILE" in err, err
    assert snapshot(folder) == before


def test_cli_export_refuses_the_article_it_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """An article the database does not know yet is kept too when ``--article`` names it."""
    art = tmp_path / "new.txt"
    art.write_text(STORY, encoding="utf-8")
    with Store.open(db_path, "kay"):
        pass
    code = main(["export", "--article", str(art), "-o", str(art)])
    assert code == 2 and "is an article" in capsys.readouterr().err
    assert art.read_text("utf-8") == STORY


@pytest.fixture
def make_app(db_path: Path, tmp_path: Path) -> Iterator[Callable[[Path], ReaderApp]]:
    stores: list[Store] = []

    def make(root: Path) -> ReaderApp:
        store = Store.open(root / "k.json", "kay")
        stores.append(store)
        return ReaderApp(
            Catalog.scan([root]),
            store,
            db_path=root / "k.json",
            cache_path=tmp_path / "cache.json",
        )

    yield make
    for store in stores:
        store.close()


async def filled(app: ReaderApp, pilot: object) -> None:
    for _ in range(100):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if not app.catalog.pending and app.pane.article is not None:
            break
    await pilot.pause()  # type: ignore[attr-defined]


async def typed_path(app: ReaderApp, pilot: object, path: Path) -> None:
    """In the open export dialog: Tab to the path, replace it with ``path``, Enter."""
    await pilot.press("tab")  # type: ignore[attr-defined]
    field = app.screen.query_one("#export-path", Input)
    field.value = str(path)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["k.json", "k.json.journal", "k.json.d/x.json", "art.txt"])
async def test_the_dialog_refuses_a_file_of_the_database_or_an_article(
    folder: Path, name: str, make_app: Callable[[Path], ReaderApp]
) -> None:
    (folder / "k.json.d").mkdir(exist_ok=True)
    (folder / "k.json.d" / "x.json").write_text("{}")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        before = snapshot(folder)
        await pilot.press("X")
        assert isinstance(app.screen, ExportScreen)
        await typed_path(app, pilot, folder / name)
        assert isinstance(app.screen, ExportScreen)  # still asking where
        (refused,) = [n for n in app._notifications if n.title == "Not exported"]
        assert refused.message.startswith(f"{folder / name}: is ")
        assert "choose another file" in refused.message and "\n" not in refused.message
        assert snapshot(folder) == before
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_the_dialog_asks_before_replacing_a_file(
    folder: Path, make_app: Callable[[Path], ReaderApp], tmp_path: Path
) -> None:
    mine = tmp_path / "notes.json"
    mine.write_text("my own notes", encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        await pilot.press("X")
        await typed_path(app, pilot, mine)
        assert isinstance(app.screen, ReplaceScreen)
        await pilot.press("n")  # kept: back in the export dialog, the path to change
        assert isinstance(app.screen, ExportScreen)
        assert app.focused is app.screen.query_one("#export-path", Input)
        await app.workers.wait_for_complete()
        assert mine.read_text("utf-8") == "my own notes"
        await pilot.press("enter")
        assert isinstance(app.screen, ReplaceScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ExportScreen)
        # A second Enter queued behind the first asks once (one question, one answer).
        field = app.screen.query_one("#export-path", Input)
        for _ in range(2):
            field.post_message(Input.Submitted(field, str(mine)))
        await pilot.pause()
        await pilot.pause()
        assert sum(isinstance(s, ReplaceScreen) for s in app.screen_stack) == 1
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, (ExportScreen, ReplaceScreen))
        assert '"annotations"' in mine.read_text("utf-8")


async def test_a_markdown_export_saved_in_the_folder_is_not_an_article_next_time(
    folder: Path, make_app: Callable[[Path], ReaderApp]
) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await filled(app, pilot)
        assert len(app.catalog.shown) == 1
        await pilot.press("X", "down", "down", "down", "down")  # markdown
        path = Path(app.screen.query_one("#export-path", Input).value)
        assert path.suffix == ".md" and folder in path.parents  # beside the database
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert path.read_text("utf-8").startswith("# tuireader annotations\n")
    # Saved again under a name of the user's choosing, straight in the folder, as .txt too.
    (folder / "report.txt").write_bytes(path.read_bytes())
    again = make_app(folder)
    async with again.run_test(size=SIZE) as pilot:
        await filled(again, pilot)
        assert [e.path for e in again.catalog.shown] == [str(folder / "art.txt")]
        assert again.catalog.skipped_summary() is None  # left out without a warning


def test_an_export_an_older_version_listed_is_left_out_and_a_fifo_is_not_opened(
    tmp_path: Path,
) -> None:
    from tuireader.catalog import NOT_AN_ARTICLE, Summary, SummaryCache, fill, is_export

    report = tmp_path / "report.md"
    report.write_text("# tuireader annotations\n\nExported 2026-11-30.\n\n## A\n", "utf-8")
    cache = SummaryCache(tmp_path / "cache.json")
    info = report.stat()
    cache.put(
        str(report), info.st_size, info.st_mtime_ns, Summary("ab" * 8, "tuireader annotations")
    )
    ((_, result),) = list(fill(Catalog.scan([report]).entries, cache))
    assert result == NOT_AN_ARTICLE
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert not is_export(str(fifo))  # returns at once: nobody writes to it


def test_a_file_of_the_database_named_in_another_case_or_through_another_path_is_one(
    tmp_path: Path,
) -> None:
    """On a case-insensitive file system (macOS, an exFAT or vfat stick) ``D.JSON.bak`` is the
    backup and ``d.json.D/<id>.json`` a shard: names beside the database are compared without
    case, folders by identity (here a second name for the folder through a link, and a folder
    named in another case standing where the shard folder would be)."""
    db = tmp_path / "d.json"
    for name in ["D.JSON", "d.json.BAK", "D.json.Journal", "d.JSON.V3.bak", ".D.json.12-ab.TMP"]:
        assert database_file_role(db, tmp_path / name) is not None, name
    (tmp_path / "d.json.D").mkdir()  # what a case-insensitive file system shows as d.json.d
    assert database_file_role(db, tmp_path / "d.json.D" / "0123abcd.JSON") == (
        f"one of the shards of the annotation database {db}"
    )
    (tmp_path / "d.json.d").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "shards").symlink_to(tmp_path / "d.json.d")
    assert database_file_role(db, tmp_path / "elsewhere" / "shards" / "x.json") is not None
    for name in ["d.json.md", "D.jsonl", "other.json", "sub/d.json.bak"]:
        assert database_file_role(db, tmp_path / name) is None, name


def test_cli_export_refuses_a_shard_named_in_another_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "ana"):
        pass
    (tmp_path / "d.json.D").mkdir()
    target = tmp_path / "d.json.D" / "0123abcd.JSON"
    assert main(["export", "--db", str(db), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "is one of the shards of the annotation database" in err and err[-1] == "\n"
    assert err.count("\n") == 1 and not target.exists()
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "D.JSON.BAK")]) == 2
    assert "is the backup copy of the annotation database" in capsys.readouterr().err

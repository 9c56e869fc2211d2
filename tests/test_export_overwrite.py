"""``tuireader export -o FILE`` never silently replaces what it must not: another tuireader
database's files (main file, journal, shard, lock, lock owner), any other TinyDB document, or
an article or web page outside the open database's folder. One line names the file and what it
is, the exit status is 2 and the file keeps its bytes; ``--force`` replaces it. A previous export
is replaced silently (scripts rerun exports), and ``-o -`` still writes to stdout."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.export_target import HEAD_BYTES, held
from tuireader.store import Store

STORY = (
    "Dock workers vote on the new rota\n\n"
    "The union counted the ballots on Friday. A strike could follow in June.\n"
)
FIXTURES = Path(__file__).parent / "fixtures" / "schema4"


@pytest.fixture
def mine(tmp_path: Path, db_path: Path) -> Path:
    """The open database (``$TUIREADER_DB``): one article with one tag."""
    art = tmp_path / "mine" / "rota.txt"
    art.parent.mkdir()
    art.write_text(STORY, encoding="utf-8")
    article = load_article(art)
    s = article.sentences[0]
    with Store.open(db_path, "ann") as store:
        store.attach(article)
        store.import_annotations(
            [Annotation.new(article.id, article.body, s.start, s.end, "fact", "ann", "")]
        )
    return db_path


@pytest.fixture
def theirs(tmp_path: Path) -> Path:
    """Another database, in another folder, with its journal, lock and lock owner file."""
    folder = tmp_path / "theirs"
    folder.mkdir()
    art = folder / "other.txt"
    art.write_text("Ferry fares rise\n\nThe ferry costs more from May.\n", encoding="utf-8")
    article = load_article(art)
    with Store.open(folder / "team.json", "bob") as store:
        store.attach(article)
        store.tag(article, 0, 0, "fact")
    return folder / "team.json"


def refused(target: Path, what: str, capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    """The export to ``target`` is refused in one line naming it and ``what``, bytes kept."""
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["export", *extra, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"tuireader: {target}: is {what}"), err
    assert "--force" in err
    assert target.read_bytes() == before


def forced(target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--force", "-o", str(target)]) == 0
    assert "wrote json export" in capsys.readouterr().err
    assert target.read_text("utf-8").startswith('{\n  "format": "tuireader-annotations"')


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("team.json", "the main file of a tuireader annotation database"),
        ("team.json.journal", "the journal of the annotation database"),
        ("team.json.lock", "the lock file of the annotation database"),
        ("team.json.lock.owner", "the lock owner file of the annotation database"),
    ],
)
def test_another_databases_files_are_refused_and_force_replaces_them(
    mine: Path, theirs: Path, name: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = theirs.parent / name
    assert target.exists()
    refused(target, what, capsys)
    forced(target, capsys)


def test_a_journal_or_owner_file_is_told_by_content_or_beside_its_database(
    mine: Path, theirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Copied away from its database, a journal or owner file is still known by what it holds;
    beside its database, even an empty one is known by its name."""
    for name, what in [
        ("journal.bak", "the journal of a tuireader annotation database"),
        ("who", "the lock owner file of a tuireader annotation database"),
    ]:
        copy = tmp_path / name
        source = "team.json.journal" if name == "journal.bak" else "team.json.lock.owner"
        shutil.copy(theirs.parent / source, copy)
        refused(copy, what, capsys)
    journal = theirs.parent / "team.json.journal"
    journal.write_bytes(b"")
    refused(journal, f"the journal of the annotation database {theirs}", capsys)


def test_a_shard_and_a_backup_of_another_database_are_refused(
    mine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "old"
    shutil.copytree(FIXTURES, copy)
    (shard,) = sorted((copy / "annotations.json.d").iterdir())[:1]
    refused(shard, "one of the shards of the annotation database", capsys)
    # A shard copied anywhere, under any name, is still one.
    loose = tmp_path / "keep.json"
    shutil.copy(shard, loose)
    refused(loose, "a shard of a tuireader annotation database", capsys)
    backup = copy / "annotations.json.v4.bak"
    shutil.copy(copy / "annotations.json", backup)
    refused(backup, "a kept copy of the annotation database", capsys)
    elsewhere = tmp_path / "annotations-2024.json"
    shutil.copy(copy / "annotations.json", elsewhere)
    refused(elsewhere, "the main file of a tuireader annotation database", capsys)
    forced(shard, capsys)


def test_any_tinydb_document_is_refused(
    mine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "db.json"
    empty = tmp_path / "empty-db.json"
    empty.write_text('{"_default": {}}', encoding="utf-8")
    refused(empty, "a TinyDB database", capsys)
    other.write_text('{"_default": {"1": {"name": "kept"}}}', encoding="utf-8")
    refused(other, "a TinyDB database", capsys, "-f", "jsonl")
    assert main(["export", "-f", "jsonl", "--force", "-o", str(other)]) == 0
    assert '"article_id"' in other.read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "text", "what"),
    [
        ("elsewhere.txt", "Bins collected late\n\nThe lorry broke down.\n", "an article (a text"),
        ("notes.md", "# Ferry\n\nFares rise in May.\n", "an article (a text"),
        ("seed", "date 2024-05-01\n\nThe pier reopens.\n", "an article (the dated"),
        ("notes", " date 2024-05-01 \n\nThe pier reopens.\n", "an article (the dated"),
        (
            "saved.json",
            "---\ntitle: Pier reopens\ndate: 2024-05-01\n---\n\nThe pier reopens.\n",
            "an article (Markdown with front matter)",
        ),
        (
            "page.out",
            "<!DOCTYPE html>\n<html><body><p>The pier reopens.</p></body></html>\n",
            "a web page",
        ),
        ("page.htm", "<p>The pier reopens today.</p>\n", "an article (a text"),
    ],
)
def test_an_article_the_database_does_not_know_is_refused(
    mine: Path,
    tmp_path: Path,
    name: str,
    text: str,
    what: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "elsewhere" / name
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    refused(target, what, capsys)
    forced(target, capsys)


def test_an_article_is_told_from_its_first_bytes_only(tmp_path: Path) -> None:
    """The rule reads ``HEAD_BYTES`` at most: a page whose opening is beyond them is not seen
    as one, and a big article costs no more than a small one to recognise."""
    late = tmp_path / "late.out"
    late.write_text(" " * HEAD_BYTES + "<html><body>x</body></html>", encoding="utf-8")
    assert held(late) is None
    big = tmp_path / "big.txt"
    big.write_text("Title\n\n" + "Word " * 500_000, encoding="utf-8")
    assert held(big) == "an article (a text file the reader opens)"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("json", "out.json"),
        ("jsonl", "out.jsonl"),
        ("csv", "out.csv"),
        ("csv", "out.txt"),
        ("markdown", "out.md"),
        ("markdown", "report.txt"),
        ("w3c", "out.jsonld"),
        ("spacy-jsonl", "out.spacy.jsonl"),
    ],
)
def test_a_previous_export_is_replaced_silently(
    mine: Path, tmp_path: Path, fmt: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / name
    for _ in range(2):
        assert main(["export", "-f", fmt, "-o", str(target)]) == 0
        err = capsys.readouterr().err
        assert err.startswith(f"tuireader: wrote {fmt} export to "), err
    assert held(target) is None


def test_a_previous_by_sentence_export_is_replaced_silently(
    mine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "sentences.txt"
    for _ in range(2):
        assert main(["export", "--by-sentence", "-f", "csv", "-o", str(target)]) == 0
    assert "wrote csv by sentence export" in capsys.readouterr().err


def test_other_files_and_new_ones_are_written_as_before(
    mine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, data in [
        ("empty.json", b""),
        ("list.json", b'[{"a": 1}]'),
        ("tsconfig.json", b'{"compilerOptions": {"target": "es2022"}}'),
        ("minutes", b"date 2024-13-45 was not a day\n\nNor is this an article.\n"),
        ("log", b"dated 2024-05-01: build passed\n"),
        ("table.csv", b"a,b\n1,2\n"),
        ("photo.json", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ]:
        target = tmp_path / name
        target.write_bytes(data)
        assert main(["export", "-o", str(target)]) == 0, name
        assert target.read_text("utf-8").startswith("{"), name
    assert main(["export", "-o", str(tmp_path / "new.json")]) == 0
    capsys.readouterr()
    assert main(["export", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith('{\n  "format"')


def test_force_never_replaces_the_open_databases_own_files_or_articles(
    mine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "mine" / "rota.txt"
    for target in [mine, mine.with_name(mine.name + ".journal"), article]:
        before = target.read_bytes()
        capsys.readouterr()
        assert main(["export", "--force", "-o", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "choose another -o FILE" in err, err
        assert "--force" not in err
        assert target.read_bytes() == before


def test_a_fifo_is_not_read_to_tell_what_it_is(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    answer: list[str | None] = []
    reader = threading.Thread(target=lambda: answer.append(held(fifo)))
    reader.start()
    reader.join(5)
    assert answer == [None]  # returned at once: nobody writes to it


def test_an_older_main_file_whose_first_table_is_not_meta_is_one(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(
        '{"annotations": {}, "meta": {"schema": {"format": "tuireader-annotations", '
        '"version": 1}}}',
        encoding="utf-8",
    )
    assert held(old) == "the main file of a tuireader annotation database"
    lock = tmp_path / "old.json.lock"
    lock.write_bytes(b"")
    assert held(lock) == f"the lock file of the annotation database {old}"
    lone = tmp_path / "lone.lock"
    lone.write_bytes(b"")
    assert held(lone) is None  # no database beside it: an empty file, nothing to keep


async def test_the_dialog_refuses_what_the_cli_refuses_and_asks_for_the_rest(
    mine: Path, theirs: Path, tmp_path: Path
) -> None:
    """Another database's journal, an article the database records, a TinyDB document: the
    dialog (no --force there) refuses each with the CLI's reason and keeps its bytes; a plain
    file still gets the question."""
    from test_export_targets import SIZE, filled, typed_path
    from tuireader.catalog import Catalog
    from tuireader.ui.app import ReaderApp
    from tuireader.ui.export_screen import ExportScreen, ReplaceScreen

    journal = theirs.with_name(theirs.name + ".journal")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    article = elsewhere / "story.txt"  # not in the open folder: known by its contents
    article.write_text("A harbor bridge opened today. Officials said it may close.\n", "utf-8")
    tinydb = tmp_path / "other.json"
    tinydb.write_text('{"_default": {"1": {"a": 1}}}', encoding="utf-8")
    with Store.open(mine, "ann") as store:
        app = ReaderApp(
            Catalog.scan([tmp_path / "mine"]),
            store,
            db_path=mine,
            cache_path=tmp_path / "cache.json",
        )
        async with app.run_test(size=SIZE) as pilot:
            await filled(app, pilot)
            await pilot.press("X")
            for target in (journal, article, tinydb):
                before = target.read_bytes()
                cli = main(["export", "--db", str(mine), "-o", str(target)])
                assert cli == 2
                await typed_path(app, pilot, target)
                assert isinstance(app.screen, ExportScreen)  # refused: no question
                refused = [n for n in app._notifications if n.title == "Not exported"][-1]
                reason = held(target)
                assert reason is not None
                assert refused.message == f"{target}: is {reason}; choose another file"
                await app.workers.wait_for_complete()
                assert target.read_bytes() == before
            # A plain file gets the plain question.
            plain = tmp_path / "plain.json"
            plain.write_text("[]", encoding="utf-8")
            await typed_path(app, pilot, plain)
            assert isinstance(app.screen, ReplaceScreen)
            await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert '"annotations"' in plain.read_text("utf-8")

"""A journal mark a compaction cannot remove (a folder under its name, or a file neither
removable nor writable) turns the cut check off: it is said once, in one line (the CLI's
standard error, a notice in the reader), never at every compaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import from_text, load_article
from tuireader.cli import main
from tuireader.dbformat.journal_mark import mark_path
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

TEXT = "Harbour reopens\n\nThe boats are back. Nets dry on the quay. Gulls circle the pier."


def test_a_stuck_mark_is_told_once_by_the_store(tmp_path: Path) -> None:
    db = tmp_path / "x.json"
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        mark_path(db).unlink()
        mark_path(db).mkdir()
        assert store.stuck_mark() is None  # nothing compacted yet
        store._db.file.compact()
        said = store.stuck_mark()
        assert said is not None and "\n" not in said
        assert f"{mark_path(db)}: is a folder, not a journal mark" in said
        assert "a journal cut short is not told from a whole one" in said
        store.tag(article, 1, 1, "fact")
        store._db.file.compact()
        assert store.stuck_mark() is None  # once
    with Store.open(db, "alice") as store:  # a healthy mark: nothing to say
        assert store.stuck_mark() is None


def test_repair_says_a_stuck_mark_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    with Store.open(db, "alice") as store:
        store.tag(from_text(TEXT), 0, 0, "fact")
    storage.journal_path(db).write_bytes(b"{}")
    mark_path(db).unlink()
    mark_path(db).mkdir()
    capsys.readouterr()
    assert main(["repair", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"tuireader: {mark_path(db)}: is a folder, not a journal mark")
    assert main(["stats", "--db", str(db)]) == 0


async def test_the_reader_shows_a_stuck_mark_once(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuireader.catalog import Catalog
    from tuireader.ui import app as app_module

    monkeypatch.setattr(app_module, "REFRESH_INTERVAL", 3600.0)  # only the looks asked for
    root = tmp_path / "news"
    root.mkdir()
    harbour = root / "harbour.txt"
    harbour.write_text(TEXT + "\n", "utf-8")
    with Store.open(db_path, "bob") as other:
        other.tag(load_article(harbour), 1, 1, "fact")
    mark_path(db_path).unlink()
    mark_path(db_path).mkdir()
    with Store.open(db_path, "tester") as store:
        catalog = Catalog.scan([root])
        app = ReaderApp(catalog, store, db_path=db_path, cache_path=tmp_path / "cache.json")
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):
                if not catalog.pending:
                    break
                await pilot.pause(0.025)
            await pilot.press("enter")
            await app.opened()
            await app.reads_landed()
            monkeypatch.setattr(storage, "JOURNAL_MAX", 0)  # each write makes one due

            async def tag_and_compact(key: str) -> None:
                await pilot.press(key)
                await app.writes_landed()
                assert store.compaction_due
                compactions = store.compactions
                assert app.refresh_store()
                for _ in range(200):
                    await app.writes_landed()
                    await app.reads_landed()
                    if not app._reloading and store.compactions > compactions:
                        break
                    await pilot.pause(0.02)
                assert store.compactions > compactions
                await pilot.pause()

            await tag_and_compact("f")
            said = [n.message for n in app._notifications if "journal mark" in n.message]
            assert len(said) == 1 and "not told from a whole one" in said[0]
            await pilot.press("j")
            await tag_and_compact("s")
            said = [n.message for n in app._notifications if "journal mark" in n.message]
            assert len(said) == 1  # once


def test_catching_up_with_a_journal_cut_in_place_then_grown_is_refused(tmp_path: Path) -> None:
    # Store A read one entry; B appended three; the journal was then cut in place after B's
    # first (a whole journal, shorter than its mark says, longer than A read): A's catch-up
    # read only what came after its own position and took the cut journal for appends.
    from tuireader.dbformat.journal import JOURNAL_TAIL
    from tuireader.store import StoreError

    db = tmp_path / "x.json"
    article = from_text(TEXT)
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
    journal = storage.journal_path(db)
    with Store.open(db, "alice", create=False) as reader:
        seen = journal.stat().st_size
        with Store.open(db, "bob") as writer:
            for i in range(3):
                writer.tag(article, i, i, "speculation")
        data = journal.read_bytes()
        second = data.index(b',\n"', seen - len(JOURNAL_TAIL) + 1)  # the end of B's first
        with open(journal, "r+b") as cut:  # in place: the same file, as a stray tool does
            cut.truncate(second)
            cut.seek(second)
            cut.write(JOURNAL_TAIL)
        assert seen < journal.stat().st_size < len(data)
        with pytest.raises(StoreError, match="has a cut journal"):
            reader.refresh()

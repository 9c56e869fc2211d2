"""A journal cut shorter than what was saved to it (by a copy, by hand) is refused, never read as
a write torn by a crash; ``repair`` keeps every entry still there and says how much was lost. The
mark that tells the two apart (``PATH.journal.mark``) may only lag the journal: a lagging, torn,
missing or foreign mark never refuses a journal that holds everything saved."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.dbformat.journal import JOURNAL_TAIL, journal_entries
from tuireader.dbformat.journal_mark import WIDTH, Mark, mark_path, read_mark, write_mark
from tuireader.store import Store, StoreError, StoreWriteError

TEXT = (
    "Harbour news\n\nThe ferry left at noon. Officials expect delays all week. The pier was "
    "rebuilt in spring. Experts think the tide tables are wrong. Nobody was hurt."
)
TAGS = ("fact", "speculation", "fact", "expert_opinion", "fact")


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


def tagged(tmp_path: Path, article: Article, n: int = len(TAGS)) -> Path:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        for i, tag in enumerate(TAGS[:n]):
            store.tag(article, i, i, tag)
    return db


def tags_of(db: Path) -> list[tuple[int, str]]:
    with Store.open(db, "bob", create=False) as store:
        return sorted((a.start, a.tag) for a in store.annotations())


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_every_append_marks_the_journal_length_it_made_durable(
    tmp_path: Path, article: Article
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        sizes = []
        for i, tag in enumerate(TAGS):
            store.tag(article, i, i, tag)
            mark = read_mark(db)
            assert mark is not None
            journal = storage.journal_path(db).stat().st_size
            main_file = db.stat()
            assert (mark.committed, mark.main_size) == (journal, main_file.st_size)
            assert mark.main_mtime_ns == main_file.st_mtime_ns
            sizes.append(mark.committed)
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    assert len(mark_path(db).read_bytes()) == WIDTH


@pytest.mark.parametrize("cut", ["half", "last entry", "into the last", "empty", "deleted"])
def test_a_journal_cut_below_its_mark_is_refused_in_one_line_naming_both_sizes(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str], cut: str
) -> None:
    db = tagged(tmp_path, article)
    journal = storage.journal_path(db)
    data = journal.read_bytes()
    last = data.rindex(b',\n"')
    kept = {
        "half": data[: len(data) // 2],
        "last entry": data[:last] + JOURNAL_TAIL,  # whole entries only, the last one gone
        "into the last": data[:-5],  # its seal cut (only the brackets: nothing lost)
        "empty": b"",
    }
    if cut == "deleted":
        journal.unlink()
    else:
        journal.write_bytes(kept[cut])
    before = files_of(tmp_path)
    held = {"half": None, "last entry": last + 3, "into the last": last + 3}.get(cut, 0)
    with pytest.raises(StoreError) as refused:
        Store.open(db, "alice")
    message = str(refused.value)
    assert "\n" not in message and str(db) in message
    assert f"d.json.journal holds {'' if held is None else f'{held} '}" in message
    assert f"of the {len(data)} saved to it" in message and "repair --dry-run" in message
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has a cut journal" in err and "Traceback" not in err
    assert files_of(tmp_path) == before  # nothing written, not even by the refusal


def test_repair_keeps_every_entry_before_the_cut_and_says_how_much_was_lost(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tagged(tmp_path, article)
    whole = tags_of(db)
    journal = storage.journal_path(db)
    data = journal.read_bytes()
    entries = journal_entries(data)[0]
    starts = [i for i in range(len(data)) if data[i : i + 3] == b',\n"']
    cut_at = starts[2] + 40  # inside entry 4: entries 1-3 whole
    journal.write_bytes(data[:cut_at])
    before = files_of(tmp_path)
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    dry = capsys.readouterr().out
    assert files_of(tmp_path) == before
    held = starts[2] + len(JOURNAL_TAIL)  # up to the closing brackets after entry 3
    assert "would keep 3 of 4 journal entries (1-3)" in dry
    assert (
        f"its journal was cut: it holds {held} bytes of the {len(data)} saved to it; "
        f"{len(data) - held} bytes of saved changes are lost"
    ) in dry
    assert f"would drop entry 4 (bytes {starts[2]}-{cut_at}): cut short" in dry
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "repaired" in out and "kept 3 of 4 journal entries (1-3)" in out
    assert len(entries) == len(TAGS) and tags_of(db) == whole[:3]
    assert not mark_path(db).exists()  # the compaction removed it with the old journal
    assert main(["stats", "--db", str(db)]) == 0
    with Store.open(db, "alice") as store:  # writes work again, and mark the new journal
        store.tag(article, 4, 4, "speculation")
    mark = read_mark(db)
    assert mark is not None and mark.committed == journal.stat().st_size
    capsys.readouterr()
    assert main(["repair", "--db", str(db)]) == 2
    assert "nothing to repair" in capsys.readouterr().err


def test_repair_of_a_journal_cut_to_nothing_keeps_the_main_file(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tagged(tmp_path, article, 2)
    with Store.open(db, "alice") as store:
        store._db.file.compact()  # the first two tags are in the shards now
        store.tag(article, 2, 2, "fact")
    size = storage.journal_path(db).stat().st_size
    storage.journal_path(db).write_bytes(b'{"chan')  # cut inside its head
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"its journal was cut: it holds 0 bytes of the {size} saved to it" in out
    assert [tag for _, tag in tags_of(db)] == ["fact", "speculation"]


def test_a_write_torn_by_a_crash_after_the_mark_is_still_dropped(
    tmp_path: Path, article: Article
) -> None:
    db = tagged(tmp_path, article)
    whole = tags_of(db)
    journal = storage.journal_path(db)
    data = journal.read_bytes()
    # A kill mid-append: the new entry's first bytes over the closing brackets, past the mark.
    journal.write_bytes(data[: -len(JOURNAL_TAIL)] + b',\n"%d":{"put":{"sta' % (len(data) - 3))
    assert tags_of(db) == whole
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "speculation")  # cuts the torn bytes off, marks again
    mark = read_mark(db)
    assert mark is not None and mark.committed == journal.stat().st_size


def test_a_mark_that_lags_is_missing_torn_or_foreign_refuses_nothing(
    tmp_path: Path, article: Article
) -> None:
    db = tagged(tmp_path, article)
    whole = tags_of(db)
    size = storage.journal_path(db).stat().st_size
    main_size, main_mtime = db.stat().st_size, db.stat().st_mtime_ns
    jm = storage.journal_path(db).stat().st_mtime_ns
    # A kill between the journal's fsync and the mark's write: the mark is an append behind.
    write_mark(db, Mark(size - 200, main_size, main_mtime, jm))
    assert tags_of(db) == whole
    mark_path(db).unlink()  # a database from before marks, or copied without it
    assert tags_of(db) == whole
    write_mark(db, Mark(size + 500, main_size, main_mtime, jm))
    torn = bytearray(mark_path(db).read_bytes())
    torn[25] = ord("9") if torn[25] != ord("9") else ord("8")  # a digit changed: checksum fails
    mark_path(db).write_bytes(bytes(torn))
    assert tags_of(db) == whole
    mark_path(db).write_bytes(b"\x00" * WIDTH)  # a write that never landed
    assert tags_of(db) == whole
    write_mark(db, Mark(size + 500, main_size + 1, main_mtime, jm))  # for another main file
    assert tags_of(db) == whole
    write_mark(db, Mark(size + 500, main_size, main_mtime + 1, jm))  # the same size, rewritten
    assert tags_of(db) == whole
    # Of an append after the journal's last change: a copy took the journal before it.
    write_mark(db, Mark(size + 500, main_size, main_mtime, jm + 1))
    assert tags_of(db) == whole
    mark_path(db).unlink()
    os.symlink(tmp_path / "elsewhere", mark_path(db))  # never followed, read or written
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "speculation")
    assert not (tmp_path / "elsewhere").exists() and mark_path(db).is_symlink()


def test_a_copy_of_an_older_main_file_and_journal_is_not_taken_for_a_cut(
    tmp_path: Path, article: Article
) -> None:
    db = tagged(tmp_path, article, 2)
    with Store.open(db, "alice") as store:
        store._db.file.compact()
        store.tag(article, 2, 2, "fact")
    older = {p: p.read_bytes() for p in (db, storage.journal_path(db))}
    with Store.open(db, "alice") as store:
        store._db.file.compact()  # a new main file; its mark dropped with the old journal
        for i in range(3, 5):
            store.tag(article, i, i, "speculation")
    for path, data in older.items():  # restored from a backup taken before
        path.write_bytes(data)
    assert len(tags_of(db)) == 3


def test_two_stores_taking_turns_keep_the_mark_growing_with_the_journal(
    tmp_path: Path, article: Article
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        marks = []
        for i in range(5):
            for store in (alice, bob):
                store.tag(article, i, i, "fact")
                mark = read_mark(db)
                assert mark is not None
                assert mark.committed == storage.journal_path(db).stat().st_size
                marks.append(mark.committed)
        assert marks == sorted(marks)
        alice._db.file.compact()
        assert not mark_path(db).exists()
        bob.tag(article, 0, 0, "speculation")  # catches up with the compaction, then appends
        mark = read_mark(db)
        assert mark is not None and mark.committed == storage.journal_path(db).stat().st_size
        assert mark.main_size == db.stat().st_size


def test_a_journal_cut_while_a_store_is_open_refuses_its_next_write(
    tmp_path: Path, article: Article
) -> None:
    db = tagged(tmp_path, article)
    journal = storage.journal_path(db)
    with Store.open(db, "alice") as store:
        data = journal.read_bytes()
        journal.write_bytes(data[: len(data) // 2])
        before = files_of(tmp_path)
        with pytest.raises((StoreWriteError, StoreError), match="has a cut journal"):
            store.tag(article, 0, 0, "speculation")
        assert journal.read_bytes() == data[: len(data) // 2]
        assert files_of(tmp_path) == before


def test_a_copied_database_keeps_its_mark_and_its_refusal(tmp_path: Path, article: Article) -> None:
    db = tagged(tmp_path / "a", article)
    copy = tmp_path / "b"
    shutil.copytree(db.parent, copy)
    journal = storage.journal_path(copy / db.name)
    journal.write_bytes(journal.read_bytes()[:100])  # the copy tool stopped early
    with pytest.raises(StoreError, match="has a cut journal"):
        Store.open(copy / db.name, "alice")

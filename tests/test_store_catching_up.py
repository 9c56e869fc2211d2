"""How a store catches up with another process (``store.catching_up``) and what a failed write
says (``store.files.write_failure``), on their own."""

from __future__ import annotations

import errno
from pathlib import Path

from tuireader.articles import from_text
from tuireader.durable import NotDurableError
from tuireader.storage import Stamp, journal_path, stamp_of
from tuireader.store import Store, StoreWriteError, UndoConflict
from tuireader.store.catching_up import appended_entries, only_appended
from tuireader.store.files import write_failure

MAIN = Stamp(inode=7, size=900, mtime_ns=100, journal=(8, 40, 200))


def test_only_a_longer_journal_beside_the_same_main_file_is_caught_up_entry_by_entry() -> None:
    grown = Stamp(7, 900, 100, (8, 95, 300))
    assert only_appended(MAIN, grown)
    assert not only_appended(None, grown)  # never read: read it all
    assert not only_appended(MAIN, Stamp(9, 900, 100, (8, 95, 300)))  # a new main file
    assert not only_appended(MAIN, Stamp(7, 901, 100, (8, 95, 300)))
    assert not only_appended(MAIN, Stamp(7, 900, 101, (8, 95, 300)))
    assert not only_appended(MAIN, Stamp(7, 900, 100, (10, 95, 300)))  # a new journal
    assert not only_appended(MAIN, Stamp(7, 900, 100, (8, 40, 300)))  # not longer
    assert not only_appended(MAIN, Stamp(7, 900, 100, (8, 30, 300)))  # cut: compacted
    # Before our first look there was no journal (size 0): nothing to start reading after.
    assert not only_appended(Stamp(7, 900, 100, (0, 0, 0)), Stamp(7, 900, 100, (8, 95, 300)))


def test_appended_entries_are_those_written_since_and_checked(tmp_path: Path) -> None:
    article = from_text("One short line. A second one. And a third to end it.")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as ana, Store.open(db, "bo") as bo:
        ana.tag(article, 0, 0, "fact")
        seen = stamp_of(db)
        assert seen is not None
        bo.tag(article, 1, 1, "speculation")
        bo.tag(article, 2, 2, "fact")
    found = appended_entries(db, seen)
    assert found is not None
    entries, stamp, end = found
    records = [r for e in entries for changes in e["ann"].values() for r in changes.values()]
    assert [(r["annotator"], r["tag"]) for r in records] == [("bo", "speculation"), ("bo", "fact")]
    assert stamp == stamp_of(db)
    assert end == journal_path(db).stat().st_size - len(b"\n}}")
    # A bad entry (or no journal) means: read everything again.
    journal_path(db).write_bytes(
        journal_path(db).read_bytes()[:-3] + b',\n"99999":{"ann":{"x":{"y":{"start":"zero"}}}}\n}}'
    )
    assert appended_entries(db, seen) is None
    journal_path(db).unlink()
    assert appended_entries(db, seen) is None


def test_a_failed_write_is_one_line_naming_the_file() -> None:
    db = Path("/somewhere/annotations.json")
    full = write_failure(db, OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(full, StoreWriteError)
    assert str(full) == (
        f"{db}: not saved (disk full); the change was rolled back and the file is as it was"
    )
    unsynced = write_failure(db, NotDurableError(errno.EIO, "Input/output error"))
    assert isinstance(unsynced, StoreWriteError)
    assert "the folder could not be synced" in str(unsynced)
    assert "may not survive a crash" in str(unsynced)
    # Anything else is not a failure of the files: raised as it is.
    assert write_failure(db, ValueError("a bug")) is None
    assert write_failure(db, UndoConflict(db, "changed since")) is None


def test_catching_up_while_another_append_is_half_written_reads_nothing_again(
    tmp_path: Path,
) -> None:
    """Another process's append caught half copied: nothing new, and the stamp keeps the size
    read so far (the next catch-up reads from the same place, not from inside that entry)."""
    article = from_text("One short line. A second one. And a third to end it.")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as ana, Store.open(db, "bo") as bo:
        for i in range(3):
            ana.tag(article, i, i, "fact")
        seen = stamp_of(db)
        assert seen is not None
        bo.tag(article, 0, 2, "speculation")
    journal = journal_path(db)
    whole = journal.read_bytes()
    journal.write_bytes(whole[: seen.journal[1] - 3 + 40])  # half of bo's entry landed
    found = appended_entries(db, seen)
    assert found is not None
    entries, stamp, end = found
    assert (entries, end, stamp.journal[1]) == ([], seen.journal[1] - 3, seen.journal[1])
    journal.write_bytes(whole)  # the append completes: that entry alone is read
    found = appended_entries(db, stamp)
    assert found is not None
    assert len(found[0]) == 1 and found[1] == stamp_of(db)

"""How a store catches up with another process (``store.catching_up``) and what a failed write
says (``store.files.write_failure``), on their own."""

from __future__ import annotations

import errno
from pathlib import Path

from tuireader.articles import from_text
from tuireader.dbformat.journal_mark import mark_path
from tuireader.durable import NotDurableError
from tuireader.storage import Stamp, journal_path, stamp_of
from tuireader.store import Store, StoreWriteError, UndoConflict
from tuireader.store.catching_up import (
    Catchups,
    appended_entries,
    entry_offsets,
    only_appended,
)
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
    entries, stamp, end, offsets = found
    assert len(offsets) == 2 and seen.journal[1] - 3 <= offsets[0] < offsets[1] < end
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
        mark = mark_path(db).read_bytes()
        bo.tag(article, 0, 2, "speculation")
    journal = journal_path(db)
    whole = journal.read_bytes()
    journal.write_bytes(whole[: seen.journal[1] - 3 + 40])  # half of bo's entry landed
    # ... and its mark not yet (written once the append is durable): a lagging mark is no cut.
    done = mark_path(db).read_bytes()
    mark_path(db).write_bytes(mark)
    found = appended_entries(db, seen)
    assert found is not None
    entries, stamp, end, _ = found
    assert (entries, end, stamp.journal[1]) == ([], seen.journal[1] - 3, seen.journal[1])
    journal.write_bytes(whole)  # the append completes: that entry alone is read
    mark_path(db).write_bytes(done)
    found = appended_entries(db, stamp)
    assert found is not None
    assert len(found[0]) == 1 and found[1] == stamp_of(db)


def test_a_store_says_which_articles_changed_since_a_position_of_another_store(
    tmp_path: Path,
) -> None:
    """``changed_since``: the articles the entries caught up with after a position change, a
    position taken by another store of the same files (the writer's, as an article opened)."""
    first = from_text("One short line. A second one. And a third to end it.")
    second = from_text("Another text here. With two sentences.")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as ana, Store.open(db, "bo") as bo:
        ana.attach(first)
        ana.attach(second)
        with Store.open(db, "ana", create=False) as handle:
            handle.refresh()
            before = handle.journal_position()
            assert handle.changed_since(before) == frozenset()
            ana.tag(first, 0, 0, "fact")
            after_mine = ana.journal_position()
            bo.tag(second, 1, 1, "speculation")
            handle.refresh()
            assert handle.changed_since(before) == {first.id, second.id}
            assert handle.changed_since(after_mine) == {second.id}  # mine was before it
            assert handle.changed_since(handle.journal_position()) == frozenset()
            bo.tag(first, 2, 2, "fact")
            handle.refresh()
            assert handle.changed_since(after_mine) == {first.id, second.id}
            # A store that wrote itself knows nothing of what it did not catch up with.
            assert ana.changed_since(before) is None


def test_catchups_know_what_changed_only_after_the_last_whole_read_in_the_same_journal() -> None:
    catchups = Catchups()
    assert catchups.since((8, 100)) is None  # nothing read yet
    catchups.reloaded((8, 100))
    catchups.appended([97, 140, 180], [frozenset({"a"}), frozenset(), frozenset({"b"})])
    assert catchups.since((8, 100)) == {"a", "b"}
    assert catchups.since((8, 143)) == {"b"}  # an entry at 140 ends where 143 - 3 begins
    assert catchups.since((8, 400)) == frozenset()
    assert catchups.since((8, 60)) is None  # before the whole read: not known
    assert catchups.since((9, 143)) is None  # another journal (a compaction)
    catchups.reloaded((9, 50))  # a whole read again (new files)
    assert catchups.since((8, 143)) is None
    assert catchups.since((9, 50)) == frozenset()
    catchups.forget()  # the store wrote itself
    assert catchups.since((9, 50)) is None
    catchups.reloaded((0, 0))  # no journal yet: its creation is a whole read
    assert catchups.since((0, 0)) is None


def test_entry_offsets_are_the_keys_of_the_lines_read_or_the_end_when_they_do_not_match() -> None:
    data = b'{"changes":{\n"12":{"ann":{}},\n"28":{"put":{}}\n}}'
    assert data.index(b",") == 28
    assert entry_offsets(data, 12, len(data) - 3, 2) == [12, 28]
    assert entry_offsets(data, 12, len(data) - 3, 3) == [len(data) - 3] * 3

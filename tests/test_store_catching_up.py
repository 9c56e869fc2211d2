"""How a store catches up with another process (``store.catching_up``) and what a failed write
says (``store.files.write_failure``), on their own."""

from __future__ import annotations

import errno
from pathlib import Path

from tuireader.articles import from_text
from tuireader.dbformat.journal_mark import mark_path
from tuireader.dbformat.schema import BOUNDARIES
from tuireader.durable import NotDurableError
from tuireader.storage import Stamp, journal_path, stamp_of
from tuireader.store import Store, StoreWriteError, UndoConflict
from tuireader.store.catching_up import (
    NO_POSITION,
    Catchups,
    Position,
    appended_entries,
    changed_articles,
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


def at(journal: int, size: int, main: int = 7) -> Position:
    """A position in journal ``journal`` beside main file ``main``."""
    return Position((main, 900, 100), journal, size)


def test_catchups_know_what_changed_only_after_the_last_whole_read_in_the_same_journal() -> None:
    catchups = Catchups()
    assert catchups.since(at(8, 100)) is None  # nothing read yet
    catchups.reloaded(at(8, 100))
    catchups.appended([97, 140, 180], [frozenset({"a"}), frozenset(), frozenset({"b"})], 220)
    assert catchups.since(at(8, 100)) == {"a", "b"}
    assert catchups.since(at(8, 143)) == {"b"}  # an entry at 140 ends where 143 - 3 begins
    assert catchups.since(at(8, 220)) == frozenset()
    assert catchups.since(at(8, 400)) is None  # past what was read: not known
    assert catchups.since(at(8, 60)) is None  # before the whole read: not known
    assert catchups.since(at(9, 143)) is None  # another journal (a compaction)
    catchups.reloaded(at(9, 50))  # a whole read again (new files)
    assert catchups.since(at(8, 143)) is None
    assert catchups.since(at(9, 50)) == frozenset()
    catchups.forget()  # the store wrote itself
    assert catchups.since(at(9, 50)) is None
    catchups.reloaded(NO_POSITION)  # no journal yet: its creation is a whole read
    assert catchups.since(NO_POSITION) is None


def test_catchups_tell_a_journal_whose_inode_came_back_by_its_main_file() -> None:
    """A compaction replaces the main file and the journal; the file system may give the new
    journal the old one's inode number (ext4 does), but not with the same main file."""
    catchups = Catchups()
    catchups.reloaded(at(8, 100))
    before = at(8, 100)
    catchups.reloaded(at(8, 15, main=11))  # four compactions later: journal inode 8 again
    catchups.appended([15, 60], [frozenset({"a"}), frozenset({"b"})], 120)
    assert catchups.since(before) is None  # not {"b"}: "a" changed after it too
    assert catchups.since(at(8, 15, main=11)) == {"a", "b"}
    assert catchups.since(Position((11, 900, 101), 8, 15)) is None  # another main file's mtime


def test_catchups_know_nothing_of_a_journal_cut_back_in_place() -> None:
    """A journal cut back in place keeps its inode: what was read past the cut is gone, and
    positions up to how far it was read are not known, even once it grew again."""
    catchups = Catchups()
    catchups.reloaded(at(8, 100))
    catchups.appended([97, 140], [frozenset({"a"}), frozenset({"b"})], 180)
    shown = at(8, 180)  # the reader showed the entry at 140
    catchups.reloaded(at(8, 140))  # cut back to before it: read whole again
    assert catchups.since(shown) is None
    catchups.appended([140], [frozenset({"c"})], 200)  # grown again past the cut
    assert catchups.since(shown) is None  # not frozenset(): entry "b" is gone
    assert catchups.since(at(8, 143)) is None
    assert catchups.since(at(8, 200)) == frozenset()  # past the old end: known again

    regrown = Catchups()  # cut, then grown past where it was before the store looked
    regrown.reloaded(at(8, 100))
    regrown.appended([97, 140], [frozenset({"a"}), frozenset({"b"})], 180)
    regrown.reloaded(at(8, 230))
    assert regrown.since(shown) is None
    regrown.appended([230], [frozenset({"d"})], 260)
    assert regrown.since(at(8, 230)) == {"d"}


def test_a_correction_put_and_removed_in_one_catch_up_is_charged_to_its_article() -> None:
    b1 = {"article_id": "x", "start": 3}
    put = {"put": {BOUNDARIES: {"b1": b1}}}
    removed = {"del": {BOUNDARIES: ["b1"]}}
    assert changed_articles([put, removed], {}) == [{"x"}, {"x"}]
    table = {"b1": b1}
    # Removed, then put again for another article, then removed: each charged to its own.
    moved = {"put": {BOUNDARIES: {"b1": {"article_id": "y", "start": 1}}}}
    assert changed_articles([removed, moved, removed], table) == [{"x"}, {"y"}, {"y"}]
    assert table == {"b1": b1}  # the caller's table is not changed


def test_entry_offsets_are_the_keys_of_the_lines_read_or_the_end_when_they_do_not_match() -> None:
    data = b'{"changes":{\n"12":{"ann":{}},\n"28":{"put":{}}\n}}'
    assert data.index(b",") == 28
    assert entry_offsets(data, 12, len(data) - 3, 2) == [12, 28]
    assert entry_offsets(data, 12, len(data) - 3, 3) == [len(data) - 3] * 3


def test_a_position_from_before_compactions_that_gave_the_journal_its_inode_again_is_unknown(
    tmp_path: Path,
) -> None:
    """Store level: each compaction swaps in a new journal; once one has the inode number the
    reader's old journal had, the old position is still not of these files."""
    first = from_text("One short line. A second one. And a third to end it.")
    second = from_text("Another text here. With two sentences.")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as ana, Store.open(db, "bo") as bo:
        ana.attach(first)
        ana.attach(second)
        ana.tag(first, 0, 0, "fact")
        with Store.open(db, "ana", create=False) as handle:
            handle.refresh()
            old = handle.journal_position()
            for k in range(16):
                bo.tag(second, k % 2, k % 2, "speculation")
                bo._db.file.compact()
                if journal_path(db).stat().st_ino == old.journal:
                    break
            handle.refresh()
            bo.tag(first, 1, 1, "speculation")  # FIRST changes just after the compactions
            for k in range(6):
                bo.tag(second, k % 2, k % 2, ("fact", "speculation")[k % 2])
            handle.refresh()
            assert handle.changed_since(old) is None  # not {SECOND}
            assert handle.changed_since(handle.journal_position()) == frozenset()


def test_a_position_past_a_journal_cut_back_in_place_is_unknown(tmp_path: Path) -> None:
    """Store level: an entry the handle read is cut off the journal in place (as a failed
    fdatasync's put-back leaves it, same inode): the reader showed a tag never saved, so its
    position is not known, even once the journal grew past it again."""
    first = from_text("One short line. A second one. And a third to end it.")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as ana, Store.open(db, "bo") as bo:
        ana.attach(first)
        ana.tag(first, 0, 0, "fact")
        journal = journal_path(db)
        before, mark_before = journal.read_bytes(), mark_path(db).read_bytes()
        with Store.open(db, "ana", create=False) as handle:
            handle.refresh()
            bo.tag(first, 1, 1, "speculation")
            handle.refresh()
            shown = handle.journal_position()
            assert [a.tag for a in handle.annotations(first.id) if a.annotator == "bo"]
            inode = journal.stat().st_ino
            with journal.open("r+b") as f:
                f.truncate(0)
                f.write(before)
            mark_path(db).write_bytes(mark_before)
            assert journal.stat().st_ino == inode
            handle.refresh()
            assert not [a for a in handle.annotations(first.id) if a.annotator == "bo"]
            assert handle.changed_since(shown) is None  # not frozenset()
            ana.tag(first, 2, 2, "fact")  # the journal grows past the old end again
            ana.tag(first, 1, 1, "fact")
            handle.refresh()
            assert handle.changed_since(shown) is None


def test_a_split_undone_in_the_same_catch_up_is_charged_to_its_article(tmp_path: Path) -> None:
    """Another window splits a sentence and undoes it; the handle catches up with both at
    once: a position taken between them (the writer's, as the article was opened) sees the
    article changed."""
    art = from_text("One short line and more of it. A second one. And a third to end it.")
    db = tmp_path / "annotations.json"
    with Store.open(db, "ana") as ana, Store.open(db, "bo") as bo:
        ana.attach(art)
        with Store.open(db, "ana", create=False) as handle:
            handle.refresh()
            bo.split_sentence(art, 0, art.body.index("and more"))
            ana.refresh()  # the writer catches up with the split as the article opens
            between = ana.journal_position()
            assert bo.undo() is not None
            handle.refresh()
            assert handle.changed_since(between) == {art.id}

"""A damaged journal and a failed append: damage with entries after it is refused (never written
over), a torn tail is still dropped, and an append that fails (disk full, I/O error) is cut off
the journal before "rolled back" is reported."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.dbformat.journal import JOURNAL_HEAD, JOURNAL_TAIL, JournalProblem, journal_entries
from tuireader.store import Store, StoreError, StoreWriteError

TEXT = (
    "Title here\n\nThe mayor said the bridge will close. Engineers found cracks last month. "
    "The council met on Monday. Nobody knows when it reopens."
)
TAGS = ("fact", "speculation", "fact", "expert_opinion")


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


def journal(*entries: dict[str, Any]) -> bytes:
    """A journal as the storage appends it: each entry on its own line, keyed by its offset."""
    data = JOURNAL_HEAD
    for entry in entries:
        end = len(data)
        data += (b",\n" if end > len(JOURNAL_HEAD) else b"\n") + b'"%d":' % end
        data += orjson.dumps(entry)
    return data + JOURNAL_TAIL


ENTRIES = [{"put": {"articles": {f"a{i}": {"id": f"a{i}", "n": i}}}} for i in range(4)]


def second_entry(data: bytes) -> int:
    """The offset of the second entry's lead (``,\\n``)."""
    return data.index(b',\n"')


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda d, at: d[: at + 2] + b"#" + d[at + 3 :], "its entry 2 \\(at byte {at}\\) cannot"),
        (
            lambda d, at: d[: at + 9] + b"\x00" + d[at + 10 :],
            "its entry 2 \\(at byte {at}\\) cannot",
        ),
        # The lead before the second entry (its line break, its comma): the entry is named, not
        # the whole one before it, and every entry still reads (``repair`` keeps them all).
        (
            lambda d, at: d[: at + 1] + b"#" + d[at + 2 :],
            "before its entry 2 \\(at byte {at}\\) are",
        ),
        (lambda d, at: d[:at] + b"#" + d[at + 1 :], "before its entry 2 \\(at byte {at}\\) are"),
    ],
    ids=["key", "body", "newline", "comma"],
)
def test_a_damaged_entry_with_entries_after_it_is_refused(damage: Any, problem: str) -> None:
    whole = journal(*ENTRIES)
    at = second_entry(whole)
    with pytest.raises(JournalProblem, match=problem.format(at=at)):
        journal_entries(damage(whole, at))


def test_a_damaged_last_entry_with_the_closing_brackets_after_it_is_refused() -> None:
    # The append writes the entry and the closing brackets together and returns once both are
    # on disk: intact brackets after an unreadable last entry mean it was saved, then damaged.
    whole = journal(*ENTRIES)
    last = whole.rindex(b',\n"')
    brace = whole.index(b":{", last) + 1
    for damaged in (
        whole[:brace] + b"#" + whole[brace + 1 :],  # a byte of its body
        whole[: last + 1] + b" " + whole[last + 2 :],  # its line break: lines merged
        whole[:last] + b"#" + whole[last + 1 :],  # its lead's comma
        whole[: last + 20] + JOURNAL_TAIL,  # a stretch of it gone
    ):
        with pytest.raises(JournalProblem, match=r"(damaged journal|not one).*tuireader repair"):
            journal_entries(damaged)


def test_a_torn_last_entry_is_dropped_whatever_follows_it() -> None:
    whole = journal(*ENTRIES)
    last = whole.rindex(b',\n"')
    kept = journal(*ENTRIES[:-1])
    end = len(kept) - len(JOURNAL_TAIL)
    piece = whole[last:]
    # A write torn half way, with nothing after it, or zeros (the size grown, the blocks not
    # written), or a partial start of another entry line; or its closing brackets landed and
    # a block before them did not (zeros, or the old closing brackets where it began).
    for torn in (
        *(whole[: last + 20] + tail for tail in (b"", b"\x00" * 700, b'\n"9', b'\n"12', b"\n}")),
        whole[: last + 20] + b"\x00" * 40 + whole[last + 60 :],
        kept + b"\x00" * (len(piece) - 6) + JOURNAL_TAIL,
        kept + b"\x00" * 30 + piece[33:],
    ):
        assert journal_entries(torn) == (ENTRIES[:-1], end), torn[end:]


def test_the_offset_key_inside_a_damaged_entry_is_not_taken_for_a_later_entry() -> None:
    # The damaged entry's own key (its offset) is no later entry.
    whole = journal(*ENTRIES[:2])
    at = second_entry(whole)
    damaged = whole[: at + 12] + b"#" + whole[at + 13 :]
    assert journal_entries(damaged[: -len(JOURNAL_TAIL)])[0] == ENTRIES[:1]
    with pytest.raises(JournalProblem, match=rf"its last entry 2 \(at byte {at}\) cannot be read"):
        journal_entries(damaged)


def tagged_db(tmp_path: Path, article: Article) -> Path:
    """A database whose journal holds four entries (nothing compacted)."""
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        for i, tag in enumerate(TAGS):
            store.tag(article, i, i, tag)
    assert len(journal_entries(storage.journal_path(db).read_bytes())[0]) >= 4
    return db


def damage_first_entry(db: Path) -> bytes:
    """Corrupt one byte of the journal's first entry (as the tester did); the bytes after."""
    path = storage.journal_path(db)
    data = bytearray(path.read_bytes())
    at = data.index(b'":{"')
    data[at + 1] = ord("#")
    path.write_bytes(bytes(data))
    return bytes(data)


def test_commands_refuse_a_damaged_journal_in_one_line_and_never_write_over_it(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tagged_db(tmp_path, article)
    exported = tmp_path / "out.json"
    assert main(["export", "--db", str(db), "-o", str(exported)]) == 0
    with Store.open(db, "alice") as store:  # a compaction: the main file gets a .bak
        store.compact()
        store.tag(article, 0, 0, "speculation")
        store.tag(article, 1, 1, "fact")
    capsys.readouterr()
    damaged = damage_first_entry(db)
    for argv in (
        ["stats", "--db", str(db)],
        ["export", "--db", str(db), "-o", str(tmp_path / "again.json")],
        ["import", str(exported), "--db", str(db)],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"{db}: has a damaged journal: its entry 1 (at byte 12) cannot be read" in err
        assert "repair --dry-run --db" in err and "`tuireader repair --db` keeps" in err
        # The .bak is an older main file: no help for a damaged journal, so not offered.
        assert ".bak" not in err
    assert storage.journal_path(db).read_bytes() == damaged
    assert not (tmp_path / "again.json").exists()
    with pytest.raises(StoreError, match="damaged journal"):
        Store.open(db, "alice")


def test_a_journal_damaged_while_a_store_is_open_refuses_its_next_write(
    tmp_path: Path, article: Article
) -> None:
    db = tagged_db(tmp_path, article)
    with Store.open(db, "bob") as store:
        damaged = damage_first_entry(db)
        with pytest.raises(StoreError, match="changed on disk by something else: has a damaged"):
            store.tag(article, 2, 2, "fact")
    assert storage.journal_path(db).read_bytes() == damaged


def test_a_torn_tail_still_opens_and_the_next_write_cuts_it_off(
    tmp_path: Path, article: Article
) -> None:
    db = tagged_db(tmp_path, article)
    path = storage.journal_path(db)
    whole = path.read_bytes()
    path.write_bytes(whole[: -len(JOURNAL_TAIL)] + b',\n"99999":{"put":{"art')
    with Store.open(db, "alice") as store:
        assert len(store.annotations()) == 4
        store.tag(article, 0, 0, "speculation")
    entries = orjson.loads(path.read_bytes())["changes"]  # valid JSON again
    assert len(entries) == len(journal_entries(whole)[0]) + 1


# -- a failed append ----------------------------------------------------------------------------


def fail_journal_writes(
    monkeypatch: pytest.MonkeyPatch, err: int, *, half: bool = True, truncate: bool = True
) -> None:
    """Journal appends write half their bytes, then fail with ``err`` (a disk filling up);
    ``truncate=False``: cutting them back fails too (an I/O error)."""
    real_pwrite, real_ftruncate = os.pwrite, os.ftruncate

    def journal_fd(fd: int) -> bool:
        return os.readlink(f"/proc/self/fd/{fd}").endswith(".journal")

    calls = []

    def pwrite(fd: int, data: Any, offset: int) -> int:
        # As the system call does: a short write first (what fitted), then the error.
        if journal_fd(fd) and len(data) > len(JOURNAL_TAIL):
            calls.append(offset)
            if half and len(calls) == 1 and len(data) > 20:
                return real_pwrite(fd, bytes(data[: len(data) // 2]), offset)
            raise OSError(err, os.strerror(err))
        return real_pwrite(fd, data, offset)

    def ftruncate(fd: int, length: int) -> None:
        if not truncate and journal_fd(fd):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_ftruncate(fd, length)

    monkeypatch.setattr(storage.os, "pwrite", pwrite)
    monkeypatch.setattr(storage.os, "ftruncate", ftruncate)


@pytest.mark.parametrize(("err", "reason"), [(errno.ENOSPC, "disk full"), (errno.EIO, "error")])
def test_a_failed_append_is_cut_off_before_rolled_back_is_reported(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch, err: int, reason: str
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        path = storage.journal_path(db)
        before = path.read_bytes()
        with monkeypatch.context() as m:
            fail_journal_writes(m, err)
            with pytest.raises(StoreWriteError, match=f"not saved \\(.*{reason}.*\\); the change"):
                store.set_note(store.annotations()[0].id, "n" * 6000)
        assert path.read_bytes() == before  # byte for byte: valid JSON, as promised
        orjson.loads(path.read_bytes())
        store.tag(article, 1, 1, "speculation")  # works again once the disk does
    with Store.open(db, "bob") as again:
        assert [a.note for a in again.annotations()] == ["", ""]


def test_a_failed_first_append_leaves_no_half_journal(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "d.json"
    Store.open(db, "alice").close()
    path = storage.journal_path(db)
    path.unlink(missing_ok=True)
    with Store.open(db, "alice") as store:
        with monkeypatch.context() as m:
            fail_journal_writes(m, errno.ENOSPC)
            with pytest.raises(StoreWriteError, match="rolled back and the file is as it was"):
                store.tag(article, 0, 0, "fact")
        assert path.read_bytes() == b""  # a journal with nothing in it
        store.tag(article, 0, 0, "fact")
    with Store.open(db, "bob") as again:
        assert len(again.annotations()) == 1


def test_when_the_failed_append_cannot_be_cut_off_the_message_says_so(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        path = storage.journal_path(db)
        before = path.read_bytes()
        with monkeypatch.context() as m:
            fail_journal_writes(m, errno.ENOSPC, truncate=False)
            with pytest.raises(StoreWriteError) as caught:
                store.tag(article, 1, 1, "fact")
        message = str(caught.value)
        assert "not saved (disk full)" in message and "file is as it was" not in message
        assert "the journal could not be put back as it was" in message
        assert path.read_bytes() != before  # truthful: it is torn...
        with Store.open(db, "bob") as other:  # ...but read as it was, the torn entry skipped
            assert len(other.annotations()) == 1
        store.tag(article, 2, 2, "fact")  # and cut off by the next append
        orjson.loads(path.read_bytes())
    with Store.open(db, "bob") as again:
        assert len(again.annotations()) == 2


def test_a_saved_last_entry_damaged_later_is_never_dropped_by_the_next_write(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tagged_db(tmp_path, article)
    path = storage.journal_path(db)
    data = bytearray(path.read_bytes())
    data[data.rindex(b'"fact"')] = ord("#")  # a byte of the last entry, closing brackets intact
    path.write_bytes(bytes(data))
    exported = tmp_path / "out.json"
    assert main(["export", "--db", str(db), "-o", str(exported)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "though it was saved" in err and "tuireader repair" in err
    with pytest.raises(StoreError, match="damaged journal"), Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "speculation")
    assert path.read_bytes() == bytes(data)

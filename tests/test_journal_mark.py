"""The journal's mark (``PATH.journal.mark``) as evidence of a cut: only about journal bytes read
after it was written. Another process appending while a database is opened, refreshed or
planned for repair, or a copy of a database in use, is never taken for a cut; a mark of any
size fits its record; a mark that cannot be removed does not stall compaction; a missing shard
is refused even when another process appended meanwhile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.dbformat.journal import EMPTY_JOURNAL
from tuireader.dbformat.journal_mark import WIDTH, Mark, mark_path, read_mark, write_mark
from tuireader.store import Store, StoreError
from tuireader.store.files import MissingShardsError

TEXT = "Harbour news\n\n" + " ".join(
    f"Line {i} of the harbour notice says the ferry runs." for i in range(160)
)
TAGS = ("fact", "speculation", "expert_opinion")

APPENDER = """
import sys, time
from pathlib import Path
from tuireader.articles import from_text
from tuireader.store import Store
article = from_text(sys.argv[2])
stop = time.monotonic() + float(sys.argv[3])
tags = ("fact", "speculation", "expert_opinion")
with Store.open(Path(sys.argv[1]), "appender") as store:
    print("ready", flush=True)
    i = 0
    while time.monotonic() < stop:
        store.tag(article, i % 150, i % 150, tags[i % 3])
        i += 1
        if i % 25 == 0:  # the only writer: a new main file and journal now and then
            store._db.file.compact()
print(i, flush=True)
"""


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


def seeded(db: Path, article: Article, n: int = 150) -> Path:
    with Store.open(db, "seed") as store:
        store.tag_many(article, [(i, i, TAGS[i % 3]) for i in range(n)], "all")
        store._db.file.compact()  # in the shards and the index; the journal starts empty
    return db


def appender(db: Path, article: Article, seconds: float) -> subprocess.Popen[str]:
    """Another process tagging ``db`` in a loop for ``seconds`` (started once it has opened)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(db), TEXT, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def finished(proc: subprocess.Popen[str]) -> int:
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    return int(out.split()[-1])


def test_opening_and_refreshing_while_another_process_appends_refuses_nothing(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded(tmp_path / "d.json", article)
    proc = appender(db, article, 4.0)
    refusals: list[str] = []
    opens = dry_runs = 0
    try:
        with Store.open(db, "reader", create=False) as watcher:
            while proc.poll() is None:
                try:
                    with Store.open(db, "reader", create=False):
                        opens += 1
                    watcher.refresh()
                except StoreError as exc:
                    refusals.append(str(exc))
                if opens % 10 == 0:
                    dry_runs += 1
                    main(["repair", "--dry-run", "--db", str(db)])  # 2: nothing to repair
                    said = capsys.readouterr()
                    if "nothing to repair" not in said.err:
                        refusals.append(said.out + said.err)
    finally:
        appended = finished(proc)
    assert appended > 20 and opens > 20 and dry_runs > 2
    assert refusals == []


def test_a_copy_of_a_database_in_use_taken_before_its_mark_is_not_a_cut(
    tmp_path: Path, article: Article
) -> None:
    db = seeded(tmp_path / "a" / "d.json", article, 3)
    with Store.open(db, "alice") as store:
        store.tag(article, 3, 3, "fact")
        copy = tmp_path / "b" / "d.json"
        copy.parent.mkdir()
        # cp -a / rsync -a: the files in name order, their times kept; the journal is copied,
        # then the database is tagged again, then the mark is copied.
        shutil.copy2(db, copy)
        shutil.copytree(storage.shard_folder(db), storage.shard_folder(copy))
        shutil.copy2(storage.journal_path(db), storage.journal_path(copy))
        time.sleep(0.02)  # past a coarse timestamp tick
        store.tag(article, 4, 4, "speculation")
        shutil.copy2(mark_path(db), mark_path(copy))
    mark = read_mark(copy)
    assert mark is not None and mark.committed > storage.journal_path(copy).stat().st_size
    with Store.open(copy, "bob", create=False) as opened:
        assert len(opened.annotations()) == 4
    assert main(["stats", "--db", str(copy)]) == 0
    assert main(["repair", "--dry-run", "--db", str(copy)]) == 2  # nothing to repair


def test_main_file_and_journal_restored_with_their_times_read_as_the_older_state(
    tmp_path: Path, article: Article
) -> None:
    db = seeded(tmp_path / "d.json", article, 3)
    backup = tmp_path / "backup"
    backup.mkdir()
    for path in (db, storage.journal_path(db)):  # cp -p, without the mark
        shutil.copy2(path, backup / path.name)
    time.sleep(0.02)
    with Store.open(db, "alice") as store:
        store.tag(article, 3, 3, "fact")
    for path in (db, storage.journal_path(db)):
        shutil.copy2(backup / path.name, path)
    with Store.open(db, "bob", create=False) as opened:
        assert len(opened.annotations()) == 3


def test_a_journal_put_back_alone_from_an_older_copy_is_refused_naming_the_way_out(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded(tmp_path / "d.json", article, 3)
    journal = storage.journal_path(db)
    older = journal.read_bytes()
    with Store.open(db, "alice") as store:
        store.tag(article, 3, 3, "fact")
    journal.write_bytes(older)  # a plain cp: the journal's time is now, after the mark's
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has a cut journal" in err
    assert "cut short, or put back from an older copy without its mark" in err
    assert f"delete {journal.name}.mark" in err and "no crash" not in err
    mark_path(db).unlink()  # the restore was meant
    with Store.open(db, "bob", create=False) as opened:
        assert len(opened.annotations()) == 3


def test_the_largest_mark_fits_its_width_and_reads_back(tmp_path: Path) -> None:
    db = tmp_path / "d.json"
    big = 2**63 - 1
    for mark in (
        Mark(big, big, big, big),
        Mark(big, big, -(2**63), -(2**63)),  # times before 1970
        Mark(0, 0, 0, 0),
    ):
        record = mark.encode()
        assert len(record) == WIDTH and Mark.decode(record) == mark
        write_mark(db, mark)
        assert len(mark_path(db).read_bytes()) == WIDTH
        assert read_mark(db) == mark
    with pytest.raises(ValueError):
        Mark(2**63, 0, 0, 0).encode()
    write_mark(db, Mark(2**64, 0, 0, 0))  # never raises; the last mark stays
    assert read_mark(db) == Mark(0, 0, 0, 0)
    mark_path(db).write_bytes(Mark(1, 2, 3, 4).encode() + b"more")  # not only padding after
    assert read_mark(db) is None


def test_a_journal_over_a_megabyte_cut_in_half_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.json"
    texts = [
        from_text(
            f"Notice {k}\n\n" + " ".join(f"Item {i} of notice {k} is read." for i in range(200))
        )
        for k in range(30)
    ]
    with Store.open(db, "alice") as store:
        store._db.file.defer_compaction = True  # as the reader does: the journal grows past 1 MB
        for round_ in range(2):
            for text in texts:
                store.tag_many(text, [(i, i, TAGS[(i + round_) % 3]) for i in range(200)], "all")
            if round_ == 0:
                store._db.file.compact()  # an index of 30 articles in the main file
    journal = storage.journal_path(db)
    data = journal.read_bytes()
    assert len(data) > 1 << 20 and db.stat().st_size > 2_000
    mark = read_mark(db)
    assert mark is not None and mark.committed == len(data)
    journal.write_bytes(data[: len(data) // 2])
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "has a cut journal" in err and f"of the {len(data)} saved to it" in err


@pytest.mark.parametrize("kind", ["folder", "symlink"])
def test_a_mark_that_is_no_file_neither_stalls_compaction_nor_is_read(
    tmp_path: Path, article: Article, kind: str
) -> None:
    db = seeded(tmp_path / "d.json", article, 3)
    if kind == "folder":
        mark_path(db).mkdir()
    else:
        os.symlink(tmp_path / "elsewhere", mark_path(db))
    with Store.open(db, "alice") as store:
        store.tag(article, 3, 3, "fact")
        file = store._db.file
        file.compact()
        assert storage.journal_path(db).read_bytes() == EMPTY_JOURNAL
        assert file.stuck_mark is not None and "never read as one" in file.stuck_mark
        first = file.stuck_mark
        store.tag(article, 4, 4, "fact")
        main_before = db.stat().st_mtime_ns
        store.tag(article, 5, 5, "fact")
        assert db.stat().st_mtime_ns == main_before  # appended, not compacted again
        file.compact()
        assert file.stuck_mark is first  # said once
    assert not (tmp_path / "elsewhere").exists()
    with Store.open(db, "bob", create=False) as opened:
        assert len(opened.annotations()) == 6


def test_a_missing_shard_is_refused_when_another_process_appended_meanwhile(
    tmp_path: Path, article: Article
) -> None:
    other = from_text("Other news\n\nThe bridge opened. It may close again.")
    db = seeded(tmp_path / "d.json", article, 10)
    with Store.open(db, "seed") as store:
        store.tag(other, 0, 0, "fact")
        store._db.file.compact()
    with Store.open(db, "bob", create=False) as bob:
        with Store.open(db, "carol") as carol:  # the stamp bob holds is out of date now
            carol.tag(other, 1, 1, "speculation")
        os.unlink(storage.shard_path(db, article.id))
        with pytest.raises(MissingShardsError, match="is missing"):
            bob.stored_records(article.id)
        # Another process removing an article's last annotations (its shard goes with them at
        # the compaction) loses nothing: not refused.
        with Store.open(db, "seed") as store:
            store.clear(other, 0, 1)
        with Store.open(db, "carol") as carol:
            carol.clear(other, 0, 1)
            carol._db.file.compact()
        assert not storage.shard_path(db, other.id).exists()
        assert bob.stored_records(other.id) == {}


RAW_APPENDER = """
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
stop = time.monotonic() + float(sys.argv[2])
end, i = 1, 0
print("ready", flush=True)
while time.monotonic() < stop:
    piece = b"%08d," % i
    os.pwrite(fd, piece + b"]", end)  # over the closing bracket, as a journal append does
    end += len(piece)
    i += 1
    time.sleep(0.00005)
print(i, flush=True)
"""


def test_a_file_read_while_it_is_appended_to_reads_as_one_of_its_versions(tmp_path: Path) -> None:
    path = tmp_path / "grows"
    path.write_bytes(b"[]")
    proc = subprocess.Popen(
        [sys.executable, "-c", RAW_APPENDER, str(path), "2.5"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    joined = reads = 0
    try:
        while proc.poll() is None:
            data = storage.read_regular(path)
            assert data is not None
            reads += 1
            # The kernel may show an append half-copied at the very end (the closing bracket
            # already overwritten, the size not yet grown): a torn tail, which the store reads
            # as never saved. What must never happen is old bytes after new ones (a read in
            # pieces joined across an append): every whole piece is the next number.
            pieces = data[1:].split(b",")[:-1]
            if pieces != [b"%08d" % i for i in range(len(pieces))]:
                joined += 1
    finally:
        appended = finished(proc)
    assert appended > 1000 and reads > 1000
    assert joined == 0


def test_an_immutable_mark_neither_stalls_compaction_nor_refuses_the_new_journal(
    tmp_path: Path, article: Article
) -> None:
    db = seeded(tmp_path / "d.json", article, 3)
    with Store.open(db, "alice") as store:
        store.tag(article, 3, 3, "fact")
    if shutil.which("chattr") is None:
        pytest.skip("no chattr")
    made = subprocess.run(["chattr", "+i", str(mark_path(db))], capture_output=True)
    if made.returncode != 0:
        pytest.skip("chattr +i needs root and a file system that has it")
    try:
        with Store.open(db, "alice") as store:
            store.tag(article, 4, 4, "fact")  # the mark is not rewritten: it lags
            file = store._db.file
            file.compact()
            assert storage.journal_path(db).read_bytes() == EMPTY_JOURNAL
            assert file.stuck_mark is not None and "cannot be removed" in file.stuck_mark
            store.tag(article, 5, 5, "fact")
        with Store.open(db, "bob", create=False) as opened:
            assert len(opened.annotations()) == 6
    finally:
        subprocess.run(["chattr", "-i", str(mark_path(db))], check=False)

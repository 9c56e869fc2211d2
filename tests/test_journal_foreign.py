"""A journal that is no journal at all (another file saved over it: ``{}``, random bytes,
another database's export; or a folder, a FIFO, a symbolic link) is refused at open in one
line naming ``repair --dry-run``; ``repair`` keeps it aside (never reading a FIFO nor following
a link) and opens the database without it, as of its last compaction, saying what that means."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.store import Store

TEXT = (
    "A headline\n\nThe ferry left at noon. Officials expect delays all week. The pier was "
    "rebuilt in spring. Experts think the tide tables are wrong. Nobody was hurt."
)


def compacted(tmp_path: Path) -> tuple[Path, Article]:
    """alice's 3 and bob's 2 tags in shards, then carol's 1 in the journal."""
    db = tmp_path / "x.json"
    article = from_text(TEXT)
    for name, n in (("alice", 3), ("bob", 2)):
        with Store.open(db, name) as store:
            for i in range(n):
                store.tag(article, i, i, "fact")
    with Store.open(db, "alice") as store:
        store._db.file.compact()
    with Store.open(db, "carol") as store:
        store.tag(article, 4, 4, "speculation")
    return db, article


def replace_journal(db: Path, how: str, other: Path) -> None:
    journal = storage.journal_path(db)
    journal.unlink()
    if how == "folder":
        journal.mkdir()
    elif how == "fifo":
        os.mkfifo(journal)
    elif how == "symlink":
        os.symlink(other.name, journal)  # another database's journal, beside it
    elif how == "export":
        assert main(["export", "--db", str(other), "-o", str(journal), "--force"]) == 0
    else:
        journal.write_bytes({"empty": b"{}", "random": os.urandom(5000)}[how])


def files(folder: Path) -> dict[str, bytes | str]:
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            found[str(path.relative_to(folder))] = "special"
        elif path.suffix not in (".lock", ".owner"):
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def tags_by(db: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with Store.open(db, "dave", create=False) as store:
        for ann in store.annotations(annotator=None):
            counts[ann.annotator] = counts.get(ann.annotator, 0) + 1
    return counts


@pytest.mark.parametrize("how", ["empty", "random", "export", "folder", "fifo", "symlink"])
def test_a_journal_that_is_none_is_refused_then_repaired_without_it(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = compacted(tmp_path / "db")
    other, _ = compacted(tmp_path / "other")
    if how == "symlink":
        other = storage.journal_path(db).with_name("elsewhere.journal")
        other.write_bytes(b'{"changes":{\n}}')
    replace_journal(db, how, other)
    before = files(db.parent)
    capsys.readouterr()

    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "journal" in err and "repair --dry-run" in err
    assert files(db.parent) == before

    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "would open the database without it, as of its last compaction" in out
    assert "5 annotations (alice 3, bob 2)" in out
    assert files(db.parent) == before  # nothing written

    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "repaired" in out and "opened the database without it" in out
    kept = [p for p in db.parent.iterdir() if ".journal.damaged-" in p.name]
    assert len(kept) == 1
    assert f"is kept as {kept[0]}" in out
    if how in ("folder", "fifo", "symlink"):  # moved as it is, never read or followed
        assert files(db.parent)[kept[0].name] == "special"
        if how == "symlink":
            assert os.readlink(kept[0]) == other.name
            assert other.read_bytes() == b'{"changes":{\n}}'
    else:
        assert kept[0].read_bytes() == before["x.json.journal"]
    assert tags_by(db) == {"alice": 3, "bob": 2}  # carol's tag was in the journal replaced
    assert main(["stats", "--db", str(db)]) == 0


def test_a_journal_that_is_none_beside_a_damaged_shard_repairs_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, article = compacted(tmp_path)
    storage.journal_path(db).write_bytes(b"{}")
    shard = storage.shard_path(db, article.id)
    shard.write_bytes(shard.read_bytes()[:-5])
    capsys.readouterr()
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "opened the database without it" in out and "the damaged shard is kept as" in out
    assert main(["stats", "--db", str(db)]) == 0


def test_an_older_journal_beside_the_main_file_is_still_nothing_to_repair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = compacted(tmp_path)
    storage.journal_path(db).write_bytes(storage.V2_JOURNAL_HEAD + b"\n}}")
    capsys.readouterr()
    assert main(["repair", "--dry-run", "--db", str(db)]) == 2
    assert "nothing to repair" in capsys.readouterr().err

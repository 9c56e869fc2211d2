"""``repair`` of a database whose journal is a folder, a FIFO or a symlink loop names the journal,
not the main file, and changes nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import from_text
from tuireader.cli import main
from tuireader.store import Store


def a_folder(path: Path) -> None:
    path.mkdir()


def a_fifo(path: Path) -> None:
    os.mkfifo(path)


def a_symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (a_folder, "is not a regular file"),
        (a_fifo, "is not a regular file"),
        (a_symlink_loop, "cannot be read (Too many levels of symbolic links)"),
    ],
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_repair_names_the_journal_that_is_no_regular_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], None],
    problem: str,
    dry_run: bool,
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.tag(from_text("Title\n\nOne thing happened. Another did."), 0, 0, "fact")
    journal = storage.journal_path(db)
    journal.unlink()
    make(journal)
    before = {p.name: p.lstat().st_mtime_ns for p in tmp_path.iterdir()}
    main_bytes = db.read_bytes()
    capsys.readouterr()
    assert main(["repair", "--db", str(db), *(["--dry-run"] if dry_run else [])]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"tuireader: {journal}: cannot repair: {problem}"
    assert "main file" not in err
    assert db.read_bytes() == main_bytes
    after = {p.name: p.lstat().st_mtime_ns for p in tmp_path.iterdir()}
    assert after.keys() == before.keys()
    assert after[db.name] == before[db.name]

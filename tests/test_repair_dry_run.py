"""``tuireader repair --dry-run``: a damaged database looked at without writing. It prints what
``repair`` would keep and drop (entries by number and bytes, the annotations of each annotator
the dropped ones changed) and leaves every byte of the folder as it was, also where nothing can
be written; ``repair`` then does exactly that. Every other command's refusal points at both."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.dbformat.journal import JOURNAL_HEAD, journal_entries
from tuireader.store import Store

TEXT = (
    "Tide report\n\nThe tide came in early. Some think it will flood the road. The road was "
    "closed at six. A hydrologist says the wall will hold. Boats stayed in."
)


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


def written(tmp_path: Path, article: Article) -> Path:
    """Entries 1-4 alice's (a tag, a range, a tag, its undo: a removal), 5-6 bob's tags."""
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.tag(article, 1, 2, "speculation")
        store.tag(article, 4, 4, "fact")
        store.undo()
    with Store.open(db, "bob") as store:
        store.tag(article, 0, 0, "expert_opinion")
        store.tag(article, 3, 3, "fact")
    assert len(journal_entries(storage.journal_path(db).read_bytes())[0]) == 6
    return db


def entry_starts(db: Path) -> list[int]:
    data = storage.journal_path(db).read_bytes()
    return [len(JOURNAL_HEAD), *(i for i in range(len(data)) if data[i : i + 3] == b',\n"')]


def damage(db: Path, at: int, byte: bytes = b"#") -> bytes:
    path = storage.journal_path(db)
    data = path.read_bytes()
    data = data[:at] + byte + data[at + 1 :]
    path.write_bytes(data)
    return data


def dry_run(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What ``repair --dry-run`` prints for ``db`` (it must succeed)."""
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    return capsys.readouterr().out


def folder(path: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under ``path``: its bytes, mode and modification time."""
    return {
        str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def test_dry_run_says_what_is_kept_and_dropped_per_annotator_and_repair_does_it(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = written(tmp_path, article)
    starts = entry_starts(db)
    damage(db, starts[3] + 30)  # alice's undo: a removal
    damage(db, starts[4] + 30)  # bob's first tag
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"its entry 4 (at byte {starts[3]}) cannot be read" in err
    assert "`tuireader repair --dry-run --db`" in err and "`tuireader repair --db` keeps" in err
    before = folder(tmp_path)
    out = dry_run(db, capsys).splitlines()
    assert folder(tmp_path) == before
    assert out == [
        f"{db}: would keep 4 of 6 journal entries (1-3, 6)",
        f"{db}: would drop entry 4 (bytes {starts[3]}-{starts[4]}): cannot be read: "
        "1 annotation change of alice (1 removed)",
        f"{db}: would drop entry 5 (bytes {starts[4]}-{starts[5]}): cannot be read: "
        "1 annotation change of bob (1 set)",
        f"{db}: dry run, nothing was written; `tuireader repair --db` on this database writes "
        "it (the damaged journal and the old main file are kept beside it)",
    ]
    assert main(["repair", "--db", str(db)]) == 0
    done = capsys.readouterr().out.splitlines()
    assert done[0] == f"{db}: repaired"
    assert done[1:-1] == [line.replace("would ", "") for line in out[:-1]] or done[1:-1] == [
        line.replace("would keep", "kept").replace("would drop", "dropped") for line in out[:-1]
    ]
    with Store.open(db, "carol", create=False) as store:
        tags = sorted((a.annotator, a.tag, a.start) for a in store.annotations())
    # alice's undone tag is back (its removal was lost); bob's first tag is lost.
    assert [t[:2] for t in tags] == [
        ("alice", "fact"),
        ("alice", "fact"),
        ("alice", "speculation"),
        ("bob", "fact"),
    ]


def test_a_damaged_line_break_between_two_entries_keeps_both(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = written(tmp_path, article)
    whole = storage.load_tables(db)
    starts = entry_starts(db)
    for at in (starts[2], starts[2] + 1):  # the comma, then the line break before entry 3
        damage(db, at, b" ")
        assert main(["export", "--db", str(db), "-o", str(tmp_path / "x.json")]) == 2
        err = capsys.readouterr().err
        assert f"the bytes before its entry 3 (at byte {starts[2]}) are damaged" in err
        damage(db, at, b",\n"[at - starts[2] : at - starts[2] + 1])
    damage(db, starts[2] + 1, b" ")
    out = dry_run(db, capsys)
    assert "would keep 6 of 6 journal entries (1-6)" in out and "would drop" not in out
    assert "would keep entry 3 (bytes" in out and "line break before it was damaged" in out
    assert main(["repair", "--db", str(db)]) == 0
    again = storage.load_tables(db)
    assert again["annotations"] == whole["annotations"]


def test_dry_run_writes_nothing_where_nothing_can_be_written(
    tmp_path: Path,
    article: Article,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = written(tmp_path, article)
    damage(db, entry_starts(db)[1] + 40)
    before = folder(tmp_path)
    real_open = os.open
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        # Root writes whatever the modes say: every write below tmp_path refused as EROFS.
        if flags & writes and tmp_path in Path(os.fsdecode(path)).parents:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    modes = {p: p.stat().st_mode for p in tmp_path.rglob("*")}
    for p in modes:
        p.chmod(0o555 if p.is_dir() else 0o444)
    tmp_path.chmod(0o555)
    try:
        assert main(["repair", "--dry-run", "--db", str(db)]) == 0
        assert main(["repair", "--db", str(db)]) == 2  # the repair itself cannot be done here
    finally:
        tmp_path.chmod(0o755)
        for p, mode in modes.items():
            p.chmod(mode)
    captured = capsys.readouterr()
    assert "would keep 5 of 6 journal entries (1, 3-6)" in captured.out
    assert captured.err.count("\n") == 1 and "nothing was changed" in captured.err
    assert folder(tmp_path) == before


def test_dry_run_of_a_sound_database_is_nothing_to_repair(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = written(tmp_path, article)
    before = folder(tmp_path)
    assert main(["repair", "--dry-run", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to repair" in err
    assert folder(tmp_path) == before


@pytest.mark.parametrize("damaged", [b'{"chbnges":{', b'{"changes"{', b'{"changes"::{'])
def test_a_damaged_head_is_refused_and_repair_keeps_every_entry(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str], damaged: bytes
) -> None:
    db = written(tmp_path, article)
    whole = storage.load_tables(db)
    path = storage.journal_path(db)
    path.write_bytes(damaged + path.read_bytes()[len(JOURNAL_HEAD) :])
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "its head (bytes 0-11) is damaged" in err
    assert "repair --dry-run" in err
    out = dry_run(db, capsys)
    assert "would keep 6 of 6 journal entries (1-6)" in out and "its head (bytes 0-11)" in out
    assert main(["repair", "--db", str(db)]) == 0
    assert storage.load_tables(db)["annotations"] == whole["annotations"]


def test_dry_run_tells_a_name_spelt_by_the_damage_and_a_change_written_again(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = written(tmp_path, article)
    starts = entry_starts(db)
    data = storage.journal_path(db).read_bytes()
    damage(db, data.index(b'"annotator":"bob"', starts[4]) + len('"annotator":"b'), b"p")
    damage(db, starts[2] + 30)  # alice's third tag: the undo after it removes it again
    out = dry_run(db, capsys)
    assert (
        f"would drop entry 3 (bytes {starts[2]}-{starts[3]}): cannot be read: nothing of it is "
        "lost: a later entry kept writes 1 annotation change of it again"
    ) in out
    assert (
        "1 annotation change of bpb (as the damaged bytes spell it: no other annotation is "
        "by that name) (1 set)"
    ) in out


def test_a_whole_entry_cut_out_is_refused_and_repair_says_how_much_was_lost(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = written(tmp_path, article)
    starts = entry_starts(db)
    path = storage.journal_path(db)
    data = path.read_bytes()
    path.write_bytes(data[: starts[2]] + data[starts[3] :])  # entry 3 gone, every byte of it
    lost = starts[3] - starts[2]
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{lost:,} bytes lost before its entry 3 (at byte {starts[2]}), written at byte {starts[3]}"
    ) in err
    out = dry_run(db, capsys)
    assert "would keep 5 of 5 journal entries (1-5)" in out
    assert (
        f"would keep entry 3 (bytes {starts[2]}-{starts[2] + starts[4] - starts[3]}): it was "
        f"written at byte "
        f"{starts[3]}, so {lost:,} bytes before it were lost"
    ) in out


def test_dry_run_names_the_small_tables_a_dropped_entry_changed(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.tag(article, 0, 0, "fact")
        store.set_done(article.id, True)  # entry 2: the done table
        store.tag(article, 1, 1, "fact")
    starts = entry_starts(db)
    damage(db, starts[1] + 12)
    out = dry_run(db, capsys)
    assert (
        f"would drop entry 2 (bytes {starts[1]}-{starts[2]}): cannot be read: changes to the "
        "done table"
    ) in out


def test_a_damaged_last_entry_is_reported_dropped_not_kept(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ten bytes cut from inside the last entry: it is the one dropped, all of its bytes."""
    db = written(tmp_path, article)
    path = storage.journal_path(db)
    data = path.read_bytes()
    last = entry_starts(db)[-1]
    path.write_bytes(data[: last + 30] + data[last + 40 :])
    end = len(data) - 10 - 3  # before the closing brackets
    for argv, keep, drop in (
        (["--dry-run"], "would keep", "would drop"),
        ([], "kept", "dropped"),
    ):
        capsys.readouterr()
        assert main(["repair", "--db", str(db), *argv]) == 0
        out = capsys.readouterr().out
        assert f"{keep} 5 of 6 journal entries (1-5)" in out
        assert f"{drop} entry 6 (bytes {last}-{end})" in out, out
        assert "dropped 0" not in out

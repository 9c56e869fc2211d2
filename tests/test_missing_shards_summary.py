"""``repair`` on a database whose shard folder is gone names the first ``MISSING_SHOWN`` missing
shard files one line each, then one summary line: how many, the annotations per annotator the
index loses with them, and how to list every one (``--list-missing``), for ``--dry-run`` and
``--drop-missing`` alike (at 500k it printed 12,500 lines)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import from_text
from tuireader.cli import main
from tuireader.cli.repair_plan import MISSING_SHOWN
from tuireader.store import Store

STORIES = MISSING_SHOWN + 4


def story(k: int) -> str:
    return f"Tram report {k}\n\nThe tram {k} ran late. It may run on time tomorrow. Riders waited."


def database(db: Path, stories: int = STORIES) -> list[str]:
    """alice tags every sentence of each story, bob the first one, all folded into shards:
    the shard file names, sorted."""
    articles = [from_text(story(k)) for k in range(stories)]
    with Store.open(db, "alice") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "fact") for i in range(len(a.sentences))], "all")
    with Store.open(db, "bob") as store:
        for a in articles:
            store.tag(a, 0, 0, "speculation")
        store._db.file.compact()
    return sorted(storage.shard_path(db, a.id).name for a in articles)


def missing_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if ") is missing: " in line]


def test_a_gone_shard_folder_is_summed_up_not_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    names = database(db)
    shutil.rmtree(storage.shard_folder(db))
    capsys.readouterr()
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    listed = missing_lines(out)
    assert len(listed) == MISSING_SHOWN
    assert [n for n in names if any(f"/{n} " in line for line in listed)] == names[:MISSING_SHOWN]
    summary = [line for line in out.splitlines() if "shard files the index counts" in line]
    assert len(summary) == 1, out
    assert (
        f"is gone: all {STORIES} shard files the index counts annotations in are missing"
        in (summary[0])
    )
    total = f"{STORIES * 3 + STORIES} annotations ({STORIES * 3} of alice, {STORIES} of bob)"
    assert f"would drop from the index in all: {total}" in summary[0]
    assert f"the first {MISSING_SHOWN} are listed above" in summary[0]
    assert "--dry-run --list-missing` lists every one" in summary[0]
    assert len(out.splitlines()) < MISSING_SHOWN + 6

    assert main(["repair", "--dry-run", "--list-missing", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert len(missing_lines(out)) == STORIES
    assert "are listed above" not in out and f"all {STORIES} shard files" in out

    assert main(["repair", "--drop-missing", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert len(missing_lines(out)) == MISSING_SHOWN
    assert all(": dropped from the index: " in line for line in missing_lines(out))
    assert f"dropped from the index in all: {total}" in out
    assert "(with --list-missing, every one is)" in out
    assert main(["stats", "--db", str(db)]) == 0


def test_a_few_missing_shards_are_each_named_with_their_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    names = database(db, stories=3)
    for name in names[:2]:
        (storage.shard_folder(db) / name).unlink()
    capsys.readouterr()
    assert main(["repair", "--drop-missing", "--list-missing", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert len(missing_lines(out)) == 2
    assert "2 shard files are missing; dropped from the index in all: 8 annotations" in out
    assert "listed above" not in out and "is gone" not in out
    with Store.open(db, "carol", create=False) as store:
        assert len(store.annotations()) == 4

"""A damaged shard (one article's annotation file): the commands refuse in one line naming it
and pointing at ``repair``; ``repair --dry-run`` says what it would do and writes nothing;
``repair`` keeps the shard aside, keeps every record still read whole, counts the article's
index again and says per annotator what was lost. A folder, FIFO or symlink loop in a shard's
place is moved aside; the same in the journal's place is named (not the main file) and
refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.dbformat.shard_salvage import salvage
from tuireader.store import Store
from tuireader.store.files import StoreError

HARBOUR = from_text(
    "Harbour fares\n\n"
    + " ".join(f"Sentence {i} says the ferry may cost more next spring." for i in range(8))
)
BRIDGE = from_text("Bridge works\n\nThe bridge shut at noon. Engineers say it will reopen.")


def written(tmp_path: Path) -> tuple[Path, Path]:
    """alice tagged sentences 0-5 of HARBOUR, bob 6-7, alice BRIDGE's first: folded into
    shards. The database and HARBOUR's shard."""
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        for i in range(6):
            store.tag(HARBOUR, i, i, "fact")
        store.tag(BRIDGE, 0, 0, "speculation")
    with Store.open(db, "bob") as store:
        store.tag(HARBOUR, 6, 6, "expert_opinion")
        store.tag(HARBOUR, 7, 7, "fact")
        store._db.file.compact()
    return db, storage.shard_path(db, HARBOUR.id)


def counts(db: Path, article: Article) -> dict[str, int]:
    with Store.open(db, "carol") as store:
        found: dict[str, int] = {}
        for a in store.annotations(article.id):
            found[a.annotator] = found.get(a.annotator, 0) + 1
        return found


def listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def damage_third_record(shard: Path) -> bytes:
    """One byte changed inside alice's third record (sentence 2's quote)."""
    data = bytearray(shard.read_bytes())
    at = data.index(b'"exact":"Sentence 2 says')
    data[at + 3] = ord('"')
    shard.write_bytes(bytes(data))
    return bytes(data)


def test_commands_refuse_naming_the_shard_and_repair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, shard = written(tmp_path)
    damage_third_record(shard)
    capsys.readouterr()
    for argv in (["stats"], ["export", "-f", "json", "-o", str(tmp_path / "o.json")]):
        assert main([*argv, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert str(shard) in err and f"`tuireader repair --db {db}`" in err


def test_dry_run_then_repair_keeps_every_whole_record_and_says_what_was_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, shard = written(tmp_path)
    damaged = damage_third_record(shard)
    before = listing(tmp_path)
    capsys.readouterr()
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert listing(tmp_path) == before
    assert "would keep 7 annotation records read whole; lost tag: 1 of alice" in out
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "kept 7 annotation records read whole; lost tag: 1 of alice" in out
    kept = [p for p in shard.parent.iterdir() if p.name.startswith(shard.name + ".damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert "the damaged shard is kept as " in out and kept[0].name in out
    assert counts(db, HARBOUR) == {"alice": 5, "bob": 2}
    assert counts(db, BRIDGE) == {"alice": 1}
    assert main(["stats", "--db", str(db), "--json"]) == 0
    assert '"fact":' in capsys.readouterr().out
    with Store.open(db, "alice") as store:  # the article is written to again
        store.tag(HARBOUR, 2, 2, "fact")
    assert counts(db, HARBOUR) == {"alice": 6, "bob": 2}
    assert main(["repair", "--db", str(db)]) == 2
    assert "nothing to repair" in capsys.readouterr().err


def test_a_torn_shard_keeps_the_records_before_the_tear(tmp_path: Path) -> None:
    db, shard = written(tmp_path)
    data = shard.read_bytes()
    cut = data.index(b'"exact":"Sentence 5 says')
    shard.write_bytes(data[:cut])
    got = salvage(data[:cut])
    assert len(got.records) == data[:cut].count(b'{"article_id":') - 1 == 5
    assert len(got.unread) == 1
    assert main(["repair", "--db", str(db)]) == 0
    assert counts(db, HARBOUR) == {"alice": 5}


def a_folder(path: Path) -> None:
    path.mkdir()


def a_fifo(path: Path) -> None:
    os.mkfifo(path)


def a_symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize("make", [a_folder, a_fifo, a_symlink_loop])
def test_a_shard_that_is_no_regular_file_is_moved_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None]
) -> None:
    db, shard = written(tmp_path)
    shard.unlink()
    make(shard)
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    assert "tuireader repair --db" in capsys.readouterr().err
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "lost tags: 6 of alice, 2 of bob" in out
    assert not os.path.lexists(shard)
    assert [p.name for p in shard.parent.iterdir() if ".damaged-" in p.name]
    assert counts(db, HARBOUR) == {}
    assert counts(db, BRIDGE) == {"alice": 1}


def test_a_damaged_shard_is_never_written_over_before_repair(tmp_path: Path) -> None:
    db, shard = written(tmp_path)
    damaged = damage_third_record(shard)
    with Store.open(db, "alice") as store:
        with pytest.raises(StoreError, match="tuireader repair"):
            store.tag(HARBOUR, 2, 2, "speculation")
        store.tag(BRIDGE, 1, 1, "fact")
        store._db.file.compact()
    assert shard.read_bytes() == damaged


@pytest.mark.parametrize(
    ("make", "kind"),
    [(a_folder, "a folder"), (a_fifo, "a FIFO"), (a_symlink_loop, "a symbolic link")],
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_repair_moves_aside_the_journal_that_is_no_regular_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], None],
    kind: str,
    dry_run: bool,
) -> None:
    # Before: "cannot repair: is not a regular file", exit 2, and no way forward named.
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.tag(from_text("Title\n\nOne thing happened. Another did."), 0, 0, "fact")
    journal = storage.journal_path(db)
    journal.unlink()
    make(journal)
    before = {p.name: p.lstat().st_mtime_ns for p in tmp_path.iterdir()}
    main_bytes = db.read_bytes()
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"its journal {journal.name} is {kind}, not a journal" in err
    assert err.count("\n") == 1 and "repair --dry-run" in err
    assert main(["repair", "--db", str(db), *(["--dry-run"] if dry_run else [])]) == 0
    out = capsys.readouterr().out
    assert f"its journal {journal.name} is {kind}, not a journal" in out
    after = {p.name: p.lstat().st_mtime_ns for p in tmp_path.iterdir()}
    if dry_run:
        assert db.read_bytes() == main_bytes
        assert after == before
        return
    kept = [p for p in tmp_path.iterdir() if ".journal.damaged-" in p.name]
    assert len(kept) == 1 and not stat.S_ISREG(kept[0].lstat().st_mode)  # moved as it is
    assert journal.is_file() and not journal.is_symlink()
    assert main(["stats", "--db", str(db)]) == 0


def records_of(shard: Path) -> dict[str, dict[str, object]]:
    import orjson

    found: dict[str, dict[str, object]] = orjson.loads(shard.read_bytes())["annotations"]
    return found


def renamed_record(shard: Path, to: str, which: int = 0) -> str:
    """The ``which``-th record of ``shard`` made to name article ``to``: its id."""
    import orjson

    doc = orjson.loads(shard.read_bytes())
    key = sorted(doc["annotations"])[which]
    doc["annotations"][key]["article_id"] = to
    shard.write_bytes(orjson.dumps(doc))
    return key


def test_a_record_whose_article_id_is_damaged_is_given_back_to_its_shards_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, shard = written(tmp_path)
    flipped = HARBOUR.id[:-1] + ("0" if HARBOUR.id[-1] != "0" else "1")
    key = renamed_record(shard, flipped)
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "gives every record in it that names another article back to this one" in err
    assert "with nothing lost" in err
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "would keep 8 annotation records read whole" in out
    assert "1 record of them named another article (a damaged article id)" in out
    assert "no tag the index counted is lost" in out and "lost tag" not in out
    assert main(["repair", "--db", str(db)]) == 0
    assert counts(db, HARBOUR) == {"alice": 6, "bob": 2}
    assert records_of(shard)[key]["article_id"] == HARBOUR.id
    assert main(["stats", "--db", str(db)]) == 0


def test_garbage_article_ids_never_move_records_to_an_article_no_one_can_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, shard = written(tmp_path)
    garbage = "ab\x1b]0;PWN\x07cd"
    data = shard.read_bytes().replace(HARBOUR.id.encode(), b"ab\\u001b]0;PWN\\u0007cd")
    shard.write_bytes(data)
    before = sorted(p.name for p in shard.parent.iterdir())
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    assert "or keeps them under this one, when they name no article" in capsys.readouterr().err
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "8 records of them named another article" in out
    assert counts(db, HARBOUR) == {"alice": 6, "bob": 2}
    assert all(r["article_id"] == HARBOUR.id for r in records_of(shard).values())
    after = sorted(p.name for p in shard.parent.iterdir() if ".damaged-" not in p.name)
    assert after == before
    assert garbage not in db.read_text()
    assert main(["stats", "--db", str(db)]) == 0


def bobs_bridge_record_in_harbours_shard(
    tmp_path: Path,
) -> tuple[Path, Article, Article, str, Path, Path]:
    """Two articles with files (their text known to repair); bob's record of bridge lands in
    harbour's shard (a bad merge), still naming bridge: the database, harbour, bridge, the
    record's id, harbour's shard and bridge's."""
    from tuireader.articles import load_article

    (tmp_path / "harbour.txt").write_text(HARBOUR.title + "\n\n" + HARBOUR.body)
    (tmp_path / "bridge.txt").write_text(BRIDGE.title + "\n\n" + BRIDGE.body)
    harbour = load_article(tmp_path / "harbour.txt")
    bridge = load_article(tmp_path / "bridge.txt")
    db = tmp_path / "d.json"
    with Store.open(db, "alice") as store:
        store.attach(harbour)
        store.attach(bridge)  # their files are recorded: repair reads their text
        for i in range(3):
            store.tag(harbour, i, i, "fact")
        store.tag(bridge, 0, 0, "speculation")
    with Store.open(db, "bob") as store:
        store.tag(bridge, 1, 1, "fact")
        store._db.file.compact()
    shard = storage.shard_path(db, harbour.id)
    there = storage.shard_path(db, bridge.id)
    # bob's bridge record lands in harbour's shard (a bad merge), still naming bridge
    import orjson

    theirs = orjson.loads(there.read_bytes())
    key = next(k for k, r in theirs["annotations"].items() if r["annotator"] == "bob")
    record = theirs["annotations"].pop(key)
    there.write_bytes(orjson.dumps(theirs))
    ours = orjson.loads(shard.read_bytes())
    ours["annotations"][key] = record
    shard.write_bytes(orjson.dumps(ours))
    return db, harbour, bridge, key, shard, there


def test_a_record_of_another_article_that_fits_only_its_text_is_moved_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, harbour, bridge, key, shard, there = bobs_bridge_record_in_harbours_shard(tmp_path)
    capsys.readouterr()
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"would move 1 annotation record naming article {bridge.id}" in out
    assert "lost" not in out.replace("no tag the index counted is lost", "")
    assert main(["repair", "--db", str(db)]) == 0
    assert counts(db, harbour) == {"alice": 3}
    assert counts(db, bridge) == {"alice": 1, "bob": 1}
    assert key in records_of(there) and key not in records_of(shard)
    assert main(["stats", "--db", str(db)]) == 0


def test_repair_of_a_symlinked_database_looks_where_the_commands_look(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The link is followed: the target's shards and journal are the database's."""
    (tmp_path / "sub").mkdir()
    db, _ = written(tmp_path / "sub")
    target = tmp_path / "m.json"
    for near, far in (
        (db, target),
        (storage.shard_folder(db), storage.shard_folder(target)),
        (storage.journal_path(db), storage.journal_path(target)),
    ):
        near.rename(far)
    db.symlink_to(target)
    damage_third_record(storage.shard_path(target, HARBOUR.id))
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    assert str(storage.shard_path(target, HARBOUR.id)) in capsys.readouterr().err
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert str(storage.shard_path(target, HARBOUR.id)) in out and err == ""
    assert "would keep 7 annotation records read whole" in out
    assert main(["repair", "--db", str(db)]) == 0
    assert db.is_symlink() and os.readlink(db) == str(target)
    assert counts(db, HARBOUR) == {"alice": 5, "bob": 2}
    assert main(["stats", "--db", str(db)]) == 0


def test_a_link_with_the_shards_left_beside_it_is_refused_alike_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The main file moved away and a link left in its place, its shards and journal beside
    the link: stats and repair both look beside the target, and repair says where the
    files beside the link are not read from before any --drop-missing."""
    (tmp_path / "sub").mkdir()
    db, _ = written(tmp_path / "sub")
    target = tmp_path / "m"
    db.rename(target)
    db.symlink_to(target)
    folder = str(storage.shard_folder(target))
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    assert folder in capsys.readouterr().err
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert f"the shard folder {folder} is gone" in out
    assert "is a symbolic link to" in err and str(storage.shard_folder(db)) in err
    assert err.count("\n") == 1
    before = listing(tmp_path)
    assert main(["repair", "--db", str(db)]) == 2
    assert "cannot repair yet" in capsys.readouterr().err
    after = listing(tmp_path)
    assert after.pop("m.lock") == b""  # the target's lock, taken for the repair
    assert after == before


def test_a_record_moved_out_of_a_damaged_shard_survives_a_crash_on_the_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record reaches its article before its old shard is rewritten without it: a repair
    that fails in between leaves it readable, and a second repair completes."""
    import tuireader.cli.repair as repair_cli

    db, harbour, bridge, key, shard, _ = bobs_bridge_record_in_harbours_shard(tmp_path)

    def crash(plan: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(repair_cli, "move_misplaced", crash)
    assert main(["repair", "--db", str(db)]) == 2
    assert key in records_of(shard)
    monkeypatch.undo()
    capsys.readouterr()
    assert main(["repair", "--db", str(db)]) == 0
    assert counts(db, harbour) == {"alice": 3}
    assert counts(db, bridge) == {"alice": 1, "bob": 1}

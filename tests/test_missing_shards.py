"""A database copied without its shard folder, or with a shard file deleted, never reads as
empty: opening (the folder) or reading the article (one file) refuses in one line naming the
missing file(s) and what the index says they held, exit 2, nothing written. ``repair
--dry-run`` reports it; ``repair`` drops them only with ``--drop-missing``, saying per
annotator what is lost. A healthy database still opens without reading its shards."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text, load_article
from tuireader.cli import main
from tuireader.store import Store
from tuireader.store.files import MissingShardsError
from tuireader.ui.app import ReaderApp


def story_text(k: int, sentences: int = 10) -> str:
    return f"Ferry report {k}\n\n" + " ".join(
        f"Sentence {i} of report {k} says the ferry may run late." for i in range(sentences)
    )


def two_annotators(db: Path, stories: int = 3, compact: bool = True) -> list[Article]:
    """alice tagged every sentence of each story fact, bob sentences 0-3 speculation, both
    folded into shards (``compact``)."""
    articles = [from_text(story_text(k)) for k in range(stories)]
    with Store.open(db, "alice") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "fact") for i in range(len(a.sentences))], "all")
    with Store.open(db, "bob") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "speculation") for i in range(4)], "some")
        if compact:
            store._db.file.compact()
    return articles


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the lock files (a repair refused under the lock makes
    them, as any command that locks does), with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".lock" not in p.name
    }


def counts(db: Path) -> dict[str, int]:
    with Store.open(db, "carol", create=False) as store:
        found: dict[str, int] = {}
        for a in store.annotations():
            found[a.annotator] = found.get(a.annotator, 0) + 1
        return found


def test_a_deleted_shard_is_refused_by_the_commands_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    articles = two_annotators(db)
    shard = storage.shard_path(db, articles[1].id)
    shard.unlink()
    before = listing(tmp_path)
    capsys.readouterr()
    for argv in (
        ["stats"],
        ["stats", "--json"],
        ["export", "-f", "jsonl", "-o", str(tmp_path / "out.jsonl")],
    ):
        assert main([*argv, "--db", str(db)]) == 2, argv
        out, err = capsys.readouterr()
        # (stats warns first that the test's articles are not recorded: not this refusal)
        refusal = err.splitlines()[-1]
        assert out == "" and [line for line in err.splitlines() if str(shard) in line] == [refusal]
        assert f"{shard}: is missing" in refusal
        assert "14 annotations (10 of alice, 4 of bob)" in err
        assert "put the missing file back" in err and "Traceback" not in err
    assert listing(tmp_path) == before
    with Store.open(db, "alice") as store:  # the other articles are there as they were
        assert len(store.annotations(articles[0].id)) == 14
        with pytest.raises(MissingShardsError, match="is missing"):
            store.tag_rows(articles[1].id)
        with pytest.raises(MissingShardsError):  # a write to it is refused too
            store.tag(articles[1], 0, 0, "speculation")
    assert not shard.exists()


@pytest.mark.parametrize("create", [True, False])
def test_a_database_copied_without_its_shard_folder_refuses_to_open(
    tmp_path: Path, create: bool
) -> None:
    db = tmp_path / "x.json"
    articles = two_annotators(db, stories=5)
    folder = storage.shard_folder(db)
    for shard in folder.iterdir():
        shard.unlink()
    folder.rmdir()
    before = listing(tmp_path)
    with pytest.raises(MissingShardsError) as refused:
        Store.open(db, "alice", create=create)
    message = str(refused.value)
    names = sorted(storage.shard_name(a.id) for a in articles)
    assert message.startswith(f"{folder}: is missing, and with it 5 shard files (")
    assert ", ".join(names[:3]) + " and 2 more)" in message
    assert "70 annotations (50 of alice, 20 of bob)" in message
    assert "\n" not in message
    assert listing(tmp_path) == before and not folder.exists()


def test_the_commands_refuse_a_database_without_its_shard_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    two_annotators(db)
    folder = storage.shard_folder(db)
    for shard in folder.iterdir():
        shard.unlink()
    folder.rmdir()
    story = tmp_path / "story.txt"
    story.write_text(story_text(0), encoding="utf-8")
    capsys.readouterr()
    for argv in (["stats"], ["export", "-f", "json"], ["sentences", str(story)]):
        assert main([*argv, "--db", str(db)]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"{folder}: is missing" in err, argv
    # The reader too: it refuses before it starts, in one line.
    assert main(["--db", str(db), str(story)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{folder}: is missing" in err
    assert not folder.exists()


def test_first_tags_only_in_the_journal_are_no_missing_shard(tmp_path: Path) -> None:
    """A new database's tags live in the journal until a compaction writes their shards: no
    folder, no file, nothing missing."""
    db = tmp_path / "x.json"
    articles = two_annotators(db, stories=2, compact=False)
    for a in articles:
        storage.shard_path(db, a.id).unlink(missing_ok=True)
    folder = storage.shard_folder(db)
    if folder.exists():
        folder.rmdir()
    assert counts(db) == {"alice": 20, "bob": 8}


def test_changes_in_the_journal_are_kept_and_the_rest_named_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bob's tags after the compaction are in the journal: the file is still missing (alice's
    are not there), and ``repair --drop-missing`` keeps bob's and drops alice's."""
    db = tmp_path / "x.json"
    articles = [from_text(story_text(k)) for k in range(2)]
    with Store.open(db, "alice") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "fact") for i in range(10)], "all")
        store._db.file.compact()
    with Store.open(db, "bob") as store:
        store.tag_many(articles[0], [(i, i, "speculation") for i in range(3)], "some")
    shard = storage.shard_path(db, articles[0].id)
    shard.unlink()
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{shard}: is missing" in err and "13 annotations (10 of alice, 3 of bob)" in err
    before = listing(tmp_path)
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{shard.name} (article {articles[0].id}) is missing: would drop" in out
    assert "would drop from the index: 10 of alice\n" in out
    assert "would refuse without --drop-missing" in out
    assert listing(tmp_path) == before
    assert main(["repair", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--drop-missing" in err and "nothing was changed" in err
    assert "put them back from the copy" in err
    assert listing(tmp_path) == before
    assert main(["repair", "--drop-missing", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "is missing: dropped from the index: 10 of alice\n" in out
    assert "journal as it was is kept" not in out  # the journal was whole: nothing aside
    assert not list(tmp_path.glob("*.damaged-*"))
    assert counts(db) == {"alice": 10, "bob": 3}
    assert main(["stats", "--db", str(db)]) == 0


def test_putting_the_file_back_is_the_repair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    articles = two_annotators(db)
    shard = storage.shard_path(db, articles[2].id)
    copy = shard.read_bytes()
    shard.unlink()
    assert main(["stats", "--db", str(db)]) == 2
    shard.write_bytes(copy)
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 0
    assert counts(db) == {"alice": 30, "bob": 12}
    assert main(["repair", "--db", str(db)]) == 2
    assert "nothing to repair" in capsys.readouterr().err


async def test_the_reader_says_the_tags_cannot_be_read_and_writes_nothing(
    tmp_path: Path, db_path: Path, make_reader: Callable[[Path], ReaderApp]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text(story_text(7), encoding="utf-8")
    article = load_article(story)
    with Store.open(db_path, "tester") as store:
        store.tag_many(article, [(i, i, "fact") for i in range(10)], "all")
        store._db.file.compact()
    shard = storage.shard_path(db_path, article.id)
    shard.unlink()
    app = make_reader(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await app.writes_landed()
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await app.writes_landed()
        await pilot.pause()
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and errors[0].title == "Cannot read annotations"
        assert f"{shard}: is missing" in errors[0].message
        assert "10 annotations (10 of tester)" in errors[0].message
        assert all("\n" not in n.message for n in errors)
        assert app.is_running
    assert not shard.exists()


def test_a_shard_removed_by_another_process_is_no_missing_shard(tmp_path: Path) -> None:
    """Another window cleared an article and compacted (its shard file is gone, its index
    entry too): a store that read the index before is not refused, it reads the new version."""
    db = tmp_path / "x.json"
    articles = two_annotators(db, stories=2)
    shard = storage.shard_path(db, articles[0].id)
    with Store.open(db, "alice") as old:
        with Store.open(db, "alice") as other:
            other.clear(articles[0], 0, 9)
        with Store.open(db, "bob") as other:
            other.clear(articles[0], 0, 9)
            other._db.file.compact()
        assert not shard.exists()
        assert old.tag_rows(articles[0].id) == []  # not refused (``annotations`` would hide it)
        assert len(old.tag_rows(articles[1].id)) == 14


def test_a_healthy_database_opens_without_reading_its_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some thousand annotations in 30 shards: opening, counting from the index and reading one
    article read that one shard file, no other, and never list the shard folder."""
    db = tmp_path / "x.json"
    articles = [from_text(story_text(k, 60)) for k in range(30)]
    with Store.open(db, "alice") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "fact") for i in range(60)], "all")
    with Store.open(db, "bob") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "speculation") for i in range(0, 60, 2)], "some")
        store._db.file.compact()
    folder = storage.shard_folder(db)
    read: list[str] = []
    listed: list[str] = []
    real_open, real_listdir = os.open, os.listdir

    def spy_open(path: object, *args: object, **kwargs: object) -> int:
        if isinstance(path, (str, os.PathLike)) and Path(os.fspath(path)).parent == folder:
            read.append(Path(os.fspath(path)).name)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def spy_listdir(path: object = ".") -> list[str]:
        listed.append(str(path))
        return real_listdir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "listdir", spy_listdir)
    with Store.open(db, "alice") as store:
        assert store.annotators() == ["alice", "bob"]
        assert store.article_counts(articles[4].id) == {
            "alice": {"fact": 60},
            "bob": {"speculation": 30},
        }
        assert read == [] and listed == []
        assert len(store.mine(articles[7].id)) == 60
        assert read == [storage.shard_name(articles[7].id)]
    assert listed == []

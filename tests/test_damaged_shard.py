"""A damaged shard (one article's annotation file): the reader refuses writes to that article with
one notice and keeps running (its background training skips the shard), and ``stats`` names the
shard, exit 2, instead of counting from the index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader import learn, storage
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

STORY = "Council notes\n\n" + " ".join(
    f"Sentence {i} says the council may act on the bridge." for i in range(12)
)


def damaged_database(tmp_path: Path, db: Path) -> tuple[Path, Path]:
    """A story whose every sentence ``tester`` tagged, compacted into its shard, which is then
    cut short; the story's path and the shard's."""
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    article = load_article(story)
    with Store.open(db, "tester") as store:
        store.tag_many(article, [(i, i, "fact") for i in range(len(article.sentences))], "tag all")
        store._db.file.compact()
    shard = storage.shard_path(db, article.id)
    shard.write_bytes(shard.read_bytes()[:300])
    return story, shard


async def test_the_reader_refuses_the_write_with_one_notice_and_keeps_running(
    tmp_path: Path,
    db_path: Path,
    make_reader: Callable[[Path], ReaderApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    story, shard = damaged_database(tmp_path, db_path)
    damaged = shard.read_bytes()
    # The model of my tags is trained once there are this many: it read every shard and the
    # damaged one's StoreError stopped the reader ("internal error", exit 1).
    monkeypatch.setattr(learn, "MIN_EXAMPLES", 5)
    app = make_reader(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and all(str(shard) in n.message for n in errors)
        assert all("\n" not in n.message for n in errors)
    assert app.return_code in (None, 0)
    assert shard.read_bytes() == damaged  # never written over


def test_stats_names_the_damaged_shard_instead_of_counting_from_the_index(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, shard = damaged_database(tmp_path, db_path)
    capsys.readouterr()
    for argv in (["stats", "--db", str(db_path)], ["stats", "--db", str(db_path), "--json"]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1 and f"{shard}: not a tuireader annotation shard" in err

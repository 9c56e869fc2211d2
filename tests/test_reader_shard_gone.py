"""The reader with the open article's shard file moved away underneath (a sync tool, a restore):
a tag key is refused in one line and nothing is written (the screen shows no tags: a key must not
toggle off one it never showed); once the file is back the next look reads the article again,
shows its tags and drops the ``! shard missing`` mark."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuireader import storage
from tuireader.articles import load_article
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

STORY = "Bridge repairs\n\n" + " ".join(
    f"Sentence {i} says the bridge may reopen in June." for i in range(6)
)


def stored(db: Path, article_id: str) -> list[tuple[int, int, str]]:
    with Store.open(db, "bob", create=False) as other:
        return sorted((a.start, a.end, a.tag) for a in other.annotations(article_id))


async def settle(app: ReaderApp, pilot: object, until: Callable[[], bool]) -> None:
    for _ in range(100):
        await app.workers.wait_for_complete()
        await app.writes_landed()
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if until():
            return
        app.refresh_store()
    raise AssertionError("not settled")


async def test_tag_keys_are_refused_while_the_shard_is_gone_and_tags_come_back(
    tmp_path: Path, db_path: Path, make_reader: Callable[[Path], ReaderApp]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    article = load_article(story)
    with Store.open(db_path, "tester") as store:
        store.tag(article, 0, 2, "fact")
        store._db.file.compact()
    shard = storage.shard_path(db_path, article.id)
    aside = tmp_path / "aside.json"
    app = make_reader(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: len(app.pane.placed) == 1)
        before = stored(db_path, article.id)
        shard.rename(aside)
        await settle(app, pilot, lambda: article.id in app.article_list.unreadable)
        assert app.article_list.unreadable[article.id] == "shard missing"
        app.pane.focus()
        for keys in (["end", "f"], ["g", "f"], ["home", "f"]):
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
            await app.writes_landed()
            await pilot.pause()
        refused = [n for n in app._notifications if n.title == "Not saved"]
        assert refused and all("\n" not in n.message for n in refused)
        assert f"cannot be read ({shard} is missing)" in refused[-1].message

        aside.rename(shard)
        assert stored(db_path, article.id) == before  # nothing was written meanwhile
        await settle(
            app,
            pilot,
            lambda: article.id not in app.article_list.unreadable and len(app.pane.placed) == 1,
        )
        (shown,) = app.pane.placed
        assert shown.tag == "fact" and shown.start == article.sentences[0].start
        await pilot.press("end", "f")  # goes on once the file is back
        await settle(app, pilot, lambda: len(app.pane.placed) == 2)
    assert len(stored(db_path, article.id)) == 2


async def test_a_shard_cut_short_underneath_refuses_tag_keys_until_whole_again(
    tmp_path: Path, db_path: Path, make_reader: Callable[[Path], ReaderApp]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    article = load_article(story)
    with Store.open(db_path, "tester") as store:
        store.tag(article, 0, 2, "fact")
        store._db.file.compact()
    shard = storage.shard_path(db_path, article.id)
    whole = shard.read_bytes()
    app = make_reader(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot, lambda: len(app.pane.placed) == 1)
        before = stored(db_path, article.id)
        shard.write_bytes(whole[:100])
        app.pane.focus()
        await pilot.press("f")  # the store refuses it; the list marks the article
        await settle(app, pilot, lambda: article.id in app.article_list.unreadable)
        assert app.article_list.unreadable[article.id] == "shard damaged"
        await pilot.press("j", "f")  # refused at once, in one line
        await app.writes_landed()
        refused = [n for n in app._notifications if n.title == "Not saved"]
        assert len(refused) == 2 and f"({shard} is damaged)" in refused[-1].message
        shard.write_bytes(whole)
        assert stored(db_path, article.id) == before
        await settle(app, pilot, lambda: article.id not in app.article_list.unreadable)
        await pilot.press("end", "f")
        await settle(app, pilot, lambda: len(app.pane.placed) == 2)

"""The article list marks an article whose shard file is missing (the store refuses to read
it) as unreadable, with a text marker (``! shard missing``), not "F0 … not started" as if
nothing were tagged there, and a notice says what to do (``tuireader repair --dry-run``)."""

from __future__ import annotations

from pathlib import Path

from tuireader import storage
from tuireader.articles import load_article
from tuireader.catalog import Catalog
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

STORIES = {
    "a-canal.txt": "Canal dredged\n\nThe canal was dredged in May. Barges may return soon.\n",
    "b-market.txt": "Market moves\n\nThe market moved to the square. Traders say it is busier.\n",
}


def rows_by_title(app: ReaderApp) -> dict[str, str]:
    found = {}
    for index, entry in enumerate(app.article_list.shown_entries):
        found[entry.title] = app.article_list.entry_text(index)
    return found


async def test_an_article_whose_shard_is_damaged_is_marked_so(
    tmp_path: Path, db_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    articles = []
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
        articles.append(load_article(folder / name))
    with Store.open(db_path, "tester") as store:
        for article in articles:
            store.tag(article, 0, 0, "fact")
        store._db.file.compact()
    damaged = storage.shard_path(db_path, articles[0].id)
    damaged.write_bytes(b'{"meta": {"shard": ')
    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            Catalog.scan([folder]), store, db_path=db_path, cache_path=tmp_path / "cache.json"
        )
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                if articles[0].id in app.article_list.unreadable and not app.catalog.pending:
                    break
            row = rows_by_title(app)["Canal dredged"].splitlines()
            assert "! shard damaged" in row[1] and "F0" not in row[1], row
    assert damaged.read_bytes() == b'{"meta": {"shard": '


async def test_an_article_whose_shard_is_missing_is_marked_unreadable(
    tmp_path: Path, db_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    articles = []
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
        articles.append(load_article(folder / name))
    canal, market = articles
    with Store.open(db_path, "tester") as store:
        for article in articles:
            store.tag(article, 0, 0, "fact")
        store._db.file.compact()  # folded into their shard files
    storage.shard_path(db_path, canal.id).unlink()

    with Store.open(db_path, "tester") as store:
        app = ReaderApp(
            Catalog.scan([folder]), store, db_path=db_path, cache_path=tmp_path / "cache.json"
        )
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                counted = app.article_list.counts.get(market.id)
                if (
                    not app.catalog.pending
                    and canal.id in app.article_list.unreadable
                    and counted is not None
                    and not counted.pending
                ):
                    break
            rows = rows_by_title(app)
            lost = rows["Canal dredged"].splitlines()
            assert "! shard missing" in lost[1] and "F0" not in lost[1], lost
            assert lost[2].strip() == "! see tuireader repair --dry-run", lost
            assert "not started" not in rows["Canal dredged"]
            kept = rows["Market moves"].splitlines()
            assert "F1" in kept[1] and "!" not in rows["Market moves"], kept
            # One notice for the list (the article opened, if it is that one, says so too).
            warned = [n for n in app._notifications if n.severity == "warning"]
            assert len(warned) == 1 and warned[0].title == "Cannot read annotations"
            message = warned[0].message
            assert "An article's annotations cannot be read" in message
            assert "its shard file is missing;" in message and "marked ! in the list" in message
            assert f"`tuireader repair --dry-run --db {db_path}`" in message
            assert "\n" not in message

            # Opening it says so again (the store's own line), and nothing more is marked.
            assert app.focused is app.article_list
            app.article_list.highlight_article(canal.id)
            highlighted = app.article_list.highlighted_entry
            assert highlighted is not None and highlighted.id == canal.id
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.05)
                if app.pane.article is not None and app.pane.article.id == canal.id:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause()
            errors = [n for n in app._notifications if n.severity == "error"]
            assert errors and "is missing" in errors[-1].message
            assert list(app.article_list.unreadable) == [canal.id]
            assert "! shard missing" in rows_by_title(app)["Canal dredged"]
    assert not storage.shard_path(db_path, canal.id).exists()

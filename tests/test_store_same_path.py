"""Attaching many articles finds each file's older ids through one index of the articles
table's paths (``metadata.SamePath``), not a scan of the table per article, and decides exactly
as the scan does (``metadata.ids_under``)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from tuireader.articles import load_article
from tuireader.storage import load_tables
from tuireader.store import Store
from tuireader.store.metadata import SamePath, ids_under

STORIES = (
    "The ferry left at dawn. Gulls followed it out. The crossing took two hours.",
    "A new bakery opened on the square. Its rye sold out by noon. The owner plans a second oven.",
    "The library extended its hours. Students welcomed the change. The café stays open too.",
)


def test_same_path_answers_as_a_scan_of_the_table_while_it_changes() -> None:
    rng = random.Random(7)
    paths = [f"/articles/{n}.txt" for n in range(6)] + [None]
    table: dict[str, dict[str, str | None]] = {}
    for n in range(40):
        table[f"id{n}"] = {"id": f"id{n}", "path": rng.choice(paths)}
    same = SamePath(table)
    for step in range(400):
        article_id, path = f"id{rng.randrange(60)}", rng.choice(paths)
        assert same.others(article_id, path, table) == ids_under(table, article_id, path), step
        change = rng.random()
        if change < 0.3:  # an attach records the article under its path
            table[article_id] = {"id": article_id, "path": path}
            same.add(article_id, path)
        elif change < 0.4 and table:  # an adoption drops an older id
            del table[rng.choice(sorted(table))]


def write_stories(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n, text in enumerate(STORIES):
        path = folder / f"story-{n}.txt"
        path.write_text(f"Story {n}\n\n{text}\n", encoding="utf-8")
        files.append(path)
    return files


def tagged_then_edited(folder: Path, db: Path) -> list[Path]:
    """A database whose articles were tagged, then two of their files edited (new ids)."""
    files = write_stories(folder)
    with Store.open(db, "ana") as store:
        for path in files:
            article = load_article(path)
            store.attach(article)
            store.tag(article, 1, 1, "fact")
            store.tag(article, 2, 2, "speculation")
    for path in files[:2]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\n\n", "\n\nA line added on top. ", 1), encoding="utf-8")
    return files


def test_attach_all_adopts_an_edited_files_older_id_as_attach_does(tmp_path: Path) -> None:
    one, many = tmp_path / "one" / "annotations.json", tmp_path / "many" / "annotations.json"
    files = tagged_then_edited(tmp_path / "articles", one)
    shutil.copytree(one.parent, many.parent)  # the database alone: both know the same files
    with Store.open(one, "ana") as store:
        for path in files:
            store.attach(load_article(path))
    found = [load_article(path) for path in files]
    with Store.open(many, "ana") as store:
        assert store.attach_all(iter(found)) == len(found)
        tagged = [len(store.annotations(article.id)) for article in found]
    assert tagged == [2, 2, 2]  # the edited files kept their tags under their new ids
    tables = load_tables(many)
    assert tables == load_tables(one)
    assert len(tables["articles"]) == len(files)  # the older ids were dropped

"""``Store.attach_all``: what ``tuireader import`` does with the article files it finds. It must
leave the database exactly as attaching each article in turn does, in far fewer writes, and keep
none of the articles it read loaded (an import of 500 articles of 1,000 annotations each held
them all: 775 MB)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from child_output import read_until
from tuireader.annotations import AnchorState, Annotation
from tuireader.articles import Article, from_text, load_article
from tuireader.cli import main
from tuireader.dbformat.journal import journal_entries
from tuireader.records import to_stored
from tuireader.storage import journal_path, load_tables
from tuireader.store import Store, article_record, facade

TEXTS = (
    "Rain came early this year. The river rose by a metre. Farmers moved their sheep uphill.",
    "The museum opened a new wing. Critics praised the lighting. Visitors queued for an hour.",
    "A bridge was closed for repairs. Traffic moved to the ring road. Works end in May.",
    "The school added a second choir. Parents raised the funds. Rehearsals start on Monday.",
)


def articles() -> list[Article]:
    return [from_text(text) for text in TEXTS]


def imported(article: Article) -> list[Annotation]:
    """Two layers, each with two annotations on its first sentence: attaching keeps one of
    each pair and orphans the other (placed annotations of one layer never overlap)."""
    found = []
    for n, (who, tag) in enumerate(
        [("ana", "fact"), ("ana", "speculation"), ("bo", "fact"), ("bo", "fact")]
    ):
        s = article.sentences[0]
        ann = Annotation.new(article.id, article.body, s.start, s.end, tag, who)
        found.append(replace(ann, updated=f"2024-05-0{n + 1}T09:00:00.000Z"))
    last = article.sentences[-1]
    found.append(Annotation.new(article.id, article.body, last.start, last.end, "fact", "ana"))
    return found


def build(db: Path, found: list[Article], annotations: list[Annotation]) -> None:
    with Store.open(db, "ana") as store:
        store.import_all(annotations)


def data() -> tuple[list[Article], list[Annotation]]:
    found = articles()
    return found, [a for article in found for a in imported(article)]


def test_attach_all_writes_what_attaching_each_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    found, annotations = data()
    build(one, found, annotations)
    for article in found:
        with Store.open(one, "ana") as store:
            store.attach(article)
    build(many, found, annotations)
    monkeypatch.setattr(facade, "ATTACH_BATCH", 8)  # 5 annotations an article: writes of two
    with Store.open(many, "ana") as store:
        assert store.attach_all(iter(found)) == len(found)
        states = [a.anchor for a in store.annotations(found[0].id, include_orphans=True)]
    assert states.count(AnchorState.ORPHANED) == 2
    assert load_tables(one) == load_tables(many)


def test_attach_all_is_one_write_per_batch_and_keeps_nothing_loaded(tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    found, annotations = data()
    build(db, found, annotations)
    before = journal_path(db).read_bytes()
    with Store.open(db, "ana") as store:
        assert store.attach_all(found) == len(found)
        after = journal_path(db).read_bytes()
        # Nothing of what was read for the attach is held (white box: the loaded shards).
        assert all(store._db.file.shard(article.id) is None for article in found)
        # Asked for again, each article is read from disk with its orphans recorded.
        for article in found:
            anchors = [a.anchor for a in store.annotations(article.id, include_orphans=True)]
            assert anchors.count(AnchorState.ORPHANED) == 2
    assert len(journal_entries(after)[0]) == len(journal_entries(before)[0]) + 1


def test_attach_keeps_the_article_loaded_for_the_reader(tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    found, annotations = data()
    build(db, found, annotations)
    with Store.open(db, "ana") as store:
        store.attach(found[0])
        assert store._db.file.shard(found[0].id) is not None


IMPORTER = Path(__file__).with_name("store_importer.py")
KILLS = 6


def test_sigkill_while_an_import_attaches_its_files_leaves_whole_writes_and_a_rerun_completes_it(
    tmp_path: Path,
) -> None:
    """Kills land between and inside the attach writes (and their compactions, with a 2 KB
    journal): the database opens, its index agrees with its shards, every record is as
    imported or as attached, and importing again gives what one uninterrupted import gives."""
    folder = tmp_path / "articles"
    folder.mkdir()
    found = []
    for n in range(6):
        path = folder / f"story-{n}.txt"
        sentences = " ".join(
            f"Story {n} reports item {i} rose by {i + n} percent." for i in range(12)
        )
        path.write_text(f"Story {n}\n\n{sentences}\n", encoding="utf-8")
        found.append(load_article(path))
    annotations = []
    for article in found:
        for i, s in enumerate(article.sentences * 3):  # three on each sentence: two orphaned
            ann = Annotation.new(article.id, article.body, s.start, s.end, "fact", "ana")
            # Each its own note: an import skips a copy (same place, tag and note) of one it has.
            stamp, note = f"2024-05-01T09:{i % 60:02d}:00.000Z", f"take {i // 12}"
            annotations.append(replace(ann, updated=stamp, note=note))
    source = tmp_path / "export.jsonl"
    with Store.open(tmp_path / "source.json", "ana") as store:
        store.import_all(annotations, [article_record(a) for a in found])
    assert main(["export", "--db", str(tmp_path / "source.json"), "-o", str(source)]) == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    clean = tmp_path / "clean" / "annotations.json"
    command = [sys.executable, str(IMPORTER), str(clean), str(source), "1000", "70"]
    done = subprocess.run(command, capture_output=True, env=env, check=True)
    assert done.stdout.count(b"attached\n") == 3  # two articles (37 each, with itself) a write
    expected = load_tables(clean)
    final = expected["annotations"]
    imported = {a.id: to_stored(a) for a in annotations}
    assert sum(final[i] != r for i, r in imported.items()) == 2 * 12 * 6  # the orphans
    rng = random.Random(7)
    partial = 0
    for run_number in range(KILLS):
        db = tmp_path / f"db{run_number}" / "annotations.json"
        command[2] = str(db)
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
        # Killed once the annotations are in (a random moment of the attach), or once its
        # first write is reported.
        wanted = b"batch\n" if run_number % 2 else b"attached\n"
        out = read_until(proc, wanted, 30)
        assert wanted in out, f"the import never reported {wanted!r}"
        if run_number % 2:
            time.sleep(rng.uniform(0, 0.2))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=10)
        with Store.open(db, "checker") as store:  # it opens, and the index agrees
            stored = {a.id: to_stored(a) for a in store.annotations(include_orphans=True)}
            assert len(store) == len(stored) == len(annotations), f"run {run_number}"
        assert all(r in (imported[i], final[i]) for i, r in stored.items()), f"run {run_number}"
        partial += 0 < (out + rest).count(b"attached\n") < 3
        # Importing again completes it: the database one uninterrupted import gives.
        subprocess.run(command, capture_output=True, env=env, check=True)
        assert load_tables(db) == expected, f"run {run_number}"
        assert [p for p in db.parent.rglob("*") if p.name.endswith(".tmp")] == []
    assert partial, "no kill landed between the attach writes"

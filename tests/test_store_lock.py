"""Two stores on one file: each write takes the lock, catches up with the other's writes and
applies its own change on top, so nothing is lost; a lock held too long is a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from tuireader.articles import Article, from_text
from tuireader.store import Store, StoreError, StoreWriteError

TEXT = " ".join(f"Sentence number {i} says something new." for i in range(40))
TAGGER = Path(__file__).with_name("store_tagger.py")


@pytest.fixture
def article() -> Article:
    return from_text(TEXT)


def test_two_stores_interleaved_lose_nothing(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        a.attach(article)
        for i in range(0, 20, 2):
            a.tag(article, i, i, "fact")
            b.tag(article, i + 1, i + 1, "speculation")
        (ann,) = b.annotations(article.id, "bob")[:1]
        a.set_note(a.annotations(article.id, "alice")[0].id, "alice's note")
        b.refresh()
        b.set_note(ann.id, "bob's note")
        a.tag(article, 30, 30, "expert_opinion")  # a catches up with bob's note first
        a.set_state("a", 1)
        b.set_state("b", 2)
    with Store.open(db, "carol") as c:
        anns = c.annotations(article.id)
        assert len(anns) == 21
        assert {x.annotator for x in anns} == {"alice", "bob"}
        assert [x.note for x in anns[:2]] == ["alice's note", "bob's note"]
        assert c.get_state("a") == 1 and c.get_state("b") == 2
        assert c.article_meta(article.id) is not None


def test_refresh_sees_the_other_writer(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        assert not b.refresh()
        a.tag(article, 0, 0, "fact")
        assert b.annotations() == []
        assert b.refresh() and len(b.annotations()) == 1


def test_retag_by_the_other_store_is_seen_before_planning(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        a.tag(article, 0, 2, "fact")
        c = Store.open(db, "alice")
        b.tag(article, 1, 1, "speculation")  # another annotator: alice's run stays whole
        c.tag(article, 1, 1, "speculation")  # alice in a window that has not refreshed
        runs = [(x.start, x.tag) for x in a.annotations(article.id, "alice")]
        assert runs == [(0, "fact")]  # a has not seen it yet
        a.refresh()
        assert [x.tag for x in a.mine(article.id)] == ["fact", "speculation", "fact"]
        assert [x.tag for x in a.annotations(article.id, "bob")] == ["speculation"]
        c.close()


def test_attach_plans_again_on_what_the_other_store_wrote(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        b.attach(article)
        b.tag(article, 3, 3, "fact")
        # a planned on its stale copy (a new article, nothing tagged), then catches up under the
        # lock: the report and the file are those of the fresh data.
        report = a.attach(article)
        assert (report.total, report.exact, report.changed) == (1, 1, False)
        assert [x.start for x in a.annotations(article.id)] == [article.sentences[3].start]


def test_held_lock_times_out_naming_the_holder(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice", wait=0.3) as a, Store.open(db, "bob", wait=5) as b:
        b.tag(article, 0, 0, "fact")  # leaves bob's name as the last holder
        before = db.read_bytes()
        other = FileLock(str(db) + ".lock")
        with other, pytest.raises(StoreWriteError) as caught:
            a.tag(article, 1, 1, "fact")
        message = str(caught.value)
        assert message.startswith(f"{db}: ") and "locked by" in message
        assert "bob" in message and "0.3 s" in message
        assert db.read_bytes() == before and len(a.annotations()) == 0
        a.tag(article, 1, 1, "fact")  # free again
        assert len(a.annotations()) == 2


def test_writer_waits_for_a_short_hold(tmp_path: Path, article: Article) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice", wait=5) as a:
        lock = FileLock(str(db) + ".lock", thread_local=False)
        lock.acquire()
        threading.Timer(0.2, lock.release).start()
        a.tag(article, 0, 0, "fact")
        assert len(a.annotations()) == 1


def test_corrupted_under_a_running_store_is_not_overwritten(
    tmp_path: Path, article: Article
) -> None:
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as a:
        a.tag(article, 0, 0, "fact")
        db.write_bytes(b"not json at all")
        with pytest.raises(StoreError, match="changed on disk"):
            a.tag(article, 1, 1, "fact")
        assert db.read_bytes() == b"not json at all"


def test_two_processes_tagging_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(TAGGER), str(db), name, "40"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("p1", "p2")
    ]
    reported: set[str] = set()
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        reported |= set(out.split())
    assert len(reported) == 80
    with Store.open(db, "check") as store:
        assert {a.id for a in store.annotations()} == reported


def test_another_window_is_caught_up_from_the_journal_alone(
    tmp_path: Path, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuireader.store import files

    db = tmp_path / "db.json"
    with Store.open(db, "alice") as a, Store.open(db, "bob") as b:
        a.tag(article, 0, 0, "fact")
        b.refresh()
        snapshots: list[object] = []
        real = files.read_file
        monkeypatch.setattr(
            "tuireader.store.files.read_file",
            lambda *args, **kw: snapshots.append(1) or real(*args, **kw),
        )
        a.tag(article, 1, 2, "speculation")
        a.clear(article, 0, 0)
        a.set_state("cursor", 3)
        seen = b.generation
        assert b.refresh() and b.generation == seen + 1
        assert snapshots == []  # only the new journal entries were read
        assert [x.tag for x in b.annotations(article.id)] == ["speculation"]
        assert b.get_state("cursor") == 3
        b.tag(article, 4, 4, "fact")  # and writing on top of it works
    with Store.open(db, "carol") as c:
        assert sorted(x.tag for x in c.annotations(article.id)) == ["fact", "speculation"]

"""A write waits its turn while another process tags steadily (the lock held a few ms a tag and
taken again within microseconds): it is tried often enough to get one of the gaps, instead of
being refused "waited 2 s" once in a while; a lock really held is still refused in one line."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuireader.articles import from_text
from tuireader.store import Store, StoreWriteError

TEXT = "Quarry noise\n\n" + " ".join(
    f"Sentence {i} says the quarry may stay open." for i in range(8)
)

HOG = """
import sys, time
from pathlib import Path
from tuireader.store.files import new_lock
lock = new_lock(Path(sys.argv[1]), 10)
hold, stop = float(sys.argv[2]), time.monotonic() + float(sys.argv[3])
lock.acquire()
print("ready", flush=True)  # holding it
while time.monotonic() < stop:
    held = time.perf_counter()
    while time.perf_counter() - held < hold:
        pass
    lock.release()
    lock.acquire(poll_interval=0.0005)
"""


def hog(db: Path, hold: float, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOG, str(db), str(hold), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_a_write_gets_its_turn_beside_a_steady_writer(tmp_path: Path) -> None:
    db = tmp_path / "x.json"
    article = from_text(TEXT)
    with Store.open(db, "alice", wait=0.5) as store:
        store.tag(article, 0, 0, "fact")
        proc = hog(db, 0.004, 30)
        try:
            refused = 0
            for i in range(20):
                try:
                    store.tag(article, i % 8, i % 8, "speculation")
                except StoreWriteError:
                    refused += 1
        finally:
            proc.kill()
            proc.wait()
    assert refused == 0


def test_a_lock_really_held_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "x.json"
    article = from_text(TEXT)
    with Store.open(db, "alice", wait=0.3) as store:
        store.tag(article, 0, 0, "fact")
        proc = hog(db, 5.0, 5)
        try:
            started = time.monotonic()
            with pytest.raises(StoreWriteError) as refused:
                store.tag(article, 1, 1, "fact")
            assert 0.25 < time.monotonic() - started < 3
        finally:
            proc.kill()
            proc.wait()
    message = str(refused.value)
    assert "locked by" in message and "waited 0.3 s" in message and "\n" not in message

"""SIGKILL a process that tags in a loop, at random moments, again and again (journal appends
and compactions, with their shard writes, alike): the database always loads and holds every
annotation the process reported saved."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tinydb import TinyDB

from child_output import read_until
from tuireader import storage
from tuireader.store import Store

TAGGER = Path(__file__).with_name("store_tagger.py")
KILLS = 22


def test_sigkill_never_loses_a_reported_annotation(tmp_path: Path) -> None:
    db = tmp_path / "annotations.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    rng = random.Random(1234)
    reported: set[str] = set()
    killed_mid_run = 0
    for run in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(TAGGER), str(db), f"run{run}"],
            stdout=subprocess.PIPE,
            env=env,
        )
        # Wait for the first saved tag so the kill lands inside the tagging loop.
        out = read_until(proc, b"\n")
        assert b"\n" in out, "the tagger never reported a saved annotation"
        time.sleep(rng.uniform(0, 0.15))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        out += rest
        # A line cut off by the kill was never reported as saved.
        lines = out.split(b"\n")[:-1]
        reported |= {line.decode() for line in lines}
        killed_mid_run += 1

        with Store.open(db, "checker") as store:
            stored = {a.id for a in store.annotations(include_orphans=True)}
            # The index (counts per article, in the main file) agrees with the shards.
            assert len(store) == len(stored)
        missing = reported - stored
        assert not missing, f"run {run}: {len(missing)} reported annotations lost"
        backup = db.with_name(db.name + ".bak")
        if backup.exists():  # a copy, never the database's own inode
            assert backup.stat().st_ino != db.stat().st_ino
    assert killed_mid_run == KILLS and len(reported) > KILLS
    # What the last killed writer left (a temp file of the snapshot or the backup, if it died
    # in a compaction) goes as soon as the database is opened for writing again.
    with Store.open(db, "next") as store:
        leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
        assert leftovers == []
        store._db.file.compact()
        annotated = store.annotated_article_ids()
    # One shard per article, each a TinyDB file.
    shards = sorted(storage.shard_folder(db).iterdir())
    assert shards == sorted(storage.shard_path(db, i) for i in annotated)
    assert KILLS < len(shards) <= 2 * KILLS
    for shard in shards:
        with TinyDB(shard) as tiny:
            assert len(tiny.table("annotations")) > 0

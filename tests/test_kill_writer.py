"""SIGKILL a process while its writer thread compacts the journal (the reader's compaction, off
the event loop, beside the tags it writes in the same thread), again and again at varied
moments inside the compaction: the database always opens and holds every annotation that was
acknowledged (its write had returned, which is when the reader shows it)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from child_output import read_until
from tuireader.store import Store

COMPACTOR = Path(__file__).with_name("writer_compactor.py")
INSIDE = 12
"""Kills that must land inside a compaction."""
ATTEMPTS = 40


def lines_of(out: bytes) -> list[str]:
    """Whole lines only: one cut off by the kill was never printed, so never acknowledged."""
    return [line.decode() for line in out.split(b"\n")[:-1]]


def test_sigkill_during_the_writer_threads_compaction_keeps_every_acknowledged_tag(
    tmp_path: Path,
) -> None:
    db = tmp_path / "annotations.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    rng = random.Random(2026)
    acknowledged: set[str] = set()
    durations = [0.05]
    inside = 0
    for run in range(ATTEMPTS):
        proc = subprocess.Popen(
            [sys.executable, str(COMPACTOR), str(db), f"run{run}"],
            stdout=subprocess.PIPE,
            env=env,
        )
        # A compaction starts; the kill comes somewhere within the time one takes.
        out = read_until(proc, b"\nC ", 120)
        assert b"\nC " in out, f"run {run}: no compaction started: {out[-300:]!r}"
        time.sleep(rng.uniform(0, 1.2) * sorted(durations)[len(durations) // 2])
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        lines = lines_of(out + rest)
        acknowledged |= {line[2:] for line in lines if line.startswith("A ")}
        marks = [line for line in lines if line[:2] in ("C ", "D ")]
        starts = [float(m[2:]) for m in marks if m.startswith("C ")]
        ends = [float(m[2:]) for m in marks if m.startswith("D ")]
        durations += [end - start for start, end in zip(starts, ends, strict=False)]
        if marks[-1].startswith("C "):
            inside += 1  # killed before the compaction it started said it was done

        with Store.open(db, "checker") as store:
            stored = {a.id for a in store.annotations(include_orphans=True)}
            assert len(store) == len(stored)  # the index agrees with the shards
        missing = acknowledged - stored
        assert not missing, f"run {run}: {len(missing)} acknowledged annotations lost"
        if inside >= INSIDE:
            break
    assert inside >= INSIDE, f"only {inside} of {run + 1} kills landed inside a compaction"
    assert len(acknowledged) > INSIDE

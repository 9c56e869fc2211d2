"""Running ``store_direct_importer.py`` in a child process, for the SIGKILL tests of an import
(``test_import_direct``, ``test_import_at_hand``): a run to its end, and runs killed at random
moments that must each leave a database that opens, with the kills counted that landed in the
middle of an import."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from child_output import read_until

HELPER = Path(__file__).with_name("store_direct_importer.py")


def run_importer(db: Path, source: Path, batch: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, str(HELPER), str(db), str(source), str(batch), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def finished(proc: subprocess.Popen[bytes]) -> None:
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def timed_import(db: Path, source: Path, batch: int) -> float:
    """Import ``source`` into ``db`` to its end; the seconds from its first shards to its exit,
    the span in which the kills of ``kill_at_random`` should land, measured under the load of
    the moment."""
    proc = run_importer(db, source, batch)
    read_until(proc, b"shards\n", 60)
    start = time.monotonic()
    finished(proc)
    return time.monotonic() - start


def kill_at_random(
    db: Path,
    source: Path,
    batch: int,
    stored: Callable[[Path], int],
    total: int,
    *,
    kills: int,
    seed: int,
    longest: float,
) -> tuple[int, Path]:
    """Import ``source`` into ``db`` up to ``kills`` times, each run SIGKILLed once its first
    shards are written, after a random wait of up to ``longest`` seconds (a fraction of
    ``timed_import``'s span); after each, ``stored(db)`` checks the database (it must open,
    each record as it may be) and says how many of the ``total`` records it holds. Once the
    import is complete (a run that ended before its kill, or whose kill came after its last
    write) it stops, or, if no kill has landed yet (the load changed under the timing), goes on
    in a new database beside ``db``. Returns how many kills landed in the middle of an import
    (the process died of the kill with some but not all records stored; a test asserts there
    was at least one, or it proves nothing) and the database of the last run."""
    rng = random.Random(seed)
    landed = 0
    for run_number in range(kills):
        proc = run_importer(db, source, batch)
        read_until(proc, b"shards\n", 60)
        time.sleep(rng.uniform(0, longest))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode in (0, -signal.SIGKILL), (run_number, err)
        count = stored(db)
        assert count <= total, run_number
        if count == total:
            if landed:
                break
            db = db.parent.with_name(f"{db.parent.name}-{run_number}") / db.name
            continue
        assert proc.returncode == -signal.SIGKILL, (run_number, err)  # ended, not complete
        landed += count > 0
    return landed, db

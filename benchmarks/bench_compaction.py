"""How long a compaction at 500,000 annotations keeps reads of the same store waiting: a thread
reads (``get_state``, ``mine`` of a loaded article) in a loop while another compacts a journal
that touched ``--touched`` articles, and the longest read during the compaction is printed
beside the compaction's own time, for this tree and (``--base SRC``) the code before, in the
same run, alternately.

    python benchmarks/bench_compaction.py [--size 500000] [--touched 200] [--runs 3]
        [--keep DIR] [--base SRC]

``--keep DIR`` builds the database once into DIR (as ``bench_store.py`` does); each run works on
a fresh copy. CPU time (user + sys) of each run and the load average are printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_keys import copy_database

ROOT = Path(__file__).resolve().parents[1]


def child(db: Path, touched: int, out: Path) -> int:
    from tuireader.dbformat.journal import JOURNAL_MIN
    from tuireader.store import Store

    store = Store.open(db, "bench")
    store.defer_compaction()
    ids = store.annotated_article_ids()
    probe = ids[-1]
    store.mine(probe)  # loaded: the reads below cost what a look at the open article costs
    newer = [store.annotations(article_id)[0].changed(note="bench") for article_id in ids[:touched]]
    store.import_all(newer)  # one write that touches ``touched`` shards
    pad = max(JOURNAL_MIN, db.stat().st_size // 2)
    store.set_state("bench-padding", "x" * pad)
    assert store.compaction_due
    stop = threading.Event()
    reads: list[tuple[float, float]] = []

    def read() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            store.get_state("probe")
            store.mine(probe)
            reads.append((started, time.perf_counter()))
            time.sleep(0.001)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.3)
    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    compacted = store.compact()
    ended = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(0.1)
    stop.set()
    reader.join()
    store.close()
    during = [end - start for start, end in reads if end > began and start < ended]
    quiet = [end - start for start, end in reads if end < began]
    payload = {
        "compacted": compacted,
        "compact_s": ended - began,
        "compact_cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "worst_read_s": max(during, default=0.0),
        "reads_during": len(during),
        "quiet_read_s": statistics.median(quiet) if quiet else 0.0,
    }
    out.write_text(json.dumps(payload), encoding="utf-8")
    return 0


def run(built: Path, tmp: Path, touched: int, base: Path | None) -> dict[str, float]:
    work = tmp / "run"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    copy_database(built, work)
    out = tmp / "out.json"
    env = dict(os.environ)
    if base is not None:
        env["PYTHONPATH"] = str(base / "src")
    command = [sys.executable, __file__, "--child", str(work / built.name), str(out)]
    subprocess.run([*command, "--touched", str(touched)], check=True, cwd=ROOT, env=env)
    found: dict[str, float] = json.loads(out.read_text(encoding="utf-8"))
    found["load"] = os.getloadavg()[0]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500_000)
    parser.add_argument("--touched", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--base", type=Path, default=None)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], args.touched, args.child[1])

    import bench_store

    with tempfile.TemporaryDirectory() as tmp:
        name = f"keys-{args.size}.json"
        built = args.keep / name if args.keep is not None else Path(tmp) / name
        if not built.exists():
            docs = bench_store.records(args.size, bench_store.corpus(), random.Random(7), 40)
            built.parent.mkdir(parents=True, exist_ok=True)
            bench_store.build_ours(built, docs)
            del docs
        codes: dict[str, Path | None] = {"new": None}
        if args.base is not None:
            codes = {"base": args.base, "new": None}
        found: dict[str, list[dict[str, float]]] = {code: [] for code in codes}
        for _ in range(args.runs):
            for code, src in codes.items():
                found[code].append(run(built, Path(tmp), args.touched, src))
    print(
        f"compaction of a journal touching {args.touched} articles, {args.size:,} annotations"
        " (ms; each run: worst read during it / compaction wall / its CPU / load):"
    )
    for code, runs in found.items():
        each = "; ".join(
            f"{r['worst_read_s'] * 1000:.0f} / {r['compact_s'] * 1000:.0f} /"
            f" {r['compact_cpu'] * 1000:.0f} / {r['load']:.1f}"
            for r in runs
        )
        worst = statistics.median(r["worst_read_s"] for r in runs) * 1000
        quiet = statistics.median(r["quiet_read_s"] for r in runs) * 1000
        print(f"  {code}: median worst read {worst:.1f} ms (a read alone {quiet:.2f} ms); {each}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

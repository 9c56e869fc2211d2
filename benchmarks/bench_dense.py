"""The first read of one dense article: War and Peace tagged twice, sentence by sentence.

    python benchmarks/bench_dense.py [--db-dir DIR] [--runs N] [--profile]

Builds (or reuses, with ``--db-dir``) a database holding one article, the book from
``../shared/bench/war-and-peace.txt`` (a generated book of that size when it is absent), with
every sentence tagged by two annotators (~55,700 annotations in one shard). Then, each in a
fresh process, ``--runs`` times:

- baseline: reading and segmenting the book alone (what opening it costs with no database);
- first read: ``Store.open``, ``attach`` of the book and the reader's first reads of it
  (``annotations(article_id)`` and the annotator's layer ``mine``), as the reader does when it
  opens the article.

Prints the CPU time (user + sys) of each (medians of the runs, every run listed), the
difference, and the peak RSS. Target: the first read <= 1 s CPU beyond the baseline.
``--profile`` prints the first read's top functions. ``--compare DIR`` also times the first
read with another checkout's code (``DIR/src``, e.g. ``git worktree add DIR main``), its runs
alternating with this one's, on the same database and load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ENV = "BENCH_DENSE_SRC"
"""The code a child process runs (``--compare``); this checkout's by default."""
sys.path.insert(0, os.environ.get(SOURCE_ENV) or str(ROOT / "src"))

from tuireader.annotations import Annotation, Quote  # noqa: E402
from tuireader.articles import Article, load_article  # noqa: E402

BOOK = ROOT.parent / "shared" / "bench" / "war-and-peace.txt"
ANNOTATORS = ("ana", "bo")
TAGS = ("fact", "speculation", "expert_opinion")
TARGET_S = 1.0


def book(folder: Path) -> Path:
    """The book's file: the real one, or a generated book of its size written into ``folder``."""
    if BOOK.is_file():
        return BOOK
    path = folder / "generated-book.txt"
    if not path.is_file():
        paragraphs = (
            " ".join(
                f"Sentence {p}.{i} of a generated chapter, as long as most." for i in range(10)
            )
            for p in range(2784)
        )
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def build(folder: Path) -> Path:
    """The database: every sentence of the book tagged by each annotator."""
    from tuireader.store import Store

    db = folder / "annotations.json"
    if db.is_file():
        return db
    article = load_article(book(folder))
    stamp = "2024-05-01T09:30:00.000Z"
    annotations = [
        Annotation(
            article.id,
            s.start,
            s.end,
            TAGS[(s.index + n) % 3],
            Quote.from_body(article.body, s.start, s.end),
            who,
            "",
            f"{who}-{s.index:06d}",
            stamp,
        )
        for n, who in enumerate(ANNOTATORS)
        for s in article.sentences
    ]
    with Store.open(db, "ana") as store:
        store.attach(article)
        store.import_all(annotations, [])
    return db


def cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_read(db: Path, path: Path) -> dict[str, Any]:
    """In this process: what the reader does on opening the article the first time."""
    from tuireader.store import Store

    started, cpu = time.perf_counter(), cpu_seconds()
    article = load_article(path)
    len(article.sentences)
    segmented = cpu_seconds() - cpu
    with Store.open(db, "ana", create=False) as store:
        report = store.attach(article)
        shown = len(store.annotations(article.id))
        mine = len(store.mine(article.id))
    return {
        "cpu": cpu_seconds() - cpu,
        "segment_cpu": segmented,
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_rss_mb(),
        "annotations": shown,
        "mine": mine,
        "exact": report.exact,
    }


def baseline(path: Path) -> dict[str, Any]:
    """In this process: reading and segmenting the book alone."""
    started, cpu = time.perf_counter(), cpu_seconds()
    article: Article = load_article(path)
    len(article.sentences)
    return {
        "cpu": cpu_seconds() - cpu,
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_rss_mb(),
    }


def child(*argv: str, source: Path | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop(SOURCE_ENV, None)
    if source is not None:
        env[SOURCE_ENV] = str(source)
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", type=Path, help="keep the database here and reuse it")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one first read")
    parser.add_argument(
        "--compare", type=Path, metavar="DIR", help="also time another checkout's first read"
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DB", "BOOK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db, path = args.child
        job = first_read if kind == "read" else lambda _db, p: baseline(p)
        print(json.dumps(job(Path(db), Path(path))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        db = build(folder)
        path = book(folder)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"database {db} ready in {time.perf_counter() - started:.1f} s")
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(first_read, db, path)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            return 0
        other = None if args.compare is None else args.compare.resolve() / "src"
        reads, bases, others = [], [], []
        for _ in range(args.runs):
            bases.append(child("base", str(db), str(path)))
            if other is not None:
                others.append(child("read", str(db), str(path), source=other))
            reads.append(child("read", str(db), str(path)))
        base = median(r["cpu"] for r in bases)
        read = median(r["cpu"] for r in reads)
        extra = read - base
        print(
            f"book alone (read + segment): {base:.2f} s CPU (median of {args.runs}: "
            f"{runs(bases)}), peak {max(r['peak_mb'] for r in bases):.0f} MB"
        )
        last = reads[-1]
        print(
            f"first read ({last['annotations']:,} annotations, {last['mine']:,} of ana's, "
            f"{last['exact']:,} exact): {read:.2f} s CPU (median of {runs(reads)}), "
            f"{median(r['seconds'] for r in reads):.2f} s wall, "
            f"peak {max(r['peak_mb'] for r in reads):.0f} MB"
        )
        if other is not None:
            then = median(r["cpu"] for r in others)
            print(
                f"first read with {other}: {then:.2f} s CPU (median of {runs(others)}), "
                f"{then - base:.2f} s beyond the book alone; this checkout's is "
                f"{read / then:.2f}x of it"
            )
        met = extra <= TARGET_S
        print(
            f"beyond the book alone: {extra:.2f} s CPU ({'ok' if met else 'NOT MET'}, <= {TARGET_S:.0f} s)"
        )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        print(f"dense_first_read_s={read:.3f} dense_extra_s={extra:.3f} target_met={met}")
        return 0 if met else 1


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def runs(results: list[dict[str, Any]]) -> str:
    return ", ".join(format(r["cpu"], ".2f") for r in results)


if __name__ == "__main__":
    raise SystemExit(main())

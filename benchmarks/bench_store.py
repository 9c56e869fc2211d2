"""Tag-to-disk latency of the annotation store, bytes written per tag, open time and memory.

For each size it builds a database, then measures in the same run and on the same disk: how long
one ``Store.tag`` takes until the change is on disk (median), the bytes the process wrote per tag
(``/proc/self/io``, compactions included, averaged), the time to open the store, the peak RSS
after opening, and (up to 50k) one ``insert`` with TinyDB's default storage for comparison.

    python benchmarks/bench_store.py [--sizes 1000,10000,100000,500000] [--reps 41] [--dir DIR]

The last line reads ``tag_ms_500k=… bytes_per_tag_500k=… open_ratio_500k=… rss_mb_500k=…``
(for the largest size; ``open_ratio`` is opening the store against opening no database, both
in a fresh process). Targets (issue 10): ≤ 10 ms and within 1.5x of 1k, ≤ 256 KB, ≤ 1.5, ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from tinydb import TinyDB

from tuireader.annotations import Annotation
from tuireader.articles import Article, from_text, load_article
from tuireader.storage import ANNOTATIONS, AtomicJSONStorage, empty_tables
from tuireader.store import Store, record_of

ROOT = Path(__file__).resolve().parents[1]
TAGS = ("fact", "speculation", "expert_opinion")
LONG_BOOK = Path("/work/shared/bench/war-and-peace.txt")


def corpus() -> list[Article]:
    """Real articles for realistic quote lengths; a generated one when none are present."""
    found = [load_article(p) for p in sorted((ROOT / "sample_articles").glob("*.*"))]
    if not found:
        found = [
            from_text(
                " ".join(
                    f"Sentence {i} of a generated news story, as long as most." for i in range(60)
                )
            )
        ]
    return found


def records(n: int, articles: list[Article], rng: random.Random) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        art = articles[i % len(articles)]
        s = rng.choice(art.sentences)
        ann = Annotation.new(f"{i // 40:016x}", art.body, s.start, s.end, rng.choice(TAGS), "bench")
        out.append(ann.to_dict())
    return out


def build_ours(path: Path, docs: list[dict[str, object]]) -> None:
    tables = empty_tables()
    # Stored as the store itself writes them.
    tables[ANNOTATIONS] = {str(d["id"]): record_of(Annotation.from_dict(d)) for d in docs}
    AtomicJSONStorage(path, tables).flush()


def build_default(path: Path, docs: list[dict[str, object]]) -> None:
    # The layout TinyDB's JSONStorage writes: integer document ids as strings.
    path.write_text(json.dumps({"_default": {str(i + 1): d for i, d in enumerate(docs)}}))


def written_bytes() -> int:
    with open("/proc/self/io", encoding="ascii") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("write_bytes"))


def open_in_fresh_process(path: Path | None) -> tuple[float, float]:
    """(ms to open, peak RSS MB) of ``Store.open`` in a new interpreter (no db: an empty one)."""
    code = (
        "import time,resource,sys;from pathlib import Path;"
        "from tuireader.store import Store;t=time.perf_counter();"
        "s=Store.open(Path(sys.argv[1]),'bench');ms=(time.perf_counter()-t)*1000;"
        "print(ms, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    import subprocess
    import sys

    target = str(path) if path is not None else tempfile.mktemp(suffix=".json")
    out = subprocess.run(
        [sys.executable, "-c", code, target], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def measure_ours(path: Path, article: Article, reps: int) -> tuple[float, float, float]:
    """(median tag ms, bytes written per tag, open ms)."""
    start = time.perf_counter()
    store = Store.open(path, "bench")
    open_ms = (time.perf_counter() - start) * 1000
    store.attach(article)
    times = []
    before = written_bytes()
    for i in range(reps):
        first = (i * 3) % len(article.sentences)
        t0 = time.perf_counter()
        store.tag(article, first, first, TAGS[i % 3])
        times.append((time.perf_counter() - t0) * 1000)
    per_tag = (written_bytes() - before) / reps
    store.close()
    return statistics.median(times), per_tag, open_ms


def measure_default(path: Path, docs: list[dict[str, object]], reps: int) -> float:
    db = TinyDB(path)
    times = []
    for i in range(reps):
        doc = dict(docs[i % len(docs)], id=str(uuid.uuid4()))
        t0 = time.perf_counter()
        db.insert(doc)
        times.append((time.perf_counter() - t0) * 1000)
    db.close()
    return statistics.median(times)


def long_article() -> Article:
    """War and Peace (~25,700 sentences) when present; else a generated book of that size."""
    if LONG_BOOK.is_file():
        return load_article(LONG_BOOK)
    paragraphs = (
        " ".join(f"Sentence {p}.{i} of a generated chapter, as long as most." for i in range(10))
        for p in range(2570)
    )
    return from_text("\n\n".join(paragraphs))


def measure_tag_many(directory: Path, runs_wanted: int) -> tuple[float, int, int]:
    """Time of one ``tag_many`` accepting ``runs_wanted`` single-sentence suggestions on a long
    book that already carries some multi-sentence tags, including the write."""
    article = long_article()
    n = len(article.sentences)
    rng = random.Random(1)
    runs = [(i, i, rng.choice(TAGS)) for i in sorted(rng.sample(range(n), min(runs_wanted, n)))]
    with Store.open(directory / "tag-many.json", "bench") as store:
        store.attach(article)
        store.tag_many(article, [(k, k + 3, "fact") for k in range(0, n - 5, 997)], "setup")
        t0 = time.perf_counter()
        store.tag_many(article, runs, f"accept {len(runs)}")
        elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, len(runs), n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,500000")
    parser.add_argument("--reps", type=int, default=41)
    parser.add_argument("--default-reps", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files")
    parser.add_argument("--tag-many", type=int, default=0, help="runs in one tag_many (0: skip)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    articles = corpus()
    target = articles[0]
    rng = random.Random(7)

    print(
        f"{'annotations':>11}  {'tag ms':>7}  {'KB/tag':>7}  {'open ms':>8}  {'open x':>6}"
        f"  {'RSS MB':>7}  {'file MB':>7}  {'tinydb ms':>9}"
    )
    results: dict[int, tuple[float, float, float, float]] = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in sizes:
            docs = records(n, articles, rng)
            ours = Path(tmp) / f"ours-{n}.json"
            build_ours(ours, docs)
            del docs
            os.sync()
            ours_ms, per_tag, _ = measure_ours(ours, target, args.reps)
            os.sync()
            open_ms, rss = open_in_fresh_process(ours)
            none_ms, _ = open_in_fresh_process(None)
            default_ms = float("nan")
            if n <= 50_000:
                default = Path(tmp) / f"default-{n}.json"
                build_default(default, records(n, articles, rng))
                os.sync()
                default_ms = measure_default(default, records(50, articles, rng), args.default_reps)
                default.unlink()
            ratio = open_ms / none_ms
            results[n] = (ours_ms, per_tag, ratio, rss)
            size_mb = ours.stat().st_size / 1e6
            print(
                f"{n:>11}  {ours_ms:>7.2f}  {per_tag / 1024:>7.1f}  {open_ms:>8.0f}  {ratio:>6.1f}"
                f"  {rss:>7.0f}  {size_mb:>7.1f}  {default_ms:>9.1f}",
                flush=True,
            )
            ours.unlink()
        if args.tag_many:
            ms, count, sentences = measure_tag_many(Path(tmp), args.tag_many)
            print(f"tag_many: {count} runs on {sentences} sentences in {ms:.0f} ms (incl. write)")
    largest = max(results)
    tag_ms, per_tag, ratio, rss = results[largest]
    k = f"{largest // 1000}k"
    print(
        f"tag_ms_{k}={tag_ms:.2f} bytes_per_tag_{k}={per_tag:.0f} open_ratio_{k}={ratio:.2f} "
        f"rss_mb_{k}={rss:.0f}"
    )


if __name__ == "__main__":
    main()

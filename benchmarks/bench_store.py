"""Tag-to-disk latency of the annotation store against TinyDB's default JSONStorage.

For 1k, 10k and 50k annotations it measures, in the same run and on the same disk: how long one
``Store.tag`` takes until the change is on disk (median), how long one ``insert`` takes with
TinyDB's default storage holding the same records, their ratio, and the time to open our file.

    python benchmarks/bench_store.py [--sizes 1000,10000,50000] [--reps 15] [--dir DIR]

The last line reads ``ratio_vs_tinydb_default=R tag_to_disk_ms_50k=M`` (targets: R >= 8, M <= 30).
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


def measure_ours(path: Path, article: Article, reps: int) -> tuple[float, float]:
    start = time.perf_counter()
    store = Store.open(path, "bench")
    open_ms = (time.perf_counter() - start) * 1000
    store.attach(article)
    times = []
    for i in range(reps):
        first = (i * 3) % len(article.sentences)
        t0 = time.perf_counter()
        store.tag(article, first, first, TAGS[i % 3])
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    return statistics.median(times), open_ms


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
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--reps", type=int, default=21)
    parser.add_argument("--default-reps", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files")
    parser.add_argument(
        "--tag-many", type=int, default=10_000, help="runs in one tag_many (0: skip)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    articles = corpus()
    target = articles[0]
    rng = random.Random(7)

    print(
        f"{'annotations':>11}  {'ours ms':>8}  {'tinydb ms':>9}  {'ratio':>6}  {'open ms':>8}  {'file MB':>7}"
    )
    results: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in sizes:
            docs = records(n, articles, rng)
            ours, default = Path(tmp) / f"ours-{n}.json", Path(tmp) / f"default-{n}.json"
            # Each side starts with no dirty pages of the other's setup still being flushed.
            build_ours(ours, docs)
            os.sync()
            ours_ms, open_ms = measure_ours(ours, target, args.reps)
            build_default(default, docs)
            os.sync()
            default_ms = measure_default(default, docs, args.default_reps)
            ratio = default_ms / ours_ms
            results[n] = (ours_ms, ratio)
            size_mb = ours.stat().st_size / 1e6
            print(
                f"{n:>11}  {ours_ms:>8.1f}  {default_ms:>9.1f}  {ratio:>6.1f}  {open_ms:>8.0f}  {size_mb:>7.1f}",
                flush=True,
            )
        if args.tag_many:
            ms, count, sentences = measure_tag_many(Path(tmp), args.tag_many)
            print(f"tag_many: {count} runs on {sentences} sentences in {ms:.0f} ms (incl. write)")
    largest = max(results)
    ours_ms, ratio = results[largest]
    print(f"ratio_vs_tinydb_default={ratio:.1f} tag_to_disk_ms_{largest // 1000}k={ours_ms:.1f}")


if __name__ == "__main__":
    main()

"""Segmentation throughput on War and Peace and the English Golden Rules score.

Usage: python benchmarks/bench_segmentation.py [--bench-dir ../shared/bench]
Prints figures; the last line is machine-readable.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from tuireader.articles import from_text, load_article
from tuireader.sentences import segment

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench"


def golden(path: Path) -> tuple[int, int, int, int, list[str]]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    passed48 = total48 = passed_all = 0
    failed = []
    for case in cases:
        got = [s.text for s in from_text(case["text"]).sentences]
        ok = got == [e.strip() for e in case["expected"]]
        passed_all += ok
        if case["in_pysbd48"]:
            total48 += 1
            passed48 += ok
        if not ok:
            failed.append(f"{case['id']} {case['title']}")
    return passed48, total48, passed_all, len(cases), failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    book = args.bench_dir / "war-and-peace.txt"

    t0 = time.perf_counter()
    article = load_article(book)
    load_s = time.perf_counter() - t0
    size_mb = len(article.body.encode("utf-8")) / 1e6
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        sentences = segment(article.body, article.paragraphs)
        runs.append(time.perf_counter() - t0)
    seg_s = statistics.median(runs)
    longest = max(s.end - s.start for s in sentences)
    print(
        f"war-and-peace: {size_mb:.2f} MB body, {len(article.paragraphs)} paragraphs, {len(sentences)} sentences"
    )
    print(
        f"load+parse: {load_s * 1000:.0f} ms; segmentation median of {args.repeat}: {seg_s * 1000:.0f} ms"
    )
    print(f"segmentation throughput: {size_mb / seg_s:.1f} MB/s; longest sentence {longest} chars")

    passed48, total48, passed_all, total, failed = golden(args.bench_dir / "golden-rules-en.json")
    print(f"golden rules: {passed48}/{total48} (pySBD's 48), {passed_all}/{total} (all)")
    for name in failed:
        print(f"  failed: {name}")
    print(f"segment_mb_per_s={size_mb / seg_s:.1f} golden48={passed48}")


if __name__ == "__main__":
    main()

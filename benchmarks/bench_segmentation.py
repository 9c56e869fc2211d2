"""Segmentation throughput on War and Peace, on one long unspaced CJK paragraph against English of
the same length, and the English Golden Rules score.

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
from tuireader.sentences import segment, split_paragraph

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


def paragraph_seconds(text: str) -> tuple[float, int]:
    """Seconds and sentence count for one paragraph segmented whole."""
    t0 = time.perf_counter()
    spans = split_paragraph(text)
    return time.perf_counter() - t0, len(spans)


def cjk_against_english(chars: int) -> float:
    """CJK MB/s on one paragraph with no spaces (sentencex was quadratic on these: 200k chars
    took 7.8 s), printed beside English of the same length measured in the same run."""
    cjk_sentence = "市场今天小幅上涨，投资者等待央行的决定。"
    english_sentence = "Markets rose slightly today as investors awaited the bank. "
    cjk = cjk_sentence * (chars // len(cjk_sentence))
    english = english_sentence * (chars // len(english_sentence))
    cjk_s, cjk_count = paragraph_seconds(cjk)
    en_s, en_count = paragraph_seconds(english)
    cjk_mb_s = len(cjk.encode("utf-8")) / 1e6 / cjk_s
    en_mb_s = len(english.encode("utf-8")) / 1e6 / en_s
    print(
        f"one {len(cjk):,}-char paragraph: CJK {cjk_s * 1000:.0f} ms = {cjk_mb_s:.2f} MB/s "
        f"({cjk_count} sentences); English {len(english):,} chars {en_s * 1000:.0f} ms = "
        f"{en_mb_s:.2f} MB/s ({en_count} sentences); CJK/English time {cjk_s / en_s:.1f}x"
    )
    return cjk_mb_s


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
    cpu_runs = []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        sentences = segment(article.body, article.paragraphs)
        runs.append(time.perf_counter() - t0)
        cpu_runs.append(time.process_time() - c0)
    seg_s = statistics.median(runs)
    cpu_s = min(cpu_runs)  # CPU time: what the code costs on a machine other work shares
    longest = max(s.end - s.start for s in sentences)
    print(
        f"war-and-peace: {size_mb:.2f} MB body, {len(article.paragraphs)} paragraphs, {len(sentences)} sentences"
    )
    print(
        f"load+parse: {load_s * 1000:.0f} ms; segmentation median of {args.repeat}: {seg_s * 1000:.0f} ms"
    )
    print(
        f"segmentation throughput: {size_mb / seg_s:.1f} MB/s wall, {size_mb / cpu_s:.1f} MB/s "
        f"CPU (best of {args.repeat}); longest sentence {longest} chars"
    )

    passed48, total48, passed_all, total, failed = golden(args.bench_dir / "golden-rules-en.json")
    print(f"golden rules: {passed48}/{total48} (pySBD's 48), {passed_all}/{total} (all)")
    for name in failed:
        print(f"  failed: {name}")
    cjk_mb_s = cjk_against_english(200_000)
    print(f"segment_mb_per_s={size_mb / seg_s:.1f} golden48={passed48} cjk_mb_per_s={cjk_mb_s:.2f}")


if __name__ == "__main__":
    main()

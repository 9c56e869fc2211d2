"""Per-file CPU of reading an article file at hand (issue 10's import), this checkout against a
baseline checkout, both loaded in ONE process and timed alternately.

    python benchmarks/bench_article_files.py --baseline OTHER/src [--files 2500] [--rounds 15]
        [--layout files|dated]

Writes ``--files`` articles to a temporary folder: ``files``, ``bench_import_at_hand.py``'s
layout (a title line, one paragraph of 20 sentences); ``dated``, the seed format (the date
header, no title line, the same 20 sentences in four paragraphs). Then per round times, for
each version in turn, ``load_unchanged`` of every file plus its ``sentences`` (what import's
attach reads). Prints process CPU per file (min and median over the rounds) for each version,
the ratio, the load average, and checks that both versions give the same articles (id, title,
body, paragraphs, date, sentences).
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _load(src: Path) -> ModuleType:
    """``tuireader.articles`` from ``src``, under modules of its own (the other version's are
    put aside first, so each function keeps the globals of its own checkout)."""
    for name in [n for n in sys.modules if n == "tuireader" or n.startswith("tuireader.")]:
        del sys.modules[name]
    sys.path.insert(0, str(src))
    try:
        return importlib.import_module("tuireader.articles")
    finally:
        sys.path.remove(str(src))


def _seen(a: Any) -> tuple[object, ...]:
    sentences = [(s.index, s.start, s.end, s.paragraph, s.text) for s in a.sentences]
    return (a.id, a.title, a.body, a.paragraphs, a.date, sentences)


def dated_text(number: int) -> str:
    """The seed format: date header, then four paragraphs of five sentences, no title line."""
    paragraphs = [
        " ".join(
            f"Dock {number} took barge {j} on day {j + 1} of the refit." for j in range(k, k + 5)
        )
        for k in range(0, 20, 5)
    ]
    return f" date 2025-06-{number % 28 + 1:02d} \n\n" + "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout's src")
    parser.add_argument("--files", type=int, default=2500)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--layout", choices=("files", "dated"), default="files")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_import_at_hand import files_text

    versions = {"baseline": _load(args.baseline.resolve()), "this": _load(ROOT / "src")}
    if versions["baseline"].__file__ == versions["this"].__file__:
        sys.exit(f"--baseline {args.baseline} is not another checkout's src")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for number in range(args.files):
            path = Path(tmp) / f"notes_{number:06d}.txt"
            text = files_text(number) if args.layout == "files" else dated_text(number)
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        results = {}
        for name, articles in versions.items():
            loaded = [articles.load_article(p) for p in paths]
            results[name] = [_seen(a) for a in loaded]
        same = results["baseline"] == results["this"]
        ids = [r[0] for r in results["this"]]
        runs: dict[str, Callable[..., None]] = {}
        for name, articles in versions.items():

            def run(load: Callable[..., Any] = articles.load_unchanged) -> None:
                for path, article_id in zip(paths, ids, strict=True):
                    article = load(path, article_id)
                    article.sentences  # noqa: B018

            runs[name] = run
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                start = time.process_time()
                run()
                times[name].append((time.process_time() - start) / len(paths) * 1e6)
    print(
        f"load average {os.getloadavg()[0]:.2f}, {args.files} {args.layout} files"
        f" x {args.rounds} rounds"
    )
    for name, values in times.items():
        print(f"{name:9s} min {min(values):6.1f} us/file  median {statistics.median(values):6.1f}")
    ratio = statistics.median(times["this"]) / statistics.median(times["baseline"])
    print(f"identical={same} ratio_median={ratio:.2f}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()

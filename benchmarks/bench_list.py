"""The article list while a folder fills in: lines drawn per batch of files, and loop stalls.

Usage: python benchmarks/bench_list.py [--files 5000] [--runs 2] [--base SRC]

A folder of ``--files`` generated articles (``bench_ui.generate_library``: folders of 1,000, in
/dev/shm where there is one) is opened with no summary cache, as on a first start; the library
worker fills in titles, dates and counts and hands them to the event loop in batches. Each run
is a fresh process, headless (``App.run_test``, 120x40), from the first frame until every file
is filled in, twice: the list left alone ("still"), and ``j`` pressed in the list every 50 ms
("scrolling"). Per run:

- batches: how many times the worker handed results to the loop;
- lines built / drawn per batch (median and worst): strips the list built (``_line_strip``) and
  lines it handed to the screen (``render_line``) from one batch to the next, keys included;
- the worst and p99 stall of the event loop (a 5 ms ticker's lateness), and the process's CPU
  seconds (user + system) over the fill.

``--where N`` prints, per run, where the stalls went (the loop's CPU, the other threads', and
the N longest with their likeliest stacks, sampled as ``bench_keys.py`` does).

``--base SRC`` runs the code in ``SRC/src`` (e.g. main, exported with ``git archive``) in the same
run, alternating with this tree, so load hits both alike. The load average is printed beside
each run. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_keys import StallSampler, where  # noqa: E402
from bench_ui import generate_library, loop_stalls  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def fill(folder: Path, db: Path, scroll: bool) -> dict[str, Any]:
    """One reader on ``folder`` (no summary cache) from its first frame until it is filled in."""
    from tuireader.catalog import Catalog
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp
    from tuireader.ui.article_list import ArticleList

    built = [0]
    drawn = [0]
    marks: list[tuple[int, int]] = []
    line_strip, render_line = ArticleList._line_strip, ArticleList.render_line
    arrived = ReaderApp._summaries_arrived

    def counted_strip(self: Any, *args: Any) -> Any:
        built[0] += 1
        return line_strip(self, *args)

    def counted_line(self: Any, *args: Any) -> Any:
        drawn[0] += 1
        return render_line(self, *args)

    def batch(self: Any, *args: Any) -> Any:
        marks.append((built[0], drawn[0]))
        return arrived(self, *args)

    ArticleList._line_strip = counted_strip  # type: ignore[method-assign]
    ArticleList.render_line = counted_line  # type: ignore[method-assign]
    ReaderApp._summaries_arrived = batch  # type: ignore[method-assign]
    store = Store.open(db, "bench")
    app = ReaderApp(Catalog.scan([folder]), store, db_path=db, cache_path=None)
    stalls: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        sampler = StallSampler()
        sampler.start()
        ticker = asyncio.ensure_future(loop_stalls(stalls, beat=sampler.beat))
        cpu, start = cpu_seconds(), time.perf_counter()
        while app.catalog.pending or app.pane.article is None:
            if scroll:
                app.article_list.focus()
                await pilot.press("j")
            await asyncio.sleep(0.05)
            if time.perf_counter() - start > 120:
                raise SystemExit("not filled in after 120 s")
        await pilot.pause(0.2)
        ticker.cancel()
        sampler.stop()
        marks.append((built[0], drawn[0]))
        cpu = cpu_seconds() - cpu
        wall = time.perf_counter() - start
        await pilot.press("q")
    store.close()
    per_built = [b2 - b1 for (b1, _), (b2, _) in pairwise(marks)]
    per_drawn = [d2 - d1 for (_, d1), (_, d2) in pairwise(marks)]
    ordered = sorted(stalls)
    return {
        "batches": len(marks) - 1,
        "built_median": statistics.median(per_built) if per_built else 0,
        "built_max": max(per_built, default=0),
        "drawn_median": statistics.median(per_drawn) if per_drawn else 0,
        "drawn_max": max(per_drawn, default=0),
        "stall_max_ms": ordered[-1] * 1000 if ordered else 0.0,
        "stall_p99_ms": ordered[int(len(ordered) * 0.99)] * 1000 if ordered else 0.0,
        "cpu_s": cpu,
        "wall_s": wall,
        "stalls": sorted(sampler.stalls, reverse=True),
    }


def child(folder: Path, out: Path, scroll: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(fill(folder, Path(tmp) / "db.json", scroll))
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


def run(folder: Path, scroll: bool, base: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        env = dict(os.environ, TUIREADER_CACHE="")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if base is not None:
            env["PYTHONPATH"] = str(base / "src")
        args = [sys.executable, __file__, "--child", str(folder), str(out)]
        if scroll:
            args.append("--scroll")
        subprocess.run(args, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--base", type=Path, default=None, help="source tree of the code before")
    parser.add_argument(
        "--where", type=int, default=0, help="print where the N longest stalls of each run went"
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scroll", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], args.child[1], args.scroll)
    codes: dict[str, Path | None] = {"new": None}
    if args.base is not None:
        codes = {"base": args.base, "new": None}
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        folder = Path(tmp) / "library"
        generate_library(folder, args.files)
        for _ in range(args.runs):
            for mode in ("still", "scrolling"):
                for name, src in codes.items():
                    load = os.getloadavg()[0]
                    result = run(folder, mode == "scrolling", src)
                    results.setdefault((name, mode), []).append(result)
                    print(
                        f"{name:4} {mode:9} batches {result['batches']:3}  lines built/batch "
                        f"{result['built_median']:5.1f} median {result['built_max']:4} worst  "
                        f"drawn/batch {result['drawn_median']:5.1f} / {result['drawn_max']:4}  "
                        f"stall worst {result['stall_max_ms']:6.1f} ms p99 "
                        f"{result['stall_p99_ms']:5.1f}  CPU {result['cpu_s']:5.2f} s "
                        f"(wall {result['wall_s']:5.2f})  load {load:.2f}",
                        flush=True,
                    )
                    if args.where:
                        print("\n".join(where(result["stalls"], args.where)), flush=True)
    summary = []
    for (name, mode), rs in results.items():
        summary.append(
            f"{name}_{mode}_drawn_per_batch={statistics.median(r['drawn_median'] for r in rs):g} "
            f"{name}_{mode}_stall_ms={max(r['stall_max_ms'] for r in rs):.1f}"
        )
    print(" ".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

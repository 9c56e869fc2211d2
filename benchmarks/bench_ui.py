"""Reader speed: first paint, cursor and tag latency, peak memory.

Usage: python benchmarks/bench_ui.py [--runs 5] [--presses 300] [--bench-dir ../shared/bench]

- First paint: ``tuireader`` on the samples and a minimal Textual app (Header, ListView of 20
  items, Static, Footer), each started as a fresh process that runs headless and exits as soon as
  its first frame is drawn; wall time from spawn to exit, median of ``--runs``, same run.
- War and Peace opened from the command line: first paint the same way, and peak RSS of that
  process (``wait4``).
- Cursor move and tag, UI side (the store's disk write excluded, timed on its own), median over
  ``--presses`` on War and Peace and on a short sample article.

Prints figures; the last line is machine-readable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "bench"
SAMPLES = ROOT / "sample_articles"
SHORT = SAMPLES / "kim-putin-summit.txt"
FIRST_PAINT_ENV = "TUIREADER_FIRST_PAINT_FILE"


def minimal_app() -> int:
    """The reference: Header, a ListView of 20 items, a Static and a Footer."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Label, ListItem, ListView, Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield ListView(*(ListItem(Label(f"Item {i}")) for i in range(20)))
            yield Static("A static widget")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            Path(os.environ[FIRST_PAINT_ENV]).write_text(repr(time.time()), encoding="utf-8")
            self.exit()

    Minimal().run(headless=True)
    return 0


def spawn(args: list[str], db: Path) -> tuple[float, float]:
    """Seconds from spawn to the first frame drawn, and the peak RSS in MB of the process."""
    stamp = db.with_suffix(".painted")
    stamp.unlink(missing_ok=True)
    env = dict(os.environ, **{FIRST_PAINT_ENV: str(stamp), "TUIREADER_DB": str(db)})
    # An installed tuireader runs from cached bytecode (pip compiles it); with bytecode writing
    # off, every run would compile our sources while textual's come precompiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = float(stamp.read_text(encoding="utf-8")) - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{args} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss / 1024


def first_paints(
    commands: dict[str, list[str]], runs: int, db: Path
) -> dict[str, tuple[float, float]]:
    """Median first paint and peak RSS per command; runs interleaved so load hits all alike."""
    for args in commands.values():
        spawn(args, db)  # warm the file cache and bytecode
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            results[name].append(spawn(args, db))
    return {
        name: (statistics.median(r[0] for r in rs), max(r[1] for r in rs))
        for name, rs in results.items()
    }


async def latencies(path: Path, presses: int) -> dict[str, float]:
    """Median ms of the UI side of a cursor move and of a tag (store call timed separately)."""
    from tuireader.articles import load_library
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp

    library = load_library([path])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        store = Store.open(db, "bench")
        app = ReaderApp(library, store, db_path=db, open_article=library.articles[0])
        moves: list[float] = []
        tags: list[float] = []
        disk: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            pane = app.pane
            total = len(pane.sentences)
            # Start mid-book so every move scrolls through fresh text.
            pane.move_to(total // 2)
            await pilot.pause()
            for i in range(presses):
                start = time.perf_counter()
                pane.action_move(1 if i % 50 < 40 else -1)
                app.update_status()
                moves.append(time.perf_counter() - start)
                if i % 25 == 0:
                    await pilot.pause()  # let frames render, as between real key presses
            article = pane.article
            assert article is not None
            for i in range(min(presses, 100)):
                index = pane.cursor
                start = time.perf_counter()
                change = store.tag(article, index, index, ("fact", "speculation")[i % 2])
                stored = time.perf_counter()
                app.apply_change(change)
                app.update_status()
                pane.action_move(1)
                end = time.perf_counter()
                disk.append(stored - start)
                tags.append(end - stored)
                if i % 10 == 0:
                    await pilot.pause()
            await pilot.press("q")
        store.close()
    return {
        "sentences": total,
        "move_ms": statistics.median(moves) * 1000,
        "move_p95_ms": sorted(moves)[int(len(moves) * 0.95)] * 1000,
        "tag_ui_ms": statistics.median(tags) * 1000,
        "tag_disk_ms": statistics.median(disk) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--minimal-app", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.minimal_app:
        return minimal_app()

    book = options.bench_dir / "war-and-peace.txt"
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "first-paint.json"
        paints = first_paints(
            {
                "minimal": [python, __file__, "--minimal-app"],
                "samples": [python, "-m", "tuireader", str(SAMPLES)],
                "book": [python, "-m", "tuireader", str(book)],
            },
            options.runs,
            db,
        )
    minimal = paints["minimal"][0]
    samples = paints["samples"][0]
    book_paint, book_rss = paints["book"]
    ratio = samples / minimal
    print(f"first paint, minimal Textual app:   {minimal * 1000:7.0f} ms")
    print(f"first paint, tuireader on samples:  {samples * 1000:7.0f} ms  ({ratio:.2f}x minimal)")
    print(f"first paint, War and Peace:         {book_paint * 1000:7.0f} ms  (target <= 1500)")
    print(f"peak RSS, War and Peace:            {book_rss:7.0f} MB  (target <= 250)")

    short = asyncio.run(latencies(SHORT, options.presses))
    big = asyncio.run(latencies(book, options.presses))
    for name, figures in (("short article", short), ("War and Peace", big)):
        print(
            f"{name:>14} ({figures['sentences']:.0f} sentences): cursor move "
            f"{figures['move_ms']:.3f} ms median ({figures['move_p95_ms']:.3f} p95), tag "
            f"{figures['tag_ui_ms']:.3f} ms UI + {figures['tag_disk_ms']:.1f} ms store/disk"
        )
    print(
        f"first_paint_ratio={ratio:.2f} wp_first_paint_ms={book_paint * 1000:.0f} "
        f"wp_peak_rss_mb={book_rss:.0f} wp_move_ms={big['move_ms']:.3f} "
        f"wp_tag_ui_ms={big['tag_ui_ms']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

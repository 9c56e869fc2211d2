"""The reader's memory on a dense book: peak and held RSS of the whole app, from start-up until
it has settled (the article open, the list's counts read, a few looks at other windows' writes).

    python benchmarks/bench_reader_memory.py [--keep DIR] [--base SRC] [--runs N] [--plain]
        [--book PATH]

War and Peace (``--book``, ``../shared/bench/war-and-peace.txt`` or ``../../shared/bench/...``,
else ``bench_dense``'s generated book, half its size, said on stderr) is
copied into the folder and every sentence tagged by two annotators (~55,700 annotations, as
``bench_dense.py`` builds them), then the copy is edited at the top (one sentence added, as
``bench_dense.edited`` does), so the reader's open re-anchors every annotation (``--plain``:
the book as tagged). Each run is a fresh process running ``ReaderApp`` headless on the book
(``run_test``), as ``run_app`` does it (no collections until the first frame): it waits for the
open, then for every write and read to land, then for ``LOOKS`` looks of the refresh timer.
Printed per run: peak RSS (``VmHWM``) when the article is shown and at the end, RSS held at the
end, the process's CPU (user + sys) and the load average. ``--base SRC`` (a source tree of the
code before) runs alternately with this tree's, on copies of the same database.
Target (issue 10 follow-up): peak <= 200 MB on the edited book, the open no slower.

``--switches N`` measures instead switching articles: ``SWITCH_ARTICLES`` long articles (text
written here, ~2,400 sentences each: over ``LONG_ARTICLE_SENTENCES``, so each is set aside from
the collector while shown) in a library, opened in turn N times, each a fresh process (with
``--base``, alternating). Printed every 10 switches: RSS, objects frozen (``gc.freeze``) and
how many of the articles shown are still alive (the catalog keeps ``OPEN_ARTICLES``). Target:
RSS flat, no more articles alive than the catalog keeps.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BOOKS = [ROOT.parent / "shared" / "bench" / "war-and-peace.txt"]
BOOKS.append(ROOT.parent.parent / "shared" / "bench" / BOOKS[0].name)
"""Where the book is looked for: beside the checkout (``bench_dense.BOOK``), or beside the
folder of worktrees (a worktree of ``/work/wt/``)."""
LOOKS = 3
"""Looks of the refresh timer waited for after start-up (``REFRESH_INTERVAL`` apart)."""
SWITCH_ARTICLES = 10
"""Articles switched between (``--switches``): more than the catalog keeps parsed."""
WORDS = [
    "harbour",
    "boats",
    "nets",
    "quay",
    "rain",
    "market",
    "stalls",
    "river",
    "bridge",
    "council",
    "vote",
    "road",
    "school",
]


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(folder: Path, plain: bool, book: Path | None = None) -> tuple[Path, Path]:
    """The database and the book's file (edited at the top unless ``plain``) in ``folder``."""
    import bench_dense
    from tuireader.articles import load_article
    from tuireader.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    text_path = folder / "war-and-peace.txt"
    db = folder / "annotations.json"
    if not db.is_file():
        found = next((b for b in (book, *BOOKS) if b is not None and b.is_file()), None)
        if found is None:
            print("War and Peace not found: a generated book of half its size", file=sys.stderr)
        shutil.copyfile(found or bench_dense.book(folder), text_path)
        article = load_article(text_path)
        with Store.open(db, "ana") as store:
            store.attach(article)
            store.import_all(bench_dense.tagged(article), [])
        original = text_path.read_text(encoding="utf-8")
        text_path.with_suffix(".orig").write_text(original, encoding="utf-8")
    original = text_path.with_suffix(".orig").read_text(encoding="utf-8")
    text = original if plain else bench_dense.INSERTED + original
    text_path.write_text(text, encoding="utf-8")
    return db, text_path


async def drive(db: Path, book: Path) -> dict[str, Any]:
    from tuireader.catalog import Catalog
    from tuireader.store import Store
    from tuireader.ui.app import REFRESH_INTERVAL, ReaderApp

    started = time.perf_counter()
    gc.disable()  # as run_app: the app resumes the collector after its first frame
    catalog = Catalog.scan([book])
    store = Store.open(db, "ana")
    app = ReaderApp(catalog, store, db_path=db, open_article=catalog.article(catalog.entries[0]))
    found: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.pane.sentences:
            await pilot.pause(0.05)
        await app.opened()
        found["shown_s"] = time.perf_counter() - started
        found["shown_peak_mb"] = status_mb("VmHWM")
        await app.reads_landed()
        for _ in range(LOOKS):
            await pilot.pause(REFRESH_INTERVAL + 0.1)
            await app.reads_landed()
        found["annotations"] = len(app.pane._placed)
        await pilot.press("q")
    found["peak_mb"] = status_mb("VmHWM")
    found["held_mb"] = status_mb("VmRSS")
    store.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    found["cpu_s"] = usage.ru_utime + usage.ru_stime
    return found


def long_story(seed: int) -> str:
    """~2,400 sentences of made-up words, 300 paragraphs of 8."""
    import random

    rng = random.Random(seed)
    paragraphs = [
        " ".join(" ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + "." for _ in range(8))
        for _ in range(300)
    ]
    return f"Long story {seed}\n\n" + "\n\n".join(paragraphs) + "\n"


async def switching(folder: Path, switches: int) -> list[dict[str, Any]]:
    """In this process: the reader on ``folder``'s articles, opening each in turn."""
    import weakref

    from tuireader.catalog import Catalog
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp

    gc.disable()  # as run_app
    catalog = Catalog.scan([folder])
    store = Store.open(folder / "annotations.json", "ana")
    app = ReaderApp(catalog, store, db_path=folder / "annotations.json", cache_path=None)
    shown: list[weakref.ref[Any]] = []
    rows: list[dict[str, Any]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while catalog.pending or app.pane.article is None:
            await pilot.pause(0.05)
        await app.opened()
        for switch in range(1, switches + 1):
            app.open_entry(catalog.entries[switch % len(catalog.entries)])
            await app.opened()
            await app.reads_landed()
            await pilot.pause(0.05)
            shown.append(weakref.ref(app.pane.article))
            if switch % 10 == 0:
                alive = {id(a) for a in (ref() for ref in shown) if a is not None}
                rows.append(
                    {
                        "switch": switch,
                        "rss_mb": status_mb("VmRSS"),
                        "frozen": gc.get_freeze_count(),
                        "alive": len(alive),
                    }
                )
        await pilot.press("q")
    store.close()
    return rows


def switches_main(switches: int, base: Path | None) -> int:
    codes: dict[str, Path | None] = {"new": None} if base is None else {"base": base, "new": None}
    with tempfile.TemporaryDirectory() as tmp:
        for code, src in codes.items():
            folder = Path(tmp) / code
            folder.mkdir()
            for number in range(SWITCH_ARTICLES):
                (folder / f"story-{number:02d}.txt").write_text(long_story(number), "utf-8")
            env = dict(os.environ)
            if src is not None:
                env["PYTHONPATH"] = str(src / "src")
            load = os.getloadavg()[0]
            command = [sys.executable, __file__, "--switch-child", str(folder), str(switches)]
            done = subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True)
            rows = json.loads(done.stdout.decode().strip().splitlines()[-1])
            print(f"{code} (load {load:.1f}):")
            for row in rows:
                print(
                    f"  after {row['switch']:3d} switches: RSS {row['rss_mb']:5.0f} MB, frozen "
                    f"{row['frozen']:7,}, articles alive {row['alive']}"
                )
    return 0


def run(db: Path, book: Path, src: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src / "src")
    command = [sys.executable, __file__, "--child", str(db), str(book)]
    done = subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the database once here")
    parser.add_argument("--base", type=Path, help="source tree of the code before")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="the book as tagged, not edited")
    parser.add_argument("--book", type=Path, help="War and Peace's text, if not found")
    parser.add_argument("--switches", type=int, help="switch articles N times instead")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--switch-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(drive(*args.child))))
        return 0
    if args.switch_child:
        folder, count = args.switch_child
        print(json.dumps(asyncio.run(switching(Path(folder), int(count)))))
        return 0
    if args.switches:
        return switches_main(args.switches, args.base)
    sys.path.insert(0, str(ROOT / "src"))
    codes: dict[str, Path | None] = {"new": None}
    if args.base is not None:
        codes = {"base": args.base, "new": None}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "book"
        db, book = build(folder, args.plain, args.book)
        results: dict[str, list[dict[str, Any]]] = {code: [] for code in codes}
        for _ in range(args.runs):
            for code, src in codes.items():
                copy = Path(tmp) / f"run-{code}"
                shutil.rmtree(copy, ignore_errors=True)
                copy.mkdir()
                for part in db.parent.glob(db.name + "*"):
                    (shutil.copytree if part.is_dir() else shutil.copy2)(part, copy / part.name)
                load = os.getloadavg()[0]
                found = run(copy / db.name, book, src)  # the path the database knows it by
                found["load"] = load
                results[code].append(found)
                print(
                    f"{code}: shown {found['shown_s']:.1f} s, peak at shown "
                    f"{found['shown_peak_mb']:.0f} MB, peak {found['peak_mb']:.0f} MB, held "
                    f"{found['held_mb']:.0f} MB, CPU {found['cpu_s']:.1f} s, "
                    f"{found['annotations']:,} shown (load {load:.1f})",
                    flush=True,
                )
        for code, found_runs in results.items():
            peak = statistics.median(r["peak_mb"] for r in found_runs)
            cpu = statistics.median(r["cpu_s"] for r in found_runs)
            shown = statistics.median(r["shown_s"] for r in found_runs)
            print(f"{code} median: peak {peak:.0f} MB, CPU {cpu:.1f} s, shown {shown:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

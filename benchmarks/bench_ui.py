"""Reader speed: first paint, cursor and tag latency, peak memory.

Usage: python benchmarks/bench_ui.py [--runs 5] [--presses 300] [--bench-dir ../shared/bench]
       [--sizes 100,1000,10000,100000] [--library-runs 3] [--fill-up-to 10000] [--library-only]
       [--reader-only]

- First paint: ``tuireader`` on the samples and a minimal Textual app (Header, ListView of 20
  items, Static, Footer), each started as a fresh process that runs headless and exits as soon as
  its first frame is drawn; wall time from spawn to exit, median of ``--runs``, same run.
- War and Peace opened from the command line: first paint the same way, and peak RSS of that
  process (``wait4``).
- A library of generated 3.3 KB articles (folders of 1,000, written to a temporary folder, in
  /dev/shm where there is one, and removed after) at each of ``--sizes``: first paint against the
  minimal app run interleaved with it (wall and CPU time; the load average is printed), peak RSS
  at first paint, and (up to ``--fill-up-to``) time and peak RSS until every title and sentence
  count is filled in, with no cache (the first start) and with the cache that start wrote.
  Targets: <= 1.5x at 10,000, <= 2x at 100,000, RSS <= 150 MB at 10,000.
- War and Peace read through in the reader (``G``, ``g``, ``j``): peak RSS (target <= 100 MB);
  frames drawn per cursor key and the time to the last, against the minimal app's ``down``
  (one frame: the status line changes in the pane's frame). ``--reader-only`` runs just these.
- Cursor move and tag, UI side (the store's disk write excluded, timed on its own), median over
  ``--presses`` on War and Peace and on a short sample article.
- Split and merge in War and Peace (``--corrections-only`` runs just this): the store's part
  (journaled write, the book's sentences corrected and renumbered) and the screen's part (the
  pane takes the new sentences and repaints the rows of the paragraph), each against one frame
  at 60 Hz and against a tag in the same run.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "bench"
SAMPLES = ROOT / "sample_articles"
SHORT = SAMPLES / "kim-putin-summit.txt"
FIRST_PAINT_ENV = "TUIREADER_FIRST_PAINT_FILE"
FILLED_ENV = "TUIREADER_BENCH_FILLED"
CACHE_ENV = "TUIREADER_CACHE"
_WORD_TEXT = (
    "council budget vote harbour bridge inspectors report minister said would could expected "
    "analysts warned rainfall season schools parents teachers union talks agreement factory "
    "workers shift river flood defences residents meeting evening plans museum archive grant "
    "researchers found samples data suggests likely rise prices market traders morning"
)
WORDS = _WORD_TEXT.split()
FILLED_UP_TO = 10_000
"""Above this, reading every file takes minutes: only the first paint is measured."""


def generate_library(root: Path, count: int) -> None:
    """``count`` distinct dated articles of about 3.3 KB, in folders of 1,000 (text made here).

    Paragraphs come from a pool, so writing 100,000 files costs file writes, not text making;
    each article's first sentence names it, so no two have the same text (or id)."""
    import random

    rng = random.Random(count)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."

    pool = [" ".join(sentence() for _ in range(5)) for _ in range(997)]
    titles = [" ".join(rng.choice(WORDS) for _ in range(5)).capitalize() for _ in range(101)]
    for i in range(count):
        folder = root / f"desk-{i // 1000:03}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        paragraphs = [pool[(i * 7 + k * 131) % len(pool)] for k in range(7)]
        paragraphs[0] = f"Story {i} of {count}. " + paragraphs[0]
        date = f"20{10 + i % 15:02}-{1 + i % 12:02}-{1 + i % 28:02}"
        text = f" date {date}\n{titles[i % 101]} number {i}\n\n" + "\n\n".join(paragraphs)
        (folder / f"story-{i:06}.txt").write_text(text + "\n", encoding="utf-8")


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


@dataclass(frozen=True)
class Run:
    """One process: seconds from spawn to its first frame, its peak RSS (MB) and the CPU seconds
    it used (user + system: what load on a shared machine changes least)."""

    paint: float
    rss: float
    cpu: float
    wall: float


def run_once(args: list[str], db: Path, extra_env: dict[str, str] | None = None) -> Run:
    stamp = db.with_suffix(".painted")
    stamp.unlink(missing_ok=True)
    env = dict(os.environ, **{FIRST_PAINT_ENV: str(stamp), "TUIREADER_DB": str(db)})
    env[CACHE_ENV] = str(db.with_suffix(".cache.json"))
    env.update(extra_env or {})
    # An installed tuireader runs from cached bytecode (pip compiles it); with bytecode writing
    # off, every run would compile our sources while textual's come precompiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.time() - start
    elapsed = float(stamp.read_text(encoding="utf-8")) - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{args} failed ({proc.returncode}): {err}")
    return Run(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, wall)


def spawn(
    args: list[str], db: Path, extra_env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Seconds from spawn to the first frame drawn, and the peak RSS in MB of the process."""
    run = run_once(args, db, extra_env)
    return run.paint, run.rss


def library_figures(sizes: list[int], runs: int, fill_up_to: int = FILLED_UP_TO) -> list[str]:
    """First paint and memory on generated libraries, against the minimal app measured in the
    same runs (interleaved); then, up to ``fill_up_to`` files, the time and memory to fill in
    every title and count with no cache (the first start) and with the cache it wrote."""
    lines = [f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    print(lines[-1], flush=True)
    python = sys.executable
    for size in sizes:
        # In memory where there is a tmpfs: writing 100,000 small files to disk takes minutes.
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
        with tempfile.TemporaryDirectory(dir=shm) as tmp:
            root = Path(tmp) / "library"
            started = time.perf_counter()
            generate_library(root, size)
            made = time.perf_counter() - started
            db = Path(tmp) / "db.json"
            args = [python, "-m", "tuireader", str(root)]
            commands = {"minimal": [python, __file__, "--minimal-app"], "library": args}
            # No cache for the first paint: it must not depend on one.
            result = first_paint_runs(commands, runs, db, {CACHE_ENV: ""})
            minimal, library = result["minimal"], result["library"]
            line = (
                f"library of {size:>7,}: first paint {library.paint * 1000:6.0f} ms "
                f"({library.paint / minimal.paint:.2f}x minimal's {minimal.paint * 1000:.0f}; "
                f"CPU {library.cpu / minimal.cpu:.2f}x), peak RSS {library.rss:4.0f} MB"
            )
            if size <= fill_up_to:
                cold = run_once(args, db, {FILLED_ENV: "1"})
                warm = run_once(args, db, {FILLED_ENV: "1"})
                line += (
                    f"; all filled in: {cold.wall:5.1f} s ({cold.cpu:5.1f} s CPU) / "
                    f"{cold.rss:4.0f} MB uncached, {warm.wall:4.1f} s ({warm.cpu:4.1f} s CPU) / "
                    f"{warm.rss:4.0f} MB cached"
                )
            lines.append(line + f"  (generated in {made:.1f} s, load {os.getloadavg()[0]:.2f})")
            print(lines[-1], flush=True)
    return lines


def first_paint_runs(
    commands: dict[str, list[str]], runs: int, db: Path, extra_env: dict[str, str] | None = None
) -> dict[str, Run]:
    """Median first paint, wall and CPU time, and peak RSS per command; runs interleaved so
    load hits all alike."""
    for args in commands.values():
        run_once(args, db, extra_env)  # warm the file cache and bytecode
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            results[name].append(run_once(args, db, extra_env))
    return {
        name: Run(
            statistics.median(r.paint for r in rs),
            max(r.rss for r in rs),
            statistics.median(r.cpu for r in rs),
            statistics.median(r.wall for r in rs),
        )
        for name, rs in results.items()
    }


def first_paints(
    commands: dict[str, list[str]], runs: int, db: Path, extra_env: dict[str, str] | None = None
) -> dict[str, tuple[float, float]]:
    """Median first paint and peak RSS per command; runs interleaved so load hits all alike."""
    return {
        name: (run.paint, run.rss)
        for name, run in first_paint_runs(commands, runs, db, extra_env).items()
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


NO_LEARN_ENV = "TUIREADER_BENCH_NO_LEARN"
"""Set: ``key_latencies`` runs without the model of my tags (whose training reads every one of
my annotations and fits on them in a thread, competing with the event loop for the GIL)."""
THINK_S = 0.03
"""Time between key presses in ``key_latencies``: about a fast reader's pace, and room for the
app's timers (the cursor save every 2 s, the refresh of other windows' writes) to run between
keys as they would."""


def reader_on_samples(db: Path) -> Any:
    """A ``ReaderApp`` on the samples with the database at ``db`` (without the model of my tags
    when ``NO_LEARN_ENV`` is set): the app and its store, to close after."""
    from tuireader.articles import load_library
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp

    if os.environ.get(NO_LEARN_ENV):
        from tuireader import learn

        learn.available = lambda: False  # type: ignore[assignment]
    store = Store.open(db, "bench")
    return ReaderApp(load_library([SAMPLES]), store, db_path=db), store


def timed(method: Any, ended: list[float], slot: int, event: asyncio.Event) -> Any:
    """``method``, noting when each call ends in ``ended[slot]`` and setting ``event``."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        finally:
            ended[slot] = time.perf_counter()
            event.set()

    return run


async def loop_stalls(
    stalls: list[float], tick: float = 0.005, beat: Callable[[], None] = lambda: None
) -> None:
    """Until cancelled: how late each ``tick`` sleep of the event loop wakes, into ``stalls``;
    ``beat`` is called at each wake (a stack sampler's heartbeat)."""
    while True:
        start = time.perf_counter()
        await asyncio.sleep(tick)
        stalls.append(time.perf_counter() - start - tick)
        beat()


async def key_latencies(db: Path, presses: int) -> dict[str, list[float]]:
    """The reader on the samples with the database at ``db``: for each key press, the seconds
    from posting the key to the end of its action (time spent waiting behind anything else on
    the event loop included), for ``j`` (next sentence), ``f`` (tag, then ``j``) and moving to
    the next article in the list (``j`` and ``enter``); and every stall of the event loop (a
    5 ms ticker's lateness), whatever caused it."""
    from textual import events

    app, store = reader_on_samples(db)
    times: dict[str, list[float]] = {"j": [], "f": [], "article": [], "stall": []}
    done = asyncio.Event()
    ended = [0.0]

    async def press(key: str, kind: str | None) -> float:
        done.clear()
        start = time.perf_counter()
        app.post_message(events.Key(key, key if len(key) == 1 else None))
        await asyncio.wait_for(done.wait(), 10)
        if kind is not None:
            times[kind].append(ended[0] - start)
        await asyncio.sleep(THINK_S)
        return ended[0] - start

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane, listing = app.pane, app.article_list
        pane.action_move = timed(pane.action_move, ended, 0, done)  # type: ignore[method-assign]
        pane.action_tag = timed(pane.action_tag, ended, 0, done)  # type: ignore[method-assign]
        listing.action_move = timed(listing.action_move, ended, 0, done)  # type: ignore[method-assign]
        app.open_entry = timed(app.open_entry, ended, 0, done)  # type: ignore[method-assign]
        watch = asyncio.create_task(loop_stalls(times["stall"]))
        listing.focus()
        await pilot.pause()
        articles = len(app.library.articles)
        for i in range(max(presses // 10, 20)):
            down = (i // (articles - 1)) % 2 == 0
            await press("j" if down else "k", None)
            times["article"].append(await press("enter", None))
            listing.focus()
        pane.focus()
        await pilot.pause()
        for i in range(presses):
            # Down and up again through the article: every press moves.
            await press("j" if i % 40 < 20 else "k", "j" if i % 40 < 20 else None)
        for i in range(presses // 3):
            await press("f", "f")
            await press("j" if i % 40 < 20 else "k", None)
        watch.cancel()
        await pilot.press("q")
    store.close()
    return times


def keys_child(db: Path, out: Path, presses: int) -> int:
    import json

    out.write_text(json.dumps(asyncio.run(key_latencies(db, presses))), encoding="utf-8")
    return 0


READ_ENV = "TUIREADER_BENCH_READ"


def full_read_child(path: Path, db: Path) -> int:
    """In a fresh process: War and Peace opened in the reader (headless, as ``run_app`` runs
    it), segmented, read from the first sentence to the last with ``G`` then a page of ``j``
    and back with ``g``; prints the process's peak RSS in MB."""
    import resource

    from tuireader.catalog import Catalog
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp

    async def read() -> None:
        catalog = Catalog.scan([path])
        article = catalog.article(catalog.entries[0])
        with Store.open(db, "bench") as store:
            app = ReaderApp(catalog, store, db_path=db, open_article=article)
            async with app.run_test(size=(120, 40)) as pilot:
                while not app.pane.sentences:
                    await pilot.pause(0.05)
                await pilot.press("G", *"k" * 40, "g", *"j" * 40)
                await pilot.pause()
                assert app.pane.cursor == 40
                await pilot.press("q")

    asyncio.run(read())
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return 0


def full_read_rss(book: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, __file__, "--full-read-child", str(book), str(Path(tmp) / "db.json")],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    return float(out.stdout.split()[-1])


async def frames_per_key(app_kind: str, book: Path, presses: int) -> tuple[float, float]:
    """Frames drawn per cursor key and ms from the key to the last of them (median): the
    reader's ``j`` on War and Peace (pane and status line change) against the minimal app's
    ``down`` in its ListView. One frame means the status line changed in the pane's frame."""
    from textual.app import App

    app: App[object]
    key = "j"
    if app_kind == "minimal":
        from textual.app import ComposeResult
        from textual.widgets import Footer, Header, Label, ListItem, ListView, Static

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield ListView(*(ListItem(Label(f"Item {i}")) for i in range(presses + 2)))
                yield Static("A static widget")
                yield Footer()

        app, key = Minimal(), "down"
        store = None
    else:
        from tuireader.catalog import Catalog
        from tuireader.store import Store
        from tuireader.ui.app import ReaderApp

        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "db.json"
        catalog = Catalog.scan([book])
        store = Store.open(db, "bench")
        app = ReaderApp(
            catalog, store, db_path=db, open_article=catalog.article(catalog.entries[0])
        )
    stamps: list[float] = []
    display = app._display

    def counted(screen: object, renderable: object) -> None:
        if renderable is not None:
            stamps.append(time.perf_counter())
        display(screen, renderable)  # type: ignore[arg-type]

    app._display = counted  # type: ignore[method-assign]
    counts: list[int] = []
    settle: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        if store is not None:
            while not app.pane.sentences:  # type: ignore[attr-defined]
                await pilot.pause(0.05)
            app.pane.move_to(len(app.pane.sentences) // 2)  # type: ignore[attr-defined]
        await pilot.pause(0.2)
        for _ in range(presses):
            stamps.clear()
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause(0.1)  # every frame the key causes has been drawn by then
            counts.append(len(stamps))
            settle.append((stamps[-1] - start) * 1000 if stamps else 0.0)
    if store is not None:
        store.close()
        tmp.cleanup()
    return statistics.median(counts), statistics.median(settle)


def reader_figures(book: Path, presses: int) -> list[str]:
    """War and Peace: peak RSS of a full read, and frames per cursor key against the minimal
    app's (same run)."""
    lines = [f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    rss = full_read_rss(book)
    lines.append(f"War and Peace read through (G, g, j): peak RSS {rss:.0f} MB (target <= 100)")
    mine = asyncio.run(frames_per_key("reader", book, presses))
    base = asyncio.run(frames_per_key("minimal", book, presses))
    lines.append(
        f"cursor key: reader {mine[0]:.0f} frame(s), settled in {mine[1]:.1f} ms; minimal app "
        f"{base[0]:.0f} frame(s), {base[1]:.1f} ms ({mine[1] / max(base[1], 0.001):.2f}x), "
        f"load {os.getloadavg()[0]:.2f}"
    )
    for line in lines:
        print(line, flush=True)
    return lines


FRAME_MS = 1000 / 60


async def correction_latencies(path: Path, rounds: int) -> dict[str, float]:
    """Median ms of a split and of a merge back (store part, screen part), and of a tag, in
    sentences spread over the book."""
    from tuireader.articles import load_library
    from tuireader.store import Store
    from tuireader.ui.app import ReaderApp

    library = load_library([path])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.json"
        store = Store.open(db, "bench")
        app = ReaderApp(library, store, db_path=db, open_article=library.articles[0])
        timings: dict[str, list[float]] = {
            k: [] for k in ("split_store", "split_ui", "merge_store", "merge_ui", "tag_all")
        }
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            pane = app.pane
            article = pane.article
            assert article is not None
            total = len(pane.sentences)
            for i in range(rounds):
                index = (i + 1) * total // (rounds + 2)
                pane.move_to(index)
                await pilot.pause()
                sentence = pane.sentences[index]
                words = [
                    w for w in range(sentence.start + 1, sentence.end) if article.body[w - 1] == " "
                ]
                if not words:
                    continue
                at = words[len(words) // 2]
                for kind, call, args in (
                    ("split", store.split_sentence, (article, index, at)),
                    ("merge", store.merge_sentences, (article, index)),
                ):
                    start = time.perf_counter()
                    change = call(*args)
                    stored = time.perf_counter()
                    app.apply_change(change)
                    app.update_status()
                    end = time.perf_counter()
                    timings[f"{kind}_store"].append(stored - start)
                    timings[f"{kind}_ui"].append(end - stored)
                    await pilot.pause()
                start = time.perf_counter()
                app.apply_change(store.tag(article, index, index, "fact"))
                app.update_status()
                timings["tag_all"].append(time.perf_counter() - start)
                await pilot.pause()
            await pilot.press("q")
        store.close()
    figures = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    # The book's first correction: spliced too when the reader copied its sentences in a worker
    # after it opened (else it builds the corrected list once).
    figures["first_split_store"] = timings["split_store"][0] * 1000
    figures["sentences"] = total
    return figures


def print_corrections(book: Path, rounds: int) -> None:
    f = asyncio.run(correction_latencies(book, rounds))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for kind in ("split", "merge"):
        store, ui = f[f"{kind}_store"], f[f"{kind}_ui"]
        print(
            f"War and Peace ({f['sentences']:.0f} sentences) {kind}: screen {ui:.2f} ms "
            f"({ui / FRAME_MS:.2f} frames), store {store:.1f} ms, total "
            f"{(store + ui) / FRAME_MS:.2f} frames; a tag, key to screen: {f['tag_all']:.1f} ms"
        )
    print(
        f"War and Peace: the book's first correction (its sentences copied after it opened): "
        f"store {f['first_split_store']:.0f} ms"
    )
    print(
        f"wp_split_ui_ms={f['split_ui']:.2f} wp_merge_ui_ms={f['merge_ui']:.2f} "
        f"wp_split_store_ms={f['split_store']:.1f} wp_merge_store_ms={f['merge_store']:.1f} "
        f"wp_tag_total_ms={f['tag_all']:.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--library-runs", type=int, default=3)
    parser.add_argument(
        "--fill-up-to",
        type=int,
        default=FILLED_UP_TO,
        help="fill in every file of libraries up to this size (100,000 takes about 2 minutes)",
    )
    parser.add_argument(
        "--library-only", action="store_true", help="only the library figures (--sizes)"
    )
    parser.add_argument(
        "--reader-only",
        action="store_true",
        help="only War and Peace's full-read RSS and frames per cursor key",
    )
    parser.add_argument("--minimal-app", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--full-read-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keys-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--corrections-only", action="store_true", help="only War and Peace's split and merge"
    )
    parser.add_argument("--rounds", type=int, default=15, help="splits and merges to time")
    options = parser.parse_args()
    if options.minimal_app:
        return minimal_app()
    if options.full_read_child:
        return full_read_child(*options.full_read_child)
    if options.keys_child:
        return keys_child(*options.keys_child, options.presses)
    if options.corrections_only:
        print_corrections(options.bench_dir / "war-and-peace.txt", options.rounds)
        return 0
    if options.reader_only:
        reader_figures(options.bench_dir / "war-and-peace.txt", min(options.presses, 60))
        return 0
    sizes = [int(s) for s in options.sizes.split(",") if s]
    if options.library_only:
        library_figures(sizes, options.library_runs, options.fill_up_to)
        return 0

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
    library_figures(sizes, options.library_runs, options.fill_up_to)
    reader_figures(book, min(options.presses, 60))

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
    print_corrections(book, options.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

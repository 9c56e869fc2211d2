"""Key latencies of the reader with a big database against none, in the same run: ``j``, ``f``
(then ``j``, a tagger's rhythm) and ``u`` (right after an ``f``), each from posting the key to
the end of its action (what the event loop spends on it, waiting behind anything else on the
loop included); ``f`` and ``u`` also until the change is shown (durable: written in the writer
thread); each look at other windows' writes (the refresh timer's), its read on its own (in the
thread that reads) and from being asked to being shown (waiting behind my writes, in the code
where reads share the writer's queue); and every stall of the event loop (a 5 ms ticker's lateness), with where the loop
was during the longest ones (its stack, sampled from another thread every 5 ms while the ticker
is late; ``--stacks N`` prints the N longest).

    python benchmarks/bench_keys.py [--size 500000] [--presses 300] [--dir DIR] [--keep DIR]
        [--base SRC] [--other-window] [--paint-runs N]
    python benchmarks/bench_keys.py --hold [--size 500000] [--keep DIR] [--base SRC]
        [--book-keep DIR]

``--keep DIR`` builds the database once into DIR and runs each reader on a copy of it (so a
before/after comparison runs on the same bytes without building it again). ``--base SRC`` (a
source tree of the code before, e.g. ``git archive main | tar -x -C SRC``) runs its readers
alternately with this tree's, in the same run. ``--other-window`` has a second process tag the
samples as another annotator every ``OTHER_EVERY`` s while the reader is driven (two windows on
one database: the reader picks its writes up with its refresh timer). ``--paint-runs N`` also
times the first frame of ``tuireader`` on the samples, with the database and with none,
alternately, N times each.

The database is built as ``bench_store.py`` builds it (``--per-article`` annotations per
article id) with its journal primed to compact at the next write; each reader runs in a fresh
process on the samples, and its CPU time (user + sys) is printed beside the load average.
Target (issue 10): no ``j`` over 50 ms at 500k.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from bench_ui import (
    CACHE_ENV,
    NO_LEARN_ENV,
    SAMPLES,
    THINK_S,
    loop_stalls,
    reader_on_samples,
    run_once,
    timed,
)

ROOT = Path(__file__).resolve().parents[1]
KINDS = {
    "j": "j (next sentence)",
    "f": "f (tag)",
    "f_shown": "f until shown",
    "u": "u (undo)",
    "u_shown": "u until shown",
    "stall": "event-loop stall",
    "look": "look, its read",
    "look_shown": "look until shown",
}

LATE_S = 0.03
OTHER_EVERY = 0.5
"""Seconds between the other window's tags (``--other-window``)."""
"""A ticker this late is a stall whose stack is sampled."""


class StallSampler:
    """A thread that samples the event loop's stack every 5 ms while its ticker is over
    ``LATE_S`` late; and for each such stall, the CPU time the loop's thread and the whole
    process spent in it: a loop that computes spends about the stall in CPU, one that waits (a
    lock, the disk) or is not scheduled (a loaded machine) much less; the process's CPU beyond
    the loop's is the other threads' (the writer, training), which hold the interpreter lock."""

    def __init__(self) -> None:
        self._loop_thread = threading.get_ident()
        self._loop_clock = time.pthread_getcpuclockid(self._loop_thread)
        self._last = (time.perf_counter(), 0.0, 0.0)
        self._stop = threading.Event()
        self._samples: list[str] = []
        self.stalls: list[tuple[float, float, float, list[str]]] = []
        """(length, the loop's CPU, the process's CPU, stacks) of each stall, in seconds."""
        self._thread = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)

    def _now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.clock_gettime(self._loop_clock), time.process_time()

    def beat(self) -> None:
        """Called by the loop's ticker each time it wakes."""
        now = self._now()
        length = now[0] - self._last[0]
        if length > LATE_S:
            loop, process = now[1] - self._last[1], now[2] - self._last[2]
            self.stalls.append((length, loop, process, self._samples))
        self._samples = []
        self._last = now

    def start(self) -> None:
        self._last = self._now()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            if time.perf_counter() - self._last[0] < LATE_S:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            if frame is not None:
                self._samples.append(stack_of(frame))


STORE_FRAME = "threads.py:"
"""In a sampled stack: the loop was inside a Store method (``store.threads`` wraps each)."""


def stack_of(frame: Any) -> str:
    """The frames of the project and Textual (the innermost other one too), innermost last."""
    summary = traceback.extract_stack(frame)
    kept = [
        f"{Path(f.filename).name}:{f.lineno} {f.name}"
        for f in summary
        if "tuireader" in f.filename or "textual" in f.filename
    ]
    inner = summary[-1]
    kept.append(f"[{Path(inner.filename).name}:{inner.lineno} {inner.name}]")
    return " > ".join(kept[-8:])


async def key_latencies(db: Path, presses: int) -> dict[str, list[float]]:
    """The reader on the samples with the database at ``db``: the seconds of each kind of
    ``KINDS``."""
    from textual import events

    from tuireader.ui import app as app_module

    app, store = reader_on_samples(db)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    looked = [0.0]
    read_reloaded = app_module.read_reloaded

    def timed_read(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return read_reloaded(*args, **kwargs)
        finally:
            times["look"].append(time.perf_counter() - started)

    def timed_reload(reload: Any) -> Any:
        def asked(*args: Any, **kwargs: Any) -> Any:
            if not looked[0]:  # asked again after a dropped look: from the first ask
                looked[0] = time.perf_counter()
            return reload(*args, **kwargs)

        return asked

    def timed_reloaded(reloaded: Any) -> Any:
        def shown(*args: Any, **kwargs: Any) -> Any:
            try:
                return reloaded(*args, **kwargs)
            finally:
                if looked[0]:
                    times["look_shown"].append(time.perf_counter() - looked[0])
                    looked[0] = 0.0

        return shown

    app_module.read_reloaded = timed_read  # type: ignore[attr-defined]
    app._reload = timed_reload(app._reload)  # type: ignore[method-assign]
    app._reloaded = timed_reloaded(app._reloaded)  # type: ignore[method-assign]
    sampler = StallSampler()
    acted = asyncio.Event()
    shown = asyncio.Event()
    ended = [0.0, 0.0]

    async def press(key: str, kind: str | None, landed: bool = False) -> None:
        acted.clear()
        shown.clear()
        start = time.perf_counter()
        app.post_message(events.Key(key, key if len(key) == 1 else None))
        await asyncio.wait_for(acted.wait(), 30)
        if landed:
            await asyncio.wait_for(shown.wait(), 30)
        if kind is not None:
            times[kind].append(ended[0] - start)
            if landed:
                times[kind + "_shown"].append(ended[1] - start)
        await asyncio.sleep(THINK_S)

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.pane
        pane.action_move = timed(pane.action_move, ended, 0, acted)  # type: ignore[method-assign]
        pane.action_tag = timed(pane.action_tag, ended, 0, acted)  # type: ignore[method-assign]
        app.action_undo = timed(app.action_undo, ended, 0, acted)  # type: ignore[method-assign]
        app.apply_change = timed(app.apply_change, ended, 1, shown)  # type: ignore[method-assign]
        pane.focus()
        await pilot.pause()
        await app.writes_landed()  # the article attached (in the writer thread)
        await pilot.pause()
        sampler.start()
        watch = asyncio.create_task(loop_stalls(times["stall"], beat=sampler.beat))
        for i in range(presses):
            # Down and up again through the article: every press moves.
            await press("j" if i % 40 < 20 else "k", "j" if i % 40 < 20 else None)
        for i in range(presses // 3):
            await press("f", "f", landed=True)
            await press("j" if i % 40 < 20 else "k", "j" if i % 40 < 20 else None)
            if i % 2:
                await press("u", "u", landed=True)
        watch.cancel()
        sampler.stop()
        await pilot.press("q")
    store.close()
    STALLS.extend(sampler.stalls)
    return times


STALLS: list[tuple[float, float, float, list[str]]] = []
"""The stalls the sampler saw in this process (the child's), with their stacks."""


def child(db: Path, out: Path, presses: int) -> int:
    found = asyncio.run(key_latencies(db, presses))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stalls = sorted(STALLS, reverse=True)
    payload = {"times": found, "cpu": usage.ru_utime + usage.ru_stime, "stalls": stalls}
    out.write_text(json.dumps(payload), encoding="utf-8")
    return 0


def figures(values: list[float]) -> str:
    """Worst / p99 / median in ms."""
    if not values:
        return f"{'–':>6} / {'–':>6} / {'–':>5}"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.99) - 1)]
    middle = statistics.median(ordered)
    return f"{ordered[-1] * 1000:6.1f} / {p99 * 1000:6.1f} / {middle * 1000:5.1f}"


def where(stalls: list[list[Any]], count: int) -> list[str]:
    """Where the loop's stalls went: all of them summed (the loop's CPU, the other threads',
    the rest: waiting or not scheduled), then the ``count`` longest with their likeliest stacks."""
    total = sum(s[0] for s in stalls)
    loop = sum(s[1] for s in stalls)
    others = sum(max(0.0, s[2] - s[1]) for s in stalls)
    samples = [stack for s in stalls for stack in s[3]]
    in_store = sum(1 for stack in samples if STORE_FRAME in stack)
    lines = [
        f"    {len(stalls)} stalls over {LATE_S * 1000:.0f} ms, {total * 1000:.0f} ms in all:"
        f" loop CPU {loop * 1000:.0f} ms, other threads' CPU {others * 1000:.0f} ms,"
        f" neither {max(0.0, total - loop - others) * 1000:.0f} ms;"
        f" {in_store} of {len(samples)} stack samples in a Store method"
    ]
    if stalls:
        most = max(stalls, key=lambda s: s[1])
        lines.append(
            f"    most loop CPU in one stall: {most[1] * 1000:.1f} ms (of {most[0] * 1000:.0f} ms)"
        )
    for length, loop_cpu, process_cpu, samples in stalls[:count]:
        lines.append(
            f"    {length * 1000:.0f} ms: loop CPU {loop_cpu * 1000:.0f} ms, other threads"
            f" {max(0.0, process_cpu - loop_cpu) * 1000:.0f} ms, {len(samples)} samples"
        )
        for stack, seen in collections.Counter(samples).most_common(2):
            lines.append(f"      {seen}x {stack}")
    return lines


def run_reader(
    db: Path, presses: int, base: Path | None = None, other: bool = False
) -> dict[str, Any]:
    """One reader in a fresh process (the code in ``base``'s ``src`` when given), with another
    window tagging meanwhile if ``other``."""
    out = db.with_name("keys.json")
    command = [sys.executable, __file__, "--child", str(db), str(out)]
    env = dict(os.environ)
    if base is not None:
        env["PYTHONPATH"] = str(base / "src")
    window = None
    if other:
        window = subprocess.Popen([sys.executable, __file__, "--other-child", str(db)], env=env)
    try:
        subprocess.run([*command, "--presses", str(presses)], check=True, cwd=ROOT, env=env)
    finally:
        if window is not None:
            window.terminate()
            window.wait()
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return found


def other_window(db: Path, book: Path | None = None) -> int:
    """Another window: tag a random sentence of a random sample (of ``book`` when given) as
    annotator ``other`` every ``OTHER_EVERY`` s, until terminated."""
    import signal

    from tuireader.articles import load_article, load_library
    from tuireader.store import Store

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    articles = load_library([SAMPLES]).articles if book is None else [load_article(book)]
    store = Store.open(db, "other")
    rng = random.Random(11)
    try:
        while True:
            article = rng.choice(articles)
            index = rng.randrange(len(article.sentences))
            store.tag(article, index, index, rng.choice(["fact", "speculation"]))
            time.sleep(OTHER_EVERY)
    finally:
        store.close()


def first_paint(db: Path, none: Path, runs: int, base: Path | None) -> list[str]:
    """Median (and each) seconds to the first frame of ``tuireader`` on the samples, with the
    database at ``db`` and with none, alternately; the CPU of each run too."""
    from bench_ui import Run

    command = [sys.executable, "-m", "tuireader", str(SAMPLES)]
    codes = {"new": None} if base is None else {"base": base, "new": None}
    results: dict[str, list[Run]] = {f"{c} {d}": [] for c in codes for d in ("db", "none")}
    for _ in range(runs + 1):  # the first round warms the file cache and bytecode
        for code, src in codes.items():
            env = {CACHE_ENV: ""} if src is None else {CACHE_ENV: "", "PYTHONPATH": f"{src}/src"}
            for name, path in (("db", db), ("none", none)):
                results[f"{code} {name}"].append(run_once(command, path, env))
    lines = []
    for name, found in results.items():
        kept = found[1:]
        paint = statistics.median(r.paint for r in kept)
        cpu = statistics.median(r.cpu for r in kept)
        each = " ".join(f"{r.paint * 1000:.0f}" for r in kept)
        lines.append(
            f"  first paint, {name:<9} median {paint * 1000:5.0f} ms, CPU {cpu:.2f} s"
            f" (each: {each} ms)"
        )
    return lines


def copy_database(built: Path, into: Path) -> None:
    """Copy the database at ``built`` (its main file, journal and shard folder) into the folder
    ``into``, on disk before a run starts."""
    for source in built.parent.glob(built.name + "*"):
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, into / source.name)
    os.sync()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500_000)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--per-article", type=int, default=40)
    parser.add_argument("--dir", type=Path, default=None, help="where to build the database")
    parser.add_argument("--keep", type=Path, default=None, help="build the database once here")
    parser.add_argument("--stacks", type=int, default=3, help="print the N longest stalls' stacks")
    parser.add_argument("--no-learn", action="store_true", help="without training on my tags")
    parser.add_argument("--base", type=Path, default=None, help="source tree of the code before")
    parser.add_argument("--other-window", action="store_true", help="another window tags meanwhile")
    parser.add_argument("--paint-runs", type=int, default=0, help="time the first frame N times")
    parser.add_argument(
        "--hold", action="store_true", help="held keys and their frames (bench_frames.py)"
    )
    parser.add_argument("--book-keep", type=Path, default=None, help="--hold: War and Peace's db")
    parser.add_argument("--only", choices=("samples", "book"), help="--hold: one reader only")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--other-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child, args.presses)
    if args.other_child:
        return other_window(args.other_child)
    if args.no_learn:
        os.environ[NO_LEARN_ENV] = "1"
    if args.hold:
        import bench_frames

        return bench_frames.hold_main(args)

    import bench_store

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        db = Path(tmp) / f"keys-{args.size}.json"
        built = args.keep / db.name if args.keep is not None else db
        if not built.exists():
            started = time.perf_counter()
            docs = bench_store.records(
                args.size, bench_store.corpus(), random.Random(7), args.per_article
            )
            built.parent.mkdir(parents=True, exist_ok=True)
            bench_store.build_ours(built, docs)
            del docs
            bench_store.prime_journal(built)
            print(f"built {args.size:,} annotations in {time.perf_counter() - started:.0f} s")
        codes: dict[str, Path | None] = {"new": None}
        if args.base is not None:
            codes = {"base": args.base, "new": None}
        found: dict[str, dict[str, Any]] = {}
        for code, src in codes.items():
            for name in ("db", "none"):
                run = Path(tmp) / f"{code}-{name}"
                run.mkdir()
                path = run / (db.name if name == "db" else "keys-none.json")
                if name == "db":
                    copy_database(built, run)
                found[f"{code} {name}"] = run_reader(path, args.presses, src, args.other_window)
                print(f"  {code} {name}: done, load {os.getloadavg()[0]:.1f}", flush=True)
        paints: list[str] = []
        if args.paint_runs:
            none = Path(tmp) / "paint-none.json"
            paints = first_paint(Path(tmp) / "new-db" / db.name, none, args.paint_runs, args.base)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    other = " (another window tagging)" if args.other_window else ""
    for code in codes:
        db_run, none_run = found[f"{code} db"], found[f"{code} none"]
        print(
            f"{code}: reader keys{other}, {args.size:,} annotations vs none (ms, worst / p99 / median):"
        )
        for kind, label in KINDS.items():
            db_times, none_times = db_run["times"][kind], none_run["times"][kind]
            print(
                f"  {label:<18} {figures(db_times)}  vs  {figures(none_times)}"
                f"  ({len(db_times)} / {len(none_times)})"
            )
        print(
            f"  reader CPU (user+sys): {db_run['cpu']:.1f} s vs {none_run['cpu']:.1f} s;"
            f" training {'off' if args.no_learn else 'on'}"
        )
        for name, label in (("db", f"{args.size:,}"), ("none", "none")):
            print(f"  longest stalls, {label}:")
            print("\n".join(where(found[f"{code} {name}"]["stalls"], args.stacks)))
    print("\n".join(paints))
    print(f"load average at the end {load}")
    worst_j = max(found["new db"]["times"]["j"]) * 1000
    print(f"j_worst_ms={worst_j:.1f} target<=50 {'met' if worst_j <= 50 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

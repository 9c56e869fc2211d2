"""Held keys and the frames they draw: what a demanding user feels holding ``j`` or scrolling a
book, with another window tagging the same database meanwhile.

    python benchmarks/bench_keys.py --hold [--size 500000] [--keep DIR] [--book-keep DIR]
        [--base SRC] [--presses 200] [--stacks 3] [--only samples|book]

Two readers, each in a fresh process, with another window (a second process) tagging as
another annotator every ``bench_keys.OTHER_EVERY`` s:

- **samples**: the reader on the bundled samples with a database of ``--size`` annotations
  (built as ``bench_keys.py`` builds it; ``--keep DIR`` builds it once there), ``j`` held
  (``--presses`` keys posted every ``REPEAT_S``, a terminal's autorepeat, without waiting for
  the last: 20 down, 20 up);
- **book**: War and Peace with every sentence tagged by two annotators (~55,700 annotations,
  as ``bench_dense.py`` builds it; ``--book-keep DIR`` keeps it), the other window tagging the
  book: ``j`` held, ``space``/``b`` held (a page each), the mouse wheel (three rows a notch,
  every ``WHEEL_S``), then ``G`` and ``g`` alternately, each alone.

Each frame is timed whole, including turning it into the terminal's bytes (which a headless
app skips: done here as a terminal app does it). Figures, worst / p99 / median in ms:

- **key → frame**: from posting an input to the end of the first frame drawn after it acted
  (a held key that waits behind others counts its wait: that is what the user sees);
- **stall**: how late a 5 ms ticker on the event loop wakes (any work on the loop, drawing
  included), with where the loop was during the longest (its stack, sampled every 5 ms);
- **frame CPU**: the loop thread's CPU time for each frame (compositing and its bytes), and
  **loop CPU in stalls**: the loop thread's CPU time within each stall over 30 ms. On a loaded
  machine a stall is mostly time the loop was not given a CPU; these two are what the code
  costs, whatever the load.

``--base SRC`` (a source tree of the code before) runs its readers alternately with this
tree's, in the same run, on copies of the same databases. The load average is printed beside
each reader. Target: the worst stall while holding ``j`` <= 50 ms at 500k, p99 well under.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT.parent / "shared" / "bench" / "war-and-peace.txt"
REPEAT_S = 0.033
"""A held key's autorepeat: about 30 keys a second, a terminal's usual rate."""
WHEEL_S = 0.016
"""Between two notches of a mouse wheel turned fast."""
PHASES = ("j held", "page held", "wheel", "G/g")


class FrameClock:
    """Every frame the app draws, timed whole (the compositor's update, then its bytes), and
    each input's time from being posted to the end of the first frame after it acted."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.latencies: dict[str, list[float]] = {}
        self._posted: deque[tuple[str, float]] = deque()
        self._acted: list[tuple[str, float]] = []
        self.frames = 0
        display = app._display
        console = app.console

        def drawn(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(console)  # what a terminal app writes
            self.frames += 1
            now = time.perf_counter()
            for phase, posted in self._acted:
                self.latencies.setdefault(phase, []).append(now - posted)
            self._acted.clear()

        app._display = drawn
        self.frame_cpu: dict[str, list[float]] = {}
        """The loop thread's CPU seconds for each whole frame (compositing, then its bytes), by
        phase: what the frame costs whatever the machine's load."""
        self.phase = ""
        from textual.screen import Screen

        refresh = Screen._compositor_refresh

        def composited(screen: Any) -> None:
            started = time.thread_time()
            refresh(screen)
            if self.phase:
                cost = time.thread_time() - started
                self.frame_cpu.setdefault(self.phase, []).append(cost)

        Screen._compositor_refresh = composited  # type: ignore[method-assign]

    def posted(self, phase: str) -> None:
        self._posted.append((phase, time.perf_counter()))

    def acted(self) -> None:
        """The oldest input still waiting has acted (inputs act in the order posted)."""
        if self._posted:
            self._acted.append(self._posted.popleft())

    def wrap(self, method: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            finally:
                self.acted()

        return run

    async def settle(self) -> None:
        """Until every input posted has acted and been drawn."""
        for _ in range(400):
            if not self._posted and not self._acted:
                return
            await asyncio.sleep(0.01)


async def drive(kind: str, db: Path, presses: int) -> dict[str, Any]:
    """The reader (``kind`` samples or book) on ``db``: latencies and stalls of each phase."""
    from textual import events

    from bench_keys import StallSampler
    from bench_ui import loop_stalls, reader_on_samples

    # As ``run_app`` does: no collections while the library and store load; the app resumes
    # them after its first frame, with what start-up made set aside (``resume_gc``).
    gc.disable()
    if kind == "samples":
        app, store = reader_on_samples(db)
    else:
        from tuireader.catalog import Catalog
        from tuireader.store import Store
        from tuireader.ui.app import ReaderApp

        catalog = Catalog.scan([BOOK])
        store = Store.open(db, "ana")
        app = ReaderApp(
            catalog, store, db_path=db, open_article=catalog.article(catalog.entries[0])
        )
    stalls: dict[str, list[float]] = {}
    sampled: dict[str, list[Any]] = {}
    every: dict[str, list[Any]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        clock = FrameClock(app)
        pane = app.pane
        for name in ("action_move", "action_page", "action_first", "action_last"):
            setattr(pane, name, clock.wrap(getattr(pane, name)))
        dispatch = pane._dispatch_message

        async def dispatched(message: Any) -> Any:
            try:
                return await dispatch(message)
            finally:
                if isinstance(message, events.MouseScrollDown | events.MouseScrollUp):
                    clock.acted()

        pane._dispatch_message = dispatched
        pane.focus()
        if kind == "book":
            while not pane.sentences:
                await pilot.pause(0.05)
        await app.opened()
        await app.writes_landed()
        await pilot.pause(0.3)

        async def phase(name: str, inputs: list[tuple[Any, float]]) -> None:
            sampler = StallSampler()
            found: list[float] = []
            clock.phase = name
            sampler.start()
            watch = asyncio.create_task(loop_stalls(found, beat=sampler.beat))
            for make, gap in inputs:
                clock.posted(name)
                target, message = make()
                target.post_message(message)
                await asyncio.sleep(gap)
            await clock.settle()
            watch.cancel()
            sampler.stop()
            clock.phase = ""
            stalls[name] = found
            sampled[name] = sorted(sampler.stalls, reverse=True)[:8]
            every[name] = [s[:3] for s in sampler.stalls]

        def key(name: str) -> Any:
            return lambda: (app, events.Key(name, name if len(name) == 1 else None))

        def wheel(down: bool) -> Any:
            scroll = events.MouseScrollDown if down else events.MouseScrollUp
            return lambda: (
                pane,
                scroll(pane, 20, 10, 0, 1 if down else -1, 0, False, False, False, 20, 12),
            )

        held = [(key("j" if i % 40 < 20 else "k"), REPEAT_S) for i in range(presses)]
        if kind == "samples":
            await phase("j held", held)
        else:
            pane.move_to(len(pane.sentences) // 2)
            await pilot.pause(0.3)
            await phase("j held", held)
            pages = [(key("space" if i % 40 < 20 else "b"), REPEAT_S) for i in range(presses // 2)]
            await phase("page held", pages)
            turns = [(wheel(i % 60 < 30), WHEEL_S) for i in range(presses)]
            await phase("wheel", turns)
            jumps = [(key("G" if i % 2 == 0 else "g"), 0.4) for i in range(20)]
            await phase("G/g", jumps)
        await pilot.press("q")
    store.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "latencies": clock.latencies,
        "frame_cpu": clock.frame_cpu,
        "stalls": stalls,
        "sampled": sampled,
        "sampled_all": every,
        "frames": clock.frames,
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def child(kind: str, db: Path, out: Path, presses: int) -> int:
    found = asyncio.run(drive(kind, db, presses))
    out.write_text(json.dumps(found), encoding="utf-8")
    return 0


def other_window(kind: str, db: Path) -> int:
    """Another window tagging (``bench_keys.other_window``): the samples, or the book."""
    from bench_keys import other_window as tagging

    return tagging(db, None if kind == "samples" else BOOK)


def run_reader(kind: str, db: Path, presses: int, base: Path | None) -> dict[str, Any]:
    out = db.with_name("frames.json")
    env = dict(os.environ)
    if base is not None:
        env["PYTHONPATH"] = str(base / "src")
    window = subprocess.Popen(
        [sys.executable, __file__, "--other-child", kind, str(db)], env=env, cwd=ROOT
    )
    try:
        time.sleep(1.0 if kind == "samples" else 4.0)  # its first tag before the reader starts
        command = [sys.executable, __file__, "--child", kind, str(db), str(out)]
        subprocess.run([*command, "--presses", str(presses)], check=True, cwd=ROOT, env=env)
    finally:
        window.terminate()
        window.wait()
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return found


def build_book(folder: Path) -> Path:
    import bench_dense

    folder.mkdir(parents=True, exist_ok=True)
    return bench_dense.build(folder)


def build_samples(folder: Path, size: int) -> Path:
    import bench_store

    built = folder / f"keys-{size}.json"
    if not built.exists():
        folder.mkdir(parents=True, exist_ok=True)
        docs = bench_store.records(size, bench_store.corpus(), random.Random(7), 40)
        bench_store.build_ours(built, docs)
        del docs
        bench_store.prime_journal(built)
    return built


def report(name: str, found: dict[str, Any], stacks: int) -> list[str]:
    from bench_keys import figures, where

    lines = [f"{name}: {found['frames']} frames, reader CPU {found['cpu']:.1f} s"]
    for phase in PHASES:
        if phase not in found["stalls"]:
            continue
        latencies = found["latencies"].get(phase, [])
        stall_cpu = [s[1] for s in found["sampled_all"][phase]]
        lines.append(
            f"  {phase:<10} key→frame {figures(latencies)} ({len(latencies)})"
            f"   stall {figures(found['stalls'][phase])}"
        )
        lines.append(
            f"  {'':<10} frame CPU {figures(found['frame_cpu'].get(phase, []))}"
            f" ({len(found['frame_cpu'].get(phase, []))})"
            f"   loop CPU in stalls over 30 ms {figures(stall_cpu)} ({len(stall_cpu)})"
        )
        if stacks:
            lines.extend(where(found["sampled"][phase], stacks))
    return lines


def hold_main(args: argparse.Namespace) -> int:
    from bench_keys import copy_database

    codes: dict[str, Path | None] = {"new": None}
    if args.base is not None:
        codes = {"base": args.base, "new": None}
    kinds = ["samples", "book"] if args.only is None else [args.only]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        built = {
            "samples": build_samples(args.keep or Path(tmp) / "samples", args.size)
            if "samples" in kinds
            else None,
            "book": build_book(args.book_keep or Path(tmp) / "book") if "book" in kinds else None,
        }
        lines = []
        for kind in kinds:
            source = built[kind]
            assert source is not None
            for code, src in codes.items():
                run = Path(tmp) / f"{kind}-{code}"
                run.mkdir()
                copy_database(source, run)
                load = os.getloadavg()[0]
                found = run_reader(kind, run / source.name, args.presses, src)
                label = f"{code} {kind} ({args.size:,})" if kind == "samples" else f"{code} book"
                lines += report(
                    f"{label}, load {load:.1f}→{os.getloadavg()[0]:.1f}", found, args.stacks
                )
                print("\n".join(lines[-1:]), flush=True)
    print("\n".join(lines))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--other-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    if args.child:
        kind, db, out = args.child
        return child(kind, Path(db), Path(out), args.presses)
    if args.other_child:
        return other_window(args.other_child[0], Path(args.other_child[1]))
    return 2


if __name__ == "__main__":
    sys.exit(main())

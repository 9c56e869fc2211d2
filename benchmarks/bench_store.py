"""Tag-to-disk latency of the annotation store, bytes written per tag, open time and memory.

For each size it builds a database, then measures in the same run and on the same disk: how long
one ``Store.tag`` takes until the change is on disk (median), the bytes the process wrote per tag
(``/proc/self/io``, compactions included, averaged), the time to open the store, the peak RSS
after opening, the main file and the shards on disk, reading the article with the most
annotations for the first time (ms and peak RSS, fresh process), compacting a journal that
touched it ("fold"), and (up to 50k) one ``insert`` with TinyDB's default storage.

    python benchmarks/bench_store.py [--sizes 1000,10000,100000,500000] [--reps 41] [--dir DIR]

``--keys N`` also drives the reader (``bench_ui.key_latencies``, on the samples, in a fresh
process) at each size with the database, its journal primed to compact at the next write, and
with no database: worst and 99th-percentile latency of N ``j`` presses, N/3 ``f`` presses and
of moving to the next article, and the event loop's longest stalls.

``--cli`` also times ``export``, ``stats`` and ``import`` at each size (CPU, wall, peak RSS);
with ``--baseline SRC`` (the ``src`` folder of another checkout, e.g. ``git archive main src``)
each import runs alternately with that version, ``--runs`` times, and the medians are compared:

    python benchmarks/bench_store.py --sizes 500000 --reps 5 --cli --baseline /tmp/main/src --runs 3

The last line reads ``tag_ms_500k=… bytes_per_tag_500k=… open_ratio_500k=… rss_mb_500k=…``
(for the largest size; ``open_ratio`` is opening the store against opening no database, both
in a fresh process), and with ``--app-runs`` also ``reader_open_ratio_…`` and ``reader_rss_mb_…``:
the reader's first paint on the samples with the database against none, and its peak RSS (the
issue's own measure of opening). Targets (issue 10): ≤ 10 ms and within 1.5x of 1k, ≤ 256 KB, ≤ 1.5, ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from tinydb import TinyDB

from tuireader.annotations import Annotation
from tuireader.articles import Article, from_text, load_article
from tuireader.storage import (
    ANNOTATIONS,
    JOURNAL_MIN,
    AtomicJSONStorage,
    empty_tables,
    journal_path,
    shard_folder,
)
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


PER_ARTICLE = 40
"""Annotations per article id in the built databases (``--per-article``): 500k over 12,500
articles; ``--per-article 50000`` puts them on 10 articles, the worst case for shards."""


def records(
    n: int, articles: list[Article], rng: random.Random, per_article: int = PER_ARTICLE
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        art = articles[i % len(articles)]
        s = rng.choice(art.sentences)
        article_id = f"{i // per_article:016x}"
        ann = Annotation.new(article_id, art.body, s.start, s.end, rng.choice(TAGS), "bench")
        out.append(ann.to_dict())
    return out


def build_ours(path: Path, docs: list[dict[str, object]]) -> None:
    tables = empty_tables()
    # Stored as the store itself writes them (inline annotations are moved into shards).
    tables[ANNOTATIONS] = {str(d["id"]): record_of(Annotation.from_dict(d)) for d in docs}
    AtomicJSONStorage(path, tables).flush()


def on_disk_mb(path: Path) -> tuple[float, float]:
    """(main file MB, shard files MB)."""
    folder = shard_folder(path)
    shards = sum(p.stat().st_size for p in folder.iterdir()) if folder.is_dir() else 0
    return path.stat().st_size / 1e6, shards / 1e6


def remove(path: Path) -> None:
    import shutil

    shutil.rmtree(shard_folder(path), ignore_errors=True)
    for leftover in (path, journal_path(path), path.with_name(path.name + ".bak")):
        leftover.unlink(missing_ok=True)


def build_default(path: Path, docs: list[dict[str, object]]) -> None:
    # The layout TinyDB's JSONStorage writes: integer document ids as strings.
    path.write_text(json.dumps({"_default": {str(i + 1): d for i, d in enumerate(docs)}}))


def written_bytes() -> int:
    with open("/proc/self/io", encoding="ascii") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("write_bytes"))


def open_in_fresh_process(path: Path | None, read: str = "") -> tuple[float, float]:
    """(ms to open, peak RSS MB) of ``Store.open`` in a new interpreter (no db: an empty one);
    with ``read`` (an article id), of reading that article's annotations after opening."""
    code = (
        "import time,sys;from pathlib import Path;"
        "from tuireader.store import Store;t=time.perf_counter();"
        "s=Store.open(Path(sys.argv[1]),'bench');ms=(time.perf_counter()-t)*1000;"
        "t=time.perf_counter();n=len(s.annotations(sys.argv[2])) if sys.argv[2] else 0;"
        "ms=(time.perf_counter()-t)*1000 if sys.argv[2] else ms;"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0];"
        "print(ms, int(hwm.split()[1])/1024)"
    )
    import subprocess
    import sys

    target = str(path) if path is not None else tempfile.mktemp(suffix=".json")
    # Started by a small shell, not forked from this (large) process, whose peak the child's
    # counters would otherwise start from.
    launcher = ["/bin/sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-c", code, target, read]
    out = subprocess.run(launcher, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def measure_ours(path: Path, article: Article, reps: int) -> tuple[float, float, float]:
    """(median tag ms, bytes written per tag, open ms)."""
    start = time.perf_counter()
    store = Store.open(path, "bench")
    open_ms = (time.perf_counter() - start) * 1000
    store.attach(article)
    times = []
    before = written_bytes()
    for i in range(reps):
        first = (i * 3) % len(article.sentences)
        t0 = time.perf_counter()
        store.tag(article, first, first, TAGS[i % 3])
        times.append((time.perf_counter() - t0) * 1000)
    per_tag = (written_bytes() - before) / reps
    store.close()
    return statistics.median(times), per_tag, open_ms


def measure_biggest(path: Path) -> tuple[float, float, float]:
    """The article with the most annotations: (ms to read it first in a fresh process, peak RSS
    MB then, ms to compact a journal that touched it)."""
    with Store.open(path, "bench") as store:
        counts = {
            i: sum(sum(t.values()) for t in store.article_counts(i).values())
            for i in store.annotated_article_ids()
        }
        biggest = max(counts, key=counts.__getitem__)
        store.set_note(store.annotations(biggest)[0].id, "touched")
        t0 = time.perf_counter()
        store._db.file.compact()
        compact_ms = (time.perf_counter() - t0) * 1000
    read_ms, rss = open_in_fresh_process(path, biggest)
    return read_ms, rss, compact_ms


RSS_WAITER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(str(usage.ru_maxrss / 1024))
sys.exit(os.waitstatus_to_exitcode(status) & 255)
"""
"""Runs a command and writes its peak RSS in MB to the file named first: a small process, so
the peak reported is the command's own (``measure_app``)."""


def measure_app(path: Path, runs: int) -> tuple[float, float, float, float]:
    """The reader (``python -m tuireader`` on the bundled samples, headless, until its first
    frame, as ``bench_ui.py`` measures it) with the database at ``path`` and with none: (median
    seconds with, without; peak RSS MB with, without), runs interleaved."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_ui", ROOT / "benchmarks" / "bench_ui.py")
    assert spec is not None and spec.loader is not None
    bench_ui = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench_ui  # its dataclasses look their module up there
    spec.loader.exec_module(bench_ui)
    # Through a small Python process that reports the reader's own peak RSS: the peak of a
    # process started from this one (the shell here before) starts at this process's peak
    # (Linux keeps the larger of the two across exec; subprocess starts with vfork), 1,241 MB
    # after building 500k annotations, with or without a database.
    peak_file = path.with_name("reader-peak-" + path.name)
    args = [sys.executable, "-c", RSS_WAITER, str(peak_file), sys.executable, "-m", "tuireader"]
    args.append(str(ROOT / "sample_articles"))
    none = path.with_name("none-" + path.name)
    times: dict[Path, list[float]] = {path: [], none: []}
    peaks: dict[Path, float] = {path: 0.0, none: 0.0}
    for db in (path, none):
        bench_ui.spawn(args, db)  # warm the caches; creates the empty database
    for _ in range(runs):
        for db in (path, none):
            seconds, _ = bench_ui.spawn(args, db)
            times[db].append(seconds)
            peaks[db] = max(peaks[db], float(peak_file.read_text(encoding="utf-8")))
    peak_file.unlink(missing_ok=True)
    remove(none)
    return (
        statistics.median(times[path]),
        statistics.median(times[none]),
        peaks[path],
        peaks[none],
    )


def prime_journal(path: Path) -> None:
    """Fill the journal to just under the size at which the next write compacts: the worst
    moment for a key press, met once every ~1 MB of changes."""
    with Store.open(path, "bench") as store:
        journal = journal_path(path)
        size = journal.stat().st_size if journal.exists() else 0
        pad = max(JOURNAL_MIN, path.stat().st_size // 2) - size - 4096
        if pad > 0:
            store.set_state("bench-padding", "x" * pad)


def measure_keys(path: Path, presses: int) -> dict[str, dict[str, list[float]]]:
    """Key latencies of the reader (``bench_ui.key_latencies``, in a fresh process) with the
    database at ``path`` (its journal primed to compact at the next write) and with none."""
    import subprocess
    import sys

    prime_journal(path)
    none = path.with_name("keys-none-" + path.name)
    found: dict[str, dict[str, list[float]]] = {}
    for name, db in (("db", path), ("none", none)):
        out = path.with_name("keys.json")
        command = [sys.executable, str(ROOT / "benchmarks" / "bench_ui.py"), "--keys-child"]
        command += [str(db), str(out), "--presses", str(presses)]
        subprocess.run(command, check=True, cwd=ROOT)
        found[name] = json.loads(out.read_text(encoding="utf-8"))
        out.unlink()
    remove(none)
    return found


def key_figures(n: int, found: dict[str, dict[str, list[float]]]) -> str:
    """One line per kind of key: worst and 99th percentile with the database and without."""

    def worst_p99(values: list[float]) -> str:
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.99) - 1)]
        middle = statistics.median(ordered)
        return f"{ordered[-1] * 1000:6.1f} / {p99 * 1000:6.1f} / {middle * 1000:5.1f}"

    lines = [f"reader keys, {n} annotations vs none (ms, worst / p99 / median):"]
    names = {
        "j": "j (next sentence)",
        "f": "f (tag)",
        "article": "next article",
        "stall": "event-loop stall",
    }
    for kind, label in names.items():
        db, none = found["db"][kind], found["none"][kind]
        lines.append(
            f"  {label:<18} {worst_p99(db)}  vs  {worst_p99(none)}  ({len(db)} / {len(none)})"
        )
    return "\n".join(lines)


WAITER = """
import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
main = (0, 0)
while True:
    pid, status, usage = os.wait4(p.pid, os.WNOHANG)
    if pid:
        break
    try:
        with open(f"/proc/{p.pid}/task/{p.pid}/schedstat") as stat:
            main = tuple(int(x) for x in stat.read().split()[:2])
    except (OSError, ValueError):
        pass
    time.sleep(0.02)
wall = time.perf_counter() - t
print(os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime,
      usage.ru_maxrss / 1024, main[1] / 1e9, max(0.0, wall - (main[0] + main[1]) / 1e9))
"""
"""Starts a command and reports its exit code, wall time, CPU time and peak RSS, and of its main
thread (``/proc/PID/task/PID/schedstat``, sampled every 20 ms) the time it waited for a CPU and
the time it was neither running nor waiting for one: blocked (I/O, fsync, ``syncfs``)."""


def run_command(
    args: list[str], src: str | None = None, label: str = ""
) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak RSS MB) of a command, started by a small Python process
    (``WAITER``: ru_maxrss of a process forked from this one would carry this process's peak
    across exec). With ``label``, prints what the wall time was made of: the main thread's
    wait for a CPU (other processes' load: a 500k import waited 0.3-10 s at load 3-5 on the 2
    cores here) and its blocked time (the syncs). ``src``: the ``src`` folder of another
    checkout to run instead of this one (``--baseline``)."""
    import subprocess
    import sys

    command = [sys.executable, "-c", WAITER, sys.executable, "-m", "tuireader", *args]
    env = None if src is None else {**os.environ, "PYTHONPATH": src}
    code, seconds, cpu, rss, queued, blocked = subprocess.run(
        command, capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    if code != "0":
        # Reported and left out of the table (nan), so the other figures still print.
        print(f"tuireader {' '.join(args)} exited {code}", file=sys.stderr)
        return math.nan, math.nan, math.nan
    if label:
        print(
            f"  {label}: wall {float(seconds):.2f} s, CPU {float(cpu):.2f} s; main thread waited"
            f" {float(queued):.2f} s for a CPU, blocked {float(blocked):.2f} s"
            f" (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    return float(seconds), float(cpu), float(rss)


def measure_cli(
    path: Path, import_formats: Sequence[str], baseline: str | None = None, runs: int = 1
) -> tuple[dict[str, tuple[float, float, float]], dict[str, tuple[float, float, float]]]:
    """``tuireader export`` (jsonl), ``stats`` and ``import`` of the export in each of
    ``import_formats`` into a new database, on the database at ``path``: (seconds, CPU
    seconds, peak RSS MB) each, the medians of ``runs``; and the imports of the checkout whose
    ``src`` is ``baseline`` (empty without one), run alternately with this one (an older
    version may refuse this one's database, so it is not asked to export or count it).

    The imported databases are left in place (the temporary folder goes at the end): on ext4
    without a journal, as here, creating a file skips over every inode freed in the last 60 to
    360 s, so removing one import's 12,500 shard files just before the next made its system
    time swing from ~1.4 to ~5 s (profiled: ``recently_deleted`` under ``__ext4_new_inode``)."""
    exported = path.with_name(path.name + ".jsonl")
    sources = {"jsonl": exported}
    run_command(["export", "--db", str(path), "-f", "jsonl", "-o", str(exported)])
    for fmt in import_formats:
        if fmt != "jsonl":
            sources[fmt] = path.with_name(f"{path.name}.{fmt}")
            run_command(["export", "--db", str(path), "-f", fmt, "-o", str(sources[fmt])])
    labels: list[tuple[str, str | None]] = [("new", None)]
    if baseline:
        labels.append(("baseline", baseline))
    found: dict[str, dict[str, list[tuple[float, float, float]]]] = {"new": {}, "baseline": {}}
    for run in range(runs):
        for label, src in labels if run % 2 == 0 else labels[::-1]:
            out = found[label]
            if src is None:  # an older baseline refuses this version's database: imports only
                target = path.with_name(f"out-{run}.jsonl")
                command = ["export", "--db", str(path), "-f", "jsonl", "-o", str(target)]
                out.setdefault("export", []).append(run_command(command))
                target.unlink(missing_ok=True)
                out.setdefault("stats", []).append(run_command(["stats", "--db", str(path)]))
            for fmt, source in sources.items():
                db = path.with_name(f"imported-{fmt}-{label}-{run}-{path.name}")
                command = ["import", "--db", str(db), str(source)]
                name = f"import {fmt}"
                out.setdefault(name, []).append(run_command(command, src, f"{name} ({label})"))
    for source in sources.values():
        source.unlink()
    return _medians(found["new"]), _medians(found["baseline"])


def _medians(
    found: dict[str, list[tuple[float, float, float]]],
) -> dict[str, tuple[float, float, float]]:
    return {
        name: (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            statistics.median(r[2] for r in runs),
        )
        for name, runs in found.items()
    }


CLI_TARGET_S = 10.0
CLI_TARGET_MB = 500.0
CLI_TARGET_GROWTH = 6.0


def print_cli_targets(commands: dict[int, dict[str, tuple[float, float, float]]]) -> None:
    """Issue 10's targets for export, stats and import at the largest size: <= 10 s (CPU and
    wall), <= 500 MB peak RSS, and (with two sizes) 5x the input <= 6x the CPU time."""
    small, big = min(commands), max(commands)
    for name, (seconds, cpu, rss) in commands[big].items():
        verdicts = [
            f"CPU {cpu:.1f} s {'ok' if cpu <= CLI_TARGET_S else 'NOT MET'} (<= 10 s)",
            f"wall {seconds:.1f} s {'ok' if seconds <= CLI_TARGET_S else 'NOT MET'}",
            f"{rss:.0f} MB {'ok' if rss <= CLI_TARGET_MB else 'NOT MET'} (<= 500 MB)",
        ]
        if small != big:
            growth = cpu / commands[small][name][1] / (big / small) * 5
            verdict = "ok" if growth <= CLI_TARGET_GROWTH else "NOT MET"
            verdicts.append(f"CPU growth {growth:.1f}x per 5x input {verdict} (<= 6x)")
        print(f"target {name} at {big // 1000}k: " + ", ".join(verdicts))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times)")


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
    parser.add_argument("--sizes", default="1000,10000,100000,500000")
    parser.add_argument("--reps", type=int, default=41)
    parser.add_argument("--default-reps", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files")
    parser.add_argument("--tag-many", type=int, default=0, help="runs in one tag_many (0: skip)")
    parser.add_argument("--per-article", type=int, default=PER_ARTICLE)
    parser.add_argument(
        "--app-runs", type=int, default=0, help="first paints of the reader per db (0: skip)"
    )
    parser.add_argument(
        "--keys",
        type=int,
        default=0,
        help="j presses in the reader with each db and with none, timed (0: skip)",
    )
    parser.add_argument(
        "--cli", action="store_true", help="time export, stats and import at each size"
    )
    parser.add_argument(
        "--baseline",
        default=None,
        help="with --cli: the src folder of another checkout (e.g. main), run alternately",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="with --cli: runs of each command (medians)"
    )
    parser.add_argument(
        "--import-formats",
        default="jsonl",
        help="with --cli: the exports imported, comma-separated (jsonl,csv,json)",
    )
    args = parser.parse_args()
    if args.dir is not None:
        try:
            args.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"bench_store.py: --dir {args.dir}: {exc.strerror or exc}", file=sys.stderr)
            raise SystemExit(2) from None
    sizes = [int(s) for s in args.sizes.split(",")]
    articles = corpus()
    target = articles[0]
    rng = random.Random(7)

    print(
        f"{'annotations':>11}  {'tag ms':>7}  {'KB/tag':>7}  {'open ms':>8}  {'open x':>6}"
        f"  {'RSS MB':>7}  {'main MB':>7}  {'shard MB':>8}  {'read ms':>7}  {'read RSS':>8}"
        f"  {'fold ms':>7}  {'tinydb ms':>9}"
    )
    results: dict[int, tuple[float, float, float, float]] = {}
    readers: dict[int, tuple[float, float]] = {}  # with --app-runs: first paint ratio, peak RSS
    commands: dict[int, dict[str, tuple[float, float, float]]] = {}
    baselines: dict[int, dict[str, tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in sizes:
            docs = records(n, articles, rng, args.per_article)
            ours = Path(tmp) / f"ours-{n}.json"
            build_ours(ours, docs)
            del docs
            os.sync()
            ours_ms, per_tag, _ = measure_ours(ours, target, args.reps)
            os.sync()
            open_ms, rss = open_in_fresh_process(ours)
            none_ms, _ = open_in_fresh_process(None)
            default_ms = float("nan")
            if n <= 50_000:
                default = Path(tmp) / f"default-{n}.json"
                build_default(default, records(n, articles, rng))
                os.sync()
                default_ms = measure_default(default, records(50, articles, rng), args.default_reps)
                default.unlink()
            ratio = open_ms / none_ms
            results[n] = (ours_ms, per_tag, ratio, rss)
            main_mb, shard_mb = on_disk_mb(ours)
            read_ms, read_rss, fold_ms = measure_biggest(ours)
            if args.cli:
                commands[n], baselines[n] = measure_cli(
                    ours, args.import_formats.split(","), args.baseline, args.runs
                )
            if args.app_runs:
                app = measure_app(ours, args.app_runs)
                readers[n] = (app[0] / app[1], app[2])
                print(
                    f"reader on the samples, {n} annotations vs none: first paint"
                    f" {app[0] * 1000:.0f} / {app[1] * 1000:.0f} ms ({app[0] / app[1]:.2f}x),"
                    f" peak RSS {app[2]:.0f} / {app[3]:.0f} MB",
                    flush=True,
                )
            if args.keys:
                print(key_figures(n, measure_keys(ours, args.keys)), flush=True)
            print(
                f"{n:>11}  {ours_ms:>7.2f}  {per_tag / 1024:>7.1f}  {open_ms:>8.0f}  {ratio:>6.1f}"
                f"  {rss:>7.0f}  {main_mb:>7.1f}  {shard_mb:>8.1f}  {read_ms:>7.0f}  {read_rss:>8.0f}"
                f"  {fold_ms:>7.0f}  {default_ms:>9.1f}",
                flush=True,
            )
            remove(ours)
        if args.tag_many:
            ms, count, sentences = measure_tag_many(Path(tmp), args.tag_many)
            print(f"tag_many: {count} runs on {sentences} sentences in {ms:.0f} ms (incl. write)")
    if commands:
        print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for n, found in commands.items():
        print(
            f"{n:>11} annotations:  "
            + "  ".join(
                f"{name} {sec:.1f} s ({cpu:.1f} s CPU) {rss:.0f} MB"
                for name, (sec, cpu, rss) in found.items()
            )
        )
    for n, found in baselines.items():
        if found:
            print(
                f"{n:>11} annotations, CPU against the baseline (medians of {args.runs}):  "
                + "  ".join(
                    f"{name} {commands[n][name][1]:.2f} / {cpu:.2f} s"
                    f" ({commands[n][name][1] / cpu:.2f}x)"
                    for name, (_, cpu, _) in sorted(found.items())
                )
            )
    if len(commands) > 1:
        small, big = min(commands), max(commands)
        print(
            f"growth {big // 1000}k / {small // 1000}k (input {big / small:.0f}x; wall, CPU, "
            "peak RSS):  "
            + "  ".join(
                f"{name} "
                + "/".join(
                    f"{commands[big][name][i] / commands[small][name][i]:.1f}x" for i in range(3)
                )
                for name in commands[big]
            )
        )
    if commands:
        print_cli_targets(commands)
    largest = max(results)
    tag_ms, per_tag, ratio, rss = results[largest]
    k = f"{largest // 1000}k"
    reader = (
        f" reader_open_ratio_{k}={readers[largest][0]:.2f} reader_rss_mb_{k}={readers[largest][1]:.0f}"
        if largest in readers
        else ""
    )
    print(
        f"tag_ms_{k}={tag_ms:.2f} bytes_per_tag_{k}={per_tag:.0f} open_ratio_{k}={ratio:.2f} "
        f"rss_mb_{k}={rss:.0f}{reader}"
    )


if __name__ == "__main__":
    main()

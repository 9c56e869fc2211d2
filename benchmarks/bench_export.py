"""Export speed and memory, in three parts; prints the figures and whether each target is met.

    python benchmarks/bench_export.py [--count N] [--stream-count N] [--store] [--skip-stream]

1. Every format over ``--count`` annotations (default 50,000) on real sentences of the bundled
   sample articles (cycled, a note on every third): best of three runs of selection, ordering,
   rendering and the atomic write, which is what ``tuireader export -o FILE`` does after opening
   the store. Target: json <= 1 s. With ``--store`` also from a real database file.
2. ``--by-sentence`` over War and Peace (``../shared/bench/war-and-peace.txt``) with 10,000
   annotations by two annotators, the article read from its file as the command does. Baseline
   in the same run: reading and segmenting the book alone (which any per-sentence table costs).
   Target: <= 2 s.
3. Streaming: each format over ``--stream-count`` annotations (default 500,000), in a fresh
   process per format whose annotations are produced article by article (as a streaming store
   read hands them over), so the peak RSS measures the export, not a list of 500,000 objects.
   Baseline: the same process's RSS before the export starts. Target: peak <= 200 MB.
4. From a real database (``--real-store 100000,500000``; ``--real-store 0`` leaves it out):
   for each size, generated articles (100 sentences each, their files in a temporary folder)
   and a database of that many annotations by two annotators (1,000 per article), then each
   command as a user runs it, in a fresh process: ``export -o FILE`` in every format and
   ``--by-sentence`` form, ``stats --json`` and ``import`` of the jsonl export into an empty
   database. Prints seconds and peak RSS per command and size, and the ratio of the largest
   size to the smallest. Targets: export peak <= 200 MB, stats and import <= 500 MB, each
   <= 10 s (CPU time: wall time on a shared machine is mostly waiting; both are printed),
   and 5x the annotations <= 6x the CPU time and the memory.

   For profiling and before/after checks, part 4 can be narrowed and kept:
   ``--only-real --commands csv,markdown`` runs only those commands (names as printed;
   ``open`` is always run as the baseline), ``--db-dir DIR`` keeps each size's database (and
   its article files) in ``DIR/<size>`` and reuses it on the next run, ``--outputs DIR`` keeps
   every export written (the export time stamp fixed, so two runs can be compared byte for
   byte) and ``--compare DIR`` says, per export, whether it is byte-identical to the one kept
   in ``DIR`` by an earlier ``--outputs`` run (exit 1 if any differs).

   Old against new in the same run: ``--baseline DIR`` (another checkout, e.g. ``git worktree
   add DIR main``) runs each command with DIR's code and with this one, alternately, ``--repeat
   N`` times each, and prints the median CPU time of both and their ratio; the figures, the
   targets and the exports ``--outputs`` keeps and ``--compare`` checks are this checkout's
   (keep the baseline's first with ``--outputs`` from the baseline checkout's own script).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE_SRC = "BENCH_EXPORT_SRC"
"""Set (to another checkout's ``src``) by ``--baseline`` for the runs of that checkout's code."""
sys.path.insert(0, os.environ.get(BASELINE_SRC, str(ROOT / "src")))

from tuireader.annotations import Annotation, Quote  # noqa: E402
from tuireader.articles import Article, load_article, load_library  # noqa: E402
from tuireader.export import (  # noqa: E402
    FORMATS,
    SENTENCE_FORMATS,
    ExportData,
    article_at_hand,
    render_chunks,
    select,
    write_export,
)
from tuireader.tags import DEFAULT_TAGS  # noqa: E402

TARGET_JSON_S = 1.0
TARGET_BY_SENTENCE_S = 2.0
TARGET_RSS_MB = 200.0
TARGET_STATS_IMPORT_MB = 500.0
TARGET_REAL_S = 10.0
TARGET_GROWTH = 6.0
SENTENCES_PER_ARTICLE = 100
WAR_AND_PEACE = ROOT.parent / "shared" / "bench" / "war-and-peace.txt"
PER_ARTICLE = 1000
"""Annotations per synthetic article in the streaming part."""


def meta(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "date": a.date,
        "path": str(a.path),
        "sentence_count": len(a.sentences),
    }


def make(count: int) -> tuple[list[Article], list[Annotation], list[dict[str, Any]]]:
    articles = list(load_library([ROOT / "sample_articles"]).articles)
    annotations = []
    tags = DEFAULT_TAGS.ids
    i = 0
    while len(annotations) < count:
        for article in articles:
            for s in article.sentences:
                if len(annotations) == count:
                    break
                note = f'Check source {i}, see "quote"; =formula?' if i % 3 == 0 else ""
                annotations.append(
                    Annotation.new(
                        article.id, article.body, s.start, s.end, tags[i % 3], "ana", note
                    )
                )
                i += 1
    return articles, annotations, [meta(a) for a in articles]


def best_of(runs: int, job: Any) -> float:
    """The best wall time of ``runs``; the best CPU time goes to ``LAST_CPU`` (on a shared
    machine the wall time is mostly waiting, and the CPU time says what the export costs)."""
    best = cpu = float("inf")
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        job()
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    LAST_CPU[0] = cpu
    return best


LAST_CPU = [0.0]


def bench_formats(count: int, store: bool) -> dict[str, float]:
    articles, annotations, metas = make(count)
    texts = {a.id: a for a in articles}
    print(f"1. every format: {len(annotations)} annotations over {len(articles)} articles")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, suffix in FORMATS.items():
            target = Path(tmp) / f"export{suffix}"

            def job(fmt: str = fmt, target: Path = target) -> None:
                data = select(annotations, metas, text=lambda m: texts.get(m["id"]))
                write_export(render_chunks(data, fmt), target)

            figures[fmt] = best_of(3, job)
            size = target.stat().st_size / 1e6
            figures[f"{fmt}_cpu"] = LAST_CPU[0]
            print(f"   {fmt:<12} {figures[fmt]:7.3f} s ({LAST_CPU[0]:.3f} s CPU)  {size:6.1f} MB")
        if store:
            from tuireader.export import collect
            from tuireader.store import Store

            db = Path(tmp) / "annotations.json"
            with Store.open(db, "ana") as opened:
                for article in articles:
                    opened.attach(article)
                opened.import_annotations(annotations)
            started = time.perf_counter()
            with Store.open(db, "ana") as opened:
                open_s = time.perf_counter() - started
                write_export(render_chunks(collect(opened), "json"), Path(tmp) / "store.json")
            total = time.perf_counter() - started
            print(
                f"   from a database file: open {open_s:.3f} s, open + json export {total:.3f} s, "
                f"peak RSS of this process {peak_rss_mb():.0f} MB"
            )
            figures["store_json"] = total
    return figures


def war_and_peace_annotations(book: Article, count: int) -> list[Annotation]:
    """``count`` annotations by two annotators: ana tags every other sentence, bo the rest and
    runs of three, so the table has two tag columns with gaps."""
    sentences = book.sentences
    tags = DEFAULT_TAGS.ids
    out = []
    step = max(1, len(sentences) // (count // 2 + 1))
    for n, i in enumerate(range(0, len(sentences), step)):
        if len(out) >= count:
            break
        s = sentences[i]
        out.append(Annotation.new(book.id, book.body, s.start, s.end, tags[n % 3], "ana"))
        last = sentences[min(i + 2, len(sentences) - 1)]
        if len(out) < count:
            out.append(Annotation.new(book.id, book.body, s.start, last.end, tags[n % 2], "bo"))
    return out


def bench_by_sentence(count: int = 10_000) -> dict[str, float]:
    if not WAR_AND_PEACE.is_file():
        print(f"2. --by-sentence: skipped, {WAR_AND_PEACE} is not there")
        return {}
    book = load_article(WAR_AND_PEACE)
    annotations = war_and_peace_annotations(book, count)
    metas = [meta(book)]
    started = time.perf_counter()
    len(load_article(WAR_AND_PEACE).sentences)
    baseline = time.perf_counter() - started
    print(
        f"2. --by-sentence: War and Peace, {len(book.sentences)} sentences, "
        f"{len(annotations)} annotations; read + segment alone {baseline:.3f} s"
    )
    figures = {"read_segment": baseline}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in SENTENCE_FORMATS:
            target = Path(tmp) / f"sentences{FORMATS[fmt]}"

            def job(fmt: str = fmt, target: Path = target) -> None:
                # The file is read and segmented inside the timed run, as the command does.
                data = select(annotations, metas, text=article_at_hand)
                write_export(render_chunks(data, fmt, by_sentence=True), target)

            figures[f"by_sentence_{fmt}"] = seconds = best_of(2, job)
            size = target.stat().st_size / 1e6
            print(
                f"   {fmt:<8} {seconds:7.3f} s ({LAST_CPU[0]:.3f} s CPU)  "
                f"{seconds / baseline:5.2f}x baseline  {size:5.1f} MB"
            )
    return figures


class Generated(Mapping[str, Sequence[Annotation]]):
    """Annotations per article, made when asked for: an article's list exists only while it
    is exported, as with a store that reads one article's annotations at a time."""

    def __init__(self, article: Article, ids: Sequence[str], per_article: int) -> None:
        self.article = article
        self.ids = ids
        self.per_article = per_article

    def __getitem__(self, article_id: str) -> Sequence[Annotation]:
        sentences = self.article.sentences
        body = self.article.body
        tags = DEFAULT_TAGS.ids
        out = []
        for i in range(self.per_article):
            s = sentences[i % len(sentences)]
            q = Quote.from_body(body, s.start, s.end)
            note = f"check {i}" if i % 3 == 0 else ""
            who = ("ana", "bo")[i % 2]
            stamp = "2024-05-01T09:30:00.000Z"
            out.append(
                Annotation(
                    article_id,
                    s.start,
                    s.end,
                    tags[i % 3],
                    q,
                    who,
                    note,
                    f"{article_id}-{i}",
                    stamp,
                )
            )
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def stream_one(fmt: str, count: int, by_sentence: bool) -> dict[str, float]:
    """In this process: export ``count`` generated annotations to a file; peak RSS and time."""
    article = next(iter(load_library([ROOT / "sample_articles"]).articles))
    len(article.sentences)
    ids = [f"{n:016x}" for n in range(max(1, count // PER_ARTICLE))]
    metas = [{**meta(article), "id": i, "title": f"Article {i}"} for i in ids]
    data = ExportData(tuple(metas), Generated(article, ids, PER_ARTICLE), lambda m: article)
    before = peak_rss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"out{FORMATS[fmt]}"
        write_export(render_chunks(data, fmt, by_sentence=by_sentence), target)
        size = target.stat().st_size / 1e6
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    return {"before_mb": before, "peak_mb": peak, "seconds": seconds, "size_mb": size}


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM on Linux (``ru_maxrss`` there carries the
    parent's peak across fork and exec), else ``ru_maxrss``."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def article_text(number: int) -> str:
    """A generated article of ``SENTENCES_PER_ARTICLE`` sentences, unique to ``number``."""
    subjects = ("The council", "A spokesman", "The report", "Analysts", "The minister")
    verbs = ("said", "expected", "confirmed", "doubted", "estimated")
    paragraphs = []
    for p in range(0, SENTENCES_PER_ARTICLE, 10):
        paragraphs.append(
            " ".join(
                f"{subjects[(number + n) % 5]} {verbs[(n * 7 + number) % 5]} on day {n} that "
                f"item {number} would change by {(n * 13 + number) % 97 + 2} percent."
                for n in range(p, p + 10)
            )
        )
    return f"Generated article {number}\n\n" + "\n\n".join(paragraphs) + "\n"


def build_database(folder: Path, count: int) -> Path:
    """``count`` annotations by ana and bo, 1,000 per generated article, in one import."""
    from tuireader.store import Store

    articles = []
    for n in range(max(1, count // PER_ARTICLE)):
        path = folder / f"article-{n:05d}.txt"
        path.write_text(article_text(n), encoding="utf-8")
        articles.append(load_article(path))
    annotations = []
    tags = DEFAULT_TAGS.ids
    stamp = "2024-05-01T09:30:00.000Z"
    for article in articles:
        sentences = article.sentences
        for i in range(PER_ARTICLE):
            s = sentences[i % len(sentences)]
            last = sentences[min(len(sentences) - 1, s.index + i % 2)]
            quote = Quote.from_body(article.body, s.start, last.end)
            who = ("ana", "bo")[(i // len(sentences)) % 2]
            note = f"check {i}" if i % 3 == 0 else ""
            annotations.append(
                Annotation(
                    article.id,
                    s.start,
                    last.end,
                    tags[i % 3],
                    quote,
                    who,
                    note,
                    f"{article.id}-{i:04d}",
                    stamp,
                )
            )
    db = folder / "annotations.json"
    with Store.open(db, "ana") as store:
        store.import_all(annotations, [meta(a) for a in articles])
    return db


FIXED_NOW = "2026-01-01T00:00:00.000Z"
"""The export time stamp under ``--outputs`` (so two runs write the same bytes)."""


def run_cli(argv: list[str], fixed_now: bool = False) -> dict[str, Any]:
    """In this process: run ``tuireader ARGV``; its time, this process's peak RSS and (with
    ``fixed_now``, which also fixes the export time stamp) what it printed."""
    import contextlib
    import io

    from tuireader.cli import main as cli_main

    if fixed_now:
        import tuireader.export

        tuireader.export.now_iso = lambda: FIXED_NOW  # type: ignore[assignment]

    started = time.perf_counter()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(argv)
    if code != 0:
        raise SystemExit(f"tuireader {' '.join(argv)} exited {code}")
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(),
        "peak_mb": peak_rss_mb(),
        **({"stdout": printed.getvalue()} if fixed_now else {}),
    }


def open_only(db: Path) -> dict[str, float]:
    """In this process: open the database as the commands do and list its annotated articles
    (the baseline: what the store costs before any command reads an annotation)."""
    from tuireader.store import Store

    started = time.perf_counter()
    with Store.open(db, create=False) as store:
        store.annotated_article_ids()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(),
        "peak_mb": peak_rss_mb(),
    }


def cpu_seconds() -> float:
    """CPU time of this whole process (start-up and imports included, as a user waits for)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def real_commands(db: Path, out: Path) -> list[tuple[str, list[str]]]:
    commands = [("open (baseline)", ["--open-only", str(db)])]
    commands += [
        (fmt, ["export", "--db", str(db), "-f", fmt, "-o", str(out / f"e{suffix}")])
        for fmt, suffix in FORMATS.items()
    ]
    commands += [
        (
            f"{fmt} --by-sentence",
            ["export", "--db", str(db), "-f", fmt, "--by-sentence", "-o", str(out / f"s.{fmt}")],
        )
        for fmt in SENTENCE_FORMATS
    ]
    commands.append(("stats --json", ["stats", "--db", str(db), "--json"]))
    # Each into a database of its own (an import into one that holds the same ids skips them).
    commands += [
        (f"import {fmt}", ["import", "--db", str(out / f"fresh-{fmt}.json"), str(out / f"e.{fmt}")])
        for fmt in ("jsonl", "csv", "json")
    ]
    return commands


def kept_database(db_dir: Path | None, count: int, tmp: Path) -> Path:
    """The database of ``count`` annotations: built in ``tmp``, or kept in (and reused from)
    ``db_dir/<count>``."""
    folder = tmp if db_dir is None else db_dir / str(count)
    db = folder / "annotations.json"
    if db_dir is not None and db.is_file():
        print(f"   {count:,}: database {db} reused")
        return db
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    build_database(folder, count)
    print(
        f"   {count:,}: database {db.stat().st_size / 1e6:.0f} MB built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return db


def same_bytes(path: Path, kept: Path) -> str:
    """Whether ``path`` holds the same bytes as ``kept``; where they first differ if not."""
    if not kept.is_file():
        return f"nothing kept at {kept}"
    new, old = path.read_bytes(), kept.read_bytes()
    if new == old:
        return "identical"
    at = next(
        (i for i, (a, b) in enumerate(zip(new, old, strict=False)) if a != b),
        min(len(new), len(old)),
    )
    return f"DIFFERS at byte {at:,} ({len(new):,} bytes, kept {len(old):,})"


def bench_real_store(
    sizes: Sequence[int],
    only: Sequence[str] | None = None,
    db_dir: Path | None = None,
    outputs: Path | None = None,
    compare: Path | None = None,
    baseline: Path | None = None,
    repeat: int = 1,
) -> dict[str, float]:
    print(f"4. from a real database: {', '.join(f'{n:,}' for n in sizes)} annotations")
    results: dict[str, dict[int, dict[str, float]]] = {}
    differ: list[str] = []
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            db = kept_database(db_dir, count, folder)
            for name, argv in real_commands(db, folder):
                if only is not None and not name.startswith("open") and name not in only:
                    continue
                fixed = ["--fixed-now"] if outputs or compare else []
                written = (
                    [Path(a) for a in argv[argv.index("-o") + 1 :][:1]] if "-o" in argv else []
                )
                runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "now": []}
                env = {k: v for k, v in os.environ.items() if k != BASELINE_SRC}
                sources = {"now": env}
                if baseline is not None:
                    sources = {"baseline": {**env, BASELINE_SRC: str(baseline / "src")}, **sources}
                for _ in range(repeat):
                    for version, version_env in sources.items():
                        if name.startswith("import"):  # each run into an empty database
                            remove_database(Path(argv[argv.index("--db") + 1]))
                        done = subprocess.run(
                            [sys.executable, __file__, *fixed, "--run-cli", json.dumps(argv)],
                            capture_output=True,
                            text=True,
                            env=version_env,
                        )
                        if done.returncode != 0:
                            break
                        runs[version].append(json.loads(done.stdout))
                    if done.returncode != 0:
                        break
                if done.returncode != 0:
                    print(f"   {name:<22} FAILED: {done.stderr.strip().splitlines()[-1:]}")
                    continue
                result = _median_run(runs["now"])
                if baseline is not None:
                    old = _median_run(runs["baseline"])
                    print(
                        f"   {name:<22} --baseline {old['cpu']:5.2f} s CPU, this"
                        f" {result['cpu']:5.2f} s CPU: {result['cpu'] / old['cpu']:4.2f}x"
                        f"  (medians of {repeat}, load {os.getloadavg()[0]:.1f})"
                    )
                if name.startswith("open"):
                    print(
                        f"   {name:<22} {result['seconds']:6.2f} s ({result['cpu']:5.2f} s CPU)"
                        f"  peak {result['peak_mb']:7.1f} MB  (the store alone)"
                    )
                    continue
                results.setdefault(name, {})[count] = result
                other = name.startswith(("stats", "import"))
                limit = TARGET_STATS_IMPORT_MB if other else TARGET_RSS_MB
                # CPU time: on a machine shared by several jobs the wall time is mostly waiting.
                ok = result["peak_mb"] <= limit and result["cpu"] <= TARGET_REAL_S
                print(
                    f"   {name:<22} {result['seconds']:6.2f} s ({result['cpu']:5.2f} s CPU)"
                    f"  peak {result['peak_mb']:7.1f} MB"
                    f"  {'ok' if ok else 'NOT MET'} (<= {limit:.0f} MB, <= {TARGET_REAL_S:.0f} s CPU)"
                )
                if name == "stats --json":  # its output is what it prints
                    written = [folder / "stats.json"]
                    written[0].write_text(result.get("stdout", ""), encoding="utf-8")
                for path in written:
                    kept_name = f"{count}-{path.name}"
                    if compare is not None:
                        verdict = same_bytes(path, compare / kept_name)
                        print(f"   {'':<22} {verdict} to {compare / kept_name}")
                        if verdict != "identical":
                            differ.append(f"{count} {name}")
                    if outputs is not None:
                        outputs.mkdir(parents=True, exist_ok=True)
                        (outputs / kept_name).write_bytes(path.read_bytes())
    figures: dict[str, float] = {}
    if compare is not None:
        listed = f": {', '.join(differ)}" if differ else ""
        print(f"   byte check: {len(differ)} export(s) differ{listed}")
        figures["outputs_differing"] = float(len(differ))
    small, large = min(sizes), max(sizes)
    if small != large:
        print(f"   growth {large // small}x annotations (target <= {TARGET_GROWTH:.0f}x):")
    for name, by_size in results.items():
        key = name.replace(" --", "_").replace(" ", "_").replace("-", "_")
        if large in by_size:
            figures[f"real_{key}_s"] = by_size[large]["cpu"]
            figures[f"real_{key}_mb"] = by_size[large]["peak_mb"]
        if small != large and small in by_size and large in by_size:
            time_ratio = by_size[large]["cpu"] / by_size[small]["cpu"]
            rss_ratio = by_size[large]["peak_mb"] / by_size[small]["peak_mb"]
            figures[f"real_{key}_growth"] = max(time_ratio, rss_ratio)
            print(f"     {name:<22} CPU time {time_ratio:5.2f}x  peak RSS {rss_ratio:5.2f}x")
    return figures


def remove_database(db: Path) -> None:
    """The database at ``db`` and the files beside it that belong to it (shards, journal)."""
    for path in [db, *db.parent.glob(f"{db.name}.*")]:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _median_run(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The run of median CPU time (the upper one of an even number)."""
    return sorted(runs, key=lambda r: float(r["cpu"]))[len(runs) // 2]


def bench_streaming(count: int) -> dict[str, float]:
    print(f"3. streaming: {count} annotations, {PER_ARTICLE} per article, one process each")
    figures: dict[str, float] = {}
    jobs = [(fmt, False) for fmt in FORMATS] + [(fmt, True) for fmt in SENTENCE_FORMATS]
    for fmt, by_sentence in jobs:
        argv = [sys.executable, __file__, "--stream-one", fmt, "--stream-count", str(count)]
        done = subprocess.run(
            [*argv, *(["--by-sentence"] if by_sentence else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout)
        name = f"{fmt}{' --by-sentence' if by_sentence else ''}"
        print(
            f"   {name:<22} peak {result['peak_mb']:6.1f} MB (before export "
            f"{result['before_mb']:5.1f} MB)  {result['seconds']:6.2f} s  "
            f"{result['size_mb']:6.1f} MB written"
        )
        figures[f"rss_{fmt}{'_by_sentence' if by_sentence else ''}_mb"] = result["peak_mb"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--stream-count", type=int, default=500_000)
    parser.add_argument("--store", action="store_true", help="also time export from a database")
    parser.add_argument("--skip-stream", action="store_true", help="leave out part 3")
    parser.add_argument(
        "--real-store",
        default="100000,500000",
        help="database sizes for part 4, comma-separated (0: leave part 4 out)",
    )
    parser.add_argument("--only-real", action="store_true", help="run part 4 alone")
    parser.add_argument(
        "--commands",
        metavar="NAMES",
        help="part 4: only these commands, comma-separated as printed (csv,markdown,stats --json)",
    )
    parser.add_argument(
        "--db-dir", type=Path, help="part 4: keep the databases in DIR/<size> and reuse them"
    )
    parser.add_argument(
        "--outputs", type=Path, help="part 4: keep every export in DIR (time stamp fixed)"
    )
    parser.add_argument(
        "--compare", type=Path, help="part 4: check every export is byte-identical to DIR's"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="part 4: also run each command with the code of this checkout, alternately",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="part 4: runs of each command (medians printed)"
    )
    parser.add_argument("--fixed-now", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stream-one", metavar="FORMAT", help=argparse.SUPPRESS)
    parser.add_argument("--run-cli", metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--by-sentence", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stream_one:
        print(json.dumps(stream_one(args.stream_one, args.stream_count, args.by_sentence)))
        return 0
    if args.run_cli:
        argv = json.loads(args.run_cli)
        if argv[0] == "--open-only":
            print(json.dumps(open_only(Path(argv[1]))))
        else:
            print(json.dumps(run_cli(argv, args.fixed_now)))
        return 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    sizes = [int(n) for n in args.real_store.split(",") if int(n) > 0]
    figures: dict[str, float] = {}
    if not args.only_real:
        figures.update(bench_formats(args.count, args.store))
        figures.update(bench_by_sentence())
        if not args.skip_stream:
            figures.update(bench_streaming(args.stream_count))
    if sizes:
        only = [n.strip() for n in args.commands.split(",")] if args.commands else None
        figures.update(
            bench_real_store(
                sizes, only, args.db_dir, args.outputs, args.compare, args.baseline, args.repeat
            )
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    met: dict[str, bool] = {}
    if "json" in figures:
        met["json"] = figures["json"] <= TARGET_JSON_S
    by_sentence = [v for k, v in figures.items() if k.startswith("by_sentence_")]
    if by_sentence:
        met["by_sentence"] = max(by_sentence) <= TARGET_BY_SENTENCE_S
    rss = [v for k, v in figures.items() if k.startswith("rss_")]
    if rss:
        met["rss"] = max(rss) <= TARGET_RSS_MB
    growth = [v for k, v in figures.items() if k.endswith("_growth")]
    if growth:
        met["growth"] = max(growth) <= TARGET_GROWTH
    if "outputs_differing" in figures:
        met["same_bytes"] = figures["outputs_differing"] == 0
    real_s = [v for k, v in figures.items() if k.startswith("real_") and k.endswith("_s")]
    if real_s:
        met["real_seconds"] = max(real_s) <= TARGET_REAL_S
    export_mb = [
        v
        for k, v in figures.items()
        if k.startswith("real_") and k.endswith("_mb") and "stats" not in k and "import" not in k
    ]
    if export_mb:
        met["real_export_rss"] = max(export_mb) <= TARGET_RSS_MB
    other_mb = [
        v for k, v in figures.items() if k.endswith("_mb") and ("stats" in k or "import" in k)
    ]
    if other_mb:
        met["real_stats_import_rss"] = max(other_mb) <= TARGET_STATS_IMPORT_MB
    print(
        " ".join(f"{k}={v:.3f}" for k, v in figures.items())
        + " "
        + " ".join(f"{k}_target_met={v}" for k, v in met.items())
    )
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())

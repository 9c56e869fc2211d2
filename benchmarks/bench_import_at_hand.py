"""``tuireader import`` where the article files are at hand, in the two layouts issue 10 names.

    python benchmarks/bench_import_at_hand.py build dense 100000 DIR
    python benchmarks/bench_import_at_hand.py build files 100000 DIR
    python benchmarks/bench_import_at_hand.py run DIR [--baseline OTHER/src] [--runs 3]
    python benchmarks/bench_import_at_hand.py check DIR --baseline OTHER/src

``build`` writes ``DIR/arts`` (the article files) and ``DIR/e.jsonl`` (a jsonl export of N
annotations on them, made by ``tuireader export`` from a database built here):

- ``dense``: ``bench_export.py`` part 4's layout: articles of 100 sentences, 1,000
  annotations an article by two annotators, each tagging every sentence five times over (90% of
  a layer overlaps another annotation of that layer).
- ``files``: a team's layout: many article files of 20 sentences, two annotators tagging every
  sentence (40 annotations an article: 12,500 files at 500,000).

``run`` imports ``DIR/e.jsonl`` into a new database (``DIR/runs/<n>``, never removed during the
series: removing thousands of shard files makes the next creates cost seconds of system time
on this machine's ext4), in a fresh process under ``/usr/bin/time``: with ``--baseline`` that
checkout's ``src`` and this one alternately, ``--runs`` times each. Prints user + system CPU,
wall and peak RSS of each run, the load average beside it, and the medians. Target (issue 10):
<= 10 s CPU at 500,000, peak RSS <= 500 MB.

``check`` imports ``DIR/e.jsonl`` once with each version (into ``DIR/check/<n>/<version>``) and
says whether the two databases are identical: every table (``storage.load_tables``) and every
shard file byte for byte (exit 1 if not).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAGS = ("fact", "speculation", "expert_opinion")
FILES_SENTENCES = 20
TARGET_S = 10.0
TARGET_MB = 500.0


def files_text(number: int) -> str:
    """A short generated article of ``FILES_SENTENCES`` sentences, unique to ``number``."""
    body = " ".join(
        f"Pier {number} got crane {j} in week {j + 1} of the works." for j in range(FILES_SENTENCES)
    )
    return f"Harbour notes {number}\n\n{body}\n"


def build_files(count: int, folder: Path, db: Path) -> None:
    from tuireader.annotations import Annotation
    from tuireader.articles import load_article
    from tuireader.store import Store

    arts = folder / "arts"
    arts.mkdir(parents=True, exist_ok=True)
    found = []
    for n in range(max(1, count // (2 * FILES_SENTENCES))):
        path = arts / f"s{n:05d}.txt"
        path.write_text(files_text(n), encoding="utf-8")
        found.append(load_article(path))
    with Store.open(db, "ana") as store:
        batch: list[Annotation] = []
        for article in found:
            for k, s in enumerate(article.sentences):
                for who in ("ana", "bo"):
                    tag = TAGS[(k + len(who)) % 3]
                    batch.append(Annotation.new(article.id, article.body, s.start, s.end, tag, who))
            if len(batch) >= 50_000:
                store.import_all(batch)
                batch = []
        store.import_all(batch)
        store.attach_all(iter(found))


def build_dense(count: int, folder: Path, db: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_export import build_database

    arts = folder / "arts"
    arts.mkdir(parents=True, exist_ok=True)
    built = build_database(arts, count)
    for suffix in ("", ".d", ".journal", ".bak", ".lock", ".lock.owner"):
        source = Path(f"{built}{suffix}")
        if source.exists():
            source.rename(Path(f"{db}{suffix}"))


def build(layout: str, count: int, folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "src.json"
    (build_dense if layout == "dense" else build_files)(count, folder, db)
    export = [sys.executable, "-m", "tuireader", "export", "--db", str(db), "-f", "jsonl"]
    subprocess.run([*export, "-o", str(folder / "e.jsonl")], check=True, env=_env(None))
    print(f"built {layout} {count:,}: {folder / 'e.jsonl'}")


def _env(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = src or str(ROOT / "src")
    return env


def timed_import(folder: Path, src: str | None, run: int) -> tuple[float, float, float, float]:
    """One ``tuireader import`` in a fresh process: (user + sys, sys, wall, peak MB)."""
    db = folder / "runs" / f"{run:03d}" / "annotations.json"
    db.parent.mkdir(parents=True)
    times = db.parent / "time.txt"
    command = ["/usr/bin/time", "-f", "%U %S %e %M", "-o", str(times)]
    command += [sys.executable, "-m", "tuireader", "import", "--db", str(db)]
    subprocess.run(
        [*command, str(folder / "e.jsonl")], check=True, env=_env(src), stdout=subprocess.DEVNULL
    )
    user, system, wall, kb = map(float, times.read_text().split())
    return user + system, system, wall, kb / 1024


def run(folder: Path, baseline: str | None, runs: int) -> None:
    (folder / "runs").mkdir(exist_ok=True)
    number = len(list((folder / "runs").iterdir()))
    versions = [("this", None)] + ([("baseline", baseline)] if baseline else [])
    totals: dict[str, list[float]] = {name: [] for name, _ in versions}
    for _ in range(runs):
        for name, src in reversed(versions):
            load = os.getloadavg()[0]
            cpu, system, wall, mb = timed_import(folder, src, number)
            number += 1
            totals[name].append(cpu)
            print(
                f"{name:8} {cpu:6.2f} s CPU (sys {system:.2f}), wall {wall:.2f} s, "
                f"{mb:.0f} MB peak, load {load:.2f}",
                flush=True,
            )
    for name, values in totals.items():
        median = statistics.median(values)
        met = "met" if median <= TARGET_S else "NOT met"
        print(f"{name:8} median {median:.2f} s CPU ({met}: <= {TARGET_S:.0f} s at 500,000)")
    if baseline:
        ratio = statistics.median(totals["this"]) / statistics.median(totals["baseline"])
        print(f"this / baseline: {ratio:.2f}")


def same_database(folder: Path, baseline: str) -> bool:
    """Import ``DIR/e.jsonl`` once with each version into new databases and compare them:
    every table (``storage.load_tables``) and every shard file byte for byte."""
    from tuireader.storage import load_tables, shard_folder

    dbs = []
    # A new folder each check: removing an earlier check's thousands of shard files would slow
    # the creates of any import timed soon after (see ``run``).
    checks = folder / "check"
    checks.mkdir(exist_ok=True)
    into = checks / f"{len(list(checks.iterdir())):03d}"
    for name, src in (("baseline", baseline), ("this", None)):
        db = into / name / "annotations.json"
        db.parent.mkdir(parents=True)
        command = [sys.executable, "-m", "tuireader", "import", "--db", str(db)]
        printed = subprocess.run(
            [*command, str(folder / "e.jsonl")], check=True, env=_env(src), capture_output=True
        ).stdout.decode()
        print(f"{name:8} {printed.splitlines()[0]}")
        dbs.append(db)
    old, new = (load_tables(db) for db in dbs)
    same = True
    for table in sorted(set(old) | set(new)):
        equal = old.get(table) == new.get(table)
        same &= equal
        print(
            f"table {table}: {len(new.get(table, {})):,} records, {'equal' if equal else 'DIFFER'}"
        )
    shards = [
        {p.name: p.read_bytes() for p in shard_folder(db).iterdir()}
        if shard_folder(db).is_dir()
        else {}
        for db in dbs
    ]
    differ = sorted(
        k for k in set(shards[0]) | set(shards[1]) if shards[0].get(k) != shards[1].get(k)
    )
    same &= not differ
    print(f"shard files: {len(shards[1]):,}, {len(differ)} differ {differ[:3]}")
    print("IDENTICAL" if same else "NOT IDENTICAL")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write DIR/arts and DIR/e.jsonl")
    b.add_argument("layout", choices=("dense", "files"))
    b.add_argument("count", type=int)
    b.add_argument("dir", type=Path)
    r = sub.add_parser("run", help="time tuireader import of DIR/e.jsonl")
    r.add_argument("dir", type=Path)
    r.add_argument("--baseline", help="the src folder of another checkout, run alternately")
    r.add_argument("--runs", type=int, default=3)
    c = sub.add_parser("check", help="one import with each version: the databases must match")
    c.add_argument("dir", type=Path)
    c.add_argument("--baseline", required=True, help="the src folder of another checkout")
    args = parser.parse_args()
    if args.command == "build":
        build(args.layout, args.count, args.dir)
    elif args.command == "check":
        sys.path.insert(0, str(ROOT / "src"))
        sys.exit(0 if same_database(args.dir, args.baseline) else 1)
    else:
        run(args.dir, args.baseline, args.runs)


if __name__ == "__main__":
    main()

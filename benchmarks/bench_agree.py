"""Time ``tuireader agree`` on 10 annotators x 10,000 sentences.

    python benchmarks/bench_agree.py [--annotators N] [--sentences N]

Builds, in a temporary folder, one article of generated sentences (1,000 paragraphs of 10) and a
database where each annotator tagged it (about 60 % of the sentences, agreeing with a shared
"truth" 80 % of the time, runs of 1-3 sentences) and marked it done. Then runs the command as a
user would (``tuireader agree --db FILE --json``, in this process, output discarded), best of
three, with the parts it is made of, and ``tuireader stats --json`` on the same file as the
baseline. Target: agree <= 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tuireader.agreement import agreement, sentence_values  # noqa: E402
from tuireader.articles import Article, load_article  # noqa: E402
from tuireader.cli import main  # noqa: E402
from tuireader.store import Store  # noqa: E402
from tuireader.tags import DEFAULT_TAGS  # noqa: E402

TARGET_S = 1.0
SUBJECTS = ("The council", "A spokesman", "The report", "Analysts", "The minister", "Residents")
VERBS = ("said", "expected", "confirmed", "doubted", "estimated", "argued")
OBJECTS = ("the budget", "the bridge", "the vote", "the deal", "the figures", "the plan")


def article_text(sentences: int) -> str:
    rng = random.Random(7)
    paragraphs = []
    for p in range(0, sentences, 10):
        paragraph = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} on day {n} that {rng.choice(OBJECTS)} "
            f"would change by {rng.randint(2, 99)} percent."
            for n in range(p, min(p + 10, sentences))
        ]
        paragraphs.append(" ".join(paragraph))
    return "Generated article for the agreement benchmark\n\n" + "\n\n".join(paragraphs) + "\n"


def annotate(db: Path, article: Article, annotators: int) -> None:
    rng = random.Random(11)
    count = len(article.sentences)
    truth = [rng.choice((*DEFAULT_TAGS.ids, None, None)) for _ in range(count)]
    for n in range(annotators):
        runs: list[tuple[int, int, str]] = []
        i = 0
        while i < count:
            length = rng.choice((1, 1, 1, 2, 3))
            last = min(count - 1, i + length - 1)
            tag = truth[i] if rng.random() < 0.8 else rng.choice((*DEFAULT_TAGS.ids, None))
            if tag is not None:
                runs.append((i, last, tag))
            i = last + 1
        with Store.open(db, f"annotator{n + 1:02d}") as store:
            store.attach(article)
            store.tag_many(article, runs, "benchmark")
            store.set_done(article.id, True)


def best_of(
    runs: int, call: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        call()
        times.append(clock() - start)
    return min(times)


def quiet(args: list[str]) -> Callable[[], object]:
    def call() -> object:
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(args)
        if code != 0:
            raise SystemExit(f"tuireader {' '.join(args)} exited {code}")
        return code

    return call


def run(annotators: int, sentences: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.txt"
        path.write_text(article_text(sentences), encoding="utf-8")
        article = load_article(path)
        db = Path(folder) / "bench.json"
        annotate(db, article, annotators)
        store = Store.open(db, create=False)
        names = store.annotators()
        everyone = store.annotations(article.id)
        layers = [[a for a in everyone if a.annotator == name] for name in names]
        store.close()
        print(
            f"{len(names)} annotators x {len(article.sentences):,} sentences, "
            f"{sum(map(len, layers)):,} annotations, {db.stat().st_size / 1e6:.1f} MB database"
        )

        def figures_only() -> object:
            columns = [sentence_values(article.sentences, layer) for layer in layers]
            return agreement(names, list(zip(*columns, strict=True)), DEFAULT_TAGS.ids)

        def segment_only() -> object:
            return load_article(path).sentences

        def open_only() -> object:
            with Store.open(db, create=False) as s:
                return s.tag_rows(article.id)  # what ``agree`` reads: every layer at once

        return {
            "agree": best_of(3, quiet(["agree", "--db", str(db), "--json"])),
            "agree, CPU time": best_of(
                3, quiet(["agree", "--db", str(db), "--json"]), time.process_time
            ),
            "  open the database, read every layer": best_of(3, open_only),
            "  read and split the article": best_of(3, segment_only),
            "  figures (overall and per tag)": best_of(3, figures_only),
            "stats (baseline)": best_of(3, quiet(["stats", "--db", str(db), "--json"])),
        }


def main_cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--sentences", type=int, default=10_000)
    args = parser.parse_args()
    # On a shared machine wall time is mostly waiting: the CPU time and the load say how much.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    figures = run(args.annotators, args.sentences)
    for name, seconds in figures.items():
        print(f"{name:<40} {seconds:7.3f} s")
    ratio = figures["agree"] / figures["stats (baseline)"]
    verdict = "ok" if figures["agree"] <= TARGET_S else "TOO SLOW"
    cpu = "ok" if figures["agree, CPU time"] <= TARGET_S else "TOO SLOW"
    print(
        f"agree / stats: {ratio:.2f}x; target agree <= {TARGET_S:.1f} s: wall {verdict}, CPU {cpu}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main_cli())

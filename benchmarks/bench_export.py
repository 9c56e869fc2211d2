"""Export 50,000 annotations in every format and print the seconds each takes.

    python benchmarks/bench_export.py [--count N] [--store]

Annotations are real sentences of the bundled sample articles (cycled, with notes on every
third), so quotes, notes and titles have realistic lengths. Each figure is the best of three runs
of ``export_annotations`` (selection, ordering and rendering) followed by ``write_export`` to a
temporary file, which is what ``tuireader export -o FILE`` does after opening the store. With
``--store`` it also times the same export read from a real database file. Target: json <= 1 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tuireader.annotations import Annotation  # noqa: E402
from tuireader.articles import Article, load_library  # noqa: E402
from tuireader.export import FORMATS, ExportData, export_annotations, select, write_export  # noqa: E402
from tuireader.tags import DEFAULT_TAGS  # noqa: E402

TARGET_JSON_S = 1.0


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
    metas = [
        {
            "id": a.id,
            "title": a.title,
            "date": a.date,
            "path": str(a.path),
            "sentence_count": len(a.sentences),
        }
        for a in articles
    ]
    return articles, annotations, metas


def best_of(runs: int, job: Any) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--store", action="store_true", help="also time export from a database")
    args = parser.parse_args()
    articles, annotations, metas = make(args.count)
    data = ExportData(tuple(annotations), tuple(metas))
    print(f"{len(annotations)} annotations over {len(articles)} articles")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, suffix in FORMATS.items():
            target = Path(tmp) / f"export{suffix}"

            def job(fmt: str = fmt, target: Path = target) -> None:
                write_export(
                    export_annotations(select(data.annotations, data.articles), fmt), target
                )

            figures[fmt] = best_of(3, job)
            size = target.stat().st_size / 1e6
            print(f"{fmt:<9} {figures[fmt]:7.3f} s  {size:6.1f} MB")
        if args.store:
            from tuireader.store import Store

            db = Path(tmp) / "annotations.json"
            with Store.open(db, "ana") as store:
                for article in articles:
                    store.attach(article)
                store.import_annotations(annotations)
            started = time.perf_counter()
            with Store.open(db, "ana") as store:
                opened = time.perf_counter() - started
                text = export_annotations(store, "json")
            total = time.perf_counter() - started
            write_export(text, Path(tmp) / "from-store.json")
            print(f"from a database file: open {opened:.3f} s, open + json export {total:.3f} s")
            figures["store_json"] = total
    ok = figures["json"] <= TARGET_JSON_S
    print(" ".join(f"{k}_s={v:.3f}" for k, v in figures.items()) + f" json_target_met={ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Tag suggestions against the labelled sets: per-tag precision/recall/F1, macro-F1, coverage, speed.

    python benchmarks/bench_suggest.py                 # every split, then the speed figures
    python benchmarks/bench_suggest.py --errors dev    # list the dev sentences it gets wrong

A sentence with no suggestion counts as a miss in recall (never as a hit), so abstaining costs.
The held-out splits (``heldout``, ``heldout2``) are there to be reported, not tuned on, so
``--errors`` only lists the dev split.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tuireader.articles import from_text
from tuireader.suggest import Suggestion, suggest_sequence
from tuireader.tags import DEFAULT_TAGS

DEV_SET = Path(__file__).parent / "data" / "suggest_dev.jsonl"
WAR_AND_PEACE = Path("/work/shared/bench/war-and-peace.txt")
HELD_OUT = ("heldout", "heldout2")
"""The held-out splits: never tuned on, only their aggregate figures are read."""


@dataclass(frozen=True)
class Row:
    article: str
    index: int
    split: str
    gold: str
    text: str


@dataclass(frozen=True)
class Scores:
    per_tag: dict[str, tuple[float, float, float]]
    macro_f1: float
    coverage: float
    accuracy_on_suggested: float
    count: int


def load_rows(path: Path = DEV_SET) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(Row(**json.loads(line)))
    return rows


def predict(rows: list[Row]) -> list[Suggestion | None]:
    """Suggestions in row order; each article is read in sequence so "she said" has its context."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_article[row.article].append(i)
    out: list[Suggestion | None] = [None] * len(rows)
    for positions in by_article.values():
        positions.sort(key=lambda i: rows[i].index)
        for i, suggestion in zip(
            positions, suggest_sequence([rows[i].text for i in positions]), strict=True
        ):
            out[i] = suggestion
    return out


def score(rows: list[Row], predicted: list[Suggestion | None]) -> Scores:
    per_tag: dict[str, tuple[float, float, float]] = {}
    for tag in DEFAULT_TAGS.ids:
        tp = sum(
            1 for r, p in zip(rows, predicted, strict=True) if p and p.tag == tag and r.gold == tag
        )
        fp = sum(
            1 for r, p in zip(rows, predicted, strict=True) if p and p.tag == tag and r.gold != tag
        )
        fn = sum(
            1
            for r, p in zip(rows, predicted, strict=True)
            if r.gold == tag and not (p and p.tag == tag)
        )
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_tag[tag] = (precision, recall, f1)
    suggested = [(r, p) for r, p in zip(rows, predicted, strict=True) if p is not None]
    correct = sum(1 for r, p in suggested if p.tag == r.gold)
    return Scores(
        per_tag=per_tag,
        macro_f1=sum(f for _, _, f in per_tag.values()) / len(per_tag),
        coverage=len(suggested) / len(rows) if rows else 0.0,
        accuracy_on_suggested=correct / len(suggested) if suggested else 0.0,
        count=len(rows),
    )


def ms_per_sentence(rows: list[Row], repeat: int = 20) -> float:
    texts = [r.text for r in rows]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        suggest_sequence(texts)
        best = min(best, time.perf_counter() - start)
    return best * 1000 / len(texts)


def score_split(rows: list[Row], predicted: list[Suggestion | None], splits: set[str]) -> Scores:
    chosen = [(r, p) for r, p in zip(rows, predicted, strict=True) if r.split in splits]
    return score([r for r, _ in chosen], [p for _, p in chosen])


def long_text_ms_per_sentence(path: Path = WAR_AND_PEACE, repeat: int = 3) -> tuple[int, float]:
    """(sentences, best ms per sentence) for a whole book read as one article, context and all."""
    texts = [s.text for s in from_text(path.read_text(encoding="utf-8")).sentences]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        suggest_sequence(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts), best * 1000 / len(texts)


def report(name: str, scores: Scores) -> None:
    print(f"{name}: {scores.count} sentences")
    print(f"  {'tag':<16}{'precision':>10}{'recall':>8}{'F1':>7}")
    for tag, (p, r, f) in scores.per_tag.items():
        print(f"  {tag:<16}{p:>10.2f}{r:>8.2f}{f:>7.2f}")
    print(f"  macro-F1 {scores.macro_f1:.3f}   coverage {scores.coverage:.0%}   ", end="")
    print(f"accuracy on suggested {scores.accuracy_on_suggested:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--errors", choices=["dev"], help="list wrong or missing suggestions (dev split only)"
    )
    args = parser.parse_args()
    rows = load_rows()
    predicted = predict(rows)
    for split in ("dev", *HELD_OUT):
        report(split, score_split(rows, predicted, {split}))
    report("held-out (both)", score_split(rows, predicted, set(HELD_OUT)))
    report("all", score(rows, predicted))
    print(f"speed: {ms_per_sentence(rows):.3f} ms per sentence (best of 20 runs)")
    if WAR_AND_PEACE.exists():
        count, ms = long_text_ms_per_sentence()
        print(f"War and Peace: {count} sentences, {ms:.3f} ms per sentence (best of 3 runs)")
    if args.errors:
        print()
        for r, p in zip(rows, predicted, strict=True):
            if r.split == args.errors and (p is None or p.tag != r.gold):
                got = f"{p.tag} ({p.reason})" if p else "none"
                print(f"{r.article}#{r.index} gold={r.gold} got={got}\n    {r.text}")


if __name__ == "__main__":
    main()

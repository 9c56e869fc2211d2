"""What tuireader makes of the pages and wire files in benchmarks/page_shapes.py: for each, the
story's sentences it gives exactly (right), the ones it loses or mangles (missing: merged, split,
dropped), and the lines it gives that are no sentence of the story (extra: furniture kept).

Usage: python benchmarks/bench_page_shapes.py [-v]
Prints one line per shape and the totals; the last line is machine-readable.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import page_shapes
from tuireader.articles import load_article
from tuireader.errors import ArticleError


@dataclass(frozen=True)
class Score:
    name: str
    expected: int
    right: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    dateline_right: bool
    in_order: bool

    @property
    def ok(self) -> bool:
        return (
            self.right == self.expected and not self.extra and self.dateline_right and self.in_order
        )


def score(shape: page_shapes.Shape, folder: Path) -> Score:
    path = folder / f"{shape.name.replace(' ', '_').replace('/', '_')}{shape.suffix}"
    path.write_text(shape.source, encoding="utf-8")
    try:
        article = load_article(path)
    except ArticleError as exc:
        return Score(shape.name, len(shape.sentences), 0, (str(exc),), (), False, False)
    got = [s.text for s in article.sentences]
    found = [s for s in shape.sentences if s in got]
    extra = tuple(s for s in got if s not in shape.sentences and s not in shape.neutral)
    story_order = [s for s in got if s in shape.sentences]
    dateline_right = shape.dateline is None or article.dateline == shape.dateline
    return Score(
        shape.name,
        len(shape.sentences),
        len(found),
        tuple(s for s in shape.sentences if s not in got),
        extra,
        dateline_right,
        story_order == [s for s in shape.sentences if s in story_order],
    )


def run() -> list[Score]:
    with tempfile.TemporaryDirectory() as folder:
        return [score(shape, Path(folder)) for shape in page_shapes.SHAPES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show what is wrong")
    args = parser.parse_args()
    scores = run()
    for s in scores:
        mark = "ok " if s.ok else "BAD"
        print(
            f"{mark} {s.name:32} {s.right}/{s.expected} right, {len(s.extra)} extra"
            + ("" if s.dateline_right else ", dateline wrong")
            + ("" if s.in_order else ", out of order")
        )
        if args.verbose and not s.ok:
            for line in s.missing:
                print(f"      missing: {line}")
            for line in s.extra:
                print(f"      extra:   {line}")
    right = sum(s.right for s in scores)
    expected = sum(s.expected for s in scores)
    extra = sum(len(s.extra) for s in scores)
    good = sum(s.ok for s in scores)
    print(
        f"{len(scores)} shapes, {good} right in full; sentences {right}/{expected} right, {extra} extra"
    )
    print(
        json.dumps(
            {
                "shapes": len(scores),
                "shapes_right": good,
                "sentences_right": right,
                "sentences": expected,
                "extra": extra,
            }
        )
    )


if __name__ == "__main__":
    main()

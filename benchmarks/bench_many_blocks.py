"""A short story among many small blocks (widgets, labels, link lists not in a <nav>): CPU time
of extracting it, with trafilatura's fallback extractors (its justext fallback is quadratic in
the number of short blocks) against fast mode, which webpage.py uses above _FAST_ELEMENTS.

Usage: python benchmarks/bench_many_blocks.py [--sizes 1000,4000,8000]
Prints one line per size and a machine-readable last line.
"""

from __future__ import annotations

import argparse
import json
import time

from tuireader import webpage
from tuireader.formats import parse_html


def page(widgets: int) -> str:
    blocks = "".join(
        f"<div class='widget w{i}'><span class='label'>x{i}</span></div>" for i in range(widgets)
    )
    story = "".join(
        f"<p>Paragraph {i} of the story says the council met on Tuesday and voted again.</p>"
        for i in range(12)
    )
    return (
        f"<html><head><title>Big</title></head><body>{blocks}<article><h1>Big</h1>{story}"
        "</article></body></html>"
    )


def cpu(html: str) -> tuple[float, int]:
    start = time.process_time()
    doc = parse_html(html)
    return time.process_time() - start, len(doc.paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,8000")
    args = parser.parse_args()
    parse_html(page(10))  # imports paid before timing
    threshold = webpage._FAST_ELEMENTS
    rows = []
    for size in (int(x) for x in args.sizes.split(",")):
        html = page(size)
        now, paragraphs = cpu(html)
        webpage._FAST_ELEMENTS = 10**9  # the fallbacks on every page, as before
        before, before_paragraphs = cpu(html)
        webpage._FAST_ELEMENTS = threshold
        rows.append({"widgets": size, "cpu_s": round(now, 3), "fallbacks_cpu_s": round(before, 3)})
        print(
            f"{size:6} widgets: {now:6.2f} s CPU ({paragraphs} paragraphs); with the fallbacks "
            f"{before:6.2f} s ({before_paragraphs} paragraphs); ratio {before / now:4.1f}x"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()

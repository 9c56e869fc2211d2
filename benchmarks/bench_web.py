"""Web pages and feeds: extraction time per page, trafilatura against readability-lxml, and
``tuireader add`` of a 100-item feed served from 127.0.0.1, end to end.

Usage: python benchmarks/bench_web.py [--items 100] [--repeat 5]
The pages are the ones written in benchmarks/news_pages.py (20: four stories in five site
shapes). readability-lxml is measured only where it is installed (pip install readability-lxml).
Prints figures; the last line is machine-readable.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import news_pages
from tuireader.cli import main as cli_main
from tuireader.formats import parse_html


def score(paragraphs: list[str], page: news_pages.Page) -> tuple[int, int, bool]:
    """(story paragraphs missing, boilerplate phrases kept, caption kept) for one extraction."""
    text = "\n".join(paragraphs)
    missing = sum(1 for p in page.story.paragraphs[1:] if p not in text)
    kept = sum(1 for phrase in news_pages.BOILERPLATE if phrase in text)
    return missing, kept, page.story.caption in text


def trafilatura_run(pages: list[news_pages.Page], repeat: int) -> dict[str, float]:
    times, missing, kept, captions, meta = [], 0, 0, 0, 0
    for page in pages:
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            doc = parse_html(page.html, page.url)
            runs.append(time.perf_counter() - t0)
        times.append(statistics.median(runs))
        m, k, c = score(list(doc.paragraphs), page)
        missing, kept, captions = missing + m, kept + k, captions + c
        meta += (doc.title, doc.author, doc.date) == (
            page.story.headline,
            page.story.author,
            page.story.date,
        )
    return _summary(times, missing, kept, captions, meta)


def readability_run(pages: list[news_pages.Page], repeat: int) -> dict[str, float] | None:
    try:
        import lxml.html
        from readability import Document
    except ImportError:
        return None
    times, missing, kept, captions, meta = [], 0, 0, 0, 0
    for page in pages:
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            doc = Document(page.html)
            summary = doc.summary(html_partial=True)
            title = doc.short_title()
            runs.append(time.perf_counter() - t0)
        times.append(statistics.median(runs))
        tree = lxml.html.fromstring(summary)
        paragraphs = [p.text_content().strip() for p in tree.iter("p", "figcaption", "span")]
        paragraphs = [p for p in paragraphs if p] or [tree.text_content()]
        m, k, c = score(paragraphs, page)
        missing, kept, captions = missing + m, kept + k, captions + c
        meta += title == page.story.headline  # it states no author or date
    return _summary(times, missing, kept, captions, meta)


def _summary(
    times: list[float], missing: int, kept: int, captions: int, meta: int
) -> dict[str, float]:
    return {
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "missing": missing,
        "boilerplate": kept,
        "captions": captions,
        "metadata": meta,
    }


def add_feed(items: int) -> tuple[float, float, int]:
    """Seconds for ``add`` of an ``items``-item feed into an empty library, then for the
    second run that finds every item saved; and the files saved."""
    with news_pages.NewsServer() as site, tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "library"
        args = ["add", "--no-open", "--library", str(library), site.url(f"/feed/{items}")]
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            t0 = time.perf_counter()
            first_status = cli_main(args)
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            again_status = cli_main(args)
            again = time.perf_counter() - t0
        if first_status or again_status:
            raise SystemExit(f"add failed: {sink.getvalue()[-500:]}")
        return first, again, len(list(library.iterdir()))


def import_cost() -> float:
    """Seconds to import trafilatura in a fresh interpreter: what a text-only library avoids."""
    code = "import time; t=time.perf_counter(); import trafilatura; print(time.perf_counter()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pages = news_pages.pages()
    parse_html(pages[0].html, pages[0].url)  # the first call pays trafilatura's import

    traf = trafilatura_run(pages, args.repeat)
    print(
        f"trafilatura on {len(pages)} pages: median {traf['median_ms']:.1f} ms/page "
        f"(max {traf['max_ms']:.1f}); story paragraphs missing {traf['missing']:.0f}, "
        f"boilerplate phrases kept {traf['boilerplate']:.0f}, captions kept "
        f"{traf['captions']:.0f}, title+author+date right on {traf['metadata']:.0f}"
    )
    read = readability_run(pages, args.repeat)
    if read is None:
        print("readability-lxml: not installed (pip install readability-lxml to compare)")
    else:
        print(
            f"readability-lxml on {len(pages)} pages: median {read['median_ms']:.1f} ms/page "
            f"(max {read['max_ms']:.1f}); story paragraphs missing {read['missing']:.0f}, "
            f"boilerplate phrases kept {read['boilerplate']:.0f}, captions kept "
            f"{read['captions']:.0f}, title right on {read['metadata']:.0f} (no author or date)"
        )
    print(f"import trafilatura: {import_cost() * 1000:.0f} ms, paid only when a page is read")

    first, again, saved = add_feed(args.items)
    print(
        f"add of a {args.items}-item local feed: {first:.2f} s ({first / args.items * 1000:.0f} "
        f"ms/item, {saved} files saved); again with all saved: {again * 1000:.0f} ms"
    )
    print(
        f"extract_ms_median={traf['median_ms']:.1f} add_feed_s={first:.2f} "
        f"add_feed_again_ms={again * 1000:.0f}"
    )


if __name__ == "__main__":
    main()

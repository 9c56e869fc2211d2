"""The first read of one dense article: War and Peace tagged twice, sentence by sentence.

    python benchmarks/bench_dense.py [--db-dir DIR] [--runs N] [--profile]

Builds (or reuses, with ``--db-dir``) a database holding one article, the book from
``../shared/bench/war-and-peace.txt`` (a generated book of that size when it is absent), with
every sentence tagged by two annotators (~55,700 annotations in one shard). Then, each in a
fresh process, ``--runs`` times:

- baseline: reading and segmenting the book alone (what opening it costs with no database);
- first read: ``Store.open``, ``attach`` of the book and the reader's first reads of it
  (``annotations(article_id)`` and the annotator's layer ``mine``), as the reader does when it
  opens the article.

Prints the CPU time (user + sys) of each (medians of the runs, every run listed), the
difference, and the peak RSS. Target: the first read <= 1 s CPU beyond the baseline.
``--profile`` prints the first read's top functions. ``--compare DIR`` also times the first
read with another checkout's code (``DIR/src``, e.g. ``git worktree add DIR main``), its runs
alternating with this one's, on the same database and load.

``--edited`` times instead re-anchoring the book after an edit: one sentence added at the top
of its text, the ~55,700 annotations (made on the text before) adopted from its old id and
re-anchored (``plan_attach``, as ``Store.attach`` plans it), each in a fresh process: the old way
(every quote searched for in the whole text, ``--old-runs`` times, 1 by default: ~50 s) and the
new (``anchoring.Occurrences``: one pass indexes where the quotes occur), whose outcomes must be
identical; with ``--compare DIR`` the old way is ``DIR``'s code (e.g. main before this change).
Then the same for a short article (40 sentences, tagged twice, one sentence added),
attached 300 times per process: an edit of a short article must not get slower. Target: the book
<= 5 s CPU.

``--reworded`` times the same edit with 1% of the book's sentences also reworded (a word added),
so their tags are found by the fuzzy search only (``anchoring.by_fuzzy``, in a window around
where each was), ``--runs`` times, against ``--compare DIR``'s code alternately, and checks
that the outcomes are identical, or counts per annotation how they differ (placed elsewhere,
orphaned instead of placed, placed instead of orphaned).
``--every N`` rewords one sentence in N instead (1000: 0.1%, 20: 5%); ``--scale`` 0.5 takes the
first half of the book's paragraphs, 2 the book followed by a copy with its letters rotated
(ROT13: the same lengths and sentences, none of them the book's), to show how the time grows
with the book's size.

``--window`` justifies the fuzzy search's window (``anchoring.FUZZY_WINDOW_CHARS`` and
``FUZZY_WINDOW_SENTENCES``): the book edited all over (``edited_all_over``: paragraphs inserted,
from one to a chapter's worth, paragraphs deleted, sentences reworded, deleted and added), tagged
one sentence in 1, 10 and 100, in process. For each quote found nowhere as it is, it prints how
far the whole-text search's placement lies from where the quote was expected (its old offset
moved as its neighbours moved), and how the window's outcomes differ from the whole text's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ENV = "BENCH_DENSE_SRC"
"""The code a child process runs (``--compare``); this checkout's by default."""
sys.path.insert(0, os.environ.get(SOURCE_ENV) or str(ROOT / "src"))

from tuireader.annotations import Annotation, Quote  # noqa: E402
from tuireader.articles import Article, load_article  # noqa: E402

BOOK = ROOT.parent / "shared" / "bench" / "war-and-peace.txt"
ANNOTATORS = ("ana", "bo")
TAGS = ("fact", "speculation", "expert_opinion")
TARGET_S = 1.0
EDITED_TARGET_S = 5.0
INSERTED = "A sentence written here for this benchmark opens the text now. "
SHORT_REPEAT = 300


def book(folder: Path) -> Path:
    """The book's file: the real one, or a generated book of its size written into ``folder``."""
    if BOOK.is_file():
        return BOOK
    path = folder / "generated-book.txt"
    if not path.is_file():
        paragraphs = (
            " ".join(
                f"Sentence {p}.{i} of a generated chapter, as long as most." for i in range(10)
            )
            for p in range(2784)
        )
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def build(folder: Path) -> Path:
    """The database: every sentence of the book tagged by each annotator."""
    from tuireader.store import Store

    db = folder / "annotations.json"
    if db.is_file():
        return db
    article = load_article(book(folder))
    annotations = tagged(article)
    with Store.open(db, "ana") as store:
        store.attach(article)
        store.import_all(annotations, [])
    return db


def cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_read(db: Path, path: Path) -> dict[str, Any]:
    """In this process: what the reader does on opening the article the first time."""
    from tuireader.store import Store

    started, cpu = time.perf_counter(), cpu_seconds()
    article = load_article(path)
    len(article.sentences)
    segmented = cpu_seconds() - cpu
    with Store.open(db, "ana", create=False) as store:
        report = store.attach(article)
        shown = len(store.annotations(article.id))
        mine = len(store.mine(article.id))
    return {
        "cpu": cpu_seconds() - cpu,
        "segment_cpu": segmented,
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_rss_mb(),
        "annotations": shown,
        "mine": mine,
        "exact": report.exact,
    }


def tagged(article: Article) -> list[Annotation]:
    """Every sentence of ``article`` tagged by each annotator, as ``build`` stores them."""
    stamp = "2024-05-01T09:30:00.000Z"
    return [
        Annotation(
            article.id,
            s.start,
            s.end,
            TAGS[(s.index + n) % 3],
            Quote.from_body(article.body, s.start, s.end),
            who,
            "",
            f"{who}-{s.index:06d}",
            stamp,
        )
        for n, who in enumerate(ANNOTATORS)
        for s in article.sentences
    ]


def edited(article: Article) -> Article:
    """``article`` with one sentence added at the start of its first paragraph (a new id)."""
    from dataclasses import replace

    shift = len(INSERTED)
    (first_start, first_end), *rest = article.paragraphs
    return replace(
        article,
        id="edited-" + article.id,
        body=INSERTED + article.body,
        paragraphs=(
            (first_start, first_end + shift),
            *((start + shift, end + shift) for start, end in rest),
        ),
    )


REWORDED_EVERY = 100
"""``--reworded``: one sentence in this many gets a word added (so 1% are found only by the
fuzzy search)."""


def reworded(article: Article, every: int = REWORDED_EVERY) -> Article:
    """``edited(article)`` with every ``every``-th sentence of 30 characters or more reworded
    (" indeed" after its first word)."""
    body = edited(article).body
    shift = len(INSERTED)
    pieces: list[str] = []
    last = 0
    for s in article.sentences[5::every]:
        first, _, rest = s.text.partition(" ")
        if not rest or len(s.text) < 30:
            continue
        pieces += [body[last : s.start + shift], f"{first} indeed {rest}"]
        last = s.end + shift
    return of_text(article.title, "".join([*pieces, body[last:]]))


def of_text(title: str, text: str) -> Article:
    """An article of ``text``, its paragraphs split at blank lines."""
    from tuireader.articles import article_id

    spans, pos = [], 0
    for paragraph in text.split("\n\n"):
        spans.append((pos, pos + len(paragraph)))
        pos += len(paragraph) + 2
    return Article(article_id(text), title, text, tuple(spans))


def scaled(article: Article, scale: float) -> Article:
    """``article`` at ``scale`` times its size: the first paragraphs (``scale`` < 1), or the
    text followed by copies with their letters rotated (ROT13, 2, 3...: the same lengths and
    punctuation, so the same sentences, but none of them equal to the book's)."""
    import codecs

    if scale == 1:
        return article
    if scale < 1:
        keep = article.paragraphs[: max(1, round(len(article.paragraphs) * scale))]
        return of_text(article.title, article.body[: keep[-1][1]])
    copies = [article.body.rstrip("\n")]
    for n in range(1, round(scale)):
        copies.append(codecs.encode(copies[-1], "rot13") if n % 2 else copies[0].upper())
    return of_text(article.title, "\n\n".join(copies))


def short_article() -> Article:
    from tuireader.articles import from_text

    paragraphs = (
        " ".join(
            f"Paragraph {p} says thing number {i} about the harbour's budget, as planned."
            for i in range(5)
        )
        for p in range(8)
    )
    return from_text("A short article\n\n" + "\n\n".join(paragraphs) + "\n")


def attach_edited(path: Path, way: str) -> dict[str, Any]:
    """In this process: ``plan_attach`` of the edited book (or, ``short``, of an edited short
    article, ``SHORT_REPEAT`` times), the old way (every quote searched for) or the new."""
    import hashlib

    from tuireader import anchoring
    from tuireader.store.editing import plan_attach

    old_way, short = way.startswith("old"), way.endswith("short")
    if old_way:  # never indexed: every lookup searches the text, as before
        anchoring.INDEX_AFTER = sys.maxsize
    article = short_article() if short else load_article(path)
    if way.startswith("reworded"):  # reworded-EVERY-SCALE
        _, every, scale = way.split("-")
        article = scaled(article, float(scale))
        after = reworded(article, int(every))
    else:
        after = edited(article)
    before = tagged(article)
    len(after.sentences)
    repeat = SHORT_REPEAT if short else 1
    cpu = cpu_seconds()
    for _ in range(repeat):
        report, plan, adopted = plan_attach(after, [], {article.id: before})
    spent = cpu_seconds() - cpu
    digest = hashlib.sha256(
        repr(
            (
                [(a.id, a.start, a.end, a.anchor, a.quote) for a in plan.added],
                [a.id for a in report.orphans],
            )
        ).encode()
    ).hexdigest()[:16]
    # What the fuzzy search decided, for ``--compare`` to tell outcomes apart: each annotation
    # placed by it (where) and each orphaned; any other was found as it is (exact or moved).
    fuzzy = {a.id: (a.start, a.end) for a in plan.added if a.anchor == "fuzzy"}
    return {
        "cpu": spent,
        "fuzzy_spans": fuzzy if way.startswith("reworded") else {},
        "orphan_ids": sorted(a.id for a in report.orphans) if way.startswith("reworded") else [],
        "sentences": len(article.sentences),
        "moved": report.moved,
        "fuzzy": report.fuzzy,
        "exact": report.exact,
        "orphaned": report.orphaned,
        "adopted": len(adopted),
        "digest": digest,
        "peak_mb": peak_rss_mb(),
    }


def edited_main(path: Path, runs_new: int, runs_old: int, other: Path | None) -> int:
    """Old vs new re-anchoring of the edited book and of a short article, in fresh processes.
    Old: ``other``'s code (``--compare``), or this code with the index off."""
    print(f"old: {other or 'this code with Occurrences never indexing (every quote searched)'}")
    book_new = [child("edited-new", "-", str(path)) for _ in range(runs_new)]
    book_old = [child("edited-old", "-", str(path), source=other) for _ in range(runs_old)]
    short_new, short_old = [], []
    for _ in range(runs_new):
        short_old.append(child("edited-old-short", "-", str(path), source=other))
        short_new.append(child("edited-new-short", "-", str(path)))
    same = {r["digest"] for r in book_new + book_old}
    same_short = {r["digest"] for r in short_new + short_old}
    new, old = median(r["cpu"] for r in book_new), median(r["cpu"] for r in book_old)
    last = book_new[-1]
    print(
        f"edited book ({last['moved']:,} moved, {last['exact']:,} exact, "
        f"{last['orphaned']:,} orphaned, {last['adopted']} id adopted): "
        f"new {new:.2f} s CPU (median of {runs(book_new)}), peak "
        f"{max(r['peak_mb'] for r in book_new):.0f} MB; old {old:.2f} s CPU "
        f"({runs(book_old)}); new/old {new / old:.3f}; outcomes "
        f"{'identical' if len(same) == 1 else 'DIFFER'}"
    )
    snew, sold = median(r["cpu"] for r in short_new), median(r["cpu"] for r in short_old)
    print(
        f"edited short article ({short_new[-1]['moved']} moved), {SHORT_REPEAT} attaches: "
        f"new {snew:.3f} s CPU ({runs(short_new)}), old {sold:.3f} s ({runs(short_old)}), "
        f"new/old {snew / sold:.2f}; outcomes "
        f"{'identical' if len(same_short) == 1 else 'DIFFER'}"
    )
    met = new <= EDITED_TARGET_S and len(same) == 1 and len(same_short) == 1
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(
        f"edited_new_s={new:.3f} edited_old_s={old:.3f} short_ratio={snew / sold:.3f} "
        f"target_met={met}"
    )
    return 0 if met else 1


def reworded_main(
    path: Path, runs_new: int, other: Path | None, every: int, scales: list[float]
) -> int:
    """The book edited at the top with one sentence in ``every`` reworded, at each of
    ``scales`` times its size, this code against ``other``'s (``--compare``), alternating in
    fresh processes."""
    for scale in scales:
        reworded_at(path, runs_new, other, f"edited-reworded-{every}-{scale}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def reworded_at(path: Path, runs_new: int, other: Path | None, kind: str) -> None:
    new, old = [], []
    for _ in range(runs_new):
        if other is not None:
            old.append(child(kind, "-", str(path), source=other))
        new.append(child(kind, "-", str(path)))
    last = new[-1]
    line = (
        f"{kind.removeprefix('edited-')} ({last['sentences']:,} sentences, {last['moved']:,} "
        f"moved, {last['fuzzy']} fuzzy, {last['orphaned']} orphaned; load "
        f"{os.getloadavg()[0]:.1f}): {median(r['cpu'] for r in new):.2f} s CPU "
        f"(median of {runs(new)})"
    )
    if old:
        same = len({r["digest"] for r in new + old}) == 1
        line += (
            f"; {other}: {median(r['cpu'] for r in old):.2f} s ({runs(old)}); outcomes "
            f"{'identical' if same else 'DIFFER: ' + differences(last, old[-1])}"
        )
    print(line, flush=True)


def differences(new: dict[str, Any], old: dict[str, Any]) -> str:
    """How the outcomes of ``new`` differ from ``old``'s, annotation by annotation: placed
    elsewhere, orphaned instead of placed, placed instead of orphaned."""

    def outcome(result: dict[str, Any], key: str) -> str | tuple[int, int]:
        if key in result["fuzzy_spans"]:
            return tuple(result["fuzzy_spans"][key])
        return "orphaned" if key in orphans[id(result)] else "found"

    orphans = {id(r): set(r["orphan_ids"]) for r in (new, old)}
    keys = set(new["fuzzy_spans"]) | set(old["fuzzy_spans"]) | orphans[id(new)] | orphans[id(old)]
    kinds = {
        "placed elsewhere": 0,
        "orphaned instead of placed": 0,
        "placed instead of orphaned": 0,
    }
    for key in keys:
        a, b = outcome(new, key), outcome(old, key)
        if a == b:
            continue
        if a == "orphaned":
            kinds["orphaned instead of placed"] += 1
        elif b == "orphaned":
            kinds["placed instead of orphaned"] += 1
        else:
            kinds["placed elsewhere"] += 1
    return ", ".join(f"{n} {kind}" for kind, n in kinds.items())


def edited_all_over(article: Article, seed: int = 1) -> Article:
    """``article`` edited as a careless second edition would be: before 2% of its paragraphs a
    block of new ones (ROT13 of others: 1 to 10 paragraphs, one time in ten a chapter's worth of
    60), 2% of its paragraphs deleted, and in the others 1% of the sentences reworded (a word
    added), 1% deleted and 1% followed by a new one."""
    import codecs
    import random

    from tuireader.sentences import split_paragraph

    rng = random.Random(seed)
    paragraphs = article.body.split("\n\n")
    rotated = codecs.encode(article.body, "rot13").split("\n\n")
    out: list[str] = []
    for paragraph in paragraphs:
        roll = rng.random()
        if roll < 0.02:
            size = 60 if rng.random() < 0.1 else rng.randint(1, 10)
            at = rng.randrange(len(rotated) - size)
            out += rotated[at : at + size]
        elif roll < 0.04:
            continue
        pieces = []
        for a, b in split_paragraph(paragraph):
            sentence, roll = paragraph[a:b], rng.random()
            if roll < 0.01 and " " in sentence:
                first, _, rest = sentence.partition(" ")
                sentence = f"{first} indeed {rest}"
            elif roll < 0.02:
                continue
            elif roll < 0.03:
                sentence += " " + rng.choice(rotated[:200]).split(". ")[0] + "."
            pieces.append(sentence)
        out.append(" ".join(pieces))
    return of_text(article.title, "\n\n".join(out))


def window_main(path: Path) -> int:
    """Where the whole-text search places each quote found nowhere as it is, against where it
    was expected, for layers tagging one sentence in 1, 10 and 100 of the book edited all over;
    and how the window's outcomes differ from the whole text's."""
    from tuireader import anchoring
    from tuireader.anchoring import Displacements, Occurrences, by_fuzzy
    from tuireader.sentences import sentence_at

    article = load_article(path)
    after = edited_all_over(article)
    sentences = after.sentences
    print(
        f"book edited all over: {len(article.sentences):,} -> {len(sentences):,} sentences, "
        f"{len(article.body):,} -> {len(after.body):,} characters; window "
        f"{anchoring.FUZZY_WINDOW_CHARS:,} characters or {anchoring.FUZZY_WINDOW_SENTENCES} "
        f"sentences either side"
    )
    for every in (1, 10, 100):
        layer = [
            a for a in tagged(article)[: len(article.sentences)] if int(a.id[-6:]) % every == 0
        ]
        shared = Occurrences(after.body, [a.quote.exact for a in layer])
        found = []
        sought = []
        for ann in layer:
            outcome = shared.found(ann, sentences, None)
            if outcome is None:
                sought.append(ann)
                found.append((ann, None, anchoring.ORPHANED))
            else:
                found.append((ann, *outcome))
        expected = Displacements(found)
        chars: list[int] = []
        apart: list[int] = []
        kinds = dict.fromkeys(("same", "elsewhere", "orphaned", "placed"), 0)
        cpu = cpu_seconds()
        for ann in sought:
            near = expected.near(ann.start)
            shared.fuzzy(ann, sentences, near)
        windowed_cpu = cpu_seconds() - cpu
        cpu = cpu_seconds()
        for ann in sought:
            near = expected.near(ann.start)
            whole = by_fuzzy(ann, after.body, sentences, shared)
            windowed = shared.fuzzy(ann, sentences, near)
            kinds[
                "same"
                if whole == windowed
                else "orphaned"
                if windowed is None
                else "placed"
                if whole is None
                else "elsewhere"
            ] += 1
            if whole is not None and whole == windowed:
                chars.append(max(0, near[0] - whole[0], whole[0] - near[1]))
                at = sentence_at(sentences, whole[0]) or 0
                low, high = (sentence_at(sentences, n) or len(sentences) for n in near)
                apart.append(max(0, low - at, at - high))
        whole_cpu = cpu_seconds() - cpu
        chars.sort()
        apart.sort()

        def pct(values: list[int], q: float) -> int:
            return values[min(len(values) - 1, int(q * len(values)))] if values else 0

        print(
            f"one sentence in {every}: {len(layer):,} tags, {len(sought):,} found nowhere as "
            f"they are, {len(chars):,} placed alike by the window and the whole-text search, "
            f"from where expected: median {pct(chars, 0.5):,} / p99 {pct(chars, 0.99):,} / max "
            f"{pct(chars, 1.0):,} characters, max {pct(apart, 1.0)} sentences; window vs whole "
            f"text: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()) + f"; fuzzy CPU "
            f"window {windowed_cpu:.2f} s, whole text {whole_cpu:.2f} s (load "
            f"{os.getloadavg()[0]:.1f})",
            flush=True,
        )
    return 0


def baseline(path: Path) -> dict[str, Any]:
    """In this process: reading and segmenting the book alone."""
    started, cpu = time.perf_counter(), cpu_seconds()
    article: Article = load_article(path)
    len(article.sentences)
    return {
        "cpu": cpu_seconds() - cpu,
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_rss_mb(),
    }


def child(*argv: str, source: Path | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop(SOURCE_ENV, None)
    if source is not None:
        env[SOURCE_ENV] = str(source)
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", type=Path, help="keep the database here and reuse it")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one first read")
    parser.add_argument(
        "--compare", type=Path, metavar="DIR", help="also time another checkout's first read"
    )
    parser.add_argument(
        "--edited", action="store_true", help="time re-anchoring the book after an edit"
    )
    parser.add_argument(
        "--old-runs", type=int, default=1, help="--edited: runs of the old way (~50 s each)"
    )
    parser.add_argument(
        "--reworded",
        action="store_true",
        help="time re-anchoring the book edited at the top with 1%% of its sentences reworded",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=REWORDED_EVERY,
        help="--reworded: one sentence in this many reworded (100: 1%%)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        action="append",
        help="--reworded: the book at this size (0.5: its first half; 2: doubled), repeatable",
    )
    parser.add_argument(
        "--window",
        action="store_true",
        help="how far reworded quotes land from where expected, on the book edited all over",
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DB", "BOOK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db, path = args.child
        if kind.startswith("edited-"):
            print(json.dumps(attach_edited(Path(path), kind.removeprefix("edited-"))))
            return 0
        job = first_read if kind == "read" else lambda _db, p: baseline(p)
        print(json.dumps(job(Path(db), Path(path))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.window:
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            return window_main(book(folder))
        if args.reworded:
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            other_src = None if args.compare is None else args.compare.resolve() / "src"
            return reworded_main(
                book(folder), args.runs, other_src, args.every, args.scale or [1.0]
            )
        if args.edited:
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            other_src = None if args.compare is None else args.compare.resolve() / "src"
            return edited_main(book(folder), args.runs, args.old_runs, other_src)
        started = time.perf_counter()
        db = build(folder)
        path = book(folder)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"database {db} ready in {time.perf_counter() - started:.1f} s")
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(first_read, db, path)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            return 0
        other = None if args.compare is None else args.compare.resolve() / "src"
        reads, bases, others = [], [], []
        for _ in range(args.runs):
            bases.append(child("base", str(db), str(path)))
            if other is not None:
                others.append(child("read", str(db), str(path), source=other))
            reads.append(child("read", str(db), str(path)))
        base = median(r["cpu"] for r in bases)
        read = median(r["cpu"] for r in reads)
        extra = read - base
        print(
            f"book alone (read + segment): {base:.2f} s CPU (median of {args.runs}: "
            f"{runs(bases)}), peak {max(r['peak_mb'] for r in bases):.0f} MB"
        )
        last = reads[-1]
        print(
            f"first read ({last['annotations']:,} annotations, {last['mine']:,} of ana's, "
            f"{last['exact']:,} exact): {read:.2f} s CPU (median of {runs(reads)}), "
            f"{median(r['seconds'] for r in reads):.2f} s wall, "
            f"peak {max(r['peak_mb'] for r in reads):.0f} MB"
        )
        if other is not None:
            then = median(r["cpu"] for r in others)
            print(
                f"first read with {other}: {then:.2f} s CPU (median of {runs(others)}), "
                f"{then - base:.2f} s beyond the book alone; this checkout's is "
                f"{read / then:.2f}x of it"
            )
        met = extra <= TARGET_S
        print(
            f"beyond the book alone: {extra:.2f} s CPU ({'ok' if met else 'NOT MET'}, <= {TARGET_S:.0f} s)"
        )
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        print(f"dense_first_read_s={read:.3f} dense_extra_s={extra:.3f} target_met={met}")
        return 0 if met else 1


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def runs(results: list[dict[str, Any]]) -> str:
    return ", ".join(format(r["cpu"], ".2f") for r in results)


if __name__ == "__main__":
    raise SystemExit(main())

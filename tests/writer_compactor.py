"""Helper process for the SIGKILL test of a compaction in the reader's writer thread: writes
tags as the reader does (``StoreWriter.write``, compaction deferred and handed to the same
thread when due), and prints what it may claim.

Each tag's annotation id is printed (``A <id>``) only once its write returned, which is when
the reader shows it. Around each compaction it prints ``C <monotonic>`` and ``D <monotonic>``
(from the writer thread) so the test can kill inside one.

Usage: writer_compactor.py DB NAME
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.store import Store
from tuireader.ui.store_writer import StoreWriter

TAGS = ("fact", "speculation", "expert_opinion")
SENTENCES = 6000
BASE = "base"


def articles() -> list[Article]:
    """Three long articles every run tags (each in its own layer), so every compaction
    rewrites big shards and the main file: it takes a while."""
    return [
        from_text(" ".join(f"Part {p} line {i} states a checked thing." for i in range(SENTENCES)))
        for p in range(3)
    ]


def fill(db: Path, texts: list[Article]) -> None:
    """The database's bulk: every sentence of every article tagged by ``base``."""
    with Store.open(db, BASE) as store:
        for article in texts:
            runs = [(i, i, TAGS[i % 3]) for i in range(len(article.sentences))]
            store.tag_many(article, runs, "fill")


def main() -> None:
    db, name = Path(sys.argv[1]), sys.argv[2]
    texts = articles()
    if not db.exists():
        fill(db, texts)
        print("F", flush=True)
    storage.JOURNAL_MIN = 4000  # due every few tags, as a long session's journal grows
    with Store.open(db, name, wait=10) as store:
        store.defer_compaction()
        writer = StoreWriter()

        def compact() -> None:
            print(f"C {time.monotonic()}", flush=True)
            store.compact()
            print(f"D {time.monotonic()}", flush=True)

        i = 0
        while True:
            article = texts[i % len(texts)]
            job = partial(store.tag, article, i // 3, i // 3, TAGS[i % 3])
            future = writer.write(job, lambda _: None)
            assert future is not None
            change = future.result()  # raises if it was not saved: nothing printed then
            writer.landed()
            print(f"A {change.after[-1].id}", flush=True)
            if store.compaction_due and not writer.busy:
                writer.submit(compact)  # as the reader's refresh timer and state saves do
            i += 1


if __name__ == "__main__":
    main()

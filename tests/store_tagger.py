"""Helper process for the lock and SIGKILL tests: tags an article of its own, one sentence at a
time, and prints each new annotation's id only after ``Store.tag`` has returned (i.e. saved).

Usage: store_tagger.py DB NAME [COUNT]   (COUNT 0 or absent: until killed)
"""

from __future__ import annotations

import sys
from pathlib import Path

from tuireader import storage
from tuireader.articles import from_text
from tuireader.store import Store

TAGS = ("fact", "speculation", "expert_opinion")


def main() -> None:
    db, name = Path(sys.argv[1]), sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    # Each run gets its own two articles, so no run ever retags (and replaces) another run's
    # records; tagging both in turn makes each compaction write several shards.
    articles = [
        from_text(
            " ".join(f"Report {name} {part} line {i} states a fact." for i in range(count or 600))
        )
        for part in ("one", "two")
    ]
    # A small journal: compactions (shards, main file, backup and journal rewritten) every few
    # tags, so kills land in them too.
    storage.JOURNAL_MIN = 2000
    with Store.open(db, name, wait=10) as store:
        i = 0
        while not count or i < count:
            change = store.tag(articles[i % 2], i // 2, i // 2, TAGS[i % 3])
            print(change.after[-1].id, flush=True)
            i += 1


if __name__ == "__main__":
    main()

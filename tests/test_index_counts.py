"""``dbformat.index.counted_entry``: an article's index document from its records' counts is
``index_count`` of each count in turn, key order included (the index is written as JSON)."""

from __future__ import annotations

import random

import orjson
import pytest

from tuireader.dbformat.index import count_key, counted_entry, index_count, index_entry
from tuireader.dbformat.layout import shard_name

NAMES = ("ana", "bo", "cy")
TAGS = ("fact", "speculation", "expert_opinion")
ANCHORS = (None, None, "orphaned", "moved", "fuzzy")


def by_index_count(article_id: str, counts: list[tuple[str, str, str | None, int]]) -> bytes:
    entry = {"file": shard_name(article_id), "tags": {}, "orphaned": {}}
    for annotator, tag, anchor, n in counts:
        index_count(entry, count_key({"annotator": annotator, "tag": tag, "anchor": anchor}), n)
    return orjson.dumps(entry)


@pytest.mark.parametrize("seed", range(60))
def test_counts_give_the_entry_index_count_gives(seed: int) -> None:
    rng = random.Random(seed)
    counts = [
        (rng.choice(NAMES), rng.choice(TAGS), rng.choice(ANCHORS), rng.randint(-3, 9))
        for _ in range(rng.randint(0, 12))
    ]
    if seed % 2:  # as ``record_counts`` gives them: positive only
        counts = [(a, t, o, abs(n) + 1) for a, t, o, n in counts]
    assert orjson.dumps(counted_entry("a1b2", counts)) == by_index_count("a1b2", counts)


def test_records_are_counted_per_annotator_tag_and_orphan() -> None:
    records = [
        {"annotator": "bo", "tag": "fact"},
        {"annotator": "ana", "tag": "fact", "anchor": "orphaned"},
        {"annotator": "bo", "tag": "speculation", "anchor": "moved"},
        {"annotator": "bo", "tag": "fact", "anchor": "orphaned"},
    ]
    assert index_entry("x", records) == {
        "file": shard_name("x"),
        "tags": {"bo": {"fact": 2, "speculation": 1}, "ana": {"fact": 1}},
        "orphaned": {"ana": 1, "bo": 1},
    }
